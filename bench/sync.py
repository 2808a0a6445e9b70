"""Benchmark: full sync of a generated 20,000-room world through the real AspClient and sandbox.

40 properties x 10 room types x 50 rooms, 50 ms of added latency a request, concurrency 8; the
sandbox runs in a child process (the real API is remote: it must not share the client's GIL). Prints
the requests made against the minimum (one per started page of 50, one per empty list) and the wall
time against the bound `minimum x latency / concurrency`. Targets: requests == minimum, time <= 1.3
x bound.

    python bench/sync.py [--properties 40 --room-types 10 --rooms 50]
                         [--latency-ms 50 --concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import socket
import tempfile
import time
from math import ceil
from multiprocessing.connection import Connection
from pathlib import Path

from bot.clients.asp import AspClient
from bot.clients.lwa import StaticToken
from bot.index.lookup import Index
from bot.index.sync import full_sync
from bot.sandbox.faults import Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Organization, Property, Room, RoomType, World

ORG = "amzn1.alexa.unit.did.BENCHORG"


def _uid(name: str) -> str:
    return f"amzn1.alexa.unit.did.{name}"


def generate_world(properties: int, room_types: int, rooms: int) -> World:
    return World(
        organization=Organization(id=ORG),
        properties=[
            Property(
                id=_uid(f"P{p}"),
                name=f"Bench Hotel {p}",
                roomTypes=[
                    RoomType(
                        id=_uid(f"P{p}T{t}"),
                        name=f"Type {t}",
                        rooms=[
                            Room(id=_uid(f"P{p}T{t}R{r}"), name=f"{t + 1}{r:02d}")
                            for r in range(rooms)
                        ],
                    )
                    for t in range(room_types)
                ],
            )
            for p in range(properties)
        ],
    )


def minimum_requests(world: World) -> int:
    def pages(n: int) -> int:
        return max(1, ceil(n / 50))

    total = pages(len(world.properties))
    for prop in world.properties:
        total += pages(len(prop.roomTypes)) + sum(pages(len(t.rooms)) for t in prop.roomTypes)
    return total


def _ensure_nodelay(server: SandboxServer) -> bool:
    """Give the sandbox's listening socket TCP_NODELAY (accepted sockets inherit it on Linux); True
    when it was missing. Without it every keep-alive request waits ~40 ms for a delayed ACK, which
    would measure the kernel, not the sync."""
    uvicorn_server = getattr(server, "_server", None)
    missing = False
    for listener in getattr(uvicorn_server, "servers", []):
        for sock in listener.sockets:
            if not sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                missing = True
    return missing


def serve(args: argparse.Namespace, ready: Connection) -> None:
    """Child process: the sandbox, on its own interpreter so it does not share the client's GIL (the
    real API is remote). Sends the URL, then the served request count when told to stop."""
    world = generate_world(args.properties, args.room_types, args.rooms)
    with SandboxServer(world, Faults(latency_ms=args.latency_ms)) as server:
        patched = _ensure_nodelay(server)
        ready.send((server.url, world.lwa.static_tokens[0], patched))
        ready.recv()
        stats = server.sandbox.stats.requests
        ready.send(sum(n for key, n in stats.items() if "_sandbox" not in key))


async def run(args: argparse.Namespace) -> int:
    world = generate_world(args.properties, args.room_types, args.rooms)
    minimum = minimum_requests(world)
    bound = minimum * args.latency_ms / 1000 / args.concurrency
    here, there = multiprocessing.get_context("spawn").Pipe()
    child = multiprocessing.get_context("spawn").Process(target=serve, args=(args, there))
    child.start()
    try:
        url, token, patched = here.recv()
        with tempfile.TemporaryDirectory() as tmp:
            client = AspClient(url, StaticToken(token), max_concurrency=args.concurrency)
            index = Index(Path(tmp) / "bench.db")
            try:
                start = time.perf_counter()
                report = await full_sync(index, client, ORG, concurrency=args.concurrency)
                wall = time.perf_counter() - start
            finally:
                await client.aclose()
            counts = index.counts()
        here.send("stop")
        served = here.recv()
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.terminate()

    if patched:
        print(
            "note         the sandbox listener lacked TCP_NODELAY; the bench set it (fix server.py)"
        )

    rooms = args.properties * args.room_types * args.rooms
    print(
        f"world        {args.properties} properties x {args.room_types} room types x "
        f"{args.rooms} rooms = {rooms} rooms"
    )
    print(
        f"indexed      {counts.properties} properties, {counts.room_types} room types, "
        f"{counts.rooms} rooms"
    )
    print(
        f"requests     {report.requests} made (sandbox served {served}), minimum {minimum}"
        f"  -> {'OK' if report.requests == minimum == served else 'OVER'}"
    )
    ratio = wall / bound if bound else float("inf")
    print(
        f"wall time    {wall:.3f} s, bound {minimum} x {args.latency_ms:g} ms / "
        f"{args.concurrency} = {bound:.3f} s, ratio {ratio:.2f}"
        f"  -> {'OK' if ratio <= 1.3 else 'SLOW'} (target <= 1.30)"
    )
    ok = report.requests == minimum and ratio <= 1.3 and counts.rooms == rooms
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--properties", type=int, default=40)
    parser.add_argument("--room-types", type=int, default=10)
    parser.add_argument("--rooms", type=int, default=50)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=8)
    raise SystemExit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
