"""The Authorization form of the alert deletes: the raw token as seed 003 shows, `Bearer` after a
401, the form that works remembered; `alarm_auth_raw` pins one."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from core_helpers import bot_on, config_for, text_of

from bot.clients.asp import AspClient
from bot.clients.errors import Unauthorized
from bot.clients.lwa import StaticToken
from bot.core.shared.replies import ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

U = "amzn1.alexa.unit.did."
ALARMS = "DELETE /v1/alerts/alarms"


@pytest.mark.parametrize("accepted", ["raw", "bearer"])
async def test_clear_alarms_works_whichever_form_amazon_accepts(
    sandbox: SandboxServer, small_world: World, tmp_path: Path, accepted: str
) -> None:
    """`clear alarms` in room 101 succeeds against a sandbox that takes only the raw token, and
    against one that takes only `Bearer`; the second room then costs one request (form kept)."""
    async with bot_on(sandbox, small_world, tmp_path) as bot:
        sandbox.sandbox.alert_auth = accepted  # type: ignore[assignment]
        reply = await bot.say("clear alarms in room 101 at Hotel A")
        assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
        assert bot.room("Hotel A", "101").alarms == 0
        first = bot.stats()["statuses"][ALARMS]
        assert first == ({"204": 1} if accepted == "raw" else {"401": 1, "204": 1})
        assert bot.runtime.asp.alert_auth_form == accepted
        bot.reset_stats()
        again = await bot.say("clear alarms in room 101 at Hotel B")
        assert again.kind == ReplyKind.SUCCESS, text_of(again)
        assert bot.stats()["statuses"][ALARMS] == {"204": 1}


async def test_a_pinned_form_is_never_switched(sandbox: SandboxServer, small_world: World) -> None:
    """alarm_auth_raw=false pins Bearer: against a raw-only sandbox the delete is refused after one
    token refresh, never sent raw."""
    sandbox.sandbox.alert_auth = "raw"
    token = StaticToken(small_world.lwa.static_tokens[0])
    async with AspClient(sandbox.url, token, alarm_auth_raw=False) as client:
        with pytest.raises(Unauthorized):
            await client.delete_alarms(f"{U}A101")
    assert sandbox.sandbox.stats.statuses[ALARMS] == {"401": 2}
    assert token.invalidations == 1


async def test_the_setting_pins_raw_through_bot_toml(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """[bot] alarm_auth_raw = true sends only the raw token (the bot.toml key is kept)."""
    config = config_for(small_world, alarm_auth_raw=True)
    async with bot_on(sandbox, small_world, tmp_path, config=config) as bot:
        sandbox.sandbox.alert_auth = "raw"
        reply = await bot.say("clear alarms in room 101 at Hotel A")
        assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
        assert bot.stats()["statuses"][ALARMS] == {"204": 1}


def test_the_sandbox_setting_over_the_admin_route(sandbox_client: httpx.Client) -> None:
    """POST /_sandbox/settings chooses the accepted form; an unknown mode or key is 400."""
    path = f"/v1/alerts/timers?unitId={U}A101"
    assert sandbox_client.post("/_sandbox/settings", json={"alert_auth": "raw"}).status_code == 200
    assert sandbox_client.delete(path).status_code == 401  # the client sends Bearer
    raw = {"Authorization": "Atza|sandbox-static-token"}
    assert sandbox_client.delete(path, headers=raw).status_code == 204
    assert sandbox_client.get("/_sandbox/settings").json() == {"alert_auth": "raw"}
    assert sandbox_client.post("/_sandbox/settings", json={"alert_auth": "x"}).status_code == 400
    assert sandbox_client.post("/_sandbox/settings", json={"nope": 1}).status_code == 400
    assert sandbox_client.post("/_sandbox/settings", json={"alert_auth": "both"}).status_code == 200
