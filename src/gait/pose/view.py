"""Which way the camera looks at the walker: posterior, anterior, left or right.

Decided from geometry that does not trust MediaPipe's left/right labels:

- frontal or side: in a frontal view shoulders and hips are wide against the torso's
  height; in a side view the two hips and the two shoulders nearly overlap;
- side views: the feet point where the walker faces. Facing image right, the camera sees
  the subject's right side (view `right`); facing image left, the left side;
- frontal views: toes lie farther from a posterior camera than heels, so on the image
  they sit higher (a camera above the floor sees farther floor points nearer the horizon);
  for an anterior camera they sit lower.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gait import landmarks as lm
from gait.recording.posetrack import PoseTrack

# Width of shoulders + hips over torso height. A frontal adult gives about 1.0-1.3
# (biacromial ~0.38 m and hip-joint ~0.2 m over a ~0.5 m torso, Drillis & Contini 1966
# segment proportions); a side view near 0. Halfway is the decision line.
FRONTAL_RATIO = 0.5
# A cue counts only when its median exceeds this share of the torso height; below it
# the cue is read as "cannot tell".
MIN_CUE = 0.02
# A view held this long is a stretch of the walk, a change of view between stretches a turn:
# about one stride (1.1 s at 110 steps/min, the normal adult cadence: Perry & Burnfield 2010,
# ch. 21), so every phase of the stride has its say.
TURN_S = 1.1


@dataclass(frozen=True)
class ViewGuess:
    view: str  # posterior, anterior, left, right or unknown
    confidence: float  # 0..1: share of usable frames that agree
    reason: str


def _agreement(values: np.ndarray) -> tuple[float, float]:
    """Median and the share of finite values on the median's side of zero."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return np.nan, 0.0
    median = float(np.median(values))
    return median, float(np.mean(np.sign(values) == np.sign(median)))


def _cues(track: PoseTrack) -> dict[str, np.ndarray]:
    """Per detected frame: width/torso `ratio`, the feet's pointing along the image x (`facing`,
    + = image right) and the loaded toe's `rise` above its heel on the image, both over the
    torso height; the toes' MediaPipe `depth` beyond the heels. NaN where not seen."""
    px = track.pixels[track.detected].astype(np.float64)
    shoulders = px[:, [lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER]]
    hips = px[:, [lm.LEFT_HIP, lm.RIGHT_HIP]]
    torso = np.abs(shoulders[:, :, 1].mean(1) - hips[:, :, 1].mean(1))
    torso = np.where(torso > 1.0, torso, np.nan)
    width = np.abs(np.diff(shoulders[:, :, 0], axis=1)[:, 0]) + np.abs(np.diff(hips[:, :, 0], axis=1)[:, 0])
    feet = px[:, [lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX]] - px[:, [lm.LEFT_HEEL, lm.RIGHT_HEEL]]
    # The loaded foot (heel lower on the image) lies flat; a swinging foot tips its toes.
    loaded = np.argmax(np.nan_to_num(px[:, [lm.LEFT_HEEL, lm.RIGHT_HEEL], 1], nan=-np.inf), axis=1)
    image = track.image[track.detected].astype(np.float64)
    depth = image[:, [lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX], 2] - image[:, [lm.LEFT_HEEL, lm.RIGHT_HEEL], 2]
    return {"ratio": width / torso, "facing": feet[:, :, 0].mean(1) / torso,
            "rise": -feet[np.arange(len(px)), loaded, 1] / torso, "depth": depth.mean(1)}  # fmt: skip


def detect_view(track: PoseTrack) -> ViewGuess:
    """Guess the view of a track from its image landmarks."""
    if track.detected.sum() < 3:
        return ViewGuess("unknown", 0.0, "too few frames with a person")
    cues = _cues(track)
    ratio = float(np.nanmedian(cues["ratio"])) if np.isfinite(cues["ratio"]).any() else np.nan
    if not np.isfinite(ratio):
        return ViewGuess("unknown", 0.0, "torso not visible")
    if ratio < FRONTAL_RATIO:
        facing, share = _agreement(cues["facing"])
        if not abs(facing) > MIN_CUE:
            return ViewGuess("unknown", 0.0, f"side view (width/torso {ratio:.2f}) but feet point nowhere clear")
        view = "right" if facing > 0 else "left"
        return ViewGuess(view, share, f"side view (width/torso {ratio:.2f}), walker faces image {'right' if facing > 0 else 'left'}")

    # Frontal: toes above heels on the image -> posterior. The image cue decides; MediaPipe's
    # relative depth only breaks a tie, because from behind the model often places the
    # toes nearer than the heels (measured on the walker's rendered video).
    rise, share_rise = _agreement(cues["rise"])
    deeper, share_deep = _agreement(cues["depth"])
    if abs(rise) > MIN_CUE:
        sign, share, cue = np.sign(rise), share_rise, "toes above heels on the image" if rise > 0 else "toes below heels on the image"
    elif abs(deeper) > MIN_CUE:
        sign, share, cue = np.sign(deeper), share_deep, "toes deeper than heels" if deeper > 0 else "toes nearer than heels"
    else:
        return ViewGuess("unknown", 0.0, f"frontal view (width/torso {ratio:.2f}) but cannot tell front from back")
    view = "posterior" if sign > 0 else "anterior"
    return ViewGuess(view, share, f"frontal view (width/torso {ratio:.2f}), {cue}")


@dataclass(frozen=True)
class Stretch:
    """Frames [start, end) of a track seen from one view."""

    start: int
    end: int
    view: str


def stretches(track: PoseTrack) -> list[Stretch]:
    """The track's runs of one view, each held at least TURN_S: more than one when the walker
    turned round (away from the camera and back, or across the frame and back).

    Each frame's view comes from its own cues as `detect_view` reads them (the image cues
    only: the depth tie-break is too noisy frame by frame); a frame takes the view that more
    than half the frames within TURN_S of it show, so every phase of a stride votes and the
    turn itself, seen from the side or from neither, belongs to no stretch.
    """
    views = ("posterior", "anterior", "left", "right")
    code = np.zeros(len(track), np.int64)  # 0: no view; else 1 + index in `views`
    if track.detected.sum() >= 3:
        c = _cues(track)
        with np.errstate(invalid="ignore"):
            frontal, side = c["ratio"] >= FRONTAL_RATIO, c["ratio"] < FRONTAL_RATIO
            code[track.detected] = np.select(
                [frontal & (c["rise"] > MIN_CUE), frontal & (c["rise"] < -MIN_CUE),
                 side & (c["facing"] < -MIN_CUE), side & (c["facing"] > MIN_CUE)], [1, 2, 3, 4], 0)  # fmt: skip
    fps = 1.0 / float(np.median(np.diff(track.t))) if len(track) > 1 else track.fps  # the frames' own rate
    n = max(int(round(TURN_S * fps)), 1)
    if len(track) < n:  # too short to hold any view that long
        return []
    votes = np.stack([np.convolve(code == k, np.ones(n), mode="same") for k in range(1, len(views) + 1)])
    smooth = np.where(votes.max(axis=0) > n / 2, votes.argmax(axis=0) + 1, 0)
    edges = np.flatnonzero(np.diff(np.r_[-1, smooth, -1]))
    out: list[Stretch] = []
    for a, b in zip(edges[:-1], edges[1:]):
        if smooth[a] and b - a >= n:
            if out and out[-1].view == views[smooth[a] - 1]:  # the same view after a lapse of the vote
                a = out.pop().start
            out.append(Stretch(int(a), int(b), views[smooth[a] - 1]))
    return out


def turn(track: PoseTrack, view: str = "unknown") -> tuple[list[Stretch], Stretch | None] | None:
    """When the walker turned round (`stretches` of more than one view): the stretches and the
    one measured, the longest of `view` (None if none is), or when the view is not known the
    longest from behind, where the rearfoot and the pelvis are seen, else the longest. None
    when the whole track is seen from one view."""
    parts = stretches(track)
    if len({p.view for p in parts}) < 2:
        return None
    known = view if view != "unknown" else "posterior" if any(p.view == "posterior" for p in parts) else None
    pick = [p for p in parts if p.view == known] if known else parts
    return parts, max(pick, key=lambda p: p.end - p.start) if pick else None


def describe_turn(track: PoseTrack, parts: list[Stretch], measured: Stretch | None) -> str:
    """One line on a turning walk's stretches and which one is measured (None: the whole
    track, none of it seen from the track's view)."""
    seen = ", ".join(f"{p.view} {track.t[p.start]:.1f}-{track.t[p.end - 1]:.1f} s" for p in parts)
    if measured is None:
        return f"the walker turned ({seen}), never seen from the {track.view} view given: measured whole"
    return f"the walker turned ({seen}): the {measured.view} stretch measured, the rest left out"


def torso_widths(track: PoseTrack) -> np.ndarray:
    """(T, 2) per frame: the hips' and the shoulders' image width over the torso's height,
    signed + where MediaPipe's left lies on the image's left (as from behind), - where on its
    right (as from the front); NaN where not seen. Square on, the two sum to about +-1.0-1.3
    (FRONTAL_RATIO's figures); edge on, to near 0. Over the torso's height, so a walk away
    from the camera keeps its figures as it shrinks."""
    px = track.pixels.astype(np.float64)
    torso = np.abs(px[:, [lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER], 1].mean(1) - px[:, [lm.LEFT_HIP, lm.RIGHT_HIP], 1].mean(1))
    across = px[:, [lm.RIGHT_HIP, lm.RIGHT_SHOULDER], 0] - px[:, [lm.LEFT_HIP, lm.LEFT_SHOULDER], 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((torso > 1.0)[:, None], across / torso[:, None], np.nan)
