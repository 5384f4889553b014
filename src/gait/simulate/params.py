"""The knobs of the synthetic walker: what the walk is, with normal adult defaults.

Each default is a typical value from the literature cited beside it, so `WalkParams()` is a
normal walk and a pathology is one or two changed knobs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from gait.errors import GaitError

MODES = ("treadmill", "toward", "away")
SIDES = ("left", "right")


@dataclass(frozen=True)
class SideParams:
    """Per-side knobs; `pelvic_drop_deg` is the drop of the *other* (swing) hip while this
    side is in single-limb stance, as in the metrics JSON's `pelvic_drop_deg.<side>_stance`."""

    # Peak rearfoot (calcaneus-to-shank) eversion in stance: normal ~4-8 deg
    # (Cornwall & McPoil 1999, J Am Podiatr Med Assoc 89:56-66).
    eversion_peak_deg: float = 6.0
    # Extra rotation of the whole leg about its long axis, + = internal.
    hip_internal_rotation_deg: float = 0.0
    # Foot progression with a neutral leg, + = toe-out: adults ~5-10 deg
    # (Seber et al. 1981, Arch Orthop Trauma Surg 98:185-190; Staheli et al. 1985, JBJS 67-A:39-47).
    toe_out_deg: float = 7.0
    # Swing-side hip drop in this side's single stance: normal ~4-5 deg
    # (Perry & Burnfield 2010, ch. 8 "Pelvis and trunk").
    pelvic_drop_deg: float = 4.0


@dataclass(frozen=True)
class WalkParams:
    """A walk: timing, body, per-side knobs. Lengths in metres unless the name says mm."""

    mode: str = "treadmill"  # treadmill (in place), toward or away from the camera
    duration_s: float = 8.0
    standing_s: float = 2.0  # still, level standing at the start: the reference
    cadence_spm: float = 110.0  # adults 100-120 steps/min (Perry & Burnfield 2010, ch. 21)
    speed_mps: float = 1.2  # comfortable adult speed ~1.2-1.4 m/s (Perry & Burnfield 2010)
    stance_fraction: float = 0.60  # of the cycle (Perry & Burnfield 2010, ch. 2)
    height_m: float = 1.75
    mass_kg: float = 70.0
    leg_length_diff_mm: float = 0.0  # + = right leg longer, made by segment lengths
    left: SideParams = field(default_factory=SideParams)
    right: SideParams = field(default_factory=SideParams)
    fps: float = 30.0  # frame rate of pose tracks and video

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise GaitError(f"walk mode {self.mode!r} is not one of {', '.join(MODES)}")
        checks = (
            (0.5 <= self.duration_s <= 600, "duration must be 0.5-600 s"),
            (0 <= self.standing_s < self.duration_s, "standing time must be >= 0 and shorter than the duration"),
            (60 <= self.cadence_spm <= 160, "cadence must be 60-160 steps/min"),
            (0.3 <= self.speed_mps <= 2.2, "walking speed must be 0.3-2.2 m/s"),
            (0.52 <= self.stance_fraction <= 0.70, "stance fraction must be 0.52-0.70"),
            (1.2 <= self.height_m <= 2.2, "height must be 1.2-2.2 m"),
            (30 <= self.mass_kg <= 200, "mass must be 30-200 kg"),
            (abs(self.leg_length_diff_mm) <= 40, "leg-length difference must be within +-40 mm"),
            (5 <= self.fps <= 240, "frame rate must be 5-240 fps"),
        )
        for ok, message in checks:
            if not ok:
                raise GaitError(message)
        for side in SIDES:
            p: SideParams = getattr(self, side)
            if not -10 <= p.eversion_peak_deg <= 25:
                raise GaitError(f"{side} eversion peak must be -10..25 deg")
            if not -25 <= p.hip_internal_rotation_deg <= 25:
                raise GaitError(f"{side} hip internal rotation must be -25..25 deg")
            if not -20 <= p.toe_out_deg <= 30:
                raise GaitError(f"{side} toe-out must be -20..30 deg")
            if not -5 <= p.pelvic_drop_deg <= 15:
                raise GaitError(f"{side}-stance pelvic drop must be -5..15 deg")

    @property
    def stride_time_s(self) -> float:
        return 120.0 / self.cadence_spm

    def side(self, name: str) -> SideParams:
        return getattr(self, name)

    def with_side(self, name: str, **knobs: float) -> WalkParams:
        """A copy with some of one side's knobs changed."""
        return replace(self, **{name: replace(self.side(name), **knobs)})

    def to_json(self) -> dict:
        return asdict(self)
