"""What the benchmarks share: the pose model's own cost on decoded frames, the floor every
stage of `gait` is measured against."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from gait.capture.video import VideoFile
from gait.pose.estimator import BlazePose, native_logs_silenced

SIZE = (1280, 720)  # the webcam size the speed targets are set at


def decoded(video: Path) -> list[np.ndarray]:
    """Every frame of a video file, decoded into memory (so decoding is not timed)."""
    return [frame.image for frame in VideoFile(video)]


def pose_model_seconds_per_frame(frames: list[np.ndarray], fps: float = 30.0) -> float:
    """Raw MediaPipe Pose (the bundled model) over the frames in order, per frame."""
    with native_logs_silenced(), BlazePose() as model:
        start = time.perf_counter()
        for i, frame in enumerate(frames):
            model.detect(frame, i / fps)
        return (time.perf_counter() - start) / len(frames)
