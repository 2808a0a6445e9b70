"""The understanding pipeline: text + the user's scope -> a command or a question, in one linear pass.

1. normalize (text.py, spelling.py): clean, split a trailing "preview", correct clear typos only;
2. find names (entities.py over lexicon.py: rooms, ranges, room types, properties, stations, kinds);
3. choose the reading: the exact forms buttons send (fixed_phrases.py), the conversation's own words
   (yes, no, undo, retry, help), the reading the names make (reading.py), and the phrasing rules of the
   commands the names do not carry (hierarchy, lists, profiles, users: grammar.py);
4. check completeness (complete.py): a write runs only when every word was followed;
5. a command (Parsed), or a question (Ask), or neither with read-only suggestions.
Never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.commands import Command, Parsed
from bot.core.understanding.fixed_phrases import fixed_command
from bot.core.understanding.grammar import RULES
from bot.core.understanding.lexicon import Lexicon, catalog_lexicon, key_of
from bot.core.understanding.reading import Ask, understand
from bot.core.understanding.rule import Rule
from bot.core.understanding.spelling import correct, name_corrections
from bot.core.understanding.text import clean, split_preview

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


@dataclass(frozen=True)
class Said:
    """A message after step 1 (normalize): what was typed, cleaned, and spelled as the names are."""

    raw: str  # as typed (an @property mention read as "at"), for the reading's own punctuation
    cleaned: str  # whitespace and quotes folded
    body: str  # cleaned, without a trailing "preview"/"dry run"
    preview: bool
    asked: bool  # ended with "?"
    corrected: str  # body with clear typos of names and words corrected (spelling.py)
    raw_corrected: str


def parse(text: str, lexicon: Lexicon | None = None) -> ParseResult:
    """The one pass: normalize -> find names -> choose the reading -> check completeness -> a command
    or a question. `lexicon` is the user's scope: the names their index and catalog hold."""
    scope = lexicon or catalog_lexicon()
    said = normalize(text, scope)
    reading = choose_reading(said, scope)
    return command_or_question(said, reading, scope)


def normalize(text: str, scope: Lexicon) -> Said:
    """Step 1: fold what was typed into one form; correct only clear typos (never guess a name)."""
    raw = _property_mention(text[:MAX_MESSAGE], scope)
    cleaned = clean(raw)
    body, preview = split_preview(cleaned)
    return Said(
        raw=raw,
        cleaned=cleaned,
        body=body,
        preview=preview,
        asked=raw.rstrip().endswith("?"),
        corrected=correct(body, scope),
        raw_corrected=correct(raw, scope),
    )


Reading = tuple[Command, Rule | None] | Ask | None


def choose_reading(said: Said, scope: Lexicon) -> Reading:
    """Steps 2-4: the exact forms buttons send first, then the names found in the words and the reading
    they make (reading.py, whose last step is the completeness check, complete.py), then the phrasing
    rules of the commands the entity reading leaves alone (hierarchy, lists, profiles, users)."""
    if (exact := fixed_command(said.body)) is not None:  # button and admin forms (fixed_phrases.py)
        return exact, None
    found = _read(said.corrected, scope, asked=said.asked, raw=said.raw_corrected, typed=said.raw)
    if found is None and (fixed := correct_keywords(said.corrected)) != said.corrected:
        found = _read(fixed, scope, asked=said.asked, raw=said.raw_corrected, typed=said.raw)
    return found


def command_or_question(said: Said, reading: Reading, scope: Lexicon) -> ParseResult:
    """Step 5: a command (with the names read differently from what was typed), a question, or neither
    (with read-only suggestions)."""
    if isinstance(reading, Ask):
        return ParseResult(None, None, said.cleaned, ask=reading)
    if reading is None:
        return ParseResult(None, None, said.cleaned, suggest(said.body))
    command, rule = reading
    exact = fixed_command(said.body) is not None  # a button's form: nothing was corrected
    notes = (
        ()
        if exact
        else tuple(
            f"I read \u201c{typed}\u201d as \u201c{read}\u201d."
            for typed, read in name_corrections(said.body, scope)
        )
    )
    return ParseResult(
        Parsed(command=command, preview=said.preview, notes=notes), rule, said.cleaned
    )


def _property_mention(text: str, lexicon: Lexicon) -> str:
    """`@Lakeside 305 oldies`: an @ before a property's name means "at", not a chat mention."""
    m = re.match(r"^\s*@(\w+)", text)
    if m and key_of(m[1]) in lexicon.properties:
        return "at " + text[m.start(1) :]
    return text


def _read(
    body: str, lexicon: Lexicon, *, asked: bool = False, raw: str = "", typed: str = ""
) -> tuple[Command, Rule | None] | Ask | None:
    control = _match(body, _CONTROL_RULES)
    if control is not None:
        return control
    understood = understand(body, lexicon, asked=asked, raw=raw, typed=typed) if body else None
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
