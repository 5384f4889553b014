"""Normative sagittal joint curves of level walking, as a few Fourier harmonics.

The key points below are read off the mean adult curves at natural cadence in
Winter DA, *Biomechanics and Motor Control of Human Movement*, 4th ed. (2009), ch. 4 and
appendix A, cross-checked with Perry J & Burnfield JM, *Gait Analysis: Normal and
Pathological Function*, 2nd ed. (2010), chs. 5-7. Percent of the gait cycle from heel strike,
toe off at 60 %. Degrees: hip = thigh flexion (+), knee flexion (+), ankle dorsiflexion (+) /
plantarflexion (-). The hip curve is the thigh's angle to the vertical (Perry & Burnfield's
"thigh" curve: ~20 deg flexion at contact, ~20 deg apparent hyperextension in terminal
stance), so the chain needs no pelvic-tilt correction. A least-squares fit of `HARMONICS`
harmonics to the points smooths them into periodic curves with continuous derivatives.
"""

from __future__ import annotations

import numpy as np

HARMONICS = 6

# (percent of cycle, degrees)
HIP_FLEXION = (
    (0, 20), (10, 19), (20, 12), (30, 4), (40, -5), (50, -14), (55, -17), (60, -13), (65, -3),
    (70, 7), (75, 15), (80, 21), (85, 24), (90, 24), (95, 22),
)  # fmt: skip
KNEE_FLEXION = (
    (0, 3), (5, 10), (10, 16), (15, 18), (20, 16), (25, 12), (30, 8), (35, 5), (40, 4), (45, 5),
    (50, 9), (55, 18), (60, 33), (65, 48), (70, 58), (73, 60), (75, 59), (80, 52), (85, 38),
    (90, 20), (95, 7),
)  # fmt: skip
ANKLE_DORSIFLEXION = (
    (0, 0), (5, -5), (10, -3), (15, 1), (20, 4), (30, 7), (40, 10), (45, 11), (50, 9), (55, 2),
    (60, -10), (62, -15), (65, -14), (70, -8), (75, -3), (80, 0), (85, 1), (90, 1), (95, 0),
)  # fmt: skip


def _design(phase: np.ndarray, harmonics: int = HARMONICS) -> np.ndarray:
    """Fourier design matrix (n, 2h+1) at `phase` in cycles."""
    k = np.arange(1, harmonics + 1)
    arg = 2 * np.pi * np.asarray(phase, dtype=np.float64)[..., None] * k
    return np.concatenate([np.ones_like(arg[..., :1]), np.cos(arg), np.sin(arg)], axis=-1)


def fit(points: tuple[tuple[float, float], ...], harmonics: int = HARMONICS) -> np.ndarray:
    """Fourier coefficients (2h+1,) of a periodic curve through (percent, value) points."""
    pts = np.asarray(points, dtype=np.float64)
    coef, *_ = np.linalg.lstsq(_design(pts[:, 0] / 100.0, harmonics), pts[:, 1], rcond=None)
    return coef


def evaluate(coef: np.ndarray, phase: np.ndarray) -> np.ndarray:
    """The curve with coefficients `coef` at `phase` (cycles, any shape)."""
    harmonics = (len(coef) - 1) // 2
    return _design(phase, harmonics) @ coef


HIP = fit(HIP_FLEXION)
KNEE = fit(KNEE_FLEXION)
ANKLE = fit(ANKLE_DORSIFLEXION)
