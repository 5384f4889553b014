"""`gait record -o SESSION`: record a walk live (webcam and/or insole), then analyse it."""

from __future__ import annotations

import argparse
from pathlib import Path

from gait.cli.pose import add_pose_options
from gait.errors import GaitError
from gait.recording.framing import FRAMINGS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "record",
        help="record a walk live from a webcam and/or pressure insole, then analyse it",
        description="Record a walk into a new session folder: a preview window shows the skeleton "
        "and live angles; SPACE starts a countdown, then stand still for a few seconds (the level "
        "reference) and walk; Q or Esc stops. The session is written while recording (video.mp4, "
        "the pose journal pose.partial.csv, insole.csv, session.json), so a crash or an unplugged "
        "insole keeps everything captured so far. On stop it is analysed like `gait analyze`.",
    )
    src = p.add_mutually_exclusive_group()
    src.add_argument("--camera", type=int, metavar="N", help="webcam index (default 0 unless only --insole is given)")
    src.add_argument("--video", type=Path, metavar="FILE",
                     help="play a video file at its real frame rate as if it were the camera")  # fmt: skip
    p.add_argument("--insole", metavar="PORT", help="insole serial port, or 'auto' to find the board")
    p.add_argument("--calibration", metavar="FILE.json", help="insole calibration to newtons")
    p.add_argument("--layout", metavar="FILE.json", help="insole sensor layout, saved as insole_layout.json")
    p.add_argument("--baud", type=int, default=1_000_000, help="insole baud rate (default 1000000, as the firmware)")
    p.add_argument("-o", "--out", type=Path, required=True, metavar="SESSION", help="new session folder to write")
    p.add_argument("--duration", type=float, metavar="S", help="stop after S seconds of recording (standing included)")
    p.add_argument("--countdown", type=float, default=3.0, metavar="S", help="countdown before recording (default 3)")
    p.add_argument("--stand", type=float, default=3.0, metavar="S",
                   help="seconds to stand still at the start, the level reference (default 3)")  # fmt: skip
    p.add_argument("--headless", action="store_true",
                   help="no window: start at once and print progress; Ctrl-C or --duration stops")  # fmt: skip
    p.add_argument("--no-overlay", action="store_true", help="do not draw the overlay video at analysis")
    p.add_argument(
        "--framing", choices=FRAMINGS, default="body",
        help="'legs': the camera frames only shins and shoes from behind (a treadmill close-up); no pose "
        "model is run and the rearfoot is measured on the image (strides from --insole, else from the "
        "shoe collars' motion)",
    )  # fmt: skip
    add_pose_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gait.capture.calibration import load_calibration
    from gait.cli.analyze import summarise
    from gait.pipeline import analyze, resolve_input, write_results
    from gait.pose.estimator import native_logs_silenced
    from gait.record import HeadlessProgress, PreviewWindow, RecordOptions, record
    from gait.recording.insole import load_layout

    if args.duration is not None and args.duration <= 0:
        raise GaitError("--duration must be positive")
    if args.countdown < 0 or args.stand < 0:
        raise GaitError("--countdown and --stand must not be negative")
    camera = args.camera if args.camera is not None or args.video is not None or args.insole else 0
    opts = RecordOptions(
        folder=args.out, camera=camera, video=args.video, insole=args.insole,
        calibration=load_calibration(args.calibration) if args.calibration else None,
        layout=load_layout(args.layout) if args.layout else None, baudrate=args.baud,
        duration=args.duration, countdown=args.countdown, stand=args.stand, view=args.view, model=args.model,
        framing=args.framing,
    )  # fmt: skip
    with native_logs_silenced():
        ui = HeadlessProgress() if args.headless else PreviewWindow()
        try:
            result = record(opts, ui)
        finally:
            ui.close()
    if not result.recorded:
        print(f"nothing recorded ({result.stop_reason} before the recording started)")
        return 0
    line = f"recorded {result.duration_s:.1f} s to {result.folder} ({result.stop_reason})"
    if result.frames:
        line += (f": {result.frames} frames, person in {result.detected}, lost {result.lost}, "
                 f"pose skipped {result.skipped}")  # fmt: skip
    if result.insole_rows is not None:
        line += f"; insole {result.insole_rows} frames, lost {result.insole_lost}"
        if result.insole_unplugged_at is not None:
            line += f", unplugged at {result.insole_unplugged_at:.1f} s"
    print(line, flush=True)
    if result.video_note:
        print(f"note: {result.video_note}")
    inputs = resolve_input(result.folder, view=args.view)
    if inputs.pose_report is not None:
        print(f"pose: {inputs.pose_report.summary()}")
    results = analyze(inputs)
    for path in write_results(inputs, results, overlay=not args.no_overlay):
        print(f"wrote {path}")
    print(summarise(results.metrics))
    return 0
