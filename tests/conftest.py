"""Shared fixtures: a drawn figure that MediaPipe detects, and the ../shared data folder."""

from __future__ import annotations

import os
import struct
from pathlib import Path

import cv2
import numpy as np
import pytest

from gait import landmarks as lm
from gait.recording.mp4times import find_box, set_frame_times

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """`../shared` beside the repository (or $GAIT_SHARED)."""
    return Path(os.environ.get("GAIT_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = shared_dir() / "data"
    if not data.is_dir():
        pytest.skip("../shared/data is not present")
    return data


@pytest.fixture
def insole(shared_data: Path) -> Path:
    """The public insole recordings in ../shared/data."""
    folder = shared_data / "insole"
    if not folder.is_dir():
        pytest.skip(f"public insole recordings not found at {folder}")
    return folder


SKIN, SHIRT, TROUSERS, SHOES = (150, 180, 220), (150, 80, 40), (60, 50, 50), (30, 30, 30)


def figure_joints(
    i: int, size: tuple[int, int] = (640, 480), centre: int | None = None, scale: float = 1.0, top: int = 0
) -> dict[int, tuple[int, int]]:
    """Pixel positions of a front-facing figure stepping in place, frame `i` at 30 fps.

    By default the figure fills the frame's height at its centre; `centre`, `scale` and
    `top` place a smaller one elsewhere.
    """
    w, h = size
    cx = (w // 2 if centre is None else centre) + int(20 * scale * np.sin(i / 15))
    s = h / 480 * scale
    lift = int(18 * s * max(0.0, np.sin(i / 5)))  # knees lift alternately
    lift2 = int(18 * s * max(0.0, -np.sin(i / 5)))

    def p(dx: float, dy: float, up: int = 0) -> tuple[int, int]:
        return (int(cx + dx * s), top + int(dy * s) - up)

    # The subject faces the camera: their left is on the image's right.
    return {
        lm.NOSE: p(0, 62),
        lm.LEFT_SHOULDER: p(52, 110), lm.RIGHT_SHOULDER: p(-52, 110),
        lm.LEFT_ELBOW: p(62, 170), lm.RIGHT_ELBOW: p(-62, 170),
        lm.LEFT_WRIST: p(66, 225), lm.RIGHT_WRIST: p(-66, 225),
        lm.LEFT_HIP: p(30, 240), lm.RIGHT_HIP: p(-30, 240),
        lm.LEFT_KNEE: p(34, 320, lift), lm.RIGHT_KNEE: p(-34, 320, lift2),
        lm.LEFT_ANKLE: p(36, 400, lift), lm.RIGHT_ANKLE: p(-36, 400, lift2),
        lm.LEFT_FOOT_INDEX: p(40, 422, lift), lm.RIGHT_FOOT_INDEX: p(-40, 422, lift2),
    }  # fmt: skip


def draw_figure(i: int, size: tuple[int, int] = (640, 480), canvas: np.ndarray | None = None, **place) -> np.ndarray:
    """A shaded cartoon person (BGR) drawn with OpenCV capsules, on `canvas` or a new room."""
    w, h = size
    if canvas is None:
        img = np.full((h, w, 3), 205, np.uint8)
        img[int(h * 0.85) :] = (150, 160, 150)  # floor
    else:
        img = canvas
    j = figure_joints(i, size, **place)
    s = h / 480 * place.get("scale", 1.0)

    def capsule(a: int, b: int, r: float, colour: tuple[int, int, int]) -> None:
        rr = max(int(r * s), 1)
        cv2.line(img, j[a], j[b], colour, 2 * rr, cv2.LINE_AA)
        for q in (a, b):
            cv2.circle(img, j[q], rr, colour, -1, cv2.LINE_AA)

    for a, b, r, c in (
        (lm.LEFT_HIP, lm.LEFT_KNEE, 17, TROUSERS), (lm.LEFT_KNEE, lm.LEFT_ANKLE, 13, TROUSERS),
        (lm.RIGHT_HIP, lm.RIGHT_KNEE, 17, TROUSERS), (lm.RIGHT_KNEE, lm.RIGHT_ANKLE, 13, TROUSERS),
        (lm.LEFT_ANKLE, lm.LEFT_FOOT_INDEX, 9, SHOES), (lm.RIGHT_ANKLE, lm.RIGHT_FOOT_INDEX, 9, SHOES),
    ):  # fmt: skip
        capsule(a, b, r, c)
    torso = np.array([j[lm.LEFT_SHOULDER], j[lm.RIGHT_SHOULDER], j[lm.RIGHT_HIP], j[lm.LEFT_HIP]])
    cv2.fillConvexPoly(img, torso, SHIRT, cv2.LINE_AA)
    for a, b, r, c in (
        (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER, 12, SHIRT), (lm.LEFT_HIP, lm.RIGHT_HIP, 16, TROUSERS),
        (lm.LEFT_SHOULDER, lm.LEFT_ELBOW, 10, SHIRT), (lm.RIGHT_SHOULDER, lm.RIGHT_ELBOW, 10, SHIRT),
        (lm.LEFT_ELBOW, lm.LEFT_WRIST, 8, SKIN), (lm.RIGHT_ELBOW, lm.RIGHT_WRIST, 8, SKIN),
    ):  # fmt: skip
        capsule(a, b, r, c)
    head = j[lm.NOSE]
    cv2.ellipse(img, head, (int(26 * s), int(32 * s)), 0, 0, 360, SKIN, -1, cv2.LINE_AA)
    for dx in (-10, 10):
        cv2.circle(img, (head[0] + int(dx * s), head[1] - int(6 * s)), max(int(3 * s), 1), (40, 30, 30), -1)
    cv2.line(img, (head[0] - int(8 * s), head[1] + int(14 * s)), (head[0] + int(8 * s), head[1] + int(14 * s)), (60, 60, 150), 2)
    return img


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    h, w = frames[0].shape[:2]
    out = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for f in frames:
        out.write(f)
    out.release()
    return path


def write_phone_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    """`frames` as a phone held upright stores them: each turned a quarter counterclockwise,
    with the track's display matrix (ISO/IEC 14496-12 'tkhd') saying to turn it back
    clockwise to show it (what FFmpeg reads as rotate 90)."""
    write_video(path, [cv2.rotate(f, cv2.ROTATE_90_COUNTERCLOCKWISE) for f in frames], fps)
    data = bytearray(path.read_bytes())
    tkhd = find_box(data, (b"moov", b"trak", b"tkhd"))[0] + 8
    # After version and flags, the times, track id and duration (32-bit fields in version 0,
    # the times and duration 64-bit in version 1), 8 reserved bytes, layer to volume and 2 more.
    matrix = tkhd + 4 + (20 if data[tkhd] == 0 else 32) + 16
    data[matrix : matrix + 36] = struct.pack(">9i", 0, 1 << 16, 0, -(1 << 16), 0, 0, 0, 0, 1 << 30)
    path.write_bytes(bytes(data))
    return path


def write_vfr_video(path: Path, frames: list[np.ndarray], times: np.ndarray, fps: float = 30.0) -> Path:
    """`frames` shown at presentation `times` (s from the first), as a phone's variable frame
    rate or a webcam's dropped frames store them (`set_frame_times`: one duration per frame)."""
    set_frame_times(write_video(path, frames, fps), times)
    return path


@pytest.fixture(scope="session")
def figure_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two seconds of the drawn figure, 640x480 at 30 fps."""
    path = tmp_path_factory.mktemp("video") / "figure.mp4"
    return write_video(path, [draw_figure(i) for i in range(60)])
