"""Sessions side by side (barefoot vs shoe, before vs after a heel lift): metric deltas,
findings that appeared or went away, curves overlaid, as one self-contained `compare.html`.

Each input is a session folder holding metrics.json (and, when the report writer left one,
curves.json) or a metrics.json file itself. Every later session is compared with the first.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from gait.errors import GaitError
from gait.findings import evaluate
from gait.report import html
from gait.report.curves import overlay_figure
from gait.report.data import CURVES_FILE, CycleCurves, load_curves
from gait.report.style import png_bytes

METRICS_FILE = "metrics.json"
METRICS_SCHEMA = "gait.metrics/1"
COMPARE_FILE = "compare.html"


@dataclass(frozen=True)
class Session:
    """One session's metrics (with findings) and its curves when it has them."""

    label: str
    metrics: Mapping
    findings: list[dict]
    curves: CycleCurves | None
    source: Path


def load_session(path: str | os.PathLike, label: str | None = None) -> Session:
    """A session from a folder with metrics.json (+ curves.json) or from a metrics file."""
    path = Path(path)
    if path.is_dir():
        folder, metrics_path = path, path / METRICS_FILE
        if not metrics_path.is_file():
            raise GaitError(f"{path}: no {METRICS_FILE} in this folder (run `gait analyze` on it first)")
    elif path.is_file():
        folder, metrics_path = path.parent, path
    else:
        raise GaitError(f"{path}: no such file or folder")
    try:
        metrics = json.loads(metrics_path.read_text())
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise GaitError(f"{metrics_path}: not a readable metrics file ({exc})") from None
    if not isinstance(metrics, dict) or metrics.get("schema") != METRICS_SCHEMA:
        raise GaitError(f"{metrics_path}: not a metrics file ({METRICS_SCHEMA})")
    findings = metrics.get("findings")
    if not isinstance(findings, list):
        findings = evaluate(metrics)
    curves_path = folder / CURVES_FILE
    curves = load_curves(curves_path) if curves_path.is_file() else None
    name = label or (folder.name if metrics_path.name == METRICS_FILE else metrics_path.stem)
    return Session(name, metrics, findings, curves, metrics_path)


def numeric_rows(sessions: Sequence[Session]) -> list[tuple[str, list[float | None]]]:
    """(metric path, value per session) for every numeric metric in any session."""
    values: dict[str, list[float | None]] = {}
    for k, s in enumerate(sessions):
        for path, value in html.flatten(s.metrics):
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                values.setdefault(path, [None] * len(sessions))[k] = float(value)
            else:
                values.setdefault(path, [None] * len(sessions))
    return [(path, row) for path, row in values.items() if any(v is not None for v in row)]


def finding_key(f: Mapping) -> tuple[str, str]:
    return str(f.get("code")), str(f.get("side"))


def finding_changes(base: Session, other: Session) -> dict[str, list]:
    """Findings of `other` against `base`: appeared, gone, changed (severity) and kept."""
    a = {finding_key(f): f for f in base.findings}
    b = {finding_key(f): f for f in other.findings}
    return {
        "appeared": [b[k] for k in b if k not in a],
        "gone": [a[k] for k in a if k not in b],
        "changed": [(a[k], b[k]) for k in b if k in a and a[k].get("severity") != b[k].get("severity")],
        "kept": [b[k] for k in b if k in a and a[k].get("severity") == b[k].get("severity")],
    }


def finding_line(f: Mapping) -> str:
    code, side = finding_key(f)
    return (f"{escape(html.TITLES.get(code, code))} — {html.side_text(code, side)} "
            f"({escape(str(f.get('severity')))}, confidence {float(f.get('confidence', 0)):.2f})")  # fmt: skip


def changes_html(base: Session, other: Session) -> str:
    ch = finding_changes(base, other)
    parts = [f"<h3>{escape(other.label)} against {escape(base.label)}</h3><ul>"]
    parts += [f'<li class="appeared" data-change="appeared">Appeared: {finding_line(f)}</li>' for f in ch["appeared"]]
    parts += [f'<li class="gone" data-change="gone">Went away: {finding_line(f)}</li>' for f in ch["gone"]]
    parts += [f'<li data-change="changed">Severity {escape(str(a.get("severity")))} → '
              f"{escape(str(b.get('severity')))}: {finding_line(b)}</li>" for a, b in ch["changed"]]  # fmt: skip
    parts += [f'<li data-change="kept">Still there: {finding_line(f)}</li>' for f in ch["kept"]]
    if not any(ch.values()):
        parts.append("<li>No finding in either session.</li>")
    return "".join(parts) + "</ul>"


def cell(value: float | None) -> str:
    return '<td class="num null">—</td>' if value is None else f'<td class="num">{value:.4g}</td>'


def delta_cell(a: float | None, b: float | None) -> str:
    if a is None or b is None:
        return '<td class="num null">—</td>'
    return f'<td class="num">{b - a:+.3g}</td>'


def deltas_table(sessions: Sequence[Session]) -> str:
    head = "".join(f"<th>{escape(s.label)}</th>" for s in sessions)
    head += "".join(f"<th>Δ {escape(s.label)} − {escape(sessions[0].label)}</th>" for s in sessions[1:])
    rows = "".join(
        f"<tr><td>{escape(path)}</td>" + "".join(cell(v) for v in row)
        + "".join(delta_cell(row[0], v) for v in row[1:]) + "</tr>"
        for path, row in numeric_rows(sessions)
    )  # fmt: skip
    return (f'<h2 id="deltas">Metrics side by side</h2><table id="deltas-table">'
            f"<tr><th>metric</th>{head}</tr>{rows}</table>")


def compare_html(sessions: Sequence[Session]) -> str:
    """The comparison page: disclaimer, finding changes, overlaid curves, metric deltas."""
    title = "Walk comparison: " + " vs ".join(s.label for s in sessions)
    sources = "".join(f"<li><strong>{escape(s.label)}</strong>: {escape(str(s.source))}</li>" for s in sessions)
    body = [f"<h1>{escape(title)}</h1>", f"<ul class=\"meta\">{sources}</ul>", html.disclaimer(),
            '<h2 id="findings">Findings that appeared or went away</h2>',
            *(changes_html(sessions[0], s) for s in sessions[1:])]  # fmt: skip
    with_curves = [(s.label, s.curves) for s in sessions if s.curves is not None]
    figure = overlay_figure(with_curves) if with_curves else None
    if figure is not None:
        body += ['<h2 id="figures">Curves</h2>',
                 html.figure_html("curves_overlay", "Gait-cycle curves of the sessions overlaid; line style "
                                  "tells the sessions apart.", png_bytes(figure))]  # fmt: skip
    body += [deltas_table(sessions), f"<footer>{escape(html.DISCLAIMER)}</footer>"]
    return html.page(title, "\n".join(body))


def load_sessions(inputs: Sequence[str | os.PathLike], labels: Sequence[str] | None = None) -> list[Session]:
    """Two or more sessions, labelled by `labels` or by their folder names (made unique)."""
    if len(inputs) < 2:
        raise GaitError("compare needs at least two sessions")
    if labels and len(labels) != len(inputs):
        raise GaitError(f"{len(labels)} labels for {len(inputs)} sessions")
    sessions = [load_session(p, labels[k] if labels else None) for k, p in enumerate(inputs)]
    seen: dict[str, int] = {}
    for k, s in enumerate(sessions):  # two folders of the same name still need telling apart
        seen[s.label] = seen.get(s.label, 0) + 1
        if seen[s.label] > 1:
            sessions[k] = Session(f"{s.label} ({seen[s.label]})", s.metrics, s.findings, s.curves, s.source)
    return sessions


def write_compare(sessions: Sequence[Session], out: str | os.PathLike) -> Path:
    """Write the comparison page of `sessions` (the first is the baseline) to `out`."""
    out = Path(out)
    out.write_text(compare_html(sessions), encoding="utf-8")
    return out
