"""Pose-extraction speed: `gait`'s pose stage against raw MediaPipe on the same 720p frames.

Renders a 720p clip of the synthetic walker, then times, side by side in one run:
raw `mediapipe.solutions.pose` on the decoded frames (the floor), and
`gait.pose.extract.video_to_track` on the same file (decode, model, people probes,
swap repair, view). Prints frames/s for each and their ratio.

    python benchmarks/pose_speed.py [--seconds 6]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from common import SIZE, decoded, pose_model_seconds_per_frame
from gait.pose.extract import video_to_track
from gait.simulate import WalkParams, render_video, simulate_walk


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="clip length")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = render_video(simulate_walk(WalkParams(duration_s=args.seconds, standing_s=1.0), seed=0), Path(tmp) / "walk.mp4", "posterior", SIZE)
        frames = decoded(clip)
        raw = 1.0 / pose_model_seconds_per_frame(frames)
        start = time.perf_counter()
        track, _ = video_to_track(clip)
        ours = len(track) / (time.perf_counter() - start)
    print(f"clip: {len(frames)} frames at {SIZE[0]}x{SIZE[1]}")
    print(f"raw MediaPipe (decoded frames in memory): {raw:6.1f} frames/s")
    print(f"gait pose stage (from the file):          {ours:6.1f} frames/s")
    print(f"ratio gait / raw:                         {ours / raw:6.2f}")


if __name__ == "__main__":
    main()
