"""Frame sources: video files and webcams behind one streaming interface (OpenCV).

A source yields `Frame`s one at a time, so memory does not grow with the length of the
video. Timestamps are real: a file's own presentation times, a camera's monotonic clock.
`PacedVideo` plays a file as if it were a camera (at its real rate, stamped on arrival):
the camera stand-in that live recording is tested with.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gait.errors import GaitError

# Bad files are reported by us in one line, not by OpenCV's or FFmpeg's own logs.
os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
import cv2  # noqa: E402


@dataclass(frozen=True)
class Frame:
    """One BGR image and when it was taken, in seconds from the start of the source.

    `device_t` is the device's own timestamp of the frame in seconds (a camera driver's, a
    file's presentation time) for live sources, whose `t` is the host clock at arrival;
    comparing the two measures the camera against the host clock. None when not known.
    """

    index: int
    t: float
    image: np.ndarray  # (H, W, 3) uint8, BGR
    device_t: float | None = None


class FrameSource:
    """Base of the sources: iterate for frames; `size`, `fps`, `frame_count` describe them."""

    size: tuple[int, int]  # width, height in pixels
    fps: float
    frame_count: int | None  # None for live sources
    name: str

    def __init__(self, capture: cv2.VideoCapture) -> None:
        self._cap = capture
        self.size = (
            int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        self._cap.release()

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_file(path: Path) -> cv2.VideoCapture:
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise GaitError(f"{path}: not a video file OpenCV can read")
    # A phone stores a portrait clip's frames sideways with a rotation tag, which players
    # honour. OpenCV 4.11 (what mediapipe==0.10.21 brings) no longer applies it by default
    # (opencv/opencv#26795): without this the walker would lie on its side, and the
    # reported size be the stored one.
    cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return cap


class VideoFile(FrameSource):
    """Frames of a video file, stamped with the file's own presentation times."""

    def __init__(self, path: str | os.PathLike) -> None:
        path = Path(path)
        if not path.exists():
            raise GaitError(f"{path}: no such file")
        if not path.is_file():
            raise GaitError(f"{path}: not a file")
        if path.stat().st_size == 0:
            raise GaitError(f"{path}: empty file")
        cap = _open_file(path)
        super().__init__(cap)
        self.name = str(path)
        fps = cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if fps and np.isfinite(fps) and fps > 0 else 30.0
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        self.frame_count = count if count > 0 else None
        if self.size[0] <= 0 or self.size[1] <= 0 or self.frame_count is None:
            cap.release()
            raise GaitError(f"{path}: video has no frames")
        # A container OpenCV opens may hold a stream its FFmpeg cannot decode: AV1, which
        # newer phones and screen recorders write, has no software decoder in the build that
        # opencv-python ships. Said here, by name, rather than as a video without frames.
        if not cap.grab():
            codec = int(cap.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode("ascii", "replace").strip("\0 ")
            cap.release()
            raise GaitError(f"{path}: its video stream ({codec or 'unknown codec'}) cannot be decoded here; convert "
                            f"it to H.264 (e.g. ffmpeg -i {path.name} -c:v libx264 walk.mp4)")  # fmt: skip
        cap.release()
        self._cap = _open_file(path)  # from the first frame again (seeking back is not exact for every codec)

    def __iter__(self) -> Iterator[Frame]:
        index, last_t = 0, -np.inf
        while True:
            ok, image = self._cap.read()
            if not ok:
                return
            t = self._cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            if not np.isfinite(t) or t <= last_t:
                # Containers without usable timestamps: fall back to the nominal rate.
                t = max(index / self.fps, last_t + 1e-6)
            yield Frame(index, t, image)
            index, last_t = index + 1, t


class PacedVideo(VideoFile):
    """A video file played as if it were a camera: each frame is handed out when its
    presentation time has passed since the first one on the monotonic clock, and stamped,
    like a camera's, with `time.monotonic() - t0` at hand-out (`t0` default: when opened;
    0.0 gives raw monotonic seconds). `device_t` is the file's presentation time."""

    def __init__(self, path: str | os.PathLike, t0: float | None = None) -> None:
        super().__init__(path)
        self.t0 = time.monotonic() if t0 is None else t0

    def __iter__(self) -> Iterator[Frame]:
        start = None
        for frame in super().__iter__():
            if start is None:
                start = time.monotonic() - frame.t
            wait = start + frame.t - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            yield Frame(frame.index, time.monotonic() - self.t0, frame.image, frame.t)


class Camera(FrameSource):
    """A live webcam, stamped with `time.monotonic() - t0` at each grab (`t0` default: when
    opened; 0.0 gives raw monotonic seconds). `device_t` is the driver's timestamp
    (OpenCV's CAP_PROP_POS_MSEC) where the backend gives one."""

    def __init__(
        self, index: int, size: tuple[int, int] | None = None, fps: float | None = None, t0: float | None = None
    ) -> None:
        cap = cv2.VideoCapture(index)
        if not cap.isOpened():
            raise GaitError(f"camera {index} does not open (is it connected and free?)")
        if size:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
        if fps:
            cap.set(cv2.CAP_PROP_FPS, fps)
        super().__init__(cap)
        self.name = f"camera {index}"
        reported = cap.get(cv2.CAP_PROP_FPS)
        self.fps = float(reported) if reported and reported > 0 else 30.0
        self.frame_count = None
        self.t0 = time.monotonic() if t0 is None else t0

    def __iter__(self) -> Iterator[Frame]:
        index = 0
        while True:
            ok = self._cap.grab()
            t = time.monotonic() - self.t0
            if not ok:
                return
            stamp = self._cap.get(cv2.CAP_PROP_POS_MSEC)
            ok, image = self._cap.retrieve()
            if not ok:
                return
            yield Frame(index, t, image, stamp / 1000.0 if np.isfinite(stamp) and stamp > 0 else None)
            index += 1


def open_source(spec: str | os.PathLike) -> FrameSource:
    """A camera for a bare integer ("0", "1"), otherwise a video file."""
    text = str(spec)
    if text.isdigit():
        return Camera(int(text))
    return VideoFile(text)
