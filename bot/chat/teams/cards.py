"""Reply -> Adaptive Card: the only place that knows Teams' card layout and limits.

Teams renders Adaptive Cards up to schema 1.5 and rejects a message over about 28 KB, so long tables
are cut to a fixed number of rows with a note saying so. Buttons are `Action.Submit` whose data
carries the text the bot would have received had the user typed it; the handler reads
`activity.value["text"]`.
"""

from __future__ import annotations

import base64
from typing import Any, Final

from microsoft_agents.activity import Attachment as ActivityAttachment

from bot.core.replies import Action, ActionKind, Attachment, Reply, ReplyKind, Table

Card = dict[str, Any]

CARD_CONTENT_TYPE: Final = "application/vnd.microsoft.card.adaptive"
SCHEMA: Final = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION: Final = "1.5"
MAX_TABLE_ROWS: Final = 40
MAX_TABLE_COLUMNS: Final = 8  # wider tables are unreadable on mobile
SUBMIT_TEXT_KEY: Final = "text"

_KIND_ICON: Final[dict[ReplyKind, str]] = {
    ReplyKind.INFO: "ℹ️",
    ReplyKind.SUCCESS: "✅",
    ReplyKind.QUESTION: "❔",
    ReplyKind.CONFIRM: "⚠️",
    ReplyKind.ERROR: "❌",
    ReplyKind.REFUSAL: "🚫",
    ReplyKind.PROGRESS: "⏳",
    ReplyKind.SUMMARY: "📋",
}

_KIND_COLOR: Final[dict[ReplyKind, str]] = {
    ReplyKind.INFO: "Default",
    ReplyKind.SUCCESS: "Good",
    ReplyKind.QUESTION: "Accent",
    ReplyKind.CONFIRM: "Warning",
    ReplyKind.ERROR: "Attention",
    ReplyKind.REFUSAL: "Attention",
    ReplyKind.PROGRESS: "Default",
    ReplyKind.SUMMARY: "Default",
}


def _text(text: str, *, spacing: str | None = None, **style: Any) -> Card:
    """Plain text: a RichTextBlock's TextRun is never read as markdown or HTML, so what a user typed
    (`[click here](https://evil.example)`, `<property>`) is shown as typed, not as a link or a tag.
    """
    block: Card = {"type": "RichTextBlock", "inlines": [{"type": "TextRun", "text": text, **style}]}
    if spacing is not None:
        block["spacing"] = spacing
    return block


def _facts(fields: list[tuple[str, str]]) -> list[Card]:
    """Name and value side by side (a FactSet would read both as markdown)."""
    return [
        {
            "type": "ColumnSet",
            "spacing": "None" if i else "Default",
            "columns": [
                {"type": "Column", "width": "auto", "items": [_text(name, weight="Bolder")]},
                {"type": "Column", "width": "stretch", "items": [_text(value)]},
            ],
        }
        for i, (name, value) in enumerate(fields)
    ]


def _row(cells: list[str], columns: int) -> Card:
    padded = [*cells[:columns], *[""] * (columns - len(cells))]
    return {
        "type": "TableRow",
        "cells": [{"type": "TableCell", "items": [_text(c, size="Small")]} for c in padded],
    }


def _table(table: Table) -> list[Card]:
    columns = table.columns[:MAX_TABLE_COLUMNS]
    shown = table.rows[:MAX_TABLE_ROWS]
    elements: list[Card] = [
        {
            "type": "Table",
            "firstRowAsHeader": True,
            "showGridLines": False,
            "columns": [{"width": 1} for _ in columns],
            "rows": [_row(columns, len(columns)), *(_row(r, len(columns)) for r in shown)],
        }
    ]
    if len(table.rows) > len(shown):
        note = (
            f"Showing {len(shown)} of {len(table.rows)} rows;"
            " ask a narrower question to see the rest."
        )
        elements.append(_text(note, isSubtle=True, size="Small"))
    return elements


def data_uri(attachment: Attachment) -> str:
    return f"data:{attachment.content_type};base64," + base64.b64encode(attachment.data).decode(
        "ascii"
    )


def _image(attachment: Attachment) -> Card:
    return {
        "type": "Image",
        "url": data_uri(attachment),
        "altText": attachment.title or attachment.filename,
        "size": "Stretch",
    }


def submit_action(action: Action) -> Card:
    rendered: Card = {
        "type": "Action.Submit",
        "title": action.label,
        "data": {SUBMIT_TEXT_KEY: action.value},
    }
    if action.danger:
        rendered["style"] = "destructive"
    elif action.kind is ActionKind.CONFIRM:
        rendered["style"] = "positive"
    return rendered


def render_card(reply: Reply) -> Card:
    """The Adaptive Card for a Reply: headline, facts, table, images, notes, then the buttons."""
    body: list[Card] = [
        _text(
            f"{_KIND_ICON[reply.kind]} {reply.headline}",
            weight="Bolder",
            size="Medium",
            color=_KIND_COLOR[reply.kind],
        )
    ]
    body += _facts(reply.fields)
    if reply.table is not None and reply.table.rows:
        body += _table(reply.table)
    body += [_image(a) for a in reply.attachments if a.content_type.startswith("image/")]
    body += [_text(n, isSubtle=True, size="Small", spacing="Small") for n in reply.notes]
    card: Card = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if reply.actions:
        card["actions"] = [submit_action(a) for a in reply.actions]
    return card


def card_attachment(reply: Reply) -> ActivityAttachment:
    return ActivityAttachment(content_type=CARD_CONTENT_TYPE, content=render_card(reply))


def submitted_text(value: object) -> str | None:
    """The typed-equivalent text carried by a pressed button's data, or None for anything else."""
    if isinstance(value, dict):
        text = value.get(SUBMIT_TEXT_KEY)
        if isinstance(text, str) and text.strip():
            return text
    return None
