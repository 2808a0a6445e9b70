"""Channel settings an admin makes in chat: a property's digest channel, a channel bound to a
property. Stored in the database (table channel_settings, migration 9) and laid over bot.toml,
whose values are the defaults: a setting made in chat wins until it is changed again in chat.

`apply_channel_settings` runs at start-up (bot/runtime.py) and after each change, so the change
takes effect at once, without a restart: the resolver and access read `BotConfig`, the digest
jobs read the property's digest channel when they fire (bot/scheduler.py).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.settings import BotConfig, PropertyConfig

DIGEST = "digest"  # the property's digest channel (one per property)
BINDING = "binding"  # a channel whose requests default to the property (one property a channel)


@dataclass(frozen=True)
class ChannelSetting:
    kind: str
    property_name: str
    channel: str
    set_by: str
    set_at: str


def stored_settings(conn: sqlite3.Connection) -> list[ChannelSetting]:
    rows = conn.execute(
        "select kind, property_name, channel, set_by, set_at from channel_settings"
        " order by set_at, kind, channel"
    ).fetchall()
    return [ChannelSetting(*r) for r in rows]


def store_setting(
    conn: sqlite3.Connection, kind: str, property_name: str, channel: str, user: str, at: datetime
) -> None:
    """Record a setting, replacing the one it supersedes (the property's digest channel, or the
    channel's binding)."""
    with conn:
        if kind == DIGEST:
            conn.execute(
                "delete from channel_settings where kind = ? and property_name = ?",
                (DIGEST, property_name),
            )
        else:
            conn.execute(
                "delete from channel_settings where kind = ? and channel = ?", (BINDING, channel)
            )
        conn.execute(
            "insert into channel_settings (kind, property_name, channel, set_by, set_at)"
            " values (?, ?, ?, ?, ?)",
            (kind, property_name, channel, user, at.isoformat(timespec="seconds")),
        )


def _property(config: BotConfig, name: str) -> PropertyConfig:
    found = config.property_named(name)
    if found is None:
        found = PropertyConfig(name=name)
        config.properties.append(found)
    return found


def apply_channel_settings(config: BotConfig, conn: sqlite3.Connection) -> None:
    """Lay the settings made in chat over bot.toml's, in the order they were made."""
    for setting in stored_settings(conn):
        prop = _property(config, setting.property_name)
        if setting.kind == DIGEST:
            prop.digest_channel = setting.channel
            continue
        for other in config.properties:
            if setting.channel in other.channels and other is not prop:
                other.channels.remove(setting.channel)
        if setting.channel not in prop.channels:
            prop.channels.append(setting.channel)


def describe_settings(conn: sqlite3.Connection) -> list[str]:
    """One line per setting made in chat, for `bot doctor`."""
    return [
        f"{'digest channel' if s.kind == DIGEST else 'channel bound'} of {s.property_name}: "
        f"{s.channel} (set in chat by {s.set_by}, {s.set_at})"
        for s in stored_settings(conn)
    ]
