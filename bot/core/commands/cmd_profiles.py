"""Room profiles, users and guest-profile object types (seeds 000, 001, 002): the account's, not a
property's, so each needs a chain-wide role (Scope.CHAIN).

Their commands carry their own `async def execute(self, ctx) -> Reply`, but SetProfile, which the
understanding builds and so is plain data in bot/core/shared/commands.py (profiles.set_profile runs it). Each phrasing names a
profile, a user or an object type explicitly and never claims a sentence about rooms, so they are
scored above the station phrasings (Score.NAMED).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from bot.core.commands.entry_parts import execute
from bot.core.commands.object_types import ListObjectTypes, SetObjectTypeMax, ShowObjectType
from bot.core.commands.profiles import (
    CreateProfile,
    FindUser,
    ListProfiles,
    ShowProfile,
    enrollment_status,
    set_profile,
    undo_profile_change,
)
from bot.core.shared.commands import Command, Role, SetProfile
from bot.core.shared.profile_settings import SETTING_WORDS, setting_key
from bot.core.shared.registry import (
    Builder,
    Entry,
    Handler,
    Scope,
    Score,
    Undoer,
    phrasing,
    register,
)


def _name(text: str) -> str:
    return text.strip().strip("\"'`").strip()


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


def rephrase_find_user(cmd: FindUser) -> str:
    if cmd.query and cmd.status:
        return f"find user {cmd.query} with status {cmd.status.lower()}"
    if cmd.query:
        return f"find user {cmd.query}"
    return f"users with status {(cmd.status or '').lower()}"


def rephrase_set_profile(cmd: SetProfile) -> str:
    if cmd.setting == "name":
        return f"rename profile {cmd.profile} to {cmd.value}"
    if cmd.setting == "check-in release":
        return f"profile {cmd.profile} release after {cmd.value} minutes without check-in"
    return f"set profile {cmd.profile} {cmd.setting} {cmd.value}"


C = TypeVar("C", bound=Command)


def _entry(
    command: type[C],
    summary: str,
    examples: tuple[str, ...],
    rephrase: Callable[[C], str],
    patterns: tuple[str, ...],
    rank: int,
    build: Builder | None = None,
    *,
    role: Role = Role.FRONT_DESK,
    undo: Undoer | None = None,
    mutating: bool = False,
    handler: Handler = execute,
) -> None:
    """An entry of the `profiles` topic; without `build`, a match makes `command()`."""
    register(
        Entry(
            command=command,
            topic="profiles",
            summary=summary,
            examples=examples,
            handler=handler,
            rephrase=rephrase,
            phrasings=(
                phrasing(*patterns, build=build or (lambda m: command()), score=Score.NAMED + rank),
            ),
            role=role,
            undo=undo,
            mutating=mutating,
            scope=Scope.CHAIN,
        )
    )


_entry(
    ListProfiles,
    "List the room profiles",
    ("profiles", "list room profiles"),
    lambda _cmd: "profiles",
    (rf"^{_LIST}(?:room\s+)?profiles$",),
    8,
)
_entry(
    CreateProfile,
    "Create a room profile (asks first)",
    ("create profile Spa timezone America/Los_Angeles address 1200 Harbor Way, Seattle WA",),
    lambda cmd: f"create profile {cmd.profile} timezone {cmd.timezone} address {cmd.address}",
    (
        rf"^{_CREATE}\s+{_TIMEZONE}\s+(?P<tz>\S+)\s+address\s+(?P<address>.+)$",
        rf"^{_CREATE}\s+address\s+(?P<address>.+?)\s+{_TIMEZONE}\s+(?P<tz>\S+)$",
    ),
    7,
    lambda m: CreateProfile(
        profile=_name(m["name"]), timezone=m["tz"], address=_name(m["address"])
    ),
    role=Role.ADMIN,
    undo=undo_profile_change,
    mutating=True,
)
_entry(
    SetProfile,
    "Change a room profile setting (only what changed is sent)",
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
        "set the max volume of Lobby to 6",
    ),
    rephrase_set_profile,
    (
        rf"^{_SET}{_PROFILE}(?P<name>.+?)\s+(?P<release>release)\s+(?:the\s+room\s+)?after\s+"
        r"(?P<value>\d+)\s*(?:min(?:ute)?s?)?\s+without\s+(?:a\s+)?check[\s-]?in$",
        rf"^(?P<rename>rename)\s+{_PROFILE}(?P<name>.+?)\s+(?:to|as)\s+(?P<value>.+)$",
        rf"^(?:set|change|update)\s+(?:the\s+)?(?P<setting>{SETTING_WORDS})\s+(?:of|for|in)\s+"
        rf"{_PROFILE}(?P<name>.+?)\s+(?:to|=)\s+(?P<value>.+)$",
        rf"^{_SET}{_PROFILE}(?P<name>.+?)(?:'s)?\s+(?P<setting>{SETTING_WORDS})"
        r"(?:\s+(?:to|=|is)\s+|\s*[=:]\s*|\s+)(?P<value>.+)$",
    ),
    6,
    _set_profile,
    role=Role.ADMIN,
    undo=undo_profile_change,
    mutating=True,
    handler=set_profile,
)
_entry(
    ShowProfile,
    "Every setting of one room profile",
    ("show profile Boardroom", "profile Lobby"),
    lambda cmd: f"show profile {cmd.profile}",
    (
        rf"^{_SHOW}{_PROFILE}(?P<name>.+)$",
        r"^(?:room\s+)?profile\s+(?P<name>.+?)(?:\s+(?:settings|details))?$",
    ),
    5,
    _named(lambda name: ShowProfile(profile=name)),
)
_entry(
    FindUser,
    "Find a user by name or e-mail, with their enrollment status",
    (
        "find user maria.lopez@harborview.example",
        "find user Maria Lopez",
        "find user chen",
        "users with status pending",
    ),
    rephrase_find_user,
    (
        r"^(?:find|search(?:\s+for)?|look\s*up|who\s+is)\s+(?:the\s+)?users?\s+(?P<query>.+?)"
        r"(?:\s+(?:with\s+)?(?:enrollment\s+)?status\s+(?P<status>\w+))?$",
        rf"^{_LIST_USERS}users\s+(?:with\s+)?(?:enrollment\s+)?status\s+(?P<status>\w+)$",
        rf"^{_LIST_USERS}(?P<status>{_STATUSES})\s+users$",
    ),
    4,
    _find_user,
)
_entry(
    ListObjectTypes,
    "Guest-profile object types and their capacity",
    ("object types", "guest profile capacity"),
    lambda _cmd: "object types",
    (
        rf"^{_LIST}{_GUEST_PROFILE}object[\s-]?types(?:\s+capacity)?$",
        r"^(?:show\s+)?(?:the\s+)?guest[\s-]?profiles?\s+capacity$",
    ),
    3,
)
_entry(
    SetObjectTypeMax,
    "Raise or lower an object type's maximum (asks first)",
    (
        "set object type GuestStay max 900",
        "set the maximum of object type SpaBooking to 400",
    ),
    lambda cmd: f"set object type {cmd.object_type} max {cmd.maximum}",
    (
        rf"^(?:set|change|update|raise|lower)\s+{_OBJECT_TYPE}\s+(?P<name>\S+?)(?:'s)?\s+{_MAX}"
        rf"(?:\s+(?:profile\s+)?(?:object\s+)?count)?\s+(?:to\s+|=\s*)?{_COUNT}$",
        rf"^(?:set|change|raise|lower)\s+(?:the\s+)?{_MAX}\s+(?:of|for)\s+{_OBJECT_TYPE}"
        rf"\s+(?P<name>\S+)\s+to\s+{_COUNT}$",
    ),
    2,
    _set_object_type_max,
    role=Role.ADMIN,
    undo=undo_profile_change,
    mutating=True,
)
_entry(
    ShowObjectType,
    "Every setting of one object type",
    ("show object type GuestStay",),
    lambda cmd: f"show object type {cmd.object_type}",
    (
        rf"^{_SHOW}{_OBJECT_TYPE}\s+(?P<name>\S+)$",
        r"^object[\s-]?type\s+(?P<name>\S+)$",
    ),
    1,
    _named(lambda name: ShowObjectType(object_type=name)),
)
