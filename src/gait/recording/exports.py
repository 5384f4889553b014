"""Analysis results on disk: the metrics JSON and plain CSV tables.

Both are written to a temporary name and renamed, so a crash never leaves half a file.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def _atomic_write(path: Path, text: str) -> Path:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text)
    os.replace(tmp, path)
    return path


def write_json(path: str | os.PathLike, doc: dict) -> Path:
    """Strict JSON (a NaN or infinity is a bug upstream, so it raises)."""
    return _atomic_write(Path(path), json.dumps(doc, indent=1, allow_nan=False) + "\n")


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return str(value)


def write_table(path: str | os.PathLike, columns: Sequence[str], rows: Sequence[Sequence] | np.ndarray) -> Path:
    """A CSV with a header; missing values (None, NaN) are empty cells."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows([_cell(v) for v in row] for row in rows)
    os.replace(tmp, path)
    return path
