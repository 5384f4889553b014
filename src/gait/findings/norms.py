"""Published norms and the screening cut-offs derived from them, each with its source.

A cut-off is where a value stops being typical and a finding starts; `Cutoffs` holds the
three steps mild / moderate / marked. Where a number is our own choice derived from a norm
(mean + 2 SD, the edge of a published normal range plus a margin) the comment says so.
The report draws the typical ranges as shaded bands, so the numbers live in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import erf, sqrt

SEVERITIES = ("mild", "moderate", "marked")


@dataclass(frozen=True)
class Cutoffs:
    """Where a value becomes mild, moderate, marked; `higher_is_worse` says which way."""

    mild: float
    moderate: float
    marked: float
    higher_is_worse: bool = True

    def severity(self, value: float) -> str | None:
        """The band `value` falls in, or None while it is still typical."""
        level = None
        for name, cut in zip(SEVERITIES, (self.mild, self.moderate, self.marked)):
            if (value >= cut) if self.higher_is_worse else (value <= cut):
                level = name
        return level

    def beyond(self, value: float, sd: float) -> float:
        """Probability that the true value lies past the mild cut-off, for a measurement
        with standard error `sd`: the normal CDF of the signed margin in SDs."""
        margin = (value - self.mild) if self.higher_is_worse else (self.mild - value)
        return 0.5 * (1.0 + erf(margin / (max(sd, 1e-9) * sqrt(2.0))))


@dataclass(frozen=True)
class Norm:
    """A typical range as people read it ("typical 4-8°") and the cut-offs built on it."""

    typical: tuple[float, float]
    cutoffs: Cutoffs
    unit: str
    sd: float  # default measurement uncertainty (1 SD), used when the metrics carry none
    source: str


# Peak rearfoot (calcaneus-to-shank) eversion in the stance of barefoot walking: typically
# 4-8 deg (Cornwall & McPoil 1999, J Am Podiatr Med Assoc 89(2):56-66). Cut-offs are our
# choice: mild from 10 deg (the top of the typical range + 2 deg, about mean + 2 SD of a
# 6 +- 2 deg population), then 3 deg steps.
REARFOOT_EVERSION = Norm(
    (4.0, 8.0), Cutoffs(10.0, 13.0, 16.0), "°", 2.0, "Cornwall & McPoil 1999"
)

# Centre of Pressure Excursion Index (Song et al. 1996, J Am Podiatr Med Assoc 86(1):16-23):
# about 21 % (SD ~5) in rectus (normal) feet and clearly lower in planus, pronating feet.
# Cut-offs are our choice: mild below 15 % (about normal mean - 1.2 SD), moderate below
# 11 % (mean - 2 SD), marked below 7 %.
CPEI = Norm(
    (15.0, 27.0), Cutoffs(15.0, 11.0, 7.0, higher_is_worse=False), " %", 3.0, "Song et al. 1996"
)

# Swing-side hip drop during single-limb stance in level walking: about 4-5 deg (Perry &
# Burnfield 2010, Gait Analysis, 2nd ed., ch. 8 "Pelvis and trunk"). Cut-offs are our
# choice: mild from 7 deg (typical + 2-3 deg), then 3 deg steps.
PELVIC_DROP = Norm((4.0, 5.0), Cutoffs(7.0, 10.0, 13.0), "°", 1.5, "Perry & Burnfield 2010")

# Foot progression angle of adults: about 5-10 deg toe-out on average (Seber et al. 1981,
# Arch Orthop Trauma Surg 98:185-190); normal range (mean +- 2 SD) -3 to +20 deg (Staheli
# et al. 1985, J Bone Joint Surg Am 67(1):39-47). Mild toe-in below Staheli's lower limit;
# moderate from -8 and marked from -15 deg are our choice.
FOOT_PROGRESSION = Norm(
    (-3.0, 20.0), Cutoffs(-3.0, -8.0, -15.0, higher_is_worse=False), "°", 3.0,
    "Seber et al. 1981; Staheli et al. 1985",
)  # fmt: skip

# Knee varus/valgus in level walking stays within about +-5 deg in healthy adults (Kadaba
# et al. 1990, J Orthop Res 8(3):383-392). Cut-offs are our choice: mild valgus from
# 8 deg (the typical limit + 3 deg for the projection's error), then 4 deg steps.
KNEE_VALGUS = Norm((-5.0, 5.0), Cutoffs(8.0, 12.0, 16.0), "°", 3.0, "Kadaba et al. 1990")

# Anatomic leg-length inequality: 90 % of people have one, mean 5.2 mm (SD 4.1); it does not
# appear clinically significant until about 20 mm (Knutson 2005, Chiropr Osteopat 13:11).
# Mild from 10 mm (about mean + 1 SD: worth a measurement) is our choice; moderate at
# Knutson's 20 mm; marked from 30 mm is our choice.
LEG_LENGTH = Norm((0.0, 9.3), Cutoffs(10.0, 20.0, 30.0), " mm", 6.0, "Knutson 2005")
# A clinician's standing measurement (blocks under the short leg, or imaging) resolves a few
# mm; 3 mm as its SD is our choice. The 6 mm default above is for the video estimate.
MEASURED_LEG_LENGTH_SD = 3.0

# Left/right symmetry index, 100 (R - L) / (0.5 (R + L)) (Robinson et al. 1987, J
# Manipulative Physiol Ther 10(4):172-176). Healthy walkers keep the main vertical-force and
# timing variables within a few percent (Herzog et al. 1989, Med Sci Sports Exerc
# 21(1):110-114: 95 % limits from +-4 %). Cut-offs on |SI| are our choice: 10 / 20 / 30 %.
SYMMETRY = Norm((-4.0, 4.0), Cutoffs(10.0, 20.0, 30.0), " %", 3.0, "Herzog et al. 1989")

# How much a single source can carry, 0..1 (our choice, from DESIGN.md "What landmarks
# alone can and cannot carry"): frontal-plane angles from video landmarks are weak; the
# insole's centre of pressure measures how the load rolls across the foot directly;
# a standing clinical leg-length measurement is the reference the video can only hint at.
# Rearfoot and pelvic angles measured on the image itself (heel and lower-leg bisection,
# the waistband line: `gait.vision`) came within 4 and 2 deg of the walker's truth where
# landmarks were off by up to 11.5 and 18.6 deg (README), so they rank above landmark angles;
# below the insole still, since clothes, shoes and light on real video vary more than on a
# rendered walker.
RELIABILITY = {
    "video_frontal": 0.45,
    "video_pelvis": 0.40,
    "video_image_frontal": 0.60,
    "video_image_pelvis": 0.60,
    "video_transverse": 0.50,
    "video_leg_length": 0.35,
    "video_timing": 0.55,
    "insole_cop": 0.70,
    "insole_force": 0.75,
    "standing_measurement": 0.85,
}
# When two sources for the same call disagree, the finding keeps a moderate confidence:
# higher when the stronger source (the insole) is the one that flags it.
DISAGREE_CONFIDENCE = {"stronger_flags": 0.50, "weaker_flags": 0.40}
MAX_CONFIDENCE = 0.95
# Readings from one video share its errors (one camera, one pose model), so agreeing video
# readings are not independent: their combined confidence stays modest (our choice).
VIDEO_ONLY_MAX_CONFIDENCE = 0.55


def confidence_word(confidence: float) -> str:
    """Plain word for a confidence: low below 0.4, moderate below 0.7, else high."""
    return "low" if confidence < 0.4 else "moderate" if confidence < 0.7 else "high"


def symmetry_index(left: float | None, right: float | None) -> float | None:
    """Robinson symmetry index (%), + = right larger; None without both values."""
    if left is None or right is None or (left + right) == 0:
        return None
    return 100.0 * (right - left) / (0.5 * (right + left))
