"""Phrasings of the room-profile, user and guest-profile commands (seeds 000, 001, 002).

Commands defined here carry their own `async def execute(self, ctx) -> Reply`, which the engine
calls.
These rules are tried before the station rules, so each pattern names a profile, a user or an
object type explicitly and never claims a sentence about rooms.
"""

from __future__ import annotations

import re

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
from bot.core.rule import Rule


def _p(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def _name(text: str) -> str:
    return text.strip().strip("\"'`").strip()


_PROFILE = r"(?:the\s+)?(?:room\s+)?profile\s+"
_SET = r"(?:(?:set|change|update|make|turn|switch)\s+)?"
_OBJECT_TYPE = r"(?:the\s+)?(?:(?:guest[\s-]?)?profile\s+)?object[\s-]?type"
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


def _count(text: str) -> int:
    return int(re.sub(r"[,_\s]", "", text))


PROFILE_RULES: tuple[Rule, ...] = (
    Rule(
        topic="profiles",
        summary="List the room profiles",
        patterns=_p(r"^(?:list\s+|show\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?(?:room\s+)?profiles$"),
        build=lambda m: ListProfiles(),
        examples=("profiles", "list room profiles"),
        command=ListProfiles,
    ),
    Rule(
        topic="profiles",
        summary="Create a room profile (asks first)",
        patterns=_p(
            rf"^(?:create|add|new)\s+(?:a\s+)?(?:new\s+)?{_PROFILE}(?P<name>.+?)\s+(?:time\s*zone|tz)\s+"
            r"(?P<tz>\S+)\s+address\s+(?P<address>.+)$",
            rf"^(?:create|add|new)\s+(?:a\s+)?(?:new\s+)?{_PROFILE}(?P<name>.+?)\s+address\s+(?P<address>.+?)"
            r"\s+(?:time\s*zone|tz)\s+(?P<tz>\S+)$",
        ),
        build=lambda m: CreateProfile(
            profile=_name(m["name"]), timezone=m["tz"], address=_name(m["address"])
        ),
        examples=(
            "create profile Spa timezone America/Los_Angeles address 1200 Harbor Way, Seattle WA",
        ),
        role=Role.ADMIN,
        command=CreateProfile,
    ),
    Rule(
        topic="profiles",
        summary="Change a room profile setting (only what changed is sent)",
        patterns=_p(
            rf"^{_SET}{_PROFILE}(?P<name>.+?)\s+(?P<release>release)\s+(?:the\s+room\s+)?after\s+"
            r"(?P<value>\d+)\s*(?:min(?:ute)?s?)?\s+without\s+(?:a\s+)?check[\s-]?in$",
            rf"^(?P<rename>rename)\s+{_PROFILE}(?P<name>.+?)\s+(?:to|as)\s+(?P<value>.+)$",
            rf"^(?:set|change|update)\s+(?:the\s+)?(?P<setting>{SETTING_WORDS})\s+(?:of|for|in)\s+{_PROFILE}"
            r"(?P<name>.+?)\s+(?:to|=)\s+(?P<value>.+)$",
            rf"^{_SET}{_PROFILE}(?P<name>.+?)(?:'s)?\s+(?P<setting>{SETTING_WORDS})"
            r"(?:\s+(?:to|=|is)\s+|\s*[=:]\s*|\s+)(?P<value>.+)$",
        ),
        build=_set_profile,
        examples=(
            "set profile Lobby max volume 7",
            "profile Lobby wake word computer",
            "profile Lobby data retention on",
            "profile Lobby data retention off",
            "profile Lobby pstn off",
            "profile Boardroom end of meeting reminder 5 and 10 minutes chime",
            "profile Boardroom instant booking 30 minutes",
            "profile Boardroom release after 10 minutes without check-in",
            "profile Boardroom room utilization metrics on",
            "profile Lobby units metric",
            "rename profile Lobby to Reception",
        ),
        role=Role.ADMIN,
        command=SetProfile,
    ),
    Rule(
        topic="profiles",
        summary="Every setting of one room profile",
        patterns=_p(
            rf"^(?:show|get|describe|read|view|check)\s+(?:me\s+)?{_PROFILE}(?P<name>.+)$",
            r"^(?:room\s+)?profile\s+(?P<name>.+?)(?:\s+(?:settings|details))?$",
        ),
        build=lambda m: ShowProfile(profile=_name(m["name"])) if _name(m["name"]) else None,
        examples=("show profile Boardroom", "profile Lobby"),
        command=ShowProfile,
    ),
    Rule(
        topic="profiles",
        summary="Find a user by name or e-mail, with their enrollment status",
        patterns=_p(
            r"^(?:find|search(?:\s+for)?|look\s*up|who\s+is)\s+(?:the\s+)?users?\s+(?P<query>.+?)"
            r"(?:\s+(?:with\s+)?(?:enrollment\s+)?status\s+(?P<status>\w+))?$",
            r"^(?:list\s+|show\s+|find\s+)?(?:all\s+)?(?:the\s+)?users\s+(?:with\s+)?(?:enrollment\s+)?status\s+"
            r"(?P<status>\w+)$",
            rf"^(?:list\s+|show\s+|find\s+)?(?:all\s+)?(?:the\s+)?(?P<status>{_STATUSES})\s+users$",
        ),
        build=_find_user,
        examples=(
            "find user maria.lopez@harborview.example",
            "find user Maria Lopez",
            "find user chen",
            "users with status pending",
        ),
        command=FindUser,
    ),
    Rule(
        topic="profiles",
        summary="Guest-profile object types and their capacity",
        patterns=_p(
            r"^(?:list\s+|show\s+(?:me\s+)?)?(?:all\s+)?(?:the\s+)?(?:(?:guest[\s-]?)?profile\s+)?object[\s-]?types"
            r"(?:\s+capacity)?$",
            r"^(?:show\s+)?(?:the\s+)?guest[\s-]?profiles?\s+capacity$",
        ),
        build=lambda m: ListObjectTypes(),
        examples=("object types", "guest profile capacity"),
        command=ListObjectTypes,
    ),
    Rule(
        topic="profiles",
        summary="Raise or lower an object type's maximum (asks first)",
        patterns=_p(
            rf"^(?:set|change|update|raise|lower)\s+{_OBJECT_TYPE}\s+(?P<name>\S+?)(?:'s)?\s+"
            r"(?:max(?:imum)?|limit|capacity)(?:\s+(?:profile\s+)?(?:object\s+)?count)?\s+(?:to\s+|=\s*)?"
            r"(?P<n>\d[\d,_]*)$",
            rf"^(?:set|change|raise|lower)\s+(?:the\s+)?(?:max(?:imum)?|limit|capacity)\s+(?:of|for)\s+{_OBJECT_TYPE}"
            r"\s+(?P<name>\S+)\s+to\s+(?P<n>\d[\d,_]*)$",
        ),
        build=lambda m: SetObjectTypeMax(object_type=_name(m["name"]), maximum=_count(m["n"])),
        examples=(
            "set object type GuestStay max 900",
            "set the maximum of object type SpaBooking to 400",
        ),
        role=Role.ADMIN,
        command=SetObjectTypeMax,
    ),
    Rule(
        topic="profiles",
        summary="Every setting of one object type",
        patterns=_p(
            rf"^(?:show|get|describe|read|view|check)\s+(?:me\s+)?{_OBJECT_TYPE}\s+(?P<name>\S+)$",
            r"^object[\s-]?type\s+(?P<name>\S+)$",
        ),
        build=lambda m: ShowObjectType(object_type=_name(m["name"])),
        examples=("show object type GuestStay",),
        command=ShowObjectType,
    ),
)
