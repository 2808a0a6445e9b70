"""Which was asked last: one count for the confirmations that wait (bot/core/access/pending.py) and the
understanding's open questions (bot/core/understanding/followup.py), so a typed answer goes to the
newer of the two. Kept apart from both so that the understanding need not import the confirmations."""

from __future__ import annotations

import itertools

_ASKED = itertools.count(1)


def asked_order() -> int:
    return next(_ASKED)
