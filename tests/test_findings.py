"""Findings: rules on the synthetic walker's true metrics, nulls, boundaries, confidence."""

from __future__ import annotations

import copy

import pytest

from gait.findings import CODES, evaluate, not_measured
from gait.findings.norms import CPEI, FOOT_PROGRESSION, LEG_LENGTH, PELVIC_DROP, REARFOOT_EVERSION, SYMMETRY
from gait.simulate import SideParams, WalkParams
from walk_report import walk_report


def codes(findings: list[dict]) -> dict[str, str]:
    return {f["code"]: f["side"] for f in findings}


@pytest.fixture(scope="module")
def pronating() -> dict:
    """Right eversion 14 deg and a 9 deg drop in right stance, with an insole."""
    metrics, _ = walk_report(WalkParams(right=SideParams(eversion_peak_deg=14, pelvic_drop_deg=9)))
    return metrics


@pytest.mark.parametrize("with_insole", [True, False])
def test_normal_walker_has_no_findings(with_insole):
    metrics, _ = walk_report(WalkParams(), with_insole=with_insole)
    assert evaluate(metrics) == []


def test_pronation_and_pelvic_drop_on_the_right(pronating):
    found = evaluate(pronating)
    assert codes(found) == {"hyperpronation": "right", "pelvic_drop": "right"}
    pron = found[0]
    assert pron["confidence"] >= 0.7  # video and insole agree
    assert "14°" in pron["evidence"] and "CPEI 12 %" in pron["evidence"] and "agree" in pron["evidence"]
    assert any("Motion-control shoes" in r for r in pron["remedies"])
    assert any("outer edges" in r for r in pron["remedies"])
    drop = found[1]
    assert "left (swing-side) hip drops 9°" in drop["evidence"]
    assert drop["confidence"] < 0.5  # pelvic tilt from video landmarks is weak
    for f in found:
        assert set(f) == {"code", "side", "severity", "confidence", "evidence", "remedies"}
        assert f["code"] in CODES and f["severity"] in ("mild", "moderate", "marked")
        assert 0.0 <= f["confidence"] <= 1.0


def test_video_only_pronation_has_lower_confidence(pronating):
    video_only = {**pronating, "pressure": None}
    pron = [f for f in evaluate(video_only) if f["code"] == "hyperpronation"]
    assert len(pron) == 1 and pron[0]["side"] == "right"
    assert pron[0]["confidence"] < 0.5
    assert "weak measure" in pron[0]["evidence"]


def test_insole_and_video_disagreeing_is_said_and_moderate(pronating):
    m = copy.deepcopy(pronating)
    m["pressure"]["cpei_pct"]["right"] = 21.0  # the insole sees a typical roll-off
    pron = [f for f in evaluate(m) if f["code"] == "hyperpronation"][0]
    assert "disagree" in pron["evidence"] and 0.3 <= pron["confidence"] <= 0.5
    m["rearfoot_eversion_deg"]["right"]["peak"] = 6.0  # the video sees a typical rearfoot
    m["pressure"]["cpei_pct"]["right"] = 9.0  # the insole sees a medial path
    pron = [f for f in evaluate(m) if f["code"] == "hyperpronation"][0]
    assert "only the insole" in pron["evidence"] and pron["confidence"] == 0.5


def test_insole_alone_carries_a_pronation_call(pronating):
    m = copy.deepcopy(pronating)
    m["rearfoot_eversion_deg"] = {"left": {"peak": None, "mean_stance": None}, "right": {"peak": None, "mean_stance": None}}
    m["missing"] = {"rearfoot_eversion_deg": "heel not visible in this view"}
    pron = [f for f in evaluate(m) if f["code"] == "hyperpronation"][0]
    assert pron["side"] == "right" and "heel not visible in this view" in pron["evidence"]
    labels = dict(not_measured(m))
    assert labels["Right rearfoot eversion"] == "heel not visible in this view"


def test_both_feet_pronating_is_one_finding_on_both_sides(pronating):
    m = copy.deepcopy(pronating)
    m["rearfoot_eversion_deg"]["left"]["peak"] = 15.0
    m["pressure"]["cpei_pct"]["left"] = 10.0
    pron = [f for f in evaluate(m) if f["code"] == "hyperpronation"]
    assert len(pron) == 1 and pron[0]["side"] == "both"
    assert "Left rearfoot" in pron[0]["evidence"] and "Right rearfoot" in pron[0]["evidence"]


def test_leg_length_difference_on_the_shorter_side_says_confirm():
    metrics, _ = walk_report(WalkParams(leg_length_diff_mm=-20), with_insole=False)  # right leg 20 mm shorter
    found = [f for f in evaluate(metrics) if f["code"] == "leg_length_difference"]
    assert len(found) == 1 and found[0]["side"] == "right"
    assert "possible difference" in found[0]["evidence"] and "confirm" in found[0]["evidence"]
    first = found[0]["remedies"][0]
    assert first.startswith("Have your leg lengths measured") and "if a difference is confirmed" in first.lower()
    assert "12.7 mm" in first and "right shoe" in first
    assert found[0]["confidence"] < 0.4


def test_standing_measurement_makes_the_heel_lift_a_direct_remedy():
    metrics, _ = walk_report(WalkParams(leg_length_diff_mm=15), with_insole=False)  # left leg shorter
    metrics["leg_length_difference_measured_mm"] = 13.0
    found = [f for f in evaluate(metrics) if f["code"] == "leg_length_difference"][0]
    assert found["side"] == "left" and found["confidence"] > 0.6
    assert found["remedies"][0].startswith("Your standing measurement supports") and "left shoe" in found["remedies"][0]
    metrics["leg_length_difference_measured_mm"] = 3.0  # measured: no real difference
    assert "leg_length_difference" not in codes(evaluate(metrics))


def test_inward_turning_leg():
    metrics, _ = walk_report(WalkParams(left=SideParams(hip_internal_rotation_deg=15)), with_insole=False)
    found = [f for f in evaluate(metrics) if f["code"] == "internal_leg_rotation"]
    assert len(found) == 1 and found[0]["side"] == "left"
    assert "inward (toe-in)" in found[0]["evidence"] and "valgus" in found[0]["evidence"]
    assert found[0]["confidence"] <= 0.55  # two readings from one video


def test_asymmetric_loading_names_the_side_carrying_more(pronating):
    m = copy.deepcopy(pronating)
    m["pressure"]["peak_force_n"] = {"left": 700.0, "right": 800.0}
    found = [f for f in evaluate(m) if f["code"] == "asymmetric_loading"]
    assert len(found) == 1 and found[0]["side"] == "right" and found[0]["severity"] == "mild"
    assert "symmetry index +13.3 %" in found[0]["evidence"]


def test_null_metrics_give_no_finding_and_say_why():
    sides = {"left": None, "right": None}
    m = {
        "schema": "gait.metrics/1", "view": "left", "rearfoot_eversion_deg": {"left": {"peak": None}, "right": {"peak": None}},
        "pelvic_drop_deg": {"left_stance": None, "right_stance": None}, "foot_progression_deg": dict(sides),
        "knee_frontal_deg": dict(sides), "leg_length_difference_mm": None, "pressure": None, "stance_fraction": dict(sides),
        "missing": {"pelvic_drop_deg": "a side view cannot see the pelvis tilt"},
    }  # fmt: skip
    assert evaluate(m) == []
    assert evaluate({}) == []
    reasons = dict(not_measured(m))
    assert reasons["Pelvic drop in left stance"] == "a side view cannot see the pelvis tilt"
    assert reasons["Insole (pressure) metrics"] == "no insole recording"
    assert "Leg-length difference" in reasons


@pytest.mark.parametrize(
    "norm, values",
    [
        (REARFOOT_EVERSION, {9.99: None, 10.0: "mild", 12.99: "mild", 13.0: "moderate", 16.0: "marked"}),
        (CPEI, {15.01: None, 15.0: "mild", 11.0: "moderate", 7.0: "marked", -5.0: "marked"}),
        (PELVIC_DROP, {6.99: None, 7.0: "mild", 10.0: "moderate", 13.0: "marked"}),
        (FOOT_PROGRESSION, {-2.99: None, -3.0: "mild", -8.0: "moderate", -15.0: "marked"}),
        (LEG_LENGTH, {9.99: None, 10.0: "mild", 20.0: "moderate", 30.0: "marked"}),
        (SYMMETRY, {9.99: None, 10.0: "mild", 20.0: "moderate", 30.0: "marked"}),
    ],
)
def test_threshold_boundaries(norm, values):
    for value, severity in values.items():
        assert norm.cutoffs.severity(value) == severity, value


def test_rules_follow_the_cutoffs_and_uncertainty(pronating):
    m = copy.deepcopy(pronating)
    m["pressure"] = None
    m["pelvic_drop_deg"] = {"left_stance": 4.0, "right_stance": 4.0}
    m["rearfoot_eversion_deg"]["right"]["peak"] = 9.99
    assert evaluate(m) == []
    m["rearfoot_eversion_deg"]["right"]["peak"] = 10.0
    at_cut = evaluate(m)[0]
    assert at_cut["severity"] == "mild" and at_cut["confidence"] == pytest.approx(0.45 * 0.5, abs=0.01)
    m["rearfoot_eversion_deg"]["right"]["peak"] = 12.0
    sure = evaluate(m)[0]["confidence"]
    m["uncertainty"] = {"rearfoot_eversion_deg.right.peak": 6.0}
    unsure = evaluate(m)[0]
    assert unsure["confidence"] < sure and "± 6°" in unsure["evidence"]
    del m["uncertainty"]  # the analysis' form: per side, with the standard error of the mean
    m["uncertainties"] = {"rearfoot_eversion_deg": {"right": {"sd": 7.0, "se": 5.0, "n": 2}}}
    assert "± 5°" in evaluate(m)[0]["evidence"] and evaluate(m)[0]["confidence"] < sure
    m["uncertainties"]["rearfoot_eversion_deg"]["right"]["se"] = 0.1  # never sharper than the method
    assert evaluate(m)[0]["confidence"] == sure
