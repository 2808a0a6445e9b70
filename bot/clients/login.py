"""The one-time LWA authorization-code sign-in behind `bot login`.

An ASP admin opens the printed URL, signs in, and Amazon redirects the browser to a tiny listener
on 127.0.0.1; the listener checks `state`, the code is exchanged at the token endpoint, and the
refresh token is returned for the caller to store or print. The listener is plain asyncio streams:
it serves one redirect and needs nothing else.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import webbrowser
from collections.abc import Callable
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import httpx

from bot.clients.errors import ApiError, InvalidInput
from bot.clients.lwa import DEFAULT_TOKEN_URL, post_token_form
from bot.clock import Clock, SystemClock

AUTHORIZE_BASE = "https://www.amazon.com/ap/oa"
SCOPE = "alexa::enterprise:management"
DEFAULT_REDIRECT = "http://127.0.0.1:9090/cb"


class LoginError(ApiError):
    """The sign-in was refused or abandoned in the browser."""

    def user_hint(self) -> str:
        return "The Amazon sign-in did not complete; run `bot login` again and approve the access."


def authorize_url(
    client_id: str,
    redirect_uri: str,
    state: str,
    scope: str = SCOPE,
    base: str = AUTHORIZE_BASE,
) -> str:
    """The LWA authorize URL an admin opens to grant the bot access."""
    query = urlencode(
        {
            "client_id": client_id,
            "scope": scope,
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{base}?{query}"


_PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><title>bot login</title></head>"
    "<body><p>{text}</p></body></html>"
)


async def _read_request_target(reader: asyncio.StreamReader) -> str | None:
    request_line = await reader.readline()
    parts = request_line.decode("latin-1").split()
    # Drain the headers so the browser is not reset before reading our answer.
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
    if len(parts) < 2 or parts[0] != "GET":
        return None
    return parts[1]


async def _answer(writer: asyncio.StreamWriter, status: str, text: str) -> None:
    body = _PAGE.format(text=text).encode()
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode()
    writer.write(head + body)
    try:
        await writer.drain()
    finally:
        writer.close()


async def _wait_for_code(
    host: str, port: int, path: str, state: str, on_listening: Callable[[int], None]
) -> str:
    """Serve the redirect until one request to `path` carries the right state; return its code."""
    loop = asyncio.get_running_loop()
    outcome: asyncio.Future[str] = loop.create_future()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            target = await _read_request_target(reader)
        except (ConnectionError, asyncio.IncompleteReadError):
            writer.close()
            return
        if target is None or urlsplit(target).path != path:
            await _answer(writer, "404 Not Found", "Not found.")
            return
        query = parse_qs(urlsplit(target).query)
        got_state = query.get("state", [""])[0]
        # Without our state it is not the admin's redirect (a stale tab, another site): ignore it.
        if not secrets.compare_digest(got_state, state):
            await _answer(writer, "400 Bad Request", "This sign-in link is stale; start again.")
            return
        if "error" in query:
            detail = query.get("error_description", query["error"])[0]
            await _answer(writer, "200 OK", "Sign-in was not completed. You can close this tab.")
            if not outcome.done():
                outcome.set_exception(LoginError(None, f"LWA refused the sign-in: {detail}"))
            return
        code = query.get("code", [""])[0]
        if not code:
            await _answer(writer, "400 Bad Request", "The redirect carried no code.")
            return
        await _answer(writer, "200 OK", "The bot is signed in. You can close this tab.")
        if not outcome.done():
            outcome.set_result(code)

    server = await asyncio.start_server(handle, host, port)
    try:
        bound_port = int(server.sockets[0].getsockname()[1])
        on_listening(bound_port)
        return await outcome
    finally:
        server.close()
        await server.wait_closed()


async def run_login(
    client_id: str,
    client_secret: str,
    token_url: str = DEFAULT_TOKEN_URL,
    *,
    redirect_uri: str = DEFAULT_REDIRECT,
    open_browser: bool = False,
    printer: Callable[[str], None] = print,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
    timeout_s: float = 600.0,
    state: str | None = None,
    authorize_base: str = AUTHORIZE_BASE,
) -> str:
    """Run the authorization-code sign-in and return the refresh token.

    `redirect_uri` must be an allowed return URL of the LWA security profile. Port 0 picks a free
    port (tests only: a real profile needs a fixed one).
    """
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or not parts.hostname or parts.port is None:
        raise InvalidInput(
            "The login redirect must look like http://127.0.0.1:9090/cb.", field="redirect_uri"
        )
    state = state or secrets.token_urlsafe(24)
    host = parts.hostname
    path = parts.path or "/"
    final_redirect = redirect_uri

    def announce(port: int) -> None:
        nonlocal final_redirect
        netloc = f"{host}:{port}"
        final_redirect = urlunsplit((parts.scheme, netloc, path, "", ""))
        url = authorize_url(client_id, final_redirect, state, base=authorize_base)
        printer(f"Open this URL in a browser and sign in as an ASP administrator:\n{url}")
        if open_browser:
            webbrowser.open(url)

    try:
        code = await asyncio.wait_for(
            _wait_for_code(host, parts.port, path, state, announce), timeout=timeout_s
        )
    except TimeoutError as exc:
        raise LoginError(None, "no sign-in arrived before the time limit") from exc

    async with httpx.AsyncClient(transport=transport, timeout=15.0) as http:
        body = await post_token_form(
            http,
            token_url,
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": final_redirect,
                "client_id": client_id,
                "client_secret": client_secret,
            },
            clock=clock or SystemClock(),
            rng=random.Random(),
        )
    refresh = body.get("refresh_token")
    if not isinstance(refresh, str) or not refresh:
        raise LoginError(None, "LWA's answer carried no refresh token")
    printer("Signed in: LWA returned a refresh token.")
    return refresh
