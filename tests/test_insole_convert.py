"""Converters for the public insole recordings (PhysioNet gaitpdb, Moticon OpenGo)."""

from __future__ import annotations


import numpy as np
import pytest

from gait.cli import main
from gait.recording.insole import read_insole_csv
from gait.recording.public_insole import (
    gaitpdb_layout,
    moticon_layout,
    read_moticon_opengo,
    read_physionet_gaitpdb,
)


def test_gaitpdb_layout_follows_the_per_foot_convention():
    layout = gaitpdb_layout()
    assert np.array_equal(layout.left, layout.right)  # mirrored feet, one convention
    x, y = layout.left.T
    assert (x[0], y[0]) == (0.0, 30.0) and (x[7], y[7]) == (0.0, 230.0)  # heel, toe on the axis
    assert np.all(x[[1, 3, 5]] == 25.0) and np.all(x[[2, 4, 6]] == -25.0)  # X -700 lateral, -300 medial
    assert layout.foot_length_mm == 260.0


def test_moticon_layout_corners():
    xy = moticon_layout().left
    assert xy[0, 0] < 0 < xy[1, 0] and xy[0, 1] == xy[1, 1] == 0 and xy[2, 1] == xy[3, 1] > 0


def test_gaitpdb_reads_sensors_and_totals(insole):
    path = insole / "physionet_gaitpdb" / "GaCo01_01.txt"
    rec = read_physionet_gaitpdb(path)
    table = np.loadtxt(path)
    assert len(rec) == len(table) and rec.rate_hz == 100.0 and rec.units == "newton"
    assert np.allclose(rec.left.sum(1), table[:, 17]) and np.allclose(rec.right.sum(1), table[:, 18])


def test_moticon_virtual_sensors_carry_total_force_and_cop(insole):
    path = insole / "moticon_opengo" / "230927_102114.txt"
    rec = read_moticon_opengo(path)
    rows = [ln.split("\t") for ln in path.read_text(encoding="utf-8").splitlines() if ln and ln[0] != "#"]
    kept = [rows[i] for i in rec.seq]
    force = np.array([float(r[48]) for r in kept])  # right total force
    cop_ap = np.array([float(r[49]) for r in kept])
    cop_ml = np.array([float(r[50]) for r in kept])
    assert np.allclose(rec.right.sum(1), force)
    loaded = force > 0
    xy = (rec.right[loaded] @ rec.layout.right) / force[loaded, None]
    length, width = rec.layout.foot_length_mm, 2 * rec.layout.right[1, 0]
    assert np.allclose(xy[:, 1], (np.clip(cop_ap[loaded], -0.5, 0.5) + 0.5) * length)
    assert np.allclose(xy[:, 0], -np.clip(cop_ml[loaded], -0.5, 0.5) * width)  # Moticon Y + = medial


@pytest.mark.parametrize("name", ["physionet_gaitpdb/GaPt07_01.txt", "moticon_opengo/walk_text_export.txt"])
def test_convert_cli_round_trip(name, insole, tmp_path, capsys):
    assert main(["insole", "convert", str(insole / name), "-o", str(tmp_path / "out.csv")]) == 0
    assert "wrote" in capsys.readouterr().out
    back = read_insole_csv(tmp_path / "out.csv")
    src = read_physionet_gaitpdb(insole / name) if "gaitpdb" in name else read_moticon_opengo(insole / name)
    assert back.layout is not None and np.allclose(back.layout.left, src.layout.left)
    assert np.array_equal(back.seq, src.seq)
    assert np.allclose(back.left, src.left, rtol=1e-5, atol=1e-3)
