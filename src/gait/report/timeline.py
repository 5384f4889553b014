"""The event timeline: stance periods, heel strikes and toe offs per side and source."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from gait.report.data import SIDES, Events
from gait.report.style import SIDE_COLOURS, SIDE_LABELS, new_figure, styled


def stance_periods(heel_strike: np.ndarray, toe_off: np.ndarray) -> list[tuple[float, float]]:
    """(start, length) of each stance: a heel strike to the first toe off after it."""
    if not heel_strike.size or not toe_off.size:
        return []
    nxt = np.searchsorted(toe_off, heel_strike, side="right")
    ok = nxt < toe_off.size
    return [(float(h), float(toe_off[i] - h)) for h, i in zip(heel_strike[ok], nxt[ok])]


@styled
def events_figure(events: Sequence[Events]) -> Figure:
    """One row per side and source: stance as a bar, heel strike as a filled marker at its
    start, toe off as an open one at its end."""
    rows = [(ev, side) for ev in events for side in SIDES]
    fig = new_figure(8.0, 0.55 * len(rows) + 1.4)
    ax = fig.subplots()
    for y, (ev, side) in enumerate(reversed(rows)):
        hs, to = ev.times[side]["heel_strike"], ev.times[side]["toe_off"]
        colour = SIDE_COLOURS[side]
        ax.broken_barh(stance_periods(hs, to), (y - 0.3, 0.6), color=colour, alpha=0.3, lw=0)
        ax.plot(hs, np.full(hs.shape, y), "o", color=colour, ms=6)
        ax.plot(to, np.full(to.shape, y), "o", mfc="white", mec=colour, mew=1.5, ms=6)
    ax.set_yticks(range(len(rows)), [f"{SIDE_LABELS[s]} ({ev.source})" for ev, s in reversed(rows)])
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel("time (s)")
    ax.set_title("Gait events: ● heel strike, ○ toe off, bar = foot on the ground")
    return fig
