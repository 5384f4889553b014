"""`gait simulate`: a synthetic walk with known truth, as a session folder."""

from __future__ import annotations

import argparse
import sys

from gait.recording.framing import FRAMINGS


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 640x480, not {text!r}") from None
    return w, h


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "simulate",
        help="make a synthetic walk with known truth (pose track, truth, video, insole)",
        description="Simulate a walk with known rearfoot eversion, leg rotation, toe-out, pelvic drop "
        "and leg-length difference. Writes pose.npz, truth.json and session.json into OUT_DIR, "
        "and with --video a rendered video.mp4, with --insole an insole.csv + insole_layout.json.",
    )
    p.add_argument("-o", "--out", metavar="OUT_DIR", help="folder to write (a session folder)")
    p.add_argument("--samples", metavar="DIR", help="instead, write the sample sessions into DIR")
    p.add_argument("--view", default="posterior", choices=("posterior", "anterior", "left", "right"))
    p.add_argument("--mode", default="treadmill", choices=("treadmill", "toward", "away"),
                   help="in place on a treadmill, or walking toward/away from the camera")  # fmt: skip
    p.add_argument("--duration", type=float, default=8.0, help="seconds (default 8)")
    p.add_argument("--standing", type=float, default=2.0, help="seconds of still standing first (default 2)")
    p.add_argument("--cadence", type=float, default=110.0, help="steps per minute (default 110)")
    p.add_argument("--speed", type=float, default=1.2, help="m/s (default 1.2)")
    p.add_argument("--height", type=float, default=1.75, help="body height, m")
    p.add_argument("--mass", type=float, default=70.0, help="body mass, kg")
    for side in ("left", "right"):
        p.add_argument(f"--eversion-{side}", type=float, default=6.0, metavar="DEG",
                       help=f"peak rearfoot eversion of the {side} foot in stance (default 6)")  # fmt: skip
        p.add_argument(f"--hip-rotation-{side}", type=float, default=0.0, metavar="DEG",
                       help=f"internal rotation of the whole {side} leg (default 0)")  # fmt: skip
        p.add_argument(f"--toe-out-{side}", type=float, default=7.0, metavar="DEG",
                       help=f"{side} foot progression with a neutral leg (default 7)")  # fmt: skip
        p.add_argument(f"--pelvic-drop-{side}-stance", type=float, default=4.0, metavar="DEG",
                       help=f"drop of the other hip while standing on the {side} leg (default 4)")  # fmt: skip
    p.add_argument("--leg-length-diff-mm", type=float, default=0.0, metavar="MM",
                   help="right leg minus left leg, mm (+ = right longer)")  # fmt: skip
    p.add_argument("--noise-px", type=float, default=0.0, help="landmark noise, pixels (sd)")
    p.add_argument("--dropouts", type=float, default=0.0, help="fraction of frames with nobody found")
    p.add_argument("--swaps", type=int, default=0, help="number of planted left/right swap episodes")
    p.add_argument("--size", type=_size, default=(640, 480), help="frame size WxH (default 640x480)")
    p.add_argument("--fps", type=float, default=30.0)
    p.add_argument("--video", action="store_true", help="also render video.mp4")
    p.add_argument("--framing", default="body", choices=FRAMINGS,
                   help="film the whole body (default), or a close-up of shins and shoes from behind, "
                   "as running shops film a treadmill (then no pose.npz: a pose model finds nobody in it)")  # fmt: skip
    p.add_argument("--insole", type=int, choices=(8, 16), help="also write an insole recording")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gait.errors import GaitError
    from gait.simulate import SideParams, WalkParams, simulate_walk
    from gait.simulate.samples import make_samples, write_session

    if args.samples:
        for folder in make_samples(args.samples, progress=lambda name: print(f"sample {name} ...", file=sys.stderr)):
            print(folder)
        return 0
    if not args.out:
        raise GaitError("say where to write: -o OUT_DIR (or --samples DIR)")
    sides = {
        side: SideParams(
            eversion_peak_deg=getattr(args, f"eversion_{side}"),
            hip_internal_rotation_deg=getattr(args, f"hip_rotation_{side}"),
            toe_out_deg=getattr(args, f"toe_out_{side}"),
            pelvic_drop_deg=getattr(args, f"pelvic_drop_{side}_stance"),
        )
        for side in ("left", "right")
    }
    params = WalkParams(mode=args.mode, duration_s=args.duration, standing_s=args.standing,
                        cadence_spm=args.cadence, speed_mps=args.speed, height_m=args.height,
                        mass_kg=args.mass, leg_length_diff_mm=args.leg_length_diff_mm, fps=args.fps,
                        **sides)  # fmt: skip
    walk = simulate_walk(params, args.seed)

    def progress(done: int, total: int) -> None:
        if done == total or done % 30 == 0:
            print(f"\rrendering {done}/{total}", end="\n" if done == total else "", file=sys.stderr)

    folder = write_session(walk, args.out, args.view, args.size, video=args.video, insole_sensors=args.insole,
                           pose=True, noise_px=args.noise_px, dropouts=args.dropouts, swaps=args.swaps,
                           progress=progress, framing=args.framing)  # fmt: skip
    print(folder)
    return 0
