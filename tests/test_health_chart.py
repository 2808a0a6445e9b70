"""The digest's chart: one bar per local calendar day, labelled with the day it covers, at least
1,000 px wide, an axis from 0, colours by severity; the digest's text says what the bars show."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from matplotlib.colors import to_hex
from test_digest import loaded_store
from test_health_world import NOW, SITE

from bot.clock import FakeClock
from bot.health.chart import DayPoint, _canvas, drawn_labels, png_size, render_chart, severity
from bot.health.digest import build_digest_reply, chart_days, compute_figures
from bot.health.fmt import percent


async def test_chart_png_size_and_day_labels(tmp_path: Path) -> None:
    """1,040 x 460 px; the 7 bars are Tue 3 to Mon 9 March (PDT), the full local days before the
    digest's day, and the labels drawn are exactly those days."""
    store = await loaded_store(FakeClock(NOW))
    figures = compute_figures(store, SITE, NOW)
    reply = build_digest_reply(figures, SITE)
    png = reply.attachments[0].data
    width, height = png_size(png)
    assert width >= 1000 and (width, height) == (1040, 460)
    expected = [date(2026, 3, 3) + timedelta(days=k) for k in range(7)]
    assert [d.day for d in figures.days] == expected
    assert drawn_labels(7) == [d.strftime("%a %d %b") for d in expected]
    assert drawn_labels(7)[-1] == "Mon 09 Mar"
    (tmp_path / "chart.png").write_bytes(png)


async def test_digest_text_agrees_with_the_last_bar() -> None:
    """The "Yesterday" line is the last bar's uptime, severity and offline count."""
    store = await loaded_store(FakeClock(NOW))
    figures = compute_figures(store, SITE, NOW)
    fields = dict(build_digest_reply(figures, SITE, chart=False).fields)
    last = figures.days[-1]
    line = fields["Yesterday (Mon 09 Mar)"]
    assert line.startswith(f"{percent(last.uptime_pct)} uptime ({severity(last.uptime_pct)})")
    assert line.endswith(f"{last.offline} offline at some point")
    assert last.offline == 2  # 103 all day and 104 from 01:00 PDT; 102 and 105 dropped only later


def test_days_follow_the_local_calendar_across_a_dst_change() -> None:
    """US clocks sprang forward on Sun 8 March 2026: that local day is 23 hours long."""
    days = chart_days(SITE, datetime(2026, 3, 10, 14, tzinfo=UTC).timestamp())
    lengths = {day: (end - start) / 3600 for day, start, end in days}
    assert lengths[date(2026, 3, 8)] == 23 and lengths[date(2026, 3, 9)] == 24


def test_bars_are_coloured_by_severity_from_zero() -> None:
    """Good days green, degraded amber, poor red; days with no devices grey; the axis starts at 0."""
    days = [
        DayPoint(date(2026, 3, d), pct, off, devices)
        for d, pct, off, devices in [
            (1, 100.0, 0, 1),
            (2, 99.0, 1, 1),
            (3, 90.0, 4, 1),
            (4, 100.0, 0, 0),
        ]
    ]
    render_chart(days, "test")
    canvas = _canvas(4)
    colours = [to_hex(bar.get_facecolor()) for bar in canvas.bars]
    assert colours == ["#2e7d32", "#f9a825", "#c62828", "#bdbdbd"]
    assert canvas.axes.get_ylim()[0] == 0.0
    assert [t.get_text() for t in canvas.counts] == [
        "0 offline",
        "1 offline",
        "4 offline",
        "no devices",
    ]
    assert [severity(p) for p in (100.0, 99.0, 90.0)] == ["good", "degraded", "poor"]
