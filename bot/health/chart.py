"""The digest's 7-day chart as PNG bytes (matplotlib's Agg canvas: headless, no pyplot state)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


@dataclass(frozen=True)
class DayPoint:
    label: str  # the local date the 24-hour block ends on
    uptime_pct: float
    offline_at_end: int


def render_chart(days: Sequence[DayPoint], title: str) -> bytes:
    """Bars of daily uptime, each labelled with the devices offline at the end of that day.

    One axes and fixed margins (no twin axis, no tight_layout): rendering cost is what keeps the
    digests of a large estate under a second.
    """
    figure = Figure(figsize=(6.4, 2.6), dpi=72)
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.86)
    axes = figure.add_subplot(1, 1, 1)
    positions = list(range(len(days)))
    bars = axes.bar(positions, [d.uptime_pct for d in days], color="#4c9f70")
    axes.set_xticks(positions, [d.label for d in days])
    low = min((d.uptime_pct for d in days), default=100.0)
    axes.set_ylim(max(0.0, low - 5.0), 101.5)
    axes.set_ylabel("uptime %")
    axes.set_title(f"{title} (label: devices offline at day end)", fontsize=9)
    axes.bar_label(bars, labels=[str(d.offline_at_end) for d in days], fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
