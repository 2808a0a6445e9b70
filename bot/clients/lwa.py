"""Login with Amazon: exchange the refresh token for access tokens, cache them, keep rotations.

One refresh at a time: concurrent callers that find the token expired wait on the same lock and then
reuse the token the first of them fetched, so a burst of 50 calls makes one token request, not 50.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from typing import Protocol

import httpx

from bot.clients.errors import (
    ApiError,
    ServerError,
    TransportError,
    Unauthorized,
    error_from_response,
)
from bot.clients.retry import Done, Resend, Throttle, Verdict, request_loop, retry_after_seconds
from bot.clock import Clock, SystemClock
from bot.json_types import JsonObject, JsonValue

DEFAULT_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
REFRESH_MARGIN_S = 60.0
DEFAULT_EXPIRES_IN_S = 3600.0


class TokenProvider(Protocol):
    async def token(self) -> str:
        """A bearer token valid now."""
        ...

    async def invalidate(self) -> None:
        """Forget the cached token (the API refused it); the next token() fetches a fresh one."""
        ...


class StaticToken:
    """A fixed token, for tests and for the sandbox; invalidation changes nothing but is counted."""

    def __init__(self, token: str) -> None:
        self._token = token
        self.invalidations = 0

    async def token(self) -> str:
        return self._token

    async def invalidate(self) -> None:
        self.invalidations += 1


async def post_token_form(
    http: httpx.AsyncClient,
    token_url: str,
    form: dict[str, str],
    *,
    clock: Clock,
    rng: random.Random,
) -> JsonObject:
    """POST a grant to the LWA token endpoint and return its JSON answer.

    Token grants are safe to resend (a refresh-token grant has no side effect worth protecting), so
    the shared retry rules apply in full (bot/clients/retry.py): 429s by seed 004's rule under the
    ambient deadline, 5xx and lost answers a few times. A 400/401 means the credentials are bad:
    Unauthorized, so staff are told to have an admin run `bot login`.
    """

    async def send(limit_s: float | None) -> httpx.Response:  # the client's own timeout
        return await http.post(token_url, data=form, headers={"Accept": "application/json"})

    def lost(exc: Exception) -> ApiError:
        return TransportError(None, f"LWA token endpoint unreachable: {exc!r}")

    async def classify(response: httpx.Response) -> Verdict[JsonObject]:
        if response.status_code == 429:
            return Throttle(
                error_from_response(response),
                retry_after_seconds(response.headers.get("retry-after"), clock.now()),
            )
        if response.status_code >= 500:
            error = error_from_response(response)
            return Resend(
                ServerError(error.status, error.message, error.request_id, error.error_type)
            )
        if response.status_code in (400, 401, 403):
            error = error_from_response(response)
            raise Unauthorized(
                response.status_code,
                error.message or "LWA refused the credentials",
                error.request_id,
                error.error_type,
            )
        if response.status_code != 200:
            raise error_from_response(response)
        try:
            body: JsonValue = response.json()
        except ValueError as exc:
            raise ApiError(200, "LWA token answer is not JSON") from exc
        if not isinstance(body, dict):
            raise ApiError(200, "LWA token answer is not a JSON object")
        return Done(body)

    return await request_loop(
        "POST /auth/o2/token",
        send=send,
        classify=classify,
        lost=lost,
        clock=clock,
        rng=rng,
        idempotent=True,
        lost_errors=(httpx.HTTPError,),
    )


class LwaAuth:
    """A TokenProvider backed by the LWA refresh-token grant."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        token_url: str = DEFAULT_TOKEN_URL,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        on_rotate: Callable[[str], None] | None = None,
        refresh_margin_s: float = REFRESH_MARGIN_S,
        timeout_s: float = 15.0,
        rng: random.Random | None = None,
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._refresh_token = refresh_token
        self._token_url = token_url
        self._clock: Clock = clock or SystemClock()
        self._on_rotate = on_rotate
        self._margin = refresh_margin_s
        self._rng = rng or random.Random()
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout_s)
        self._lock = asyncio.Lock()
        self._access_token: str | None = None
        self._expires_at = 0.0
        self.refreshes = 0

    @property
    def refresh_token(self) -> str:
        """The current refresh token (changes when LWA rotates it)."""
        return self._refresh_token

    def _fresh(self) -> str | None:
        if self._access_token and self._clock.monotonic() < self._expires_at - self._margin:
            return self._access_token
        return None

    async def token(self) -> str:
        cached = self._fresh()
        if cached:
            return cached
        async with self._lock:
            # Another caller may have refreshed while this one waited for the lock.
            cached = self._fresh()
            if cached:
                return cached
            return await self._refresh()

    async def invalidate(self) -> None:
        self._access_token = None
        self._expires_at = 0.0

    async def _refresh(self) -> str:
        body = await post_token_form(
            self._http,
            self._token_url,
            {
                "grant_type": "refresh_token",
                "refresh_token": self._refresh_token,
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            },
            clock=self._clock,
            rng=self._rng,
        )
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise ApiError(200, "LWA answer has no access_token")
        raw_expiry = body.get("expires_in", DEFAULT_EXPIRES_IN_S)
        try:
            expires_in = float(raw_expiry) if isinstance(raw_expiry, str | int | float) else None
        except ValueError:
            expires_in = None
        if expires_in is None:
            expires_in = DEFAULT_EXPIRES_IN_S
        self.refreshes += 1
        self._access_token = access
        self._expires_at = self._clock.monotonic() + expires_in
        rotated = body.get("refresh_token")
        if isinstance(rotated, str) and rotated and rotated != self._refresh_token:
            self._refresh_token = rotated
            if self._on_rotate is not None:
                self._on_rotate(rotated)
        return access

    async def aclose(self) -> None:
        await self._http.aclose()
