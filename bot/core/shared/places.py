"""A country and a timezone as staff type them: "England" -> "UK", "europe/london" -> "Europe/London".

Pure words, no I/O: the understanding reads a property's place with them (bot/core/understanding/
reading.py) and the command that stores it checks them (bot/core/commands/property_place.py).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.settings import COUNTRY_ALIASES, KNOWN_COUNTRIES

# Country names staff type, to the station catalog's codes.
COUNTRY_WORDS = {
    "USA": "US", "UNITED STATES": "US", "AMERICA": "US", "GB": "UK", "GREAT BRITAIN": "UK",
    "BRITAIN": "UK", "ENGLAND": "UK", "UNITED KINGDOM": "UK", "FRANCE": "FR",
}  # fmt: skip


def country_code(text: str) -> str | None:
    word = " ".join(text.upper().replace(".", "").split())
    code = COUNTRY_WORDS.get(word) or COUNTRY_ALIASES.get(word, word)
    return code if code in KNOWN_COUNTRIES else None


def timezone_name(text: str) -> str | None:
    """The IANA zone as the tz database spells it ("europe/london" -> "Europe/London")."""
    try:
        ZoneInfo(text)
        return text
    except (ZoneInfoNotFoundError, ValueError):
        pass
    wanted = text.casefold()
    import zoneinfo

    return next((z for z in zoneinfo.available_timezones() if z.casefold() == wanted), None)
