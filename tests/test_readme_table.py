"""README's "What staff can say" is the registry's own table, and every phrase in it parses."""

from __future__ import annotations

import re
from pathlib import Path

from lexicon_support import demo_lexicon

from bot.core.commands.help import README_END, README_START, staff_table
from bot.core.understanding.pipeline import parse

README = Path(__file__).parent.parent / "README.md"


def test_the_readme_table_is_generated_from_the_registry() -> None:
    """The table between the markers equals `python -m bot.core.commands.help` (regenerate it when this fails)."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    assert text[start:end] == staff_table()


def test_every_phrase_of_the_table_parses() -> None:
    """Each backticked phrase of the table is understood as a command."""
    phrases = re.findall(r"`([^`]+)`", staff_table())
    assert len(phrases) > 50
    lexicon = demo_lexicon()
    for phrase in phrases:
        assert parse(phrase, lexicon).parsed is not None, phrase
