"""How a recording is shown: progress lines (headless) or the preview window."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

import cv2
import numpy as np

from gait.errors import GaitError
from gait.record.state import Status
from gait.report.overlay import draw_skeleton, draw_values


class HeadlessProgress:
    """No window: starts at once and prints the phases and, each second, the counts."""

    waits_for_start = False

    def __init__(self, stream: TextIO | None = None, every: float = 1.0, poll: float = 0.05) -> None:
        self._stream, self._every, self._poll = stream, every, poll
        self._phase: str | None = None
        self._count: int | None = None
        self._next = 0.0
        self._stand: float | None = None

    def _print(self, text: str) -> None:
        stream = self._stream or sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def update(self, status: Status) -> str | None:
        if status.phase != self._phase:
            self._phase = status.phase
            if status.phase == "standing":
                seconds = np.ceil(status.phase_left_s * 10) / 10
                self._print(f"stand still for {seconds:g} s: the level reference for pelvic drop and the "
                            "leg-length screen")  # fmt: skip
            elif status.phase == "walking":
                self._print("walk now (Ctrl-C stops)")
        if status.phase == "countdown" and status.phase_left_s is not None:
            count = int(np.ceil(status.phase_left_s))
            if count != self._count:
                self._count = count
                self._print(f"recording starts in {count} s")
        now = time.monotonic()
        if status.t is not None and status.t >= 0 and now >= self._next:
            self._next = now + self._every
            self._print(progress_line(status))
        time.sleep(self._poll)
        return None

    def say(self, text: str) -> None:
        self._print(text)

    def close(self) -> None:
        pass


def progress_line(status: Status) -> str:
    """`12.0 s walking: 360 frames, person in 358, lost 0, pose skipped 0; insole ...`"""
    parts = [f"{status.t:5.1f} s {status.phase}"]
    if status.image is not None or status.frames:
        parts.append(f"{status.frames} frames, person in {status.detected}, lost {status.lost}, "
                     f"pose skipped {status.skipped}")  # fmt: skip
    line = ": ".join(parts)
    return f"{line}; {status.insole}" if status.insole else line


FONT = cv2.FONT_HERSHEY_SIMPLEX
PHASE_TEXT = {"ready": "SPACE to start, Q/Esc to quit", "standing": "STAND STILL", "walking": "WALK"}


class PreviewWindow:
    """The live preview (OpenCV highgui): the newest frame with its skeleton, live angles, the
    phase and the counts. SPACE starts (countdown, stand still, walk); Q, Esc or closing the
    window stops. Made only when asked for: importing this module opens nothing."""

    waits_for_start = True
    NAME = "gait record"

    def __init__(self) -> None:
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
            # Qt would abort the process without a display; say it in one line instead.
            raise GaitError("no display for the preview window (DISPLAY is not set); use --headless")
        cv2.namedWindow(self.NAME, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO)
        self._note: tuple[float, str] | None = None

    def update(self, status: Status) -> str | None:
        canvas = status.image.copy() if status.image is not None else np.full((360, 640, 3), 40, np.uint8)
        h, w = canvas.shape[:2]
        scale = max(1, round(h / 720))
        if status.found is not None:
            draw_skeleton(canvas, status.found.image[:, :2] * np.array([w, h], np.float32), scale)
        if status.angles:
            draw_values(canvas, {k: np.array([v]) for k, v in status.angles.items()}, 0, scale)
        self._draw_status(canvas, status, scale)
        cv2.imshow(self.NAME, canvas)
        key = cv2.waitKey(15) & 0xFF
        if key in (ord("q"), ord("Q"), 27) or cv2.getWindowProperty(self.NAME, cv2.WND_PROP_VISIBLE) < 1:
            return "stop"
        return "start" if key == ord(" ") else None

    def _draw_status(self, img: np.ndarray, st: Status, scale: int) -> None:
        h, w = img.shape[:2]
        if st.phase == "countdown" and st.phase_left_s is not None:
            big = str(int(np.ceil(st.phase_left_s)))
        else:
            big = PHASE_TEXT.get(st.phase, "")
            if st.phase == "standing" and st.phase_left_s is not None:
                big += f" {np.ceil(st.phase_left_s):.0f}"
        size = 1.6 * scale if st.phase != "ready" else 0.9 * scale
        (tw, th), _ = cv2.getTextSize(big, FONT, size, 3 * scale)
        org = ((w - tw) // 2, h // 2 + th // 2 if st.phase == "countdown" else th + 90 * scale)
        cv2.putText(img, big, org, FONT, size, (0, 0, 0), 6 * scale, cv2.LINE_AA)
        cv2.putText(img, big, org, FONT, size, (255, 255, 255), 3 * scale, cv2.LINE_AA)
        if st.t is not None and st.t >= 0:
            cv2.circle(img, (w - 20 * scale, 20 * scale), 8 * scale, (0, 0, 230), -1, cv2.LINE_AA)
            cv2.putText(img, f"{st.t:.1f} s", (w - 110 * scale, 27 * scale), FONT, 0.6 * scale, (255, 255, 255),
                        scale, cv2.LINE_AA)  # fmt: skip
        lines = [f"view {st.view}; {st.frames} frames, person in {st.detected}, lost {st.lost}"]
        if st.insole:
            lines.append(st.insole)
        if self._note is not None and time.monotonic() - self._note[0] < 5.0:
            lines.append(self._note[1])
        band = img[h - (20 * len(lines) + 8) * scale :, :]
        band[:] = (0.4 * band).astype(np.uint8)
        for k, text in enumerate(lines):
            y = h - (20 * (len(lines) - k - 1) + 8) * scale
            cv2.putText(img, text, (8 * scale, y), FONT, 0.5 * scale, (255, 255, 255), scale, cv2.LINE_AA)

    def say(self, text: str) -> None:
        print(text, flush=True)
        self._note = (time.monotonic(), text)

    def close(self) -> None:
        cv2.destroyWindow(self.NAME)
        cv2.waitKey(1)
