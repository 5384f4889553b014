"""Rotation matrices over arrays of angles, for the walker's segment chain and the camera.

Lab frame: x = walking direction, y = the subject's left, z = up (right-handed). Angles in
radians; every function broadcasts over leading dimensions.
"""

from __future__ import annotations

import numpy as np


def _rot(angle: np.ndarray, i: int, j: int) -> np.ndarray:
    a = np.asarray(angle, dtype=np.float64)
    c, s = np.cos(a), np.sin(a)
    r = np.zeros(a.shape + (3, 3))
    k = 3 - i - j
    r[..., k, k] = 1.0
    r[..., i, i] = c
    r[..., j, j] = c
    r[..., i, j] = -s
    r[..., j, i] = s
    return r


def rot_x(angle: np.ndarray) -> np.ndarray:
    """Rotation about +x by `angle` (y toward z)."""
    return _rot(angle, 1, 2)


def rot_y(angle: np.ndarray) -> np.ndarray:
    """Rotation about +y by `angle` (z toward x)."""
    return _rot(angle, 2, 0)


def rot_z(angle: np.ndarray) -> np.ndarray:
    """Rotation about +z by `angle` (x toward y)."""
    return _rot(angle, 0, 1)


def mul(*mats: np.ndarray) -> np.ndarray:
    """Matrix product of (..., 3, 3) stacks, left to right."""
    out = mats[0]
    for m in mats[1:]:
        out = out @ m
    return out


def apply(r: np.ndarray, v: np.ndarray | tuple[float, float, float]) -> np.ndarray:
    """`r @ v` for stacks: r (..., 3, 3), v (3,) or (..., 3)."""
    return np.einsum("...ij,...j->...i", r, np.asarray(v, dtype=np.float64))
