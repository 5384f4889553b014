"""A text progress bar on stderr: redrawn in place on a terminal, every few seconds in a log."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Callable as `bar(done, total)`; `total` None means an open-ended stream."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label, self.width = label, width
        self._stream = stream
        self._t0 = time.monotonic()
        self._last_draw = time.monotonic()
        self._line = ""

    @property
    def stream(self) -> TextIO:
        """The given stream, else whatever `sys.stderr` is at the time of drawing."""
        return self._stream or sys.stderr

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        elapsed = max(now - self._t0, 1e-9)
        rate = done / elapsed
        if total:
            frac = min(done / total, 1.0)
            filled = int(round(frac * self.width))
            bar = "#" * filled + "-" * (self.width - filled)
            self._line = f"{self.label} [{bar}] {done}/{total} frames, {rate:.1f} fps"
        else:
            self._line = f"{self.label}: {done} frames, {rate:.1f} fps"
        tty = self.stream.isatty()
        if now - self._last_draw >= (0.1 if tty else 5.0):
            self.stream.write("\r" + self._line if tty else self._line + "\n")
            self.stream.flush()
            self._last_draw = now

    def finish(self) -> None:
        """Leave the final count on its own line."""
        if self._line:
            self.stream.write(("\r" if self.stream.isatty() else "") + self._line + "\n")
            self.stream.flush()
