"""The whole serial path without a board: simulator -> pseudo-terminal -> reader -> CSV.

The pty is a real tty device node that pyserial opens like a USB port. Assertions are on
counts and contents, never on speed; timeouts are generous.
"""

from __future__ import annotations

import subprocess
import sys
import threading

import numpy as np
import pytest

from gait.capture.calibration import Calibration, CalibrationTable, save_calibration
from gait.capture.insole import InsoleReader, find_board, open_port, record_insole
from gait.capture.insole_sim import InsoleSimulator
from gait.cli import main
from gait.errors import GaitError
from gait.recording.insole import InsoleRecording, read_insole_csv, write_insole_csv


def _counts_recording(rate_hz: float, seconds: float, n: int) -> InsoleRecording:
    """Raw counts that identify their row: sensor j of row i reads (i * 7 + j * 131) mod 4096."""
    rows = int(rate_hz * seconds)
    i = np.arange(rows)[:, None]
    left = (i * 7 + np.arange(n) * 131) % 4096
    right = (i * 7 + np.arange(n, 2 * n) * 131) % 4096
    return InsoleRecording(i[:, 0] / rate_hz, i[:, 0], left, right, rate_hz, units="raw")


class SimThread:
    """An in-process simulator serving on a thread (used where the test needs its stats)."""

    def __init__(self, rec: InsoleRecording, **kwargs) -> None:
        self.sim = InsoleSimulator(rec, **kwargs)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self.sim.run, args=(self._stop.is_set,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self._stop.set()
        self.thread.join(10)


@pytest.fixture
def sim_factory():
    made: list[SimThread] = []

    def make(rec: InsoleRecording, **kwargs) -> SimThread:
        made.append(SimThread(rec, **kwargs))
        return made[-1]

    yield make
    for s in made:
        s.close()


def test_1khz_16x2_sensors_through_a_pty_loses_no_frame(tmp_path):
    src = _counts_recording(1000.0, 4.0, 16)
    write_insole_csv(src, tmp_path / "src.csv")
    proc = subprocess.Popen(
        [sys.executable, "-m", "gait", "insole", "simulate", str(tmp_path / "src.csv")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        first = proc.stdout.readline()
        assert first.startswith("device: "), proc.stderr.read()
        result = record_insole(first.split()[1], tmp_path / "out.csv", duration=3.0)
    finally:
        proc.terminate()
        proc.wait(10)
    assert not result.unplugged
    assert result.stats.lost_frames == 0
    assert result.stats.crc_errors == result.stats.framing_errors == 0
    rec = read_insole_csv(tmp_path / "out.csv")
    assert rec.units == "raw" and rec.left.shape[1] == rec.right.shape[1] == 16
    assert len(rec) == result.rows >= 1500  # ~3000 on an idle machine; the point is no gaps
    assert np.array_equal(rec.seq, np.arange(len(rec)))
    assert rec.lost_frames == 0
    assert np.array_equal(rec.left, src.left[rec.seq]) and np.array_equal(rec.right, src.right[rec.seq])
    # Host times: strictly increasing, 1 ms apart as the device clock says.
    assert np.all(np.diff(rec.t) > 0)
    assert np.median(np.diff(rec.t)) == pytest.approx(0.001, abs=2e-5)


def test_garbage_dropped_bytes_and_unplug_through_the_cli(tmp_path, sim_factory, capsys):
    src = _counts_recording(500.0, 10.0, 8)
    s = sim_factory(src, noise=0.05, drop=0.02, unplug_after=2.0, seed=11)
    cal = Calibration(CalibrationTable([0, 100, 4096], [0, 5, 500]))
    save_calibration(cal, tmp_path / "cal.json")
    code = main(["insole", "record", s.sim.device, "-o", str(tmp_path / "rec.csv"),
                 "--calibration", str(tmp_path / "cal.json"), "--duration", "30"])  # fmt: skip
    s.thread.join(10)
    stats = s.sim.stats
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1
    assert stats.unplugged and stats.noise_bursts > 0 and stats.dropped_bytes > 0
    assert "board disconnected" in err[-1] and "saved in" in err[-1]
    raw = read_insole_csv(tmp_path / "rec_raw.csv")
    newton = read_insole_csv(tmp_path / "rec.csv")
    # Every frame sent before the unplug is in the CSV, except those that lost a byte.
    expected = sorted(set(range(stats.sent)) - set(stats.corrupted))
    assert raw.seq.tolist() == expected
    assert np.array_equal(raw.left, src.left[raw.seq])
    assert newton.units == "newton" and np.array_equal(newton.seq, raw.seq)
    assert np.allclose(newton.left, cal.to_newton(raw.left, raw.right)[0], rtol=1e-5)
    assert raw.lost_frames == sum(k < raw.seq[-1] for k in stats.corrupted)  # a lost last frame leaves no gap


def test_find_board_by_handshake_and_busy_port(sim_factory):
    s = sim_factory(_counts_recording(100.0, 1.0, 4))
    port, ident = find_board(["/dev/does-not-exist", s.sim.device])
    assert port == s.sim.device
    assert (ident.n_left, ident.n_right, ident.rate_hz) == (4, 4, 100)
    reader = InsoleReader(s.sim.device)
    try:
        with pytest.raises(GaitError, match="busy"):
            open_port(s.sim.device)
    finally:
        reader.stop()
    with pytest.raises(GaitError, match="no gait insole board answered"):
        find_board(["/dev/does-not-exist"])


def test_missing_port_is_one_clear_error():
    with pytest.raises(GaitError, match="no such serial port"):
        open_port("/dev/does-not-exist")


def test_text_mode_ident_line(sim_factory):
    s = sim_factory(_counts_recording(100.0, 1.0, 4))
    ser = open_port(s.sim.device)
    try:
        ser.timeout = 5
        ser.write(b"t?")
        assert ser.readline().startswith(b"GAIT-INSOLE v1 left=4 right=4 rate=100")
    finally:
        ser.close()
