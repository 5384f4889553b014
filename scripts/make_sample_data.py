"""Regenerate `sample_data/` with the synthetic walker (same truth and insole bytes every run).

    python scripts/make_sample_data.py [OUT_DIR]     # default: sample_data/ beside this folder
"""

from __future__ import annotations

import sys
from pathlib import Path

from gait.simulate.samples import make_samples


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "sample_data"
    for folder in make_samples(out, progress=lambda name: print(f"{name} ...", file=sys.stderr)):
        print(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
