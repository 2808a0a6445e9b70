"""Reply -> Adaptive Card: the only place that knows Teams' card layout and limits.

Teams renders Adaptive Cards up to schema 1.5 and rejects a message over about 28 KB, so long tables
are paged ("Show more") or cut with a note saying so. Buttons are `Action.Execute` (verb "alexa")
whose data carries the text the bot would have received had the user typed it; older cards'
`Action.Submit` buttons still arrive as messages whose `activity.value["text"]` is read.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any, Final

from microsoft_agents.activity import Attachment as ActivityAttachment

from bot.chat.actions import shown_actions
from bot.chat.paging import paged
from bot.core.shared.replies import Action, ActionKind, Attachment, Reply, ReplyKind, Table

Card = dict[str, Any]

CARD_CONTENT_TYPE: Final = "application/vnd.microsoft.card.adaptive"
SCHEMA: Final = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION: Final = "1.5"
MAX_TABLE_ROWS: Final = 100  # rows in one card, the 28 KB budget permitting (60+ fit)
MAX_FOLLOW_UP_ROWS: Final = 100
PAGE_ROWS: Final = 60  # a page of a long read-only answer; "Show more" gives the next
MAX_BUTTONS: Final = 6  # Teams shows 6 actions and folds the rest behind "…"
BUTTONS_BEFORE_MENU: Final = 5
CHOICE_KEY: Final = "choice"
KIND_KEY: Final = "kind"
CARD_KEY: Final = "card"  # the token of the question card a choice belongs to
PART_KEY: Final = "part"  # an Undo of one change of several on its card (the card stays)
# Buttons whose card stays as it is (an alert's Status / History / Mute, "Show more"): the answer
# comes under the card; their data says so (`"kind": "look"`)
KEEPS_CARD: Final = frozenset({ActionKind.LOOK, ActionKind.MUTE, ActionKind.MORE})
# Buttons on a card that shows a result: when their press is answered with a question (an Undo
# of rooms changed since asks before acting), the question goes under the card, which keeps the
# result; the press's own result still replaces it.
ON_A_RESULT: Final = frozenset({ActionKind.UNDO, ActionKind.RETRY_FAILED})
EXECUTE_VERB: Final = "alexa"  # the one verb of every button; the data says what was pressed
LINES_WHEN_OVER: Final = 22 * 1024  # a page of Table rows past this: one line a row instead
ROW_SEPARATOR: Final = " · "
MAX_TABLE_COLUMNS: Final = 8  # wider tables are unreadable on mobile
# Teams refuses a message over about 28 KB; the activity around the card takes some of that.
CARD_BUDGET: Final = 27 * 1024
MAX_FOLLOW_UPS: Final = 10
CHART_LEFT_OUT: Final = "The chart did not fit in a Teams card; `bot digest --out DIR` writes it."
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


def _runs(text: str, style: Mapping[str, str | bool]) -> list[Card]:
    """TextRuns of `text`, the parts the core puts in backticks (`undo 000042`) in monospace rather
    than showing the backticks, which a TextRun would print as typed."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick is shown as it is
        parts = [text]
    runs: list[Card] = []
    for i, part in enumerate(parts):
        if part:
            run: Card = {"type": "TextRun", "text": part, **style}
            if i % 2:
                run["fontType"] = "Monospace"
            runs.append(run)
    return runs or [{"type": "TextRun", "text": "", **style}]


def _text(text: str, *, spacing: str | None = None, **style: str | bool) -> Card:
    """Plain text: a RichTextBlock's TextRun is never read as markdown or HTML, so what a user typed
    (`[click here](https://evil.example)`, `<property>`) is shown as typed, not as a link or a tag.
    """
    block: Card = {"type": "RichTextBlock", "inlines": _runs(text, style)}
    if spacing is not None:
        block["spacing"] = spacing
    return block


def _cell_text(text: str) -> Card:
    """A table cell's text at the least cost: a plain string inline is a TextRun without styling
    (never markdown), about 60 bytes a cell instead of 110."""
    return {"type": "RichTextBlock", "inlines": [text]}


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
        "cells": [{"type": "TableCell", "items": [_cell_text(c)]} for c in padded],
    }


def _widths(table: Table, rows: list[list[str]], count: int) -> list[int]:
    """Column widths in proportion to their longest word (a serial needs more room than a room
    number), so a long unbreakable value is not run into the next column."""
    widths = []
    for i in range(count):
        texts = [table.columns[i], *(r[i] for r in rows if i < len(r))]
        longest = max((len(w) for t in texts for w in t.split() or [""]), default=1)
        widths.append(max(3, min(longest, 24)))
    return widths


def _as_lines(table: Table) -> bool:
    """Whether a table is shown one line a row rather than as a Table: when a page of it would
    not fit one card as a Table (wide tables such as `offline devices`, 8 columns: a Table cell
    costs ~70 bytes of JSON, a line ~60 bytes a row). Decided for the whole table, so the card's
    size still grows with its rows."""
    sample = table.rows[:20]
    if not sample:
        return False
    per_row = card_size(_table_element(table, sample)) / len(sample)
    return per_row * min(len(table.rows), PAGE_ROWS) > LINES_WHEN_OVER


def _lines(table: Table, rows: list[list[str]]) -> list[Card]:
    """A header line naming the columns, then each row as one line of plain text (never read as
    markdown): "Harbor View · 204 · Echo Dot · G090… · offline · today 09:10 · 3 h"."""
    columns = table.columns[:MAX_TABLE_COLUMNS]

    def line(cells: list[str]) -> str:
        return ROW_SEPARATOR.join(c or "–" for c in cells[: len(columns)])

    header: Card = {"type": "RichTextBlock",
                    "inlines": [{"type": "TextRun", "text": line(columns), "weight": "Bolder"}]}  # fmt: skip
    return [header, *({"type": "RichTextBlock", "spacing": "None", "inlines": [line(r)]}
                      for r in rows)]  # fmt: skip


def _table(table: Table, rows: list[list[str]], note: str | None) -> list[Card]:
    elements = _lines(table, rows) if _as_lines(table) else [_table_element(table, rows)]
    if note:
        elements.append(_text(note, isSubtle=True, size="Small"))
    return elements


def _table_element(table: Table, rows: list[list[str]]) -> Card:
    columns = table.columns[:MAX_TABLE_COLUMNS]
    return {
        "type": "Table",
        "firstRowAsHeader": True,
        "showGridLines": False,
        # widths follow the longest word, so a serial is not run into the next column
        "columns": [{"width": w} for w in _widths(table, table.rows, len(columns))],
        "rows": [_row(columns, len(columns)), *(_row(r, len(columns)) for r in rows)],
    }


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


def submit_action(action: Action, question: str | None = None, *, part: bool = False) -> Card:
    """A button: Action.Execute (Universal Actions), whose invoke the agent answers with the card
    updated in place for everyone, or a note only the presser sees (bot/chat/teams/execute.py).
    Its data is the text a typed request would be; cards sent before kept Action.Submit, which
    still arrive as messages."""
    rendered: Card = {
        "type": "Action.Execute",
        "title": action.label,
        "verb": EXECUTE_VERB,
        "data": {SUBMIT_TEXT_KEY: action.value},
    }
    if action.kind in KEEPS_CARD | ON_A_RESULT:
        rendered["data"][KIND_KEY] = action.kind.value
    if part:  # one change of several on its card: the card keeps the others and their buttons
        rendered["data"][PART_KEY] = True
    if question is not None and action.kind is ActionKind.CHOICE:
        rendered["data"][CARD_KEY] = question  # the question card's token
    if action.danger:
        rendered["style"] = "destructive"
    elif action.kind is ActionKind.CONFIRM:
        rendered["style"] = "positive"
    return rendered


def card_size(card: Card) -> int:
    """Bytes of the card as the connector sends it (JSON, non-ASCII escaped)."""
    return len(json.dumps(card).encode("utf-8"))


def _choice_set(choices: list[Action]) -> Card:
    return {
        "type": "Input.ChoiceSet",
        "id": CHOICE_KEY,
        "label": "Your choice",
        "style": "compact",
        "isRequired": True,
        "errorMessage": "Choose one first.",
        "placeholder": "Choose…",
        "choices": [{"title": a.label, "value": a.value} for a in choices],
    }


def _laid_out(reply: Reply) -> tuple[list[Card], list[Card], list[str]]:
    """Inputs for the body, the card's buttons (at most 6: Teams folds the rest behind "…") and
    typed hints for what is neither. A question with more than 5 choices offers them as a menu
    (Input.ChoiceSet) with one submit button; the chosen value is the text a typed answer would be.
    """
    actions, typed = shown_actions(reply)
    choices = [a for a in actions if a.kind is ActionKind.CHOICE]
    question = reply.ref if reply.kind is ReplyKind.QUESTION and reply.ref else None
    inputs: list[Card] = []
    if reply.kind is ReplyKind.QUESTION and len(choices) > BUTTONS_BEFORE_MENU:
        inputs = [_choice_set(choices)]
        actions = [a for a in actions if a.kind is not ActionKind.CHOICE]
        data = {CARD_KEY: question} if question else {}
        submit: Card = {"type": "Action.Execute", "title": "Choose", "style": "positive",
                        "verb": EXECUTE_VERB, "data": data}  # fmt: skip
        fixed = [submit]
    else:
        fixed = []
    room = MAX_BUTTONS - len(fixed)
    typed += [f"{a.label}: type `{a.value}`" for a in actions[room:]]
    several_undos = sum(a.kind is ActionKind.UNDO for a in actions) > 1
    buttons = [
        submit_action(a, question, part=several_undos and a.kind is ActionKind.UNDO)
        for a in actions[:room]
    ]
    return inputs, [*fixed, *buttons], typed


def _card(body: list[Card], actions: list[Card]) -> Card:
    card: Card = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if actions:
        card["actions"] = actions
    return card


def _headline(reply: Reply, suffix: str = "") -> Card:
    return _text(
        f"{_KIND_ICON[reply.kind]} {reply.headline}{suffix}",
        weight="Bolder",
        size="Medium",
        color=_KIND_COLOR[reply.kind],
    )


def _rest_note(shown: int, total: int, follow_up: bool) -> str | None:
    if shown >= total:
        return None
    where = "the rest follow below" if follow_up else "ask a narrower question to see the rest"
    return f"Showing {shown} of {total} rows; {where}."


def _first_card(reply: Reply, shown: int, follow_up: bool, images: bool) -> Card:
    body: list[Card] = [_headline(reply), *_facts(reply.fields)]
    if reply.table is not None and reply.table.rows:
        rows = reply.table.rows[:shown]
        body += _table(reply.table, rows, _rest_note(shown, len(reply.table.rows), follow_up))
    if images:
        body += [_image(a) for a in reply.attachments if a.content_type.startswith("image/")]
    inputs, buttons, typed = _laid_out(reply)
    notes = [*reply.notes, *typed]
    body += [_text(n, isSubtle=True, size="Small", spacing="Small") for n in notes]
    return _card(body + inputs, buttons)


def _most_rows(build: Callable[[int], Card], most: int) -> int:
    """The largest row count in 0..most whose card fits the budget (size grows with rows)."""
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if card_size(build(middle)) <= CARD_BUDGET:
            low = middle
        else:
            high = middle - 1
    return low


def render_cards(reply: Reply, *, follow_up: bool = True) -> list[Card]:
    """The Reply as Adaptive Cards each under the budget: the first with the headline, fields, as
    many of the table's first (most important) rows as fit, the chart and the buttons; with
    `follow_up`, the remaining rows in further cards, else a note saying how many were left out.
    The chart is dropped (with a note) only when it alone would not fit.
    """
    total = len(reply.table.rows) if reply.table is not None else 0
    images = card_size(_first_card(reply, 0, follow_up, True)) <= CARD_BUDGET
    if not images:
        reply = reply.model_copy(update={"notes": [*reply.notes, CHART_LEFT_OUT]})
    cap = min(total, MAX_TABLE_ROWS)
    shown = _most_rows(lambda n: _first_card(reply, n, follow_up, images), cap)
    cards = [_first_card(reply, shown, follow_up, images)]
    if not follow_up or reply.table is None:
        return cards
    table = reply.table
    while shown < total and len(cards) <= MAX_FOLLOW_UPS:
        start = shown

        def more(n: int, start: int = start) -> Card:
            last = f" (continued: rows {start + 1}–{start + n} of {total})"
            return _card(
                [_headline(reply, last), *_table(table, table.rows[start : start + n], None)], []
            )

        count = max(1, _most_rows(more, min(MAX_FOLLOW_UP_ROWS, total - start)))
        cards.append(more(count))
        shown += count
    return cards


def render_card(reply: Reply) -> Card:
    """The one Adaptive Card of a conversational Reply: headline, fields, table (a page of a long
    read-only answer with "Show more"; else cut to fit, with a note), images, notes, then the
    buttons."""
    page = PAGE_ROWS
    while True:
        paged_reply = paged(reply, page)
        card = render_cards(paged_reply, follow_up=False)[0]
        table = paged_reply.table
        if paged_reply is reply or table is None:
            return card
        fits = _most_rows(partial(_first_card, paged_reply, follow_up=False, images=True),
                          len(table.rows))  # fmt: skip
        if fits >= len(table.rows) or fits < 1:
            return card
        page = fits  # long rows: a smaller page, so "Show more" starts right after the last shown


def card_attachment(reply: Reply | Card) -> ActivityAttachment:
    content = render_card(reply) if isinstance(reply, Reply) else reply
    return ActivityAttachment(content_type=CARD_CONTENT_TYPE, content=content)


def submitted_text(value: object) -> str | None:
    """The typed-equivalent text carried by a pressed button's data (or a menu's chosen value), or
    None for anything else."""
    if isinstance(value, dict):
        for key in (SUBMIT_TEXT_KEY, CHOICE_KEY):
            text = value.get(key)
            if isinstance(text, str) and text.strip():
                return text
    return None


def keeps_card(value: object) -> bool:
    """Whether a pressed button's data marks it as one that leaves its card as it is."""
    return isinstance(value, dict) and (
        value.get(KIND_KEY) in {k.value for k in KEEPS_CARD} or value.get(PART_KEY) is True
    )


def on_a_result(value: object) -> bool:
    """Whether a pressed button's data marks it as one on a card that shows a result."""
    return isinstance(value, dict) and value.get(KIND_KEY) in {k.value for k in ON_A_RESULT}


def question_card(value: object) -> str | None:
    """The question token a pressed button's data carries, if any."""
    card = value.get(CARD_KEY) if isinstance(value, dict) else None
    return card if isinstance(card, str) else None
