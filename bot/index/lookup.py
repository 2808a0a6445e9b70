"""Room, room type and property lookups over the index, and the writes that keep it current.

Hot paths (find_rooms, room, find_room_types) are single indexed SQL statements on the
raw connection; fuzzy matching (rapidfuzz) runs only after a miss, over the narrowest scope first,
from a cache of names that any write invalidates.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Final, NamedTuple, overload

from rapidfuzz import fuzz, process
from sqlite_utils import Database

from bot.clock import Clock, SystemClock
from bot.index.db import open_index
from bot.index.normalize import distinctive_words, normalize_name, normalize_room_name

DEFAULT_COUNTRY: Final = "US"
DEFAULT_TIMEZONE: Final = "UTC"
SUGGEST_CUTOFF: Final = 60.0
# The separators of room names ("Room@Top", "Loft-East", "Cabin_7", "Room=5")
_SEPARATED: Final = re.compile(r"[^0-9a-z]+|_")
PROPERTY_FUZZY_THRESHOLD: Final = 85.0
PROPERTY_FUZZY_MARGIN: Final = 8.0


@dataclass(frozen=True, slots=True)
class PropertyRef:
    id: str
    name: str
    organization_id: str | None
    country: str
    timezone: str


@dataclass(frozen=True, slots=True)
class RoomTypeRef:
    id: str
    name: str
    property_id: str
    property_name: str
    country: str
    timezone: str


class RoomRef(NamedTuple):
    """A room with its room type and property; a NamedTuple because a whole property's rooms (hundreds)
    are built on the hot path of a request, and a tuple builds several times faster than a frozen
    dataclass."""

    room_id: str
    room_name: str
    room_type_id: str
    room_type_name: str
    property_id: str
    property_name: str
    country: str
    timezone: str


@dataclass(frozen=True, slots=True)
class IndexCounts:
    properties: int
    room_types: int
    rooms: int


_PROPERTY_SQL: Final = "SELECT id, name, organization_id, country, timezone FROM properties"
_ROOM_TYPE_SQL: Final = (
    "SELECT t.id, t.name, t.property_id, p.name, p.country, p.timezone"
    " FROM room_types t JOIN properties p ON p.id = t.property_id"
)
# Rooms are read alone (index-only) and joined in Python to cached properties and room types: a name
# found in 100 properties costs 100 index entries, not 300 B-tree searches.
# property name, room name, room id: itemgetter sorts in C
_BY_PROPERTY_AND_NAME: Final = itemgetter(5, 1, 0)
_ROOM_SQL: Final = "SELECT r.id, r.name, r.room_type_id, r.property_id FROM rooms r"
_INSERT_ROOM_TYPE: Final = (
    "INSERT OR REPLACE INTO room_types (id, property_id, name, name_norm) VALUES (?, ?, ?, ?)"
)
_INSERT_ROOM: Final = (
    "INSERT OR REPLACE INTO rooms (id, name, name_norm, room_type_id, property_id)"
    " VALUES (?, ?, ?, ?, ?)"
)


# A sync's room lists kept aside until their property's last list arrives (Index.stage_rooms): a
# table of the connection that writes the sync, gone when it closes.
_STAGED_TABLE: Final = (
    "CREATE TEMP TABLE IF NOT EXISTS staged_rooms (property_id TEXT NOT NULL, list INTEGER NOT NULL,"
    " position INTEGER NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, name_norm TEXT NOT NULL,"
    " room_type_id TEXT NOT NULL)"
)


def _stage_table(conn: sqlite3.Connection) -> None:
    conn.execute(_STAGED_TABLE)
    conn.execute("CREATE INDEX IF NOT EXISTS temp.staged_rooms_of ON staged_rooms (property_id)")


def _scope_of(property_id: str, room_type_id: str | None) -> tuple[str, str]:
    """The WHERE of a property's rooms, or of one of its room types' (both index ranges)."""
    if room_type_id is not None:
        return "r.room_type_id = ?", room_type_id
    return "r.property_id = ?", property_id


class ScopeRooms(Sequence[RoomRef]):
    """All rooms of a property, or of one room type, read from the index when asked: counted once,
    shown a few at a time (name order, as `rooms_of_property`), never held whole (a property of a
    million rooms is a few hundred bytes here). Iterating reads them all: the handlers of large
    changes plan from the scope instead (bot/core/ledger/plans.py)."""

    def __init__(self, index: Index, property_id: str, room_type_id: str | None = None) -> None:
        self.lookup = index
        self.property_id = property_id
        self.room_type_id = room_type_id
        self._count = index.count_rooms(property_id, room_type_id)

    def __len__(self) -> int:
        return self._count

    @property
    def mark(self) -> str:
        """The scope as audit targets and confirmations name it: "property:<id>" or
        "room_type:<id>" (a unit id never looks like that)."""
        if self.room_type_id is not None:
            return f"room_type:{self.room_type_id}"
        return f"property:{self.property_id}"

    @overload
    def __getitem__(self, at: int) -> RoomRef: ...
    @overload
    def __getitem__(self, at: slice) -> list[RoomRef]: ...
    def __getitem__(self, at: int | slice) -> RoomRef | list[RoomRef]:
        if isinstance(at, slice):
            start, stop, step = at.indices(self._count)
            if step != 1:
                return list(self)[at]
            return self.lookup.rooms_slice(self.property_id, self.room_type_id, start, stop)
        position = at + self._count if at < 0 else at
        found = self.lookup.rooms_slice(self.property_id, self.room_type_id, position, position + 1)
        if not 0 <= position < self._count or not found:
            raise IndexError(at)
        return found[0]

    def __iter__(self) -> Iterator[RoomRef]:
        return iter(self.lookup.rooms_slice(self.property_id, self.room_type_id, 0, self._count))


def _property(row: tuple[str, str, str | None, str, str]) -> PropertyRef:
    return PropertyRef(*row)


def _room_type(row: tuple[str, str, str, str, str, str]) -> RoomTypeRef:
    return RoomTypeRef(*row)


class Index:
    """The cached hierarchy. Not thread-safe for writes: one writer (the bot's event loop) at a
    time.
    """

    def __init__(
        self, db: Database | str | Path = ":memory:", *, clock: Clock | None = None
    ) -> None:
        self.db = db if isinstance(db, Database) else open_index(db)
        self.conn = self.db.conn
        self.clock: Clock = clock or SystemClock()
        self._version = 0
        self._parents_cache: (
            tuple[tuple[int, int], dict[str, tuple[str, str, str]], dict[str, str]] | None
        ) = None
        self._name_cache: dict[
            tuple[str, str | None], tuple[tuple[int, int], dict[str, list[str]], list[str]]
        ] = {}
        self._tail_cache: dict[str | None, tuple[tuple[int, int], dict[str, list[str]]]] = {}

    # ---- properties
    # ------------------------------------------------------------------------------------

    def properties(self) -> list[PropertyRef]:
        rows = self.conn.execute(_PROPERTY_SQL + " ORDER BY name, id").fetchall()
        return [_property(r) for r in rows]

    def property(self, property_id: str) -> PropertyRef | None:
        row = self.conn.execute(_PROPERTY_SQL + " WHERE id = ?", (property_id,)).fetchone()
        return _property(row) if row else None

    def find_properties(self, name: str) -> list[PropertyRef]:
        """By id or exact name, then normalised name, then name prefix ("Harbor View"), then whole
        words ("Seattle"), then a clear typo. Several results mean the caller must ask which."""
        text = name.strip()
        for sql in (" WHERE id = ?", " WHERE name = ?"):
            rows = self.conn.execute(_PROPERTY_SQL + sql + " ORDER BY name, id", (text,)).fetchall()
            if rows:
                return [_property(r) for r in rows]
        key = normalize_name(text)
        if not key:
            return []
        rows = self.conn.execute(
            _PROPERTY_SQL + " WHERE name_norm = ? ORDER BY name, id", (key,)
        ).fetchall()
        if rows:
            return [_property(r) for r in rows]
        if not distinctive_words(key):  # "every hotel", "the inn": a scope or a kind, never a name
            return []
        everything = self.properties()
        norms = [(normalize_name(p.name), p) for p in everything]
        # the name begun with the words, or having them whole: "bay" is Bay Tree House and
        # Copper Bay alike (asked which), never one of them because it starts with the word
        worded = [p for n, p in norms if f" {key} " in f" {n} "]
        if worded:
            return worded
        # a word begun ("lake" for Lakeside): only when no property has the word whole ("bay" is
        # Pelican Bay and Cardigan Bay, never Bayou Blues)
        begun = [p for n, p in norms if n.startswith(key)]
        if begun:
            return begun
        # A typo is judged on the distinctive words only, so a shared "hotel" adds nothing.
        scored = process.extract(
            distinctive_words(key),
            [distinctive_words(n) or n for n, _ in norms],
            scorer=fuzz.WRatio,
            limit=2,
            score_cutoff=SUGGEST_CUTOFF,
        )
        if (
            scored
            and scored[0][1] >= PROPERTY_FUZZY_THRESHOLD
            and (len(scored) == 1 or scored[0][1] - scored[1][1] >= PROPERTY_FUZZY_MARGIN)
        ):
            return [norms[scored[0][2]][1]]
        return []

    def suggest_properties(self, name: str, limit: int = 5) -> list[PropertyRef]:
        everything = self.properties()
        scored = process.extract(
            normalize_name(name),
            [normalize_name(p.name) for p in everything],
            scorer=fuzz.WRatio,
            limit=limit,
            score_cutoff=SUGGEST_CUTOFF,
        )
        return [everything[i] for _, _, i in scored]

    # ---- room types
    # --------------------------------------------------------------------------------------

    def room_types(self, property_id: str) -> list[RoomTypeRef]:
        rows = self.conn.execute(
            _ROOM_TYPE_SQL + " WHERE t.property_id = ? ORDER BY t.name, t.id", (property_id,)
        ).fetchall()
        return [_room_type(r) for r in rows]

    def room_type(self, room_type_id: str) -> RoomTypeRef | None:
        row = self.conn.execute(_ROOM_TYPE_SQL + " WHERE t.id = ?", (room_type_id,)).fetchone()
        return _room_type(row) if row else None

    def find_room_types(self, name: str, property_id: str | None = None) -> list[RoomTypeRef]:
        """Exact name (or id), then normalised name; one per property it exists in."""
        text = name.strip()
        scope, params = self._scope("t", property_id)
        for where, value in (("t.name = ?", text), ("t.id = ?", text), ("t.name_norm = ?", None)):
            if value is None:
                value = normalize_name(text)
                if not value:
                    return []
            rows = self.conn.execute(
                _ROOM_TYPE_SQL + f" WHERE {where}{scope} ORDER BY p.name, t.name, t.id",
                (value, *params),
            ).fetchall()
            if rows:
                return [_room_type(r) for r in rows]
        return []

    def suggest_room_types(
        self, name: str, property_id: str | None = None, limit: int = 5
    ) -> list[RoomTypeRef]:
        key = normalize_name(name)
        ids = self._suggest("room_types", key, property_id, limit, fuzz.WRatio)
        if not ids and property_id is not None:
            ids = self._suggest("room_types", key, None, limit, fuzz.WRatio)
        found = (self.room_type(i) for i in ids)
        return [r for r in found if r is not None]

    # ---- rooms
    # ----------------------------------------------------------------------------------------

    def room(self, room_id: str) -> RoomRef | None:
        found = self._rooms(" WHERE r.id = ?", (room_id,))
        return found[0] if found else None

    def find_rooms(self, name: str, property_id: str | None = None) -> list[RoomRef]:
        """Exact name, then normalised ("Rm 204", "#204" -> "204"), then the room (unit) id.

        A name that exists in several properties gives one RoomRef each: the caller reports
        ambiguity.
        """
        text = name.strip()
        scope, params = self._scope("r", property_id)
        return (
            self._rooms(" WHERE r.name = ?" + scope, (text, *params))
            or self._rooms(" WHERE r.name_norm = ?" + scope, (normalize_room_name(text), *params))
            or self._rooms(" WHERE r.id = ?" + scope, (text, *params))
        )

    def suggest_rooms(
        self, name: str, property_id: str | None = None, limit: int = 5
    ) -> list[RoomRef]:
        """Close room names, for a lookup that missed: the property first, the whole index
        if none there.
        """
        key = normalize_room_name(name)
        ids = self._suggest_room_ids(key, property_id, limit)
        if not ids and property_id is not None:
            ids = self._suggest_room_ids(key, None, limit)
        found = (self.room(i) for i in ids)
        return [r for r in found if r is not None]

    def _suggest_room_ids(self, key: str, property_id: str | None, limit: int) -> list[str]:
        """The rooms whose distinctive part, after a separator, is what was typed (`Top`:
        Room@Top, whose whole name scores too low), then the close names by score."""
        tails = self._room_tails(property_id).get(key, []) if key else []
        scored = self._suggest("rooms", key, property_id, limit, fuzz.ratio)
        return list(dict.fromkeys((*tails, *scored)))[:limit]

    def count_rooms(self, property_id: str, room_type_id: str | None = None) -> int:
        """How many rooms a property (or one of its room types) has: one index range, counted."""
        where, key = _scope_of(property_id, room_type_id)
        row = self.conn.execute(f"SELECT COUNT(*) FROM rooms r WHERE {where}", (key,)).fetchone()
        return int(row[0]) if row else 0

    def room_batch(
        self, property_id: str, room_type_id: str | None, after: str | None, limit: int
    ) -> tuple[list[RoomRef], str | None]:
        """The next `limit` rooms of a property (or room type) after room id `after`, in room id
        order, and the id to go on after (None: there are no more). A whole property is read a
        batch at a time (index (property_id, id)), so that a change over a million rooms never
        holds them all."""
        where, key = _scope_of(property_id, room_type_id)
        rows = self.conn.execute(
            _ROOM_SQL + f" WHERE {where} AND r.id > ? ORDER BY r.id LIMIT ?",
            (key, after or "", limit + 1),  # one more: whether this batch is the last is known
        ).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        return self._joined(rows), (str(rows[-1][0]) if more else None)

    def rooms_slice(
        self, property_id: str, room_type_id: str | None, start: int, stop: int
    ) -> list[RoomRef]:
        """Rooms `start`..`stop` of a property (or room type) in the order `rooms_of_property`
        gives them (name, then id): what a reply shows of a large scope, a few at a time."""
        where, key = _scope_of(property_id, room_type_id)
        return self._joined(
            self.conn.execute(
                _ROOM_SQL + f" WHERE {where} ORDER BY r.name, r.id LIMIT ? OFFSET ?",
                (key, max(0, stop - start), start),
            ).fetchall()
        )

    def rooms_named(self, name: str, property_id: str) -> list[RoomRef]:
        """The property's rooms of this name, exact or normalised (never matched by id): two
        indexed lookups, however many rooms the property has."""
        return self._rooms(
            " WHERE r.property_id = ? AND (r.name = ? OR r.name_norm = ?)",
            (property_id, name.strip(), normalize_room_name(name)),
        )

    def rooms_of_room_type(self, room_type_id: str) -> list[RoomRef]:
        return self._rooms(" WHERE r.room_type_id = ?", (room_type_id,))

    def rooms_of_property(self, property_id: str) -> list[RoomRef]:
        return self._rooms(" WHERE r.property_id = ?", (property_id,))

    # ---- state
    # ----------------------------------------------------------------------------------------

    def counts(self, property_id: str | None = None) -> IndexCounts:
        if property_id is None:
            row = self.conn.execute(
                "SELECT (SELECT count(*) FROM properties), (SELECT count(*) FROM room_types),"
                " (SELECT count(*) FROM rooms)"
            ).fetchone()
        else:
            row = self.conn.execute(
                "SELECT (SELECT count(*) FROM properties WHERE id = ?),"
                " (SELECT count(*) FROM room_types WHERE property_id = ?),"
                " (SELECT count(*) FROM rooms WHERE property_id = ?)",
                (property_id, property_id, property_id),
            ).fetchone()
        return IndexCounts(*row)

    def is_loaded(self) -> bool:
        """True once a full sync of an organization has completed."""
        row = self.conn.execute(
            "SELECT 1 FROM sync_state WHERE scope LIKE 'org:%' LIMIT 1"
        ).fetchone()
        return row is not None

    def synced_at(self, scope: str) -> datetime | None:
        row = self.conn.execute(
            "SELECT synced_at FROM sync_state WHERE scope = ?", (scope,)
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def mark_synced(self, scope: str, items: int) -> None:
        with self.conn:
            self._mark(scope, items)

    # ---- writes (sync, and the conversation core after a change)
    # ----------------------------------------

    def upsert_property(
        self,
        property_id: str,
        name: str,
        *,
        organization_id: str | None = None,
        country: str | None = None,
        timezone: str | None = None,
    ) -> None:
        """Insert or update; unspecified organization, country and timezone keep their
        stored values.
        """
        with self.conn:
            self._upsert_property(property_id, name, organization_id, country, timezone)
        self._changed()

    def upsert_room_type(self, room_type_id: str, name: str, property_id: str) -> None:
        with self.conn:
            self.conn.execute(
                _INSERT_ROOM_TYPE, (room_type_id, property_id, name, normalize_name(name))
            )
            # A room type moved or re-created under another id keeps its rooms consistent.
            self.conn.execute(
                "UPDATE rooms SET property_id = ? WHERE room_type_id = ?",
                (property_id, room_type_id),
            )
        self._changed()

    def upsert_room(
        self, room_id: str, name: str, room_type_id: str, property_id: str | None = None
    ) -> None:
        """Insert or update a room; its property defaults to its room type's (KeyError if
        unknown).
        """
        if property_id is None:
            row = self.conn.execute(
                "SELECT property_id FROM room_types WHERE id = ?", (room_type_id,)
            ).fetchone()
            if row is None:
                raise KeyError(f"room type {room_type_id} is not in the index")
            property_id = str(row[0])
        with self.conn:
            self.conn.execute(
                _INSERT_ROOM,
                (room_id, name, normalize_room_name(name), room_type_id, property_id),
            )
        self._changed()

    def delete_property(self, property_id: str) -> bool:
        """Remove a property with its room types and rooms. False when it was not there."""
        with self.conn:
            found = self._delete_property(property_id)
        self._changed()
        return found

    def delete_room_type(self, room_type_id: str) -> bool:
        with self.conn:
            self.conn.execute("DELETE FROM rooms WHERE room_type_id = ?", (room_type_id,))
            self.conn.execute(
                "DELETE FROM sync_state WHERE scope = ?", (f"room_type:{room_type_id}",)
            )
            found = self.conn.execute(
                "DELETE FROM room_types WHERE id = ?", (room_type_id,)
            ).rowcount
        self._changed()
        return found > 0

    def delete_room(self, room_id: str) -> bool:
        with self.conn:
            found = self.conn.execute("DELETE FROM rooms WHERE id = ?", (room_id,)).rowcount
        self._changed()
        return found > 0

    def rename_property(self, property_id: str, name: str) -> bool:
        return self._rename("properties", property_id, name, normalize_name(name))

    def rename_room_type(self, room_type_id: str, name: str) -> bool:
        return self._rename("room_types", room_type_id, name, normalize_name(name))

    def rename_room(self, room_id: str, name: str) -> bool:
        return self._rename("rooms", room_id, name, normalize_room_name(name))

    # ---- bulk writes for sync
    # ---------------------------------------------------------------------------

    def replace_property(
        self,
        property_id: str,
        name: str,
        *,
        organization_id: str | None,
        country: str | None,
        timezone: str | None,
        room_types: Iterable[tuple[str, str]],
        rooms: Iterable[tuple[str, str, str]],
    ) -> int:
        """Swap in a property's whole content in one transaction: (room type id, name) pairs and
        (room id, name, room type id) triples. Rooms gone upstream disappear. Returns the room
        count."""
        room_rows = [(i, n, normalize_room_name(n), t, property_id) for i, n, t in rooms]
        with self.conn:
            self._upsert_property(property_id, name, organization_id, country, timezone)
            self.conn.execute("DELETE FROM rooms WHERE property_id = ?", (property_id,))
            self.conn.execute("DELETE FROM room_types WHERE property_id = ?", (property_id,))
            self.conn.executemany(
                _INSERT_ROOM_TYPE, [(i, property_id, n, normalize_name(n)) for i, n in room_types]
            )
            self.conn.executemany(_INSERT_ROOM, room_rows)
            self._mark(f"property:{property_id}", len(room_rows))
        self._changed()
        return len(room_rows)

    def stage_rooms(
        self, property_id: str, order: int, rooms: Iterable[tuple[str, str, str]]
    ) -> None:
        """Keep one room list of a property being synced, (room id, name, room type id) triples,
        aside (a table of this connection) until the property's last list arrives: a property of
        a million rooms is never held in memory by the sync. `order` is the room type's place
        in the property's list (a room listed twice keeps the later one, as a whole list would)."""
        _stage_table(self.conn)
        with self.conn:
            self.conn.executemany(
                "INSERT INTO temp.staged_rooms (property_id, list, position, id, name, name_norm,"
                " room_type_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (property_id, order, n, i, name, normalize_room_name(name), t)
                    for n, (i, name, t) in enumerate(rooms)
                ],
            )

    def forget_staged(self, property_id: str) -> None:
        """Drop what an earlier, failed sync of the property left aside."""
        _stage_table(self.conn)
        with self.conn:
            self.conn.execute("DELETE FROM temp.staged_rooms WHERE property_id = ?", (property_id,))

    def replace_property_staged(
        self,
        property_id: str,
        name: str,
        *,
        organization_id: str | None,
        country: str | None,
        timezone: str | None,
        room_types: Iterable[tuple[str, str]],
    ) -> int:
        """`replace_property` from the rooms staged for it (`stage_rooms`): the same swap in one
        transaction, the rooms copied inside SQLite. Returns the room count."""
        _stage_table(self.conn)
        with self.conn:
            self._upsert_property(property_id, name, organization_id, country, timezone)
            self.conn.execute("DELETE FROM rooms WHERE property_id = ?", (property_id,))
            self.conn.execute("DELETE FROM room_types WHERE property_id = ?", (property_id,))
            self.conn.executemany(
                _INSERT_ROOM_TYPE, [(i, property_id, n, normalize_name(n)) for i, n in room_types]
            )
            self.conn.execute(
                "INSERT OR REPLACE INTO rooms (id, name, name_norm, room_type_id, property_id)"
                " SELECT id, name, name_norm, room_type_id, property_id FROM temp.staged_rooms"
                " WHERE property_id = ? ORDER BY list, position",
                (property_id,),
            )
            self.conn.execute("DELETE FROM temp.staged_rooms WHERE property_id = ?", (property_id,))
            rooms = self.conn.execute(
                "SELECT COUNT(*) FROM rooms WHERE property_id = ?", (property_id,)
            ).fetchone()[0]
            self._mark(f"property:{property_id}", int(rooms))
        self._changed()
        return int(rooms)

    def replace_room_type_rooms(self, room_type_id: str, rooms: Iterable[tuple[str, str]]) -> int:
        """Swap in one room type's rooms, (room id, name) pairs, in one transaction."""
        row = self.conn.execute(
            "SELECT property_id FROM room_types WHERE id = ?", (room_type_id,)
        ).fetchone()
        if row is None:
            raise KeyError(f"room type {room_type_id} is not in the index")
        property_id = str(row[0])
        room_rows = [(i, n, normalize_room_name(n), room_type_id, property_id) for i, n in rooms]
        with self.conn:
            self.conn.execute("DELETE FROM rooms WHERE room_type_id = ?", (room_type_id,))
            self.conn.executemany(_INSERT_ROOM, room_rows)
            self._mark(f"room_type:{room_type_id}", len(room_rows))
        self._changed()
        return len(room_rows)

    def retain_properties(self, organization_id: str, keep: Iterable[str]) -> list[str]:
        """Drop the organization's properties (and unowned ones) not in `keep`; returns the
        dropped ids.
        """
        kept = set(keep)
        rows = self.conn.execute(
            "SELECT id FROM properties WHERE organization_id = ? OR organization_id IS NULL",
            (organization_id,),
        ).fetchall()
        gone = [str(r[0]) for r in rows if r[0] not in kept]
        with self.conn:
            for property_id in gone:
                self._delete_property(property_id)
        self._changed()
        return gone

    # ---- internals
    # ----------------------------------------------------------------------------------

    @staticmethod
    def _scope(alias: str, property_id: str | None) -> tuple[str, tuple[str, ...]]:
        if property_id is None:
            return "", ()
        return f" AND {alias}.property_id = ?", (property_id,)

    def _changed(self) -> None:
        self._version += 1
        # Every process's caches key on this row: bumped by hierarchy writes only, so the change
        # journal, audit log and device health (any commit by another process) keep them valid.
        with self.conn:
            self.conn.execute("UPDATE hierarchy_version SET version = version + 1 WHERE id = 1")

    def cache_key(self) -> tuple[int, int]:
        """What caches of the hierarchy (name tables, the lexicon) are valid for: a write here,
        or a hierarchy write by another process (a sync, an add or a rename)."""
        row = self.conn.execute("SELECT version FROM hierarchy_version WHERE id = 1").fetchone()
        return (self._version, int(row[0]) if row else 0)

    def _parents(self) -> tuple[dict[str, tuple[str, str, str]], dict[str, str]]:
        """Properties (id -> name, country, timezone) and room types (id -> name), cached until a
        hierarchy write here or by another process (`cache_key`)."""
        key = self.cache_key()
        cached = self._parents_cache
        if cached is None or cached[0] != key:
            properties = {
                str(i): (str(n), str(c), str(z))
                for i, n, c, z in self.conn.execute(
                    "SELECT id, name, country, timezone FROM properties"
                )
            }
            types = {
                str(i): str(n) for i, n in self.conn.execute("SELECT id, name FROM room_types")
            }
            cached = (key, properties, types)
            self._parents_cache = cached
        return cached[1], cached[2]

    def _rooms(self, where: str, params: tuple[str, ...]) -> list[RoomRef]:
        refs = self._joined(self.conn.execute(_ROOM_SQL + where, params).fetchall())
        refs.sort(key=_BY_PROPERTY_AND_NAME)
        return refs

    def _joined(self, rows: list[tuple[str, str, str, str]]) -> list[RoomRef]:
        """Rooms (id, name, room type id, property id) joined to their cached parents."""
        if not rows:
            return []
        properties, types = self._parents()
        refs: list[RoomRef] = []
        for room_id, name, room_type_id, property_id in rows:
            prop = properties.get(property_id)
            type_name = types.get(room_type_id)
            if prop is None or type_name is None:
                continue  # an orphan (mid-write elsewhere) is invisible, as a JOIN would make it
            refs.append(RoomRef(room_id, name, room_type_id, type_name, property_id, *prop))
        return refs

    def _mark(self, scope: str, items: int) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO sync_state (scope, synced_at, items) VALUES (?, ?, ?)",
            (scope, self.clock.now().isoformat(), items),
        )

    def _upsert_property(
        self,
        property_id: str,
        name: str,
        organization_id: str | None,
        country: str | None,
        timezone: str | None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO properties (id, name, name_norm, organization_id, country, timezone)"
            " VALUES (?1, ?2, ?3, ?4, coalesce(?5, ?7), coalesce(?6, ?8))"
            " ON CONFLICT (id) DO UPDATE SET name = ?2, name_norm = ?3,"
            " organization_id = coalesce(?4, organization_id),"
            " country = coalesce(?5, country), timezone = coalesce(?6, timezone)",
            (
                property_id,
                name,
                normalize_name(name),
                organization_id,
                country,
                timezone,
                DEFAULT_COUNTRY,
                DEFAULT_TIMEZONE,
            ),
        )

    def _delete_property(self, property_id: str) -> bool:
        room_types = [
            str(r[0])
            for r in self.conn.execute(
                "SELECT id FROM room_types WHERE property_id = ?", (property_id,)
            ).fetchall()
        ]
        self.conn.execute("DELETE FROM rooms WHERE property_id = ?", (property_id,))
        self.conn.execute("DELETE FROM room_types WHERE property_id = ?", (property_id,))
        self.conn.executemany(
            "DELETE FROM sync_state WHERE scope = ?",
            [(f"room_type:{t}",) for t in room_types] + [(f"property:{property_id}",)],
        )
        return self.conn.execute("DELETE FROM properties WHERE id = ?", (property_id,)).rowcount > 0

    def _rename(self, table: str, row_id: str, name: str, name_norm: str) -> bool:
        with self.conn:
            found = self.conn.execute(
                f"UPDATE {table} SET name = ?, name_norm = ? WHERE id = ?",
                (name, name_norm, row_id),
            ).rowcount
        self._changed()
        return found > 0

    def _room_tails(self, property_id: str | None) -> dict[str, list[str]]:
        """Each part of a room name after a separator -> the rooms' ids ("top" -> Room@Top), built
        once per hierarchy version: a miss must not split every name of a large index."""
        version = self.cache_key()
        cached = self._tail_cache.get(property_id)
        if cached is not None and cached[0] == version:
            return cached[1]
        names, choices = self._names("rooms", property_id)
        tails: dict[str, list[str]] = {}
        for choice in choices:
            for part in _SEPARATED.split(choice)[1:]:
                if part:
                    tails.setdefault(part, []).extend(names[choice])
        if len(self._tail_cache) > 64:
            self._tail_cache.clear()
        self._tail_cache[property_id] = (version, tails)
        return tails

    def _names(self, table: str, property_id: str | None) -> tuple[dict[str, list[str]], list[str]]:
        """name_norm -> ids in scope, and the names as a list, cached until the next hierarchy
        write (here or by another process)."""
        cache_key = (table, property_id)
        version = self.cache_key()
        cached = self._name_cache.get(cache_key)
        if cached is not None and cached[0] == version:
            return cached[1], cached[2]
        sql = f"SELECT name_norm, id FROM {table}"
        params: tuple[str, ...] = ()
        if property_id is not None:
            sql += " WHERE property_id = ?"
            params = (property_id,)
        sql += " ORDER BY rowid"  # as written (a suggestion's order never follows an index)
        names: dict[str, list[str]] = {}
        for name_norm, row_id in self.conn.execute(sql, params):
            names.setdefault(name_norm, []).append(row_id)
        if len(self._name_cache) > 64:
            self._name_cache.clear()
        choices = list(names)
        self._name_cache[cache_key] = (version, names, choices)
        return names, choices

    def _suggest(
        self,
        table: str,
        key: str,
        property_id: str | None,
        limit: int,
        scorer: Callable[..., float],
    ) -> list[str]:
        if not key:
            return []
        names, choices = self._names(table, property_id)
        scored = process.extract(
            key, choices, scorer=scorer, limit=limit, score_cutoff=SUGGEST_CUTOFF
        )
        ids: list[str] = []
        for name, _, _ in scored:
            ids.extend(names[name])
        return ids[:limit]
