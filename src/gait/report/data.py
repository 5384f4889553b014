"""What the figures need, as plain dataclasses the analysis outputs are adapted to.

Sides are the subject's "left" and "right"; angles in degrees, times in seconds, insole
coordinates in mm in the layout's per-foot convention (x toward that foot's lateral edge,
y from the back of the heel toward the toes). Every part of `ReportData` is optional: a
report shows the figures its data supports.

`CycleCurves` also round-trips through `curves.json` (schema `gait.curves/1`), written
next to metrics.json so that `gait compare` can overlay the curves of several sessions.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gait.errors import GaitError
from gait.recording.insole import InsoleLayout, InsoleRecording

SIDES = ("left", "right")
CYCLE_POINTS = 101  # 0..100 % of the gait cycle from heel strike
CURVES_SCHEMA = "gait.curves/1"
CURVES_FILE = "curves.json"


@dataclass(frozen=True)
class CycleCurves:
    """Gait-cycle curves per side: name -> side -> (mean[101], sd[101]).

    Each side's curve runs over that side's own cycle, heel strike to next heel strike.
    `toe_off_pct` (side -> % of the cycle) marks the end of stance when known.
    """

    curves: Mapping[str, Mapping[str, tuple[np.ndarray, np.ndarray]]]
    toe_off_pct: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clean: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
        for name, sides in self.curves.items():
            clean[name] = {}
            for side, (mean, sd) in sides.items():
                if side not in SIDES:
                    raise GaitError(f"curves: side {side!r} of {name} is not left or right")
                mean = np.asarray(mean, dtype=np.float64).reshape(-1)
                sd = np.asarray(sd, dtype=np.float64).reshape(-1)
                if mean.shape != (CYCLE_POINTS,) or sd.shape != (CYCLE_POINTS,):
                    raise GaitError(f"curves: {name} {side} must have {CYCLE_POINTS} points (mean and sd)")
                if np.isfinite(mean).any():  # a side with no data is no curve
                    clean[name][side] = (mean, sd)
        object.__setattr__(self, "curves", {name: sides for name, sides in clean.items() if sides})
        object.__setattr__(self, "toe_off_pct", {s: float(v) for s, v in self.toe_off_pct.items() if v is not None})

    def to_json(self) -> dict:
        def listed(a: np.ndarray) -> list:
            return [None if not np.isfinite(v) else round(float(v), 4) for v in a]

        return {
            "schema": CURVES_SCHEMA,
            "points": CYCLE_POINTS,
            "toe_off_pct": dict(self.toe_off_pct),
            "curves": {
                name: {side: {"mean": listed(m), "sd": listed(s)} for side, (m, s) in sides.items()}
                for name, sides in self.curves.items()
            },
        }

    @classmethod
    def from_mapping(cls, curves: Mapping, toe_off_pct: Mapping[str, float] | None = None) -> CycleCurves:
        """From name -> side -> {"mean": [...], "sd": [...]} (further keys ignored; None or
        a null curve side is left out), the form of curves.json and of the analysis."""

        def arr(values: Sequence) -> np.ndarray:
            return np.array([np.nan if v is None else v for v in values], dtype=np.float64)

        try:
            parts = {
                name: {side: (arr(c["mean"]), arr(c["sd"])) for side, c in sides.items() if c is not None}
                for name, sides in curves.items() if sides
            }  # fmt: skip
        except (KeyError, TypeError, AttributeError) as exc:
            raise GaitError(f"malformed curves ({exc})") from None
        return cls(parts, toe_off_pct or {})

    @classmethod
    def from_json(cls, doc: Mapping) -> CycleCurves:
        if not isinstance(doc, Mapping) or doc.get("schema") != CURVES_SCHEMA:
            raise GaitError(f"not a curves file ({CURVES_SCHEMA})")
        return cls.from_mapping(doc.get("curves") or {}, doc.get("toe_off_pct"))


def save_curves(curves: CycleCurves, path: str | os.PathLike) -> Path:
    path = Path(path)
    path.write_text(json.dumps(curves.to_json()) + "\n")
    return path


def load_curves(path: str | os.PathLike) -> CycleCurves:
    path = Path(path)
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise GaitError(f"{path}: not a readable curves file ({exc})") from None
    try:
        return CycleCurves.from_json(doc)
    except GaitError as exc:
        raise GaitError(f"{path}: {exc}") from None


@dataclass(frozen=True)
class PerStride:
    """One value per stride and side: side -> (times in s, values); `at` says what the times
    mark (each stride's heel strike, or, read without strides, the drop itself).

    For pelvic drop the side is the stance side (the other hip drops), as in the metrics.
    """

    values: Mapping[str, tuple[Sequence[float], Sequence[float]]]
    name: str = "pelvic_drop_deg"
    unit: str = "°"
    at: str = "heel strike"

    def __post_init__(self) -> None:
        clean = {}
        for side, (t, v) in self.values.items():
            t, v = np.asarray(t, dtype=np.float64).reshape(-1), np.asarray(v, dtype=np.float64).reshape(-1)
            if t.shape != v.shape:
                raise GaitError(f"per-stride {self.name} {side}: times and values differ in length")
            clean[side] = (t, v)
        object.__setattr__(self, "values", clean)


@dataclass(frozen=True)
class Events:
    """Gait events from one source: side -> {"heel_strike": times, "toe_off": times} in s."""

    times: Mapping[str, Mapping[str, Sequence[float]]]
    source: str = "video"

    def __post_init__(self) -> None:
        clean = {
            side: {kind: np.sort(np.asarray(self.times.get(side, {}).get(kind, ()), dtype=np.float64).reshape(-1))
                   for kind in ("heel_strike", "toe_off")}
            for side in SIDES
        }  # fmt: skip
        object.__setattr__(self, "times", clean)

    @classmethod
    def from_pressure(cls, pressure: Mapping) -> Events:
        """The insole's contact events from the `pressure` metrics block (`events.<side>.
        heel_strike_s / toe_off_s`)."""
        events = pressure.get("events") or {}
        times = {}
        for side in SIDES:
            foot = events.get(side) or {}
            times[side] = {"heel_strike": foot.get("heel_strike_s", ()), "toe_off": foot.get("toe_off_s", ())}
        return cls(times, "insole")

    def within(self, t: float, window_s: float) -> list[tuple[str, str]]:
        """(side, kind) of the events within `window_s` of time `t`."""
        return [(side, kind) for side in SIDES for kind, ts in self.times[side].items()
                if ts.size and np.min(np.abs(ts - t)) <= window_s]  # fmt: skip


@dataclass(frozen=True)
class InsoleData:
    """The insole's layout, centre-of-pressure paths per stance and per-sensor loads.

    `cop_paths`: side -> list of (n, 2) arrays in mm (one per stance); `sensor_mean` and
    `sensor_peak`: side -> (sensors,) load while the foot is on the ground, in `units`.
    """

    layout: InsoleLayout
    cop_paths: Mapping[str, Sequence[np.ndarray]]
    sensor_mean: Mapping[str, np.ndarray]
    sensor_peak: Mapping[str, np.ndarray]
    units: str = "N"

    def __post_init__(self) -> None:
        paths = {side: [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in self.cop_paths.get(side, ())]
                 for side in SIDES}  # fmt: skip
        object.__setattr__(self, "cop_paths", paths)
        for name in ("sensor_mean", "sensor_peak"):
            loads = {}
            for side in SIDES:
                v = np.asarray(getattr(self, name)[side], dtype=np.float64).reshape(-1)
                sensors = len(getattr(self.layout, side))
                if v.shape != (sensors,):
                    raise GaitError(f"insole {name} {side}: {v.size} values for {sensors} sensors")
                loads[side] = v
            object.__setattr__(self, name, loads)

    @classmethod
    def from_recording(cls, rec: InsoleRecording, pressure: Mapping | None = None,
                       loaded_fraction: float = 0.05) -> InsoleData:  # fmt: skip
        """Sensor loads from a recording (mean and peak over the frames a foot carries more
        than `loaded_fraction` of its peak total), COP paths from the `pressure` metrics
        block's `per_stride[side][i]["cop_mm"]` when given."""
        if rec.layout is None:
            raise GaitError("insole recording has no sensor layout: cannot draw the pressure map")
        mean, peak, paths = {}, {}, {}
        for side in SIDES:
            forces = np.clip(np.nan_to_num(getattr(rec, side)), 0.0, None)
            total = forces.sum(axis=1)
            loaded = total > loaded_fraction * (total.max() if total.size else 0.0)
            mean[side] = forces[loaded].mean(axis=0) if loaded.any() else np.zeros(forces.shape[1])
            peak[side] = forces.max(axis=0) if forces.size else np.zeros(forces.shape[1])
            strides = ((pressure or {}).get("per_stride") or {}).get(side) or []
            paths[side] = [np.asarray(s["cop_mm"]) for s in strides if s.get("cop_mm")]
        return cls(rec.layout, paths, mean, peak, "N" if rec.units == "newton" else "raw")


@dataclass(frozen=True)
class ReportData:
    """Everything beyond the metrics that the report draws; each part optional."""

    curves: CycleCurves | None = None
    pelvic_drop: PerStride | None = None
    events: Sequence[Events] = ()
    insole: InsoleData | None = None
    title: str = "Walk screening report"
