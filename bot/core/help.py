"""Help built from the grammar itself, so it never shows a phrasing the parser does not accept."""

from __future__ import annotations

from bot.core.commands import Role
from bot.core.grammar import RULES, TOPICS
from bot.core.replies import Reply, ReplyKind, Table

_TOPIC_WORDS = {
    "station": "stations",
    "music": "stations",
    "radio": "stations",
    "alarm": "alarms",
    "reminder": "alarms",
    "timer": "alarms",
    "room": "rooms",
    "propert": "rooms",
    "hotel": "rooms",
    "add": "hierarchy",
    "rename": "hierarchy",
    "delete": "hierarchy",
    "admin": "hierarchy",
    "device": "devices",
    "offline": "devices",
    "health": "devices",
    "digest": "devices",
    "undo": "general",
    "confirm": "general",
    "preview": "general",
    "dry": "general",
}


def _topic(text: str | None) -> str | None:
    if not text:
        return None
    key = text.strip().lower()
    if key in TOPICS:
        return key
    return next((topic for word, topic in _TOPIC_WORDS.items() if word in key), None)


def help_reply(topic_text: str | None, role: Role) -> Reply:
    topic = _topic(topic_text)
    if topic is None:
        first: dict[str, str] = {}
        for rule in RULES:
            first.setdefault(rule.topic, rule.examples[0])
        # A topic whose rules are not plugged in yet is left out rather than breaking the overview.
        rows = [[name, title, first[name]] for name, title in TOPICS.items() if name in first]
        notes = [
            "Type `help <topic>` for every phrasing, e.g. `help stations`.",
            "Add `preview` in front (or `dry run` at the end) to see what a change would do without doing it.",
            f"Your role: {role.value.replace('_', ' ')}.",
        ]
        if topic_text:
            notes.insert(0, f"I have no help topic \u201c{topic_text}\u201d.")
        return Reply(
            headline="I manage the rooms' Alexa settings. Topics:",
            table=Table(columns=["Topic", "What", "Example"], rows=rows),
            notes=notes,
        )
    rows = []
    for rule in RULES:
        if rule.topic != topic:
            continue
        who = "" if rule.role == Role.FRONT_DESK else f" ({rule.role.value.replace('_', ' ')})"
        rows.append([rule.summary + who, " \u00b7 ".join(rule.examples)])
    notes = []
    if topic == "stations":
        notes.append(
            "Room lists: `201, 203 and 205`; ranges: `rooms 101-110`; `room type Deluxe King`; "
            "`all rooms at <property>`. Add `at <property>` when a room number exists in several hotels."
        )
    if topic == "general":
        notes.append(
            "Changes to more than 10 rooms, deletes, and clearing alarms in several rooms ask for a yes first."
        )
    return Reply(
        headline=f"Help: {TOPICS[topic]}",
        kind=ReplyKind.INFO,
        table=Table(columns=["What", "Say"], rows=rows),
        notes=notes,
    )
