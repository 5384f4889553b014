"""Realistic report inputs from the synthetic walker: metrics in the gait.metrics/1 vocabulary,
gait-cycle curves, per-stride pelvic drop, events and insole data."""

from __future__ import annotations

import numpy as np

from gait.analysis.pressure import pressure_metrics
from gait.report import CycleCurves, Events, InsoleData, PerStride, ReportData
from gait.simulate import WalkParams, simulate_walk
from gait.simulate.insole import insole_layout

SIDES = ("left", "right")
CONTRACT = ("schema", "view", "duration_s", "strides", "cadence_spm", "stride_time_s", "stance_fraction",
            "rearfoot_eversion_deg", "pelvic_drop_deg", "foot_progression_deg", "knee_frontal_deg",
            "leg_length_difference_mm")  # fmt: skip
CURVES = ("rearfoot_eversion_deg", "pelvic_obliquity_deg", "knee_frontal_deg", "foot_progression_deg")


def metrics_from_truth(truth: dict, with_insole: bool) -> dict:
    """The walker's true values as a gait.metrics/1 dict (findings left to the rules)."""
    m = {k: truth[k] for k in CONTRACT}
    m["schema"] = "gait.metrics/1"
    p = truth["pressure"]
    m["pressure"] = {k: p[k] for k in ("cpei_pct", "medial_load_fraction", "peak_force_n", "stance_time_s")} \
        if with_insole else None  # fmt: skip
    if not with_insole:
        m["missing"] = {"pressure": "no insole recording"}
    return m


def cycles(t: np.ndarray, values: np.ndarray, heel_strikes: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Mean and SD over strides of `values`, each stride resampled to 101 points."""
    hs = [h for h in heel_strikes if h >= t[0]]
    u = np.linspace(0.0, 1.0, 101)
    rows = np.array([np.interp(a + u * (b - a), t, values) for a, b in zip(hs[:-1], hs[1:]) if b <= t[-1]])
    return rows.mean(axis=0), rows.std(axis=0)


def walk_report(params: WalkParams | None = None, with_insole: bool = True, seed: int = 1) -> tuple[dict, ReportData]:
    walk = simulate_walk(params or WalkParams(), seed=seed)
    layout = insole_layout(8)
    truth = walk.truth("posterior", layout=layout)
    metrics = metrics_from_truth(truth, with_insole)
    frames, events = truth["frames"], truth["events"]
    t = np.asarray(frames["t"])
    steady = {s: [h for h in events[s]["heel_strike"] if h >= truth["steady_from_s"]] for s in SIDES}
    curves = {}
    for name in CURVES:
        series = frames[name]
        curves[name] = {s: cycles(t, np.asarray(series[s]), steady[s]) for s in SIDES} \
            if name != "pelvic_obliquity_deg" else {}  # fmt: skip
    obl = np.asarray(frames["pelvic_obliquity_deg"])  # + = right hip lower
    curves["pelvic_obliquity_deg"] = {"left": cycles(t, obl, steady["left"]), "right": cycles(t, -obl, steady["right"])}
    drop = {}
    for s in SIDES:
        swing_lower = obl if s == "left" else -obl
        hs = steady[s]
        drop[s] = (hs[:-1], [swing_lower[(t >= a) & (t < b)].max() for a, b in zip(hs[:-1], hs[1:])])
    parts = {"curves": CycleCurves(curves, {s: 100 * truth["stance_fraction"][s] for s in SIDES}),
             "pelvic_drop": PerStride(drop), "events": (Events(events, "video"),)}  # fmt: skip
    if with_insole:
        rec = walk.insole(layout)
        pm = pressure_metrics(rec)
        parts["insole"] = InsoleData.from_recording(rec, pm)
        parts["events"] += (Events.from_pressure(pm),)
    return metrics, ReportData(**parts)
