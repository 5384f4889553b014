"""MediaPipe Pose on frames: the bundled BlazePose full model, or a user's `.task` file.

Both run in video (tracking) mode: the detector fires once and the landmark model then
follows the person from frame to frame, which keeps one walker when others pass behind.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import mediapipe as mp
import numpy as np

from gait.errors import GaitError


@contextmanager
def native_logs_silenced() -> Iterator[None]:
    """Send what C++ code writes to file descriptor 2 to /dev/null, keep `sys.stderr` working.

    MediaPipe's TFLite and absl layers print INFO/WARNING lines straight to fd 2 (no
    environment variable turns them off in 0.10.21); the user should see only our lines.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    python_stderr = sys.stderr
    sys.stderr = os.fdopen(os.dup(saved), "w", buffering=1)
    try:
        yield
    finally:
        sys.stderr.close()
        sys.stderr = python_stderr
        os.dup2(saved, 2)
        os.close(saved)


@dataclass(frozen=True)
class Detection:
    """Landmarks of one person in one frame."""

    image: np.ndarray  # (33, 3) x/width, y/height, relative z
    visibility: np.ndarray  # (33,)
    world: np.ndarray  # (33, 3) metres, origin between the hips


class PoseModel(Protocol):
    """A pose model fed frames in time order; a context manager that closes it."""

    def detect(self, bgr: np.ndarray, t: float) -> Detection | None: ...

    def close(self) -> None: ...

    def __enter__(self) -> PoseModel: ...

    def __exit__(self, *exc: object) -> None: ...


class _Closing:
    """`with model:` closes the model on the way out."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _as_array(landmarks, fields: str) -> np.ndarray:
    return np.array([[getattr(lm, f) or 0.0 for f in fields] for lm in landmarks], np.float32)


class BlazePose(_Closing):
    """`mediapipe.solutions.pose` with the full landmark model shipped in the wheel.

    Only model_complexity=1 is used: the lite and heavy models are not in the wheel and
    MediaPipe would try to download them, which fails offline. `static=True` runs the
    person detector on every frame instead of tracking (used to look for other people).
    """

    def __init__(self, static: bool = False, min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5) -> None:
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=static,
            model_complexity=1,
            smooth_landmarks=True,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def detect(self, bgr: np.ndarray, t: float) -> Detection | None:
        result = self._pose.process(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        if result.pose_landmarks is None:
            return None
        lms = _as_array(result.pose_landmarks.landmark, ("x", "y", "z", "visibility"))
        world = _as_array(result.pose_world_landmarks.landmark, ("x", "y", "z"))
        return Detection(lms[:, :3], lms[:, 3], world)

    def close(self) -> None:
        self._pose.close()


class TaskPose(_Closing):
    """MediaPipe Tasks `PoseLandmarker` from a `.task` model file the user supplies."""

    def __init__(self, model_path: str | os.PathLike) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        path = Path(model_path)
        if not path.is_file():
            raise GaitError(f"{path}: no such model file")
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=vision.RunningMode.VIDEO,
            num_poses=1,
        )
        try:
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            raise GaitError(f"{path}: not a MediaPipe pose landmarker model ({exc})") from None
        self._last_ms = -1

    def detect(self, bgr: np.ndarray, t: float) -> Detection | None:
        rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
        ms = max(int(round(t * 1000.0)), self._last_ms + 1)  # the API wants rising integer ms
        self._last_ms = ms
        result = self._landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), ms)
        if not result.pose_landmarks:
            return None
        lms = _as_array(result.pose_landmarks[0], ("x", "y", "z", "visibility"))
        world = _as_array(result.pose_world_landmarks[0], ("x", "y", "z"))
        return Detection(lms[:, :3], lms[:, 3], world)

    def close(self) -> None:
        self._landmarker.close()


def open_model(model_path: str | os.PathLike | None = None) -> PoseModel:
    """The bundled BlazePose model, or the Tasks model at `model_path`."""
    return BlazePose() if model_path is None else TaskPose(model_path)
