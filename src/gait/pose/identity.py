"""Keep left as left: find and undo frames where MediaPipe exchanged the legs or the body.

MediaPipe Pose sometimes labels the left leg as the right for a few frames (most often as
the legs cross in a side view), which flips every angle computed from them. A limb moves
smoothly, so a swap shows up as a jump in acceleration. For each group of left/right pairs
we pick, frame by frame, "as labelled" or "exchanged" so that the summed squared second
difference of the points is least, with a small cost for every exchanged frame so that
MediaPipe's own labels win when motion cannot tell (a Viterbi search over label states).

In a frontal view the labels can also be read off each frame (`face_view`): seen from behind
the subject's left hip and shoulder lie on the image's left, from the front on its right.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gait import landmarks as lm
from gait.pose.view import FRONTAL_RATIO, torso_widths
from gait.recording.posetrack import PoseTrack

# Pairs that swap together. The torso (shoulders, hips) carries the body's orientation;
# the lower legs are what MediaPipe most often exchanges on its own.
BODY_PAIRS = np.array([(i, int(lm.MIRROR[i])) for i in range(lm.N_LANDMARKS) if lm.MIRROR[i] > i])
LEG_PAIRS = np.array([
    (lm.LEFT_KNEE, lm.RIGHT_KNEE),
    (lm.LEFT_ANKLE, lm.RIGHT_ANKLE),
    (lm.LEFT_HEEL, lm.RIGHT_HEEL),
    (lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX),
])  # fmt: skip
_TORSO_PAIRS = np.array([(lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER), (lm.LEFT_HIP, lm.RIGHT_HIP)])

# The image side of the subject's left in each frontal view (the sign of `torso_widths`).
FACING = {"posterior": 1.0, "anterior": -1.0}
# A frame keeps its labels while its hips and shoulders together are at least this share of
# their usual width (over the torso's height) the way the view says, and is mirrored while
# they are that much the other way. On the walker's 20 rendered walks (1280x720, 4K,
# portrait; 4800 frames) they stay above 0.9 of it but where the pose model blended a flip;
# a drawn figure marching in place (tests/conftest.py), whose hip landmarks follow its lifted
# thighs inward to 0.7 of their width, keeps above 0.85. A blend of weight w narrows them by
# 1 - 2w: 0.7 keeps frames whose points lie within 15 % of the pairs' separation of one
# labelling's.
KEEP_WIDTH = 0.7

# Cost of calling one frame exchanged, in units of the track's median squared acceleration.
_SWAP_PRIOR = 4.0


def _second_difference_costs(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """costs[t, a, b, c]: squared second difference at frame t for states a, b, c of t-2..t.

    left/right are (T, n, 2); state 0 keeps the labels, state 1 exchanges them.
    NaN points contribute nothing.
    """
    states = np.stack([np.concatenate([left, right], 1), np.concatenate([right, left], 1)])  # (2,T,2n,2)
    x2, x1, x0 = states[:, None, None, :-2], states[None, :, None, 1:-1], states[None, None, :, 2:]
    acc = x0 - 2.0 * x1 + x2  # (2,2,2,T-2,2n,2)
    cost = np.nansum(acc**2, axis=(-1, -2))
    return np.moveaxis(cost, -1, 0)  # (T-2,2,2,2)


def find_swaps(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """(T,) bool: frames whose left/right points should be exchanged to move smoothly."""
    n = left.shape[0]
    if n < 3:
        return np.zeros(n, bool)
    cost = _second_difference_costs(left, right)
    scale = np.median(cost[:, 0, 0, 0])
    if not np.isfinite(scale) or scale <= 0:
        scale = max(float(np.nanmax(cost[:, 0, 0, 0], initial=0.0)), 1e-12)
    prior = _SWAP_PRIOR * scale
    unary = np.array([0.0, prior])
    # Viterbi over pair states (s[t-1], s[t]); back[t, b, c] = best s[t-2].
    best = unary[:, None] + unary[None, :]  # frames 0, 1
    back = np.zeros((n, 2, 2), np.int8)
    for t in range(2, n):
        total = best[:, :, None] + cost[t - 2]  # (a, b, c)
        back[t] = np.argmin(total, axis=0)
        best = np.min(total, axis=0) + unary[None, :]
    states = np.zeros(n, np.int8)
    states[n - 2], states[n - 1] = np.unravel_index(np.argmin(best), best.shape)
    for t in range(n - 1, 1, -1):
        states[t - 2] = back[t, states[t - 1], states[t]]
    return states.astype(bool)


def _exchange(track: PoseTrack, frames: np.ndarray, pairs: np.ndarray) -> PoseTrack:
    perm = np.arange(lm.N_LANDMARKS)
    perm[pairs[:, 0]], perm[pairs[:, 1]] = pairs[:, 1], pairs[:, 0]
    image, vis, world = track.image.copy(), track.visibility.copy(), track.world.copy()
    image[frames] = image[frames][:, perm]
    vis[frames] = vis[frames][:, perm]
    world[frames] = world[frames][:, perm]
    return replace(track, image=image, visibility=vis, world=world)


def repair_swaps(track: PoseTrack) -> tuple[PoseTrack, dict[str, int]]:
    """Undo transient left/right exchanges: first of the whole body, then of the lower legs.

    Returns the repaired track and how many frames of each kind were exchanged back.
    """
    px = track.pixels
    body = find_swaps(px[:, _TORSO_PAIRS[:, 0]], px[:, _TORSO_PAIRS[:, 1]])
    track = _exchange(track, body, BODY_PAIRS)
    px = track.pixels
    legs = find_swaps(px[:, LEG_PAIRS[:, 0]], px[:, LEG_PAIRS[:, 1]])
    track = _exchange(track, legs, LEG_PAIRS)
    return track, {"body": int(body.sum()), "legs": int(legs.sum())}


def face_view(track: PoseTrack, view: str, frames: slice = slice(None)) -> tuple[PoseTrack, int, int]:
    """In a frontal `view`, each of `frames` labelled as the view says, by its hips and
    shoulders (`torso_widths`): the track, how many frames were mirrored, how many dropped.

    MediaPipe takes a back for a front at times, for a frame or for seconds ("random
    horizontal flips ... between the front angle and the back angle", mediapipe issue 3500),
    the more so on grainy video; its temporal smoothing blends each flip over 2-3 frames, so
    the motion test (`repair_swaps`) does not see it, and on grainy video it also wavers part
    way to a flip and back. A frame whose torso reads the other way by KEEP_WIDTH of its usual
    width is mirrored back. One that reads narrower than that either way is such a blend,
    every left/right pair drawn toward the other's place (the right-hyperpronation sample with
    noise of SD 3.5 grey levels added: knees and ankles 9-16 px off where 2-7 px elsewhere),
    or a torso turned edge on, and is dropped, for the gaps to be bridged or left missing.
    Frames that are not frontal as a whole (a median torso narrower than FRONTAL_RATIO) and
    other views: unchanged.
    """
    if view not in FACING:
        return track, 0, 0
    which = np.zeros(len(track), bool)
    which[frames] = True
    facing = FACING[view] * torso_widths(track).sum(axis=1)
    seen = which & np.isfinite(facing)
    usual = float(np.median(np.abs(facing[seen]))) if seen.any() else 0.0
    if usual < FRONTAL_RATIO:
        return track, 0, 0
    with np.errstate(invalid="ignore"):
        flipped = seen & (facing <= -KEEP_WIDTH * usual)
        blended = seen & (np.abs(facing) < KEEP_WIDTH * usual)
    track = _exchange(track, flipped, BODY_PAIRS)
    if blended.any():
        image, world, vis = track.image.copy(), track.world.copy(), track.visibility.copy()
        image[blended], world[blended], vis[blended] = np.nan, np.nan, 0.0
        track = replace(track, image=image, visibility=vis, world=world)
    return track, int(flipped.sum()), int(blended.sum())
