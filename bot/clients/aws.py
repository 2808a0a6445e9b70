"""AWS JSON 1.1 client base: SigV4-signed `POST /` calls with `X-Amz-Target`, sent with httpx.

No AWS SDK ships Alexa for Business any more, so we sign with botocore's SigV4 signer and resolve
credentials with botocore's standard chain (environment, profiles, roles) ourselves. Retries follow
bot/clients/retry.py: the seed-004 throttling schedule under the caller's deadline and a bounded
retry of 5xx/transport failures for read operations. Errors are typed from the body's `__type`.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, ReadOnlyCredentials
from botocore.session import Session

from bot.clients import retry
from bot.clients.errors import (
    ApiError,
    BadRequest,
    DeadlineExceeded,
    Forbidden,
    NotFound,
    ServerError,
    Throttled,
    TransportError,
    Unauthorized,
)
from bot.clock import Clock, SystemClock

JSON_11 = "application/x-amz-json-1.1"

_THROTTLING_TYPES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
    }
)
_TYPE_TO_ERROR: dict[str, type[ApiError]] = {
    "NotFoundException": NotFound,
    "ResourceNotFoundException": NotFound,
    "UnauthorizedException": Forbidden,
    "AccessDeniedException": Forbidden,
    "UnrecognizedClientException": Unauthorized,
    "InvalidSignatureException": Unauthorized,
    "IncompleteSignatureException": Unauthorized,
    "MissingAuthenticationTokenException": Unauthorized,
    "ExpiredTokenException": Unauthorized,
    "InvalidClientTokenId": Unauthorized,
}


def short_error_type(raw: str | None) -> str | None:
    """`com.amazon...#NotFoundException:http://...` -> `NotFoundException` (`__type` forms)."""
    if not raw:
        return None
    return raw.rsplit("#", 1)[-1].split(":", 1)[0].strip() or None


def is_throttling(status: int, error_type: str | None) -> bool:
    """AWS JSON services throttle with 400 `ThrottlingException`, sometimes 429: both count."""
    return status == 429 or (error_type in _THROTTLING_TYPES)


def aws_error(
    status: int, body: Any, request_id: str | None, *, message_if_empty: str = ""
) -> ApiError:
    """The typed error for an AWS JSON error answer (`__type` first, the HTTP status second)."""
    raw_type: str | None = None
    message = message_if_empty
    if isinstance(body, dict):
        raw = body.get("__type") or body.get("code")
        raw_type = str(raw) if raw else None
        text = body.get("message") or body.get("Message")
        if text:
            message = str(text)
    error_type = short_error_type(raw_type)
    if error_type in _TYPE_TO_ERROR:
        return _TYPE_TO_ERROR[error_type](status, message, request_id, error_type)
    if is_throttling(status, error_type):
        return Throttled(status, message, request_id, error_type)
    if status >= 500:
        return ServerError(status, message, request_id, error_type)
    if status == 401:
        return Unauthorized(status, message, request_id, error_type)
    if status == 403:
        return Forbidden(status, message, request_id, error_type)
    if status == 404:
        return NotFound(status, message, request_id, error_type)
    if 400 <= status < 500:
        return BadRequest(status, message, request_id, error_type)
    return ApiError(status, message, request_id, error_type)


@dataclass
class AwsCallStats:
    """What a client sent, for tests and benchmarks (API-call budgets)."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    by_operation: Counter[str] = field(default_factory=Counter)

    def calls(self, operation: str) -> int:
        return self.by_operation[operation]


class AwsJsonClient:
    """Base for AWS JSON 1.1 services: sign, send, retry, type the errors.

    `credentials` is resolved lazily with botocore's default chain when not given, so building a
    client never touches the network (the chain may ask an instance-metadata endpoint last).
    """

    def __init__(
        self,
        endpoint_url: str,
        *,
        service: str,
        target_prefix: str,
        region: str = "us-east-1",
        credentials: Credentials | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        deadline_s: float | None = 300.0,
        timeout_s: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url.rstrip("/") + "/"
        self.service = service
        self.target_prefix = target_prefix
        self.region = region
        self._credentials = credentials
        self._clock: Clock = clock or SystemClock()
        self._deadline_s = deadline_s
        self._rng = rng or random.Random()
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout_s)
        self.stats = AwsCallStats()
        self.last_request_id: str | None = None

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AwsJsonClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    def _frozen_credentials(self) -> ReadOnlyCredentials:
        if self._credentials is None:
            found = Session().get_credentials()
            if found is None:
                raise Unauthorized(
                    None,
                    "no AWS credentials found (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, "
                    "a profile or a role)",
                    None,
                    "MissingCredentials",
                )
            self._credentials = found
        # refreshable credentials (roles) renew themselves here
        frozen: ReadOnlyCredentials = self._credentials.get_frozen_credentials()
        return frozen

    def signed_headers(self, operation: str, body: bytes) -> dict[str, str]:
        """The headers of one signed call (signed afresh: SigV4 signatures expire in 5 minutes)."""
        request = AWSRequest(
            method="POST",
            url=self.endpoint_url,
            data=body,
            headers={
                "Content-Type": JSON_11,
                "X-Amz-Target": f"{self.target_prefix}.{operation}",
            },
        )
        SigV4Auth(self._frozen_credentials(), self.service, self.region).add_auth(request)
        return {key: str(value) for key, value in request.headers.items()}

    async def call(
        self,
        operation: str,
        payload: dict[str, Any],
        *,
        deadline: float | None = None,
        idempotent: bool = True,
    ) -> dict[str, Any]:
        """Send one operation; retry throttling (seed-004 schedule) and, when idempotent, 5xx.

        `deadline` is in seconds from now (default: the client's); a wait that would pass it ends
        the call with Throttled (after throttling) or DeadlineExceeded.
        """
        limit = deadline if deadline is not None else self._deadline_s
        started = self._clock.monotonic()
        deadline_at = None if limit is None else started + limit
        body = json.dumps(payload, separators=(",", ":")).encode()
        throttle_waits = retry.throttle_delays()
        server_waits = retry.server_retry_delays(self._rng)
        while True:
            self.stats.requests += 1
            self.stats.by_operation[operation] += 1
            try:
                response = await self._http.post(
                    self.endpoint_url, content=body, headers=self.signed_headers(operation, body)
                )
            except httpx.TransportError as exc:
                failure: ApiError = TransportError(None, f"{operation}: {exc!r}")
                if not idempotent:
                    raise failure from exc
                await self._wait_or_raise(next(server_waits, None), deadline_at, started, failure)
                continue
            request_id = response.headers.get("x-amzn-requestid")
            self.last_request_id = request_id
            parsed = _json(response)
            if response.status_code < 300:
                return parsed if isinstance(parsed, dict) else {}
            error = aws_error(response.status_code, parsed, request_id)
            if isinstance(error, Throttled):
                self.stats.throttled += 1
                delay = next(throttle_waits)
                if not retry.fits_deadline(self._clock.monotonic(), delay, deadline_at):
                    raise Throttled(
                        error.status,
                        error.message,
                        request_id,
                        error.error_type,
                        waited_s=self._clock.monotonic() - started,
                        next_delay_s=delay,
                    )
                self.stats.retries += 1
                await self._clock.sleep(delay)
                continue
            if isinstance(error, ServerError) and idempotent:
                await self._wait_or_raise(next(server_waits, None), deadline_at, started, error)
                continue
            raise error

    async def _wait_or_raise(
        self, delay: float | None, deadline_at: float | None, started: float, error: ApiError
    ) -> None:
        if delay is None:
            raise error
        if not retry.fits_deadline(self._clock.monotonic(), delay, deadline_at):
            raise DeadlineExceeded(
                error.status,
                error.message,
                error.request_id,
                error.error_type,
                waited_s=self._clock.monotonic() - started,
            )
        self.stats.retries += 1
        await self._clock.sleep(delay)


def _json(response: httpx.Response) -> Any:
    if not response.content:
        return {}
    try:
        return response.json()
    except ValueError:
        return {"message": response.text[:200]}
