"""`gait demo`: the whole chain on the bundled sample sessions, written to one folder."""

from __future__ import annotations

import argparse
from pathlib import Path

import gait

# The repository's sample sessions, beside `src/` in a source checkout (`pip install -e`).
SAMPLE_DATA = Path(gait.__file__).resolve().parents[2] / "sample_data"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="run the whole chain on the bundled sample recordings",
        description="Analyse every sample session (video and insole): pose, gait events, angles, "
        "pressure, findings, report and overlay video for each, and a page comparing them.",
    )
    p.add_argument("-o", "--out", type=Path, default=Path("gait-demo"), metavar="DIR", help="output folder (default ./gait-demo)")
    p.add_argument("--data", type=Path, default=SAMPLE_DATA, metavar="DIR", help="folder of session folders (default: sample_data/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gait.cli.analyze import summarise
    from gait.cli.progress import ProgressBar
    from gait.errors import GaitError
    from gait.pipeline import METRICS_FILE, analyze, resolve_input, write_results
    from gait.recording.session import is_session
    from gait.report.compare import load_sessions, write_compare

    # The normal walk, when there is one, first: the comparison page measures against it.
    found = [p for p in args.data.iterdir() if is_session(p)] if args.data.is_dir() else []
    sessions = sorted(found, key=lambda p: (p.name != "normal", p.name))
    if not sessions:
        raise GaitError(f"{args.data}: no sample sessions found (give --data DIR, a folder of session folders)")
    reports = []
    for folder in sessions:
        print(f"== {folder.name}")
        bar = ProgressBar("pose")
        inputs = resolve_input(folder, args.out / folder.name, progress=bar)
        if inputs.pose_report is not None:
            bar.finish()
            print(f"pose: {inputs.pose_report.summary()}")
        results = analyze(inputs)
        written = write_results(inputs, results, title=f"Walk screening report: {folder.name}")
        reports.append(next(p for p in written if p.name == "report.html"))
        print(summarise(results.metrics))
    compare = write_compare(load_sessions([r.parent / METRICS_FILE for r in reports], [s.name for s in sessions]),
                            args.out / "compare.html")  # fmt: skip
    print("\nreports:")
    for path in [*reports, compare]:
        print(f"  {path}")
    return 0
