"""Phrasings of the room-profile, user and guest-profile commands (seeds 000, 001, 002).

Commands defined here carry their own `async def execute(self, ctx) -> Reply`, which the engine
calls.
These rules are tried before the station rules, so each pattern names a profile, a user or an
object type explicitly and never claims a sentence about rooms.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.core.commands import Command, Role
from bot.core.object_types import ListObjectTypes, SetObjectTypeMax, ShowObjectType
from bot.core.profile_settings import SETTING_WORDS, setting_key
from bot.core.profiles import (
    CreateProfile,
    FindUser,
    ListProfiles,
    SetProfile,
    ShowProfile,
    enrollment_status,
)
from bot.core.understanding.rule import Builder, Rule


def _name(text: str) -> str:
    return text.strip().strip("\"'`").strip()


def _rule(
    command: type[Command],
    summary: str,
    patterns: tuple[str, ...],
    examples: tuple[str, ...],
    build: Builder | None = None,
    role: Role = Role.FRONT_DESK,
) -> Rule:
    """A rule of the `profiles` help topic; without `build`, a match makes `command()`."""
    return Rule(
        topic="profiles",
        summary=summary,
        patterns=tuple(re.compile(p, re.IGNORECASE) for p in patterns),
        build=build or (lambda m: command()),
        examples=examples,
        role=role,
        command=command,
    )


def _named(make: Callable[[str], Command]) -> Builder:
    """The builder of a command about the one thing the match names as `name` (None if blank)."""

    def build(m: re.Match[str]) -> Command | None:
        name = _name(m["name"])
        return make(name) if name else None

    return build


_PROFILE = r"(?:the\s+)?(?:room\s+)?profile\s+"
_SET = r"(?:(?:set|change|update|make|turn|switch)\s+)?"
_SHOW = r"(?:show|get|describe|read|view|check)\s+(?:me\s+)?"
_LIST = r"(?:list\s+|show\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?"
_LIST_USERS = r"(?:list\s+|show\s+|find\s+)?(?:all\s+)?(?:the\s+)?"
_CREATE = rf"(?:create|add|new)\s+(?:a\s+)?(?:new\s+)?{_PROFILE}(?P<name>.+?)"
_TIMEZONE = r"(?:time\s*zone|tz)"
_GUEST_PROFILE = r"(?:(?:guest[\s-]?)?profile\s+)?"
_OBJECT_TYPE = rf"(?:the\s+)?{_GUEST_PROFILE}object[\s-]?type"
_MAX = r"(?:max(?:imum)?|limit|capacity)"
_COUNT = r"(?P<n>\d[\d,_]*)"
_STATUSES = r"initialized|invited|pending|registered|enrolled|disassociating|deregistering"


def _set_profile(m: re.Match[str]) -> Command | None:
    groups = m.groupdict()
    if groups.get("release"):
        key: str | None = "check-in release"
    elif groups.get("rename"):
        key = "name"
    else:
        key = setting_key(m["setting"])
    name, value = _name(m["name"]), m["value"].strip()
    if key is None or not name or not value:
        return None
    return SetProfile(profile=name, setting=key, value=value)


def _find_user(m: re.Match[str]) -> Command | None:
    groups = m.groupdict()
    query = _name(groups.get("query") or "") or None
    word = groups.get("status")
    status = (enrollment_status(word) or word.upper()) if word else None
    if query is None and status is None:
        return None
    return FindUser(query=query, status=status)


def _set_object_type_max(m: re.Match[str]) -> Command:
    return SetObjectTypeMax(
        object_type=_name(m["name"]), maximum=int(re.sub(r"[,_\s]", "", m["n"]))
    )


PROFILE_RULES: tuple[Rule, ...] = (
    _rule(
        ListProfiles,
        "List the room profiles",
        (rf"^{_LIST}(?:room\s+)?profiles$",),
        ("profiles", "list room profiles"),
    ),
    _rule(
        CreateProfile,
        "Create a room profile (asks first)",
        (
            rf"^{_CREATE}\s+{_TIMEZONE}\s+(?P<tz>\S+)\s+address\s+(?P<address>.+)$",
            rf"^{_CREATE}\s+address\s+(?P<address>.+?)\s+{_TIMEZONE}\s+(?P<tz>\S+)$",
        ),
        ("create profile Spa timezone America/Los_Angeles address 1200 Harbor Way, Seattle WA",),
        build=lambda m: CreateProfile(
            profile=_name(m["name"]), timezone=m["tz"], address=_name(m["address"])
        ),
        role=Role.ADMIN,
    ),
    _rule(
        SetProfile,
        "Change a room profile setting (only what changed is sent)",
        (
            rf"^{_SET}{_PROFILE}(?P<name>.+?)\s+(?P<release>release)\s+(?:the\s+room\s+)?after\s+"
            r"(?P<value>\d+)\s*(?:min(?:ute)?s?)?\s+without\s+(?:a\s+)?check[\s-]?in$",
            rf"^(?P<rename>rename)\s+{_PROFILE}(?P<name>.+?)\s+(?:to|as)\s+(?P<value>.+)$",
            rf"^(?:set|change|update)\s+(?:the\s+)?(?P<setting>{SETTING_WORDS})\s+(?:of|for|in)\s+"
            rf"{_PROFILE}(?P<name>.+?)\s+(?:to|=)\s+(?P<value>.+)$",
            rf"^{_SET}{_PROFILE}(?P<name>.+?)(?:'s)?\s+(?P<setting>{SETTING_WORDS})"
            r"(?:\s+(?:to|=|is)\s+|\s*[=:]\s*|\s+)(?P<value>.+)$",
        ),
        (
            "set profile Lobby max volume 7",
            "profile Lobby wake word computer",
            "profile Lobby data retention on",
            "profile Lobby data retention off",
            "profile Lobby pstn off",
            "profile Boardroom end of meeting reminder 5 minutes chime",
            "profile Boardroom instant booking 30 minutes",
            "profile Boardroom release after 10 minutes without check-in",
            "profile Boardroom room utilization metrics on",
            "profile Lobby units metric",
            "rename profile Lobby to Reception",
        ),
        build=_set_profile,
        role=Role.ADMIN,
    ),
    _rule(
        ShowProfile,
        "Every setting of one room profile",
        (
            rf"^{_SHOW}{_PROFILE}(?P<name>.+)$",
            r"^(?:room\s+)?profile\s+(?P<name>.+?)(?:\s+(?:settings|details))?$",
        ),
        ("show profile Boardroom", "profile Lobby"),
        build=_named(lambda name: ShowProfile(profile=name)),
    ),
    _rule(
        FindUser,
        "Find a user by name or e-mail, with their enrollment status",
        (
            r"^(?:find|search(?:\s+for)?|look\s*up|who\s+is)\s+(?:the\s+)?users?\s+(?P<query>.+?)"
            r"(?:\s+(?:with\s+)?(?:enrollment\s+)?status\s+(?P<status>\w+))?$",
            rf"^{_LIST_USERS}users\s+(?:with\s+)?(?:enrollment\s+)?status\s+(?P<status>\w+)$",
            rf"^{_LIST_USERS}(?P<status>{_STATUSES})\s+users$",
        ),
        (
            "find user maria.lopez@harborview.example",
            "find user Maria Lopez",
            "find user chen",
            "users with status pending",
        ),
        build=_find_user,
    ),
    _rule(
        ListObjectTypes,
        "Guest-profile object types and their capacity",
        (
            rf"^{_LIST}{_GUEST_PROFILE}object[\s-]?types(?:\s+capacity)?$",
            r"^(?:show\s+)?(?:the\s+)?guest[\s-]?profiles?\s+capacity$",
        ),
        ("object types", "guest profile capacity"),
    ),
    _rule(
        SetObjectTypeMax,
        "Raise or lower an object type's maximum (asks first)",
        (
            rf"^(?:set|change|update|raise|lower)\s+{_OBJECT_TYPE}\s+(?P<name>\S+?)(?:'s)?\s+{_MAX}"
            rf"(?:\s+(?:profile\s+)?(?:object\s+)?count)?\s+(?:to\s+|=\s*)?{_COUNT}$",
            rf"^(?:set|change|raise|lower)\s+(?:the\s+)?{_MAX}\s+(?:of|for)\s+{_OBJECT_TYPE}"
            rf"\s+(?P<name>\S+)\s+to\s+{_COUNT}$",
        ),
        (
            "set object type GuestStay max 900",
            "set the maximum of object type SpaBooking to 400",
        ),
        build=_set_object_type_max,
        role=Role.ADMIN,
    ),
    _rule(
        ShowObjectType,
        "Every setting of one object type",
        (
            rf"^{_SHOW}{_OBJECT_TYPE}\s+(?P<name>\S+)$",
            r"^object[\s-]?type\s+(?P<name>\S+)$",
        ),
        ("show object type GuestStay",),
        build=_named(lambda name: ShowObjectType(object_type=name)),
    ),
)
