"""The report's figures, in reading order, from the metrics and the `ReportData` at hand."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from matplotlib.figure import Figure

from gait.report.curves import cycle_figure, pelvic_drop_figure
from gait.report.data import ReportData
from gait.report.insole import cop_figure, pressure_map_figure
from gait.report.symmetry import symmetry_figure
from gait.report.timeline import events_figure


@dataclass(frozen=True)
class FigureSpec:
    """A figure with the file stem it is saved under and the caption a reader sees."""

    key: str
    caption: str
    figure: Figure


def build_figures(metrics: Mapping, data: ReportData) -> list[FigureSpec]:
    """Every figure the data supports; a part that is missing just leaves its figure out."""
    specs = []
    if data.curves is not None and data.curves.curves:
        specs.append(FigureSpec("cycle_curves", "Frontal-plane angles over the gait cycle, left and right, "
                                "over the typical range.", cycle_figure(data.curves)))  # fmt: skip
    if data.pelvic_drop is not None and data.pelvic_drop.values:
        specs.append(FigureSpec("pelvic_drop", "Pelvic drop in each stride, by the leg being stood on.",
                                pelvic_drop_figure(data.pelvic_drop)))  # fmt: skip
    if data.events:
        specs.append(FigureSpec("events", "When each foot struck the ground and pushed off.",
                                events_figure(data.events)))  # fmt: skip
    if data.insole is not None:
        specs.append(FigureSpec("cop_paths", "How the load rolls across each foot: the insole's centre of "
                                "pressure from heel to toe.", cop_figure(data.insole)))  # fmt: skip
        specs.append(FigureSpec("pressure_map", "Where each foot carries its load, sensor by sensor.",
                                pressure_map_figure(data.insole)))  # fmt: skip
    symmetry = symmetry_figure(metrics)
    if symmetry is not None:
        specs.append(FigureSpec("symmetry", "Left and right side by side for every metric measured on both.",
                                symmetry))  # fmt: skip
    return specs
