"""The metrics dict's contract, null-with-reason where a view cannot support a value, tables."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from gait import landmarks as lm
from gait.analysis.events import from_contacts
from gait.analysis.metrics import NEEDS_TRUE_LANDMARKS, SCHEMA, analyze_track
from gait.findings.lookup import lookup, missing_reason
from gait.recording.posetrack import PoseTrack
from gait.simulate import WalkParams, simulate_walk

CONTRACT = ("schema", "view", "duration_s", "strides", "cadence_spm", "stride_time_s", "stance_fraction",
            "rearfoot_eversion_deg", "pelvic_drop_deg", "foot_progression_deg", "knee_frontal_deg",
            "leg_length_difference_mm", "pressure", "findings")  # fmt: skip


@pytest.fixture(scope="module")
def walk():
    return simulate_walk(WalkParams(duration_s=10.0, leg_length_diff_mm=10.0), seed=11)


@pytest.mark.parametrize("view", ["posterior", "anterior", "left", "right"])
def test_every_contract_key_is_present_and_json_clean(walk, view):
    m = analyze_track(walk.posetrack(view, noise_px=1.0), landmarks="true").metrics()
    assert all(k in m for k in CONTRACT)
    assert m["schema"] == SCHEMA and m["view"] == view
    assert m["pressure"] is None and m["findings"] == []
    text = json.dumps(m, allow_nan=False)  # no NaN anywhere
    assert json.loads(text) == m
    assert set(m["strides"]) == {"left", "right"}
    for key in ("stride_time_s", "stance_fraction"):
        assert set(m[key]) == {"left", "right"}
    # every null contract value has a reason
    for key in CONTRACT:
        if m[key] is None and key not in ("pressure",):
            assert key in m["missing"], key


def test_feet_out_of_the_picture_are_not_measured_and_it_says_so(walk):
    """Framed too high: the pose model still places ankles and heels, below the picture, where
    it guesses them. Those guesses are no measurement: what rests on the feet is null and says
    the feet were out of the picture; what rests on the hips and knees is still measured."""
    track = walk.posetrack("posterior")
    image = track.image.copy()
    image[:, :, 1] += 0.2  # the camera tilted up: the feet leave the bottom of the picture
    assert (image[:, lm.LEG_ENDS, 1] > 1).all() and (image[:, [lm.LEFT_KNEE, lm.RIGHT_KNEE], 1] < 1).all()
    truth = walk.events()
    contacts = from_contacts({s: truth[s]["heel_strike"] for s in truth}, {s: truth[s]["toe_off"] for s in truth}, "insole")
    m = analyze_track(replace(track, image=image), contacts=contacts, landmarks="true").metrics()
    assert min(m["strides"].values()) >= 3 and m["cadence_spm"] is not None
    assert m["rearfoot_eversion_deg"]["left"] == {"peak": None, "mean_stance": None}
    for key in ("rearfoot_eversion_deg", "knee_frontal_deg"):
        assert not any(m[key][s] if key == "knee_frontal_deg" else m[key][s]["peak"] for s in ("left", "right"))
        assert "feet were in the picture in 0% of the frames" in m["missing"][key]


def test_a_side_with_values_in_too_few_strides_says_so(walk):
    """The left foot leaves the picture after two strides (as a walk away from the camera reads
    the heel only in its nearer strides): its rearfoot and knee peaks are null, each with how
    many strides held a value; the right side, seen throughout, is measured."""
    track = walk.posetrack("posterior")
    truth = walk.events()
    contacts = from_contacts({s: truth[s]["heel_strike"] for s in truth}, {s: truth[s]["toe_off"] for s in truth}, "insole")
    cut = np.asarray(truth["left"]["heel_strike"])[2]  # after two left strides
    image = track.image.copy()
    image[np.ix_(track.t >= cut, [lm.LEFT_ANKLE, lm.LEFT_HEEL, lm.LEFT_FOOT_INDEX], [1])] = 1.5
    m = analyze_track(replace(track, image=image), contacts=contacts, landmarks="true").metrics()
    assert m["strides"]["left"] >= 3
    assert m["rearfoot_eversion_deg"]["left"]["peak"] is None and m["rearfoot_eversion_deg"]["right"]["peak"] is not None
    assert m["knee_frontal_deg"]["left"] is None and m["knee_frontal_deg"]["right"] is not None
    for key in ("rearfoot_eversion_deg.left", "knee_frontal_deg.left"):
        assert m["missing"][key].startswith(f"left: at most 2 of {m['strides']['left']} valid strides held a value"), m["missing"]
    assert not any(k.endswith(".right") for k in m["missing"])
    assert missing_reason(m, "rearfoot_eversion_deg.left.peak") == m["missing"]["rearfoot_eversion_deg.left"]  # the report's


def test_a_landmark_out_of_the_picture_does_not_steer_the_swap_repair(walk):
    """The left heel alone leaves the picture half way (the pose model's guess far below it):
    it counts as missing from there, and the left/right repair does not exchange the legs to
    follow the guess (it had exchanged them in every frame after, the right heel read as left)."""
    track = walk.posetrack("posterior")
    cut = track.t[len(track) // 2]
    image = track.image.copy()
    image[track.t >= cut, lm.LEFT_HEEL, 1] = 1.5
    L = analyze_track(replace(track, image=image), landmarks="true").landmarks
    after = L.t >= cut + 0.1
    assert L.swaps_repaired == 0
    assert np.isnan(L.world[after, lm.LEFT_HEEL]).all() and np.isfinite(L.world[after, lm.RIGHT_HEEL]).all()
    assert np.isfinite(L.world[after, lm.LEFT_ANKLE]).all()


def test_one_side_with_too_few_strides_says_so_where_its_values_are(walk):
    """Two right strides only (two right heel strikes unrecorded, so the strides over them are
    too long): each right value is null, and its reason sits at the value's own path (pelvic
    drop goes by stance leg), where the report looks it up."""
    track = walk.posetrack("posterior")
    truth = walk.events()
    heel = {s: np.asarray(truth[s]["heel_strike"]) for s in truth}
    heel["right"] = np.delete(heel["right"], [2, 4])
    m = analyze_track(track, contacts=from_contacts(heel, {s: truth[s]["toe_off"] for s in truth}, "insole"),
                      landmarks="true").metrics()  # fmt: skip
    assert m["strides"]["right"] == 2 and m["strides"]["left"] >= 3
    for path in ("pelvic_drop_deg.right_stance", "rearfoot_eversion_deg.right.peak", "knee_frontal_deg.right"):
        assert lookup(m, path) is None and missing_reason(m, path) == "fewer than 3 valid strides (right 2)", path
    assert m["pelvic_drop_deg"]["left_stance"] is not None


@pytest.mark.parametrize("view", ["left", "right"])
def test_side_views_give_no_frontal_plane_values_and_say_why(walk, view):
    m = analyze_track(walk.posetrack(view), landmarks="true").metrics()
    for key in ("rearfoot_eversion_deg", "pelvic_drop_deg", "knee_frontal_deg", "leg_length_difference_mm"):
        assert m[key] is None
        assert view in m["missing"][key]
    assert m["cadence_spm"] is not None and m["foot_progression_deg"] is not None


def test_anterior_view_gives_no_rearfoot(walk):
    m = analyze_track(walk.posetrack("anterior"), landmarks="true").metrics()
    assert m["rearfoot_eversion_deg"] is None
    assert "posterior" in m["missing"]["rearfoot_eversion_deg"]
    assert m["pelvic_drop_deg"] is not None and m["leg_length_difference_mm"] is not None


def test_without_a_standing_phase_leg_length_is_null_and_drop_uses_the_ankle_line():
    w = simulate_walk(WalkParams(duration_s=10.0, standing_s=0.0), seed=2)
    m = analyze_track(w.posetrack("posterior", noise_px=1.0), landmarks="true").metrics()
    assert m["leg_length_difference_mm"] is None
    assert "standing" in m["missing"]["leg_length_difference_mm"]
    assert m["pelvis"]["reference"] == "ankle_line"
    truth = w.truth("posterior")["pelvic_drop_deg"]
    for k in ("left_stance", "right_stance"):
        assert m["pelvic_drop_deg"][k] == pytest.approx(truth[k], abs=1.0)


def test_standing_phase_is_found(walk):
    m = analyze_track(walk.posetrack("posterior", noise_px=1.0), landmarks="true").metrics()
    start, end = m["pelvis"]["standing_s"]
    assert start == pytest.approx(0.0, abs=0.05)
    # The walk's first ramp-up motions stay below the stillness tolerance (3 % of leg length)
    # for a few frames, so the phase may end a little after the walker's declared standing;
    # its effect on the reference is covered by the pelvic-drop and leg-length accuracy tests.
    assert 1.0 <= end <= walk.params.standing_s + 0.25


def test_too_short_a_walk_reports_missing_not_a_guess():
    w = simulate_walk(WalkParams(duration_s=5.0, standing_s=2.0), seed=4)
    m = analyze_track(w.posetrack("posterior", noise_px=1.0), landmarks="true").metrics()
    assert min(m["strides"].values()) < 3
    assert m["cadence_spm"] is None and "fewer than 3" in m["missing"]["cadence_spm"]
    json.dumps(m, allow_nan=False)


def test_an_empty_track_does_not_crash():
    track = PoseTrack.empty(90, (640, 480), 30.0).with_view("posterior")
    m = analyze_track(track, landmarks="true").metrics()
    assert m["strides"] == {"left": 0, "right": 0}
    assert m["cadence_spm"] is None and m["rearfoot_eversion_deg"] is None or "rearfoot_eversion_deg" in m["missing"]
    json.dumps(m, allow_nan=False)


def test_unknown_view_is_detected(walk):
    m = analyze_track(walk.posetrack("posterior").with_view("unknown"), landmarks="true").metrics()
    assert m["view"] == "posterior"
    assert "detected posterior" in m["notes"]["view"]


def test_left_and_right_are_the_subjects_in_every_frontal_view():
    """A knob on the right side shows on the right from behind and from the front."""
    w = simulate_walk(WalkParams(duration_s=10.0).with_side("right", pelvic_drop_deg=9.0, toe_out_deg=15.0), seed=5)
    for view in ("posterior", "anterior"):
        m = analyze_track(w.posetrack(view), landmarks="true").metrics()
        assert m["pelvic_drop_deg"]["right_stance"] > m["pelvic_drop_deg"]["left_stance"] + 3
        assert m["foot_progression_deg"]["right"] > m["foot_progression_deg"]["left"] + 5


def test_frame_and_stride_tables_and_curves(walk):
    a = analyze_track(walk.posetrack("posterior", noise_px=1.0), landmarks="true")
    cols, values = a.frame_table()
    assert values.shape == (len(walk.frame_times), len(cols))
    assert cols[0] == "t" and "left_rearfoot_eversion_deg" in cols and "right_heel_strike" in cols
    hs = values[:, cols.index("left_heel_strike")]
    assert hs.sum() == len(a.events.heel_strike["left"])
    scols, rows = a.stride_table()
    assert len(rows) == len(a.strides) and all(len(r) == len(scols) for r in rows)
    json.dumps(rows, allow_nan=False)
    assert sum(r[scols.index("valid")] for r in rows) == sum(a.metrics()["strides"].values())
    curves = a.curves()
    c = curves["rearfoot_eversion_deg"]["left"]
    assert c["mean"].shape == (101,) and c["sd"].shape == (101,) and c["n"] >= 3
    assert np.isfinite(c["mean"]).all()


def test_pose_model_landmarks_keep_timing_but_withhold_what_they_cannot_carry():
    walk = simulate_walk(WalkParams(duration_s=8), seed=2)
    m = analyze_track(walk.posetrack("posterior", noise_px=1.0)).metrics()  # landmarks="estimated"
    for key in NEEDS_TRUE_LANDMARKS:
        assert m[key] is None and "not measurable from video landmarks" in m["missing"][key]
    assert m["cadence_spm"] == pytest.approx(walk.params.cadence_spm, rel=0.02)
    assert m["knee_frontal_deg"]["left"] is not None


def test_standing_phase_is_found_after_a_pose_model_settles():
    from dataclasses import replace

    from gait.analysis.pelvis import find_standing
    from gait.analysis.prepare import prepare

    walk = simulate_walk(WalkParams(duration_s=5, standing_s=2.0), seed=4)
    track = walk.posetrack("posterior", noise_px=0.5)
    image = track.image.copy()
    image[:3, :, :2] += np.float32(0.03)  # first detections 15-20 px off before tracking steadies
    standing = find_standing(prepare(replace(track, image=image)))
    assert standing is not None and standing.start <= 0.15 and standing.end > 1.5


def smoothed_flip(track: PoseTrack, start: int, end: int) -> tuple[PoseTrack, np.ndarray]:
    """`track` labelled mirrored from frame `start` to `end`, each change blended over three
    frames (weights 0.25, 0.5, 0.75) as MediaPipe's temporal smoothing does when it takes a
    back for a front (mediapipe issue 3500); and the weight of the mirrored labels per frame."""
    from gait.pose.identity import BODY_PAIRS, _exchange

    k = np.arange(len(track))
    w = np.clip(np.minimum(k - start + 2, end + 1 - k) / 4.0, 0.0, 1.0)
    flipped = _exchange(track, np.ones(len(track), bool), BODY_PAIRS)
    blend = lambda a, b: ((1 - w)[:, None, None] * a + w[:, None, None] * b).astype(a.dtype)  # noqa: E731
    return replace(track, image=blend(track.image, flipped.image), world=blend(track.world, flipped.world)), w


@pytest.mark.parametrize("view", ["posterior", "anterior"])
def test_a_stretch_the_pose_model_labels_mirrored_is_measured_as_the_view_says(view):
    """Seen from behind or in front, a pose model that takes a back for a front for seconds
    mid-walk labels each leg as the other; the torso's order on the image sets it right."""
    walk = simulate_walk(WalkParams(duration_s=10.0).with_side("right", pelvic_drop_deg=9.0), seed=5)
    truth = walk.posetrack(view, noise_px=1.0)
    faulty, w = smoothed_flip(truth, 90, 200)
    a = analyze_track(faulty, landmarks="true")
    m, ref = a.metrics(), analyze_track(truth, landmarks="true").metrics()
    # Mirrored where wholly so; the blends, their points drawn toward the other side's,
    # dropped and bridged.
    assert f"{(w == 1).sum()} frames mirrored, {((w > 0) & (w < 1)).sum()} dropped" in m["notes"]["labels"]
    for side in ("left", "right"):
        assert m["pelvic_drop_deg"][f"{side}_stance"] == pytest.approx(ref["pelvic_drop_deg"][f"{side}_stance"], abs=0.3)
        assert m["foot_progression_deg"][side] == pytest.approx(ref["foot_progression_deg"][side], abs=0.5)
    assert m["strides"] == ref["strides"]


def test_a_still_start_is_read_through_the_frames_the_image_missed():
    from gait.analysis.pelvis import STANDING_MARGIN_S, still_start

    t = np.arange(150) / 30.0
    rng = np.random.default_rng(3)
    obliquity = np.where(t < 2.0, rng.uniform(-0.5, 0.5, len(t)), 5.0 * np.sin(2 * np.pi * t))
    gappy = obliquity.copy()
    gappy[10:17] = gappy[25:32] = gappy[40:47] = np.nan  # a third of the standing frames, 7 at a time
    standing = still_start(t, gappy)
    assert standing is not None and standing.start == 0.0
    assert standing.end == pytest.approx(2.0 - STANDING_MARGIN_S, abs=0.1)
    slipped = gappy.copy()
    slipped[0] = 15.0  # a misread first frame: the phase starts after it, and ends where walking starts
    standing = still_start(t, slipped)
    assert standing is not None and standing.start == pytest.approx(t[1])
    assert standing.end == pytest.approx(2.0 - STANDING_MARGIN_S, abs=0.1)
    mostly_missed = obliquity.copy()
    mostly_missed[(t < 2.0) & (np.arange(len(t)) % 3 > 0)] = np.nan
    assert still_start(t, mostly_missed) is None


def test_the_pelvis_rhythm_is_a_walking_stride_not_a_slow_motion_or_a_drift():
    """`rhythm_drops` on the walker's own obliquity: each stride's drop as the walker's, its
    period the stride; played 4x slower (a slow-motion clip) the tilt repeats every 4.4 s, no
    walking stride, and a steady drift never repeats: neither gives a drop."""
    from gait.analysis.pelvis import rhythm_drops

    w = simulate_walk(WalkParams(duration_s=12.0, cadence_spm=110.0).with_side("right", pelvic_drop_deg=8.0), seed=1)
    truth = w.truth("posterior")
    t, obliquity = np.asarray(truth["frames"]["t"]), np.asarray(truth["frames"]["pelvic_obliquity_deg"])
    r = rhythm_drops(t, obliquity, w.params.standing_s)
    assert r.why is None and r.stride_s == pytest.approx(120.0 / 110.0, abs=0.01)
    for key in ("left_stance", "right_stance"):
        assert len(r.drops[key]) >= 8 and np.median(r.drops[key]) == pytest.approx(truth["pelvic_drop_deg"][key], abs=0.3)
    assert "did not repeat within a walking stride's time" in rhythm_drops(4 * t, obliquity, 4 * w.params.standing_s).why
    assert "did not repeat" in rhythm_drops(t, np.linspace(0.0, 5.0, len(t)), w.params.standing_s).why


def test_the_pelvis_rhythm_reads_the_stride_between_frames():
    """The stride from the autocorrelation's peak, each lag averaged over its overlap: within
    0.1 % of the walker's at three cadences (over the whole series' energy, as before, the
    shrinking overlap pulled it 0.12-0.29 % short; 0.63 % on average on 48 rendered walks)."""
    from gait.analysis.pelvis import rhythm_drops

    for seed, cadence in ((1, 110.0), (2, 95.0), (3, 125.0)):
        w = simulate_walk(WalkParams(duration_s=12.0, cadence_spm=cadence).with_side("right", pelvic_drop_deg=8.0), seed=seed)
        frames = w.truth("posterior")["frames"]
        r = rhythm_drops(np.asarray(frames["t"]), np.asarray(frames["pelvic_obliquity_deg"]), w.params.standing_s)
        assert r.stride_s == pytest.approx(120.0 / cadence, rel=0.0012), cadence
