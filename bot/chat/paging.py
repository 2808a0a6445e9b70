"""Long answers in pages: "Show more" asks the same read-only question again for the next rows.

A table longer than a screen is shown a page at a time on both platforms. The button is bound to
the query that produced the answer and to an offset (`more 40 | offline devices at Harbor View`),
never to state held in memory, so it still works after a restart; only read-only answers (kind
INFO, which carry `Reply.query`) are paged. The adapters intercept the button before the engine:
the engine sees the query itself, with the presser's role and grants checked as for a typed one.
Each card's "Show more" is answered once (`Message.once`, keyed by the card and the button): a
second press, by anyone, is a note to the presser that the page is already there.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from bot.chat.contract import ConversationEngine, Message
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind, Table

MORE_PREFIX = "more "
_MORE = re.compile(r"^more (\d{1,6}) \| (.+)$", re.DOTALL)
QUERY_LIMIT = 1800  # Slack takes 2,000 characters in a button's value
PAGE_SHOWN = "That page is already shown below."


def more_value(offset: int, query: str) -> str:
    return f"{MORE_PREFIX}{offset} | {query}"


def parse_more(text: str) -> tuple[int, str] | None:
    """(offset, query) of a pressed "Show more", else None."""
    found = _MORE.match(text.strip())
    return (int(found.group(1)), found.group(2)) if found else None


def paged(reply: Reply, page_rows: int, offset: int = 0) -> Reply:
    """The rows `offset`.. of the reply's table that fit a page, with a "Show more" button for the
    rest when the reply can be asked again; unchanged when it all fits or cannot be paged."""
    table = reply.table
    if table is None or reply.query is None or len(reply.query) > QUERY_LIMIT:
        return reply
    total = len(table.rows)
    if offset == 0 and total <= page_rows:
        return reply
    end = min(total, offset + page_rows)
    rows = table.rows[offset:end]
    notes = [f"Rows {offset + 1}\u2013{end} of {total}.", *reply.notes]
    actions = list(reply.actions)
    if end < total:
        label = f"Show more (rows {end + 1}\u2013{min(total, end + page_rows)} of {total})"
        actions.append(
            Action(kind=ActionKind.MORE, label=label, value=more_value(end, reply.query))
        )
    headline = reply.headline if offset == 0 else f"{reply.headline} (continued)"
    return reply.model_copy(
        update={
            "headline": headline,
            "table": Table(columns=table.columns, rows=rows),
            "notes": notes,
            "actions": actions,
            "query": None,  # paged once
        }
    )


def page_key(msg: Message) -> str | None:
    """The key a "Show more" press is answered once under: the card it was pressed on and the
    button's value (each card has one "Show more"). None when the platform did not say which card
    (the page is then shown again)."""
    if not msg.pressed_on:
        return None
    digest = hashlib.sha256(msg.text.encode("utf-8")).hexdigest()[:20]
    return f"page:{msg.platform}:{msg.pressed_on}:{digest}"


async def next_page(engine: ConversationEngine, msg: Message, page_rows: int) -> Reply | None:
    """The page a "Show more" press asks for (None when `msg` is not one): the query is asked
    again, as the presser, and its rows from the offset on are returned. A second press of the
    same card's "Show more" (a double click, or the next person) is told the page is there."""
    found = parse_more(msg.text)
    if found is None:
        return None
    offset, query = found
    answer = await engine.handle(replace(msg, text=query, once=page_key(msg)))
    if answer.stale:
        # a read-only query is stale only when this card's page was already shown (Message.once)
        return Reply(headline=PAGE_SHOWN, kind=ReplyKind.INFO, stale=True)
    if answer.silent or answer.table is None or answer.query is None:
        return answer
    if offset >= len(answer.table.rows):
        return Reply(
            headline="That list is shorter now; there is nothing more to show.",
            kind=ReplyKind.INFO,
            notes=[f"Ask `{query}` again to see it as it is now."],
        )
    return paged(answer, page_rows, offset)
