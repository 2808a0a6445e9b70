"""The digest's chart as PNG bytes (matplotlib's Agg canvas: headless, no pyplot state).

One bar per calendar day in the property's timezone, labelled with the day it covers. The uptime
axis runs from 0 to 100 %, so a small dip looks small; each bar is coloured by severity (the
thresholds are in the legend) and carries its uptime and how many devices were offline at some
moment that day. 1,040 x 460 px with 12-16 pt text, legible in Slack and Teams previews.

Building a matplotlib figure costs far more than drawing it, so one figure per bar count is built
once and re-used, and its unchanging parts (axes, grid, legend, subtitle) are drawn once and kept as
a background: each chart restores it, draws only the bars and their texts, and encodes the pixels
as PNG. The layout is fixed (explicit margins and positions) so no draw measures text.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.text import Text
from matplotlib.transforms import offset_copy
from PIL import Image

from bot.health.fmt import percent

DPI = 100
SIZE_IN = (10.4, 4.6)  # 1040 x 460 px
WIDTH_PX, HEIGHT_PX = int(SIZE_IN[0] * DPI), int(SIZE_IN[1] * DPI)

# (lowest uptime %, colour, legend): the first row whose threshold a day reaches gives its colour
SEVERITY: tuple[tuple[float, str, str], ...] = (
    (99.5, "#2e7d32", "\u2265 99.5 % good"),
    (98.0, "#f9a825", "98 \u2013 99.5 % degraded"),
    (0.0, "#c62828", "< 98 % poor"),
)
NO_DEVICES_COLOR = "#bdbdbd"


def severity(uptime_pct: float) -> str:
    """The severity word of a day's uptime: good, degraded or poor."""
    for low, _, legend in SEVERITY:
        if uptime_pct >= low:
            return legend.rsplit(" ", 1)[-1]
    return "poor"


def _color(uptime_pct: float) -> str:
    return next(color for low, color, _ in SEVERITY if uptime_pct >= low)


def day_label(day: date) -> str:
    """How a bar names the calendar day it covers ("Mon 30 Nov")."""
    return day.strftime("%a %d %b")


@dataclass(frozen=True)
class DayPoint:
    day: date  # the local calendar day the bar covers (00:00 to 24:00 in the property's zone)
    uptime_pct: float
    offline: int  # devices offline at some moment of that day
    devices: int = 1  # devices that existed that day (0: nothing measured)

    @property
    def label(self) -> str:
        return day_label(self.day)


def _mix(a: str, b: str, share: float) -> tuple[int, int, int]:
    """The colour `share` of the way from `a` to `b` (anti-aliased edges are such blends)."""
    ra, ga, ba = to_rgb(a)
    rb, gb, bb = to_rgb(b)
    return (
        round(255 * (ra + (rb - ra) * share)),
        round(255 * (ga + (gb - ga) * share)),
        round(255 * (ba + (bb - ba) * share)),
    )


def _palette() -> Image.Image:
    """The chart's colours: white, the grid, text greys and bar colours with their blends."""
    inks = ["#000000", "#424242", *(color for _, color, _ in SEVERITY), NO_DEVICES_COLOR]
    colors = [_mix("#ffffff", "#ffffff", 0), _mix("#ffffff", "#e0e0e0", 1)]
    colors += [_mix("#ffffff", ink, share) for ink in inks for share in (0.5, 1.0)]
    colors += [_mix(color, "#ffffff", share) for _, color, _ in SEVERITY for share in (0.33, 0.66)]
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for color in colors for channel in color])
    return palette


_PALETTE = _palette()


class _ChartCanvas:
    """One re-usable figure for charts of `bars` days."""

    def __init__(self, bars: int) -> None:
        self.figure = Figure(figsize=SIZE_IN, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.19, top=0.81)
        self.axes: Axes = self.figure.add_subplot(1, 1, 1)
        self.positions = list(range(bars))
        self.bars: BarContainer = self.axes.bar(self.positions, [100.0] * bars, width=0.7)
        self.axes.set_xticks(self.positions, [""] * bars)
        self.axes.tick_params(axis="both", labelsize=13)
        self.axes.set_ylim(0.0, 112.0)  # room above 100 % for the offline counts
        self.axes.set_yticks([0, 25, 50, 75, 100], ["0 %", "25 %", "50 %", "75 %", "100 %"])
        self.axes.set_ylabel("uptime", fontsize=13)
        self.axes.yaxis.set_label_coords(-0.065, 0.45)
        self.axes.grid(axis="y", color="#e0e0e0", linewidth=0.8)
        self.axes.set_axisbelow(True)
        self.axes.spines[["top", "right"]].set_visible(False)
        self.title: Text = self.figure.text(0.08, 0.92, "", fontsize=16, weight="bold")
        self.figure.text(
            0.08,
            0.86,
            "bar: uptime that day \u00b7 above: devices offline at some moment that day",
            fontsize=12,
            color="#424242",
        )
        self.figure.legend(
            handles=[Patch(color=color, label=legend) for _, color, legend in SEVERITY],
            loc="lower center",
            bbox_to_anchor=(0.52, 0.0),
            ncols=3,
            fontsize=12,
            frameon=False,
        )
        above = offset_copy(self.axes.transData, fig=self.figure, y=4, units="points")
        self.counts: list[Text] = [
            self.axes.text(x, 0.0, "", ha="center", va="bottom", fontsize=13, transform=above)
            for x in self.positions
        ]
        below = offset_copy(self.axes.get_xaxis_transform(), fig=self.figure, y=-8, units="points")
        self.labels: list[Text] = [
            self.axes.text(x, 0.0, "", ha="center", va="top", fontsize=13, transform=below)
            for x in self.positions
        ]
        inside = offset_copy(self.axes.transData, fig=self.figure, y=-6, units="points")
        self.values: list[Text] = [
            self.axes.text(
                x,
                0.0,
                "",
                ha="center",
                va="top",
                fontsize=12,
                color="white",
                weight="bold",
                transform=inside,
            )
            for x in self.positions
        ]
        # Only what changes is drawn per chart: the rest is drawn once and kept as a background.
        self.dynamic = [self.title, *self.bars, *self.counts, *self.values, *self.labels]
        for artist in self.dynamic:
            artist.set_animated(True)
        self.canvas.draw()  # type: ignore[no-untyped-call]
        self.background = self.canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[no-untyped-call]
        # Agg drawing is not thread-safe and every chart mutates this one figure.
        self.lock = threading.Lock()

    def render(self, days: Sequence[DayPoint], title: str) -> bytes:
        with self.lock:
            for bar, count, value, day in zip(
                self.bars, self.counts, self.values, days, strict=True
            ):
                measured = day.devices > 0
                bar.set_height(day.uptime_pct if measured else 0.0)
                bar.set_color(_color(day.uptime_pct) if measured else NO_DEVICES_COLOR)
                count.set_y(day.uptime_pct if measured else 0.0)
                count.set_text(f"{day.offline} offline" if measured else "no devices")
                value.set_y(day.uptime_pct)
                value.set_text(percent(day.uptime_pct) if measured else "")
            for label, day in zip(self.labels, days, strict=True):
                label.set_text(day.label)
            self.title.set_text(title)
            self.canvas.restore_region(self.background)  # type: ignore[no-untyped-call]
            renderer = self.canvas.get_renderer()  # type: ignore[no-untyped-call]
            for artist in self.dynamic:
                artist.draw(renderer)
            width, height = self.canvas.get_width_height()
            pixels = self.canvas.buffer_rgba()  # type: ignore[no-untyped-call]
            image = Image.frombuffer("RGBA", (width, height), pixels)
            buffer = io.BytesIO()
            # the chart's own 32 colours (and the shades anti-aliasing makes of them) keep the PNG
            # near 16 KB, small enough for a Teams card (28 KB with its text), in a few ms
            indexed = image.convert("RGB").quantize(palette=_PALETTE, dither=Image.Dither.NONE)
            indexed.save(buffer, format="PNG", compress_level=6)
            return buffer.getvalue()

    def tick_labels(self) -> list[str]:
        """The day labels as last drawn (for tests)."""
        return [label.get_text() for label in self.labels]


_canvases: dict[int, _ChartCanvas] = {}
_canvases_lock = threading.Lock()


def _canvas(bars: int) -> _ChartCanvas:
    with _canvases_lock:
        canvas = _canvases.get(bars)
        if canvas is None:
            canvas = _canvases[bars] = _ChartCanvas(bars)
        return canvas


def render_chart(days: Sequence[DayPoint], title: str) -> bytes:
    """Bars of daily uptime, one per calendar day, each with its offline count."""
    return _canvas(len(days)).render(days, title)


def drawn_labels(bars: int) -> list[str]:
    """The x labels of the last chart drawn with this many bars."""
    return _canvas(bars).tick_labels()


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) in pixels, from the PNG header."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
