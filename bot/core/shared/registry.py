"""One entry per command: how it is said (its phrasing hooks), who may say it, what runs it, its
policy (mutating, scope, undoable, retryable), how it is written back and undone, where the help shows it.

The engine dispatches by the command's type through this table; the understanding pipeline scores the
entries' phrasing hooks in its "choose the reading" step (there is no grammar elsewhere); the help, the
"did you mean" buttons (`rephrase`), undo, retry, recovery, access and the README's "What staff can
say" read it too. The audit stores `Command.name` (the class name, e.g. "SetStation"), the stable name
undo and retry look entries up by (`entry_named`), never a list of names of their own.
Adding a command is one module `bot/core/commands/cmd_<name>.py` that defines it, answers it and calls
`register(Entry(...))` (found and imported automatically), plus its tests; cmd_who_changed.py is one.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from bot.core.shared.commands import Command, Level, Role, use_mutating_policy
from bot.core.shared.replies import Reply

# The registry sits below the packages whose functions it holds: the understanding, undo, retry and
# recovery reach the commands through it, so it cannot name their types. A handler is called with
# the request (access/context.py's Ctx) and its command; an undo and a retry with the request, the
# change's audit entry (ledger/audit.py's AuditEntry) and, for a retry, its journal rows not applied
# (ledger/journal.py's JournalRow). The functions themselves are typed; here those are opaque.
Handler = Callable[[Any, Any], Awaitable[Reply]]
Undoer = Callable[[Any, Any], Awaitable[Reply]]
Builder = Callable[[re.Match[str]], Command | None]
Retrier = Callable[[Any, Any, Any], Awaitable[Reply]]


class Score:
    """How the pipeline ranks a phrasing hook against the others and against the reading the names
    make (opsdroid's scored matchers): the highest-scoring hook that builds a command wins.
    A button's exact form comes first (matched as typed); conversation words (yes, no, undo,
    retry, help) outrank the reading; a hook whose subject is a keyword no room phrasing has
    (profiles, object types, a property's country) comes next after it; the general phrasings of
    stations, rooms, the hierarchy and devices come last."""

    EXACT = 100  # the forms buttons send, read as typed (before spelling correction), first
    CONVERSATION = 90
    READING = 50
    NAMED = 40
    STATIONS = 30
    ROOMS = 20
    DEVICES = 10


@dataclass(frozen=True)
class Phrasing:
    """One way a command is said: patterns matched case-insensitively on the whole cleaned message,
    and the builder of the command from a match (None: not this command after all)."""

    patterns: tuple[re.Pattern[str], ...]
    build: Builder
    score: int


def phrasing(*patterns: str, build: Builder, score: int) -> Phrasing:
    return Phrasing(tuple(re.compile(p, re.IGNORECASE) for p in patterns), build, score)


class Scope(StrEnum):
    """Where a command acts, for the access policy: rooms and properties the user is granted, or the
    whole account (a chain-wide role); LEVEL: the command's own `level` says (property = chain)."""

    PROPERTY = "property"
    CHAIN = "chain"
    LEVEL = "level"


TOPICS: dict[str, str] = {
    "stations": "Default music stations of rooms",
    "alarms": "Clearing alarms, reminders and timers",
    "rooms": "Properties, room types and rooms",
    "hierarchy": "Adding, renaming and deleting (admins)",
    "devices": "Device health and triage",
    "profiles": "Room profiles, users and guest-profile capacity",
    "general": "Confirming, undoing, previewing, help",
}


@dataclass(frozen=True)
class Entry:
    command: type[Command]
    topic: str
    summary: str
    examples: tuple[str, ...]
    """Phrasings the help shows; a test parses each one to this command."""
    handler: Handler | None
    """None: the engine itself answers it (confirm, cancel, retry: the journal's part)."""
    rephrase: Callable[[Any], str]
    """The command as text the parser reads back to the same command (buttons, "did you mean")."""
    role: Role = Role.FRONT_DESK
    undo: Undoer | None = None
    """How `undo` reverts it, from its audit entry; None: it changes nothing or cannot be undone."""
    words: tuple[str, ...] = ()
    """The intent words the entity-first parser takes it from (documentation and help)."""
    hidden: bool = False
    """Left out of the help and the README (small talk)."""
    phrasings: tuple[Phrasing, ...] = ()
    """The phrasing hooks the pipeline scores (beside the reading the names make)."""
    mutating: bool = False
    """A write request of its own (to Amazon or the bot's settings): journaled, previewed, confirmed
    when large, never suggested. Confirm, undo and retry are not: they act on a change made before."""
    scope: Scope = Scope.PROPERTY
    retry: Retrier | None = None
    """How `retry failed` re-runs its failed rooms (with the failed rows); None: not retryable."""
    undone_as: type[Command] | None = None
    """The command an undo of it amounts to, whose role the undo needs (an add is undone by a delete)."""
    undo_refusal: str | None = None
    """Why it can never be undone, said when asked to (a delete)."""

    @property
    def undoable(self) -> bool:
        return self.undo is not None

    @property
    def retryable(self) -> bool:
        return self.retry is not None


_ENTRIES: dict[type[Command], Entry] = {}
# The package of the command modules (bot/core/commands/), found by name: the registry sits below it,
# and the modules register themselves when imported (lazily: handlers import the core).
_COMMANDS_PACKAGE = "bot.core.commands"
# The core's commands first, in the order the help and the README show them; then every other
# cmd_*.py module of the package, by name.
_MODULES = (
    "cmd_stations",
    "cmd_alarms",
    "cmd_rooms",
    "cmd_hierarchy",
    "cmd_general",
    "cmd_devices",
    "cmd_profiles",
)
_COMMAND_MODULE_PREFIX = "cmd_"
_HOOKS: list[Phrasing] = []  # phrasings(), sorted once per change of the table
_loaded = False


def register(entry: Entry) -> Entry:
    if entry.topic not in TOPICS:
        raise ValueError(f"{entry.command.__name__}: unknown help topic {entry.topic!r}")
    _ENTRIES[entry.command] = entry
    _HOOKS.clear()
    return entry


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        package = importlib.import_module(_COMMANDS_PACKAGE)
        found = [
            m.name
            for m in pkgutil.iter_modules(package.__path__)
            if m.name.startswith(_COMMAND_MODULE_PREFIX)
        ]
        for module in (*_MODULES, *sorted(found)):
            importlib.import_module(f"{_COMMANDS_PACKAGE}.{module}")


def entries() -> list[Entry]:
    _load()
    return list(_ENTRIES.values())


def entry_for(command: Command | type[Command]) -> Entry | None:
    _load()
    kind = command if isinstance(command, type) else type(command)
    return _ENTRIES.get(kind)


def entry_named(name: str) -> Entry | None:
    """The entry of a stable command name as the audit stores it ("SetStation")."""
    _load()
    return next((e for e in _ENTRIES.values() if e.command.__name__ == name), None)


def phrasings() -> list[Phrasing]:
    """Every entry's phrasing hooks, highest score first (registration order among equals)."""
    if not _HOOKS:
        hooks = [hook for entry in entries() for hook in entry.phrasings]
        _HOOKS.extend(sorted(hooks, key=lambda hook: -hook.score))
    return _HOOKS


def role_for(command: Command) -> Role:
    entry = entry_for(command)
    return entry.role if entry else Role.FRONT_DESK


def rephrase(command: Command) -> str:
    entry = entry_for(command)
    return entry.rephrase(command) if entry else ""


def covers_the_chain(command: Command) -> bool:
    """Commands that are not about one property: they need a chain-wide role. The registry entry's
    `scope` says: room profiles, users, guest-profile object types and sync belong to the whole
    account; a hierarchy write by its level (a property's add, rename or delete is the chain's).
    `recent changes` is not one: each user sees the entries of the properties they may see."""
    registered = entry_for(command)
    scope = registered.scope if registered is not None else Scope.PROPERTY
    if scope == Scope.LEVEL:
        return getattr(command, "level", None) == Level.PROPERTY
    return scope == Scope.CHAIN


def _mutating(command: Command) -> bool:
    registered = entry_for(command)
    return registered is not None and registered.mutating


use_mutating_policy(_mutating)  # commands.py asks the registry without importing it (no cycle)
