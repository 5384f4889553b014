"""HTML building blocks shared by the session report and the comparison: one self-contained
page (inline CSS, figures as base64 PNG data URIs, no script, no external URL)."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from gait.findings import DISCLAIMER, PAIN_TYPES, PAIN_TYPES_NOTE, confidence_word
from gait.findings.lookup import missing_reason
from gait.findings.norms import (
    CPEI, FOOT_PROGRESSION, KNEE_VALGUS, LEG_LENGTH, PELVIC_DROP, REARFOOT_EVERSION, SYMMETRY, Norm,
)  # fmt: skip

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;
max-width:60rem;padding:1.5rem;color:#222;line-height:1.45}
h1{margin:0 0 .3rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2rem}
.meta{color:#555}.disclaimer{background:#fff8e1;border-left:5px solid #f0b400;padding:.7rem 1rem;margin:1rem 0}
.finding{border:1px solid #ddd;border-radius:8px;padding:.8rem 1rem;margin:1rem 0}
.finding h3{margin:0 0 .4rem}.badge{display:inline-block;border-radius:4px;padding:0 .45rem;color:#fff;
font-size:.85rem;margin-right:.4rem}.mild{background:#8a8a00}.moderate{background:#d07000}.marked{background:#c0282d}
.conf{display:inline-block;width:8rem;height:.6rem;background:#eee;border-radius:3px;vertical-align:middle;
margin:0 .4rem}.conf span{display:block;height:100%;background:#4a7fb0;border-radius:3px}
.left{color:#0072B2;font-weight:600}.right{color:#D55E00;font-weight:600}
figure{margin:1.2rem 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}td,th{border-bottom:1px solid #e4e4e4;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f5f5f5}.null{color:#888;font-style:italic}
.appeared{color:#c0282d}.gone{color:#2e7d32}.num{text-align:right;font-variant-numeric:tabular-nums}
footer{margin-top:2rem;color:#777;font-size:.85rem}
"""

TITLES = {
    "hyperpronation": "Over-pronation: the foot rolls in too far",
    "internal_leg_rotation": "The leg turns inward",
    "pelvic_drop": "Pelvic drop: the hip sags on the swing side",
    "leg_length_difference": "Possible leg-length difference",
    "asymmetric_loading": "Uneven loading between the legs",
}

# How each finding is judged, for the table at the end of a report.
THRESHOLDS: tuple[tuple[str, Norm, str], ...] = (
    ("Rearfoot eversion, peak in stance (video)", REARFOOT_EVERSION, "above"),
    ("CPEI (insole centre of pressure)", CPEI, "below"),
    ("Foot progression (toe-in, video)", FOOT_PROGRESSION, "below"),
    ("Knee frontal angle, valgus (video)", KNEE_VALGUS, "above"),
    ("Pelvic drop, swing side (video)", PELVIC_DROP, "above"),
    ("Leg-length difference", LEG_LENGTH, "above"),
    ("Left/right symmetry index, |SI|", SYMMETRY, "above"),
)


def page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n</body></html>\n"
    )


def disclaimer() -> str:
    return f'<p class="disclaimer" id="disclaimer"><strong>Screening, not diagnosis.</strong> {escape(DISCLAIMER)}</p>'


def side_text(code: str, side: str) -> str:
    """Where the finding sits, in words, coloured by side."""
    sides = ("left", "right") if side == "both" else (side,)
    names = " and ".join(f'<span class="{s}">{s}</span>' for s in sides)
    if code == "pelvic_drop":
        return f"standing on the {names} leg" + ("s" if side == "both" else "")
    if code == "leg_length_difference":
        return f"possibly shorter: {names} leg"
    if code == "asymmetric_loading":
        return f"more load on the {names} leg"
    noun = ("foot", "feet") if code == "hyperpronation" else ("leg", "legs")
    return f"{names} {noun[side == 'both']}"


def confidence_html(confidence: float) -> str:
    pct = max(0, min(100, round(100 * confidence)))
    return (f'Confidence: <strong>{confidence_word(confidence)}</strong> ({confidence:.2f})'
            f'<span class="conf" aria-hidden="true"><span style="width:{pct}%"></span></span>')  # fmt: skip


def finding_html(f: Mapping) -> str:
    code, severity = str(f.get("code")), str(f.get("severity"))
    remedies = "".join(f"<li>{escape(str(r))}</li>" for r in f.get("remedies") or [])
    return (
        f'<section class="finding" data-code="{escape(code)}">'
        f"<h3>{escape(TITLES.get(code, code))} — {side_text(code, str(f.get('side')))}</h3>"
        f'<p><span class="badge {escape(severity)}">{escape(severity)}</span>'
        f"{confidence_html(float(f.get('confidence', 0.0)))}</p>"
        f"<p>{escape(str(f.get('evidence', '')))}</p>"
        + (f"<p><strong>What can help</strong></p><ul>{remedies}</ul>" if remedies else "")
        + "</section>"
    )


def findings_section(findings: Sequence[Mapping], not_measured: Sequence[tuple[str, str]]) -> str:
    if findings:
        body = "".join(finding_html(f) for f in findings)
    else:
        body = ("<p id=\"no-findings\">No finding: every measured pattern is within the typical range. "
                "That is a screening result for this walk, not a clean bill of health.</p>")  # fmt: skip
    if not_measured:
        items = "".join(f"<li>{escape(label)}: not measured — {escape(why)}</li>" for label, why in not_measured)
        body += f"<p>These could not be judged:</p><ul>{items}</ul>"
    return f'<h2 id="findings">Findings and what can help</h2>{body}'


def pain_types_section() -> str:
    items = "".join(f"<li><strong>{escape(k)}</strong> {escape(v)}</li>" for k, v in PAIN_TYPES)
    return f"<h2>Telling kinds of pain apart</h2><ul>{items}</ul><p>{escape(PAIN_TYPES_NOTE)}</p>"


def figure_html(key: str, caption: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure id="fig-{escape(key)}"><img alt="{escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{escape(caption)}</figcaption></figure>")  # fmt: skip


SKIPPED = {"findings", "missing", "uncertainty", "uncertainties"}


def is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def flatten(tree: Mapping, prefix: str = "") -> list[tuple[str, Any]]:
    """(dotted path, value) for every leaf worth a table row; long lists and lists of
    records (per-stride tables, events) are summarised by their length."""
    rows: list[tuple[str, Any]] = []
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if (not prefix and key in SKIPPED) or (prefix and key == "missing"):
            continue
        if isinstance(value, Mapping):
            rows += flatten(value, path + ".") if value else [(path, "—")]
        elif isinstance(value, (list, tuple)) and (len(value) > 4 or not all(is_scalar(v) for v in value)):
            rows.append((path, f"{len(value)} items (in metrics.json)"))
        else:
            rows.append((path, value))
    return rows


def value_text(metrics: Mapping, path: str, value: Any) -> str:
    if value is None:
        return f'<span class="null">not measured — {escape(missing_reason(metrics, path))}</span>'
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return escape(", ".join(str(v) for v in value))
    return escape(str(value))


def metrics_table(metrics: Mapping) -> str:
    rows = "".join(f"<tr><td>{escape(path)}</td><td>{value_text(metrics, path, value)}</td></tr>"
                   for path, value in flatten(metrics))  # fmt: skip
    return f'<h2 id="metrics">All metrics</h2><table><tr><th>metric</th><th>value</th></tr>{rows}</table>'


def thresholds_table() -> str:
    rows = "".join(
        f"<tr><td>{escape(label)}</td><td>{n.typical[0]:g} to {n.typical[1]:g}{escape(n.unit)}</td>"
        f"<td>{direction} {n.cutoffs.mild:g} / {n.cutoffs.moderate:g} / {n.cutoffs.marked:g}{escape(n.unit)}</td>"
        f"<td>{escape(n.source)}</td></tr>"
        for label, n, direction in THRESHOLDS
    )
    return ("<h2>How the findings are judged</h2><table><tr><th>measure</th><th>typical</th>"
            "<th>mild / moderate / marked</th><th>source</th></tr>" + rows + "</table>"
            "<p>Cut-offs beyond the published typical ranges are this tool's own choices; confidence "
            "is lower for angles read from video landmarks than for the insole's centre of pressure.</p>")  # fmt: skip
