"""Image-measurement speed: frontal angles from the pixels (gait.vision) against the pose model.

Renders a 720p posterior clip of the synthetic walker, decodes it into memory, and times on
the same frames: raw `mediapipe.solutions.pose` (the pose model's cost per frame) and
`gait.vision.frontal.measure_frames` (rearfoot bisection of both legs and the waistband
line, located by the pose track). Then the same for a lower-leg close-up, where the legs are
found in the image. Prints ms/frame for each and the ratio image / pose model.

    python benchmarks/frontal_speed.py [--seconds 4]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import SIZE, decoded, pose_model_seconds_per_frame
from gait.pose.extract import video_to_track
from gait.simulate import WalkParams, render_video, simulate_walk
from gait.vision.frontal import measure_frames


def image_ms(frames: list, track=None, framing: str = "body") -> float:
    start = time.perf_counter()
    measure_frames(((i / 30.0, f) for i, f in enumerate(frames)), track, framing)
    return 1000.0 * (time.perf_counter() - start) / len(frames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="clip length")
    args = parser.parse_args()
    walk = simulate_walk(WalkParams(duration_s=args.seconds, standing_s=1.0), seed=0)
    with tempfile.TemporaryDirectory() as tmp:
        clip = render_video(walk, Path(tmp) / "walk.mp4", "posterior", SIZE)
        closeup = render_video(walk, Path(tmp) / "legs.mp4", "posterior", SIZE, framing="legs")
        frames = decoded(clip)
        legs = decoded(closeup)
        track, _ = video_to_track(clip)
    pose = 1000.0 * pose_model_seconds_per_frame(frames)
    body = image_ms(frames, track)
    close = image_ms(legs, framing="legs")
    print(f"clip: {len(frames)} frames at {SIZE[0]}x{SIZE[1]}")
    print(f"pose model (raw MediaPipe):                 {pose:6.1f} ms/frame")
    print(f"image measurement, full body (legs+pelvis): {body:6.1f} ms/frame   ratio {body / pose:5.2f}")
    print(f"image measurement, lower-leg close-up:      {close:6.1f} ms/frame   ratio {close / pose:5.2f}")


if __name__ == "__main__":
    main()
