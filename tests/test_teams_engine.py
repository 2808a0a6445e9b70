"""The real conversation engine behind the Teams endpoint, against the sandbox's demo world."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from fake_teams import card_text, cards_of, message

from bot.chat.teams import MESSAGES_PATH, teams_setup
from bot.demo import demo_runtime
from bot.runtime import Runtime

pytestmark = pytest.mark.filterwarnings("ignore::aiohttp.web_exceptions.NotAppKeyWarning")

ENGINEER = "aad-engineer-0001"


@pytest.fixture
async def teams() -> AsyncIterator[tuple[TestClient[Any, Any], Runtime]]:
    async with demo_runtime() as (runtime, _server):
        assert runtime.config.roles is not None
        runtime.config.roles.engineer.append(ENGINEER)
        app = web.Application()
        teams_setup(runtime.engine, runtime.index.db, anonymous=True, env={})(app)
        async with TestClient(TestServer(app, host="127.0.0.1")) as client:
            yield client, runtime


async def ask(client: TestClient[Any, Any], activity: dict[str, Any]) -> dict[str, Any]:
    resp = await client.post(MESSAGES_PATH, json=activity)
    assert resp.status == 200
    [card] = cards_of(await resp.json())
    return card


async def test_mention_choice_and_undo_through_cards(
    teams: tuple[TestClient[Any, Any], Runtime],
) -> None:
    """@bot set room 204 station jazz asks which hotel; pressing a choice sets it; pressing Undo
    reverts it.
    """
    client, _ = teams
    question = await ask(client, message("set room 204 station jazz", channel=True))
    assert "Which one did you mean?" in card_text(question)
    choice = next(a for a in question["actions"] if a["title"] == "Harbor View Seattle")

    done = await ask(client, message(None, channel=True, value=choice["data"]))
    assert "now plays Jazz" in card_text(done)
    [undo] = [a for a in done["actions"] if a["title"] == "Undo"]

    undone = await ask(client, message(None, channel=True, value=undo["data"]))
    assert "Country" in card_text(undone)


async def test_roles_accept_teams_aad_object_ids(
    teams: tuple[TestClient[Any, Any], Runtime],
) -> None:
    """An engineer listed by AAD object id may ask for offline devices; an unlisted Teams user is
    refused.
    """
    client, _ = teams
    refused = await ask(client, message("offline devices", user="aad-front-desk-9"))
    assert "needs the engineer role" in card_text(refused)
    allowed = await ask(client, message("offline devices", user=ENGINEER))
    assert "devices are offline" in card_text(allowed)
