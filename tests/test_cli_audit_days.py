"""`bot audit --since today` / `--since yesterday`: from that day's midnight on this machine's clock,
alongside the duration and date forms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import _since, app
from bot.core.audit import AuditLog, Change
from bot.index.db import open_index

JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "bot.db"
    monkeypatch.setenv("BOT_DB_PATH", str(path))
    log = AuditLog(open_index(path))
    for hours_ago, room in ((1, "204"), (50, "311")):
        log.record(
            at=datetime.now(UTC) - timedelta(hours=hours_ago), platform="console", user="alice",
            channel=None, text=f"set room {room} to jazz", command="SetStation", parsed="-",
            targets=[room], outcome="ok", changes=[Change("station", room, room, "Harbor View", None, JAZZ)],
        )  # fmt: skip
    return path


def test_since_yesterday_shows_yesterday_and_today_only(db: Path) -> None:
    """An hour ago is shown, two days ago is not; the word is read in any case."""
    result = CliRunner().invoke(app, ["audit", "--since", "Yesterday"])
    assert result.exit_code == 0, result.output
    assert "set room 204" in result.output and "set room 311" not in result.output


def test_today_and_yesterday_start_at_local_midnight() -> None:
    """`today` is this machine's midnight (in UTC for the log); `yesterday` 24 hours of clock before."""
    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    today, yesterday = (datetime.fromisoformat(_since(word)) for word in ("today", "yesterday"))
    assert today == midnight
    assert today.utcoffset() == timedelta(0)
    assert (midnight - timedelta(days=1)) == yesterday


def test_other_words_are_still_refused(db: Path) -> None:
    """`--since last week` is a usage error that lists the forms, today and yesterday among them."""
    result = CliRunner().invoke(app, ["audit", "--since", "last week"])
    assert result.exit_code == 2
    assert "today or yesterday" in " ".join(result.output.split())
