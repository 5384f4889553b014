"""Gait events from a lower-leg close-up's own image (no insole) against the walker's truth.

Each seed draws a walk as scripts/frontal_accuracy.py does (cadence 100-120, speed 1.0-1.4,
height 1.6-1.9, its outfit and scene) and, so that the stance fraction is not always the
walker's default, a stance fraction of 0.57-0.64. The walk is rendered as a close-up
(`framing="legs"`), measured (`vision.frontal.measure_video`) and analysed without contacts
(`analysis.metrics.analyze_closeup`: events from `analysis.collar_events`). Every true heel
strike and toe off from the end of the first (ramp-up) stride on is matched to the nearest
found one of its side within half a step (0.25 s); unmatched ones count as missed. Prints a
per-walk markdown table and the pooled error distributions for the README.

    python scripts/closeup_events_accuracy.py [--seeds 1 2 3 4 5 6 7 8] [--sizes 640x480 1280x720]
        [--duration S] [--cache DIR]

`--duration` records longer walks than the 8 s default (2 s of it standing).

`--cache DIR` keeps each rendered video (rendering is most of the run time).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np

from frontal_accuracy import OUTFITS, SCENES, case
from gait.analysis import cycles
from gait.analysis.events import from_contacts
from gait.analysis.metrics import analyze_closeup
from gait.analysis.pressure import pressure_metrics
from gait.simulate import insole_layout, render_video, simulate_walk
from gait.simulate.render import Scene
from gait.vision.frontal import measure_video

MATCH_S = 0.25  # half a step: a found event farther than this from every true one is no match


def walk_for(seed: int, duration_s: float | None = None):
    label, params, outfit, scene = case(seed)
    rng = np.random.default_rng([seed, 9])
    params = replace(params, stance_fraction=float(rng.uniform(0.57, 0.64)))
    return label, replace(params, duration_s=duration_s) if duration_s else params, outfit, scene


def match(found: np.ndarray, true: np.ndarray) -> tuple[np.ndarray, int]:
    """Errors (found - true, s) of the true events that have a found one within MATCH_S, and
    how many found events match no true one."""
    found = np.asarray(found, float)
    if not len(found) or not len(true):
        return np.empty(0), len(found)
    d = found[None, :] - np.asarray(true, float)[:, None]
    j = np.argmin(np.abs(d), axis=1)
    err = d[np.arange(len(true)), j]
    hit = np.abs(err) <= MATCH_S
    return err[hit], int(np.sum(np.min(np.abs(d), axis=0) > MATCH_S))


def summary(name: str, e_ms: np.ndarray, n: int, frame_ms: float) -> str:
    if not len(e_ms):
        return f"| {name} | 0/{n} | - | - | - | - | - |"
    q = np.percentile(e_ms, [5, 50, 95])
    return (f"| {name} | {len(e_ms)}/{n} | {np.mean(e_ms):+.0f} +- {np.std(e_ms):.0f} | {q[1]:+.0f} ({q[0]:+.0f} .. {q[2]:+.0f}) "
            f"| {np.max(np.abs(e_ms)):.0f} | {np.mean(np.abs(e_ms) <= frame_ms + 0.5):.0%} "
            f"| {np.mean(np.abs(e_ms) <= 2 * frame_ms + 0.5):.0%} |")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6, 7, 8])
    parser.add_argument("--sizes", nargs="+", default=["640x480", "1280x720"])
    parser.add_argument("--duration", type=float, help="seconds of each walk (default 8, 2 of them standing)")
    parser.add_argument("--cache", type=Path, help="folder to keep rendered videos in")
    args = parser.parse_args()
    layout = insole_layout(8)
    tmp = tempfile.TemporaryDirectory()
    cache = args.cache or Path(tmp.name)
    pooled = {k: [] for k in ("hs", "to", "cad", "stride", "stance", "rf_image", "rf_insole", "rf_image_vs_insole")}
    n_true = {"hs": 0, "to": 0}
    extra = {"hs": 0, "to": 0}
    print("| seed | size | cadence / speed / height / stance | outfit / scene | strides L/R (image) | cadence err % "
          "| HS err ms (median, max) | TO err ms (median) | rearfoot peak err L / R: image events (insole) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for seed in args.seeds:
        label, params, outfit, scene = walk_for(seed, args.duration)
        walk = simulate_walk(params, seed)
        truth = walk.truth("posterior")
        true_ev = walk.events()
        t0 = walk.steady_from  # the first stride ramps up from standing
        for size_s in args.sizes:
            size = tuple(int(v) for v in size_s.split("x"))
            long = f"_{params.duration_s:g}s" if args.duration else ""
            video = cache / f"closeup_events_{size_s}_seed{seed}{long}.mp4"
            if not video.exists():
                render_video(walk, video, "posterior", size, framing="legs", scene=Scene(outfit=OUTFITS[outfit], **SCENES[scene]))
            frontal = measure_video(video, framing="legs")
            a = analyze_closeup(frontal, size)
            m = a.metrics()
            pressure = pressure_metrics(walk.insole(layout, 100.0, 0.5))
            ev = pressure["events"]
            contacts = from_contacts({s: ev[s]["heel_strike_s"] for s in ev}, {s: ev[s]["toe_off_s"] for s in ev}, "insole")
            m_insole = analyze_closeup(frontal, size, contacts).metrics()
            cells = {}
            for key, name in (("hs", "heel_strike"), ("to", "toe_off")):
                errs = []
                for side in ("left", "right"):
                    true = np.array([x for x in true_ev[side][name] if x >= t0 - 1e-6])  # t0 is a heel strike
                    found = getattr(a.events, name)[side]
                    # Found events near the clip's ends may belong to true ones outside the truth's list.
                    e, x = match(found[(found > t0 - MATCH_S) & (found < params.duration_s - MATCH_S)], true)
                    errs += list(e)
                    n_true[key] += len(true)
                    extra[key] += x
                pooled[key] += errs
                cells[key] = np.array(errs) * 1000
            if m["cadence_spm"] is not None:
                pooled["cad"].append(100 * (m["cadence_spm"] - params.cadence_spm) / params.cadence_spm)
            for side in ("left", "right"):
                valid = cycles.valid_strides(a.strides, side)
                pooled["stride"] += [1000 * (s.duration - walk.stride_time) for s in valid]
                pooled["stance"] += [s.stance_fraction - params.stance_fraction for s in valid]
            rf = []
            for side in ("left", "right"):
                true = truth["rearfoot_eversion_deg"][side]["peak"]
                got = (m["rearfoot_eversion_deg"] or {}).get(side, {}).get("peak")
                ins = (m_insole["rearfoot_eversion_deg"] or {}).get(side, {}).get("peak")
                if got is not None:
                    pooled["rf_image"].append(got - true)
                if ins is not None:
                    pooled["rf_insole"].append(ins - true)
                if got is not None and ins is not None:
                    pooled["rf_image_vs_insole"].append(got - ins)
                rf.append(f"{'-' if got is None else f'{got - true:+.1f}'} ({'-' if ins is None else f'{ins - true:+.1f}'})")
            cad = "-" if m["cadence_spm"] is None else f"{pooled['cad'][-1]:+.2f}"
            hs = cells["hs"]
            print(f"| {seed} | {size_s} | {params.cadence_spm:.0f} / {params.speed_mps:.2f} / {params.height_m:.2f} / "
                  f"{params.stance_fraction:.2f} | {outfit} / {scene} | {m['strides']['left']}/{m['strides']['right']} "
                  f"| {cad} | {np.median(hs):+.0f}, {np.max(np.abs(hs)):.0f} ({len(hs)} found) "
                  f"| {np.median(cells['to']):+.0f} | {' / '.join(rf)} |", flush=True)  # fmt: skip
    frame_ms = 1000.0 / 30.0
    print()
    print("| events (steady strides) | found / true | mean +- SD ms | median (5th .. 95th pct) ms | max ms "
          "| within 1 frame | within 2 frames |")
    print("|---|---|---|---|---|---|---|")
    print(summary("heel strike", np.array(pooled["hs"]) * 1000, n_true["hs"], frame_ms))
    print(summary("toe off", np.array(pooled["to"]) * 1000, n_true["to"], frame_ms))
    print(f"\nfound events (after the first stride) matching no true one: heel strikes {extra['hs']}, "
          f"toe offs {extra['to']}")
    cad = np.abs(pooled["cad"])
    print(f"cadence within 1 %: {np.sum(cad <= 1.0)} of {len(cad)} walks with a cadence")
    for key, unit in (("cad", "%"), ("stride", "ms"), ("stance", ""), ("rf_image", "deg"), ("rf_insole", "deg"),
                      ("rf_image_vs_insole", "deg")):  # fmt: skip
        v = np.asarray(pooled[key])
        if len(v):
            print(f"{key}: n {len(v)}, mean {np.mean(v):+.3f} {unit}, SD {np.std(v):.3f}, max |err| {np.max(np.abs(v)):.3f}")


if __name__ == "__main__":
    main()
