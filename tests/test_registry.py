"""The command registry: one entry per command, each example parses to it, each rephrasing reads back
to the same command, and every help topic keeps its entries."""

from __future__ import annotations

import pytest
from lexicon_support import demo_lexicon

from bot.core.commands.help import help_reply
from bot.core.shared import commands as c
from bot.core.shared.registry import TOPICS, entries, entry_for, entry_named, rephrase, role_for
from bot.core.shared.replies import ReplyKind
from bot.core.understanding.pipeline import parse

LEXICON = demo_lexicon()
CASES = [(entry.command, example) for entry in entries() for example in entry.examples]
ENGINE_OWNED = {c.Confirm, c.Cancel, c.RetryFailed, c.ShowAudit}


def _all_command_classes() -> set[type[c.Command]]:
    found: set[type[c.Command]] = set()
    todo = [c.Command]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if not sub.__name__.startswith("_"):
                found.add(sub)
    return found


def test_every_command_has_one_entry() -> None:
    """Adding a command means registering it: no command type is left without an entry."""
    missing = {k.__name__ for k in _all_command_classes() if entry_for(k) is None}
    assert missing <= {"Choose"}, missing  # Choose is carried by buttons, never parsed


def test_every_entry_has_a_topic_examples_and_a_handler() -> None:
    """Each entry says where the help shows it, with at least one example, and who runs it."""
    for entry in entries():
        assert entry.topic in TOPICS and entry.examples, entry.command.__name__
        assert entry.handler is not None or entry.command in ENGINE_OWNED, entry.command.__name__


def test_no_help_topic_silently_disappears() -> None:
    """Every topic has entries and shows in the overview; each topic's help lists its entries."""
    overview = help_reply(None, c.Role.ADMIN)
    assert overview.table is not None
    assert [row[0] for row in overview.table.rows] == list(TOPICS)
    for topic in TOPICS:
        reply = help_reply(topic, c.Role.ADMIN)
        assert reply.kind == ReplyKind.INFO and reply.table is not None and reply.table.rows


@pytest.mark.parametrize(("command", "example"), CASES, ids=[e for _c, e in CASES])
def test_examples_parse_and_rephrasings_read_back(command: type[c.Command], example: str) -> None:
    """`parse(example)` is the entry's command, and `parse(rephrase(cmd)) == cmd` (the text of buttons
    and "did you mean" choices runs exactly that command)."""
    result = parse(example, LEXICON)
    assert result.parsed is not None, example
    cmd = result.parsed.command
    assert type(cmd) is command
    again = parse(rephrase(cmd), LEXICON)
    assert again.parsed is not None, rephrase(cmd)
    assert again.parsed.command == cmd, rephrase(cmd)


def test_the_audit_name_finds_the_entry_and_its_undo() -> None:
    """The audit stores `Command.name` (the class name); undo finds the entry, and its undo, by it."""
    for entry in entries():
        assert entry_named(entry.command.__name__) is entry
    undoable = {e.command.__name__ for e in entries() if e.undo is not None}
    assert {"SetStation", "AddUnit", "RenameUnit", "SetProfile"} <= undoable
    assert "DeleteUnit" not in undoable and "ClearAlerts" not in undoable


def test_commands_with_a_token_read_back_with_it() -> None:
    """Buttons carry a change id or confirmation token; the rephrasing keeps it."""
    for command in (
        c.Undo(token="000042"),
        c.Confirm(token="abc123"),
        c.Cancel(token="abc123"),
        c.RetryFailed(token="000042"),
    ):
        again = parse(rephrase(command), LEXICON).parsed
        assert again is not None and again.command == command, rephrase(command)


def test_roles_come_from_the_registry() -> None:
    """Who may say a command is the entry's role: front desk may ask whether an Echo is online."""
    echo = c.EchoOnline(target=c.Target(rooms=("204",)))
    assert role_for(echo) == c.Role.FRONT_DESK
    assert role_for(c.UnplacedDevices()) == c.Role.ENGINEER
    assert role_for(c.DeleteUnit(c.Level.ROOM, "204")) == c.Role.ADMIN
