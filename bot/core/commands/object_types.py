"""Guest-profile object types (Amazon Connect Customer Profiles, seed 002) and their capacity.

`set object type <name> max <n>` shows the old and new value and waits for a yes; the client then
reads the whole definition again, changes the one field and PUTs everything else back unchanged.
`capacity_notes` is the digest's capacity section.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.clients.customer_profiles import ObjectTypeSummary
from bot.clients.errors import ApiError, InvalidInput, NotFound
from bot.core.access.context import Ctx
from bot.core.changes.profile_changes import NOTHING, failed, refused, send_audited, undoable
from bot.core.ledger.audit import AuditEntry, Change
from bot.core.shared.commands import Command
from bot.core.shared.errors import describe_error
from bot.core.shared.ports import CustomerProfilesPort
from bot.core.shared.replies import Reply, ReplyKind, Table
from bot.core.shared.when import parse_utc, spoken_time, zone_of
from bot.core.understanding.text import plural
from bot.json_types import JsonObject, JsonValue, as_list, as_object

NEEDS_DOMAIN = (
    "Guest-profile object types live in Amazon Connect Customer Profiles: the bot needs "
    "CUSTOMER_PROFILES_DOMAIN (and AWS credentials) to reach them; ask an admin to set them."
)
MAX = "MaxProfileObjectCount"
AVAILABLE = "MaxAvailableProfileObjectCount"


def _client(ctx: Ctx) -> CustomerProfilesPort | None:
    client = ctx.s.customer_profiles
    return client


def _no_client() -> Reply:
    return Reply(headline=NEEDS_DOMAIN, kind=ReplyKind.ERROR)


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _share(assigned: object, available: object) -> str:
    assigned, available = _whole(assigned), _whole(available)
    if assigned is None or not available:
        return "unknown"
    return f"{assigned / available:.0%}"


def _listed(key: JsonValue, name: str) -> list[JsonValue]:
    return as_list(as_object(key).get(name))


def _count(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "not set"


def _failed(what: str, error: BaseException, name: str) -> Reply:
    if isinstance(error, NotFound):
        return Reply(
            headline=f"There is no object type called \u201c{name}\u201d in this domain. {NOTHING}",
            kind=ReplyKind.ERROR,
            notes=["`object types` lists them."],
        )
    return failed(what, error)


def _when(value: JsonValue, ctx: Ctx) -> str:
    """A Customer Profiles time in words ("Wed 1 Jan 2025 16:00 PST"), in the timezone of the property
    the channel is bound to (object types belong to the whole account), else UTC."""
    if isinstance(value, int | float):
        at = datetime.fromtimestamp(value, UTC)
    elif isinstance(value, str):
        try:
            at = parse_utc(value)
        except ValueError:
            return value
    else:
        return "unknown"
    zone = _viewer_zone(ctx)
    return f"{spoken_time(at, ctx.s.clock.now(), zone)} {at.astimezone(zone).tzname() or zone.key}"


def _viewer_zone(ctx: Ctx) -> ZoneInfo:
    bound = ctx.s.config.property_for_channel(ctx.msg.channel)
    if bound is None:
        return zone_of("UTC")
    zones = {p.name: p.timezone for p in ctx.s.index.properties()}
    return zone_of(zones.get(bound.name) or bound.timezone)


@dataclass(frozen=True)
class _ObjectTypeCommand(Command):
    """A command over the Customer Profiles domain; without one configured it says so instead."""

    async def execute(self, ctx: Ctx) -> Reply:
        client = _client(ctx)
        if client is None:
            return _no_client()
        return await self.run(ctx, client)

    async def run(self, ctx: Ctx, client: CustomerProfilesPort) -> Reply:
        raise NotImplementedError


async def _read(ctx: Ctx, client: CustomerProfilesPort, name: str) -> JsonObject | Reply:
    """The object type's whole definition, or the answer saying why it could not be read."""
    try:
        return await client.get_object_type(name, deadline=ctx.s.deadline)
    except ApiError as error:
        return _failed(f"read the object type {name}", error, name)


@dataclass(frozen=True)
class ListObjectTypes(_ObjectTypeCommand):
    async def run(self, ctx: Ctx, client: CustomerProfilesPort) -> Reply:
        try:
            items = await client.list_object_types(deadline=ctx.s.deadline)
        except ApiError as error:
            return failed("list the object types", error)
        if not items:
            return Reply(headline=f"The domain {client.domain} has no object types.")
        threshold = ctx.s.config.bot.capacity_threshold
        rows = [
            [
                t.object_type_name,
                _count(t.max_profile_object_count),
                _count(t.max_available_profile_object_count),
                _share(t.max_profile_object_count, t.max_available_profile_object_count)
                + (" \u26a0" if (t.share_used or 0) >= threshold else ""),
            ]
            for t in items
        ]
        return Reply(
            headline=f"{plural(len(items), 'object type')} in {client.domain}:",
            table=Table(
                columns=["Object type", "Assigned max", "Available", "Share used"], rows=rows
            ),
            notes=[f"\u26a0 marks {threshold:.0%} or more of what is available."],
        )


@dataclass(frozen=True)
class ShowObjectType(_ObjectTypeCommand):
    object_type: str

    async def run(self, ctx: Ctx, client: CustomerProfilesPort) -> Reply:
        item = await _read(ctx, client, self.object_type)
        if isinstance(item, Reply):
            return item
        assigned, available = item.get(MAX), item.get(AVAILABLE)
        fields = [
            ("Description", str(item.get("Description") or "")),
            ("Template", str(item.get("TemplateId") or "none (own fields and keys)")),
            ("Assigned max", _count(assigned)),
            ("Available", _count(available)),
            ("Share used", _share(assigned, available)),
            (
                "Expires after",
                plural(days, "day") if (days := _whole(item.get("ExpirationDays"))) else "not set",
            ),
            ("Encryption key", str(item.get("EncryptionKey") or "AWS owned")),
        ]
        if not item.get("TemplateId"):
            fields.append(("Creates profiles", "yes" if item.get("AllowProfileCreation") else "no"))
            if item.get("SourceLastUpdatedTimestampFormat"):
                fields.append(
                    ("Source timestamp format", str(item["SourceLastUpdatedTimestampFormat"]))
                )
        fields += [
            ("Created", _when(item.get("CreatedAt"), ctx)),
            ("Last updated", _when(item.get("LastUpdatedAt"), ctx)),
        ]
        if item.get("Tags"):
            tags = sorted(as_object(item["Tags"]).items())
            fields.append(("Tags", ", ".join(f"{k}={v}" for k, v in tags)))
        table = None
        if item.get("Fields"):
            rows = [
                [
                    name,
                    str(as_object(spec).get("Source", "")),
                    str(as_object(spec).get("Target", "")),
                    str(as_object(spec).get("ContentType", "")),
                ]
                for name, spec in sorted(as_object(item["Fields"]).items())
            ]
            table = Table(columns=["Field", "Source", "Target", "Type"], rows=rows)
        notes = [
            f"Key {name}: "
            f"{', '.join(str(k) for key in as_list(keys) for k in _listed(key, 'StandardIdentifiers'))}"
            f" on {', '.join(str(f) for key in as_list(keys) for f in _listed(key, 'FieldNames'))}"
            for name, keys in sorted(as_object(item.get("Keys")).items())
        ]
        return Reply(
            headline=f"Object type {item.get('ObjectTypeName', self.object_type)}:",
            fields=fields,
            table=table,
            notes=notes,
        )


@dataclass(frozen=True)
class SetObjectTypeMax(_ObjectTypeCommand):
    object_type: str
    maximum: int

    async def run(self, ctx: Ctx, client: CustomerProfilesPort) -> Reply:
        item = await _read(ctx, client, self.object_type)
        if isinstance(item, Reply):
            return item
        name = str(item.get("ObjectTypeName") or self.object_type)
        old, available = item.get(MAX), item.get(AVAILABLE)
        high = available if isinstance(available, int) else None
        if self.maximum < 1 or (high is not None and self.maximum > high):
            allowed = f"1–{high:,}" if high is not None else "at least 1"
            return Reply(
                headline=f"The maximum of {name} must be {allowed} (what the domain has available), "
                f"not {self.maximum:,}. {NOTHING}",
                kind=ReplyKind.ERROR,
            )
        if old == self.maximum:
            return Reply(
                headline=f"{name} already has a maximum of {self.maximum:,}; nothing to change."
            )
        context = [
            ("Available", _count(available)),
            ("Share used", f"{_share(old, high)} \u2192 {_share(self.maximum, high)}"),
        ]
        fields = [("Maximum", f"{_count(old)} \u2192 {self.maximum:,}"), *context]
        if ctx.preview:
            return Reply(
                headline=f"Preview: the maximum of {name} would change. {NOTHING}", fields=fields
            )
        tried = Change("object_type_max", name, name, client.domain, old, self.maximum)

        async def run() -> Reply:
            outcome = await _put_max(ctx, client, "SetObjectTypeMax", tried)
            if isinstance(outcome, InvalidInput):
                return refused(outcome)
            if isinstance(outcome, ApiError):
                return _failed(f"change the maximum of {name}", outcome, name)
            return undoable(
                f"Done: the maximum of object type {name} is now {self.maximum:,} "
                f"(was {_count(outcome.before)}).",
                context,  # the headline already says the old and new maximum
                ctx.last_change_id,
            )

        notes = ["Every other setting of the object type is sent back unchanged."]
        if item.get("TemplateId"):
            notes.append(
                f"It comes from the template {item['TemplateId']}, so the template's own fields "
                "are not sent."
            )
        return ctx.confirm(
            f"Change the maximum of object type {name} from {_count(old)} to {self.maximum:,}?",
            run,
            danger=False,
            fields=fields,
            notes=notes,
        )


async def _put_max(
    ctx: Ctx,
    client: CustomerProfilesPort,
    command: str,
    tried: Change,
    *,
    undoes: int | None = None,
) -> Change | ApiError:
    """Sets the maximum to `tried.after`; the audited before is what the definition held when the
    client read it again, so undo puts back what was really replaced."""

    def done(answer: tuple[JsonObject, JsonObject]) -> Change:
        before, after = answer
        return replace(
            tried,
            before=before.get(MAX),
            after=after.get(MAX, tried.after),
            request_id=client.last_request_id,
        )

    count = tried.after
    if not isinstance(count, int):  # `set … max objects` always records a whole number
        raise TypeError(f"a maximum is a whole number, not {count!r}")
    send = client.set_max_profile_object_count(tried.unit_id, count, deadline=ctx.s.deadline)
    return await send_audited(ctx, command, tried, send, done, undoes=undoes)


async def undo_object_type_max(ctx: Ctx, entry: AuditEntry) -> Reply:
    client = _client(ctx)
    if client is None:
        return _no_client()
    ch = entry.changes[0]
    if not isinstance(ch.before, int):
        return Reply(
            headline=f"{ch.unit_name} had no maximum before, so there is nothing to put back.",
            kind=ReplyKind.REFUSAL,
        )
    back = Change(ch.kind, ch.unit_id, ch.unit_name, ch.property_name, ch.after, ch.before)
    outcome = await _put_max(ctx, client, "Undo", back, undoes=entry.id)
    if isinstance(outcome, ApiError):
        return _failed(f"undo \u201c{entry.text}\u201d", outcome, ch.unit_id)
    return Reply(
        headline=f"Undone: the maximum of object type {ch.unit_name} is back to {ch.before:,}.",
        kind=ReplyKind.SUCCESS,
        public=True,
    )


async def capacity_notes(client: CustomerProfilesPort | None, threshold: float = 0.8) -> list[str]:
    """The digest's capacity section: object types whose assigned maximum is at or above
    `threshold` of what is available. Empty when all is well or no domain is configured."""
    if client is None:
        return []
    try:
        items: list[ObjectTypeSummary] = await client.list_object_types()
    except ApiError as error:
        return [f"Guest-profile capacity could not be read: {describe_error(error)}"]
    notes = []
    for item in sorted(items, key=lambda t: -(t.share_used or 0)):
        share = item.share_used
        if share is not None and share >= threshold:
            notes.append(
                f"Object type {item.object_type_name}: {item.max_profile_object_count:,} of "
                f"{item.max_available_profile_object_count:,} profile objects assigned ({share:.0%}); "
                "raise the domain's capacity or lower the maximum with "
                f"`set object type {item.object_type_name} max <n>`."
            )
    return notes
