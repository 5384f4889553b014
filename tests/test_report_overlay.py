"""The overlay video: same frame count and size as the input, readable, with drawings on it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from conftest import write_phone_video, write_vfr_video, write_video
from gait.capture.video import VideoFile
from gait.errors import GaitError
from gait.report import Events
from gait.report.overlay import write_overlay
from gait.simulate import WalkParams, simulate_walk

SIZE = (320, 240)


@pytest.fixture(scope="module")
def walk_video(tmp_path_factory):
    walk = simulate_walk(WalkParams(duration_s=2.0, standing_s=0.5), seed=2)
    track = walk.posetrack("posterior", SIZE)
    folder = tmp_path_factory.mktemp("overlay")
    frames = [np.full((SIZE[1], SIZE[0], 3), 90, np.uint8) for _ in range(len(track))]
    return write_video(folder / "walk.mp4", frames), track, walk


def test_overlay_video_matches_input_and_shows_drawings(walk_video, tmp_path):
    video, track, walk = walk_video
    n = len(track)
    series = {"Left knee (deg)": np.linspace(0, 60, n), "Right knee (deg)": np.full(n, np.nan)}
    out = write_overlay(video, track, tmp_path / "overlay.mp4", series, [Events(walk.events())])
    frames = [frame.image for frame in VideoFile(out)]
    assert len(frames) == n == int(cv2.VideoCapture(str(video)).get(cv2.CAP_PROP_FRAME_COUNT))
    assert frames[0].shape == (SIZE[1], SIZE[0], 3)
    changed = np.mean([np.abs(f.astype(int) - 90).max(axis=2) > 40 for f in frames], axis=0)
    assert changed.mean() > 0.005  # skeleton and text drawn on the grey frames
    hip = track.pixels[n // 2, 24].round().astype(int)  # right hip, drawn in the right side's colour
    assert frames[n // 2][hip[1] - 3 : hip[1] + 4, hip[0] - 3 : hip[0] + 4].std() > 5


def test_overlay_of_a_portrait_phone_clip_is_upright_with_the_skeleton_in_place(walk_video, tmp_path):
    _, _, walk = walk_video
    portrait = SIZE[::-1]
    track = walk.posetrack("posterior", portrait)
    frames = [np.full((portrait[1], portrait[0], 3), 90, np.uint8) for _ in range(len(track))]
    out = write_overlay(write_phone_video(tmp_path / "phone.mp4", frames), track, tmp_path / "overlay.mp4")
    image = [frame.image for frame in VideoFile(out)][len(track) // 2]
    assert image.shape == (portrait[1], portrait[0], 3)
    hip = track.pixels[len(track) // 2, 24].round().astype(int)
    assert image[hip[1] - 3 : hip[1] + 4, hip[0] - 3 : hip[0] + 4].std() > 5


def test_overlay_of_a_variable_frame_rate_video_keeps_its_frames_times(walk_video, tmp_path):
    """A phone's clip that dropped to 15 fps for a while: the overlay shows each frame at its
    time, so it plays at the pace filmed (at the nominal 30 fps it ran 1.5x fast)."""
    _, track, _ = walk_video
    times = np.r_[np.arange(20), np.arange(20, 80, 2)] / 30.0
    frames = [np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)] * len(times)
    out = write_overlay(write_vfr_video(tmp_path / "vfr.mp4", frames, times), track, tmp_path / "overlay.mp4")
    np.testing.assert_allclose([f.t for f in VideoFile(out)], times, atol=1e-3)


def test_overlay_rejects_a_non_video(tmp_path, walk_video):
    _, track, _ = walk_video
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video\n")
    with pytest.raises(GaitError):
        write_overlay(bad, track, tmp_path / "out.mp4")
