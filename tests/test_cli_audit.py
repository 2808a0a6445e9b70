"""`bot audit`: --since takes a duration or a date, refuses anything else, and shows station names."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app


def test_since_a_duration_keeps_only_recent_entries(audit_db: Path) -> None:
    """--since 24h shows the change of an hour ago and not the one of two days ago."""
    result = CliRunner().invoke(app, ["audit", "--since", "24h"])
    assert result.exit_code == 0
    assert "set room 204" in result.output and "set room 311" not in result.output


def test_since_a_date_is_read_as_a_date(audit_db: Path) -> None:
    """--since with a calendar date far back shows everything; one in the future shows nothing."""
    everything = CliRunner().invoke(app, ["audit", "--since", "2000-01-01"]).output
    assert "set room 204" in everything and "set room 311" in everything
    assert (
        "No audit entries since"
        in CliRunner().invoke(app, ["audit", "--since", "2999-01-01"]).output
    )


def test_since_nonsense_is_refused(audit_db: Path) -> None:
    """--since banana is a usage error, not an empty log."""
    result = CliRunner().invoke(app, ["audit", "--since", "banana"])
    assert result.exit_code == 2
    assert "neither a duration" in result.output


def test_station_values_are_shown_by_name(audit_db: Path) -> None:
    """The human output names the station instead of printing its provider/station ids."""
    output = CliRunner().invoke(app, ["audit"]).output
    assert "none -> Jazz" in output and "IHR_JAZZ" not in output
