"""View detection on the synthetic walker from every side, and left/right repair on it."""

import numpy as np
import pytest

from gait.pose.extract import clean_track
from gait.pose.view import detect_view
from gait.simulate import WalkParams, simulate_walk

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
