"""One entry point from a pose track to every kinematic metric: `analyze_track`.

    analysis = analyze_track(track)
    analysis.metrics()        # dict with every key of `gait.metrics/1` (JSON-ready, no NaN)
    analysis.frame_table()    # (columns, (T, C) array): per-frame angles and event flags
    analysis.stride_table()   # (columns, rows): one row per stride, rejected ones included
    analysis.curves()         # mean and SD over strides at 0..100 % of the cycle

What the view cannot support is None with a reason in `metrics()["missing"]`, never a guess:
events and timing come from every view; rearfoot eversion needs a posterior view (3-D heel,
ankle, knee and toe); pelvic drop, the leg-length screen and the knee's frontal projection
angle need a frontal (posterior or anterior) image; foot progression and hip rotation need
world landmarks (any view).

Whose landmarks they are matters as much as the view. On a pose model's landmarks
(`landmarks="estimated"`, the default: MediaPipe on video) the frontal- and transverse-plane
values that rest on the hip line, the heel or world-landmark rotations are withheld: on the
walker's rendered video MediaPipe's hip line tilted 0.29x as much as the pelvis and in the
opposite phase, and its knee-ankle-heel angle correlated 0.07-0.25 with the true one
(DESIGN.md, "What landmarks alone can and cannot carry"). Timing and the knee's frontal
projection angle (hip-knee-ankle lines, landmarks within a few pixels) stay. Tracks whose
landmarks are true positions (the synthetic walker, motion capture) pass `landmarks="true"`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from gait.analysis import collar_events, cycles, events, frontal, image_frontal, pelvis, rotation, spatiotemporal
from gait.analysis.cycles import Stride
from gait.analysis.prepare import ANKLE, FRONTAL_VIEWS, HEEL, KNEE, LEG, SIDES, TOE, Landmarks, prepare, without_landmarks
from gait.recording.posetrack import PoseTrack
from gait.vision.series import FrontalSeries

SCHEMA = "gait.metrics/1"
LANDMARK_SOURCES = ("estimated", "true")
# Withheld on a pose model's landmarks (see the module docstring).
NEEDS_TRUE_LANDMARKS = ("rearfoot_eversion_deg", "pelvic_drop_deg", "leg_length_difference_mm",
                        "foot_progression_deg", "hip_rotation_deg")  # fmt: skip
ESTIMATED_REASON = (
    "not measurable from video landmarks (the pose model's hip and heel points do not follow the "
    "pelvis and heel bone closely enough); an insole or image-based measurement is needed"
)
MIN_STRIDES = spatiotemporal.MIN_STRIDES
# The values `metrics()` reports that must each have a value or a reason (`gait.metrics/1`).
REPORTED = ("cadence_spm", "stride_time_s", "stance_fraction", "rearfoot_eversion_deg", "pelvic_drop_deg",
            "foot_progression_deg", "knee_frontal_deg", "leg_length_difference_mm")  # fmt: skip
# Per-frame series (per side unless noted) and the per-stride summaries drawn from them.
SERIES = ("rearfoot_eversion_deg", "knee_frontal_deg", "foot_progression_deg", "hip_rotation_deg", "knee_flexion_deg")


def _clean(x: Any, digits: int = 4) -> Any:
    """JSON-ready: NaN/inf -> None, numpy scalars -> float, rounded."""
    if isinstance(x, dict):
        return {k: _clean(v, digits) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v, digits) for v in x]
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return round(float(x), digits) if np.isfinite(x) else None
    return x


def _empty(value: Any) -> bool:
    """None, or a dict with nothing but None in it."""
    return value is None or isinstance(value, dict) and all(_empty(v) for v in value.values())


def _feet_clause(L: Landmarks) -> str:
    """How much of the time the feet were in the picture, when they were not always."""
    if L.feet_seen >= 1.0:
        return ""
    return (f" (the feet were in the picture in {L.feet_seen:.0%} of the frames with the walker: film the whole "
            "body, feet included)")  # fmt: skip


def _too_few_strides(strides: dict[str, int], sides: tuple[str, ...] | list[str] = SIDES, a_side: bool = False) -> str:
    """`fewer than 3 valid strides (left 2, right 0)`: why a value needs more strides."""
    counts = ", ".join(f"{s} {strides[s]}" for s in sides)
    return f"fewer than {MIN_STRIDES} valid strides{' a side' if a_side else ''} ({counts})"


def _side_key(key: str, side: str) -> str:
    """The path of one side's value of `key` in the metrics (pelvic drop goes by stance leg)."""
    return f"{key}.{side}_stance" if key == "pelvic_drop_deg" else f"{key}.{side}"


def _mean(v: list[float]) -> float | None:
    a = np.asarray(v, dtype=np.float64)
    a = a[np.isfinite(a)]
    return float(np.mean(a)) if len(a) >= MIN_STRIDES else None


def _sd(v: list[float]) -> float | None:
    a = np.asarray(v, dtype=np.float64)
    a = a[np.isfinite(a)]
    return float(np.std(a, ddof=1)) if len(a) >= MIN_STRIDES else None


def _median_and_spread(v: np.ndarray) -> tuple[float, dict]:
    """The median of per-stride values, their SD, and the median's standard error (1.2533
    SD / sqrt(n) for normal values). The median, because without events nothing marks the
    first stride out of standing (it dropped 1.7 deg where the walk's others dropped 10 on a
    rendered walk away) or a partial one at the end, as the stride checks do."""
    sd = float(np.std(v, ddof=1))
    return float(np.median(v)), {"sd": sd, "se": 1.2533 * sd / np.sqrt(len(v)), "n": len(v)}


@dataclass
class GaitAnalysis:
    """Everything measured on one track; see the module docstring for the accessors."""

    landmarks: Landmarks
    events: events.Events
    strides: list[Stride]
    timing: spatiotemporal.Timing
    standing: pelvis.Standing | None
    pelvis: pelvis.PelvisResult
    series: dict[str, dict[str, np.ndarray]]  # name -> side -> (T,)
    per_stride: dict[Stride, dict[str, float]]
    missing: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    sources: dict[str, Any] = field(default_factory=dict)  # where frontal angles came from

    @property
    def view(self) -> str:
        return self.landmarks.view

    @property
    def pelvis_rhythm(self) -> pelvis.RhythmDrops | None:
        """The pelvis's rhythm where the pelvic drop and the cadence are read from it (no strides)."""
        r = self.pelvis.rhythm
        return r if r is not None and r.why is None and "pelvic_drop_deg" not in self.missing else None

    # ---- summaries --------------------------------------------------------------------
    def _side_mean(self, key: str, side: str) -> float | None:
        return _mean([v[key] for s, v in self.per_stride.items() if s.side == side and key in v])

    def _side_sd(self, key: str, side: str) -> float | None:
        return _sd([v[key] for s, v in self.per_stride.items() if s.side == side and key in v])

    def _per_side(self, key: str) -> dict[str, float | None] | None:
        vals = {s: self._side_mean(key, s) for s in SIDES}
        return vals if any(v is not None for v in vals.values()) else None

    def _curve_peak(self, series: np.ndarray, side: str, window: str, sign: float = 1.0) -> tuple[float | None, dict | None]:
        """Peak of the stride-averaged curve within a phase window of the cycle, and its
        uncertainty: the strides' SD at the peak's phase and the standard error of their mean.

        A per-stride maximum of noisy landmarks is biased upward by the noise; averaging the
        time-normalised strides first lowers the noise by sqrt(n) before the peak is read
        (`cycles.curve_peak`: the vertex of a parabola through the points around the maximum).
        For the same reason the spread of per-stride maxima understates the error of this
        peak (on the walker with 1 px noise, 81 % of rearfoot peaks fell within two such
        standard errors of the truth); the spread at the peak's phase is what the average
        carries (94 % of 32, and 96 % of 94 held out, as a standard error should). `window`
        is "stance" (heel strike to mean toe off) or "single" (mean opposite toe off to mean
        opposite heel strike).
        """
        c = self._window_curves(series, side, window)
        if c is None:
            return None, None
        mean, sd = cycles.mean_sd(sign * c)
        # Only where MIN_STRIDES strides have a value: a peak of one stride's few frames is none.
        n = np.sum(np.isfinite(c), axis=0)
        if not np.any(n >= MIN_STRIDES):
            return None, None
        k, peak = cycles.curve_peak(mean, n >= MIN_STRIDES)
        return peak, {"sd": float(sd[k]), "se": float(sd[k] / np.sqrt(n[k])), "n": int(n[k])}

    def _window_curves(self, series: np.ndarray, side: str, window: str) -> np.ndarray | None:
        """The valid strides' time-normalised curves of `series` (strides, phases) within a
        phase window of the cycle (see `_curve_peak`); None with fewer than MIN_STRIDES strides."""
        strides = cycles.valid_strides(self.strides, side)
        if len(strides) < MIN_STRIDES:
            return None
        c = cycles.cycle_curves(self.landmarks.t, series, strides)
        u = np.linspace(0.0, 1.0, c.shape[1])
        if window == "stance":
            a, b = 0.0, float(np.mean([s.stance_fraction for s in strides]))
        else:
            a = float(np.mean([(s.opposite_toe_off - s.start) / s.duration for s in strides]))
            b = float(np.mean([(s.opposite_heel_strike - s.start) / s.duration for s in strides]))
        return c[:, (u >= a) & (u <= b)]

    def _too_few_values(self, series: np.ndarray, side: str, window: str) -> str | None:
        """Why `_curve_peak` found no peak for a side with enough valid strides: too few of
        them held a value at one phase (a walk away reads the heel only in its nearer strides);
        None when it had too few strides or found a peak."""
        c = self._window_curves(series, side, window)
        if c is None:
            return None
        held = int(np.sum(np.isfinite(c), axis=0).max(initial=0))
        if held >= MIN_STRIDES:
            return None
        if held == 0:
            return f"{side}: none of {len(c)} valid strides held a value"
        return f"{side}: at most {held} of {len(c)} valid strides held a value at one point of the cycle ({MIN_STRIDES} needed)"

    def metrics(self) -> dict:
        """The `gait.metrics/1` dict (pressure None and findings [] for the caller to fill)."""
        t = self.timing
        missing = dict(self.missing)
        rf = self.series["rearfoot_eversion_deg"]
        peaks = {s: self._curve_peak(rf[s], s, "stance") for s in SIDES}
        ev = {s: {"peak": peaks[s][0], "mean_stance": self._side_mean("rearfoot_mean", s)} for s in SIDES}
        rearfoot = ev if "rearfoot_eversion_deg" not in missing else None
        drop = drop_peaks = None
        rhythm, from_rhythm = self.pelvis.rhythm, self.pelvis_rhythm is not None
        if "pelvic_drop_deg" not in missing:
            obl = self.pelvis.obliquity_deg
            if from_rhythm:  # no strides: each stride's drop, and the cadence, from the pelvis's rhythm
                drop_peaks = {k: _median_and_spread(v) for k, v in rhythm.drops.items()}
            else:
                drop_peaks = {"left_stance": self._curve_peak(obl, "left", "single"),
                              "right_stance": self._curve_peak(obl, "right", "single", sign=-1.0)}  # fmt: skip
            drop = {k: v[0] for k, v in drop_peaks.items()}
        fpa = self._per_side("foot_progression") if "foot_progression_deg" not in missing else None
        knee = knee_peaks = None
        if "knee_frontal_deg" not in missing:
            knee_peaks = {s: self._curve_peak(self.series["knee_frontal_deg"][s], s, "stance") for s in SIDES}
            knee = {s: v[0] for s, v in knee_peaks.items()}
        hip = self._per_side("hip_rotation") if "hip_rotation_deg" not in missing else None
        # A side with enough strides but too few holding a value at one phase says so.
        curves = {"rearfoot_eversion_deg": (rf, "stance"), "knee_frontal_deg": (self.series["knee_frontal_deg"], "stance"),
                  "pelvic_drop_deg": (dict.fromkeys(SIDES, self.pelvis.obliquity_deg), "single")}  # fmt: skip
        for key, (series, window) in curves.items():
            if key in missing:
                continue
            why = {s: w for s in SIDES if (w := self._too_few_values(series[s], s, window))}
            if why:
                at = key if len(why) == 2 else _side_key(key, next(iter(why)))
                missing[at] = "; ".join(why.values()) + _feet_clause(self.landmarks)
        for key, val in (("rearfoot_eversion_deg", rearfoot), ("pelvic_drop_deg", drop), ("foot_progression_deg", fpa),
                         ("knee_frontal_deg", knee), ("hip_rotation_deg", hip)):  # fmt: skip
            if key in missing:
                continue
            few = [s for s in SIDES if t.strides[s] < MIN_STRIDES]
            if key == "pelvic_drop_deg" and rhythm is not None:  # neither side had enough strides
                if not from_rhythm:
                    missing[key] = f"{_too_few_strides(t.strides)}, and {rhythm.why}"
            elif few:
                missing[key if len(few) == 2 else _side_key(key, few[0])] = _too_few_strides(t.strides, few)
        # Fewer than 3 valid strides a side: the few there are give way to the whole walk's rhythm.
        cadence = 120.0 / rhythm.stride_s if from_rhythm else t.cadence_spm  # two steps a stride
        for key, val in (("cadence_spm", cadence), ("stride_time_s", t.stride_time_s["left"]),
                         ("stance_fraction", t.stance_fraction["left"])):  # fmt: skip
            if val is None and key not in missing:
                missing[key] = _too_few_strides(t.strides)
        lld = self.pelvis.leg_length_difference_mm
        unc = {
            "stride_time_sd_s": t.stride_time_sd_s,
            "rearfoot_eversion_deg": {s: self._with_visibility(peaks[s][1], s, "rearfoot") for s in SIDES} if rearfoot else None,
            "pelvic_drop_deg": {f"{s}_stance": self._with_visibility(drop_peaks[f"{s}_stance"][1], s, "pelvis")
                                for s in SIDES} if drop_peaks else None,  # fmt: skip
            "foot_progression_deg": {s: self._uncertainty("foot_progression", s, "foot") for s in SIDES} if fpa else None,
            "knee_frontal_deg": {s: self._with_visibility(knee_peaks[s][1], s, "knee") for s in SIDES} if knee_peaks else None,
        }
        out = {
            "schema": SCHEMA,
            "view": self.view,
            "duration_s": self.landmarks.duration,
            "strides": dict(t.strides),
            "cadence_spm": cadence,
            "stride_time_s": t.stride_time_s,
            "stance_fraction": t.stance_fraction,
            "rearfoot_eversion_deg": rearfoot,
            "pelvic_drop_deg": drop,
            "foot_progression_deg": fpa,
            "knee_frontal_deg": knee,
            "leg_length_difference_mm": lld,
            "pressure": None,
            "findings": [],
            "step_time_s": t.step_time_s,
            "step_time_asymmetry_pct": t.step_time_asymmetry_pct,
            "hip_rotation_deg": hip,
            "pelvis": {
                "reference": self.pelvis.reference or None,
                "standing_s": [self.standing.start, self.standing.end] if self.standing else None,
                "static_obliquity_deg": self.pelvis.static_obliquity_deg,
                "hip_width_mm": self.pelvis.hip_width_mm,
            },
            "events": {**self.events.to_json(), "rejected_strides": [
                {"side": s.side, "start": s.start, "end": s.end, "reason": s.reason} for s in self.strides if not s.valid]},
            "uncertainties": unc,
            "swaps_repaired": self.landmarks.swaps_repaired,
            "frontal_sources": self.sources or None,
            "missing": missing,
            "notes": {**self.notes, **({"events": "; ".join(self.events.notes)} if self.events.notes else {}),
                      **self._pelvis_notes(from_rhythm)},
        }  # fmt: skip
        out = _clean(out)
        # Whatever has no value says why, if nothing above did.
        for key in REPORTED:
            if _empty(out[key]) and not any(k == key or k.startswith(key + ".") for k in out["missing"]):
                out["missing"][key] = "no valid stride held the values it needs" + _feet_clause(self.landmarks)
        return out

    def _pelvis_notes(self, from_rhythm: bool) -> dict[str, str]:
        """How the pelvic drop (and the cadence, when read from the pelvis) was read, where
        that is not the usual way."""
        drop, out = [], {}
        if self.pelvis.reference == "ankle_line":
            drop.append("no standing phase: drop measured against the ankle line, so a static pelvic tilt counts as drop")
        rhythm = self.pelvis.rhythm
        if from_rhythm:
            few = _too_few_strides(self.timing.strides, a_side=True)
            n = {k: len(v) for k, v in rhythm.drops.items()}
            drop.append(f"{few}: each stride's drop read from the pelvis's own rhythm (its tilt repeats every "
                        f"{rhythm.stride_s:.2f} s; {n['left_stance']} strides standing on the left leg, "
                        f"{n['right_stance']} on the right), the swing-side hip's lowest point in each")  # fmt: skip
            out["cadence_spm"] = f"{few}: from the pelvis's rhythm, a stride every {rhythm.stride_s:.2f} s"
        if drop:
            out["pelvic_drop_deg"] = "; ".join(drop)
        return out

    def _uncertainty(self, key: str, side: str, part: str) -> dict | None:
        """Stride-to-stride SD, standard error of the mean and the landmarks' visibility."""
        sd = self._side_sd(key, side)
        n = sum(1 for s, v in self.per_stride.items() if s.side == side and np.isfinite(v.get(key, np.nan)))
        vis = self._visibility(side, part)
        if sd is None:
            return None
        return {"sd": sd, "se": sd / np.sqrt(n), "n": n, "visibility": vis}

    def _with_visibility(self, spread: dict | None, side: str, part: str) -> dict | None:
        """A curve peak's spread (`_curve_peak`) with the landmarks' visibility beside it."""
        return {**spread, "visibility": self._visibility(side, part)} if spread is not None else None

    def _visibility(self, side: str, part: str) -> float | None:
        idx = {"rearfoot": [KNEE, ANKLE, HEEL, TOE], "foot": [HEEL, TOE], "knee": [0, KNEE, ANKLE], "pelvis": [0]}[part]
        cols = LEG[side][idx] if part != "pelvis" else np.concatenate([LEG["left"][:1], LEG["right"][:1]])
        walking = np.zeros(len(self.landmarks.t), bool)
        for s in self.strides:
            if s.valid:
                walking |= (self.landmarks.t >= s.start) & (self.landmarks.t <= s.end)
        v = self.landmarks.visibility[walking][:, cols]
        return float(np.mean(v)) if v.size else None

    # ---- tables and curves ------------------------------------------------------------
    def frame_table(self) -> tuple[list[str], np.ndarray]:
        """Per-frame table: t, pelvic obliquity, per-side angles, stance and event flags."""
        L = self.landmarks
        cols, data = ["t", "detected", "pelvic_obliquity_deg"], [L.t, L.detected.astype(float), self.pelvis.obliquity_deg]
        for side in SIDES:
            for name in SERIES:
                cols.append(f"{side}_{name}")
                data.append(self.series[name][side])
            stance = np.zeros(len(L.t))
            for s in self.strides:
                if s.valid and s.side == side:
                    stance[(L.t >= s.start) & (L.t < s.toe_off)] = 1.0
            hs = np.zeros(len(L.t))
            to = np.zeros(len(L.t))
            near = lambda times: np.clip(np.searchsorted(L.t, np.asarray(times) - 0.5 / L.fs), 0, len(L.t) - 1)  # noqa: E731
            hs[near(self.events.heel_strike[side])] = 1.0
            to[near(self.events.toe_off[side])] = 1.0
            cols += [f"{side}_stance", f"{side}_heel_strike", f"{side}_toe_off"]
            data += [stance, hs, to]
        return cols, np.column_stack(data)

    STRIDE_COLUMNS = ("side", "start_s", "end_s", "valid", "reason", "stride_time_s", "stance_fraction",
                      "single_stance_start_s", "single_stance_end_s", "rearfoot_peak_deg", "rearfoot_mean_stance_deg",
                      "knee_frontal_peak_deg", "foot_progression_deg", "hip_rotation_deg", "pelvic_drop_deg")  # fmt: skip

    def stride_table(self) -> tuple[list[str], list[list]]:
        """One row per candidate stride (rejected ones too, with the reason); None = n/a."""
        keys = ("rearfoot_peak", "rearfoot_mean", "knee_frontal_peak", "foot_progression", "hip_rotation", "pelvic_drop")
        rows = []
        for s in self.strides:
            v = self.per_stride.get(s, {})
            rows.append(_clean([s.side, s.start, s.end, s.valid, s.reason, s.duration, s.stance_fraction,
                                s.opposite_toe_off, s.opposite_heel_strike] + [v.get(k) for k in keys]))  # fmt: skip
        return list(self.STRIDE_COLUMNS), rows

    def curves(self) -> dict[str, dict[str, dict[str, Any]]]:
        """name -> side -> {"mean": (101,), "sd": (101,), "n": strides} over valid strides;
        `pelvic_obliquity_deg` per side is the obliquity in that side's strides. A side with
        values in fewer than MIN_STRIDES strides has no curve (NaN), as it has no peak: one or
        two strides are no average (the report drew a single stride's as the mean before)."""
        L = self.landmarks
        out: dict[str, dict[str, dict[str, Any]]] = {}
        named = dict(self.series)
        named["pelvic_obliquity_deg"] = {s: self.pelvis.obliquity_deg for s in SIDES}
        for name, per in named.items():
            out[name] = {}
            for side in SIDES:
                strides = cycles.valid_strides(self.strides, side)
                c = cycles.cycle_curves(L.t, per[side], strides)
                n = int(np.sum(np.any(np.isfinite(c), axis=1)))
                mean, sd = cycles.mean_sd(c) if n >= MIN_STRIDES else (np.full(c.shape[1], np.nan),) * 2
                out[name][side] = {"mean": mean, "sd": sd, "n": n}
        return out


def _has_world(L: Landmarks) -> bool:
    return bool(np.isfinite(L.world[L.present][:, LEG["left"][0]]).any())


def analyze_track(track: PoseTrack, event_method: str = "auto", repair_swaps: bool = True,
                  contacts: events.Events | None = None, landmarks: str = "estimated",
                  frontal_image: FrontalSeries | None = None, contacts_apart: bool = False) -> GaitAnalysis:  # fmt: skip
    """Events, strides, timing and every angle of `track` (see the module docstring).

    `landmarks` says whose landmarks these are: "estimated" (a pose model's) withholds the
    values listed in NEEDS_TRUE_LANDMARKS, "true" (known positions) computes everything.

    `contacts` are events from an instrument on the same clock (an insole's heel strikes
    and toe offs); when given they segment the strides instead of the landmarks' events,
    which from behind or in front are the weakest part of a video-only analysis. With
    `contacts_apart` (recorded apart from the video, maybe on another clock) they are
    shifted to meet the video's own heel strikes where they do not (`events.clock_shift`).

    A walker who turned round (away from the camera and back) is measured on one stretch of
    one view, the track's (`gait.pose.view.turn`), and `notes["turn"]` says which. In a
    frontal view each frame's labels are matched to the view by its torso
    (`gait.pose.identity.face_view`), and `notes["labels"]` says when that changed any.

    `frontal_image` are rearfoot angles and pelvic obliquity measured on the video's pixels
    (`gait.vision`); they replace what landmarks cannot carry, so with them the "estimated"
    gate no longer withholds rearfoot eversion (posterior view) and pelvic drop, nor, when
    both shoe collars were seen while standing (posterior view), the leg-length screen.
    """
    from gait.pose.identity import face_view
    from gait.pose.view import describe_turn, detect_view, turn

    notes: dict[str, str] = {}
    turned = turn(track, track.view)
    if turned is not None:  # measured on one stretch of one view (`gait.pose.view.turn`)
        parts, measured = turned
        notes["turn"] = describe_turn(track, parts, measured)
        if measured is not None:
            track = track.frames(slice(measured.start, measured.end)).with_view(measured.view)
    if track.view == "unknown":
        guess = detect_view(track)
        track = track.with_view(guess.view)
        notes["view"] = f"view not given; detected {guess.view} ({guess.reason}, confidence {guess.confidence:.2f})"
    track, mirrored, edge_on = face_view(track, track.view) if repair_swaps else (track, 0, 0)
    if mirrored or edge_on:
        notes["labels"] = (f"left and right matched to the {track.view} view by the torso: {mirrored} frames mirrored, "
                           f"{edge_on} dropped where it could not tell")  # fmt: skip
    L = prepare(track, repair=repair_swaps)
    notes.update(_clock_note(track.t, L.t))
    if contacts is not None and contacts_apart:
        own = (image_events(frontal_image.at(L.t)) if frontal_image is not None and frontal_image.legs is not None
               and L.view == "posterior" else events.detect_events(L))  # fmt: skip
        contacts = _on_video_clock(contacts, own, notes)
    if contacts is not None:
        return analyze_landmarks(L, contacts, landmarks, frontal_image, notes)
    a = analyze_landmarks(L, events.detect_events(L, event_method), landmarks, frontal_image, notes)
    if event_method != "auto" or frontal_image is None or frontal_image.legs is None or L.view != "posterior":
        return a
    # From behind, the shoes' motion in the image finds the contacts far closer than the pose
    # model's heels and toes do (README: on the same 16 rendered treadmill walks 93 % of heel
    # strikes within a frame against 64 %), so its strides are taken whenever there are enough.
    b = analyze_landmarks(L, image_events(frontal_image.at(L.t)), landmarks, frontal_image, notes)
    image, pose = min(b.timing.strides.values()), min(a.timing.strides.values())
    if image < MIN_STRIDES and image <= pose:
        return a
    return _with_image_events(b, "strides from the shoes' motion (collar and heel) in the image, which from behind "
                                 "finds the contacts closer than the pose model's heels and toes")  # fmt: skip


def _on_video_clock(contacts: events.Events, own: events.Events, notes: dict[str, str]) -> events.Events:
    """`contacts` recorded apart from the video, shifted to meet its `own` heel strikes where
    they do not (`events.clock_shift`); what was done goes into `notes`."""
    if own.quality < events.MIN_QUALITY:
        notes["contacts_clock"] = (f"the video's own heel strikes were too irregular (quality {own.quality:.2f}) to "
                                   f"check the {contacts.method}'s clock against: taken as the video's")  # fmt: skip
        return contacts
    shift = events.clock_shift(contacts, own)
    if shift is None:
        notes["contacts_clock"] = (
            f"the {contacts.method}'s heel strikes do not meet the video's own ({own.method}) at any shift: "
            "recorded on another clock? Its strides are taken as they are")  # fmt: skip
    elif shift:
        notes["contacts_clock"] = (
            f"the {contacts.method}'s heel strikes met the video's own when shifted by {shift:+.2f} s (to within "
            "whole strides, which segment the same): another clock, so they were")  # fmt: skip
        return events.shifted(contacts, shift)
    return contacts


def _slow_motion_note(t: np.ndarray, alternation: np.ndarray) -> dict[str, str]:
    """A note when the legs alternate slower than any walk (`cycles.STRIDE_S`): a slow-motion
    clip played at its slowed pace, whose strides were all rejected as too long.
    `alternation` is a left-minus-right row (the ankles', a close-up's shoe collars')."""
    period = spatiotemporal.alternation_period(t, alternation)
    if period is None or period <= cycles.STRIDE_S[1]:
        return {}
    return {"slow_motion": f"the legs alternate once every {period:.1f} s, and a walking stride takes "
                           f"{cycles.STRIDE_S[0]}-{cycles.STRIDE_S[1]} s: a slow-motion clip? --slow-motion N "
                           "(N times slower than life) measures it at its real pace"}  # fmt: skip


def _clock_note(frames: np.ndarray, clock: np.ndarray) -> dict[str, str]:
    """A note when the frames came unsteadily and were measured on a regular clock instead."""
    if len(frames) == len(clock) and np.array_equal(frames, clock):
        return {}
    ms = 1000.0 * np.diff(frames)
    return {"clock": f"frame intervals varied ({ms.min():.0f}-{ms.max():.0f} ms: a variable frame rate or dropped "
                     f"frames); measured on a regular {1000.0 / np.median(ms):.1f} fps clock"}


def image_events(frontal_image: FrontalSeries) -> events.Events:
    """Heel strikes and toe offs from where the image shows each leg's shoe collar and, from
    a whole-body view, its heel's sole (`collar_events`); `frontal_image.legs` must be there."""
    legs = frontal_image.legs
    assert legs is not None
    sole = {s: legs[s].sole_y for s in SIDES} if all(legs[s].sole_y is not None for s in SIDES) else None
    return collar_events.detect_collar_events(frontal_image.t, *({s: getattr(legs[s], k) for s in SIDES}
                                                                 for k in ("x", "width", "collar_y", "above")),
                                              framing=frontal_image.framing, sole_y=sole)  # fmt: skip


def _with_image_events(a: GaitAnalysis, timing_note: str) -> GaitAnalysis:
    """`a` segmented by `image_events`: its toe offs are the heel's fastest rise, which is not
    the toes leaving (on the walker up to ~70 ms off), so the stance fraction is withheld."""
    missing = dict(a.missing)
    missing["stance_fraction"] = (
        "toe off is read from the image as the heel's fastest rise, which on the walker comes up to ~70 ms "
        "off the toes leaving (mostly before), too loose for a stance time; record an insole with it "
        "(--insole) for the stance fraction")  # fmt: skip
    return replace(a, missing=missing, notes={**a.notes, "timing": timing_note},
                   timing=replace(a.timing, stance_fraction={s: None for s in SIDES}))


def analyze_landmarks(L: Landmarks, ev: events.Events, landmarks: str = "estimated",
                      frontal_image: FrontalSeries | None = None, notes: dict[str, str] | None = None
                      ) -> GaitAnalysis:  # fmt: skip
    """`analyze_track` from conditioned landmarks and the events that segment their strides."""
    notes = dict(notes or {})
    strides = cycles.segment_strides(ev, L.present, L.t)
    timing = spatiotemporal.timing(strides)
    if min(timing.strides.values()) < MIN_STRIDES:
        notes.update(_slow_motion_note(L.t, L.leg("left", ANKLE)[:, 1] - L.leg("right", ANKLE)[:, 1]))
    standing = pelvis.find_standing(L)
    image = image_frontal.condition(frontal_image, L) if frontal_image is not None and L.view in FRONTAL_VIEWS else None
    image_pelvis = image is not None and image.has_pelvis and landmarks == "estimated"
    pel = pelvis.analyse_pelvis(L, strides, standing, image.obliquity_deg if image_pelvis else None,
                                image.level_deg if image_pelvis else None)  # fmt: skip
    missing: dict[str, str] = dict(pel.missing)
    if L.view == "unknown":
        missing["view"] = notes.pop("view", "view unknown")
    nan = np.full(len(L.t), np.nan)
    series: dict[str, dict[str, np.ndarray]] = {name: {s: nan for s in SIDES} for name in SERIES}
    world = _has_world(L)
    if L.view == "posterior":
        series["rearfoot_eversion_deg"] = {s: frontal.rearfoot_eversion(L, s) for s in SIDES}
    else:
        missing["rearfoot_eversion_deg"] = (
            "rearfoot eversion needs a posterior view (heel and calcaneus seen from behind)"
            f"; this is {L.view}")
    if L.view in FRONTAL_VIEWS:
        series["knee_frontal_deg"] = {s: frontal.knee_frontal(L, s) for s in SIDES}
    else:
        missing["knee_frontal_deg"] = f"knee frontal-plane angle needs a posterior or anterior view; this is {L.view}"
    walking = np.zeros(len(L.t), bool)
    for s in strides:
        if s.valid:
            walking |= (L.t >= s.start) & (L.t <= s.end)
    frame = rotation.walking_frame(L, walking) if world else None
    if frame is not None:
        series["foot_progression_deg"] = {s: rotation.foot_progression(L, s, frame) for s in SIDES}
        series["hip_rotation_deg"] = {s: rotation.hip_rotation(L, s, frame) for s in SIDES}
        series["knee_flexion_deg"] = {s: rotation.knee_flexion(L, s) for s in SIDES}
    else:
        why = "needs world landmarks over valid strides" if world else "needs world landmarks (none in this track)"
        missing["foot_progression_deg"] = "foot progression " + why
        missing["hip_rotation_deg"] = "hip rotation " + why
    if landmarks not in LANDMARK_SOURCES:
        raise ValueError(f"landmarks must be one of {LANDMARK_SOURCES}, not {landmarks!r}")
    measured = set()
    if image is not None and image.has_rearfoot and L.view == "posterior":
        if image.too_grainy:
            notes["grain"] = image_frontal.grain_reason(image.grain_sd)
        else:
            measured.add("rearfoot_eversion_deg")
    if image_pelvis:
        measured.add("pelvic_drop_deg")
        if pel.leg_length_difference_mm is not None:
            measured.add("leg_length_difference_mm")
    if landmarks == "estimated":
        if image is not None and L.view == "posterior" and "rearfoot_eversion_deg" not in measured:
            missing.setdefault("rearfoot_eversion_deg", notes.get("grain")
                               or "no heel was seen in the picture to measure" + _feet_clause(L))  # fmt: skip
        # Knee flexion too: from behind or in front it rests on the world landmarks' depth.
        for name in ("rearfoot_eversion_deg", "foot_progression_deg", "hip_rotation_deg", "knee_flexion_deg"):
            series[name] = {s: nan for s in SIDES}
        if not image_pelvis:
            pel = replace(pel, obliquity_deg=nan, drop_per_stride={}, static_obliquity_deg=None,
                          hip_width_mm=None, leg_length_difference_mm=None)  # fmt: skip
        for key in NEEDS_TRUE_LANDMARKS:
            if key not in measured:
                missing.setdefault(key, ESTIMATED_REASON)  # a view's own reason says more
    sources: dict[str, Any] = {}
    if "rearfoot_eversion_deg" in measured:
        combined = {s: image_frontal.combine_rearfoot(image.rearfoot_deg[s], series["rearfoot_eversion_deg"][s]) for s in SIDES}
        series["rearfoot_eversion_deg"] = {s: combined[s][0] for s in SIDES}
        sources["rearfoot_eversion_deg"] = {
            "source": "image" if landmarks == "estimated" else "image+landmarks",
            "frames_measured": {s: image.measured[f"rearfoot_{s}"] for s in SIDES},
            "noise_sd": image.grain_sd if np.isfinite(image.grain_sd) else None,  # grey levels (`gait.vision.grain`)
            "landmarks_disagree": {s: combined[s][1] for s in SIDES} if landmarks == "true" else None,
        }  # fmt: skip
    if image_pelvis:
        sources["pelvic_drop_deg"] = {"source": "image", "frames_measured": image.measured["pelvis"]}
    if "leg_length_difference_mm" in measured:  # the hip width (metrics' pelvis.hip_width_mm) is an adult's, assumed
        sources["leg_length_difference_mm"] = {"source": "image", "level": "shoe collars while standing"}
    per_stride = _per_stride(L, strides, series, pel)
    if ev.quality < events.MIN_QUALITY:
        missing["events"] = f"gait events irregular (quality {ev.quality:.2f}, signal {ev.method})"
    return GaitAnalysis(L, ev, strides, timing, standing, pel, series, per_stride, missing, notes, sources)


def analyze_closeup(frontal_image: FrontalSeries, size: tuple[int, int], contacts: events.Events | None = None,
                    contacts_apart: bool = False) -> GaitAnalysis:  # fmt: skip
    """A lower-leg close-up seen from behind (`frontal_image.framing == "legs"`): rearfoot
    eversion from the image, strides from an instrument's `contacts` (an insole's) or, without
    one, from the shoe collars' motion in the image itself (`collar_events`).

    The frame shows shins and shoes only, so there are no body landmarks: no pelvis, no knee
    angle. Those are None with the reason, as is everything per stride when neither contacts
    nor the image give strides. The image's toe offs come before the toes leave (the heel's
    fastest rise, `collar_events`), so with them the stance fraction is withheld.
    """
    L = without_landmarks(frontal_image.t, size)
    notes = _clock_note(frontal_image.t, L.t)
    own = image_events(frontal_image.at(L.t)) if frontal_image.legs is not None else None
    ev = contacts if contacts is not None else own
    if contacts is not None and contacts_apart and own is not None:
        ev = _on_video_clock(contacts, own, notes)
    if ev is None:
        ev = events.Events({s: np.empty(0) for s in SIDES}, {s: np.empty(0) for s in SIDES}, "none")
    a = analyze_landmarks(L, ev, "estimated", frontal_image, notes)
    legs_only = "a lower-leg close-up shows no {}"
    missing = dict(a.missing)
    missing.update({
        "pelvic_drop_deg": legs_only.format("pelvis"),
        "leg_length_difference_mm": legs_only.format("pelvis"),
        "knee_frontal_deg": legs_only.format("hips or knees"),
        "foot_progression_deg": legs_only.format("body landmarks to take the foot's direction from"),
        "hip_rotation_deg": legs_only.format("hips"),
    })  # fmt: skip
    if ev.method == "none":
        why = ("a lower-leg close-up without the legs' positions has no body landmarks to find heel strikes and "
               "toe offs in; record an insole with it (--insole) to segment the strides")  # fmt: skip
        missing.update({key: why for key in ("events", "cadence_spm", "stride_time_s", "stance_fraction",
                                             "rearfoot_eversion_deg")})  # fmt: skip
    elif ev.method == collar_events.METHODS["legs"]:
        valid = {s: len(cycles.valid_strides(a.strides, s)) for s in SIDES}
        if min(valid.values()) < MIN_STRIDES or ev.quality < events.MIN_QUALITY:
            why = (f"the shoe collars' motion in the close-up gave too few regular strides (valid: left "
                   f"{valid['left']}, right {valid['right']}; event quality {ev.quality:.2f}); record an insole "
                   "with it (--insole) to segment the strides")  # fmt: skip
            missing["events"] = why
            if max(valid.values()) < MIN_STRIDES:  # else the per-side gaps are named by `metrics()`
                missing.update({key: why for key in ("cadence_spm", "stride_time_s", "rearfoot_eversion_deg")})
    notes = {**a.notes, "framing": "lower-leg close-up: legs found in the image, rearfoot eversion measured on it"}
    if frontal_image.legs is not None and min(a.timing.strides.values()) < MIN_STRIDES:
        legs = frontal_image.at(L.t).legs
        notes.update(_slow_motion_note(L.t, legs["left"].collar_y - legs["right"].collar_y))
    a = replace(a, missing=missing, notes=notes)
    if ev.method == collar_events.METHODS["legs"]:
        a = _with_image_events(a, "strides from the shoe collars' motion in the close-up (no insole given)")
    return a


def _per_stride(L: Landmarks, strides: list[Stride], series: dict[str, dict[str, np.ndarray]],
                pel: pelvis.PelvisResult) -> dict[Stride, dict[str, float]]:  # fmt: skip
    """Per valid stride: rearfoot peak/mean and knee frontal peak in stance, foot progression
    over foot flat, hip rotation over the stride, pelvic drop in single stance."""
    out: dict[Stride, dict[str, float]] = {}
    for side in SIDES:
        valid = cycles.valid_strides(strides, side)
        if not valid:
            continue
        stance = np.array([(s.start, s.toe_off) for s in valid])
        whole = np.array([(s.start, s.end) for s in valid])
        flat = whole[:, :1] + np.outer(whole[:, 1] - whole[:, 0], rotation.FOOT_FLAT)
        vals = {
            "rearfoot_peak": cycles.window_reduce(L.t, series["rearfoot_eversion_deg"][side], stance, "max"),
            "rearfoot_mean": cycles.window_reduce(L.t, series["rearfoot_eversion_deg"][side], stance, "mean"),
            "knee_frontal_peak": cycles.window_reduce(L.t, series["knee_frontal_deg"][side], stance, "max"),
            "foot_progression": cycles.window_reduce(L.t, series["foot_progression_deg"][side], flat, "mean"),
            "hip_rotation": cycles.window_reduce(L.t, series["hip_rotation_deg"][side], whole, "mean"),
        }
        for i, s in enumerate(valid):
            out[s] = {k: float(v[i]) for k, v in vals.items()}
            if s in pel.drop_per_stride:
                out[s]["pelvic_drop"] = pel.drop_per_stride[s]
    return out


def insole_only_metrics(pressure: dict, duration_s: float) -> dict:
    """The `gait.metrics/1` dict for an insole recording with no video: timing from the
    insole's contact events, every landmark-based value null with its reason."""
    no_video = "no video or pose track: only the insole was recorded"
    angles = ("rearfoot_eversion_deg", "pelvic_drop_deg", "foot_progression_deg", "knee_frontal_deg",
              "leg_length_difference_mm")  # fmt: skip
    out = {
        "schema": SCHEMA,
        "view": None,
        "duration_s": duration_s,
        "strides": pressure.get("strides"),
        "cadence_spm": pressure.get("cadence_spm"),
        "stride_time_s": pressure.get("stride_time_s"),
        "stance_fraction": pressure.get("stance_fraction"),
        **{key: None for key in angles},
        "pressure": None,
        "findings": [],
        "missing": {"view": no_video, **{key: no_video for key in angles}},
        "notes": {"timing": "strides, cadence, stride time and stance fraction from the insole's contact events"},
    }
    return _clean(out)
