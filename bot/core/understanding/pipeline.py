"""The understanding pipeline: text + the user's scope -> a command or a question, in one linear pass.

1. normalize (text.py, spelling.py): clean, split a trailing "preview", correct clear typos only;
2. find names (entities.py over lexicon.py: rooms, ranges, room types, properties, stations, kinds);
3. choose the reading: the candidates ranked by score (opsdroid's scored matchers): the phrasing
   hooks every command's registry entry owns (bot/core/shared/registry.py `Phrasing`, declared in its
   cmd_*.py module; a button's exact form, `Score.EXACT`, is matched as typed) and the reading the
   names make (reading.py, at `Score.READING`); the highest that reads the message wins;
4. check completeness (complete.py, reading.complete): the same check for whichever candidate won, a
   write runs only when every word was followed;
5. a command (Parsed), or a question (Ask), or neither with read-only suggestions.
Never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.core.shared.commands import ClearAlerts, Command, NotDone, Parsed, SetStation, Target
from bot.core.understanding.entities import find_entities
from bot.core.understanding.lexicon import Lexicon, catalog_lexicon, fold, key_of
from bot.core.understanding.reading import Ask, complete, understand
from bot.core.understanding.spelling import correct, name_corrections
from bot.core.understanding.text import clean, split_preview

if TYPE_CHECKING:
    from bot.core.shared.registry import Entry, Phrasing

MAX_MESSAGE = 2000


@dataclass(frozen=True)
class ParseResult:
    parsed: Parsed | None
    cleaned: str
    suggestions: tuple[str, ...] = ()
    ask: Ask | None = None  # a part is missing or unclear: ask this, the next message answers


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
    verbs: tuple[tuple[str, str], ...] = ()
    if isinstance(reading, NotDone) and reading.unfollowed:
        reading, verbs = _with_command_words(said, scope, reading)
    return command_or_question(said, reading, scope, verbs)


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


Reading = Command | Ask | None


def choose_reading(said: Said, scope: Lexicon) -> Reading:
    """Steps 2-4: the exact forms buttons send first, then the candidates by score: the commands'
    phrasing hooks and the reading the names make; the winner passes the completeness check."""
    if (exact := _exact(said)) is not None:  # a button's form, as typed
        return exact
    found = _read(said.corrected, scope, asked=said.asked, raw=said.raw_corrected, typed=said.raw)
    if found is None and (fixed := correct_keywords(said.corrected)) != said.corrected:
        found = _read(fixed, scope, asked=said.asked, raw=said.raw_corrected, typed=said.raw)
    return found


def _with_command_words(
    said: Said, scope: Lexicon, refused: NotDone
) -> tuple[Reading, tuple[tuple[str, str], ...]]:
    """`sett 213 to jazz`: the first word, not followed, is a near-miss of a command word ("sett"
    for "set"): the reading of the message with it corrected, when that follows every word (the
    check runs again), and the word read so; otherwise the refusal as it was."""
    words = said.corrected.split(" ")
    verb = correct_keywords(words[0])
    # only the verb a request starts with, and only a typo: "cleared" is another tense, said as such
    if verb == words[0] or _INFLECTED.search(words[0]):
        return refused, ()
    if fold(words[0]) not in {fold(word) for word in refused.unfollowed}:
        return refused, ()
    pairs = ((words[0], verb),)
    fixed = " ".join([verb, *words[1:]])
    raw, typed_text = said.raw_corrected, said.raw
    for typed, read in pairs:
        word = re.compile(rf"(?<![\w'-]){re.escape(typed)}(?![\w'-])", re.I)
        raw, typed_text = word.sub(read, raw, count=1), word.sub(read, typed_text, count=1)
    found = _read(fixed, scope, asked=said.asked, raw=raw, typed=typed_text)
    if found is None or isinstance(found, NotDone):
        return refused, ()
    return found, pairs


_INFLECTED = re.compile(r"(?:ed|ing|s)$", re.I)


def command_or_question(
    said: Said, reading: Reading, scope: Lexicon, verbs: tuple[tuple[str, str], ...] = ()
) -> ParseResult:
    """Step 5: a command (with the names read differently from what was typed), a question, or neither
    (with read-only suggestions). `verbs`: command words read differently from what was typed."""
    if isinstance(reading, Ask):
        return ParseResult(None, said.cleaned, ask=reading)
    if reading is None:
        return ParseResult(None, said.cleaned, suggest(said.body))
    command = reading
    exact = _exact(said) is not None  # a button's form: nothing was corrected
    notes = (
        ()
        if exact
        else tuple(
            f"I read \u201c{typed}\u201d as \u201c{read}\u201d."
            for typed, read in (*verbs, *name_corrections(said.body, scope))
        )
    )
    return ParseResult(Parsed(command=command, preview=said.preview, notes=notes), said.cleaned)


def _property_mention(text: str, lexicon: Lexicon) -> str:
    """`@Lakeside 305 oldies`: an @ before a property's name means "at", not a chat mention."""
    m = re.match(r"^\s*@(\w+)", text)
    if m and key_of(m[1]) in lexicon.properties:
        return "at " + text[m.start(1) :]
    return text


def _read(
    body: str, lexicon: Lexicon, *, asked: bool = False, raw: str = "", typed: str = ""
) -> Reading:
    """The candidates, best score first: the hooks above the reading, the reading the names make,
    the hooks below it. The first that reads the message, when it is a write, is checked for
    completeness (the reading checks its own)."""
    from bot.core.shared.registry import (  # the registry's entries import the handlers
        Score,
        phrasings,
    )

    hooks = phrasings()
    split = next((i for i, hook in enumerate(hooks) if hook.score <= Score.READING), len(hooks))
    above, below = hooks[:split], hooks[split:]  # sorted best first
    hooked = _match(body, above)
    if hooked is None:
        understood = understand(body, lexicon, asked=asked, raw=raw, typed=typed) if body else None
        if understood is not None:
            return understood  # the reading runs the completeness check itself (reading.complete)
        hooked = _match(body, below)
    if hooked is None or not hooked.mutating:
        return hooked  # reads may be lenient; writes may not
    return complete(
        hooked, find_entities(body, lexicon), fold(body).strip(), body, raw=typed or raw
    )


def _exact(said: Said) -> Command | None:
    """The forms buttons send (and admins type), matched on the message as typed."""
    from bot.core.shared.registry import (  # the registry's entries import the handlers
        Score,
        phrasings,
    )

    return _match(said.body, [hook for hook in phrasings() if hook.score >= Score.EXACT])


def _match(body: str, hooks: list[Phrasing]) -> Command | None:
    for hook in hooks:
        for pattern in hook.patterns:
            match = pattern.match(body)
            if match is None:
                continue
            command = hook.build(match)
            if command is not None:
                return command
    return None


# The command words of the phrasings. Only these are ever corrected: room, property and station names
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
# Words close to a command word that are words of their own ("remind" is no typo of "reminder":
# round 27, `remind the guest in 103 …` was offered as a clear of 103's reminders)
_NOT_A_TYPO = frozenset({"remind", "reminds", "reminded", "reminding"})
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
        if len(lowered) < 4 or lowered in _KEYWORD_SET | _NOT_A_TYPO or not _WORD.fullmatch(word):
            continue
        best = process.extractOne(lowered, KEYWORDS, scorer=fuzz.ratio, score_cutoff=80)
        if best is not None:
            words[i] = best[0]
    return " ".join(words)


_EXAMPLES: list[str] | None = None


def _changes_nothing(entry: Entry) -> bool:
    """Not a write, and not one of the conversation's own (confirm, undo, retry: a handler of the
    engine's, or a change to re-run)."""
    return not entry.mutating and entry.handler is not None and not entry.retryable


def suggest(text: str, limit: int = 3) -> tuple[str, ...]:
    """The help's examples closest to what was typed, to show after 'I didn't understand': only of
    commands that change nothing (the entries' policy flags), so a misunderstanding is never one
    keystroke away from a write or an undo."""
    from bot.core.shared.registry import entries  # the registry's handlers import the core

    if not text.strip():
        return ("help", "what's playing in 204", "rooms")
    global _EXAMPLES
    if _EXAMPLES is None:
        _EXAMPLES = [
            example
            for entry in entries()
            if not entry.hidden and _changes_nothing(entry)
            for example in entry.examples
        ]
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
    if asking:
        return True  # a question is never the answer, even one the bot cannot read
    if not _REQUEST_WORDS.search(body):
        # "Room=5 jazz", "jazz in Jazz": no verb, yet a whole change (rooms and a station) by itself
        result = parse(text, lexicon)
        found = result.parsed
        if result.ask is not None and result.ask.missing == "station" and _WANTS.search(text):
            # "guest in 207 wants music": a request of its own that asks for its station, never
            # the rooms of another request's question (round 29b set 207 to that one's station)
            return _names_rooms(result.ask.partial)
        # a request refused for what it asks ("all villas except villa-5 -> country") is its own
        # too: its rooms never answer a question about another request
        return found is not None and (
            _complete_change(found.command) or isinstance(found.command, NotDone)
        )
    result = parse(text, lexicon)
    return result.parsed is not None or result.ask is not None


# Words of a wish for music: with them, rooms and no station are a request, never an answer
_WANTS = re.compile(
    r"\b(?:wants?|needs?|would\s+like|asks?\s+for|asked\s+for|requested|music|radio|"
    r"something)\b",
    re.IGNORECASE,
)


def _names_rooms(command: Command) -> bool:
    target = getattr(command, "target", None)
    return isinstance(target, Target) and bool(
        target.rooms or target.room_range or target.room_type or target.all_rooms
    )


def _complete_change(command: Command) -> bool:
    """A station change or a clear that names both its rooms and what to do: never an answer."""
    if not isinstance(command, SetStation | ClearAlerts):
        return False
    target = command.target
    named = bool(target.rooms or target.room_range or target.room_type or target.all_rooms)
    return named and (not isinstance(command, SetStation) or bool(command.station))
