"""Video in, clean pose track out: MediaPipe per frame, then identity and view fixed."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from gait import landmarks as lm

from gait.capture.video import FrameSource, VideoFile, open_source
from gait.errors import GaitError
from gait.pose.estimator import BlazePose, Detection, PoseModel, native_logs_silenced, open_model
from gait.pose.identity import face_view, repair_swaps
from gait.pose.subject import Person, choose_subject, crop_windows, link_people, person_box
from gait.pose.view import ViewGuess, describe_turn, detect_view, turn
from gait.recording.posetrack import VIEWS, PoseTrack

Progress = Callable[[int, "int | None"], None]

# A leg landmark counts as in the picture when MediaPipe gives it at least this
# visibility (MediaPipe's own default presence threshold is 0.5) inside the frame.
VISIBLE = 0.5
# How often to look for people other than the one followed (a walker crosses a frame in
# a second or two; three looks a second see anyone who stays longer than a step).
PROBES_PER_S = 3.0


@dataclass(frozen=True)
class PoseReport:
    """What the pose stage saw, for the user and for the analysis to weigh."""

    frames: int
    detected_fraction: float
    legs_in_frame_fraction: float
    view: ViewGuess
    swaps_repaired: dict[str, int] = field(default_factory=dict)
    mirrored: int = 0  # frames whose labels were mirrored to match a frontal view
    edge_on: int = 0  # frames dropped in a frontal view: the torso could not tell left from right
    people: int = 1  # people seen in the video
    stray: bool = False  # MediaPipe followed someone other than the walker at times
    rerun_on_crops: bool = False  # ... and the video was run again on crops around the walker

    def summary(self) -> str:
        text = (
            f"{self.frames} frames, person in {self.detected_fraction:.0%}, "
            f"feet in frame in {self.legs_in_frame_fraction:.0%}; view {self.view.view} "
            f"({self.view.reason})"
        )
        swaps = sum(self.swaps_repaired.values())
        if swaps:
            text += f"; left/right swaps repaired in {swaps} frames"
        if self.mirrored:
            text += f"; labels mirrored to match the view in {self.mirrored} frames"
        if self.edge_on:
            text += f"; {self.edge_on} frames dropped where the torso could not tell left from right"
        if self.rerun_on_crops:
            text += f"; {self.people} people seen, second pass on crops kept it to the walker"
        elif self.stray:
            text += f"; {self.people} people seen, at times another person may have been followed"
        elif self.people > 1:
            text += f"; {self.people} people seen, the walker followed throughout"
        return text


@dataclass
class _Frames:
    """Per-frame model output, gathered while streaming."""

    times: list[float] = field(default_factory=list)
    image: list[np.ndarray] = field(default_factory=list)
    visibility: list[np.ndarray] = field(default_factory=list)
    world: list[np.ndarray] = field(default_factory=list)

    def add(self, t: float, found: Detection | None) -> None:
        self.times.append(t)
        self.image.append(found.image if found else np.full((lm.N_LANDMARKS, 3), np.nan, np.float32))
        self.visibility.append(found.visibility if found else np.zeros(lm.N_LANDMARKS, np.float32))
        self.world.append(found.world if found else np.full((lm.N_LANDMARKS, 3), np.nan, np.float32))

    def track(self, source: FrameSource) -> PoseTrack:
        if not self.times:
            raise GaitError(f"{source.name}: video has no frames")
        return PoseTrack(np.array(self.times), np.stack(self.image), np.stack(self.visibility),
                         np.stack(self.world), source.size, source.fps)  # fmt: skip


def _paint_out(bgr: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The frame with a person's box filled with the frame's median colour."""
    h, w = bgr.shape[:2]
    x0, y0, x1, y1 = np.clip(np.round(box), 0, [w, h, w, h]).astype(int)
    out = bgr.copy()
    out[y0:y1, x0:x1] = np.median(bgr[::8, ::8].reshape(-1, 3), axis=0)
    return out


def run_model(
    source: FrameSource, model: PoseModel, progress: Progress | None = None,
    probe: PoseModel | None = None, probe_every: int = 10,
) -> tuple[PoseTrack, list[Person], list[tuple[int, np.ndarray]]]:  # fmt: skip
    """Run the pose model over every frame of `source` (streaming) into a raw track.

    Every `probe_every` frames the `probe` model (a per-frame detector) looks at the frame
    with the followed person painted out, to find anyone else. Returns the track, the people
    seen at the probes, and the followed person's box at each probe.
    """
    frames = _Frames()
    sightings: list[tuple[int, float, list[np.ndarray]]] = []
    followed: list[tuple[int, np.ndarray]] = []
    for frame in source:
        found = model.detect(frame.image, frame.t)
        frames.add(frame.t, found)
        if probe is not None and frame.index % probe_every == 0:
            boxes = []
            image = frame.image
            if found is not None:
                boxes.append(person_box(found.image, source.size))
                followed.append((frame.index, boxes[0]))
                image = _paint_out(image, boxes[0])
            other = probe.detect(image, frame.t)
            if other is not None:
                boxes.append(person_box(other.image, source.size))
            sightings.append((frame.index, frame.t, boxes))
        if progress:
            progress(frame.index + 1, source.frame_count)
    return frames.track(source), link_people(sightings), followed


def run_on_crops(source: FrameSource, model: PoseModel, windows: np.ndarray, progress: Progress | None = None) -> PoseTrack:
    """Run the pose model on square crops (x0, y0, side, side) and map landmarks back.

    Frames whose window is NaN get no detection. Crops reaching past the frame are padded.
    """
    frames = _Frames()
    width, height = source.size
    for frame in source:
        x0, y0, side, _ = windows[frame.index] if frame.index < len(windows) else (np.nan,) * 4
        found = None
        if np.isfinite(side) and side > 8:
            n = int(min(max(side, 256), 720))  # the model sees 256 px; keep detail, bound cost
            scale = n / side
            warp = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]])
            crop = cv2.warpAffine(frame.image, warp, (n, n), borderMode=cv2.BORDER_CONSTANT, borderValue=(128, 128, 128))
            found = model.detect(crop, frame.t)
            if found is not None:
                image = found.image.copy()
                image[:, 0] = (x0 + image[:, 0] * side) / width
                image[:, 1] = (y0 + image[:, 1] * side) / height
                image[:, 2] *= side / width
                found = Detection(image, found.visibility, found.world)
        frames.add(frame.t, found)
        if progress:
            progress(frame.index + 1, source.frame_count)
    return frames.track(source)


def legs_in_frame(track: PoseTrack) -> np.ndarray:
    """(T,) bool: ankles and heels found, visible and inside the picture."""
    xy = track.image[:, lm.LEG_ENDS, :2]
    inside = np.all((xy >= 0) & (xy <= 1), axis=(1, 2))
    return inside & np.all(track.visibility[:, lm.LEG_ENDS] >= VISIBLE, axis=1)


def clean_track(track: PoseTrack, view: str | None = None) -> tuple[PoseTrack, PoseReport]:
    """Repair left/right swaps, set the view (detected unless given) and match the labels to it."""
    if view is not None and view not in VIEWS:
        raise GaitError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}")
    track, swaps = repair_swaps(track)
    turned = turn(track, view or "unknown")
    guess = detect_view(track) if view is None else ViewGuess(view, 1.0, "given")
    if turned is None:
        track, mirrored, edge_on = face_view(track, guess.view)
    else:
        parts, measured = turned
        mirrored = edge_on = 0
        for p in parts:  # each stretch as its own view says; the turn itself as the model gave it
            track, m, e = face_view(track, p.view, slice(p.start, p.end))
            mirrored, edge_on = mirrored + m, edge_on + e
        if view is None and measured is not None:
            share = (measured.end - measured.start) / max(int(track.detected.sum()), 1)
            guess = ViewGuess(measured.view, share, describe_turn(track, parts, measured))
    track = track.with_view(guess.view)
    report = PoseReport(
        frames=len(track),
        detected_fraction=float(track.detected.mean()),
        legs_in_frame_fraction=float(legs_in_frame(track).mean()),
        view=guess,
        swaps_repaired=swaps,
        mirrored=mirrored,
        edge_on=edge_on,
    )
    return track, report


def video_to_track(
    video: str | os.PathLike,
    view: str | None = None,
    model_path: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> tuple[PoseTrack, PoseReport]:
    """The pose stage: a video file or camera index to a clean `gait.posetrack/1` track.

    When someone other than the walker was followed (see `gait.pose.subject`), a video
    file is run a second time on crops around the walker. Raises GaitError when the video
    cannot be read or nobody is ever found in it.
    """
    if view is not None and view not in VIEWS:
        raise GaitError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}")
    with native_logs_silenced():
        with open_source(video) as source, open_model(model_path) as model, BlazePose(static=True) as probe:
            every = max(int(round(source.fps / PROBES_PER_S)), 1)
            raw, people, followed = run_model(source, model, progress, probe, every)
        subject = choose_subject(people, source.size[1])
        stray = subject is not None and any(not subject.has(box) for _, box in followed)
        rerun = stray and isinstance(source, VideoFile)  # a camera cannot be played twice
        if rerun:
            with open_source(video) as source, open_model(model_path) as model:
                raw = run_on_crops(source, model, crop_windows(subject, len(raw), every), progress)
    if not raw.detected.any():
        raise GaitError(f"{video}: no person found in any of its {len(raw)} frames"
                        " (for a close-up of shins and shoes, analyse it with --framing legs)")  # fmt: skip
    track, report = clean_track(raw, view)
    return track, replace(report, people=len(people), stray=stray, rerun_on_crops=rerun)
