"""LwaAuth: the refresh-token grant, caching, early refresh, shared refresh, rotation, errors."""

from __future__ import annotations

import asyncio
import random
from urllib.parse import parse_qs

import httpx
import pytest

from bot.clients.errors import ServerError, Unauthorized
from bot.clients.lwa import LwaAuth, StaticToken
from bot.clock import FakeClock

TOKEN_URL = "https://lwa.test/auth/o2/token"


class FakeLwa:
    """A scripted LWA token endpoint: answers come from `answers`, then the default one."""

    def __init__(self, expires_in: int = 3600, rotate_to: str | None = None) -> None:
        self.forms: list[dict[str, str]] = []
        self.answers: list[httpx.Response] = []
        self.expires_in = expires_in
        self.rotate_to = rotate_to
        self.delay = 0.0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        self.forms.append(form)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.answers:
            return self.answers.pop(0)
        body: dict[str, object] = {
            "access_token": f"Atza|{len(self.forms)}",
            "token_type": "bearer",
            "expires_in": self.expires_in,
        }
        if self.rotate_to:
            body["refresh_token"] = self.rotate_to
        return httpx.Response(200, json=body)


def make(fake: FakeLwa, clock: FakeClock, **kw: object) -> LwaAuth:
    return LwaAuth(
        "demo-client",
        "demo-secret",
        "Atzr|demo-refresh",
        TOKEN_URL,
        transport=httpx.MockTransport(fake),
        clock=clock,
        rng=random.Random(1),
        **kw,  # type: ignore[arg-type]
    )


async def test_refresh_grant_is_form_encoded_with_all_fields() -> None:
    """The token request is grant_type=refresh_token with the token and client credentials."""
    fake = FakeLwa()
    auth = make(fake, FakeClock())
    assert await auth.token() == "Atza|1"
    assert fake.forms == [
        {
            "grant_type": "refresh_token",
            "refresh_token": "Atzr|demo-refresh",
            "client_id": "demo-client",
            "client_secret": "demo-secret",
        }
    ]
    await auth.aclose()


async def test_token_is_cached_until_60_s_before_expiry() -> None:
    """The access token is reused until 60 s before it expires, then refreshed once."""
    fake, clock = FakeLwa(expires_in=3600), FakeClock()
    auth = make(fake, clock)
    assert await auth.token() == "Atza|1"
    clock.advance(3539)
    assert await auth.token() == "Atza|1"
    assert len(fake.forms) == 1
    clock.advance(1)
    assert await auth.token() == "Atza|2"
    assert auth.refreshes == 2
    await auth.aclose()


async def test_concurrent_callers_share_one_refresh() -> None:
    """Fifty callers that find no token make a single token request between them."""
    fake = FakeLwa()
    fake.delay = 0.01
    auth = make(fake, FakeClock())
    tokens = await asyncio.gather(*(auth.token() for _ in range(50)))
    assert set(tokens) == {"Atza|1"}
    assert len(fake.forms) == 1
    await auth.aclose()


async def test_invalidate_forces_a_refresh() -> None:
    """After invalidate() the next token() fetches a new access token."""
    fake = FakeLwa()
    auth = make(fake, FakeClock())
    await auth.token()
    await auth.invalidate()
    assert await auth.token() == "Atza|2"
    await auth.aclose()


async def test_rotated_refresh_token_is_kept_and_reported() -> None:
    """A new refresh token replaces the old one, is used next time and calls on_rotate."""
    fake, clock = FakeLwa(rotate_to="Atzr|rotated"), FakeClock()
    seen: list[str] = []
    auth = make(fake, clock, on_rotate=seen.append)
    await auth.token()
    assert auth.refresh_token == "Atzr|rotated"
    assert seen == ["Atzr|rotated"]
    await auth.invalidate()
    await auth.token()
    assert fake.forms[1]["refresh_token"] == "Atzr|rotated"
    assert seen == ["Atzr|rotated"]  # the same token again is not a rotation
    await auth.aclose()


async def test_refused_credentials_raise_unauthorized_with_login_hint() -> None:
    """LWA's invalid_grant (400) is Unauthorized, whose hint says to run `bot login`."""
    fake = FakeLwa()
    fake.answers.append(
        httpx.Response(
            400,
            json={
                "error": "invalid_grant",
                "error_description": "The request has an invalid grant",
            },
        )
    )
    auth = make(fake, FakeClock())
    with pytest.raises(Unauthorized) as info:
        await auth.token()
    assert info.value.error_type == "invalid_grant"
    assert "invalid grant" in info.value.message
    assert "bot login" in info.value.user_hint()
    await auth.aclose()


async def test_token_endpoint_5xx_is_retried_then_raised() -> None:
    """A 5xx from LWA is retried with backoff through the clock, then raised as ServerError."""
    fake, clock = FakeLwa(), FakeClock()
    fake.answers.extend(httpx.Response(503) for _ in range(4))
    auth = make(fake, clock)
    with pytest.raises(ServerError):
        await auth.token()
    assert len(fake.forms) == 4
    assert len(clock.sleeps) == 3
    await auth.aclose()


async def test_token_endpoint_recovers_after_one_5xx() -> None:
    """One 500 then a good answer gives a token."""
    fake, clock = FakeLwa(), FakeClock()
    fake.answers.append(httpx.Response(500))
    auth = make(fake, clock)
    assert await auth.token() == "Atza|2"
    await auth.aclose()


async def test_static_token_counts_invalidations() -> None:
    """StaticToken always gives its token; invalidate() is only counted."""
    static = StaticToken("t")
    await static.invalidate()
    assert await static.token() == "t"
    assert static.invalidations == 1
