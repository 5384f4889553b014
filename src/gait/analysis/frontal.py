"""Frontal-plane angles per frame: rearfoot eversion and the knee's frontal projection angle.

Per-frame series are computed here and summarised per stride elsewhere (`metrics.py`), so a
better per-frame source (e.g. from the pixels of heel and shank) can replace these functions
without touching the summaries.

Rearfoot eversion (+ = eversion: the calcaneus tilts so its underside moves laterally and the
foot rolls in) is the angle between the shank and the calcaneus in the plane normal to the
foot's long axis (heel -> foot index), the way a lab computes it from 3-D markers (after
Cornwall & McPoil 1999, J Am Podiatr Med Assoc 89:56-66). It needs 3-D points: on a 2-D
posterior image the short ankle->heel segment mixes eversion with toe-out. The calcaneus turns
about the subtalar axis, which runs below the ankle joint centre (the talus lies between), so
the calcaneal line runs from the heel landmark to a pivot `PIVOT_BELOW_ANKLE` shank lengths
below the ankle landmark. This is an anatomical assumption (about 2 cm in an adult); without
it the heel->ankle line reads only ~2/3 of the calcaneus's tilt.

The knee frontal-plane projection angle (FPPA, + = valgus: the knee falls medially of the
hip-ankle line) is the classic 2-D angle on a frontal image (Willson & Davis 2008, J Orthop
Sports Phys Ther 38:606-615).
"""

from __future__ import annotations

import numpy as np

from gait.analysis.prepare import ANKLE, FRONTAL_VIEWS, HEEL, HIP, KNEE, TOE, Landmarks

SIDE_SIGN = {"left": 1.0, "right": -1.0}
# Subtalar pivot below the ankle landmark, as a share of shank length (~2 cm of ~43 cm).
PIVOT_BELOW_ANKLE = 0.047


def rearfoot_eversion_3d(knee: np.ndarray, ankle: np.ndarray, heel: np.ndarray, toe: np.ndarray, side: str) -> np.ndarray:
    """(T,) eversion (deg) from 3-D points in any right-handed frame (world or image+depth)."""
    a = toe - heel
    a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    shank = knee - ankle
    length = np.linalg.norm(shank, axis=-1, keepdims=True)
    pivot = ankle - PIVOT_BELOW_ANKLE * shank  # shank has the shank's length: fraction of it
    calc = pivot - heel  # calcaneal line, bottom -> top
    sp = shank - np.sum(shank * a, axis=-1, keepdims=True) * a
    cp = calc - np.sum(calc * a, axis=-1, keepdims=True) * a
    signed = np.arctan2(np.sum(a * np.cross(sp, cp), axis=-1), np.sum(sp * cp, axis=-1))
    out = SIDE_SIGN[side] * np.degrees(signed)
    return np.where(length[..., 0] > 0, out, np.nan)


def rearfoot_eversion(L: Landmarks, side: str, sources: tuple[str, ...] = ("world", "img3")) -> np.ndarray:
    """(T,) eversion (deg): the mean of the 3-D estimates from the given landmark spaces
    (world metres and image pixels with relative depth carry independent noise)."""
    est = [rearfoot_eversion_3d(L.leg(side, KNEE, s), L.leg(side, ANKLE, s), L.leg(side, HEEL, s),
                                L.leg(side, TOE, s), side) for s in sources]  # fmt: skip
    stack = np.stack(est)
    with np.errstate(invalid="ignore"):
        n = np.sum(np.isfinite(stack), axis=0)
        return np.where(n > 0, np.nansum(stack, axis=0) / np.maximum(n, 1), np.nan)


def knee_frontal(L: Landmarks, side: str) -> np.ndarray:
    """(T,) knee frontal-plane projection angle (deg, + valgus) on a frontal image."""
    if L.view not in FRONTAL_VIEWS:
        return np.full(len(L.t), np.nan)
    # Medial on the image: from behind the left leg's medial side is image right.
    medial = SIDE_SIGN[side] * (1.0 if L.view == "posterior" else -1.0)
    hip, knee, ankle = (L.leg(side, p, "px") for p in (HIP, KNEE, ANKLE))
    thigh = np.arctan2(medial * (knee[:, 0] - hip[:, 0]), knee[:, 1] - hip[:, 1])
    shank = np.arctan2(medial * (ankle[:, 0] - knee[:, 0]), ankle[:, 1] - knee[:, 1])
    return np.degrees(thigh - shank)
