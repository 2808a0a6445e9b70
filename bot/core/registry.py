"""One entry per command: how it is said, who may say it, what runs it, how it is written back, how it
is undone and where the help shows it.

The engine dispatches by the command's type through this table; the help, the "did you mean" buttons
(`rephrase`), `undo` and the README's "What staff can say" read it too. The audit stores
`Command.name` (the class name, e.g. "SetStation"), the stable name `undo` looks entries up by.
Adding a command is one module `bot/core/cmd_<name>.py` that defines it, answers it and calls
`register(Entry(...))` (found and imported automatically), plus its tests; cmd_small_talk.py is one.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.core.commands import Command, Role

if TYPE_CHECKING:
    from bot.core.audit import AuditEntry
    from bot.core.context import Ctx
    from bot.core.replies import Reply

Handler = Callable[["Ctx", Any], Awaitable["Reply"]]
Undoer = Callable[["Ctx", "AuditEntry"], Awaitable["Reply"]]

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


_ENTRIES: dict[type[Command], Entry] = {}
# The modules that register entries; importing them fills the table (lazily: handlers import the core).
_MODULES = ("bot.core.entries",)
_COMMAND_MODULE_PREFIX = "cmd_"
_loaded = False


def register(entry: Entry) -> Entry:
    if entry.topic not in TOPICS:
        raise ValueError(f"{entry.command.__name__}: unknown help topic {entry.topic!r}")
    _ENTRIES[entry.command] = entry
    return entry


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        import bot.core

        found = [
            f"bot.core.{m.name}"
            for m in pkgutil.iter_modules(bot.core.__path__)
            if m.name.startswith(_COMMAND_MODULE_PREFIX)
        ]
        for module in (*_MODULES, *sorted(found)):
            importlib.import_module(module)


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


def role_for(command: Command) -> Role:
    entry = entry_for(command)
    return entry.role if entry else Role.FRONT_DESK


def rephrase(command: Command) -> str:
    entry = entry_for(command)
    return entry.rephrase(command) if entry else ""
