"""Three `bot serve` replicas on one PostgreSQL (issue 18): the real processes, Slack over HTTP
(signed requests to each replica's /slack/events, the fake Slack Web API for their posts), the
sandbox as Amazon (ASP, and Alexa for Business for device health) with a rate limit and rotating
refresh tokens.

- `undo` sent to replica 3 0.1 s after a change sent to replica 1 undoes that change;
- the same delivery sent to two replicas is applied once;
- a digest slot: with device health on (AWS keys, Alexa for Business in the sandbox), two
  properties have a digest channel and a `digest_time` set in bot.toml to the minute the test
  starts in their own timezones (UTC, and one whose date differs from UTC's then), so each slot
  has just passed (a slot stays due for 6 hours) and falls due at the first tick of the
  procrastinate periodic task `digests` that a replica's worker defers: no clock of the test's,
  no hook in the bot. Each property's digest of its local day is posted once across the three
  replicas (one post carrying its marker in the fake Slack, one shared outbox row sent on the
  first attempt with that post's ts), and is still once at the end of the test, after a later
  `digests` tick has run on a replica that found it sent;
- a 2,000-room change asked on replica 1 and confirmed on replica 2 runs in chunks that every
  replica's worker claims; the replica holding chunks is SIGKILLed mid-run; the others take its
  chunks over (reading back its uncertain rooms) and close the change within a lease plus one sweep:
  every room settled once (the journal equals the sandbox's world), no room written twice, one
  notice for the author.

That each tick of the digests task is deferred once across replicas and run by one is
tests/test_scheduled_jobs_pg.py, and that the shared outbox posts a slot once under a race
tests/test_shared_stores.py; here it is the processes as deployed. Slow: three bot processes
syncing 2,000 rooms and a 30 s lease, about 1-2 minutes. Skips without BOT_TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import ExitStack, asynccontextmanager
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import psycopg
import pytest
from fake_slack import FakeSlack
from health_support import FAKE_AWS
from pg_support import fresh_database, needs_postgres
from slack_support import BOT_TOKEN, SECRET, command_body, sign

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Organization, Property, Room, RoomType, Station, World
from bot.scheduler import DIGESTS_JOB

pytestmark = [needs_postgres, pytest.mark.timeout(400)]

ORG = "amzn1.alexa.unit.did.REPLICAORG"
HOTEL = "Replica Hotel"
JAZZ = ("I_HEART_RADIO", "4242")
POP = Station(providerId="I_HEART_RADIO", stationId="4422")
ROCK = Station(providerId="I_HEART_RADIO", stationId="4802")
ROOMS = 2000
USER, CHANNEL = "U0ALICE", "C0DESK"
ANNEX = "Replica Annex"  # a second digest slot, on another local day than the hotel's (UTC)
DIGESTS = "C0HEALTH"  # both properties' digest channel
RUN_BOT = "from bot.cli import main; main()"


def uid(name: str) -> str:
    return f"amzn1.alexa.unit.did.{name}"


def annex_zone(started: datetime) -> str:
    """A timezone whose date at `started` is not UTC's: the day before before 10:00 UTC (UTC-10),
    the day after from then on (UTC+14), so the two slots are always of different local days."""
    return "Pacific/Honolulu" if started.hour < 10 else "Pacific/Kiritimati"


def replica_world(started: datetime) -> World:
    types = [
        RoomType(
            id=uid(f"T{t}"),
            name=f"Type {t}",
            rooms=[
                Room(id=uid(f"T{t}R{r}"), name=f"{t + 1}{r:02d}", station=ROCK if r % 2 else None)
                for r in range(100)
            ],
        )
        for t in range(ROOMS // 100)
    ]
    prop = Property(id=uid("P0"), name=HOTEL, country="US", timezone="UTC", roomTypes=types)
    annex = Property(
        id=uid("P1"), name=ANNEX, country="US", timezone=annex_zone(started),
        roomTypes=[RoomType(id=uid("A0"), name="Suite", rooms=[Room(id=uid("A0R0"), name="1")])],
    )  # fmt: skip
    world = World(organization=Organization(id=ORG), properties=[prop, annex])
    world.lwa.rotate_refresh_token = True
    return world


def bot_toml(started: datetime) -> str:
    """Both properties with a digest channel, each one's `digest_time` the minute `started` is in
    its own timezone: the slot of that local day has just passed when the replicas start, so it is
    due (for 6 hours) at the first `digests` tick."""
    blocks = []
    for name, zone in ((HOTEL, "UTC"), (ANNEX, annex_zone(started))):
        slot = started.astimezone(ZoneInfo(zone)).strftime("%H:%M")
        blocks.append(
            f'[[properties]]\nname = "{name}"\ncountry = "US"\ntimezone = "{zone}"\n'
            f'digest_channel = "{DIGESTS}"\ndigest_time = "{slot}"\n'
        )
    return "\n".join(blocks)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Replica:
    def __init__(self, n: int, process: asyncio.subprocess.Process, port: int, log: Path) -> None:
        self.n, self.process, self.port, self.log = n, process, port, log

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@asynccontextmanager
async def three_replicas(
    server: SandboxServer, world: World, fake: FakeSlack, url: str, folder: Path, started: datetime
) -> AsyncIterator[list[Replica]]:
    (folder / "bot.toml").write_text(bot_toml(started))
    lwa = world.lwa.clients[0]
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "AWS_", "BOT_"))}
    env = clean | {
        "ASP_API_URL": server.url,
        "LWA_TOKEN_URL": f"{server.url}/auth/o2/token",
        "ASP_ORGANIZATION_ID": ORG,
        "LWA_CLIENT_ID": lwa.client_id,
        "LWA_CLIENT_SECRET": lwa.client_secret,
        "LWA_REFRESH_TOKEN": lwa.refresh_tokens[0],
        "BOT_DATABASE_URL": url,
        "BOT_CONFIG": str(folder / "bot.toml"),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        # device health (its refresh and the digests) runs on the replicas' job queue
        "A4B_ENDPOINT_URL": server.url,
        **FAKE_AWS,
    }
    replicas: list[Replica] = []
    with ExitStack() as files:
        for n in (1, 2, 3):
            port, log = free_port(), folder / f"replica{n}.log"
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-c", RUN_BOT, "serve", "--host", "127.0.0.1", "--port", str(port),
                env=env | {"BOT_DB_PATH": str(folder / f"replica{n}.db")}, cwd=folder,
                stdout=files.enter_context(log.open("w")), stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
            replicas.append(Replica(n, process, port, log))
    try:
        async with httpx.AsyncClient(timeout=5) as http:
            for replica in replicas:
                await _until(partial(_healthy, http, replica), 240, f"replica {replica.n} up")
        yield replicas
    finally:
        for replica in replicas:
            if replica.process.returncode is None:
                replica.process.terminate()
        for replica in replicas:
            try:
                await asyncio.wait_for(replica.process.wait(), 30)
            except TimeoutError:
                replica.process.kill()
                await replica.process.wait()


async def _healthy(http: httpx.AsyncClient, replica: Replica) -> bool:
    if replica.process.returncode is not None:
        raise AssertionError(f"replica {replica.n} exited:\n{replica.log.read_text()}")
    try:
        return (await http.get(f"{replica.url}/healthz")).status_code == 200
    except httpx.HTTPError:
        return False


async def _until(done: Callable[[], Awaitable[bool]], within_s: float, what: str) -> float:
    start = time.monotonic()
    while time.monotonic() - start < within_s:
        if await done():
            return time.monotonic() - start
        await asyncio.sleep(0.2)
    raise AssertionError(f"not within {within_s} s: {what}")


async def say(
    http: httpx.AsyncClient, replica: Replica, fake: FakeSlack, text: str, trigger: str
) -> None:
    body = command_body(
        text, user=USER, channel=CHANNEL, trigger=trigger, response_url=fake.response_url(trigger)
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    answer = await http.post(f"{replica.url}/slack/events", content=body, headers=headers)
    assert answer.status_code == 200, answer.text


def query(url: str, sql: str, *args: object) -> list[tuple[object, ...]]:
    with psycopg.connect(url) as conn:
        return list(conn.execute(sql, args).fetchall())


def station_of(world: World, name: str) -> tuple[str, str] | None:
    for room_type in world.properties[0].roomTypes:
        for room in room_type.rooms:
            if room.name == name:
                return (room.station.providerId, room.station.stationId) if room.station else None
    raise KeyError(name)


async def test_three_replicas_share_changes_undo_deliveries_digest_slots_and_a_killed_replicas_chunks(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """What the module docstring lists, in that order on the same three replicas. The digest slots
    fall due as the replicas start: posted while the first two parts run, checked after them."""
    started = datetime.now(UTC)
    world = replica_world(started)
    sandbox.reset(world)
    fake = await FakeSlack().start()
    try:
        with fresh_database() as url:
            async with (
                three_replicas(sandbox, world, fake, url, tmp_path, started) as replicas,
                httpx.AsyncClient(timeout=30) as http,
            ):
                first, _, third = replicas
                await _undo_on_a_third_replica(http, fake, url, world, first, third)
                await _one_delivery_on_two_replicas(http, fake, url, sandbox, first, third)
                # settled before the kill: a post cut off by a SIGKILL is the outbox's retry, the
                # story of tests/test_digest_exactly_once.py, not of this one
                digests = await _one_digest_per_property_and_day(fake, url, started)
                await _chunked_change_with_a_replica_killed(
                    http, fake, url, sandbox, world, replicas
                )
                await _no_digest_posted_twice(fake, url, digests)
    finally:
        await fake.stop()


async def _undo_on_a_third_replica(
    http: httpx.AsyncClient, fake: FakeSlack, url: str, world: World, first: Replica, third: Replica
) -> None:
    await say(http, first, fake, f"set room 101 at {HOTEL} to pop", "t-set")
    await asyncio.sleep(0.1)
    await say(http, third, fake, "undo", "t-undo")

    async def both_done() -> bool:
        rows = query(url, "SELECT command, outcome, undoes FROM audit ORDER BY id")
        return len(rows) >= 2 and all(r[1] != "running" for r in rows)

    await _until(both_done, 60, "the change and its undo")
    (set_id, _), (undo_command, undoes) = (
        query(url, "SELECT id, command FROM audit WHERE command = 'SetStation' ORDER BY id")[0],
        query(url, "SELECT command, undoes FROM audit WHERE command = 'Undo'")[0],
    )
    assert undo_command == "Undo" and undoes == set_id
    assert station_of(world, "101") == ("I_HEART_RADIO", "4802")  # back on what it had


async def _one_delivery_on_two_replicas(
    http: httpx.AsyncClient,
    fake: FakeSlack,
    url: str,
    sandbox: SandboxServer,
    first: Replica,
    third: Replica,
) -> None:
    sandbox.sandbox.stats.reset()
    text = f"set room 103 at {HOTEL} to pop"
    await asyncio.gather(
        say(http, first, fake, text, "t-twice"), say(http, third, fake, text, "t-twice")
    )

    async def applied() -> bool:
        rows = query(url, "SELECT outcome FROM audit WHERE delivery_id LIKE %s", "%t-twice%")
        return bool(rows) and all(r[0] != "running" for r in rows)

    await _until(applied, 60, "the repeated delivery")
    await asyncio.sleep(1.0)
    changes = query(
        url,
        "SELECT id FROM audit WHERE delivery_id LIKE %s AND command = 'SetStation'",
        "%t-twice%",
    )
    assert len(changes) == 1
    assert sum(sandbox.sandbox.stats.snapshot()["station_puts"].values()) == 1


async def _chunked_change_with_a_replica_killed(
    http: httpx.AsyncClient,
    fake: FakeSlack,
    url: str,
    sandbox: SandboxServer,
    world: World,
    replicas: list[Replica],
) -> None:
    first, second, _ = replicas
    await say(http, first, fake, f"set all rooms at {HOTEL} to jazz", "t-all")
    await _until(
        lambda: _true(query(url, "SELECT 1 FROM confirmations")), 60, "the confirmation asked"
    )
    sandbox.sandbox.stats.reset()
    sandbox.faults.update(rps=100, per_operation=True)  # 2,000 rooms: about 20 s of writes
    await say(http, second, fake, "yes", "t-yes")
    change = await _the_big_change(url)

    async def some_settled() -> bool:
        done = query(
            url,
            "SELECT COUNT(*) FROM journal WHERE change_id = %s AND state = 'applied'",
            change,
        )
        return int(str(done[0][0])) >= 300

    await _until(some_settled, 120, "the change under way")
    holder = _holder_of_chunks(url, change, replicas)
    os.kill(holder.process.pid, signal.SIGKILL)
    await holder.process.wait()
    killed_at = time.monotonic()

    async def closed() -> bool:
        rows = query(url, "SELECT outcome FROM audit WHERE id = %s", change)
        return rows[0][0] != "running"

    await _until(closed, 120, "the change closed after the kill")
    settled_s = time.monotonic() - killed_at
    states = dict(
        (str(s), int(str(n)))
        for s, n in query(
            url, "SELECT state, COUNT(*) FROM journal WHERE change_id = %s GROUP BY state", change
        )
    )
    assert states == {"applied": ROOMS}, states
    rooms = [room for t in world.properties[0].roomTypes for room in t.rooms]
    assert all(r.station and (r.station.providerId, r.station.stationId) == JAZZ for r in rooms)
    puts = sandbox.sandbox.stats.snapshot()["station_puts"]
    assert len(puts) == ROOMS and max(puts.values()) == 1  # no room written twice
    notices = query(url, "SELECT text FROM notices WHERE change_id = %s", change)
    assert len(notices) == 1, notices
    assert settled_s <= 60 + 15, settled_s  # a lease (30 s) and a sweep, with a loaded machine

    async def notice_posted() -> bool:
        return any(f"#{change}" in str(c.params) for c in fake.of("chat.postMessage"))

    await _until(notice_posted, 60, "the notice posted")  # by one replica's recovery sweep
    await asyncio.sleep(1.0)
    posted = [c for c in fake.of("chat.postMessage") if f"#{change}" in str(c.params)]
    assert len(posted) == 1, [c.params for c in fake.of("chat.postMessage")]


async def _true(value: object) -> bool:
    return bool(value)


async def _the_big_change(url: str) -> int:
    found: list[int] = []

    async def opened() -> bool:
        rows = query(url, "SELECT change_id FROM change_chunks LIMIT 1")
        if rows:
            found.append(int(str(rows[0][0])))
        return bool(rows)

    await _until(opened, 60, "the confirmed change split into chunks")
    return found[0]


def _holder_of_chunks(url: str, change: int, replicas: list[Replica]) -> Replica:
    """The replica whose worker holds a running chunk of the change (the request's replica first)."""
    owners = [
        str(row[0])
        for row in query(
            url,
            "SELECT owner FROM change_chunks WHERE change_id = %s AND state = 'running'"
            " ORDER BY chunk",
            change,
        )
    ]
    pids = {int(owner.split(":")[1]) for owner in owners}
    for replica in (replicas[1], replicas[0], replicas[2]):  # the request's replica first
        if replica.process.pid in pids:
            return replica
    raise AssertionError(f"no replica holds a chunk: {owners}")


Outbox = list[tuple[object, ...]]
OUTBOX = (
    "SELECT property_id, local_date, channel, state, attempts, message_id, sent_at"
    " FROM digests_sent ORDER BY property_id"
)


def _digest_posts(fake: FakeSlack) -> list[tuple[str, str]]:
    """(channel, marker) of each digest posted through the fake Slack, one per chat.postMessage
    call: a digest carries `digest:<property id>:<local day>` in its metadata (posting.py)."""
    posts = []
    for call in fake.of("chat.postMessage"):
        metadata = call.params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
        marker = payload.get("marker") if isinstance(payload, dict) else None
        if isinstance(marker, str) and marker.startswith("digest:"):
            posts.append((str(call.params.get("channel")), marker))
    return sorted(posts)


def _ts_of(fake: FakeSlack, marker: str) -> str:
    """The ts the fake Slack gave the post carrying `marker` (what the outbox settles on)."""
    [ts] = [
        str(m["ts"])
        for m in fake.history.get(DIGESTS, [])
        if (m.get("metadata") or {}).get("event_payload", {}).get("marker") == marker
    ]
    return ts


async def _one_digest_per_property_and_day(fake: FakeSlack, url: str, started: datetime) -> Outbox:
    """Each property's slot of the day the test started in (its local day: the annex's is another
    date than the hotel's) is posted once to its digest channel, whichever replica's worker ran
    the `digests` tick, and settled in the shared outbox on the first attempt with that post's
    ts. Returns the outbox as it stands then."""
    days = {
        uid("P0"): started.date(),
        uid("P1"): started.astimezone(ZoneInfo(annex_zone(started))).date(),
    }
    assert len(set(days.values())) == 2  # a slot dated by UTC's day would be seen
    markers = sorted((DIGESTS, f"digest:{p}:{day.isoformat()}") for p, day in days.items())

    async def posted_and_settled() -> bool:
        settled = query(url, "SELECT 1 FROM digests_sent WHERE state = 'sent'")
        return len(_digest_posts(fake)) >= len(days) and len(settled) >= len(days)

    await _until(posted_and_settled, 120, "each property's digest posted and settled")
    assert _digest_posts(fake) == markers, _digest_posts(fake)
    outbox = query(url, OUTBOX)
    expected: list[tuple[str, date, str, str, int, str]] = [
        (p, day, DIGESTS, "sent", 1, _ts_of(fake, f"digest:{p}:{day.isoformat()}"))
        for p, day in sorted(days.items())
    ]
    assert [(r[0], date.fromisoformat(str(r[1])), *r[2:6]) for r in outbox] == expected, outbox
    names = {uid("P0"): HOTEL, uid("P1"): ANNEX}
    texts = [str(c.params.get("text")) for c in fake.of("chat.postMessage")]
    for p, day in days.items():  # the digest of that property and day, not another text
        assert sum(f"Device health for {names[p]}, {day.isoformat()}" in t for t in texts) == 1
    return outbox


async def _no_digest_posted_twice(fake: FakeSlack, url: str, outbox: Outbox) -> None:
    """A `digests` tick deferred after the last post ran (its job done and deleted: procrastinate
    keeps each task's latest tick, its job id cleared once the job is gone), on a replica that
    found the slots sent: still one post per property and day, the outbox unchanged."""
    sent_at = max(float(str(row[6])) for row in outbox)

    async def later_tick_ran() -> bool:
        ticks = query(
            url,
            "SELECT defer_timestamp FROM procrastinate_periodic_defers"
            " WHERE task_name = %s AND job_id IS NULL",
            DIGESTS_JOB,
        )
        return any(int(str(tick[0])) > sent_at for tick in ticks)

    await _until(later_tick_ran, 120, "a digests tick after the posts run")
    once = sorted((str(row[2]), f"digest:{row[0]}:{row[1]}") for row in outbox)
    assert _digest_posts(fake) == once, _digest_posts(fake)
    assert query(url, OUTBOX) == outbox
