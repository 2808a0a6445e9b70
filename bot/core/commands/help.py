"""Help built from the command registry, so it never shows a phrasing the parser does not accept
(a test parses every example) and a topic cannot silently disappear (a test checks each has entries)."""

from __future__ import annotations

import re

from bot.core.shared.commands import Role
from bot.core.shared.registry import TOPICS, Entry, entries
from bot.core.shared.replies import Reply, ReplyKind, Table
from bot.index.lookup import Index

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
    shown = [e for e in entries() if not e.hidden]
    if topic is None:
        first: dict[str, str] = {}
        for entry in shown:
            first.setdefault(entry.topic, entry.examples[0])
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
    rows = [_row(entry) for entry in shown if entry.topic == topic]
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


def _row(entry: Entry) -> list[str]:
    who = "" if entry.role == Role.FRONT_DESK else f" ({entry.role.value.replace('_', ' ')})"
    return [entry.summary + who, " \u00b7 ".join(entry.examples)]


README_START = "<!-- staff-table:start (generated from the command registry: python -m bot.core.commands.help) -->"
README_END = "<!-- staff-table:end -->"


def staff_table() -> str:
    """README's "What staff can say": one row per command of the registry, by help topic."""
    lines = [README_START, "| Want | Say (any of) | Who |", "|---|---|---|"]
    for topic in TOPICS:
        for entry in entries():
            if entry.topic != topic or entry.hidden:
                continue
            said = " \u00b7 ".join(f"`{example}`" for example in entry.examples)
            who = entry.role.value.replace("_", " ")
            lines.append(f"| {entry.summary} | {said} | {who} |")
    lines.append(README_END)
    return "\n".join(lines)


if __name__ == "__main__":
    print(staff_table())


# The registry's examples name the demo's hotels; in another world they are said with its own.
_DEMO_PROPERTIES = (
    ("Harbor View Seattle", "Harbor View"),
    ("Lakeside Chicago", "Lakeside"),
    ("Alpine Lodge Aspen", "Alpine"),
    ("Rive Gauche Paris", "Rive Gauche"),
    ("Kensington Gardens London", "Kensington"),
)
_DEMO_ROOMS = {"villa-3": 2, "S303": 1}  # a demo room -> the demo property it is in (above)
_DEMO_ROOM_TYPES = ("Deluxe King", "Junior Suite")


def in_own_names(reply: Reply, index: Index) -> Reply:
    """`help stations` in a world without the demo's hotels: its examples and notes name the user's
    own properties, rooms and room types (issue 17: suggestions in the user's own names)."""
    props = index.properties()
    if not props or any(p.name == _DEMO_PROPERTIES[0][0] for p in props):
        return reply
    names: dict[str, str] = {}
    for i, (full, short) in enumerate(_DEMO_PROPERTIES):
        names[full] = names[short] = props[i % len(props)].name
    for room, i in _DEMO_ROOMS.items():
        # the first room by name, read alone (a property may have a million)
        rooms = index.rooms_slice(props[i % len(props)].id, None, 0, 1)
        if rooms:
            names[room] = rooms[0].room_name
    types = index.room_types(props[0].id)
    for i, room_type in enumerate(_DEMO_ROOM_TYPES):
        if types:
            names[room_type] = types[i % len(types)].name
    said = re.compile("|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)))

    def own(text: str) -> str:
        return said.sub(lambda m: names[m[0]], text)

    table = reply.table
    if table is not None:
        table = Table(
            columns=table.columns, rows=[[own(cell) for cell in row] for row in table.rows]
        )
    return reply.model_copy(update={"table": table, "notes": [own(n) for n in reply.notes]})
