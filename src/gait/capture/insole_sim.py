"""A simulated insole board on a pseudo-terminal, for testing the serial path without one.

`os.openpty()` gives a master/slave pair; the slave is a real tty device node
(`/dev/pts/N`) that pyserial opens like any USB serial port. The simulator answers the
same commands as the firmware (`?`, `g`, `s`, `b`, `t`; `r` is accepted but the rate
stays the recording's, which the ident reports) and streams protocol frames from an
`InsoleRecording` at its real rate: frame i leaves at start + i / rate on the monotonic
clock, so the pace does not drift however late one write was.

Counts on the wire: a raw recording is sent as it is; a newton recording goes through the
inverse of a calibration (`calibration=`), or, without one, as 10 counts per newton (so a
reader given `Calibration.linear(10)` gets the newtons back to 0.1 N).

Faults on request, reproducible from `seed`: a burst of random bytes before a frame
(probability `noise` per frame), one byte dropped from a frame (probability `drop`), and
an unplug `unplug_after` seconds into the stream: the simulator stops sending, waits until
the reader has taken what was already sent (so a test knows exactly which frames preceded
the unplug), then closes the pty.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import termios
import time
import tty
from dataclasses import dataclass, field

import numpy as np

from gait.capture.calibration import Calibration
from gait.capture.protocol import MAX_SENSORS, DataFrame, IdentFrame, encode_data, encode_ident
from gait.errors import GaitError
from gait.recording.insole import InsoleRecording

DEFAULT_COUNTS_PER_NEWTON = 10.0
TEXT_LINES_PER_S = 20  # as in the firmware: text mode is for eyes
DRAIN_TIMEOUT_S = 2.0
DRAIN_QUIET_S = 0.2


@dataclass
class SimStats:
    sent: int = 0  # data frames written
    noise_bursts: int = 0
    dropped_bytes: int = 0
    corrupted: list[int] = field(default_factory=list)  # seq of frames that lost a byte
    unplugged: bool = False


class InsoleSimulator:
    """Plays an insole recording as a board on a pseudo-terminal."""

    def __init__(
        self,
        rec: InsoleRecording,
        *,
        calibration: Calibration | None = None,
        loop: bool = False,
        noise: float = 0.0,
        drop: float = 0.0,
        unplug_after: float | None = None,
        seed: int = 0,
    ) -> None:
        if len(rec) == 0:
            raise GaitError("insole recording has no frames to simulate")
        if max(rec.left.shape[1], rec.right.shape[1]) > MAX_SENSORS:
            raise GaitError(f"the wire protocol carries at most {MAX_SENSORS} sensors per foot")
        if rec.rate_hz <= 0 or rec.rate_hz > 65535:
            raise GaitError(f"insole recording rate {rec.rate_hz:g} Hz cannot be simulated")
        left, right = np.nan_to_num(rec.left), np.nan_to_num(rec.right)
        if rec.units == "raw":
            self.left = np.clip(np.rint(left), 0, 65535).astype(np.int64)
            self.right = np.clip(np.rint(right), 0, 65535).astype(np.int64)
        else:
            cal = calibration or Calibration.linear(DEFAULT_COUNTS_PER_NEWTON)
            cal.check(left.shape[1], right.shape[1])
            self.left, self.right = cal.to_counts(np.clip(left, 0, None), np.clip(right, 0, None))
        self.rate_hz = rec.rate_hz
        self.loop, self.noise, self.drop = loop, noise, drop
        self.unplug_after = unplug_after
        self._rng = np.random.default_rng(seed)
        self.ident = IdentFrame(
            self.left.shape[1], self.right.shape[1], int(round(rec.rate_hz)), 16, "gait-insole-sim board=pty"
        )
        self.stats = SimStats()
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)  # no echo, no newline translation: a byte pipe like USB serial
        self.device = os.ttyname(self._slave)
        self._streaming = False
        self._text = False
        self._start = 0.0
        self._seq = 0

    def run(self, should_stop=lambda: False) -> SimStats:
        """Serve commands and stream until unplug, end of a non-looping recording plus a
        stop request, or `should_stop()`; then close the pty."""
        try:
            while not should_stop():
                if self._streaming and self.unplug_after is not None:
                    if time.monotonic() - self._start >= self.unplug_after:
                        self._unplug()
                        break
                wait = 0.1
                if self._streaming and (self.loop or self._seq < len(self.left)):
                    wait = max(0.0, self._start + self._seq / self.rate_hz - time.monotonic())
                ready, _, _ = select.select([self._master], [], [], min(wait, 0.1))
                if ready:
                    try:
                        data = os.read(self._master, 256)
                    except OSError:
                        break
                    self._commands(data)
                if self._streaming:
                    self._send_due()
        finally:
            self.close()
        return self.stats

    def close(self) -> None:
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass
        self._master = self._slave = -1

    def _commands(self, data: bytes) -> None:
        for c in data:
            if c == ord("?"):
                self._write(self._ident_bytes())
            elif c == ord("g"):
                self._streaming, self._seq, self._start = True, 0, time.monotonic()
            elif c == ord("s"):
                self._streaming = False
            elif c == ord("b"):
                self._text = False
            elif c == ord("t"):
                self._text = True

    def _ident_bytes(self) -> bytes:
        if not self._text:
            return encode_ident(self.ident)
        i = self.ident
        return (
            f"GAIT-INSOLE v1 left={i.n_left} right={i.n_right} rate={i.rate_hz} "
            f"adc={i.adc_bits} fw=sim board=pty\r\n"
        ).encode()

    def _send_due(self) -> None:
        due = int((time.monotonic() - self._start) * self.rate_hz) + 1
        n = len(self.left)
        if not self.loop:
            due = min(due, n)
        chunks = []
        while self._seq < due:
            chunks.append(self._frame_bytes(self._seq, self._seq % n))
            self._seq += 1
        if chunks:
            self._write(b"".join(chunks))

    def _frame_bytes(self, seq: int, row: int) -> bytes:
        t_us = int(round(seq * 1e6 / self.rate_hz)) & 0xFFFFFFFF
        left, right = tuple(self.left[row].tolist()), tuple(self.right[row].tolist())
        frame = DataFrame(seq & 0xFFFFFFFF, t_us, left, right)
        self.stats.sent += 1
        if self._text:
            every = max(1, int(self.rate_hz) // TEXT_LINES_PER_S)
            if seq % every:
                return b""
            values = " ".join(map(str, frame.left)) + " R " + " ".join(map(str, frame.right))
            return f"#{frame.seq} t={frame.t_us}us L {values}\r\n".encode()
        out = encode_data(frame)
        if self.drop and self._rng.random() < self.drop:
            i = int(self._rng.integers(0, len(out)))
            out = out[:i] + out[i + 1 :]
            self.stats.dropped_bytes += 1
            self.stats.corrupted.append(seq)
        if self.noise and self._rng.random() < self.noise:
            burst = self._rng.integers(0, 256, int(self._rng.integers(1, 33)), dtype=np.uint8)
            out = burst.tobytes() + out
            self.stats.noise_bursts += 1
        return out

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._master, view) :]

    def _unplug(self) -> None:
        """Wait for the reader to take what was sent, then close the pty (the 'unplug')."""
        # The kernel moves written bytes to the tty's input queue asynchronously, so only
        # an input queue that stays empty for a while means the reader has everything.
        deadline = time.monotonic() + DRAIN_TIMEOUT_S
        empty_since = None
        while time.monotonic() < deadline:
            if _unread(self._slave) > 0:
                empty_since = None
            elif empty_since is None:
                empty_since = time.monotonic()
            elif time.monotonic() - empty_since >= DRAIN_QUIET_S:
                break
            time.sleep(0.01)
        self.stats.unplugged = True


def _unread(fd: int) -> int:
    """Bytes waiting in a tty's input queue."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
