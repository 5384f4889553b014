"""Session folders: what `gait record` writes and `gait analyze` reads (see DESIGN.md).

A session holds `session.json`, `video.mp4` (when kept), `pose.npz`, and with an insole
`insole.csv` + `insole_layout.json`; analysis adds `metrics.json`, the report and CSVs.
A live recording also writes `pose.partial.csv`, the pose journal (`gait.recording.journal`)
from which `pose.npz` is made at stop, or on analysis when the recording was cut short.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gait.capture.video import VideoFile
from gait.errors import GaitError
from gait.recording.exports import read_json_doc, write_json

SCHEMA = "gait.session/1"
SESSION_FILE = "session.json"
VIDEO_FILE = "video.mp4"
POSE_FILE = "pose.npz"
POSE_JOURNAL_FILE = "pose.partial.csv"
INSOLE_FILE = "insole.csv"
INSOLE_LAYOUT_FILE = "insole_layout.json"


@dataclass(frozen=True)
class Session:
    """The parts of a session folder that exist on disk (a video only when it plays)."""

    folder: Path
    info: dict
    video: Path | None
    pose: Path | None
    insole: Path | None
    pose_journal: Path | None = None


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

    video = part(VIDEO_FILE)
    if video is not None and not _plays(video):
        video = None  # an mp4 whose recording was killed lacks its index; the journal has the pose
    return Session(folder, info, video, part(POSE_FILE), part(INSOLE_FILE), part(POSE_JOURNAL_FILE))


def _plays(video: Path) -> bool:
    try:
        VideoFile(video).close()
    except GaitError:
        return False
    return True


def check_new_session_folder(folder: str | os.PathLike) -> Path:
    """GaitError unless `folder` is free to become a new session (an existing one is never reused)
    and its nearest existing parent is a folder we may write in."""
    folder = Path(folder)
    if folder.exists() or folder.is_symlink():
        raise GaitError(f"{folder}: already exists (a session is never overwritten; choose a new folder)")
    parent = folder.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise GaitError(f"{folder}: cannot create the session folder ({parent} is not a writable folder)")
    return folder


def create_session_folder(folder: str | os.PathLike) -> Path:
    """Make a new, empty session folder (and its parents)."""
    folder = check_new_session_folder(folder)
    try:
        folder.mkdir(parents=True)
    except FileExistsError:
        raise GaitError(f"{folder}: already exists (a session is never overwritten; choose a new folder)") from None
    except OSError as exc:
        raise GaitError(f"{folder}: cannot create the session folder ({exc.strerror})") from None
    return folder


def write_session_info(folder: str | os.PathLike, info: dict) -> Path:
    """Write `session.json` atomically (a crash leaves the previous version, never half a file)."""
    return write_json(Path(folder) / SESSION_FILE, {"schema": SCHEMA, **info})
