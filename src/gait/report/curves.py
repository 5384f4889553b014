"""Figures over the gait cycle and over strides: mean +- SD per side on the typical band,
and the pelvic drop of every stride."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gait.findings.norms import FOOT_PROGRESSION, KNEE_VALGUS, PELVIC_DROP, REARFOOT_EVERSION
from gait.report.data import CYCLE_POINTS, SIDES, CycleCurves, PerStride
from gait.report.style import BAND_COLOUR, CUTOFF_COLOUR, SIDE_COLOURS, SIDE_LABELS, new_figure, styled, typical_band

DEFAULT_TOE_OFF_PCT = 60.0  # stance ends at about 60 % of the cycle (Perry & Burnfield 2010)

# name -> (title, y label, typical range, where it applies, its source)
CURVE_INFO: dict[str, tuple[str, str, tuple[float, float], str, str]] = {
    "rearfoot_eversion_deg": (
        "Rearfoot eversion", "eversion + (°)", REARFOOT_EVERSION.typical, "stance",
        f"typical peak in stance: {REARFOOT_EVERSION.source}",
    ),
    "pelvic_obliquity_deg": (
        "Pelvic obliquity", "other hip lower + (°)", (-PELVIC_DROP.typical[1], PELVIC_DROP.typical[1]), "cycle",
        f"typical drop up to {PELVIC_DROP.typical[1]:g}°: {PELVIC_DROP.source}",
    ),
    "knee_frontal_deg": (
        "Knee frontal-plane angle", "valgus + (°)", KNEE_VALGUS.typical, "stance",
        f"typical in stance: {KNEE_VALGUS.source}",
    ),
    "foot_progression_deg": (
        "Foot progression", "toe-out + / toe-in - (°)", FOOT_PROGRESSION.typical, "stance",
        "normal range in stance: Staheli et al. 1985",
    ),
}  # fmt: skip


# The pelvic obliquity curve of a side is expected as the drop of the *other* hip over that
# side's cycle (+ = other hip lower), so its peak in stance is `pelvic_drop_deg.<side>_stance`.


def curve_title(name: str) -> str:
    return CURVE_INFO[name][0] if name in CURVE_INFO else name.replace("_deg", "").replace("_", " ").capitalize()


@styled
def cycle_figure(curves: CycleCurves) -> Figure:
    """One panel per curve: each side's mean with a +-1 SD shade over the typical band,
    the end of stance marked in the side's colour."""
    names = list(curves.curves)
    cols = 2 if len(names) > 1 else 1
    rows = int(np.ceil(len(names) / cols))
    fig = new_figure(5.0 * cols, 3.0 * rows)
    fig.suptitle("Gait-cycle curves (mean ± 1 SD over strides)", fontweight="bold")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    pct = np.linspace(0.0, 100.0, CYCLE_POINTS)
    for ax, name in zip(axes, names):
        ylabel, title = "", curve_title(name)
        if name in CURVE_INFO:
            _, ylabel, (lo, hi), where, source = CURVE_INFO[name]
            end = max(curves.toe_off_pct.values(), default=DEFAULT_TOE_OFF_PCT) if where == "stance" else None
            typical_band(ax, lo, hi, 0.0 if end else None, end)
            title += f"\n{source}"
        for side in SIDES:
            if side not in curves.curves[name]:
                continue
            mean, sd = curves.curves[name][side]
            colour = SIDE_COLOURS[side]
            ax.fill_between(pct, mean - sd, mean + sd, color=colour, alpha=0.18, lw=0)
            ax.plot(pct, mean, color=colour, lw=2, label=SIDE_LABELS[side])
            if side in curves.toe_off_pct:
                ax.axvline(curves.toe_off_pct[side], color=colour, ls=":", lw=1)
        ax.set_title(title)
        ax.set_xlim(0, 100)
        ax.set_xlabel("% of gait cycle (dotted: toe off)")
        ax.set_ylabel(ylabel)
    for ax in axes[len(names):]:
        ax.set_visible(False)
    handles = [Line2D([], [], color=SIDE_COLOURS[s], lw=2, label=SIDE_LABELS[s]) for s in SIDES]
    handles.append(Line2D([], [], lw=8, color=BAND_COLOUR, alpha=0.4, label="typical range"))
    fig.legend(handles=handles, loc="outside lower center", ncol=3, frameon=False)
    return fig


@styled
def pelvic_drop_figure(per_stride: PerStride) -> Figure:
    """Swing-side hip drop in every stride, by stance side, against the typical range and
    the screening cut-off."""
    fig = new_figure(7.0, 3.2)
    ax = fig.subplots()
    typical_band(ax, *PELVIC_DROP.typical, label=f"typical ({PELVIC_DROP.source})")
    ax.axhline(PELVIC_DROP.cutoffs.mild, color=CUTOFF_COLOUR, ls="--", lw=1,
               label=f"finding from {PELVIC_DROP.cutoffs.mild:g}°")  # fmt: skip
    for side in SIDES:
        if side not in per_stride.values:
            continue
        t, v = per_stride.values[side]
        ax.plot(t, v, "o-", color=SIDE_COLOURS[side], lw=1.2, ms=5, label=f"standing on {side} leg")
    ax.set_title("Pelvic drop per stride (how far the swing-side hip drops)")
    ax.set_xlabel(f"time of {per_stride.at} (s)")
    ax.set_ylabel(f"drop ({per_stride.unit})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


LINE_STYLES = ("-", "--", ":", "-.")


@styled
def overlay_figure(sessions: Sequence[tuple[str, CycleCurves]]) -> Figure | None:
    """The same curve of several sessions on one panel per curve and side: colour is the
    side, line style the session. None when no session has curves."""
    names = list(dict.fromkeys(name for _, c in sessions for name in c.curves))
    if not names:
        return None
    fig = new_figure(10.0, 2.8 * len(names) + 0.6)
    fig.suptitle("Gait-cycle curves, sessions overlaid (mean over strides)", fontweight="bold")
    axes = fig.subplots(len(names), 2, squeeze=False)
    pct = np.linspace(0.0, 100.0, CYCLE_POINTS)
    for row, name in enumerate(names):
        for ax, side in zip(axes[row], SIDES):
            if name in CURVE_INFO:
                _, ylabel, (lo, hi), where, _ = CURVE_INFO[name]
                end = DEFAULT_TOE_OFF_PCT if where == "stance" else None
                typical_band(ax, lo, hi, 0.0 if end else None, end)
                ax.set_ylabel(ylabel)
            for k, (label, curves) in enumerate(sessions):
                if side in curves.curves.get(name, {}):
                    mean, _ = curves.curves[name][side]
                    ax.plot(pct, mean, LINE_STYLES[k % len(LINE_STYLES)], color=SIDE_COLOURS[side], lw=1.8)
            ax.set_title(f"{curve_title(name)}, {side}", color=SIDE_COLOURS[side])
            ax.set_xlim(0, 100)
            ax.set_xlabel("% of gait cycle")
    handles = [Line2D([], [], ls=LINE_STYLES[k % len(LINE_STYLES)], color="#333333", lw=1.8, label=label)
               for k, (label, _) in enumerate(sessions)]  # fmt: skip
    fig.legend(handles=handles, loc="outside lower center", ncol=min(len(handles), 4), frameon=False)
    return fig
