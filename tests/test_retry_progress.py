"""`retry failed` reports its progress to the request that said `retry failed`, not to the one that
made the change (whose Slack message or Teams card is long finished, so progress sent there is lost).

The real engine and ASP client against the sandbox over HTTP; on Slack, the real Bolt app against
the fake Slack Web API.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from core_helpers import BotUnderTest, bot_on, config_for, text_of
from fake_slack import FakeSlack
from slack_support import BOT_TOKEN, SECRET, command_body, form_request, running_fake

from bot.chat.slack import build_slack_app
from bot.core.access.context import Message
from bot.core.shared.replies import Reply, ReplyKind
from bot.sandbox.faults import FaultRule
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

HV = "Harbor View Seattle"
CHANNEL = "C0FRONTDESK"
ALICE = "UALICE"
FAILING = ("103", "104", "105")


@pytest.fixture
async def bot(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> AsyncIterator[BotUnderTest]:
    # every room reported, so a run on the local sandbox (well under 2 s) still reports progress
    config = config_for(demo_world, channels={HV: [CHANNEL]})
    async with bot_on(sandbox, demo_world, tmp_path, config=config) as running:
        running.runtime.config.bot.progress_interval_seconds = 0.0
        yield running


def _fail_rooms(bot: BotUnderTest) -> None:
    units = [bot.room(HV, name).id for name in FAILING]
    bot.server.sandbox.faults.update(rules=[FaultRule("500", method="PUT", units=units)])


async def test_retry_failed_progress_goes_to_the_retrying_request(bot: BotUnderTest) -> None:
    """Rooms 103-105 fail; `retry failed`, sent later with its own progress sink, reports "n of 3
    rooms done" there, and nothing more reaches the sink of the request that made the change."""
    first: list[Reply] = []
    second: list[Reply] = []

    async def first_sink(reply: Reply) -> None:
        first.append(reply)

    async def second_sink(reply: Reply) -> None:
        second.append(reply)

    def say(text: str) -> Message:
        return Message(text=text, user=ALICE, channel=CHANNEL, platform="console")

    _fail_rooms(bot)
    changed = await bot.engine.handle(say(f"set rooms 102-105 at {HV} to jazz"), first_sink)
    assert changed.headline.startswith("Set 1 of 4 rooms"), text_of(changed)
    bot.server.sandbox.faults.update(rules=[])
    reported_before = len(first)

    retried = await bot.engine.handle(say("retry failed"), second_sink)
    assert retried.kind == ReplyKind.SUCCESS, text_of(retried)
    assert len(first) == reported_before
    assert second and all(r.kind == ReplyKind.PROGRESS for r in second)
    assert "of 3 rooms done" in second[-1].headline


async def test_slack_shows_the_progress_of_a_typed_retry_failed(bot: BotUnderTest) -> None:
    """Over the real Bolt app: the change's reply is finished; `retry failed` (a new slash
    command) posts its own progress message and edits it into its summary."""
    _fail_rooms(bot)
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

        await command(f"set rooms 102-105 at {HV} to jazz", "t-change")
        bot.server.sandbox.faults.update(rules=[])
        start = len(fake.calls)
        await command("retry failed", "t-retry")
        calls = fake.calls[start:]
        [progress] = [c for c in calls if c.method == "chat.postMessage"]
        assert "of 3 rooms done" in progress.params["text"]
        # the fake numbers the messages it posts: this is the first one after the change's
        posted_before = [c for c in fake.calls[:start] if c.method in _NUMBERED]
        progress_ts = f"1700000000.{len(posted_before) + 1:06d}"
        [summary] = [c for c in calls if c.method == "chat.update"]
        assert summary.params["ts"] == progress_ts  # the retry's own message, edited in place
        assert summary.params["text"].startswith("Set 3 of 3 rooms"), summary.params


_NUMBERED = ("chat.postMessage", "chat.postEphemeral")
