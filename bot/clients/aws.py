"""AWS JSON 1.1 client base: SigV4-signed `POST /` calls with `X-Amz-Target`, sent with httpx.

No AWS SDK ships Alexa for Business any more, so we sign with botocore's SigV4 signer and resolve
credentials with botocore's standard chain (environment, profiles, roles) ourselves. Retries follow
bot/clients/retry.py, shared with the ASP and LWA clients: the seed-004 throttling schedule (a 400
`ThrottlingException` is throttling too) under the command's deadline or none for background work,
and a bounded retry of 5xx/transport failures for idempotent operations. Errors are typed from the
body's `__type`.
"""

from __future__ import annotations

import json
import os
import random
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, Self, TypedDict, TypeVar
from urllib.parse import urlencode

import httpx
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, ReadOnlyCredentials
from botocore.session import Session
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_pascal

from bot.clients import retry
from bot.clients.errors import (
    ApiError,
    BadRequest,
    Forbidden,
    InvalidInput,
    NotFound,
    ServerError,
    Throttled,
    TransportError,
    Unauthorized,
)
from bot.clock import Clock, SystemClock
from bot.json_types import JsonMapping, JsonObject, JsonValue

JSON_11 = "application/x-amz-json-1.1"
REST_JSON = "application/json"
DEFAULT_REGION = "us-east-1"

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


_READ_PREFIXES = ("Get", "List", "Search", "Describe", "BatchGet")


def is_mutating_operation(operation: str) -> bool:
    """Whether an AWS JSON operation changes something (so a lost answer may hide a change)."""
    return not operation.startswith(_READ_PREFIXES)


def short_error_type(raw: str | None) -> str | None:
    """`com.amazon...#NotFoundException:http://...` -> `NotFoundException` (`__type` forms)."""
    if not raw:
        return None
    return raw.rsplit("#", 1)[-1].split(":", 1)[0].strip() or None


def is_throttling(status: int, error_type: str | None) -> bool:
    """AWS JSON services throttle with 400 `ThrottlingException`, sometimes 429: both count."""
    return status == 429 or (error_type in _THROTTLING_TYPES)


def aws_error(
    status: int, body: JsonValue, request_id: str | None, *, message_if_empty: str = ""
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


class AwsModel(BaseModel):
    """AWS spells fields in PascalCase; unknown fields are ignored so new ones never break us."""

    model_config = ConfigDict(alias_generator=to_pascal, populate_by_name=True, extra="ignore")


class _Paged(Protocol):
    @property
    def next_token(self) -> str | None: ...


PageT = TypeVar("PageT", bound=_Paged)
ItemT = TypeVar("ItemT")


async def follow_pages(
    fetch: Callable[[str | None], Awaitable[PageT]],
    items: Callable[[PageT], list[ItemT]],
    *,
    limit: int | None = None,
    keep: Callable[[ItemT], bool] | None = None,
) -> list[ItemT]:
    """Every item of a NextToken-paged listing: `fetch(token)` gets one page.

    Stops after `limit` items, or at the first item `keep` refuses (listings sorted newest first
    need not be read past the oldest wanted item).
    """
    found: list[ItemT] = []
    if limit is not None and limit <= 0:
        return found
    token: str | None = None
    while True:
        page = await fetch(token)
        for item in items(page):
            if keep is not None and not keep(item):
                return found
            found.append(item)
        token = page.next_token
        if not token or (limit is not None and len(found) >= limit):
            return found if limit is None else found[:limit]


def default_region() -> str:
    return os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION


@dataclass
class AwsCallStats:
    """What a client sent, for tests and benchmarks (API-call budgets)."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    by_operation: Counter[str] = field(default_factory=Counter)

    def calls(self, operation: str) -> int:
        return self.by_operation[operation]


class AwsClientOptions(TypedDict, total=False):
    """The keyword options every AWS client takes (its own constructor adds what it needs)."""

    region: str | None
    credentials: Credentials | None
    transport: httpx.AsyncBaseTransport | None
    clock: Clock | None
    deadline_s: float | None
    timeout_s: float
    rng: random.Random | None


class AwsJsonClient:
    """Base for AWS JSON services: sign, send, retry, type the errors.

    Subclasses name their service in `SERVICE` / `TARGET_PREFIX` and their default endpoint in
    `default_endpoint`; both AWS JSON 1.1 (`call`) and REST-JSON (`rest`) requests go through one
    request loop, `_send`, so only the building of the request differs between protocols.
    `credentials` is resolved lazily with botocore's default chain when not given, so building a
    client never touches the network (the chain may ask an instance-metadata endpoint last).
    """

    SERVICE: ClassVar[str] = ""
    TARGET_PREFIX: ClassVar[str] = ""

    def __init__(
        self,
        endpoint_url: str | None = None,
        *,
        service: str | None = None,
        target_prefix: str | None = None,
        region: str | None = None,
        credentials: Credentials | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        deadline_s: float | None = 300.0,
        timeout_s: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        self.region = region or self.default_region()
        self.endpoint_url = (endpoint_url or self.default_endpoint(self.region)).rstrip("/") + "/"
        self.service = service or self.SERVICE
        self.target_prefix = self.TARGET_PREFIX if target_prefix is None else target_prefix
        self._credentials = credentials
        self._clock: Clock = clock or SystemClock()
        self._deadline_s = deadline_s
        self._rng = rng or random.Random()
        self._timeout_s = timeout_s
        self._http = httpx.AsyncClient(transport=transport, timeout=timeout_s)
        self.stats = AwsCallStats()
        self.last_request_id: str | None = None

    @classmethod
    def default_region(cls) -> str:
        """The region when none is given: `AWS_DEFAULT_REGION`, else us-east-1."""
        return default_region()

    @classmethod
    def default_endpoint(cls, region: str) -> str:
        """The endpoint when none is given (subclasses read their own environment variable)."""
        if not cls.SERVICE:
            raise InvalidInput("an endpoint URL is required", field="endpoint_url")
        return f"https://{cls.SERVICE}.{region}.amazonaws.com"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
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

    def _sign(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str]
    ) -> dict[str, str]:
        request = AWSRequest(method=method, url=url, data=body or b"", headers=dict(headers))
        SigV4Auth(self._frozen_credentials(), self.service, self.region).add_auth(request)
        return {key: str(value) for key, value in request.headers.items()}

    def signed_headers(self, operation: str, body: bytes) -> dict[str, str]:
        """The headers of one signed AWS JSON call (signed afresh: signatures expire in 5 min)."""
        return self._sign(
            "POST",
            self.endpoint_url,
            body,
            {"Content-Type": JSON_11, "X-Amz-Target": f"{self.target_prefix}.{operation}"},
        )

    async def call(
        self,
        operation: str,
        payload: JsonMapping,
        *,
        deadline: float | None = None,
        idempotent: bool = True,
    ) -> JsonObject:
        """Send one AWS JSON 1.1 operation (`POST /` with `X-Amz-Target`).

        Throttling is retried on the seed-004 schedule and, when idempotent, 5xx too. `deadline`
        is in seconds from now (default: the client's); a wait that would pass it ends the call
        with Throttled (after throttling) or DeadlineExceeded.
        """
        body = json.dumps(payload, separators=(",", ":")).encode()
        return await self._send(
            operation,
            "POST",
            self.endpoint_url,
            body,
            lambda: self.signed_headers(operation, body),
            deadline=deadline,
            idempotent=idempotent,
            mutating=is_mutating_operation(operation),
        )

    async def rest(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        query: Mapping[str, str] | None = None,
        body: JsonMapping | None = None,
        deadline: float | None = None,
    ) -> JsonObject:
        """One REST-JSON call (the operation is the method and path); 5xx retried for GET/PUT."""
        url = self.endpoint_url.rstrip("/") + path
        if query:
            url += "?" + urlencode(sorted(query.items()))
        content = json.dumps(body, separators=(",", ":")).encode() if body is not None else None
        headers = {"Content-Type": REST_JSON} if content is not None else {}
        return await self._send(
            operation,
            method,
            url,
            content,
            lambda: self._sign(method, url, content, headers),
            deadline=deadline,
            idempotent=retry.is_retryable_method(method),
            mutating=method.upper() != "GET",
        )

    async def _send(
        self,
        operation: str,
        method: str,
        url: str,
        content: bytes | None,
        sign: Callable[[], dict[str, str]],
        *,
        deadline: float | None,
        idempotent: bool,
        mutating: bool,
    ) -> JsonObject:
        """One call through the shared request loop (bot/clients/retry.py); this client's parts are
        sending and reading: `sign` is called for every attempt (a resend after a long throttling
        wait needs a fresh signature), and an answer is typed by AWS's error shape.
        """

        async def send(limit_s: float | None) -> httpx.Response:
            self.stats.requests += 1
            self.stats.by_operation[operation] += 1
            return await self._http.request(
                method, url, content=content, headers=sign(), timeout=limit_s
            )

        def lost(exc: Exception) -> ApiError:
            sent = not isinstance(exc, httpx.ConnectError)
            return TransportError(None, f"{operation}: {exc!r}", may_have_applied=mutating and sent)

        async def classify(response: httpx.Response) -> retry.Verdict[JsonObject]:
            request_id = response.headers.get("x-amzn-requestid")
            self.last_request_id = request_id
            parsed = _json(response)
            if response.status_code < 300:
                return retry.Done(parsed if isinstance(parsed, dict) else {})
            error = aws_error(response.status_code, _with_error_type(parsed, response), request_id)
            if isinstance(error, Throttled):
                self.stats.throttled += 1
                # AWS may say how long to wait: it lengthens the seed's step, never shortens it
                return retry.Throttle(
                    error,
                    retry.retry_after_seconds(
                        response.headers.get("retry-after"), self._clock.now()
                    ),
                )
            if isinstance(error, ServerError):
                error.may_have_applied = mutating
                return retry.Resend(error)
            raise error

        def resent() -> None:
            self.stats.retries += 1

        return await retry.request_loop(
            operation,
            send=send,
            classify=classify,
            lost=lost,
            clock=self._clock,
            rng=self._rng,
            idempotent=idempotent,
            deadline_s=deadline,
            default_deadline_s=self._deadline_s,
            timeout_s=self._timeout_s,
            on_resend=resent,
        )


def _json(response: httpx.Response) -> JsonValue:
    if not response.content:
        return {}
    try:
        parsed: JsonValue = response.json()
    except ValueError:
        return {"message": response.text[:200]}
    return parsed


def _with_error_type(parsed: JsonValue, response: httpx.Response) -> JsonValue:
    """REST-JSON names the error in `x-amzn-ErrorType`; the shared typing reads `__type`."""
    header = response.headers.get("x-amzn-errortype")
    if header and isinstance(parsed, dict) and "__type" not in parsed:
        return {**parsed, "__type": header}
    return parsed
