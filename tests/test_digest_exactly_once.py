"""A digest exactly once as far as the platform allows (issue 20, finding 7): a post whose answer
came after the client's timeout is found in the channel (Slack `conversations.history`, by the
digest's marker) before it is posted again; `bot digest --post` that posted nothing exits 1 and
says what will happen next (nothing retries without a running server)."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from slack_support import running_fake
from test_digest import loaded_store
from test_health_world import NOW, SITE
from typer.testing import CliRunner

from bot.chat.slack import SlackDigestPoster
from bot.cli import app
from bot.clock import FakeClock
from bot.health.posting import DigestSender, NotPosted, run_digest_command


async def test_a_post_whose_answer_timed_out_is_found_not_posted_twice() -> None:
    """chat.postMessage is applied but answered after the client's 1 s timeout: the attempt
    fails; the retry finds the digest in the channel by its marker, records it as sent, and
    posts nothing more (it used to post a duplicate)."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    async with running_fake() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url + "/", timeout=1)
        sender = DigestSender(store, [SITE], clock, SlackDigestPoster(client))
        fake.slow_next["chat.postMessage"] = 2.0
        [first] = await sender.send_due()
        assert not first.sent
        clock.advance(60)
        [second] = await sender.send_due()
        assert second.sent and "not posted again" in second.reason, second.reason
        assert len(fake.of("chat.postMessage")) == 1
        [history] = fake.of("conversations.history")
        assert str(history.params["include_all_metadata"]).lower() in ("true", "1")
        clock.advance(3600)
        assert not any(o.sent for o in await sender.send_due())
    assert len(fake.of("chat.postMessage")) == 1


async def test_a_retry_whose_first_post_never_arrived_posts_it() -> None:
    """The first post failed outright (nothing in the channel): the retry looks, finds nothing,
    and posts it once."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    async with running_fake() as fake:
        poster = SlackDigestPoster.from_token("xoxb-test", api_url=fake.api_url)
        sender = DigestSender(store, [SITE], clock, poster)
        fake.http_fail["chat.postMessage"] = [500]
        [first] = await sender.send_due()
        assert not first.sent
        clock.advance(60)
        [second] = await sender.send_due()
        assert second.sent
    posts = fake.of("chat.postMessage")
    assert len(posts) >= 2 and len(fake.history[posts[-1].params["channel"]]) == 1


async def test_digest_post_that_posted_nothing_raises_with_the_next_step() -> None:
    """`bot digest --post` whose post fails: NotPosted (the CLI's exit 1) saying that nothing
    retries it without a running server, never "retrying in 60 s"."""
    clock = FakeClock(NOW)
    store = await loaded_store(clock)
    said: list[str] = []
    async with running_fake() as fake:
        poster = SlackDigestPoster.from_token("xoxb-test", api_url=fake.api_url)
        fake.http_fail["chat.postMessage"] = [500, 500, 500, 500]
        with pytest.raises(NotPosted) as refused:
            await run_digest_command(
                store, [SITE], clock=clock, post=True, poster=poster, echo=said.append
            )
    text = " ".join(said) + str(refused.value)
    assert "retrying in" not in text
    assert "Nothing retries it from here" in str(refused.value)
    assert "`bot digest --post` again" in str(refused.value)


def test_cli_digest_post_exits_1_when_nothing_was_posted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI turns NotPosted into exit code 1 and one plain line (no traceback)."""

    async def failing(*_args: object, **_kwargs: object) -> None:
        raise NotPosted("Not posted: Sea View. Nothing retries it from here.")

    monkeypatch.setattr("bot.serving.digest_now", failing)
    result = CliRunner().invoke(app, ["digest", "--post"])
    assert result.exit_code == 1, result.output
    assert "Nothing retries it from here" in result.output
    assert "Traceback" not in result.output
