"""Stay on the walker when more than one person is in the picture.

MediaPipe Pose follows one person: whoever its detector finds first. When someone else is
in the frame (a person in the background, a fitter beside a treadmill) that may not be the
walker. Every few frames we look again with the followed person painted out, link what is
found into people over time, and take as the subject the person the camera was pointed at:
the one who is in the picture longest, largest and nearest. Nearness is read from where
the feet stand: with the camera above the floor, a person nearer the camera stands lower
in the picture. When the subject is not the person MediaPipe followed, the video is run
again on crops around the subject.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Box of a person from its landmarks, grown by this share on each side: landmarks sit on
# joints, the body's outline (head, feet, clothes) reaches past them.
BOX_MARGIN = 0.15
# Two sightings belong to one person when the box centres are within this many box
# heights and the heights differ by less than this factor, with at most MAX_GAP_S between.
LINK_DISTANCE = 0.6
LINK_SCALE = 2.0
MAX_GAP_S = 1.5
# Crop fed to the pose model around the subject: this many times the box's larger side.
CROP_SCALE = 1.4


def person_box(image_landmarks: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """(x0, y0, x1, y1) in pixels around one person's landmarks, with a margin."""
    px = image_landmarks[:, :2] * np.asarray(size, np.float64)
    lo, hi = np.nanmin(px, axis=0), np.nanmax(px, axis=0)
    pad = (hi - lo) * BOX_MARGIN
    return np.concatenate([lo - pad, hi + pad])


@dataclass
class Person:
    """One person seen at some probe frames: frame indices, times and boxes."""

    frames: list[int]
    times: list[float]
    boxes: list[np.ndarray]

    def has(self, box: np.ndarray) -> bool:
        """Whether this very box (not an equal one) is one of this person's sightings."""
        return any(b is box for b in self.boxes)

    def presence(self, frame_height: int) -> float:
        """Sum over sightings of box height times how low the feet stand (0 top, 1 bottom)."""
        return float(sum((b[3] - b[1]) * min(b[3] / frame_height, 1.0) for b in self.boxes))


def _same_person(a: np.ndarray, b: np.ndarray) -> float:
    """Distance between two boxes in box heights, or inf when they cannot be one person."""
    ha, hb = a[3] - a[1], b[3] - b[1]
    if min(ha, hb) <= 0 or max(ha, hb) / min(ha, hb) > LINK_SCALE:
        return np.inf
    centre = np.hypot(*((a[:2] + a[2:]) / 2 - (b[:2] + b[2:]) / 2)) / max(ha, hb)
    return centre if centre < LINK_DISTANCE else np.inf


def link_people(sightings: list[tuple[int, float, list[np.ndarray]]]) -> list[Person]:
    """Join boxes seen at probe frames into people, nearest box first."""
    people: list[Person] = []
    for frame, t, boxes in sightings:
        open_people = [p for p in people if t - p.times[-1] <= MAX_GAP_S]
        taken: set[int] = set()
        for box in boxes:
            dists = [
                _same_person(p.boxes[-1], box) if i not in taken else np.inf
                for i, p in enumerate(open_people)
            ]
            best = int(np.argmin(dists)) if dists else -1
            if best >= 0 and np.isfinite(dists[best]):
                taken.add(best)
                person = open_people[best]
                person.frames.append(frame)
                person.times.append(t)
                person.boxes.append(box)
            else:
                people.append(Person([frame], [t], [box]))
    return people


def choose_subject(people: list[Person], frame_height: int) -> Person | None:
    return max(people, key=lambda p: p.presence(frame_height), default=None)


def crop_windows(subject: Person, n_frames: int, reach: int) -> np.ndarray:
    """(n_frames, 4) square crop windows (x0, y0, side, side) following the subject.

    Box centre and size are interpolated between the subject's sightings; frames more than
    `reach` frames from any sighting get NaN (the subject is not there).
    """
    frames = np.asarray(subject.frames)
    boxes = np.asarray(subject.boxes)
    idx = np.arange(n_frames)
    centre = np.column_stack([np.interp(idx, frames, (boxes[:, 0] + boxes[:, 2]) / 2),
                              np.interp(idx, frames, (boxes[:, 1] + boxes[:, 3]) / 2)])  # fmt: skip
    side = CROP_SCALE * np.interp(idx, frames, np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]))
    windows = np.column_stack([centre - side[:, None] / 2, side, side])
    nearest = np.min(np.abs(idx[:, None] - frames[None, :]), axis=1)
    windows[nearest > reach] = np.nan
    return windows
