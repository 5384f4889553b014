"""Insole figures: centre-of-pressure paths over a foot outline, and the pressure map.

Both feet are drawn as seen from above, medial edges facing each other: the right foot in
its layout coordinates, the left mirrored (x -> -x), since the layout's x points to each
foot's own lateral edge.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from gait.report.data import SIDES, InsoleData
from gait.report.style import SIDE_COLOURS, SIDE_LABELS, new_figure, styled

# Outline of a right foot in fractions of foot length: a round heel (radius HEEL_R, centred
# HEEL_R above the back of the heel), then the lateral (+x) and medial (-x) edges by height;
# the medial edge's notch is the arch, its far end the big toe. Adult foot breadth is ~38 %
# of length (Hawes & Sovak 1994, Ergonomics 37(7):1213-1226).
HEEL_R = 0.12
OUTLINE_Y = np.array([HEEL_R, 0.20, 0.35, 0.50, 0.62, 0.72, 0.82, 0.90, 0.96, 1.0])
OUTLINE_LATERAL = np.array([0.12, 0.13, 0.14, 0.155, 0.17, 0.175, 0.16, 0.12, 0.07, 0.0])
OUTLINE_MEDIAL = np.array([-0.12, -0.11, -0.07, -0.09, -0.17, -0.205, -0.20, -0.17, -0.12, -0.05])


def foot_outline(foot_length_mm: float, points: int = 120) -> np.ndarray:
    """(n, 2) closed outline of a right foot in mm, layout convention (x lateral +)."""
    y = np.linspace(HEEL_R, 1.0, points // 3)
    lateral = np.column_stack([np.interp(y, OUTLINE_Y, OUTLINE_LATERAL), y])
    medial = np.column_stack([np.interp(y, OUTLINE_Y, OUTLINE_MEDIAL), y])[::-1]
    angle = np.linspace(np.pi, 2 * np.pi, points // 3)  # medial -> back of the heel -> lateral
    heel = np.column_stack([HEEL_R * np.cos(angle), HEEL_R + HEEL_R * np.sin(angle)])
    outline = np.vstack([heel, lateral, medial, heel[:1]])
    return outline * foot_length_mm


def shown(xy: np.ndarray, side: str) -> np.ndarray:
    """Layout coordinates -> drawing coordinates (left foot mirrored)."""
    return xy * np.array([-1.0, 1.0]) if side == "left" else xy


def draw_foot(ax: Axes, length_mm: float, side: str) -> None:
    outline = shown(foot_outline(length_mm), side)
    ax.fill(outline[:, 0], outline[:, 1], color="#f2efe9", ec="#555555", lw=1.2, zorder=0)
    half = 0.24 * length_mm
    medial, lateral = (half, -half) if side == "left" else (-half, half)
    ax.text(medial, 0.02 * length_mm, "medial", ha="center", fontsize=7, color="#555555")
    ax.text(lateral, 0.02 * length_mm, "lateral", ha="center", fontsize=7, color="#555555")
    ax.set_xlim(-0.3 * length_mm, 0.3 * length_mm)
    ax.set_ylim(-0.03 * length_mm, 1.05 * length_mm)
    ax.set_aspect("equal")
    ax.set_xlabel("mm")


def mean_path(paths: list[np.ndarray], points: int = 101) -> np.ndarray | None:
    """The average path: each resampled to `points` over its own length of stance."""
    if not paths:
        return None
    u = np.linspace(0.0, 1.0, points)
    resampled = [
        np.column_stack([np.interp(u, np.linspace(0.0, 1.0, len(p)), p[:, k]) for k in (0, 1)])
        for p in paths if len(p) > 1
    ]  # fmt: skip
    return np.nanmean(resampled, axis=0) if resampled else None


@styled
def cop_figure(insole: InsoleData) -> Figure:
    """Each stance's centre-of-pressure path (thin) and their mean (thick) on each foot."""
    fig = new_figure(6.4, 5.2)
    counts = ", ".join(f"{side} {len(insole.cop_paths[side])}" for side in SIDES)
    fig.suptitle(f"Centre-of-pressure paths, heel to toe (stances: {counts})", fontweight="bold")
    length = insole.layout.foot_length_mm
    for ax, side in zip(fig.subplots(1, 2), SIDES):
        draw_foot(ax, length, side)
        colour = SIDE_COLOURS[side]
        for p in insole.cop_paths[side]:
            q = shown(p, side)
            ax.plot(q[:, 0], q[:, 1], color=colour, lw=0.8, alpha=0.35)
        avg = mean_path(insole.cop_paths[side])
        if avg is not None:
            q = shown(avg, side)
            ax.plot(q[:, 0], q[:, 1], color=colour, lw=2.5, label="mean path")
            ax.plot(q[0, 0], q[0, 1], "o", color=colour, ms=6)
            ax.annotate("", q[-1], q[-6], arrowprops={"arrowstyle": "-|>", "color": colour, "lw": 2})
        else:
            ax.text(0, 0.5 * length, "no complete stance", ha="center", color="#555555")
        xy = shown(getattr(insole.layout, side), side)
        ax.plot(xy[:, 0], xy[:, 1], "s", mfc="none", mec="#888888", ms=5, label="sensors")
        ax.set_title(f"{SIDE_LABELS[side]} foot", color=colour)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False, ncol=2)
    return fig


@styled
def pressure_map_figure(insole: InsoleData) -> Figure:
    """Each sensor coloured by its mean (top) and peak (bottom) load while the foot is on
    the ground; one colour scale per row so the feet compare directly."""
    fig = new_figure(6.4, 9.0)
    fig.suptitle(f"Pressure map: load per sensor ({insole.units})", fontweight="bold")
    axes = fig.subplots(2, 2)
    length = insole.layout.foot_length_mm
    cmap = colormaps["YlOrRd"]
    for row, (name, label) in enumerate((("sensor_mean", "mean in stance"), ("sensor_peak", "peak"))):
        loads = getattr(insole, name)
        top = max(float(np.max(loads[s])) for s in SIDES) or 1.0
        norm = Normalize(0.0, top)
        for ax, side in zip(axes[row], SIDES):
            draw_foot(ax, length, side)
            xy = shown(getattr(insole.layout, side), side)
            ax.scatter(xy[:, 0], xy[:, 1], c=loads[side], cmap=cmap, norm=norm, s=260, ec="#333333", lw=0.8)
            for (x, y), v in zip(xy, loads[side]):
                ink = "white" if v > 0.6 * top else "black"
                ax.text(x, y, f"{v:.0f}", ha="center", va="center", fontsize=6, color=ink)
            ax.set_title(f"{SIDE_LABELS[side]} foot, {label}", color=SIDE_COLOURS[side])
        fig.colorbar(axes[row][1].collections[-1], ax=list(axes[row]), label=f"{label} ({insole.units})", shrink=0.8)
    return fig
