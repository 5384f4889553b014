"""One look for every figure: side colours, fonts, the normal band, PNG/SVG output.

Left is always blue and right always vermillion (Okabe-Ito colours, told apart with colour
vision deficiency too). Figures are built on `matplotlib.figure.Figure` directly, never
pyplot, so nothing depends on a display or on global figure state.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from typing import TypeVar

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure

SIDE_COLOURS = {"left": "#0072B2", "right": "#D55E00"}
SIDE_LABELS = {"left": "Left", "right": "Right"}
BAND_COLOUR = "#7fbf7f"  # typical range
CUTOFF_COLOUR = "#999999"
TEXT = {"font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8,
        "axes.spines.top": False, "axes.spines.right": False, "svg.fonttype": "none"}  # fmt: skip
F = TypeVar("F", bound=Callable)


def styled(build: F) -> F:
    """Run a figure builder under the house style without touching global settings."""

    @functools.wraps(build)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        with rc_context(TEXT):
            return build(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def new_figure(width_in: float, height_in: float) -> Figure:
    """A blank figure laid out so titles and labels never overlap."""
    return Figure(figsize=(width_in, height_in), layout="constrained")


def typical_band(ax: Axes, lo: float, hi: float, x0: float | None = None, x1: float | None = None,
                 label: str = "typical range") -> None:  # fmt: skip
    """Shade the typical range (horizontal band, optionally only between x0 and x1)."""
    if x0 is None:
        ax.axhspan(lo, hi, color=BAND_COLOUR, alpha=0.25, lw=0, label=label, zorder=0)
    else:
        ax.fill_between([x0, x1], [lo, lo], [hi, hi], color=BAND_COLOUR, alpha=0.25, lw=0, label=label, zorder=0)


def png_bytes(fig: Figure, dpi: int = 100) -> bytes:
    buf = io.BytesIO()
    with rc_context(TEXT):
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def svg_text(fig: Figure) -> str:
    buf = io.StringIO()
    with rc_context(TEXT):
        fig.savefig(buf, format="svg")
    return buf.getvalue()
