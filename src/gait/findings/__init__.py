"""Findings: rules from a metrics dict (gait.metrics/1) to flags with evidence and remedies.

Pure functions, no I/O. `evaluate(metrics)` returns the `findings` list of the metrics JSON;
`not_measured(metrics)` lists the inputs the rules would have used but the metrics leave
null, with the reason. Thresholds and their sources are in `norms.py`; the advice in
`remedies.py`. The tool screens movement; it never diagnoses (`DISCLAIMER`).
"""

from __future__ import annotations

from collections.abc import Mapping

from gait.findings.lookup import SIDES, lookup, missing_reason, number
from gait.findings.norms import confidence_word
from gait.findings.remedies import DISCLAIMER, PAIN_TYPES, PAIN_TYPES_NOTE
from gait.findings.rules import evaluate

CODES = ("hyperpronation", "internal_leg_rotation", "pelvic_drop", "leg_length_difference", "asymmetric_loading")

# What the rules read, with the label a reader sees.
INPUTS: tuple[tuple[str, str], ...] = tuple(
    (f"rearfoot_eversion_deg.{s}.peak", f"{s.capitalize()} rearfoot eversion") for s in SIDES
) + tuple(
    (f"foot_progression_deg.{s}", f"{s.capitalize()} foot progression") for s in SIDES
) + tuple(
    (f"knee_frontal_deg.{s}", f"{s.capitalize()} knee frontal angle") for s in SIDES
) + tuple(
    (f"pelvic_drop_deg.{s}_stance", f"Pelvic drop in {s} stance") for s in SIDES
) + (("leg_length_difference_mm", "Leg-length difference"),) + tuple(
    (f"pressure.{key}.{s}", f"{s.capitalize()} {label}")
    for key, label in (("cpei_pct", "CPEI (insole)"), ("peak_force_n", "peak force (insole)"))
    for s in SIDES
)  # fmt: skip


def not_measured(metrics: Mapping) -> list[tuple[str, str]]:
    """(label, reason) for every input of the rules that the metrics leave null."""
    out = []
    if metrics.get("pressure") is None:
        out.append(("Insole (pressure) metrics", missing_reason(metrics, "pressure")))
    for path, label in INPUTS:
        if path.startswith("pressure.") and metrics.get("pressure") is None:
            continue
        if number(metrics, path) is None:
            out.append((label, missing_reason(metrics, path)))
    return out


__all__ = [
    "CODES", "DISCLAIMER", "INPUTS", "PAIN_TYPES", "PAIN_TYPES_NOTE", "confidence_word", "evaluate",
    "lookup", "not_measured",
]  # fmt: skip
