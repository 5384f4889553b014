"""Timing of the walk from valid strides: cadence, stride time, stance, step-time asymmetry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import correlate, find_peaks

from gait.analysis import signals
from gait.analysis.cycles import Stride, valid_strides
from gait.analysis.prepare import SIDES

MIN_STRIDES = 3  # per side, for a per-side mean to be reported


@dataclass(frozen=True)
class Timing:
    strides: dict[str, int]
    stride_time_s: dict[str, float | None]
    stride_time_sd_s: dict[str, float | None]
    stance_fraction: dict[str, float | None]
    step_time_s: dict[str, float | None]  # a side's step: other side's heel strike -> this one
    cadence_spm: float | None
    step_time_asymmetry_pct: float | None  # 100 |L - R| / mean(L, R)


def _mean(values: list[float], n_min: int = MIN_STRIDES) -> float | None:
    v = np.asarray(values, dtype=np.float64)
    v = v[np.isfinite(v)]
    return float(np.mean(v)) if len(v) >= n_min else None


def timing(strides: list[Stride]) -> Timing:
    """Spatiotemporal summary; per-side values need >= `MIN_STRIDES` valid strides."""
    per = {s: valid_strides(strides, s) for s in SIDES}
    stride_t = {s: _mean([x.duration for x in per[s]]) for s in SIDES}
    sd = {s: float(np.std([x.duration for x in per[s]], ddof=1)) if len(per[s]) >= MIN_STRIDES else None for s in SIDES}
    stance = {s: _mean([x.stance_fraction for x in per[s]]) for s in SIDES}
    # Within a stride of side X: the other side's step ends at its heel strike (opposite HS -
    # start), this side's step ends at the stride's end (end - opposite HS).
    other_step = {s: [x.opposite_heel_strike - x.start for x in per[s]] for s in SIDES}
    own_step = {s: [x.end - x.opposite_heel_strike for x in per[s]] for s in SIDES}
    step = {
        "left": _mean(own_step["left"] + other_step["right"]),
        "right": _mean(own_step["right"] + other_step["left"]),
    }
    all_t = [x.duration for s in SIDES for x in per[s]]
    cadence = 120.0 / float(np.mean(all_t)) if len(all_t) >= MIN_STRIDES else None
    asym = None
    if step["left"] is not None and step["right"] is not None:
        asym = 100.0 * abs(step["left"] - step["right"]) / (0.5 * (step["left"] + step["right"]))
    return Timing({s: len(per[s]) for s in SIDES}, stride_t, sd, stance, step, cadence, asym)


def alternation_period(t: np.ndarray, x: np.ndarray) -> float | None:
    """The period (s) at which `x` repeats, e.g. the left ankle's image row minus the right's,
    which repeats once a stride whatever the events: its autocorrelation's first peak above
    half the zero-lag value. None where there is none (no regular alternation, too few samples).

    It needs no events, so it can say how long a stride lasts where the events fail: a slow-
    motion clip's strides are several times longer than any walk's and are all rejected.
    """
    if np.isfinite(x).sum() < 10:
        return None
    y = signals.fill_nan(x)
    y = y - y.mean()
    ac = correlate(y, y, mode="full", method="fft")[len(y) - 1 :]
    if not ac[0] > 0:
        return None
    peaks, _ = find_peaks(ac / ac[0], height=0.5)
    return float(peaks[0] / signals.sample_rate(t)) if len(peaks) else None
