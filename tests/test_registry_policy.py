"""The registry owns each command's phrasing hooks and policy: the pipeline scores the hooks (no
grammar elsewhere) and undo, retry, recovery and access read the flags, never class names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from lexicon_support import demo_lexicon

from bot.core.shared import commands as c
from bot.core.shared import registry
from bot.core.shared.registry import (
    Entry,
    Scope,
    Score,
    covers_the_chain,
    entries,
    entry_for,
    phrasing,
    register,
)
from bot.core.shared.replies import Reply
from bot.core.understanding.pipeline import parse

CORE = Path(__file__).parent.parent / "bot" / "core"
# The modules that act on changes made before: they must ask the registry, not name commands.
POLICY_READERS = (
    "changes/undo.py",
    "changes/retry_failed.py",
    "changes/recovery.py",
    "changes/lineage.py",
    "access/access.py",
)


@dataclass(frozen=True)
class _Knock(c.Command):
    room: str


async def _knock(ctx: object, command: _Knock) -> Reply:
    return Reply(headline=f"knock {command.room}")


@pytest.fixture
def knock() -> Iterator[Entry]:
    """A command registered for one test, as a cmd_*.py module would."""
    entry = register(
        Entry(
            command=_Knock,
            topic="general",
            summary="Knock on a room's door",
            examples=("knock on 204",),
            handler=_knock,
            rephrase=lambda cmd: f"knock on {cmd.room}",
            phrasings=(
                phrasing(
                    r"^knock\s+on\s+(?P<room>\w+)$",
                    build=lambda m: _Knock(m["room"]),
                    score=Score.ROOMS,
                ),
            ),
        )
    )
    yield entry
    registry._ENTRIES.pop(_Knock)
    registry._HOOKS.clear()


def test_a_new_commands_phrasing_hook_is_read_by_the_one_pass(knock: Entry) -> None:
    """Registering an entry with a phrasing hook is all the pipeline needs: no edit elsewhere."""
    result = parse("knock on 204", demo_lexicon())
    assert result.parsed is not None and result.parsed.command == _Knock("204")


def test_hooks_are_ranked_by_score_around_the_reading() -> None:
    """Conversation words outrank the reading of names; the rest come after it, best first."""
    hooks = registry.phrasings()
    scores = [hook.score for hook in hooks]
    assert scores == sorted(scores, reverse=True)
    conversation = [
        e.command for e in entries() if any(h.score > Score.READING for h in e.phrasings)
    ]
    assert {c.Confirm, c.Cancel, c.Undo, c.RetryFailed, c.Help} <= set(conversation)


def test_the_completeness_check_applies_to_a_hooks_write() -> None:
    """A station change read by a phrasing hook, not by the reading of names, has every word
    checked too: the rule list used to set a "room" named "maximum, of, object, type" to 400."""
    result = parse("set the maximum of object type SpaBooking SpaBooking to 400", demo_lexicon())
    assert result.parsed is not None
    command = result.parsed.command
    assert isinstance(command, c.NotDone) and command.reason == "unfollowed", command
    assert "SpaBooking" in command.unfollowed


def test_the_readers_of_changes_name_no_command_class() -> None:
    """Undo, retry, recovery, lineage and access decide by the registry's flags: no command's
    class name as a string, no isinstance list of command classes."""
    names = {e.command.__name__ for e in entries()} - {"Undo"}  # the audit's own undo rows
    quoted = re.compile(r"[\"'](" + "|".join(sorted(names)) + r")[\"']")
    listed = re.compile(r"isinstance\([^)]*(?:c\.)?(?:" + "|".join(sorted(names)) + r")\s*\|")
    for module in POLICY_READERS:
        text = (CORE / module).read_text(encoding="utf-8")
        assert not quoted.findall(text), (module, quoted.findall(text))
        assert not listed.search(text), module


def test_each_entry_declares_its_policy() -> None:
    """Writes are mutating; what retry can re-run and undo can revert is said by the entry; the
    account's commands need a chain-wide role, a hierarchy write by its level."""
    by_command = {e.command: e for e in entries()}
    for command in (c.SetStation, c.ClearAlerts, c.AddUnit, c.RenameUnit, c.DeleteUnit):
        assert by_command[command].mutating, command.__name__
    assert by_command[c.SetStation].undoable and by_command[c.SetStation].retryable
    assert by_command[c.ClearAlerts].retryable and not by_command[c.ClearAlerts].undoable
    assert by_command[c.DeleteUnit].undo_refusal and not by_command[c.DeleteUnit].undoable
    assert by_command[c.AddUnit].undone_as is c.DeleteUnit
    for entry in entries():
        assert not entry.mutating or entry.command not in (c.AskStation, c.ListRooms)
    sync = entry_for(c.Sync)
    assert sync is not None and sync.scope == Scope.CHAIN
    assert covers_the_chain(c.AddUnit(level=c.Level.PROPERTY, unit_name="X"))
    assert not covers_the_chain(c.AddUnit(level=c.Level.ROOM, unit_name="9", parent="King"))
    assert not covers_the_chain(c.SetStation(target=c.Target(rooms=("204",)), station="jazz"))


def test_suggestions_are_never_writes() -> None:
    """After "I didn't understand", only examples of commands that change nothing are offered."""
    writes = {e for entry in entries() if entry.mutating for e in entry.examples}
    for text in ("set the thing", "clear it all", "add something", "undo the undo"):
        result = parse(text, demo_lexicon())
        assert not set(result.suggestions) & writes, (text, result.suggestions)
