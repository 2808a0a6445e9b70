"""Questions the bot asked and the next message answers: "Which station?", "Which room?", "Which one?".

Kept per user and conversation (channel and thread) for 10 minutes of the injected clock. An answer is
a choice's number, a (partial) label such as `Lakeside` for "Lakeside Chicago", `yes` to a single
choice, or the missing part itself (`jazz` to "Which station?", `204` to "Which room?").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.shared.asked import asked_order
from bot.core.shared.commands import Command
from bot.core.understanding.lexicon import Lexicon, key_of
from bot.core.understanding.reading import fill

TTL = timedelta(minutes=10)
_FILLER = frozenset({"the", "one", "at", "in", "hotel", "please", "that", "ones", "property", "a"})
_YES = frozenset({"yes", "y", "yep", "yeah", "sure", "ok", "okay", "that one", "correct"})
_YES_SIGNS = frozenset({"\U0001f44d", "\u2705", "\U0001f44c"})
# the words that make the others a yes ("go ahead" alone, "please do")
_YES_HEADS = frozenset(
    {
        "yes",
        "y",
        "yep",
        "yeah",
        "yup",
        "ya",
        "sure",
        "ok",
        "okay",
        "go",
        "affirmative",
        "oui",
        "please",
    }
)
# "sure go ahead", "yep go ahead 👍": a yes in several words (the Confirm phrasing's words), taken as
# the yes of a question with one choice
_YES_WORDS = frozenset(
    {
        "yes", "y", "yep", "yeah", "yup", "ya", "sure", "ok", "okay", "go", "ahead", "do", "it",
        "please", "pls", "thanks", "correct", "right", "proceed", "absolutely", "definitely",
        "affirmative", "for", "oui",
    }
)  # fmt: skip

Key = tuple[str, str | None, str | None]


@dataclass
class Question:
    expires: datetime
    choices: list[tuple[str, str]] = field(default_factory=list)  # (label, text to run)
    partial: Command | None = None
    missing: str | None = None
    preview: bool = False
    order: int = field(default_factory=asked_order)  # asked after a waiting confirmation or not
    # the change the question is about, as understood (said back if a new request replaces it)
    about: str = ""

    def choice_for(self, answer: str) -> str | None:
        """The text of the choice `answer` picks, or None when it picks none (or several)."""
        text = answer.strip().rstrip(".!")
        if not self.choices:
            return None
        ordinal = _ORDINAL.fullmatch(key_of(text))
        if ordinal is not None and not self._names_a_choice(ordinal):
            # "the second one", "2nd", "number 2", "option three", "the last"
            word = ordinal["n"]
            text = str(len(self.choices)) if word == "last" else str(_ORDINALS.get(word, word))
        if text.isdigit():
            number = int(text)
            return self.choices[number - 1][1] if 0 < number <= len(self.choices) else None
        key = "yes" if text in _YES_SIGNS else key_of(text)  # 👍 alone is a yes, as typed words are
        said = [w for w in key.split() if w not in _YES_SIGNS]
        if said and set(said) <= _YES_WORDS and set(said) & _YES_HEADS:
            key = "yes"
        if key in _YES and len(self.choices) == 1:
            return self.choices[0][1]
        if len(key) < 3 or key in _YES:
            return None
        # a number word that names a choice ("one" of "Suite One") is no filler
        named = self._label_words() & _NUMBER_WORDS
        words = [w for w in key.split() if w not in _FILLER or w in named]
        if not words:
            return None
        picked = [
            value
            for label, value in self.choices
            if _words_start(words, key_of(label).split()) or key == key_of(value)
        ]
        return picked[0] if len(picked) == 1 else None

    def _names_a_choice(self, ordinal: re.Match[str]) -> bool:
        """A number word in the name of a choice, as a word or a digit ("two" of "Suite Two" or
        "Suite 2"), or after "the" ("the one"), is not read as a position."""
        word = ordinal["n"]
        if word not in _NUMBER_WORDS:
            return False
        labels = self._label_words()
        return (
            word in labels or str(_ORDINALS[word]) in labels or ordinal.group().startswith("the ")
        )

    def _label_words(self) -> set[str]:
        return {word for label, _ in self.choices for word in key_of(label).split()}

    def completed(self, answer: str, lexicon: Lexicon) -> Command | None:
        if self.partial is None or self.missing is None:
            return None
        return fill(self.partial, self.missing, answer, lexicon)


def _words_start(typed: list[str], label: list[str]) -> bool:
    """Every typed word starts a word of the label: `lake` and `lakeside chi` pick Lakeside Chicago."""
    return all(any(word.startswith(t) for word in label) for t in typed)


_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
}  # fmt: skip
_NUMBER_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight"})
_ORDINAL = re.compile(
    r"(?:(?:the|number|no|option|choice|#)\s+)?(?P<n>first|second|third|fourth|fifth|sixth|seventh"
    r"|eighth|last|[1-8](?:st|nd|rd|th)|\d{1,2}|one|two|three|four|five|six|seven|eight)"
    r"(?:\s+(?:one|option|choice|please|pls))?"
)


class Questions:
    def __init__(self, ttl: timedelta = TTL) -> None:
        self.ttl = ttl
        self._open: dict[Key, Question] = {}

    def ask(self, key: Key, now: datetime, **question: object) -> None:
        self._open[key] = Question(expires=now + self.ttl, **question)  # type: ignore[arg-type]

    def get(self, key: Key, now: datetime) -> Question | None:
        found = self._open.get(key)
        if found is not None and found.expires <= now:
            del self._open[key]
            return None
        return found

    def drop(self, key: Key) -> bool:
        return self._open.pop(key, None) is not None
