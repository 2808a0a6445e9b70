"""Settings an admin makes in chat, in the database every process shares: a property's place
(country, timezone; table property_settings), channel settings (a property's digest channel, a
channel bound to a property; table channel_settings) and alert mutes (table alert_mutes).

One class over `bot.sql.Sql`: the index's SQLite file for one process, PostgreSQL with
BOT_DATABASE_URL, so a setting made through one replica holds on every replica. A setting of a
place or a channel bumps `settings_version`; each process lays the settings over its bot.toml
again when the version moves (bot/core/commands/channel_settings.py `refresh_settings`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final

from bot.sql import Sql, Tx, integer, number, optional_text, query, text

DIGEST: Final = "digest"  # the property's digest channel (one per property)
BINDING: Final = (
    "binding"  # a channel whose requests default to the property (one property a channel)
)


@dataclass(frozen=True)
class Place:
    country: str | None
    timezone: str | None
    source: str  # "bot.toml", "chat", or "" when nobody said

    @property
    def complete(self) -> bool:
        return self.country is not None and self.timezone is not None


@dataclass(frozen=True)
class ChannelSetting:
    kind: str
    property_name: str
    channel: str
    set_by: str
    set_at: str


def _bump(tx: Tx) -> None:
    tx.execute("UPDATE settings_version SET version = version + 1 WHERE id = 1")


class SettingsStore:
    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    def version(self) -> int:
        """Moves with every place or channel setting saved (by any process on the database)."""
        rows = query(self.sql, "SELECT version FROM settings_version WHERE id = 1")
        return integer(rows[0][0]) if rows else 0

    # -- a property's place ----------------------------------------------------------------------
    def place(self, property_id: str) -> Place | None:
        rows = query(
            self.sql,
            "SELECT country, timezone FROM property_settings WHERE property_id = ?",
            (property_id,),
        )
        if not rows:
            return None
        return Place(optional_text(rows[0][0]), optional_text(rows[0][1]), "chat")

    def places(self) -> dict[str, Place]:
        """Every place set in chat, by property id."""
        rows = query(self.sql, "SELECT property_id, country, timezone FROM property_settings")
        return {text(r[0]): Place(optional_text(r[1]), optional_text(r[2]), "chat") for r in rows}

    def save_place(self, property_id: str, name: str, place: Place, by: str, at: datetime) -> None:
        def save(tx: Tx) -> None:
            tx.execute(
                "INSERT INTO property_settings"
                " (property_id, property_name, country, timezone, set_by, set_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (property_id) DO UPDATE SET"
                " property_name = excluded.property_name, country = excluded.country,"
                " timezone = excluded.timezone, set_by = excluded.set_by, set_at = excluded.set_at",
                (property_id, name, place.country, place.timezone, by, at.isoformat()),
            )
            _bump(tx)

        self.sql.write(save)

    # -- channel settings ------------------------------------------------------------------------
    def channel_settings(self) -> list[ChannelSetting]:
        rows = query(
            self.sql,
            "SELECT kind, property_name, channel, set_by, set_at FROM channel_settings"
            " ORDER BY set_at, kind, channel",
        )
        return [ChannelSetting(*(text(v) for v in r)) for r in rows]

    def save_channel_setting(
        self, kind: str, property_name: str, channel: str, by: str, at: datetime
    ) -> None:
        """Record a setting, replacing the one it supersedes (the property's digest channel, or
        the channel's binding), in one transaction."""

        def save(tx: Tx) -> None:
            if kind == DIGEST:
                tx.execute(
                    "DELETE FROM channel_settings WHERE kind = ? AND property_name = ?",
                    (DIGEST, property_name),
                )
            else:
                tx.execute(
                    "DELETE FROM channel_settings WHERE kind = ? AND channel = ?",
                    (BINDING, channel),
                )
            tx.execute(
                "INSERT INTO channel_settings (kind, property_name, channel, set_by, set_at)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, property_name, channel) DO UPDATE SET"
                " set_by = excluded.set_by, set_at = excluded.set_at",
                (kind, property_name, channel, by, at.isoformat(timespec="seconds")),
            )
            _bump(tx)

        self.sql.write(save)

    # -- alert mutes -----------------------------------------------------------------------------
    def mute(self, serial: str, until: float, by: str) -> None:
        self.sql.write(
            lambda tx: tx.execute(
                "INSERT INTO alert_mutes (serial, until, set_by) VALUES (?, ?, ?)"
                " ON CONFLICT (serial) DO UPDATE SET until = excluded.until,"
                " set_by = excluded.set_by",
                (serial, until, by),
            )
        )

    def muted_until(self, serial: str) -> float | None:
        rows = query(self.sql, "SELECT until FROM alert_mutes WHERE serial = ?", (serial,))
        return number(rows[0][0]) if rows else None
