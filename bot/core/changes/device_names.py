"""Devices by the name staff know (“HVS-102 Echo Dot”), from the endpoint ids Amazon's errors give.

Amazon's per-device errors name an ASP endpoint id, which means nothing at the front desk. The
device-health refresh keeps each device's name with its endpoint (the `devices` table) and the
Endpoints API's friendly name (the `device_endpoints` map); a device neither knows stays unnamed,
and the reply says "one device" rather than showing its id. With BOT_DATABASE_URL the device
tables are in PostgreSQL (`Services.shared_sql`), shared by replicas.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from bot.sql import Sql, SqliteSql, query, text


def device_names(db: sqlite3.Connection | Sql, endpoint_ids: Sequence[str]) -> dict[str, str]:
    """The known name of each endpoint id; ids no device table knows are left out."""
    wanted = sorted({e for e in endpoint_ids if e})
    if not wanted:
        return {}
    marks = ", ".join("?" for _ in wanted)
    source = SqliteSql(db) if isinstance(db, sqlite3.Connection) else db
    names: dict[str, str] = {}
    # The Endpoints API's friendly name first, then the device name A4B reports (preferred).
    for sql in (
        f"SELECT endpoint_id, friendly_name FROM device_endpoints WHERE endpoint_id IN ({marks})",
        f"SELECT endpoint_id, name FROM devices WHERE endpoint_id IN ({marks})",
    ):
        try:
            rows = query(source, sql, wanted)
        except sqlite3.Error:  # a database without the device tables: nothing is named
            continue
        names.update({text(endpoint): text(name) for endpoint, name in rows if name})
    return names
