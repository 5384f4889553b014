"""A pinhole camera looking level at the walker from one of the four views.

Camera axes follow OpenCV and MediaPipe: x to image right, y down, z away from the camera
(optical axis). The camera sits at 55 % of body height, far enough that the whole body fills
about 80 % of the frame height at the walker's nearest point.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gait.errors import GaitError
from gait.recording.framing import FRAMINGS

if TYPE_CHECKING:
    from gait.simulate.walker import Walk

VIEWS = ("posterior", "anterior", "left", "right")
# Close-up of the lower legs: lens at 16 % of body height (~28 cm, a tripod on the floor behind
# the treadmill), frame up to 33 % of body height (just above the knee, at ~28.5 %: Winter 2009).
LEGS_CAMERA_HEIGHT, LEGS_TOP = 0.16, 0.33
VERTICAL_FOV_DEG = 46.0  # a typical webcam: ~60 deg across a 4:3 frame
# Direction the camera looks in the lab frame (x forward, y the subject's left, z up).
LOOK = {"posterior": (1.0, 0.0, 0.0), "anterior": (-1.0, 0.0, 0.0), "left": (0.0, -1.0, 0.0), "right": (0.0, 1.0, 0.0)}


@dataclass(frozen=True)
class Camera:
    """Pinhole camera: `rotation` rows are the camera's x, y, z axes in lab coordinates."""

    position: np.ndarray  # (3,) lab metres
    rotation: np.ndarray  # (3, 3)
    focal_px: float
    size: tuple[int, int]  # width, height
    view: str

    @property
    def principal(self) -> tuple[float, float]:
        return self.size[0] / 2.0, self.size[1] / 2.0

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        """Lab points (..., 3) -> camera coordinates (..., 3), metres."""
        return (np.asarray(points) - self.position) @ self.rotation.T

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Lab points (..., 3) -> pixel coordinates (..., 2) and depth (...) along the optical axis."""
        pc = self.to_camera(points)
        z = pc[..., 2]
        cx, cy = self.principal
        uv = np.stack([self.focal_px * pc[..., 0] / z + cx, self.focal_px * pc[..., 1] / z + cy], axis=-1)
        return uv, z


def look_rotation(look: tuple[float, float, float]) -> np.ndarray:
    """Rows: image right, image down, forward, for a level camera looking along `look`."""
    f = np.asarray(look, dtype=np.float64)
    up = np.array([0.0, 0.0, 1.0])
    right = np.cross(f, up)
    return np.stack([right, -up, f])


def camera_for_walk(walk: Walk, view: str, size: tuple[int, int], framing: str = "body") -> Camera:
    """The camera of `view` for this walk; overground walks need the view they face.

    `framing="legs"` puts it low and near (lens at `LEGS_CAMERA_HEIGHT` of body height,
    framing from the floor to just above the knees), the close-up of a running shop.
    """
    if view not in VIEWS:
        raise GaitError(f"camera view {view!r} is not one of {', '.join(VIEWS)}")
    if framing not in FRAMINGS:
        raise GaitError(f"camera framing {framing!r} is not one of {', '.join(FRAMINGS)}")
    mode = walk.params.mode
    need = {"away": "posterior", "toward": "anterior"}.get(mode)
    if need and view != need:
        where = "away from" if mode == "away" else "toward"
        raise GaitError(f"a walk {where} the camera is seen from the {need} view, not {view}")
    width, height = int(size[0]), int(size[1])
    if width < 64 or height < 64:
        raise GaitError("frame size must be at least 64x64 pixels")
    f = height / 2 / np.tan(np.radians(VERTICAL_FOV_DEG) / 2)
    h = walk.params.height_m
    if framing == "legs":
        cam_z = LEGS_CAMERA_HEIGHT * h
        reach = 1.12 * max(cam_z, LEGS_TOP * h - cam_z)
    else:
        cam_z = 0.55 * h
        reach = 1.12 * max(cam_z, h + 0.03 - cam_z)  # half the height to fit, with a margin
    distance = f * reach / (height / 2)
    look = np.asarray(LOOK[view])
    x0, x1 = walk.x_range()
    if mode == "away":
        centre = np.array([x0, 0.0, 0.0])
    elif mode == "toward":
        centre = np.array([x1, 0.0, 0.0])
    else:
        centre = np.array([(x0 + x1) / 2, 0.0, 0.0])
    # Distance from the nearest body part: ~0.3 m in front of the pelvis along the look axis,
    # ~0.45 m for a foot at the end of its stride on a treadmill.
    position = centre - look * (distance + (0.45 if framing == "legs" else 0.3))
    position[2] = cam_z
    return Camera(position, look_rotation(LOOK[view]), float(f), (width, height), view)
