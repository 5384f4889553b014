"""Live recording: a camera (or a video played as one) and a pressure insole into a session
folder that is readable at every moment, so a crash or an unplugged device keeps what came in.

Data flow, one direction, one thread per device:

    frame source -> capture thread -> video.mp4 (every frame as captured)
                                   -> queue -> pose thread -> pose.partial.csv (pose journal)
    insole board -> reader thread  -> insole.csv (+ insole_layout.json)
    main thread: phases (ready, countdown, standing, walking), the preview window or progress
                 lines, keys, session.json

Every sample is on one `SessionClock` (t = 0 when recording starts). `session.json` is
written when the folder is made, at start, every few seconds and at stop; its "state" stays
"recording" when the program was killed. The pose journal becomes `pose.npz` through the same
path as `gait analyze` takes on a session cut short (`pipeline.resolve_input`).
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Protocol, TextIO

import cv2
import numpy as np

from gait import __version__
from gait import landmarks as lm
from gait.analysis.frontal import knee_frontal
from gait.analysis.pelvis import obliquity
from gait.analysis.prepare import Landmarks
from gait.capture.calibration import Calibration
from gait.capture.clock import OffsetMeter, SessionClock
from gait.capture.insole import CsvRecorder, InsoleBatch, InsoleReader, LiveTotals, find_board
from gait.capture.video import Camera, FrameSource, PacedVideo
from gait.errors import GaitError
from gait.pose.estimator import Detection, PoseModel, open_model
from gait.pose.view import detect_view
from gait.recording import session as sess
from gait.recording.insole import InsoleLayout
from gait.recording.journal import PoseJournal
from gait.recording.posetrack import PoseTrack
from gait.report.overlay import draw_skeleton, draw_values

# Frames waiting for the pose model beyond this many seconds of video are journaled as "no
# person" instead of queued: memory stays bounded and the journal keeps one row per video frame.
POSE_BACKLOG_S = 2.0
SAVE_INFO_EVERY_S = 5.0  # session.json rewritten this often while recording
VIEW_EVERY_S = 2.0  # the preview re-detects the view (when not given) this often, from ...
VIEW_WINDOW_S = 3.0  # ... the last few seconds of landmarks
CRASH_SAFETY = {
    sess.POSE_JOURNAL_FILE: "pose journal: one row per video frame, on disk as estimated (fsynced every "
    "second); pose.npz is made from it at stop, or by `gait analyze` when the recording was cut short",
    sess.INSOLE_FILE: "one row per insole frame, flushed as it arrives; everything received before an "
    "unplug or a crash is kept",
    sess.VIDEO_FILE: "frames written as captured, but the mp4 index is written only at a clean stop: "
    "after a crash the file may not play (the pose journal does not need it)",
    sess.SESSION_FILE: "rewritten atomically at start, every few seconds and at stop; state "
    "'recording' means the recording was cut short",
}


@dataclass(frozen=True)
class RecordOptions:
    """What to record, where, and for how long."""

    folder: Path
    camera: int | None = None
    video: Path | None = None  # played at its real rate in place of a camera
    insole: str | None = None  # serial port or "auto"
    calibration: Calibration | None = None
    layout: InsoleLayout | None = None
    baudrate: int = 1_000_000
    duration: float | None = None  # seconds from the start of the recording (standing included)
    countdown: float = 3.0
    stand: float = 3.0
    view: str | None = None
    model: Path | None = None


@dataclass
class Status:
    """A snapshot for the preview or progress lines."""

    phase: str  # ready, countdown, standing, walking
    t: float | None  # session time, None before the countdown
    phase_left_s: float | None  # countdown or standing seconds still to go
    frames: int = 0
    detected: int = 0
    lost: int = 0
    skipped: int = 0
    image: np.ndarray | None = None
    found: Detection | None = None
    view: str = "unknown"
    angles: dict[str, float] = field(default_factory=dict)
    insole: str | None = None  # one line about the insole, None without one


@dataclass(frozen=True)
class RecordResult:
    folder: Path
    recorded: bool  # False when stopped before t = 0 (the folder was removed)
    duration_s: float
    stop_reason: str
    frames: int
    detected: int
    lost: int
    skipped: int
    insole_rows: int | None
    insole_lost: int | None
    insole_unplugged_at: float | None


class CameraSide:
    """The camera path: a capture thread writes every recorded frame to the video and queues
    it; a pose thread runs the model on the queue in order and journals each frame."""

    def __init__(self, source: FrameSource, model: PoseModel, folder: Path, view: str | None, clock: SessionClock) -> None:
        self.source, self._model, self._clock = source, model, clock
        self._writer = cv2.VideoWriter(str(folder / sess.VIDEO_FILE), cv2.VideoWriter_fourcc(*"mp4v"), source.fps, source.size)
        if not self._writer.isOpened():
            raise GaitError(f"{folder / sess.VIDEO_FILE}: cannot write an mp4 video here")
        self.journal = PoseJournal(folder / sess.POSE_JOURNAL_FILE, source.size, source.fps, view or "unknown")
        self.offsets = OffsetMeter()
        self.frames = self.detected = self.lost = self.skipped = 0
        self.preview: tuple[np.ndarray, Detection | None] | None = None
        self.recent: deque[Detection | None] = deque(maxlen=max(int(VIEW_WINDOW_S * source.fps), 3))
        self.error: BaseException | None = None
        self.ended = False  # the source delivered its last frame (file end, camera gone)
        self._queue: queue.Queue = queue.Queue()
        self._max_backlog = max(int(POSE_BACKLOG_S * source.fps), 1)
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._capture, name="capture", daemon=True),
            threading.Thread(target=self._pose, name="pose", daemon=True),
        ]

    def start(self) -> None:
        """Start capturing (the preview before the recording, then the recording)."""
        for thread in self._threads:
            thread.start()

    def _capture(self) -> None:
        last_t = None
        try:
            for frame in self.source:  # stamped in raw monotonic seconds (the source's t0 is 0)
                if self._stop.is_set():
                    break
                t = self._clock.since(frame.t) if self._clock.started else -np.inf
                if t < 0:  # not recording yet: the newest frame goes to the model, for the preview
                    if self._queue.empty():
                        self._queue.put((frame.image, frame.t, None))
                    continue
                self._writer.write(frame.image)
                self.frames += 1
                if last_t is not None:
                    self.lost += max(int(round((t - last_t) * self.source.fps)) - 1, 0)
                last_t = t
                if frame.device_t is not None:
                    self.offsets.add(frame.t, frame.device_t)
                if self._queue.qsize() < self._max_backlog:
                    self._queue.put((frame.image, frame.t, t))
                else:
                    self._queue.put((None, frame.t, t))
                    self.skipped += 1
        except BaseException as exc:  # kept for the main thread: this thread must not die silently
            self.error = exc
        finally:
            self.ended = True
            self._queue.put(None)

    def _pose(self) -> None:
        try:
            while (item := self._queue.get()) is not None:
                image, stamp, t = item
                found = self._model.detect(image, stamp) if image is not None else None
                if image is not None:
                    self.preview = (image, found)
                    self.recent.append(found)
                if t is not None:
                    self.journal.append(t, found)
                    self.detected += found is not None
        except BaseException as exc:
            self.error = exc

    def stop(self) -> None:
        """Stop capturing, let the pose thread finish the queue, close the video and journal."""
        self._stop.set()
        for thread in self._threads:
            if thread.ident is not None:
                thread.join()
        self._writer.release()
        self.journal.close()

    def recent_track(self) -> PoseTrack:
        """The last few seconds of landmarks (for the preview's view detection)."""
        found = list(self.recent)
        nan = np.full((lm.N_LANDMARKS, 3), np.nan, np.float32)
        return PoseTrack(
            np.arange(len(found)) / self.source.fps,
            np.stack([f.image if f else nan for f in found]) if found else np.empty((0, lm.N_LANDMARKS, 3)),
            np.stack([f.visibility if f else np.zeros(lm.N_LANDMARKS, np.float32) for f in found])
            if found else np.empty((0, lm.N_LANDMARKS)),
            np.stack([f.world if f else nan for f in found]) if found else np.empty((0, lm.N_LANDMARKS, 3)),
            self.source.size, self.source.fps,
        )  # fmt: skip


class InsoleSide:
    """The insole path: the serial reader's batches go to the CSV (rows from t = 0 on), the live
    totals, and the meter of the clock mapping's residuals."""

    def __init__(self, port: str, folder: Path, clock: SessionClock, calibration: Calibration | None,
                 layout: InsoleLayout | None, baudrate: int) -> None:  # fmt: skip
        if port == "auto":
            port, _ = find_board(baudrate=baudrate)
        self._clock = clock
        # t0 = 0 with the session clock: the reader's host times are session seconds.
        self.reader = InsoleReader(port, baudrate=baudrate, t0=0.0, clock=clock.now)
        ident = self.reader.ident
        try:
            if layout is not None and (len(layout.left), len(layout.right)) != (ident.n_left, ident.n_right):
                raise GaitError(
                    f"layout has {len(layout.left)}+{len(layout.right)} sensors, "
                    f"the board on {port} sends {ident.n_left}+{ident.n_right}"
                )
            if calibration is not None:
                calibration.check(ident.n_left, ident.n_right)
        except GaitError:
            self.reader.stop()
            raise
        self.port = port
        self.device = f"{ident.text} on {port}"
        meta = {"clock": "session time: host time.monotonic() - t0 (recording start); device clock mapped "
                "by a lower-envelope fit"}  # fmt: skip
        self.csv = CsvRecorder(folder / sess.INSOLE_FILE, ident, self.device, calibration, layout, meta)
        self.totals = LiveTotals(calibration)
        self.units = "N" if calibration is not None else "counts"
        self.residuals = OffsetMeter()
        self.unplugged_at: float | None = None
        self.started = False

    def start(self) -> None:
        self.reader.start(self._on_batch)
        self.started = True

    def _on_batch(self, batch: InsoleBatch) -> None:
        self.residuals.add(self._clock.now(), float(batch.t[-1]))
        self.totals(batch)
        keep = batch.t >= 0.0  # frames of the countdown are not part of the recording
        if keep.all():
            self.csv(batch)
        elif keep.any():
            self.csv(InsoleBatch(batch.t[keep], batch.seq[keep], batch.left[keep], batch.right[keep]))

    def line(self) -> str:
        s = self.reader.stats
        if self.unplugged_at is not None:
            return f"insole unplugged at {self.unplugged_at:.1f} s, {self.csv.rows} frames kept"
        return (f"insole L {self.totals.left_total:.0f} R {self.totals.right_total:.0f} {self.units}, "
                f"{self.totals.rate_hz():.0f} Hz, {self.csv.rows} frames, lost {s.lost_frames}")  # fmt: skip

    def stop(self) -> None:
        self.reader.stop()
        self.csv.close()


class Ui(Protocol):
    """The preview window or the headless progress printer."""

    waits_for_start: bool  # True: phase "ready" until update() returns "start"

    def update(self, status: Status) -> str | None:
        """Show `status`; return "start", "stop" or None. Paces the main loop."""
        ...

    def say(self, text: str) -> None: ...

    def close(self) -> None: ...


def live_angles(found: Detection | None, size: tuple[int, int], view: str) -> dict[str, float]:
    """This frame's knee frontal-plane angles and pelvic obliquity (frontal views; NaN otherwise),
    by the analysis's own functions on a one-frame track."""
    names = ("Left knee frontal (deg)", "Right knee frontal (deg)", "Pelvic obliquity (deg, + right low)")
    if found is None:
        return dict.fromkeys(names, float("nan"))
    scale = np.array([size[0], size[1], size[0]], np.float64)
    img3 = found.image[None].astype(np.float64) * scale
    one = Landmarks(np.zeros(1), 30.0, view, size, img3[:, :, :2], img3, found.world[None].astype(np.float64),
                    found.visibility[None].astype(np.float64), np.ones(1, bool), np.ones(1, bool), 0)  # fmt: skip
    values = (knee_frontal(one, "left")[0], knee_frontal(one, "right")[0], obliquity(one)[0])
    return {name: float(v) for name, v in zip(names, values)}


class Recorder:
    """Opens the devices and the session folder, runs the phases, and closes everything."""

    def __init__(self, opts: RecordOptions) -> None:
        self.opts = opts
        self.folder = sess.check_new_session_folder(opts.folder)
        self.clock = SessionClock()
        self._stack = ExitStack()
        self.camera: CameraSide | None = None
        self.insole: InsoleSide | None = None
        self.created = False
        try:
            self._open()
        except BaseException:
            self._stack.close()
            self._discard()
            raise

    def _open(self) -> None:
        o = self.opts
        source: FrameSource | None = None
        if o.video is not None:
            source = self._stack.enter_context(PacedVideo(o.video, t0=0.0))
        elif o.camera is not None:
            source = self._stack.enter_context(Camera(o.camera, t0=0.0))
        if o.insole is not None:
            self.insole = InsoleSide(o.insole, self.folder, self.clock, o.calibration, o.layout, o.baudrate)
            self._stack.callback(self.insole.stop)
        sess.create_session_folder(self.folder)
        self.created = True
        self.save_info("ready")
        if source is not None:
            model = self._stack.enter_context(open_model(o.model))
            self.camera = CameraSide(source, model, self.folder, o.view, self.clock)
            self._stack.callback(self.camera.stop)

    def _discard(self) -> None:
        """Remove what we made when nothing was recorded (the user quit before the start)."""
        if not self.created:
            return
        for name in (sess.SESSION_FILE, sess.VIDEO_FILE, sess.POSE_JOURNAL_FILE):
            (self.folder / name).unlink(missing_ok=True)
        try:
            self.folder.rmdir()
        except OSError:
            pass  # something else is in there now: leave it

    def begin(self) -> None:
        """Start the countdown: t = 0 is `countdown` seconds from now; the insole streams from here."""
        self.clock.start(time.monotonic() + self.opts.countdown)
        if self.insole is not None:
            self.insole.start()

    def status(self, view: str) -> Status:
        o = self.opts
        if not self.clock.started:
            phase, t, left = "ready", None, None
        else:
            t = self.clock.now()
            phase, left = ("countdown", -t) if t < 0 else ("standing", o.stand - t) if t < o.stand else ("walking", None)
        st = Status(phase, t, left, view=view, insole=self.insole.line() if self.insole else None)
        if self.camera is not None:
            c = self.camera
            st.frames, st.detected, st.lost, st.skipped = c.frames, c.detected, c.lost, c.skipped
            if c.preview is not None:
                st.image, st.found = c.preview
                st.angles = live_angles(st.found, c.source.size, view)
        return st

    def info(self, state: str, stop_reason: str | None = None, end: float | None = None) -> dict:
        """The session description (DESIGN.md "Session folder") with the clock measurements;
        `end` is the session time the recording stopped at (default: now)."""
        o, c, ins = self.opts, self.camera, self.insole
        started = self.clock.started
        doc: dict = {
            "state": state,
            "start_time": None,
            "camera": None,
            "view": o.view or "unknown",
            "insole": None,
            "software": {"name": "gait", "version": __version__},
        }
        if c is not None:
            doc["camera"] = {
                "kind": "video file played at its real rate" if o.video is not None else "webcam",
                "source": c.source.name,
                "size": list(c.source.size),
                "fps": round(c.source.fps, 3),
                "frames": c.frames,
                "person_frames": c.detected,
                "lost_frames": c.lost,
                "pose_skipped_frames": c.skipped,
            }
        if ins is not None:
            ident = ins.reader.ident
            doc["insole"] = {
                "device": ins.device,
                "port": ins.port,
                "sensors": {"left": ident.n_left, "right": ident.n_right},
                "rate_hz": ident.rate_hz,
                "units": "newton" if o.calibration is not None else "raw",
                "frames": ins.csv.rows,
                "lost_frames": ins.reader.stats.lost_frames,
                "crc_errors": ins.reader.stats.crc_errors,
                "unplugged_at_s": None if ins.unplugged_at is None else round(ins.unplugged_at, 3),
            }
        if started:
            now = self.clock.now()
            start = datetime.now(timezone.utc) - timedelta(seconds=now)
            doc["start_time"] = start.isoformat(timespec="milliseconds")
            end = max(now if end is None else end, 0.0)
            doc["duration_s"] = round(end, 3)
            doc["phases"] = {
                "countdown_s": o.countdown,
                "standing_s": [0.0, round(min(o.stand, end), 3)],
                "walking_s": [round(o.stand, 3), round(end, 3)] if end > o.stand else None,
            }
            doc["clock"] = {
                "timebase": "seconds since t0 on the host's time.monotonic(); t0 is the start of the "
                "recording; camera and insole samples are both on it",
                "t0_monotonic": round(self.clock.t0, 6),
                "camera": None if c is None else {
                    "measures": "host time at grab minus the camera's own frame timestamp (the driver's, or "
                    "the file's presentation time with --video): median = offset between the clocks, "
                    "spread_s = half the 5-95 % range = the uncertainty of one frame's host time",
                    **(c.offsets.summary() or {"samples": 0}),
                },
                "insole": None if ins is None else {
                    "measures": "host arrival time minus the mapped host time of the newest frame of each "
                    "batch: the residuals of the reader's device-to-host clock mapping",
                    **(ins.residuals.summary() or {"samples": 0}),
                },
            }  # fmt: skip
        if stop_reason is not None:
            doc["stop_reason"] = stop_reason
        files = [sess.SESSION_FILE] + ([sess.VIDEO_FILE, sess.POSE_JOURNAL_FILE] if c else []) + ([sess.INSOLE_FILE] if ins else [])
        doc["crash_safety"] = {name: CRASH_SAFETY[name] for name in files}
        return doc

    def save_info(self, state: str, stop_reason: str | None = None, end: float | None = None) -> None:
        sess.write_session_info(self.folder, self.info(state, stop_reason, end))

    def run(self, ui: Ui) -> RecordResult:
        """The phases until a stop key, the duration, the end of the source, an unplugged
        insole-only recording or Ctrl-C; then everything is closed and session.json final."""
        o = self.opts
        if not ui.waits_for_start:
            self.begin()  # before the first frame, so that a video played as the camera is recorded whole
        if self.camera is not None:
            self.camera.start()
        view = o.view or "unknown"
        next_view = next_save = time.monotonic()
        reason = "stopped"
        error: BaseException | None = None
        last_phase = None
        try:
            while True:
                status = self.status(view)
                key = ui.update(status)
                if status.phase != last_phase and status.phase in ("standing", "walking"):
                    self.save_info("recording")
                    last_phase = status.phase
                if key == "stop":
                    reason = "stopped by the user"
                    break
                if key == "start" and not self.clock.started:
                    self.begin()
                c = self.camera
                if c is not None and c.error is not None:
                    reason, error = f"camera or pose model failed ({c.error})", c.error
                    break
                if c is not None and c.ended:
                    reason = "the video ended" if o.video is not None else "the camera stopped delivering frames"
                    break
                if self._insole_gone(ui, status.t):
                    reason = "the insole was unplugged"
                    break
                if o.duration is not None and status.t is not None and status.t >= o.duration:
                    reason = f"{o.duration:g} s recorded"
                    break
                now = time.monotonic()
                if o.view is None and c is not None and now >= next_view:
                    view, next_view = detect_view(c.recent_track()).view, now + VIEW_EVERY_S
                if status.t is not None and status.t >= 0 and now >= next_save:
                    self.save_info("recording")
                    next_save = now + SAVE_INFO_EVERY_S
        except KeyboardInterrupt:
            reason = "interrupted (Ctrl-C)"
        except BaseException as exc:  # the preview or a bug: keep what was captured, then report it
            self._finish(f"stopped by an error ({exc!r})", None)
            raise
        return self._finish(reason, error)

    def _insole_gone(self, ui: Ui, t: float | None) -> bool:
        """Note an insole that stopped (once); True when it was the only device."""
        ins = self.insole
        if ins is None or not ins.started or ins.reader.running or ins.unplugged_at is not None:
            return False
        ins.unplugged_at = max(t or 0.0, 0.0)
        why = "unplugged" if ins.reader.unplugged else f"stopped ({ins.reader.error})"
        goes_on = "; the recording goes on with the camera" if self.camera is not None else ""
        ui.say(f"insole {why} at {ins.unplugged_at:.1f} s{goes_on}; the {ins.csv.rows} insole frames "
               f"received are kept in {sess.INSOLE_FILE}")  # fmt: skip
        return self.camera is None

    def _finish(self, reason: str, error: BaseException | None) -> RecordResult:
        recorded = self.clock.started and self.clock.now() >= 0
        duration = max(self.clock.now(), 0.0) if self.clock.started else 0.0
        self._stack.close()  # camera drained and closed, insole stopped
        if recorded:
            self.save_info("stopped", reason, duration)
        else:
            self._discard()
        if error is not None and not isinstance(error, GaitError):
            raise GaitError(f"recording stopped: {reason}; what was captured is in {self.folder}")
        if isinstance(error, GaitError):
            raise error
        c, ins = self.camera, self.insole
        return RecordResult(
            self.folder, recorded, duration, reason,
            c.frames if c else 0, c.detected if c else 0, c.lost if c else 0, c.skipped if c else 0,
            ins.csv.rows if ins else None, ins.reader.stats.lost_frames if ins else None,
            ins.unplugged_at if ins else None,
        )  # fmt: skip


def record(opts: RecordOptions, ui: Ui) -> RecordResult:
    """Record a session into `opts.folder` (which must not exist yet), shown by `ui`."""
    return Recorder(opts).run(ui)


class HeadlessProgress:
    """No window: starts at once and prints the phases and, each second, the counts."""

    waits_for_start = False

    def __init__(self, stream: TextIO | None = None, every: float = 1.0, poll: float = 0.05) -> None:
        self._stream, self._every, self._poll = stream, every, poll
        self._phase: str | None = None
        self._count: int | None = None
        self._next = 0.0
        self._stand: float | None = None

    def _print(self, text: str) -> None:
        stream = self._stream or sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def update(self, status: Status) -> str | None:
        if status.phase != self._phase:
            self._phase = status.phase
            if status.phase == "standing":
                seconds = np.ceil(status.phase_left_s * 10) / 10
                self._print(f"stand still for {seconds:g} s: the level reference for pelvic drop and the "
                            "leg-length screen")  # fmt: skip
            elif status.phase == "walking":
                self._print("walk now (Ctrl-C stops)")
        if status.phase == "countdown" and status.phase_left_s is not None:
            count = int(np.ceil(status.phase_left_s))
            if count != self._count:
                self._count = count
                self._print(f"recording starts in {count} s")
        now = time.monotonic()
        if status.t is not None and status.t >= 0 and now >= self._next:
            self._next = now + self._every
            self._print(progress_line(status))
        time.sleep(self._poll)
        return None

    def say(self, text: str) -> None:
        self._print(text)

    def close(self) -> None:
        pass


def progress_line(status: Status) -> str:
    """`12.0 s walking: 360 frames, person in 358, lost 0, pose skipped 0; insole ...`"""
    parts = [f"{status.t:5.1f} s {status.phase}"]
    if status.image is not None or status.frames:
        parts.append(f"{status.frames} frames, person in {status.detected}, lost {status.lost}, "
                     f"pose skipped {status.skipped}")  # fmt: skip
    line = ": ".join(parts)
    return f"{line}; {status.insole}" if status.insole else line


FONT = cv2.FONT_HERSHEY_SIMPLEX
PHASE_TEXT = {"ready": "SPACE to start, Q/Esc to quit", "standing": "STAND STILL", "walking": "WALK"}


class PreviewWindow:
    """The live preview (OpenCV highgui): the newest frame with its skeleton, live angles, the
    phase and the counts. SPACE starts (countdown, stand still, walk); Q, Esc or closing the
    window stops. Made only when asked for: importing this module opens nothing."""

    waits_for_start = True
    NAME = "gait record"

    def __init__(self) -> None:
        if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
            # Qt would abort the process without a display; say it in one line instead.
            raise GaitError("no display for the preview window (DISPLAY is not set); use --headless")
        cv2.namedWindow(self.NAME, cv2.WINDOW_NORMAL | cv2.WINDOW_KEEPRATIO)
        self._note: tuple[float, str] | None = None

    def update(self, status: Status) -> str | None:
        canvas = status.image.copy() if status.image is not None else np.full((360, 640, 3), 40, np.uint8)
        h, w = canvas.shape[:2]
        scale = max(1, round(h / 720))
        if status.found is not None:
            draw_skeleton(canvas, status.found.image[:, :2] * np.array([w, h], np.float32), scale)
        if status.angles:
            draw_values(canvas, {k: np.array([v]) for k, v in status.angles.items()}, 0, scale)
        self._draw_status(canvas, status, scale)
        cv2.imshow(self.NAME, canvas)
        key = cv2.waitKey(15) & 0xFF
        if key in (ord("q"), ord("Q"), 27) or cv2.getWindowProperty(self.NAME, cv2.WND_PROP_VISIBLE) < 1:
            return "stop"
        return "start" if key == ord(" ") else None

    def _draw_status(self, img: np.ndarray, st: Status, scale: int) -> None:
        h, w = img.shape[:2]
        if st.phase == "countdown" and st.phase_left_s is not None:
            big = str(int(np.ceil(st.phase_left_s)))
        else:
            big = PHASE_TEXT.get(st.phase, "")
            if st.phase == "standing" and st.phase_left_s is not None:
                big += f" {np.ceil(st.phase_left_s):.0f}"
        size = 1.6 * scale if st.phase != "ready" else 0.9 * scale
        (tw, th), _ = cv2.getTextSize(big, FONT, size, 3 * scale)
        org = ((w - tw) // 2, h // 2 + th // 2 if st.phase == "countdown" else th + 90 * scale)
        cv2.putText(img, big, org, FONT, size, (0, 0, 0), 6 * scale, cv2.LINE_AA)
        cv2.putText(img, big, org, FONT, size, (255, 255, 255), 3 * scale, cv2.LINE_AA)
        if st.t is not None and st.t >= 0:
            cv2.circle(img, (w - 20 * scale, 20 * scale), 8 * scale, (0, 0, 230), -1, cv2.LINE_AA)
            cv2.putText(img, f"{st.t:.1f} s", (w - 110 * scale, 27 * scale), FONT, 0.6 * scale, (255, 255, 255),
                        scale, cv2.LINE_AA)  # fmt: skip
        lines = [f"view {st.view}; {st.frames} frames, person in {st.detected}, lost {st.lost}"]
        if st.insole:
            lines.append(st.insole)
        if self._note is not None and time.monotonic() - self._note[0] < 5.0:
            lines.append(self._note[1])
        band = img[h - (20 * len(lines) + 8) * scale :, :]
        band[:] = (0.4 * band).astype(np.uint8)
        for k, text in enumerate(lines):
            y = h - (20 * (len(lines) - k - 1) + 8) * scale
            cv2.putText(img, text, (8 * scale, y), FONT, 0.5 * scale, (255, 255, 255), scale, cv2.LINE_AA)

    def say(self, text: str) -> None:
        print(text, flush=True)
        self._note = (time.monotonic(), text)

    def close(self) -> None:
        cv2.destroyWindow(self.NAME)
        cv2.waitKey(1)
