"""The left/right symmetry panel: each per-side metric as a pair of markers on its own scale,
over its typical range when one is known."""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.figure import Figure

from gait.findings.lookup import number
from gait.findings.norms import CPEI, FOOT_PROGRESSION, KNEE_VALGUS, PELVIC_DROP, REARFOOT_EVERSION
from matplotlib.lines import Line2D

from gait.report.style import BAND_COLOUR, SIDE_COLOURS, SIDE_LABELS, new_figure, styled

# label, left path, right path, scale, unit, typical range
ROWS: tuple[tuple[str, str, str, float, str, tuple[float, float] | None], ...] = (
    ("Stride time", "stride_time_s.left", "stride_time_s.right", 1.0, "s", None),
    ("Stance", "stance_fraction.left", "stance_fraction.right", 100.0, "% of cycle", None),
    ("Rearfoot eversion, peak", "rearfoot_eversion_deg.left.peak", "rearfoot_eversion_deg.right.peak", 1.0, "°",
     REARFOOT_EVERSION.typical),
    ("Foot progression", "foot_progression_deg.left", "foot_progression_deg.right", 1.0, "°",
     FOOT_PROGRESSION.typical),
    ("Knee frontal angle", "knee_frontal_deg.left", "knee_frontal_deg.right", 1.0, "°", KNEE_VALGUS.typical),
    ("Pelvic drop (by stance leg)", "pelvic_drop_deg.left_stance", "pelvic_drop_deg.right_stance", 1.0, "°",
     PELVIC_DROP.typical),
    ("CPEI (insole)", "pressure.cpei_pct.left", "pressure.cpei_pct.right", 1.0, "%", CPEI.typical),
    ("Medial load (insole)", "pressure.medial_load_fraction.left", "pressure.medial_load_fraction.right", 100.0,
     "%", None),
    ("Peak force (insole)", "pressure.peak_force_n.left", "pressure.peak_force_n.right", 1.0, "N", None),
    ("Stance time (insole)", "pressure.stance_time_s.left", "pressure.stance_time_s.right", 1.0, "s", None),
)  # fmt: skip


@styled
def symmetry_figure(metrics: Mapping) -> Figure | None:
    """Left and right side by side for every metric measured on both sides; None if none is."""
    rows = []
    for label, lpath, rpath, scale, unit, band in ROWS:
        left, right = number(metrics, lpath), number(metrics, rpath)
        if left is not None and right is not None:
            rows.append((label, scale * left, scale * right, unit, band))
    if not rows:
        return None
    fig = new_figure(7.0, 0.62 * len(rows) + 1.0)
    fig.suptitle("Left / right symmetry", fontweight="bold")
    handles = [Line2D([], [], marker="o", ls="", color=SIDE_COLOURS[s], label=SIDE_LABELS[s]) for s in SIDE_COLOURS]
    handles.append(Line2D([], [], lw=8, color=BAND_COLOUR, alpha=0.4, label="typical range"))
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    axes = fig.subplots(len(rows), 1, squeeze=False)[:, 0]
    for ax, (label, left, right, unit, band) in zip(axes, rows):
        values = [left, right] + (list(band) if band else [])
        lo, hi = min(values), max(values)
        # At least +-5 % of the values' size around them: near-equal sides should look equal,
        # not be zoomed until a millisecond fills the panel.
        pad = max(0.15 * (hi - lo), 0.05 * max(abs(lo), abs(hi)), 1e-3)
        if band:
            ax.axvspan(*band, color=BAND_COLOUR, alpha=0.25, lw=0, zorder=0)
        ax.plot([left, right], [0, 0], color="#bbbbbb", lw=2, zorder=1)
        for side, value in (("left", left), ("right", right)):
            ax.plot(value, 0, "o", color=SIDE_COLOURS[side], ms=9, zorder=2)
        ax.set_xlim(lo - pad, hi + pad)
        ax.ticklabel_format(axis="x", useOffset=False, style="plain")
        ax.set_yticks([0], [f"{label} ({unit})"])
        ax.set_ylim(-1, 1)
        ax.spines[["left"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
        ax.text(1.01, 0.5, f"L {left:.3g}  R {right:.3g}", transform=ax.transAxes, va="center", fontsize=8)
    return fig

