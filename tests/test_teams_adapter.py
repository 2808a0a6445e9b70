"""Teams activities posted to /api/messages with authentication off by test configuration."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_teams import (
    CHANNEL_ID,
    USER_AAD,
    FakeConnector,
    card_text,
    cards_of,
    installed_in_channel,
    message,
)
from sqlite_utils import Database

from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.chat.teams.store import ConversationStore
from bot.clock import FakeClock
from bot.core.access.context import Message, ProgressSink
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind

# The SDK's JWT middleware stores the identity under a plain string request key.
pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

CREDENTIALS = {
    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID": "11111111-2222-3333-4444-555555555555",
    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET": "not-a-real-secret",
    "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__TENANTID": "72f988bf-0000-0000-0000-000000000000",
}


class FakeEngine:
    """Same `handle` signature as the Engine; answers from a script, records what it got."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.progress_steps = 0
        self.progress_gap = 2.5  # clock seconds between progress reports
        self.clock = FakeClock()
        self.fail = False

    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply:
        self.messages.append(msg)
        if self.fail:
            raise RuntimeError("boom: internal detail")
        if msg.text.startswith("set all"):
            for done in range(1, self.progress_steps + 1):
                assert progress is not None
                if done > 1:
                    self.clock.advance(self.progress_gap)
                await progress(
                    Reply(
                        headline=f"{done * 50} of 100 rooms done", kind=ReplyKind.PROGRESS, ref="r1"
                    )
                )
            return Reply(headline="100 rooms set to Jazz", kind=ReplyKind.SUMMARY, ref="r1")
        if msg.text.startswith("confirm"):
            return Reply(headline="Room 204 now plays Jazz", kind=ReplyKind.SUCCESS, public=True)
        if msg.text.startswith("not yours"):
            return Reply(headline="Only the requester can confirm this", kind=ReplyKind.REFUSAL)
        return Reply(
            headline=f"Set room 204 to Jazz? ({msg.text})",
            kind=ReplyKind.CONFIRM,
            ref="tok1",
            actions=[
                Action(kind=ActionKind.CONFIRM, label="Confirm", value="confirm tok1"),
                Action(kind=ActionKind.CANCEL, label="Cancel", value="cancel tok1"),
            ],
        )


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def db() -> Database:
    return Database(memory=True)


@pytest.fixture
async def client(engine: FakeEngine, db: Database) -> AsyncIterator[TestClient[Any, Any]]:
    app = web.Application()
    teams_setup(engine, db, anonymous=True, env=CREDENTIALS, clock=engine.clock)(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        yield c


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = await FakeConnector().start()
    yield fake
    await fake.close()


async def post(
    client: TestClient[Any, Any], activity: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    """Post an activity, then wait for any answer still being sent in the background."""
    resp = await client.post(MESSAGES_PATH, json=activity)
    body = await resp.json() if resp.content_type == "application/json" else {}
    assert client.app is not None
    await client.app[TEAMS_HOST_KEY].drain()
    return resp.status, body or {}


async def test_channel_mention_reaches_engine_without_the_mention(
    client: TestClient[Any, Any], engine: FakeEngine
) -> None:
    """`@bot set room 204 station jazz` in a channel arrives as the plain command, from the AAD id,
    in the channel.
    """
    status, body = await post(client, message("set room 204 station jazz", channel=True))
    assert status == 200
    [msg] = engine.messages
    assert msg.text == "set room 204 station jazz"
    assert msg.user == USER_AAD
    assert msg.channel == CHANNEL_ID
    assert msg.platform == "teams"
    assert msg.thread == "1700000000001"
    [card] = cards_of(body)
    assert "Set room 204 to Jazz?" in card_text(card)
    assert [a["data"] for a in card["actions"]] == [
        {"text": "confirm tok1"},
        {"text": "cancel tok1"},
    ]


async def test_personal_chat_takes_plain_text(
    client: TestClient[Any, Any], engine: FakeEngine
) -> None:
    """In a personal chat the text has no mention and the channel is the chat's conversation id."""
    status, body = await post(client, message("set room 204 station jazz"))
    assert status == 200
    [msg] = engine.messages
    assert msg.text == "set room 204 station jazz"
    assert msg.channel == f"a:personal-{USER_AAD}"
    assert msg.request_id is not None
    assert len(cards_of(body)) == 1


async def test_button_press_is_handled_as_the_typed_value(
    client: TestClient[Any, Any], engine: FakeEngine
) -> None:
    """An Action.Submit arrives as a message with value {"text": ...}; the engine gets that text
    from the presser.
    """
    status, body = await post(
        client, message(None, value={"text": "confirm tok1"}, user="aad-presser")
    )
    assert status == 200
    [msg] = engine.messages
    assert (msg.text, msg.user) == ("confirm tok1", "aad-presser")
    assert "Room 204 now plays Jazz" in card_text(cards_of(body)[0])


async def test_without_anonymous_mode_a_request_without_token_is_refused(
    engine: FakeEngine, db: Database
) -> None:
    """Outside tests the SDK's JWT check guards the endpoint: no bearer token, 401, the engine never
    runs.
    """
    app = web.Application()
    teams_setup(engine, db, anonymous=False, env=CREDENTIALS)(app)
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        resp = await c.post(MESSAGES_PATH, json=message("help"))
        assert resp.status == 401
        bad = await c.post(
            MESSAGES_PATH, json=message("help"), headers={"Authorization": "Bearer not.a.jwt"}
        )
        assert bad.status == 401
    assert engine.messages == []


async def test_engine_failure_shows_an_apology_not_the_exception(
    client: TestClient[Any, Any], engine: FakeEngine
) -> None:
    """A crash in the engine gives one error card with a reference, and no internal detail."""
    engine.fail = True
    status, body = await post(client, message("help", activity_id="act-42"))
    assert status == 200
    [card] = cards_of(body)
    text = card_text(card)
    assert "Something went wrong" in text and "act-42" in text
    assert "boom" not in str(body)


async def test_install_and_first_message_store_the_conversation(
    client: TestClient[Any, Any], db: Database, connector: FakeConnector
) -> None:
    """Adding the app to a team stores its channel; a personal chat on its first message."""
    status, _ = await post(client, installed_in_channel(connector.url))
    assert status in (200, 202)
    store = ConversationStore(db)
    stored = store.find("Front Desk")
    assert stored is not None and stored.conversation_id == CHANNEL_ID
    assert stored.service_url == connector.url
    await post(client, message("help"))
    personal = store.get(f"a:personal-{USER_AAD}")
    assert personal is not None and personal.conversation_type == "personal"


async def test_long_run_posts_one_card_and_updates_it(
    client: TestClient[Any, Any], engine: FakeEngine, connector: FakeConnector
) -> None:
    """Progress of a long run: the first step posts a card, later steps and the summary update that
    same card.
    """
    engine.progress_steps = 2
    status, _ = await post(
        client,
        message(
            "set all rooms to jazz", channel=True, expect_replies=False, service_url=connector.url
        ),
    )
    assert status == 202
    first, second, final = connector.calls
    assert first.method == "POST" and "50 of 100" in card_text(first.card)
    assert (second.method, final.method) == ("PUT", "PUT")
    assert second.activity_id == final.activity_id == "sent-1"
    assert "100 of 100" in card_text(second.card)
    assert "100 rooms set to Jazz" in card_text(final.card)


async def test_progress_faster_than_every_two_seconds_is_paced(
    client: TestClient[Any, Any], engine: FakeEngine, connector: FakeConnector
) -> None:
    """Five reports 0.5 s apart: the first card, one update at 2 s (the fifth), then the summary."""
    engine.progress_steps, engine.progress_gap = 5, 0.5
    await post(
        client,
        message("set all rooms", channel=True, expect_replies=False, service_url=connector.url),
    )
    assert [c.method for c in connector.calls] == ["POST", "PUT", "PUT"]
    assert "250 of 100" in card_text(connector.calls[1].card)


async def test_progress_of_a_pressed_button_updates_the_pressed_card(
    client: TestClient[Any, Any], engine: FakeEngine, connector: FakeConnector
) -> None:
    """A run started by Confirm shows its progress in the confirmation card, then its summary."""
    engine.progress_steps = 2
    await post(
        client,
        message(
            None,
            value={"text": "set all rooms"},
            expect_replies=False,
            service_url=connector.url,
            reply_to_id="card-9",
        ),
    )
    assert [(c.method, c.activity_id) for c in connector.calls] == [("PUT", "card-9")] * 3
    assert "50 of 100" in card_text(connector.calls[0].card)


async def test_outgoing_activities_never_carry_a_null_id(
    client: TestClient[Any, Any], engine: FakeEngine, connector: FakeConnector
) -> None:
    """Every post the adapter makes is a valid activity: no `"id": null` (the fake refuses those)."""
    engine.progress_steps = 1
    await post(
        client,
        message("set all rooms", channel=True, expect_replies=False, service_url=connector.url),
    )
    assert connector.calls and all(
        "id" not in c.body for c in connector.calls if c.method == "POST"
    )


async def test_button_press_updates_the_card_it_was_pressed_on(
    client: TestClient[Any, Any], connector: FakeConnector
) -> None:
    """Pressing Confirm replaces the confirmation card with the result, so it cannot be pressed
    twice.
    """
    await post(
        client,
        message(
            None,
            value={"text": "confirm tok1"},
            expect_replies=False,
            service_url=connector.url,
            reply_to_id="card-7",
        ),
    )
    [update] = connector.calls
    assert (update.method, update.activity_id) == ("PUT", "card-7")
    assert "Room 204 now plays Jazz" in card_text(update.card)


async def test_refusal_after_a_press_leaves_the_card_for_its_owner(
    client: TestClient[Any, Any], connector: FakeConnector
) -> None:
    """A refusal to the presser is posted as a new card; the confirmation stays as it was."""
    await post(
        client,
        message(
            None,
            value={"text": "not yours"},
            expect_replies=False,
            service_url=connector.url,
            reply_to_id="card-7",
        ),
    )
    [sent] = connector.calls
    assert sent.method == "POST"
    assert "Only the requester" in card_text(sent.card)


async def test_mounts_on_the_serve_app_without_guarding_other_routes(
    engine: FakeEngine, db: Database
) -> None:
    """Mounted through `build_web_app`: /api/messages needs a token, /healthz does not."""
    from bot.web import build_web_app

    setup = teams_setup(engine, db, anonymous=False, env=CREDENTIALS)
    app = build_web_app(engine, slack_app=None, is_ready=lambda: True, extra_setup=[setup])
    async with TestClient(TestServer(app, host="127.0.0.1")) as c:
        assert (await c.get("/healthz")).status == 200
        assert (await c.post(MESSAGES_PATH, json=message("help"))).status == 401
