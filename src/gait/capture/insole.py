"""Read the pressure insole over USB serial and record it to the insole CSV contract.

The board speaks the protocol in `gait.capture.protocol` (firmware/PROTOCOL.md). A
background thread reads whatever bytes arrive, decodes frames (resynchronising after
garbage, counting CRC and framing errors), counts lost frames from gaps in the frame
counter, stamps each frame on the host clock and hands batches to a callback, which for
`record` appends them to CSV files that are flushed on every batch. When the board is
unplugged the thread keeps everything it received, stops and reports it.

Host clock: every frame carries the board's microsecond clock. The offset between the
host's `time.monotonic()` at arrival and the device time is the true offset plus a
transport delay that is never negative, so its lower envelope is the offset with the
least delay. We keep the minimum offset of each second of device time and fit a line
through the last two minutes of those minima (which also absorbs a crystal or resonator
running a little fast or slow); until two such seconds exist the running minimum is used.
A frame's time is then `device time + fitted offset - t0`, where `t0` is the origin the
caller shares with its pose track (default: the moment the port was opened).
"""

from __future__ import annotations

import errno
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gait.capture.calibration import Calibration
from gait.capture.protocol import (
    CMD_BINARY,
    CMD_IDENT,
    CMD_RATE,
    CMD_START,
    CMD_STOP,
    DataFrame,
    IdentFrame,
    StreamDecoder,
)
from gait.errors import GaitError
from gait.recording.insole import InsoleCsvWriter, InsoleLayout, save_layout

DEFAULT_BAUD = 1_000_000  # what the firmware uses; a pseudo-terminal ignores it
READ_TIMEOUT_S = 0.05
HANDSHAKE_TIMEOUT_S = 2.0  # ESP32/AVR boards reboot when the port opens; allow for it
HANDSHAKE_RETRY_S = 0.25


def open_port(port: str, baudrate: int = DEFAULT_BAUD):
    """Open a serial port exclusively; GaitError with one clear line when that fails."""
    import serial

    try:
        return serial.Serial(port, baudrate, timeout=READ_TIMEOUT_S, exclusive=True)
    except (serial.SerialException, OSError, ValueError) as exc:
        code = getattr(exc, "errno", None)
        text = str(exc)
        if code == errno.ENOENT or "No such file" in text:
            raise GaitError(f"{port}: no such serial port (is the insole plugged in?)") from None
        if code == errno.EACCES or "Permission denied" in text:
            raise GaitError(
                f"{port}: permission denied (on Linux, add yourself to the dialout group)"
            ) from None
        if code == errno.EBUSY or "lock" in text.lower() or "busy" in text.lower():
            raise GaitError(f"{port}: port is busy (another program has it open)") from None
        raise GaitError(f"{port}: cannot open serial port ({text})") from None


def handshake(ser, timeout: float = HANDSHAKE_TIMEOUT_S) -> IdentFrame | None:
    """Stop any stream, switch to binary and ask the board who it is; None if no answer."""
    decoder = StreamDecoder()
    ser.write(CMD_STOP + CMD_BINARY + CMD_IDENT)
    deadline = time.monotonic() + timeout
    ask_again = time.monotonic() + HANDSHAKE_RETRY_S
    while time.monotonic() < deadline:
        for frame in decoder.feed(ser.read(ser.in_waiting or 1)):
            if isinstance(frame, IdentFrame):
                return frame
        if time.monotonic() > ask_again:
            ser.write(CMD_STOP + CMD_BINARY + CMD_IDENT)
            ask_again = time.monotonic() + HANDSHAKE_RETRY_S
    return None


def candidate_ports() -> list[str]:
    """USB serial ports on this machine (where an insole board would appear)."""
    from serial.tools import list_ports

    return [p.device for p in list_ports.comports() if p.vid is not None]


def find_board(
    candidates: list[str] | None = None,
    baudrate: int = DEFAULT_BAUD,
    timeout: float = HANDSHAKE_TIMEOUT_S,
) -> tuple[str, IdentFrame]:
    """The first port whose board answers the handshake, with its ident."""
    ports = candidate_ports() if candidates is None else candidates
    for port in ports:
        try:
            ser = open_port(port, baudrate)
        except GaitError:
            continue
        try:
            ident = handshake(ser, timeout)
        except OSError:
            ident = None
        finally:
            ser.close()
        if ident is not None:
            return port, ident
    tried = ", ".join(ports) if ports else "no USB serial ports found"
    raise GaitError(f"no gait insole board answered the handshake ({tried})")


class HostClock:
    """Maps the device's microsecond clock onto host `time.monotonic()` seconds."""

    BLOCK_S = 1.0  # one offset minimum per second of device time
    MAX_BLOCKS = 120  # fit over the last two minutes
    EPS_S = 1e-6  # keeps host times strictly increasing across refits

    def __init__(self) -> None:
        self._wraps = 0
        self._last_us: int | None = None
        self._blocks: deque[tuple[float, float]] = deque(maxlen=self.MAX_BLOCKS)
        self._block_start: float | None = None
        self._block_min: tuple[float, float] | None = None
        self._fit: tuple[float, float] | None = None  # offset = a + b * device_s
        self._last_t = -np.inf

    def device_seconds(self, t_us: np.ndarray) -> np.ndarray:
        """Unwrap the 32-bit microsecond counter into seconds since the board started."""
        t_us = np.asarray(t_us, dtype=np.int64)
        prev = np.concatenate([[t_us[0] if self._last_us is None else self._last_us], t_us[:-1]])
        wraps = self._wraps + np.cumsum(t_us < prev)
        self._wraps = int(wraps[-1])
        self._last_us = int(t_us[-1])
        return (t_us + wraps * 2**32) * 1e-6

    def observe(self, device_s: np.ndarray, arrival: float) -> None:
        """Note that frames stamped `device_s` had all arrived by host time `arrival`."""
        offsets = arrival - device_s
        i = int(np.argmin(offsets))
        if self._block_start is None:
            self._block_start = float(device_s[i])
        if self._block_min is None or offsets[i] < self._block_min[1]:
            self._block_min = (float(device_s[i]), float(offsets[i]))
        if device_s[-1] - self._block_start >= self.BLOCK_S:
            self._blocks.append(self._block_min)
            self._block_start, self._block_min = float(device_s[-1]), None
            if len(self._blocks) >= 2:
                d, o = np.array(self._blocks).T
                b, a = np.polyfit(d - d[0], o, 1)
                self._fit = (a - b * d[0], b)

    def to_host(self, device_s: np.ndarray) -> np.ndarray:
        """Host monotonic seconds of frames stamped `device_s` (after `observe`)."""
        if self._fit is not None:
            a, b = self._fit
            host = device_s + a + b * device_s
        else:
            running = [o for _, o in self._blocks]
            if self._block_min is not None:
                running.append(self._block_min[1])
            host = device_s + min(running)
        steps = self.EPS_S * np.arange(1, len(host) + 1)
        host = np.maximum.accumulate(np.maximum(host - steps, self._last_t)) + steps
        self._last_t = float(host[-1])
        return host


@dataclass(frozen=True)
class InsoleBatch:
    """Frames that arrived together: host time, counter, raw counts per foot."""

    t: np.ndarray  # (k,) seconds on the caller's clock (monotonic - t0)
    seq: np.ndarray  # (k,) int64
    left: np.ndarray  # (k, n) raw counts
    right: np.ndarray  # (k, m)


@dataclass
class ReaderStats:
    frames: int = 0
    lost_frames: int = 0
    crc_errors: int = 0
    framing_errors: int = 0
    garbage_bytes: int = 0
    restarts: int = 0  # the counter went backwards (the board rebooted)


class InsoleReader:
    """Opens the port, identifies the board, then reads frames on a background thread.

    `start(on_batch)` begins streaming; `on_batch` runs on the reader thread; if it
    raises, reading stops and `error` holds the exception. After `stop()` (or an unplug)
    `unplugged` says whether the port went away under us, and `stats` holds the counts.
    """

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = DEFAULT_BAUD,
        rate_hz: int | None = None,
        t0: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.port = port
        self._on_batch: Callable[[InsoleBatch], None] = lambda batch: None
        self._clock = clock
        self._ser = open_port(port, baudrate)
        self.t0 = clock() if t0 is None else t0
        try:
            self.ident = self._identify(rate_hz)
        except OSError as exc:
            self._ser.close()
            raise GaitError(f"{port}: the board went away during the handshake ({exc})") from None
        self.stats = ReaderStats()
        self.unplugged = False
        self.error: BaseException | None = None
        self._decoder = StreamDecoder()
        self._hostclock = HostClock()
        self._last_seq: int | None = None
        self._shape: tuple[int, int] | None = None
        self._shape_errors = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"insole {port}", daemon=True)

    def _identify(self, rate_hz: int | None) -> IdentFrame:
        ident = handshake(self._ser)
        if ident is None:
            self._ser.close()
            raise GaitError(f"{self.port}: no gait insole board answered (wrong port or firmware?)")
        if rate_hz is not None and rate_hz != ident.rate_hz:
            self._ser.write(CMD_RATE + f"{rate_hz}\n".encode())
            ident = handshake(self._ser) or ident
        return ident

    def start(self, on_batch: Callable[[InsoleBatch], None]) -> InsoleReader:
        """Tell the board to stream and start reading; `on_batch` gets every batch."""
        self._on_batch = on_batch
        self._ser.write(CMD_START)
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the reader ends by itself (unplug, error) or `timeout`; True if ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        """Stop the board streaming, end the thread and close the port."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5.0)
        self._close()

    def _close(self) -> None:
        if self._ser.is_open:
            if not self.unplugged:
                try:
                    self._ser.write(CMD_STOP)
                except Exception:  # the port may be gone already; nothing left to tell it
                    pass
            self._ser.close()

    def _run(self) -> None:
        import serial

        try:
            while not self._stop.is_set():
                try:
                    chunk = self._ser.read(self._ser.in_waiting or 1)
                except (serial.SerialException, OSError):  # the port went away: unplugged
                    self.unplugged = True
                    break
                if chunk:
                    self._handle(chunk, self._clock())
        except BaseException as exc:  # kept for the caller: the thread must not die silently
            self.error = exc
        finally:
            self._sync_decoder_stats()
            if self.unplugged:
                self._ser.close()

    def _handle(self, chunk: bytes, arrival: float) -> None:
        frames = [f for f in self._decoder.feed(chunk) if isinstance(f, DataFrame)]
        if self._shape is None and frames:
            self._shape = (len(frames[0].left), len(frames[0].right))
        keep = [f for f in frames if (len(f.left), len(f.right)) == self._shape]
        self._shape_errors += len(frames) - len(keep)
        self._sync_decoder_stats()
        if not keep:
            return
        seq = np.fromiter((f.seq for f in keep), np.int64, len(keep))
        t_us = np.fromiter((f.t_us for f in keep), np.int64, len(keep))
        self._count_lost(seq)
        device_s = self._hostclock.device_seconds(t_us)
        self._hostclock.observe(device_s, arrival)
        t = self._hostclock.to_host(device_s) - self.t0
        n, m = self._shape
        left = np.array([f.left for f in keep], dtype=np.int64).reshape(len(keep), n)
        right = np.array([f.right for f in keep], dtype=np.int64).reshape(len(keep), m)
        self.stats.frames += len(keep)
        self._on_batch(InsoleBatch(t, seq, left, right))

    def _count_lost(self, seq: np.ndarray) -> None:
        prev = np.concatenate([[seq[0] - 1 if self._last_seq is None else self._last_seq], seq[:-1]])
        step = seq - prev
        self.stats.lost_frames += int(np.sum(step[step > 1] - 1))
        self.stats.restarts += int(np.sum(step < 1))
        self._last_seq = int(seq[-1])

    def _sync_decoder_stats(self) -> None:
        self.stats.crc_errors = self._decoder.crc_errors
        self.stats.garbage_bytes = self._decoder.garbage_bytes
        self.stats.framing_errors = self._decoder.framing_errors + self._shape_errors


class CsvRecorder:
    """Batch callback that appends frames to the insole CSV contract as they arrive.

    Without a calibration the CSV holds raw counts (`units: raw`). With one, `path` holds
    newtons and `<stem>_raw.csv` beside it the raw counts of the same rows, so a better
    calibration can be applied later. A layout, when given, is saved as
    `<stem>_layout.json` and named by both files.
    """

    def __init__(
        self,
        path: str | Path,
        ident: IdentFrame,
        device: str,
        calibration: Calibration | None = None,
        layout: InsoleLayout | None = None,
        meta: dict[str, str] | None = None,
    ) -> None:
        self.path = Path(path)
        self.raw_path = self.path.with_name(f"{self.path.stem}_raw.csv") if calibration else self.path
        self._ident, self._device = ident, device
        self._calibration, self._layout = calibration, layout
        self._meta = dict(meta or {})
        self._writers: tuple[InsoleCsvWriter, InsoleCsvWriter | None] | None = None
        self.rows = 0

    def _open(self, n_left: int, n_right: int) -> tuple[InsoleCsvWriter, InsoleCsvWriter | None]:
        layout_name = None
        if self._layout is not None:
            if (len(self._layout.left), len(self._layout.right)) != (n_left, n_right):
                raise GaitError(
                    f"layout has {len(self._layout.left)}+{len(self._layout.right)} sensors, "
                    f"the board sends {n_left}+{n_right}"
                )
            layout_name = f"{self.path.stem}_layout.json"
            save_layout(self._layout, self.path.parent / layout_name)
        if self._calibration is not None:
            self._calibration.check(n_left, n_right)
        args = (n_left, n_right, self._ident.rate_hz)
        raw = InsoleCsvWriter(self.raw_path, *args, "raw", layout_name, self._device, self._meta)
        if self._calibration is None:
            return raw, None
        newton = InsoleCsvWriter(self.path, *args, "newton", layout_name, self._device, self._meta)
        return raw, newton

    def __call__(self, batch: InsoleBatch) -> None:
        if self._writers is None:
            self._writers = self._open(batch.left.shape[1], batch.right.shape[1])
        raw, newton = self._writers
        raw.write(batch.t, batch.seq, batch.left, batch.right)
        if newton is not None:
            left, right = self._calibration.to_newton(batch.left, batch.right)
            newton.write(batch.t, batch.seq, left, right)
        self.rows += len(batch.t)

    def close(self) -> None:
        for w in self._writers or ():
            if w is not None:
                w.close()


class LiveTotals:
    """Batch callback keeping what a monitor shows: total load per foot, rate, losses."""

    WINDOW_S = 1.0

    def __init__(self, calibration: Calibration | None = None) -> None:
        self._calibration = calibration
        self._lock = threading.Lock()
        self._times: deque[float] = deque()
        self.left_total = self.right_total = 0.0

    def __call__(self, batch: InsoleBatch) -> None:
        left, right = batch.left[-1:], batch.right[-1:]
        if self._calibration is not None:
            left, right = self._calibration.to_newton(left, right)
        with self._lock:
            self.left_total, self.right_total = float(left.sum()), float(right.sum())
            self._times.extend(batch.t.tolist())
            while self._times and self._times[0] < self._times[-1] - self.WINDOW_S:
                self._times.popleft()

    def rate_hz(self) -> float:
        with self._lock:
            if len(self._times) < 2:
                return 0.0
            return (len(self._times) - 1) / max(self._times[-1] - self._times[0], 1e-9)


@dataclass
class RecordResult:
    path: Path
    raw_path: Path
    port: str
    ident: IdentFrame
    rows: int
    seconds: float
    stats: ReaderStats
    unplugged: bool


def record_insole(
    port: str,
    path: str | Path,
    *,
    duration: float | None = None,
    calibration: Calibration | None = None,
    layout: InsoleLayout | None = None,
    baudrate: int = DEFAULT_BAUD,
    rate_hz: int | None = None,
    t0: float | None = None,
    progress: Callable[[InsoleReader, CsvRecorder], None] | None = None,
    progress_every: float = 1.0,
) -> RecordResult:
    """Record from `port` ("auto": find the board) into `path` until `duration`, Ctrl-C or
    an unplug; everything received is on disk either way."""
    if port == "auto":
        port, _ = find_board(baudrate=baudrate)
    reader = InsoleReader(port, baudrate=baudrate, rate_hz=rate_hz, t0=t0)
    meta = {
        "clock": "host time.monotonic() - t0; device clock mapped by a lower-envelope fit",
        "t0_monotonic": f"{reader.t0:.6f}",
    }
    device = f"{reader.ident.text} on {port}"
    recorder = CsvRecorder(path, reader.ident, device, calibration, layout, meta)
    start = time.monotonic()
    try:
        reader.start(recorder)
        while reader.running:
            left = None if duration is None else duration - (time.monotonic() - start)
            if left is not None and left <= 0:
                break
            reader.wait(progress_every if left is None else min(progress_every, left))
            if progress is not None:
                progress(reader, recorder)
    except KeyboardInterrupt:
        pass  # Ctrl-C is how an open-ended recording ends
    finally:
        reader.stop()
        recorder.close()
    if reader.error is not None:
        if isinstance(reader.error, GaitError):
            raise reader.error
        raise GaitError(f"{port}: reading stopped ({reader.error!r})")
    return RecordResult(
        recorder.path, recorder.raw_path, port, reader.ident, recorder.rows,
        time.monotonic() - start, reader.stats, reader.unplugged,
    )  # fmt: skip
