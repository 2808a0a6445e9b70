"""Parts the command modules (cmd_*.py) share: the name a phrasing captured, the pieces their
rephrasings are written with, and the adapters that make a handler of a plain function."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol, TypeVar

from bot.core.access.context import Ctx
from bot.core.shared import commands as c
from bot.core.shared.canonical import target_text
from bot.core.shared.registry import Handler
from bot.core.shared.replies import Reply


def name_of(text: str | None) -> str | None:
    """A captured name without quotes and spaces around it; None when nothing is left."""
    if text is None:
        return None
    cleaned = text.strip().strip("\"'`").strip()
    return cleaned or None


# "for the last 3 days", "48h", "2 weeks" after a device command
DAYS = r"(?:\s+(?:for\s+)?(?:the\s+)?(?:last\s+)?(?P<n>\d+)\s*(?P<unit>d|days?|h|hours?|w|weeks?))?"


def days_of(m: re.Match[str], default: int) -> int:
    if not m["n"]:
        return default
    n, unit = int(m["n"]), m["unit"].lower()
    if unit.startswith("h"):
        return max(1, -(-n // 24))
    if unit.startswith("w"):
        return n * 7
    return n


def hours_of(m: re.Match[str], default: int) -> int:
    if not m["n"]:
        return default
    n, unit = int(m["n"]), m["unit"].lower()
    return n if unit.startswith("h") else n * 24 * (7 if unit.startswith("w") else 1)


def where(name: str | None) -> str:
    return f" at {name}" if name else ""


def target_core(target: c.Target) -> str:
    """The target without its property, which the rephrasings put last ("… at Lakeside Chicago")."""
    return target_text(c.Target(**{**target.__dict__, "property_name": None}))


def with_token(word: str, token: str | None) -> str:
    return f"{word} {token}" if token else word


C = TypeVar("C", bound=c.Command)


class SelfExecuting(Protocol):
    """A command that carries its own handler."""

    async def execute(self, ctx: Ctx) -> Reply: ...


def sync_handler(fn: Callable[[Ctx, C], Reply]) -> Handler:
    """A handler from a synchronous function of (ctx, command)."""

    async def run(ctx: Ctx, command: C) -> Reply:
        return fn(ctx, command)

    return run


async def execute(ctx: Ctx, command: SelfExecuting) -> Reply:
    """Commands that carry their own handler (room profiles, users, object types, places)."""
    reply: Reply = await command.execute(ctx)
    return reply
