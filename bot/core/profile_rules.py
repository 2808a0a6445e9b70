"""Phrasings of the room-profile, user and guest-profile commands (seeds 000, 001, 002).

Commands defined here carry their own `async def execute(self, ctx) -> Reply`, which the engine calls.
"""

from __future__ import annotations

from bot.core.rule import Rule

PROFILE_RULES: tuple[Rule, ...] = ()
