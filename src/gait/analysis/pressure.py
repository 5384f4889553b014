"""Plantar-pressure metrics from insole recordings: contact events, timing, centre of
pressure (COP), CPEI, medial loading, peak force and left/right symmetry.

Pure NumPy on arrays of any sensor layout (4, 8, 16, ... sensors per foot); the single
entry point `pressure_metrics` returns the `pressure` block of the metrics JSON
(DESIGN.md) plus extra keys, and `None` with a reason in `missing` where the data cannot
support a value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.recording.insole import InsoleLayout, InsoleRecording

# Contact detection. Force plates conventionally call a foot "on the ground" above a fixed
# 20 N (the threshold most force-plate and insole validation studies use as reference;
# Tirosh & Sparrow 2003, J Appl Biomech 19(2):178-184, show how the choice of threshold
# shifts event times). Insoles carry a swing-phase offset and more noise, so we measure
# above the foot's own swing baseline and scale to body weight: events are placed where
# the force crosses baseline + 5 % of body weight (~35 N for 70 kg, the same order as
# 20 N), and a contact only counts once it passes baseline + 10 % (hysteresis, so noise
# near the event level cannot chatter).
EVENT_FRACTION_BW = 0.05
ARM_FRACTION_BW = 0.10
BASELINE_PERCENTILE = 5.0  # the swing-phase level: feet are in swing ~40 % of walking
# Stance or swing shorter than this is sensor chatter: even at top sprint speed ground
# contact lasts ~0.1 s (Weyand et al. 2000, J Appl Physiol 89(5):1991-1999).
MIN_PHASE_S = 0.06
# Strides outside 0.5-1.5x the median stride are turns, stops or missed events in an
# overground walk; a robust screening rule of ours, not a clinical norm.
STEADY_RATIO = (0.5, 1.5)

# CPEI (Song et al. 1996, J Am Podiatr Med Assoc 86(1):16-23): the COP's deviation from
# the line joining its first and last points, measured where the foot's anterior third
# begins (2/3 of foot length from the heel), as % of foot width; + = lateral of the line.
CPEI_LEVEL = 2.0 / 3.0
# Insole layouts give foot length, not width: adult foot breadth is ~38 % of foot length
# (Hawes & Sovak 1994, Ergonomics 37(7):1213-1226).
FOOT_WIDTH_RATIO = 0.38
# Song et al. measured CPEI on a pressure platform; with fewer sensors per foot than this
# the COP is a coarse weighted mean of a few cells and CPEI is flagged approximate.
DENSE_SENSORS = 16

STANCE_POINTS = 101  # COP paths resampled to 0..100 % of stance

SIDES = ("left", "right")


@dataclass(frozen=True)
class Phases:
    """Stance phases of one foot: heel strike and toe off times (NaN where the phase runs
    past the edge of the data) and the sample range [start, stop) of each."""

    heel_strike: np.ndarray
    toe_off: np.ndarray
    start: np.ndarray
    stop: np.ndarray

    def __len__(self) -> int:
        return len(self.heel_strike)


def total_force(forces: np.ndarray) -> np.ndarray:
    """Sum over a foot's sensors, (T, n) -> (T,); NaN where any sensor is NaN."""
    return np.asarray(forces, dtype=np.float64).sum(axis=1)


def swing_baseline(total: np.ndarray) -> float:
    """The force a foot reads in the air (insole preload, sensor offset)."""
    finite = total[np.isfinite(total)]
    return float(np.percentile(finite, BASELINE_PERCENTILE)) if len(finite) else 0.0


def body_weight_load(left_total: np.ndarray, right_total: np.ndarray) -> float:
    """Body-weight-like load: the median of both feet's force above baseline.

    Over whole gait cycles, and while standing, the vertical force under both feet averages
    body weight, so its median is a layout- and unit-free scale for thresholds.
    """
    both = (left_total - swing_baseline(left_total)) + (right_total - swing_baseline(right_total))
    both = both[np.isfinite(both)]
    return float(np.median(both)) if len(both) else 0.0


def _crossing(t: np.ndarray, f: np.ndarray, i: np.ndarray, level: float) -> np.ndarray:
    """Time where f crosses `level` between samples i and i+1 (linear interpolation)."""
    df = f[i + 1] - f[i]
    frac = np.divide(level - f[i], df, out=np.zeros_like(df), where=df != 0)
    return t[i] + np.clip(frac, 0.0, 1.0) * (t[i + 1] - t[i])


def contact_phases(t: np.ndarray, total: np.ndarray, low: float, high: float) -> Phases:
    """Stance phases by a Schmitt trigger: contact begins above `high`, ends below `low`;
    both events are timed where the force crosses `low`. NaN samples end any phase."""
    n = len(total)
    state = np.zeros(n, dtype=np.int8)  # 1 above high, -1 below low, 2 unknown, 0 hold
    state[total > high] = 1
    state[total < low] = -1
    state[~np.isfinite(total)] = 2
    src = np.maximum.accumulate(np.where(state != 0, np.arange(n), -1))
    filled = np.where(src >= 0, state[np.maximum(src, 0)], 2)
    contact = np.concatenate([[False], filled == 1, [False]])
    start = np.flatnonzero(~contact[:-1] & contact[1:])
    stop = np.flatnonzero(contact[:-1] & ~contact[1:])

    hs = np.full(len(start), np.nan)
    ok = start > 0
    ok[ok] = filled[start[ok] - 1] == -1
    hs[ok] = _crossing(t, total, src[start[ok] - 1], low)
    to = np.full(len(stop), np.nan)
    ok = stop < n
    ok[ok] = filled[np.minimum(stop[ok], n - 1)] == -1
    to[ok] = _crossing(t, total, stop[ok] - 1, low)
    return _debounce(Phases(hs, to, start, stop), t)


def _debounce(p: Phases, t: np.ndarray) -> Phases:
    """Merge swings and then drop stances shorter than MIN_PHASE_S."""
    if len(p) == 0:
        return p
    t_stop = t[np.minimum(p.stop, len(t) - 1)]
    gap = t[p.start[1:]] - t_stop[:-1]
    short_swing = np.flatnonzero((gap < MIN_PHASE_S) & np.isfinite(p.toe_off[:-1]))
    keep_start = np.ones(len(p), bool)
    keep_start[short_swing + 1] = False  # a phase absorbed into the one before it
    keep_stop = np.ones(len(p), bool)
    keep_stop[short_swing] = False
    hs, start = p.heel_strike[keep_start], p.start[keep_start]
    to, stop = p.toe_off[keep_stop], p.stop[keep_stop]
    duration = t[np.minimum(stop, len(t) - 1)] - t[start]
    long_enough = (duration >= MIN_PHASE_S) | ~np.isfinite(hs) | ~np.isfinite(to)
    return Phases(hs[long_enough], to[long_enough], start[long_enough], stop[long_enough])


def sensor_loads(forces: np.ndarray) -> np.ndarray:
    """Sensor forces above each sensor's own swing baseline (preload would pull the COP
    toward the middle of the insole), NaN as 0, never negative."""
    f = np.nan_to_num(np.asarray(forces, dtype=np.float64))
    return np.clip(f - np.percentile(f, BASELINE_PERCENTILE, axis=0), 0.0, None)


def cop_path(loads: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Centre of pressure (T, 2) in layout mm from sensor loads (T, n); NaN when unloaded."""
    f = np.asarray(loads, dtype=np.float64)
    total = f.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (f @ xy) / total, np.nan)


def stance_path(t: np.ndarray, cop: np.ndarray, hs: float, to: float) -> np.ndarray | None:
    """COP of one stance resampled to STANCE_POINTS points from heel strike to toe off."""
    inside = (t >= hs) & (t <= to) & np.all(np.isfinite(cop), axis=1)
    if inside.sum() < 2:
        return None
    grid = np.linspace(hs, to, STANCE_POINTS)
    ts = t[inside]
    return np.column_stack([np.interp(grid, ts, cop[inside, 0]), np.interp(grid, ts, cop[inside, 1])])


def cpei_pct(path: np.ndarray, foot_length_mm: float, foot_width_mm: float) -> float:
    """CPEI of one stance path (k, 2) in % of foot width; NaN when the path does not reach
    past the anterior-third line or runs backwards."""
    level = CPEI_LEVEL * foot_length_mm
    (x0, y0), (x1, y1) = path[0], path[-1]
    if not (y0 < level < y1):
        return float("nan")
    x_line = x0 + (x1 - x0) * (level - y0) / (y1 - y0)
    k = int(np.argmax(path[:, 1] >= level))
    (xa, ya), (xb, yb) = path[k - 1], path[k]
    x_cop = xa + (xb - xa) * (level - ya) / (yb - ya) if yb != ya else xb
    return float(100.0 * (x_cop - x_line) / foot_width_mm)


def medial_weights(xy: np.ndarray) -> np.ndarray:
    """Each sensor's share counted as medial: 1 for x < 0, 0.5 on the foot axis, else 0."""
    x = xy[:, 0]
    return np.where(np.abs(x) < 1e-6, 0.5, (x < 0).astype(np.float64))


def symmetry_index(left: float | None, right: float | None) -> float | None:
    """Robinson et al. 1987 (J Manipulative Physiol Ther 10(4):172-176):
    100 (R - L) / (0.5 (R + L)); 0 = symmetric, + = right larger."""
    if left is None or right is None or left + right == 0:
        return None
    return float(100.0 * (right - left) / (0.5 * (right + left)))


def _median(values: list[float | None]) -> float | None:
    """Median of the finite values (None counts as missing); None when there are none."""
    v = np.array([np.nan if x is None else x for x in values], dtype=np.float64)
    v = v[np.isfinite(v)]
    return float(np.median(v)) if len(v) else None


def _foot_metrics(
    t: np.ndarray, forces: np.ndarray, xy: np.ndarray | None, foot_length: float | None,
    low: float, high: float, newton: bool,
) -> dict:  # fmt: skip
    """One foot: events, per-stance records and medians over steady strides."""
    total = total_force(forces)
    phases = contact_phases(t, total, low, high)
    hs, to = phases.heel_strike, phases.toe_off
    complete = np.flatnonzero(np.isfinite(hs) & np.isfinite(to))
    stride = np.full(len(phases), np.nan)
    stride[:-1] = hs[1:] - hs[:-1]
    median_stride = _median(stride.tolist())
    steady = np.zeros(len(phases), bool)
    if median_stride:
        lo, hi = STEADY_RATIO
        steady = np.isfinite(stride) & (stride >= lo * median_stride) & (stride <= hi * median_stride)
        steady &= np.isfinite(to)
    loads = sensor_loads(forces)
    cop = cop_path(loads, xy) if xy is not None else None
    width = FOOT_WIDTH_RATIO * foot_length if foot_length else None
    per_stride, in_stance = [], np.zeros(len(t), bool)
    for k in complete:
        rows = slice(phases.start[k], phases.stop[k])
        in_stance[rows] |= bool(steady[k])
        path = stance_path(t, cop, hs[k], to[k]) if cop is not None else None
        cpei = cpei_pct(path, foot_length, width) if path is not None and width else float("nan")
        per_stride.append({
            "heel_strike_s": float(hs[k]),
            "toe_off_s": float(to[k]),
            "stance_time_s": float(to[k] - hs[k]),
            "stride_time_s": float(stride[k]) if np.isfinite(stride[k]) else None,
            "steady": bool(steady[k]),
            "peak_force_n": float(np.nanmax(total[rows])) if newton else None,
            "impulse_ns": float(np.trapz(total[rows], t[rows])) if newton else None,
            "cpei_pct": cpei if np.isfinite(cpei) else None,
            "cop_mm": np.round(path, 2).tolist() if path is not None else None,
        })  # fmt: skip
    steady_rows = [s for s in per_stride if s["steady"]]

    def median_of(key: str) -> float | None:
        return _median([s[key] for s in steady_rows])

    medial = None
    if xy is not None and in_stance.any():
        f = loads[in_stance]
        load = f.sum()
        medial = float((f @ medial_weights(xy)).sum() / load) if load > 0 else None
    return {
        "events": {"heel_strike_s": hs[np.isfinite(hs)].tolist(), "toe_off_s": to[np.isfinite(to)].tolist()},
        "strides": len(steady_rows),
        "stride_time_s": median_of("stride_time_s"),
        "stance_time_s": median_of("stance_time_s"),
        "stance_fraction": _median([s["stance_time_s"] / s["stride_time_s"] for s in steady_rows]),
        "peak_force_n": median_of("peak_force_n"),
        "cpei_pct": median_of("cpei_pct"),
        "medial_load_fraction": medial,
        "impulse_ns": median_of("impulse_ns"),
        "per_stride": per_stride,
    }


def pressure_metrics(rec: InsoleRecording) -> dict:
    """The metrics JSON `pressure` block for one recording, plus extras (see module doc).

    Keys: cpei_pct, medial_load_fraction, peak_force_n, stance_time_s (the DESIGN.md
    block), stride_time_s, stance_fraction, strides, impulse_ns, each {"left", "right"};
    cadence_spm; asymmetry (Robinson symmetry indices, %); lost_frames; events and
    per_stride per foot (COP paths resampled over stance for plotting); thresholds; foot;
    notes; missing (key -> reason for every None). Times are medians over steady strides.
    """
    layout: InsoleLayout | None = rec.layout
    newton = rec.units == "newton"
    totals = {side: total_force(getattr(rec, side)) for side in SIDES}
    load = body_weight_load(totals["left"], totals["right"])
    feet, thresholds = {}, {}
    for side in SIDES:
        base = swing_baseline(totals[side])
        low, high = base + EVENT_FRACTION_BW * load, base + ARM_FRACTION_BW * load
        thresholds[side] = {"baseline": base, "event": low, "arm": high}
        xy = getattr(layout, side) if layout is not None else None
        foot_length = layout.foot_length_mm if layout is not None else None
        feet[side] = _foot_metrics(rec.t, getattr(rec, side), xy, foot_length, low, high, newton)

    keys = ("cpei_pct", "medial_load_fraction", "peak_force_n", "stance_time_s",
            "stride_time_s", "stance_fraction", "impulse_ns")  # fmt: skip
    out: dict = {k: {side: feet[side][k] for side in SIDES} for k in keys}
    out["strides"] = {side: feet[side]["strides"] for side in SIDES}
    strides = [v for v in out["stride_time_s"].values() if v]
    out["cadence_spm"] = 120.0 / float(np.mean(strides)) if strides else None
    out["asymmetry"] = {
        "peak_force_si_pct": symmetry_index(*out["peak_force_n"].values()),
        "stance_time_si_pct": symmetry_index(*out["stance_time_s"].values()),
        "impulse_si_pct": symmetry_index(*out["impulse_ns"].values()),
    }
    out["lost_frames"] = rec.lost_frames
    out["events"] = {side: feet[side]["events"] for side in SIDES}
    out["per_stride"] = {side: feet[side]["per_stride"] for side in SIDES}
    out["thresholds"] = {"body_weight_load": load, **thresholds, "units": rec.units}
    out["foot"] = None
    notes = []
    if layout is not None:
        out["foot"] = {
            "length_mm": layout.foot_length_mm,
            "width_mm": FOOT_WIDTH_RATIO * layout.foot_length_mm,
            "cpei_level_mm": CPEI_LEVEL * layout.foot_length_mm,
        }
        sparse = min(len(layout.left), len(layout.right))
        if sparse < DENSE_SENSORS:
            notes.append(
                f"CPEI from {sparse} sensors per foot is approximate "
                "(Song et al. measured it on a pressure platform)"
            )
    out["notes"] = notes
    out["missing"] = _missing(out, rec, layout)
    return out


def _missing(out: dict, rec: InsoleRecording, layout: InsoleLayout | None) -> dict[str, str]:
    reasons: dict[str, str] = {}
    for key, block in out.items():
        if not isinstance(block, dict) or set(block) != set(SIDES):
            continue
        for side in SIDES:
            if block[side] is not None:
                continue
            if key in ("peak_force_n", "impulse_ns") and rec.units != "newton":
                why = "raw counts: record with a calibration to get newtons"
            elif key in ("cpei_pct", "medial_load_fraction") and layout is None:
                why = "no sensor layout beside the recording"
            elif out["strides"][side] == 0:
                why = "no complete steady stride detected"
            elif key == "cpei_pct":
                why = "the COP path never passed the anterior-third line"
            else:
                why = "not computable from this recording"
            reasons[f"{key}.{side}"] = why
    for key, value in out["asymmetry"].items():
        if value is None:
            reasons[f"asymmetry.{key}"] = "needs the value on both feet"
    if out["cadence_spm"] is None:
        reasons["cadence_spm"] = "no complete steady stride detected"
    return reasons
