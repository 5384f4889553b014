"""The walker's 33 MediaPipe landmarks as a pose track, as seen by a camera.

Image landmarks follow MediaPipe Pose: x = u / width, y = v / height (y down), z = depth
relative to the hip midpoint on roughly the scale of x (pixel-equivalent depth / width,
smaller = nearer). World landmarks follow MediaPipe's `pose_world_landmarks`: metres, origin
midway between the hips, axes those of the camera (x to image right, y down, z away from the
camera). Measurement noise, dropouts (frames with nobody: NaN, visibility 0) and left/right
swaps (MediaPipe's occasional mix-up) are planted deterministically from the walk's seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from gait.errors import GaitError
from gait.landmarks import LEFT_HIP, MIRROR, N_LANDMARKS, NAMES, RIGHT_HIP
from gait.recording.posetrack import PoseTrack

if TYPE_CHECKING:
    from gait.simulate.camera import Camera
    from gait.simulate.walker import Walk

FACE = np.arange(11)
LEFT_SIDE = np.array([i for i, n in enumerate(NAMES) if n.startswith("left_") or n == "mouth_left"])
RIGHT_SIDE = MIRROR[LEFT_SIDE]


@dataclass(frozen=True)
class TrackFaults:
    """Frames (indices) planted as dropouts and as left/right swaps."""

    dropped: np.ndarray
    swapped: np.ndarray


def plan_faults(n: int, dropouts: float, swaps: int, seed: int) -> TrackFaults:
    """Dropouts: a fraction of the frames in runs of 1-4; swaps: `swaps` runs of 1-3 frames.

    Swap runs never touch a dropout or another swap. The plan depends on n, the knobs and
    the seed alone, so the truth and the track agree on it.
    """
    if not 0 <= dropouts < 0.5:
        raise GaitError("dropouts must be a fraction of frames, 0 to 0.5")
    if swaps < 0:
        raise GaitError("swaps must be >= 0")
    rng = np.random.default_rng([seed, 7])
    dropped = np.zeros(n, bool)
    target = int(round(dropouts * n))
    while dropped.sum() < target:
        start, length = rng.integers(0, n), rng.integers(1, 5)
        dropped[start : start + length] = True
    swapped = np.zeros(n, bool)
    for _ in range(swaps):
        for _attempt in range(100):
            start, length = rng.integers(0, n), rng.integers(1, 4)
            run = slice(start, min(start + length, n))
            if not dropped[run].any() and not swapped[max(start - 1, 0) : run.stop + 1].any():
                swapped[run] = True
                break
    return TrackFaults(np.flatnonzero(dropped), np.flatnonzero(swapped))


def visibility_for(view: str) -> np.ndarray:
    """(33,) visibility: 1 in view; the face from behind and the far side in profile lower."""
    vis = np.ones(N_LANDMARKS, np.float32)
    if view == "posterior":
        vis[FACE] = 0.5
    elif view == "left":
        vis[RIGHT_SIDE] = 0.6
    elif view == "right":
        vis[LEFT_SIDE] = 0.6
    return vis


def project_landmarks(points: np.ndarray, camera: Camera) -> tuple[np.ndarray, np.ndarray]:
    """Lab landmarks (T,33,3) -> MediaPipe image (T,33,3) and world (T,33,3) landmarks."""
    w, h = camera.size
    uv, depth = camera.project(points)
    mid = (points[:, LEFT_HIP] + points[:, RIGHT_HIP]) / 2
    mid_depth = camera.to_camera(mid)[:, 2]
    rel = (depth - mid_depth[:, None]) * camera.focal_px / mid_depth[:, None] / w
    image = np.concatenate([uv[..., :1] / w, uv[..., 1:] / h, rel[..., None]], axis=-1)
    world = (points - mid[:, None, :]) @ camera.rotation.T
    return image, world


def walk_posetrack(walk: Walk, view: str, size: tuple[int, int], noise_px: float, dropouts: float,
                   swaps: int) -> PoseTrack:  # fmt: skip
    """The walk's pose track from the camera of `view` (see module docstring)."""
    if noise_px < 0:
        raise GaitError("noise must be >= 0 px")
    camera = walk.camera(view, size)
    k = walk.frames_kinematics
    image, world = project_landmarks(k.landmarks(), camera)
    n = len(k.t)
    vis = np.tile(visibility_for(view), (n, 1))
    if noise_px > 0:
        rng = np.random.default_rng([walk.seed, 3])
        w, h = camera.size
        depth = camera.to_camera(k.landmarks())[..., 2]
        image += rng.normal(0.0, noise_px, image.shape) / np.array([w, h, w])
        world += rng.normal(0.0, 1.0, world.shape) * (noise_px * depth / camera.focal_px)[..., None]
    faults = plan_faults(n, dropouts, swaps, walk.seed)
    image[faults.swapped] = image[faults.swapped][:, MIRROR]
    world[faults.swapped] = world[faults.swapped][:, MIRROR]
    vis[faults.swapped] = vis[faults.swapped][:, MIRROR]
    image[faults.dropped] = np.nan
    world[faults.dropped] = np.nan
    vis[faults.dropped] = 0.0
    return PoseTrack(k.t, image, vis, world, camera.size, walk.params.fps, view)
