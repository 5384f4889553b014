"""Per-sensor calibration of raw ADC counts to newtons (schema `gait.insole-calibration/1`).

A force-sensitive resistor in a voltage divider is strongly nonlinear, and no two sensors
match, so each sensor gets its own monotone piecewise-linear table measured with known
weights (procedure in firmware/README.md):

    {"schema": "gait.insole-calibration/1",
     "default": {"counts": [0, 400, 1500, 3000], "newton": [0, 20, 100, 400]},
     "sensors": {"L3": {"counts": [...], "newton": [...]}, ...}}

`sensors` is keyed by the CSV column names (L0.., R0..); sensors not listed use `default`.
Counts and newtons both strictly increase. Below the first point the force is the first
newton value (normally 0); above the last it continues along the last segment.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gait.errors import GaitError
from gait.recording.exports import read_json_doc

SCHEMA = "gait.insole-calibration/1"
COUNT_MAX = 65535  # uint16 on the wire


@dataclass(frozen=True)
class CalibrationTable:
    """One sensor's curve: counts -> newtons, both strictly increasing."""

    counts: np.ndarray
    newton: np.ndarray

    def __post_init__(self) -> None:
        c = np.asarray(self.counts, dtype=np.float64)
        n = np.asarray(self.newton, dtype=np.float64)
        if c.ndim != 1 or c.shape != n.shape or len(c) < 2:
            raise ValueError("a table needs two or more (counts, newton) points")
        if np.any(np.diff(c) <= 0) or np.any(np.diff(n) <= 0):
            raise ValueError("counts and newton must both strictly increase")
        object.__setattr__(self, "counts", c)
        object.__setattr__(self, "newton", n)

    def to_newton(self, counts: np.ndarray) -> np.ndarray:
        c = np.asarray(counts, dtype=np.float64)
        out = np.interp(c, self.counts, self.newton)
        slope = (self.newton[-1] - self.newton[-2]) / (self.counts[-1] - self.counts[-2])
        above = c > self.counts[-1]
        out[above] = self.newton[-1] + slope * (c[above] - self.counts[-1])
        return out

    def to_counts(self, newton: np.ndarray) -> np.ndarray:
        """Inverse curve (for the simulator), rounded and clipped to the uint16 range."""
        f = np.asarray(newton, dtype=np.float64)
        out = np.interp(f, self.newton, self.counts)
        slope = (self.counts[-1] - self.counts[-2]) / (self.newton[-1] - self.newton[-2])
        above = f > self.newton[-1]
        out[above] = self.counts[-1] + slope * (f[above] - self.newton[-1])
        return np.clip(np.rint(out), 0, COUNT_MAX).astype(np.int64)

    def to_json(self) -> dict:
        return {"counts": self.counts.tolist(), "newton": self.newton.tolist()}


@dataclass(frozen=True)
class Calibration:
    """Tables for every sensor: `sensors` by column name, else `default`."""

    default: CalibrationTable | None = None
    sensors: dict[str, CalibrationTable] = field(default_factory=dict)

    @classmethod
    def linear(cls, counts_per_newton: float) -> Calibration:
        """The same straight line for every sensor (e.g. the simulator's default scaling)."""
        return cls(CalibrationTable(np.array([0.0, 1.0]), np.array([0.0, 1.0 / counts_per_newton])))

    def table(self, column: str) -> CalibrationTable:
        table = self.sensors.get(column, self.default)
        if table is None:
            raise GaitError(f"insole calibration has no table for sensor {column} and no default")
        return table

    def check(self, n_left: int, n_right: int) -> None:
        """Raise GaitError unless every sensor of this insole has a table."""
        for column in _columns(n_left, n_right):
            self.table(column)

    def to_newton(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Counts (k, n) and (k, m) -> newtons, sensor by sensor."""
        return self._apply(left, right, CalibrationTable.to_newton)

    def to_counts(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Newtons -> counts through the inverse curves."""
        return self._apply(left, right, CalibrationTable.to_counts)

    def _apply(self, left: np.ndarray, right: np.ndarray, fn) -> tuple[np.ndarray, np.ndarray]:
        out = []
        for side, values in (("L", np.atleast_2d(left)), ("R", np.atleast_2d(right))):
            cols = [fn(self.table(f"{side}{i}"), values[:, i]) for i in range(values.shape[1])]
            out.append(np.column_stack(cols) if cols else values.astype(np.float64))
        return out[0], out[1]

    def to_json(self) -> dict:
        doc: dict = {"schema": SCHEMA}
        if self.default is not None:
            doc["default"] = self.default.to_json()
        doc["sensors"] = {k: t.to_json() for k, t in self.sensors.items()}
        return doc


def _columns(n_left: int, n_right: int) -> list[str]:
    return [f"L{i}" for i in range(n_left)] + [f"R{i}" for i in range(n_right)]


def save_calibration(cal: Calibration, path: str | os.PathLike) -> Path:
    path = Path(path)
    path.write_text(json.dumps(cal.to_json(), indent=1) + "\n")
    return path


def load_calibration(path: str | os.PathLike) -> Calibration:
    path = Path(path)
    doc = read_json_doc(path, SCHEMA, "calibration")
    try:
        default = doc.get("default")
        return Calibration(
            default=CalibrationTable(default["counts"], default["newton"]) if default else None,
            sensors={
                str(k): CalibrationTable(v["counts"], v["newton"])
                for k, v in (doc.get("sensors") or {}).items()
            },
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise GaitError(f"{path}: malformed insole calibration ({exc})") from None
