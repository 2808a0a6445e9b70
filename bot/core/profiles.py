"""Alexa for Business room profiles (seed 000) and users (seed 001) from chat.

Every change reads the profile first, sends UpdateProfile with only the fields that differ, and
writes the before and after to the audit log, which is what `undo` puts back. Ranges are checked
before anything is sent, and the refusal names the allowed range.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rapidfuzz import fuzz, process

from bot.clients.a4b import Filter, ProfileSummary, SortCriterion, User, check_profile_fields
from bot.clients.errors import ApiError, InvalidInput
from bot.core.audit import AuditEntry, Change
from bot.core.commands import Command
from bot.core.context import Ctx
from bot.core.errors import describe_error
from bot.core.object_types import capacity_notes, undo_object_type_max
from bot.core.profile_settings import (
    before_after,
    changed_fields,
    changes_for,
    describe,
    merged,
    missing_parts,
    values_at,
    without_none,
)
from bot.core.replies import Action, ActionKind, Reply, ReplyKind, Table

__all__ = [
    "PROFILE_UNDO_COMMANDS",
    "CreateProfile",
    "FindUser",
    "ListProfiles",
    "SetProfile",
    "ShowProfile",
    "capacity_notes",
    "undo_profile_change",
]

# the audit-log command names whose undo is handled here (bot/core/undo.py routes them)
PROFILE_UNDO_COMMANDS = ("SetProfile", "CreateProfile", "SetObjectTypeMax")
NEEDS_AWS = (
    "Room profiles and users live in Alexa for Business, which needs AWS credentials "
    "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or a role); ask an admin to set them."
)
NOTHING = "Nothing was changed."
_ENROLLMENT = {
    "INITIALIZED": "invited (not yet sent)",
    "PENDING": "invitation sent, not accepted yet",
    "REGISTERED": "enrolled",
    "DISASSOCIATING": "being removed from the organization",
    "DEREGISTERING": "being deregistered",
}


def _client(ctx: Ctx) -> Any:
    return getattr(ctx.s, "a4b", None)


def _no_client() -> Reply:
    return Reply(headline=NEEDS_AWS, kind=ReplyKind.ERROR)


def _failed(what: str, error: BaseException) -> Reply:
    return Reply(headline=f"Couldn't {what}: {describe_error(error)}", kind=ReplyKind.ERROR)


def _refused(error: InvalidInput) -> Reply:
    return Reply(
        headline=f"{error.message[0].upper()}{error.message[1:]}. {NOTHING}", kind=ReplyKind.ERROR
    )


async def _find_profile(ctx: Ctx, name: str) -> ProfileSummary | Reply:
    """The profile called `name` (any case); otherwise a "did you mean" question or a plain no."""
    profiles: list[ProfileSummary] = await _client(ctx).search_profiles(deadline=ctx.s.deadline)
    key = name.strip().casefold()
    exact = [p for p in profiles if p.profile_name.casefold() == key]
    if exact:
        return exact[0]
    names = [p.profile_name for p in profiles]
    close = process.extract(name, names, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    if not close:
        listed = ", ".join(names) or "none"
        return Reply(
            headline=f"There is no room profile called \u201c{name}\u201d. {NOTHING}",
            kind=ReplyKind.ERROR,
            notes=[f"Profiles: {listed}."],
        )
    return Reply(
        headline=f"There is no room profile called \u201c{name}\u201d. Did you mean one of these?",
        kind=ReplyKind.QUESTION,
        actions=[
            Action(kind=ActionKind.CHOICE, label=found, value=ctx.msg.text.replace(name, found, 1))
            for found, _score, _i in close
        ],
    )


# -- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListProfiles(Command):
    async def execute(self, ctx: Ctx) -> Reply:
        if _client(ctx) is None:
            return _no_client()
        try:
            profiles: list[ProfileSummary] = await _client(ctx).search_profiles(
                deadline=ctx.s.deadline
            )
        except ApiError as error:
            return _failed("list the room profiles", error)
        if not profiles:
            return Reply(
                headline="There are no room profiles yet.",
                notes=["Create one with `create profile <name> timezone <tz> address <address>`."],
            )
        rows = [
            [
                p.profile_name + (" (default)" if p.is_default else ""),
                p.timezone or "",
                (p.wake_word or "").title(),
                p.address or "",
            ]
            for p in profiles
        ]
        return Reply(
            headline=f"{len(profiles)} room profiles:",
            table=Table(columns=["Profile", "Time zone", "Wake word", "Address"], rows=rows),
            notes=["`show profile <name>` shows every setting of one."],
        )


@dataclass(frozen=True)
class ShowProfile(Command):
    profile: str

    async def execute(self, ctx: Ctx) -> Reply:
        if _client(ctx) is None:
            return _no_client()
        try:
            found = await _find_profile(ctx, self.profile)
            if isinstance(found, Reply):
                return found
            profile = await _client(ctx).get_profile(found.profile_arn, deadline=ctx.s.deadline)
        except ApiError as error:
            return _failed(f"read the profile {self.profile}", error)
        wire = profile.wire()
        notes = []
        if "MeetingRoomConfiguration" not in wire:
            notes.append("No meeting-room settings (reminders, instant booking, check-in) are set.")
        return Reply(
            headline=f"Room profile {profile.profile_name}:", fields=describe(wire), notes=notes
        )


# -- creating -------------------------------------------------------------------------------------


def _units_for(country: str) -> tuple[str, str]:
    return ("IMPERIAL", "FAHRENHEIT") if country == "US" else ("METRIC", "CELSIUS")


def request_token(organization_id: str, fields: dict[str, Any]) -> str:
    """The same create request always carries the same ClientRequestToken, so neither the client's
    retry after a lost answer nor staff sending it again can make a second profile."""
    text = "|".join([organization_id, *(f"{k}={fields[k]}" for k in sorted(fields))])
    return "chatops-" + hashlib.sha256(text.casefold().encode()).hexdigest()[:48]


@dataclass(frozen=True)
class CreateProfile(Command):
    profile: str
    timezone: str
    address: str

    @property
    def mutating(self) -> bool:
        return True

    async def execute(self, ctx: Ctx) -> Reply:
        client = _client(ctx)
        if client is None:
            return _no_client()
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return Reply(
                headline=f"\u201c{self.timezone}\u201d is not a time zone I know. {NOTHING}",
                kind=ReplyKind.ERROR,
                notes=["Use an IANA name such as America/New_York or Europe/Paris."],
            )
        scope = ctx.resolver.channel_property()
        country = scope.country if scope else ctx.s.default_country
        distance, temperature = _units_for(country)
        fields = {
            "ProfileName": self.profile,
            "Timezone": self.timezone,
            "Address": self.address,
            "DistanceUnit": distance,
            "TemperatureUnit": temperature,
            "WakeWord": "ALEXA",
        }
        try:
            check_profile_fields(fields)
        except InvalidInput as error:
            return _refused(error)
        token = request_token(ctx.s.organization_id, fields)
        source = (
            f"the country of {scope.name} ({country})"
            if scope
            else f"the default country ({country})"
        )
        shown = describe(fields)
        if ctx.preview:
            return Reply(
                headline=f"Preview: would create the room profile {self.profile}. {NOTHING}",
                fields=shown,
            )

        async def run() -> Reply:
            try:
                arn = await client.create_profile(
                    name=self.profile,
                    timezone=self.timezone,
                    address=self.address,
                    distance_unit=distance,
                    temperature_unit=temperature,
                    wake_word="ALEXA",
                    client_request_token=token,
                    deadline=ctx.s.deadline,
                )
            except ApiError as error:
                ctx.audit(
                    "failed",
                    targets=[self.profile],
                    detail=describe_error(error),
                    command="CreateProfile",
                )
                if getattr(error, "error_type", None) == "AlreadyExistsException":
                    return Reply(
                        headline=f"A room profile called {self.profile} already exists. {NOTHING}",
                        kind=ReplyKind.ERROR,
                        notes=[f"See it with `show profile {self.profile}`."],
                    )
                return _failed(f"create the profile {self.profile}", error)
            change = Change(
                "profile_create",
                arn,
                self.profile,
                "",
                None,
                fields,
                request_id=client.last_request_id,
            )
            ctx.audit("ok", targets=[arn], changes=[change], command="CreateProfile")
            return Reply(
                headline=f"Done: created the room profile {self.profile}.",
                kind=ReplyKind.SUCCESS,
                public=True,
                fields=[*shown, ("ARN", arn)],
            )

        return ctx.confirm(
            f"Create the room profile {self.profile}?",
            run,
            danger=False,
            fields=shown,
            notes=[
                f"Units follow {source}; the wake word is Alexa. Change them afterwards with "
                f"`profile {self.profile} units metric` or `profile {self.profile} wake word …`."
            ],
        )


# -- changing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SetProfile(Command):
    profile: str
    setting: str  # a key of profile_settings.SETTINGS
    value: str  # as typed

    @property
    def mutating(self) -> bool:
        return True

    async def execute(self, ctx: Ctx) -> Reply:
        client = _client(ctx)
        if client is None:
            return _no_client()
        try:
            wanted = changes_for(self.setting, self.value)
            check_profile_fields(wanted)
        except InvalidInput as error:
            return _refused(error)
        try:
            found = await _find_profile(ctx, self.profile)
            if isinstance(found, Reply):
                return found
            current = (await client.get_profile(found.profile_arn, deadline=ctx.s.deadline)).wire()
        except ApiError as error:
            return _failed(f"read the profile {self.profile}", error)
        name = found.profile_name
        after = merged(current, wanted)
        hint = missing_parts(after)
        if hint:
            return Reply(headline=f"To switch that on, {hint}. {NOTHING}", kind=ReplyKind.ERROR)
        diff = changed_fields(current, after)
        if not diff:
            shown = "; ".join(f"{k}: {v}" for k, v in describe(wanted))
            return Reply(headline=f"Profile {name} already has {shown}; nothing to change.")
        before = values_at(current, diff)
        lines = before_after(before, diff)
        if ctx.preview:
            return Reply(headline=f"Preview: profile {name} would change. {NOTHING}", fields=lines)
        try:
            request_id = await client.update_profile(
                found.profile_arn, diff, deadline=ctx.s.deadline
            )
        except ApiError as error:
            ctx.audit(
                "failed",
                targets=[found.profile_arn],
                detail=describe_error(error),
                command="SetProfile",
                changes=[
                    Change(
                        "profile",
                        found.profile_arn,
                        name,
                        "",
                        before,
                        diff,
                        ok=False,
                        error=describe_error(error),
                    )
                ],
            )
            if getattr(error, "error_type", None) == "NameInUseException":
                return Reply(
                    headline=f"Another room profile is already called {diff.get('ProfileName')}. "
                    f"{NOTHING}",
                    kind=ReplyKind.ERROR,
                )
            return _failed(f"change the profile {name}", error)
        change = Change("profile", found.profile_arn, name, "", before, diff, request_id=request_id)
        ctx.audit("ok", targets=[found.profile_arn], changes=[change], command="SetProfile")
        return Reply(
            headline=f"Done: profile {name} changed ({'; '.join(f'{k}: {v}' for k, v in lines)}).",
            kind=ReplyKind.SUCCESS,
            public=True,
            fields=lines,
            actions=[Action(kind=ActionKind.UNDO, label="Undo", value="undo")],
        )


async def undo_profile_change(ctx: Ctx, entry: AuditEntry) -> Reply:
    """Undo of SetProfile (previous values sent back), SetObjectTypeMax; creates are refused."""
    if entry.command == "SetObjectTypeMax":
        return await undo_object_type_max(ctx, entry)
    if entry.command == "CreateProfile":
        return Reply(
            headline=f"\u201c{entry.text}\u201d created a room profile, which cannot be undone"
            " from "
            "chat (the seed APIs have no delete).",
            kind=ReplyKind.REFUSAL,
            notes=["Delete it in the Alexa for Business console if it is not wanted."],
        )
    client = _client(ctx)
    if client is None:
        return _no_client()
    ch = entry.changes[0]
    restore = without_none(ch.before or {})
    if not restore:
        return Reply(
            headline=f"\u201c{entry.text}\u201d set values that had never been set; Amazon has no "
            "way to unset them, so there is nothing to put back.",
            kind=ReplyKind.REFUSAL,
        )
    try:
        request_id = await client.update_profile(ch.unit_id, restore, deadline=ctx.s.deadline)
    except ApiError as error:
        ctx.audit("failed", targets=[ch.unit_id], detail=describe_error(error), command="Undo")
        return _failed(f"undo \u201c{entry.text}\u201d", error)
    back = Change("profile", ch.unit_id, ch.unit_name, "", ch.after, restore, request_id=request_id)
    ctx.audit("ok", targets=[ch.unit_id], changes=[back], undoes=entry.id, command="Undo")
    lines = before_after(values_at(ch.after or {}, restore), restore)
    return Reply(
        headline=f"Undone: profile {ch.unit_name} is back "
        f"({'; '.join(f'{k}: {v}' for k, v in lines)}).",
        kind=ReplyKind.SUCCESS,
        public=True,
        fields=lines,
    )


# -- users ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindUser(Command):
    query: str | None = None
    status: str | None = None  # an EnrollmentStatus, e.g. PENDING

    async def execute(self, ctx: Ctx) -> Reply:
        client = _client(ctx)
        if client is None:
            return _no_client()
        searches = _user_searches(self.query, self.status)
        if isinstance(searches, Reply):
            return searches
        sort = [SortCriterion(key="LastName"), SortCriterion(key="FirstName")]
        found: dict[str, User] = {}
        try:
            for filters in searches:
                for user in await client.search_users(
                    filters=filters, sort=sort, deadline=ctx.s.deadline
                ):
                    found.setdefault(user.user_arn, user)
        except InvalidInput as error:
            return _refused(error)
        except ApiError as error:
            return _failed("search the users", error)
        what = " ".join(
            x
            for x in (
                self.query and f"\u201c{self.query}\u201d",
                self.status and f"with status {self.status.lower()}",
            )
            if x
        )
        if not found:
            return Reply(
                headline=f"No user matches {what}.",
                notes=["Search by first name, last name, both, or e-mail address."],
            )
        users = sorted(
            found.values(),
            key=lambda u: ((u.last_name or "").casefold(), (u.first_name or "").casefold()),
        )
        rows = [
            [
                u.full_name,
                u.email or "",
                _ENROLLMENT.get(u.enrollment_status or "", u.enrollment_status or "unknown"),
            ]
            for u in users[:50]
        ]
        notes = [f"\u2026and {len(users) - 50} more; narrow the search."] if len(users) > 50 else []
        return Reply(
            headline=f"{len(users)} user(s) matching {what}:",
            table=Table(columns=["User", "E-mail", "Enrollment"], rows=rows),
            notes=notes,
        )


_STATUS_WORDS = {
    "initialized": "INITIALIZED",
    "invited": "INITIALIZED",
    "pending": "PENDING",
    "registered": "REGISTERED",
    "enrolled": "REGISTERED",
    "disassociating": "DISASSOCIATING",
    "deregistering": "DEREGISTERING",
}


def enrollment_status(word: str) -> str | None:
    return _STATUS_WORDS.get(word.strip().lower())


def _user_searches(query: str | None, status: str | None) -> list[list[Filter]] | Reply:
    """SearchUsers filters are ANDed: one search per reading of what was typed, merged after."""
    extra = [Filter(key="EnrollmentStatus", values=[status])] if status else []
    if not query:
        if not extra:
            return Reply(
                headline="Whom should I look for? e.g. `find user maria.lopez@hotel.com`.",
                kind=ReplyKind.QUESTION,
            )
        return [extra]
    words = query.split()
    if "@" in query and len(words) == 1:
        return [[Filter(key="Email", values=[query]), *extra]]
    if len(words) == 1:
        return [
            [Filter(key=key, values=[query]), *extra] for key in ("FirstName", "LastName", "Email")
        ]
    first, last = words[0], " ".join(words[1:])
    return [
        [Filter(key="FirstName", values=[first]), Filter(key="LastName", values=[last]), *extra],
        [Filter(key="FirstName", values=[query]), *extra],
        [Filter(key="LastName", values=[query]), *extra],
    ]
