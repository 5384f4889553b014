"""Insole recordings (schema `gait.insole/1`) and sensor layouts (`gait.insole-layout/1`).

A recording is a CSV: leading `# key: value` metadata lines (`schema`, `rate_hz`, `units`,
`layout`, `device`), a header `t,seq,L0..L{n-1},R0..R{m-1}`, one row per frame. The layout
is a JSON file beside it giving sensor centres in mm: x mediolateral, positive toward that
foot's lateral edge; y from the back of the heel toward the toes.

`InsoleCsvWriter` appends and flushes row by row, so whatever was received before a crash
or an unplug stays readable; `read_insole_csv` drops a half-written last line.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from gait.errors import GaitError
from gait.recording.exports import read_commented_csv, read_json_doc

SCHEMA = "gait.insole/1"
LAYOUT_SCHEMA = "gait.insole-layout/1"
UNITS = ("newton", "raw")


@dataclass(frozen=True)
class InsoleLayout:
    """Sensor centres per foot in mm, in the shared per-foot convention."""

    foot_length_mm: float
    left: np.ndarray  # (n, 2) x lateral+, y heel->toe
    right: np.ndarray  # (m, 2)

    def __post_init__(self) -> None:
        for side in ("left", "right"):
            xy = np.asarray(getattr(self, side), dtype=np.float64)
            if xy.ndim != 2 or xy.shape[1] != 2 or xy.shape[0] < 1:
                raise GaitError(f"insole layout: {side} must be a list of [x, y] pairs")
            object.__setattr__(self, side, xy)
        object.__setattr__(self, "foot_length_mm", float(self.foot_length_mm))

    def to_json(self) -> dict:
        return {
            "schema": LAYOUT_SCHEMA,
            "foot_length_mm": self.foot_length_mm,
            "left": self.left.tolist(),
            "right": self.right.tolist(),
        }


def save_layout(layout: InsoleLayout, path: str | os.PathLike) -> Path:
    path = Path(path)
    path.write_text(json.dumps(layout.to_json(), indent=1) + "\n")
    return path


def load_layout(path: str | os.PathLike) -> InsoleLayout:
    doc = read_json_doc(path, LAYOUT_SCHEMA, "insole layout")
    try:
        return InsoleLayout(doc["foot_length_mm"], doc["left"], doc["right"])
    except (KeyError, TypeError, ValueError) as exc:
        raise GaitError(f"{path}: malformed insole layout ({exc})") from None


@dataclass(frozen=True)
class InsoleRecording:
    """Per-frame sensor readings of both feet on the host clock."""

    t: np.ndarray  # float64 (T,) host seconds
    seq: np.ndarray  # int64 (T,) device frame counter; a gap means lost frames
    left: np.ndarray  # float64 (T, n)
    right: np.ndarray  # float64 (T, m)
    rate_hz: float
    units: str = "newton"
    layout: InsoleLayout | None = None
    device: str = "unknown"
    meta: dict[str, str] = field(default_factory=dict)  # any further metadata lines

    def __post_init__(self) -> None:
        t = np.asarray(self.t, dtype=np.float64)
        n = len(t)
        left = np.asarray(self.left, dtype=np.float64).reshape(n, -1)
        right = np.asarray(self.right, dtype=np.float64).reshape(n, -1)
        if self.units not in UNITS:
            raise GaitError(f"insole recording: units {self.units!r} is not one of {UNITS}")
        if self.layout is not None and (
            len(self.layout.left) != left.shape[1] or len(self.layout.right) != right.shape[1]
        ):
            raise GaitError(
                f"insole recording has {left.shape[1]}+{right.shape[1]} sensors, its layout "
                f"{len(self.layout.left)}+{len(self.layout.right)}"
            )
        object.__setattr__(self, "t", t)
        object.__setattr__(self, "seq", np.asarray(self.seq, dtype=np.int64).reshape(n))
        object.__setattr__(self, "left", left)
        object.__setattr__(self, "right", right)
        object.__setattr__(self, "rate_hz", float(self.rate_hz))

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @property
    def lost_frames(self) -> int:
        """Frames the device sent that never arrived, from gaps in the sequence counter."""
        if len(self) < 2:
            return 0
        steps = np.diff(self.seq)
        return int(np.sum(steps[steps > 1] - 1))


def header_columns(n_left: int, n_right: int) -> list[str]:
    return ["t", "seq"] + [f"L{i}" for i in range(n_left)] + [f"R{i}" for i in range(n_right)]


class InsoleCsvWriter:
    """Streams frames into an insole CSV, flushing each batch to disk as it arrives."""

    def __init__(
        self,
        path: str | os.PathLike,
        n_left: int,
        n_right: int,
        rate_hz: float,
        units: str = "newton",
        layout_name: str | None = None,
        device: str = "unknown",
        meta: dict[str, str] | None = None,
    ) -> None:
        if units not in UNITS:
            raise GaitError(f"insole units {units!r} is not one of {UNITS}")
        self.path = Path(path)
        self.n_left, self.n_right = n_left, n_right
        try:
            self._fh: IO[str] = open(self.path, "w", newline="\n")
        except OSError as exc:
            raise GaitError(f"{self.path}: cannot write ({exc.strerror})") from None
        lines = {"schema": SCHEMA, "rate_hz": f"{rate_hz:g}", "units": units}
        if layout_name:
            lines["layout"] = layout_name
        lines["device"] = device
        lines.update(meta or {})
        self._fh.writelines(f"# {k}: {v}\n" for k, v in lines.items())
        self._fh.write(",".join(header_columns(n_left, n_right)) + "\n")
        self._fh.flush()

    def write(self, t: np.ndarray, seq: np.ndarray, left: np.ndarray, right: np.ndarray) -> None:
        """Append frames: t (k,), seq (k,), left (k, n), right (k, m)."""
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        k = len(t)
        values = np.column_stack(
            [np.asarray(left, np.float64).reshape(k, self.n_left),
             np.asarray(right, np.float64).reshape(k, self.n_right)]
        )  # fmt: skip
        seq = np.atleast_1d(np.asarray(seq, dtype=np.int64))
        rows = [
            f"{ti:.6f},{si}," + ",".join(f"{v:.6g}" for v in row)
            for ti, si, row in zip(t, seq, values)
        ]
        self._fh.write("\n".join(rows) + "\n")
        self._fh.flush()

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()

    def __enter__(self) -> InsoleCsvWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_insole_csv(
    rec: InsoleRecording, path: str | os.PathLike, layout_name: str | None = None
) -> Path:
    """Write a whole recording; with a layout, also write it beside the CSV.

    The layout file is named `layout_name`, by default `<csv stem>_layout.json`.
    """
    path = Path(path)
    if rec.layout is not None:
        layout_name = layout_name or f"{path.stem}_layout.json"
        save_layout(rec.layout, path.parent / layout_name)
    with InsoleCsvWriter(
        path, rec.left.shape[1], rec.right.shape[1], rec.rate_hz, rec.units,
        layout_name if rec.layout is not None else None, rec.device, rec.meta,
    ) as w:  # fmt: skip
        if len(rec):
            w.write(rec.t, rec.seq, rec.left, rec.right)
    return path


def read_insole_csv(path: str | os.PathLike) -> InsoleRecording:
    """Read an insole CSV and the layout it names (when that file is beside it)."""
    path = Path(path)
    if not path.is_file():
        raise GaitError(f"{path}: no such file")
    meta, header, text = read_commented_csv(path)
    if meta.get("schema") != SCHEMA or header[:2] != ["t", "seq"]:
        raise GaitError(f"{path}: not an insole recording ({SCHEMA})")
    n_left = sum(c.startswith("L") for c in header)
    n_right = sum(c.startswith("R") for c in header)
    if header != header_columns(n_left, n_right):
        raise GaitError(f"{path}: malformed insole header")
    lines = text.split("\n")
    if lines and not text.endswith("\n"):
        lines = lines[:-1]  # a row cut short by a crash or an unplug
    rows = [r.split(",") for r in lines if r.strip()]
    width = len(header)
    try:
        table = np.array([[float(c) for c in r] for r in rows if len(r) == width])
        rate = float(meta["rate_hz"])
    except (ValueError, KeyError) as exc:
        raise GaitError(f"{path}: malformed insole recording ({exc})") from None
    table = table.reshape(-1, width)
    layout = None
    if meta.get("layout"):
        layout_path = path.parent / meta["layout"]
        if layout_path.is_file():
            layout = load_layout(layout_path)
    known = {"schema", "rate_hz", "units", "layout", "device"}
    return InsoleRecording(
        t=table[:, 0],
        seq=table[:, 1].astype(np.int64),
        left=table[:, 2 : 2 + n_left],
        right=table[:, 2 + n_left :],
        rate_hz=rate,
        units=meta.get("units", "newton"),
        layout=layout,
        device=meta.get("device", "unknown"),
        meta={k: v for k, v in meta.items() if k not in known},
    )
