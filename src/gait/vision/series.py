"""Per-frame frontal-plane angles measured on the image, aligned to a pose track's times.

The container `gait.analysis` accepts as a replacement source for the angles that
landmarks cannot carry (rearfoot eversion, pelvic obliquity); arrays only, no I/O. It also
carries where each leg's shoe collar was seen (`LegTrack`), the signals the image's own gait
events come from (`gait.analysis.collar_events`) when no insole gives them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIDES = ("left", "right")


@dataclass(frozen=True)
class LegTrack:
    """Where one leg was found in each frame (a close-up's `closeup.locate_legs`, or the lower
    leg's bisection below the pose model's knee and ankle), frame pixels, y down; NaN (False)
    where it was not found."""

    x: np.ndarray  # (T,) the shin's midline column in the band
    width: np.ndarray  # (T,) the shin's width there
    collar_y: np.ndarray  # (T,) the shoe collar's row, sub-pixel; NaN also where `above`
    above: np.ndarray  # (T,) bool: the collar was at or above the band's foot (the foot lifted high)
    sole_y: np.ndarray | None = None  # (T,) the sole's bottom edge under the heel; None: not read

    def __post_init__(self) -> None:
        if not len(self.x) == len(self.width) == len(self.collar_y) == len(self.above):
            raise ValueError("every leg series must have one value per frame")
        if self.sole_y is not None and len(self.sole_y) != len(self.x):
            raise ValueError("every leg series must have one value per frame")

    def take(self, idx: np.ndarray, ok: np.ndarray) -> LegTrack:
        """The frames `idx` where `ok`, NaN (False) elsewhere."""
        nan = lambda a: np.where(ok, a[idx], np.nan)  # noqa: E731
        return LegTrack(nan(self.x), nan(self.width), nan(self.collar_y), ok & self.above[idx],
                        nan(self.sole_y) if self.sole_y is not None else None)  # fmt: skip


@dataclass(frozen=True)
class FrontalSeries:
    """Angles per frame (deg, NaN where not measured) and their quality (0..1)."""

    t: np.ndarray  # (T,) seconds
    rearfoot_deg: dict[str, np.ndarray]  # side -> (T,), + = eversion
    rearfoot_quality: dict[str, np.ndarray]  # side -> (T,)
    pelvic_obliquity_deg: np.ndarray  # (T,), + = the subject's right side lower
    pelvic_quality: np.ndarray  # (T,)
    framing: str = "body"  # "body" (legs located by landmarks) or "legs" (close-up, found in the image)
    legs: dict[str, LegTrack] | None = None  # side -> where the leg was found
    noise_sd: np.ndarray | None = None  # (T,) each frame's noise in grey levels as measured (`grain`); None: not read

    def __post_init__(self) -> None:
        n = len(self.t)
        arrays = [*self.rearfoot_deg.values(), *self.rearfoot_quality.values(), self.pelvic_obliquity_deg,
                  self.pelvic_quality, *(leg.x for leg in (self.legs or {}).values()),
                  *([self.noise_sd] if self.noise_sd is not None else [])]  # fmt: skip
        if any(len(a) != n for a in arrays):
            raise ValueError("every frontal series must have one value per time")

    def at(self, t: np.ndarray) -> FrontalSeries:
        """The series at times `t`: the nearest frame within half a frame, else NaN / 0."""
        t = np.asarray(t, dtype=np.float64)
        if len(self.t) == 0:
            nan, zero = np.full(len(t), np.nan), np.zeros(len(t))
            legs = {s: LegTrack(nan, nan, nan, zero > 0) for s in self.legs} if self.legs is not None else None
            return FrontalSeries(t, {s: nan for s in SIDES}, {s: zero for s in SIDES}, nan, zero, self.framing, legs,
                                 nan if self.noise_sd is not None else None)  # fmt: skip
        idx = np.rint(np.interp(t, self.t, np.arange(len(self.t)))).astype(int)
        half = 0.5 * float(np.median(np.diff(self.t))) if len(self.t) > 1 else 0.0
        ok = np.abs(self.t[idx] - t) <= half + 1e-9

        def take(a: np.ndarray, fill: float) -> np.ndarray:
            return np.where(ok, a[idx], fill)

        legs = {s: leg.take(idx, ok) for s, leg in self.legs.items()} if self.legs is not None else None
        return FrontalSeries(t, {s: take(self.rearfoot_deg[s], np.nan) for s in SIDES},
                             {s: take(self.rearfoot_quality[s], 0.0) for s in SIDES},
                             take(self.pelvic_obliquity_deg, np.nan), take(self.pelvic_quality, 0.0), self.framing,
                             legs, take(self.noise_sd, np.nan) if self.noise_sd is not None else None)  # fmt: skip
