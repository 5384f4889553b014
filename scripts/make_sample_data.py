"""Regenerate `sample_data/` with the synthetic walker (same truth and insole bytes every run).

    python scripts/make_sample_data.py [OUT_DIR]     # default: sample_data/ beside this folder
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gait.simulate.samples import make_samples


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description="Regenerate the sample sessions with the synthetic walker.")
    p.add_argument("out", nargs="?", type=Path, default=Path(__file__).resolve().parents[1] / "sample_data",
                   help="folder to write (default: sample_data/ beside this folder)")  # fmt: skip
    out = p.parse_args(argv).out
    for folder in make_samples(out, progress=lambda name: print(f"{name} ...", file=sys.stderr)):
        print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
