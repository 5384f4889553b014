"""Synthetic walker: ground truth for every measurement.

A 3-D kinematic gait model with known rearfoot eversion, leg rotation, toe-out, pelvic drop
and leg-length difference (`walker.py`), seen by a pinhole camera from four views
(`camera.py`) as MediaPipe-style pose tracks (`landmarks.py`), felt by a pressure insole
(`insole.py`), rendered as video of a shaded mannequin (`render.py`), with the true values
in the metrics-JSON vocabulary (`truth.py`) and sample session folders (`samples.py`).

    walk = simulate_walk(WalkParams(right=SideParams(eversion_peak_deg=14)), seed=1)
    track = walk.posetrack("posterior", (640, 480), noise_px=1.0)
    truth = walk.truth("posterior", insole_layout(8), noise_px=1.0)
    render_video(walk, "walk.mp4", "posterior", (640, 480))
"""

from gait.simulate.params import MODES, SideParams, WalkParams
from gait.simulate.walker import Body, Kinematics, Walk, simulate_walk
from gait.simulate.camera import Camera
from gait.simulate.insole import insole_layout
from gait.simulate.render import render_frames, render_video
from gait.simulate.samples import make_samples, write_session

__all__ = [
    "MODES", "Body", "Camera", "Kinematics", "SideParams", "Walk", "WalkParams", "insole_layout",
    "make_samples", "render_frames", "render_video", "simulate_walk", "write_session",
]  # fmt: skip
