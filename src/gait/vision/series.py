"""Per-frame frontal-plane angles measured on the image, aligned to a pose track's times.

The container `gait.analysis` accepts as a replacement source for the angles that
landmarks cannot carry (rearfoot eversion, pelvic obliquity); arrays only, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDES = ("left", "right")


@dataclass(frozen=True)
class FrontalSeries:
    """Angles per frame (deg, NaN where not measured) and their quality (0..1)."""

    t: np.ndarray  # (T,) seconds
    rearfoot_deg: dict[str, np.ndarray]  # side -> (T,), + = eversion
    rearfoot_quality: dict[str, np.ndarray]  # side -> (T,)
    pelvic_obliquity_deg: np.ndarray  # (T,), + = the subject's right side lower
    pelvic_quality: np.ndarray  # (T,)
    framing: str = "body"  # "body" (legs located by landmarks) or "legs" (close-up, found in the image)

    def __post_init__(self) -> None:
        n = len(self.t)
        arrays = [*self.rearfoot_deg.values(), *self.rearfoot_quality.values(), self.pelvic_obliquity_deg,
                  self.pelvic_quality]  # fmt: skip
        if any(len(a) != n for a in arrays):
            raise ValueError("every frontal series must have one value per time")

    def at(self, t: np.ndarray) -> FrontalSeries:
        """The series at times `t`: the nearest frame within half a frame, else NaN / 0."""
        t = np.asarray(t, dtype=np.float64)
        if len(self.t) == 0:
            nan, zero = np.full(len(t), np.nan), np.zeros(len(t))
            return FrontalSeries(t, {s: nan for s in SIDES}, {s: zero for s in SIDES}, nan, zero, self.framing)
        idx = np.rint(np.interp(t, self.t, np.arange(len(self.t)))).astype(int)
        half = 0.5 * float(np.median(np.diff(self.t))) if len(self.t) > 1 else 0.0
        ok = np.abs(self.t[idx] - t) <= half + 1e-9

        def take(a: np.ndarray, fill: float) -> np.ndarray:
            return np.where(ok, a[idx], fill)

        return FrontalSeries(t, {s: take(self.rearfoot_deg[s], np.nan) for s in SIDES},
                             {s: take(self.rearfoot_quality[s], 0.0) for s in SIDES},
                             take(self.pelvic_obliquity_deg, np.nan), take(self.pelvic_quality, 0.0), self.framing)  # fmt: skip
