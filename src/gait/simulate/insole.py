"""A pressure insole under the walker: sensor layouts and the readings of a walk.

Each foot carries the vertical ground reaction force of `walker.grf_shape` (double hump,
body weight on average), applied at the centre of pressure of `walker.cop_path`, which rolls
from the heel to the hallux and moves medially with rearfoot eversion. A sensor reads the
share of that force given by a Gaussian footprint around the centre of pressure (sigma 11 %
of foot length), normalised so the sensors of a foot sum to its force: an ideal insole whose
summed reading is the GRF and whose weighted centroid tracks the centre of pressure.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gait.errors import GaitError
from gait.recording.insole import InsoleLayout, InsoleRecording
from gait.simulate.params import SIDES
from gait.simulate.walker import cop_path, grf_shape

if TYPE_CHECKING:
    from gait.simulate.walker import Walk

G = 9.81
FOOTPRINT_SIGMA = 0.11  # of foot length
REFERENCE_FOOT_MM = 260.0

# Sensor centres (x mm, + lateral; y mm from the back of the heel) for a 260 mm foot, placed
# under the regions plantar-pressure studies report separately (heel, lateral midfoot,
# metatarsal heads 1-5, hallux, lesser toes).
LAYOUT_8 = (
    (-13, 28), (13, 28),  # medial and lateral heel
    (24, 105),  # lateral midfoot
    (-26, 185), (4, 192), (30, 172),  # metatarsal heads 1, 3, 5
    (-25, 238), (10, 230),  # hallux, lesser toes
)  # fmt: skip
LAYOUT_16 = (
    (-15, 20), (15, 20), (-14, 50), (16, 50),  # heel: posterior and anterior, medial/lateral
    (-8, 100), (24, 95), (28, 130),  # midfoot: medial arch, lateral
    (-28, 182), (-11, 190), (4, 190), (18, 184), (32, 172),  # metatarsal heads 1-5
    (-26, 240), (-24, 214), (-3, 238), (18, 228),  # hallux distal/proximal, toes 2, 3-5
)  # fmt: skip
LAYOUTS = {8: LAYOUT_8, 16: LAYOUT_16}


def insole_layout(sensors_per_foot: int = 8, foot_length_mm: float = REFERENCE_FOOT_MM) -> InsoleLayout:
    """The 8- or 16-sensor layout scaled to `foot_length_mm`, the same for both feet."""
    if sensors_per_foot not in LAYOUTS:
        raise GaitError(f"insole layouts have {' or '.join(map(str, LAYOUTS))} sensors per foot")
    xy = np.asarray(LAYOUTS[sensors_per_foot], dtype=np.float64) * (foot_length_mm / REFERENCE_FOOT_MM)
    xy = np.round(xy, 1)
    return InsoleLayout(foot_length_mm, xy, xy.copy())


def foot_loading(walk: Walk, t: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per side: vertical force (N) and centre of pressure x, y (mm, insole axes) at times t.

    While standing each foot carries half the body weight at the middle of the foot.
    """
    p = walk.params
    weight = p.mass_kg * G
    e = walk.envelope(t)
    phase = walk.phases(t)
    eversion = walk.eversion(t)
    lf, fw = 1000 * walk.body.foot_length, 1000 * walk.body.foot_width
    stand_x, stand_y = 0.0, 0.30 * lf  # standing: most of the load on the heel
    out = {}
    for side in SIDES:
        u = phase[side] / p.stance_fraction
        force = weight * (e * grf_shape(u, p.stance_fraction) + (1 - e) * 0.5)
        x, y = cop_path(u, eversion[side], lf, fw)
        out[side] = (force, e * x + (1 - e) * stand_x, e * y + (1 - e) * stand_y)
    return out


def sensor_forces(force: np.ndarray, cop_x: np.ndarray, cop_y: np.ndarray, sensors: np.ndarray,
                  foot_length_mm: float) -> np.ndarray:  # fmt: skip
    """(T, n) sensor readings for a foot: the force shared by a Gaussian footprint at the CoP."""
    sigma = FOOTPRINT_SIGMA * foot_length_mm
    d2 = (sensors[None, :, 0] - cop_x[:, None]) ** 2 + (sensors[None, :, 1] - cop_y[:, None]) ** 2
    share = np.exp(-d2 / (2 * sigma**2))
    return force[:, None] * share / share.sum(axis=1, keepdims=True)


def walk_insole(walk: Walk, layout: InsoleLayout, rate_hz: float, noise_n: float) -> InsoleRecording:
    """The insole recording of `walk` at `rate_hz`, time 0 = the pose track's first frame."""
    if not 10 <= rate_hz <= 2000:
        raise GaitError("insole rate must be 10-2000 Hz")
    if noise_n < 0:
        raise GaitError("insole noise must be >= 0 N")
    n = int(round(walk.params.duration_s * rate_hz))
    t = np.arange(n) / rate_hz
    loading = foot_loading(walk, t)
    # The layout's foot length maps the sensors onto the walker's foot.
    scale = 1000 * walk.body.foot_length / layout.foot_length_mm
    values = {}
    rng = np.random.default_rng([walk.seed, 5])
    for side in SIDES:
        sensors = getattr(layout, side) * scale
        f = sensor_forces(*loading[side], sensors, 1000 * walk.body.foot_length)
        if noise_n > 0:
            f = np.clip(f + rng.normal(0.0, noise_n, f.shape), 0.0, None)
        values[side] = np.round(f, 3)
    return InsoleRecording(t, np.arange(n), values["left"], values["right"], rate_hz, "newton", layout,
                           "synthetic walker insole")  # fmt: skip
