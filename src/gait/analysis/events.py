"""Gait events per side: heel strike (initial contact) and toe off, for every view.

Two families of signals:

- Zeni et al. 2008 (Gait Posture 27:710-714): heel strike where the heel is farthest
  ahead of the pelvis along the direction of travel, toe off where the toe is farthest
  behind it. Side views carry the direction of travel on the image x axis; frontal views
  carry it in depth (MediaPipe's world z, else its relative image z).
- Foot vertical motion, after O'Connor et al. 2007 (Gait Posture 25:469-474): heel strike
  where the heel's late-swing descent has stopped, toe off where the toe starts its
  early-swing lift. For frontal views whose depth is unusable.

`detect_events(..., method="auto")` tries the signals the view supports, best first, and
keeps the first that yields regular, alternating strides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.signal import find_peaks

from gait.analysis import signals
from gait.analysis.prepare import FRONTAL_VIEWS, HEEL, SIDE_VIEWS, SIDES, TOE, Landmarks

# Shortest plausible stride (s): successive same-side events are at least ~0.85 of it apart.
MIN_STRIDE_S = 0.6
# A peak must stand out by this share of the signal's walking range (5th-95th percentile).
PROMINENCE = 0.25
# Vertical method: contact when the heel's descent speed has fallen to this share of its
# late-swing peak; toe off when the toe's rise reaches this share of its early-swing peak.
VERTICAL_FRACTION = 0.2

# Direction of travel in depth (z away from the camera) for the views that show it: from behind
# the walker faces away, from the front toward the camera. The view says it; the feet do not:
# from behind the pose model puts the toes nearer the camera than the heels (median toe - heel
# world depth -0.04..-0.06 m in every frame of 40 rendered posterior walks, treadmill and
# overground), which would turn every depth event round.
DEPTH_FORWARD = {"posterior": 1.0, "anterior": -1.0}

METHODS = ("zeni_image_x", "zeni_world_depth", "zeni_image_depth", "vertical_world", "vertical_image")


@dataclass(frozen=True)
class Events:
    """Event times (s) per side, the signal they came from and how regular they look."""

    heel_strike: dict[str, np.ndarray]
    toe_off: dict[str, np.ndarray]
    method: str
    quality: float = 0.0  # 0..1, see `event_quality`
    notes: list[str] = field(default_factory=list)
    # How far before the toes leave the toe-off marker may come (s): the stride checks allow
    # a toe off that much before the other foot's heel strike (`cycles.segment_strides`).
    toe_off_lead_s: float = 0.0

    def to_json(self) -> dict:
        return {
            "method": self.method,
            "quality": round(float(self.quality), 3),
            **{side: {"heel_strike": [round(float(v), 4) for v in self.heel_strike[side]],
                      "toe_off": [round(float(v), 4) for v in self.toe_off[side]]} for side in SIDES},
        }  # fmt: skip


def _extrema(y: np.ndarray, t: np.ndarray, fs: float, maxima: bool) -> np.ndarray:
    """Times of prominent maxima (or minima) of y, refined to sub-frame by a parabola.

    Extrema on or beside missing samples are dropped.
    """
    ok = np.isfinite(y)
    if ok.sum() < 5:
        return np.empty(0)
    s = y if maxima else -y
    lo, hi = np.nanpercentile(s, [5, 95])
    amp = hi - lo
    if not amp > 0:
        return np.empty(0)
    filled = signals.fill_nan(s)
    peaks, _ = find_peaks(filled, distance=max(int(0.85 * MIN_STRIDE_S * fs), 1), prominence=PROMINENCE * amp)
    near_gap = ~(ok[np.clip(peaks - 1, 0, len(y) - 1)] & ok[peaks] & ok[np.clip(peaks + 1, 0, len(y) - 1)])
    peaks = peaks[~near_gap]
    return signals.index_to_time(t, signals.refine_extremum(filled, peaks))


def _forward_sign(heel: np.ndarray, toe: np.ndarray) -> float:
    """+1 if the toes lie ahead of the heels along the positive axis, else -1."""
    d = toe - heel
    d = d[np.isfinite(d)]
    return 1.0 if d.size == 0 or np.median(d) >= 0 else -1.0


def zeni(L: Landmarks, space: str, axis: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Zeni heel strikes and toe offs from coordinate `axis` of `space` (px, img3, world)."""
    pelvis = L.hip_mid(space)[:, axis]
    heels = {s: L.leg(s, HEEL, space)[:, axis] for s in SIDES}
    toes = {s: L.leg(s, TOE, space)[:, axis] for s in SIDES}
    if axis == 2 and L.view in DEPTH_FORWARD:
        sign = DEPTH_FORWARD[L.view]
    else:
        sign = _forward_sign(np.concatenate([heels[s] for s in SIDES]), np.concatenate([toes[s] for s in SIDES]))
    hs = {s: _extrema(sign * (heels[s] - pelvis), L.t, L.fs, maxima=True) for s in SIDES}
    to = {s: _extrema(sign * (toes[s] - pelvis), L.t, L.fs, maxima=False) for s in SIDES}
    return hs, to


def _threshold_crossings(v: np.ndarray, t: np.ndarray, fs: float, after: bool, frac: float) -> np.ndarray:
    """Times where v, after (or before) each prominent peak, falls to `frac` of that peak."""
    ok = np.isfinite(v)
    if ok.sum() < 5:
        return np.empty(0)
    filled = signals.fill_nan(v)
    amp = np.nanpercentile(v, 98)
    if not amp > 0:
        return np.empty(0)
    peaks, _ = find_peaks(filled, distance=max(int(0.85 * MIN_STRIDE_S * fs), 1), prominence=0.4 * amp)
    level = frac * filled[peaks]
    n = len(v)
    idx = np.arange(n)
    below = filled[None, :] <= level[:, None]  # (P, T)
    if after:
        cand = below & (idx[None, :] > peaks[:, None])
        j = np.where(cand.any(1), np.argmax(cand, axis=1), -1)
        i0, i1 = j - 1, j
    else:
        cand = below & (idx[None, :] < peaks[:, None])
        j = np.where(cand.any(1), n - 1 - np.argmax(cand[:, ::-1], axis=1), -1)
        i0, i1 = j, j + 1
    keep = (j > 0) & (i1 < n)
    i0, i1, lv = i0[keep], i1[keep], level[keep]
    y0, y1 = filled[i0], filled[i1]
    with np.errstate(invalid="ignore", divide="ignore"):
        f = np.clip(np.where(y1 != y0, (lv - y0) / (y1 - y0), 0.0), 0.0, 1.0)
    good = ok[i0] & ok[i1]
    return signals.index_to_time(t, (i0 + f)[good])


def vertical(L: Landmarks, space: str) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Heel strike at the end of the heel's descent, toe off at the start of the toe's lift.

    y points down in both spaces. In the image, heights are divided by the torso's length
    (shoulders to hips, smoothed over strides) so a walker who nears the camera does not
    look like one who lifts the feet; world heights are metres already.
    """
    from gait import landmarks as lm

    if space == "px":
        a = L.px
        torso = np.abs(0.5 * (a[:, lm.LEFT_SHOULDER, 1] + a[:, lm.RIGHT_SHOULDER, 1]) - L.hip_mid("px")[:, 1])
        scale = signals.lowpass(signals.bridge_gaps(torso, L.t, np.inf), L.fs, 0.5)
        scale = np.where(scale > 0, scale, np.nan)
    else:
        scale = np.ones(len(L.t))
    hs, to = {}, {}
    for s in SIDES:
        v_heel = signals.derivative(-L.leg(s, HEEL, space)[:, 1] / scale, L.t)
        v_toe = signals.derivative(-L.leg(s, TOE, space)[:, 1] / scale, L.t)
        hs[s] = _threshold_crossings(-v_heel, L.t, L.fs, after=True, frac=VERTICAL_FRACTION)
        to[s] = _threshold_crossings(v_toe, L.t, L.fs, after=False, frac=VERTICAL_FRACTION)
    return hs, to


# Events of at least this `event_quality` are regular enough to segment strides and to check
# another instrument's clock against. A working line of this tool, not a published figure:
# three strides a side, alternating, each with its toe off, whose intervals spread by 10 %
# of their median score 0.7; by 14 %, 0.58.
MIN_QUALITY = 0.6


def event_quality(hs: dict[str, np.ndarray], to: dict[str, np.ndarray]) -> float:
    """0..1: how regular and alternating the events are.

    The product of: enough heel strikes (>= 3 per side), stride-time regularity (1 - CV of
    same-side heel-strike intervals, floored at 0), share of left/right alternation among
    successive heel strikes, and a toe off found for most strides.
    """
    n = [len(hs[s]) for s in SIDES]
    if min(n) < 2:
        return 0.0
    intervals = np.concatenate([np.diff(hs[s]) for s in SIDES])
    med = np.median(intervals)
    cv = np.median(np.abs(intervals - med)) / med if med > 0 else 1.0
    regular = max(0.0, 1.0 - 3.0 * cv)
    labels = np.concatenate([np.zeros(n[0]), np.ones(n[1])])
    order = np.argsort(np.concatenate([hs["left"], hs["right"]]))
    alt = float(np.mean(np.diff(labels[order]) != 0)) if len(order) > 1 else 0.0
    toe = min(1.0, min(len(to[s]) / max(len(hs[s]), 1) for s in SIDES))
    enough = min(1.0, min(n) / 3.0)
    return float(enough * regular * alt * toe)


def _run(L: Landmarks, method: str) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    if method == "zeni_image_x":
        return zeni(L, "px", 0)
    if method == "zeni_world_depth":
        return zeni(L, "world", 2)
    if method == "zeni_image_depth":
        return zeni(L, "img3", 2)
    if method == "vertical_world":
        return vertical(L, "world")
    if method == "vertical_image":
        return vertical(L, "px")
    raise ValueError(f"unknown event method {method!r}; one of {', '.join(METHODS)}")


def from_contacts(heel_strike: dict[str, list[float]], toe_off: dict[str, list[float]], source: str) -> Events:
    """Events measured by another instrument on the same clock (an insole's contacts)."""
    hs = {s: np.sort(np.asarray(heel_strike.get(s, ()), np.float64)) for s in SIDES}
    to = {s: np.sort(np.asarray(toe_off.get(s, ()), np.float64)) for s in SIDES}
    return Events(hs, to, source, event_quality(hs, to))


# An instrument's contacts agree with the video's own heel strikes when they lie within this
# share of a stride of them: the image's own events from behind find each contact within ~0.1
# stride (`collar_events`), the landmarks' within a frame for 64 % (README).
CLOCK_AGREE = 0.1


def clock_shift(contacts: Events, own: Events) -> float | None:
    """Seconds to add to `contacts`' times so their heel strikes meet the video's `own`, when
    the two disagree: an instrument recorded on another clock (a phone's video and a
    separately started insole). 0.0 when they agree, None when no shift makes them agree or
    there is too little to tell.

    Gait repeats every stride, so the shift is found within half a stride and then moved by
    the whole strides that put the most contacts within the video: any of those meets the
    video's steps as well and segments its strides as well.
    """
    if min(min(len(contacts.heel_strike[s]), len(own.heel_strike[s])) for s in SIDES) < 2:
        return None
    stride = float(np.median(np.concatenate([np.diff(contacts.heel_strike[s]) for s in SIDES])))
    shifts = np.arange(-0.5 * stride, 0.5 * stride, 0.005)  # 5 ms: a sixth of a frame at 30 fps

    def cost(shift: np.ndarray) -> np.ndarray:
        """(K,) median distance from each shifted contact (within the video's events) to the
        video's nearest heel strike of its side; inf where fewer than 4 contacts fall there."""
        gaps = []
        for s in SIDES:
            v, c = np.asarray(own.heel_strike[s]), np.asarray(contacts.heel_strike[s])
            moved = c[None, :] + shift[:, None]  # (K, C)
            d = np.min(np.abs(moved[..., None] - v[None, None, :]), axis=-1)
            gaps.append(np.where((moved >= v[0] - 0.5 * stride) & (moved <= v[-1] + 0.5 * stride), d, np.nan))
        gaps = np.concatenate(gaps, axis=1)
        n = np.sum(np.isfinite(gaps), axis=1)
        with np.errstate(all="ignore"), np.testing.suppress_warnings() as sup:
            sup.filter(RuntimeWarning)
            return np.where(n >= 4, np.nanmedian(gaps, axis=1), np.inf)

    tolerance = CLOCK_AGREE * stride
    if cost(np.zeros(1))[0] <= tolerance:
        return 0.0
    costs = cost(shifts)
    k = int(np.argmin(costs))
    if costs[k] > tolerance:
        return None
    seen = np.concatenate([own.heel_strike[s] for s in SIDES])
    times = np.concatenate([contacts.heel_strike[s] for s in SIDES])
    span = float(max(times.max(), seen.max()) - min(times.min(), seen.min()))
    whole = shifts[k] + stride * np.arange(-np.ceil(span / stride), np.ceil(span / stride) + 1)
    moved = times[None, :] + whole[:, None]
    inside = np.sum((moved >= seen.min()) & (moved <= seen.max()), axis=1)
    best = np.flatnonzero(inside == inside.max())
    return float(whole[best[np.argmin(np.abs(whole[best]))]])


def shifted(ev: Events, seconds: float) -> Events:
    """`ev` with every time moved by `seconds`."""
    move = lambda times: {s: np.asarray(times[s]) + seconds for s in SIDES}  # noqa: E731
    return Events(move(ev.heel_strike), move(ev.toe_off), ev.method, ev.quality, ev.notes, ev.toe_off_lead_s)


def candidate_methods(view: str) -> tuple[str, ...]:
    """Event signals a view supports, best first."""
    if view in SIDE_VIEWS:
        return ("zeni_image_x",)
    if view in FRONTAL_VIEWS:
        return ("zeni_world_depth", "zeni_image_depth", "vertical_world", "vertical_image")
    return ("zeni_image_x", "zeni_world_depth", "zeni_image_depth", "vertical_world", "vertical_image")


def detect_events(L: Landmarks, method: str = "auto", min_quality: float = MIN_QUALITY) -> Events:
    """Heel strikes and toe offs per side.

    With `method="auto"`, the view's candidate signals are tried best first and the first
    whose `event_quality` reaches `min_quality` is kept (else the best of them).
    """
    names = candidate_methods(L.view) if method == "auto" else (method,)
    best: Events | None = None
    notes: list[str] = []
    for name in names:
        hs, to = _run(L, name)
        q = event_quality(hs, to)
        ev = Events(hs, to, name, q, notes)
        if best is None or q > best.quality:
            best = ev
        if q >= min_quality:
            return Events(hs, to, name, q, notes)
        notes.append(f"event signal {name} too irregular (quality {q:.2f})")
    assert best is not None
    return Events(best.heel_strike, best.toe_off, best.method, best.quality, notes)
