"""Cleaning what staff type before it is matched: mentions, politeness, arrows, trailing punctuation."""

from __future__ import annotations

import re

_MENTION = re.compile(r"^\s*(?:<@[A-Z0-9]+(?:\|[^>]*)?>|@\w+|<at>[^<]*</at>)[\s,:]*")
_ARROWS = re.compile(r"\s*(?:->|=>|→|⇒|⟶|—>|–>|-->|>>)\s*")
# ("if it's not too much trouble": politeness, never a condition on the request)
_IF_POLITE = (
    r"if\s+(?:it'?s\s+not\s+too\s+much\s+trouble|you\s+can|possible|you\s+don'?t\s+mind"
    r"|you\s+get\s+a\s+(?:chance|sec|second|minute))"
)
_LEADING_POLITE = re.compile(
    r"^(?:(?:hey|hi|hello|ok|okay|good\s+(?:morning|afternoon|evening)|morning)(?:\s+bot)?"
    r"[\s,!.]+)?"
    # "great, now 205 too": an acknowledgement before the request, never a station (Great Hits)
    r"(?:(?:great|perfect|cool|nice|awesome|lovely|brilliant|super|excellent|alright|all\s+right)"
    r"\s*[,!.]+\s*)?(?:" + _IF_POLITE + r"[\s,]+)?"
    r"(?:(?:please|pls|plz|kindly)\s+|(?:can|could|would|will)\s+you\s+(?:please\s+)?"
    r"|i(?:'d| would)\s+like\s+(?:you\s+)?to\s+|i\s+(?:want|need)\s+(?:you\s+)?to\s+)*",
    re.IGNORECASE,
)
_TRAILING_POLITE = re.compile(
    r"(?:[\s,!.]+(?:please|pls|plz|thanks(?:\s+(?:a\s+lot|so\s+much))?"
    r"|thank\s+you(?:\s+so\s+much)?|thx|ty|asap|now|" + _IF_POLITE + r"))+\s*$",
    re.IGNORECASE,
)
_TRAILING_PUNCT = re.compile(r"[\s.!?;,]+$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "\u00a0": " "})


def clean(text: str) -> str:
    """Return the message with the noise around the request removed, case kept (names keep their case)."""
    cleaned = text.translate(_QUOTES)
    cleaned = _MENTION.sub("", cleaned)
    cleaned = _ARROWS.sub(" -> ", cleaned)
    cleaned = " ".join(cleaned.split())
    previous = None
    while previous != cleaned:
        previous = cleaned
        cleaned = _TRAILING_PUNCT.sub("", cleaned)
        cleaned = _TRAILING_POLITE.sub("", cleaned)
        cleaned = _LEADING_POLITE.sub("", cleaned).strip()
    return cleaned


_PREVIEW_PREFIX = re.compile(
    r"^(?:preview|dry[\s-]?run|what\s+if\s+(?:i|we)|simulate)\s*[:,-]?\s+", re.I
)
_PREVIEW_SUFFIX = re.compile(
    r"\s*(?:\(\s*dry[\s-]?run\s*\)|--dry-run|[\s,-]+(?:as\s+a\s+)?dry[\s-]?run(?:\s+only)?"
    r"|[\s,-]+preview(?:\s+only)?|[\s,-]+just\s+preview)$",
    re.I,
)


def split_preview(text: str) -> tuple[str, bool]:
    """Strip a `preview …` prefix or `… dry run` suffix; say whether one was there."""
    stripped = _PREVIEW_PREFIX.sub("", text)
    stripped = _PREVIEW_SUFFIX.sub("", stripped)
    return stripped.strip(), stripped != text


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """ "1 event", "2 events": the count with the noun in the matching number."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
