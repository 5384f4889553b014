"""The session report: `report.html` (self-contained) plus its figures as PNG files and the
gait-cycle curves as `curves.json`, written into one folder."""

from __future__ import annotations

import os
from collections.abc import Mapping
from html import escape
from pathlib import Path

from gait.findings import evaluate, not_measured
from gait.report import html
from gait.report.data import CURVES_FILE, ReportData, save_curves
from gait.report.figures import build_figures
from gait.report.style import png_bytes

REPORT_FILE = "report.html"
FIGURES_DIR = "figures"


def summary_line(metrics: Mapping) -> str:
    """View, duration, strides and cadence, as far as the metrics have them."""
    parts = []
    if metrics.get("view"):
        parts.append(f"view: {metrics['view']}")
    if isinstance(metrics.get("duration_s"), (int, float)):
        parts.append(f"{metrics['duration_s']:.1f} s of walking")
    strides = metrics.get("strides")
    if isinstance(strides, Mapping):
        parts.append(f"strides: left {strides.get('left')}, right {strides.get('right')}")
    if isinstance(metrics.get("cadence_spm"), (int, float)):
        parts.append(f"cadence {metrics['cadence_spm']:.0f} steps/min")
    parts.append("insole: " + ("yes" if metrics.get("pressure") else "no"))
    return " · ".join(parts)


def report_html(metrics: Mapping, data: ReportData, figures: list[tuple[str, str, bytes]]) -> str:
    """The whole page: title, disclaimer, findings and remedies, figures, metrics table."""
    findings = metrics.get("findings")
    if not isinstance(findings, list):
        findings = evaluate(metrics)
    body = [
        f"<h1>{escape(data.title)}</h1>",
        f'<p class="meta">{escape(summary_line(metrics))}</p>',
        html.disclaimer(),
        html.findings_section(findings, not_measured(metrics)),
        html.pain_types_section(),
        '<h2 id="figures">Figures</h2>',
        *(html.figure_html(key, caption, png) for key, caption, png in figures),
        "" if figures else "<p>No figure: the session has no curves, events or insole data to draw.</p>",
        html.metrics_table(metrics),
        html.thresholds_table(),
        f"<footer>{escape(str(metrics.get('schema', '')))} · made by gait. {escape(html.DISCLAIMER)}</footer>",
    ]
    return html.page(data.title, "\n".join(body))


def write_report(folder: str | os.PathLike, metrics: Mapping, data: ReportData | None = None) -> Path:
    """Write report.html, figures/<name>.png and (with curves) curves.json into `folder`;
    returns the report's path. Findings come from `metrics["findings"]` when present, else
    from the rules."""
    folder = Path(folder)
    data = data or ReportData()
    (folder / FIGURES_DIR).mkdir(parents=True, exist_ok=True)
    figures = []
    for spec in build_figures(metrics, data):
        png = png_bytes(spec.figure)
        (folder / FIGURES_DIR / f"{spec.key}.png").write_bytes(png)
        figures.append((spec.key, spec.caption, png))
    if data.curves is not None:
        save_curves(data.curves, folder / CURVES_FILE)
    path = folder / REPORT_FILE
    path.write_text(report_html(metrics, data, figures), encoding="utf-8")
    return path
