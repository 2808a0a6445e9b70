"""Device names for Amazon's per-device errors, from the health tables."""

from __future__ import annotations

import sqlite3

from bot.core.changes.device_names import device_names


def test_no_ids_and_a_database_without_device_tables_name_nothing() -> None:
    """Nothing asked, or no device tables yet (health never refreshed): no names, no error."""
    conn = sqlite3.connect(":memory:")
    assert device_names(conn, []) == {}
    assert device_names(conn, ["amzn1.alexa.endpoint.X"]) == {}


def test_the_device_name_wins_over_the_endpoint_friendly_name() -> None:
    """Both tables know the endpoint: the A4B device name is used; the friendly name fills gaps."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE devices (endpoint_id TEXT, name TEXT)")
    conn.execute("CREATE TABLE device_endpoints (endpoint_id TEXT, friendly_name TEXT)")
    conn.execute("INSERT INTO devices VALUES ('e1', 'HVS-102 Echo Dot')")
    conn.executemany(
        "INSERT INTO device_endpoints VALUES (?, ?)", [("e1", "Echo 1"), ("e2", "Lobby Show")]
    )
    assert device_names(conn, ["e1", "e2", "e3"]) == {"e1": "HVS-102 Echo Dot", "e2": "Lobby Show"}
