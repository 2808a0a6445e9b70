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
    figure = Figure(figsize=(6.4, 2.8), dpi=80)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot(1, 1, 1)
    labels = [d.label for d in days]
    axes.bar(labels, [d.uptime_pct for d in days], color="#4c9f70")
    low = min((d.uptime_pct for d in days), default=100.0)
    axes.set_ylim(max(0.0, low - 5.0), 100.5)
    axes.set_ylabel("uptime %")
    axes.set_title(title, fontsize=10)
    other = axes.twinx()
    other.plot(labels, [d.offline_at_end for d in days], color="#c0392b", marker="o")
    other.set_ylabel("offline devices")
    other.set_ylim(bottom=0)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
