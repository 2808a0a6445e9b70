"""The sandbox's Amazon Connect Customer Profiles routes (seed 002): list, get and put profile
object types of a domain, REST-JSON, with the documented errors.

`mount(app_or_routes, source)` adds the routes to a Starlette app (or a route list). `source` is
where the live world is read at each request: a SandboxApp (whose `.state` changes when tests swap
worlds), a WorldState, or a function returning one. Like the A4B handler, an unsigned request is
refused; the signature itself is not verified.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from bot.json_types import JsonMapping, JsonObject, JsonValue, as_object
from bot.sandbox.aws_shapes import customer_profiles_model, request_problem
from bot.sandbox.profile_world import ProfileWorld, profile_world_of

LIST_PATH = "/domains/{DomainName}/object-types"
ITEM_PATH = "/domains/{DomainName}/object-types/{ObjectTypeName}"
_SUMMARY_KEYS = (
    "ObjectTypeName",
    "Description",
    "CreatedAt",
    "LastUpdatedAt",
    "MaxProfileObjectCount",
    "MaxAvailableProfileObjectCount",
    "Tags",
)
_TEMPLATE_OWNED = ("AllowProfileCreation", "SourceLastUpdatedTimestampFormat", "Fields", "Keys")
_WRITABLE = frozenset(
    {
        "Description",
        "TemplateId",
        "ExpirationDays",
        "EncryptionKey",
        "AllowProfileCreation",
        "SourceLastUpdatedTimestampFormat",
        "MaxProfileObjectCount",
        "Fields",
        "Keys",
        "Tags",
    }
)
_CONTENT_TYPES = ("STRING", "NUMBER", "PHONE_NUMBER", "EMAIL_ADDRESS", "NAME")


def _error(status: int, kind: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"Message": message}, status_code=status, headers={"x-amzn-ErrorType": kind}
    )


def _bad(message: str) -> JSONResponse:
    return _error(400, "BadRequestException", message)


def _signed(request: Request) -> bool:
    auth = request.headers.get("authorization", "")
    return (
        auth.startswith("AWS4-HMAC-SHA256 ")
        and "/profile/aws4_request" in auth
        and "Signature=" in auth
        and "x-amz-date" in request.headers
    )


def _token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"object-types|{offset}".encode()).decode()


def _offset(token: str) -> int | None:
    try:
        scope, _, offset = base64.urlsafe_b64decode(token.encode()).decode().partition("|")
        value = int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return value if scope == "object-types" and value >= 0 else None


def _validate_put(body: JsonMapping, available: int | None) -> str | None:
    """What seed 002 refuses in a PUT body, as a message; None when it is acceptable."""
    description = body.get("Description")
    if not isinstance(description, str) or not 1 <= len(description) <= 1000:
        return "Description is required and must be 1 to 1000 characters"
    if body.get("TemplateId"):
        sent = [k for k in _TEMPLATE_OWNED if k in body]
        if sent:
            return f"{', '.join(sent)} cannot be set when TemplateId is set"
    count = body.get("MaxProfileObjectCount")
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            return "MaxProfileObjectCount must be at least 1"
        if available is not None and count > available:
            return f"MaxProfileObjectCount exceeds MaxAvailableProfileObjectCount ({available})"
    expiration = body.get("ExpirationDays")
    if expiration is not None and (not isinstance(expiration, int) or not 1 <= expiration <= 1098):
        return "ExpirationDays must be between 1 and 1098"
    for name, spec in as_object(body.get("Fields")).items():
        if isinstance(spec, dict) and spec.get("ContentType") not in (None, *_CONTENT_TYPES):
            return f"Unsupported ContentType for field {name}"
    unknown = sorted(set(body) - _WRITABLE)
    if unknown:
        return f"Unknown parameters: {', '.join(unknown)}"
    return None


class CustomerProfilesRoutes:
    """The three object-type operations over the ProfileWorld of the live sandbox world."""

    def __init__(self, source: object, clock: Callable[[], float] | None = None) -> None:
        self._source = source
        self._clock = clock

    def _world(self) -> ProfileWorld:
        source = self._source
        if callable(source):
            source = source()
        state = getattr(source, "state", source)  # a SandboxApp holds the live WorldState
        return profile_world_of(state)

    def _now(self) -> float:
        if self._clock is not None:
            return self._clock()
        state = getattr(self._source, "state", self._source)
        now = getattr(state, "now", None)
        return float(now.timestamp()) if now is not None else 0.0

    def _count(self, key: str) -> None:
        stats = getattr(self._source, "stats", None)
        if stats is not None:
            stats.requests[key] += 1

    def handlers(self) -> list[tuple[str, str, Callable[[Request], Awaitable[Response]]]]:
        """(route template, method, handler) of each operation, for an app that adds its own
        counting and faults (the sandbox app does).
        """
        return [
            (LIST_PATH, "GET", self.list_object_types),
            (ITEM_PATH, "GET", self.get_object_type),
            (ITEM_PATH, "PUT", self.put_object_type),
        ]

    def routes(self) -> list[BaseRoute]:
        """Plain routes that count each request in the source's stats (no faults)."""
        return [
            Route(template, self._counted(f"{method} {template}", handler), methods=[method])
            for template, method, handler in self.handlers()
        ]

    def _counted(
        self, key: str, handler: Callable[[Request], Awaitable[Response]]
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            self._count(key)
            return await handler(request)

        return endpoint

    def _domain(self, request: Request) -> dict[str, JsonObject] | Response:
        if not _signed(request):
            return _error(
                403,
                "UnrecognizedClientException",
                "Missing or malformed AWS Signature Version 4 authentication",
            )
        domain = self._world().domains.get(request.path_params["DomainName"])
        if domain is None:
            return _error(404, "ResourceNotFoundException", "The domain was not found")
        return domain

    async def list_object_types(self, request: Request) -> Response:
        domain = self._domain(request)
        if isinstance(domain, Response):
            return domain
        raw_size = request.query_params.get("max-results", "100")
        try:
            size = int(raw_size)
        except ValueError:
            return _bad("max-results must be an integer between 1 and 100")
        if not 1 <= size <= 100:
            return _bad("max-results must be between 1 and 100")
        token = request.query_params.get("next-token")
        offset = 0
        if token:
            found = _offset(token)
            if found is None:
                return _bad("The next-token is not valid")
            offset = found
        items = sorted(domain.values(), key=lambda t: str(t["ObjectTypeName"]))
        page: list[JsonValue] = [
            {k: t[k] for k in _SUMMARY_KEYS if k in t} for t in items[offset : offset + size]
        ]
        answer: JsonObject = {"Items": page}
        if offset + size < len(items):
            answer["NextToken"] = _token(offset + size)
        return JSONResponse(answer)

    async def get_object_type(self, request: Request) -> Response:
        domain = self._domain(request)
        if isinstance(domain, Response):
            return domain
        found = domain.get(request.path_params["ObjectTypeName"])
        if found is None:
            return _error(404, "ResourceNotFoundException", "The object type was not found")
        return JSONResponse(copy.deepcopy(found))

    async def put_object_type(self, request: Request) -> Response:
        domain = self._domain(request)
        if isinstance(domain, Response):
            return domain
        try:
            body = json.loads(await request.body() or b"{}")
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _bad("The request body is not valid JSON")
        if not isinstance(body, dict):
            return _bad("The request body must be a JSON object")
        name = request.path_params["ObjectTypeName"]
        existing = domain.get(name)
        most = (existing or {}).get("MaxAvailableProfileObjectCount", 1000)
        available = most if isinstance(most, int) else None
        problem = request_problem(
            customer_profiles_model(), "PutProfileObjectType", body
        ) or _validate_put(body, available)
        if problem is None and existing is not None and "Tags" in body:
            # seed 002: "To add or remove tags on an existing ObjectType, see TagResource/UntagResource"
            problem = "Tags of an existing object type are changed with TagResource/UntagResource"
        if problem is not None:
            return _bad(problem)
        now = self._now()
        # A PUT replaces the whole definition: what is not sent is gone (hence read-modify-write).
        stored: JsonObject = {
            "ObjectTypeName": name,
            **copy.deepcopy(body),
            "MaxAvailableProfileObjectCount": available,
            "CreatedAt": (existing or {}).get("CreatedAt", now),
            **({"Tags": existing["Tags"]} if existing and existing.get("Tags") else {}),
            "LastUpdatedAt": now,
        }
        domain[name] = stored
        return JSONResponse(copy.deepcopy(stored))


def mount(app_or_routes: Starlette | list[BaseRoute], source: object) -> list[BaseRoute]:
    """Add the Customer Profiles routes to an app or a route list; returns the routes added."""
    routes = CustomerProfilesRoutes(source).routes()
    if isinstance(app_or_routes, list):
        app_or_routes.extend(routes)
    else:
        app_or_routes.router.routes.extend(routes)
    return routes
