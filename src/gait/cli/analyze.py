"""`gait analyze INPUT`: a video, pose track, insole recording or session folder, analysed."""

from __future__ import annotations

import argparse
from pathlib import Path

from gait.cli.pose import add_pose_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyze",
        help="analyse a walk from a video, pose track, insole recording or session folder",
        description="Analyse a walk. INPUT is a video file, a pose track (.npz), a pose-track or "
        "insole CSV, or a session folder written by `gait record`. A video is first run through "
        "the pose model and its track saved as pose.npz in the output folder.",
    )
    p.add_argument("input", type=Path, help="video, pose track, insole CSV or session folder")
    p.add_argument(
        "-o", "--out", type=Path, metavar="DIR",
        help="output folder (default: the session folder itself, else ./NAME-gait)",
    )  # fmt: skip
    add_pose_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gait.cli.progress import ProgressBar
    from gait.pipeline import resolve_input

    bar = ProgressBar("pose")
    inputs = resolve_input(args.input, args.out, view=args.view, model_path=args.model, progress=bar)
    bar.finish()
    if inputs.pose_report is not None:
        print(f"pose: {inputs.pose_report.summary()}")
        print(f"wrote {inputs.out_dir / 'pose.npz'}")
    elif inputs.track is not None:
        print(f"pose track: {len(inputs.track)} frames, view {inputs.track.view}")
    if inputs.insole is not None:
        print(f"insole: {len(inputs.insole)} frames at {inputs.insole.rate_hz:g} Hz")
    print("analyze: stopped after the pose stage; gait events, angles and findings are not in this version yet")
    return 0
