"""JSON documents and plain CSV tables on disk.

Writers go through a temporary name and a rename, so a crash never leaves half a file;
`read_json_doc` reads a document that names its schema, with one-line errors.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gait.errors import GaitError


def _atomic_write(path: Path, text: str) -> Path:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text)
    os.replace(tmp, path)
    return path


def read_commented_csv(path: str | os.PathLike, body: bool = True) -> tuple[dict[str, str], list[str], str]:
    """A CSV in the project's style: its leading `# key: value` lines, its header row and
    the rest of its text (only the first two when `body` is False, to sniff a large file)."""
    path = Path(path)
    meta: dict[str, str] = {}
    try:
        with open(path) as fh:
            line = fh.readline()
            while line.startswith("#"):
                key, _, value = line[1:].partition(":")
                meta[key.strip()] = value.strip()
                line = fh.readline()
            return meta, line.strip().split(","), fh.read() if body else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise GaitError(f"{path}: cannot read ({exc})") from None


def read_json_doc(path: str | os.PathLike, schema: str, what: str) -> dict:
    """A JSON object whose `schema` is `schema`, or GaitError naming `what` it should be."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except FileNotFoundError:
        raise GaitError(f"{path}: no such {what} file") from None
    except (OSError, ValueError) as exc:
        raise GaitError(f"{path}: not a readable {what} ({exc})") from None
    if not isinstance(doc, dict) or doc.get("schema") != schema:
        raise GaitError(f"{path}: not a {what} ({schema})")
    return doc


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
