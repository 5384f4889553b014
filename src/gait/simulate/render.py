"""Ray-cast rendering of the mannequin (`mannequin.py`) in NumPy, and video files via OpenCV.

Each pixel's ray is intersected with each shape inside the shape's projected bounding box;
a depth buffer keeps the nearest hit, shaded Lambert-style with one light from above and
behind the camera. Floor (with a treadmill belt in treadmill mode) and a back wall are
drawn once per camera. The image landmarks of the same camera are the true 2-D positions of
the joints in these frames (`Walk.posetrack` with the same view and size).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from gait.errors import GaitError
from gait.simulate.camera import Camera
from gait.simulate.mannequin import Outfit, Shape, figure
from gait.simulate.walker import Walk

FLOOR = np.array([150, 160, 165], float)
BELT_COLOUR = np.array([45, 45, 50], float)
WALL = np.array([200, 215, 225], float)
AMBIENT, DIFFUSE = 0.45, 0.6


@dataclass(frozen=True)
class Scene:
    """What surrounds the walker: wall, floor and treadmill-belt colours (BGR) and who wears
    what; the defaults are the module's constants and the mannequin's own outfit."""

    wall: tuple[float, float, float] = tuple(WALL)
    floor: tuple[float, float, float] = tuple(FLOOR)
    belt: tuple[float, float, float] = tuple(BELT_COLOUR)
    outfit: Outfit = Outfit()


class Renderer:
    """Renders frames of one walk through one camera."""

    def __init__(self, walk: Walk, camera: Camera, scene: Scene = Scene()) -> None:
        self.walk, self.camera, self.scene = walk, camera, scene
        w, h = camera.size
        u, v = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
        cx, cy = camera.principal
        d = np.stack([(u - cx) / camera.focal_px, (v - cy) / camera.focal_px, np.ones_like(u)], axis=-1)
        self.rays = d / np.linalg.norm(d, axis=-1, keepdims=True)  # camera coordinates
        light_lab = np.array([0.0, 0.0, 1.0]) - camera.rotation[2] + 0.3 * camera.rotation[0]
        self.light = camera.rotation @ (light_lab / np.linalg.norm(light_lab))
        self.background, self.depth0 = self._background()

    def _background(self) -> tuple[np.ndarray, np.ndarray]:
        """Floor and wall colours and ray lengths (camera rays, lab geometry)."""
        cam = self.camera
        d_lab = self.rays @ cam.rotation  # rays in lab coordinates
        o = cam.position
        with np.errstate(divide="ignore", invalid="ignore"):
            t_floor = np.where(d_lab[..., 2] < 0, -o[2] / d_lab[..., 2], np.inf)
            look = cam.rotation[2]
            x0, x1 = self.walk.x_range()
            far = max(abs((np.array([x0, 0, 0]) - o) @ look), abs((np.array([x1, 0, 0]) - o) @ look)) + 2.5
            t_wall = far / (d_lab @ look)
        t = np.minimum(t_floor, np.where(t_wall > 0, t_wall, np.inf))
        hit = o + d_lab * t[..., None]
        colour = np.empty(t.shape + (3,))
        on_floor = t_floor <= t
        colour[:] = self.scene.wall
        colour[on_floor] = self.scene.floor
        if self.walk.params.mode == "treadmill":
            belt = on_floor & (np.abs(hit[..., 0] - (x0 + x1) / 2) < 0.8) & (np.abs(hit[..., 1]) < 0.28)
            colour[belt] = self.scene.belt
        # A little darkening toward the far wall's bottom gives depth.
        colour *= np.clip(1.0 - 0.02 * np.clip(t - 3.0, 0, None), 0.75, 1.0)[..., None]
        return colour, t

    def frame(self, i: int) -> np.ndarray:
        """Frame `i` (BGR uint8) of the walk's frame times."""
        k = self.walk.frames_kinematics
        img = self.background.copy()
        depth = self.depth0.copy()
        for shape in figure(k, i, self.walk.body, self.scene.outfit):
            self._draw(shape, img, depth)
        return np.clip(img, 0, 255).astype(np.uint8)

    def _draw(self, shape: Shape, img: np.ndarray, depth: np.ndarray) -> None:
        cam = self.camera
        rot = cam.rotation
        box = _screen_box(shape, cam)
        if box is None:
            return
        u0, u1, v0, v1 = box
        rays = self.rays[v0:v1, u0:u1].reshape(-1, 3)
        t, normal = _INTERSECT[shape.kind](shape, rays, rot, cam.position)
        t = t.reshape(v1 - v0, u1 - u0)
        region = depth[v0:v1, u0:u1]
        nearer = t < region
        if not nearer.any():
            return
        region[nearer] = t[nearer]
        n = normal.reshape(v1 - v0, u1 - u0, 3)[nearer]
        shade = AMBIENT + DIFFUSE * np.clip(n @ self.light, 0.0, None)
        img[v0:v1, u0:u1][nearer] = np.asarray(shape.colour, float) * shade[:, None]


def _bounding_sphere(shape: Shape) -> tuple[np.ndarray, float]:
    if shape.kind == "capsule":
        return shape.centre, float(np.linalg.norm(shape.b - shape.a) / 2 + shape.radius)
    return shape.centre, float(np.linalg.norm(shape.size) if shape.kind != "ellipsoid" else shape.size.max())


_CUBE = np.array([[i, j, k] for i in (-1, 1) for j in (-1, 1) for k in (-1, 1)], float)


def _screen_box(shape: Shape, cam: Camera) -> tuple[int, int, int, int] | None:
    """Pixel box (u0, u1, v0, v1) that holds the shape's projection, or None if off screen
    (or reaching behind the camera).

    The box holds the projected corners of cubes (camera-aligned) around the shape: the
    bounding sphere's, or for a capsule the two end spheres' (the capsule lies in their
    convex hull, which projects inside the hull of the corners; a limb's sphere box was
    several times wider than the limb)."""
    c, r = _bounding_sphere(shape)
    pc = cam.to_camera(c)
    if pc[2] - r < 0.05:
        return None
    if shape.kind == "capsule":
        ends = cam.to_camera(np.stack([shape.a, shape.b]))
        corners = (ends[:, None, :] + shape.radius * _CUBE[None]).reshape(-1, 3)
    else:
        corners = pc + r * _CUBE
    cx, cy = cam.principal
    u = cam.focal_px * corners[:, 0] / corners[:, 2] + cx
    v = cam.focal_px * corners[:, 1] / corners[:, 2] + cy
    w, h = cam.size
    u0, u1 = max(int(np.floor(u.min())), 0), min(int(np.ceil(u.max())) + 1, w)
    v0, v1 = max(int(np.floor(v.min())), 0), min(int(np.ceil(v.max())) + 1, h)
    return (u0, u1, v0, v1) if u1 > u0 and v1 > v0 else None


def _local(shape: Shape, rays: np.ndarray, rot: np.ndarray, eye: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ray origin (3,) and directions (n, 3) in the shape's local frame (camera rays given)."""
    d_lab = rays @ rot  # camera -> lab
    return shape.axes.T @ (eye - shape.centre), d_lab @ shape.axes


def _to_camera(n_local: np.ndarray, shape: Shape, rot: np.ndarray) -> np.ndarray:
    n = (n_local @ shape.axes.T) @ rot.T
    return n / np.maximum(np.linalg.norm(n, axis=-1, keepdims=True), 1e-12)


def _ellipsoid(shape: Shape, rays: np.ndarray, rot: np.ndarray, eye: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    o, d = _local(shape, rays, rot, eye)
    o_s, d_s = o / shape.size, d / shape.size
    a = np.sum(d_s * d_s, axis=1)
    b = d_s @ o_s
    c = o_s @ o_s - 1.0
    disc = b * b - a * c
    with np.errstate(invalid="ignore"):
        t = (-b - np.sqrt(disc)) / a
    t = np.where((disc > 0) & (t > 0), t, np.inf)
    q = o + d * np.where(np.isfinite(t), t, 0.0)[:, None]
    return t, _to_camera(q / shape.size**2, shape, rot)


def _capsule(shape: Shape, rays: np.ndarray, rot: np.ndarray, eye: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = rays @ rot  # lab directions
    a, b, r = shape.a, shape.b, shape.radius
    ba, oa = b - a, eye - a
    baba, baoa = ba @ ba, ba @ oa
    bard, rdoa = d @ ba, d @ oa
    qa = baba - bard * bard
    qb = baba * rdoa - baoa * bard
    qc = baba * (oa @ oa) - baoa * baoa - r * r * baba
    h = qb * qb - qa * qc
    with np.errstate(invalid="ignore", divide="ignore"):
        t_body = (-qb - np.sqrt(h)) / qa
        y = baoa + t_body * bard
        body_hit = (h >= 0) & (y > 0) & (y < baba) & (t_body > 0)
        # End caps: spheres at a (y <= 0) or b (y >= baba).
        oc = np.where((y <= 0)[:, None], oa, eye - b)
        cb = np.sum(d * oc, axis=1)
        cc = np.sum(oc * oc, axis=1) - r * r
        hc = cb * cb - cc
        t_cap = -cb - np.sqrt(hc)
    cap_hit = (~body_hit) & (h >= 0) & (hc > 0) & (t_cap > 0)
    t = np.where(body_hit, t_body, np.where(cap_hit, t_cap, np.inf))
    p = eye + d * np.where(np.isfinite(t), t, 0.0)[:, None]
    along = np.clip(((p - a) @ ba) / baba, 0.0, 1.0)
    n = p - (a + along[:, None] * ba)
    n = (n @ rot.T)
    return t, n / np.maximum(np.linalg.norm(n, axis=-1, keepdims=True), 1e-12)


def _cylinder(shape: Shape, rays: np.ndarray, rot: np.ndarray, eye: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    o, d = _local(shape, rays, rot, eye)
    rx, ry, hz = shape.size
    ox, oy, dx, dy = o[0] / rx, o[1] / ry, d[:, 0] / rx, d[:, 1] / ry
    a = dx * dx + dy * dy
    b = ox * dx + oy * dy
    c = ox * ox + oy * oy - 1.0
    disc = b * b - a * c
    with np.errstate(invalid="ignore", divide="ignore"):
        t_side = (-b - np.sqrt(disc)) / a
        z = o[2] + t_side * d[:, 2]
        side_ok = (disc > 0) & (t_side > 0) & (np.abs(z) <= hz)
        cap_z = np.where(o[2] > 0, hz, -hz)
        t_cap = (cap_z - o[2]) / d[:, 2]
        qx, qy = ox + t_cap * dx, oy + t_cap * dy
        cap_ok = (t_cap > 0) & (qx * qx + qy * qy <= 1.0) & (abs(o[2]) > hz)
    t = np.where(side_ok, t_side, np.inf)
    use_cap = cap_ok & (t_cap < t)
    t = np.where(use_cap, t_cap, t)
    q = o + d * np.where(np.isfinite(t), t, 0.0)[:, None]
    n = np.stack([q[:, 0] / rx**2, q[:, 1] / ry**2, np.zeros(len(q))], axis=1)
    n[use_cap] = (0.0, 0.0, 1.0 if o[2] > 0 else -1.0)
    return t, _to_camera(n, shape, rot)


def _box(shape: Shape, rays: np.ndarray, rot: np.ndarray, eye: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    o, d = _local(shape, rays, rot, eye)
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / d
        t1 = (-shape.size - o) * inv
        t2 = (shape.size - o) * inv
    lo, hi = np.minimum(t1, t2), np.maximum(t1, t2)
    t_near, t_far = lo.max(axis=1), hi.min(axis=1)
    hit = (t_far >= t_near) & (t_near > 0)
    t = np.where(hit, t_near, np.inf)
    axis = lo.argmax(axis=1)
    n = np.zeros_like(d)
    n[np.arange(len(d)), axis] = -np.sign(d[np.arange(len(d)), axis])
    return t, _to_camera(n, shape, rot)


_INTERSECT: dict[str, Callable] = {"ellipsoid": _ellipsoid, "capsule": _capsule, "cylinder": _cylinder, "box": _box}


def render_frames(walk: Walk, view: str = "posterior", size: tuple[int, int] = (640, 480),
                  frames: range | None = None, scene: Scene = Scene(), framing: str = "body") -> list[np.ndarray]:  # fmt: skip
    """Rendered BGR frames (all, or the given frame indices); `framing` as in `Walk.camera`."""
    renderer = Renderer(walk, walk.camera(view, size, framing), scene)
    return [renderer.frame(i) for i in (frames or range(len(walk.frame_times)))]


def render_video(walk: Walk, path: str | os.PathLike, view: str = "posterior", size: tuple[int, int] = (640, 480),
                 progress: Callable[[int, int], None] | None = None, scene: Scene = Scene(),
                 framing: str = "body") -> Path:  # fmt: skip
    """Write the walk as an mp4 (MPEG-4 part 2, 'mp4v') seen from `view`; returns the path."""
    path = Path(path)
    renderer = Renderer(walk, walk.camera(view, size, framing), scene)
    n = len(walk.frame_times)
    tmp = path.with_name(path.stem + ".part" + path.suffix)
    writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), walk.params.fps, renderer.camera.size)
    if not writer.isOpened():
        raise GaitError(f"{path}: cannot write an mp4 video here")
    try:
        for i in range(n):
            writer.write(renderer.frame(i))
            if progress:
                progress(i + 1, n)
    finally:
        writer.release()
    os.replace(tmp, path)
    return path
