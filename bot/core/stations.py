"""Default music stations: set (one room to a whole property), ask, and list what a country offers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from bot.clients.models import StationPreference
from bot.core import commands as c
from bot.core.audit import Change, outcome_of
from bot.core.canonical import command_text
from bot.core.context import Ctx
from bot.core.property_place import unknown_country_reply
from bot.core.replies import Action, ActionKind, Reply, ReplyKind, Table
from bot.core.resolve import Rooms
from bot.core.services import RetryState
from bot.index.catalog import MatchStatus, Station
from bot.index.lookup import RoomRef

MAX_ROWS = 40


def pref_of(station: Station) -> StationPreference:
    return StationPreference(providerId=station.provider_id, stationId=station.station_id)


def station_name(
    ctx: Ctx, pref: StationPreference | dict[str, Any] | None, country: str | None = None
) -> str:
    if pref is None:
        return "no station set"
    data = pref if isinstance(pref, dict) else pref.model_dump()
    found = ctx.s.catalog.by_pair(data["providerId"], data["stationId"], country)
    found = found or ctx.s.catalog.by_pair(data["providerId"], data["stationId"])
    return (
        found.label if found else f"{data['providerId']} {data['stationId']} (not in the catalog)"
    )


async def current_station(ctx: Ctx, room: RoomRef) -> str:
    """What the room plays now, as staff read it."""
    pref = await ctx.s.asp.get_default_station(room.room_id, deadline=ctx.s.deadline)
    return station_name(ctx, pref, room.country)


def _choose_station(
    ctx: Ctx, command: c.SetStation, rooms: list[RoomRef]
) -> tuple[dict[str, Station], list[str]] | Reply:
    """The station to set per country of the rooms, with a note for each typo read as a station,
    or a reply explaining why nothing can be set."""
    chosen: dict[str, Station] = {}
    notes: list[str] = []
    for country in sorted({r.country for r in rooms}):
        match = ctx.s.catalog.lookup(country, command.station)
        if not match.ok or match.station is None:
            return _station_problem(ctx, command, match, country)
        chosen[country] = match.station
        if match.status == MatchStatus.FUZZY:
            notes.append(f"I read \u201c{command.station}\u201d as {match.station.label}.")
    return chosen, notes


def _station_problem(ctx: Ctx, command: c.SetStation, match: Any, country: str) -> Reply:
    def rerun(station: Station) -> str:
        return command_text(replace(command, station=station.station_id))

    offered = ", ".join(s.name for s in ctx.s.catalog.stations(country))
    if match.status == MatchStatus.AMBIGUOUS:
        return Reply(
            headline=f"\u201c{command.station}\u201d matches {len(match.candidates)} stations in {country}. "
            "Which one? Nothing was changed.",
            kind=ReplyKind.QUESTION,
            actions=[
                Action(kind=ActionKind.CHOICE, label=s.label, value=rerun(s))
                for s in match.candidates
            ],
        )
    if match.status == MatchStatus.NOT_OFFERED:
        where = ", ".join(sorted({s.country for s in match.elsewhere}))
        return Reply(
            headline=f"\u201c{command.station}\u201d isn't offered in {country} (only in {where}). Nothing was changed.",
            kind=ReplyKind.ERROR,
            notes=[f"Stations in {country}: {offered}."],
            actions=[
                Action(kind=ActionKind.CHOICE, label=s.label, value=rerun(s))
                for s in match.suggestions[:4]
            ],
        )
    return Reply(
        headline=f"I don't know a station called \u201c{command.station}\u201d in {country}. Nothing was changed.",
        kind=ReplyKind.ERROR,
        notes=[f"Stations in {country}: {offered}."],
        actions=[
            Action(kind=ActionKind.CHOICE, label=f"Did you mean {s.name}?", value=rerun(s))
            for s in match.suggestions[:4]
        ],
    )


async def set_station(ctx: Ctx, command: c.SetStation) -> Reply:
    resolved = await ctx.resolver.rooms(
        command.target, lambda t: command_text(replace(command, target=t))
    )
    if isinstance(resolved, Reply):
        return resolved
    if not resolved.rooms:
        return Reply(
            headline=f"There are no rooms in {resolved.label}; nothing to change.",
            kind=ReplyKind.INFO,
        )
    if refusal := unknown_country_reply(
        ctx.s, {(r.property_id, r.property_name) for r in resolved.rooms}
    ):
        ctx.audit("refused", targets=[r.room_id for r in resolved.rooms], detail="country unknown")
        return refusal
    choice = _choose_station(ctx, command, resolved.rooms)
    if isinstance(choice, Reply):
        return choice
    run = StationRun(ctx, command, resolved, *choice)
    if ctx.preview:
        return await run.preview()
    if len(resolved.rooms) > ctx.s.config.bot.confirm_over_rooms:
        return ctx.confirm(
            f"Set the default station of {resolved.label} to {run.names}?",
            run.run,
            danger=False,
            fields=[("Rooms", str(len(resolved.rooms))), ("Station", run.names)],
            notes=run.notes,
        )
    return await run.run()


@dataclass
class StationRun:
    """One station change over resolved rooms: preview, apply, summarise, and retry its failures."""

    ctx: Ctx
    command: c.SetStation
    resolved: Rooms
    chosen: dict[str, Station]  # by country
    notes: list[str]

    @property
    def names(self) -> str:
        return " / ".join(sorted({s.label for s in self.chosen.values()}))

    async def preview(self) -> Reply:
        ctx, rooms = self.ctx, self.resolved.rooms
        shown = rooms[:MAX_ROWS]
        outcome = await ctx.bulk(shown, lambda room: current_station(ctx, room))
        now = {room.room_id: value for room, value in outcome.done}
        rows = [
            [
                r.room_name,
                r.property_name,
                now.get(r.room_id, "unknown"),
                self.chosen[r.country].label,
            ]
            for r in shown
        ]
        more = len(rooms) - MAX_ROWS
        ctx.audit("preview", targets=[r.room_id for r in rooms], detail=f"would set {self.names}")
        return Reply(
            headline=f"Preview: {self.resolved.label} would be set to {self.names}. Nothing was changed.",
            kind=ReplyKind.INFO,
            table=Table(columns=["Room", "Property", "Now", "Would be"], rows=rows),
            notes=[
                *self.notes,
                *([f"\u2026and {more} more rooms."] if more > 0 else []),
                "Send the same request without \u201cpreview\u201d to apply it.",
            ],
        )

    async def run(self, rooms: list[RoomRef] | None = None) -> Reply:
        changes = await self._apply(self.resolved.rooms if rooms is None else rooms)
        return self._summary(changes)

    async def _apply(self, rooms: list[RoomRef]) -> list[Change]:
        ctx = self.ctx

        async def one(room: RoomRef) -> Change:
            after = pref_of(self.chosen[room.country])
            # Read first: the audit needs the before value, undo needs it, and a room already on the
            # station needs no write (so a retried run never applies an update twice).
            before = await ctx.s.asp.get_default_station(room.room_id, deadline=ctx.s.deadline)
            request_id = None
            if before != after:
                request_id = await ctx.s.asp.set_default_station(
                    room.room_id, after, deadline=ctx.s.deadline
                )
            return self._change(
                room, before.model_dump() if before else None, request_id=request_id
            )

        async def progress(done: int, failed: int, total: int) -> None:
            if ctx.progress is not None:
                failures = f", {failed} failed" if failed else ""
                await ctx.progress(
                    Reply(
                        headline=f"Setting {self.names}: {done + failed} of {total} rooms done{failures}\u2026",
                        kind=ReplyKind.PROGRESS,
                    )
                )

        outcome = await ctx.bulk(rooms, one, progress=progress if len(rooms) > 1 else None)
        failed = [self._change(room, None, error=error) for room, error in outcome.failed]
        return [change for _room, change in outcome.done] + failed

    def _change(
        self,
        room: RoomRef,
        before: dict[str, Any] | None,
        *,
        request_id: str | None = None,
        error: str | None = None,
    ) -> Change:
        after = pref_of(self.chosen[room.country]).model_dump()
        return Change(
            "station", room.room_id, room.room_name, room.property_name, before, after,
            ok=error is None, error=error, request_id=request_id,
        )  # fmt: skip

    def _summary(self, changes: list[Change]) -> Reply:
        ctx, names = self.ctx, self.names
        ok = [ch for ch in changes if ch.ok]
        failed = [ch for ch in changes if not ch.ok]
        ctx.audit(
            outcome_of(len(ok), len(failed)),
            targets=[ch.unit_id for ch in changes],
            changes=changes,
            command="SetStation",
        )
        if failed:
            ctx.s.retries[ctx.msg.user] = RetryState(
                ctx.msg.text, self._rerun, [ch.unit_id for ch in failed]
            )
        if len(changes) == 1:
            return _single(ctx, changes[0], names, self.notes)
        by_before: dict[str, int] = defaultdict(int)
        for ch in ok:
            by_before[station_name(ctx, ch.before)] += 1
        headline = f"Set {len(ok)} of {len(changes)} rooms to {names}" + (
            f" ({self.resolved.label})."
            if not failed
            else f"; {len(failed)} failed (listed below)."
        )
        actions = []
        if ok:
            actions.append(Action(kind=ActionKind.UNDO, label="Undo", value="undo"))
        if failed:
            actions.append(
                Action(kind=ActionKind.RETRY_FAILED, label="Retry failed", value="retry failed")
            )
        rows = [[ch.unit_name, ch.property_name, ch.error or ""] for ch in failed[:MAX_ROWS]]
        before = ", ".join(f"{n} ({k})" for n, k in sorted(by_before.items()))
        return Reply(
            headline=headline,
            kind=ReplyKind.SUMMARY if failed else ReplyKind.SUCCESS,
            public=bool(ok),
            fields=[("Before", before)] if ok else [],
            table=Table(columns=["Failed room", "Property", "Why"], rows=rows) if failed else None,
            notes=self.notes,
            actions=actions,
        )

    async def _rerun(self, room_ids: list[str]) -> Reply:
        """`retry failed`: the same station again, on the rooms that failed only."""
        wanted = set(room_ids)
        return await self.run([r for r in self.resolved.rooms if r.room_id in wanted])


def _single(ctx: Ctx, change: Change, names: str, notes: list[str]) -> Reply:
    where = f"room {change.unit_name} at {change.property_name}"
    if not change.ok:
        return Reply(
            headline=f"Couldn't set the station of {where}: {change.error}",
            kind=ReplyKind.ERROR,
            notes=notes,
            actions=[Action(kind=ActionKind.RETRY_FAILED, label="Retry", value="retry failed")],
        )
    if change.before == change.after:
        return Reply(
            headline=f"{where[0].upper() + where[1:]} already plays {names}; nothing to change.",
            notes=notes,
        )
    was = station_name(ctx, change.before)
    return Reply(
        headline=f"Done: {where[0].upper() + where[1:]} now plays {names} (was: {was}).",
        kind=ReplyKind.SUCCESS,
        public=True,
        notes=notes,
        actions=[Action(kind=ActionKind.UNDO, label="Undo", value="undo")],
    )


async def ask_station(ctx: Ctx, command: c.AskStation) -> Reply:
    resolved = await ctx.resolver.rooms(
        command.target, lambda t: command_text(replace(command, target=t))
    )
    if isinstance(resolved, Reply):
        return resolved

    outcome = await ctx.bulk(resolved.rooms[:200], lambda room: current_station(ctx, room))
    if len(resolved.rooms) == 1:
        room = resolved.rooms[0]
        if outcome.failed:
            return Reply(
                headline=f"Couldn't read the station of room {room.room_name} at {room.property_name}: "
                f"{outcome.failed[0][1]}",
                kind=ReplyKind.ERROR,
            )
        value = outcome.done[0][1]
        if value == "no station set":
            return Reply(
                headline=f"Room {room.room_name} at {room.property_name} has no default station set."
            )
        return Reply(headline=f"Room {room.room_name} at {room.property_name} plays {value}.")
    rows = sorted(
        [[r.room_name, r.property_name, v] for r, v in outcome.done]
        + [[r.room_name, r.property_name, f"error: {e}"] for r, e in outcome.failed]
    )
    return Reply(
        headline=f"Stations of {resolved.label}:",
        table=Table(columns=["Room", "Property", "Station"], rows=rows),
    )


async def list_stations(ctx: Ctx, command: c.ListStations) -> Reply:
    country: str | None = None
    where = command.where
    if where and where.upper() in (
        "US",
        "UK",
        "GB",
        "FR",
        "USA",
        "FRANCE",
        "ENGLAND",
        "BRITAIN",
        "UNITED KINGDOM",
    ):
        country = {
            "USA": "US",
            "GB": "UK",
            "FRANCE": "FR",
            "ENGLAND": "UK",
            "BRITAIN": "UK",
            "UNITED KINGDOM": "UK",
        }.get(where.upper(), where.upper())
    elif where:
        prop = ctx.resolver.property(where, lambda name: f"stations at {name}")
        if isinstance(prop, Reply):
            return prop
        country, where = prop.country, prop.name
    else:
        scope = ctx.resolver.channel_property()
        country = scope.country if scope else ctx.s.default_country
        where = scope.name if scope else None
    stations = ctx.s.catalog.stations(country)
    label = f"{where} ({country})" if where and where != country else country
    return Reply(
        headline=f"Stations offered in {label}:",
        table=Table(
            columns=["Station", "You can type", "Provider"],
            rows=[
                [s.label, ", ".join(s.aliases[:3]) or s.name.lower(), s.provider_id]
                for s in stations
            ],
        ),
    )
