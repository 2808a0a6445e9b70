"""Default music stations: set (one room to a whole property), ask, and list what a country offers."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.clients.models import StationPreference
from bot.core.access.context import Ctx
from bot.core.access.resolve import Rooms
from bot.core.changes.unit_writes import run_change, station_name
from bot.core.commands.property_place import unknown_country_reply
from bot.core.commands.station_menu import spoken_name
from bot.core.ledger.audit import AuditEntry, Change
from bot.core.ledger.journal import APPLIED, UNCHANGED, UNKNOWN, JournalRow, Planned, Settled
from bot.core.ledger.plans import Plan, RoomWrite, ScopePlan
from bot.core.shared import commands as c
from bot.core.shared.bulk import ProgressFn
from bot.core.shared.canonical import command_text
from bot.core.shared.replies import (
    Action,
    ActionKind,
    Reply,
    ReplyKind,
    Table,
    change_token,
    retry_action,
    undo_action,
)
from bot.index.catalog import MatchStatus, Station, StationMatch
from bot.index.lookup import RoomRef

MAX_ROWS = 40


def pref_of(station: Station) -> StationPreference:
    return StationPreference(providerId=station.provider_id, stationId=station.station_id)


async def current_station(ctx: Ctx, room: RoomRef) -> str:
    """What the room plays now, as staff read it."""
    pref = await ctx.s.asp.get_default_station(room.room_id, deadline=ctx.s.deadline)
    return station_name(ctx, pref, room.country)


def _choose_station(
    ctx: Ctx, command: c.SetStation, countries: list[str]
) -> tuple[dict[str, Station], list[str]] | Reply:
    """The station to set per country of the rooms, with a note for each typo read as a station,
    or a reply explaining why nothing can be set."""
    chosen: dict[str, Station] = {}
    notes: list[str] = []
    for country in countries:
        match = ctx.s.catalog.lookup(country, command.station)
        if not match.ok or match.station is None:
            return _station_problem(ctx, command, match, country)
        chosen[country] = match.station
        if match.status == MatchStatus.FUZZY:
            notes.append(f"I read \u201c{command.station}\u201d as {match.station.label}.")
    return chosen, notes


def _phrase(ctx: Ctx, station: Station) -> str:
    return spoken_name(ctx.s.catalog, station)


def _station_problem(ctx: Ctx, command: c.SetStation, match: StationMatch, country: str) -> Reply:
    def rerun(station: Station) -> str:
        return command_text(replace(command, station=_phrase(ctx, station)))

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
            headline=f"\u201c{command.station}\u201d isn't offered in {country} (only in {where}). "
            "Which station? Nothing was changed.",
            kind=ReplyKind.QUESTION,
            notes=[f"Stations in {country}: {offered}."],
            actions=[
                Action(kind=ActionKind.CHOICE, label=s.label, value=rerun(s))
                for s in _alike(command.station, ctx.s.catalog.stations(country))[:4]
            ],
        )
    return Reply(
        headline=f"I don't know a station called \u201c{command.station}\u201d in {country}. "
        "Which station? Nothing was changed.",
        kind=ReplyKind.QUESTION,
        notes=[f"Stations in {country}: {offered}."],
        actions=[
            Action(kind=ActionKind.CHOICE, label=f"Did you mean {s.name}?", value=rerun(s))
            for s in match.suggestions[:4]
        ],
    )


def _alike(typed: str, stations: list[Station]) -> list[Station]:
    """The country's stations a name offered elsewhere is like: a word of it begins a word of
    theirs (`classic fm` -> Classical). Round 26: Country was the one choice for `classic fm`,
    a change nobody asked for one press away."""
    words = [w for w in re.findall(r"[a-z]+", typed.lower()) if len(w) >= 4]
    return [
        station
        for station in stations
        if any(
            theirs.startswith(word)
            for word in words
            for theirs in re.findall(r"[a-z]+", station.name.lower())
        )
    ]


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
    if refusal := unknown_country_reply(ctx.s, resolved.places()):
        ctx.audit("refused", targets=resolved.targets(), detail="country unknown")
        return refusal
    choice = _choose_station(ctx, command, resolved.countries())
    if isinstance(choice, Reply):
        return choice
    run = StationRun(ctx, command, resolved, *choice)
    if ctx.preview:
        return await run.preview()
    if (
        command.expected
    ):  # "from jazz to pop": a room not on Jazz is asked about, never changed blind
        not_on = await _not_on_expected(ctx, command.expected, resolved.rooms)
        if not_on is not None:
            return ctx.confirm(
                f"{not_on} Set {_them(resolved.rooms)} to {run.names} anyway?",
                run.run,
                danger=False,
                notes=run.notes,
                units=tuple(resolved.targets()),
            )
    if resolved.missing:
        return ctx.confirm(
            f"{_gap(resolved)} Set the {len(resolved.rooms)} that do "
            f"({', '.join(r.room_name for r in resolved.rooms[:12])}) to {run.names}?",
            run.run,
            danger=False,
            notes=run.notes,
            units=tuple(resolved.targets()),
        )
    if len(resolved.rooms) > ctx.s.config.bot.confirm_over_rooms:
        return ctx.confirm(
            f"Set the default station of {resolved.label} to {run.names}?",
            run.run,
            danger=False,
            fields=[("Rooms", str(len(resolved.rooms))), ("Station", run.names)],
            notes=run.notes,
            units=tuple(resolved.targets()),
        )
    return await run.run()


_FROM_CHECKED = 20  # rooms read for "from <station>" before a change; more are said unchecked


async def _not_on_expected(ctx: Ctx, expected: str, rooms: Sequence[RoomRef]) -> str | None:
    """What the rooms play when some are not on the station the request says they are on (`from
    jazz`), said plainly; None when every room is on it."""
    checked = rooms[:_FROM_CHECKED]
    outcome = await ctx.bulk(checked, lambda room: current_station(ctx, room))
    wanted = {
        r.country: m.station.label
        for r in checked
        if (m := ctx.s.catalog.lookup(r.country, expected)).ok and m.station is not None
    }
    label = next(iter(wanted.values()), expected.title())
    off = [(r, now) for r, now in outcome.done if wanted.get(r.country) != now]
    unread = [r for r, _error in outcome.failed]
    if not off and not unread and len(rooms) <= _FROM_CHECKED:
        return None
    said = [f"room {r.room_name} at {r.property_name} {_plays(now)}" for r, now in off[:5]]
    said += [f"I couldn't read what room {r.room_name} plays" for r in unread[:3]]
    if len(rooms) > _FROM_CHECKED:
        said.append(f"I did not check the other {len(rooms) - _FROM_CHECKED} rooms")
    text = "; ".join(said)
    return f"You said from {label}, but {text}. Nothing was changed yet."


def _plays(now: str) -> str:
    """What a room plays, as a sentence's end: "is on Jazz", or "has no station set"."""
    return "has no station set" if now == "no station set" else f"is on {now}"


def _them(rooms: Sequence[RoomRef]) -> str:
    if len(rooms) == 1:
        return f"room {rooms[0].room_name}"
    return f"the {len(rooms)} rooms"


def _gap(resolved: Rooms) -> str:
    """ "Rooms 521, 522 don't exist at Harbor View Seattle." """
    where = f" at {resolved.scope.name}" if resolved.scope else ""
    shown = ", ".join(resolved.missing[:10]) + ("\u2026" if len(resolved.missing) > 10 else "")
    verb = "doesn't" if len(resolved.missing) == 1 else "don't"
    noun = "Room" if len(resolved.missing) == 1 else "Rooms"
    return f"{noun} {shown} {verb} exist{where}."


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
        ctx.audit("preview", targets=self.resolved.targets(), detail=f"would set {self.names}")
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

    async def run(self) -> Reply:
        ctx, resolved = self.ctx, self.resolved
        rooms = resolved.rooms
        planned: Plan
        targets: list[str] | None = None
        whole = resolved.whole
        if whole is not None and resolved.scope is not None:
            # a whole property or room type: planned by its scope, its rooms read as it runs
            after = pref_of(self.chosen[resolved.scope.country]).model_dump()
            planned = ScopePlan.of(whole, [RoomWrite("station", after)], resolved.scope.name)
        else:
            planned = [
                Planned(
                    r.room_id, r.room_name, r.property_name, "station",
                    pref_of(self.chosen[r.country]).model_dump(),
                )
                for r in rooms
            ]  # fmt: skip
            targets = [r.room_id for r in rooms]
        change_id, settled = await run_change(
            ctx,
            planned,
            command="SetStation",
            targets=targets,
            progress=station_progress(ctx, self.names) if len(rooms) > 1 else None,
        )
        return station_reply(ctx, change_id, settled, self.names, resolved.label, self.notes)


def station_progress(ctx: Ctx, names: str) -> ProgressFn:
    async def progress(done: int, failed: int, total: int) -> None:
        if ctx.progress is not None:
            failures = f", {failed} failed" if failed else ""
            slow = ["Amazon is throttling, so this is slower; the run continues."]
            await ctx.progress(
                Reply(
                    headline=f"Setting {names}: {done + failed} of {total} rooms done{failures}\u2026",
                    kind=ReplyKind.PROGRESS,
                    notes=slow if ctx.throttled else [],
                )
            )

    return progress


def station_reply(
    ctx: Ctx, change_id: int, settled: Settled, names: str, label: str, notes: list[str]
) -> Reply:
    """What staff read after a station change (or its retry), from what its journal rows add up
    to (`Settled`: counted in SQL for a large change, never read row by row)."""
    counts = settled.counts
    if counts.total == 1 and settled.single is not None:
        return _single(ctx, change_id, Change.of_row(settled.single), names, notes)
    ok, unsure = counts.ok, counts.unknown
    failed = counts.total - ok - unsure
    by_before: dict[str, int] = defaultdict(int)
    for before, n in settled.befores:
        by_before[station_name(ctx, before)] += n
    problems = [
        *([f"{failed} failed"] if failed else []),
        *([f"{unsure} not confirmed"] if unsure else []),
    ]
    headline = f"Set {ok} of {counts.total} rooms to {names}" + (
        f"; {' and '.join(problems)} (listed below)." if problems else f" ({label})."
    )
    actions = []
    if counts.applied:
        actions.append(undo_action(change_id))
    if failed or unsure:
        actions.append(retry_action(change_id))
    rows_shown = [
        [r.unit_name, r.property_name, r.error or ""] for r in settled.problems[:MAX_ROWS]
    ]
    before = ", ".join(f"{n} ({k})" for n, k in sorted(by_before.items()))
    return Reply(
        headline=headline,
        kind=ReplyKind.SUMMARY if problems else ReplyKind.SUCCESS,
        public=bool(ok),
        fields=[("Before", before)] if ok else [],
        table=Table(columns=["Failed room", "Property", "Why"], rows=rows_shown)
        if problems
        else None,
        notes=[
            *notes,
            *(
                [
                    "Not confirmed means Amazon's answer was lost and reading the room back failed "
                    "too; I will check again, and `retry failed` is safe."
                ]
                if unsure
                else []
            ),
        ],
        actions=actions,
        ref=change_token(change_id),
    )


def _single(ctx: Ctx, change_id: int, change: Change, names: str, notes: list[str]) -> Reply:
    where = f"room {change.unit_name} at {change.property_name}"
    if change.state == UNKNOWN:
        return Reply(
            headline=f"Not confirmed: I sent the station change for {where}, but Amazon's answer "
            "was lost and I could not read the room back. I will check again; say `retry failed` "
            "to send it again (safe) or ask what's playing there.",
            kind=ReplyKind.SUMMARY,
            notes=notes,
            actions=[retry_action(change_id, "Retry")],
            ref=change_token(change_id),
        )
    if not change.ok:
        return Reply(
            headline=f"Couldn't set the station of {where}: {change.error}",
            kind=ReplyKind.ERROR,
            notes=notes,
            actions=[retry_action(change_id, "Retry")],
            ref=change_token(change_id),
        )
    if change.state == UNCHANGED:
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
        actions=[undo_action(change_id)],
        ref=change_token(change_id),
    )


async def retry_stations(ctx: Ctx, entry: AuditEntry, rows: list[JournalRow]) -> Reply:
    """`retry failed` of a station change, from its journal rows (so it survives a restart)."""
    again = [
        Planned(r.unit_id, r.unit_name, r.property_name, r.kind, r.after)
        for r in rows
        if r.state not in (APPLIED, UNCHANGED)
    ]
    names = " / ".join(sorted({station_name(ctx, p.after) for p in again}))
    change_id, settled = await run_change(
        ctx,
        again,
        command=entry.command,
        derived_from=entry.id,
        progress=station_progress(ctx, names) if len(again) > 1 else None,
        detail=f"retry of change {change_token(entry.id)}",
    )
    label = f"the {len(again)} rooms that failed"
    return station_reply(ctx, change_id, settled, names, label, [])


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


def _offered(ctx: Ctx, station: str, country: str, label: str) -> Reply:
    """`is jazz available in London?`: yes with the station's name, or no with what is offered."""
    match = ctx.s.catalog.lookup(country, station)
    if match.ok and match.station is not None:
        return Reply(headline=f"Yes: {match.station.label} is available in {label}.")
    offered = ", ".join(s.name for s in ctx.s.catalog.stations(country))
    return Reply(
        headline=f"No: \u201c{station}\u201d isn't offered in {label}.",
        notes=[f"Stations in {country}: {offered}."],
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
    if command.station:
        return _offered(ctx, command.station, country, label)
    return Reply(
        headline=f"Stations offered in {label}:",
        table=Table(
            columns=["Station", "You can type"],
            rows=[[s.label, ", ".join(s.aliases[:3]) or s.name.lower()] for s in stations],
        ),
    )
