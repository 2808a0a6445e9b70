"""Text → Parsed command. Never raises: what it cannot read comes back as None with suggestions."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.commands import Parsed
from bot.core.grammar import RULES
from bot.core.rule import Rule
from bot.core.text import clean, split_preview

MAX_MESSAGE = 2000


@dataclass(frozen=True)
class ParseResult:
    parsed: Parsed | None
    rule: Rule | None
    cleaned: str
    suggestions: tuple[str, ...] = ()


def parse(text: str) -> ParseResult:
    cleaned = clean(text[:MAX_MESSAGE])
    body, preview = split_preview(cleaned)
    for rule in RULES:
        for pattern in rule.patterns:
            match = pattern.match(body)
            if match is None:
                continue
            command = rule.build(match)
            if command is not None:
                return ParseResult(Parsed(command=command, preview=preview), rule, cleaned)
    return ParseResult(None, None, cleaned, suggest(body))


_ALL_EXAMPLES = tuple(example for rule in RULES for example in rule.examples)


def suggest(text: str, limit: int = 3) -> tuple[str, ...]:
    """The examples closest to what was typed, to show after 'I didn't understand'."""
    if not text.strip():
        return ("help", "what's playing in 204", "set room 204 station jazz")
    found = process.extract(text.lower(), _ALL_EXAMPLES, scorer=fuzz.token_set_ratio, limit=limit)
    return tuple(example for example, _score, _index in found)
