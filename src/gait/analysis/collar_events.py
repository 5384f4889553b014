"""Gait events from the image itself: each shoe collar's row over time, seen from behind.

For a posterior video without an insole: the pose model's heel and toe landmarks from behind
are poor for events (README: 64 % of heel strikes within a frame on the walker's rendered
treadmill walks), but the collar's row (`vision.series.LegTrack`, found in every frame the leg is) follows the
foot to a pixel. Two framings, two cameras:

**Lower-leg close-up** (`framing="legs"`).
A low camera behind a treadmill (`vision.closeup`: lens below the knees, above the shoes)
sees each collar (where the shin's colour gives way to the shoe's, `LegTrack.collar_y`, y
down) move like this over a stride (measured on the walker's rendered close-ups, 8 walks at
640x480 and 1280x720; scripts/closeup_events_accuracy.py):

- stance: the belt carries the heel toward the camera and the collar drifts slowly down the
  image (its distance below the horizon grows as 1/depth);
- heel off to early swing: the heel rises and the collar climbs fast, often out of the band
  where it is searched (`LegTrack.above`);
- late swing: it comes down fast as the foot descends, then hangs nearly still for 70-105 ms
  while the heel glides in low over the belt, still moving away (the descent and the
  recession cancel in the image);
- heel strike: the belt takes the heel and the collar starts its stance drift.

Heel strike is the break between the glide and the drift, found by least squares: a hinge
(one slope before, another after, and a step for the heel's last drop and roll onto the belt
within a frame) fitted over the glide and the loading response that follows (CONTACT_WINDOW).
A line each side of a step fits the same wherever the break lies between two frames, so the
break is read at the middle of the best interval.

Toe off is read as the instant of the heel's fastest rise, a heel-based version of the foot
velocity algorithm's toe-off marker (O'Connor et al. 2007, Gait Posture 25:469-474: the
foot's peak upward velocity). The heel leads the toes off the ground, so this marker comes
early: on the walker 66 ms (two frames at 30 fps; SD 9 ms, 30 walks) before the toes leave.
It is not shifted: that lead is the walker's foot model, and no physical argument gives a
real foot's (so `metrics` withholds the stance fraction with image events).

Assumes the collars lie below the horizon (the lens above them, as the walker's at 16 % of
body height): a stance drift that does not run down the image rejects that heel strike.

**Whole body** (`framing="body"`, the legs located by the pose model). The camera sits near hip
height, far above the collars, so depth dominates the collar's row: in terminal swing the foot
still recedes (the collar climbs, after the dip of its descent), turns, and is taken by the
belt; stance is the same drift down the image. The collar's speed crossing halfway from that
terminal-swing low (its fastest climb after the dip) to the belt's drift (the median speed over
the middle half of the stance's run) finds each heel strike to within ~0.1 stride (the 50 %
reference level, the time of a transition by IEEE Std 181-2011; a 20 % level, as O'Connor's
vertical rule, reads later still). But the collar sits above the ankle, which the heel rocker
carries forward after the heel lands, so its turn trails the contact by 0-110 ms depending on
the walk. The heel itself turns at the contact: the sole's bottom edge under the heel
(`LegTrack.sole_y`) stops receding where the heel is farthest from the camera, which is Zeni's
heel-strike criterion (the heel farthest ahead of the pelvis; on a treadmill the pelvis stays
put) seen in the image. So each heel strike is that turn, looked for back from just after the
collar's crossing (TURN_START, TURN_REACH), or the crossing itself where the sole is not seen
there. Made on the walker's three 640x480 sample videos (24 of 24 heel strikes from the first
steady stride with a heel off after it found, -21..-3 ms from the contact) and 24 rendered 1280x720
walks (93 % within one frame at 30 fps); on 8 held-out walks 65 of 68 found, 79 % within one
frame, 93 % within two (worst 68 ms). Toe off as for the close-up (on the walker's whole-body
views -26 +- 60 ms from the toes leaving). Only a treadmill gives this pattern: walking away
from a camera, each stance is a plateau that steps up the image stride by stride (no drift, no
crest), and no events are read from it: the plateau begins ~0.25 s before the heel lands (the
heel's descent and its recession cancel in the image; 8 rendered walks away), so it does not
show the contact.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import find_peaks

from gait.analysis import signals
from gait.analysis.events import MIN_STRIDE_S, PROMINENCE, VERTICAL_FRACTION, Events, event_quality
from gait.analysis.prepare import SIDES
from gait.vision.closeup import WIDTH_RATIO_MAX

# events.method per framing
METHODS = {"legs": "closeup_collar", "body": "image_collar"}
# The level between the terminal-swing recession speed and the belt's drift where a
# whole-body heel strike is read (see the module docstring).
BODY_LEVEL = 0.5
# Windows, in strides before a whole-body view's collar crest (its lowest row, where the heel
# starts its fast rise: on the walker's samples ~0.45 stride after heel strike and ~0.15 before
# toe off): where the collar drifts with the belt in stance, and where the terminal swing lies,
# from the swing's top (~0.7 stride before the crest) to the stance's drift.
STANCE_DRIFT = (0.3, 0.1)
TERMINAL_SWING = (0.7, 0.3)
# The sole's turn is looked for back from this share of a stride after the collar's halfway
# crossing (about a frame: that crossing reads at or after the contact, by up to ~0.1 stride
# on the walker) to this share before it.
TURN_START, TURN_REACH = 0.03, 0.15
# The heel's fastest rise came up to this long before the toes left on the walker (close-ups:
# 66 +- 9 ms early; whole body: up to 74 ms early, -26 +- 60 ms): the stride checks allow it
# (`Events.toe_off_lead_s`), else a toe off that comes before the other foot's heel strike
# (double support is ~10 % of the cycle, ~110 ms) rejects a good stride.
TOE_OFF_LEAD_S = 0.08
# In mid-stance the swing shoe, lifted near the camera, passes over the stance shoe's collar,
# which then reads a few pixels high for a few frames (the leg-length sample: 3 frames, 3-12
# px, 0.25-0.3 stride before heel off), and the collar's speed dips below the level at the
# end of the heel-strike search. A dip there this short is stepped over; the terminal swing's
# own dips ending there (the walk's first step out of standing, with no stance before it,
# on 32 rendered 1280x720 walks) lasted 0.1 s or more.
COVER_S = 0.07
# Gaps up to this long are bridged: a leg missed for a frame or two (the other foot crossing
# in front of it). The collar's climb out of the search band is not a gap (`above`).
GAP_S = 0.1
# The other shoe passing in front misreads a collar for one or two frames (on the walker's
# close-ups: 20-30 px up for 1-2 frames in mid-stance); a running median over this many
# frames removes such slips and keeps monotone runs and steps as they are.
DESPIKE_FRAMES = 3
# The heel-strike fit runs from the end of the late-swing descent over this share of the
# stride: the glide (70-105 ms on the walker, 7-9 % of its strides) and the loading response
# up to the opposite toe off (~10 % of the cycle, Perry & Burnfield 2010, ch. 2). After that
# the other foot swings through in front of this one and the heel rolls onto its sole, both
# of which move the collar other ways.
CONTACT_WINDOW = 0.18
# A frame whose shin midline lies more than STRAY_WIDTHS of the shin's width off the leg's
# running median (over +-STRAY_S) holds some other outlines (the other leg crossing in front
# of this one). On the walker's close-ups 95 % of frames lie within 0.11 widths of it and the
# misread frames 0.5-1 width off, with few between (0.3-0.5: 0.4 % of frames). So does a
# frame whose shin is wider or narrower than that median by more than the 1.5x that depth
# changes the two shins' widths by (`vision.closeup.WIDTH_RATIO_MAX`); misread frames on the
# walker read about half the width.
STRAY_WIDTHS, STRAY_S = 0.3, 0.25


def _differences(t: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Midpoint times and forward-difference velocity (px/s), NaN beside a missing sample."""
    return 0.5 * (t[1:] + t[:-1]), np.diff(y) / np.diff(t)


def _hinge(tt: np.ndarray, yy: np.ndarray, taus: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares fits of y = a + b1 min(t - tau, 0) + b2 max(t - tau, 0) + c [t >= tau] for
    every tau at once: (K,) sums of squared residuals (inf where singular) and (K, 4) coefficients."""
    d = tt[None, :] - taus[:, None]
    x = np.stack([np.ones_like(d), np.minimum(d, 0.0), np.maximum(d, 0.0), (d >= 0).astype(np.float64)], axis=-1)
    xtx = np.einsum("kni,knj->kij", x, x)
    xty = np.einsum("kni,n->ki", x, yy)
    ok = np.linalg.cond(xtx) < 1e12
    beta = np.zeros((len(taus), 4))
    beta[ok] = np.linalg.solve(xtx[ok], xty[ok][..., None])[..., 0]
    sse = np.sum((yy[None, :] - np.einsum("kni,ki->kn", x, beta)) ** 2, axis=1)
    return np.where(ok, sse, np.inf), beta


def _running_median(a: np.ndarray, half: int) -> np.ndarray:
    """Median over +-half samples, ignoring NaN (NaN where the window holds none)."""
    windows = sliding_window_view(np.pad(a, half, constant_values=np.nan), 2 * half + 1)
    out = np.full(len(a), np.nan)
    some = np.isfinite(windows).any(axis=1)
    out[some] = np.nanmedian(windows[some], axis=1)
    return out


def _side_events(t: np.ndarray, x: np.ndarray, width: np.ndarray, collar_y: np.ndarray, above: np.ndarray,
                 framing: str, sole_y: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, int]:  # fmt: skip
    """Heel strikes, toe offs and how many candidates were rejected, for one leg."""
    none = np.empty(0)
    if len(t) < 5:
        return none, none, 0
    fs = signals.sample_rate(t)
    half = max(int(round(STRAY_S * fs)), 1)
    mid, wide = _running_median(x, half), _running_median(width, half)
    with np.errstate(invalid="ignore", divide="ignore"):
        stray = ~((np.abs(x - mid) <= STRAY_WIDTHS * wide) & (np.abs(np.log(width / wide)) <= np.log(WIDTH_RATIO_MAX)))
    above = above & ~stray
    y = signals.bridge_gaps(np.where(above | stray, np.nan, collar_y), t, GAP_S)
    y[above] = np.nan
    y = np.where(np.isfinite(y), _running_median(y, DESPIKE_FRAMES // 2), np.nan)
    if np.isfinite(y).sum() < 5:
        return none, none, 0
    # Swings (the collar high, or above the band) count as the highest row seen, so each
    # stance stands out as a ridge whose crest is heel off (the collar nearest and lowest).
    high = signals.fill_nan(np.where(above, np.nanmin(y), y))
    lo, hi = np.percentile(high, [5, 95])
    if not hi > lo:
        return none, none, 0
    crests, _ = find_peaks(high, distance=max(int(0.85 * MIN_STRIDE_S * fs), 1), prominence=PROMINENCE * (hi - lo))
    if len(crests) < 2:
        return none, none, 0
    stride = float(np.median(np.diff(t[crests])))
    tm, v = _differences(t, y)
    if framing == "legs":
        hs, rejected = _closeup_heel_strikes(t, y, high, crests, tm, v, stride)
    else:
        sole = None
        if sole_y is not None:  # stray frames dropped and slips despiked, as for the collar
            sole = np.where(stray, np.nan, sole_y)
            sole = np.where(np.isfinite(sole), _running_median(sole, DESPIKE_FRAMES // 2), np.nan)
        hs, rejected = _body_heel_strikes(t, y, sole, crests, stride)
    to = []
    for c, d in zip(crests, np.r_[crests[1:], len(v)]):
        # Heel off to early swing: the climb's fastest frame pair, inside the run of frames
        # where the collar is seen (an edge of the run may be the climb cut off, not its peak).
        run = np.isfinite(v[c:d])
        n = int(np.argmin(run)) if not run.all() else len(run)
        k = c + int(np.argmin(v[c : c + n])) if n >= 3 else -1
        if k <= c or k >= c + n - 1 or v[k] >= 0:
            rejected += 1
            continue
        to.append(float(signals.index_to_time(tm, signals.refine_extremum(-v, np.array([k])))[0]))
    return hs, np.asarray(to), rejected


def _closeup_heel_strikes(t: np.ndarray, y: np.ndarray, high: np.ndarray, crests: np.ndarray, tm: np.ndarray,
                          v: np.ndarray, stride: float) -> tuple[np.ndarray, int]:  # fmt: skip
    """A close-up's heel strikes (the hinge between glide and drift) and how many were rejected."""
    hs, rejected = [], 0
    # Each swing lies between two crests (before the first: from the start; after the last: to
    # the end, where the last heel strike may come without its stance's crest).
    for a, b in zip(np.r_[0, crests], np.r_[crests, len(v)]):
        # Late swing: from the swing's top (its last highest frame) to this stance's crest;
        # the descent is the first rise of the collar's downward speed there.
        seg = high[a:b]
        top = a + len(seg) - 1 - int(np.argmin(seg[::-1])) if len(seg) else a
        seen = np.flatnonzero(np.isfinite(v[top:b]))
        if not len(seen):
            rejected += 1
            continue
        p = top + int(seen[0])
        while p + 1 < b and v[p + 1] > v[p]:  # NaN compares False: a gap ends the climb too
            p += 1
        level = VERTICAL_FRACTION * v[p]
        after = np.flatnonzero(np.isfinite(v[p:b]) & (v[p:b] <= level))
        if v[p] <= 0 or not len(after) or not np.isfinite(v[p + after[0] - 1]):
            rejected += 1
            continue
        j = p + after[0]
        t_end = tm[j - 1] + (tm[j] - tm[j - 1]) * (v[j - 1] - level) / (v[j - 1] - v[j])
        sel = (t >= t_end) & (t <= t_end + CONTACT_WINDOW * stride) & np.isfinite(y)
        tt, yy = t[sel], y[sel]
        if len(tt) < 5:
            rejected += 1
            continue
        # With the step, the hinge is a line on each side of the break, so its fit depends
        # only on which frames lie on which side: the break is found to the interval between
        # two frames and read at its middle (a finer grid would only pick among equal sums).
        taus = 0.5 * (tt[1:] + tt[:-1])
        sse, beta = _hinge(tt, yy, taus)
        k = int(np.argmin(sse))
        if not np.isfinite(sse[k]) or beta[k, 3] + beta[k, 2] * (tt[-1] - taus[k]) <= 0:  # not down the image after
            rejected += 1
            continue
        hs.append(taus[k])
    return np.asarray(hs), rejected


def _body_heel_strikes(t: np.ndarray, y: np.ndarray, sole: np.ndarray | None, crests: np.ndarray, stride: float
                       ) -> tuple[np.ndarray, int]:  # fmt: skip
    """A whole-body view's heel strikes and how many were rejected: the collar's speed halfway
    from its terminal-swing low to the stance's drift, moved to the sole's turn where the sole's
    bottom edge is seen there (`_sole_turn`). `crests` are heel offs (frames)."""
    fs = signals.sample_rate(t)
    v = signals.derivative(signals.lowpass(signals.fill_nan(y), fs), t)
    v[~np.isfinite(y)] = np.nan
    hs, rejected = [], 0
    for c in crests:
        i = lambda share: int(round(c - share * stride * fs))  # noqa: E731  frame `share` strides before the crest
        if i(STANCE_DRIFT[0]) < 1 or i(TERMINAL_SWING[0]) < 0:
            rejected += 1
            continue
        stance = v[i(STANCE_DRIFT[0]) : i(STANCE_DRIFT[1]) + 1]
        swing = v[i(TERMINAL_SWING[0]) : i(TERMINAL_SWING[1]) + 1]
        if not (np.isfinite(stance).any() and np.isfinite(swing).any()):
            rejected += 1
            continue
        drift, low = float(np.nanmedian(stance)), float(np.nanmin(swing))
        level = drift - BODY_LEVEL * (drift - low)
        # Back from the stance's drift to the first frame below the level, over a short dip
        # where the swing shoe covers the collar (COVER_S).
        k = np.arange(i(TERMINAL_SWING[0]), i(STANCE_DRIFT[0]) + 1)
        under = ~(v[k] >= level)  # NaN counts as below: a gap ends the stance
        dip = len(under) - len(np.trim_zeros((~under).astype(int), "b"))  # the trailing run below
        if 0 < dip <= COVER_S * fs:
            k, under = k[:-dip], under[:-dip]
        below = np.flatnonzero(under)
        if not drift > 0 or not len(below) or below[-1] + 1 >= len(k) or not np.isfinite(v[k[below[-1]]]):
            rejected += 1
            continue
        j = k[below[-1]]
        hs.append(t[j] + (t[j + 1] - t[j]) * (level - v[j]) / (v[j + 1] - v[j]))
    if sole is not None:
        hs = _sole_turn(t, sole, np.asarray(hs), stride)
    return np.asarray(hs), rejected


def _sole_turn(t: np.ndarray, sole: np.ndarray, halfway: np.ndarray, stride: float) -> np.ndarray:
    """Each heel strike at the sole's turn: back from just after the collar's `halfway`
    crossing, the smoothed row of the sole's bottom edge under the heel falls (the heel was
    farther) to its minimum, the farthest the heel got, refined by a parabola. Unchanged
    where the sole is not seen there or the minimum lies beyond TURN_REACH."""
    fs = signals.sample_rate(t)
    ys = signals.lowpass(signals.bridge_gaps(sole, t, GAP_S), fs)
    frame = lambda time: float(np.interp(time, t, np.arange(len(t))))  # noqa: E731
    out = halfway.copy()
    for n, h in enumerate(halfway):
        i, stop = int(np.ceil(frame(h + TURN_START * stride))), int(np.floor(frame(h - TURN_REACH * stride)))
        if i >= len(t) - 1 or stop < 1:
            continue
        while i - 1 > stop and ys[i - 1] < ys[i]:  # NaN compares False: a gap ends the walk
            i -= 1
        if i - 1 > stop and np.isfinite(ys[[i - 1, i, i + 1]]).all():
            out[n] = float(signals.index_to_time(t, signals.refine_extremum(-ys, np.array([i])))[0])
    return out


def detect_collar_events(t: np.ndarray, x: dict[str, np.ndarray], width: dict[str, np.ndarray],
                         collar_y: dict[str, np.ndarray], above: dict[str, np.ndarray], framing: str,
                         sole_y: dict[str, np.ndarray] | None = None) -> Events:  # fmt: skip
    """Heel strikes and toe offs per side from where the image shows each leg.

    Per side, (T,) arrays in pixels (y down), NaN where the leg was not found: `x` the
    shin's midline column and `width` its width (frames far off the leg's own track are
    another leg's outlines and are dropped, STRAY_WIDTHS), `collar_y` the shoe collar's row;
    `above` (bool) marks frames where the collar was above the band it is searched in (a
    close-up's foot lifted high); `sole_y` (whole body only, optional) the row of the sole's
    bottom edge under the heel. `framing` is "legs" (a lower-leg close-up) or "body" (see the
    module docstring). Candidates the signal cannot support (no descent into the stance,
    no drift after the break, a climb cut off by a gap) are dropped and counted in the notes;
    implausible strides are for `cycles.segment_strides` to reject.
    """
    if framing not in METHODS:
        raise ValueError(f"framing must be one of {', '.join(METHODS)}, not {framing!r}")
    t = np.asarray(t, dtype=np.float64)
    hs, to, notes = {}, {}, []
    arr = lambda a, side: np.asarray(a[side], np.float64)  # noqa: E731
    for side in SIDES:
        hs[side], to[side], rejected = _side_events(t, arr(x, side), arr(width, side), arr(collar_y, side),
                                                    np.asarray(above[side], bool), framing,
                                                    arr(sole_y, side) if sole_y is not None else None)  # fmt: skip
        if rejected:
            notes.append(f"{side}: {rejected} event candidates without the collar motion they need")
    return Events(hs, to, METHODS[framing], event_quality(hs, to), notes, TOE_OFF_LEAD_S)
