"""MediaPipe on rendered video: the person is found where the figure is drawn."""

import numpy as np
import pytest

from conftest import draw_figure, figure_joints, write_phone_video, write_video
from gait import landmarks as lm
from gait.errors import GaitError
from gait.pose.extract import video_to_track


@pytest.fixture(scope="module")
def figure_track(figure_video):
    return video_to_track(figure_video)


def test_landmarks_are_found_on_the_drawn_joints(figure_track):
    track, report = figure_track
    assert report.detected_fraction >= 0.95 and report.legs_in_frame_fraction >= 0.9
    px = track.pixels
    for joint in (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER, lm.LEFT_HIP, lm.RIGHT_HIP,
                  lm.LEFT_KNEE, lm.RIGHT_KNEE, lm.LEFT_ANKLE, lm.RIGHT_ANKLE):  # fmt: skip
        truth = np.array([figure_joints(i)[joint] for i in range(len(track))])
        error = np.hypot(*(px[:, joint] - truth).T)
        # The figure is ~420 px tall; MediaPipe places joints within ~5% of that.
        assert np.nanmedian(error) < 22, f"{lm.NAMES[joint]}: median error {np.nanmedian(error):.1f} px"


def test_front_view_is_detected_and_left_stays_the_subjects_left(figure_track):
    track, report = figure_track
    assert track.view == "anterior" and report.view.confidence > 0.8
    # Facing the camera, the subject's left hip is on the image's right.
    assert np.all(track.pixels[:, lm.LEFT_HIP, 0] > track.pixels[:, lm.RIGHT_HIP, 0])
    assert not report.mirrored


def test_times_and_world_landmarks(figure_track):
    track, _ = figure_track
    np.testing.assert_allclose(track.t, np.arange(60) / 30.0, atol=1e-6)
    hips_mid = track.world[:, [lm.LEFT_HIP, lm.RIGHT_HIP]].mean(axis=1)
    np.testing.assert_allclose(hips_mid, 0.0, atol=0.03)  # world origin between the hips
    assert np.all(np.abs(track.world) < 1.5)  # metres


def test_a_portrait_phone_clip_is_measured_upright(tmp_path):
    # Phones store a portrait clip's frames sideways and tag the turn; read untagged, the
    # figure would lie on its side in a 640x480 frame.
    size = (480, 640)
    video = write_phone_video(tmp_path / "phone.mp4", [draw_figure(i, size) for i in range(30)])
    track, report = video_to_track(video)
    assert track.size == size and report.detected_fraction >= 0.95
    for joint in (lm.LEFT_HIP, lm.RIGHT_HIP, lm.LEFT_KNEE, lm.RIGHT_KNEE, lm.LEFT_ANKLE, lm.RIGHT_ANKLE):
        truth = np.array([figure_joints(i, size)[joint] for i in range(len(track))])
        error = np.hypot(*(track.pixels[:, joint] - truth).T)
        assert np.nanmedian(error) < 30, f"{lm.NAMES[joint]}: median error {np.nanmedian(error):.1f} px"


def test_the_view_can_be_given(figure_video):
    track, report = video_to_track(figure_video, view="posterior")
    assert track.view == "posterior" and report.view.reason == "given"


def test_a_video_without_a_person_is_an_error(tmp_path):
    frames = [np.full((240, 320, 3), 90 + i, np.uint8) for i in range(15)]
    with pytest.raises(GaitError, match="no person found in any of its 15 frames"):
        video_to_track(write_video(tmp_path / "empty_room.mp4", frames))


def test_the_walker_is_kept_when_someone_else_is_followed_first(tmp_path):
    # A small person far back (higher in the picture) is there from the start; the walker,
    # large and in front, steps in at frame 15. MediaPipe alone stays on the first one.
    frames = []
    for i in range(60):
        img = draw_figure(i, scale=0.45, centre=120, top=10)
        frames.append(draw_figure(i, canvas=img, centre=420) if i >= 15 else img)
    track, report = video_to_track(write_video(tmp_path / "two.mp4", frames))
    assert report.people >= 2 and report.rerun_on_crops
    later = np.arange(60) >= 20
    assert track.detected[later].mean() > 0.9
    hips = track.pixels[later][:, [lm.LEFT_HIP, lm.RIGHT_HIP]].mean(axis=1)
    truth = np.array([figure_joints(i, centre=420)[lm.LEFT_HIP] for i in range(20, 60)]) - [30, 0]
    assert np.nanmedian(np.hypot(*(hips - truth).T)) < 25


@pytest.fixture(scope="module")
def sports2d(shared_data):
    # Sports2D demo (BSD-3-Clause): a woman walks right to left across the frame while a
    # second person exercises on a roof behind her.
    return video_to_track(shared_data / "video" / "sports2d_demo_walk_sagittal.mp4")


def test_real_clip_stays_on_the_walker_and_reads_the_side_view(sports2d):
    track, report = sports2d
    assert track.view == "left"  # she faces image left: the camera sees her left side
    walking = slice(70, 180)
    assert track.detected[walking].mean() > 0.9
    ankles = track.image[walking][:, [lm.LEFT_ANKLE, lm.RIGHT_ANKLE], 1]
    assert np.nanmedian(ankles) > 0.75  # her feet are on the lawn, not on the roof (y ~0.4)
    hips_x = track.image[walking][:, lm.LEFT_HIP, 0]
    assert np.nanmedian(hips_x[:20]) > np.nanmedian(hips_x[-20:]) + 0.3  # walking right to left


def test_rendered_walker_from_behind_is_found_with_the_right_view_and_sides(tmp_path):
    from gait.simulate import WalkParams, render_video, simulate_walk

    walk = simulate_walk(WalkParams(duration_s=2.0, standing_s=0.5), seed=5)
    clip = render_video(walk, tmp_path / "walk.mp4", "posterior", (480, 360))
    track, report = video_to_track(clip)
    truth = walk.posetrack("posterior", (480, 360))
    assert track.view == "posterior" and report.detected_fraction > 0.9
    for joint in (lm.LEFT_HIP, lm.RIGHT_HIP, lm.LEFT_KNEE, lm.RIGHT_KNEE, lm.LEFT_ANKLE, lm.RIGHT_ANKLE):
        error = np.hypot(*(track.pixels[:, joint] - truth.pixels[:, joint]).T)
        # ~300 px tall figure; the README's table gives MediaPipe's error on these renders.
        assert np.nanmedian(error) < 10, f"{lm.NAMES[joint]}: {np.nanmedian(error):.1f} px"


def test_real_clip_gives_regular_events_and_a_plausible_walk(sports2d):
    from gait.analysis.metrics import analyze_track

    m = analyze_track(sports2d[0]).metrics()
    assert m["events"]["method"] == "zeni_image_x" and m["events"]["quality"] > 0.9
    assert min(m["strides"].values()) >= 3
    # Her heel strikes, checked by eye on the frames, fall about 0.61-0.63 s apart.
    assert 90 < m["cadence_spm"] < 105
    hs = sorted([(t, "L") for t in m["events"]["left"]["heel_strike"]] + [(t, "R") for t in m["events"]["right"]["heel_strike"]])
    assert all(a[1] != b[1] for a, b in zip(hs, hs[1:]))  # left and right alternate
