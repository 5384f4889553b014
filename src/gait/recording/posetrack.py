"""Pose tracks (schema `gait.posetrack/1`): the in-memory type, `.npz` files and CSV export.

The `.npz` layout is a contract other tools read (see DESIGN.md): keys `schema`, `t`,
`image`, `visibility`, `world`, `size`, `fps`, `view`. The CSV carries the same numbers
with one named column per landmark coordinate so a spreadsheet opens it.
"""

from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from gait.errors import GaitError
from gait.landmarks import N_LANDMARKS, NAMES
from gait.recording.exports import read_commented_csv

SCHEMA = "gait.posetrack/1"
CSV_SCHEMA = "gait.posetrack-csv/1"
VIEWS = ("posterior", "anterior", "left", "right", "unknown")
_KEYS = ("schema", "t", "image", "visibility", "world", "size", "fps", "view")


@dataclass(frozen=True)
class PoseTrack:
    """Landmarks of one person over time.

    `image` is x/width, y/height (y down) and MediaPipe's relative z; `world` is metres
    with the origin between the hips. Both are NaN, and `visibility` 0, in frames where
    no person was found.
    """

    t: np.ndarray  # float64 (T,) seconds, strictly increasing
    image: np.ndarray  # float32 (T,33,3)
    visibility: np.ndarray  # float32 (T,33)
    world: np.ndarray  # float32 (T,33,3)
    size: tuple[int, int]  # frame width, height in pixels
    fps: float
    view: str = "unknown"

    def __post_init__(self) -> None:
        t = np.asarray(self.t, dtype=np.float64)
        n = t.shape[0] if t.ndim == 1 else -1
        image = np.asarray(self.image, dtype=np.float32)
        vis = np.asarray(self.visibility, dtype=np.float32)
        world = np.asarray(self.world, dtype=np.float32)
        if n < 0:
            raise GaitError("pose track: t must be one-dimensional")
        if image.shape != (n, N_LANDMARKS, 3) or world.shape != (n, N_LANDMARKS, 3):
            raise GaitError(
                f"pose track: image and world must have shape ({n}, 33, 3), "
                f"got {image.shape} and {world.shape}"
            )
        if vis.shape != (n, N_LANDMARKS):
            raise GaitError(f"pose track: visibility must have shape ({n}, 33), got {vis.shape}")
        if n > 1 and not np.all(np.diff(t) > 0):
            raise GaitError("pose track: times are not strictly increasing")
        if self.view not in VIEWS:
            raise GaitError(f"pose track: view {self.view!r} is not one of {', '.join(VIEWS)}")
        object.__setattr__(self, "t", t)
        object.__setattr__(self, "image", image)
        object.__setattr__(self, "visibility", vis)
        object.__setattr__(self, "world", world)
        object.__setattr__(self, "size", (int(self.size[0]), int(self.size[1])))
        object.__setattr__(self, "fps", float(self.fps))

    def __len__(self) -> int:
        return int(self.t.shape[0])

    @property
    def detected(self) -> np.ndarray:
        """(T,) bool: frames in which a person was found."""
        return ~np.all(np.isnan(self.image[:, :, 0]), axis=1)

    @property
    def pixels(self) -> np.ndarray:
        """(T,33,2) image landmarks in pixels."""
        return self.image[:, :, :2] * np.asarray(self.size, dtype=np.float32)

    def frames(self, which: slice | np.ndarray) -> PoseTrack:
        """The track's frames `which` (a slice, indices or a mask)."""
        return replace(self, t=self.t[which], image=self.image[which], visibility=self.visibility[which],
                       world=self.world[which])  # fmt: skip

    def with_view(self, view: str) -> PoseTrack:
        """The same track labelled with another view."""
        return replace(self, view=view)

    @classmethod
    def empty(cls, n: int, size: tuple[int, int], fps: float, t: np.ndarray | None = None) -> PoseTrack:
        """A track of `n` frames in which nobody was found (all NaN)."""
        nan = np.full((n, N_LANDMARKS, 3), np.nan, dtype=np.float32)
        times = np.arange(n) / fps if t is None else t
        return cls(times, nan, np.zeros((n, N_LANDMARKS), np.float32), nan.copy(), size, fps)


def save_posetrack(track: PoseTrack, path: str | os.PathLike) -> Path:
    """Write `track` as a `.npz` file, atomically (a crash never leaves half a file)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        np.savez_compressed(
            fh,
            schema=np.array(SCHEMA),
            t=track.t,
            image=track.image,
            visibility=track.visibility,
            world=track.world,
            size=np.array(track.size, dtype=np.int64),
            fps=np.array(track.fps),
            view=np.array(track.view),
        )
    os.replace(tmp, path)
    return path


def load_posetrack(path: str | os.PathLike) -> PoseTrack:
    """Read a `.npz` pose track, or raise GaitError saying what is wrong with the file."""
    path = Path(path)
    if not path.is_file():
        raise GaitError(f"{path}: no such file")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in _KEYS if k not in data.files]
            if missing:
                raise GaitError(f"{path}: not a pose track (missing {', '.join(missing)})")
            schema = str(data["schema"])
            if schema != SCHEMA:
                raise GaitError(f"{path}: pose track schema {schema!r}, this version reads {SCHEMA!r}")
            return PoseTrack(
                t=data["t"],
                image=data["image"],
                visibility=data["visibility"],
                world=data["world"],
                size=tuple(int(v) for v in data["size"]),
                fps=float(data["fps"]),
                view=str(data["view"]),
            )
    except GaitError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise GaitError(f"{path}: not a readable pose track ({exc})") from None


def csv_columns() -> list[str]:
    """Column names of the CSV export, in order."""
    cols = ["t", "detected"]
    for name in NAMES:
        cols += [f"{name}_x", f"{name}_y", f"{name}_z", f"{name}_visibility"]
    for name in NAMES:
        cols += [f"{name}_world_x", f"{name}_world_y", f"{name}_world_z"]
    return cols


def export_csv(track: PoseTrack, path: str | os.PathLike) -> Path:
    """Write the track as CSV: `# key: value` metadata lines, a header, one row a frame.

    Image coordinates are fractions of the frame (as in the `.npz`), world coordinates
    metres; a landmark that was not found leaves its cells empty.
    """
    path = Path(path)
    n = len(track)
    image_vis = np.concatenate([track.image, track.visibility[:, :, None]], axis=2)
    table = np.concatenate(
        [
            track.t[:, None],
            track.detected[:, None].astype(np.float64),
            image_vis.reshape(n, -1).astype(np.float64),
            track.world.reshape(n, -1).astype(np.float64),
        ],
        axis=1,
    )
    fmt = ["%.6f", "%d"] + ["%.9g"] * (table.shape[1] - 2)
    buf = io.StringIO()
    np.savetxt(buf, np.nan_to_num(table, nan=np.inf), fmt=fmt, delimiter=",")
    body = buf.getvalue().replace("inf", "")
    meta = {
        "schema": CSV_SCHEMA,
        "fps": repr(track.fps),
        "width": track.size[0],
        "height": track.size[1],
        "view": track.view,
    }
    with open(path, "w", newline="\n") as fh:
        fh.writelines(f"# {k}: {v}\n" for k, v in meta.items())
        fh.write(",".join(csv_columns()) + "\n")
        fh.write(body)
    return path


def read_csv(path: str | os.PathLike) -> PoseTrack:
    """Read a CSV written by `export_csv` back into a track."""
    path = Path(path)
    meta, header, text = read_commented_csv(path)
    if header != csv_columns() or meta.get("schema") != CSV_SCHEMA:
        raise GaitError(f"{path}: not a pose-track CSV ({CSV_SCHEMA})")
    rows = [r.split(",") for r in text.splitlines() if r]
    n = len(rows)
    try:
        table = np.array([[float(c) if c else np.nan for c in r] for r in rows], dtype=np.float64)
        table = table.reshape(n, len(header))
        size = (int(meta["width"]), int(meta["height"]))
        fps = float(meta["fps"])
    except (ValueError, KeyError) as exc:
        raise GaitError(f"{path}: malformed pose-track CSV ({exc})") from None
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
