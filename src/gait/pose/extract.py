"""Video in, clean pose track out: MediaPipe per frame, then identity and view fixed."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gait import landmarks as lm
from gait.capture.video import FrameSource, open_source
from gait.errors import GaitError
from gait.pose.estimator import PoseModel, native_logs_silenced, open_model
from gait.pose.identity import mirror, repair_swaps
from gait.pose.view import ViewGuess, detect_view, labels_mirrored
from gait.recording.posetrack import VIEWS, PoseTrack

Progress = Callable[[int, "int | None"], None]

# A leg landmark counts as in the picture when MediaPipe gives it at least this
# visibility (MediaPipe's own default presence threshold is 0.5) inside the frame.
VISIBLE = 0.5
_LEG_ENDS = np.array([lm.LEFT_ANKLE, lm.RIGHT_ANKLE, lm.LEFT_HEEL, lm.RIGHT_HEEL])


@dataclass(frozen=True)
class PoseReport:
    """What the pose stage saw, for the user and for the analysis to weigh."""

    frames: int
    detected_fraction: float
    legs_in_frame_fraction: float
    view: ViewGuess
    swaps_repaired: dict[str, int] = field(default_factory=dict)
    mirrored: bool = False

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
            text += "; labels mirrored to match the view"
        return text


def run_model(source: FrameSource, model: PoseModel, progress: Progress | None = None) -> PoseTrack:
    """Run the pose model over every frame of `source` (streaming) into a raw track."""
    times: list[float] = []
    image, vis, world = [], [], []
    nan = np.full((lm.N_LANDMARKS, 3), np.nan, np.float32)
    zero = np.zeros(lm.N_LANDMARKS, np.float32)
    for frame in source:
        found = model.detect(frame.image, frame.t)
        times.append(frame.t)
        image.append(found.image if found else nan)
        vis.append(found.visibility if found else zero)
        world.append(found.world if found else nan)
        if progress:
            progress(frame.index + 1, source.frame_count)
    if not times:
        raise GaitError(f"{source.name}: video has no frames")
    return PoseTrack(np.array(times), np.stack(image), np.stack(vis), np.stack(world), source.size, source.fps)


def legs_in_frame(track: PoseTrack) -> np.ndarray:
    """(T,) bool: ankles and heels found, visible and inside the picture."""
    xy = track.image[:, _LEG_ENDS, :2]
    inside = np.all((xy >= 0) & (xy <= 1), axis=(1, 2))
    return inside & np.all(track.visibility[:, _LEG_ENDS] >= VISIBLE, axis=1)


def clean_track(track: PoseTrack, view: str | None = None) -> tuple[PoseTrack, PoseReport]:
    """Repair left/right swaps, set the view (detected unless given) and global labels."""
    if view is not None and view not in VIEWS:
        raise GaitError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}")
    track, swaps = repair_swaps(track)
    guess = detect_view(track) if view is None else ViewGuess(view, 1.0, "given")
    flip = labels_mirrored(track, guess.view)
    if flip:
        track = mirror(track)
    track = track.with_view(guess.view)
    report = PoseReport(
        frames=len(track),
        detected_fraction=float(track.detected.mean()),
        legs_in_frame_fraction=float(legs_in_frame(track).mean()),
        view=guess,
        swaps_repaired=swaps,
        mirrored=flip,
    )
    return track, report


def video_to_track(
    video: str | os.PathLike,
    view: str | None = None,
    model_path: str | os.PathLike | None = None,
    progress: Progress | None = None,
) -> tuple[PoseTrack, PoseReport]:
    """The pose stage: a video file or camera index to a clean `gait.posetrack/1` track.

    Raises GaitError when the video cannot be read or nobody is ever found in it.
    """
    if view is not None and view not in VIEWS:
        raise GaitError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}")
    with open_source(video) as source, native_logs_silenced():
        model = open_model(model_path)
        try:
            raw = run_model(source, model, progress)
        finally:
            model.close()
    if not raw.detected.any():
        raise GaitError(f"{video}: no person found in any of its {len(raw)} frames")
    return clean_track(raw, view)
