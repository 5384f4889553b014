"""Session folders made by the walker, and the sample recordings shipped in `sample_data/`.

A session folder (DESIGN.md "Session folder") holds `session.json`, `video.mp4`, `insole.csv`
+ `insole_layout.json`, and here also `truth.json`; `pose.npz` only when asked for (the sample
data leave it to the pipeline). Everything but the video is byte-for-byte the same for the
same knobs and seed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from gait import __version__
from gait.recording import session as sess
from gait.recording.insole import write_insole_csv
from gait.recording.posetrack import save_posetrack
from gait.simulate.insole import insole_layout
from gait.simulate.params import SideParams, WalkParams
from gait.simulate.render import render_video
from gait.simulate.walker import Walk, simulate_walk

START_TIME = "2026-01-01T10:00:00+00:00"  # fixed, so sample sessions are reproducible


def write_json(path: Path, doc: dict) -> Path:
    path.write_text(json.dumps(doc, indent=1) + "\n")
    return path


def write_session(walk: Walk, folder: str | os.PathLike, view: str = "posterior", size: tuple[int, int] = (640, 480),
                  video: bool = True, insole_sensors: int | None = 8, pose: bool = False, noise_px: float = 0.0,
                  dropouts: float = 0.0, swaps: int = 0, insole_noise_n: float = 0.0,
                  progress: Callable[[int, int], None] | None = None, framing: str = "body") -> Path:  # fmt: skip
    """Write a session folder for `walk` seen from `view`; returns the folder.

    `framing="legs"` films a lower-leg close-up (shins and shoes): the session then holds no
    pose track, since a pose model finds nobody in such a video.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    camera = walk.camera(view, size, framing)
    layout = insole_layout(insole_sensors) if insole_sensors else None
    info = {
        "schema": sess.SCHEMA,
        "start_time": START_TIME,
        "camera": {
            "kind": "synthetic",
            "size": list(camera.size),
            "fps": walk.params.fps,
            "focal_px": round(camera.focal_px, 3),
            "position_m": [round(float(v), 4) for v in camera.position],
            **({"framing": framing} if framing != "body" else {}),
        },
        "view": view,
        "insole": {"device": "synthetic walker insole", "sensors_per_foot": insole_sensors, "rate_hz": 100.0}
        if layout is not None else None,
        "software": {"name": "gait", "version": __version__},
        "synthetic": {"seed": walk.seed, "truth": "truth.json"},
    }  # fmt: skip
    write_json(folder / sess.SESSION_FILE, info)
    truth = walk.truth(view, layout, noise_px, dropouts, swaps)
    write_json(folder / "truth.json", truth)
    if layout is not None:
        write_insole_csv(walk.insole(layout, 100.0, insole_noise_n), folder / sess.INSOLE_FILE, sess.INSOLE_LAYOUT_FILE)
    if pose and framing == "body":
        save_posetrack(walk.posetrack(view, size, noise_px, dropouts, swaps), folder / sess.POSE_FILE)
    if video:
        render_video(walk, folder / sess.VIDEO_FILE, view, size, progress, framing=framing)
    return folder


@dataclass(frozen=True)
class Sample:
    name: str
    params: WalkParams
    summary: str


SAMPLES = (
    Sample("normal", WalkParams(), "normal walk: rearfoot eversion peak 6 deg both sides, 4 deg pelvic drop "
           "in each single stance, 7 deg toe-out, equal legs"),
    Sample(
        "right_hyperpronation_pelvic_drop",
        WalkParams(right=SideParams(eversion_peak_deg=14.0, hip_internal_rotation_deg=10.0),
                   left=SideParams(pelvic_drop_deg=9.0)),
        "right foot over-pronates (eversion peak 14 deg vs 6 left), right leg turned in 10 deg "
        "(foot progression ~-3 deg); while standing on the LEFT leg the RIGHT (swing) hip drops 9 deg "
        "(pelvic_drop_deg.left_stance = 9, right_stance = 4)",
    ),  # fmt: skip
    Sample("leg_length_difference", WalkParams(leg_length_diff_mm=-15.0),
           "right leg 15 mm shorter (leg_length_difference_mm = -15): standing, the right hip sits "
           "lower (static pelvic obliquity ~4.9 deg over the hip joints); gait otherwise normal"),
)  # fmt: skip


def make_samples(out_dir: str | os.PathLike, seed: int = 1, size: tuple[int, int] = (640, 480),
                 progress: Callable[[str], None] | None = None) -> list[Path]:  # fmt: skip
    """Write the sample sessions (posterior view, 8-sensor insole, 8 s with 2 s standing)."""
    out = Path(out_dir)
    folders = []
    for sample in SAMPLES:
        if progress:
            progress(sample.name)
        walk = simulate_walk(sample.params, seed)
        folders.append(write_session(walk, out / sample.name, "posterior", size, insole_noise_n=0.5))
    return folders
