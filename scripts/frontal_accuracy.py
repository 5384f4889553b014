"""Rearfoot eversion and pelvic drop from the image (gait.vision) against the walker's truth,
end to end on rendered video: MediaPipe locates the legs and the pelvis, the insole's
contacts segment the strides, and the same walk is also measured from the landmarks alone
(as if they were true positions) for comparison. Prints a markdown table for the README.

Each seed draws a walk (cadence, speed, height, toe-out), its pathology (even seeds: one
over-pronating foot and a pelvic drop in one stance; odd seeds: normal), an outfit and a
scene, so the method is checked on different clothes, shoes and backgrounds.

With `--framing legs` the camera is a lower-leg close-up (no body for the pose model): the
legs are found in the image and the walk is analysed as `gait analyze --framing legs` does
(`analyze_closeup`), strides from the insole (or with `--no-insole` the shoe collars); the
pelvis is not in view, so only the rearfoot is measured.

    python scripts/frontal_accuracy.py [--seeds 1 2 3 4 5 6] [--size 1280x720] [--framing body] [--cache DIR]
        [--no-insole] [--mode treadmill|away] [--grain N]

`--no-insole` segments the strides as a video alone must (for a posterior full-body video: the
shoe collars' motion, `analysis.collar_events`, else the pose model's events) and prints the
events' method, their heel strikes' errors against the walker's contacts and the cadence's
errors (from the strides, or with too few from the pelvis's rhythm) after the table.
The last column adds the insole's pressure findings either way; only its strides are left out.

`--mode away` has the walker cross a room away from the camera instead of walking on a treadmill.

`--grain N` re-encodes each rendered video with FFmpeg's temporal noise of strength N
(`noise=alls=N:allf=t`, then H.264 in 4:2:0, as a phone or webcam stores it) and measures
that, the pose model included; it prints each video's noise SD (`gait.vision.grain`) after
the table. It needs an FFmpeg binary: `ffmpeg` on the PATH, or the one in the imageio-ffmpeg
package (`pip install imageio-ffmpeg`); neither is a dependency of gait.

`--cache DIR` keeps each rendered video and its pose track (rendering and MediaPipe are
nearly all the run time), so a change to the image method is re-measured in minutes; runs
that share a cache wait for each other's renders instead of repeating them.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from gait.analysis.events import from_contacts
from gait.analysis.metrics import analyze_closeup, analyze_track
from gait.analysis.pressure import pressure_metrics
from gait.findings import evaluate
from gait.pose.extract import video_to_track
from gait.recording.framing import FRAMINGS
from gait.recording.posetrack import PoseTrack, load_posetrack, save_posetrack
from gait.simulate import SideParams, WalkParams, insole_layout, render_video, simulate_walk
from gait.simulate.mannequin import Outfit
from gait.simulate.render import Scene
from gait.vision.frontal import measure_video

OUTFITS = {
    "default": Outfit(),
    "red/grey, white shoes": Outfit(skin=(60, 90, 140), shirt=(40, 40, 170), shorts=(160, 140, 120), belt=(25, 25, 25),
                                    shoe=(220, 220, 220), counter=(40, 130, 40), stripe=(20, 20, 20), sole=(130, 130, 130)),
    "yellow/navy, black shoes": Outfit(skin=(110, 140, 195), shirt=(60, 200, 220), shorts=(90, 40, 20),
                                       belt=(230, 230, 230), shoe=(35, 35, 35), counter=(120, 120, 120),
                                       stripe=(40, 200, 230), sole=(70, 70, 70)),
}  # fmt: skip
SCENES = {
    "beige wall": {},
    "green wall, mauve floor": {"wall": (90, 120, 90), "floor": (120, 110, 140), "belt": (80, 80, 80)},
    "dark grey room": {"wall": (75, 75, 75), "floor": (115, 115, 115), "belt": (55, 55, 60)},
}


def case(seed: int, mode: str = "treadmill") -> tuple[str, WalkParams, str, str]:
    """The walk, its label, outfit and scene names for one seed."""
    rng = np.random.default_rng([seed, 8])
    u = lambda a, b: float(rng.uniform(a, b))  # noqa: E731
    sides = {s: SideParams(eversion_peak_deg=u(4, 8), pelvic_drop_deg=u(3, 5), toe_out_deg=u(4, 10)) for s in ("left", "right")}
    label = "normal"
    if seed % 2 == 0:
        foot, stance = rng.choice(["left", "right"]), rng.choice(["left", "right"])
        sides[foot] = SideParams(eversion_peak_deg=u(13, 16), pelvic_drop_deg=sides[foot].pelvic_drop_deg,
                                 toe_out_deg=sides[foot].toe_out_deg)  # fmt: skip
        s = sides[stance]
        sides[stance] = SideParams(s.eversion_peak_deg, 0.0, s.toe_out_deg, u(9, 11))
        label = f"{foot} hyperpronation, {stance}-stance drop"
    params = WalkParams(cadence_spm=u(100, 120), speed_mps=u(1.0, 1.4), height_m=u(1.6, 1.9), mode=mode, **sides)
    return label, params, list(OUTFITS)[seed % 3], list(SCENES)[(seed // 3) % 3]


def ffmpeg() -> str:
    """An FFmpeg binary: on the PATH, else imageio-ffmpeg's."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError:
        raise SystemExit("--grain needs an FFmpeg binary: put ffmpeg on the PATH or pip install imageio-ffmpeg") from None
    return imageio_ffmpeg.get_ffmpeg_exe()


@contextlib.contextmanager
def rendered(walk, seed: int, size: tuple[int, int], framing: str, scene: Scene, cache: Path | None,
             grain: int = 0) -> Iterator[tuple[Path, PoseTrack | None]]:  # fmt: skip
    """The walk's video and, for full-body framing, its MediaPipe track: from `cache` when
    there, made (and kept there, if a cache is given) when not. With `grain` the video is the
    render re-encoded with FFmpeg's noise of that strength, and the track is that video's."""
    with contextlib.ExitStack() as stack:
        if cache is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        else:
            mode = walk.params.mode
            folder = cache / f"{framing}_{size[0]}x{size[1]}{'' if mode == 'treadmill' else '_' + mode}_seed{seed}"
            folder.mkdir(parents=True, exist_ok=True)
            lock = stack.enter_context(open(folder / ".lock", "w"))
            fcntl.flock(lock, fcntl.LOCK_EX)  # another run may be rendering this one
        video = folder / "walk.mp4"
        if not video.exists():
            render_video(walk, video, "posterior", size, framing=framing, scene=scene)
        suffix = f"_grain{grain}" if grain else ""
        if grain:
            grainy = folder / f"walk{suffix}.mp4"
            if not grainy.exists():
                subprocess.run([ffmpeg(), "-loglevel", "error", "-y", "-i", str(video), "-vf", f"noise=alls={grain}:allf=t",
                                "-c:v", "libx264", "-pix_fmt", "yuv420p", str(grainy)], check=True)  # fmt: skip
            video = grainy
        track_file = folder / f"track{suffix}.npz"
        track = None
        if framing == "body":
            if track_file.exists():
                track = load_posetrack(track_file)
            else:
                track, _ = video_to_track(video)
                save_posetrack(track, track_file)
        yield video, track


def pick(doc: dict, *path: str) -> float | None:
    for key in path:
        doc = doc.get(key) if isinstance(doc, dict) else None
    return doc if isinstance(doc, (int, float)) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6])
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--framing", choices=FRAMINGS, default="body")
    parser.add_argument("--cache", type=Path, help="folder to keep rendered videos and pose tracks in")
    parser.add_argument("--no-insole", action="store_true", help="strides from the video alone")
    parser.add_argument("--mode", choices=("treadmill", "away"), default="treadmill",
                        help="on a treadmill, or walking away from the camera across a room")
    parser.add_argument("--grain", type=int, default=0, help="re-encode each video with FFmpeg's noise of this strength")
    args = parser.parse_args()
    size = tuple(int(v) for v in args.size.split("x"))
    layout = insole_layout(8)
    print("| seed | walk | outfit / scene | rearfoot peak L / R: image (landmarks) | pelvic drop L / R stance: image "
          "(landmarks) | flagged from the angles | flagged with the insole's pressure too |")
    print("|---|---|---|---|---|---|---|")
    hs_errors, methods, grain, cadence_errors = [], [], [], []
    for seed in args.seeds:
        label, params, outfit, scene = case(seed, args.mode)
        walk = simulate_walk(params, seed)
        truth = walk.truth("posterior", layout)
        scene_ = Scene(outfit=OUTFITS[outfit], **SCENES[scene])
        with rendered(walk, seed, size, args.framing, scene_, args.cache, args.grain) as (video, track):
            frontal = measure_video(video, track, args.framing)
        grain.append(f"seed {seed} {np.nanmedian(frontal.noise_sd):.1f}")
        pressure = pressure_metrics(walk.insole(layout, 100.0, 0.5))
        ev = pressure["events"]
        contacts = from_contacts({s: ev[s]["heel_strike_s"] for s in ev}, {s: ev[s]["toe_off_s"] for s in ev}, "insole")
        used = None if args.no_insole else contacts
        if track is not None:
            image = analyze_track(track, contacts=used, frontal_image=frontal).metrics()
        else:  # as `gait analyze --framing legs` does: no body, no landmarks' events to fall back on
            image = analyze_closeup(frontal, size, used).metrics()
        if args.no_insole:
            methods.append(image["events"]["method"])
            if image["cadence_spm"] is not None:
                cadence_errors.append(image["cadence_spm"] - truth["cadence_spm"])
            for side in ("left", "right"):
                found = np.asarray(image["events"][side]["heel_strike"])
                for t in truth["events"][side]["heel_strike"]:  # with a heel off after it in the clip
                    if truth["steady_from_s"] <= t <= params.duration_s - 0.6:
                        hs_errors.append(float(np.min(np.abs(found - t))) if len(found) else np.inf)
        marks = analyze_track(track, contacts=contacts, landmarks="true").metrics() if args.framing == "body" else {}
        cells = []
        for key, parts in (("rearfoot_eversion_deg", [("left", "peak"), ("right", "peak")]),
                           ("pelvic_drop_deg", [("left_stance",), ("right_stance",)])):  # fmt: skip
            errs = []
            for p in parts:
                true = pick(truth, key, *p)
                got, lm_ = pick(image, key, *p), pick(marks, key, *p)
                e = "missing" if got is None else f"{got - true:+.1f}"
                e_lm = "missing" if lm_ is None else f"{lm_ - true:+.1f}"
                errs.append(f"{e} ({e_lm}; true {true:.1f})")
            cells.append(" / ".join(errs))
        alone = evaluate({**image, "pressure": None})
        image["pressure"] = pressure
        both = evaluate(image)
        flags = lambda found: ", ".join(f"{f['code']} {f['side']}" for f in found if f["code"] in (  # noqa: E731
            "hyperpronation", "pelvic_drop")) or "none"
        print(f"| {seed} | {label} | {outfit} / {scene} | {cells[0]} | {cells[1]} | {flags(alone)} | {flags(both)} |", flush=True)
    if args.grain:
        print(f"\nnoise SD (grey levels): {', '.join(grain)}")
    if args.no_insole:
        e = np.array(hs_errors)
        found = e[e <= 0.25]
        print(f"\nevents: {', '.join(sorted(set(methods)))}; heel strikes found {len(found)} of {len(e)}, "
              f"{np.mean(e <= 1 / 30 + 1e-9):.0%} within one frame (30 fps), {np.mean(e <= 2 / 30 + 1e-9):.0%} within two; "
              f"|error| median {1000 * np.median(found):.0f} ms, max {1000 * found.max():.0f} ms")
        c = np.array(cadence_errors)
        print(f"cadence on {len(c)} of {len(args.seeds)} walks: error {', '.join(f'{v:+.1f}' for v in c)} steps/min")


if __name__ == "__main__":
    main()
