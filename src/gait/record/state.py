"""What a recording is asked to do, what it reports while running, and what it leaves."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from gait.capture.calibration import Calibration
from gait.pose.estimator import Detection
from gait.recording.insole import InsoleLayout


@dataclass(frozen=True)
class RecordOptions:
    """What to record, where, and for how long."""

    folder: Path
    camera: int | None = None
    video: Path | None = None  # played at its real rate in place of a camera
    insole: str | None = None  # serial port or "auto"
    calibration: Calibration | None = None
    layout: InsoleLayout | None = None
    baudrate: int = 1_000_000
    duration: float | None = None  # seconds from the start of the recording (standing included)
    countdown: float = 3.0
    stand: float = 3.0
    view: str | None = None
    model: Path | None = None
    framing: str = "body"  # "legs": a lower-leg close-up, no pose model (it would find nobody)


@dataclass
class Status:
    """A snapshot for the preview or progress lines."""

    phase: str  # ready, countdown, standing, walking
    t: float | None  # session time, None before the countdown
    phase_left_s: float | None  # countdown or standing seconds still to go
    frames: int = 0
    detected: int = 0
    lost: int = 0
    skipped: int = 0
    image: np.ndarray | None = None
    found: Detection | None = None
    view: str = "unknown"
    angles: dict[str, float] = field(default_factory=dict)
    insole: str | None = None  # one line about the insole, None without one


@dataclass(frozen=True)
class RecordResult:
    folder: Path
    recorded: bool  # False when stopped before t = 0 (the folder was removed)
    duration_s: float
    stop_reason: str
    frames: int
    detected: int
    lost: int
    skipped: int
    insole_rows: int | None
    insole_lost: int | None
    insole_unplugged_at: float | None
    video_note: str | None = None  # why video.mp4 keeps the camera's stated rate, if it does



class Ui(Protocol):
    """The preview window or the headless progress printer."""

    waits_for_start: bool  # True: phase "ready" until update() returns "start"

    def update(self, status: Status) -> str | None:
        """Show `status`; return "start", "stop" or None. Paces the main loop."""
        ...

    def say(self, text: str) -> None: ...

    def close(self) -> None: ...
