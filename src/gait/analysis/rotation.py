"""Transverse-plane leg rotation from world landmarks: foot progression and hip rotation.

Both are measured in a walking frame found from the data: up from the mean hip-to-ankle
direction, forward along the main axis of the heels' fore-aft motion relative to the pelvis
(on a treadmill or overground alike), left = up x forward.

- Foot progression angle: heel -> foot index on the floor plane against the direction of
  travel, + = toe-out, averaged over foot flat (15-40 % of the cycle, loading response to
  mid-stance; Perry & Burnfield 2010, ch. 2).
- Hip rotation: the transverse orientation of the knee's flexion axis (thigh x shank), + =
  internal (knee turned medially), in frames where the knee is flexed enough to define
  that axis (>= `MIN_KNEE_FLEXION_DEG`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait import landmarks as lm
from gait.analysis.prepare import ANKLE, HEEL, HIP, KNEE, TOE, Landmarks

SIDE_SIGN = {"left": 1.0, "right": -1.0}
FOOT_FLAT = (0.15, 0.40)  # share of the gait cycle
MIN_KNEE_FLEXION_DEG = 15.0


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


@dataclass(frozen=True)
class WalkingFrame:
    up: np.ndarray  # (3,) unit vectors in world coordinates
    forward: np.ndarray
    left: np.ndarray


def walking_frame(L: Landmarks, frames: np.ndarray | None = None) -> WalkingFrame | None:
    """Up, forward and left of the walk in world coordinates, from `frames` (bool mask)."""
    w = L.world
    sel = L.present if frames is None else frames & L.present
    if sel.sum() < 10:
        return None
    ankles = 0.5 * (w[:, lm.LEFT_ANKLE] + w[:, lm.RIGHT_ANKLE])
    legs = (L.hip_mid("world") - ankles)[sel]
    legs = legs[np.all(np.isfinite(legs), axis=1)]
    if len(legs) < 10:  # the ankles out of the picture
        return None
    up = _unit(legs.mean(axis=0))
    heels = np.concatenate([w[sel][:, lm.LEFT_HEEL], w[sel][:, lm.RIGHT_HEEL]]) - np.concatenate([L.hip_mid("world")[sel]] * 2)
    heels = heels[np.all(np.isfinite(heels), axis=1)]
    if len(heels) < 10 or not np.all(np.isfinite(up)):
        return None
    flat = heels - np.outer(heels @ up, up)
    flat = flat - flat.mean(axis=0)
    _, _, vt = np.linalg.svd(flat, full_matrices=False)
    fwd = _unit(vt[0] - (vt[0] @ up) * up)
    foot = np.concatenate([w[sel][:, lm.LEFT_FOOT_INDEX] - w[sel][:, lm.LEFT_HEEL], w[sel][:, lm.RIGHT_FOOT_INDEX] - w[sel][:, lm.RIGHT_HEEL]])
    if np.nanmedian(foot @ fwd) < 0:
        fwd = -fwd
    return WalkingFrame(up, fwd, np.cross(up, fwd))


def foot_progression(L: Landmarks, side: str, frame: WalkingFrame) -> np.ndarray:
    """(T,) foot progression angle (deg, + = toe-out) of heel -> foot index on the floor."""
    d = L.leg(side, TOE, "world") - L.leg(side, HEEL, "world")
    return np.degrees(np.arctan2(SIDE_SIGN[side] * (d @ frame.left), d @ frame.forward))


def knee_flexion(L: Landmarks, side: str, space: str = "world") -> np.ndarray:
    """(T,) knee flexion (deg): angle between thigh and shank directions."""
    thigh = _unit(L.leg(side, KNEE, space) - L.leg(side, HIP, space))
    shank = _unit(L.leg(side, ANKLE, space) - L.leg(side, KNEE, space))
    return np.degrees(np.arccos(np.clip(np.sum(thigh * shank, axis=-1), -1.0, 1.0)))


def hip_rotation(L: Landmarks, side: str, frame: WalkingFrame) -> np.ndarray:
    """(T,) hip rotation (deg, + internal) against the direction of travel; NaN where the
    knee is too straight to define its flexion axis."""
    thigh = L.leg(side, KNEE, "world") - L.leg(side, HIP, "world")
    shank = L.leg(side, ANKLE, "world") - L.leg(side, KNEE, "world")
    axis = np.cross(thigh, shank)  # points to the subject's left for a flexing knee
    rot = np.degrees(np.arctan2(SIDE_SIGN[side] * (axis @ frame.forward), axis @ frame.left))
    return np.where(knee_flexion(L, side) >= MIN_KNEE_FLEXION_DEG, rot, np.nan)


