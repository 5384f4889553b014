"""Session folders: what `gait record` writes and `gait analyze` reads (see DESIGN.md).

A session holds `session.json`, `video.mp4` (when kept), `pose.npz`, and with an insole
`insole.csv` + `insole_layout.json`; analysis adds `metrics.json`, the report and CSVs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gait.errors import GaitError
from gait.recording.exports import read_json_doc

SCHEMA = "gait.session/1"
SESSION_FILE = "session.json"
VIDEO_FILE = "video.mp4"
POSE_FILE = "pose.npz"
INSOLE_FILE = "insole.csv"
INSOLE_LAYOUT_FILE = "insole_layout.json"


@dataclass(frozen=True)
class Session:
    """The parts of a session folder that exist on disk."""

    folder: Path
    info: dict
    video: Path | None
    pose: Path | None
    insole: Path | None


def is_session(folder: str | os.PathLike) -> bool:
    return (Path(folder) / SESSION_FILE).is_file()


def open_session(folder: str | os.PathLike) -> Session:
    """Read `session.json` and find the recordings beside it."""
    folder = Path(folder)
    meta = folder / SESSION_FILE
    if not meta.is_file():
        raise GaitError(f"{folder}: not a session folder (no {SESSION_FILE})")
    info = read_json_doc(meta, SCHEMA, "session description")

    def part(name: str) -> Path | None:
        path = folder / name
        return path if path.is_file() and path.stat().st_size > 0 else None

    return Session(folder, info, part(VIDEO_FILE), part(POSE_FILE), part(INSOLE_FILE))
