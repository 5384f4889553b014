"""The 3-D kinematic gait model: joint-angle curves driving a chain of rigid segments.

Lab frame: x = walking direction, y = the subject's left, z = up, metres, floor at z = 0.
Everything is a vectorised function of time. The chain, per leg, from the pelvis down:

    pelvis   R_p  = Rz(yaw) Rx(obliquity) Ry(anterior tilt), hips at (0, +-w/2, 0)
    thigh    R_th = Rx(frontal) Rz(internal rotation) Ry(-hip flexion)
    shank    R_sh = R_th Ry(knee flexion)
    foot     R_m  = R_sh Rz(toe-out) Ry(-dorsiflexion)        (talus: the ankle joint)
    rearfoot R_ft = R_m Rx(eversion), about the foot's long (AP) axis through a pivot 2 cm
             under the ankle, so the heel, the heel landmark and the shoe swing with it.
    toes     R_toe = R_ft Ry(-mtp extension), hinged on the sole under the first metatarsal
             head (72 % of foot length); the toes extend just enough to stay level, never
             pointing into the floor, so they lie flat while the heel rises (forefoot rocker)
             and carry `sole_toe`, `sole_hallux` and the `foot_index` landmark.

The leg's frontal angle is solved so each ankle stays on its line of progression (step
width), so the pelvis can tilt (obliquity, leg-length difference) while the feet stay put.
Rearfoot eversion is the angle between shank axis and calcaneal axis in the plane normal to
the foot's long axis, exactly the Rx angle (toe-out is a rotation about the shank axis, so it
does not mix in). The pelvis height puts the lowest sole point on the floor; its forward
position follows from the stance foot's contact point staying put on the ground (on a
treadmill: moving back with the belt). The hip curve's amplitude is scaled so the walk has
the requested speed at the requested cadence.

Contact is geometric and falls on the gait-cycle clock's events (`_closure_tables`): in each
double support small knee, ankle, hip and toe corrections to the normative curves keep both
feet on the floor without sliding, so the leading heel's sole lands at the declared heel
strike (heel rocker to foot flat), the heel rises in terminal stance while the forefoot and
toes stay flat, the foot rolls onto the toe tip in pre-swing (toe rocker; Perry & Burnfield
2010, ch. 3) and the toes leave the floor at the declared toe off. On the default walk the
corrections stay within a few degrees (largest: toe tilt onto the tip ~8-15 deg and hip
~+5 deg, knee ~-3 deg at toe off); minimum toe clearance in mid-swing is ~2 cm (Winter 1992,
Phys Ther 72:45-53: 1.29 +- 0.45 cm).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from gait.errors import GaitError
from gait.landmarks import NAMES
from gait.simulate import normative
from gait.simulate.geometry import apply, mul, rot_x, rot_y, rot_z
from gait.simulate.params import SIDES, WalkParams

if TYPE_CHECKING:
    from gait.recording.insole import InsoleLayout, InsoleRecording
    from gait.recording.posetrack import PoseTrack
    from gait.simulate.camera import Camera

DEG = np.pi / 180.0
SIDE_SIGN = {"left": 1.0, "right": -1.0}  # +1 where the side's lateral direction is +y

# Segment proportions of body height H (Winter 2009, Fig. 4.1).
THIGH, SHANK, ANKLE_HEIGHT = 0.245, 0.246, 0.039
FOOT_LENGTH, FOOT_WIDTH = 0.152, 0.055
UPPER_ARM, FOREARM, HAND = 0.186, 0.146, 0.108
SHOULDER_ABOVE_HIP = 0.818 - 0.530  # shoulder height - hip height
HEAD_ABOVE_SHOULDER = 0.936 - 0.818  # eye height - shoulder height
HIP_JOINT_WIDTH = 0.10  # between hip joint centres (~17.5 cm for 1.75 m)
SHOULDER_WIDTH = 0.20  # between shoulder joint centres
SHOE_SOLE = 0.02  # m under the foot
SUBTALAR_DROP = 0.02  # eversion pivot below the ankle joint centre
MTP_HINGE = 0.72  # toe (metatarsophalangeal) hinge, share of foot length from the back of the heel
TOE_POINTS = ("sole_toe", "sole_hallux", "foot_index")  # points carried by the toe segment
TOE_SMOOTH = 3.0  # deg: the toes' "stay level" rule is a smooth max(0, .) of this width

STEP_WIDTH = 0.08  # m between the feet's lines of progression (Perry & Burnfield 2010, ch. 2)
PELVIC_YAW = 4.0  # deg, +- (Perry & Burnfield 2010, ch. 8)
PELVIC_TILT = 10.0  # deg anterior, mean
LATERAL_SWAY = 0.02  # m, +- toward the stance side (Perry & Burnfield 2010, ch. 8)
HEEL_STRIKE_INVERSION = -2.0  # deg: calcaneus slightly inverted at contact and in swing
ARM_SWING = 0.6  # shoulder flexion per degree of opposite hip flexion
SWING_KNEE_EXTRA = 6.0  # deg of extra mid-swing knee flexion (toe clearance of a rigid foot)
CLOSURE_ANKLE_WEIGHT = 2.0  # ankle against knee in the contact closure (2: an ankle degree costs 1/4)
CLOSURE_HIP_WEIGHT = 1.0  # hips keep the step's length while both feet are down
CLOSURE_TOE_WEIGHT = 6.0  # toes rolling onto their tip (toe rocker) are the first to give
FADE_OUT_STANCE, FADE_IN_STANCE = 0.15, 0.15  # cycle shares over which closure corrections fade
FADE_OUT_SWING, FADE_IN_SWING = 0.25, 0.12
SWING_CLEARANCE_GAIN = 1.0  # extra mid-swing knee flexion per degree of swing-side pelvic drop


@dataclass(frozen=True)
class Body:
    """Segment lengths (m) of one subject; the leg-length difference sits in thigh and shank."""

    height: float
    thigh: dict[str, float]
    shank: dict[str, float]
    ankle_height: float  # ankle joint centre above the shoe sole's underside
    foot_length: float
    foot_width: float
    hip_width: float

    @classmethod
    def from_params(cls, p: WalkParams) -> Body:
        h = p.height_m
        half = p.leg_length_diff_mm / 2000.0
        share = THIGH / (THIGH + SHANK)
        thigh = {"left": THIGH * h - half * share, "right": THIGH * h + half * share}
        shank = {"left": SHANK * h - half * (1 - share), "right": SHANK * h + half * (1 - share)}
        return cls(h, thigh, shank, ANKLE_HEIGHT * h + SHOE_SOLE, FOOT_LENGTH * h, FOOT_WIDTH * h,
                   HIP_JOINT_WIDTH * h)  # fmt: skip

    def leg_length(self, side: str) -> float:
        """Hip joint centre to floor, standing straight."""
        return self.thigh[side] + self.shank[side] + self.ankle_height

    @property
    def leg_length_difference_mm(self) -> float:
        return 1000.0 * (self.leg_length("right") - self.leg_length("left"))

    @property
    def static_obliquity_deg(self) -> float:
        """Standing pelvic obliquity (+ = right hip lower) that the leg lengths impose."""
        return float(np.degrees(np.arcsin(-self.leg_length_difference_mm / 1000.0 / self.hip_width)))

    def foot_points(self, side: str) -> dict[str, np.ndarray]:
        """Points in the rearfoot frame (origin: eversion pivot; x forward, y left, z up)."""
        s = SIDE_SIGN[side]
        lf, hw = self.foot_length, self.foot_width / 2
        back, sole = -0.25 * lf, -(self.ankle_height - SUBTALAR_DROP)
        pts = {
            "heel": (back - 0.004, 0.0, sole + 0.025),
            "foot_index": (back + 0.96 * lf, 0.0, sole + 0.012),
            "eversion_axis_back": (0.0, 0.0, 0.0),
            "eversion_axis_front": (0.1, 0.0, 0.0),
            "heel_axis_top": (back + 0.012, 0.0, 0.0),
            "heel_axis_bottom": (back + 0.012, 0.0, sole),
            "sole_heel_medial": (back + 0.03, -s * 0.55 * hw, sole),
            "sole_heel_lateral": (back + 0.03, s * 0.55 * hw, sole),
            "sole_heel_back": (back + 0.004, 0.0, sole + 0.008),
            "sole_mtp1": (back + 0.72 * lf, -s * 0.85 * hw, sole),
            "sole_mtp5": (back + 0.64 * lf, s * 0.85 * hw, sole),
            "sole_toe": (back + 0.99 * lf, -s * 0.3 * hw, sole),
            "sole_hallux": (back + 0.93 * lf, -s * 0.8 * hw, sole),
        }
        return {k: np.asarray(v) for k, v in pts.items()}

    def mtp_hinge(self) -> np.ndarray:
        """The toe hinge's point on the sole (rearfoot frame); its axis is the frame's y axis."""
        return np.array([(MTP_HINGE - 0.25) * self.foot_length, 0.0, -(self.ankle_height - SUBTALAR_DROP)])

    def sole_point(self, side: str, along: np.ndarray, lateral: np.ndarray) -> np.ndarray:
        """(..., 3) rearfoot-frame points on the sole: `along` 0..1 heel->toe, `lateral` m (+ lateral)."""
        back, sole = -0.25 * self.foot_length, -(self.ankle_height - SUBTALAR_DROP)
        along, lateral = np.broadcast_arrays(np.asarray(along, float), np.asarray(lateral, float))
        return np.stack([back + along * self.foot_length, SIDE_SIGN[side] * lateral,
                         np.full(along.shape, sole)], axis=-1)  # fmt: skip


# Face and hand landmark offsets, metres, in the head frame (x forward, y left, z up) and the
# hand frame (x forward, y lateral for +1, z along the forearm, up).
FACE = {
    "nose": (0.105, 0.0, -0.012),
    "left_eye_inner": (0.088, 0.015, 0.024), "left_eye": (0.084, 0.032, 0.026),
    "left_eye_outer": (0.076, 0.047, 0.025), "right_eye_inner": (0.088, -0.015, 0.024),
    "right_eye": (0.084, -0.032, 0.026), "right_eye_outer": (0.076, -0.047, 0.025),
    "left_ear": (-0.005, 0.079, 0.004), "right_ear": (-0.005, -0.079, 0.004),
    "mouth_left": (0.090, 0.024, -0.045), "mouth_right": (0.090, -0.024, -0.045),
}  # fmt: skip
HAND_POINTS = {"pinky": (-0.022, 0.0, -0.075), "index": (0.024, -0.004, -0.082), "thumb": (0.036, -0.012, -0.038)}


def _atan2(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """np.arctan2 through the C library, element by element: NumPy's SIMD arctan2 can differ in
    the last bit with the arrays' memory alignment, and the contact closure would carry that
    into byte-different truth files."""
    return _ATAN2(y, x).astype(np.float64)


_ATAN2 = np.frompyfunc(math.atan2, 2, 1)


def _fade(q: np.ndarray, values: np.ndarray, s: float) -> np.ndarray:
    """A closure correction over one side's phase q (sorted, 0..1), set inside its double
    supports ([0, s - 0.5] leading, [0.5, s] trailing), faded in and out around them."""
    def at(q0: float) -> float:
        return float(np.interp(q0, q, values))

    lead_end, trail_start, trail_end = s - 0.5, 0.5, s
    out = np.where((q <= lead_end + 1e-12) | ((q >= trail_start - 1e-12) & (q <= trail_end + 1e-12)), values, 0.0)
    out = out + at(lead_end) * (q > lead_end + 1e-12) * (1 - smoothstep((q - lead_end) / FADE_OUT_STANCE))
    out = out + at(trail_start) * (q < trail_start - 1e-12) * smoothstep(1 - (trail_start - q) / FADE_IN_STANCE)
    # After toe off the corrections keep their rate for a while (a kink there would slow the
    # foot's launch into swing), then fade: a cubic Hermite from (value, slope) to (0, 0).
    u = np.clip((q - trail_end) / FADE_OUT_SWING, 0.0, 1.0)
    slope = (at(trail_end) - at(trail_end - 0.01)) / 0.01 * FADE_OUT_SWING
    hermite = at(trail_end) * (1 - 3 * u**2 + 2 * u**3) + slope * (u - 2 * u**2 + u**3)
    out = out + (q > trail_end + 1e-12) * hermite
    out = out + at(0.0) * (q > trail_end + 1e-12) * smoothstep(1 - (1.0 - q) / FADE_IN_SWING)
    return out


def smoothstep(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3 - 2 * x)


def bump(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """u^a (1-u)^b on [0, 1] scaled to peak 1, zero outside."""
    peak_u = a / (a + b)
    norm = peak_u**a * (1 - peak_u) ** b
    inside = (u > 0) & (u < 1)
    uc = np.clip(u, 0.0, 1.0)
    return np.where(inside, uc**a * (1 - uc) ** b / norm, 0.0)


def grf_shape(u: np.ndarray, stance_fraction: float) -> np.ndarray:
    """Vertical ground reaction force of one foot / body weight at stance fraction u (0..1).

    Two sine harmonics give the double hump of walking (peaks ~1.15 BW at ~25 % and ~75 % of
    stance, trough ~0.75 BW; Winter 2009, Fig. 5.17), scaled so the two feet together carry
    exactly body weight on average over the cycle (vertical momentum balance).
    """
    a, b = 1.194, 0.444
    inside = (u >= 0) & (u <= 1)
    shape = np.where(inside, a * np.sin(np.pi * u) + b * np.sin(3 * np.pi * u), 0.0)
    mean = 2 / np.pi * (a + b / 3)
    return shape / (2 * stance_fraction * mean)


def cop_path(u: np.ndarray, eversion_deg: np.ndarray, foot_length_mm: float,
             foot_width_mm: float) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Centre of pressure under one foot at stance fraction u: (x, y) mm in insole axes
    (x + toward the lateral edge, y from the back of the heel).

    Heel strike just lateral of the heel centre, a lateral midfoot, then medially to the
    first metatarsal head and hallux at push-off (Cornwall & McPoil 2000, JAPMA 90:334-338).
    Eversion moves it medially, 1.5 mm per degree of rearfoot eversion.
    """
    knots_u = np.array([0.0, 0.1, 0.3, 0.5, 0.7, 0.85, 1.0])
    knots_y = np.array([0.06, 0.14, 0.40, 0.62, 0.72, 0.80, 0.93])
    knots_x = np.array([0.04, 0.07, 0.16, 0.18, 0.11, -0.04, -0.18])
    uc = np.clip(u, 0.0, 1.0)
    y = np.interp(uc, knots_u, knots_y) * foot_length_mm
    x = np.interp(uc, knots_u, knots_x) * foot_width_mm - 1.5 * np.asarray(eversion_deg)
    return x, y


@dataclass
class Kinematics:
    """The model at times `t`: lab-frame points (T,3), segment frames, true angles (deg)."""

    t: np.ndarray
    points: dict[str, np.ndarray]  # 33 MediaPipe names + `<side>_<foot point>` markers
    frames: dict[str, tuple[np.ndarray, np.ndarray]]  # segment -> (origin (T,3), R (T,3,3))
    angles: dict[str, np.ndarray]  # per-frame true angles, deg
    phase: dict[str, np.ndarray]  # side -> gait-cycle phase 0..1 from that side's heel strike
    envelope: np.ndarray  # 0 standing .. 1 steady walking
    stance_fraction: float

    def landmarks(self) -> np.ndarray:
        """(T, 33, 3) MediaPipe landmarks in the lab frame."""
        return np.stack([self.points[n] for n in NAMES], axis=1)

    def stance(self, side: str) -> np.ndarray:
        """(T,) bool: that foot is on the ground in a walking cycle (not while standing)."""
        return (self.envelope > 0) & (self.phase[side] < self.stance_fraction)


@dataclass
class Walk:
    """A simulated walk: call `kinematics(t)` for the model at any times, or the helpers for
    pose tracks, truth, insole recordings and cameras."""

    params: WalkParams
    seed: int = 0
    body: Body = field(init=False)
    amplitude: float = field(init=False)  # hip-curve scale that gives the requested speed

    def __post_init__(self) -> None:
        self.body = Body.from_params(self.params)
        self._closure_q = np.array([0.0, 0.5])
        self._closure = {side: (np.zeros(2),) * 4 for side in SIDES}
        self.amplitude = self._calibrate_amplitude()
        self._grid_t, self._grid_x = self._forward_position()

    # ---- timing ---------------------------------------------------------------------
    @property
    def stride_time(self) -> float:
        return self.params.stride_time_s

    @property
    def walk_start(self) -> float:
        return self.params.standing_s

    @property
    def steady_from(self) -> float:
        """From here on every cycle has its full amplitude (one ramp-up stride after standing)."""
        return self.walk_start + self.stride_time

    @property
    def frame_times(self) -> np.ndarray:
        n = int(round(self.params.duration_s * self.params.fps))
        return np.arange(n) / self.params.fps

    def _cycle(self, t: np.ndarray) -> np.ndarray:
        return (np.asarray(t, dtype=np.float64) - self.walk_start) / self.stride_time

    def envelope(self, t: np.ndarray) -> np.ndarray:
        return smoothstep(self._cycle(t))

    def phases(self, t: np.ndarray) -> dict[str, np.ndarray]:
        c = self._cycle(t)
        return {"left": np.mod(c, 1.0), "right": np.mod(c - 0.5, 1.0)}

    def events(self) -> dict[str, dict[str, list[float]]]:
        """Heel strikes and toe offs per side after standing, seconds (left heel strikes at
        whole cycles, the right half a cycle later; toe off at the stance fraction). These are
        foot-floor contact events: the contact closure puts the heel's sole on the floor and
        the toes' sole off it at these times (steady strides)."""
        T, s, t0, end = self.stride_time, self.params.stance_fraction, self.walk_start, self.params.duration_s
        k = np.arange(0, int(np.ceil((end - t0) / T)) + 2)
        out = {}
        for side, offset in (("left", 0.0), ("right", 0.5)):
            hs = t0 + (k + offset) * T
            to = t0 + (k + offset + s - (1.0 if offset + s >= 1.0 else 0.0)) * T
            out[side] = {name: [round(float(v), 6) for v in x if t0 < v <= end]
                         for name, x in (("heel_strike", hs), ("toe_off", to))}  # fmt: skip
        return out

    # ---- the chain ------------------------------------------------------------------
    def _warp(self, p: np.ndarray) -> np.ndarray:
        """Map this walk's phase onto the normative phase (toe off at 60 %)."""
        s = self.params.stance_fraction
        return np.where(p < s, p * 0.6 / s, 0.6 + (p - s) * 0.4 / (1 - s))

    def eversion(self, t: np.ndarray, e: np.ndarray | None = None) -> dict[str, np.ndarray]:
        """True rearfoot eversion per side (deg, + eversion) at times t.

        Slightly inverted at heel strike, everting to the peak at ~35 % of stance, back by
        toe off (Cornwall & McPoil 1999); half the peak while standing (relaxed stance).
        `e` overrides the standing-to-walking envelope.
        """
        e = self.envelope(t) if e is None else e
        out = {}
        for side, p in self.phases(t).items():
            peak = self.params.side(side).eversion_peak_deg
            u = p / self.params.stance_fraction
            walking = HEEL_STRIKE_INVERSION + (peak - HEEL_STRIKE_INVERSION) * bump(u, 2.0, 3.5)
            out[side] = e * walking + (1 - e) * 0.5 * peak
        return out

    def obliquity(self, t: np.ndarray, e: np.ndarray | None = None) -> np.ndarray:
        """True pelvic obliquity (deg, + = right hip lower than left), static tilt included."""
        e = self.envelope(t) if e is None else e
        ph = self.phases(t)
        # Swing-side drop during each side's stance, peaking at ~20 % of the cycle, in single
        # stance, back to level by the opposite heel strike (Perry & Burnfield 2010, ch. 8).
        drop_l = self.params.left.pelvic_drop_deg * bump(ph["left"] / 0.5, 2.0, 3.0)
        drop_r = self.params.right.pelvic_drop_deg * bump(ph["right"] / 0.5, 2.0, 3.0)
        return self.body.static_obliquity_deg + e * (drop_l - drop_r)

    def _chain(self, t: np.ndarray, amplitude: float, steady: bool = False,
               closure: dict[str, tuple[np.ndarray, ...]] | None = None) -> Kinematics:  # fmt: skip
        """The model with the pelvis centre at x = 0 and the floor unset (pelvis at z = 0).

        `closure` gives per side the knee, ankle, toe and hip corrections (deg) at `t`; by default those
        of this walk's contact closure (`_closure_tables`), scaled by the envelope.
        """
        p, b = self.params, self.body
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        e = np.ones_like(t) if steady else self.envelope(t)
        ph = self.phases(t)
        if closure is None:
            ramp = e**3  # the tables are for the steady walk; while it builds up they barely apply
            closure = {side: tuple(ramp * np.interp(ph[side], self._closure_q, table, period=1.0)
                                   for table in self._closure[side]) for side in SIDES}  # fmt: skip
        ev = self.eversion(t, e)
        obl = self.obliquity(t, e)
        pl = ph["left"]
        yaw = -e * PELVIC_YAW * np.cos(2 * np.pi * pl)
        tilt = PELVIC_TILT + e * 1.5 * np.cos(4 * np.pi * pl)
        sway = e * LATERAL_SWAY * np.cos(2 * np.pi * (pl - 0.3))
        r_p = mul(rot_z(yaw * DEG), rot_x(obl * DEG), rot_y(tilt * DEG))
        origin = np.stack([np.zeros_like(t), sway, np.zeros_like(t)], axis=-1)
        points: dict[str, np.ndarray] = {}
        frames: dict[str, tuple[np.ndarray, np.ndarray]] = {"pelvis": (origin, r_p)}
        angles: dict[str, np.ndarray] = {"pelvic_obliquity": obl, "pelvic_yaw": yaw}
        hip_mean = normative.HIP[0]
        hip_curves = {}
        for side in SIDES:
            w = self._warp(ph[side])
            hip_curves[side] = e * (hip_mean + amplitude * (normative.evaluate(normative.HIP, w) - hip_mean))
        for side in SIDES:
            s, sp = SIDE_SIGN[side], p.side(side)
            other = "right" if side == "left" else "left"
            w = self._warp(ph[side])
            hip = hip_curves[side] + closure[side][3]
            # Swing clearance: the rigid model foot needs a little more knee flexion in
            # mid-swing than the mean curve, and a dropped swing-side hip more still, as
            # people do (Perry & Burnfield 2010, ch. 8).
            swing_u = (ph[side] - p.stance_fraction) / (1 - p.stance_fraction)
            clearance = SWING_KNEE_EXTRA + SWING_CLEARANCE_GAIN * max(p.side(other).pelvic_drop_deg, 0.0)
            knee = e * (normative.evaluate(normative.KNEE, w) + clearance * bump(swing_u, 3.0, 2.0)) + closure[side][0]
            ankle = e * normative.evaluate(normative.ANKLE, w) + closure[side][1]
            hip_c = apply(r_p, (0.0, s * b.hip_width / 2, 0.0)) + origin
            r_in = mul(rot_z(-s * sp.hip_internal_rotation_deg * DEG + 0 * t), rot_y(-hip * DEG))
            r_sh_in = mul(r_in, rot_y(knee * DEG))
            v = apply(r_in, (0, 0, -b.thigh[side])) + apply(r_sh_in, (0, 0, -b.shank[side]))
            target = s * (e * STEP_WIDTH / 2 + (1 - e) * b.hip_width / 2)
            delta = target - hip_c[:, 1]
            radius = np.hypot(v[:, 1], v[:, 2])
            frontal = -np.arctan2(v[:, 2], v[:, 1]) - np.arccos(np.clip(delta / radius, -1, 1))
            r_th = mul(rot_x(frontal), r_in)
            r_sh = mul(r_th, rot_y(knee * DEG))
            knee_c = hip_c + apply(r_th, (0, 0, -b.thigh[side]))
            ankle_c = knee_c + apply(r_sh, (0, 0, -b.shank[side]))
            r_m = mul(r_sh, rot_z(s * sp.toe_out_deg * DEG + 0 * t), rot_y(-ankle * DEG))
            pivot = ankle_c + apply(r_m, (0, 0, -SUBTALAR_DROP))
            r_ft = mul(r_m, rot_x(s * ev[side] * DEG))
            frames[f"{side}_thigh"] = (hip_c, r_th)
            frames[f"{side}_shank"] = (knee_c, r_sh)
            # Toes: hinged at the metatarsal heads; they extend (bend up) just enough to stay level
            # (never pointing into the floor), so they lie flat while the heel rises.
            level = _atan2(-r_ft[:, 2, 0], r_ft[:, 2, 2])
            width = TOE_SMOOTH * DEG
            mtp = 0.5 * (level + np.sqrt(level**2 + width**2)) - closure[side][2] * DEG
            hinge = b.mtp_hinge()
            hinge_c = pivot + apply(r_ft, hinge)
            r_toe = mul(r_ft, rot_y(-mtp))
            frames[f"{side}_foot"] = (pivot, r_ft)
            frames[f"{side}_toes"] = (hinge_c, r_toe)
            points[f"{side}_hip"], points[f"{side}_knee"], points[f"{side}_ankle"] = hip_c, knee_c, ankle_c
            for name, xyz in b.foot_points(side).items():
                if name in TOE_POINTS:
                    points[f"{side}_{name}"] = hinge_c + apply(r_toe, xyz - hinge)
                else:
                    points[f"{side}_{name}"] = pivot + apply(r_ft, xyz)
            angles[f"{side}_mtp_extension"] = mtp / DEG
            angles[f"{side}_hip_flexion"], angles[f"{side}_knee_flexion"] = hip, knee
            angles[f"{side}_ankle_dorsiflexion"], angles[f"{side}_rearfoot_eversion"] = ankle, ev[side]
        # Trunk upright and counter-rotating against the pelvis; head facing forward.
        h = b.height
        r_tr = mul(rot_z(-0.6 * yaw * DEG), rot_y(np.full_like(t, 3.0 * DEG)))
        frames["torso"] = (origin, r_tr)
        neck = origin + apply(r_tr, (0.0, 0.0, SHOULDER_ABOVE_HIP * h + 0.02))
        head_c = origin + apply(r_tr, (0.015, 0.0, (SHOULDER_ABOVE_HIP + HEAD_ABOVE_SHOULDER) * h - 0.03))
        r_head = rot_z(-0.2 * yaw * DEG)
        frames["neck"] = (neck, r_tr)
        frames["head"] = (head_c, r_head)
        for name, xyz in FACE.items():
            points[name] = head_c + apply(r_head, xyz)
        for side in SIDES:
            s = SIDE_SIGN[side]
            other = "right" if side == "left" else "left"
            flex = ARM_SWING * (hip_curves[other] - e * hip_mean)
            elbow_flex = np.clip(12.0 + e * (8.0 + 0.6 * flex), 5.0, None)
            shoulder = origin + apply(r_tr, (0.0, s * SHOULDER_WIDTH * h / 2, SHOULDER_ABOVE_HIP * h))
            r_ua = mul(r_tr, rot_x(np.full_like(t, s * 7.0 * DEG)), rot_y(-flex * DEG))
            elbow = shoulder + apply(r_ua, (0, 0, -UPPER_ARM * h))
            r_fa = mul(r_ua, rot_y(-elbow_flex * DEG))
            wrist = elbow + apply(r_fa, (0, 0, -FOREARM * h))
            frames[f"{side}_upper_arm"], frames[f"{side}_forearm"] = (shoulder, r_ua), (elbow, r_fa)
            points[f"{side}_shoulder"], points[f"{side}_elbow"], points[f"{side}_wrist"] = shoulder, elbow, wrist
            for name, (x, y, z) in HAND_POINTS.items():
                points[f"{side}_{name}"] = wrist + apply(r_fa, (x, s * y, z * HAND * h / 0.19))
        return Kinematics(t, points, frames, angles, ph, e, p.stance_fraction)

    # ---- placing the body on the floor ----------------------------------------------
    def _supports(self, k: Kinematics) -> dict[str, np.ndarray]:
        """Per side, the height the chain must be lifted for that foot's lowest sole point to
        touch the floor (m)."""
        names = [n for n in self.body.foot_points("left") if n.startswith("sole_")] + ["heel_axis_bottom"]
        return {side: -np.min([k.points[f"{side}_{n}"][:, 2] for n in names], axis=0) for side in SIDES}

    def _closure_tables(self, amplitude: float) -> None:
        """Knee and ankle corrections that make both feet touch the floor in double support.

        Joint-angle curves from the literature and a body's segment lengths do not close the
        loop floor - trailing foot - pelvis - leading foot - floor by themselves: with them
        alone the leading heel hangs above the floor at heel strike and the trailing forefoot
        leaves it well before toe off. In each double support (heel strike of one foot to toe
        off of the other) this solves, at every instant, for the smallest knee and ankle
        corrections (least squares, knee weighted over ankle) that give both feet the same
        support height, so the leading heel lands at the declared heel strike and the trailing
        toes leave at the declared toe off. Outside double support the corrections fade in
        (terminal swing, terminal stance) and out (mid-stance, early swing) smoothly. The
        tables are per side, over that side's own phase, for the steady walk.
        """
        s, T = self.params.stance_fraction, self.stride_time
        grid = np.unique(np.concatenate([np.arange(240) / 240, [s - 0.5, 0.5, s]]))
        t = self.walk_start + T * (1.0 + grid)  # left phase = grid
        windows = (grid <= s - 0.5 + 1e-12) | ((grid >= 0.5 - 1e-12) & (grid <= s + 1e-12))
        sigma2 = np.array([1.0, CLOSURE_ANKLE_WEIGHT**2, CLOSURE_TOE_WEIGHT**2, CLOSURE_HIP_WEIGHT**2] * 2)
        n_dof = len(sigma2)
        x = np.zeros((n_dof, len(grid)))  # per side: knee, ankle, toe tilt, hip (deg)
        lead_left = grid <= s - 0.5 + 1e-12
        start = {True: 0, False: int(np.argmin(np.abs(grid - 0.5)))}

        def residuals(xx: np.ndarray) -> np.ndarray:
            corr = {side: tuple(xx[4 * i : 4 * i + 4]) for i, side in enumerate(SIDES)}
            k = self._chain(t, amplitude, steady=True, closure=corr)
            sup = self._supports(k)
            heel = {sd: (k.points[f"{sd}_sole_heel_medial"][:, 0] + k.points[f"{sd}_sole_heel_lateral"][:, 0]) / 2
                    for sd in SIDES}  # fmt: skip
            tip = {sd: (k.points[f"{sd}_sole_toe"][:, 0] + k.points[f"{sd}_sole_hallux"][:, 0]) / 2 for sd in SIDES}
            gap = np.where(lead_left, heel["left"] - tip["right"], heel["right"] - tip["left"])
            return np.stack([sup["left"] - sup["right"], gap])

        h = 0.25
        target = None
        for _ in range(8):
            r = residuals(x)
            if target is None:  # the step as it is at heel strike stays put until toe off
                target = np.where(lead_left, r[1, start[True]], r[1, start[False]])
            r[1] -= target
            g = np.stack([(residuals(x + h * np.eye(n_dof)[d][:, None]) - r - np.stack([0 * target, target])) / h
                          for d in range(n_dof)], axis=-1)  # (2, N, dof)  # fmt: skip
            # Minimum-norm step of the linearised constraints, weighted by sigma2, written out
            # element by element (a 2x2 solve per instant) so it is bit-for-bit reproducible.
            gw = g * sigma2
            a00, a01, a11 = (np.zeros(len(grid)) for _ in range(3))
            for d in range(n_dof):
                a00 += gw[0, :, d] * g[0, :, d]
                a01 += gw[0, :, d] * g[1, :, d]
                a11 += gw[1, :, d] * g[1, :, d]
            a00, a11 = a00 + 1e-9, a11 + 1e-9
            det = a00 * a11 - a01 * a01
            lam0 = (a11 * r[0] - a01 * r[1]) / det
            lam1 = (a00 * r[1] - a01 * r[0]) / det
            step = -(gw[0] * lam0[:, None] + gw[1] * lam1[:, None]).T
            x += np.where(windows, np.clip(step, -5.0, 5.0), 0.0)
            x[[2, 6]] = np.maximum(x[[2, 6]], 0.0)  # toes tilt down onto their tip, never up
        # Own-phase tables: the left's phase is the grid, the right's is half a cycle on.
        q_right = np.mod(grid - 0.5, 1.0)
        order = np.argsort(q_right, kind="stable")
        tables = {"left": (grid, x[:4]), "right": (q_right[order], x[4:, order])}
        self._closure_q = grid
        self._closure = {}
        for side in SIDES:
            q, vals = tables[side]
            self._closure[side] = tuple(np.interp(grid, q, _fade(q, v, s), period=1.0) for v in vals)

    def _contact_velocity(self, k: Kinematics, dt: float) -> np.ndarray:
        """Forward velocity of the pelvis that keeps the loaded contact points still (m/s)."""
        s = self.params.stance_fraction
        num = np.zeros_like(k.t)
        den = np.zeros_like(k.t)
        for side in SIDES:
            u = k.phase[side] / s
            along = k.envelope * u + (1 - k.envelope) * 0.5  # standing: still, mid-foot
            ev = k.angles[f"{side}_rearfoot_eversion"]
            lf, fw = 1000 * self.body.foot_length, 1000 * self.body.foot_width
            cx, cy = cop_path(along, ev, lf, fw)
            origin, r_ft = k.frames[f"{side}_foot"]
            hinge_c, r_toe = k.frames[f"{side}_toes"]
            local = self.body.sole_point(side, cy / lf, cx / 1000.0)
            on_toes = (cy / lf > MTP_HINGE)[:, None]
            hinge = self.body.mtp_hinge()
            lab = np.where(on_toes, hinge_c + apply(r_toe, local - hinge), origin + apply(r_ft, local))
            # Velocity of the material point of the sole under the CoP (not of the CoP itself,
            # which travels along a foot that is flat on the floor), on the toes past the hinge.
            sliding = np.where(on_toes, apply(r_toe, np.gradient(local, dt, axis=0)),
                               apply(r_ft, np.gradient(local, dt, axis=0)))  # fmt: skip
            vx = (np.gradient(lab, dt, axis=0) - sliding)[:, 0]
            w = k.envelope * grf_shape(u, s) + (1 - k.envelope) * 0.5
            num += w * vx
            den += w
        return -num / den

    def _calibrate_amplitude(self) -> float:
        """Hip-curve amplitude whose steady walk has the requested speed."""
        T = self.stride_time
        n = 400
        t = self.walk_start + T + np.arange(n) * T / n
        amp = self.params.speed_mps / 1.2
        for i in range(5):
            if i >= 2:  # the closure changes the speed by a few per cent: settle without it first
                self._closure_tables(amp)
            k = self._chain(t, amp, steady=True)
            v = float(np.mean(self._contact_velocity(k, T / n)))
            amp *= self.params.speed_mps / v
        self._closure_tables(amp)
        if not 0.45 <= amp <= 1.8:
            raise GaitError(
                f"{self.params.speed_mps:g} m/s at {self.params.cadence_spm:g} steps/min needs "
                f"{1000 * self.params.speed_mps * 60 / self.params.cadence_spm:.0f} mm steps, "
                "outside what the walker does; change speed or cadence"
            )
        return amp

    def _forward_position(self) -> tuple[np.ndarray, np.ndarray]:
        """Pelvis x on a fine grid: contact points still on the ground (or on the belt)."""
        dt = 1 / 400.0
        t = np.arange(0, self.params.duration_s + 2 * dt, dt)
        v = self._contact_velocity(self._chain(t, self.amplitude), dt)
        if self.params.mode == "treadmill":
            v = v - self.params.speed_mps * self.envelope(t)
        x = np.concatenate([[0.0], np.cumsum((v[1:] + v[:-1]) / 2 * dt)])
        if self.params.mode == "treadmill":
            x -= np.mean(x[t >= self.steady_from]) if np.any(t >= self.steady_from) else x[-1]
        return t, x

    def kinematics(self, t: np.ndarray) -> Kinematics:
        """The model at times `t` (s) in the lab frame, feet on the floor."""
        k = self._chain(t, self.amplitude)
        # The lowest sole point touches the floor; the contact closure makes both feet touch
        # it in double support.
        lift = np.max(np.stack(list(self._supports(k).values())), axis=0)
        shift = np.stack([np.interp(k.t, self._grid_t, self._grid_x), np.zeros_like(k.t), lift], axis=-1)
        k.points = {n: v + shift for n, v in k.points.items()}
        k.frames = {n: (o + shift, r) for n, (o, r) in k.frames.items()}
        return k

    @cached_property
    def frames_kinematics(self) -> Kinematics:
        """The model at the frame times of pose tracks and video."""
        return self.kinematics(self.frame_times)

    def x_range(self) -> tuple[float, float]:
        """Extent of the pelvis's forward travel (m)."""
        return float(self._grid_x.min()), float(self._grid_x.max())

    # ---- outputs (see camera.py, landmarks.py, truth.py, insole.py) ----------------
    def camera(self, view: str = "posterior", size: tuple[int, int] = (640, 480), framing: str = "body") -> Camera:
        """The camera of `view`: framing the whole body, or ("legs") low and near, framing only
        the lower legs and shoes, as running shops film a treadmill from behind."""
        from gait.simulate.camera import camera_for_walk

        return camera_for_walk(self, view, size, framing)

    def posetrack(self, view: str = "posterior", size: tuple[int, int] = (640, 480), noise_px: float = 0.0,
                  dropouts: float = 0.0, swaps: int = 0) -> PoseTrack:  # fmt: skip
        """What an ideal pose estimator reports from this camera, plus noise, dropouts and swaps."""
        from gait.simulate.landmarks import walk_posetrack

        return walk_posetrack(self, view, size, noise_px, dropouts, swaps)

    def truth(self, view: str | None = None, layout: InsoleLayout | None = None, noise_px: float = 0.0,
              dropouts: float = 0.0, swaps: int = 0) -> dict:  # fmt: skip
        """True values in the metrics-JSON vocabulary, events, per-frame angles, and the
        faults that `posetrack` with the same knobs plants."""
        from gait.simulate.truth import walk_truth

        return walk_truth(self, view, layout, noise_px, dropouts, swaps)

    def insole(self, layout: InsoleLayout, rate_hz: float = 100.0, noise_n: float = 0.0) -> InsoleRecording:
        """A pressure-insole recording of this walk on the pose track's clock."""
        from gait.simulate.insole import walk_insole

        return walk_insole(self, layout, rate_hz, noise_n)


def simulate_walk(params: WalkParams | None = None, seed: int = 0) -> Walk:
    """A walk with these knobs; `seed` drives noise, dropouts, swaps and sensor noise."""
    return Walk(params or WalkParams(), seed)
