"""Three `bot serve` replicas on one PostgreSQL (issue 18): the real processes, Slack over HTTP
(signed requests to each replica's /slack/events, the fake Slack Web API for their posts), the
sandbox as Amazon with a rate limit and rotating refresh tokens.

- `undo` sent to replica 3 0.1 s after a change sent to replica 1 undoes that change;
- the same delivery sent to two replicas is applied once;
- a 2,000-room change asked on replica 1 and confirmed on replica 2 runs in chunks that every
  replica's worker claims; the replica holding chunks is SIGKILLed mid-run; the others take its
  chunks over (reading back its uncertain rooms) and close the change within a lease plus one sweep:
  every room settled once (the journal equals the sandbox's world), no room written twice, one
  notice for the author.

Not covered here: a digest slot (the replicas run no device health). That each tick of the digests
task is deferred once across replicas and run by one is tests/test_scheduled_jobs_pg.py, and that
the shared outbox posts a slot once tests/test_shared_stores.py. Slow: three bot processes syncing 2,000 rooms and a 30 s lease, about
1-2 minutes. Skips without BOT_TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import ExitStack, asynccontextmanager
from functools import partial
from pathlib import Path

import httpx
import psycopg
import pytest
from fake_slack import FakeSlack
from pg_support import fresh_database, needs_postgres
from slack_support import BOT_TOKEN, SECRET, command_body, sign

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Organization, Property, Room, RoomType, Station, World

pytestmark = [needs_postgres, pytest.mark.timeout(400)]

ORG = "amzn1.alexa.unit.did.REPLICAORG"
HOTEL = "Replica Hotel"
JAZZ = ("I_HEART_RADIO", "4242")
POP = Station(providerId="I_HEART_RADIO", stationId="4422")
ROCK = Station(providerId="I_HEART_RADIO", stationId="4802")
ROOMS = 2000
USER, CHANNEL = "U0ALICE", "C0DESK"
RUN_BOT = "from bot.cli import main; main()"


def uid(name: str) -> str:
    return f"amzn1.alexa.unit.did.{name}"


def replica_world() -> World:
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
    world = World(organization=Organization(id=ORG), properties=[prop])
    world.lwa.rotate_refresh_token = True
    return world


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
    server: SandboxServer, world: World, fake: FakeSlack, url: str, folder: Path
) -> AsyncIterator[list[Replica]]:
    (folder / "bot.toml").write_text(
        f'[[properties]]\nname = "{HOTEL}"\ncountry = "US"\ntimezone = "UTC"\n'
    )
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


async def test_three_replicas_share_changes_undo_deliveries_and_a_killed_replicas_chunks(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    world = replica_world()
    sandbox.reset(world)
    fake = await FakeSlack().start()
    try:
        with fresh_database() as url:
            async with (
                three_replicas(sandbox, world, fake, url, tmp_path) as replicas,
                httpx.AsyncClient(timeout=30) as http,
            ):
                first, _, third = replicas
                await _undo_on_a_third_replica(http, fake, url, world, first, third)
                await _one_delivery_on_two_replicas(http, fake, url, sandbox, first, third)
                await _chunked_change_with_a_replica_killed(
                    http, fake, url, sandbox, world, replicas
                )
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
