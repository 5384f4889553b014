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
midline leaves the skin's (or the sock's or tights') colour: the shoe's collar; it ends at
the sole's top edge, the upper of the two strong horizontal edges below it (the sole's
bottom on the floor is the other). The heel's line is read on the counter's back face
between them, where its edges run with the calcaneus: not the collar's top, seen from above,
nor the sole, whose long sides recede at other angles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from gait.vision.bisect import Bisection, Orientation, bisect_rows, colour_gradient_x, colour_gradient_y, parallel_edges

SIDE_SIGN = {"left": -1.0, "right": 1.0}  # image direction of the side's lateral edge
# Band of the lower leg to bisect, as fractions of knee->ankle: from below the knee's own
# bulge (condyles, tibial plateau and fibular head: the upper ~15 %, plus the knee landmark's
# error, 4-10 px on a ~130 px shank) to above the shoe collar, through the calf's belly (its
# outline is symmetric about the leg's axis seen from behind, so row midpoints stay on it).
# As long as that allows, because rows go wrong where the eversion peaks: around mid-stance
# the swing leg passes the stance shank's lower part and hides or doubles its inner outline
# there, and the shaded side's silhouette fades where the background behind it turns dark;
# the robust line drops such rows only while they are a minority (and where the other leg's
# shoe reaches the inner outline, the rows below its top are not read: `covered_from`). Issue
# 8, 16 walks at 720p: the shank line > 2 deg off in 29 % of the peak-eversion frames from
# 0.4, 12 % from 0.25 (17 % and 6 % of all stance frames).
SHANK_BAND = (0.25, 0.86)
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
# The sole's top edge is searched for from half to twice the counter's visible height (~0.15-
# 0.18 of the shank: 60-70 mm on ~430 mm) below the collar. Seen from behind a sole shows two
# horizontal colour edges, its top on the counter and its bottom on the floor, of similar
# strength (either may be the stronger, by up to 2x on the walker): the upper of the two
# strongest is the sole's top. Edges under a quarter of the strongest are shading or texture.
SOLE_SEARCH, SOLE_SHARE = (0.08, 0.35), 0.25
# Rows of the counter's back face: from below its upper quarter to above the sole. Seen from
# a camera at hip height the counter's top is seen from above and its top edge tilts with the
# heel, so the back face's top corner lies 0.18-0.2 of the collar-to-sole height below where
# the skin's colour ends (the walker's 720p renders, issue 8); on a shoe the padded collar
# flares around the Achilles tendon there too. Outlines read there recede with the counter's
# top: a walk with 16 deg of eversion read the heel 1.5 deg toward upright at its peak with
# the patch from 2 px under the collar, 0.3 deg with it a quarter down.
COUNTER_SKIP = 0.25
# Rows and columns beside a colour edge carry its blur (BLUR_SIGMA 1 px plus the 3-tap Sobel
# kernel): 2 px.
EDGE_BLUR_PX = 2
# A colour gradient at a pixel depends on the pixels this far around it (the 9-tap Gaussian
# OpenCV uses at BLUR_SIGMA 1 px, plus the Sobel's 3 taps): gradients are computed on a
# region that much larger than the one read, so they are the crop's, at a fraction of the cost.
GRADIENT_REACH_PX = 5
# The shoe's collar is searched for from the shank band's foot down this far (shank lengths):
# pose-model ankles are up to ~20 px off on a ~130 px shank (DESIGN.md).
COLLAR_SEARCH = 0.35
# The collar is where the midline's colour leaves the shank's by more than this CIELAB
# difference (Delta E 2.3 is just noticeable, Sharma 2003; 20 is plainly another colour,
# while the shading along a limb's midline changes it by a few units).
COLLAR_DELTA_E = 20.0
# The heel's line lies within this range of rearfoot angles (+ = eversion) from the leg's:
# in walking the rearfoot stays within about -10..+20 deg even in marked over-pronation (the
# walker's knob allows 25). The bound on the inversion side matters: seen from behind at hip
# height the shoe's own sole side, receding forward with the toe-out, and the swing foot's
# sole beside the heel project 15-20 deg toward inversion, as strong as the counter's edges
# (issue 8: with +-25 deg the heel line locked onto them, 19-22 deg off, in 2 of the 8
# peak-eversion frames of tests/test_frontal_image.py; over 16 walks at 720p, rearfoot angles
# > 5 deg off fell from 2.8 % of stance frames to 1.5 % with this range).
HEEL_RANGE_DEG = (-10.0, 25.0)
# Off-centre tolerance of the pair search, as a share of the expected width: the prior line
# comes from the pose model's knee and ankle, and its ankles lie 11-13 px off the true joint on
# a ~130 px shank (DESIGN.md, 720p), about half the expected width (0.2 x 130 = 26 px); 0.6 of
# it (~16 px) keeps the true midline in reach without letting the other leg's pair in.
CENTRE_TOLERANCE = 0.6


@dataclass(frozen=True)
class Rearfoot:
    """One leg in one frame: the two bisection lines and the angle between them."""

    shank: Bisection
    heel: Orientation
    angle_deg: float  # + = eversion
    quality: float  # 0..1: the weaker line's
    heel_rows: tuple[int, int]  # frame rows the heel's line was read on: first, one past the last


def _leg_line(knee: np.ndarray, ankle: np.ndarray, y: np.ndarray) -> np.ndarray:
    """x of the knee->ankle line at rows y."""
    dy = ankle[1] - knee[1]
    return knee[0] + (ankle[0] - knee[0]) * (y - knee[1]) / (dy if abs(dy) > 1e-6 else 1e-6)


@dataclass(frozen=True)
class LegReading:
    """What one frame shows of one leg: the lower leg's bisection and the shoe collar's row
    below it (both None / NaN where not found), and the rearfoot angle where the heel's line
    was found too. The collar is there through swing as well, when the heel's line mostly is
    not: its row over time carries the foot's motion (`analysis.collar_events`)."""

    shank: Bisection | None
    collar_y: float  # frame row of the shoe's collar, NaN where not found
    sole_y: float  # frame row of the sole's bottom edge under the heel, NaN where not found
    rearfoot: Rearfoot | None


def read_leg(frame: np.ndarray, knee: np.ndarray, ankle: np.ndarray, side: str,
             covered_from: float = np.inf) -> LegReading:
    """One leg in a BGR frame, from its prior knee and ankle (px): see `LegReading`. The lower
    leg is bisected above the row `covered_from` only (see `covered_from`): fewer rows give its
    line a larger standard error, so a lower quality."""
    nothing = LegReading(None, np.nan, np.nan, None)
    h, w = frame.shape[:2]
    length = float(np.hypot(*(ankle - knee)))
    if not np.isfinite(length) or length < 20:  # a shank under 20 px leaves a heel of ~3 rows
        return nothing
    width = WIDTH_RATIO * length
    y_a = int(round(knee[1] + SHANK_BAND[0] * length))
    y_b = int(round(knee[1] + SHANK_BAND[1] * length))
    y_end = int(round(knee[1] + (SHANK_BAND[1] + COLLAR_SEARCH + SOLE_SEARCH[1]) * length)) + EDGE_BLUR_PX + 1
    xs = _leg_line(knee, ankle, np.array([y_a, y_end], float))
    x0 = int(max(np.floor(xs.min() - 2.5 * width), 0))
    x1 = int(min(np.ceil(xs.max() + 2.5 * width), w))
    y0, y1 = max(y_a, 0), min(y_end, h)
    if x1 - x0 < 3 * width or y_b - y0 < 3:
        return nothing
    crop = frame[y0:y1, x0:x1]
    rows = np.arange(y0, int(min(y_b, y1, np.floor(covered_from - EDGE_BLUR_PX))))
    widths = (WIDTH_RANGE[0] * width, WIDTH_RANGE[1] * width)
    gx = _gradient_x(crop, 0, len(rows), 0, crop.shape[1])
    shank = bisect_rows(gx, y0, _leg_line(knee, ankle, rows) - x0, widths, CENTRE_TOLERANCE * width, x0)
    if shank is None:
        return nothing
    collar = _collar(crop, shank, y0, x0, len(rows))
    if collar is None:
        return LegReading(shank, np.nan, np.nan, None)
    sole = _sole(crop, shank, float(collar[0]), y0, x0, length)
    if sole is None:
        return LegReading(shank, collar[1], np.nan, None)
    bottom = sole[1] if sole[1] is not None else np.nan
    return LegReading(shank, collar[1], bottom, _rearfoot(crop, shank, float(collar[0]), sole[0], y0, x0, x1, y1, side))


def covered_from(x: float, width: float, side: str, other_x: float, other_width: float, other_top: float) -> float:
    """Frame row from which the other leg's shoe may hide this lower leg's inner outline: the
    shoe's top `other_top`, where the shoe (HEEL_HALF_WIDTH of its leg's width either side of
    its midline `other_x`) reaches within EDGE_BLUR_PX of the inner outline (`x` +- half
    `width`); inf where it does not, or where either leg is unknown (NaN)."""
    inner = x - SIDE_SIGN[side] * 0.5 * width  # the lateral edge is SIDE_SIGN's way
    gap = abs(other_x - inner) - HEEL_HALF_WIDTH * other_width
    return float(other_top) if gap < EDGE_BLUR_PX else np.inf  # NaN compares False


def _rearfoot(crop: np.ndarray, shank: Bisection, top: float, sole: float, y0: int, x0: int, x1: int, y1: int,
              side: str) -> Rearfoot | None:  # fmt: skip
    """The heel's line on the counter's back face between the collar row `top` and the sole's
    top edge `sole`, against the shank's line; crop starts at frame (y0, x0), ends before (y1, x1)."""
    # The counter's back face: below its upper COUNTER_SKIP, above the sole's blurred edge.
    hy0 = int(np.ceil(top + COUNTER_SKIP * (sole - top)))
    hy1 = int(sole) - EDGE_BLUR_PX + 1
    if hy0 < y0 or hy1 > y1 or hy1 - hy0 < 3:
        return None
    centre = float(shank.x_at(0.5 * (hy0 + hy1)))
    hx0 = int(max(round(centre - HEEL_HALF_WIDTH * shank.width), x0))
    hx1 = int(min(round(centre + HEEL_HALF_WIDTH * shank.width), x1))
    lo, hi = (shank.angle_deg + SIDE_SIGN[side] * a for a in HEEL_RANGE_DEG)  # image angles
    gh = _gradient_x(crop, hy0 - y0, hy1 - y0, hx0 - x0, hx1 - x0)
    heel = parallel_edges(gh, 0.5 * (lo + hi), 0.5 * abs(hi - lo))
    if heel is None or heel.chains < 2:  # a counter has two sides; one edge may be anything
        return None
    # + eversion: the heel line's lower end swings toward the side's lateral edge.
    angle = SIDE_SIGN[side] * (heel.angle_deg - shank.angle_deg)
    return Rearfoot(shank, heel, float(angle), min(shank.quality, heel.quality), (hy0, hy1))


def _gradient_x(crop: np.ndarray, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
    """`colour_gradient_x` of crop[r0:r1, c0:c1] (see `_gradient`)."""
    return _gradient(crop, r0, r1, c0, c1, colour_gradient_x)


def _gradient(crop: np.ndarray, r0: int, r1: int, c0: int, c1: int,
              gradient: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:  # fmt: skip
    """`gradient` of crop[r0:r1, c0:c1], computed with GRADIENT_REACH_PX of the crop around it
    (so the values are the whole crop's) but not the rest."""
    a, b = max(r0 - GRADIENT_REACH_PX, 0), min(r1 + GRADIENT_REACH_PX, crop.shape[0])
    c, d = max(c0 - GRADIENT_REACH_PX, 0), min(c1 + GRADIENT_REACH_PX, crop.shape[1])
    return gradient(crop[a:b, c:d])[r0 - a : r1 - a, c0 - c : c1 - c]


def _midline(shank: Bisection, ys: np.ndarray, y0: int, x0: int, w: int) -> np.ndarray:
    """(R, C) crop columns of a window a quarter of the shank's width either side of its
    midline, in crop rows `ys`: wide enough that a stripe or seam on it is a minority."""
    half = max(int(0.25 * shank.width), 1)
    cols = np.round(shank.x_at(ys + y0) - x0).astype(int)[:, None] + np.arange(-half, half + 1)[None, :]
    return np.clip(cols, 0, w - 1)


def _collar(crop: np.ndarray, shank: Bisection, y0: int, x0: int, band: int) -> tuple[int, float] | None:
    """Frame row of the shoe's collar: going down the leg's midline from the shank band, the
    first of two rows whose colour differs from the shank's own by more than COLLAR_DELTA_E;
    and the same sub-pixel (`departure_fraction`)."""
    ys = np.arange(crop.shape[0])
    found = colour_departure(crop[ys[:, None], _midline(shank, ys, y0, x0, crop.shape[1])], band)
    return (found[0] + y0, y0 + found[0] - 1 + departure_fraction(*found)) if found is not None else None


def colour_departure(strip: np.ndarray, band: int) -> tuple[int, np.ndarray] | None:
    """Down a BGR strip (R, C, 3) along a leg's midline: the first of two rows whose median
    colour differs from the first `band` rows' (the shank's own) by more than COLLAR_DELTA_E
    in CIELAB, and every row's difference (R,); None when no row does."""
    lab = cv2.cvtColor(np.ascontiguousarray(strip), cv2.COLOR_BGR2LAB).astype(np.float32)
    lab[..., 0] *= 100.0 / 255.0  # OpenCV scales L* to 0-255
    colour = np.median(lab, axis=1)  # (R, 3) along the midline
    delta = np.linalg.norm(colour - np.median(colour[:band], axis=0), axis=1)
    off = delta > COLLAR_DELTA_E
    off[:band] = False
    both = np.flatnonzero(off[:-1] & off[1:])
    return (int(both[0]), delta) if len(both) else None


def departure_fraction(k: int, delta: np.ndarray) -> float:
    """`colour_departure`'s row k sub-pixel, as the share of the way from row k - 1 to row k
    where the difference crosses COLLAR_DELTA_E (linear between the two rows)."""
    step = delta[k] - delta[k - 1]
    return float(np.clip((COLLAR_DELTA_E - delta[k - 1]) / step, 0.0, 1.0)) if step > 0 else 1.0


def _sole(crop: np.ndarray, shank: Bisection, top: float, y0: int, x0: int, length: float
          ) -> tuple[float, float | None] | None:  # fmt: skip
    """Frame rows of the sole's top and bottom edges: of the horizontal colour edges down the
    heel's midline SOLE_SEARCH shank lengths below the collar `top`, the upper and the lower of
    the two strongest (None for the bottom when only one stands out); edges under SOLE_SHARE of
    the strongest are shading or texture."""
    ys = np.arange(int(np.ceil(top + SOLE_SEARCH[0] * length)), int(top + SOLE_SEARCH[1] * length) + 1) - y0
    ys = ys[(ys >= 0) & (ys < crop.shape[0])]
    if len(ys) < 3:
        return None
    cols = _midline(shank, ys, y0, x0, crop.shape[1])
    gy = _gradient(crop, int(ys[0]), int(ys[-1]) + 1, int(cols.min()), int(cols.max()) + 1, colour_gradient_y)
    profile = np.median(gy[ys[:, None] - ys[0], cols - cols.min()], axis=1)
    padded = np.r_[-np.inf, profile, -np.inf]
    peaks = np.flatnonzero((profile >= padded[:-2]) & (profile >= padded[2:]) & (profile >= SOLE_SHARE * profile.max())
                           & (profile > 0))  # fmt: skip
    if len(peaks) == 0:
        return None
    two = ys[peaks[np.argsort(profile[peaks])[::-1][:2]]] + y0
    return float(two.min()), (float(two.max()) if len(two) == 2 else None)  # the upper and the lower of the two strongest

