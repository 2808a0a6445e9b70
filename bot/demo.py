"""`bot demo`: the sandbox with the demo world inside this process, an index synced from it, a console."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.runtime import Runtime, build_runtime
from bot.sandbox.demo import DEMO_WORLD_PATH
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World, load_world
from bot.settings import BotConfig, PropertyConfig, RolesConfig, Settings

DEMO_USER = "demo-admin"
DEMO_CHANNEL = "front-desk"

GREETING_EXAMPLES = [
    ("set room 204 station jazz", "this console is Harbor View Seattle's front desk"),
    ("what's playing in 204 at Rive Gauche Paris", "any hotel, by name"),
    ("set all rooms at Lakeside Chicago to classic rock", "asks before touching 100+ rooms"),
    ("offline devices", "what is down right now, since when"),
    ("help", "everything else"),
]


def world_config(
    world: World, *, admin: str, channel: str | None = None, digest_channels: bool = False
) -> BotConfig:
    """bot.toml for a sandbox world: every property with its country and timezone, `admin` an admin
    across the chain, everyone front desk; `channel` bound to the first property."""
    properties = [
        PropertyConfig(
            name=p.name,
            country=p.country,
            timezone=p.timezone,
            channels=[channel] if channel and i == 0 else [],
            digest_channel=f"ops-{i}" if digest_channels else None,
        )
        for i, p in enumerate(world.properties)
    ]
    return BotConfig(properties=properties, roles=RolesConfig(admin=[admin], front_desk=["*"]))


def demo_config(world_path: Path) -> BotConfig:
    return world_config(
        load_world(world_path), admin=DEMO_USER, channel=DEMO_CHANNEL, digest_channels=True
    )


def config_toml(config: BotConfig) -> str:
    """`world_config`'s result as the bot.toml text that loads back to it (its properties and roles)."""
    lines = ["# Written by `bot sandbox serve` for its world. Point BOT_CONFIG at this file.", ""]
    for prop in config.properties:
        lines += ["[[properties]]", f"name = {_toml(prop.name)}"]
        if prop.country is not None:
            lines.append(f"country = {_toml(prop.country)}")
        lines.append(f"timezone = {_toml(prop.timezone)}")
        if prop.channels:
            lines.append(f"channels = {_toml(prop.channels)}")
        if prop.digest_channel is not None:
            lines.append(f"digest_channel = {_toml(prop.digest_channel)}")
        lines.append("")
    if config.roles is not None:
        roles = config.roles
        lines += ["[roles]", f"admin = {_toml(roles.admin)}", f"engineer = {_toml(roles.engineer)}"]
        lines.append(f"front_desk = {_toml(roles.front_desk)}")
    return "\n".join(lines) + "\n"


def _toml(value: str | list[str]) -> str:
    # A JSON string (or list of strings) is a valid TOML basic string (or array): same escapes.
    return json.dumps(value, ensure_ascii=False)


@asynccontextmanager
async def demo_runtime(
    world_path: Path = DEMO_WORLD_PATH, *, db_dir: Path | None = None, latency_ms: float = 0.0
) -> AsyncIterator[tuple[Runtime, SandboxServer]]:
    """Start the sandbox, build the bot against it over real HTTP, sync; stop everything afterwards."""
    from bot.sandbox.faults import Faults

    world = load_world(world_path)
    server = SandboxServer(world, Faults(latency_ms=latency_ms))
    url = server.start()
    lwa = world.lwa.clients[0]
    # Alexa for Business is served by the same sandbox; it verifies SigV4, so sign with the key
    # pair its world accepts, whatever AWS keys the environment holds (they are not the sandbox's).
    fake_keys = {"AWS_ACCESS_KEY_ID": "sandbox", "AWS_SECRET_ACCESS_KEY": "sandbox"}
    saved = {
        name: os.environ.get(name) for name in (*fake_keys, "AWS_SESSION_TOKEN", "AWS_PROFILE")
    }
    for name in saved:
        os.environ.pop(name, None)
    os.environ.update(fake_keys)
    with tempfile.TemporaryDirectory(prefix="bot-demo-") as tmp:
        settings = Settings.model_validate(
            {
                "ASP_API_URL": url,
                "LWA_TOKEN_URL": f"{url}/auth/o2/token",
                "ASP_ORGANIZATION_ID": world.organization.id,
                "LWA_CLIENT_ID": lwa.client_id,
                "LWA_CLIENT_SECRET": lwa.client_secret,
                "LWA_REFRESH_TOKEN": lwa.refresh_tokens[0],
                "BOT_DB_PATH": str((db_dir or Path(tmp)) / "demo.db"),
                "A4B_ENDPOINT_URL": url,
                "CUSTOMER_PROFILES_ENDPOINT_URL": url,
                "CUSTOMER_PROFILES_DOMAIN": "hotel-guests",
            }
        )
        runtime = await build_runtime(settings, demo_config(world_path), local_admin=DEMO_USER)
        try:
            await runtime.sync()
            yield runtime, server
        finally:
            await runtime.aclose()
            server.stop()
            for name, value in saved.items():  # leave the process environment as it was
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
