"""The digest's 7-day chart as PNG bytes (matplotlib's Agg canvas: headless, no pyplot state).

Building a matplotlib figure costs far more than drawing it (axes, ticks and text layout are made
anew each time), so one figure per bar count is built once and re-used: each chart only changes the
bar heights, the texts and the y range, then prints the canvas straight to PNG. The layout is fixed
(explicit margins, title and label positions) so no draw has to measure text to place things.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import offset_copy

# 72 dpi at 6.4 x 2.6 in is 461 x 187 px: the 8-9 pt texts stay legible in Slack and Teams previews.
DPI = 72
SIZE_IN = (6.4, 2.6)
BAR_COLOR = "#4c9f70"


@dataclass(frozen=True)
class DayPoint:
    label: str  # the local date the 24-hour block ends on
    uptime_pct: float
    offline_at_end: int


class _ChartCanvas:
    """One re-usable figure for charts of `bars` days."""

    def __init__(self, bars: int) -> None:
        self.figure = Figure(figsize=SIZE_IN, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.12, top=0.86)
        self.axes: Axes = self.figure.add_subplot(1, 1, 1)
        self.positions = list(range(bars))
        self.bars: BarContainer = self.axes.bar(self.positions, [100.0] * bars, color=BAR_COLOR)
        self.axes.set_xticks(self.positions, [""] * bars)
        self.axes.set_ylabel("uptime %")
        # Fixed positions: with automatic ones, every draw measures the tick labels to place these.
        self.axes.yaxis.set_label_coords(-0.065, 0.5)
        self.axes.xaxis.set_label_coords(0.5, -0.1)
        self.title: Text = self.axes.set_title("", fontsize=9, y=1.02)
        self.axes.spines[["top", "right"]].set_visible(False)
        above = offset_copy(self.axes.transData, fig=self.figure, y=2, units="points")
        self.counts: list[Text] = [
            self.axes.text(x, 0.0, "", ha="center", va="bottom", fontsize=8, transform=above)
            for x in self.positions
        ]
        # Agg drawing is not thread-safe and every chart mutates this one figure.
        self.lock = threading.Lock()

    def render(self, days: Sequence[DayPoint], title: str) -> bytes:
        with self.lock:
            for bar, count, day in zip(self.bars, self.counts, days, strict=True):
                bar.set_height(day.uptime_pct)
                count.set_y(day.uptime_pct)
                count.set_text(str(day.offline_at_end))
            self.axes.xaxis.set_ticklabels([d.label for d in days])
            low = min((d.uptime_pct for d in days), default=100.0)
            self.axes.set_ylim(max(0.0, low - 5.0), 101.5)
            self.title.set_text(f"{title} (label: devices offline at day end)")
            buffer = io.BytesIO()
            # straight from the canvas: savefig's dpi/bbox/canvas-switching steps are not needed
            self.canvas.print_png(buffer)  # type: ignore[no-untyped-call]  # matplotlib lacks hints
            return buffer.getvalue()


_canvases: dict[int, _ChartCanvas] = {}
_canvases_lock = threading.Lock()


def _canvas(bars: int) -> _ChartCanvas:
    with _canvases_lock:
        canvas = _canvases.get(bars)
        if canvas is None:
            canvas = _canvases[bars] = _ChartCanvas(bars)
        return canvas


def render_chart(days: Sequence[DayPoint], title: str) -> bytes:
    """Bars of daily uptime, each labelled with the devices offline at the end of that day."""
    return _canvas(len(days)).render(days, title)
