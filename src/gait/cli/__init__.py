"""Command-line interface: a thin layer over the Python API.

Each subcommand lives in its own module here with a `register(subparsers)` function that
adds its parser and sets `func`; heavy imports stay inside the functions so `--help` is
quick. Errors the user can act on arrive as GaitError and leave as one line on stderr.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from gait import __version__
from gait.errors import GaitError

# Subcommand modules, in the order `gait --help` lists them.
COMMANDS: tuple[str, ...] = ("demo", "record", "analyze", "pose", "insole", "simulate", "compare")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gait",
        description="Screen a walk for over-pronation, leg rotation, pelvic drop and leg-length "
        "difference from video and pressure insoles. It screens movement; it does not diagnose.",
    )
    parser.add_argument("--version", action="version", version=f"gait {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        importlib.import_module(f"gait.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 1 a user-facing error, 130 interrupted)."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GaitError as exc:
        print(f"gait: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a file the user named could not be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"gait: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("gait: interrupted", file=sys.stderr)
        return 130
