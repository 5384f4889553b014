"""The two sides of a recording: the camera (capture and pose threads) and the insole."""

from __future__ import annotations

import queue
import threading
from collections import deque
from pathlib import Path

import cv2
import numpy as np

from gait import landmarks as lm
from gait.analysis.frontal import knee_frontal
from gait.analysis.pelvis import obliquity
from gait.analysis.prepare import Landmarks
from gait.capture.calibration import Calibration
from gait.capture.clock import OffsetMeter, SessionClock
from gait.capture.insole import CsvRecorder, InsoleBatch, InsoleReader, LiveTotals, find_board
from gait.capture.video import FrameSource
from gait.errors import GaitError
from gait.pose.estimator import Detection, PoseModel
from gait.recording import session as sess
from gait.recording.insole import InsoleLayout
from gait.recording.journal import PoseJournal
from gait.recording.mp4times import set_frame_times
from gait.recording.posetrack import PoseTrack


# Frames waiting for the pose model beyond this many seconds of video are journaled as "no
# person" instead of queued: memory stays bounded and the journal keeps one row per video frame.
POSE_BACKLOG_S = 2.0
VIEW_WINDOW_S = 3.0  # the preview's view is detected from the last few seconds of landmarks


class CameraSide:
    """The camera path: a capture thread writes every recorded frame to the video and queues
    it; a pose thread runs the model on the queue in order and journals each frame (without a
    model, a lower-leg close-up, each frame is journaled with nobody in it: the clock).
    Lost frames are counted from gaps in the camera's own timestamps where it gives them (a
    capture thread held up by the machine delays frames without losing any), else from gaps
    in their arrival."""

    def __init__(self, source: FrameSource, model: PoseModel | None, folder: Path, view: str | None,
                 clock: SessionClock) -> None:  # fmt: skip
        self.source, self._model, self._clock = source, model, clock
        self._video = folder / sess.VIDEO_FILE
        self._writer = cv2.VideoWriter(str(self._video), cv2.VideoWriter_fourcc(*"mp4v"), source.fps, source.size)
        if not self._writer.isOpened():
            raise GaitError(f"{self._video}: cannot write an mp4 video here")
        self.journal = PoseJournal(folder / sess.POSE_JOURNAL_FILE, source.size, source.fps, view or "unknown")
        self.offsets = OffsetMeter()
        self.frames = self.detected = self.lost = self.skipped = 0
        self.times: list[float] = []  # when each frame in the video was taken (session seconds)
        self.video_note: str | None = None  # why the video keeps the nominal rate, if it does
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
        last = None  # the previous recorded frame's (host, device) times
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
                self.times.append(t)
                self.frames += 1
                if last is not None:  # gaps on the camera's own clock: our thread held up is no loss
                    both = frame.device_t is not None and last[1] is not None
                    gap = frame.device_t - last[1] if both else t - last[0]
                    self.lost += max(int(round(gap * self.source.fps)) - 1, 0)
                last = (t, frame.device_t)
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
                found = self._model.detect(image, stamp) if image is not None and self._model is not None else None
                if image is not None:
                    self.preview = (image, found)
                    self.recent.append(found)
                if t is not None:
                    self.journal.append(t, found)
                    self.detected += found is not None
        except BaseException as exc:
            self.error = exc

    def stop(self) -> None:
        """Stop capturing, let the pose thread finish the queue, close the video and journal;
        then give each of the video's frames the time it was taken (`set_frame_times`), so a
        camera slower than it says plays back at the pace of the walk, not faster."""
        self._stop.set()
        for thread in self._threads:
            if thread.ident is not None:
                thread.join()
        self._writer.release()
        self.journal.close()
        if len(self.times) >= 2:
            try:
                set_frame_times(self._video, np.asarray(self.times))
            except (ValueError, OSError) as exc:  # the frames are kept, at the nominal rate
                self.video_note = f"{sess.VIDEO_FILE} plays at the camera's stated {self.source.fps:g} fps ({exc})"

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
