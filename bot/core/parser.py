"""Text → Parsed command. Never raises: what it cannot read comes back as None with suggestions.

The order: the conversation's own words (yes, no, undo, retry, help, recent changes), then entity-first
understanding (bot/core/understand.py: rooms, stations, alerts, devices, small talk, and the questions
for a missing part), then the phrasing rules as the fallback (hierarchy, lists, profiles, users).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.commands import Command, Parsed
from bot.core.fixed_phrases import fixed_command
from bot.core.grammar import RULES
from bot.core.lexicon import Lexicon, catalog_lexicon, key_of
from bot.core.rule import Rule
from bot.core.spelling import correct, name_corrections
from bot.core.text import clean, split_preview
from bot.core.understand import Ask, understand

MAX_MESSAGE = 2000


@dataclass(frozen=True)
class ParseResult:
    parsed: Parsed | None
    rule: Rule | None
    cleaned: str
    suggestions: tuple[str, ...] = ()
    ask: Ask | None = None  # a part is missing or unclear: ask this, the next message answers


_CONTROL_RULES = tuple(rule for rule in RULES if rule.topic == "general")
_OTHER_RULES = tuple(rule for rule in RULES if rule.topic != "general")


def parse(text: str, lexicon: Lexicon | None = None) -> ParseResult:
    words = lexicon or catalog_lexicon()
    raw = _property_mention(text[:MAX_MESSAGE], words)
    cleaned = clean(raw)
    body, preview = split_preview(cleaned)
    if (exact := fixed_command(body)) is not None:  # button and admin forms (fixed_phrases.py)
        return ParseResult(Parsed(command=exact, preview=preview), None, cleaned)
    asked = raw.rstrip().endswith("?")
    corrected = correct(body, words)
    raw_fixed = correct(raw, words)
    found = _read(corrected, words, asked=asked, raw=raw_fixed)
    if found is None and (fixed := correct_keywords(corrected)) != corrected:
        found = _read(fixed, words, asked=asked, raw=raw_fixed)
    if isinstance(found, Ask):
        return ParseResult(None, None, cleaned, ask=found)
    if found is not None:
        command, rule = found
        notes = tuple(
            f"I read \u201c{typed}\u201d as \u201c{read}\u201d."
            for typed, read in name_corrections(body, words)
        )
        return ParseResult(Parsed(command=command, preview=preview, notes=notes), rule, cleaned)
    return ParseResult(None, None, cleaned, suggest(body))


def _property_mention(text: str, lexicon: Lexicon) -> str:
    """`@Lakeside 305 oldies`: an @ before a property's name means "at", not a chat mention."""
    m = re.match(r"^\s*@(\w+)", text)
    if m and key_of(m[1]) in lexicon.properties:
        return "at " + text[m.start(1) :]
    return text


def _read(
    body: str, lexicon: Lexicon, *, asked: bool = False, raw: str = ""
) -> tuple[Command, Rule | None] | Ask | None:
    control = _match(body, _CONTROL_RULES)
    if control is not None:
        return control
    understood = understand(body, lexicon, asked=asked, raw=raw) if body else None
    if isinstance(understood, Ask):
        return understood
    if understood is not None:
        return understood, None
    return _match(body, _OTHER_RULES)


def _match(body: str, rules: tuple[Rule, ...] = RULES) -> tuple[Command, Rule] | None:
    for rule in rules:
        for pattern in rule.patterns:
            match = pattern.match(body)
            if match is None:
                continue
            command = rule.build(match)
            if command is not None:
                return command, rule
    return None


# The command words of the grammar. Only these are ever corrected: room, property and station names
# are never guessed at (a typo there must be asked about, not silently changed).
KEYWORDS = (
    "set", "change", "switch", "update", "station", "stations", "music", "radio", "channel",
    "playing", "what's", "whats", "which", "show", "list", "clear", "delete", "remove", "alarms",
    "alarm", "reminders", "reminder", "timers", "timer", "everything", "rooms", "room", "properties",
    "hotels", "types", "rename", "offline", "devices", "status", "history", "timeline", "flapping",
    "uptime", "digest", "retry", "failed", "undo", "help", "confirm", "cancel", "find", "where",
    "available",
)  # fmt: skip
_KEYWORD_SET = frozenset(KEYWORDS)
_WORD = re.compile(r"[A-Za-z']+")
# Only the first few words carry the verb and keywords; what follows is names.
_CORRECTABLE_WORDS = 4


def correct_keywords(body: str) -> str:
    """`body` with near-misses of command words ("staton", "playin", "claer") corrected.

    Only letter-only words of 4+ letters among the first few words, and only to a command word
    at least 80 % similar; names (anything with a digit, and every later word) are left alone.
    """
    words = body.split(" ")
    for i, word in enumerate(words[:_CORRECTABLE_WORDS]):
        lowered = word.casefold()
        if len(lowered) < 4 or lowered in _KEYWORD_SET or not _WORD.fullmatch(word):
            continue
        best = process.extractOne(lowered, KEYWORDS, scorer=fuzz.ratio, score_cutoff=80)
        if best is not None:
            words[i] = best[0]
    return " ".join(words)


_EXAMPLES: list[str] | None = None


def suggest(text: str, limit: int = 3) -> tuple[str, ...]:
    """The help's examples closest to what was typed, to show after 'I didn't understand'."""
    from bot.core.registry import entries  # the registry's handlers import the core

    if not text.strip():
        return ("help", "what's playing in 204", "set room 204 station jazz")
    global _EXAMPLES
    if _EXAMPLES is None:
        _EXAMPLES = [e for entry in entries() if not entry.hidden for e in entry.examples]
    found = process.extract(text.lower(), _EXAMPLES, scorer=fuzz.token_set_ratio, limit=limit)
    return tuple(example for example, _score, _index in found)


_REQUEST_WORDS = re.compile(
    r"\b(?:what'?s|whats|what|which|set|change|switch|tune|put|play|make|clear|cancel|delete|remove"
    r"|status|history|uptime|offline|unplaced|flapping|digest|help|undo|rooms|stations|find|where)\b",
    re.I,
)


_ASKING = re.compile(
    r"^(?:is|are|does|do|did|has|have|was|were|can|could|how|why|when|who|what|which)\b", re.I
)


def is_new_request(text: str, lexicon: Lexicon | None = None) -> bool:
    """True when a message is a request of its own (it has a verb or a question word), not the answer to
    a question the bot asked ("Lakeside", "jazz", "204", "2"). A complete question ("is 310's echo
    online?") is its own, never an answer."""
    body = correct(clean(text), lexicon or catalog_lexicon())
    asking = bool(_ASKING.match(body)) and text.rstrip().endswith("?")
    if not _REQUEST_WORDS.search(body) and not asking:
        return False
    result = parse(text, lexicon)
    return result.parsed is not None or result.ask is not None
