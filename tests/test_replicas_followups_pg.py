"""Follow-up questions as data (issue 18 item 1): a question one replica asked ("Which 204?",
"Which station?") is answered through another replica, which completes and runs the request;
a question answered once is gone from every replica. Real parts: build_runtime, the sandbox
over HTTP, PostgreSQL (skips without BOT_TEST_DATABASE_URL)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from core_helpers import BotUnderTest, text_of
from pg_support import fresh_database, needs_postgres
from test_replicas_shared_journal_pg import replica

from bot.clock import FakeClock
from bot.core.shared.commands import SetStation, Target
from bot.core.shared.replies import ReplyKind
from bot.pg.questions import dump_command, load_command
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

pytestmark = needs_postgres


@pytest.fixture
async def two_replicas(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> AsyncIterator[tuple[BotUnderTest, BotUnderTest]]:
    with fresh_database() as url:
        clock = FakeClock()
        async with (
            replica(sandbox, small_world, tmp_path / "a", url, clock) as first,
            replica(sandbox, small_world, tmp_path / "b", url, clock) as second,
        ):
            yield first, second


def test_a_partial_command_is_kept_as_data_and_read_back_the_same() -> None:
    command = SetStation(target=Target(rooms=("204", "205"), property_name="Hotel A"), station="")
    assert load_command(dump_command(command)) == command


async def test_which_room_asked_by_one_replica_is_answered_through_another(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    first, second = two_replicas
    asked = await first.say("set room 204 to pop", user="U1", platform="slack", channel="C1")
    assert asked.kind == ReplyKind.QUESTION, text_of(asked)
    done = await second.say("1", user="U1", platform="slack", channel="C1")  # Hotel A
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert first.station("Hotel A", "204") == ("I_HEART_RADIO", "4422")
    again = await first.say("2", user="U1", platform="slack", channel="C1")
    assert again.kind != ReplyKind.SUCCESS  # answered once: no question waits any more
    assert first.station("Hotel B", "204") != ("I_HEART_RADIO", "4422")


async def test_which_station_asked_by_one_replica_is_answered_through_another(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    first, second = two_replicas
    asked = await first.say(
        "set room 102 at Hotel A to xyzzy", user="U1", platform="slack", channel="C1"
    )
    assert asked.kind == ReplyKind.QUESTION and "Which station?" in asked.headline
    done = await second.say("pop", user="U1", platform="slack", channel="C1")
    assert done.kind == ReplyKind.SUCCESS, text_of(done)
    assert first.station("Hotel A", "102") == ("I_HEART_RADIO", "4422")


async def test_a_question_read_twice_on_one_replica_is_the_same_question(
    two_replicas: tuple[BotUnderTest, BotUnderTest],
) -> None:
    """A press on a question's card is compared with the open question by identity: reading the
    shared question again must not make its own card look stale."""
    first, _ = two_replicas
    await first.say("set room 204 to pop", user="U1", platform="slack", channel="C1")
    questions, now = first.runtime.engine.questions, first.clock.now()
    assert questions.get(("U1", "C1", None), now) is questions.get(("U1", "C1", None), now)
