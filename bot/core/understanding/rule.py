"""A phrasing rule: patterns, the builder of its command, the examples the help shows, and who may use it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.commands import Command, Role

Builder = Callable[[re.Match[str]], Command | None]


@dataclass(frozen=True)
class Rule:
    topic: str
    summary: str
    patterns: tuple[re.Pattern[str], ...]
    build: Builder
    examples: tuple[str, ...]
    role: Role = Role.FRONT_DESK
    command: type[Command] = Command
