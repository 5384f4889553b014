"""The recording loop: phases, session.json, and a clean or cut-short end."""

from __future__ import annotations

import time
from contextlib import ExitStack
from datetime import datetime, timedelta, timezone


from gait import __version__
from gait.capture.clock import SessionClock
from gait.capture.video import Camera, FrameSource, PacedVideo
from gait.errors import GaitError
from gait.pose.estimator import open_model
from gait.pose.view import detect_view
from gait.recording import session as sess
from gait.record.devices import CameraSide, InsoleSide, live_angles
from gait.record.state import RecordOptions, RecordResult, Status, Ui

SAVE_INFO_EVERY_S = 5.0  # session.json rewritten this often while recording
VIEW_EVERY_S = 2.0  # the preview re-detects the view (when not given) this often, from
# the last VIEW_WINDOW_S of landmarks (gait.record.devices)
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
            model = self._stack.enter_context(open_model(o.model)) if o.framing == "body" else None
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
                **({"framing": o.framing} if o.framing != "body" else {}),
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
            ins.unplugged_at if ins else None, c.video_note if c else None,
        )  # fmt: skip


def record(opts: RecordOptions, ui: Ui) -> RecordResult:
    """Record a session into `opts.folder` (which must not exist yet), shown by `ui`."""
    return Recorder(opts).run(ui)
