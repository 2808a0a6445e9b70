"""The checks `bot run` and `bot serve` make before they claim to work: a service that is down is
retried with doubling waits and one log line each; refused credentials stop at once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from core_helpers import bot_on

from bot.clock import FakeClock
from bot.doctor import Cause, Check, Status, cause_of, preflight
from bot.sandbox.faults import Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.serving import _OneLine, quiet_socket_mode_logs
from bot.settings import ConfigError


class HealingClock(FakeClock):
    """A FakeClock whose first long wait (the start-up retry's) mends the sandbox's faults."""

    def __init__(self, server: SandboxServer) -> None:
        super().__init__()
        self.server = server

    async def sleep(self, seconds: float) -> None:
        await super().sleep(seconds)
        if seconds >= 2.0:
            self.server.sandbox.faults = Faults()


async def test_an_unreachable_asp_api_is_retried_until_it_answers(
    sandbox: SandboxServer, small_world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Every ASP call answers 5xx at first: one plain warning, a 2 s wait, then the checks pass."""
    clock = HealingClock(sandbox)
    async with bot_on(sandbox, small_world, tmp_path, clock=clock, sync=False) as bot:
        sandbox.sandbox.faults = Faults(p5xx=1.0)
        said: list[str] = []
        with caplog.at_level(logging.WARNING, logger="bot.doctor"):
            await preflight(bot.runtime, slack_socket=None, clock=clock, say=said.append)
    assert 2.0 in clock.sleeps
    warnings = [r for r in caplog.records if r.name == "bot.doctor"]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()
    assert warnings[0].exc_info is None
    assert said == []  # the small world is fully described by bot.toml: no place warnings


async def test_waits_double_and_stop_after_the_allowed_attempts(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """Still down after 3 tries: waits of 2 and 4 s, then a plain ConfigError naming the check."""
    clock = FakeClock()
    async with bot_on(sandbox, small_world, tmp_path, clock=clock, sync=False) as bot:
        sandbox.sandbox.faults = Faults(p5xx=1.0)
        with pytest.raises(ConfigError, match="ASP API: list properties"):
            await preflight(bot.runtime, slack_socket=None, clock=clock, attempts=3)
    assert [s for s in clock.sleeps if s >= 2.0] == [2.0, 4.0]


async def test_start_warns_about_properties_without_a_place(
    sandbox: SandboxServer, small_world: World, tmp_path: Path
) -> None:
    """A bot.toml that leaves out Hotel B: the start-up prints one warning saying how to set it."""
    from core_helpers import config_for

    config = config_for(small_world)
    config.properties = [p for p in config.properties if p.name == "Hotel A"]
    async with bot_on(sandbox, small_world, tmp_path, config=config, sync=False) as bot:
        said: list[str] = []
        await preflight(bot.runtime, slack_socket=None, clock=FakeClock(), say=said.append)
    assert len(said) == 1 and "Hotel B" in said[0] and "set Hotel B country" in said[0]


def test_failures_are_classified_by_whose_fault() -> None:
    """Refused credentials stop the bot; lost connections are retried; the line says what to do."""
    from bot.clients.errors import Forbidden, ServerError, TransportError, Unauthorized

    assert cause_of(Unauthorized(401, "no")) == cause_of(Forbidden(403, "no")) == Cause.REFUSED
    assert (
        cause_of(TransportError(None, "x")) == cause_of(ServerError(503, "x")) == Cause.UNREACHABLE
    )
    assert cause_of(ConnectionRefusedError()) == Cause.UNREACHABLE
    assert cause_of(ValueError("x")) == Cause.NONE
    line = Check("Slack", Status.FAIL, "Slack answered 'invalid_auth'", "paste it again").line()
    assert line == "FAIL  Slack: Slack answered 'invalid_auth' \u2192 paste it again"


def test_socket_mode_logs_keep_the_message_and_drop_the_traceback() -> None:
    """The Slack client's `logger.exception` on a failed reconnect becomes one line."""
    handler = logging.StreamHandler()
    logging.getLogger().addHandler(handler)
    try:
        quiet_socket_mode_logs()
        quiet_socket_mode_logs()  # idempotent
        assert sum(isinstance(f, _OneLine) for f in handler.filters) == 1
    finally:
        logging.getLogger().removeHandler(handler)
    logger = logging.getLogger("slack_sdk.socket_mode.aiohttp")
    try:
        raise RuntimeError("invalid_auth")
    except RuntimeError:
        import sys

        record = logger.makeRecord(
            logger.name, logging.ERROR, __file__, 1, "reconnect failed %s", ("now",), sys.exc_info()
        )
    assert _OneLine().filter(record)
    assert record.exc_info is None
    assert record.getMessage() == "reconnect failed now (RuntimeError: invalid_auth)"
    own = logging.getLogger("bot.x").makeRecord("bot.x", logging.ERROR, __file__, 1, "m", (), None)
    assert _OneLine().filter(own) and own.getMessage() == "m"
