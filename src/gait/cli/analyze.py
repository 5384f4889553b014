"""`gait analyze INPUT`: a video, pose track, insole recording or session folder, analysed."""

from __future__ import annotations

import argparse
from pathlib import Path

from gait.cli.pose import add_pose_options
from gait.recording.framing import FRAMINGS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze",
        help="analyse a walk from a video, pose track, insole recording or session folder",
        description="Analyse a walk. INPUT is a video file, a pose track (.npz), a pose-track or "
        "insole CSV, or a session folder written by `gait record`. Writes metrics.json, frames.csv, "
        "strides.csv, report.html (with figures) and, for a video, pose.npz and overlay.mp4 into "
        "the output folder. The tool screens movement; it does not diagnose.",
    )
    p.add_argument("input", type=Path, help="video, pose track, insole CSV or session folder")
    p.add_argument(
        "-o", "--out", type=Path, metavar="DIR",
        help="output folder (default: the session folder itself, else ./NAME-gait)",
    )  # fmt: skip
    p.add_argument("--json", type=Path, metavar="FILE", help="also write the gait.metrics/1 JSON here")
    p.add_argument("--insole", type=Path, metavar="FILE.csv", help="an insole recording on the same clock as the video")
    p.add_argument("--no-overlay", action="store_true", help="do not draw the overlay video")
    p.add_argument(
        "--framing", choices=FRAMINGS, default="body",
        help="what the video frames: the whole body (default; the pose model locates it), or 'legs', a "
        "close-up of shins and shoes from behind (e.g. behind a treadmill), where the legs are found in "
        "the image and only the rearfoot is measured; strides come from --insole, else from the shoe collars' "
        "motion in the image",
    )  # fmt: skip
    p.add_argument(
        "--slow-motion", type=float, default=1.0, metavar="N",
        help="the video plays N times slower than life (a phone's slow-motion clip saved at a normal "
        "frame rate, e.g. 8 for 240 fps shown at 30): its times are divided by N",
    )  # fmt: skip
    p.add_argument(
        "--measured-leg-length-difference", type=float, metavar="MM",
        help="a leg-length difference measured standing (tape or blocks), + = right leg longer; "
        "only with it does the report advise a heel lift directly",
    )  # fmt: skip
    p.add_argument(
        "--true-landmarks", action="store_true",
        help="the track holds true positions (synthetic walker, motion capture): also measure the "
        "frontal-plane and rotation values that a pose model's landmarks cannot carry",
    )  # fmt: skip
    add_pose_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gait.cli.progress import ProgressBar
    from gait.pipeline import analyze, resolve_input, write_results

    bar = ProgressBar("pose")
    inputs = resolve_input(args.input, args.out, view=args.view, model_path=args.model, progress=bar, insole=args.insole,
                           framing=args.framing, slow_motion=args.slow_motion)  # fmt: skip
    if inputs.pose_report is not None:
        bar.finish()
        print(f"pose: {inputs.pose_report.summary()}")
    results = analyze(
        inputs, landmarks="true" if args.true_landmarks else "estimated",
        measured_leg_length_difference_mm=args.measured_leg_length_difference,
    )  # fmt: skip
    for path in write_results(inputs, results, args.json, overlay=not args.no_overlay):
        print(f"wrote {path}")
    notes = results.metrics.get("notes") or {}
    for key in NOTED:
        if key in notes:
            print(f"note: {notes[key]}")
    print(summarise(results.metrics))
    return 0


# Notes that change what was measured, shown in the terminal as well as in metrics.json.
NOTED = ("turn", "labels", "clock", "contacts_clock", "slow_motion", "grain")


# What each screen rests on: the values its finding reads (`gait.findings.rules`), as dotted
# paths into the metrics. A screen with none of them measured was not made.
SCREENS = {
    "over-pronation": ("rearfoot_eversion_deg", "pressure.cpei_pct"),
    "leg rotation": ("knee_frontal_deg", "foot_progression_deg", "hip_rotation_deg"),
    "leg length": ("leg_length_difference_mm", "leg_length_difference_measured_mm"),
    "pelvic drop": ("pelvic_drop_deg",),
    # The insole's forces, or without one the video's stance fractions (`asymmetric_loading`).
    "loading": ("pressure.peak_force_n", "pressure.stance_time_s", "stance_fraction"),
}


def _measured(value: object) -> bool:
    """Whether a metrics value holds any number."""
    if isinstance(value, dict):
        return any(_measured(v) for v in value.values())
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _at(metrics: dict, path: str) -> object:
    """The value at a dotted path, None where any part is missing."""
    value: object = metrics
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def summarise(metrics: dict) -> str:
    """The findings in a few lines, for the terminal; with none, which screens were not made
    (a silent "nothing stands out" would read as a clean bill where nothing was measured)."""
    findings = metrics.get("findings") or []
    if not findings:
        unmade = [name for name, paths in SCREENS.items() if not any(_measured(_at(metrics, p)) for p in paths)]
        if len(unmade) == len(SCREENS):
            return 'findings: nothing could be screened (the reasons are under "missing" in metrics.json)'
        tail = f"; not measured: {', '.join(unmade)} (see \"missing\" in metrics.json)" if unmade else ""
        return f"findings: none of the screened patterns stands out{tail} (this screens movement; it does not diagnose)"
    lines = ["findings (this screens movement; it does not diagnose):"]
    for f in findings:
        lines.append(f"  {f['code']} ({f['side']}): {f['severity']}, confidence {f['confidence']:.2f}")
    return "\n".join(lines)
