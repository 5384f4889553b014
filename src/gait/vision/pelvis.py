"""Pelvic obliquity from a frontal image: the tilt of the waistband.

A pose model's hip landmarks follow the thighs, not the pelvis (DESIGN.md, "What landmarks
alone can and cannot carry"). The waistband (a belt, or the top edge of shorts or tights)
sits on the iliac crests and tilts with the pelvis, so its lower edge is the image cue: the
lowest long near-horizontal edge above the hip joints. Higher edges (a shirt's hem, a belt's
upper edge that the shirt may cover) hang from the trunk, which stays level when the pelvis
drops.

Seen from behind, the band's back half bows up in the middle (the pelvis tilts ~10 deg
forward), so the band is fitted as a line plus a bow and its slope is read at the hips'
midpoint: turning a bow turns its slope there by as much. A robust straight line kept only
the bow's flattest stretch instead: a standing tilt of 2.5 deg read 0.0. The bow also makes the
slope follow the midpoint, ~0.7 deg per px of a 1280x720 frame's hips: on the standing
walker's rendered video (6 walks at 1280x720, 3 samples at 640x480, MediaPipe's hips) the
standing tilt reads within 0.9 deg (0.0-0.9 flat at 4-8 deg). The larger under-read once put
down to the bow (~0 deg in the frames of the
largest drops) was the edge search reaching only level edges; the band is now searched for
at every tilt up to MAX_TILT_DEG (`bisect.edge_chains`), each chain held to one edge: a
chain read along a tilted line across the band's upper and lower edges (~8 px apart in the
~53x32 px box of a 640x480 frame) steps from one to the other, and such a chain, reading the
standing band at -5 deg, would offset the standing reference and with it every stance
(issue 8).

The hips' landmarks only say where to look and how large the pelvis is: the hip-joint
distance d sets the search box, from d above the hip line down to 0.1 d above it (a belt on
the iliac crests sits ~0.45 d above the hip joints: crest ~8 cm above the joint centres,
joints ~17.5 cm apart; Winter 2009), and 0.75 d either side of their midpoint (the pelvis
outline is ~1.85 d wide, so the box stays inside it and off the hanging arms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait.vision.bisect import FIT_ROUNDS, MIN_RESIDUAL_PX, SE_REF_DEG, colour_gradient_y, edge_chains

BOX_ABOVE, BOX_BELOW, BOX_HALF_WIDTH = 1.0, 0.1, 0.75  # in hip-joint distances
# A waistband runs across the body: its chain must cover this share of the box's columns.
MIN_COVERAGE = 0.6
# The band is searched for at every tilt up to this: the drops the screen must read (9-11 deg
# planted on the walker; more in a marked Trendelenburg gait) plus a standing obliquity of a
# few degrees (4.9 deg in the leg-length sample) and camera roll. From level starts alone a
# chain reaches only CHAIN_REACH_PX up or down, so a band tilted 10 deg across the ~80 px box
# of a 1280x720 frame (14 px of rise) was read only in its middle and the level shirt hem was
# taken instead (issue 8).
MAX_TILT_DEG = 20.0


@dataclass(frozen=True)
class PelvisLine:
    """The waistband's lower edge in one frame."""

    obliquity_deg: float  # + = the subject's right side lower
    y: float  # frame row of the line at the box's centre
    quality: float  # 0..1


def measure_pelvis(frame: np.ndarray, left_hip: np.ndarray, right_hip: np.ndarray, view: str = "posterior") -> PelvisLine | None:
    """The waistband line of a BGR frame, located by the hip landmarks (px)."""
    d = float(np.hypot(*(right_hip - left_hip)))
    if not np.isfinite(d) or d < 10:  # under 10 px the band is a few pixels long
        return None
    h, w = frame.shape[:2]
    mid = 0.5 * (left_hip + right_hip)
    x0, x1 = int(max(mid[0] - BOX_HALF_WIDTH * d, 0)), int(min(mid[0] + BOX_HALF_WIDTH * d, w))
    y0, y1 = int(max(mid[1] - BOX_ABOVE * d, 0)), int(min(mid[1] - BOX_BELOW * d, h))
    if x1 - x0 < 10 or y1 - y0 < 5:
        return None
    gy = colour_gradient_y(frame[y0:y1, x0:x1])
    # Horizontal edges are vertical chains of the transposed patch.
    found = edge_chains(gy.T, float(np.tan(np.radians(MAX_TILT_DEG))))
    if found is None:
        return None
    _, rows, keep, slope = found
    coverage = keep.mean(axis=1)
    long = np.flatnonzero(coverage >= MIN_COVERAGE)
    if len(long) == 0:
        return None
    # The lowest long edge, by where its line crosses the box's middle column (a chain started
    # tilted may settle away from its start).
    rc = np.arange(rows.shape[1]) - 0.5 * (rows.shape[1] - 1)
    middle = np.where(keep, rows - slope[:, None] * rc, 0.0).sum(axis=1) / np.maximum(keep.sum(axis=1), 1)
    k = long[np.argmax(middle[long])]
    cols = np.arange(x1 - x0, dtype=np.float64) - (mid[0] - x0)  # 0 at the hips' midpoint
    fit = _robust_bow(cols, np.where(keep[k], rows[k], np.nan))
    if fit is None:
        return None
    a, b, inliers, rms = fit
    spread = np.sqrt(np.sum((cols[inliers] - cols[inliers].mean()) ** 2))
    se = float(np.degrees(max(rms, 0.3) / spread))
    quality = float(inliers.mean() * np.exp(-0.5 * (se / SE_REF_DEG) ** 2))
    # Posterior: the subject's right is image right, so a line falling to the right (b > 0,
    # y down) has the right side lower. Anterior: mirrored.
    sign = 1.0 if view == "posterior" else -1.0
    return PelvisLine(float(sign * np.degrees(np.arctan(b))), float(y0 + a), quality)


def _robust_bow(x: np.ndarray, y: np.ndarray) -> tuple[float, float, np.ndarray, float] | None:
    """y = a + b x + c x^2 fitted in outlier rounds: the row a and slope b at x = 0, the inlier
    mask and the inliers' RMS. The bow's curvature c is fitted so that its ends stay inliers:
    a robust straight line kept only the band's flattest stretch, which on a standing
    walker tilted 2.5 deg was the level middle (read 0.0 deg)."""
    keep = np.isfinite(y)
    for _ in range(FIT_ROUNDS):
        if keep.sum() < 5:
            return None
        coef = np.polyfit(x[keep], y[keep], 2)
        res = y - np.polyval(coef, x)
        mad = 1.4826 * np.median(np.abs(res[keep]))
        keep = np.isfinite(res) & (np.abs(res) <= max(MIN_RESIDUAL_PX, 3.0 * mad))
        rms = float(np.sqrt(np.mean(res[keep] ** 2))) if keep.any() else np.inf
    if keep.sum() < 5:
        return None
    return float(coef[2]), float(coef[1]), keep, rms
