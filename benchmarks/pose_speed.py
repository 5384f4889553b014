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

from gait.capture.video import VideoFile
from gait.pose.estimator import BlazePose, native_logs_silenced
from gait.pose.extract import video_to_track
from gait.simulate import WalkParams, render_video, simulate_walk

SIZE = (1280, 720)


def raw_mediapipe_fps(frames: list) -> float:
    with native_logs_silenced(), BlazePose() as model:
        start = time.perf_counter()
        for i, frame in enumerate(frames):
            model.detect(frame, i / 30.0)
        return len(frames) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="clip length")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clip = render_video(simulate_walk(WalkParams(duration_s=args.seconds), seed=0), Path(tmp) / "walk.mp4", "posterior", SIZE)
        frames = [frame.image for frame in VideoFile(clip)]
        raw = raw_mediapipe_fps(frames)
        start = time.perf_counter()
        track, _ = video_to_track(clip)
        ours = len(track) / (time.perf_counter() - start)
    print(f"clip: {len(frames)} frames at {SIZE[0]}x{SIZE[1]}")
    print(f"raw MediaPipe (decoded frames in memory): {raw:6.1f} frames/s")
    print(f"gait pose stage (from the file):          {ours:6.1f} frames/s")
    print(f"ratio gait / raw:                         {ours / raw:6.2f}")


if __name__ == "__main__":
    main()
