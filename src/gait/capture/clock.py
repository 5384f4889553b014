"""One time base for everything a live session records, and how well each stream sits on it.

Every sample of a session (camera frames, insole frames) carries seconds on the host's
`time.monotonic()` minus one origin `t0`, the moment the recording starts (t = 0). Devices
open before that moment (the preview runs, the insole board answers its handshake), so the
clock is started once, later: sources stamp raw monotonic seconds and the session maps them.

`OffsetMeter` measures a stream against that clock: for each sample, host time at arrival
minus the device's own timestamp. Its median is the offset between the two clocks (plus the
typical transport delay), its spread is how uncertain a single sample's host time is.
"""

from __future__ import annotations

import threading
import time
from collections import deque

import numpy as np


class SessionClock:
    """Seconds since the session's `t0` on `time.monotonic()`; started once, when recording begins."""

    def __init__(self) -> None:
        self._t0: float | None = None

    def start(self, at: float | None = None) -> None:
        """Fix t = 0 at monotonic time `at` (default: now; a future time leaves room for a countdown)."""
        if self._t0 is not None:
            raise RuntimeError("session clock already started")
        self._t0 = time.monotonic() if at is None else at

    @property
    def started(self) -> bool:
        return self._t0 is not None

    @property
    def t0(self) -> float:
        """`time.monotonic()` at t = 0."""
        if self._t0 is None:
            raise RuntimeError("session clock not started")
        return self._t0

    def since(self, monotonic: float) -> float:
        """Session time of a raw `time.monotonic()` stamp."""
        return monotonic - self.t0

    def now(self) -> float:
        return time.monotonic() - self.t0


class OffsetMeter:
    """Host-minus-device offsets of a stream's samples, summarised as median and spread.

    Keeps the last `keep` samples (thread-safe: one thread adds while another summarises).
    """

    def __init__(self, keep: int = 20_000) -> None:
        self._lock = threading.Lock()
        self._offsets: deque[float] = deque(maxlen=keep)

    def add(self, host: float, device: float) -> None:
        with self._lock:
            self._offsets.append(host - device)

    def summary(self) -> dict | None:
        """{"samples", "median_s", "spread_s" (half the 5-95 % range), "min_s", "max_s"}; None if empty."""
        with self._lock:
            values = np.array(self._offsets, dtype=np.float64)
        if values.size == 0:
            return None
        p5, p50, p95 = np.percentile(values, [5, 50, 95])
        return {
            "samples": int(values.size),
            "median_s": round(float(p50), 6),
            "spread_s": round(float(p95 - p5) / 2.0, 6),
            "min_s": round(float(values.min()), 6),
            "max_s": round(float(values.max()), 6),
        }
