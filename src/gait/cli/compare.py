"""`gait compare A B ...`: sessions side by side as one self-contained compare.html."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="compare sessions (barefoot vs shoe, before vs after a heel lift) side by side",
        description="Compare two or more analysed sessions: metric deltas against the first, findings "
        "that appeared or went away, gait-cycle curves overlaid. Each input is a session folder with "
        "metrics.json (and curves.json when the report wrote one) or a metrics.json file.",
    )
    p.add_argument("sessions", nargs="+", type=Path, metavar="SESSION", help="session folder or metrics.json")
    p.add_argument("-o", "--out", type=Path, default=Path("compare.html"), metavar="FILE.html",
                   help="page to write (default: ./compare.html)")  # fmt: skip
    p.add_argument("--label", action="append", metavar="NAME",
                   help="name for a session, once per session in order (default: folder names)")  # fmt: skip
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gait.report.compare import finding_changes, load_sessions, write_compare

    sessions = load_sessions(args.sessions, args.label)
    out = write_compare(sessions, args.out)
    for other in sessions[1:]:
        ch = finding_changes(sessions[0], other)
        summary = ", ".join(f"{len(ch[k])} {k}" for k in ("appeared", "gone", "changed", "kept"))
        print(f"{other.label} vs {sessions[0].label}: findings {summary}")
    print(f"wrote {out}")
    return 0
