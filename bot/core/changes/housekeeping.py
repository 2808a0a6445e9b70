"""Housekeeping of what the bot keeps but must not keep for ever (issue 20).

- The refused messages of unknown users are stored truncated (`REFUSED_TEXT_LIMIT` characters) and
  purged after `[bot] refused_retention_days` (30 by default): a stranger's text is kept long
  enough to see who knocked, not as an archive.
- Confirmations past their expiry are dropped from memory.

`housekeeping(services)` runs with the recovery job (at start, then every 5 minutes) of `bot run`
and `bot serve` (bot/serving.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.core.access.services import Services

log = logging.getLogger("bot.housekeeping")

REFUSED_TEXT_LIMIT = 500


def refused_text(text: str) -> str:
    """A refused message as the audit keeps it: at most REFUSED_TEXT_LIMIT characters."""
    if len(text) <= REFUSED_TEXT_LIMIT:
        return text
    return text[:REFUSED_TEXT_LIMIT] + "\u2026"


@dataclass(frozen=True)
class Purged:
    refused: int
    confirmations: int


def housekeeping(services: Services) -> Purged:
    """Purge refused messages past their retention and expired confirmations."""
    now = services.clock.now()
    days = services.config.bot.refused_retention_days
    refused = services.audit.purge_refused(now - timedelta(days=days))
    confirmations = services.pending.purge(now)
    if refused or confirmations:
        log.info(
            "purged %d refused messages older than %d days and %d expired confirmations",
            refused, days, confirmations,
        )  # fmt: skip
    return Purged(refused, confirmations)
