"""Frontal-plane angles from the frames of a video: rearfoot and pelvis per frame.

Runs beside the pose stage (it needs the pixels): each frame's legs are located by the pose
track's knee and ankle landmarks, or, in a close-up where the pose model found no body, by
`closeup.find_legs`; the pelvis by the hip landmarks. Crops are small, so this costs a
fraction of the pose model (see benchmarks/frontal_speed.py).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterable

import cv2
import numpy as np

from gait import landmarks as lm
from gait.capture.video import open_source
from gait.recording.framing import FRAMINGS
from gait.recording.posetrack import PoseTrack
from gait.vision.closeup import locate_legs
from gait.vision.grain import noise_sd
from gait.vision.pelvis import measure_pelvis
from gait.vision.rearfoot import WIDTH_RATIO, LegReading, covered_from, read_leg
from gait.vision.series import SIDES, FrontalSeries, LegTrack

# A close-up is measured on the frame scaled to this width: its shins are then ~35 px wide and
# ~180 px long, more than a 720p full-body frame gives them (~25 x 125 px), where the
# accuracy was measured, at a fifth of the cost of full 1280 px (the pair search grows with
# the cube of the scale).
CLOSEUP_WIDTH = 640
# A full-body frame is measured at most this many rows tall. The outline searches follow edges
# in steps of a pixel or two (`bisect.CHAIN_REACH_PX`, `CHAIN_JUMP_PX`), made on frames of up to
# 720 rows; an edge blurred over several pixels of a taller frame is followed astray. The
# right-hyperpronation sample scaled up to 2880x2160 (a 4.5x blur) read the right rearfoot
# peak 6.2 deg (13.4 at its own 640x480) and the left-stance pelvic drop 1.3 deg (8.6), so
# neither was flagged; read at 1080 rows, 12.5 and 8.7. Sharp renders at 2560x1440 and
# 3840x2160 read at 1080 rows stay within 1.9 deg at the peak-eversion frames (at 720 rows up
# to 2.5).
BODY_ROWS = 1080
# The pelvis's search box is sized by the hips' distance (`pelvis.measure_pelvis`), taken as
# its running median over this long: about a stride, over which a walker's distance from the
# camera changes little. Frame by frame the pose model's hips jitter, on grainy video by half
# their distance (the right-hyperpronation sample with noise of SD 3.5 grey levels added,
# `grain.noise_sd`: 16-20 px in frames where 28-30 px around them), and a box that much too
# small reads another edge (10-11 deg in still standing frames, which then read as no
# standing phase).
HIP_WINDOW_S = 1.0
KNEE = {"left": lm.LEFT_KNEE, "right": lm.RIGHT_KNEE}
ANKLE = {"left": lm.LEFT_ANKLE, "right": lm.RIGHT_ANKLE}
OTHER = {"left": "right", "right": "left"}


def _track_legs(px: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """side -> (knee, ankle) from one frame's landmark pixels (33, 2), where both are found."""
    return {s: (px[KNEE[s]], px[ANKLE[s]]) for s in SIDES if np.isfinite(px[[KNEE[s], ANKLE[s]]]).all()}


def _steady_hips(pixels: np.ndarray, t: np.ndarray) -> np.ndarray:
    """(T, 2, 2) the left and right hips' pixels moved apart or together along their line,
    about their midpoint, to the running median of their distance over HIP_WINDOW_S."""
    hips = pixels[:, [lm.LEFT_HIP, lm.RIGHT_HIP]].astype(np.float64)
    if len(t) < 2:
        return hips
    half = max(int(round(0.5 * HIP_WINDOW_S / float(np.median(np.diff(t))))), 1)
    d = np.linalg.norm(hips[:, 1] - hips[:, 0], axis=-1)
    windows = np.lib.stride_tricks.sliding_window_view(np.pad(d, half, constant_values=np.nan), 2 * half + 1)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows stay NaN
        scale = np.nanmedian(windows, axis=1) / d
    mid = hips.mean(axis=1, keepdims=True)
    return mid + (hips - mid) * scale[:, None, None]


def _collar_seen(reading: LegReading | None) -> tuple[float, float, float, bool, float]:
    """(midline x at the collar, shank width, collar row, above, sole row) of a full-body frame's
    leg, NaN where its shank or collar was not found; never above (its band follows the leg)."""
    if reading is None or reading.shank is None or not np.isfinite(reading.collar_y):
        return np.nan, np.nan, np.nan, False, np.nan
    return float(reading.shank.x_at(reading.collar_y)), reading.shank.width, reading.collar_y, False, reading.sole_y


def _covered(own: tuple[float, float], shoes: dict[str, tuple[float, float, float]], side: str) -> float:
    """`rearfoot.covered_from` for one side, its leg's (midline x, width) `own`, from the other
    side's (midline x, width, shoe top row) in `shoes` (inf when not there)."""
    other = shoes.get(OTHER[side])
    return covered_from(*own, side, *other) if other is not None else np.inf


def measure_frames(frames: Iterable[tuple[float, np.ndarray]], track: PoseTrack | None = None,
                   framing: str = "body") -> FrontalSeries:  # fmt: skip
    """Per-frame rearfoot angles and pelvic obliquity of (time, BGR frame) pairs.

    `framing="body"` locates the legs and the pelvis with `track` (frame i of the frames is
    frame i of the track); `"legs"` finds the legs in each frame itself and leaves the pelvis
    unmeasured (a close-up does not show it). Either way where each leg's shoe collar was
    seen is kept (`FrontalSeries.legs`, frame pixels): its motion gives the gait events.
    """
    if framing not in FRAMINGS:
        raise ValueError(f"framing must be one of {', '.join(FRAMINGS)}, not {framing!r}")
    if framing == "body" and track is None:
        raise ValueError("framing 'body' needs the pose track that locates the legs")
    view = track.view if track is not None else "posterior"
    pixels = track.pixels.astype(np.float64) if track is not None else np.empty((0, lm.N_LANDMARKS, 2))
    hips_at = _steady_hips(pixels, track.t) if track is not None else pixels[:, :2]
    t: list[float] = []
    rear = {s: [] for s in SIDES}
    rear_q = {s: [] for s in SIDES}
    pelvis, pelvis_q, noise = [], [], []
    where = {s: [] for s in SIDES}  # (x, width, collar row, above, sole row) per frame, frame pixels
    for i, (time, image) in enumerate(frames):
        t.append(time)
        in_track = i < len(pixels)
        scale = min(CLOSEUP_WIDTH / image.shape[1] if framing == "legs" else BODY_ROWS / image.shape[0], 1.0)
        if scale < 1.0:
            image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        noise.append(noise_sd(image))  # as the searches see it: a downscale averages grain away
        if framing == "legs":
            located = locate_legs(image)
            legs = {s: leg.landmarks() for s, leg in located.items()}
            for s in SIDES:
                leg = located.get(s)
                where[s].append((leg.centre / scale, leg.width / scale, np.nan if leg.above else leg.collar / scale,
                                 leg.above, np.nan) if leg else (np.nan, np.nan, np.nan, False, np.nan))  # fmt: skip
            # A shoe lifted above the band counts from the band's foot (`Leg.above`): finding its
            # real top against the band's upper half read the close-ups worse (17 walks).
            shoes = {s: (leg.centre, leg.width, leg.collar) for s, leg in located.items()}
            readings = {s: read_leg(image, *legs[s], s, _covered(shoes[s][:2], shoes, s)) for s in legs}
        else:
            legs = _track_legs(scale * pixels[i]) if in_track else {}
            # Only a lifted foot's shoe reaches up beside the other shank, so the leg whose ankle
            # is higher is read first, and its shoe tells where the other's shank is covered (the
            # other leg's midline and width there from its ankle landmark and shank length).
            readings, shoes = {}, {}
            for s in sorted(legs, key=lambda s: legs[s][1][1]):
                knee, ankle = legs[s]
                own = (float(ankle[0]), WIDTH_RATIO * float(np.hypot(*(ankle - knee))))
                readings[s] = read_leg(image, knee, ankle, s, _covered(own, shoes, s))
                shoes[s] = _collar_seen(readings[s])[:3]
            for s in SIDES:
                x, width, collar, above, sole = _collar_seen(readings.get(s))
                where[s].append((x / scale, width / scale, collar / scale, above, sole / scale))
        for side in SIDES:
            found = readings[side].rearfoot if side in readings else None
            rear[side].append(found.angle_deg if found else np.nan)
            rear_q[side].append(found.quality if found else 0.0)
        line = None
        if framing == "body" and in_track:
            hips = scale * hips_at[i]
            if np.isfinite(hips).all():
                line = measure_pelvis(image, hips[0], hips[1], view)
        pelvis.append(line.obliquity_deg if line else np.nan)
        pelvis_q.append(line.quality if line else 0.0)
    arr = lambda v: np.asarray(v, dtype=np.float64)  # noqa: E731
    cols = {s: np.asarray(where[s], np.float64).reshape(-1, 5) for s in SIDES}
    # A close-up's sole row is not read: its events rest on the collar alone (`collar_events`).
    tracks = {s: LegTrack(c[:, 0], c[:, 1], c[:, 2], c[:, 3] > 0, c[:, 4] if framing == "body" else None)
              for s, c in cols.items()}  # fmt: skip
    return FrontalSeries(arr(t), {s: arr(rear[s]) for s in SIDES}, {s: arr(rear_q[s]) for s in SIDES},
                         arr(pelvis), arr(pelvis_q), framing, tracks, arr(noise))  # fmt: skip


def measure_video(video: str | os.PathLike, track: PoseTrack | None = None, framing: str = "body",
                  progress: Callable[[int, int | None], None] | None = None, times: np.ndarray | None = None,
                  slow_motion: float = 1.0) -> FrontalSeries:  # fmt: skip
    """`measure_frames` over a video file, streamed.

    Frame i is taken at `times[i]`, by default the track's (`track.t`, so the series is on the
    track's times), else the video's own frame times. A recorded session's frames are
    matched so, by index: `gait record` journals one row per frame it writes, stamped on the
    clock its insole shares, and writes the video at the camera's nominal rate, which a
    webcam that slows down in dim light or drops frames does not keep. Frames beyond `times`
    are not measured. Without either, a clip that plays `slow_motion` times slower than life
    has its frames' times divided by that.
    """
    times = track.t if track is not None else times
    with open_source(video) as source:
        def frames() -> Iterable[tuple[float, np.ndarray]]:
            for frame in source:
                if times is not None and frame.index >= len(times):
                    return
                yield (frame.t / slow_motion if times is None else float(times[frame.index])), frame.image
                if progress:
                    progress(frame.index + 1, source.frame_count)

        series = measure_frames(frames(), track, framing)
    return series.at(track.t) if track is not None else series
