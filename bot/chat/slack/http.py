"""Slack's HTTP route on the shared web application of `bot serve`: POST /slack/events (commands,
events, interactivity), acknowledged as soon as the signature checks out (the ack-then-work rule)."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Sequence

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.chat.slack.ack_first import AckedInOrder
from bot.chat.slack.app import shared_http_session

logger = logging.getLogger(__name__)

SLACK_EVENTS_PATH = "/slack/events"
SLACK_APP_KEY = web.AppKey("slack_app", AsyncApp)


def _needs_bolt_answer(raw_body: str) -> bool:
    """Slack requests whose answer carries a body: URL verification and SSL checks."""
    return '"url_verification"' in raw_body or raw_body.startswith("ssl_check=")


def _signed(verifier: SignatureVerifier, request: web.Request, raw_body: str) -> bool:
    """True when the request carries a valid, fresh Slack signature.

    A request without the headers (a scanner, a misconfigured proxy) is simply unauthenticated:
    slack_sdk would raise on the empty timestamp, which must not become a 500.
    """
    timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
    signature = request.headers.get("X-Slack-Signature", "")
    if not timestamp.strip().isdigit() or not signature:
        return False
    return verifier.is_valid(body=raw_body, timestamp=timestamp, signature=signature)


def mount_slack_events(
    app: web.Application, slack_app: AsyncApp, signing_secret: str | None
) -> None:
    """With `signing_secret`, Slack's requests are acknowledged here, as soon as their signature checks
    out, and handed to Bolt in the background: the bot's listeners only ever acknowledge with an empty
    200, and this skips Bolt's wait for `ack()` (it polls every 10 ms), which under a burst of
    commands is most of the acknowledgement time. URL verification still answers through Bolt."""
    app[SLACK_APP_KEY] = slack_app

    verifier = SignatureVerifier(signing_secret) if signing_secret else None
    acked = AckedInOrder()  # the ack-then-work rule, with the work in arrival order (ack_first.py)

    async def dispatch(raw_body: str, query: str, headers: dict[str, str | Sequence[str]]) -> None:
        try:
            # Parsed here, after the answer: the form and its JSON payload cost more than the
            # signature check, and under a burst every millisecond on the ack path is queued.
            bolt_request = AsyncBoltRequest(body=raw_body, query=query, headers=headers)
        except Exception:  # signed, yet not a body Slack sends: nothing to act on
            logger.warning("a signed Slack request with a body Bolt cannot read was dropped")
            return
        await slack_app.async_dispatch(bolt_request)

    async def slack_events(request: web.Request) -> web.Response:
        # The signature is checked on the raw bytes before anything parses the body: an
        # unsigned malformed body (`payload=%FF%FE`, `{not json`) is a 401, never a 500.
        raw = await request.read()
        text = raw.decode("utf-8", errors="replace")
        if verifier is not None and not _signed(verifier, request, text):
            return web.Response(status=401)
        if verifier is None or _needs_bolt_answer(text):
            try:
                bolt_request = await to_bolt_request(request)
            except Exception:  # signed, yet not a body Slack sends
                return web.Response(status=400)
            return await to_aiohttp_response(await slack_app.async_dispatch(bolt_request))
        # The ack path: verify, answer, schedule. Nothing else runs before the 200.
        headers: dict[str, str | Sequence[str]] = dict(request.headers)
        acked.acked(functools.partial(dispatch, text, request.query_string, headers))
        return web.Response(status=200)

    app.router.add_post(SLACK_EVENTS_PATH, slack_events)

    async def slack_session(_: web.Application) -> AsyncIterator[None]:
        async with shared_http_session(slack_app), acked.pumping():
            yield

    app.cleanup_ctx.append(slack_session)
