"""Turning failures into one plain sentence for hotel staff (never a stack trace)."""

from __future__ import annotations

from bot.clients.errors import ApiError


def describe_error(error: BaseException) -> str:
    if isinstance(error, ApiError):
        hint = error.user_hint()
        return f"{hint} (Amazon request id {error.request_id})" if error.request_id else hint
    if isinstance(error, TimeoutError):
        return "Amazon did not answer in time; try again in a minute."
    return "an unexpected error on our side; try again, and tell an engineer if it repeats."
