"""`retry failed` and `undo` through the real Bolt app and the real Teams adapter: each makes
exactly one new journaled change and answers with success (never "Something went wrong"), and an
Undo button on an older card undoes that card's change.

The real engine and ASP client against the sandbox over HTTP (FakeClock, so Amazon's retries cost
no time); the fake Slack Web API and the fake Bot Connector stand in for the platforms.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from core_helpers import BotUnderTest, bot_on, config_for
from fake_slack import FakeSlack
from fake_teams import FakeConnector, card_text, message
from slack_support import BOT_TOKEN, SECRET, action_body, command_body, form_request, running_fake

from bot.chat.slack import build_slack_app
from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.chat.teams.host import TEAMS_HOST_KEY
from bot.sandbox.faults import FaultRule
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

HV = "Harbor View Seattle"
CHANNEL = "C0FRONTDESK"
ALICE = "UALICE"
TOP40 = ("I_HEART_RADIO", "4802")
JAZZ = ("I_HEART_RADIO", "4242")
POP = ("I_HEART_RADIO", "4422")


@pytest.fixture
async def bot(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> AsyncIterator[BotUnderTest]:
    config = config_for(demo_world, channels={HV: [CHANNEL]})
    async with bot_on(sandbox, demo_world, tmp_path, config=config) as running:
        yield running


def _room_id(bot: BotUnderTest, name: str) -> str:
    return bot.room(HV, name).id


def _entries(bot: BotUnderTest) -> int:
    return len(bot.runtime.services.audit.entries())


def _slack_buttons(fake: FakeSlack) -> list[tuple[str, dict[str, Any]]]:
    """(reply text, button) of every button the bot has shown, oldest first."""
    found = []
    for call in fake.calls:
        for block in call.params.get("blocks") or []:
            if isinstance(block, dict) and block.get("type") == "actions":
                found += [(str(call.params.get("text", "")), b) for b in block["elements"]]
    return found


def _slack_texts(fake: FakeSlack) -> list[str]:
    return [str(c.params.get("text", "")) for c in fake.calls if c.params.get("text")]


async def test_slack_retry_failed_and_undo_buttons_each_make_one_journaled_change(
    bot: BotUnderTest,
) -> None:
    """A change with one failed room; its Retry button sets that room (one new audit entry, a
    success reply); an older card's Undo button undoes that card's change only; a second press of
    it is a plain no-op."""
    bot.server.sandbox.faults.update(
        rules=[FaultRule("500", method="PUT", units=[_room_id(bot, "103")])]
    )
    fake: FakeSlack
    async with running_fake() as fake:
        app = build_slack_app(
            bot.runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=fake.api_url,
            process_before_response=True, clock=bot.clock,
        )  # fmt: skip

        async def command(text: str, trigger: str) -> None:
            body = command_body(text, user=ALICE, channel=CHANNEL, trigger=trigger,
                                response_url=fake.response_url(trigger))  # fmt: skip
            await app.async_dispatch(form_request(body))

        async def press(button: dict[str, Any], trigger: str) -> None:
            body = action_body(button["value"], action_id=button["action_id"], user=ALICE,
                               channel=CHANNEL, trigger=trigger,
                               response_url=fake.response_url(trigger))  # fmt: skip
            await app.async_dispatch(form_request(body))

        await command(f"set rooms 102, 103 at {HV} to jazz", "t-first")
        bot.server.sandbox.faults.update(rules=[])
        retry = next(b for _t, b in _slack_buttons(fake) if b["value"].startswith("retry failed "))
        before = _entries(bot)
        await press(retry, "t-retry")
        assert _entries(bot) == before + 1
        assert any(t.startswith("Done: Room 103") for t in _slack_texts(fake))
        assert not any("Something went wrong" in t for t in _slack_texts(fake))
        assert bot.station(HV, "103") == JAZZ

        await command(f"set room 104 at {HV} to pop", "t-later")
        # the first card shown with an Undo button: the change of rooms 102 and 103
        undo_first = next(b for _t, b in _slack_buttons(fake) if b["value"].startswith("undo "))
        await press(undo_first, "t-undo")  # the older card: undoes rooms 102 (and nothing else)
        assert bot.station(HV, "102") == TOP40
        assert bot.station(HV, "104") == POP
        assert any(t.startswith("Undone: room 102") for t in _slack_texts(fake))
        entries = _entries(bot)
        await press(undo_first, "t-undo-again")  # a second press changes nothing
        assert _entries(bot) == entries
        assert any("already undone" in t for t in _slack_texts(fake))
        assert bot.station(HV, "104") == POP


async def test_slack_typed_retry_failed_is_its_own_delivery(bot: BotUnderTest) -> None:
    """`retry failed` typed as a slash command after a failed room: applied once, audited once,
    answered with success (it used to reuse the first delivery id and fail the audit)."""
    bot.server.sandbox.faults.update(
        rules=[FaultRule("500", method="PUT", units=[_room_id(bot, "105")])]
    )
    async with running_fake() as fake:
        app = build_slack_app(
            bot.runtime.engine, bot_token=BOT_TOKEN, signing_secret=SECRET, api_url=fake.api_url,
            process_before_response=True, clock=bot.clock,
        )  # fmt: skip
        for text, trigger in ((f"set room 105 at {HV} to jazz", "t1"), ("retry failed", "t2")):
            if trigger == "t2":
                bot.server.sandbox.faults.update(rules=[])
            body = command_body(text, user=ALICE, channel=CHANNEL, trigger=trigger,
                                response_url=fake.response_url(trigger))  # fmt: skip
            await app.async_dispatch(form_request(body))
        texts = _slack_texts(fake)
        assert any(t.startswith("Done: Room 105") for t in texts), texts
        assert bot.stats()["station_puts"] == {_room_id(bot, "105"): 1}  # applied once
        entries = bot.runtime.services.audit.entries(limit=2)
        assert [e.derived_from for e in entries] == [entries[1].id, None]


async def test_teams_retry_failed_and_undo_make_one_journaled_change_each(
    bot: BotUnderTest,
) -> None:
    """The same through the Agents SDK adapter: Retry, then Undo on the first card, each one new
    audit entry and a success card."""
    bot.server.sandbox.faults.update(
        rules=[FaultRule("500", method="PUT", units=[_room_id(bot, "103")])]
    )
    connector = await FakeConnector().start()
    app = web.Application()
    teams_setup(bot.runtime.engine, bot.runtime.index.db, anonymous=True, env={})(app)
    try:
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:

            async def send(activity: dict[str, Any]) -> None:
                assert (await client.post(MESSAGES_PATH, json=activity)).status == 202
                await app[TEAMS_HOST_KEY].drain()

            await send(message(f"set rooms 102, 103 at {HV} to jazz", expect_replies=False,
                               service_url=connector.url))  # fmt: skip
            bot.server.sandbox.faults.update(rules=[])
            first = connector.calls[-1].card
            retry = next(a for a in first["actions"] if a["title"] == "Retry failed")
            before = _entries(bot)
            await send(message(None, value=retry["data"], expect_replies=False,
                               service_url=connector.url, reply_to_id="sent-1"))  # fmt: skip
            assert _entries(bot) == before + 1
            assert "Done: Room 103" in card_text(connector.calls[-1].card)
            undo = next(a for a in first["actions"] if a["title"] == "Undo")
            await send(message(None, value=undo["data"], expect_replies=False,
                               service_url=connector.url, reply_to_id="sent-1"))  # fmt: skip
            assert _entries(bot) == before + 2
            assert "Undone" in card_text(connector.calls[-1].card)
            assert bot.station(HV, "102") == TOP40
            assert bot.station(HV, "103") == JAZZ  # set by the retry, which is another change
    finally:
        await connector.close()
