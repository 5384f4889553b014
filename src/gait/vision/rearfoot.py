"""Rearfoot angle from a posterior image: lower-leg bisection against heel-counter bisection.

The clinical two-line method (after Root et al. 1971 and the video protocols that followed,
e.g. McPoil & Cornwall 1996, J Orthop Sports Phys Ther 23:370-375): one line bisects the
lower leg, one bisects the posterior heel (here the shoe's heel counter); the rearfoot angle
is the angle between them, + = eversion (the heel's lower end swings laterally). Seen from
behind the subject's left is on image left, so the left heel everts when its line's lower
end moves to image left of the leg's line. The leg's line is the midline of its outlines
(`bisect_rows`); the heel's is the direction its counter's edges share (`parallel_edges`),
which is the direction of the counter's bisection.

Where to look comes from a prior leg line, knee to ankle in frame pixels (pose-model
landmarks, or `closeup.find_legs` when no body is in view), and its length sets every scale:
a bare or tight-clad lower shank is about a fifth as wide as it is long, the heel counter
about as wide and about a sixth as tall. The counter starts where the colour down the leg's
midline leaves the skin's (or the sock's or tights') colour: the shoe's collar.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from gait.vision.bisect import Bisection, Orientation, bisect_rows, colour_gradient_x, parallel_edges

SIDE_SIGN = {"left": -1.0, "right": 1.0}  # image direction of the side's lateral edge
# Band of the lower leg to bisect, as fractions of knee->ankle: from the calf's belly (its
# outline is symmetric about the leg's axis seen from behind, so row midpoints stay on it)
# to above the shoe collar; below the knee's own bulge (the upper ~35 %).
SHANK_BAND = (0.4, 0.86)
# Shank width / length: ~0.2 for adults (lower-leg circumference ~23 cm at the ankle's upper
# third, ~7-8 cm across, on a ~40 cm shank; Winter 2009 anthropometry). The pair search
# accepts 0.6-1.35x that: landmarks' scale errors (~10 %) and tights fit, while the two
# legs side by side (>= ~1.5 widths unless one hides the other) do not.
WIDTH_RATIO, WIDTH_RANGE = 0.2, (0.6, 1.35)
# The heel patch: this many shank widths either side of the leg's midline. A heel counter is
# about as wide as the lower leg above it or a little wider (the shoe holds the malleoli), so
# its sides, a seam or stripe on it and the sole's sides all lie inside, while the other
# foot, a step width (~8 cm, about one shank width) away, mostly does not.
HEEL_HALF_WIDTH = 0.8
# Heel counter: its visible height ~0.15 of the shank (60-70 mm on ~430 mm); the band starts
# just under the collar edge and stops above the sole (sole ~0.05 of the shank).
HEEL_BAND = (0.02, 0.12)
# The shoe's collar is searched for from the shank band's foot down this far (shank lengths):
# pose-model ankles are up to ~20 px off on a ~130 px shank (DESIGN.md).
COLLAR_SEARCH = 0.35
# The collar is where the midline's colour leaves the shank's by more than this CIELAB
# difference (Delta E 2.3 is just noticeable, Sharma 2003; 20 is plainly another colour,
# while the shading along a limb's midline changes it by a few units).
COLLAR_DELTA_E = 20.0
# The heel's line lies within 25 deg of the leg's (rearfoot angles in walking stay within
# about -10..+20 deg even in marked over-pronation; the walker's knob allows 25).
HEEL_WITHIN_DEG = 25.0
# Off-centre tolerance of the pair search, as a share of the expected width.
CENTRE_TOLERANCE = 0.6


@dataclass(frozen=True)
class Rearfoot:
    """One leg in one frame: the two bisection lines and the angle between them."""

    shank: Bisection
    heel: Orientation
    angle_deg: float  # + = eversion
    quality: float  # 0..1: the weaker line's


def _leg_line(knee: np.ndarray, ankle: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x of the knee->ankle line at rows y."""
    dy = ankle[1] - knee[1]
    return knee[0] + (ankle[0] - knee[0]) * (y - knee[1]) / (dy if abs(dy) > 1e-6 else 1e-6)


def measure_leg(frame: np.ndarray, knee: np.ndarray, ankle: np.ndarray, side: str) -> Rearfoot | None:
    """The rearfoot angle of one leg in a BGR frame, from its prior knee and ankle (px)."""
    h, w = frame.shape[:2]
    length = float(np.hypot(*(ankle - knee)))
    if not np.isfinite(length) or length < 20:  # a shank under 20 px leaves a heel of ~3 rows
        return None
    width = WIDTH_RATIO * length
    y_a = int(round(knee[1] + SHANK_BAND[0] * length))
    y_b = int(round(knee[1] + SHANK_BAND[1] * length))
    y_end = int(round(knee[1] + (SHANK_BAND[1] + COLLAR_SEARCH + HEEL_BAND[1]) * length))
    xs = _leg_line(knee, ankle, np.array([y_a, y_end], float))
    x0 = int(max(np.floor(xs.min() - 2.5 * width), 0))
    x1 = int(min(np.ceil(xs.max() + 2.5 * width), w))
    y0, y1 = max(y_a, 0), min(y_end, h)
    if x1 - x0 < 3 * width or y_b - y0 < 3:
        return None
    crop = frame[y0:y1, x0:x1]
    gx = colour_gradient_x(crop)
    rows = np.arange(y0, min(y_b, y1))
    widths = (WIDTH_RANGE[0] * width, WIDTH_RANGE[1] * width)
    shank = bisect_rows(gx[: len(rows)], y0, _leg_line(knee, ankle, rows) - x0, widths,
                        CENTRE_TOLERANCE * width, x0)  # fmt: skip
    if shank is None:
        return None
    top = _collar(crop, shank, y0, x0, len(rows))
    if top is None:
        return None
    hy0 = int(round(top + HEEL_BAND[0] * length))
    hy1 = int(round(top + HEEL_BAND[1] * length))
    if hy0 < y0 or hy1 > y1 or hy1 - hy0 < 3:
        return None
    centre = float(shank.x_at(0.5 * (hy0 + hy1)))
    hx0 = int(max(round(centre - HEEL_HALF_WIDTH * shank.width), x0))
    hx1 = int(min(round(centre + HEEL_HALF_WIDTH * shank.width), x1))
    heel = parallel_edges(gx[hy0 - y0 : hy1 - y0, hx0 - x0 : hx1 - x0], shank.angle_deg, HEEL_WITHIN_DEG)
    if heel is None or heel.chains < 2:  # a counter has two sides; one edge may be anything
        return None
    # + eversion: the heel line's lower end swings toward the side's lateral edge.
    angle = SIDE_SIGN[side] * (heel.angle_deg - shank.angle_deg)
    return Rearfoot(shank, heel, float(angle), min(shank.quality, heel.quality))


def _collar(crop: np.ndarray, shank: Bisection, y0: int, x0: int, band: int) -> float | None:
    """Frame row of the shoe's collar: going down the leg's midline from the shank band, the
    first of two rows whose colour differs from the shank's own by more than COLLAR_DELTA_E."""
    lab = cv2.cvtColor(crop, cv2.COLOR_BGR2LAB).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0  # OpenCV scales L* to 0-255
    ys = np.arange(crop.shape[0])
    half = max(int(0.25 * shank.width), 1)
    cols = np.clip(np.round(shank.x_at(ys + y0) - x0).astype(int)[:, None] + np.arange(-half, half + 1)[None, :],
                   0, crop.shape[1] - 1)  # fmt: skip
    colour = np.median(lab[ys[:, None], cols], axis=1)  # (R, 3) along the midline
    own = np.median(colour[:band], axis=0)
    off = np.linalg.norm(colour - own, axis=1) > COLLAR_DELTA_E
    off[:band] = False
    both = np.flatnonzero(off[:-1] & off[1:])
    return float(both[0] + y0) if len(both) else None
