"""The rules: metrics (gait.metrics/1) -> findings, each weighed by what its inputs can carry.

A `Reading` is one measured value judged against its norm (`norms.py`); a finding comes from
one or more readings. Readings that agree raise the confidence; when the insole and the
video disagree the finding keeps a moderate confidence and its evidence says so. A null
metric gives no reading, so it can neither raise nor clear a finding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from gait.findings import remedies
from gait.findings.lookup import SIDES, lookup, missing_reason, number, other, uncertainty
from gait.findings.norms import (
    CPEI, DISAGREE_CONFIDENCE, FOOT_PROGRESSION, KNEE_VALGUS, LEG_LENGTH, MAX_CONFIDENCE, MEASURED_LEG_LENGTH_SD,
    PELVIC_DROP, RELIABILITY, REARFOOT_EVERSION, SEVERITIES, SYMMETRY, VIDEO_ONLY_MAX_CONFIDENCE, Norm,
    symmetry_index,
)  # fmt: skip


@dataclass(frozen=True)
class Reading:
    """One measured value (None when not measured) judged against a norm."""

    value: float | None
    norm: Norm
    source: str  # key of RELIABILITY
    sd: float | None = None  # the metric's own uncertainty, if the metrics carry one
    method_sd: float | None = None  # the method's error when it differs from the norm's default

    @property
    def measured(self) -> bool:
        return self.value is not None

    @property
    def severity(self) -> str | None:
        return self.norm.cutoffs.severity(self.value) if self.measured else None

    @property
    def flagged(self) -> bool:
        return self.severity is not None

    @property
    def reliability(self) -> float:
        return RELIABILITY[self.source]

    @property
    def confidence(self) -> float:
        """What this reading alone supports: its source's reliability times the chance the
        true value lies past the cut-off, given the measurement's uncertainty."""
        return self.reliability * self.norm.cutoffs.beyond(self.value, self.spread)

    @property
    def spread(self) -> float:
        """The uncertainty used: a reported one widens the norm's default, never narrows it,
        since the default stands for the method's own error, which stride-to-stride
        variation does not show."""
        return max(self.sd or 0.0, self.method_sd or self.norm.sd)


@dataclass(frozen=True)
class Verdict:
    severity: str
    confidence: float
    agreement: str  # "single", "agree" or "disagree"
    lead: Reading  # the most reliable reading that flags


def judge(readings: list[Reading]) -> Verdict | None:
    """Weigh readings of one question; None when none of them flags it."""
    measured = [r for r in readings if r.measured]
    flagged = [r for r in measured if r.flagged]
    if not flagged:
        return None
    lead = max(flagged, key=lambda r: r.reliability)
    if len(flagged) < len(measured):
        strongest = max(measured, key=lambda r: r.reliability)
        key = "stronger_flags" if lead.reliability >= strongest.reliability else "weaker_flags"
        return Verdict(lead.severity, min(DISAGREE_CONFIDENCE[key], lead.confidence), "disagree", lead)
    doubt = 1.0
    for r in flagged:
        doubt *= 1.0 - r.confidence
    agreement = "agree" if len(flagged) > 1 else "single"
    video_only = all(r.source.startswith("video") for r in flagged)
    cap = VIDEO_ONLY_MAX_CONFIDENCE if video_only and len(flagged) > 1 else MAX_CONFIDENCE
    return Verdict(lead.severity, min(1.0 - doubt, cap), agreement, lead)


def fmt(value: float, unit: str = "") -> str:
    """A number as a reader wants it: at most one decimal, no trailing zero."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text) + unit


def typical(norm: Norm) -> str:
    lo, hi = norm.typical
    return f"typical {fmt(lo)}-{fmt(hi, norm.unit)}"


def plus_minus(reading: Reading) -> str:
    return f" (± {fmt(reading.sd, reading.norm.unit.strip())})" if reading.sd else ""


def sentence(clauses: list[str], notes: list[str]) -> str:
    """Clauses joined into one capitalised sentence, then the notes."""
    body = "; ".join(c for c in clauses if c)
    body = body[:1].upper() + body[1:] + "." if body else ""
    return " ".join([body, *notes]).strip()


def finding(code: str, side: str, verdict: Verdict, evidence: str, advice: list[str]) -> dict:
    return {
        "code": code,
        "side": side,
        "severity": verdict.severity,
        "confidence": round(verdict.confidence, 2),
        "evidence": evidence,
        "remedies": advice,
    }


def merge_sides(found: dict[str, dict]) -> list[dict]:
    """One finding per side, or one with side "both" when both sides show it."""
    if len(found) < 2:
        return list(found.values())
    left, right = found["left"], found["right"]
    return [{
        **left,
        "side": "both",
        "severity": max(left["severity"], right["severity"], key=SEVERITIES.index),
        "confidence": min(left["confidence"], right["confidence"]),
        "evidence": f"{left['evidence']} {right['evidence']}",
    }]  # fmt: skip


def from_image(m: Mapping, key: str) -> bool:
    """Whether the metrics say `key` was measured on the image (`frontal_sources`)."""
    return str(lookup(m, f"frontal_sources.{key}.source") or "").startswith("image")


def hyperpronation(m: Mapping) -> list[dict]:
    """Over-pronation per foot: the insole's CPEI and the video's rearfoot eversion."""
    found = {}
    image = from_image(m, "rearfoot_eversion_deg")
    for side in SIDES:
        ev_path, cp_path = f"rearfoot_eversion_deg.{side}.peak", f"pressure.cpei_pct.{side}"
        source = "video_image_frontal" if image else "video_frontal"
        video = Reading(number(m, ev_path), REARFOOT_EVERSION, source, uncertainty(m, ev_path))
        insole = Reading(number(m, cp_path), CPEI, "insole_cop", uncertainty(m, cp_path))
        verdict = judge([video, insole])
        if verdict is None:
            continue
        clauses, notes = [], []
        if video.measured:
            verb = "everts to" if video.flagged else "everts to only"
            clauses.append(f"{side} rearfoot {verb} {fmt(video.value, '°')}{plus_minus(video)} at its peak "
                           f"in stance ({typical(REARFOOT_EVERSION)})")  # fmt: skip
        else:
            notes.append(f"Rearfoot angle not measured ({missing_reason(m, ev_path)}).")
        if insole.measured:
            course = "runs medially" if insole.flagged else "runs a typical course"
            clauses.append(f"the insole's centre of pressure {course} (CPEI {fmt(insole.value, ' %')}"
                           f"{plus_minus(insole)}, typical ~21 %)")  # fmt: skip
            medial = number(m, f"pressure.medial_load_fraction.{side}")
            medial_other = number(m, f"pressure.medial_load_fraction.{other(side)}")
            if medial is not None:
                versus = f" ({other(side)} foot {fmt(100 * medial_other)} %)" if medial_other is not None else ""
                clauses.append(f"{fmt(100 * medial)} % of this foot's load fell on its medial sensors{versus}")
        if verdict.agreement == "agree":
            notes.append("Video and insole agree.")
        elif verdict.agreement == "disagree":
            says = "the insole" if verdict.lead is insole else "the video"
            notes.append(f"Video and insole disagree: only {says} points to over-pronation, so the "
                         "confidence stays moderate.")  # fmt: skip
        elif verdict.lead is video and image:
            notes.append("The rearfoot angle was measured by bisecting the lower leg and the heel counter on "
                         "the video; an insole recording would make this call firmer.")  # fmt: skip
        elif verdict.lead is video:
            notes.append("Rearfoot angles from video landmarks are a weak measure; an insole recording "
                         "would make this call firmer.")  # fmt: skip
        found[side] = finding("hyperpronation", side, verdict, sentence(clauses, notes), remedies.hyperpronation(side))
    return merge_sides(found)


def internal_leg_rotation(m: Mapping, pronating: set[str]) -> list[dict]:
    """A leg that turns in: toe-in foot progression and/or a knee that falls inward."""
    found = {}
    for side in SIDES:
        fp_path, kf_path = f"foot_progression_deg.{side}", f"knee_frontal_deg.{side}"
        foot = Reading(number(m, fp_path), FOOT_PROGRESSION, "video_transverse", uncertainty(m, fp_path))
        knee = Reading(number(m, kf_path), KNEE_VALGUS, "video_frontal", uncertainty(m, kf_path))
        verdict = judge([r for r in (foot, knee) if r.flagged])  # two aspects: no disagreement
        if verdict is None:
            continue
        clauses = []
        if foot.flagged:
            clauses.append(f"the {side} foot points {fmt(-foot.value, '°')}{plus_minus(foot)} inward (toe-in) "
                           "while walking (adults typically 5-10° toe-out, normal range -3 to +20°)")  # fmt: skip
        elif foot.measured:
            clauses.append(f"the {side} foot progression is {fmt(foot.value, '°')} (within the normal range)")
        if knee.flagged:
            clauses.append(f"the {side} knee falls inward to {fmt(knee.value, '°')}{plus_minus(knee)} of valgus "
                           "at its peak in stance (typically within ±5°)")  # fmt: skip
        elif knee.measured:
            clauses.append(f"the {side} knee stays at {fmt(knee.value, '°')} in the frontal plane (typical)")
        notes = ["These are angles from video landmarks, so treat them as a pattern to confirm."]
        if side in pronating:
            notes.insert(0, "This goes with the over-pronation of the same foot: a foot that rolls in turns "
                            "the leg in.")  # fmt: skip
        advice = remedies.internal_leg_rotation(side, side in pronating)
        found[side] = finding("internal_leg_rotation", side, verdict, sentence(clauses, notes), advice)
    return merge_sides(found)


def leg_length_difference(m: Mapping) -> list[dict]:
    """A shorter leg: a standing measurement when the metrics carry one, else the video's
    estimate, which only ever says "possible difference, confirm by measurement"."""
    path, measured_path = "leg_length_difference_mm", "leg_length_difference_measured_mm"
    measured = number(m, measured_path)
    if measured is not None:
        reading = Reading(abs(measured), LEG_LENGTH, "standing_measurement", uncertainty(m, measured_path),
                          MEASURED_LEG_LENGTH_SD)
        signed = measured
    else:
        video = number(m, path)
        reading = Reading(None if video is None else abs(video), LEG_LENGTH, "video_leg_length", uncertainty(m, path))
        signed = video
    verdict = judge([reading])
    if verdict is None:
        return []
    shorter = "left" if signed > 0 else "right"  # + = right leg longer
    size = fmt(reading.value, " mm")
    if measured is not None:
        clauses = [f"a standing measurement puts the {shorter} leg {size} shorter than the {other(shorter)}"]
        video = number(m, path)
        if video is not None:
            clauses.append(f"the video estimate is {fmt(abs(video), ' mm')} "
                           f"({'the same side' if (video > 0) == (signed > 0) else 'the other side'})")  # fmt: skip
    else:
        clauses = [f"the video suggests the {shorter} leg may be about {size}{plus_minus(reading)} shorter than "
                   f"the {other(shorter)}"]  # fmt: skip
    clauses.append("most people differ by about 5 mm, and about 20 mm is where it tends to matter (Knutson 2005)")
    notes = [] if measured is not None else [
        "This is a possible difference, not a measurement: confirm it with a standing measurement."
    ]  # fmt: skip
    advice = remedies.leg_length_difference(shorter, measured is not None)
    return [finding("leg_length_difference", shorter, verdict, sentence(clauses, notes), advice)]


def pelvic_drop(m: Mapping, pronating: set[str], short_leg: str | None) -> list[dict]:
    """The pelvis not held level: `side` is the stance leg whose swing-side hip drops."""
    found = {}
    related = [f"the over-pronation of the {s} foot (it turns the leg and hip in)" for s in sorted(pronating)]
    if short_leg:
        related.append(f"the possible shorter {short_leg} leg")
    for side in SIDES:
        path = f"pelvic_drop_deg.{side}_stance"
        image = from_image(m, "pelvic_drop_deg")
        reading = Reading(number(m, path), PELVIC_DROP, "video_image_pelvis" if image else "video_pelvis",
                          uncertainty(m, path))  # fmt: skip
        verdict = judge([reading])
        if verdict is None:
            continue
        clauses = [f"standing on the {side} leg, the {other(side)} (swing-side) hip drops "
                   f"{fmt(reading.value, '°')}{plus_minus(reading)} ({typical(PELVIC_DROP)})"]  # fmt: skip
        opposite = number(m, f"pelvic_drop_deg.{other(side)}_stance")
        if opposite is not None:
            clauses.append(f"standing on the {other(side)} leg it drops {fmt(opposite, '°')}")
        notes = ["The pelvic tilt was read from the waistband line on the video; treat it as a pattern to "
                 "confirm." if image else "Pelvic tilt is hard to read from video (hip landmarks follow the "
                 "thighs), so treat this as a pattern to confirm."]  # fmt: skip
        if related:
            notes.insert(0, "The source material links an uneven pelvis with " + " and ".join(related) + ".")
        advice = remedies.pelvic_drop(side, related)
        found[side] = finding("pelvic_drop", side, verdict, sentence(clauses, notes), advice)
    return merge_sides(found)


def asymmetric_loading(m: Mapping) -> list[dict]:
    """One leg carrying more than the other: insole peak force and stance time, or the
    video's stance fraction without an insole. `side` is the side carrying more."""
    pairs = [("pressure.peak_force_n", "peak force", " N", "insole_force"),
             ("pressure.stance_time_s", "stance time", " s", "insole_force")]  # fmt: skip
    if number(m, "pressure.stance_time_s.left") is None:
        pairs.append(("stance_fraction", "share of the cycle in stance", "", "video_timing"))
    readings, texts = [], {}
    for path, label, unit, source in pairs:
        left, right = number(m, f"{path}.left"), number(m, f"{path}.right")
        si = symmetry_index(left, right)
        if si is None:
            continue
        reading = Reading(abs(si), SYMMETRY, source)
        readings.append((reading, "right" if si > 0 else "left"))
        scale = 100.0 if path == "stance_fraction" else 1.0
        unit = " %" if path == "stance_fraction" else unit
        texts[id(reading)] = (f"{label} {fmt(scale * right, unit)} right vs {fmt(scale * left, unit)} left "
                              f"(symmetry index {'+' if si > 0 else ''}{fmt(si, ' %')})")  # fmt: skip
    flagged = [(r, s) for r, s in readings if r.flagged]
    if not flagged:
        return []
    lead, side = max(flagged, key=lambda rs: rs[0].reliability)
    verdict = judge([r for r, s in flagged if s == side])
    clauses = [f"the {side} leg carries more: " + texts[id(lead)]]
    clauses += [texts[id(r)] for r, _ in readings if r is not lead]
    notes = ["Healthy walkers stay within a few percent (Herzog et al. 1989)."]
    return [finding("asymmetric_loading", side, verdict, sentence(clauses, notes), remedies.asymmetric_loading(side))]


def evaluate(metrics: Mapping) -> list[dict]:
    """All findings for a metrics dict, in the order a reader takes them: foot, leg, leg
    length, pelvis, loading."""
    pron = hyperpronation(metrics)
    pronating = {s for f in pron for s in (SIDES if f["side"] == "both" else (f["side"],))}
    rotation = internal_leg_rotation(metrics, pronating)
    length = leg_length_difference(metrics)
    pelvis = pelvic_drop(metrics, pronating, length[0]["side"] if length else None)
    return pron + rotation + length + pelvis + asymmetric_loading(metrics)
