"""A pose track made ready for measurement: swaps undone, short gaps bridged, filtered.

Every analysis module reads `Landmarks`, never the raw track, so all of them see the same
conditioned signals and the same frames marked missing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from gait import landmarks as lm
from gait.analysis import signals
from gait.recording.posetrack import PoseTrack

FRONTAL_VIEWS = ("posterior", "anterior")
SIDE_VIEWS = ("left", "right")
SIDES = ("left", "right")
# Landmark indices per side: hip, knee, ankle, heel, foot index.
LEG = {"left": lm.LEFT_LEG, "right": lm.RIGHT_LEG}
HIP, KNEE, ANKLE, HEEL, TOE = range(5)


@dataclass(frozen=True)
class Landmarks:
    """Conditioned landmark signals of one track (NaN where missing after bridging).

    `px` are image pixels (x right, y down); `img3` adds MediaPipe's relative depth in the
    same pixel units (a weak-perspective 3-D view); `world` are MediaPipe world metres in
    camera-aligned axes (x right, y down, z away from the camera).
    """

    t: np.ndarray  # (T,) a regular clock: the track's frame times, or one they were resampled onto
    fs: float
    view: str
    size: tuple[int, int]
    px: np.ndarray  # (T,33,2)
    img3: np.ndarray  # (T,33,3)
    world: np.ndarray  # (T,33,3)
    visibility: np.ndarray  # (T,33)
    present: np.ndarray  # (T,) bool: landmarks available (detected or bridged)
    detected: np.ndarray  # (T,) bool: detected in the raw track
    swaps_repaired: int
    feet_seen: float = 1.0  # share of the frames with a person whose ankles and heels lie in the picture

    def leg(self, side: str, part: int, space: str = "px") -> np.ndarray:
        """One leg landmark over time from `px`, `img3` or `world`."""
        return getattr(self, space)[:, LEG[side][part]]

    def hip_mid(self, space: str = "px") -> np.ndarray:
        a = getattr(self, space)
        return 0.5 * (a[:, lm.LEFT_HIP] + a[:, lm.RIGHT_HIP])

    @property
    def duration(self) -> float:
        return float(self.t[-1] - self.t[0]) if len(self.t) > 1 else 0.0


def prepare(track: PoseTrack, repair: bool = True, cutoff_hz: float = signals.CUTOFF_HZ) -> Landmarks:
    """Condition `track`: drop landmarks placed outside the picture, undo transient left/right
    swaps (the pose stage's Viterbi repair), resample onto a regular clock if its frames came
    unsteadily (`signals.regular_clock`), bridge gaps up to `signals.MAX_GAP_S`, then low-pass
    every coordinate at `cutoff_hz`."""
    # The pose model places landmarks outside the picture too (a person half out of frame):
    # guessed, not seen, so they count as missing, and do not steer the swap repair (a guess
    # far off would have the legs' labels exchanged to follow it).
    outside = np.any((track.image[:, :, :2] < 0) | (track.image[:, :, :2] > 1), axis=-1)
    feet = ~outside[:, lm.LEG_ENDS].any(axis=1)[track.detected]
    track = replace(track, image=np.where(outside[..., None], np.nan, track.image),
                    world=np.where(outside[..., None], np.nan, track.world),
                    visibility=np.where(outside, 0.0, track.visibility).astype(track.visibility.dtype))  # fmt: skip
    swaps = 0
    if repair and len(track) >= 3 and track.detected.sum() >= 3:
        from gait.pose.identity import repair_swaps

        track, counts = repair_swaps(track)
        swaps = int(sum(counts.values()))
    w = float(track.size[0])
    img3 = track.image.astype(np.float64) * np.array([w, float(track.size[1]), w])
    world = track.world.astype(np.float64)
    vis = track.visibility.astype(np.float64)
    t = signals.regular_clock(track.t)
    if t is not track.t:
        img3, world = signals.resample(img3, track.t, t), signals.resample(world, track.t, t)
        vis = np.nan_to_num(signals.resample(vis, track.t, t))
    detected = ~np.all(np.isnan(img3[:, :, 0]), axis=1)
    fs = signals.sample_rate(t)
    img3 = signals.lowpass(signals.bridge_gaps(img3, t), fs, cutoff_hz)
    world = signals.lowpass(signals.bridge_gaps(world, t), fs, cutoff_hz)
    present = ~np.all(np.isnan(img3[:, :, 0]), axis=1)
    return Landmarks(t, fs, track.view, track.size, img3[:, :, :2], img3, world, vis, present, detected, swaps,
                     float(feet.mean()) if feet.size else 1.0)  # fmt: skip


def without_landmarks(t: np.ndarray, size: tuple[int, int], view: str = "posterior") -> Landmarks:
    """The clock of a video in which no body landmarks exist (a lower-leg close-up, where the
    legs are found in the image itself): every landmark NaN, every time counted present so
    an instrument's contact events can segment the strides over it. A regular clock over the
    frame times `t` (`signals.regular_clock`), as for landmarks."""
    t = signals.regular_clock(np.asarray(t, dtype=np.float64))
    n = len(t)
    nan3 = np.full((n, lm.N_LANDMARKS, 3), np.nan)
    return Landmarks(t, signals.sample_rate(t), view, size, nan3[:, :, :2].copy(), nan3, nan3.copy(),
                     np.zeros((n, lm.N_LANDMARKS)), np.ones(n, bool), np.zeros(n, bool), 0)  # fmt: skip
