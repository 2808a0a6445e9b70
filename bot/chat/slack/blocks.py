"""Reply -> Block Kit: the only place that knows Slack's layout limits.

Slack rejects a message whose text block passes 3,000 characters, whose section has more than 10
fields or whose button label passes 75 characters, so everything is cut to fit here and what does
not fit (a long table) is handed back as `overflow` for the caller to post as a file in the
message's thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.chat.actions import shown_actions
from bot.chat.paging import paged
from bot.chat.tables import CSV_FILENAME, table_csv
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind, Table

Block = dict[str, Any]

TEXT_LIMIT = 3000  # characters in one section / context text
FIELD_LIMIT = 2000  # characters in one section field
FIELDS_PER_SECTION = 10
BUTTON_LABEL_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTONS_PER_BLOCK = 25
CONTEXT_ELEMENTS = 10
MAX_TABLE_BLOCKS = 5  # past this many 3,000-character chunks the table goes to a file instead

ACTION_PREFIX = "alexa_"
# Matches every action id render_reply produces; the listener registers on it.
ACTION_ID_PATTERN = re.compile(
    r"^alexa_(confirm|cancel|undo|choice|retry_failed|look|mute|more|choice_menu|part_undo)(_\d+)?$"
)
MENU_ACTION_ID = "alexa_choice_menu"
# The Undo of one change on a card of several (one message's parts): its result comes under the
# card, which keeps the other changes and their buttons
PART_UNDO_ACTION_ID = "alexa_part_undo"
QUESTION_BLOCK_PREFIX = "alexa_q_"
_QUESTION_BLOCK = re.compile(r"^alexa_q_(q[0-9a-f]{8})_")
PAGE_ROWS = 50  # rows of a long read-only answer per message; "Show more" gives the next ones
BUTTONS_BEFORE_MENU = 5  # a question with more choices than this offers them as a menu
OPTIONS_PER_MENU = 100
OPTION_TEXT_LIMIT = 75
OPTION_VALUE_LIMIT = 150

_KIND_EMOJI: dict[ReplyKind, str] = {
    ReplyKind.INFO: ":information_source:",
    ReplyKind.SUCCESS: ":white_check_mark:",
    ReplyKind.QUESTION: ":grey_question:",
    ReplyKind.CONFIRM: ":warning:",
    ReplyKind.ERROR: ":x:",
    ReplyKind.REFUSAL: ":no_entry_sign:",
    ReplyKind.PROGRESS: ":hourglass_flowing_sand:",
    ReplyKind.SUMMARY: ":clipboard:",
}


@dataclass(frozen=True)
class SlackMessage:
    """A rendered reply: `text` is the notification fallback, `overflow` what did not fit."""

    text: str
    blocks: list[Block]
    overflow: str | None = None
    overflow_filename: str = "alexa-full-list.txt"


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, TEXT_LIMIT)}}


def table_text(table: Table) -> str:
    """The table as aligned plain text (monospace in a code block, or as a file)."""
    widths = [len(c) for c in table.columns]
    for row in table.rows:
        for i, cell in enumerate(row[: len(widths)]):
            widths[i] = max(widths[i], len(cell))

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()

    header = line(table.columns)
    rule = "  ".join("-" * w for w in widths)
    return "\n".join([header, rule, *(line(r) for r in table.rows)])


def _table_blocks(table: Table, can_attach: bool) -> tuple[list[Block], str | None]:
    lines = escape(table_text(table)).split("\n")
    room = TEXT_LIMIT - len("```\n\n```")
    chunks: list[list[str]] = [[]]
    size = 0
    for ln in lines:
        ln = clip(ln, room)
        if chunks[-1] and size + len(ln) + 1 > room:
            chunks.append([])
            size = 0
        chunks[-1].append(ln)
        size += len(ln) + 1
    shown = chunks[:MAX_TABLE_BLOCKS]
    blocks = [_section("```\n" + "\n".join(c) + "\n```") for c in shown]
    if len(chunks) <= MAX_TABLE_BLOCKS:
        return blocks, None
    rows_shown = sum(len(c) for c in shown) - 2  # header and rule are not rows
    where = (
        "the full list is in the thread as a file"
        if can_attach
        else "ask me in a direct message to get the full list as a file"
    )
    note = f"Showing {rows_shown} of {len(table.rows)} rows; {where}."
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return blocks, table_text(table) if can_attach else None


def _field_blocks(fields: list[tuple[str, str]]) -> list[Block]:
    rendered = [
        {"type": "mrkdwn", "text": clip(f"*{escape(k)}*\n{escape(v)}", FIELD_LIMIT)}
        for k, v in fields
    ]
    return [
        {"type": "section", "fields": rendered[i : i + FIELDS_PER_SECTION]}
        for i in range(0, len(rendered), FIELDS_PER_SECTION)
    ]


def _note_blocks(notes: list[str]) -> list[Block]:
    """`notes` are already escaped mrkdwn."""
    elements = [{"type": "mrkdwn", "text": clip(n, TEXT_LIMIT)} for n in notes]
    return [
        {"type": "context", "elements": elements[i : i + CONTEXT_ELEMENTS]}
        for i in range(0, len(elements), CONTEXT_ELEMENTS)
    ]


def _button(action: Action, action_id: str) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {
            "type": "plain_text",
            "text": clip(action.label, BUTTON_LABEL_LIMIT),
            "emoji": True,
        },
        "value": action.value,
    }
    if action.danger:
        button["style"] = "danger"
    elif action.kind is ActionKind.CONFIRM:
        button["style"] = "primary"
    return button


def _menu(choices: list[Action]) -> Block | None:
    """A question's choices as one static_select (Slack's dropdown); None if a value is too long
    for an option, in which case they stay buttons."""
    if any(len(a.value) > OPTION_VALUE_LIMIT for a in choices):
        return None
    options = [
        {
            "text": {"type": "plain_text", "text": clip(a.label, OPTION_TEXT_LIMIT), "emoji": True},
            "value": a.value,
        }
        for a in choices[:OPTIONS_PER_MENU]
    ]
    return {
        "type": "actions",
        "block_id": "alexa_menu",  # renamed with the question's token by _action_blocks
        "elements": [
            {
                "type": "static_select",
                "action_id": MENU_ACTION_ID,
                "placeholder": {"type": "plain_text", "text": "Choose…"},
                "options": options,
            }
        ],
    }


def _action_blocks(reply: Reply) -> tuple[list[Block], list[str]]:
    actions, typed = shown_actions(reply)
    typed = [escape(t) for t in typed]
    choices = [a for a in actions if a.kind is ActionKind.CHOICE]
    menu_blocks: list[Block] = []
    if reply.kind is ReplyKind.QUESTION and len(choices) > BUTTONS_BEFORE_MENU:
        menu = _menu(choices)
        if menu is not None:
            menu_blocks = [menu]
            actions = [a for a in actions if a.kind is not ActionKind.CHOICE]
            typed += [
                f"{escape(clip(a.label, 80))}: type `{escape(clip(a.value, 200))}`"
                for a in choices[OPTIONS_PER_MENU:]
            ]
    buttons: list[Block] = []
    used: set[str] = set()
    several_undos = sum(a.kind is ActionKind.UNDO for a in actions) > 1
    for i, action in enumerate(actions):
        if len(action.value) > BUTTON_VALUE_LIMIT:
            # Slack would reject the whole message; the typed form still works.
            typed.append(f"{action.label}: type `{escape(clip(action.value, 200))}`")
            continue
        action_id = f"{ACTION_PREFIX}{action.kind.value}"
        if several_undos and action.kind is ActionKind.UNDO:
            action_id = PART_UNDO_ACTION_ID  # one change of several: the card keeps the others
        if action_id in used:
            action_id = f"{action_id}_{i}"
        used.add(action_id)
        buttons.append(_button(action, action_id))
    # a question's buttons and menu carry its token, so a press on an old question card is
    # recognised (bot/core/conversation/question_cards.py)
    question = reply.ref if reply.kind is ReplyKind.QUESTION and reply.ref else None
    prefix = f"{QUESTION_BLOCK_PREFIX}{question}_" if question else "alexa_"
    for menu_block in menu_blocks:
        menu_block["block_id"] = f"{prefix}menu"
    blocks = [
        {
            "type": "actions",
            "block_id": f"{prefix}actions_{n}",
            "elements": buttons[i : i + BUTTONS_PER_BLOCK],
        }
        for n, i in enumerate(range(0, len(buttons), BUTTONS_PER_BLOCK))
    ]
    return menu_blocks + blocks, typed


def question_of(block_id: str | None) -> str | None:
    """The question token a pressed block carries, if any."""
    found = _QUESTION_BLOCK.match(block_id or "")
    return found.group(1) if found else None


_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def render_reply(
    reply: Reply, *, can_attach: bool = True, requester: str | None = None
) -> SlackMessage:
    """Render a Reply as Block Kit blocks plus the plain fallback text Slack shows in notifications.

    `can_attach` is False for ephemeral messages, which have no thread to put a file in.
    """
    full = reply.table
    page = PAGE_ROWS
    while True:
        paged_reply = paged(reply, page)
        table = paged_reply.table
        if paged_reply is reply or table is None:
            break
        _, cut = _table_blocks(table, True)
        if cut is None or page <= 1:
            break
        page = max(1, page // 2)  # long rows: a smaller page, so nothing is skipped
    reply = paged_reply
    csv_file = None
    if reply.table is not full and full is not None and can_attach:
        # a page with "Show more", and the whole table as a file in the thread
        csv_file = table_csv(full)
        reply = reply.model_copy(
            update={"notes": [*reply.notes, "The whole list is in the thread as a CSV file."]}
        )
    headline = clip(reply.headline, TEXT_LIMIT - 40)
    blocks: list[Block] = [_section(f"{_KIND_EMOJI[reply.kind]} {escape(headline)}")]
    if requester is not None and _USER_ID.match(requester):
        # who made the change, as Slack's own mention (shown as the person's name)
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn",
                       "text": f"Requested by <@{requester}>"}]})  # fmt: skip
    blocks += _field_blocks(reply.fields)
    overflow = None
    if reply.table is not None and reply.table.rows:
        table_blocks, overflow = _table_blocks(reply.table, can_attach)
        blocks += table_blocks
    action_blocks, typed = _action_blocks(reply)
    blocks += _note_blocks([*(escape(n) for n in reply.notes), *typed])
    blocks += action_blocks
    # The fallback text is mrkdwn too (notifications, screen readers): escaped like the blocks, so a
    # `<!channel>` or `<@U123>` typed by a user is shown, never acted on.
    text = clip(escape(reply.headline), TEXT_LIMIT)
    if csv_file is not None:
        return SlackMessage(text, blocks, csv_file, CSV_FILENAME)
    return SlackMessage(text=text, blocks=blocks, overflow=overflow)
