"""`gait pose VIDEO -o TRACK.npz`: the pose stage on its own."""

from __future__ import annotations

import argparse
from pathlib import Path

from gait.recording.posetrack import VIEWS


def add_pose_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that runs the pose model."""
    parser.add_argument("--view", choices=VIEWS[:-1], help="camera view; detected from the landmarks when omitted")
    parser.add_argument(
        "--model", metavar="FILE.task", type=Path,
        help="a MediaPipe pose landmarker .task file to use instead of the bundled model",
    )  # fmt: skip


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "pose",
        help="extract a pose track from a video or webcam",
        description="Run MediaPipe Pose over a video (or a webcam index such as 0) and write a "
        "gait.posetrack/1 track: image and world landmarks per frame, left/right swaps repaired, "
        "view detected.",
    )
    p.add_argument("video", help="video file, or a camera index (0, 1, ...)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="TRACK.npz", help="pose track to write")
    p.add_argument("--csv", type=Path, metavar="FILE.csv", help="also export the track as CSV with named columns")
    add_pose_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gait.cli.progress import ProgressBar
    from gait.errors import GaitError
    from gait.pose.extract import video_to_track
    from gait.recording.posetrack import export_csv, save_posetrack

    out: Path = args.output
    if not out.parent.is_dir():
        raise GaitError(f"{out.parent}: output folder does not exist")
    bar = ProgressBar("pose")
    track, report = video_to_track(args.video, view=args.view, model_path=args.model, progress=bar)
    bar.finish()
    save_posetrack(track, out)
    print(f"wrote {out}: {report.summary()}")
    if args.csv:
        export_csv(track, args.csv)
        print(f"wrote {args.csv}")
    return 0
