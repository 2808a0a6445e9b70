"""A Teams digest of 200 devices: every card under 28 KB, the most important rows first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from fake_teams import FakeConnector, card_text, installed_in_channel
from microsoft_agents.activity import Activity
from sqlite_utils import Database

from bot.chat.teams import TeamsDigestPoster
from bot.chat.teams.cards import CARD_BUDGET, card_size, render_card, render_cards
from bot.chat.teams.store import ConversationStore
from bot.core.shared.replies import Reply, Table
from bot.health.chart import DayPoint
from bot.health.digest import DeviceLine, DigestFigures, build_digest_reply
from bot.health.sites import Site

NOW = 1_773_140_400.0  # 2026-03-10 07:00 at Seattle
SITE = Site(property_id="P1", name="Harbor View Seattle", timezone="America/Los_Angeles")
LIMIT = 28 * 1024


def line(n: int, *, since: float | None = None, changes: int = 0) -> DeviceLine:
    return DeviceLine(
        room=f"{100 + n}", name=f"Echo Show 8 room {100 + n}", serial=f"G0911W0{n:08d}",
        since=since, changes=changes,
    )  # fmt: skip


def digest_of_200() -> Reply:
    figures = DigestFigures(
        property_id="P1", property_name=SITE.name, built_at=NOW, window_start=NOW - 86_400,
        total=400, online=200, offline=200,
        newly_offline=[line(n, since=NOW - 3_600 * (1 + n % 20)) for n in range(60)],
        long_offline=[line(n, since=NOW - 86_400 * 3) for n in range(60, 140)],
        recovered=[line(n) for n in range(140, 170)],
        flapping=[line(n, changes=4) for n in range(170, 200)],
        days=[DayPoint(date(2026, 3, d), 90.0 + d / 2, 200 - d) for d in range(4, 11)],
    )  # fmt: skip
    return build_digest_reply(figures, SITE)


def _valid(card: dict[str, Any]) -> None:
    """What Teams checks before rendering: type, version 1.5, body elements of known types."""
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    known = {"RichTextBlock", "ColumnSet", "Table", "Image", "TextBlock"}
    assert card["body"] and all(element["type"] in known for element in card["body"])
    for action in card.get("actions", []):
        assert action["type"] == "Action.Execute" and action["verb"] and action["title"]


def test_every_card_of_a_200_device_digest_is_under_28_kb() -> None:
    """The summary card keeps the chart and the newly offline devices; the rest follow; nothing is
    lost."""
    reply = digest_of_200()
    assert reply.table is not None and len(reply.table.rows) == 200
    cards = render_cards(reply)
    assert len(cards) > 1
    for card in cards:
        _valid(card)
        assert card_size(card) <= CARD_BUDGET < LIMIT
    first = cards[0]
    assert any(e["type"] == "Image" for e in first["body"])  # the chart stays in the summary
    assert "newly offline" in card_text(first) and "Showing" in card_text(first)
    # a wide table is one line a row (RichTextBlocks spaced "None"), else a Table
    listed = sum(len(e["rows"]) - 1 for c in cards for e in c["body"] if e["type"] == "Table")
    listed += sum(1 for c in cards for e in c["body"]
                  if e["type"] == "RichTextBlock" and e.get("spacing") == "None")  # fmt: skip
    assert listed == 200
    assert "continued: rows" in card_text(cards[1])


def test_a_conversational_reply_is_one_card_cut_to_fit() -> None:
    """Outside digests the table is cut to what fits, with a note saying so."""
    rows = [[f"Room {n}", "x" * 400] for n in range(80)]
    card = render_card(Reply(headline="Rooms", table=Table(columns=["Room", "Note"], rows=rows)))
    assert card_size(card) <= CARD_BUDGET
    assert "ask a narrower question" in card_text(card)


def test_a_chart_too_big_for_any_card_is_left_out_with_a_note() -> None:
    """An image that alone passes the budget is dropped, and the card says where to get it."""
    from bot.core.shared.replies import Attachment

    reply = Reply(headline="Digest", attachments=[Attachment(filename="c.png", data=b"x" * 40_000)])
    [card] = render_cards(reply)
    assert card_size(card) <= CARD_BUDGET
    assert not any(e["type"] == "Image" for e in card["body"])
    assert "did not fit" in card_text(card)


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = await FakeConnector().start()
    yield fake
    await fake.close()


async def test_the_poster_sends_the_summary_then_the_rest(connector: FakeConnector) -> None:
    """Posted through the connector: the summary's id is the digest's, follow-ups come after."""
    db = Database(memory=True)
    ConversationStore(db).save(Activity.model_validate(installed_in_channel(connector.url)))
    poster = TeamsDigestPoster(db, anonymous=True, env={})
    message_id = await poster.post_to_channel("Front Desk", digest_of_200())
    assert message_id == "sent-1"
    assert len(connector.calls) > 1 and all(c.method == "POST" for c in connector.calls)
    assert all(len(str(c.body).encode()) < LIMIT + 2048 for c in connector.calls)
