"""Shared builders for the conversation-core tests: a real Engine on a real sandbox over HTTP.

`bot_on(server, world, db_dir, ...)` swaps `world` into the (shared) sandbox server, builds the bot
with `bot.runtime.build_runtime` exactly as production does (LWA token exchange, AspClient, SQLite
index, audit log), syncs the index from the sandbox and yields a `BotUnderTest` whose `say()` sends
one chat message through `Engine.handle`. Nothing is mocked: every API call is HTTP to 127.0.0.1.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.clock import Clock, FakeClock
from bot.core.access.context import Message
from bot.core.shared.replies import Reply
from bot.runtime import Runtime, build_runtime
from bot.sandbox.faults import Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Room, World, WorldState
from bot.settings import BehaviourConfig, BotConfig, PropertyConfig, RolesConfig, Settings

# Mutating HTTP methods, as they appear at the start of the sandbox's per-route stats keys.
MUTATING = ("PUT ", "POST ", "DELETE ")


def settings_for(server: SandboxServer, world: World, db_path: Path) -> Settings:
    """Environment of a bot that talks to `server` with the world's LWA test client."""
    lwa = world.lwa.clients[0]
    return Settings.model_validate(
        {
            "ASP_API_URL": server.url,
            "LWA_TOKEN_URL": f"{server.url}/auth/o2/token",
            "ASP_ORGANIZATION_ID": world.organization.id,
            "LWA_CLIENT_ID": lwa.client_id,
            "LWA_CLIENT_SECRET": lwa.client_secret,
            "LWA_REFRESH_TOKEN": lwa.refresh_tokens[0],
            "BOT_DB_PATH": str(db_path),
            "A4B_ENDPOINT_URL": server.url,
        }
    )


def config_for(
    world: World,
    *,
    channels: Mapping[str, Iterable[str]] | None = None,
    roles: RolesConfig | None = None,
    **behaviour: Any,
) -> BotConfig:
    """bot.toml for `world`: every property with its world country, optional channel bindings
    ({property name: [channel ids]}), optional [roles], and [bot] knobs as keyword arguments."""
    channels = channels or {}
    props = [
        PropertyConfig(
            name=p.name,
            country=p.country,
            timezone=p.timezone,
            channels=list(channels.get(p.name, ())),
        )
        for p in world.properties
    ]
    return BotConfig(properties=props, roles=roles, bot=BehaviourConfig(**behaviour))


@dataclass
class BotUnderTest:
    """A running bot and the sandbox behind it, with shortcuts for tests."""

    runtime: Runtime
    server: SandboxServer
    clock: Clock
    replies: list[Reply] = field(default_factory=list)
    progress: list[Reply] = field(default_factory=list)
    progress_at: list[float] = field(
        default_factory=list
    )  # clock.monotonic() of each progress reply

    @property
    def engine(self) -> Any:
        return self.runtime.engine

    @property
    def state(self) -> WorldState:
        return self.server.state

    async def say(
        self,
        text: str,
        *,
        user: str = "alice",
        channel: str | None = None,
        platform: str = "console",
        request_id: str | None = None,
    ) -> Reply:
        """Send one message as `user`; progress replies are collected in `self.progress`."""

        async def sink(reply: Reply) -> None:
            self.progress.append(reply)
            self.progress_at.append(self.clock.monotonic())

        msg = Message(
            text=text, user=user, channel=channel, platform=platform, request_id=request_id
        )
        reply = await self.runtime.engine.handle(msg, sink)
        self.replies.append(reply)
        return reply

    def stats(self) -> dict[str, Any]:
        """The sandbox's request counters (same as GET /_sandbox/stats)."""
        return dict(self.server.sandbox.stats.snapshot())

    def reset_stats(self) -> None:
        self.server.sandbox.stats.reset()

    def mutating_requests(self) -> dict[str, int]:
        """Requests by route that could change something on the sandbox (PUT, POST, DELETE),
        not counting the LWA token endpoint."""
        return {
            key: n
            for key, n in self.stats()["requests"].items()
            if key.startswith(MUTATING) and "/auth/o2/token" not in key and n
        }

    def room(self, property_name: str, room_name: str) -> Room:
        """A room of the sandbox's live world, by property and room name."""
        for prop in self.state.world.properties:
            if prop.name != property_name:
                continue
            for room_type in prop.roomTypes:
                for room in room_type.rooms:
                    if room.name == room_name:
                        return room
        raise KeyError(f"no room {room_name} at {property_name}")

    def station(self, property_name: str, room_name: str) -> tuple[str, str] | None:
        """(providerId, stationId) of a room on the sandbox, or None when it has no station."""
        found = self.room(property_name, room_name).station
        return (found.providerId, found.stationId) if found else None

    def snapshot(self) -> str:
        """The sandbox's whole world as JSON, to prove that nothing changed."""
        return self.state.dump_json()


@asynccontextmanager
async def bot_on(
    server: SandboxServer,
    world: World,
    db_dir: Path,
    *,
    config: BotConfig | None = None,
    clock: Clock | None = None,
    local_admin: str | None = None,
    faults: Faults | None = None,
    sync: bool = True,
) -> AsyncIterator[BotUnderTest]:
    """A bot built by build_runtime on `server` serving `world` (swapped in), index synced.

    The default clock is a FakeClock, so retry backoffs and confirmation expiry cost no real time.
    """
    server.reset(world, faults)
    clock = clock or FakeClock()
    runtime = await build_runtime(
        settings_for(server, world, db_dir / "bot.db"),
        config or config_for(world),
        clock=clock,
        local_admin=local_admin,
        with_health=False,
    )
    try:
        if sync:
            await runtime.sync()
        server.sandbox.stats.reset()
        yield BotUnderTest(runtime, server, clock)
    finally:
        await runtime.aclose()


def text_of(reply: Reply) -> str:
    """Everything a person would read in a reply, as one string (for `in` checks)."""
    parts = [reply.headline, *(f"{k}: {v}" for k, v in reply.fields), *reply.notes]
    if reply.table is not None:
        parts += [" | ".join(reply.table.columns), *(" | ".join(row) for row in reply.table.rows)]
    parts += [f"{a.label} => {a.value}" for a in reply.actions]
    return "\n".join(parts)
