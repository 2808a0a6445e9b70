"""Understanding a message, in one linear pass: normalize -> find names -> choose the reading -> check
completeness -> a command or a question (pipeline.py; its docstring maps the steps to modules).

The public face is one function: `understand(text, scope)` -> `Understanding`, whose `parsed` is the
command (with its preview flag and notes), or whose `ask` is the question to put to the user, or neither
(then `suggestions`, read-only). `scope` is the user's Lexicon (lexicon_for(index, catalog)): every name
comes from it, never from the shape of a word.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.core.understanding.lexicon import Lexicon
    from bot.core.understanding.pipeline import ParseResult as Understanding

__all__ = ["understand"]


def understand(text: str, scope: Lexicon | None = None) -> Understanding:
    """Text + the user's scope in, a command or a question out. Never raises."""
    # Imported here, not at the top: handlers import this package's text helpers (plural, clean), and
    # the pipeline's rules import the handlers' commands; a top-level import would be a cycle.
    from bot.core.understanding.pipeline import parse

    return parse(text, scope)
