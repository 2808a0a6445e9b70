"""Recovery of changes a dead process left running: rows settled against Amazon, the change closed,
its author told in that conversation (posted, or shown with their next message); the schedule."""

from __future__ import annotations

from core_helpers import BotUnderTest, text_of

from bot.core.changes.recovery import recover
from bot.core.ledger.journal import Author, Planned
from bot.core.shared.replies import Reply, ReplyKind
from bot.sandbox.faults import FaultRule
from bot.sandbox.world import Station
from bot.scheduler import RECOVERY_JOB, start_recovery_job

A = "amzn1.alexa.unit.did."
JAZZ = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
POP = {"providerId": "I_HEART_RADIO", "stationId": "4422"}


class Poster:
    def __init__(self) -> None:
        self.posts: list[tuple[str, Reply]] = []

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        self.posts.append((channel, reply))
        return "ts-1"


def _interrupted(bot: BotUnderTest, platform: str, channel: str | None) -> int:
    """What a process killed mid-run leaves: a running change, 101 pending (its PUT went out and
    Amazon applied it), 102 still queued."""
    services = bot.runtime.services
    now = services.clock.now()
    change_id = services.audit.record(
        at=now, platform=platform, user="U1", channel=channel, text="set rooms 101, 102 at Hotel A to pop",
        command="SetStation", parsed="-", targets=[f"{A}A101", f"{A}A102"], outcome="running",
    )  # fmt: skip
    author = Author(platform, "U1", channel, "SetStation")
    planned = [Planned(f"{A}{n}", n[1:], "Hotel A", "station", POP) for n in ("A101", "A102")]
    first, _second = services.journal.queue(change_id, author, planned, now)
    services.journal.begin(first, JAZZ, now)
    bot.room("Hotel A", "101").station = Station(**POP)
    return change_id


async def test_an_interrupted_change_is_settled_closed_and_its_author_told(
    small_bot: BotUnderTest,
) -> None:
    """101 is read back (applied), 102 never started (not applied); the change closes as partial
    and the Slack notice is posted in its channel; `retry failed` then sets 102 and `undo` works."""
    change_id = _interrupted(small_bot, "slack", "C1")
    poster = Poster()
    report = await recover(small_bot.runtime.services, posters={"slack": poster})
    assert report.closed == [change_id] and report.posted == 1
    [(channel, notice)] = poster.posts
    assert channel == "C1"
    token = f"{change_id:06d}"
    assert (
        f"was interrupted: 1 applied, 1 not. Say `retry failed {token}` to finish it, or "
        f"`undo {token}` to put back the 1 room." in notice.headline
    )
    entry = small_bot.runtime.services.audit.get(change_id)
    assert entry is not None and entry.outcome == "partial"
    assert [c.state for c in entry.changes] == ["applied", "failed"]

    again = await small_bot.say("retry failed", user="U1", channel="C1", platform="slack")
    assert again.kind == ReplyKind.SUCCESS, text_of(again)
    assert small_bot.station("Hotel A", "102") == ("I_HEART_RADIO", "4422")
    assert not any("interrupted" in n for n in again.notes)  # already posted


async def test_without_a_poster_the_notice_comes_with_the_next_message(
    small_bot: BotUnderTest,
) -> None:
    """On the console (no way to post) the notice waits for the user's next message, once."""
    _interrupted(small_bot, "console", None)
    await recover(small_bot.runtime.services)
    reply = await small_bot.say("list properties", user="U1")
    assert any("was interrupted: 1 applied, 1 not" in n for n in reply.notes), text_of(reply)
    later = await small_bot.say("list properties", user="U1")
    assert not any("interrupted" in n for n in later.notes)


async def test_a_row_that_cannot_be_read_back_stays_unknown_until_a_later_check(
    small_bot: BotUnderTest,
) -> None:
    """Amazon unreachable for the read: the row is "not confirmed" and the next recovery (the
    schedule's) settles it."""
    change_id = _interrupted(small_bot, "console", None)
    small_bot.server.sandbox.faults.update(
        rules=[FaultRule("500", method="GET", path="settings", units=[f"{A}A101"])]
    )
    first = await recover(small_bot.runtime.services)
    assert first.still_unknown == 1
    small_bot.server.sandbox.faults.update(rules=[])
    second = await recover(small_bot.runtime.services)
    assert second.settled == 1 and second.still_unknown == 0
    entry = small_bot.runtime.services.audit.get(change_id)
    assert entry is not None and entry.changes[0].state == "applied"


async def test_the_recovery_job_runs_at_once_and_on_an_interval() -> None:
    """start_recovery_job runs the check now and schedules it every few minutes."""
    runs: list[int] = []

    async def job() -> None:
        runs.append(1)

    scheduler = await start_recovery_job(job, minutes=7)
    try:
        assert runs == [1]
        scheduled = scheduler.get_job(RECOVERY_JOB)
        assert scheduled is not None and scheduled.trigger.interval.total_seconds() == 7 * 60
    finally:
        scheduler.shutdown(wait=False)


async def test_a_change_another_live_process_is_running_is_left_alone(
    small_bot: BotUnderTest,
) -> None:
    """`bot sync` started while `bot serve` runs a change must not call that change interrupted:
    recovery skips changes whose process (host:pid in the entry) is alive."""
    import os
    import socket

    change_id = _interrupted(small_bot, "console", None)
    alive = f"running in process {socket.gethostname()}:{os.getppid()}"
    small_bot.runtime.services.audit.finish(change_id, "running", detail=alive)
    report = await recover(small_bot.runtime.services)
    assert report.closed == [] and report.settled == 0
    entry = small_bot.runtime.services.audit.get(change_id)
    assert entry is not None and entry.outcome == "running"
    assert [c.state for c in entry.changes] == ["pending", "queued"]
    dead = f"running in process {socket.gethostname()}:999999999"
    small_bot.runtime.services.audit.finish(change_id, "running", detail=dead)
    assert (await recover(small_bot.runtime.services)).closed == [change_id]
