"""The frame source: real timestamps, streaming, and one-line errors for bad files."""

import tracemalloc

import numpy as np
import pytest

from conftest import ROOT, write_phone_video, write_vfr_video, write_video
from gait.capture.video import VideoFile, open_source
from gait.errors import GaitError
from gait.recording.mp4times import find_box, set_frame_times

DATA = ROOT / "tests" / "data"


def test_file_frames_carry_size_rate_and_presentation_times(figure_video):
    with VideoFile(figure_video) as src:
        assert src.size == (640, 480)
        assert src.fps == pytest.approx(30.0)
        assert src.frame_count == 60
        frames = [(f.index, f.t, f.image.shape) for f in src]
    assert [i for i, _, _ in frames] == list(range(60))
    np.testing.assert_allclose([t for _, t, _ in frames], np.arange(60) / 30.0, atol=1e-6)
    assert {shape for _, _, shape in frames} == {(480, 640, 3)}


def test_a_variable_frame_rate_reads_as_its_presentation_times(tmp_path):
    """A phone in dim light or a webcam under load: frames missing, the rest shown longer.
    Their times are the file's, not the frame's index over the nominal rate."""
    times = np.r_[np.arange(10), np.arange(10, 30, 2), [31, 32, 35, 36]] / 30.0
    frames = [np.full((48, 64, 3), 40, np.uint8)] * len(times)
    with VideoFile(write_vfr_video(tmp_path / "vfr.mp4", frames, times)) as src:
        got = [f.t for f in src]
    np.testing.assert_allclose(got, times, atol=1e-6)


def test_frame_times_that_do_not_fit_leave_the_file_as_it_was(tmp_path):
    """`set_frame_times` changes nothing when the times do not fit: a count that does not match,
    times that do not increase, or an index ahead of the frames (which would move them)."""
    path = write_video(tmp_path / "clip.mp4", [np.full((48, 64, 3), 40, np.uint8)] * 10)
    before = path.read_bytes()
    for times, message in ((np.arange(9) / 30.0, "9 frame times"), (np.r_[0.0, np.zeros(9)], "must increase")):
        with pytest.raises(ValueError, match=message):
            set_frame_times(path, times)
        assert path.read_bytes() == before
    (_, head), moov = find_box(before, (b"ftyp",)), find_box(before, (b"moov",))
    index_first = tmp_path / "faststart.mp4"
    index_first.write_bytes(before[:head] + before[moov[0] : moov[1]] + before[head : moov[0]])
    with pytest.raises(ValueError, match="not its last box"):
        set_frame_times(index_first, np.arange(10) / 30.0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip.mp4", "faststart.mp4"]  # nothing left beside


def test_iteration_streams_instead_of_holding_the_video(figure_video):
    frame_bytes = 640 * 480 * 3
    with open_source(figure_video) as src:
        tracemalloc.start()
        for _ in src:
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 6 * frame_bytes  # 60 frames went through; a handful at most were alive


@pytest.mark.parametrize(
    "content, message",
    [(None, "no such file"), (b"", "empty file"), (b"this is not a video" * 50, "not a video file")],
)
def test_bad_files_raise_one_clear_error(tmp_path, content, message):
    path = tmp_path / "clip.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(GaitError, match=message):
        VideoFile(path)


def test_a_stream_that_cannot_be_decoded_says_which_and_what_to_do():
    """AV1, which newer phones and screen recorders write: OpenCV's bundled FFmpeg opens the
    file but has no decoder for it (tests/data/av1_64x64.mp4: 5 frames by FFmpeg's
    libsvtav1). Before, this read as "video has no frames"."""
    with pytest.raises(GaitError, match=r"video stream \(AV01\) cannot be decoded here; convert it to H.264"):
        VideoFile(DATA / "av1_64x64.mp4")


def test_a_folder_is_not_a_video(tmp_path):
    with pytest.raises(GaitError, match="not a file"):
        VideoFile(tmp_path)


def test_a_phone_clip_stored_sideways_is_read_upright(tmp_path):
    # Portrait 240x320 frames with a mark in the top-left corner, stored as phones store them.
    frames = [np.full((320, 240, 3), 40, np.uint8) for _ in range(10)]
    for f in frames:
        f[:60, :80] = (0, 0, 255)
    with VideoFile(write_phone_video(tmp_path / "phone.mp4", frames)) as src:
        assert src.size == (240, 320)
        images = [f.image for f in src]
    assert {im.shape for im in images} == {(320, 240, 3)}
    red = np.argwhere(images[5][..., 2] > 200).mean(axis=0)
    np.testing.assert_allclose(red, [29.5, 39.5], atol=3)
