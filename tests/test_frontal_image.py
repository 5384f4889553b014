"""Frontal-plane angles from the pixels (gait.vision) on the walker's rendered frames, and how
the analysis and the findings take them in.

Rendering is the cost here (~0.1 s per 1280x720 frame), so each test renders a handful of
frames around the moments that matter (peak eversion, peak pelvic drop) and locates the legs
with the walker's own landmarks plus pose-model-sized noise; the end-to-end figures with
MediaPipe come from scripts/frontal_accuracy.py (README).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import write_video
from gait import landmarks as lm
from gait.analysis.events import from_contacts
from gait.analysis.metrics import GaitAnalysis, analyze_track
from gait.capture.video import VideoFile
from gait.findings import evaluate
from gait.findings.norms import RELIABILITY
from gait.pipeline import Inputs, Results, report_data
from gait.simulate import SideParams, WalkParams, render_frames, simulate_walk
from gait.simulate.mannequin import Outfit, figure
from gait.simulate.render import Scene
from gait.vision.closeup import find_legs
from gait.vision.frontal import measure_frames, measure_video
from gait.vision.pelvis import measure_pelvis
from gait.vision.rearfoot import read_leg
from gait.vision.series import FrontalSeries

SIZE = (1280, 720)
# Pose-model landmark error on 720p renders (DESIGN.md): knees 4-10 px, ankles 11-13 px.
KNEE_NOISE_PX, ANKLE_NOISE_PX = 6.0, 10.0
ALT = Scene(wall=(90, 120, 90), floor=(120, 110, 140), belt=(80, 80, 80),
            outfit=Outfit(skin=(60, 90, 140), shirt=(40, 40, 170), shorts=(160, 140, 120), belt=(25, 25, 25),
                          shoe=(220, 220, 220), counter=(40, 130, 40), stripe=(20, 20, 20), sole=(130, 130, 130)))  # fmt: skip


@pytest.fixture(scope="module")
def walk():
    params = WalkParams(right=SideParams(eversion_peak_deg=14.0), left=SideParams(pelvic_drop_deg=10.0))
    w = simulate_walk(params, seed=3)
    return w, w.truth("posterior"), w.posetrack("posterior", SIZE).pixels.astype(np.float64)


def located_leg(px: np.ndarray, i: int, side: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Knee and ankle of frame i where a pose model would put them (true + its noise)."""
    knee = px[i, lm.LEFT_KNEE if side == "left" else lm.RIGHT_KNEE] + rng.normal(0, KNEE_NOISE_PX, 2)
    return knee, px[i, lm.LEFT_ANKLE if side == "left" else lm.RIGHT_ANKLE] + rng.normal(0, ANKLE_NOISE_PX, 2)


def stance_peaks(truth: dict, side: str, key: str, n: int) -> list[int]:
    """The n frames of `side`'s stance (after the ramp-up stride) where `key` is largest."""
    frames = truth["frames"]
    value = np.asarray(frames[key][side] if isinstance(frames[key], dict) else frames[key], float)
    sel = np.asarray(frames["stance"][side], bool) & (np.asarray(frames["t"]) > truth["steady_from_s"])
    return list(np.flatnonzero(sel)[np.argsort(value[sel])[::-1][:n]])


@pytest.mark.parametrize("scene", [Scene(), ALT], ids=["default", "other clothes and room"])
def test_rearfoot_bisection_reads_the_everted_heel_from_behind(walk, scene):
    w, truth, px = walk
    rng = np.random.default_rng(0)
    errors = []
    for side in ("left", "right"):
        idx = stance_peaks(truth, side, "rearfoot_eversion_deg", 4)
        for i, frame in zip(idx, render_frames(w, "posterior", SIZE, frames=idx, scene=scene)):
            found = read_leg(frame, *located_leg(px, i, side, rng), side).rearfoot
            if found is not None and found.quality >= 0.5:
                errors.append(found.angle_deg - truth["frames"]["rearfoot_eversion_deg"][side][i])
    errors = np.abs(errors)
    assert len(errors) >= 5  # most peak-stance frames are measured
    # Single frames; the per-stride peak averages strides and is filtered (README: within 4 deg).
    assert np.median(errors) < 2.5 and errors.max() < 6.0, errors.round(1)


def image_angle(top: np.ndarray, bottom: np.ndarray) -> float:
    """Angle (deg) of the line top->bottom from image vertical, + = lower end to image right."""
    d = bottom - top
    return float(np.degrees(np.arctan2(d[0], d[1])))


def test_shank_line_holds_where_the_swing_leg_passes_its_lower_part(walk):
    # Issue 8: around mid-stance, where the rearfoot everts most, the swing leg passes the
    # stance shank's lower part and hides or doubles its inner outline there, and the shaded
    # side's silhouette fades against the darker floor behind it. A band from 0.4 of the
    # shank down left those rows a third of it: here 2-3.4 deg off in 5 of 9 frames (mean 1.7).
    w, truth, px = walk
    rng = np.random.default_rng(3)
    errors = []
    for side in ("left", "right"):
        knee_i, ankle_i = (lm.LEFT_KNEE, lm.LEFT_ANKLE) if side == "left" else (lm.RIGHT_KNEE, lm.RIGHT_ANKLE)
        idx = stance_peaks(truth, side, "rearfoot_eversion_deg", 6)
        for i, frame in zip(idx, render_frames(w, "posterior", SIZE, frames=idx)):
            knee = px[i, knee_i] + rng.normal(0, KNEE_NOISE_PX, 2)
            ankle = px[i, ankle_i] + rng.normal(0, ANKLE_NOISE_PX, 2)
            found = read_leg(frame, knee, ankle, side).rearfoot
            if found is not None:  # the walker's shank is a cylinder: its axis is the knee-ankle line
                errors.append(found.shank.angle_deg - image_angle(px[i, knee_i], px[i, ankle_i]))
    errors = np.abs(errors)
    assert len(errors) >= 8
    assert errors.mean() < 1.2 and errors.max() < 3.0, errors.round(1)


def test_heel_line_is_read_on_the_counters_back_face(walk):
    # Issue 8: the heel patch ran from 0.02 to 0.12 shank lengths under where the skin's colour
    # ends: into the blur of the back face's top edge, with the counter's top (seen from above,
    # its outlines recede) just above, and it stopped ~7 px short of the sole. Over 16 walks at
    # 720p that read the heel ~2 deg toward upright at large eversion. Now it spans the back
    # face, clear of both horizontal edges' blur (2 px), down to the sole's top.
    w, truth, px = walk
    k, cam = w.frames_kinematics, w.camera("posterior", SIZE)
    rng = np.random.default_rng(5)

    def back_top_row(shapes: list, colour: tuple, near: np.ndarray) -> float:
        """Image row of the middle of the top edge of the back face of the box of this colour
        nearest to `near` (the counter, the rear sole)."""
        boxes = [s for s in shapes if s.kind == "box" and s.colour == colour]
        box = min(boxes, key=lambda s: np.linalg.norm(s.centre - near))
        return float(cam.project(box.centre - box.axes[:, 0] * box.size[0] + box.axes[:, 2] * box.size[2])[0][1])

    for scene in (Scene(), DARK):
        for side in ("left", "right"):
            idx = stance_peaks(truth, side, "rearfoot_eversion_deg", 3)
            for i, frame in zip(idx, render_frames(w, "posterior", SIZE, frames=idx, scene=scene)):
                found = read_leg(frame, *located_leg(px, i, side, rng), side).rearfoot
                if found is None:
                    continue
                shapes, heel = figure(k, i, w.body, scene.outfit), k.points[f"{side}_heel"][i]
                top = back_top_row(shapes, scene.outfit.counter, heel)
                sole = back_top_row(shapes, scene.outfit.sole, heel)
                first, last = found.heel_rows[0], found.heel_rows[1] - 1
                # Within 4 rows of the sole's top: its edge tilts with the heel across the midline's window.
                assert top + 2 <= first and sole - 5 <= last <= sole - 1, (side, i, top, sole, found.heel_rows)


def test_rearfoot_reads_the_largest_eversion_in_a_dark_room(walk):
    # Issue 8: at 14 deg of eversion, black shoes with a grey counter in a dark room, the
    # rearfoot angle read up to 4.3 deg low here (the shank's band, the heel's patch and its
    # chains together).
    w, truth, px = walk
    rng = np.random.default_rng(4)
    idx = stance_peaks(truth, "right", "rearfoot_eversion_deg", 6)
    errors = []
    for i, frame in zip(idx, render_frames(w, "posterior", SIZE, frames=idx, scene=DARK)):
        knee = px[i, lm.RIGHT_KNEE] + rng.normal(0, KNEE_NOISE_PX, 2)
        ankle = px[i, lm.RIGHT_ANKLE] + rng.normal(0, ANKLE_NOISE_PX, 2)
        found = read_leg(frame, knee, ankle, "right").rearfoot
        if found is not None and found.quality >= 0.5:
            errors.append(found.angle_deg - truth["frames"]["rearfoot_eversion_deg"]["right"][i])
    errors = np.array(errors)
    assert len(errors) >= 4 and min(truth["frames"]["rearfoot_eversion_deg"]["right"][i] for i in idx) > 13
    assert np.abs(errors).max() < 3.0, errors.round(1)


def test_closeup_shank_is_read_above_the_swing_shoe_beside_it():
    # A low close-up camera sees the swing foot, lifted behind the stance leg in mid-stance,
    # cover the stance shank's inner outline below its shoe's top; bisected there the shank's
    # lower end swung laterally and a 14 deg eversion read 3.3-7.9 deg low in all 8 of these
    # frames (median 5.9). The shank is now read above the other shoe where that reaches the
    # inner outline (`rearfoot.covered_from`): median 1.3.
    w = simulate_walk(WalkParams(left=SideParams(eversion_peak_deg=14.0)), seed=1)
    truth = w.truth("posterior")
    frames = truth["frames"]
    t, true = np.asarray(frames["t"]), np.asarray(frames["rearfoot_eversion_deg"]["left"])
    single = np.asarray(frames["stance"]["left"], bool) & ~np.asarray(frames["stance"]["right"], bool)
    idx = np.flatnonzero(single & (t > truth["steady_from_s"]) & (true >= 10.0))[:10]
    images = render_frames(w, "posterior", SIZE, frames=list(idx), scene=DARK, framing="legs")
    found = measure_frames(zip(t[idx], images), framing="legs").rearfoot_deg["left"]
    errors = (found - true[idx])[np.isfinite(found)]
    assert len(errors) >= 8 and np.median(np.abs(errors)) < 2.5, errors.round(1)


def test_waistband_line_follows_the_pelvis_where_hip_landmarks_do_not(walk):
    w, truth, px = walk
    rng = np.random.default_rng(1)
    idx = stance_peaks(truth, "left", "pelvic_obliquity_deg", 3)  # + = right (swing) hip low
    for i, frame in zip(idx, render_frames(w, "posterior", SIZE, frames=idx, scene=ALT)):
        hips = px[i, [lm.LEFT_HIP, lm.RIGHT_HIP]] + rng.normal(0, 6.0, (2, 2))
        line = measure_pelvis(frame, hips[0], hips[1])
        true = truth["frames"]["pelvic_obliquity_deg"][i]
        assert true > 8 and line is not None and line.quality >= 0.5
        # Single frames at a ~10-degree drop; with 6 px of hip noise the bow moves the slope (vision.pelvis).
        assert abs(line.obliquity_deg - true) < 2.5, (i, line.obliquity_deg, true)


DARK = Scene(wall=(75, 75, 75), floor=(115, 115, 115), belt=(55, 55, 60),
             outfit=Outfit(skin=(110, 140, 195), shirt=(60, 200, 220), shorts=(90, 40, 20), belt=(230, 230, 230),
                           shoe=(35, 35, 35), counter=(120, 120, 120), stripe=(40, 200, 230), sole=(70, 70, 70)))  # fmt: skip


@pytest.mark.parametrize("scene", [ALT, DARK], ids=["green room", "dark room"])
def test_waistband_is_read_at_the_largest_drop_not_the_level_hem_above_it(walk, scene):
    # Issue 8: chains started level reached only 2 px up or down, so a band tilted 10 deg
    # across the ~80 px box was read only in its middle and the level shirt hem inside the
    # band was taken: the image read ~0 deg in the frames of the largest drop.
    w, truth, px = walk
    rng = np.random.default_rng(2)
    f = truth["frames"]
    obl = np.asarray(f["pelvic_obliquity_deg"])
    idx = [int(i) for i in np.argsort(obl)[::-1][:6:2]]  # the largest drops (~10 deg)
    for i, frame in zip(idx, render_frames(w, "posterior", SIZE, frames=idx, scene=scene)):
        hips = px[i, [lm.LEFT_HIP, lm.RIGHT_HIP]] + rng.normal(0, 6.0, (2, 2))
        line = measure_pelvis(frame, hips[0], hips[1])
        assert obl[i] > 9 and line is not None and line.quality >= 0.5
        # What remains is the band's bow (vision.pelvis): its slope follows the box's midpoint when the
        # hips' noise moves the box off the band's middle.
        assert abs(line.obliquity_deg - obl[i]) < 1.5, (i, line.obliquity_deg, obl[i])


# The sample sessions' size. MediaPipe's hips on the normal 640x480 sample: 2.4-3.6 px low,
# scatter SD 0.9-1.8 px (against the walker's true hip joints).
SMALL, HIPS_LOW_PX, HIPS_SD_PX = (640, 480), 3.0, 1.5


def test_waistband_reads_a_standing_tilt_of_a_few_degrees():
    """A leg 8 mm shorter tilts the standing pelvis ~2.5 deg: the leg-length screen reads that
    tilt. The band's lower edge bows up in the middle, and a robust straight line through it
    kept only the flattest stretch: it read 0.0 deg in every standing frame of such a rendered
    walk (MediaPipe's hips). Fitted with its bow, the band's slope at the hips' midpoint; the
    bow also makes that slope follow the midpoint (~0.7 deg per px here), so single frames
    scatter with the hips and the standing median is what the screen takes."""
    w = simulate_walk(WalkParams(leg_length_diff_mm=-8.0, height_m=1.85), seed=3)
    px = w.posetrack("posterior", SIZE).pixels.astype(np.float64)
    standing = list(range(4, 60, 8))
    rng = np.random.default_rng(3)
    readings = []
    for i, frame in zip(standing, render_frames(w, "posterior", SIZE, frames=standing, scene=ALT)):
        hips = px[i, [lm.LEFT_HIP, lm.RIGHT_HIP]] + rng.normal(0, HIPS_SD_PX, (2, 2))
        line = measure_pelvis(frame, hips[0], hips[1])
        readings.append(line.obliquity_deg if line is not None and line.quality >= 0.5 else np.nan)
    errors = np.array(readings) - w.body.static_obliquity_deg
    assert w.body.static_obliquity_deg > 2.0 and np.all(np.abs(errors) < 2.0), errors.round(2)
    assert abs(np.median(errors)) < 0.5, errors.round(2)


def test_waistband_at_640x480_reads_level_standing_and_the_drop_on_one_edge(walk):
    # Issue 8: in the ~53x32 px box of a 640x480 frame the band's two edges are ~8 px apart, so
    # a chain started along a tilted line crosses both and steps from one to the other. Such a
    # chain read the standing band at ~-5 deg in most of the normal sample's standing frames:
    # the standing reference, and with it every stance, moved by as much, a false pelvic drop.
    w, truth, _ = walk
    px = w.posetrack("posterior", SMALL).pixels.astype(np.float64)
    obl = np.asarray(truth["frames"]["pelvic_obliquity_deg"])
    standing = list(range(5, 60, 10))  # the first 2 s: standing still, pelvis level
    largest = [int(i) for i in np.argsort(obl)[::-1][:6:2]]  # ~10 deg
    rng = np.random.default_rng(0)
    errors = {}
    for i, frame in zip(standing + largest, render_frames(w, "posterior", SMALL, frames=standing + largest)):
        hips = px[i, [lm.LEFT_HIP, lm.RIGHT_HIP]] + [0.0, HIPS_LOW_PX] + rng.normal(0, HIPS_SD_PX, (2, 2))
        line = measure_pelvis(frame, hips[0], hips[1])
        errors[i] = line.obliquity_deg - obl[i] if line is not None and line.quality >= 0.5 else np.nan
    stand = np.array([errors[i] for i in standing])
    # Every stance is read against the standing median: it must hold still within 1 deg
    # (analysis.pelvis STILL_OBLIQUITY_DEG), and no standing frame may be off the 2-degree
    # accuracy pelvic drop must reach.
    assert abs(np.median(stand)) < 1.0 and np.abs(stand).max() < 2.0, stand.round(2)  # NaN: not usable
    # The drop on the band's lower edge, not on a chain stepping between its edges (the bow
    # makes its slope follow the hips' midpoint, vision.pelvis).
    drop = np.array([errors[i] for i in largest])
    assert obl[largest].min() > 9 and np.abs(drop).max() < 2.0, drop.round(2)


def test_closeup_finds_the_legs_without_a_body_and_reads_the_heel(walk):
    w, truth, _ = walk
    idx = stance_peaks(truth, "right", "rearfoot_eversion_deg", 4)
    frames = render_frames(w, "posterior", SIZE, frames=idx, framing="legs")
    legs = find_legs(frames[0])
    assert set(legs) == {"left", "right"} and legs["left"][1][0] < legs["right"][1][0]  # subject's left = image left
    series = measure_frames(((i / 30.0, f) for i, f in zip(idx, frames)), framing="legs")
    good = series.rearfoot_quality["right"] >= 0.5
    true = np.array([truth["frames"]["rearfoot_eversion_deg"]["right"][i] for i in idx])
    assert good.sum() >= 3
    assert np.all(np.abs(series.rearfoot_deg["right"][good] - true[good]) < 4.0)
    assert np.all(np.isnan(series.pelvic_obliquity_deg))  # a close-up does not show the pelvis


def truth_series(w, truth: dict, quality: float = 0.9) -> FrontalSeries:
    f = truth["frames"]
    t = np.asarray(f["t"])
    q = np.full(len(t), quality)
    return FrontalSeries(t, {s: np.asarray(f["rearfoot_eversion_deg"][s]) for s in ("left", "right")},
                         {s: q for s in ("left", "right")}, np.asarray(f["pelvic_obliquity_deg"]), q)  # fmt: skip


def contacts_of(w):
    ev = w.events()
    return from_contacts({s: ev[s]["heel_strike"] for s in ev}, {s: ev[s]["toe_off"] for s in ev}, "walker")


def test_image_series_lift_the_landmark_gate_for_what_they_measure(walk):
    w, truth, _ = walk
    track = w.posetrack("posterior", SIZE, noise_px=1.0)
    plain = analyze_track(track, contacts=contacts_of(w)).metrics()
    assert plain["rearfoot_eversion_deg"] is None and plain["pelvic_drop_deg"] is None
    m = analyze_track(track, contacts=contacts_of(w), frontal_image=truth_series(w, truth)).metrics()
    for side in ("left", "right"):
        assert abs(m["rearfoot_eversion_deg"][side]["peak"] - truth["rearfoot_eversion_deg"][side]["peak"]) < 1.0
        assert abs(m["pelvic_drop_deg"][f"{side}_stance"] - truth["pelvic_drop_deg"][f"{side}_stance"]) < 1.0
    # What the image does not measure stays withheld, with the landmarks' reason.
    assert m["foot_progression_deg"] is None and m["leg_length_difference_mm"] is None
    assert "rearfoot_eversion_deg" not in m["missing"] and "foot_progression_deg" in m["missing"]
    assert m["frontal_sources"]["rearfoot_eversion_deg"]["source"] == "image"
    assert m["frontal_sources"]["pelvic_drop_deg"]["source"] == "image"
    # Frames below the quality gate count as unmeasured: nothing to report then.
    poor = analyze_track(track, contacts=contacts_of(w), frontal_image=truth_series(w, truth, quality=0.2)).metrics()
    assert poor["rearfoot_eversion_deg"] is None and poor["pelvic_drop_deg"] is None


def without_strides(w, truth: dict, shuffle: bool = False) -> GaitAnalysis:
    """The metrics of the walk from behind with its feet out of the picture and no insole (as
    a walk away from the camera has no heel strikes in the video alone: no strides), the pelvis
    read in the image with 0.3 deg of noise; with `shuffle` its frames shuffled after standing."""
    track = w.posetrack("posterior", SIZE, noise_px=1.0)
    image = track.image.copy()
    image[:, :, 1] += 0.3  # the camera tilted up: the feet leave the bottom of the picture
    series = truth_series(w, truth)
    rng = np.random.default_rng(5)
    obliquity = series.pelvic_obliquity_deg + rng.normal(0.0, 0.3, len(series.t))
    if shuffle:
        walking = np.flatnonzero(series.t > w.params.standing_s)
        obliquity[walking] = obliquity[rng.permutation(walking)]
    series = replace(series, pelvic_obliquity_deg=obliquity)
    return analyze_track(replace(track, image=image), frontal_image=series)


def test_a_walk_without_strides_reads_the_pelvic_drop_from_its_rhythm(walk):
    """No strides, but the pelvis's tilt repeats every stride and each stride's swing-side drop
    is read from it: within 1 deg of the walker's, the planted drop flagged, the notes say how;
    the cadence too, from the stride the tilt repeats at."""
    w, truth, _ = walk
    a = without_strides(w, truth)
    m = a.metrics()
    assert max(m["strides"].values()) < 3 and not any(m["stride_time_s"].values())
    assert m["cadence_spm"] == pytest.approx(truth["cadence_spm"], abs=1.5) and "pelvis's rhythm" in m["notes"]["cadence_spm"]
    for key in ("left_stance", "right_stance"):
        assert m["pelvic_drop_deg"][key] == pytest.approx(truth["pelvic_drop_deg"][key], abs=1.0)
        assert m["uncertainties"]["pelvic_drop_deg"][key]["n"] >= 3
    assert "pelvic_drop_deg" not in m["missing"] and "pelvis's own rhythm" in m["notes"]["pelvic_drop_deg"]
    assert {(f["code"], f["side"]) for f in evaluate(m) if f["code"] == "pelvic_drop"} == {("pelvic_drop", "left")}
    # The report plots each stride's drop at its time.
    drops = report_data(Inputs(Path("walk.mp4"), Path("out"), None, None, None), Results(m, a), "walk").pelvic_drop
    assert drops is not None and drops.at == "the drop"
    for side in ("left", "right"):
        assert np.median(drops.values[side][1]) == pytest.approx(m["pelvic_drop_deg"][f"{side}_stance"], abs=1e-3)


def test_two_strides_a_side_give_way_to_the_rhythm(walk):
    """An insole that recorded only the first three heel strikes a side: two strides each,
    too few for a side's values or its curves; the drops and the cadence come from the whole
    walk's rhythm."""
    w, truth, _ = walk
    ev = w.events()
    few = from_contacts({s: ev[s]["heel_strike"][:3] for s in ev}, {s: ev[s]["toe_off"][:3] for s in ev}, "insole")
    a = analyze_track(w.posetrack("posterior", SIZE, noise_px=1.0), contacts=few, frontal_image=truth_series(w, truth))
    m = a.metrics()
    assert m["strides"] == {"left": 2, "right": 2}
    assert all(c["n"] <= 2 and np.isnan(c["mean"]).all() for sides in a.curves().values() for c in sides.values())
    assert m["notes"]["cadence_spm"].startswith("fewer than 3 valid strides a side (left 2, right 2): from the pelvis's rhythm")
    assert m["cadence_spm"] == pytest.approx(truth["cadence_spm"], abs=1.5)
    for key in ("left_stance", "right_stance"):
        assert m["pelvic_drop_deg"][key] == pytest.approx(truth["pelvic_drop_deg"][key], abs=1.0)


def test_a_pelvis_without_a_rhythm_gives_no_drop_and_says_why(walk):
    """The same with the pelvis's frames shuffled: its tilt does not repeat stride after stride,
    so no drop is read, and the reason says so."""
    w, truth, _ = walk
    m = without_strides(w, truth, shuffle=True).metrics()
    assert not any((m["pelvic_drop_deg"] or {}).values()) and m["cadence_spm"] is None
    assert m["missing"]["pelvic_drop_deg"].startswith("fewer than 3 valid strides (left 0, right 0), and the pelvis's "
                                                      "tilt did not repeat stride after stride"), m["missing"]  # fmt: skip


def test_image_angles_are_weighed_above_landmark_angles_and_agree_with_the_insole(walk):
    w, truth, _ = walk
    m = analyze_track(w.posetrack("posterior", SIZE, noise_px=1.0), contacts=contacts_of(w),
                      frontal_image=truth_series(w, truth)).metrics()  # fmt: skip
    found = {(f["code"], f["side"]): f for f in evaluate(m)}
    assert set(found) == {("hyperpronation", "right"), ("pelvic_drop", "left")}
    assert "bisecting the lower leg and the heel counter" in found[("hyperpronation", "right")]["evidence"]
    assert RELIABILITY["video_frontal"] < RELIABILITY["video_image_frontal"] < RELIABILITY["insole_cop"]
    with_insole = evaluate({**m, "pressure": {"cpei_pct": {"left": 21.0, "right": 9.0}}})
    pron = next(f for f in with_insole if f["code"] == "hyperpronation")
    assert "Video and insole agree." in pron["evidence"]
    assert pron["confidence"] > found[("hyperpronation", "right")]["confidence"]


def test_series_are_aligned_to_the_track_by_nearest_frame():
    s = FrontalSeries(np.array([0.0, 0.1, 0.2]), {"left": np.array([1.0, 2.0, 3.0]), "right": np.zeros(3)},
                      {"left": np.ones(3), "right": np.ones(3)}, np.zeros(3), np.ones(3))  # fmt: skip
    out = s.at(np.array([0.04, 0.16, 0.5]))
    assert out.rearfoot_deg["left"][:2].tolist() == [1.0, 3.0] and np.isnan(out.rearfoot_deg["left"][2])
    assert out.rearfoot_quality["left"][2] == 0.0
    with pytest.raises(ValueError):
        FrontalSeries(np.zeros(2), {"left": np.zeros(3), "right": np.zeros(2)}, {"left": np.zeros(2), "right": np.zeros(2)},
                      np.zeros(2), np.zeros(2))  # fmt: skip


def test_a_recorded_video_is_measured_frame_by_frame_on_the_tracks_times(walk, tmp_path):
    """A webcam that says 30 fps and delivers 15: `gait record` writes the video at 30 and
    journals each frame's real time. Frame i of the video is frame i of the track; matched by
    time instead, track time 2i/30 took video frame 2i, and the second half had none."""
    w, _, _ = walk
    idx = list(range(90, 114, 2))  # every other frame of a stretch of walking
    track = w.posetrack("posterior", SIZE)
    track = replace(track, t=track.t[idx], image=track.image[idx], visibility=track.visibility[idx],
                    world=track.world[idx])  # fmt: skip
    video = write_video(tmp_path / "walk.mp4", render_frames(w, "posterior", SIZE, frames=idx), fps=30.0)
    series = measure_video(video, track)
    with VideoFile(video) as source:
        direct = measure_frames(((t, f.image) for t, f in zip(track.t, source)), track)
    np.testing.assert_array_equal(series.t, track.t)
    for side in ("left", "right"):
        angles = direct.rearfoot_deg[side]
        assert np.isfinite(angles).sum() >= 8 and np.nanmax(angles) - np.nanmin(angles) > 3.0
        np.testing.assert_array_equal(series.rearfoot_deg[side], angles)


def test_a_tall_soft_frame_is_read_at_the_rows_the_searches_are_made_for(walk):
    """A 640x480 walk scaled up to 2880x2160 (as a phone's digital zoom or an upscaled export
    gives: every edge blurred over several pixels). Read at full size the right rearfoot read
    8-10 deg low at every peak-eversion frame and the waistband was mostly not found; read at
    `BODY_ROWS` (1080) as at 640x480, within 1.1 deg of the truth and 0.3 deg of the small
    frame's pelvis."""
    w, truth, _ = walk
    small, tall = (640, 480), (2880, 2160)
    idx = sorted(stance_peaks(truth, "right", "rearfoot_eversion_deg", 6))
    frames = list(render_frames(w, "posterior", small, frames=idx))
    ref = measure_frames(zip(idx, frames), w.posetrack("posterior", small).frames(idx))
    up = measure_frames(((i, cv2.resize(f, tall, interpolation=cv2.INTER_CUBIC)) for i, f in zip(idx, frames)),
                        w.posetrack("posterior", tall).frames(idx))  # fmt: skip
    error = up.rearfoot_deg["right"] - np.asarray(truth["frames"]["rearfoot_eversion_deg"]["right"])[idx]
    assert np.isfinite(error).sum() >= 5 and np.nanmax(np.abs(error)) <= 1.5, error.round(1)
    assert np.isfinite(up.pelvic_obliquity_deg).all()
    np.testing.assert_allclose(up.pelvic_obliquity_deg, ref.pelvic_obliquity_deg, atol=0.5)


def test_a_slow_motion_closeup_is_measured_on_lifes_clock(figure_video):
    """With no track to carry the times, a clip that plays 4x slower than life has its frames'
    times divided by 4 (`gait analyze --framing legs --slow-motion 4`)."""
    series = measure_video(figure_video, framing="legs", slow_motion=4.0)
    np.testing.assert_allclose(series.t, np.arange(60) / 30.0 / 4.0, atol=1e-6)


def test_outlines_that_cross_are_no_leg():
    """A close-up frame where a shin swinging in front of the other shoe leaves consistent edge
    pairs in only a few rows of the shank's band: the two outlines, each extrapolated from
    those rows, cross, and a bisection with a negative width once reached the heel's patch (an
    empty crop, and an OpenCV error out of `gait analyze`). Fixture: the left leg's search
    region of frame 213 of scripts/closeup_events_accuracy.py's seed 7 at 640x480 (H.264), its
    close-up pseudo-landmarks from `vision.closeup.find_legs` moved into the region."""
    region = cv2.imread(str(Path(__file__).parent / "data" / "crossing_outlines.png"))
    reading = read_leg(region, np.array([72.5, -26.0]), np.array([72.5, 79.0]), "left")
    assert reading.shank is None and reading.rearfoot is None


def test_the_pelvis_is_read_still_where_grainy_video_draws_the_hips_together(walk):
    """On grainy video the pose model's hips jitter, in some frames to half their distance
    (the right-hyperpronation sample with noise added); a search box sized by that read other
    edges 10-20 deg off in still standing frames, and the standing phase was lost. The box
    is sized by the distance's running median (`frontal.HIP_WINDOW_S`)."""
    w, _, _ = walk
    track = w.posetrack("posterior", SMALL)
    n = 45  # standing still, pelvis level
    rng = np.random.default_rng(0)
    size = np.array(SMALL, float)
    hips = (track.image[:, [lm.LEFT_HIP, lm.RIGHT_HIP], :2] * size + [0.0, HIPS_LOW_PX]
            + rng.normal(0, HIPS_SD_PX, (len(track), 2, 2)))  # fmt: skip
    narrowed = np.arange(len(track)) % 3 == 1
    mid = hips.mean(axis=1, keepdims=True)
    hips = np.where(narrowed[:, None, None], mid + 0.6 * (hips - mid), hips)
    image = track.image.copy()
    image[:, [lm.LEFT_HIP, lm.RIGHT_HIP], :2] = hips / size

    def grainy(frame: np.ndarray) -> np.ndarray:  # sensor noise, then a camera's compression
        noisy = np.clip(frame + rng.normal(0, 8.0, frame.shape[:2])[..., None], 0, 255).astype(np.uint8)
        return cv2.imdecode(cv2.imencode(".jpg", noisy, [cv2.IMWRITE_JPEG_QUALITY, 60])[1], cv2.IMREAD_COLOR)

    frames = [(float(track.t[i]), grainy(f)) for i, f in enumerate(render_frames(w, "posterior", SMALL, frames=range(n)))]
    series = measure_frames(frames, replace(track, image=image))
    read = series.pelvic_quality >= 0.5
    # Sized by each frame's own hips: 8 of the 15 narrowed frames unread, 3 read 3-14 deg off.
    assert read.all() and np.abs(series.pelvic_obliquity_deg).max() < 1.5, series.pelvic_obliquity_deg.round(1)


def test_each_frame_s_grain_is_read_as_the_searches_see_it(walk):
    """The noise SD `measure_frames` reads per frame: the render's own (flat shading: none),
    and sensor noise added, within the blocks' scatter, whatever the walker's edges."""
    w, _, _ = walk
    track = w.posetrack("posterior", SMALL)
    rendered = render_frames(w, "posterior", SMALL, frames=range(4))
    rng = np.random.default_rng(5)
    for sd in (0.0, 4.0, 10.0):
        frames = [(float(track.t[i]), np.clip(f + rng.normal(0, sd, f.shape[:2])[..., None], 0, 255).astype(np.uint8))
                  for i, f in enumerate(rendered)]  # fmt: skip
        read = measure_frames(frames, track).noise_sd
        assert read.shape == (4,) and (np.abs(read - sd) <= 0.15 * sd + 0.3).all(), (sd, read.round(2))


def test_a_grainy_video_withholds_the_rearfoot_and_says_why(walk):
    from gait.analysis.image_frontal import GRAIN_LIMIT_SD

    w, truth, _ = walk
    track = w.posetrack("posterior", SIZE, noise_px=1.0)
    series = truth_series(w, truth)
    grain = lambda sd: replace(series, noise_sd=np.full(len(series.t), sd))  # noqa: E731
    m = analyze_track(track, contacts=contacts_of(w), frontal_image=grain(GRAIN_LIMIT_SD + 1.0)).metrics()
    assert m["rearfoot_eversion_deg"] is None
    assert m["missing"]["rearfoot_eversion_deg"].startswith("the video is too grainy to read the heel's edges")
    assert m["notes"]["grain"] == m["missing"]["rearfoot_eversion_deg"]  # printed by `gait analyze` too
    assert m["pelvic_drop_deg"]["left_stance"] > 8  # the waistband holds (README, "Light the walk well")
    m = analyze_track(track, contacts=contacts_of(w), frontal_image=grain(GRAIN_LIMIT_SD - 1.0)).metrics()
    assert abs(m["rearfoot_eversion_deg"]["right"]["peak"] - truth["rearfoot_eversion_deg"]["right"]["peak"]) < 1.0


def test_edge_pairs_scores_every_pair_by_its_definition():
    """`edge_pairs` keeps a running maximum of the edges inside the pair, widened a column per
    width: per row it must pick the pair a direct search over every (left, width) picks, the
    score being the weaker outline minus the strongest edge 2 px or more inside both, minus
    the off-centre penalty."""
    from gait.vision.bisect import CENTRE_PENALTY, edge_pairs

    rng = np.random.default_rng(7)
    for _ in range(30):
        rows, w = int(rng.integers(3, 12)), int(rng.integers(12, 60))
        g = (rng.random((rows, w)) * 100).astype(np.float32)
        lo, hi = float(rng.uniform(0, w / 2)), float(rng.uniform(w / 2, w + 5))
        centre, tol = rng.uniform(0, w, rows), float(rng.uniform(2, 20))
        left, right, best = edge_pairs(g, centre, (lo, hi), tol)
        scale = float(np.percentile(g, 95)) + 1e-6
        for r in range(rows):
            scores = {}
            for d in range(max(int(np.floor(lo)), 2), min(int(np.ceil(hi)), w - 1) + 1):
                for j in range(w - d):
                    inside = g[r, j + 2 : j + d - 2] if d >= 5 else g[r, j + d // 2 : j + d // 2 + 1]
                    off = j + d / 2.0 - centre[r]
                    scores[(j, d)] = (min(g[r, j], g[r, j + d]) - inside.max()
                                      - CENTRE_PENALTY * scale * (off / tol) ** 2)  # fmt: skip
            j, d = max(scores, key=lambda k: (scores[k], -k[1]))
            assert best[r] == pytest.approx(scores[(j, d)], rel=1e-5, abs=1e-3)
