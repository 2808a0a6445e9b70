"""Phrasings read by the understanding package (bot/core/understanding) against the demo world's
lexicon, without a bot or a sandbox: the ones mutation testing (scripts/mutation.py, a sample of the
package's mutants) found no other fast test telling apart."""

from __future__ import annotations

import pytest
from lexicon_support import demo_lexicon

from bot.core import commands as c
from bot.core.understanding.pipeline import parse

LEXICON = demo_lexicon()


@pytest.mark.parametrize("text", ["where 204", "204 where", "where is 204 at London"])
def test_where_with_one_room_finds_that_room(text: str) -> None:
    result = parse(text, LEXICON)
    assert result.parsed is not None and result.parsed.command == c.FindRoom(room="204")
