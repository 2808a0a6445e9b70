"""The lexicon of the demo world (its properties and room types, and the station catalog), for parser tests
that need the names the index would know, without a sandbox."""

from __future__ import annotations

from functools import lru_cache

from bot.core.understanding.lexicon import Lexicon, build_lexicon
from bot.sandbox.demo import DEMO_WORLD_PATH
from bot.sandbox.world import World


@lru_cache(maxsize=1)
def demo_world() -> World:
    return World.model_validate_json(DEMO_WORLD_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def demo_lexicon() -> Lexicon:
    world = demo_world()
    return build_lexicon(
        [p.name for p in world.properties],
        {t.name for p in world.properties for t in p.roomTypes},
    )


def demo_lexicon_with_rooms(*rooms: str) -> Lexicon:
    """The demo world's properties and room types, and these rooms (a hotel of the test's own)."""
    world = demo_world()
    return build_lexicon(
        [p.name for p in world.properties],
        {t.name for p in world.properties for t in p.roomTypes},
        room_names=rooms,
    )
