"""The sandbox's Starlette app: seeds 004 and 003, LWA, and routing of A4B calls.

Every route is registered through `SandboxApp._route`, which counts it in the stats under its
template, applies faults (API routes only), checks the bearer token and only then runs the
handler. A pure ASGI middleware stamps every answer, including 404s of unknown paths, with a
unique `X-Amzn-RequestId`.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
import math
import re
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal, TypedDict
from urllib.parse import parse_qsl, urlencode

import anyio
import anyio.lowlevel
from starlette.applications import Starlette
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.clock import Clock, SystemClock
from bot.json_types import JsonMapping, JsonObject
from bot.sandbox import aws_handlers, customer_profiles, endpoints
from bot.sandbox.faults import Faults, RequestKey, Verdict
from bot.sandbox.sigv4 import SignatureProblem, check_signature
from bot.sandbox.world import (
    STATION_PAIRS,
    LwaClient,
    Room,
    Station,
    World,
    WorldState,
    is_valid_room_name,
)

HIERARCHY = "/enterprise/hospitality/v1"
STATION_SETTING = "/v2/units/{unitId}/settings/MusicExperience.defaultStationPreferences"
ACCESS_TOKEN_TTL_S = 3600
DEMO_AUTH_CODE = "demo-code"
MAX_RESULTS_DEFAULT = 10
MAX_RESULTS_LIMIT = 50

# Alexa for Business exists in us-east-1 only (api-notes); Customer Profiles' region is the world's.
A4B_REGION, A4B_SERVICE, PROFILES_SERVICE = "us-east-1", "a4b", "profile"
RouteKind = Literal["api", "alerts", "aws", "aws_rest", "token", "admin"]
AlertAuth = Literal["both", "raw", "bearer"]
_ALERT_AUTH_BY_NAME: dict[str, AlertAuth] = {"both": "both", "raw": "raw", "bearer": "bearer"}
ALERT_AUTH_MODES: tuple[str, ...] = ("both", "raw", "bearer")
Handler = Callable[[Request], Awaitable[Response]]
AlertKind = Literal["alarms", "reminders", "timers"]


def _error(status: int, message: str, error_type: str | None = None) -> JSONResponse:
    body: JsonObject = {"message": message}
    if error_type is not None:
        body["type"] = error_type
    return JSONResponse(body, status_code=status)


def _no_content() -> Response:
    return Response(status_code=204)


class _BadRequest(Exception):
    """Raised by request parsing helpers; answered with 400 and the message."""


async def _json_object(request: Request) -> JsonObject:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _BadRequest("request body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise _BadRequest("request body must be a JSON object")
    return body


def _required_str(body: JsonMapping, key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _BadRequest(f"'{key}' is required and must be a non-empty string")
    return value


ID_PATTERN = re.compile(r"amzn1\.alexa\.unit\.did\.[A-Za-z0-9._\-]+")
ID_FIELDS = ("organizationId", "propertyId", "roomTypeId", "roomId", "unitId")


def _check_id(value: str, key: str) -> str:
    """Seed 003/004 ids are "amzn1.alexa.unit.did.{id}"; anything else is a malformed request."""
    if not ID_PATTERN.fullmatch(value):
        raise _BadRequest(f"{key} must be in the format amzn1.alexa.unit.did.{{id}}")
    return value


def _required_id(body: JsonMapping, key: str) -> str:
    return _check_id(_required_str(body, key), key)


def _check_request_ids(request: Request) -> None:
    """Every id in the path or the query, before the handler looks anything up (400, not 403/404)."""
    for key, value in request.path_params.items():
        if key in ID_FIELDS:
            _check_id(str(value), key)
    for key in ID_FIELDS:
        value = request.query_params.get(key)
        if value:
            _check_id(value, key)


JSON_MEDIA = {
    "api": "application/json",
    "alerts": "application/json",
    "aws": "application/x-amz-json-1.1",
    "aws_rest": "application/json",
}


async def _content_type_problem(request: Request, kind: str) -> str | None:
    """A body must say it is JSON (the API's own JSON media type)."""
    wanted = JSON_MEDIA.get(kind)
    if wanted is None or not (await request.body()).strip():
        return None
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != wanted:
        return f"Content-Type must be {wanted}, not {media or 'missing'}"
    return None


# -- pagination -----------------------------------------------------------------------------------
def _encode_token(scope: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{scope}|{offset}".encode()).decode().rstrip("=")


def _decode_token(token: str, scope: str) -> int:
    try:
        padded = token + "=" * (-len(token) % 4)
        token_scope, _, offset = base64.urlsafe_b64decode(padded).decode().rpartition("|")
        value = int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _BadRequest("invalid nextToken") from exc
    if token_scope != scope or value < 0:
        raise _BadRequest("nextToken does not belong to this query")
    return value


def _page(request: Request, key: str, scope: str, items: list[dict[str, str]]) -> JSONResponse:
    raw = request.query_params.get("maxResults")
    max_results = MAX_RESULTS_DEFAULT
    if raw is not None:
        try:
            max_results = int(raw)
        except ValueError as exc:
            raise _BadRequest("maxResults must be an integer between 1 and 50") from exc
        if not 1 <= max_results <= MAX_RESULTS_LIMIT:
            raise _BadRequest("maxResults must be between 1 and 50")
    token = request.query_params.get("nextToken")
    offset = _decode_token(token, scope) if token else 0
    end = offset + max_results
    context: dict[str, str] = {}
    if end < len(items):
        context["nextToken"] = _encode_token(scope, end)
    return JSONResponse({key: items[offset:end], "paginationContext": context})


# -- stats ----------------------------------------------------------------------------------------
class StatsSnapshot(TypedDict):
    """GET /__sandbox/stats: requests per route, statuses, injected faults, writes per unit."""

    total: int
    requests: dict[str, int]
    statuses: dict[str, dict[str, int]]
    injected: dict[str, int]
    station_puts: dict[str, int]
    alarm_deletes: dict[str, int]
    reminder_deletes: dict[str, int]
    timer_deletes: dict[str, int]
    aws_targets: dict[str, int]


@dataclass
class Stats:
    requests: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, Counter[str]] = field(default_factory=dict)
    injected: Counter[str] = field(default_factory=Counter)
    station_puts: Counter[str] = field(default_factory=Counter)
    alarms_deletes: Counter[str] = field(default_factory=Counter)
    reminders_deletes: Counter[str] = field(default_factory=Counter)
    timers_deletes: Counter[str] = field(default_factory=Counter)
    aws_targets: Counter[str] = field(default_factory=Counter)

    def record(self, key: str, status: int) -> None:
        self.statuses.setdefault(key, Counter())[str(status)] += 1

    def deletes(self, kind: AlertKind) -> Counter[str]:
        """The delete counts of one alert kind, per unit."""
        return {
            "alarms": self.alarms_deletes,
            "reminders": self.reminders_deletes,
            "timers": self.timers_deletes,
        }[kind]

    def snapshot(self) -> StatsSnapshot:
        return {
            "total": sum(self.requests.values()),
            "requests": dict(self.requests),
            "statuses": {k: dict(v) for k, v in self.statuses.items()},
            "injected": dict(self.injected),
            "station_puts": dict(self.station_puts),
            "alarm_deletes": dict(self.alarms_deletes),
            "reminder_deletes": dict(self.reminders_deletes),
            "timer_deletes": dict(self.timers_deletes),
            "aws_targets": dict(self.aws_targets),
        }

    def reset(self) -> None:
        for name in self.__dataclass_fields__:
            getattr(self, name).clear()


# -- Login with Amazon ----------------------------------------------------------------------------
class TokenStore:
    """Access tokens issued by the token endpoint (with expiry) plus the world's static tokens."""

    def __init__(self, state: WorldState, clock: Clock) -> None:
        self._state = state
        self._clock = clock
        self._issued: dict[str, float] = {}

    def is_valid(self, token: str) -> bool:
        if token in self._state.world.lwa.static_tokens:
            return True
        expiry = self._issued.get(token)
        return expiry is not None and self._clock.monotonic() < expiry

    def issue_access_token(self) -> str:
        token = f"Atza|{uuid.uuid4().hex}"
        self._issued[token] = self._clock.monotonic() + ACCESS_TOKEN_TTL_S
        return token

    def client(self, client_id: str | None, client_secret: str | None) -> LwaClient | None:
        for client in self._state.world.lwa.clients:
            if client.client_id == client_id and client.client_secret == client_secret:
                return client
        return None


def _lwa_error(error: str, description: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


# -- the request id middleware --------------------------------------------------------------------
class RequestIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = str(uuid.uuid4())

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append("X-Amzn-RequestId", request_id)
            await send(message)

        await self.app(scope, receive, send_with_id)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    detail = exc.detail if isinstance(exc, HTTPException) else "Internal error"
    return _error(status, str(detail))


# -- faults: the request key and a dropped connection -------------------------------------------
async def _request_key(request: Request) -> RequestKey:
    query = request.url.query
    path = f"{request.url.path}?{query}" if query else request.url.path
    target = request.headers.get("x-amz-target", "")
    return RequestKey.of(request.method, path, target, await request.body())


RAW_SEND = "sandbox.raw_send"


class DroppedConnection(Response):
    """Closes the client's connection without a byte of answer (a lost answer).

    Under uvicorn the server's own `send` (kept in the scope by `SandboxStarlette`) is a method of
    the request cycle that owns the socket; aborting that transport is what a crashed proxy does.
    Elsewhere (an in-process transport) the closest thing is an error the client cannot read.
    """

    def __init__(self) -> None:
        super().__init__(status_code=500)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cycle = getattr(scope.get(RAW_SEND), "__self__", None)
        transport = getattr(cycle, "transport", None)
        if transport is None:
            raise ConnectionAbortedError("sandbox: connection dropped (injected)")
        transport.abort()
        # Let the server see the disconnect, so it does not try to answer 500 in our place.
        await anyio.lowlevel.checkpoint()


class SandboxStarlette(Starlette):
    """Starlette that keeps the server's raw `send` in the scope (see DroppedConnection)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope[RAW_SEND] = send
        await super().__call__(scope, receive, send)


# -- the app --------------------------------------------------------------------------------------
class SandboxApp:
    """Holds the live state (world, faults, stats, tokens) and the route handlers."""

    def __init__(self, state: WorldState, faults: Faults, clock: Clock) -> None:
        self.state = state
        self.faults = faults
        self.clock = clock
        self.stats = Stats()
        self.tokens = TokenStore(state, clock)
        # Which Authorization form the alert deletes accept (Amazon does not document it).
        self.alert_auth: AlertAuth = "both"

    def reset(
        self, world: World | WorldState, faults: Faults | None = None, clock: Clock | None = None
    ) -> None:
        """Serve another world from now on, with fresh stats and tokens (for a server shared by
        tests).
        """
        self.state = world if isinstance(world, WorldState) else WorldState(world)
        self.faults = faults or Faults()
        self.clock = clock or SystemClock()
        self.stats = Stats()
        self.tokens = TokenStore(self.state, self.clock)
        self.alert_auth = "both"

    def routes(self) -> list[Route]:
        h = HIERARCHY
        return [
            self._route(f"{h}/properties", ["POST"], self.create_property),
            self._route(f"{h}/properties", ["GET"], self.list_properties),
            self._route(f"{h}/properties/{{propertyId}}", ["GET"], self.get_property),
            self._route(f"{h}/properties/{{propertyId}}", ["PUT"], self.update_property),
            self._route(f"{h}/properties/{{propertyId}}", ["DELETE"], self.delete_property),
            self._route(f"{h}/roomTypes", ["POST"], self.create_room_type),
            self._route(f"{h}/roomTypes", ["GET"], self.list_room_types),
            self._route(f"{h}/roomTypes/{{roomTypeId}}", ["GET"], self.get_room_type),
            self._route(f"{h}/roomTypes/{{roomTypeId}}", ["PUT"], self.update_room_type),
            self._route(f"{h}/roomTypes/{{roomTypeId}}", ["DELETE"], self.delete_room_type),
            self._route(f"{h}/rooms", ["POST"], self.create_room),
            self._route(f"{h}/rooms", ["GET"], self.list_rooms),
            self._route(f"{h}/rooms/{{roomId}}", ["GET"], self.get_room),
            self._route(f"{h}/rooms/{{roomId}}", ["PUT"], self.update_room),
            self._route(f"{h}/rooms/{{roomId}}", ["DELETE"], self.delete_room),
            self._route(STATION_SETTING, ["GET"], self.get_station),
            self._route(STATION_SETTING, ["PUT"], self.put_station),
            self._route("/v1/alerts/alarms", ["DELETE"], self._alerts("alarms"), "alerts"),
            self._route("/v1/alerts/reminders", ["DELETE"], self._alerts("reminders"), "alerts"),
            self._route("/v1/alerts/timers", ["DELETE"], self._alerts("timers"), "alerts"),
            self._route("/", ["POST"], self.aws, "aws"),
            *self._customer_profiles_routes(),
            self._route("/auth/o2/token", ["POST"], self.token, "token"),
            self._route("/ap/oa", ["GET"], self.authorize, "token"),
            self._route("/_sandbox/stats", ["GET"], self.get_stats, "admin"),
            self._route("/_sandbox/reset-stats", ["POST"], self.reset_stats, "admin"),
            self._route("/_sandbox/world", ["GET"], self.get_world, "admin"),
            self._route("/_sandbox/faults", ["GET"], self.get_faults, "admin"),
            self._route("/_sandbox/faults", ["POST"], self.set_faults, "admin"),
            self._route("/_sandbox/settings", ["GET"], self.get_settings, "admin"),
            self._route("/_sandbox/settings", ["POST"], self.set_settings, "admin"),
        ]

    def _customer_profiles_routes(self) -> list[Route]:
        """Seed 002's routes, faulted and counted like every AWS route."""
        handlers = customer_profiles.CustomerProfilesRoutes(self).handlers()
        return [
            self._route(path, [method], handler, "aws_rest") for path, method, handler in handlers
        ]

    def _route(
        self, template: str, methods: list[str], handler: Handler, kind: RouteKind = "api"
    ) -> Route:
        key = f"{methods[0]} {template}"

        async def endpoint(request: Request) -> Response:
            if kind == "admin":
                return await self._run(handler, request)
            self.stats.requests[key] += 1
            response = await self._serve(handler, request, kind, key)
            self.stats.record(key, response.status_code)
            return response

        return Route(template, endpoint, methods=methods)

    async def _serve(
        self, handler: Handler, request: Request, kind: RouteKind, operation: str = ""
    ) -> Response:
        if kind != "token" or self.faults.config.token_endpoint:
            verdict = self.faults.decide(
                self.clock.monotonic(), operation, await _request_key(request)
            )
            if self.faults.latency_s > 0:
                await anyio.sleep(self.faults.latency_s)
            if verdict is not None:
                self.stats.injected[verdict.value] += 1
                return await self._faulted(verdict, handler, request, kind)
        if kind in ("api", "alerts") and not self._authorized(request, alerts=kind == "alerts"):
            return _fault_answer(kind, 401, "The access token is missing, expired or invalid.")
        if kind in ("aws", "aws_rest"):
            problem = await self._signature_problem(request, kind)
            if problem is not None:
                return _aws_error(kind, 403, problem.error_type, problem.message)
        wrong_type = await _content_type_problem(request, kind)
        if wrong_type is not None:
            return _fault_answer(kind, 400, wrong_type)
        return await self._run(handler, request, kind)

    async def _faulted(
        self, verdict: Verdict, handler: Handler, request: Request, kind: RouteKind
    ) -> Response:
        """The answer of a faulted request; apply-then-* verdicts run the handler first."""
        if verdict.applies:
            await self._run(handler, request, kind)
        if verdict in (Verdict.DROPPED, Verdict.APPLIED_THEN_DROPPED):
            return DroppedConnection()
        if verdict in (Verdict.INJECTED_5XX, Verdict.APPLIED_THEN_500):
            return _fault_answer(kind, 500, "Internal server error (injected)")
        if verdict is Verdict.INJECTED_404:
            return _fault_answer(kind, 404, "The requested items weren't found (injected).")
        return _fault_answer(kind, 429, "Rate exceeded")

    @staticmethod
    async def _run(handler: Handler, request: Request, kind: RouteKind = "admin") -> Response:
        try:
            if kind in ("api", "alerts"):
                _check_request_ids(request)
            return await handler(request)
        except _BadRequest as exc:
            return _fault_answer(kind, 400, str(exc))

    async def _signature_problem(
        self, request: Request, kind: RouteKind
    ) -> SignatureProblem | None:
        """Why AWS would refuse this request's SigV4 signature (A4B: us-east-1, service a4b;
        Customer Profiles: the world's region, service profile), or None."""
        aws = self.state.world.aws
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        query = request.scope.get("query_string", b"")
        url = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
        url += raw_path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        return check_signature(
            method=request.method,
            url=url,
            headers=request.headers,
            body=await request.body(),
            secrets=aws.credentials,
            region=A4B_REGION if kind == "aws" else aws.region,
            service=A4B_SERVICE if kind == "aws" else PROFILES_SERVICE,
        )

    def _authorized(self, request: Request, *, alerts: bool) -> bool:
        """A valid token in the form the route takes: `Bearer <token>` on every route; on the alert
        deletes the form `alert_auth` says (seed 003 shows the raw token there).
        """
        header = request.headers.get("authorization", "").strip()
        scheme, _, rest = header.partition(" ")
        bearer = scheme.lower() == "bearer" and bool(rest.strip())
        raw = bool(header) and not rest
        if alerts and self.alert_auth == "raw":
            allowed = raw
        elif alerts and self.alert_auth == "both":
            allowed = raw or bearer
        else:
            allowed = bearer
        if not allowed:
            return False
        return self.tokens.is_valid(rest.strip() if bearer else header)

    # -- properties --------------------------------------------------------------------------------
    def _property_json(self, property_id: str) -> dict[str, str]:
        prop = self.state.properties[property_id]
        return {"id": prop.id, "organizationId": self.state.organization_id, "name": prop.name}

    async def create_property(self, request: Request) -> Response:
        body = await _json_object(request)
        name = _required_str(body, "name")
        org = _required_id(body, "organizationId")
        if org != self.state.organization_id:
            return _error(403, "You don't have access to this organization.", "FORBIDDEN")
        prop = self.state.create_property(name)
        return _created(f"{HIERARCHY}/properties/{prop.id}", prop.id)

    async def list_properties(self, request: Request) -> Response:
        org = request.query_params.get("organizationId")
        if not org:
            raise _BadRequest("organizationId is required")
        if org != self.state.organization_id:
            # as for a create there: the LWA profile has no access to another organization
            return _error(403, "You don't have access to this organization.", "FORBIDDEN")
        items = [self._property_json(p.id) for p in self.state.world.properties]
        if not items:
            # Seed 004 lists "404 ... weren't found" for the list: the strict reading, as for rooms
            return _error(404, "The requested properties weren't found.", "NOT_FOUND")
        return _page(request, "properties", org, items)

    async def get_property(self, request: Request) -> Response:
        property_id = request.path_params["propertyId"]
        if property_id not in self.state.properties:
            return _not_found("property")
        return JSONResponse(self._property_json(property_id))

    async def update_property(self, request: Request) -> Response:
        prop = self.state.properties.get(request.path_params["propertyId"])
        if prop is None:
            return _not_found("property")
        prop.name = _required_str(await _json_object(request), "name")
        return _no_content()

    async def delete_property(self, request: Request) -> Response:
        prop = self.state.properties.get(request.path_params["propertyId"])
        if prop is None:
            return _not_found("property")
        if prop.roomTypes:
            raise _BadRequest("The property isn't empty: delete its room types first.")
        self.state.delete_property(prop.id)
        return _no_content()

    # -- room types --------------------------------------------------------------------------------
    def _room_type_json(self, room_type_id: str) -> dict[str, str]:
        room_type = self.state.room_types[room_type_id]
        prop = self.state.property_of_room_type(room_type_id)
        return {"id": room_type.id, "name": room_type.name, "propertyId": prop.id}

    async def create_room_type(self, request: Request) -> Response:
        body = await _json_object(request)
        name = _required_str(body, "name")
        property_id = _required_id(body, "propertyId")
        if property_id not in self.state.properties:
            raise _BadRequest(f"Unknown propertyId {property_id}")
        room_type = self.state.create_room_type(property_id, name)
        return _created(f"{HIERARCHY}/roomTypes/{room_type.id}", room_type.id)

    async def list_room_types(self, request: Request) -> Response:
        property_id = request.query_params.get("propertyId")
        if not property_id:
            raise _BadRequest("propertyId is required")
        prop = self.state.properties.get(property_id)
        if prop is None:
            return _not_found("property")
        if not prop.roomTypes:
            # Seed 004 lists "404 ... weren't found" for the lists: the strict reading is that an
            # empty list is one.
            return _error(404, "The requested room types weren't found.", "NOT_FOUND")
        items = [self._room_type_json(rt.id) for rt in prop.roomTypes]
        return _page(request, "roomTypes", property_id, items)

    async def get_room_type(self, request: Request) -> Response:
        room_type_id = request.path_params["roomTypeId"]
        if room_type_id not in self.state.room_types:
            return _not_found("room type")
        return JSONResponse(self._room_type_json(room_type_id))

    async def update_room_type(self, request: Request) -> Response:
        room_type = self.state.room_types.get(request.path_params["roomTypeId"])
        if room_type is None:
            return _not_found("room type")
        room_type.name = _required_str(await _json_object(request), "name")
        return _no_content()

    async def delete_room_type(self, request: Request) -> Response:
        room_type = self.state.room_types.get(request.path_params["roomTypeId"])
        if room_type is None:
            return _not_found("room type")
        if room_type.rooms:
            raise _BadRequest("The room type isn't empty: delete its rooms first.")
        self.state.delete_room_type(room_type.id)
        return _no_content()

    # -- rooms -------------------------------------------------------------------------------------
    def _room_json(self, room: Room) -> dict[str, str]:
        room_type = self.state.room_type_of_room(room.id)
        return {"id": room.id, "name": room.name, "roomTypeId": room_type.id}

    def _check_room_name(self, name: str, property_id: str, room_id: str | None = None) -> None:
        if not is_valid_room_name(name):
            raise _BadRequest(
                "Invalid room name: use letters, digits and _ - = # ; : ? @ & only, no spaces or "
                "periods, at most 256 characters."
            )
        prop = self.state.properties[property_id]
        if self.state.room_name_taken(prop, name, except_room=room_id):
            raise _BadRequest(f"A room named {name!r} already exists in this property.")

    async def create_room(self, request: Request) -> Response:
        body = await _json_object(request)
        name = body.get("name")
        if not isinstance(name, str):
            raise _BadRequest("'name' is required and must be a string")
        room_type_id = _required_id(body, "roomTypeId")
        if room_type_id not in self.state.room_types:
            raise _BadRequest(f"Unknown roomTypeId {room_type_id}")
        self._check_room_name(name, self.state.property_of_room_type(room_type_id).id)
        room = self.state.create_room(room_type_id, name)
        return _created(f"{HIERARCHY}/rooms/{room.id}", room.id)

    async def list_rooms(self, request: Request) -> Response:
        room_type_id = request.query_params.get("roomTypeId")
        if not room_type_id:
            raise _BadRequest("roomTypeId is required")
        room_type = self.state.room_types.get(room_type_id)
        if room_type is None:
            return _not_found("room type")
        if not room_type.rooms:
            return _error(404, "The requested rooms weren't found.", "NOT_FOUND")
        items = [{"id": r.id, "name": r.name, "roomTypeId": room_type_id} for r in room_type.rooms]
        return _page(request, "rooms", room_type_id, items)

    async def get_room(self, request: Request) -> Response:
        room = self.state.rooms.get(request.path_params["roomId"])
        if room is None:
            return _not_found("room")
        return JSONResponse(self._room_json(room))

    async def update_room(self, request: Request) -> Response:
        room = self.state.rooms.get(request.path_params["roomId"])
        if room is None:
            return _not_found("room")
        name = (await _json_object(request)).get("name")
        if not isinstance(name, str):
            raise _BadRequest("'name' is required and must be a string")
        self._check_room_name(name, self.state.property_of_room(room.id).id, room.id)
        room.name = name
        return _no_content()

    async def delete_room(self, request: Request) -> Response:
        room = self.state.rooms.get(request.path_params["roomId"])
        if room is None:
            return _not_found("room")
        if room.devices:
            raise _BadRequest("The room has devices associated with it.")
        self.state.delete_room(room.id)
        return _no_content()

    # -- unit settings (seed 003) ------------------------------------------------------------------
    async def get_station(self, request: Request) -> Response:
        room = self.state.rooms.get(request.path_params["unitId"])
        if room is None:
            return _unknown_unit()
        if room.station is None:
            return _no_content()
        return JSONResponse(room.station.model_dump())

    async def put_station(self, request: Request) -> Response:
        unit_id = request.path_params["unitId"]
        room = self.state.rooms.get(unit_id)
        if room is None:
            return _unknown_unit()
        body = await _json_object(request)
        pair = (_required_str(body, "providerId"), _required_str(body, "stationId"))
        if pair not in STATION_PAIRS:
            raise _BadRequest(f"Unknown provider/station pair {pair[0]}/{pair[1]}")
        country = self.state.property_of_room(unit_id).country
        if country not in STATION_PAIRS[pair]:
            # Seed 003's table lists stations by country: one from another country is refused.
            raise _BadRequest(f"Station {pair[0]}/{pair[1]} isn't available in {country}")
        room.station = Station(providerId=pair[0], stationId=pair[1])
        self.stats.station_puts[unit_id] += 1
        return _no_content()

    def _alerts(self, kind: AlertKind) -> Handler:
        async def delete_all(request: Request) -> Response:
            return self._delete_alerts(kind, request)

        return delete_all

    def _delete_alerts(self, kind: AlertKind, request: Request) -> Response:
        unit_id = request.query_params.get("unitId")
        if not unit_id:
            return _alert_errors(400, [("BAD_REQUEST", None, "unitId is required")])
        room = self.state.rooms.get(unit_id)
        if room is None:
            # Seed 003 answers an unknown unit with 401 FORBIDDEN on this call.
            return _alert_errors(401, [("FORBIDDEN", None, "The unit doesn't exist.")])
        failures: list[tuple[str, str | None, str]] = []
        for device in room.devices:
            if device.connection == "OFFLINE":
                failures.append(
                    ("DEVICE_NOT_REACHABLE", device.endpointId, "Device not reachable / offline")
                )
            elif device.status in ("FAILED", "DEREGISTERED"):
                failures.append(("INTERNAL_SERVER_ERROR", device.endpointId, "Unexpected Error"))
        count: int = getattr(room, kind)
        if not failures:
            setattr(room, kind, 0)
            self.stats.deletes(kind)[unit_id] += 1
            return _no_content()
        # Alerts live on devices; the room keeps the share held by the devices that failed.
        setattr(room, kind, math.ceil(count * len(failures) / len(room.devices)))
        codes = {code for code, _, _ in failures}
        status = 504 if codes == {"DEVICE_NOT_REACHABLE"} else 500
        return _alert_errors(status, failures)

    # -- Alexa for Business (AWS JSON 1.1) ---------------------------------------------------------
    async def aws(self, request: Request) -> Response:
        target = request.headers.get("x-amz-target", "")
        self.stats.aws_targets[target] += 1
        try:
            body = await _json_object(request) if await request.body() else {}
        except _BadRequest as exc:
            status, payload = aws_handlers.serialization_error(str(exc))
        else:
            handle = getattr(aws_handlers, "handle", None)
            if handle is None:
                status, payload = aws_handlers.unknown_operation(target)
            else:
                result = handle(target, body, request.headers, self.state)
                if inspect.isawaitable(result):
                    result = await result
                status, payload = result
        return JSONResponse(payload, status_code=status, media_type="application/x-amz-json-1.1")

    # -- Login with Amazon -------------------------------------------------------------------------
    async def token(self, request: Request) -> Response:
        raw = (await request.body()).decode("utf-8", errors="replace")
        if "json" in request.headers.get("content-type", ""):
            try:
                loaded = json.loads(raw or "{}")
            except json.JSONDecodeError:
                return _lwa_error("invalid_request", "body is not valid JSON")
            form = {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}
        else:
            form = dict(parse_qsl(raw))
        client = self.tokens.client(form.get("client_id"), form.get("client_secret"))
        grant = form.get("grant_type")
        if grant not in ("refresh_token", "authorization_code"):
            return _lwa_error("unsupported_grant_type", f"grant_type {grant!r} is not supported")
        if client is None:
            return _lwa_error("invalid_client", "Client authentication failed")
        answer: JsonObject = {"token_type": "bearer", "expires_in": ACCESS_TOKEN_TTL_S}
        if grant == "authorization_code":
            if form.get("code") != DEMO_AUTH_CODE:
                return _lwa_error("invalid_grant", "The authorization code is invalid or expired")
            answer["refresh_token"] = _new_refresh_token(client)
        else:
            refresh = form.get("refresh_token")
            if refresh not in client.refresh_tokens:
                return _lwa_error("invalid_grant", "The refresh token is invalid or revoked")
            if self.state.world.lwa.rotate_refresh_token:
                client.refresh_tokens.remove(refresh)
                answer["refresh_token"] = _new_refresh_token(client)
        answer["access_token"] = self.tokens.issue_access_token()
        return JSONResponse(answer)

    async def authorize(self, request: Request) -> Response:
        params = request.query_params
        client_id = params.get("client_id")
        known = {c.client_id for c in self.state.world.lwa.clients}
        if client_id not in known:
            return _lwa_error("invalid_client", f"Unknown client_id {client_id!r}")
        redirect_uri = params.get("redirect_uri")
        if not redirect_uri:
            return _lwa_error("invalid_request", "redirect_uri is required")
        query = {
            "code": DEMO_AUTH_CODE,
            "scope": params.get("scope", "alexa::enterprise:management"),
        }
        if "state" in params:
            query["state"] = params["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{separator}{urlencode(query)}", status_code=302)

    # -- admin -------------------------------------------------------------------------------------
    async def get_stats(self, request: Request) -> Response:
        return JSONResponse(self.stats.snapshot())

    async def reset_stats(self, request: Request) -> Response:
        self.stats.reset()
        return _no_content()

    async def get_world(self, request: Request) -> Response:
        return Response(self.state.dump_json(), media_type="application/json")

    async def get_faults(self, request: Request) -> Response:
        return JSONResponse(self.faults.snapshot())

    async def set_faults(self, request: Request) -> Response:
        changes = await _json_object(request)
        try:
            if changes.pop("reset", False):
                self.faults.reset()
            self.faults.update(**changes)
        except (TypeError, ValueError) as exc:
            raise _BadRequest(str(exc)) from exc
        return JSONResponse(self.faults.snapshot())

    async def get_settings(self, request: Request) -> Response:
        return JSONResponse({"alert_auth": self.alert_auth})

    async def set_settings(self, request: Request) -> Response:
        changes = await _json_object(request)
        unknown = sorted(set(changes) - {"alert_auth"})
        if unknown:
            raise _BadRequest(f"unknown settings: {', '.join(unknown)}")
        mode = changes.get("alert_auth", self.alert_auth)
        chosen = _ALERT_AUTH_BY_NAME.get(mode) if isinstance(mode, str) else None
        if chosen is None:
            raise _BadRequest(f"alert_auth must be one of {', '.join(ALERT_AUTH_MODES)}")
        self.alert_auth = chosen
        return JSONResponse({"alert_auth": self.alert_auth})


def _aws_error(kind: RouteKind, status: int, error_type: str, message: str) -> Response:
    """An AWS error: REST-JSON names its type in a header, AWS JSON 1.1 in `__type`."""
    if kind == "aws_rest":
        return JSONResponse(
            {"Message": message}, status_code=status, headers={"x-amzn-ErrorType": error_type}
        )
    return JSONResponse(
        {"__type": error_type, "message": message},
        status_code=status,
        media_type="application/x-amz-json-1.1",
    )


def _fault_answer(kind: RouteKind, status: int, message: str) -> Response:
    """An error answer in the shape of the route's API (seed 003 alerts, AWS JSON, REST-JSON)."""
    code = _ASP_CODES.get(status, "INTERNAL_SERVER_ERROR")
    if kind == "alerts":
        return _alert_errors(status, [(code, None, message)])
    if kind == "aws_rest":
        error_type = _REST_TYPES.get(status, "InternalServerException")
        return JSONResponse(
            {"Message": message}, status_code=status, headers={"x-amzn-ErrorType": error_type}
        )
    if kind == "aws":
        error_type = _JSON_TYPES.get(status, "InternalServerException")
        # AWS JSON 1.1 services throttle with 400 ThrottlingException, not 429.
        aws_status = 400 if status in (400, 404, 429) else status
        return JSONResponse(
            {"__type": error_type, "message": message},
            status_code=aws_status,
            media_type="application/x-amz-json-1.1",
        )
    return _error(status, message, code)


_ASP_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    429: "TOO_MANY_REQUESTS",
}
_REST_TYPES = {
    400: "BadRequestException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    429: "ThrottlingException",
}
_JSON_TYPES = {
    400: "SerializationException",
    404: "NotFoundException",
    429: "ThrottlingException",
}


def _new_refresh_token(client: LwaClient) -> str:
    token = f"Atzr|{uuid.uuid4().hex}"
    client.refresh_tokens.append(token)
    return token


def _created(location: str, new_id: str) -> JSONResponse:
    return JSONResponse({"id": new_id}, status_code=201, headers={"Location": location})


def _not_found(what: str) -> JSONResponse:
    return _error(404, f"The requested {what} wasn't found.", "NOT_FOUND")


def _unknown_unit() -> JSONResponse:
    # Seed 003 lists no 404 on the settings calls: an unknown unit is one the caller may not access.
    return _error(403, "The user doesn't have permission to access this unit.", "FORBIDDEN")


def _alert_errors(status: int, failures: list[tuple[str, str | None, str]]) -> JSONResponse:
    errors = [
        {"code": code, "description": text} | ({"endpointId": endpoint} if endpoint else {})
        for code, endpoint, text in failures
    ]
    return JSONResponse({"errors": errors}, status_code=status)


def create_app(
    world: World | WorldState, faults: Faults | None = None, *, clock: Clock | None = None
) -> Starlette:
    """The sandbox ASGI app. The world is mutated in place by the API calls it serves.

    `clock` drives token expiry and the rate limit (a FakeClock makes both testable without
    waiting).
    The live objects are at `app.state.sandbox` (a SandboxApp: `.state`, `.faults`, `.stats`).
    """
    state = world if isinstance(world, WorldState) else WorldState(world)
    sandbox = SandboxApp(state, faults or Faults(), clock or SystemClock())
    app = SandboxStarlette(
        routes=sandbox.routes(),
        middleware=[Middleware(RequestIdMiddleware)],
        exception_handlers={HTTPException: _http_error},
    )
    app.state.sandbox = sandbox
    endpoints.mount(app, sandbox)
    return app
