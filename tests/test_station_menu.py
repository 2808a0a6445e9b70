"""A `set` request that names no station is asked "Which station?" with the stations of the rooms'
country as choices (issue 19: a menu for a missing station), through the real engine on the sandbox;
a typed answer still works, and no menu is offered when the country is not one."""

from __future__ import annotations

from pathlib import Path

from core_helpers import bot_on, config_for, text_of

from bot.chat.slack.blocks import render_reply
from bot.chat.teams.cards import render_card
from bot.core.shared.replies import ActionKind, ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World


async def test_a_missing_station_is_asked_with_the_country_stations_and_a_choice_sets_it(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """`set room 204 at Hotel B` (UK) offers the UK catalog; answering with a number sets 204 at
    Hotel B to that station, and nothing else."""
    async with bot_on(sandbox, small_world, tmp_path) as bot:
        reply = await bot.say("set room 204 at Hotel B")
        assert reply.kind == ReplyKind.QUESTION, text_of(reply)
        choices = [a for a in reply.actions if a.kind is ActionKind.CHOICE]
        labels = [a.label for a in choices]
        assert "Jazz" in labels and len(labels) > 5, labels
        assert all("Hotel B" in a.value for a in choices), choices
        jazz = labels.index("Jazz") + 1
        done = await bot.say(str(jazz))
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert bot.station("Hotel B", "204") == ("TUNEIN", "s45300")  # Jazz in the UK catalog
        assert bot.station("Hotel A", "204") is None


async def test_a_typed_station_still_answers_the_menu_question(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    async with bot_on(sandbox, small_world, tmp_path) as bot:
        await bot.say("set room 204 at Hotel A")
        done = await bot.say("jazz")
        assert done.kind == ReplyKind.SUCCESS, text_of(done)
        assert bot.station("Hotel A", "204") == ("I_HEART_RADIO", "4242")


async def test_rooms_in_two_countries_get_no_menu_that_would_be_wrong_for_some(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Room 204 is at Hotel A (US) and Hotel B (UK) and no property is named or bound: the
    question offers no station list of one country."""
    async with bot_on(sandbox, small_world, tmp_path) as bot:
        reply = await bot.say("set room 204")
        assert not [a for a in reply.actions if a.kind is ActionKind.CHOICE and "jazz" in a.value]


async def test_the_menu_is_a_dropdown_on_slack_and_a_choice_set_on_teams(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    config = config_for(small_world, channels={"Hotel A": ["desk-a"]})
    async with bot_on(sandbox, small_world, tmp_path, config=config) as bot:
        reply = await bot.say("set room 102", channel="desk-a")
    slack = render_reply(reply)
    kinds = [e.get("type") for b in slack.blocks for e in b.get("elements", [])]
    assert "static_select" in kinds, slack.blocks
    card = render_card(reply)
    assert '"Input.ChoiceSet"' in str(card).replace("'", '"'), card
