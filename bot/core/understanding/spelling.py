"""Typo correction of the words of a message, before entities are looked for.

A word the bot does not know (not an intent word, not a word of a property, room type or station name,
not common English) is replaced by the one known word one edit away (a letter added, missing, changed, or
two swapped: `Lakside`, `Kensignton`, `clasical`, `stauts`, `hlep`), and only when exactly one fits.
Words with digits (rooms, serials) are never touched.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.understanding.lexicon import Lexicon, fold

INTENT_WORDS = frozenset(
    [
        # Asking for silence is its own request (a station cannot be switched off), never a typo.
        "stop",
        "pause",
        "mute",
        "silence",
        "off",
        "except",
        "excluding",
        "floor",
        "floors",
        "set",
        "change",
        "switch",
        "tune",
        "put",
        "play",
        "playing",
        "make",
        "update",
        "turn",
        "want",
        "wants",
        "need",
        "needs",
        "like",
        "should",
        "get",
        "going",
        "give",
        "start",
        "use",
        "clear",
        "cancel",
        "delete",
        "remove",
        "wipe",
        "reset",
        "erase",
        "kill",
        "drop",
        "purge",
        "what",
        "whats",
        "which",
        "listening",
        "tell",
        "check",
        "show",
        "station",
        "stations",
        "music",
        "radio",
        "channel",
        "default",
        "rename",
        "add",
        "create",
        "profile",
        "profiles",
        "user",
        "users",
        "object",
        "type",
        "types",
        "properties",
        "property",
        "hotel",
        "hotels",
        "find",
        "locate",
        "where",
        "audit",
        "changes",
        "help",
        "sync",
        "resync",
        "refresh",
        "reload",
        "digest",
        "list",
        "lookup",
        "search",
        "uptime",
        "offline",
        "unplaced",
        "flapping",
        "status",
        "history",
        "timeline",
        "events",
        "online",
        "echo",
        "echos",
        "echoes",
        "device",
        "devices",
        "health",
        "connected",
        "working",
        "reachable",
        "unreachable",
        "alarm",
        "alarms",
        "reminder",
        "reminders",
        "timer",
        "timers",
        "alert",
        "alerts",
        "everything",
        "wake",
        "wakeup",
        "undo",
        "retry",
        "failed",
        "confirm",
        "yes",
        "hello",
        "thanks",
        "thank",
        "cheers",
        "bonjour",
        "merci",
        "room",
        "rooms",
        "available",
        "offered",
        "everywhere",
        "cal",
        "cals",
        "daily",
        "rooms",
        "suites",
    ]
)
COMMON_WORDS = frozenset(
    [
        "wait",  # "no wait, just 314": never "want"
        "save",  # "save 204": a room left out, never "have"
        # "remind the guest in 103": making a reminder, never "reminder" (a clear of them)
        "remind",
        "reminding",
        "reminded",
        # "420 stays", "403 keeps its alarms": rooms left out, never "says"
        "stays",
        "stay",
        "keeps",
        "keep",
        "remains",
        "remain",
        "unchanged",
        "untouched",
        "baby",  # never "bay"
        "gimme",
        "smth",
        "tonite",
        "waiting",
        "loud",
        "whoops",
        "meant",
        "mean",
        "skip",
        "except",
        "touch",
        "alone",
        "leave",
        "sure",
        "ya",
        "yea",
        "yep",
        "nah",
        "nay",
        "asap",
        "snooze",
        "snoozed",
        "back",
        "wrong",
        "arriving",
        "checked",
        "already",
        "tonight",
        "everywhere",
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "have",
        "has",
        "had",
        "was",
        "were",
        "been",
        "they",
        "them",
        "their",
        "there",
        "then",
        "than",
        "when",
        "why",
        "who",
        "how",
        "into",
        "onto",
        "over",
        "under",
        "about",
        "after",
        "before",
        "again",
        "also",
        "just",
        "only",
        "very",
        "much",
        "many",
        "some",
        "any",
        "all",
        "each",
        "every",
        "other",
        "another",
        "more",
        "most",
        "less",
        "please",
        "you",
        "your",
        "our",
        "we",
        "us",
        "me",
        "my",
        "mine",
        "his",
        "her",
        "she",
        "he",
        "it",
        "its",
        "can",
        "could",
        "would",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "love",
        "hate",
        "hates",
        "hated",
        "loud",
        "later",
        "tomorrow",
        "today",
        "tonight",
        "now",
        "already",
        "yet",
        "still",
        "guest",
        "guests",
        "got",
        "does",
        "doing",
        "done",
        "did",
        "said",
        "says",
        "say",
        "told",
        "know",
        "knew",
        "think",
        "checked",
        "checking",
        "out",
        "in",
        "liked",
        "complained",
        "too",
        "one",
        "ones",
        "two",
        "three",
        "okay",
        "not",
        "never",
        "dont",
        "doesnt",
        "isnt",
        "wasnt",
        "wont",
        "cant",
        "cleared",
        # past tenses are no typos of the verbs: "alarms already deleted" says what was done
        "deleted",
        "removed",
        "wiped",
        "erased",
        # words of context, no typos of command words: "right away", "guest calls", "any chance"
        "away",
        "calls",
        "chance",
        "clearing",
        "setting",
        "sets",
        "played",
        "listen",
        "good",
        "morning",
        "evening",
        "afternoon",
        "bye",
        "great",
        "perfect",
        "awesome",
        "cool",
        "nice",
        "dans",
        "la",
        "le",
        "les",
        "quelle",
        "quel",
        "musique",
        "en",
        "pour",
        "une",
        "des",
        "est",
        "sur",
        "kind",
        "kinds",
        "anyone",
        "someone",
        "somebody",
        "just",
        "fine",
        "sorry",
        "oops",
        "back",
        "way",
        "went",
        "gone",
        "thing",
        "things",
        "stuff",
        "left",
        "right",
        "here",
        "where's",
        "whats",
        "what's",
        "it's",
        "that's",
        "i'm",
        "i'll",
        "we're",
        "don't",
        "doesn't",
        "isn't",
        "let's",
        "ago",
        "last",
        "past",
        "week",
        "weeks",
        "day",
        "days",
        "hour",
        "hours",
        "minute",
        "minutes",
        "month",
        "being",
        "off",
        "seem",
        "seems",
        "seemed",
        "lot",
        "lots",
        "bit",
        "little",
        "nothing",
        "something",
        "everything",
        "anything",
        "answer",
        "ask",
        "asked",
        "asking",
        "mind",
        "forget",
        "scratch",
    ]
)
_SHORT = {
    "wat": "what",
    "hii": "hi",
    "hiii": "hi",
    "thx": "thanks",
    "pls": "please",
    "helo": "hello",
}
_WORD = re.compile(r"(?<![\w/-])[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ']{2,}(?![\w/-])")


# Words kept as typed, yet never what a typo is corrected to ("onne" is still "one"): "once the
# guest arrives" is a moment, never "one"
_KEPT_AS_TYPED = frozenset({"once"})


def correct(text: str, lexicon: Lexicon) -> str:
    """`text` with its misspelt words corrected. A capitalised word is a name: it is corrected only
    towards the words of a known name (`Kensignton`), never towards an ordinary word."""
    return _corrected(text, lexicon)[0]


def _corrected(text: str, lexicon: Lexicon) -> tuple[str, list[tuple[str, str]]]:
    """The corrected text, and (typed, read as) for each word corrected."""
    known, names = _known(lexicon)
    changes: list[tuple[str, str]] = []
    # The words of room names, found only when a word would be corrected (most messages: never).
    in_rooms: list[set[int]] = []

    def fix(m: re.Match[str]) -> str:
        word = fold(m[0])
        if word in known or word.rstrip("s") in known or word + "s" in known:
            return m[0]
        if word in _KEPT_AS_TYPED:
            return m[0]
        if word not in _SHORT and len(word) < 4:
            return m[0]
        if not in_rooms:
            in_rooms.append(_room_name_words(text, lexicon))
        if m.start() in in_rooms[0]:  # "Villa East" is room Villa-East: its words are no typo
            return m[0]
        if word in _room_words(lexicon):  # "PH East" is room PH-East, never "PH Easy"
            return m[0]
        if word.endswith("'s") and word[:-2] in _room_words(lexicon):
            return m[0]  # "sky suite's echo": a room's possessive, never "suites"
        if word in _SHORT:
            return _SHORT[word]
        # a short word is one letter from many names ("wing" from King): only a word of requests
        # is read in its place, never a name
        pool = names if m[0][0].isupper() else known if len(word) > 4 else _without(known, names)
        found = _near(word, pool)
        return found if found is not None else m[0]

    def recorded(m: re.Match[str]) -> str:
        read = fix(m)
        if read != m[0]:
            changes.append((m[0], read))
        return read

    return _WORD.sub(recorded, text), changes


@lru_cache(maxsize=8)
def _room_words(lexicon: Lexicon) -> frozenset[str]:
    """The words of the index's room names (`PH-East`: ph, east), typed with a space between: a
    part too short to be a word of its own (`PH`) keeps the span check above from seeing the name."""
    return frozenset(
        part
        for name in lexicon.lettered_rooms  # a name of digits and signs has no word
        for part in re.split(r"[^a-z]+", fold(name))
        if len(part) >= 3
    )


# Room names staff type with spaces for separators: "Villa East", "loft edelweiss".
_ROOM_NAME_WORDS = 3


def _room_name_words(text: str, lexicon: Lexicon) -> set[int]:
    """The start of each word of `text` that is part of a room's name typed exactly (separators
    folded): such words are never corrected, though a room's words are not in the spelling tables."""
    if not lexicon.rooms:
        return set()
    words = list(_WORD.finditer(text))
    starts: set[int] = set()
    for i in range(len(words)):
        for n in range(1, min(_ROOM_NAME_WORDS, len(words) - i) + 1):
            span = text[words[i].start() : words[i + n - 1].end()]
            names, exact = lexicon.room_names(span)
            if exact and names:
                starts.update(w.start() for w in words[i : i + n])
    return starts


def name_corrections(text: str, lexicon: Lexicon) -> list[tuple[str, str]]:
    """(typed, read as) for each word of a name that `correct` changes: said back to the user, so a
    typo in a name is never applied silently."""
    _known_words, names = _known(lexicon)
    # word by word as corrected: a short form read as a word too short to be matched again ("hii"
    # as "hi") does not shift the words after it
    return [
        (a, b.capitalize() if a[0].isupper() else b)
        for a, b in _corrected(text, lexicon)[1]
        if fold(a) != fold(b) and b in names and b not in INTENT_WORDS
    ]


def _near(word: str, known: frozenset[str]) -> str | None:
    # one edit apart: only words one letter shorter, as long or one longer can be
    by_length = _by_length(known)
    candidates = [
        w for n in (len(word) - 1, len(word), len(word) + 1) for w in by_length.get(n, ())
    ]
    found = process.extract(word, candidates, scorer=OSA.distance, score_cutoff=1, limit=None)
    fits = {v for v, _score, _i in found}
    if len(fits) > 1:  # "waht": the swapped letters ("what") beat a changed one ("want")
        fits = {v for v in fits if sorted(v) == sorted(word)}
    return fits.pop() if len(fits) == 1 else None


@lru_cache(maxsize=8)
def _known(lexicon: Lexicon) -> tuple[frozenset[str], frozenset[str]]:
    """Every known word, and the words of names (properties, room types, stations)."""
    names: set[str] = set()
    for table in (lexicon.properties, lexicon.room_types, lexicon.stations):
        for key in table:
            names.update(w for w in key.split() if not any(ch.isdigit() for ch in w))
    return frozenset(names | INTENT_WORDS | COMMON_WORDS), frozenset(names)


@lru_cache(maxsize=8)
def _without(words: frozenset[str], names: frozenset[str]) -> frozenset[str]:
    """The known words but those only in names (a name's word that is also a word of requests,
    "room" of a station's name, stays)."""
    return words - (names - INTENT_WORDS - COMMON_WORDS)


@lru_cache(maxsize=16)
def _by_length(words: frozenset[str]) -> dict[int, list[str]]:
    """The words by their length, each list sorted (the same word found whatever the set's order)."""
    lengths: dict[int, list[str]] = {}
    for word in sorted(words):
        lengths.setdefault(len(word), []).append(word)
    return lengths
