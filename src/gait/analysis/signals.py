"""Signal conditioning for landmark tracks: a regular clock, gap bridging and zero-phase
low-pass filtering.

All work on arrays shaped (T, ...) along axis 0 and treat NaN as missing. The filter and the
event detectors count in samples, so a track whose frames do not come at a steady rate (a
phone's variable frame rate in dim light, a webcam dropping frames under load) is first
resampled onto a regular clock. Short gaps are bridged so a blink of the pose model does not
cut a stride in two; long gaps stay missing so no stride is invented. The filter runs forward
and backward (zero phase), so gait events found on filtered signals are not shifted in time.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, sosfiltfilt

# Low-pass cutoff for walking kinematics: 6 Hz (Winter DA, Biomechanics and Motor Control of
# Human Movement, 4th ed. 2009, ch. 2.2.4.4: residual analysis of gait marker data).
CUTOFF_HZ = 6.0
# Gaps up to this long are bridged by interpolation (a few frames of a lost detection).
MAX_GAP_S = 0.2
# Frame times within this of the median interval count as a steady rate. Matroska/WebM store
# presentation times in whole milliseconds by default (TimestampScale 1 ms), so a steady
# 30 fps reads as 33 and 34 ms intervals; a dropped frame adds a whole interval.
CLOCK_TOLERANCE_S = 0.002
_ORDER = 2  # 2nd-order Butterworth run twice = 4th-order zero-phase response


def sample_rate(t: np.ndarray) -> float:
    """Frames per second from the median frame interval (robust to dropped frames)."""
    dt = np.diff(np.asarray(t, dtype=np.float64))
    return float(1.0 / np.median(dt)) if dt.size else 0.0


def regular_clock(t: np.ndarray) -> np.ndarray:
    """`t` itself when its frames come at a steady rate, else a regular clock over the same
    span at its median frame interval (the rate most of the frames came at).

    Steady means every interval within CLOCK_TOLERANCE_S of the median.
    """
    t = np.asarray(t, dtype=np.float64)
    dt = np.diff(t)
    if not dt.size or np.all(np.abs(dt - np.median(dt)) <= CLOCK_TOLERANCE_S):
        return t
    step = float(np.median(dt))
    return t[0] + step * np.arange(int(np.floor((t[-1] - t[0]) / step + 1e-6)) + 1)


def resample(values: np.ndarray, t: np.ndarray, clock: np.ndarray, max_gap_s: float = MAX_GAP_S) -> np.ndarray:
    """(len(clock), ...) `values` at the times `clock`, linear in time between the frames either
    side; NaN where either of them is NaN or they lie more than `max_gap_s` apart (a gap that
    `bridge_gaps` would not bridge either), and outside the frames' span. A clock time on a
    frame takes that frame's value."""
    x = np.asarray(values, dtype=np.float64)
    flat = x.reshape(len(x), -1)
    t, clock = np.asarray(t, dtype=np.float64), np.asarray(clock, dtype=np.float64)
    if not len(t):
        return np.full((len(clock),) + x.shape[1:], np.nan)
    pos = np.interp(clock, t, np.arange(len(t)))
    on_frame = np.abs(pos - np.rint(pos)) < 1e-6
    lo = np.where(on_frame, np.rint(pos), np.floor(pos)).astype(np.int64)
    hi = np.where(on_frame, lo, np.minimum(lo + 1, len(t) - 1))
    w = (pos - lo)[:, None]
    out = (1 - w) * flat[lo] + w * flat[hi] if len(t) > 1 else flat[lo].copy()
    out[on_frame] = flat[lo[on_frame]]
    out[(t[hi] - t[lo] > max_gap_s + 1e-9) | (clock < t[0] - 1e-9) | (clock > t[-1] + 1e-9)] = np.nan
    return out.reshape((len(clock),) + x.shape[1:])


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end (exclusive) indices of the runs of True in a 1-D bool array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(np.int8))
    return np.flatnonzero(d == 1), np.flatnonzero(d == -1)


def _gap_lengths(missing: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(T, C): duration (s) of the missing run each sample belongs to, measured between the
    valid samples that bound it (inf at the ends, which cannot be bridged); 0 where valid."""
    n, c = missing.shape
    idx = np.arange(n)[:, None]
    valid_idx = np.where(~missing, idx, -1)
    prev = np.maximum.accumulate(valid_idx, axis=0)
    nxt_rev = np.where(~missing, idx, n)[::-1]
    nxt = np.minimum.accumulate(nxt_rev, axis=0)[::-1]
    tt = np.concatenate([t, [np.inf]])
    t_prev = np.where(prev >= 0, t[np.clip(prev, 0, n - 1)], -np.inf)
    t_next = tt[np.clip(nxt, 0, n)]
    return np.where(missing, t_next - t_prev, 0.0)


def bridge_gaps(values: np.ndarray, t: np.ndarray, max_gap_s: float = MAX_GAP_S) -> np.ndarray:
    """Fill NaN runs no longer than `max_gap_s` (between the bounding valid samples) by
    linear interpolation in time; longer runs and runs at either end stay NaN."""
    x = np.asarray(values, dtype=np.float64)
    flat = x.reshape(len(x), -1).copy()
    missing = np.isnan(flat)
    if not missing.any():
        return x.copy()
    gap = _gap_lengths(missing, np.asarray(t, dtype=np.float64))
    fill = missing & (gap <= max_gap_s + 1e-9)
    for col in np.flatnonzero(fill.any(axis=0)):  # one call per landmark coordinate
        ok = ~missing[:, col]
        if not ok.any():
            continue
        flat[fill[:, col], col] = np.interp(t[fill[:, col]], t[ok], flat[ok, col])
    return flat.reshape(x.shape)


def fill_nan(y: np.ndarray) -> np.ndarray:
    """Every NaN of a 1-D series replaced by linear interpolation over samples (edges held),
    for peak finding, which cannot run over gaps."""
    ok = np.isfinite(y)
    if ok.all() or not ok.any():
        return np.nan_to_num(y)
    idx = np.arange(len(y))
    return np.interp(idx, idx[ok], y[ok])


def lowpass(values: np.ndarray, fs: float, cutoff_hz: float = CUTOFF_HZ) -> np.ndarray:
    """Zero-phase Butterworth low-pass along axis 0, segment by segment between NaN gaps.

    Columns that share a NaN pattern are filtered together; a segment too short for the
    filter's edge padding is left as it is. The cutoff is capped below Nyquist.
    """
    x = np.asarray(values, dtype=np.float64)
    flat = x.reshape(len(x), -1)
    out = flat.copy()
    if fs <= 0 or len(x) < 4:
        return out.reshape(x.shape)
    wn = min(cutoff_hz, 0.45 * fs) / (fs / 2.0)
    sos = butter(_ORDER, wn, output="sos")
    pad = 3 * (2 * len(sos) + 1)
    missing = np.isnan(flat)
    patterns, inverse = np.unique(missing.T, axis=0, return_inverse=True)
    for k, pattern in enumerate(patterns):
        cols = np.flatnonzero(inverse.ravel() == k)
        starts, ends = runs(~pattern)
        for a, b in zip(starts, ends):
            if b - a > pad:
                out[a:b, cols] = sosfiltfilt(sos, flat[a:b, cols], axis=0)
    return out.reshape(x.shape)


def derivative(values: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Time derivative along axis 0 (central differences on the actual frame times)."""
    x = np.asarray(values, dtype=np.float64)
    if len(x) < 2:
        return np.zeros_like(x)
    return np.gradient(x, np.asarray(t, dtype=np.float64), axis=0)


def refine_extremum(y: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Sub-sample positions of extrema at indices `i` by a parabola through 3 samples."""
    i = np.asarray(i, dtype=np.int64)
    out = i.astype(np.float64)
    inner = (i > 0) & (i < len(y) - 1)
    j = i[inner]
    if j.size:
        a, b, c = y[j - 1], y[j], y[j + 1]
        den = a - 2 * b + c
        with np.errstate(invalid="ignore", divide="ignore"):
            off = np.where(np.abs(den) > 1e-12, 0.5 * (a - c) / den, 0.0)
        out[inner] = j + np.clip(np.nan_to_num(off), -0.5, 0.5)
    return out


def index_to_time(t: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Times at fractional sample positions (linear between frame times)."""
    return np.interp(pos, np.arange(len(t)), t)


def normalise_cycles(t: np.ndarray, values: np.ndarray, starts: np.ndarray, ends: np.ndarray,
                     n: int = 101) -> np.ndarray:  # fmt: skip
    """(S, n, ...) values resampled at 0..100 % of each cycle [starts[s], ends[s]].

    Linear interpolation in time; a cycle sample next to a missing frame is NaN.
    """
    x = np.asarray(values, dtype=np.float64)
    flat = x.reshape(len(x), -1)
    u = np.linspace(0.0, 1.0, n)
    starts, ends = np.asarray(starts, float), np.asarray(ends, float)
    tq = starts[:, None] + (ends - starts)[:, None] * u[None, :]  # (S, n)
    pos = np.interp(tq.ravel(), t, np.arange(len(t)))
    lo = np.clip(np.floor(pos).astype(np.int64), 0, len(t) - 1)
    hi = np.clip(lo + 1, 0, len(t) - 1)
    w = (pos - lo)[:, None]
    res = (1 - w) * flat[lo] + w * flat[hi]  # NaN if either neighbour is NaN
    return res.reshape((len(starts), n) + x.shape[1:])
