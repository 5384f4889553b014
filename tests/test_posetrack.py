"""Pose tracks round-trip through the .npz contract and the CSV export."""

import numpy as np
import pytest

from gait.errors import GaitError
from gait.recording.posetrack import SCHEMA, PoseTrack, csv_columns, export_csv, load_posetrack, read_csv, save_posetrack


def make_track(n: int = 40, seed: int = 0) -> PoseTrack:
    rng = np.random.default_rng(seed)
    image = rng.random((n, 33, 3)).astype(np.float32)
    world = rng.normal(size=(n, 33, 3)).astype(np.float32)
    vis = rng.random((n, 33)).astype(np.float32)
    image[5:8] = np.nan
    world[5:8] = np.nan
    vis[5:8] = 0
    t = np.cumsum(rng.uniform(0.03, 0.04, n))
    return PoseTrack(t, image, vis, world, (1280, 720), 29.97, "posterior")


def assert_same(a: PoseTrack, b: PoseTrack) -> None:
    np.testing.assert_allclose(a.t, b.t, atol=1e-6)
    for key in ("image", "visibility", "world"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))
    assert (a.size, a.fps, a.view) == (b.size, b.fps, b.view)


def test_npz_round_trip_keeps_every_value_and_the_contract_keys(tmp_path):
    track = make_track()
    path = save_posetrack(track, tmp_path / "pose.npz")
    with np.load(path) as data:
        assert str(data["schema"]) == SCHEMA
        assert set(data.files) == {"schema", "t", "image", "visibility", "world", "size", "fps", "view"}
        assert data["image"].dtype == np.float32 and data["t"].dtype == np.float64
    back = load_posetrack(path)
    assert_same(track, back)
    assert back.detected.tolist() == [i not in (5, 6, 7) for i in range(40)]


def test_csv_has_named_columns_and_round_trips(tmp_path):
    track = make_track()
    path = export_csv(track, tmp_path / "pose.csv")
    lines = path.read_text().splitlines()
    header = next(line for line in lines if not line.startswith("#"))
    assert header.split(",") == csv_columns()
    assert "left_heel_x" in header and "right_foot_index_world_z" in header
    row5 = lines[lines.index(header) + 6].split(",")
    assert row5[1] == "0" and row5[2] == ""  # undetected frame: flag 0, empty cells
    assert_same(track, read_csv(path))


def test_unreadable_tracks_raise_clear_errors(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(GaitError, match="not a readable pose track"):
        load_posetrack(bad)
    other = tmp_path / "other.npz"
    np.savez(other, a=np.zeros(3))
    with pytest.raises(GaitError, match="not a pose track"):
        load_posetrack(other)
    with pytest.raises(GaitError, match="no such file"):
        load_posetrack(tmp_path / "missing.npz")


def test_times_must_increase():
    track = make_track()
    with pytest.raises(GaitError, match="strictly increasing"):
        PoseTrack(track.t[::-1], track.image, track.visibility, track.world, track.size, track.fps)
