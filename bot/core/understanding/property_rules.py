"""Phrasings of `set <property> country … timezone …` (admins), in the rule style of
profile_rules.py so the parser's registry can take them over as they are.

Tried before the station rules: every pattern needs the word "country" or "timezone" right after the
property name, which no station phrasing has.
"""

from __future__ import annotations

import re

from bot.core.commands import Command, Role
from bot.core.property_place import SetPropertyPlace
from bot.core.understanding.rule import Rule

_SET = r"^(?:set|change|update)\s+(?:the\s+)?(?:property\s+|hotel\s+)?"
# the name never spans the keywords, so "X timezone Y and country Z" is not read as property "X timezone Y"
_NAME = r"(?P<name>(?:(?!\s(?:country|time\s*zone|tz)\s).)+?)(?:'s)?"
_COUNTRY = r"country\s+(?:to\s+|=\s*|is\s+)?(?P<country>[A-Za-z][A-Za-z. ]*?)"
_TIMEZONE = r"(?:time\s*zone|tz)\s+(?:to\s+|=\s*|is\s+)?(?P<tz>[A-Za-z][\w/+-]*)"
_AND = r"\s+(?:and\s+)?"


def _build(m: re.Match[str]) -> Command | None:
    groups = m.groupdict()
    name = (groups.get("name") or "").strip().strip("\"'`").strip()
    country = (groups.get("country") or "").strip() or None
    timezone = groups.get("tz") or None
    if not name or (country is None and timezone is None):
        return None
    return SetPropertyPlace(property_name=name, country=country, timezone=timezone)


PROPERTY_RULES: tuple[Rule, ...] = (
    Rule(
        topic="hierarchy",
        summary="Say which country and timezone a property is in (when bot.toml does not)",
        # "the country of X to Y" first: the general forms would read "the" as a property name
        patterns=tuple(
            re.compile(p, re.IGNORECASE)
            for p in (
                r"^(?:set|change)\s+the\s+country\s+of\s+(?P<name>.+?)\s+to\s+"
                r"(?P<country>[A-Za-z][A-Za-z. ]*?)$",
                r"^(?:set|change)\s+the\s+(?:time\s*zone|tz)\s+of\s+(?P<name>.+?)\s+to\s+"
                r"(?P<tz>[A-Za-z][\w/+-]*)$",
                rf"{_SET}{_NAME}\s+{_COUNTRY}(?:{_AND}{_TIMEZONE})?$",
                rf"{_SET}{_NAME}\s+{_TIMEZONE}(?:{_AND}{_COUNTRY})?$",
            )
        ),
        build=_build,
        examples=(
            "set Kensington Gardens London country UK timezone Europe/London",
            "set Kensington Gardens London country UK",
            "set Kensington Gardens London timezone Europe/London",
        ),
        role=Role.ADMIN,
        command=SetPropertyPlace,
    ),
)
