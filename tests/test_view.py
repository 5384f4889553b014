"""View detection on the synthetic walker from every side, and left/right repair on it."""

import numpy as np
import pytest

from gait.pose.extract import clean_track
from gait.pose.identity import BODY_PAIRS, _exchange
from gait.pose.view import TURN_S, detect_view, stretches
from gait.recording.posetrack import PoseTrack
from gait.simulate import Walk, WalkParams, simulate_walk

CASES = [("treadmill", v) for v in ("posterior", "anterior", "left", "right")] + [
    ("away", "posterior"),
    ("toward", "anterior"),
]


@pytest.mark.parametrize("mode, view", CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_view_is_detected_from_the_landmarks(mode, view, seed):
    walk = simulate_walk(WalkParams(mode=mode, duration_s=5), seed=seed)
    track = walk.posetrack(view, (640, 480), noise_px=1.0).with_view("unknown")
    guess = detect_view(track)
    assert guess.view == view, guess.reason
    assert guess.confidence > 0.7
    # One view throughout: no turn is read into the cues' noise.
    parts = stretches(track)
    assert [p.view for p in parts] == [view] and parts[0].end - parts[0].start >= 0.8 * len(track), parts


@pytest.mark.parametrize("view", ["posterior", "left"])
@pytest.mark.parametrize("seed", [3, 4])
def test_planted_swaps_in_walker_tracks_are_repaired(view, seed):
    walk = simulate_walk(WalkParams(duration_s=6), seed=seed)
    truth = walk.posetrack(view, (640, 480), noise_px=1.0)
    faulty = walk.posetrack(view, (640, 480), noise_px=1.0, swaps=6)
    assert not np.allclose(faulty.image, truth.image, equal_nan=True)  # swaps were planted
    repaired, report = clean_track(faulty.with_view("unknown"))
    assert repaired.view == view
    assert sum(report.swaps_repaired.values()) > 0
    error = np.nanmax(np.abs(repaired.pixels - truth.pixels))
    assert error < 5.0  # what remains: swaps where the two legs overlap within a few px


def there_and_back(seed: int, noise_px: float = 1.0) -> tuple[PoseTrack, int, Walk]:
    """A walk away from the camera, then back toward it (the turn cut out), 1280x720, the
    frame where it turns and the walk away."""
    there = simulate_walk(WalkParams(mode="away", duration_s=10.0), seed=seed)
    away = there.posetrack("posterior", (1280, 720), noise_px)
    back = simulate_walk(WalkParams(mode="toward", duration_s=12.0, standing_s=0.0), seed=seed + 1).posetrack(
        "anterior", (1280, 720), noise_px)  # fmt: skip
    t = np.r_[away.t, away.t[-1] + 1 / away.fps + back.t]
    joined = PoseTrack(t, *(np.concatenate([getattr(away, k), getattr(back, k)]) for k in ("image", "visibility", "world")),
                       away.size, away.fps)  # fmt: skip
    return joined, len(away), there


@pytest.mark.parametrize("seed", [0, 1])
def test_a_walk_there_and_back_is_two_stretches_and_measured_from_behind(seed):
    track, cut, _ = there_and_back(seed)
    parts = stretches(track)
    assert [p.view for p in parts] == ["posterior", "anterior"]
    # The walk back starts far off (the walker 86-95 px tall at 720p over its first 2 s): its
    # toes read above or below the heels only as it nears, up to 2 s after the turn.
    assert abs(parts[0].end - cut) <= TURN_S * track.fps / 2 and cut <= parts[1].start <= cut + 2 * track.fps
    # The pose model takes a back for a front at times and labels it mirrored: each stretch
    # is labelled as its own view says, and the view is the stretch from behind.
    faulty = _exchange(track, np.arange(len(track)) < cut, BODY_PAIRS)
    cleaned, report = clean_track(faulty)
    assert cleaned.view == "posterior" and "the walker turned" in report.view.reason
    # A far walker's hips, ~12 px apart, read narrow in a frame or two with 1 px of noise:
    # those are dropped as a pose model's blends would be.
    assert report.edge_on <= 0.01 * len(track)
    for p in parts:
        kept = cleaned.detected[p.start : p.end]
        np.testing.assert_allclose(cleaned.image[p.start : p.end][kept], track.image[p.start : p.end][kept], atol=1e-6)
