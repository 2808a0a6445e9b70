"""Where a property is: its country (which station catalog applies) and its timezone (times shown to
staff, schedules).

bot.toml wins; a property it does not list takes what an admin set in chat (kept in the database);
otherwise the place is unknown, and station changes there are refused rather than guessed (a guessed
US catalog once put a US station on a London room).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.core.ledger.settings_store import Place, SettingsStore
from bot.settings import BotConfig

__all__ = ["Place", "place_of", "store_place", "stored_place"]

HOW_TO_SET = "set {name} country {country} timezone {timezone}"
# When the name says nothing about the place: placeholders to fill in, never a guess (a guessed
# "UK, Europe/London" for a Seattle hotel reads like the bot's own belief).
UNKNOWN_PLACE = ("<US, UK or FR>", "<zone, e.g. America/New_York>")
FALLBACK_TIMEZONE = "UTC"
# The catalog's countries by the zones a hotel name may mention ("… Paris" -> FR, Europe/Paris).
_COUNTRY_OF_ZONE = {"Europe/London": "UK", "Europe/Paris": "FR"}
_US_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix",
             "America/Los_Angeles", "America/Anchorage", "America/Detroit", "Pacific/Honolulu")  # fmt: skip
# Cities a hotel name may end with that are not the name of their own zone.
_ZONE_OF_CITY = {
    "seattle": "America/Los_Angeles", "portland": "America/Los_Angeles",
    "san francisco": "America/Los_Angeles", "san diego": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles", "miami": "America/New_York", "boston": "America/New_York",
    "orlando": "America/New_York", "atlanta": "America/New_York", "washington": "America/New_York",
    "philadelphia": "America/New_York", "dallas": "America/Chicago", "houston": "America/Chicago",
    "austin": "America/Chicago", "new orleans": "America/Chicago", "nashville": "America/Chicago",
    "minneapolis": "America/Chicago", "salt lake city": "America/Denver", "honolulu": "Pacific/Honolulu",
    "manchester": "Europe/London", "edinburgh": "Europe/London", "nice": "Europe/Paris",
    "lyon": "Europe/Paris", "marseille": "Europe/Paris",
}  # fmt: skip


def _zone_in_name(name: str) -> str | None:
    """The zone of a city named in the hotel's name, or None when the name names none we know."""
    cities = {
        z.rsplit("/", 1)[-1].replace("_", " ").casefold(): z
        for z in (*_COUNTRY_OF_ZONE, *_US_ZONES)
    }
    cities.update(_ZONE_OF_CITY)
    words = f" {' '.join(name.casefold().split())} "
    return next((zone for city, zone in cities.items() if f" {city} " in words), None)


def how_to_set(name: str) -> str:
    """The chat command an admin sends to describe a property, as a hint: with the place its name
    suggests when it names a city we know ("Rive Gauche Paris", "Harbor View Seattle"), else with
    placeholders to fill in."""
    return HOW_TO_SET.format(
        name=name, country=suggested_country(name), timezone=suggested_zone(name)
    )


def suggested_country(name: str) -> str:
    """The country a hint shows: the one of a city in the name, else a placeholder."""
    zone = _zone_in_name(name)
    return UNKNOWN_PLACE[0] if zone is None else _COUNTRY_OF_ZONE.get(zone, "US")


def suggested_zone(name: str, country: str | None = None) -> str:
    """The zone a hint shows: a city's in the name, else the one zone of a one-zone country (UK,
    FR), else a placeholder."""
    zone = _zone_in_name(name)
    if zone is not None:
        return zone
    only = [z for z, c in _COUNTRY_OF_ZONE.items() if c == country]
    return only[0] if len(only) == 1 else UNKNOWN_PLACE[1]


def stored_place(store: SettingsStore, property_id: str) -> Place | None:
    """What an admin set in chat (in the database every replica shares)."""
    return store.place(property_id)


def store_place(
    store: SettingsStore,
    property_id: str,
    name: str,
    *,
    country: str | None,
    timezone: str | None,
    by: str,
    at: datetime,
) -> Place:
    """Keep what an admin said; a value left out keeps what was set before. Returns the result."""
    before = stored_place(store, property_id) or Place(None, None, "chat")
    after = Place(country or before.country, timezone or before.timezone, "chat")
    store.save_place(property_id, name, after, by, at)
    return after


def place_of(config: BotConfig, store: SettingsStore, property_id: str, name: str) -> Place:
    """The property's place: bot.toml (by name or id), else the chat setting, else unknown."""
    listed = config.property_named(name) or config.property_named(property_id)
    if listed is not None:
        return Place(listed.country, listed.timezone, "bot.toml")
    return stored_place(store, property_id) or Place(None, None, "")


def index_values(place: Place, default_country: str) -> tuple[str, str]:
    """What the index keeps for a property: the index needs a value, so an unknown place is kept as
    the region's country and UTC (the station check asks `place_of`, never the index)."""
    return place.country or default_country, place.timezone or FALLBACK_TIMEZONE


def incomplete_places(
    config: BotConfig, store: SettingsStore, properties: Iterable[tuple[str, str]]
) -> list[tuple[str, Place]]:
    """(name, place) of each (id, name) property whose country or timezone nobody has given."""
    found = []
    for property_id, name in properties:
        place = place_of(config, store, property_id, name)
        if not place.complete:
            found.append((name, place))
    return found


def bot_toml_defaults(config: BotConfig) -> list[tuple[str, tuple[str, ...]]]:
    """bot.toml properties that leave their country or timezone to a default."""
    return [(p.name, p.unspecified) for p in config.properties if p.unspecified]
