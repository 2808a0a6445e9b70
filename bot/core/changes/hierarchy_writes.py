"""Adding, renaming and deleting a property, room type or room, through the change journal.

Each write is one journal row, committed before the request and settled after it by
`profile_changes.send_journaled`: kind "create", "rename" or "delete", `before`/`after`
{"level", "name"}, and a create's `after` also names its "parent" (the id it is made under, so it
can be found again). An answer lost, or a 5xx, is resolved before the reply by reading Amazon back
(`unit_after`: GET the unit; for a create, list its parent); crash recovery uses the same read-back
for rows a dead process left in flight. Once a write is known applied, the index is brought up to
date. `hierarchy.py` words the commands, `undo.py` reverses them.

The writes are background work, like a change of stations (`unit_writes.run_change`): under
throttling they follow seed 004's 429 rule to the end (1 s doubling to 256 s, then every 256 s until
a non-429), with no command deadline; the user hears at once that Amazon is throttling and the run
goes on (`ThrottleNotice`), and the reply comes when the write is settled.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bot.clients.errors import ApiError, NotFound, may_have_applied
from bot.clients.retry import background
from bot.core.access.context import Ctx
from bot.core.access.resolve import property_meta
from bot.core.access.services import Services
from bot.core.changes.profile_changes import Sent, send_journaled
from bot.core.changes.unit_writes import ThrottleNotice
from bot.core.ledger.audit import Change
from bot.core.shared.commands import Level
from bot.core.shared.ports import AspPort
from bot.index.lookup import Index
from bot.json_types import JsonData, text_at

log = logging.getLogger("bot.hierarchy")

HIERARCHY_KINDS = ("create", "rename", "delete")


class Write(Protocol):
    """A hierarchy write as a Change or a journal row records it."""

    @property
    def kind(self) -> str: ...
    @property
    def unit_id(self) -> str: ...
    @property
    def before(self) -> JsonData: ...
    @property
    def after(self) -> JsonData: ...


def level_of(write: Write) -> Level:
    return Level(text_at(write.after or write.before, "level"))


class Unit(Protocol):
    """A property, room type or room as Amazon returns it."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class LevelCalls:
    """The ASP client's calls at one level of the hierarchy (each takes `deadline=`)."""

    list: Callable[..., Awaitable[Sequence[Unit]]]  # (parent id) -> its units
    get: Callable[..., Awaitable[Unit]]  # (unit id)
    create: Callable[..., Awaitable[str]]  # (name, parent id) -> the new unit's id
    update: Callable[..., Awaitable[None]]  # (unit id, name)
    delete: Callable[..., Awaitable[None]]  # (unit id)


def level_calls(asp: AspPort, level: Level) -> LevelCalls:
    """The explicit table of the client's calls at `level` (no name is built from strings)."""
    if level == Level.PROPERTY:
        return LevelCalls(
            asp.list_properties, asp.get_property, asp.create_property,
            asp.update_property, asp.delete_property,
        )  # fmt: skip
    if level == Level.ROOM_TYPE:
        return LevelCalls(
            asp.list_room_types, asp.get_room_type, asp.create_room_type,
            asp.update_room_type, asp.delete_room_type,
        )  # fmt: skip
    return LevelCalls(
        asp.list_rooms, asp.get_room, asp.create_room, asp.update_room, asp.delete_room
    )


async def unit_after(
    asp: AspPort, write: Write, *, known: Collection[str], deadline: float | None
) -> str | None:
    """Whether `write` is applied at Amazon now: the unit's id if so (for a create, the new unit,
    one of that name under its parent that is not in `known`), None if not. Raises when Amazon
    cannot be read."""
    level = level_of(write)
    if write.kind == "create":
        units = await level_calls(asp, level).list(
            text_at(write.after, "parent"), deadline=deadline
        )
        made = [u.id for u in units if u.name == text_at(write.after, "name") and u.id not in known]
        return made[0] if made else None
    try:
        unit = await level_calls(asp, level).get(write.unit_id, deadline=deadline)
    except NotFound:
        return write.unit_id if write.kind == "delete" else None
    if write.kind == "delete":
        return None
    return write.unit_id if unit.name == text_at(write.after, "name") else None


def known_ids(index: Index, write: Write) -> set[str]:
    """The units the index knows under a create's parent (the new one is not among them)."""
    level, parent = level_of(write), text_at(write.after, "parent")
    if level == Level.PROPERTY:
        return {p.id for p in index.properties()}
    if level == Level.ROOM_TYPE:
        return {t.id for t in index.room_types(parent)}
    return {r.room_id for r in index.rooms_of_room_type(parent)}


def record_in_index(s: Services, write: Write) -> None:
    """Make the index say what Amazon has after an applied write."""
    index, level, unit_id = s.index, level_of(write), write.unit_id
    if write.kind == "delete":
        {
            Level.PROPERTY: index.delete_property,
            Level.ROOM_TYPE: index.delete_room_type,
            Level.ROOM: index.delete_room,
        }[level](unit_id)
        return
    name = text_at(write.after, "name")
    if write.kind == "rename":
        {
            Level.PROPERTY: index.rename_property,
            Level.ROOM_TYPE: index.rename_room_type,
            Level.ROOM: index.rename_room,
        }[level](unit_id, name)
    elif level == Level.PROPERTY:
        country, timezone = property_meta(s)(unit_id, name)
        index.upsert_property(
            unit_id,
            name,
            organization_id=text_at(write.after, "parent"),
            country=country,
            timezone=timezone,
        )
    elif level == Level.ROOM_TYPE:
        index.upsert_room_type(unit_id, name, text_at(write.after, "parent"))
    else:
        index.upsert_room(unit_id, name, text_at(write.after, "parent"))


def _uncertain(kind: str) -> Callable[[ApiError], bool]:
    if kind != "delete":
        return may_have_applied
    # A DELETE resent after a lost answer meets a 404: the first one went through.
    return lambda error: may_have_applied(error) or isinstance(error, NotFound)


async def _write(
    ctx: Ctx, command: str, tried: Change, send: Awaitable[object], *, undoes: int | None
) -> Sent:
    s = ctx.s
    known = known_ids(s.index, tried) if tried.kind == "create" else set()

    async def read_back(error: ApiError) -> Change | None:
        unit_id = await unit_after(s.asp, tried, known=known, deadline=ctx.write_deadline)
        return None if unit_id is None else replace(tried, unit_id=unit_id)

    def done(answer: object) -> Change:  # a create's answer is the new unit's id
        return replace(tried, unit_id=str(answer)) if tried.kind == "create" else tried

    # `send` is a coroutine not started yet: its retry loop takes the policy set here
    with background(on_throttle=ThrottleNotice(ctx)):
        sent = await send_journaled(
            ctx, command, tried, send, done,
            undoes=undoes, read_back=read_back, uncertain=_uncertain(tried.kind),
        )  # fmt: skip
    if sent.change is not None:
        try:
            record_in_index(s, sent.change)
        except Exception:  # Amazon has the change and the journal says so; `sync` mends the index
            log.exception("could not record %s of %s in the index", tried.kind, tried.unit_name)
    return sent


def create(
    ctx: Ctx, level: Level, name: str, parent: str, where: str, *, command: str = "AddUnit"
) -> Awaitable[Sent]:
    """Add a unit named `name` under `parent` (the organization, a property or a room type)."""
    s = ctx.s
    after = {"level": level.value, "name": name, "parent": parent}
    tried = Change("create", "", name, where, None, after)
    send = level_calls(s.asp, level).create(name, parent, deadline=ctx.write_deadline)
    return _write(ctx, command, tried, send, undoes=None)


def rename(
    ctx: Ctx,
    level: Level,
    unit_id: str,
    old: str,
    new: str,
    where: str,
    *,
    command: str = "RenameUnit",
    undoes: int | None = None,
) -> Awaitable[Sent]:
    s = ctx.s
    before, after = {"level": level.value, "name": old}, {"level": level.value, "name": new}
    tried = Change("rename", unit_id, old, where, before, after)
    send = level_calls(s.asp, level).update(unit_id, new, deadline=ctx.write_deadline)
    return _write(ctx, command, tried, send, undoes=undoes)


def delete(
    ctx: Ctx,
    level: Level,
    unit_id: str,
    name: str,
    where: str,
    *,
    command: str = "DeleteUnit",
    undoes: int | None = None,
) -> Awaitable[Sent]:
    s = ctx.s
    tried = Change("delete", unit_id, name, where, {"level": level.value, "name": name}, None)
    send = level_calls(s.asp, level).delete(unit_id, deadline=ctx.write_deadline)
    return _write(ctx, command, tried, send, undoes=undoes)
