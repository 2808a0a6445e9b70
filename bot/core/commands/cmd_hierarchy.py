"""Adding, renaming and deleting properties, room types and rooms, and a property's country and
timezone (admins). An add is undone by a delete; a delete can never be undone."""

from __future__ import annotations

import re

from bot.core.changes.undo import undo_add, undo_rename
from bot.core.commands.entry_parts import name_of, where
from bot.core.commands.hierarchy import add_unit, delete_unit, rename_unit
from bot.core.commands.property_place import set_property_place
from bot.core.shared import commands as c
from bot.core.shared.commands import Command, Level, Role, SetPropertyPlace
from bot.core.shared.registry import Entry, Scope, Score, phrasing, register

_LEVEL = r"(?P<level>property|hotel|room[\s-]?type|room)"
_LEVEL_WORD = {Level.PROPERTY: "property", Level.ROOM_TYPE: "room type", Level.ROOM: "room"}


def _level(word: str) -> Level:
    word = word.lower().replace("-", " ")
    if word.startswith("prop") or word.startswith("hotel"):
        return Level.PROPERTY
    if "type" in word:
        return Level.ROOM_TYPE
    return Level.ROOM


def rephrase_add(cmd: c.AddUnit) -> str:
    if cmd.level == Level.ROOM:
        return f"add room {cmd.unit_name} to {cmd.parent}{where(cmd.property_name)}"
    return f"add {_LEVEL_WORD[cmd.level]} {cmd.unit_name}{where(cmd.property_name)}"


register(
    Entry(
        command=c.AddUnit,
        topic="hierarchy",
        summary="Add a room, a room type or a property",
        examples=(
            "add room 250 to Deluxe King at Harbor View Seattle",
            "add room type Ocean View at Lakeside Chicago",
            "add property Bayside Miami",
        ),
        handler=add_unit,
        rephrase=rephrase_add,
        role=Role.ADMIN,
        undo=undo_add,
        phrasings=(
            phrasing(
                r"^(?:add|create|new)\s+(?:a\s+)?room\s+(?P<name>\S+)\s+(?:to|in|under|as)\s+(?:room[\s-]?type\s+)?(?P<parent>.+?)"
                r"(?:\s+(?:at|@)\s+(?P<prop>.+))?$",
                r"^(?:add|create|new)\s+(?:a\s+)?(?P<level>room[\s-]?type)\s+(?P<name>.+?)(?:\s+(?:at|to|in|@)\s+(?P<prop>.+))?$",
                r"^(?:add|create|new)\s+(?:a\s+)?(?P<level>property|hotel)\s+(?P<name>.+)$",
                build=lambda m: c.AddUnit(
                    level=_level(m.groupdict().get("level") or "room"),
                    unit_name=m["name"].strip().strip("\"'"),
                    parent=name_of(m.groupdict().get("parent")),
                    property_name=name_of(m.groupdict().get("prop")),
                ),
                score=Score.ROOMS + 2,
            ),
        ),
        mutating=True,
        scope=Scope.LEVEL,
        undone_as=c.DeleteUnit,
    )
)
register(
    Entry(
        command=c.RenameUnit,
        topic="hierarchy",
        summary="Rename a room, a room type or a property",
        examples=(
            "rename room 250 to 251 at Harbor View Seattle",
            "rename room type Ocean View to Sea View at Lakeside Chicago",
        ),
        handler=rename_unit,
        rephrase=lambda cmd: (
            f"rename {_LEVEL_WORD[cmd.level]} {cmd.old} to {cmd.new}{where(cmd.property_name)}"
        ),
        role=Role.ADMIN,
        undo=undo_rename,
        phrasings=(
            phrasing(
                rf"^(?:rename|change\s+the\s+name\s+of)\s+{_LEVEL}\s+(?P<old>.+?)\s+(?:to|as|->)\s+(?P<new>.+?)"
                r"(?:\s+(?:at|@)\s+(?P<prop>[A-Za-z].*))?$",
                build=lambda m: c.RenameUnit(
                    level=_level(m["level"]),
                    old=m["old"].strip().lstrip("#"),
                    new=m["new"].strip().strip("\"'"),
                    property_name=name_of(m["prop"]),
                ),
                score=Score.ROOMS + 1,
            ),
        ),
        mutating=True,
        scope=Scope.LEVEL,
    )
)
register(
    Entry(
        command=c.DeleteUnit,
        topic="hierarchy",
        summary="Delete a room, a room type or a property (asks first)",
        examples=(
            "delete room 251 at Harbor View Seattle",
            "delete room type Sea View at Lakeside Chicago",
        ),
        handler=delete_unit,
        rephrase=lambda cmd: (
            f"delete {_LEVEL_WORD[cmd.level]} {cmd.unit_name}{where(cmd.property_name)}"
        ),
        role=Role.ADMIN,
        phrasings=(
            phrasing(
                rf"^(?:delete|remove|drop|destroy)\s+{_LEVEL}\s+(?P<name>.+?)(?:\s+(?:at|@|from)\s+(?P<prop>[A-Za-z].*))?$",
                build=lambda m: c.DeleteUnit(
                    level=_level(m["level"]),
                    unit_name=m["name"].strip().lstrip("#"),
                    property_name=name_of(m["prop"]),
                ),
                score=Score.ROOMS,
            ),
        ),
        mutating=True,
        scope=Scope.LEVEL,
        undo_refusal="a delete, which cannot be undone",
    )
)

# --- a property's country and timezone -------------------------------------------------------------
_SET = r"^(?:set|change|update)\s+(?:the\s+)?(?:property\s+|hotel\s+)?"
# the name never spans the keywords, so "X timezone Y and country Z" is not read as property "X timezone Y"
_NAME = r"(?P<name>(?:(?!\s(?:country|time\s*zone|tz)\s).)+?)(?:'s)?"
_COUNTRY = r"country\s+(?:to\s+|=\s*|is\s+)?(?P<country>[A-Za-z][A-Za-z. ]*?)"
_TIMEZONE = r"(?:time\s*zone|tz)\s+(?:to\s+|=\s*|is\s+)?(?P<tz>[A-Za-z][\w/+-]*)"
_AND = r"\s+(?:and\s+)?"


def _place(m: re.Match[str]) -> Command | None:
    groups = m.groupdict()
    name = (groups.get("name") or "").strip().strip("\"'`").strip()
    country = (groups.get("country") or "").strip() or None
    timezone = groups.get("tz") or None
    if not name or (country is None and timezone is None):
        return None
    if re.search(r"\s(?:to|in|at|on)$", name, re.I):
        return None  # "set oldies to country at redwood": the station Country, not a place
    return SetPropertyPlace(property_name=name, country=country, timezone=timezone)


def rephrase_place(cmd: SetPropertyPlace) -> str:
    parts = [f"set {cmd.property_name}"]
    if cmd.country:
        parts.append(f"country {cmd.country}")
    if cmd.timezone:
        parts.append(f"timezone {cmd.timezone}")
    return " ".join(parts)


register(
    Entry(
        command=SetPropertyPlace,
        topic="hierarchy",
        summary="Say which country and timezone a property is in (when bot.toml does not)",
        examples=(
            "set Kensington Gardens London country UK timezone Europe/London",
            "set Kensington Gardens London country UK",
            "set Kensington Gardens London timezone Europe/London",
            "Harbor View Seattle country US",
            "set country of Rive Gauche to France",
        ),
        handler=set_property_place,
        rephrase=rephrase_place,
        role=Role.ADMIN,
        # every pattern needs "country" or "timezone" right after the property's name, which no
        # station phrasing has; "the country of X to Y" first: the general forms would read "the"
        # as a property's name
        phrasings=(
            phrasing(
                r"^(?:set|change)\s+the\s+country\s+of\s+(?P<name>.+?)\s+to\s+"
                r"(?P<country>[A-Za-z][A-Za-z. ]*?)$",
                r"^(?:set|change)\s+the\s+(?:time\s*zone|tz)\s+of\s+(?P<name>.+?)\s+to\s+"
                r"(?P<tz>[A-Za-z][\w/+-]*)$",
                rf"{_SET}{_NAME}\s+{_COUNTRY}(?:{_AND}{_TIMEZONE})?$",
                rf"{_SET}{_NAME}\s+{_TIMEZONE}(?:{_AND}{_COUNTRY})?$",
                build=_place,
                score=Score.NAMED,
            ),
        ),
        mutating=True,
    )
)
