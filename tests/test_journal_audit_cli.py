"""`bot audit` reads its changes from the journal: --json keeps each change's shape and adds
`state`; the plain output names not-confirmed and refused writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app
from bot.core.ledger.audit import AuditLog, Change
from bot.index.db import open_index

JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}


def test_audit_json_keeps_the_change_shape_and_adds_state(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    log = AuditLog(open_index(path))
    changes = [
        Change("station", "u1", "101", "Harbor", POP, JAZZ),
        Change("station", "u2", "102", "Harbor", POP, JAZZ, ok=False, error="lost", state="unknown"),
        Change("station", "u3", "103", "Harbor", POP, JAZZ, ok=False, error="no such unit", state="refused"),
    ]  # fmt: skip
    log.record(
        at=datetime.now(UTC), platform="console", user="alice", channel=None,
        text="set rooms 101-103 to jazz", command="SetStation", parsed="-",
        targets=["u1", "u2", "u3"], outcome="partial", changes=changes,
    )  # fmt: skip
    env = {"BOT_DB_PATH": str(path)}
    [line] = CliRunner().invoke(app, ["audit", "--json"], env=env).output.splitlines()
    entry = json.loads(line)
    for change in entry["changes"]:
        assert {"unit_id", "unit_name", "property", "before", "after", "ok", "state"} <= set(change)
    assert [(c["state"], c["ok"], c["before"]) for c in entry["changes"]] == [
        ("applied", True, POP), ("unknown", False, POP), ("refused", False, POP),
    ]  # fmt: skip
    plain = CliRunner().invoke(app, ["audit"], env=env).output
    assert "[applied]" in plain and "[NOT CONFIRMED: lost]" in plain
    assert "[REFUSED by Amazon: no such unit]" in plain
