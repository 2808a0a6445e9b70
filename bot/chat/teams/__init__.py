"""Microsoft Teams adapter on the Microsoft 365 Agents SDK: /api/messages, Adaptive Cards, digests.

`teams_enabled` and `build_teams_package` load without the SDK (it takes over a second to
import); the rest is imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from bot.chat.teams.config import teams_enabled
from bot.chat.teams.package import TeamsPackageError, build_teams_package

if TYPE_CHECKING:
    from bot.chat.teams.digest import TeamsDigestPoster, UnknownTeamsConversation
    from bot.chat.teams.host import MESSAGES_PATH, teams_setup

_LAZY = {
    "TeamsDigestPoster": "bot.chat.teams.digest",
    "UnknownTeamsConversation": "bot.chat.teams.digest",
    "MESSAGES_PATH": "bot.chat.teams.host",
    "teams_setup": "bot.chat.teams.host",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MESSAGES_PATH",
    "TeamsDigestPoster",
    "TeamsPackageError",
    "UnknownTeamsConversation",
    "build_teams_package",
    "teams_enabled",
    "teams_setup",
]
