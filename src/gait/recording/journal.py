"""The pose journal: a live recording's landmarks on disk frame by frame, so a crash keeps them.

While `gait record` runs, every frame's landmarks are appended as one row of the pose-track
CSV contract (`gait.posetrack-csv/1`, the columns of `posetrack.csv_columns`) to
`pose.partial.csv` in the session folder. Each row is handed to the operating system as it
is written (a killed process loses nothing written so far) and the file is fsynced once a
second (a power cut loses at most about a second). The rows are the pose model's raw output:
left/right swaps are repaired and the view set when the journal becomes `pose.npz` (at stop,
or by `gait analyze` on a session whose recording was cut short). `read_journal` ignores a
last row that a crash cut short. The pose track does not depend on the video, whose mp4
index is only written at a clean stop.
"""

from __future__ import annotations

import io
import os
import time
import warnings
from pathlib import Path
from typing import IO, Protocol

import numpy as np

from gait.errors import GaitError
from gait.recording.exports import read_commented_csv
from gait.landmarks import N_LANDMARKS
from gait.recording.posetrack import CSV_SCHEMA, VIEWS, PoseTrack, csv_columns

FSYNC_EVERY_S = 1.0


class Landmarks(Protocol):
    """One person's landmarks in one frame (what the pose model's detections carry)."""

    image: np.ndarray  # (33, 3)
    visibility: np.ndarray  # (33,)
    world: np.ndarray  # (33, 3)


def _cells(values: np.ndarray) -> str:
    return ",".join("" if not np.isfinite(v) else f"{v:.9g}" for v in values.tolist())


class PoseJournal:
    """Appends one row per frame to a new pose-track CSV; refuses to replace an existing file."""

    def __init__(self, path: str | os.PathLike, size: tuple[int, int], fps: float, view: str = "unknown") -> None:
        if view not in VIEWS:
            raise GaitError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}")
        self.path = Path(path)
        try:
            self._fh: IO[str] = open(self.path, "x", newline="\n")
        except OSError as exc:
            raise GaitError(f"{self.path}: cannot create ({exc.strerror})") from None
        meta = {
            "schema": CSV_SCHEMA,
            "fps": repr(float(fps)),
            "width": int(size[0]),
            "height": int(size[1]),
            "view": view,
            "journal": "raw pose-model landmarks written live; pose.npz is made from them",
        }
        self._fh.writelines(f"# {k}: {v}\n" for k, v in meta.items())
        self._fh.write(",".join(csv_columns()) + "\n")
        self._fh.flush()
        self._synced = time.monotonic()
        self.rows = 0

    def append(self, t: float, found: Landmarks | None) -> None:
        """One frame at session time `t`: its landmarks, or None when nobody was found."""
        if found is None:
            body = ",".join([""] * (N_LANDMARKS * 7))
        else:
            image_vis = np.concatenate([found.image, np.asarray(found.visibility)[:, None]], axis=1)
            body = _cells(image_vis.reshape(-1)) + "," + _cells(np.asarray(found.world).reshape(-1))
        self._fh.write(f"{t:.6f},{int(found is not None)},{body}\n")
        self._fh.flush()
        self.rows += 1
        if time.monotonic() - self._synced >= FSYNC_EVERY_S:
            os.fsync(self._fh.fileno())
            self._synced = time.monotonic()

    def close(self) -> None:
        if not self._fh.closed:
            self._fh.flush()
            os.fsync(self._fh.fileno())
            self._fh.close()


def read_journal(path: str | os.PathLike) -> PoseTrack:
    """The raw track a journal holds (possibly none of its frames), without a row cut short."""
    path = Path(path)
    meta, header, text = read_commented_csv(path)
    if meta.get("schema") != CSV_SCHEMA or header != csv_columns():
        raise GaitError(f"{path}: not a pose journal ({CSV_SCHEMA})")
    body = text[: text.rfind("\n") + 1]  # a row cut short by a crash has no newline yet
    width = len(header)
    try:
        size = (int(meta["width"]), int(meta["height"]))
        fps = float(meta["fps"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # an empty journal is a valid one
            table = np.genfromtxt(io.StringIO(body), delimiter=",", dtype=np.float64, ndmin=2)
    except (KeyError, ValueError) as exc:
        raise GaitError(f"{path}: malformed pose journal ({exc})") from None
    if table.size == 0:
        table = np.empty((0, width))
    if table.shape[1] != width:
        raise GaitError(f"{path}: malformed pose journal (rows of {table.shape[1]} columns, not {width})")
    n = len(table)
    k = 2 + N_LANDMARKS * 4
    image_vis = table[:, 2:k].reshape(n, N_LANDMARKS, 4)
    return PoseTrack(
        t=table[:, 0],
        image=image_vis[:, :, :3],
        visibility=np.nan_to_num(image_vis[:, :, 3], nan=0.0),
        world=table[:, k:].reshape(n, N_LANDMARKS, 3),
        size=size,
        fps=fps,
        view=meta.get("view", "unknown"),
    )
