"""From what was typed to rooms of the index: channel-bound property, ambiguity, refresh on a miss."""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from rapidfuzz import fuzz

from bot.core.access.services import Services
from bot.core.ledger.property_settings import index_values, place_of
from bot.core.shared.commands import Role, Target
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind
from bot.core.understanding.lexicon import lexicon_for
from bot.core.understanding.text import plural
from bot.index.lookup import Index, PropertyRef, RoomRef, RoomTypeRef, ScopeRooms
from bot.index.normalize import distinctive_words, normalize_name, normalize_room_name
from bot.index.sync import full_sync, refresh_property

MAX_CHOICES = 6
_BY_NAME_ROOMS = 20_000  # a property read whole for a list of its rooms' names, up to this size


class _AtProperty(Protocol):
    @property
    def property_id(self) -> str: ...


T = TypeVar("T", bound=_AtProperty)
_ROOMS_CACHE: dict[
    tuple[int, str], tuple[tuple[int, int], tuple[RoomRef, ...], dict[str, list[RoomRef]]]
] = {}


_FOUND: dict[tuple[int, str, str | None], tuple[tuple[int, int], list[RoomRef]]] = {}


_WATCHED: set[int] = set()


def _key_of(index: Index) -> int:
    """The index's id as a cache key, forgotten when the index is: a later index at the same
    address (another world in tests) must never be answered with the old one's rooms."""
    key = id(index)
    if key not in _WATCHED:
        _WATCHED.add(key)
        weakref.finalize(index, _forget, key)
    return key


def _forget(key: int) -> None:
    _WATCHED.discard(key)
    for found in [k for k in _FOUND if k[0] == key]:
        del _FOUND[found]
    for rooms in [k for k in _ROOMS_CACHE if k[0] == key]:
        del _ROOMS_CACHE[rooms]


def _index_version(index: Index) -> tuple[int, int]:
    return index.cache_key()


def _find_rooms(index: Index, name: str, property_id: str | None) -> list[RoomRef]:
    """The index's rooms of a name, remembered until the index changes: the same room numbers come up
    again and again, and one in every property ("204") is hundreds of rows."""
    version = _index_version(index)
    key = (_key_of(index), name, property_id)
    cached = _FOUND.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    found = index.find_rooms(name, property_id)
    if len(_FOUND) > 4096:
        _FOUND.clear()
    _FOUND[key] = (version, found)
    return found


def _property_rooms(
    index: Index, property_id: str
) -> tuple[tuple[RoomRef, ...], dict[str, list[RoomRef]]]:
    """A property's rooms, and by normalised name, read once per index version (a sync, an add or a
    rename elsewhere bumps it)."""
    version = _index_version(index)
    cached = _ROOMS_CACHE.get((_key_of(index), property_id))
    if cached is not None and cached[0] == version:
        return cached[1], cached[2]
    rooms = tuple(index.rooms_of_property(property_id))
    by_name: dict[str, list[RoomRef]] = {}
    for room in rooms:
        by_name.setdefault(normalize_room_name(room.room_name), []).append(room)
    if len(_ROOMS_CACHE) > 256:
        _ROOMS_CACHE.clear()
    _ROOMS_CACHE[(_key_of(index), property_id)] = (version, rooms, by_name)
    return rooms, by_name


@dataclass(frozen=True)
class Rooms:
    # a whole property or room type is a ScopeRooms (read from the index when asked)
    rooms: Sequence[RoomRef]
    scope: PropertyRef | None
    label: str  # "room 204 at Harbor View Seattle", for replies
    missing: tuple[str, ...] = ()  # rooms of a typed range that do not exist (the rest do)
    # The channel's property, when the rooms named are all at one other property and were taken
    # there (a read, or a change that then asks before it runs): the reply says where they are.
    moved_from: PropertyRef | None = None

    @property
    def whole(self) -> ScopeRooms | None:
        """The whole property or room type these rooms are (read when asked), if they are one."""
        return self.rooms if isinstance(self.rooms, ScopeRooms) else None

    def targets(self) -> list[str]:
        """What an audit entry or a confirmation records: the rooms' ids, or the scope's mark
        (a property of a million rooms is one word)."""
        whole = self.whole
        return [whole.mark] if whole is not None else [r.room_id for r in self.rooms]

    def places(self) -> set[tuple[str, str]]:
        """(property id, name) of the properties the rooms are at."""
        if self.whole is not None and self.scope is not None:
            return {(self.scope.id, self.scope.name)}
        return {(r.property_id, r.property_name) for r in self.rooms}

    def countries(self) -> list[str]:
        if self.whole is not None and self.scope is not None:
            return [self.scope.country] if self.rooms else []
        return sorted({r.country for r in self.rooms})


Resolved = Rooms | Reply


def _one_room(target: Target, room: RoomRef) -> Target:
    """`target` narrowed to one room of the index, at its property (a choice of a question)."""
    return replace(
        target,
        rooms=(room.room_name,),
        room_type=None,
        one=False,
        excluded=(),
        property_name=room.property_name,
    )


def _left_out(resolved: Rooms, excluded: tuple[str, ...]) -> Rooms | Reply:
    """The rooms without those named after "except"; a name that is not among them changes
    nothing (the user meant a room the request does not cover: asked to say it again)."""
    keys = {normalize_room_name(name): name for name in excluded}
    found = {normalize_room_name(r.room_name) for r in resolved.rooms}
    strays = [name for key, name in keys.items() if key not in found]
    if strays:
        return Reply(
            headline=f"{', '.join(strays)} {'is' if len(strays) == 1 else 'are'} not among "
            f"{resolved.label}, so I can't leave {'it' if len(strays) == 1 else 'them'} out. "
            "Nothing was changed.",
            kind=ReplyKind.ERROR,
            notes=["Send the request again with the rooms to leave out as they are named."],
        )
    rooms = [r for r in resolved.rooms if normalize_room_name(r.room_name) not in keys]
    label = f"{resolved.label}, except {', '.join(excluded)}"
    return replace(resolved, rooms=rooms, label=label)


# A word staff put before a room's own name: "suite 318", "unit 12", "apt 4B"
_MARKED = re.compile(r"(?i)^(?:suite|unit|apt\.?|apartment)\s*#?\s*(?P<rest>\S+)$")
_KIND_NUMBER = re.compile(r"(?i)^(?P<kind>[^\d#]+?)\s*#?\s*(?P<rest>\d{1,5}[a-z]?)$")


def _question(
    headline: str, choices: list[tuple[str, str]], notes: list[str] | None = None
) -> Reply:
    return Reply(
        headline=headline,
        kind=ReplyKind.QUESTION,
        notes=notes or [],
        actions=[
            Action(kind=ActionKind.CHOICE, label=label, value=value) for label, value in choices
        ],
    )


class Resolver:
    def __init__(
        self,
        services: Services,
        channel: str | None,
        *,
        user: str | None = None,
        needed: Role | None = None,
        moves: bool = False,
        recent_property: str | None = None,
    ) -> None:
        self.s = services
        self.channel = channel
        # Rooms named that are not at the channel's property but all at one other are taken there
        # (else asked about): for reads, and changes that ask before they run.
        self.moves = moves
        # The property this user named last in this conversation (recently): when it is not the
        # channel's and has the rooms named too, which one is asked, never taken from the binding.
        self.recent_property = recent_property
        # the other property the rooms named were taken to (a place the user worked at, for the
        # engine's "named in your last requests")
        self.moved_to: PropertyRef | None = None
        self._refreshed = False
        # Who asks and the role the command needs: with both, every property a request resolves to
        # is checked against the user's grants (bot.core.access) before the handler sends anything.
        self.user = user
        self.needed = needed
        # the properties this request was checked against: whose admins may confirm it for the user
        self.checked: dict[str, PropertyRef] = {}
        # every property checked so far: a confirmation checks them again when it is answered
        self.guarded: list[PropertyRef] = []

    # --- access -----------------------------------------------------------------------------------

    def guard(self, props: list[PropertyRef]) -> Reply | None:
        """A refusal when the user may not act on these properties (or from this channel)."""
        if self.user is None or self.needed is None:
            return None
        self.guarded.extend(p for p in props if p not in self.guarded)
        why = self.s.access.refusal(self.user, self.channel, self.needed, props)
        if why is None:
            self.checked.update((p.id, p) for p in props)
            return None
        return Reply(headline=f"{why} Nothing was changed.", kind=ReplyKind.REFUSAL)

    def guard_places(self, property_ids: set[str | None]) -> Reply | None:
        """A refusal when devices of these properties are not for this user; a device of no property
        (or of one the index does not know) is for chain-wide roles only."""
        if self.user is None or self.needed is None:
            return None
        props = [self.s.index.property(pid) if pid else None for pid in property_ids]
        if None in props and (why := self.s.access.unplaced_refusal(self.user, self.needed)):
            return Reply(headline=f"{why} Nothing was changed.", kind=ReplyKind.REFUSAL)
        return self.guard([p for p in props if p is not None])

    def visible(self, props: list[PropertyRef]) -> list[PropertyRef]:
        """The properties of `props` this request may see (for listings, hints and suggestions
        that span the chain): the access policy decides, so no other hotel's name leaks."""
        if self.user is None or self.needed is None:
            return props
        user, needed = self.user, self.needed
        return [p for p in props if self.s.access.refusal(user, self.channel, needed, [p]) is None]

    def visible_ids(self) -> set[str]:
        """The ids of the index's properties this request may see."""
        return {p.id for p in self.visible(self.s.index.properties())}

    def seen(self, found: list[T]) -> list[T]:
        """Rooms or room types of `found` at properties this request may see: the others are not
        offered, suggested or counted (a desk of one hotel never hears the names of others)."""
        if self.user is None or self.needed is None:
            return found
        mine = self.visible_ids()
        return [f for f in found if f.property_id in mine]

    def _guarded(self, prop: PropertyRef) -> PropertyRef | Reply:
        return self.guard([prop]) or prop

    def _default_scope(self, rerun: Callable[[str], str]) -> PropertyRef | Reply | None:
        """No property named and none bound to the channel: the whole chain, or, for a user whose
        role holds at some properties only, the one they have (or a question among theirs)."""
        if (
            self.user is None
            or self.needed is None
            or not self.s.access.limited(self.user, self.needed)
        ):
            return None
        mine = self.s.access.allowed(self.user, self.needed, self.s.index.properties())
        if len(mine) == 1:
            return self.s.index.property(mine[0].id)
        if not mine:
            role = self.needed.value.replace("_", " ")
            return Reply(
                headline=f"Sorry, you don't have the {role} role at any property. Nothing was changed.",
                kind=ReplyKind.REFUSAL,
            )
        return _question(
            "Which property? Add \u201cat <property>\u201d. Nothing was changed.",
            [(p.name, rerun(p.name)) for p in mine[:MAX_CHOICES]],
        )

    # --- properties -------------------------------------------------------------------------------

    def channel_property(self) -> PropertyRef | None:
        bound = self.s.config.property_for_channel(self.channel)
        if bound is None:
            return None
        found = self.s.index.find_properties(bound.name)
        return found[0] if len(found) == 1 else None

    def property(self, name: str, rerun: Callable[[str], str]) -> PropertyRef | Reply:
        found = self.s.index.find_properties(name)
        if len(found) > 1:
            found = self.visible(found) or found[:1]  # several: offer only the user's
        if len(found) == 1:
            return self._guarded(found[0])
        if found:
            return _question(
                f"Several properties match \u201c{name}\u201d. Which one?",
                [(p.name, rerun(p.name)) for p in found[:MAX_CHOICES]],
            )
        close = self.visible(self.s.index.suggest_properties(name, limit=3))
        known = ", ".join(p.name for p in self.visible(self.s.index.properties()))
        known = known or "none yet (try `sync`)"
        if close:
            return _question(
                f"I don't know a property called \u201c{name}\u201d. Did you mean one of these?",
                [(p.name, rerun(p.name)) for p in close],
            )
        return Reply(
            headline=f"I don't know a property called \u201c{name}\u201d.",
            kind=ReplyKind.ERROR,
            notes=[f"Properties: {known}."],
        )

    def which_property(self, headline: str, rerun: Callable[[str], str]) -> Reply:
        """Ask which property, offering each one as a choice that re-runs the request there."""
        props = self.visible(self.s.index.properties())
        return _question(headline, [(p.name, rerun(p.name)) for p in props[:MAX_CHOICES]])

    def scope(
        self, property_name: str | None, rerun: Callable[[str], str]
    ) -> PropertyRef | Reply | None:
        """The property a request is about: named in it, else the channel's, else None (all)."""
        if property_name:
            return self.property(property_name, rerun)
        bound = self.channel_property()
        if bound is not None:
            return self._guarded(bound)
        return self._default_scope(rerun)

    # --- rooms ------------------------------------------------------------------------------------

    async def rooms(self, target: Target, rerun: Callable[[Target], str]) -> Resolved:
        narrowed = self._properties_holding(target, rerun)
        if isinstance(narrowed, Reply):
            return narrowed
        target = narrowed
        scope = self.scope(
            target.property_name, lambda name: rerun(replace(target, property_name=name))
        )
        if isinstance(scope, Reply):
            return scope
        if target.property_name is None and scope is not None:
            asked = self._channel_or_recent(target, scope, rerun)
            if asked is not None:
                return asked
        resolved = await self._rooms_in(target, scope, rerun)
        if isinstance(resolved, Reply):
            return resolved
        if target.excluded:
            left = _left_out(resolved, target.excluded)
            if isinstance(left, Reply):
                return left
            resolved = left
        rooms = resolved.rooms
        props = (
            {rooms.property_id} if isinstance(rooms, ScopeRooms) else {r.property_id for r in rooms}
        )
        refs = [p for p in (self.s.index.property(pid) for pid in sorted(props)) if p is not None]
        return self.guard(refs) or resolved

    def _properties_holding(self, target: Target, rerun: Callable[[Target], str]) -> Target | Reply:
        """`set 113 at bay …` where "bay" is Pelican Bay and Cardigan Bay: only the properties that
        have the rooms are offered; a read takes the one that has them."""
        if not target.property_name or not target.rooms:
            return target
        found = self.visible(self.s.index.find_properties(target.property_name))
        if len(found) < 2:
            return target
        index = self.s.index
        holding = [p for p in found if all(_find_rooms(index, n, p.id) for n in target.rooms)]
        if not holding or len(holding) == len(found):
            return target
        if len(holding) == 1 and self.moves:
            return replace(target, property_name=holding[0].name)
        rooms = "that room" if len(target.rooms) == 1 else "those rooms"
        return _question(
            f"Several properties match \u201c{target.property_name}\u201d; only "
            f"{holding[0].name} has {rooms}. Do you mean it? Nothing was changed."
            if len(holding) == 1
            else f"Several properties match \u201c{target.property_name}\u201d; "
            f"{' and '.join(p.name for p in holding)} have {rooms}. Which one? Nothing was changed.",
            [(p.name, rerun(replace(target, property_name=p.name))) for p in holding[:MAX_CHOICES]],
        )

    def _channel_or_recent(
        self, target: Target, scope: PropertyRef, rerun: Callable[[Target], str]
    ) -> Reply | None:
        """`set 112 to jazz` just after working at Lyon, in a channel bound to Pelican where 112
        exists too: which property, asked."""
        if not self.recent_property:
            return None
        found = self.visible(self.s.index.find_properties(self.recent_property))
        recent = found[0] if len(found) == 1 else None
        if recent is None or recent.id == scope.id:
            return None
        index = self.s.index

        def has_them(place: PropertyRef) -> bool:
            if target.rooms:  # as typed, or spelled otherwise (`ph 2`: PH-2 here, PH#2 there)
                return all(
                    _find_rooms(index, name, place.id) or self._spelled_otherwise(name, place.id)
                    for name in target.rooms
                )
            if target.room_type:
                return bool(index.find_room_types(target.room_type, place.id))
            return target.all_rooms

        if not (has_them(recent) and has_them(scope)):  # else the rooms say which, or are missing
            return None
        return _question(
            f"At {scope.name} (this channel's property) or at {recent.name} (named in your "
            "last requests)? Nothing was changed.",
            [(p.name, rerun(replace(target, property_name=p.name))) for p in (scope, recent)],
        )

    async def _rooms_in(
        self, target: Target, scope: PropertyRef | None, rerun: Callable[[Target], str]
    ) -> Resolved:
        if target.all_rooms:
            return self._all_rooms(scope, target, rerun)
        if target.room_type:
            return await self._room_type(target, scope, rerun)
        return await self._named_rooms(target, scope, rerun)

    def _all_rooms(
        self, scope: PropertyRef | None, target: Target, rerun: Callable[[Target], str]
    ) -> Resolved:
        if scope is None:
            return self.which_property(
                "Which property? \u201call rooms\u201d needs one. Nothing was changed.",
                lambda name: rerun(replace(target, property_name=name)),
            )
        # read when asked, never held whole: a property may have a million rooms
        rooms = ScopeRooms(self.s.index, scope.id)
        return Rooms(rooms, scope, f"all {plural(len(rooms), 'room')} at {scope.name}")

    async def _room_type(
        self, target: Target, scope: PropertyRef | None, rerun: Callable[[Target], str]
    ) -> Resolved:
        assert target.room_type is not None
        pid = scope.id if scope else None
        found = self.seen(self.s.index.find_room_types(target.room_type, pid))
        if not found and await self._refresh(scope):
            found = self.seen(self.s.index.find_room_types(target.room_type, pid))
        if len(found) > 1:
            return self._ambiguous_room_type(target, found, rerun)
        if not found:
            where = f" at {scope.name}" if scope else ""
            elsewhere = (
                self.seen(self.s.index.find_room_types(target.room_type, None)) if scope else []
            )
            if scope is not None and (target.property_name or not elsewhere):
                # "the penthouse at Alpine": Alpine's Penthouse Suite, or its room Garden_Loft for
                # "the loft" — asked, never taken from another property the user did not name
                by_part = self._by_part(target, scope, rerun)
                if isinstance(by_part, str):
                    return await self._room_type(replace(target, room_type=by_part), scope, rerun)
                if by_part is not None:
                    return by_part
            if elsewhere:  # the type exists at another property: that, never a look-alike here
                props = sorted({t.property_name for t in elsewhere})
                return _question(
                    f"Room type {target.room_type} isn't at {where[4:]}, but exists at "
                    f"{', '.join(props)}. Did you mean one of these? Nothing was changed.",
                    [
                        (
                            f"{t.name} ({t.property_name})",
                            rerun(replace(target, room_type=t.name, property_name=t.property_name)),
                        )
                        for t in elsewhere[:MAX_CHOICES]
                    ],
                )
            close = self.seen(self.s.index.suggest_room_types(target.room_type, pid, limit=40))[:4]
            if close:
                return _question(
                    f"I can't find room type \u201c{target.room_type}\u201d{where}. Did you mean:",
                    [
                        (
                            f"{t.name} ({t.property_name})",
                            rerun(replace(target, room_type=t.name, property_name=t.property_name)),
                        )
                        for t in close
                    ],
                )
            return Reply(
                headline=f"I can't find room type \u201c{target.room_type}\u201d{where}.",
                kind=ReplyKind.ERROR,
                notes=["Type `room types` to see them."],
            )
        room_type = found[0]
        rooms = ScopeRooms(self.s.index, room_type.property_id, room_type.id)
        prop = self.s.index.property(room_type.property_id)
        if target.one and len(rooms) > 1:
            return self._which_of_type(target, room_type, rooms, rerun)
        if target.one and rooms:
            return Rooms(rooms, prop, f"room {rooms[0].room_name} at {room_type.property_name}")
        if not rooms:  # "There are no rooms in room type Treehouse at ...", never "in 0 ... rooms"
            return Rooms(rooms, prop, f"room type {room_type.name} at {room_type.property_name}")
        return Rooms(
            rooms, prop, f"{len(rooms)} {room_type.name} rooms at {room_type.property_name}"
        )

    def _by_part(
        self, target: Target, scope: PropertyRef, rerun: Callable[[Target], str]
    ) -> Reply | str | None:
        """The room types, else the rooms, of `scope` that share a distinctive word with the room
        type named, offered as choices; the one room type whose name has every such word (taken);
        None when there are none."""
        assert target.room_type is not None
        words = set(distinctive_words(normalize_name(target.room_type)).split())
        if not words:
            return None

        def shares(name: str) -> bool:
            return bool(words & set(distinctive_words(normalize_name(name)).split()))

        types = [t for t in self.s.index.room_types(scope.id) if shares(t.name)]
        if types:
            if target.one and len(types) == 1:
                return self._one_of_type(target, types[0], rerun)
            whole = words <= set(distinctive_words(normalize_name(types[0].name)).split())
            if len(types) == 1 and whole:  # "the penthouses at Alpine": its Penthouse Suite rooms
                return types[0].name
            return _question(
                f"I can't find room type \u201c{target.room_type}\u201d at {scope.name}. "
                "Did you mean:",
                [
                    (t.name, rerun(replace(target, room_type=t.name, property_name=scope.name)))
                    for t in types[:MAX_CHOICES]
                ],
            )
        rooms = [r for r in _property_rooms(self.s.index, scope.id)[0] if shares(r.room_name)]
        if not rooms:
            return None
        return _question(
            f"I can't find \u201c{target.room_type}\u201d at {scope.name}. Did you mean:",
            [
                (
                    f"room {r.room_name}",
                    rerun(_one_room(target, r)),
                )
                for r in rooms[:MAX_CHOICES]
            ],
        )

    def _one_of_type(
        self, target: Target, room_type: RoomTypeRef, rerun: Callable[[Target], str]
    ) -> Reply:
        """One room of `room_type` asked for ("the penthouse"): which, even when it has one."""
        rooms = [
            r
            for r in _property_rooms(self.s.index, room_type.property_id)[0]
            if r.room_type_id == room_type.id
        ]
        if len(rooms) > 1:
            return self._which_of_type(target, room_type, rooms, rerun)
        if not rooms:
            return Reply(
                headline=f"There are no rooms in room type {room_type.name} at "
                f"{room_type.property_name}. Nothing was changed.",
                kind=ReplyKind.INFO,
            )
        return _question(
            f"Do you mean {room_type.name} (room {', '.join(r.room_name for r in rooms)}) at "
            f"{room_type.property_name}? Nothing was changed.",
            [
                (
                    f"room {r.room_name}",
                    rerun(_one_room(target, r)),
                )
                for r in rooms
            ],
        )

    def _which_of_type(
        self,
        target: Target,
        room_type: RoomTypeRef,
        rooms: Sequence[RoomRef],
        rerun: Callable[[Target], str],
    ) -> Reply:
        """ "the penthouse" names one room: which, when the room type has several."""
        return _question(
            f"Which room? {room_type.property_name} has {len(rooms)} {room_type.name} rooms "
            f"({', '.join(r.room_name for r in rooms[:8])}{'…' if len(rooms) > 8 else ''}). "
            "Nothing was changed.",
            [
                (
                    r.room_name,
                    rerun(_one_room(target, r)),
                )
                for r in rooms[:MAX_CHOICES]
            ],
            notes=[f"To change all of them, say \u201call {room_type.name} rooms\u201d."],
        )

    def _ambiguous_room_type(
        self, target: Target, found: list[RoomTypeRef], rerun: Callable[[Target], str]
    ) -> Reply:
        return _question(
            f"Room type \u201c{target.room_type}\u201d exists in {len(found)} properties. Which one?",
            [
                (
                    t.property_name,
                    rerun(replace(target, room_type=t.name, property_name=t.property_name)),
                )
                for t in found[:MAX_CHOICES]
            ],
        )

    async def _named_rooms(
        self, target: Target, scope: PropertyRef | None, rerun: Callable[[Target], str]
    ) -> Resolved:
        pid = scope.id if scope else None
        found: list[RoomRef] = []
        missing: list[str] = []
        ambiguous: dict[str, list[RoomRef]] = {}
        # Several rooms of one property: one read of the property (cached until the index changes),
        # unless it is a very large one (then each name is an indexed lookup, never a million rooms
        # read for three).
        by_name = (
            _property_rooms(self.s.index, pid)[1]
            if pid and len(target.rooms) > 2 and self.s.index.count_rooms(pid) <= _BY_NAME_ROOMS
            else {}
        )
        for name in target.rooms:
            hits = by_name.get(normalize_room_name(name)) or _find_rooms(self.s.index, name, pid)
            if pid is None:
                hits = self.seen(hits)
            if not hits:  # "suite 318", "junior suite 204": that room, unless Suite-318 is
                hits = self._marked_room(name, pid)
                if hits:  # `loft 2`: Loft Studio's Loft#2, and Loft-2 by its name: both, asked
                    hits += [r for r in self._spelled_otherwise(name, pid) if r not in hits]
            if not hits:
                hits = self._spelled_otherwise(name, pid)
                typed_elsewhere = self._typed_elsewhere(name, pid) if hits else []
                if typed_elsewhere:
                    return self._loose_or_typed(target, name, hits, typed_elsewhere, rerun)
            if not hits:
                missing.append(name)
            elif len(hits) > 1:
                ambiguous[name] = hits
            else:
                found.extend(hits)
        if missing and await self._refresh(scope):
            return await self._named_rooms(target, scope, rerun)
        if ambiguous:
            return self._ambiguous_rooms(target, ambiguous, rerun)
        if missing and target.room_range and found:
            # A range with gaps: the rooms that exist, and the handler asks before acting on them.
            label = self._label(target, found, scope)
            return Rooms(found, scope or self._single_property(found), label, tuple(missing))
        # a read looks for the rooms where they are, unless the request named where to look
        moves = (self.moves and not target.property_name) or self._recent_holds(target, scope)
        if missing and moves and scope is not None and len(missing) == len(target.rooms):
            moved = await self._moved(target, scope, rerun)
            if moved is not None:
                return moved
        if missing:
            return self._missing_rooms(target, missing, scope, rerun)
        label = self._label(target, found, scope)
        return Rooms(found, scope or self._single_property(found), label)

    def _marked_room(self, name: str, pid: str | None) -> list[RoomRef]:
        """The room a name with a kind of room before its number means: `suite 318` (any room
        318), `junior suite 204` (room 204 only if it is a Junior Suite)."""
        said = _KIND_NUMBER.match(name)
        if said is None:
            return []
        hits = _find_rooms(self.s.index, said["rest"], pid)
        hits = hits if pid else self.seen(hits)
        if _MARKED.match(name):
            return hits
        kinds = {t.id for t in self.s.index.find_room_types(said["kind"], pid)}
        typed = [r for r in hits if r.room_type_id in kinds]
        if typed or pid is None:
            return typed
        # "loft 2" at Rive Gauche: the Atelier Loft room whose number is 2 (L-2), when only one is
        words = set(normalize_name(said["kind"]).split())
        kinds = {
            t.id
            for t in self.s.index.room_types(pid)
            if words and words <= set(normalize_name(t.name).split())
        }
        numbered = [
            r
            for r in _property_rooms(self.s.index, pid)[0]
            if r.room_type_id in kinds and _digits(r.room_name) == _digits(said["rest"])
        ]
        return numbered if len(numbered) == 1 else []

    def other_home(self, names: tuple[str, ...], scope: PropertyRef) -> PropertyRef | None:
        """The one property other than `scope`, among those this request may see, that has a
        room of every one of these names; None when there is not exactly one."""
        homes: set[str] | None = None
        for name in names:
            hits = self.seen(_find_rooms(self.s.index, name, None)) or self.seen(
                self._spelled_otherwise(name, None)
            )
            held = {r.property_id for r in hits if r.property_id != scope.id}
            homes = held if homes is None else homes & held
        if not homes or len(homes) != 1:
            return None
        return self.s.index.property(homes.pop())

    def _recent_holds(self, target: Target, scope: PropertyRef | None) -> bool:
        """`no wait, villa 4 should be pop` just after working at Alpine, from Harbor View's
        channel: the property named in the last requests is the one other that has the rooms."""
        if scope is None or not self.recent_property or not target.rooms or target.property_name:
            return False  # a property named is where the rooms are looked for, never moved from
        found = self.visible(self.s.index.find_properties(self.recent_property))
        there = self.other_home(target.rooms, scope)
        return len(found) == 1 and there is not None and there.id == found[0].id

    async def _moved(
        self, target: Target, scope: PropertyRef, rerun: Callable[[Target], str]
    ) -> Rooms | None:
        """The rooms named, at the one other property that has every one of them (once each),
        or None: `what's playing in Lotus` from Harbor View's channel is Alpine's Lotus."""
        there = self.other_home(target.rooms, scope)
        if there is None or self.guard([there]) is not None:
            return None
        resolved = await self._named_rooms(target, there, rerun)
        if not isinstance(resolved, Rooms) or resolved.missing:
            return None
        self.moved_to = there
        return replace(resolved, moved_from=scope)

    def _spelled_otherwise(self, name: str, pid: str | None) -> list[RoomRef]:
        """The rooms a typed name means with separators folded (`villa 3`, `ph2`): every spelling
        the index has for it, so one in each of two hotels is asked about, never guessed."""
        names, _exact = lexicon_for(self.s.index, self.s.catalog).room_names(name)
        hits: list[RoomRef] = []
        for spelled in names:
            if spelled != name:
                hits.extend(_find_rooms(self.s.index, spelled, pid))
        return hits

    def _typed_elsewhere(self, name: str, pid: str | None) -> list[RoomRef]:
        """Rooms of another property whose name is `name` as typed (case aside): `PH#1` is
        Alpine's PH#1 as much as the channel's PH-1, so neither is taken silently."""
        if pid is None:
            return []
        return [
            r
            for r in self.seen(_find_rooms(self.s.index, name.strip(), None))
            if r.property_id != pid and r.room_name.casefold() == name.strip().casefold()
        ]

    def _loose_or_typed(
        self,
        target: Target,
        name: str,
        loose: list[RoomRef],
        typed: list[RoomRef],
        rerun: Callable[[Target], str],
    ) -> Reply:
        def choice(room: RoomRef) -> tuple[str, str]:
            return f"{room.room_name} ({room.property_name})", rerun(_with_room(target, name, room))

        there = "; ".join(f"{r.property_name} has {r.room_name}" for r in loose)
        where = ", ".join(sorted({r.property_name for r in typed}))
        return _question(
            f"{name} is at {where}; {there}. Which one did you mean? Nothing was changed.",
            [choice(r) for r in [*typed, *loose][:MAX_CHOICES]],
        )

    def _single_property(self, rooms: list[RoomRef]) -> PropertyRef | None:
        ids = {r.property_id for r in rooms}
        return self.s.index.property(ids.pop()) if len(ids) == 1 else None

    def _label(self, target: Target, rooms: list[RoomRef], scope: PropertyRef | None) -> str:
        props = sorted({r.property_name for r in rooms})
        where = f" at {props[0]}" if len(props) == 1 else ""
        if len(rooms) == 1:
            return f"room {rooms[0].room_name}{where}"
        if target.room_range:
            return f"rooms {target.room_range[0]}\u2013{target.room_range[1]}{where}"
        more = "\u2026" if len(rooms) > 8 else ""
        if len(props) > 1 and not more:  # rooms of several properties: each named with its own
            return "rooms " + " and ".join(
                f"{', '.join(r.room_name for r in rooms if r.property_name == p)} at {p}"
                for p in props
            )
        return f"rooms {', '.join(r.room_name for r in rooms[:8])}{more}{where}"

    def _ambiguous_rooms(
        self, target: Target, ambiguous: dict[str, list[RoomRef]], rerun: Callable[[Target], str]
    ) -> Reply:
        name, hits = next(iter(ambiguous.items()))
        props = sorted({h.property_name for h in hits})
        if len(props) < len(hits):  # `loft 2`: Loft-2 and Loft Studio's Loft#2 at one property
            return self._rooms_by_name(target, name, hits, rerun)
        where = ", ".join(props)
        return _question(
            f"Room {name} exists in {len(props)} properties ({where}). Which one did you mean? Nothing was changed.",
            [(p, rerun(replace(target, property_name=p))) for p in props[:MAX_CHOICES]],
            notes=[
                "Tip: say \u201cat <property>\u201d, or ask an admin to bind this channel to a property in bot.toml."
            ],
        )

    def _rooms_by_name(
        self, target: Target, name: str, hits: list[RoomRef], rerun: Callable[[Target], str]
    ) -> Reply:
        """A typed name two rooms answer to by different names: each room offered by its name."""

        def choice(room: RoomRef) -> tuple[str, str]:
            label = f"{room.room_name} ({room.room_type_name}, {room.property_name})"
            return label, rerun(_with_room(target, name, room))

        rooms = " or ".join(f"{h.room_name} ({h.room_type_name}, {h.property_name})" for h in hits)
        return _question(
            f"\u201c{name}\u201d could be {rooms}. Which one did you mean? Nothing was changed.",
            [choice(h) for h in hits[:MAX_CHOICES]],
        )

    def _generic_type_word(
        self, target: Target, name: str, scope: PropertyRef | None, rerun: Callable[[Target], str]
    ) -> Reply | None:
        """`the suites at Desert Sage`: the property's room types with that word, asked which
        (never a room whose name merely looks like it, such as Mesquite)."""
        word = normalize_room_name(name).rstrip("s")
        if scope is None or word not in ("suite", "villa", "cabin", "room", "studio", "loft"):
            return None
        types = [
            t
            for t in self.s.index.room_types(scope.id)
            if word in {w.rstrip("s") for w in normalize_name(t.name).split()}
        ]
        if not types:
            return None
        return _question(
            f"Which {word}s at {scope.name}? Nothing was changed.",
            [
                (
                    f"all {t.name} rooms",
                    rerun(
                        replace(
                            target, rooms=(), room_type=t.name, one=False, property_name=scope.name
                        )
                    ),
                )
                for t in types[:MAX_CHOICES]
            ],
            notes=[f"To change one room, name it (`rooms at {scope.name}` lists them)."],
        )

    def _missing_rooms(
        self,
        target: Target,
        missing: list[str],
        scope: PropertyRef | None,
        rerun: Callable[[Target], str],
    ) -> Reply:
        where = f" at {scope.name}" if scope else ""
        pid = scope.id if scope else None
        if len(missing) > 1:
            shown = ", ".join(missing[:10]) + ("\u2026" if len(missing) > 10 else "")
            homes = [
                {r.property_name for r in self.seen(self.s.index.find_rooms(m))} for m in missing
            ]
            every = len(missing) == len(target.rooms)  # none here (a range's too)
            other = set.intersection(*homes) if scope and every and all(homes) else set()
            if other:  # `villa-4 and villa-5` from Harbor View: the property that has them all
                rooms = tuple(missing)
                return _question(
                    f"Rooms {shown} aren't at {where[4:]}, but exist at {', '.join(sorted(other))}. "
                    "Did you mean one of these? Nothing was changed.",
                    [
                        (p, rerun(replace(target, rooms=rooms, property_name=p)))
                        for p in sorted(other)[:MAX_CHOICES]
                    ],
                )
            return Reply(
                headline=f"I can't find {len(missing)} of those rooms{where}: {shown}. Nothing was changed.",
                kind=ReplyKind.ERROR,
                notes=["Check the numbers, or type `find room <name>`."],
            )
        name = missing[0]
        generic = self._generic_type_word(target, name, scope, rerun)
        if generic is not None:
            return generic
        elsewhere = self.seen(self.s.index.find_rooms(name)) if scope else []
        if elsewhere and len(target.rooms) > 1:  # a choice of this one room would drop the others
            held_at = ", ".join(sorted({r.property_name for r in elsewhere}))
            return Reply(
                headline=f"I can't find room {name}{where} (it is at {held_at}). Nothing was changed.",
                kind=ReplyKind.ERROR,
                notes=["Send the rooms of each property as their own request."],
            )
        if elsewhere and scope is not None:
            return self._elsewhere_or_here(target, name, elsewhere, scope, rerun)
        near = self.seen(self.s.index.suggest_rooms(name, pid, limit=40))
        typed = normalize_room_name(name)
        begun = [r for r in near if normalize_room_name(r.room_name).startswith(typed)]
        close = (begun or near)[:4] if typed else near[:4]  # `Loft`: Loft-East/-West, not Lotus
        close = [r for r in close if r.room_name not in target.rooms]
        other_property = scope is not None and any(r.property_id != scope.id for r in close)
        letters = re.sub(r"[^a-z]", "", typed)

        def alike(room: RoomRef) -> bool:
            theirs = re.sub(r"[^a-z]", "", normalize_room_name(room.room_name))
            return letters in theirs or fuzz.ratio(letters, theirs) >= 75

        # `loft 3`: Mews:3 shares only the number, so it is named, never one keystroke away
        unlike = bool(letters) and not any(alike(r) for r in close)
        close = [r for r in close if alike(r)] if letters and not unlike else close
        if close and (
            # `room 6` at Harbor View: Alpine's villa-6 is named, not one key away (a read, or a
            # change that asks before it runs, is offered it as a choice)
            (other_property and not self.moves)
            or (_digits(name) and any(_digits(r.room_name) != _digits(name) for r in close))
            or unlike  # `loft 3`: Mews:3 shares only the number
            # `room 5`: Tower-East-5 shares only the number (round 25: offered as the one choice)
            or (typed.isdigit() and any(_named_past_its_number(r.room_name) for r in close))
        ):
            # 104 for 204, villa-1 for villa-9: another room, never a write one keystroke away
            return Reply(
                headline=f"I can't find room {name}{where}. Nearest names: "
                f"{', '.join(f'{r.room_name} ({r.property_name})' for r in close)}. "
                "Nothing was changed.",
                kind=ReplyKind.QUESTION,
                notes=["Send the request again with the room you mean."],
            )
        several = re.fullmatch(r"[a-z]{4,}s", typed) and len({r.property_id for r in close}) == 1
        if close and several and len(close) > 1:  # `towers`: Tower-East-4 and Tower-West-4
            rooms = tuple(r.room_name for r in close)
            picked = replace(
                target, rooms=rooms, room_range=None, property_name=close[0].property_name
            )
            return _question(
                f"I can't find room {name}{where}. Did you mean:",
                [(f"{' and '.join(rooms)} ({close[0].property_name})", rerun(picked))],
            )
        if close:
            return _question(
                f"I can't find room {name}{where}. Did you mean:",
                [
                    # every room of the list, the typo replaced: none dropped
                    (f"{r.room_name} ({r.property_name})", rerun(_with_room(target, name, r)))
                    for r in close
                ],
            )
        return Reply(
            headline=f"I can't find room {name}{where}. Nothing was changed.",
            kind=ReplyKind.ERROR,
            notes=["Type `rooms` to list rooms, or `sync` if it was added in the last minutes."],
        )

    def _elsewhere_or_here(
        self,
        target: Target,
        name: str,
        elsewhere: list[RoomRef],
        scope: PropertyRef,
        rerun: Callable[[Target], str],
    ) -> Reply:
        """`set 104 at prospect …`: 104 is at the channel's hotel, and Prospect has W-104. The
        property named comes first: its rooms of that number, then the other properties' 104."""
        digits = _digits(name)
        here = [
            r
            for r in self.seen(self.s.index.suggest_rooms(name, scope.id, limit=40))
            if digits and r.property_id == scope.id and _digits(r.room_name) == digits
        ][:MAX_CHOICES]
        props = sorted({r.property_name for r in elsewhere})
        choices = [
            (
                f"{r.room_name} ({scope.name})",
                rerun(
                    replace(target, rooms=(r.room_name,), room_range=None, property_name=scope.name)
                ),
            )
            for r in here
        ] + [
            (p, rerun(replace(target, rooms=(name,), room_range=None, property_name=p)))
            for p in props
        ]
        near = f" (it has {', '.join(r.room_name for r in here)})" if here else ""
        return _question(
            f"Room {name} isn't at {scope.name}{near}, but exists at {', '.join(props)}. "
            "Did you mean one of these? Nothing was changed.",
            choices[:MAX_CHOICES],
        )

    async def _refresh(self, scope: PropertyRef | None) -> bool:
        """Refresh the index once per request (rooms get added outside the bot); True if it ran."""
        if self._refreshed:
            return False
        self._refreshed = True
        try:
            if scope is not None:
                await refresh_property(self.s.index, self.s.asp, scope.id)
            else:
                await full_sync(
                    self.s.index,
                    self.s.asp,
                    self.s.organization_id,
                    concurrency=self.s.config.bot.sync_concurrency,
                    property_meta=property_meta(self.s),
                )
        except Exception:  # a failed refresh still lets us answer from what we have
            return False
        return True


def _named_past_its_number(name: str) -> bool:
    """Tower-East-5 has words a typed `5` does not say; Room=5 only the word staff type anyway."""
    letters = re.sub(r"[^a-z]", "", name.lower())
    return bool(letters) and letters not in {"room", "rm", "unit", "no", "number", "nr"}


def _digits(name: str) -> list[str]:
    return re.findall(r"\d+", name)


def _with_room(target: Target, typed: str, room: RoomRef) -> Target:
    """The request again with `room` (at its property) in place of the name typed for it."""
    rooms = tuple(dict.fromkeys(room.room_name if r == typed else r for r in target.rooms))
    return replace(target, rooms=rooms, room_range=None, property_name=room.property_name)


def property_meta(s: Services) -> Callable[[str, str], tuple[str, str]]:
    """Country and timezone of a property for the index: bot.toml (by name or id), else what an admin
    set in chat, else the region's country and UTC (kept only because the index needs a value;
    bot.core.ledger.property_settings.place_of says whether the place is really known)."""

    def meta(property_id: str, name: str) -> tuple[str, str]:
        place = place_of(s.config, s.settings, property_id, name)
        return index_values(place, s.default_country)

    return meta
