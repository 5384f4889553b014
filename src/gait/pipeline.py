"""The chain from what the user hands us to the analysis: a session folder, a video, a
pose track or an insole recording, each brought to a pose track and/or insole recording.

The CLI is a thin layer over these functions, so a notebook can run the same steps.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gait.analysis.events import Events as EventSet
from gait.analysis.events import from_contacts
from gait.analysis.metrics import GaitAnalysis, analyze_closeup, analyze_track, insole_only_metrics
from gait.analysis.pressure import pressure_metrics
from gait.analysis.signals import resample
from gait.capture.video import VideoFile
from gait.errors import GaitError
from gait.findings import evaluate
from gait.pose.extract import PoseReport, Progress, clean_track, video_to_track
from gait.recording import insole as insole_csv
from gait.recording import posetrack as ptrack
from gait.recording import session as sess
from gait.recording.exports import read_commented_csv, write_json, write_table
from gait.recording.framing import FRAMINGS
from gait.recording.insole import InsoleRecording
from gait.recording.journal import read_journal
from gait.recording.posetrack import PoseTrack
from gait.report import CycleCurves, Events, InsoleData, PerStride, ReportData, write_report
from gait.report.overlay import write_overlay
from gait.vision.frontal import measure_video

METRICS_FILE = "metrics.json"
FRAMES_FILE = "frames.csv"
STRIDES_FILE = "strides.csv"
OVERLAY_FILE = "overlay.mp4"


@dataclass(frozen=True)
class Inputs:
    """Recordings ready for analysis and where results go."""

    source: Path
    out_dir: Path
    track: PoseTrack | None
    pose_report: PoseReport | None
    insole: InsoleRecording | None
    video: Path | None = None  # the video the track came from, for the overlay
    framing: str = "body"  # "legs": a lower-leg close-up, measured on the image without a pose track
    # A recorded close-up's frame times (its journal's, one per video frame, on the insole's
    # clock): with no track to carry them, the video's own times would be its nominal rate's.
    clock: np.ndarray | None = None
    insole_apart: bool = False  # the insole was given apart from the video (--insole), maybe on another clock
    slow_motion: float = 1.0  # the video plays this many times slower than life; its times are divided by it


def _real_time(track: PoseTrack, slow_motion: float) -> PoseTrack:
    """A track of a clip that plays `slow_motion` times slower than life, on life's clock."""
    return track if slow_motion == 1.0 else replace(track, t=track.t / slow_motion)


def _track_from_video(video: Path, out_dir: Path, view: str | None, model_path, progress, slow_motion: float = 1.0
                      ) -> tuple[PoseTrack, PoseReport]:  # fmt: skip
    track, report = video_to_track(video, view=view, model_path=model_path, progress=progress)
    track = _real_time(track, slow_motion)  # pose.npz in real time
    out_dir.mkdir(parents=True, exist_ok=True)
    ptrack.save_posetrack(track, out_dir / sess.POSE_FILE)
    return track, report


def _track_from_journal(journal: Path, out_dir: Path, view: str | None) -> tuple[PoseTrack, PoseReport]:
    """A live recording's pose journal made into `pose.npz`, cleaned as a video's track is."""
    raw = read_journal(journal)
    if not raw.detected.any():
        raise GaitError(f"{journal}: no person found in any of its {len(raw)} frames"
                        " (for a close-up of shins and shoes, analyse it with --framing legs)")  # fmt: skip
    track, report = clean_track(raw, view)
    out_dir.mkdir(parents=True, exist_ok=True)
    ptrack.save_posetrack(track, out_dir / sess.POSE_FILE)
    return track, report


# A still picture opens as a one-frame video (OpenCV reads a JPEG that way).
_ONE_FRAME = "one frame only (a still picture?): a walk is measured on a video of several seconds"


def _walk_video(video: Path) -> Path:
    """`video`, once it is known to open and to hold more than one frame (before any model
    runs on it, so a bad file gets its one line and nothing else)."""
    with VideoFile(video) as source:
        if source.frame_count is not None and source.frame_count < 2:
            raise GaitError(f"{video}: {_ONE_FRAME}")
    return video


def _timed_as_it_happened(path: Path, what: str) -> GaitError:
    """The refusal of --slow-motion for `what` at `path`, whose clock is the walk's own."""
    return GaitError(f"{path}: {what} is timed as it happened; --slow-motion is for a video or pose track")


def resolve_input(
    path: str | os.PathLike,
    out_dir: str | os.PathLike | None = None,
    view: str | None = None,
    model_path: str | os.PathLike | None = None,
    progress: Progress | None = None,
    insole: str | os.PathLike | None = None,
    framing: str = "body",
    slow_motion: float = 1.0,
) -> Inputs:
    """Bring `path` to a pose track and/or insole recording, running the pose model if needed.

    A session folder is analysed in place (a missing `pose.npz` is made from its pose
    journal when `gait record` left one, else from its video);
    another input writes its results to `out_dir`, by default `<name>-gait/` here.
    `insole` adds an insole CSV recorded on the same clock as a video or pose track.
    `framing="legs"` takes the video as a lower-leg close-up: no pose model is run (it would
    find nobody); the legs are found in the frames when the analysis measures them.
    `slow_motion` > 1: a video or pose track that plays that many times slower than life (a
    phone's slow-motion clip, exported at a normal frame rate); its times are divided by it.
    """
    path = Path(path)
    if not path.exists():
        raise GaitError(f"{path}: no such file or folder")
    if not (np.isfinite(slow_motion) and slow_motion >= 1.0):
        raise GaitError(f"--slow-motion must be 1 or more (how many times slower than life), not {slow_motion:g}")
    if framing not in FRAMINGS:
        raise GaitError(f"unknown framing {framing!r}: choose one of {', '.join(FRAMINGS)}")
    out = Path(out_dir) if out_dir else path if path.is_dir() else Path.cwd() / f"{path.stem}-gait"
    extra_insole = insole_csv.read_insole_csv(insole) if insole is not None else None
    session = sess.open_session(path) if path.is_dir() else None
    if slow_motion != 1.0 and session is not None:
        raise _timed_as_it_happened(path, "a recorded session")
    if session is not None and (session.info.get("camera") or {}).get("framing") == "legs":
        framing = "legs"
    closeup = framing == "legs"  # no pose model: a close-up of shins and shoes shows nobody
    track = report = insole = video = clock = None
    if session is not None:
        video = _walk_video(session.video) if session.video is not None else None
        if closeup:
            if video is None:
                raise GaitError(f"{path}: a lower-leg close-up (--framing legs) needs a video; this session has none")
            if session.pose is not None or session.pose_journal is not None:
                clock = (ptrack.load_posetrack(session.pose) if session.pose is not None
                         else read_journal(session.pose_journal)).t  # fmt: skip
        elif session.pose is not None:
            track = ptrack.load_posetrack(session.pose)
        elif session.pose_journal is not None:
            track, report = _track_from_journal(session.pose_journal, out, view)
        elif session.video is not None:
            track, report = _track_from_video(session.video, out, view, model_path, progress)
        if session.insole is not None:
            insole = insole_csv.read_insole_csv(session.insole)
        if track is None and insole is None and not closeup:
            raise GaitError(f"{path}: session holds neither a video, a pose track nor an insole recording")
    elif closeup and path.suffix.lower() in (".npz", ".csv"):
        raise GaitError(f"{path}: a lower-leg close-up (--framing legs) is measured on a video, not a {path.suffix} file")
    elif path.suffix.lower() == ".npz":
        track = _real_time(ptrack.load_posetrack(path), slow_motion)
    elif path.suffix.lower() == ".csv":
        schema = read_commented_csv(path, body=False)[0].get("schema", "")
        if schema == insole_csv.SCHEMA and slow_motion != 1.0:
            raise _timed_as_it_happened(path, "an insole recording")
        if schema == insole_csv.SCHEMA:
            insole = insole_csv.read_insole_csv(path)
        elif schema == ptrack.CSV_SCHEMA:
            track = _real_time(ptrack.read_csv(path), slow_motion)
        else:
            raise GaitError(f"{path}: neither an insole recording nor a pose-track CSV")
    else:
        video = _walk_video(path)
        if not closeup:
            track, report = _track_from_video(path, out, view, model_path, progress, slow_motion)
    if track is not None and view is not None and report is None:
        track = track.with_view(view)
    if extra_insole is not None:
        if insole is not None:
            raise GaitError(f"{path}: already holds an insole recording; give --insole only with a video or pose track")
        insole = extra_insole
    return Inputs(path, out, track, report, insole, video, framing, clock, extra_insole is not None, slow_motion)


@dataclass(frozen=True)
class Results:
    """What the analysis found: the metrics JSON and the pieces the report draws."""

    metrics: dict
    analysis: GaitAnalysis | None


def analyze(inputs: Inputs, landmarks: str = "estimated", measured_leg_length_difference_mm: float | None = None) -> Results:
    """Kinematics from the pose track, pressure from the insole, findings from both.

    `landmarks="true"` when the track holds known positions (see `analyze_track`); an
    insole on the same clock supplies the contact events that segment the strides. A leg-
    length difference measured standing (+ = right longer) is carried into the metrics,
    where the findings weigh it above the video's screen.
    """
    pressure = pressure_metrics(inputs.insole) if inputs.insole is not None else None
    contacts = None
    if pressure is not None:
        found = pressure.get("events") or {}
        contacts = from_contacts(
            {s: (found.get(s) or {}).get("heel_strike_s", []) for s in ("left", "right")},
            {s: (found.get(s) or {}).get("toe_off_s", []) for s in ("left", "right")},
            "insole",
        )
    if inputs.framing == "legs" and inputs.video is not None:
        analysis = _analyze_closeup(inputs.video, contacts, inputs.clock, inputs.insole_apart, inputs.slow_motion)
        metrics = analysis.metrics()
    elif inputs.track is not None:
        if len(inputs.track) < 2:
            raise GaitError(f"{inputs.source}: {_ONE_FRAME}")
        # Frontal angles from the pixels (rearfoot, pelvis) where landmarks cannot carry them.
        frontal = measure_video(inputs.video, inputs.track) if inputs.video is not None and inputs.track.view in (
            "posterior", "anterior") else None  # fmt: skip
        analysis = analyze_track(inputs.track, contacts=contacts, landmarks=landmarks, frontal_image=frontal,
                                 contacts_apart=inputs.insole_apart)  # fmt: skip
        metrics = analysis.metrics()
    elif pressure is not None and inputs.insole is not None:
        analysis = None
        duration = float(inputs.insole.t[-1] - inputs.insole.t[0]) if len(inputs.insole) else 0.0
        metrics = insole_only_metrics(pressure, duration)
    else:
        raise GaitError(f"{inputs.source}: nothing to analyse")
    metrics["pressure"] = pressure
    if measured_leg_length_difference_mm is not None:
        metrics["leg_length_difference_measured_mm"] = float(measured_leg_length_difference_mm)
    metrics["findings"] = evaluate(metrics)
    return Results(metrics, analysis)


def _analyze_closeup(video: Path, contacts: EventSet | None, clock: np.ndarray | None, apart: bool,
                     slow_motion: float = 1.0) -> GaitAnalysis:  # fmt: skip
    """Rearfoot angles measured on a lower-leg close-up, the legs found in each frame (frame i
    at `clock[i]` when a recording gave its frames' times, else at its time in the video over
    `slow_motion`); `apart`: the contacts were recorded apart from the video."""
    with VideoFile(video) as source:
        size, n = source.size, source.frame_count
    frontal = measure_video(video, framing="legs", times=clock, slow_motion=slow_motion)
    if not any((q > 0).any() for q in frontal.rearfoot_quality.values()):
        raise GaitError(f"{video}: no lower legs found in any of its {n} frames (is it a close-up of shins and shoes from behind?)")
    return analyze_closeup(frontal, size, contacts, apart)


def report_data(inputs: Inputs, results: Results, title: str) -> ReportData:
    """Adapt the analysis outputs to what the report's figures take."""
    curves = pelvic = None
    events: list[Events] = []
    a = results.analysis
    if a is not None:
        raw = a.curves()
        # The report draws each side's pelvic curve as "the other hip lower = +"; the analysis
        # gives the obliquity itself (+ = right hip lower), which is that for left strides.
        right = raw["pelvic_obliquity_deg"]["right"]
        raw["pelvic_obliquity_deg"]["right"] = {**right, "mean": -right["mean"]}
        toe_off = results.metrics.get("stance_fraction") or {}
        curves = CycleCurves.from_mapping(raw, {s: 100.0 * v for s, v in toe_off.items() if v is not None})
        columns, rows = a.stride_table()
        col = {c: i for i, c in enumerate(columns)}
        drops = {
            side: ([r[col["start_s"]] for r in rows if r[col["side"]] == side and r[col["valid"]]],
                   [r[col["pelvic_drop_deg"]] for r in rows if r[col["side"]] == side and r[col["valid"]]])
            for side in ("left", "right")
        }  # fmt: skip
        if (rhythm := a.pelvis_rhythm) is not None:  # the drops read without strides
            pelvic = PerStride({s: (rhythm.times[f"{s}_stance"], rhythm.drops[f"{s}_stance"]) for s in ("left", "right")},
                               at="the drop")  # fmt: skip
        elif any(v is not None for _, vals in drops.values() for v in vals):
            pelvic = PerStride({s: (t, [np.nan if v is None else v for v in vals]) for s, (t, vals) in drops.items()})
        events.append(Events(results.metrics.get("events") or {}, "video"))
    insole = None
    pressure = results.metrics.get("pressure")
    if inputs.insole is not None and pressure:
        events.append(Events.from_pressure(pressure))
        if inputs.insole.layout is not None:
            insole = InsoleData.from_recording(inputs.insole, pressure)
    return ReportData(curves=curves, pelvic_drop=pelvic, events=events, insole=insole, title=title)


def write_results(
    inputs: Inputs, results: Results, json_path: str | os.PathLike | None = None,
    overlay: bool = True, title: str = "Walk screening report",
) -> list[Path]:  # fmt: skip
    """metrics.json, per-frame and per-stride CSVs, report.html with figures, and the overlay
    video when there is a video; returns the paths written."""
    out = inputs.out_dir
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GaitError(f"{out}: cannot create the output folder ({exc.strerror})") from None
    written = [write_json(out / METRICS_FILE, results.metrics)]
    if json_path is not None:
        written.append(write_json(json_path, results.metrics))
    data = report_data(inputs, results, title)
    a = results.analysis
    if a is not None:
        columns, values = a.frame_table()
        written.append(write_table(out / FRAMES_FILE, columns, values))
        columns, rows = a.stride_table()
        written.append(write_table(out / STRIDES_FILE, columns, rows))
    written.append(write_report(out, results.metrics, data))
    if overlay and a is not None and inputs.video is not None and inputs.track is not None:
        series = {f"{side.title()} knee frontal (deg)": a.series["knee_frontal_deg"][side] for side in ("left", "right")}
        series["Pelvic obliquity (deg, + right low)"] = a.pelvis.obliquity_deg
        # The analysis's clock (regular, maybe one stretch of a turning walk) to the video's frames.
        series = {name: resample(v, a.landmarks.t, inputs.track.t) for name, v in series.items()}
        written.append(write_overlay(inputs.video, inputs.track, out / OVERLAY_FILE, series, data.events[:1]))
    return written
