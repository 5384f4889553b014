"""Lower legs found in a close-up without a body: a camera behind a treadmill framing only
shins and shoes, as running shops film, where a pose model finds nobody.

The shins are the two long near-vertical bands in the middle of such a frame: the column
profile of horizontal colour edges over the band BAND (shares of frame height) peaks at
their outlines. The pair of outline pairs that are both strong and alike in width are the
legs; left and right from their position (from behind, the subject's left is image left).
Going down each leg's midline, the shoe's collar is where the colour leaves the shin's; it
stands in for the ankle landmark, and the shin's width for its length (`WIDTH_RATIO`), so
`rearfoot.read_leg` reads the close-up like a full-body frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.signal import find_peaks

from gait.vision.bisect import colour_gradient_x
from gait.vision.rearfoot import WIDTH_RATIO, colour_departure, departure_fraction

# Rows where a shins-and-shoes close-up shows the mid shins: 25-55 % of the frame height
# (the shoes take the lower third, knees or nothing the top).
BAND = (0.25, 0.55)
# A shin is 3-25 % of the frame's width across in such a close-up (the leg ~0.3-0.6 m in
# view, ~7 cm wide); two shins differ in apparent width by at most 1.5x (depth changes).
WIDTH_SHARE, WIDTH_RATIO_MAX = (0.03, 0.25), 1.5
# Outline candidates: column-profile peaks above this share of the strongest, best six.
PEAK_SHARE, CANDIDATES = 0.25, 6


@dataclass(frozen=True)
class Leg:
    """One shin found in a close-up frame, frame pixels (y down)."""

    centre: float  # midline column between the shin's outlines in the band
    width: float  # between those outlines
    collar_row: int  # first row of the shoe's collar down the midline
    collar: float  # the same, sub-pixel: where the colour difference crosses COLLAR_DELTA_E
    above: bool  # the collar lies at or above the band's foot (a foot lifted high): both rows are that bound

    def landmarks(self) -> tuple[np.ndarray, np.ndarray]:
        """(knee, ankle) pseudo-landmarks for `rearfoot.read_leg`: the ankle at the collar, the
        knee a shank length (`WIDTH_RATIO`) above it."""
        ankle = np.array([self.centre, self.collar_row], np.float64)
        return ankle - (0.0, self.width / WIDTH_RATIO), ankle


def find_legs(frame: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """side -> (knee, ankle) pseudo-landmarks (px) for the legs found; {} when none."""
    return {side: leg.landmarks() for side, leg in locate_legs(frame).items()}


def locate_legs(frame: np.ndarray) -> dict[str, Leg]:
    """side -> the shin found there (see `Leg`); {} when none."""
    h, w = frame.shape[:2]
    y0, y1 = int(BAND[0] * h), int(BAND[1] * h)
    profile = colour_gradient_x(frame[y0:y1]).mean(axis=0)
    if profile.max() <= 0:
        return {}
    peaks, props = find_peaks(profile, height=PEAK_SHARE * profile.max(), distance=3)
    strongest = np.sort(np.argsort(props["peak_heights"])[::-1][:CANDIDATES])  # then left to right
    peaks, strength = peaks[strongest], props["peak_heights"][strongest]
    lo, hi = WIDTH_SHARE[0] * w, WIDTH_SHARE[1] * w
    pairs = [(i, j) for i, j in combinations(range(len(peaks)), 2) if lo <= peaks[j] - peaks[i] <= hi]
    best, legs = -np.inf, None
    for (a, b), (c, d) in combinations(pairs, 2):  # (a, b) starts left of (c, d)
        wa, wc = peaks[b] - peaks[a], peaks[d] - peaks[c]
        if peaks[c] < peaks[b] or max(wa, wc) > WIDTH_RATIO_MAX * min(wa, wc):
            continue  # overlapping, or too unlike to be two shins
        score = min(strength[[a, b, c, d]])
        if score > best:
            best, legs = score, ((peaks[a], peaks[b]), (peaks[c], peaks[d]))
    if legs is None:
        return {}
    out = {}
    for side, (xl, xr) in zip(("left", "right"), legs):
        centre, width = 0.5 * (xl + xr), float(xr - xl)
        half = max(int(0.25 * width), 1)
        found = colour_departure(frame[y0:, max(int(centre) - half, 0) : int(centre) + half + 1], y1 - y0)
        if found is None:
            continue
        k = found[0]
        out[side] = Leg(float(centre), width, y0 + k, y0 + k - 1 + departure_fraction(*found), k == y1 - y0)
    return out
