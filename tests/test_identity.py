"""Planted left/right swaps are found and undone; labels stay put when nothing is swapped."""

import numpy as np
import pytest

from gait import landmarks as lm
from gait.pose.identity import BODY_PAIRS, LEG_PAIRS, _exchange, repair_swaps
from gait.recording.posetrack import PoseTrack


def stepping_track(n: int, view: str, seed: int) -> PoseTrack:
    """Smoothly moving landmarks (pixels -> normalised) of a person walking in place.

    In the side view the legs swing past each other (they cross twice a stride); in the
    frontal view they stay apart and lift in turn.
    """
    rng = np.random.default_rng(seed)
    size = np.array([640.0, 480.0])
    t = np.arange(n) / 30.0
    phase = 2 * np.pi * t / rng.uniform(0.9, 1.2) + rng.uniform(0, 2 * np.pi)
    pts = np.zeros((n, 33, 2))
    side = np.where(np.arange(33) % 2 == 1, -1.0, 1.0)  # left (odd) vs right (even)
    side[0] = 0.0
    height = np.linspace(60, 420, 33)
    height[lm.LEFT_HIP : lm.RIGHT_FOOT_INDEX + 1] = [240, 240, 320, 320, 400, 400, 415, 415, 420, 420]
    pts[:, :, 1] = height
    reach = np.zeros(33)
    reach[[lm.LEFT_KNEE, lm.RIGHT_KNEE]] = 30
    reach[[lm.LEFT_ANKLE, lm.RIGHT_ANKLE, lm.LEFT_HEEL, lm.RIGHT_HEEL]] = 60
    reach[[lm.LEFT_FOOT_INDEX, lm.RIGHT_FOOT_INDEX]] = 65
    swing = np.sin(phase)[:, None] * side[None, :]
    if view == "left":  # legs swing fore-aft along x and cross
        pts[:, :, 0] = 320 + reach[None, :] * swing + 4 * side[None, :]
    else:  # posterior: legs apart in x, lifted in turn
        pts[:, :, 0] = 320 + 40 * side[None, :] + 3 * swing
        pts[:, :, 1] -= 0.4 * reach[None, :] * np.clip(swing, 0, None)
    pts[:, :, 0] += 15 * np.sin(t / 2)[:, None]  # the whole body sways
    pts += rng.normal(0, 0.5, pts.shape)
    image = np.concatenate([pts / size, rng.normal(0, 0.01, (n, 33, 1))], axis=2)
    world = np.concatenate([pts / 400.0, np.zeros((n, 33, 1))], axis=2)
    return PoseTrack(t, image, np.ones((n, 33)), world, (640, 480), 30.0, view)


def plant(track: PoseTrack, pairs: np.ndarray, seed: int, count: int = 4) -> tuple[PoseTrack, np.ndarray]:
    rng = np.random.default_rng(seed + 100)
    frames = np.zeros(len(track), bool)
    for start in rng.choice(np.arange(5, len(track) - 10), count, replace=False):
        frames[start : start + rng.integers(1, 7)] = True
    return _exchange(track, frames, pairs), frames


@pytest.mark.parametrize("view", ["left", "posterior"])
@pytest.mark.parametrize("seed", range(6))
def test_planted_leg_swaps_are_repaired(view, seed):
    truth = stepping_track(150, view, seed)
    swapped, planted = plant(truth, LEG_PAIRS, seed)
    repaired, counts = repair_swaps(swapped)
    error = np.abs(repaired.pixels - truth.pixels).max()
    # A swap left where the legs cross is harmless: the two legs are within a few px there.
    assert error < 5.0, f"{planted.sum()} planted frames, {counts} repaired, worst error {error:.1f} px"
    assert counts["body"] == 0


@pytest.mark.parametrize("seed", range(4))
def test_whole_body_swaps_are_repaired_with_dropouts_around(seed):
    truth = stepping_track(150, "posterior", seed)
    swapped, _ = plant(truth, BODY_PAIRS, seed, count=3)
    gap = slice(70, 74)
    for arr in (swapped.image, swapped.world, truth.image, truth.world):
        arr[gap] = np.nan
    repaired, counts = repair_swaps(swapped)
    ok = truth.detected
    assert counts["body"] > 0
    assert np.abs(repaired.pixels[ok] - truth.pixels[ok]).max() < 3.0
    assert np.isnan(repaired.image[gap]).all()


def test_clean_tracks_are_left_alone():
    truth = stepping_track(200, "left", 7)
    repaired, counts = repair_swaps(truth)
    assert counts == {"body": 0, "legs": 0}
    np.testing.assert_array_equal(repaired.image, truth.image)
