"""The synthetic walker: its truth recomputed from its own geometry, its outputs in the
contracts, and its rendered video found by MediaPipe."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from gait import landmarks as lm
from gait.capture.video import VideoFile
from gait.cli import main
from gait.errors import GaitError
from gait.recording.insole import read_insole_csv, write_insole_csv
from gait.recording.posetrack import load_posetrack, save_posetrack
from gait.simulate import SideParams, WalkParams, simulate_walk
from gait.simulate.insole import insole_layout
from gait.simulate.render import render_frames, render_video
from gait.simulate.samples import write_session
from gait.simulate.truth import (
    foot_progression_from_points,
    pelvic_obliquity_from_hips,
    rearfoot_eversion_from_points,
)

PATHOLOGY = WalkParams(
    duration_s=6.0,
    leg_length_diff_mm=-15.0,
    left=SideParams(pelvic_drop_deg=9.0),
    right=SideParams(eversion_peak_deg=14.0, hip_internal_rotation_deg=10.0, pelvic_drop_deg=3.0),
)


@pytest.fixture(scope="module")
def walk():
    return simulate_walk(PATHOLOGY, seed=4)


@pytest.fixture(scope="module")
def fine(walk):
    return walk.kinematics(np.arange(0, walk.params.duration_s, 0.002))


def stride_windows(walk, side, start, stop):
    """(t0, t1) of each steady stride's phase window [start, stop) for that side."""
    hs = [t for t in walk.events()[side]["heel_strike"] if t >= walk.steady_from - 1e-5]
    T = walk.stride_time
    return [(t + start * T, t + stop * T) for t in hs[:-1]]


def test_pelvic_drop_from_hip_landmarks_matches_knobs(walk, fine):
    obl = pelvic_obliquity_from_hips(fine.points["left_hip"], fine.points["right_hip"])
    level = obl[fine.t < walk.params.standing_s].mean()  # the standing reference
    assert level == pytest.approx(walk.truth()["static_pelvic_obliquity_deg"], abs=1e-3)
    single = (walk.params.stance_fraction - 0.5, 0.5)
    for side, sign, knob in (("left", 1, 9.0), ("right", -1, 3.0)):
        for t0, t1 in stride_windows(walk, side, *single):
            sel = (fine.t >= t0) & (fine.t < t1)
            assert (sign * (obl[sel] - level)).max() == pytest.approx(knob, abs=0.2)
    # The same from the 30 fps pose track's world landmarks (posterior: y down, x = subject's right).
    track = walk.posetrack("posterior")
    d = track.world[:, lm.LEFT_HIP] - track.world[:, lm.RIGHT_HIP]
    obl_track = np.degrees(np.arcsin(-d[:, 1] / np.linalg.norm(d, axis=1)))
    level_track = obl_track[track.t < walk.params.standing_s].mean()
    for t0, t1 in stride_windows(walk, "left", *single):
        sel = (track.t >= t0) & (track.t < t1)
        assert (obl_track[sel] - level_track).max() == pytest.approx(9.0, abs=0.2)
    truth = walk.truth()
    assert truth["pelvic_drop_deg"] == pytest.approx({"left_stance": 9.0, "right_stance": 3.0}, abs=0.01)


def test_rearfoot_eversion_from_knee_ankle_heel_axis(walk, fine):
    p = fine.points
    for side, knob in (("left", 6.0), ("right", 14.0)):
        axis = p[f"{side}_eversion_axis_front"] - p[f"{side}_eversion_axis_back"]
        ev = rearfoot_eversion_from_points(p[f"{side}_knee"], p[f"{side}_ankle"], p[f"{side}_heel_axis_top"],
                                           p[f"{side}_heel_axis_bottom"], axis, side)  # fmt: skip
        np.testing.assert_allclose(ev, walk.eversion(fine.t)[side], atol=1e-6)
        for t0, t1 in stride_windows(walk, side, 0.0, walk.params.stance_fraction):
            sel = (fine.t >= t0) & (fine.t < t1)
            assert ev[sel].max() == pytest.approx(knob, abs=0.05)
        assert walk.truth()["rearfoot_eversion_deg"][side]["peak"] == pytest.approx(knob, abs=0.05)
    # The heel landmark swings laterally with eversion (it sits below the eversion axis).
    lateral = -(p["right_heel"] - p["right_eversion_axis_back"])[:, 1]
    ev = walk.eversion(fine.t)["right"]
    assert np.corrcoef(lateral, ev)[0, 1] > 0.5


def test_leg_rotation_and_toe_out_set_foot_progression(walk, fine):
    truth = walk.truth()
    assert truth["foot_progression_deg"]["left"] == pytest.approx(7.0, abs=1.0)
    assert truth["foot_progression_deg"]["right"] == pytest.approx(7.0 - 10.0, abs=1.0)
    fpa = foot_progression_from_points(fine.points["right_heel"], fine.points["right_foot_index"], "right")
    assert fpa[fine.t < walk.params.standing_s].mean() == pytest.approx(-3.0, abs=1.0)
    assert truth["knee_frontal_deg"]["right"] > truth["knee_frontal_deg"]["left"] + 3.0


def test_leg_length_difference_from_segments_and_standing_pose(walk, fine):
    b = walk.body
    lld = 1000 * ((b.thigh["right"] + b.shank["right"]) - (b.thigh["left"] + b.shank["left"]))
    assert lld == pytest.approx(-15.0, abs=1e-9)
    assert walk.truth()["leg_length_difference_mm"] == pytest.approx(-15.0, abs=1e-6)
    standing = fine.t < walk.params.standing_s
    dz = fine.points["right_hip"][standing, 2] - fine.points["left_hip"][standing, 2]
    assert 1000 * dz.mean() == pytest.approx(-15.0, abs=0.5)
    for side in ("left", "right"):  # both shoes on the floor
        names = ("sole_heel_medial", "sole_heel_lateral", "sole_mtp1", "sole_mtp5")
        low = np.min([fine.points[f"{side}_{n}"][standing, 2] for n in names], axis=0)
        assert np.abs(low).max() < 3e-3  # a rigid foot everted by half its peak rocks a little


def test_events_fall_where_the_cycle_says(walk, fine):
    ev = walk.events()
    T, s = walk.stride_time, walk.params.stance_fraction
    hs_l, hs_r = np.array(ev["left"]["heel_strike"]), np.array(ev["right"]["heel_strike"])
    np.testing.assert_allclose(np.diff(hs_l), T, atol=1e-5)
    np.testing.assert_allclose((hs_r[1:] - hs_l[: len(hs_r) - 1])[:3], T / 2, atol=1e-5)
    to_l = np.array(ev["left"]["toe_off"])
    np.testing.assert_allclose(to_l[1:3] - hs_l[:2], s * T, atol=1e-5)
    k = walk.kinematics(np.array([t for t in hs_l if t > walk.steady_from]))
    assert np.all(k.points["left_sole_heel_back"][:, 2] < 0.025)  # heel at the floor
    assert np.all(k.points["left_sole_toe"][:, 2] > 0.05)  # toes up
    k = walk.kinematics(np.array([t for t in to_l if t > walk.steady_from]))
    assert np.all(k.points["left_sole_mtp1"][:, 2] < 0.06) and np.all(k.points["left_sole_heel_back"][:, 2] > 0.15)
    # Loaded in mid-stance, clear of the floor in mid-swing.
    low = np.min([fine.points[f"left_{n}"][:, 2] for n in ("sole_heel_medial", "sole_mtp1", "sole_mtp5")], axis=0)
    for window, test in (((0.15, 0.30), lambda z: z.min() < 0.003), ((0.72, 0.82), lambda z: z.min() > 0.02)):
        for t0, t1 in stride_windows(walk, "left", *window):
            assert test(low[(fine.t >= t0) & (fine.t < t1)])


def test_contact_is_geometric_and_on_the_declared_events(walk, fine):
    """Heel sole on the floor at heel strike, both feet down in double support, the heel rising
    over flat toes in terminal stance, the toes leaving at toe off, nothing below the floor,
    toe clearance in mid-swing of the order of Winter 1992 (1.29 +- 0.45 cm)."""
    ev, T, s = walk.events(), walk.stride_time, walk.params.stance_fraction
    p = fine.points
    everything = [n for n in walk.body.foot_points("left") if n != "heel_axis_top"]
    for side in ("left", "right"):
        low = np.min([p[f"{side}_{n}"][:, 2] for n in everything], axis=0)
        heel_points = ("heel_axis_bottom", "sole_heel_medial", "sole_heel_lateral")
        heel = np.min([p[f"{side}_{n}"][:, 2] for n in heel_points], axis=0)
        toes = np.min([p[f"{side}_{n}"][:, 2] for n in ("sole_toe", "sole_hallux")], axis=0)
        assert low.min() > -1e-6  # no point of the foot below the floor
        hs = np.array([t for t in ev[side]["heel_strike"] if t > walk.steady_from + 0.01 and t < fine.t[-1] - 0.1])
        to = np.array([t for t in ev[side]["toe_off"] if t > walk.steady_from + 0.01 and t < fine.t[-1] - 0.1])
        at = lambda times, shift=0.0: np.searchsorted(fine.t, times + shift)  # noqa: E731
        assert np.all(heel[at(hs)] < 0.003) and np.all(heel[at(hs, -0.03)] > heel[at(hs)])  # lands at heel strike
        assert np.all(toes[at(to)] < 0.002) and np.all(toes[at(to, 0.03)] > 0.004)  # leaves at toe off
        for t in to:  # terminal stance: heel up, toes flat on the floor
            sel = (fine.t > t - 0.15 * T) & (fine.t < t - 0.05 * T)
            assert heel[sel].min() > 0.01 and toes[sel].max() < 0.003
        for t in hs:  # whole stance on the floor, mid-swing clear by 1-3 cm
            stance = (fine.t >= t) & (fine.t <= t + s * T)
            assert low[stance].max() < 0.004
            swing = (fine.t > t - 0.3 * T) & (fine.t < t - 0.1 * T)
            if swing.any() and fine.t[swing][0] > walk.steady_from:
                assert 0.01 < low[swing].min() < 0.03


def test_insole_force_cop_and_cpei():
    layout = insole_layout(16)
    cpei, sensor_cpei, medial = [], [], []
    for peak in (2.0, 6.0, 10.0, 14.0, 20.0):
        walk = simulate_walk(WalkParams(duration_s=5.0, right=SideParams(eversion_peak_deg=peak)))
        p = walk.truth(layout=layout)["pressure"]
        cpei.append(p["cpei_pct"]["right"])
        sensor_cpei.append(p["cpei_pct_sensors"]["right"])
        medial.append(p["medial_load_fraction"]["right"])
    assert np.all(np.diff(cpei) < 0) and np.all(np.diff(sensor_cpei) < 0) and np.all(np.diff(medial) > 0)
    assert 15 < cpei[1] < 23  # normal feet ~18-21 % (Song et al. 1996)

    walk = simulate_walk(WalkParams(duration_s=5.0), seed=2)
    rec = walk.insole(insole_layout(8), 100.0)
    weight = walk.params.mass_kg * 9.81
    steady = rec.t >= walk.steady_from
    total = rec.left.sum(axis=1) + rec.right.sum(axis=1)
    assert total[steady].mean() == pytest.approx(weight, rel=0.03)
    assert 1.05 * weight < rec.left.sum(axis=1).max() < 1.25 * weight
    assert total[rec.t < walk.params.standing_s] == pytest.approx(weight, abs=0.01)
    k = walk.kinematics(rec.t)
    assert np.all(rec.left.sum(axis=1)[~k.stance("left") & steady] < 1e-6)  # nothing in swing
    cop_y = rec.left @ rec.layout.left[:, 1] / np.maximum(rec.left.sum(axis=1), 1e-9)
    t0 = [t for t in walk.events()["left"]["heel_strike"] if t >= walk.steady_from][0]
    stance = (rec.t > t0) & (rec.t < t0 + 0.6 * walk.stride_time)
    assert np.corrcoef(rec.t[stance], cop_y[stance])[0, 1] > 0.95  # heel to toe


def test_outputs_follow_the_contracts(tmp_path, walk):
    clean = walk.posetrack("posterior", (640, 480))
    track = walk.posetrack("posterior", (640, 480), noise_px=1.0, dropouts=0.05, swaps=3)
    truth = walk.truth("posterior", noise_px=1.0, dropouts=0.05, swaps=3)
    assert len(track) == round(walk.params.duration_s * walk.params.fps) and track.t[0] == 0.0
    dropped, swapped = truth["track"]["dropped_frames"], truth["track"]["swapped_frames"]
    assert len(dropped) >= 0.05 * len(track) and len(swapped) >= 3
    assert np.all(~track.detected[dropped]) and np.all(track.visibility[dropped] == 0)
    assert track.detected.sum() == len(track) - len(dropped)
    err = track.pixels[swapped] - clean.pixels[swapped][:, lm.MIRROR]
    assert np.abs(err).max() < 8
    ok = np.setdiff1d(np.flatnonzero(track.detected), swapped)
    assert np.std(track.pixels[ok] - clean.pixels[ok]) == pytest.approx(1.0, rel=0.1)
    back = load_posetrack(save_posetrack(track, tmp_path / "pose.npz"))
    np.testing.assert_array_equal(back.image, track.image)
    rec = walk.insole(insole_layout(8), 100.0, noise_n=0.5)
    again = read_insole_csv(write_insole_csv(rec, tmp_path / "insole.csv"))
    assert again.layout is not None and again.left.shape == (len(rec), 8)
    assert rec.t[-1] < clean.t[-1] + 0.04  # one clock
    json.dumps(truth)


def test_world_and_image_axes_per_view(walk):
    post, ant = walk.posetrack("posterior"), walk.posetrack("anterior")
    side = walk.posetrack("left")
    assert np.all(post.world[:, lm.RIGHT_HIP, 0] > post.world[:, lm.LEFT_HIP, 0])  # subject's right = image right
    assert np.all(ant.world[:, lm.LEFT_HIP, 0] > ant.world[:, lm.RIGHT_HIP, 0])
    assert np.all(post.world[:, lm.NOSE, 1] < -0.4)  # y down: the head is up
    assert np.all(post.image[:, lm.NOSE, 1] < post.image[:, lm.LEFT_ANKLE, 1])
    np.testing.assert_allclose(post.world[:, [lm.LEFT_HIP, lm.RIGHT_HIP]].mean(axis=1), 0, atol=1e-6)
    # Seen from the left the subject walks toward image left; the near (left) heel is nearer.
    assert np.all(side.pixels[:, lm.LEFT_FOOT_INDEX, 0] < side.pixels[:, lm.LEFT_HEEL, 0])
    assert np.all(side.image[:, lm.LEFT_HIP, 2] < side.image[:, lm.RIGHT_HIP, 2])
    for mode, view in (("away", "posterior"), ("toward", "anterior")):
        w = simulate_walk(WalkParams(mode=mode, duration_s=4.0))
        tr = w.posetrack(view)
        assert np.isfinite(tr.image).all() and 0 < tr.pixels[..., 1].min() and tr.pixels[..., 1].max() < 480
        height = tr.pixels[:, lm.LEFT_HEEL, 1] - tr.pixels[:, lm.NOSE, 1]
        assert (height[-1] < height[0]) == (mode == "away")
    with pytest.raises(GaitError):
        simulate_walk(WalkParams(mode="away")).posetrack("anterior")


def test_deterministic_session(tmp_path):
    params = WalkParams(duration_s=3.0, standing_s=1.0, right=SideParams(eversion_peak_deg=12.0))
    a = write_session(simulate_walk(params, 7), tmp_path / "a", video=False, insole_noise_n=0.5, pose=True)
    b = write_session(simulate_walk(params, 7), tmp_path / "b", video=False, insole_noise_n=0.5, pose=True)
    for name in ("truth.json", "insole.csv", "insole_layout.json", "session.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    np.testing.assert_array_equal(load_posetrack(a / "pose.npz").image, load_posetrack(b / "pose.npz").image)
    info = json.loads((a / "session.json").read_text())
    assert info["schema"] == "gait.session/1" and info["camera"]["kind"] == "synthetic"


def test_rendered_video_is_found_by_mediapipe(tmp_path):
    mp_pose = pytest.importorskip("mediapipe").solutions.pose
    walk = simulate_walk(WalkParams(duration_s=1.5, standing_s=0.3, right=SideParams(eversion_peak_deg=14)))
    size = (480, 360)
    path = render_video(walk, tmp_path / "walk.mp4", "posterior", size)
    frames = [frame.image for frame in VideoFile(path)]
    assert len(frames) == len(walk.frame_times) and frames[0].shape == (360, 480, 3)
    truth = walk.posetrack("posterior", size).pixels
    found = np.full(truth.shape, np.nan)
    with mp_pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        for i, frame in enumerate(frames):
            res = pose.process(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
            if res.pose_landmarks:
                found[i] = [(p.x * size[0], p.y * size[1]) for p in res.pose_landmarks.landmark]
    detected = ~np.isnan(found[:, 0, 0])
    assert detected.mean() >= 0.9
    err = np.linalg.norm(found - truth, axis=-1)[detected]
    for joints, limit in (((23, 24), 10), ((25, 26), 12), ((27, 28), 12), ((29, 30), 15)):
        assert np.median(err[:, joints]) < limit


def test_render_speed_and_look():
    walk = simulate_walk(WalkParams(duration_s=1.0, standing_s=0.3))
    import time

    start = time.perf_counter()
    frame = render_frames(walk, "anterior", (960, 540), range(20, 21))[0]
    assert time.perf_counter() - start < 1.0  # includes the one-off background
    assert frame.shape == (540, 960, 3) and frame.std() > 20


def test_cli_writes_a_session_and_reports_errors(tmp_path, capsys):
    out = tmp_path / "sim"
    assert main(["simulate", "-o", str(out), "--duration", "5", "--insole", "8", "--eversion-right", "14",
                 "--swaps", "2", "--noise-px", "1"]) == 0  # fmt: skip
    truth = json.loads((out / "truth.json").read_text())
    assert truth["rearfoot_eversion_deg"]["right"]["peak"] == pytest.approx(14.0, abs=0.05)
    assert len(load_posetrack(out / "pose.npz")) == 150 and (out / "insole_layout.json").is_file()
    assert main(["simulate", "-o", str(out), "--mode", "toward"]) == 1
    assert main(["simulate", "-o", str(out), "--cadence", "300"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("gait: error: cadence")


def test_a_capsules_screen_box_holds_every_pixel_it_covers():
    """`_screen_box` boxes a capsule by its two end spheres: every ray that hits the capsule,
    cast over the whole frame, lies inside the box, and the box is tighter than the bounding
    sphere's for a limb."""
    from gait.simulate.mannequin import capsule
    from gait.simulate.render import _INTERSECT, Renderer, _screen_box

    walk = simulate_walk(WalkParams(duration_s=1.0, standing_s=0.0), seed=1)
    renderer = Renderer(walk, walk.camera("posterior", (320, 240), "legs"))
    cam, rng = renderer.camera, np.random.default_rng(4)
    centre = cam.position + 0.9 * cam.rotation[2]  # in front of the lens
    for _ in range(20):
        a, b = centre + rng.uniform(-0.25, 0.25, 3), centre + rng.uniform(-0.25, 0.25, 3)
        shape = capsule(a, b, float(rng.uniform(0.01, 0.06)), (0, 0, 0))
        t, _ = _INTERSECT["capsule"](shape, renderer.rays.reshape(-1, 3), cam.rotation, cam.position)
        v, u = np.nonzero(np.isfinite(t).reshape(240, 320))
        box = _screen_box(shape, cam)
        if box is None:
            continue
        u0, u1, v0, v1 = box
        assert u.size == 0 or (u0 <= u.min() and u.max() < u1 and v0 <= v.min() and v.max() < v1)
