"""Proactive digest posts to Teams through a stored conversation reference."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fake_teams import CHANNEL_ID, FakeConnector, card_text, installed_in_channel, message
from microsoft_agents.activity import Activity
from sqlite_utils import Database

from bot.chat.teams import TeamsDigestPoster, UnknownTeamsConversation
from bot.chat.teams.store import TABLE, ConversationStore
from bot.core.shared.replies import Attachment, Reply, ReplyKind

PNG = b"\x89PNG\r\n\x1a\nchart-bytes"


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = await FakeConnector().start()
    yield fake
    await fake.close()


def digest_reply() -> Reply:
    return Reply(
        headline="Harbor View Seattle: 98.5% of devices online",
        kind=ReplyKind.INFO,
        fields=[("Online", "197"), ("Offline", "3")],
        attachments=[Attachment(filename="uptime.png", data=PNG, title="7-day uptime")],
    )


def stored(db: Database, activity: dict[str, Any]) -> ConversationStore:
    store = ConversationStore(db)
    store.save(Activity.model_validate(activity))
    return store


@pytest.mark.parametrize(
    "channel", [CHANNEL_ID, f"teams:{CHANNEL_ID}", "Front Desk", "#front desk"]
)
async def test_digest_is_posted_as_a_card_into_the_stored_channel(
    connector: FakeConnector, channel: str
) -> None:
    """The digest goes to the channel's conversation as a new post, the chart inside the card as a
    data URI.
    """
    db = Database(memory=True)
    stored(db, installed_in_channel(connector.url))
    poster = TeamsDigestPoster(db, anonymous=True, env={})
    await poster.post_to_channel(channel, digest_reply())
    [call] = connector.calls
    assert call.method == "POST"
    assert call.path == f"/v3/conversations/{CHANNEL_ID}/activities"
    assert "98.5% of devices online" in card_text(call.card)
    [image] = [e for e in call.card["body"] if e["type"] == "Image"]
    assert image["url"].startswith("data:image/png;base64,")


async def test_reference_from_a_thread_posts_to_the_channel_not_the_thread(
    connector: FakeConnector,
) -> None:
    """A reference first seen in a thread reply still posts the digest as a new channel post."""
    db = Database(memory=True)
    stored(db, message("help", channel=True, service_url=connector.url, expect_replies=False))
    await TeamsDigestPoster(db, anonymous=True, env={}).post_to_channel(CHANNEL_ID, digest_reply())
    [call] = connector.calls
    assert call.path == f"/v3/conversations/{CHANNEL_ID}/activities"


async def test_other_channel_of_an_installed_team_is_reached(connector: FakeConnector) -> None:
    """A team install reports only its General channel; another channel still gets the digest."""
    db = Database(memory=True)
    stored(db, installed_in_channel(connector.url))
    other = "19:housekeeping@thread.tacv2"
    await TeamsDigestPoster(db, anonymous=True, env={}).post_to_channel(
        f"teams:{other}", digest_reply()
    )
    [call] = connector.calls
    assert call.path == f"/v3/conversations/{other}/activities"


async def test_unknown_channel_says_how_to_fix_it() -> None:
    """A digest channel the bot never saw raises, telling the operator to add the app there."""
    poster = TeamsDigestPoster(Database(memory=True), anonymous=True, env={})
    with pytest.raises(UnknownTeamsConversation, match="add the app"):
        await poster.post_to_channel("19:nowhere@thread.tacv2", digest_reply())


def test_store_table_is_created_idempotently_and_uninstall_forgets() -> None:
    """Opening the store twice on one file keeps the table and rows; forgetting removes the
    conversation.
    """
    db = Database(memory=True)
    store = stored(db, installed_in_channel("http://127.0.0.1:9/"))
    again = ConversationStore(db)
    assert db[TABLE].count == 1
    again.forget(CHANNEL_ID)
    assert store.get(CHANNEL_ID) is None
