"""Alexa for Business room profiles (seed 000) and users (seed 001) from chat.

Every change reads the profile first, sends UpdateProfile with only the fields that differ, and
writes the before and after to the audit log, which is what `undo` puts back. Ranges are checked
before anything is sent, and the refusal names the allowed range.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rapidfuzz import fuzz, process

from bot.clients.a4b import (
    Filter,
    Profile,
    SortCriterion,
    User,
    check_profile_fields,
)
from bot.clients.errors import ApiError, InvalidInput
from bot.core.access.context import Ctx
from bot.core.changes.profile_changes import NOTHING, failed, refused, send_audited, undoable
from bot.core.commands.object_types import undo_object_type_max
from bot.core.ledger.audit import AuditEntry, Change
from bot.core.shared.commands import Command, SetProfile
from bot.core.shared.ports import A4BPort
from bot.core.shared.profile_settings import (
    before_after,
    changed_fields,
    changes_for,
    describe,
    merged,
    missing_parts,
    values_at,
    without_none,
)
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind, Table
from bot.core.understanding.text import plural
from bot.json_types import JsonMapping, as_object, thaw

__all__ = [
    "PROFILE_UNDO_COMMANDS",
    "CreateProfile",
    "FindUser",
    "ListProfiles",
    "ShowProfile",
    "set_profile",
    "undo_profile_change",
]

# the audit-log command names whose undo is handled here (bot/core/changes/undo.py routes them)
PROFILE_UNDO_COMMANDS = ("SetProfile", "CreateProfile", "SetObjectTypeMax")
NEEDS_AWS = (
    "Room profiles and users live in Alexa for Business, which needs AWS credentials "
    "(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile or a role); ask an admin to set them."
)
_ENROLLMENT = {
    "INITIALIZED": "invited (not yet sent)",
    "PENDING": "invitation sent, not accepted yet",
    "REGISTERED": "enrolled",
    "DISASSOCIATING": "being removed from the organization",
    "DEREGISTERING": "being deregistered",
}


def _client(ctx: Ctx) -> A4BPort | None:
    client = ctx.s.a4b
    return client


def _no_client() -> Reply:
    return Reply(headline=NEEDS_AWS, kind=ReplyKind.ERROR)


def _inline(lines: list[tuple[str, str]]) -> str:
    return "; ".join(f"{label}: {value}" for label, value in lines)


def _said_once(headline: str, lines: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """`headline` ending with the change: one line goes inline (no field repeating it), several go
    in the fields, so each `Max volume: 5 → 7` is shown exactly once."""
    if len(lines) == 1:
        return f"{headline} ({_inline(lines)}).", []
    return f"{headline}:", lines


@dataclass(frozen=True)
class _A4BCommand(Command):
    """A command over Alexa for Business; without AWS credentials it says so instead."""

    async def execute(self, ctx: Ctx) -> Reply:
        client = _client(ctx)
        if client is None:
            return _no_client()
        return await self.run(ctx, client)

    async def run(self, ctx: Ctx, client: A4BPort) -> Reply:
        raise NotImplementedError


async def _read_profile(ctx: Ctx, client: A4BPort, name: str) -> Profile | Reply:
    """The whole profile called `name` (any case); otherwise a "did you mean" question, a plain
    no, or the failure."""
    try:
        profiles = await client.search_profiles(deadline=ctx.s.deadline)
        key = name.strip().casefold()
        exact = [p for p in profiles if p.profile_name.casefold() == key]
        if exact:
            return await client.get_profile(exact[0].profile_arn, deadline=ctx.s.deadline)
    except ApiError as error:
        return failed(f"read the profile {name}", error)
    names = [p.profile_name for p in profiles]
    close = process.extract(name, names, scorer=fuzz.WRatio, limit=3, score_cutoff=60)
    if not close:
        return Reply(
            headline=f"There is no room profile called \u201c{name}\u201d. {NOTHING}",
            kind=ReplyKind.ERROR,
            notes=[f"Profiles: {', '.join(names) or 'none'}."],
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
class ListProfiles(_A4BCommand):
    async def run(self, ctx: Ctx, client: A4BPort) -> Reply:
        try:
            profiles = await client.search_profiles(deadline=ctx.s.deadline)
        except ApiError as error:
            return failed("list the room profiles", error)
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
            headline=f"{plural(len(profiles), 'room profile')}:",
            table=Table(columns=["Profile", "Time zone", "Wake word", "Address"], rows=rows),
            notes=["`show profile <name>` shows every setting of one."],
        )


@dataclass(frozen=True)
class ShowProfile(_A4BCommand):
    profile: str

    async def run(self, ctx: Ctx, client: A4BPort) -> Reply:
        profile = await _read_profile(ctx, client, self.profile)
        if isinstance(profile, Reply):
            return profile
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


def request_token(organization_id: str, fields: JsonMapping) -> str:
    """The same create request always carries the same ClientRequestToken, so neither the client's
    retry after a lost answer nor staff sending it again can make a second profile."""
    text = "|".join([organization_id, *(f"{k}={fields[k]}" for k in sorted(fields))])
    return "chatops-" + hashlib.sha256(text.casefold().encode()).hexdigest()[:48]


@dataclass(frozen=True)
class CreateProfile(_A4BCommand):
    profile: str
    timezone: str
    address: str

    async def run(self, ctx: Ctx, client: A4BPort) -> Reply:
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
            return refused(error)
        shown = describe(fields)
        if ctx.preview:
            return Reply(
                headline=f"Preview: would create the room profile {self.profile}. {NOTHING}",
                fields=shown,
            )
        # the ARN is only known once Amazon answers; a failure is logged under the name
        tried = Change("profile_create", self.profile, self.profile, "", None, fields)

        async def run() -> Reply:
            send = client.create_profile(
                name=self.profile,
                timezone=self.timezone,
                address=self.address,
                distance_unit=distance,
                temperature_unit=temperature,
                wake_word="ALEXA",
                client_request_token=request_token(ctx.s.organization_id, fields),
                deadline=ctx.s.deadline,
            )
            outcome = await send_audited(
                ctx,
                "CreateProfile",
                tried,
                send,
                lambda arn: replace(tried, unit_id=arn, request_id=client.last_request_id),
            )
            if isinstance(outcome, ApiError):
                if outcome.error_type == "AlreadyExistsException":
                    return Reply(
                        headline=f"A room profile called {self.profile} already exists. {NOTHING}",
                        kind=ReplyKind.ERROR,
                        notes=[f"See it with `show profile {self.profile}`."],
                    )
                return failed(f"create the profile {self.profile}", outcome)
            return Reply(
                headline=f"Done: created the room profile {self.profile}.",
                kind=ReplyKind.SUCCESS,
                public=True,
                fields=[*shown, ("ARN", outcome.unit_id)],
            )

        source = f"the country of {scope.name}" if scope else "the default country"
        return ctx.confirm(
            f"Create the room profile {self.profile}?",
            run,
            danger=False,
            fields=shown,
            notes=[
                f"Units follow {source} ({country}); the wake word is Alexa. Change them "
                f"afterwards with `profile {self.profile} units metric` or "
                f"`profile {self.profile} wake word …`."
            ],
        )


# -- changing -------------------------------------------------------------------------------------


async def _update_profile(
    ctx: Ctx, client: A4BPort, command: str, tried: Change, *, undoes: int | None = None
) -> Change | ApiError:
    """UpdateProfile with `tried.after` (only the fields that change), audited."""
    send = client.update_profile(
        tried.unit_id, as_object(thaw(tried.after)), deadline=ctx.s.deadline
    )
    return await send_audited(
        ctx, command, tried, send, lambda rid: replace(tried, request_id=rid), undoes=undoes
    )


async def set_profile(ctx: Ctx, command: SetProfile) -> Reply:
    """SetProfile's handler: the command itself is plain data in bot/core/shared/commands.py, where the
    understanding (which builds it) can reach it without importing the handlers."""
    client = _client(ctx)
    if client is None:
        return _no_client()
    return await _set_profile(ctx, client, command)


async def _set_profile(ctx: Ctx, client: A4BPort, command: SetProfile) -> Reply:
    if not command.value.strip():  # "turn up the volume in 203", then "Lobby": no value said
        example = f"set profile {command.profile} {command.setting} 7"
        return Reply(
            headline=f"What should the {command.setting} of {command.profile} be? {NOTHING}",
            kind=ReplyKind.QUESTION,
            notes=[f"Say it with the value, e.g. `{example}`."],
        )
    try:
        wanted = changes_for(command.setting, command.value)
        check_profile_fields(wanted)
    except InvalidInput as error:
        return refused(error)
    profile = await _read_profile(ctx, client, command.profile)
    if isinstance(profile, Reply):
        return profile
    name, current = profile.profile_name, profile.wire()
    after = merged(current, wanted)
    hint = missing_parts(after)
    if hint:
        return Reply(headline=f"To switch that on, {hint}. {NOTHING}", kind=ReplyKind.ERROR)
    diff = changed_fields(current, after)
    if not diff:
        return Reply(
            headline=f"Profile {name} already has {_inline(describe(wanted))}; nothing to change."
        )
    before = values_at(current, diff)
    lines = before_after(before, diff)
    if ctx.preview:
        return Reply(headline=f"Preview: profile {name} would change. {NOTHING}", fields=lines)
    tried = Change("profile", profile.profile_arn, name, "", before, diff)
    outcome = await _update_profile(ctx, client, "SetProfile", tried)
    if isinstance(outcome, ApiError):
        if outcome.error_type == "NameInUseException":
            return Reply(
                headline=f"Another room profile is already called {diff.get('ProfileName')}. "
                f"{NOTHING}",
                kind=ReplyKind.ERROR,
            )
        return failed(f"change the profile {name}", outcome)
    return undoable(*_said_once(f"Done: profile {name} changed", lines), ctx.last_change_id)


async def undo_profile_change(ctx: Ctx, entry: AuditEntry) -> Reply:
    """Undo of SetProfile (previous values sent back), SetObjectTypeMax; creates are refused."""
    if entry.command == "SetObjectTypeMax":
        return await undo_object_type_max(ctx, entry)
    if entry.command == "CreateProfile":
        return Reply(
            headline=f"\u201c{entry.text}\u201d created a room profile, which cannot be undone "
            "from chat (the seed APIs have no delete).",
            kind=ReplyKind.REFUSAL,
            notes=["Delete it in the Alexa for Business console if it is not wanted."],
        )
    client = _client(ctx)
    if client is None:
        return _no_client()
    ch = entry.changes[0]
    restore = without_none(as_object(thaw(ch.before)))
    if not restore:
        return Reply(
            headline=f"\u201c{entry.text}\u201d set values that had never been set; Amazon has no "
            "way to unset them, so there is nothing to put back.",
            kind=ReplyKind.REFUSAL,
        )
    tried = Change("profile", ch.unit_id, ch.unit_name, "", ch.after, restore)
    outcome = await _update_profile(ctx, client, "Undo", tried, undoes=entry.id)
    if isinstance(outcome, ApiError):
        return failed(f"undo \u201c{entry.text}\u201d", outcome)
    headline, fields = _said_once(
        f"Undone: profile {ch.unit_name} is back",
        before_after(values_at(as_object(thaw(ch.after)), restore), restore),
    )
    return Reply(headline=headline, kind=ReplyKind.SUCCESS, public=True, fields=fields)


# -- users ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindUser(_A4BCommand):
    query: str | None = None
    status: str | None = None  # an EnrollmentStatus, e.g. PENDING

    async def run(self, ctx: Ctx, client: A4BPort) -> Reply:
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
            return refused(error)
        except ApiError as error:
            return failed("search the users", error)
        quoted = f"\u201c{self.query}\u201d" if self.query else ""
        status = f"with status {self.status.lower()}" if self.status else ""
        if not found:
            nobody = f"No user matches {quoted}" if quoted else "No user"
            return Reply(
                headline=" ".join(x for x in (nobody, status) if x) + ".",
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
            headline=" ".join(
                x
                for x in (plural(len(users), "user"), quoted and f"matching {quoted}", status)
                if x
            )
            + ":",
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
