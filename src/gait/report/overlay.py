"""The overlay video: skeleton, live angle values and gait-event flashes drawn on the input
video, written as mp4. Frames stream from reader to writer: the video is never held in memory.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import cv2
import numpy as np

from gait import landmarks as lm
from gait.capture.video import VideoFile
from gait.errors import GaitError
from gait.recording.mp4times import set_frame_times
from gait.recording.posetrack import PoseTrack
from gait.report.data import Events

# BGR versions of the report's side colours (style.SIDE_COLOURS): left blue, right vermillion.
BGR = {"left": (178, 114, 0), "right": (0, 94, 213), "centre": (235, 235, 235)}
BONES = {
    "left": ((lm.LEFT_SHOULDER, lm.LEFT_ELBOW), (lm.LEFT_ELBOW, lm.LEFT_WRIST), (lm.LEFT_SHOULDER, lm.LEFT_HIP),
             (lm.LEFT_HIP, lm.LEFT_KNEE), (lm.LEFT_KNEE, lm.LEFT_ANKLE), (lm.LEFT_ANKLE, lm.LEFT_HEEL),
             (lm.LEFT_HEEL, lm.LEFT_FOOT_INDEX), (lm.LEFT_ANKLE, lm.LEFT_FOOT_INDEX)),
    "right": ((lm.RIGHT_SHOULDER, lm.RIGHT_ELBOW), (lm.RIGHT_ELBOW, lm.RIGHT_WRIST), (lm.RIGHT_SHOULDER, lm.RIGHT_HIP),
              (lm.RIGHT_HIP, lm.RIGHT_KNEE), (lm.RIGHT_KNEE, lm.RIGHT_ANKLE), (lm.RIGHT_ANKLE, lm.RIGHT_HEEL),
              (lm.RIGHT_HEEL, lm.RIGHT_FOOT_INDEX), (lm.RIGHT_ANKLE, lm.RIGHT_FOOT_INDEX)),
    "centre": ((lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER), (lm.LEFT_HIP, lm.RIGHT_HIP)),
}  # fmt: skip
HEEL = {"left": lm.LEFT_HEEL, "right": lm.RIGHT_HEEL}
EVENT_LABEL = {"heel_strike": "HS", "toe_off": "TO"}
FONT = cv2.FONT_HERSHEY_SIMPLEX


def side_of(name: str) -> str:
    low = name.lower()
    return "left" if low.startswith("left") else "right" if low.startswith("right") else "centre"


def draw_skeleton(frame: np.ndarray, points: np.ndarray, scale: int) -> None:
    """Bones per side in the side's colour; joints as dots. NaN points are skipped."""
    ok = np.all(np.isfinite(points), axis=1)
    pts = np.where(ok[:, None], points, 0).round().astype(np.int32)
    for side, bones in BONES.items():
        for a, b in bones:
            if ok[a] and ok[b]:
                cv2.line(frame, tuple(pts[a]), tuple(pts[b]), BGR[side], 2 * scale, cv2.LINE_AA)
    for i in np.flatnonzero(ok[11:]) + 11:  # body landmarks only, not the face
        cv2.circle(frame, tuple(pts[i]), 3 * scale, (255, 255, 255), -1, cv2.LINE_AA)


def draw_values(frame: np.ndarray, series: Mapping[str, np.ndarray], i: int, scale: int) -> None:
    """One line per series with this frame's value, on a dark panel at the top left."""
    lines = [(name, values[i] if i < len(values) else np.nan) for name, values in series.items()]
    if not lines:
        return
    height = 22 * scale
    panel = frame[: height * len(lines) + 8 * scale, : 300 * scale]
    panel[:] = (0.45 * panel).astype(np.uint8)
    for k, (name, value) in enumerate(lines):
        text = f"{name}: {value:+.1f}" if np.isfinite(value) else f"{name}: -"
        colour = BGR[side_of(name)] if side_of(name) != "centre" else BGR["centre"]
        cv2.putText(frame, text, (6 * scale, height * (k + 1)), FONT, 0.5 * scale, colour, scale, cv2.LINE_AA)


def draw_events(frame: np.ndarray, points: np.ndarray, hits: list[tuple[str, str]], scale: int) -> None:
    """A ring at the heel and an HS/TO label for every event within the flash window."""
    for side, kind in hits:
        heel = points[HEEL[side]]
        colour = BGR[side]
        if np.all(np.isfinite(heel)):
            centre = tuple(heel.round().astype(np.int32))
            cv2.circle(frame, centre, 14 * scale, colour, 3 * scale, cv2.LINE_AA)
            cv2.putText(frame, EVENT_LABEL[kind], (centre[0] + 16 * scale, centre[1] - 10 * scale), FONT,
                        0.7 * scale, colour, 2 * scale, cv2.LINE_AA)  # fmt: skip
        banner = f"{side.upper()} {'HEEL STRIKE' if kind == 'heel_strike' else 'TOE OFF'}"
        x = frame.shape[1] - 230 * scale if side == "right" else frame.shape[1] - 460 * scale
        cv2.putText(frame, banner, (max(x, 4), frame.shape[0] - 12 * scale), FONT, 0.6 * scale, colour, 2 * scale,
                    cv2.LINE_AA)  # fmt: skip


def write_overlay(
    video: str | os.PathLike, track: PoseTrack, out: str | os.PathLike,
    series: Mapping[str, Sequence[float]] | None = None, events: Sequence[Events] = (), flash_s: float = 0.1,
) -> Path:  # fmt: skip
    """Draw `track`'s skeleton, the per-frame `series` (name -> one value per frame, e.g.
    "Left knee flexion (deg)") and flashes at `events` (within `flash_s` of each) on every
    frame of `video`; write `out` as mp4 ('mp4v') at the video's size, each frame at its time in
    `video` (a variable frame rate plays at the pace it was filmed, `set_frame_times`).

    Frame i of the video is matched with pose frame i (the track was made from this video);
    frames beyond the track get no skeleton.
    """
    video, out = Path(video), Path(out)
    with VideoFile(video) as source:  # upright as the pose stage read it (rotation tag applied)
        fps, size = source.fps, source.size
        writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"mp4v"), fps, size)
        if not writer.isOpened():
            raise GaitError(f"{out}: cannot write an mp4 video here")
        values = {name: np.asarray(v, dtype=np.float64).reshape(-1) for name, v in (series or {}).items()}
        points = track.image[:, :, :2] * np.asarray(size, dtype=np.float32)  # to this video's pixels
        scale = max(1, round(size[1] / 720))
        i, times = 0, []
        try:
            for frame in source:
                image = frame.image
                if i < len(track):
                    draw_skeleton(image, points[i], scale)
                    hits = [hit for ev in events for hit in ev.within(track.t[i], flash_s)]
                    draw_events(image, points[i], hits, scale)
                draw_values(image, values, i, scale)
                writer.write(image)
                times.append(frame.t)
                i += 1
        finally:
            writer.release()
    if i == 0:
        out.unlink(missing_ok=True)
        raise GaitError(f"{video}: no frame could be read")
    nominal = np.arange(i) / fps
    if not np.allclose(np.asarray(times) - times[0], nominal, atol=1e-3):
        try:
            set_frame_times(out, np.asarray(times))
        except ValueError:
            pass  # a layout this OpenCV does not write: the overlay stays at the nominal rate
    return out
