"""Frontal-plane series measured on the image (`gait.vision`), conditioned for the analysis
and weighed against the landmark-based estimate.

Frames whose measurement quality is below MIN_QUALITY count as missing; a 3-frame running
median removes single-frame slips (a crossing leg, a compression block) that a low-pass
would smear into their neighbours; then the same gap bridging and 6 Hz zero-phase low-pass
as the landmarks (`signals`), so both sources reach the per-stride summaries alike.

Grain: the rearfoot rests on the heel counter's edges, a dozen rows on a full-body frame, and
noise draws edges of its own; above GRAIN_LIMIT_SD the rearfoot is withheld, with the reason.
The pelvis's long waistband held within 0.4 deg on the same videos.

Rearfoot: the image measurement wins. A landmark-based estimate (only with true
landmarks; on a pose model's it is withheld) is kept where the image has no value, and
averaged in where the two agree within AGREE_DEG; where they disagree the image stands and
the share of such frames is reported.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import median_filter

from gait.analysis import signals
from gait.analysis.prepare import SIDES, Landmarks
from gait.vision.series import FrontalSeries

# Quality is the share of consistent rows times a Gaussian of the angle's standard error
# against 2 deg (`vision.bisect`): 0.5 is e.g. all rows consistent and a ~2.4 deg error.
MIN_QUALITY = 0.5
# The 4-degree accuracy the rearfoot angle must reach: within it the two sources agree.
AGREE_DEG = 4.0
# Noise SD (grey levels, `gait.vision.grain`) above which the rearfoot is withheld. Rendered
# walks re-encoded with FFmpeg's noise filter and H.264 (`scripts/frontal_accuracy.py
# --grain N`; README, "Light the walk well"), rearfoot peak errors: at SD 3-8 (1280x720,
# 6 walks) a median of 0.4-0.9 deg, the worst 1.7-4.2 deg on the faintest heel counters,
# scattering with the grain's draw; at SD 11-12 the over-pronating foot 2.0-4.8 deg low
# (1280x720 and the 640x480 sample), at 15-18 5-10 deg low. So above 8 the rearfoot is off
# by more than 2 deg whatever the draw; below, it may be, by a shift common to all of one
# video's strides on the faintest heels (seed 5 at SD 6: around mid-stance the shank's
# bisection took other outlines or the collar was found on the swing shoe; not mended yet).
GRAIN_LIMIT_SD = 8.0


@dataclass(frozen=True)
class ImageFrontal:
    """Conditioned image series on the landmarks' times, with what was measured."""

    rearfoot_deg: dict[str, np.ndarray]  # side -> (T,)
    obliquity_deg: np.ndarray  # (T,), + = right side lower, not yet against a reference
    measured: dict[str, float]  # series -> share of frames with a usable measurement
    level_deg: np.ndarray | None = None  # (T,) the shoe collars' line, + = right one lower
    grain_sd: float = np.nan  # the frames' median noise, grey levels (`gait.vision.grain`); NaN: not read

    @property
    def too_grainy(self) -> bool:
        return bool(self.grain_sd > GRAIN_LIMIT_SD)

    @property
    def has_rearfoot(self) -> bool:
        return any(np.isfinite(v).any() for v in self.rearfoot_deg.values())

    @property
    def has_pelvis(self) -> bool:
        return bool(np.isfinite(self.obliquity_deg).any())


def _condition(values: np.ndarray, quality: np.ndarray, t: np.ndarray, L: Landmarks) -> np.ndarray:
    """Gated and despiked over the video's frames (times `t`), then on the landmarks' clock."""
    v = np.where(quality >= MIN_QUALITY, values, np.nan)
    ok = np.isfinite(v)
    med = median_filter(np.where(ok, v, 0.0), size=3, mode="nearest")
    count = median_filter(ok.astype(float), size=3, mode="nearest")
    v = np.where(ok & (count > 0.5), med, np.nan)  # a median over mostly measured frames
    return signals.lowpass(signals.bridge_gaps(signals.resample(v, t, L.t), L.t), L.fs)


def condition(frontal: FrontalSeries, L: Landmarks) -> ImageFrontal:
    """The image series on the landmarks' (regular) clock, gated by quality and filtered."""
    rear = {s: _condition(frontal.rearfoot_deg[s], frontal.rearfoot_quality[s], frontal.t, L) for s in SIDES}
    obl = _condition(frontal.pelvic_obliquity_deg, frontal.pelvic_quality, frontal.t, L)
    measured = {f"rearfoot_{s}": float(np.mean(frontal.rearfoot_quality[s] >= MIN_QUALITY)) for s in SIDES}
    measured["pelvis"] = float(np.mean(frontal.pelvic_quality >= MIN_QUALITY))
    level = collar_line(frontal, L.view)
    noise = frontal.noise_sd[np.isfinite(frontal.noise_sd)] if frontal.noise_sd is not None else np.empty(0)
    return ImageFrontal(rear, obl, measured, signals.resample(level, frontal.t, L.t) if level is not None else None,
                        float(np.median(noise)) if noise.size else np.nan)  # fmt: skip


def grain_reason(grain_sd: float) -> str:
    """Why the rearfoot of a video `grain_sd` grey levels grainy is withheld."""
    return (f"the video is too grainy to read the heel's edges (noise SD {grain_sd:.1f} grey levels; the rearfoot reads "
            f"low above {GRAIN_LIMIT_SD:g}), so it is not measured: film in brighter light")


def collar_line(f: FrontalSeries, view: str) -> np.ndarray | None:
    """(T,) angle of the line through the two shoe collars (deg, + = right one lower), the
    image's own level reference at the ankles; None unless a posterior view's collars were
    read. NaN where either collar is missing or the legs stand in the wrong order."""
    if view != "posterior" or f.framing != "body" or not f.legs:
        return None
    left, right = f.legs["left"], f.legs["right"]
    dx = right.x - left.x  # from behind the subject's right is image right
    return np.where(dx > 0, np.degrees(np.arctan2(right.collar_y - left.collar_y, dx)), np.nan)  # NaN: False


def combine_rearfoot(image: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, float | None]:
    """(T,) rearfoot angle from both sources, and the share of frames with both that disagree
    (None when they never overlap)."""
    both = np.isfinite(image) & np.isfinite(landmarks)
    agree = both & (np.abs(image - landmarks) <= AGREE_DEG)
    out = np.where(np.isfinite(image), image, landmarks)
    out = np.where(agree, 0.5 * (image + landmarks), out)
    return out, (float(1.0 - agree.sum() / both.sum()) if both.any() else None)
