"""Resolution of rooms and stations, through the real engine on the sandbox over HTTP."""

from __future__ import annotations

from pathlib import Path

from conftest import _uid
from core_helpers import BotUnderTest, bot_on, config_for, text_of

from bot.core.shared.replies import ActionKind, ReplyKind
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

JAZZ_US = ("I_HEART_RADIO", "4242")


async def test_bound_channel_picks_its_property(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """In a channel bound to Hotel B (bot.toml channels), "204" is Hotel B's 204: no question."""
    config = config_for(small_world, channels={"Hotel B": ["desk-b"]})
    async with bot_on(sandbox, small_world, tmp_path, config=config) as bot:
        reply = await bot.say("set room 204 to jazz", channel="desk-b")
        assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
        assert "Hotel B" in reply.headline
        assert bot.station("Hotel B", "204") == ("TUNEIN", "s45300")  # Jazz in the UK catalog
        assert bot.station("Hotel A", "204") is None


async def test_room_in_several_properties_asks_with_candidates_and_changes_nothing(
    small_bot: BotUnderTest,
) -> None:
    """Without a bound channel, "204" (in Hotel A and Hotel B) gets a question listing both; no API
    write.
    """
    before = small_bot.snapshot()
    reply = await small_bot.say("set room 204 to jazz")
    assert reply.kind == ReplyKind.QUESTION
    assert "Hotel A" in reply.headline and "Hotel B" in reply.headline
    assert "Nothing was changed" in reply.headline
    choices = [a.value for a in reply.actions if a.kind == ActionKind.CHOICE]
    assert len(choices) == 2 and all("jazz" in v for v in choices)
    assert small_bot.mutating_requests() == {}
    assert small_bot.snapshot() == before
    # Choosing one candidate (what a button sends) applies it there only.
    chosen = next(v for v in choices if "Hotel A" in v)
    done = await small_bot.say(chosen)
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert small_bot.station("Hotel A", "204") == JAZZ_US
    assert small_bot.station("Hotel B", "204") is None


async def test_property_named_in_the_message_resolves_the_ambiguity(
    small_bot: BotUnderTest,
) -> None:
    """ "… at Hotel B" picks that property's room, whichever side of the station it is typed on."""
    reply = await small_bot.say("set room 204 to classical at Hotel B")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    assert small_bot.station("Hotel B", "204") == (
        "GLOBAL_PLAYER",
        "789e024c-6c90-4793-a54b-fd6be69d5274",
    )
    assert small_bot.station("Hotel A", "204") is None


async def test_room_added_behind_the_bots_back_is_found_after_one_refresh(
    small_bot: BotUnderTest,
) -> None:
    """A room created on Amazon's side after the sync is found by refreshing the index once."""
    small_bot.state.create_room(_uid("KING"), "777")
    assert small_bot.runtime.index.find_rooms("777") == []
    reply = await small_bot.say("set room 777 to jazz")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    assert small_bot.station("Hotel A", "777") == JAZZ_US
    assert len(small_bot.runtime.index.find_rooms("777")) == 1
    # The refresh read the hierarchy again (list calls), exactly once for this message.
    lists = small_bot.stats()["requests"]
    assert lists.get("GET /enterprise/hospitality/v1/properties", 0) <= 1


async def test_unknown_room_refreshes_once_then_suggests_close_names(
    small_bot: BotUnderTest,
) -> None:
    """A room that does not exist even after the refresh gets close names, read-only (another
    number is another room: never a write one keystroke away); nothing changes."""
    before = small_bot.snapshot()
    small_bot.reset_stats()
    reply = await small_bot.say("set room 2044 to jazz")
    assert reply.kind in (ReplyKind.QUESTION, ReplyKind.ERROR)
    assert "2044" in reply.headline
    assert "204 (Hotel A)" in reply.headline and not reply.actions, text_of(reply)
    assert small_bot.mutating_requests() == {}
    assert small_bot.snapshot() == before
    listed = small_bot.stats()["requests"].get("GET /enterprise/hospitality/v1/properties", 0)
    assert listed == 1  # one refresh, not one per attempt


async def test_station_only_offered_elsewhere_is_refused_with_the_list(
    small_bot: BotUnderTest,
) -> None:
    """A UK-only station asked for a US room: no change, the reply says where it is offered and
    lists the US ones."""
    reply = await small_bot.say("set room 101 at Hotel A to heart")
    assert reply.kind == ReplyKind.QUESTION  # which station, then
    assert "isn't offered in US" in reply.headline and "UK" in reply.headline
    assert any("Jazz" in n and "Classical" in n for n in reply.notes)
    assert small_bot.mutating_requests() == {}
    assert small_bot.station("Hotel A", "101") == JAZZ_US  # unchanged


async def test_unknown_station_is_refused_with_the_countrys_list(small_bot: BotUnderTest) -> None:
    """A station name that matches nothing: no change, the country's stations are listed."""
    reply = await small_bot.say("set room 102 at Hotel A to xyzzy")
    assert reply.kind == ReplyKind.QUESTION and "Which station?" in reply.headline
    assert "xyzzy" in reply.headline and "Nothing was changed" in reply.headline
    assert small_bot.mutating_requests() == {}


async def test_ambiguous_genre_asks_with_the_choices(demo_bot: BotUnderTest) -> None:
    """FR "relaxing" matches two stations: a question with both, and nothing written."""
    reply = await demo_bot.say("set room 101 at Rive Gauche Paris to relaxing")
    assert reply.kind == ReplyKind.QUESTION, text_of(reply)
    choices = [a for a in reply.actions if a.kind == ActionKind.CHOICE]
    assert len(choices) == 2
    assert demo_bot.mutating_requests() == {}
    # Each choice is a request the parser reads and that then applies without another question.
    done = await demo_bot.say(choices[1].value)
    assert done.kind == ReplyKind.SUCCESS, text_of(done)


async def test_clear_typo_is_applied_with_a_note_saying_what(small_bot: BotUnderTest) -> None:
    """ "jaz" is applied as Jazz, and the reply says that it read it so."""
    reply = await small_bot.say("set room 102 at Hotel A to jaz")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    assert any("I read \u201cjaz\u201d as Jazz" in n for n in reply.notes)
    assert small_bot.station("Hotel A", "102") == JAZZ_US


async def test_room_type_and_whole_property_targets(small_bot: BotUnderTest) -> None:
    """`room type King at Hotel A` and `all rooms at Hotel B` resolve to exactly their rooms."""
    reply = await small_bot.say("set room type King at Hotel A to pop")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    assert all(
        small_bot.station("Hotel A", n) == ("I_HEART_RADIO", "4422")
        for n in ("101", "102", "204", "205")
    )
    reply = await small_bot.say("set all rooms at Hotel B to pop")
    assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
    assert small_bot.station("Hotel B", "101") == small_bot.station("Hotel B", "204") is not None


async def test_asking_and_listing_stations_use_the_propertys_country(
    small_bot: BotUnderTest,
) -> None:
    """`what's playing` names the station; `stations at Hotel B` lists the UK catalog."""
    reply = await small_bot.say("what's playing in 101 at Hotel A")
    assert "Jazz" in reply.headline
    reply = await small_bot.say("what's playing in 102 at Hotel A")
    assert "no default station" in reply.headline
    reply = await small_bot.say("stations at Hotel B")
    assert reply.table is not None and "UK" in reply.headline
    assert any("Great Hits" in row[0] for row in reply.table.rows)
    assert small_bot.mutating_requests() == {}


async def test_unknown_property_suggests_close_names(small_bot: BotUnderTest) -> None:
    """A property name that matches none is refused with the known properties; nothing changes."""
    reply = await small_bot.say("set all rooms at Grand Budapest to jazz")
    assert reply.kind in (ReplyKind.QUESTION, ReplyKind.ERROR)
    assert "Grand Budapest" in reply.headline
    assert small_bot.mutating_requests() == {}
