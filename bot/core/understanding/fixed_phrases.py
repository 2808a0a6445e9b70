"""Phrasings read before the entity-first parser: exact forms that buttons send and admins type,
which no command's phrasing hook reads (`mute alerts for <serial> for 1 hour`, `set digest channel here`,
`bind this channel to <property>`). One hook in bot/core/understanding/pipeline.py calls `fixed_command`.
"""

from __future__ import annotations

from bot.core.commands import Command


def fixed_command(text: str) -> Command | None:
    from bot.core.cmd_channel_settings import read_channel_setting  # registers on import
    from bot.core.cmd_mute_alerts import read_mute

    return read_mute(text) or read_channel_setting(text)
