"""`bot audit --since today` / `--since yesterday`: from that day's midnight on this machine's clock,
alongside the duration and date forms."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import _since, app


def test_since_yesterday_shows_yesterday_and_today_only(audit_db: Path) -> None:
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


def test_other_words_are_still_refused(audit_db: Path) -> None:
    """`--since last week` is a usage error that lists the forms, today and yesterday among them."""
    result = CliRunner().invoke(app, ["audit", "--since", "last week"])
    assert result.exit_code == 2
    assert "today or yesterday" in " ".join(result.output.split())
