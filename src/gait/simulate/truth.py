"""The walker's true values, in the metrics-JSON vocabulary, and the geometry that defines them.

The functions `*_from_points` recompute each frontal-plane quantity from 3-D points alone
(hip, knee, ankle, heel markers), the way a perfect motion-capture lab would; the tests check
that they give back the knobs. Per-stride values are taken on a 2 ms grid over the steady
strides (after the one ramp-up stride) and averaged over strides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gait.simulate.insole import foot_loading, sensor_forces
from gait.simulate.landmarks import plan_faults
from gait.simulate.params import SIDES
from gait.simulate.walker import SIDE_SIGN

if TYPE_CHECKING:
    from gait.recording.insole import InsoleLayout
    from gait.simulate.walker import Kinematics, Walk

SCHEMA = "gait.truth/1"
GRID_S = 0.002
EVENTS_DEFINITION = (
    "foot-floor contact, as a force plate sees it: heel_strike = the heel's sole reaches the floor, "
    "toe_off = the toes' sole leaves it. From the first steady stride on the walker's geometry puts "
    "contact at these times (within ~1 mm); the ramp-up stride after standing is approximate."
)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def pelvic_obliquity_from_hips(left_hip: np.ndarray, right_hip: np.ndarray) -> np.ndarray:
    """Angle (deg) of the hip-to-hip line to the horizontal, + = right hip lower."""
    d = left_hip - right_hip
    return np.degrees(np.arcsin(d[..., 2] / np.linalg.norm(d, axis=-1)))


def rearfoot_eversion_from_points(knee: np.ndarray, ankle: np.ndarray, heel_top: np.ndarray,
                                  heel_bottom: np.ndarray, axis: np.ndarray, side: str) -> np.ndarray:  # fmt: skip
    """Calcaneus-to-shank angle (deg, + eversion) in the plane normal to the foot's long axis.

    `axis` is the foot's long (AP) axis, the shank runs ankle->knee and the calcaneal
    bisection heel_bottom->heel_top.
    """
    a = _unit(axis)
    shank = knee - ankle
    calc = heel_top - heel_bottom
    sp = shank - np.sum(shank * a, axis=-1, keepdims=True) * a
    cp = calc - np.sum(calc * a, axis=-1, keepdims=True) * a
    signed = np.arctan2(np.sum(a * np.cross(sp, cp), axis=-1), np.sum(sp * cp, axis=-1))
    return SIDE_SIGN[side] * np.degrees(signed)


def knee_frontal_from_points(hip: np.ndarray, knee: np.ndarray, ankle: np.ndarray, side: str) -> np.ndarray:
    """Frontal-plane projection angle (deg, + valgus: knee medial of the hip-ankle line)."""
    medial = -SIDE_SIGN[side]
    thigh = np.arctan2(medial * (knee[..., 1] - hip[..., 1]), hip[..., 2] - knee[..., 2])
    shank = np.arctan2(medial * (ankle[..., 1] - knee[..., 1]), knee[..., 2] - ankle[..., 2])
    return np.degrees(thigh - shank)


def foot_progression_from_points(heel: np.ndarray, toe: np.ndarray, side: str) -> np.ndarray:
    """Angle (deg) of heel->toe to the walking direction (+x) on the floor, + = toe-out."""
    d = toe - heel
    return np.degrees(np.arctan2(SIDE_SIGN[side] * d[..., 1], d[..., 0]))


def cpei(cop_x: np.ndarray, cop_y: np.ndarray, foot_length_mm: float, foot_width_mm: float) -> float:
    """Centre of Pressure Excursion Index (%), Song et al. 1996 (J Am Podiatr Med Assoc 86:16-23).

    The construction line joins the first and last CoP points of the stance; the excursion is
    the CoP's distance from that line where the path crosses the boundary of the distal third
    of the foot (2/3 of foot length), + lateral, as a percentage of foot width.
    """
    x, y = np.asarray(cop_x, float), np.asarray(cop_y, float)
    y_cut = 2.0 / 3.0 * foot_length_mm
    i = int(np.argmax(y >= y_cut))
    f = (y_cut - y[i - 1]) / (y[i] - y[i - 1])
    cx = x[i - 1] + f * (x[i] - x[i - 1])
    line = np.array([x[-1] - x[0], y[-1] - y[0]])
    rel = np.array([cx - x[0], y_cut - y[0]])
    lateral = -(line[0] * rel[1] - line[1] * rel[0]) / np.hypot(*line)
    return float(100.0 * lateral / foot_width_mm)


def _strides(walk: Walk, side: str) -> list[tuple[float, float]]:
    """(heel strike, next heel strike) of that side's steady strides within the walk."""
    hs = [t for t in walk.events()[side]["heel_strike"] if t >= walk.steady_from - 1e-5]
    return list(zip(hs[:-1], hs[1:]))


def _fine(walk: Walk) -> Kinematics:
    t = np.arange(0.0, walk.params.duration_s, GRID_S)
    return walk.kinematics(t)


def _per_stride(k: Kinematics, strides: list[tuple[float, float]], values: np.ndarray, window: tuple[float, float],
                reduce: str) -> float | None:  # fmt: skip
    """Mean over strides of max/mean of `values` within a phase window of each stride."""
    out = []
    for t0, t1 in strides:
        u = (k.t - t0) / (t1 - t0)
        sel = (u >= window[0]) & (u < window[1])
        if sel.any():
            out.append(np.max(values[sel]) if reduce == "max" else np.mean(values[sel]))
    return round(float(np.mean(out)), 4) if out else None


def frame_angles(walk: Walk, k: Kinematics) -> dict:
    """Per-frame true angles at the kinematics' times (deg), recomputed from the points."""
    pts = k.points
    out: dict = {
        "t": np.round(k.t, 6).tolist(),
        # + 0.0 turns a -0.0 left by floating-point noise into 0.0 (byte-stable JSON)
        "pelvic_obliquity_deg": (np.round(pelvic_obliquity_from_hips(pts["left_hip"], pts["right_hip"]), 4)
                                 + 0.0).tolist(),
    }
    per_side: dict[str, dict[str, list]] = {}
    for side in SIDES:
        ax = pts[f"{side}_eversion_axis_front"] - pts[f"{side}_eversion_axis_back"]
        per_side[side] = {
            "rearfoot_eversion_deg": rearfoot_eversion_from_points(
                pts[f"{side}_knee"], pts[f"{side}_ankle"], pts[f"{side}_heel_axis_top"],
                pts[f"{side}_heel_axis_bottom"], ax, side),
            "knee_frontal_deg": knee_frontal_from_points(
                pts[f"{side}_hip"], pts[f"{side}_knee"], pts[f"{side}_ankle"], side),
            "foot_progression_deg": foot_progression_from_points(pts[f"{side}_heel"], pts[f"{side}_foot_index"], side),
            "hip_flexion_deg": k.angles[f"{side}_hip_flexion"],
            "knee_flexion_deg": k.angles[f"{side}_knee_flexion"],
            "ankle_dorsiflexion_deg": k.angles[f"{side}_ankle_dorsiflexion"],
        }  # fmt: skip
    for key in per_side["left"]:
        out[key] = {side: (np.round(per_side[side][key], 4) + 0.0).tolist() for side in SIDES}
    out["stance"] = {side: k.stance(side).astype(int).tolist() for side in SIDES}
    return out


def walk_truth(walk: Walk, view: str | None, layout: InsoleLayout | None, noise_px: float = 0.0,
               dropouts: float = 0.0, swaps: int = 0) -> dict:  # fmt: skip
    """Everything true about `walk` (see module docstring); JSON-ready."""
    p, body = walk.params, walk.body
    s = p.stance_fraction
    k = _fine(walk)
    pts = k.points
    strides = {side: _strides(walk, side) for side in SIDES}
    obl = pelvic_obliquity_from_hips(pts["left_hip"], pts["right_hip"]) - body.static_obliquity_deg
    single = (s - 0.5, 0.5)  # single-limb stance, from opposite toe off to opposite heel strike
    eversion, knee_frontal, progression, drop = {}, {}, {}, {}
    for side in SIDES:
        ax = pts[f"{side}_eversion_axis_front"] - pts[f"{side}_eversion_axis_back"]
        ev = rearfoot_eversion_from_points(pts[f"{side}_knee"], pts[f"{side}_ankle"], pts[f"{side}_heel_axis_top"],
                                           pts[f"{side}_heel_axis_bottom"], ax, side)  # fmt: skip
        eversion[side] = {"peak": _per_stride(k, strides[side], ev, (0, s), "max"),
                          "mean_stance": _per_stride(k, strides[side], ev, (0, s), "mean")}  # fmt: skip
        kf = knee_frontal_from_points(pts[f"{side}_hip"], pts[f"{side}_knee"], pts[f"{side}_ankle"], side)
        knee_frontal[side] = _per_stride(k, strides[side], kf, (0, s), "max")
        fp = foot_progression_from_points(pts[f"{side}_heel"], pts[f"{side}_foot_index"], side)
        progression[side] = _per_stride(k, strides[side], fp, (0.15, 0.40), "mean")  # foot flat
        swing_lower = obl if side == "left" else -obl
        drop[f"{side}_stance"] = _per_stride(k, strides[side], swing_lower, single, "max")
    truth: dict = {
        "schema": SCHEMA,
        "view": view,
        "duration_s": p.duration_s,
        "strides": {side: len(strides[side]) for side in SIDES},
        "cadence_spm": p.cadence_spm,
        "stride_time_s": {side: round(walk.stride_time, 6) for side in SIDES},
        "stance_fraction": {side: s for side in SIDES},
        "rearfoot_eversion_deg": eversion,
        "pelvic_drop_deg": drop,
        "foot_progression_deg": progression,
        "knee_frontal_deg": knee_frontal,
        "leg_length_difference_mm": round(body.leg_length_difference_mm, 3),
        "pressure": pressure_truth(walk, strides, layout),
        "hip_internal_rotation_deg": {side: p.side(side).hip_internal_rotation_deg for side in SIDES},
        "static_pelvic_obliquity_deg": round(body.static_obliquity_deg, 4),
        "speed_mps": p.speed_mps,
        "mode": p.mode,
        "standing_s": [0.0, p.standing_s],
        "steady_from_s": round(walk.steady_from, 6),
        "events": walk.events(),
        "events_definition": EVENTS_DEFINITION,
        "params": p.to_json(),
        "seed": walk.seed,
    }
    faults = plan_faults(len(walk.frame_times), dropouts, swaps, walk.seed)
    truth["track"] = {"fps": p.fps, "noise_px": noise_px, "dropped_frames": faults.dropped.tolist(),
                      "swapped_frames": faults.swapped.tolist()}  # fmt: skip
    truth["frames"] = frame_angles(walk, walk.frames_kinematics)
    return truth


def _mean(values: list[float]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def pressure_truth(walk: Walk, strides: dict[str, list[tuple[float, float]]], layout: InsoleLayout | None) -> dict:
    """CPEI of the model's CoP path; with a layout also what ideal sensors of it give."""
    lf, fw = 1000 * walk.body.foot_length, 1000 * walk.body.foot_width
    s = walk.params.stance_fraction
    out: dict = {"cpei_pct": {}, "peak_force_n": {}, "stance_time_s": {}, "foot_length_mm": round(lf, 2),
                 "foot_width_mm": round(fw, 2)}  # fmt: skip
    if layout is not None:
        out["cpei_pct_sensors"], out["medial_load_fraction"] = {}, {}
    for side in SIDES:
        cpeis, sensor_cpeis, peaks, medial, total = [], [], [], 0.0, 0.0
        for t0, t1 in strides[side]:
            t = np.arange(t0 + GRID_S / 2, t0 + s * (t1 - t0), GRID_S)  # strictly inside stance
            force, x, y = foot_loading(walk, t)[side]
            cpeis.append(cpei(x, y, lf, fw))
            peaks.append(force.max())
            if layout is not None:
                sensors = getattr(layout, side) * (lf / layout.foot_length_mm)
                f = sensor_forces(force, x, y, sensors, lf)
                loaded = f.sum(axis=1) > 0.05 * force.max()
                sx = (f @ sensors[:, 0])[loaded] / f.sum(axis=1)[loaded]
                sy = (f @ sensors[:, 1])[loaded] / f.sum(axis=1)[loaded]
                sensor_cpeis.append(cpei(sx, sy, lf, fw))
                medial += f[:, sensors[:, 0] < 0].sum()
                total += f.sum()
        out["cpei_pct"][side] = _mean(cpeis)
        out["peak_force_n"][side] = _mean(peaks)
        out["stance_time_s"][side] = round(s * walk.stride_time, 6)
        if layout is not None:
            out["cpei_pct_sensors"][side] = _mean(sensor_cpeis)
            out["medial_load_fraction"][side] = round(medial / total, 4) if total else None
    return out
