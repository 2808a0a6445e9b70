"""Where a property is: its country (which station catalog applies) and its timezone (times shown to
staff, schedules).

bot.toml wins; a property it does not list takes what an admin set in chat (kept in the database);
otherwise the place is unknown, and station changes there are refused rather than guessed (a guessed
US catalog once put a US station on a London room).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from bot.settings import BotConfig

HOW_TO_SET = "set {name} country {country} timezone {timezone}"
FALLBACK_TIMEZONE = "UTC"
# The catalog's countries by the zones a hotel name may mention ("… Paris" -> FR, Europe/Paris).
_COUNTRY_OF_ZONE = {"Europe/London": "UK", "Europe/Paris": "FR"}
_US_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
             "America/Los_Angeles", "America/Anchorage", "America/Detroit", "Pacific/Honolulu")  # fmt: skip


@dataclass(frozen=True)
class Place:
    country: str | None
    timezone: str | None
    source: str  # "bot.toml", "chat", or "" when nobody said

    @property
    def complete(self) -> bool:
        return self.country is not None and self.timezone is not None


def how_to_set(name: str) -> str:
    """The chat command an admin sends to describe a property, as a hint: with the place its name
    suggests when a word of it is a zone's city ("Rive Gauche Paris"), else London as the example."""
    zones = {z.rsplit("/", 1)[-1].casefold(): z for z in (*_COUNTRY_OF_ZONE, *_US_ZONES)}
    zone = next((zones[w] for w in name.casefold().split() if w in zones), "Europe/London")
    country = _COUNTRY_OF_ZONE.get(zone, "US")
    return HOW_TO_SET.format(name=name, country=country, timezone=zone)


def stored_place(conn: sqlite3.Connection, property_id: str) -> Place | None:
    row = conn.execute(
        "SELECT country, timezone FROM property_settings WHERE property_id = ?", (property_id,)
    ).fetchone()
    return Place(row[0], row[1], "chat") if row else None


def store_place(
    conn: sqlite3.Connection,
    property_id: str,
    name: str,
    *,
    country: str | None,
    timezone: str | None,
    by: str,
    at: datetime,
) -> Place:
    """Keep what an admin said; a value left out keeps what was set before. Returns the result."""
    before = stored_place(conn, property_id) or Place(None, None, "chat")
    after = Place(country or before.country, timezone or before.timezone, "chat")
    with conn:
        conn.execute(
            "INSERT OR REPLACE INTO property_settings"
            " (property_id, property_name, country, timezone, set_by, set_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (property_id, name, after.country, after.timezone, by, at.isoformat()),
        )
    return after


def place_of(config: BotConfig, conn: sqlite3.Connection, property_id: str, name: str) -> Place:
    """The property's place: bot.toml (by name or id), else the chat setting, else unknown."""
    listed = config.property_named(name) or config.property_named(property_id)
    if listed is not None:
        return Place(listed.country, listed.timezone, "bot.toml")
    return stored_place(conn, property_id) or Place(None, None, "")


def index_values(place: Place, default_country: str) -> tuple[str, str]:
    """What the index keeps for a property: the index needs a value, so an unknown place is kept as
    the region's country and UTC (the station check asks `place_of`, never the index)."""
    return place.country or default_country, place.timezone or FALLBACK_TIMEZONE


def incomplete_places(
    config: BotConfig, conn: sqlite3.Connection, properties: Iterable[tuple[str, str]]
) -> list[tuple[str, Place]]:
    """(name, place) of each (id, name) property whose country or timezone nobody has given."""
    found = []
    for property_id, name in properties:
        place = place_of(config, conn, property_id, name)
        if not place.complete:
            found.append((name, place))
    return found


def bot_toml_defaults(config: BotConfig) -> list[tuple[str, tuple[str, ...]]]:
    """bot.toml properties that leave their country or timezone to a default."""
    return [(p.name, p.unspecified) for p in config.properties if p.unspecified]
