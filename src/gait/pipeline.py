"""The chain from what the user hands us to the analysis: a session folder, a video, a
pose track or an insole recording, each brought to a pose track and/or insole recording.

The CLI is a thin layer over these functions, so a notebook can run the same steps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from gait.errors import GaitError
from gait.pose.extract import PoseReport, Progress, video_to_track
from gait.recording import insole as insole_csv
from gait.recording import posetrack as ptrack
from gait.recording import session as sess
from gait.recording.insole import InsoleRecording
from gait.recording.posetrack import PoseTrack


@dataclass(frozen=True)
class Inputs:
    """Recordings ready for analysis and where results go."""

    source: Path
    out_dir: Path
    track: PoseTrack | None
    pose_report: PoseReport | None
    insole: InsoleRecording | None


def _csv_schema(path: Path) -> str:
    try:
        with open(path, errors="replace") as fh:
            for line in fh:
                if not line.startswith("#"):
                    break
                key, _, value = line[1:].partition(":")
                if key.strip() == "schema":
                    return value.strip()
    except OSError as exc:
        raise GaitError(f"{path}: cannot read ({exc.strerror})") from None
    return ""


def _track_from_video(video: Path, out_dir: Path, view: str | None, model_path, progress) -> tuple[PoseTrack, PoseReport]:
    track, report = video_to_track(video, view=view, model_path=model_path, progress=progress)
    out_dir.mkdir(parents=True, exist_ok=True)
    ptrack.save_posetrack(track, out_dir / sess.POSE_FILE)
    return track, report


def resolve_input(
    path: str | os.PathLike,
    out_dir: str | os.PathLike | None = None,
    view: str | None = None,
    model_path: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> Inputs:
    """Bring `path` to a pose track and/or insole recording, running the pose model if needed.

    A session folder is analysed in place (a missing `pose.npz` is made from its video);
    another input writes its results to `out_dir`, by default `<name>-gait/` here.
    """
    path = Path(path)
    if not path.exists():
        raise GaitError(f"{path}: no such file or folder")
    out = Path(out_dir) if out_dir else path if path.is_dir() else Path.cwd() / f"{path.stem}-gait"
    track = report = insole = None
    if path.is_dir():
        session = sess.open_session(path)
        if session.pose is not None:
            track = ptrack.load_posetrack(session.pose)
        elif session.video is not None:
            track, report = _track_from_video(session.video, out, view, model_path, progress)
        if session.insole is not None:
            insole = insole_csv.read_insole_csv(session.insole)
        if track is None and insole is None:
            raise GaitError(f"{path}: session holds neither a video, a pose track nor an insole recording")
    elif path.suffix.lower() == ".npz":
        track = ptrack.load_posetrack(path)
    elif path.suffix.lower() == ".csv":
        schema = _csv_schema(path)
        if schema == insole_csv.SCHEMA:
            insole = insole_csv.read_insole_csv(path)
        elif schema == ptrack.CSV_SCHEMA:
            track = ptrack.read_csv(path)
        else:
            raise GaitError(f"{path}: neither an insole recording nor a pose-track CSV")
    else:
        track, report = _track_from_video(path, out, view, model_path, progress)
    if track is not None and view is not None and report is None:
        track = track.with_view(view)
    return Inputs(path, out, track, report, insole)
