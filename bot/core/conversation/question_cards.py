"""Question cards: each question the bot asks with choices gets a token, which its buttons and menu
carry (`Message.card`), so a press on an old question card, one already answered, replaced by a
new question or expired, is told so instead of running its choice as a new request.

Kept apart from the question state itself (bot/core/understanding/followup.py): this only remembers which
question object a token was issued for, and compares it with the question open now.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict

from bot.core.shared.replies import Reply, ReplyKind

KEPT = 10_000
STALE = (
    "That question is no longer open (answered, replaced by a newer one, expired, or asked of "
    "someone else), so nothing was done. Send the request again if you still need it."
)


class QuestionCards:
    def __init__(self) -> None:
        self._issued: OrderedDict[str, tuple[object, object]] = OrderedDict()  # token -> (key, q)

    def issue(self, key: object, question: object) -> str:
        token = "q" + secrets.token_hex(4)
        self._issued[token] = (key, question)
        while len(self._issued) > KEPT:
            self._issued.popitem(last=False)
        return token

    def stale_press(self, token: str | None, key: object, open_now: object) -> Reply | None:
        """The answer to a press on question card `token` when that question is no longer the one
        open in this conversation; None when the press answers the open question (or `token` is
        not a question card's)."""
        if token is None or token not in self._issued:
            return None
        issued_key, question = self._issued[token]
        if issued_key == key and open_now is question:
            return None
        return Reply(headline=STALE, kind=ReplyKind.INFO, stale=True)
