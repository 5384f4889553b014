"""Pelvis in the frontal plane: standing reference, pelvic drop, leg-length screen.

Pelvic obliquity is the angle of the hip-to-hip line on a frontal (posterior or anterior)
image, + = the subject's right hip lower. Drop is measured against a level reference so
that camera roll and a static pelvic tilt do not count as drop: the obliquity of a standing
phase found at the start of the recording, or, without one, the line through the ankles
(which removes camera roll but not a static tilt).

Without strides to segment (a walk away from the camera filmed without an insole has no heel
strikes in the image) the drop is read from the pelvis's own rhythm instead (`rhythm_drops`).

The leg-length screen reads the standing pelvic obliquity against the ankle line and turns
it into millimetres with the pelvis width from the world landmarks' hip distance (world
scale): LLD = -w sin(obliquity). World-landmark segment lengths are not used: MediaPipe's
world legs show a consistent ~60 mm left/right bias (google-ai-edge/mediapipe issue 4125).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import correlate, find_peaks

from gait import landmarks as lm
from gait.analysis.cycles import MAX_DEVIATION, STRIDE_S, Stride, window_reduce
from gait.analysis.prepare import FRONTAL_VIEWS, SIDES, Landmarks
from gait.analysis.spatiotemporal import MIN_STRIDES

# Standing: every key landmark stays within this share of the leg's image length (hip to
# ankle) of where it was at the start, for at least STANDING_MIN_S.
STANDING_TOLERANCE = 0.03
STANDING_MIN_S = 1.0
STANDING_START_S = 0.5  # the standing phase must begin within this time of the first frame
STANDING_MARGIN_S = 0.25  # dropped from its end: the first, slow motion of walking
# Stillness is judged on shoulders, hips, knees, ankles and heels. Not the toes: from behind
# (or in front) they hide behind the heel, and a pose model's toe landmark wanders 5-6 px while
# the person stands still (measured on the walker's rendered video at 640x480).
KEY = np.array([lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER, *lm.LEFT_LEG[:-1], *lm.RIGHT_LEG[:-1]])
# A measured obliquity series is still while it stays within 1 deg (half the 2-degree accuracy
# pelvic drop must reach) of its median over the first STANDING_START_S.
STILL_OBLIQUITY_DEG = 1.0
# Hip joint centres of an adult are ~175 mm apart (Winter 2009; `vision.pelvis` sizes its
# search box by the same figure). It turns the image's standing tilt into millimetres: the
# pose model gives no person's size (its world hips sit 105-128 mm apart on walkers whose
# joints are 161-186 mm apart, and its hip-to-ankle length is ~0.80 m whatever the height; 12
# rendered walks), so a body 10 % larger or smaller than this scales the figure by as much.
HIP_JOINT_SEPARATION_MM = 175.0
# The obliquity repeats once a stride when a person walks: its autocorrelation a stride apart
# (normalised by the whole series' energy) was 0.77-0.84 on 48 rendered 1280x720 walks read
# from the image (32 on a treadmill, 16 away from the camera), and at most 0.25 for the same
# values shuffled (no rhythm). Half of the series repeating a stride later is the line.
RHYTHM_MIN = 0.5


@dataclass(frozen=True)
class Standing:
    start: float
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


def find_standing(L: Landmarks) -> Standing | None:
    """A still standing phase (>= 1 s) at the start of the recording, or None."""
    ok = np.flatnonzero(L.present & np.isfinite(L.px[:, KEY]).all(axis=(1, 2)))
    if len(ok) < 3:
        return None
    first = ok[0]
    pts = L.px[:, KEY]
    leg = np.nanmedian(np.abs(L.hip_mid("px")[:, 1] - 0.5 * (L.px[:, lm.LEFT_ANKLE, 1] + L.px[:, lm.RIGHT_ANKLE, 1])))
    if not np.isfinite(leg) or leg <= 0:
        return None
    tol = max(STANDING_TOLERANCE * leg, 2.0)
    head = (L.t >= L.t[first]) & (L.t <= L.t[first] + STANDING_START_S) & L.present
    ref = np.nanmedian(pts[head], axis=0)
    dist = np.linalg.norm(pts - ref, axis=-1)
    dev = np.max(np.where(np.isfinite(dist), dist, -np.inf), axis=1)
    dev[~np.isfinite(dist).any(axis=1)] = np.nan
    moving = ~(dev <= tol)  # NaN (missing) counts as moving
    # Still frames may begin a little after the first one: a pose model's first detections
    # settle over a few frames before tracking steadies.
    still = first + np.flatnonzero(~moving[first:])
    if not len(still) or L.t[still[0]] - L.t[first] > STANDING_START_S:
        return None
    start = still[0]
    after = np.flatnonzero(moving[start:])
    stop = start + after[0] if len(after) else len(L.t)
    end_t = L.t[stop - 1] - STANDING_MARGIN_S
    if end_t - L.t[start] < STANDING_MIN_S:
        return None
    return Standing(float(L.t[start]), float(end_t))


def still_start(t: np.ndarray, obliquity_deg: np.ndarray) -> Standing | None:
    """A standing phase read from a measured obliquity series (>= STANDING_MIN_S at the
    start, the series still), for when the landmarks jitter too much to show one.

    Frames the series misses neither end the phase nor count in it: on grainy video the pose
    model's hips jitter by tens of pixels and the pelvis's search box misses it in some frames
    while the rest read still (the right-hyperpronation sample with noise of SD 18 grey levels
    added: a third of the standing frames missed, the others within 0.5 deg). At least half the
    phase's frames must be measured, as for the collar line in `analyse_pelvis`. It starts at
    the first frame within STILL_OBLIQUITY_DEG of the opening median: a slip in the first
    frame does not end it before it begins."""
    ok = np.flatnonzero(np.isfinite(obliquity_deg))
    if len(ok) < 3:
        return None
    head = np.isfinite(obliquity_deg) & (t <= t[ok[0]] + STANDING_START_S)
    with np.errstate(invalid="ignore"):
        off = np.abs(obliquity_deg - np.median(obliquity_deg[head])) > STILL_OBLIQUITY_DEG  # NaN: not off
    still = np.flatnonzero(np.isfinite(obliquity_deg) & ~off)
    if not len(still) or t[still[0]] - t[ok[0]] > STANDING_START_S:
        return None
    start = int(still[0])
    after = np.flatnonzero(off[start:])
    stop = start + int(after[0]) if len(after) else len(t)
    end = float(t[stop - 1]) - STANDING_MARGIN_S
    if end - t[start] < STANDING_MIN_S or np.isfinite(obliquity_deg[start:stop]).mean() < 0.5:
        return None
    return Standing(float(t[start]), end)


def _line_angle(L: Landmarks, left: int, right: int) -> np.ndarray:
    """Angle (deg) of the left->right landmark line on the image, + = right one lower."""
    sign = 1.0 if L.view == "posterior" else -1.0  # subject's right is on image right from behind
    d = L.px[:, right] - L.px[:, left]
    return np.degrees(np.arctan2(d[:, 1], sign * d[:, 0]))


def obliquity(L: Landmarks) -> np.ndarray:
    """(T,) pelvic obliquity on the image (deg, + = right hip lower); NaN if not frontal."""
    if L.view not in FRONTAL_VIEWS:
        return np.full(len(L.t), np.nan)
    return _line_angle(L, lm.LEFT_HIP, lm.RIGHT_HIP)


def ankle_line(L: Landmarks) -> np.ndarray:
    """(T,) angle of the line through the ankles (deg, + = right ankle lower on the image)."""
    if L.view not in FRONTAL_VIEWS:
        return np.full(len(L.t), np.nan)
    return _line_angle(L, lm.LEFT_ANKLE, lm.RIGHT_ANKLE)


@dataclass(frozen=True)
class RhythmDrops:
    """Pelvic drop read from the obliquity's own rhythm, for a walk without strides: per
    stance leg ("left_stance", "right_stance") the time and size of each stride's drop, and
    the stride's length (which gives the cadence); `why` says why there are no drops (then
    `drops` is empty)."""

    stride_s: float | None  # the obliquity's period
    times: dict[str, np.ndarray]
    drops: dict[str, np.ndarray]
    why: str | None = None


@dataclass(frozen=True)
class PelvisResult:
    obliquity_deg: np.ndarray  # (T,) relative to the reference, + = right hip lower
    reference: str  # "standing", "ankle_line" or ""
    reference_deg: float | None
    drop_per_stride: dict[Stride, float]  # valid stride -> peak swing-side drop (deg)
    static_obliquity_deg: float | None  # standing, against the ankle line
    hip_width_mm: float | None
    leg_length_difference_mm: float | None
    missing: dict[str, str]
    rhythm: RhythmDrops | None = None  # when neither side has MIN_STRIDES valid strides


def rhythm_drops(t: np.ndarray, rel: np.ndarray, start: float) -> RhythmDrops:
    """Each stride's swing-side drop from a level-referenced obliquity series (`rel`, + =
    right hip lower) without gait events, from time `start` (the end of standing) on.

    The swing side's hip is lowest in the opposite leg's single stance (Perry & Burnfield
    2010), so the series' highest point in each stride is the left stance's drop and its
    lowest the right stance's. The stride is the lag, within walking's stride times
    (`cycles.STRIDE_S`), at which the series repeats best (the autocorrelation's highest local
    maximum, RHYTHM_MIN at least). A peak counts when the same side's peak before it came one
    stride earlier (within `cycles.MAX_DEVIATION`, as strides are checked): the first, and
    those around a pause, a turn or a gap, do not. Gaps are bridged for the search only;
    peaks fall on measured frames."""
    empty = {f"{s}_stance": np.empty(0) for s in SIDES}
    seen = np.flatnonzero((t >= start) & np.isfinite(rel))
    if len(seen) < 3:
        return RhythmDrops(None, empty, empty, "the pelvis was not seen walking")
    fs = 1.0 / float(np.median(np.diff(t)))
    frames = np.arange(seen[0], seen[-1] + 1)
    x = np.interp(frames, seen, rel[seen])
    z = x - x.mean()
    energy = float(z @ z)
    lags = np.arange(max(int(STRIDE_S[0] * fs), 1), min(int(STRIDE_S[1] * fs), len(z) - 2) + 1)
    if not len(lags):
        return RhythmDrops(None, empty, empty, "the pelvis was not seen walking for a whole stride")
    if energy <= 0:
        return RhythmDrops(None, empty, empty, "the pelvis's tilt did not change (no walking seen)")
    ac = correlate(z, z, mode="full")[len(z) - 1 :] / energy
    # A repeat is a local maximum of the autocorrelation: a slow drift's is highest at the
    # shortest lag without repeating at all.
    tops = lags[(ac[lags] >= ac[lags - 1]) & (ac[lags] > ac[lags + 1])]
    if not len(tops):
        return RhythmDrops(None, empty, empty, f"the pelvis's tilt did not repeat within a walking stride's time "
                           f"({STRIDE_S[0]:g}-{STRIDE_S[1]:g} s)")  # fmt: skip
    best = float(ac[tops].max())
    if best < RHYTHM_MIN:
        return RhythmDrops(None, empty, empty, f"the pelvis's tilt did not repeat stride after stride "
                           f"(at best {best:.2f} of it a stride later, {RHYTHM_MIN:g} needed)")  # fmt: skip
    lag = int(tops[np.argmax(ac[tops])])
    # The stride between frames: the vertex of the parabola through the peak and its neighbours,
    # each lag's products averaged over their overlap. Over the whole series' energy the curve
    # tilts down with the lag as the overlap shrinks, which moves the vertex early: on 48
    # rendered walks (32 on a treadmill, 16 away) the stride read -0.63 +- 0.30 % of the
    # walker's that way (cadence up to 1.4 steps/min high), -0.24 +- 0.28 % this way.
    near = ac[lag - 1 : lag + 2] * len(z) / (len(z) - np.arange(lag - 1, lag + 2))
    curve = near[0] - 2.0 * near[1] + near[2]
    stride_s = (lag + (0.5 * (near[0] - near[2]) / curve if curve < 0 else 0.0)) / fs
    times, drops = {}, {}
    for side, sign in (("left_stance", 1.0), ("right_stance", -1.0)):
        peaks, _ = find_peaks(sign * x, distance=max(int((1 - MAX_DEVIATION) * lag), 1))
        peaks = peaks[np.isfinite(rel[frames[peaks]])]
        after = np.abs(np.diff(peaks) / lag - 1.0) <= MAX_DEVIATION
        keep = frames[peaks[1:][after]]
        times[side], drops[side] = t[keep], sign * rel[keep]
    few = [f"{k.split('_')[0]} {len(v)}" for k, v in drops.items() if len(v) < MIN_STRIDES]
    if few:
        return RhythmDrops(stride_s, empty, empty, f"the pelvis's tilt gave fewer than {MIN_STRIDES} whole strides "
                           f"({', '.join(few)})")  # fmt: skip
    return RhythmDrops(stride_s, times, drops)


def _during(L: Landmarks, s: Standing) -> np.ndarray:
    return (L.t >= s.start) & (L.t <= s.end) & L.present


def analyse_pelvis(L: Landmarks, strides: list[Stride], standing: Standing | None,
                   obliquity_deg: np.ndarray | None = None, level_deg: np.ndarray | None = None
                   ) -> PelvisResult:  # fmt: skip
    """Pelvic drop per valid stride and the standing leg-length screen; `obliquity_deg`
    (T,) replaces the hip line's obliquity when another source measures the pelvis, and
    `level_deg` (T,), that source's line at the ankles, replaces the ankle landmarks' line
    (the pose model's standing ankle line tilts 3-18 deg on level renders: its ankles, ~50 px
    apart at 720p, carry a few px of error) with `HIP_JOINT_SEPARATION_MM` for the width."""
    missing: dict[str, str] = {}
    n = len(L.t)
    if L.view not in FRONTAL_VIEWS:
        why = f"needs a posterior or anterior view (this is {L.view})"
        return PelvisResult(np.full(n, np.nan), "", None, {}, None, None, None,
                            {"pelvic_drop_deg": "pelvic drop " + why, "leg_length_difference_mm": "leg-length screen " + why})  # fmt: skip
    obl = obliquity(L) if obliquity_deg is None else obliquity_deg
    ankles = ankle_line(L)
    if standing is None and obliquity_deg is not None:
        standing = still_start(L.t, obl)
    static = width = lld = None
    if standing is not None:
        sel = _during(L, standing)
        ref = float(np.nanmedian(obl[sel]))
        kind = "standing"
        if obliquity_deg is None:
            static = float(np.nanmedian(obl[sel] - ankles[sel]))
            hips = L.world[sel][:, [lm.LEFT_HIP, lm.RIGHT_HIP]]
            w = 1000.0 * float(np.nanmedian(np.linalg.norm(hips[:, 0] - hips[:, 1], axis=-1)))
            why = "leg-length screen needs world landmarks of the hips while standing"
        else:
            both = obl[sel] - (level_deg[sel] if level_deg is not None else np.nan)
            # Half the standing frames at least: a collar line read in a few frames is a slip.
            static = float(np.nanmedian(both)) if np.mean(np.isfinite(both)) >= 0.5 else None
            w = HIP_JOINT_SEPARATION_MM
            why = ("leg-length screen needs both shoe collars seen in most of the standing phase" if level_deg is not None
                   else "leg-length screen from the image needs a posterior view's shoe collars (its level at the ankles)")
        if static is not None and not np.isfinite(static):
            static = None
        if static is not None and np.isfinite(w) and w > 0:
            width = w
            lld = -width * float(np.sin(np.radians(static)))
        else:
            missing["leg_length_difference_mm"] = why
    else:
        missing["leg_length_difference_mm"] = f"leg-length screen needs a still standing phase (>= {STANDING_MIN_S:g} s) at the start"
        # Mean over whole strides, so the feet's alternating heights and depths cancel.
        whole = np.array([(s.start, s.end) for s in strides if s.valid]).reshape(-1, 2)
        per = window_reduce(L.t, ankles, whole, "mean")
        ref = float(np.nanmean(per)) if np.isfinite(per).any() else np.nan
        kind = "ankle_line"
    if not np.isfinite(ref):
        missing["pelvic_drop_deg"] = "no level reference (neither standing nor ankles visible)"
        return PelvisResult(np.full(n, np.nan), "", None, {}, static, width, lld, missing)
    rel = obl - ref
    valid = [s for s in strides if s.valid]
    win = np.array([(s.opposite_toe_off, s.opposite_heel_strike) for s in valid])
    sign = np.array([1.0 if s.side == "left" else -1.0 for s in valid])
    peaks = {}
    if len(valid):
        up = window_reduce(L.t, rel, win, "max")
        down = -window_reduce(L.t, rel, win, "min")
        per = np.where(sign > 0, up, down)
        peaks = {s: float(v) for s, v in zip(valid, per)}
    rhythm = None
    if all(sum(s.side == side for s in valid) < MIN_STRIDES for side in SIDES):
        rhythm = rhythm_drops(L.t, rel, standing.end if standing is not None else float(L.t[0]))
    return PelvisResult(rel, kind, ref, peaks, static, width, lld, missing, rhythm)
