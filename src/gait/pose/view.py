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


def detect_view(track: PoseTrack) -> ViewGuess:
    """Guess the view of a track from its image landmarks."""
    px = track.pixels[track.detected].astype(np.float64)
    if len(px) < 3:
        return ViewGuess("unknown", 0.0, "too few frames with a person")
    shoulders = px[:, [lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER]]
    hips = px[:, [lm.LEFT_HIP, lm.RIGHT_HIP]]
    torso = np.abs(shoulders[:, :, 1].mean(1) - hips[:, :, 1].mean(1))
    torso = np.where(torso > 1.0, torso, np.nan)
    width = np.abs(np.diff(shoulders[:, :, 0], axis=1)[:, 0]) + np.abs(np.diff(hips[:, :, 0], axis=1)[:, 0])
    ratio = float(np.nanmedian(width / torso))
    if not np.isfinite(ratio):
        return ViewGuess("unknown", 0.0, "torso not visible")

    feet = px[:, [lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX]] - px[:, [lm.LEFT_HEEL, lm.RIGHT_HEEL]]
    if ratio < FRONTAL_RATIO:
        facing, share = _agreement((feet[:, :, 0].mean(1)) / torso)
        if not abs(facing) > MIN_CUE:
            return ViewGuess("unknown", 0.0, f"side view (width/torso {ratio:.2f}) but feet point nowhere clear")
        view = "right" if facing > 0 else "left"
        return ViewGuess(view, share, f"side view (width/torso {ratio:.2f}), walker faces image {'right' if facing > 0 else 'left'}")

    # Frontal: toes above heels on the image -> posterior. The image cue decides; MediaPipe's
    # relative depth only breaks a tie, because from behind the model often places the
    # toes nearer than the heels (measured on the walker's rendered video).
    # The loaded foot (heel lower on the image) lies flat; a swinging foot tips its toes.
    loaded = np.argmax(px[:, [lm.LEFT_HEEL, lm.RIGHT_HEEL], 1], axis=1)
    rise, share_rise = _agreement(-feet[np.arange(len(px)), loaded, 1] / torso)
    image = track.image[track.detected].astype(np.float64)
    depth = image[:, [lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX], 2] - image[:, [lm.LEFT_HEEL, lm.RIGHT_HEEL], 2]
    deeper, share_deep = _agreement(depth.mean(1))
    if abs(rise) > MIN_CUE:
        sign, share, cue = np.sign(rise), share_rise, "toes above heels on the image" if rise > 0 else "toes below heels on the image"
    elif abs(deeper) > MIN_CUE:
        sign, share, cue = np.sign(deeper), share_deep, "toes deeper than heels" if deeper > 0 else "toes nearer than heels"
    else:
        return ViewGuess("unknown", 0.0, f"frontal view (width/torso {ratio:.2f}) but cannot tell front from back")
    view = "posterior" if sign > 0 else "anterior"
    return ViewGuess(view, share, f"frontal view (width/torso {ratio:.2f}), {cue}")


def labels_mirrored(track: PoseTrack, view: str) -> bool:
    """True when MediaPipe's labels put the subject's left where the view says right is.

    From behind the subject's left hip is on the image's left, from the front on its right.
    MediaPipe sometimes takes a back for a front and labels a whole clip mirrored.
    """
    if view not in ("posterior", "anterior"):
        return False
    px = track.pixels[track.detected]
    dx = np.concatenate([
        px[:, lm.LEFT_HIP, 0] - px[:, lm.RIGHT_HIP, 0],
        px[:, lm.LEFT_SHOULDER, 0] - px[:, lm.RIGHT_SHOULDER, 0],
    ])  # fmt: skip
    dx = dx[np.isfinite(dx)]
    if dx.size == 0:
        return False
    left_on_image_left = float(np.median(dx)) < 0
    return left_on_image_left != (view == "posterior")
