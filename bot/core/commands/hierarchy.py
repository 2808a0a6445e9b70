"""Properties, room types and rooms: listing, finding, and (admins) adding, renaming and deleting."""

from __future__ import annotations

from bot.clients.errors import may_have_applied
from bot.core.access.context import Ctx
from bot.core.changes import hierarchy_writes as writes
from bot.core.changes.profile_changes import Sent
from bot.core.ledger.journal import FAILED, UNKNOWN
from bot.core.ledger.property_settings import how_to_set, place_of
from bot.core.shared import commands as c
from bot.core.shared.errors import describe_error
from bot.core.shared.replies import (
    Action,
    ActionKind,
    Reply,
    ReplyKind,
    Table,
    change_token,
    undo_action,
)
from bot.core.understanding.text import plural
from bot.index.lookup import PropertyRef, RoomRef, RoomTypeRef
from bot.index.normalize import normalize_name

Level = c.Level


def list_properties(ctx: Ctx) -> Reply:
    props = ctx.resolver.visible(ctx.s.index.properties())
    if not props:
        return Reply(headline="No properties in the index yet. An engineer can run `sync`.")
    rows = []
    unknown = []
    for p in props:
        counts = ctx.s.index.counts(p.id)
        place = place_of(ctx.s.config, ctx.s.settings, p.id, p.name)
        if not place.complete:
            unknown.append(p.name)
        country, timezone = place.country or "unknown", place.timezone or "unknown (UTC)"
        rows.append([p.name, country, timezone, str(counts.room_types), str(counts.rooms)])
    return Reply(
        headline=f"{plural(len(props), 'property', 'properties')}:",
        table=Table(columns=["Property", "Country", "Timezone", "Room types", "Rooms"], rows=rows),
        notes=[_place_missing_note(unknown)] if unknown else [],
    )


def _place_missing_note(names: list[str]) -> str:
    return (
        f"Country or timezone unknown for {', '.join(names)}: station changes there are refused "
        f"until an admin says `{how_to_set(names[0])}` (or adds it to bot.toml)."
    )


def _scope_or_reply(ctx: Ctx, name: str | None, again: str) -> PropertyRef | Reply | None:
    return ctx.resolver.scope(name, lambda n: f"{again} at {n}")


def list_room_types(ctx: Ctx, command: c.ListRoomTypes) -> Reply:
    scope = _scope_or_reply(ctx, command.property_name, "room types")
    if isinstance(scope, Reply):
        return scope
    props = [scope] if scope else ctx.resolver.visible(ctx.s.index.properties())
    rows = [
        [t.name, p.name, str(ctx.s.index.count_rooms(p.id, t.id))]
        for p in props
        for t in ctx.s.index.room_types(p.id)
    ]
    where = f" at {scope.name}" if scope else ""
    return Reply(
        headline=f"{len(rows)} room types{where}:",
        table=Table(columns=["Room type", "Property", "Rooms"], rows=rows),
    )


def list_rooms(ctx: Ctx, command: c.ListRooms) -> Reply:
    scope = _scope_or_reply(ctx, command.property_name, "rooms")
    if isinstance(scope, Reply):
        return scope
    if command.room_type:
        types = ctx.s.index.find_room_types(command.room_type, scope.id if scope else None)
        if len(types) != 1:
            return Reply(
                headline=f"I can't tell which room type \u201c{command.room_type}\u201d you mean"
                + (f" ({len(types)} match)." if types else "."),
                kind=ReplyKind.ERROR,
                notes=["Type `room types` to see them, and add \u201cat <property>\u201d."],
            )
        rooms = ctx.s.index.rooms_of_room_type(types[0].id)
        label = f"{types[0].name} at {types[0].property_name}"
    elif scope:
        rooms = ctx.s.index.rooms_of_property(scope.id)
        label = scope.name
    else:
        return ctx.resolver.which_property("Which property?", lambda name: f"rooms at {name}")
    by_type: dict[str, list[str]] = {}
    for r in rooms:
        by_type.setdefault(r.room_type_name, []).append(r.room_name)
    rows = [[t, str(len(names)), ", ".join(names)] for t, names in sorted(by_type.items())]
    return Reply(
        headline=f"{plural(len(rooms), 'room')} at {label}:",
        table=Table(columns=["Room type", "Rooms", "Names"], rows=rows),
    )


def find_room(ctx: Ctx, command: c.FindRoom) -> Reply:
    # hits and close names only at properties the user may see: the access policy decides
    hits = ctx.resolver.seen(ctx.s.index.find_rooms(command.room))
    if not hits:
        close = ctx.resolver.seen(ctx.s.index.suggest_rooms(command.room, limit=50))[:5]
        return Reply(
            headline=f"No room called {command.room} in any property.",
            kind=ReplyKind.ERROR,
            notes=[
                f"Close names: {', '.join(f'{r.room_name} ({r.property_name})' for r in close)}."
            ]
            if close
            else [],
        )
    return Reply(
        headline=f"Room {command.room} is in {len(hits)} propert{'y' if len(hits) == 1 else 'ies'}:",
        table=Table(
            columns=["Room", "Room type", "Property"],
            rows=[[r.room_name, r.room_type_name, r.property_name] for r in hits],
        ),
    )


# --- changes (admin) -------------------------------------------------------------------------------


def _property_for_change(ctx: Ctx, name: str | None, again: str) -> PropertyRef | Reply:
    scope = _scope_or_reply(ctx, name, again)
    if isinstance(scope, Reply):
        return scope
    if scope is None:
        return ctx.resolver.which_property(
            "Which property? Add \u201cat <property>\u201d to the request.",
            lambda name: f"{again} at {name}",
        )
    return scope


def _answer(sent: Sent, what: str, done: str, notes: list[str] | None = None) -> Reply:
    """The reply to a journaled hierarchy write: done, not confirmed, or couldn't (with why)."""
    if sent.change is not None:
        return Reply(
            headline=f"Done: {done}.",
            kind=ReplyKind.SUCCESS,
            public=True,
            notes=notes or [],
            actions=[undo_action(sent.change_id)] if sent.change.kind != "delete" else [],
        )
    why = describe_error(sent.error) if sent.error is not None else "no answer"
    if sent.state == UNKNOWN:
        return Reply(
            headline=f"Not confirmed: I asked Amazon to {what}, but its answer was lost and I could "
            "not read it back. I will check again; look before sending it again.",
            kind=ReplyKind.SUMMARY,
            notes=[f"Why: {why}", "`sync`, then `rooms at <property>` shows what Amazon has."],
            ref=change_token(sent.change_id),
        )
    if sent.state == FAILED and sent.error is not None and may_have_applied(sent.error):
        # read back: nothing changed, so the error's "may or may not have" no longer applies
        why = f"Amazon answered with an error and reading back shows nothing changed ({why})"
    return Reply(headline=f"Couldn't {what}: {why}", kind=ReplyKind.ERROR)


async def add_unit(ctx: Ctx, command: c.AddUnit) -> Reply:
    s = ctx.s
    if command.level == Level.PROPERTY:
        if taken := _existing_property(ctx, command.unit_name):
            return taken
        if ctx.preview:
            return Reply(
                headline=f"Preview: would create property {command.unit_name}. Nothing was changed."
            )
        parent, where = s.organization_id, command.unit_name
        added = f"property {command.unit_name}"
    elif command.level == Level.ROOM_TYPE:
        prop = _property_for_change(
            ctx, command.property_name, f"add room type {command.unit_name}"
        )
        if isinstance(prop, Reply):
            return prop
        if ctx.s.index.find_room_types(command.unit_name, prop.id):
            return _exists("Room type", command.unit_name, prop.name)
        if ctx.preview:
            return Reply(
                headline=f"Preview: would add room type {command.unit_name} at {prop.name}. Nothing was changed."
            )
        parent, where = prop.id, prop.name
        added = f"room type {command.unit_name} at {prop.name}"
    else:
        room_type = _room_type_for_add(ctx, command)
        if isinstance(room_type, Reply):
            return room_type
        if _room_named(ctx, command.unit_name, room_type.property_id):
            return _exists("Room", command.unit_name, room_type.property_name)
        if ctx.preview:
            return Reply(
                headline=f"Preview: would add room {command.unit_name} to {room_type.name} at "
                f"{room_type.property_name}. Nothing was changed."
            )
        parent, where = room_type.id, room_type.property_name
        added = f"room {command.unit_name} to {room_type.name} at {room_type.property_name}"
    sent = await writes.create(ctx, command.level, command.unit_name, parent, where)
    notes = _new_property_notes(ctx, command, sent.change.unit_id) if sent.change else []
    return _answer(sent, f"add {command.level.value} {command.unit_name}", f"added {added}", notes)


def _new_property_notes(ctx: Ctx, command: c.AddUnit, new_id: str) -> list[str]:
    """A property made in chat has no country or timezone yet: ask for both."""
    if command.level != Level.PROPERTY:
        return []
    place = place_of(ctx.s.config, ctx.s.settings, new_id, command.unit_name)
    if place.complete:
        return []
    return [
        f"Which country and timezone is {command.unit_name} in? Stations can be set there once "
        f"an admin says `{how_to_set(command.unit_name)}`."
    ]


def _room_type_for_add(ctx: Ctx, command: c.AddUnit) -> RoomTypeRef | Reply:
    prop = ctx.resolver.scope(
        command.property_name, lambda n: f"add room {command.unit_name} to {command.parent} at {n}"
    )
    if isinstance(prop, Reply):
        return prop
    types = ctx.resolver.seen(
        ctx.s.index.find_room_types(command.parent or "", prop.id if prop else None)
    )
    if len(types) == 1:
        return types[0]
    if types:
        return Reply(
            headline=f"Room type {command.parent} exists in several properties. Which one?",
            kind=ReplyKind.QUESTION,
            actions=[
                Action(
                    kind=ActionKind.CHOICE,
                    label=t.property_name,
                    value=f"add room {command.unit_name} to {t.name} at {t.property_name}",
                )
                for t in types
            ],
        )
    return Reply(
        headline=f"I can't find room type \u201c{command.parent}\u201d. Nothing was changed.",
        kind=ReplyKind.ERROR,
        notes=["Type `room types` to see them."],
    )


def _find_unit(
    ctx: Ctx, level: Level, name: str, property_name: str | None, again: str
) -> PropertyRef | RoomTypeRef | RoomRef | Reply:
    if level == Level.PROPERTY:
        return ctx.resolver.property(name, lambda n: f"{again.format(name=n)}")
    scope = _scope_or_reply(ctx, property_name, again.format(name=name))
    if isinstance(scope, Reply):
        return scope
    pid = scope.id if scope else None
    found: list[RoomTypeRef] | list[RoomRef] = (
        ctx.resolver.seen(ctx.s.index.find_room_types(name, pid))
        if level == Level.ROOM_TYPE
        else ctx.resolver.seen(ctx.s.index.find_rooms(name, pid))
    )
    if len(found) == 1:
        return found[0]
    if found:
        props = sorted({f.property_name for f in found})
        return Reply(
            headline=f"{level.value.capitalize()} {name} exists in {len(props)} properties. Which one? Nothing was changed.",
            kind=ReplyKind.QUESTION,
            actions=[
                Action(kind=ActionKind.CHOICE, label=p, value=f"{again.format(name=name)} at {p}")
                for p in props
            ],
        )
    return Reply(
        headline=f"I can't find {level.value} {name}{f' at {scope.name}' if scope else ''}. Nothing was changed.",
        kind=ReplyKind.ERROR,
    )


def _ids(unit: PropertyRef | RoomTypeRef | RoomRef) -> tuple[str, str, str]:
    if isinstance(unit, RoomRef):
        return unit.room_id, unit.room_name, unit.property_name
    if isinstance(unit, RoomTypeRef):
        return unit.id, unit.name, unit.property_name
    return unit.id, unit.name, unit.name


async def rename_unit(ctx: Ctx, command: c.RenameUnit) -> Reply:
    unit = _find_unit(
        ctx,
        command.level,
        command.old,
        command.property_name,
        f"rename {command.level.value} {{name}} to {command.new}",
    )
    if isinstance(unit, Reply):
        return unit
    unit_id, old_name, prop_name = _ids(unit)
    if taken := _rename_collision(ctx, command, unit):
        return taken
    if ctx.preview:
        return Reply(
            headline=f"Preview: would rename {command.level.value} {old_name} ({prop_name}) to {command.new}. Nothing was changed."
        )
    sent = await writes.rename(ctx, command.level, unit_id, old_name, command.new, prop_name)
    return _answer(
        sent,
        f"rename {command.level.value} {old_name} to {command.new}",
        f"renamed {command.level.value} {old_name} to {command.new} ({prop_name})",
    )


def _exists(what: str, name: str, where: str | None) -> Reply:
    at = f" at {where}" if where else ""
    return Reply(
        headline=f"{what} {name} already exists{at}. Nothing was changed.", kind=ReplyKind.ERROR
    )


def _room_named(ctx: Ctx, name: str, property_id: str) -> list[RoomRef]:
    """Rooms of the property with this name (exact or normalised; never matched by id)."""
    return ctx.s.index.rooms_named(name, property_id)


def _existing_property(ctx: Ctx, name: str) -> Reply | None:
    key = normalize_name(name)
    for prop in ctx.s.index.properties():
        if normalize_name(prop.name) == key:
            return _exists("Property", prop.name, None)
    return None


def _rename_collision(
    ctx: Ctx, command: c.RenameUnit, unit: PropertyRef | RoomTypeRef | RoomRef
) -> Reply | None:
    """Renaming onto a name the property already has is answered from the index, before Amazon."""
    if isinstance(unit, RoomRef):
        others = [
            r for r in _room_named(ctx, command.new, unit.property_id) if r.room_id != unit.room_id
        ]
        return _exists("Room", command.new, unit.property_name) if others else None
    if isinstance(unit, RoomTypeRef):
        types = ctx.s.index.find_room_types(command.new, unit.property_id)
        taken = [t for t in types if t.id != unit.id]
        return _exists("Room type", command.new, unit.property_name) if taken else None
    key = normalize_name(command.new)
    for prop in ctx.s.index.properties():
        if prop.id != unit.id and normalize_name(prop.name) == key:
            return _exists("Property", prop.name, None)
    return None


async def delete_unit(ctx: Ctx, command: c.DeleteUnit) -> Reply:
    unit = _find_unit(
        ctx,
        command.level,
        command.unit_name,
        command.property_name,
        f"delete {command.level.value} {{name}}",
    )
    if isinstance(unit, Reply):
        return unit
    unit_id, name, prop_name = _ids(unit)
    label = f"{command.level.value} {name}" + (
        f" at {prop_name}" if command.level != Level.PROPERTY else ""
    )
    if ctx.preview:
        return Reply(headline=f"Preview: would delete {label}. Nothing was changed.")

    async def run() -> Reply:
        sent = await writes.delete(ctx, command.level, unit_id, name, prop_name)
        return _answer(
            sent,
            f"delete {label}",
            f"deleted {label}",
            ["A delete cannot be undone; add it again if needed."],
        )

    notes = []
    if command.level == Level.PROPERTY:
        notes.append("Amazon only deletes a property that has no room types or rooms left.")
    elif command.level == Level.ROOM_TYPE:
        notes.append("Amazon only deletes a room type that has no rooms left.")
    else:
        notes.append("Amazon refuses to delete a room that still has devices.")
    return ctx.confirm(f"Delete {label}? This cannot be undone.", run, danger=True, notes=notes)
