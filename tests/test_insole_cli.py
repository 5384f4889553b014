"""`gait insole ...` on the command line: help, live monitor, and one-line errors."""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pytest

from gait.capture.insole_sim import InsoleSimulator
from gait.cli import main
from gait.recording.insole import InsoleRecording


def test_monitor_of_a_missing_port_is_one_line_and_exit_1():
    out = subprocess.run(
        [sys.executable, "-m", "gait", "insole", "monitor", "/dev/does-not-exist", "--duration", "1"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == 1
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gait: error: /dev/does-not-exist: no such serial port")
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("action", [None, "record", "monitor", "simulate", "convert"])
def test_help(action, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["insole"] + ([action] if action else []) + ["--help"])
    assert exc.value.code == 0
    assert "usage: gait insole" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["insole", "record", "/dev/does-not-exist", "-o", "{tmp}/x.csv"], "no such serial port"),
        (["insole", "record", "auto", "-o", "{tmp}/x.csv", "--calibration", "{tmp}/nope.json"], "no such calibration file"),
        (["insole", "convert", "{tmp}/nope.txt", "-o", "{tmp}/x.csv"], "no such file"),
        (["insole", "convert", "{tmp}/junk.txt", "-o", "{tmp}/x.csv"], "unknown insole format"),
        (["insole", "convert", "{tmp}/junk.txt", "--format", "gaitpdb", "-o", "{tmp}/x.csv"], "not a PhysioNet gaitpdb walk"),
        (["insole", "simulate", "{tmp}/junk.txt"], "unknown insole format"),
        (["insole", "simulate", "{tmp}/junk.txt", "--noise", "2"], "probability"),
        (["insole", "monitor", "/dev/does-not-exist", "--duration", "-1"], "must be positive"),
    ],
)
def test_bad_input_is_one_line(argv, message, tmp_path, capsys):
    (tmp_path / "junk.txt").write_text("hello\tworld\n")
    code = main([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert len(err) == 1 and err[0].startswith("gait: error:") and message in err[0]


def test_monitor_shows_load_rate_and_loss(capsys):
    t = np.arange(200) / 100.0
    rec = InsoleRecording(t, np.arange(200), np.full((200, 4), 50.0), np.zeros((200, 4)), 100.0)
    sim = InsoleSimulator(rec, loop=True)
    stop = threading.Event()
    thread = threading.Thread(target=sim.run, args=(stop.is_set,), daemon=True)
    thread.start()
    try:
        assert main(["insole", "monitor", sim.device, "--duration", "1.2"]) == 0
    finally:
        stop.set()
        thread.join(10)
    lines = capsys.readouterr().out.strip().splitlines()
    assert "4+4 sensors, 100 Hz" in lines[0]
    last = lines[-1].split()
    # 4 sensors x 50 N at the simulator's 10 counts per newton, no calibration: raw counts.
    assert last[:3] == ["L", "2000.0", "counts"] and last[4:6] == ["0.0", "counts"]
    assert "lost 0 " in lines[-1]
