"""The sandbox's ASP Endpoints API (beyond the seeds; shapes in the research notes).

- `GET /v2/endpoints?associatedUnits.id=U&expand=all` the endpoints of a unit; `?serialNumber.value.text=S`
  the endpoint of a device serial; `?owner=~caller` the endpoints associated with no unit. Exactly one
  of these filters is required (stricter than Amazon, which documents no listing of everything).
  `maxResults` 1-50 (default 10), `nextToken`; without `expand=all` an endpoint is only `{"id": ...}`.
- `GET /v2/endpoints/{endpointId}?expand=all` one endpoint (404 when unknown).
- `GET /v2/endpoints/{endpointId}/features/connectivity` reachability `OK` or `UNREACHABLE`.

Every device of the world is an endpoint: those in a room's `devices` (known to Alexa for Business
too), those in a room's `aspOnlyDevices` (ASP knows them, Alexa for Business does not) and the
world's `unplacedDevices` (no unit). `EndpointDirectory` holds the rules over plain records, so the
same code serves the Starlette routes (`mount`) and an in-process transport (`directory_transport`,
for benchmarks).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bot.json_types import JsonObject, JsonValue
from bot.sandbox.world import Device, WorldState

SAMPLE_AGE = timedelta(seconds=60)  # ASP samples reachability itself; a minute old reads as real
FILTERS = ("associatedUnits.id", "serialNumber.value.text", "owner")
Answer = tuple[int, JsonObject]


@dataclass(frozen=True)
class EndpointRecord:
    endpoint_id: str
    serial: str
    friendly_name: str
    unit_id: str | None
    reachable: bool
    sampled_at: datetime | None
    model: str = "Echo"
    mac_address: str = "00:00:00:00:00:00"
    software_version: str = "1"

    def wire(self, expand: bool) -> JsonObject:
        if not expand:
            return {"id": self.endpoint_id}

        def text(value: str) -> JsonObject:
            return {"type": "PLAIN", "value": {"text": value}}

        return {
            "id": self.endpoint_id,
            "friendlyName": text(self.friendly_name),
            "serialNumber": text(self.serial),
            "manufacturer": text("Amazon"),
            "model": text(self.model),
            "softwareVersion": text(self.software_version),
            "associatedUnits": [{"id": self.unit_id}] if self.unit_id else [],
            "connections": [{"type": "MAC", "macAddress": self.mac_address}],
        }


class EndpointDirectory:
    """The Endpoints API's answers over a list of records."""

    def __init__(self, records: Iterable[EndpointRecord]) -> None:
        self.records = list(records)
        self._by_id = {r.endpoint_id: r for r in self.records}
        self._by_serial = {r.serial: r for r in self.records}
        self._by_unit: dict[str | None, list[EndpointRecord]] = {}
        for record in self.records:
            self._by_unit.setdefault(record.unit_id, []).append(record)

    def search(self, query: Mapping[str, str]) -> Answer:
        given = [name for name in FILTERS if query.get(name)]
        if len(given) != 1:
            return _error(400, "Give exactly one of " + ", ".join(FILTERS) + ".")
        name = given[0]
        value = query[name]
        if name == "owner" and value != "~caller":
            return _error(400, "owner must be ~caller")
        if name == "associatedUnits.id":
            matching = self._by_unit.get(value, [])
        elif name == "serialNumber.value.text":
            one = self._by_serial.get(value)
            matching = [one] if one else []
        else:
            matching = self._by_unit.get(None, [])
        try:
            size = _max_results(query.get("maxResults"))
            offset = _offset(query.get("nextToken"), f"{name}={value}")
        except ValueError as exc:
            return _error(400, str(exc))
        expand = query.get("expand") == "all"
        page: list[JsonValue] = [r.wire(expand) for r in matching[offset : offset + size]]
        more = offset + size < len(matching)
        token = _token(f"{name}={value}", offset + size) if more else None
        return 200, {"results": page, "paginationContext": {"nextToken": token}}

    def get(self, endpoint_id: str, expand: bool) -> Answer:
        record = self._by_id.get(endpoint_id)
        if record is None:
            return _error(404, f"Endpoint {endpoint_id} not found.")
        return 200, record.wire(expand)

    def connectivity(self, endpoint_id: str) -> Answer:
        record = self._by_id.get(endpoint_id)
        if record is None:
            return _error(404, f"Endpoint {endpoint_id} not found.")
        sample: JsonObject = {
            "name": "reachability",
            "value": {"value": "OK" if record.reachable else "UNREACHABLE"},
        }
        if record.sampled_at is not None:
            sample["timeOfSample"] = record.sampled_at.astimezone(UTC).isoformat()
        return 200, {"properties": [sample]}


def _error(status: int, message: str) -> Answer:
    code = {400: "INVALID_REQUEST", 404: "NOT_FOUND"}.get(status, "ERROR")
    return status, {"code": code, "message": message}


def _max_results(raw: str | None) -> int:
    if raw is None:
        return 10
    try:
        value = int(raw)
    except ValueError as exc:
        raise ValueError("maxResults must be an integer between 1 and 50") from exc
    if not 1 <= value <= 50:
        raise ValueError("maxResults must be between 1 and 50")
    return value


def _token(scope: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{scope}|{offset}".encode()).decode()


def _offset(token: str | None, scope: str) -> int:
    if not token:
        return 0
    try:
        token_scope, _, offset = base64.urlsafe_b64decode(token).decode().rpartition("|")
        value = int(offset)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValueError("invalid nextToken") from exc
    if token_scope != scope or value < 0:
        raise ValueError("nextToken does not belong to this query")
    return value


# -- the world as endpoints --------------------------------------------------------------------------


def records_from_state(state: WorldState) -> list[EndpointRecord]:
    """Every device of a WorldState as an endpoint (see the module docstring)."""
    sampled = state.now - SAMPLE_AGE
    records = []
    for prop in state.world.properties:
        for room_type in prop.roomTypes:
            for room in room_type.rooms:
                for device in (*room.devices, *room.aspOnlyDevices):
                    records.append(_record(device, room.id, sampled))
    records += [_record(d, None, sampled) for d in state.world.unplacedDevices]
    return records


def _record(device: Device, unit_id: str | None, sampled: datetime) -> EndpointRecord:
    reachable = device.aspReachable
    if reachable is None:
        reachable = device.connection == "ONLINE"
    return EndpointRecord(
        endpoint_id=device.endpointId,
        serial=device.serial,
        friendly_name=device.name,
        unit_id=unit_id,
        reachable=reachable,
        sampled_at=sampled,
        model=device.type,
        mac_address=device.macAddress,
        software_version=device.softwareVersion,
    )


# -- serving -------------------------------------------------------------------------------------------


def _respond(answer: Answer) -> Response:
    status, body = answer
    return JSONResponse(body, status_code=status)


class Routes(Protocol):
    """What `mount` needs of the sandbox app (bot/sandbox/app.py): its live world and `_route`."""

    state: WorldState

    def _route(
        self, template: str, methods: list[str], handler: Callable[[Request], Awaitable[Response]]
    ) -> Route: ...


def mount(app: Starlette, sandbox: Routes) -> None:
    """Add the routes to the sandbox app, through its `_route` (stats, faults, bearer token)."""

    def directory() -> EndpointDirectory:
        # built per request from the live world, which tests swap and the hierarchy API mutates
        return EndpointDirectory(records_from_state(sandbox.state))

    async def search(request: Request) -> Response:
        return _respond(directory().search(request.query_params))

    async def get_one(request: Request) -> Response:
        expand = request.query_params.get("expand") == "all"
        return _respond(directory().get(request.path_params["endpointId"], expand))

    async def connectivity(request: Request) -> Response:
        return _respond(directory().connectivity(request.path_params["endpointId"]))

    routes: list[Route] = [
        sandbox._route("/v2/endpoints", ["GET"], search),
        sandbox._route("/v2/endpoints/{endpointId}", ["GET"], get_one),
        sandbox._route("/v2/endpoints/{endpointId}/features/connectivity", ["GET"], connectivity),
    ]
    app.router.routes.extend(routes)


def directory_transport(
    directory: EndpointDirectory, seen: list[httpx.Request] | None = None
) -> httpx.MockTransport:
    """An in-process transport serving a directory with the same rules (benchmarks, unit tests).
    It does not check tokens: the routes of the running sandbox do."""

    def respond(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        path = urlsplit(str(request.url)).path
        query = dict(parse_qsl(request.url.query.decode()))
        route: Callable[[], Answer]
        if path == "/v2/endpoints":
            route = lambda: directory.search(query)  # noqa: E731
        elif path.startswith("/v2/endpoints/") and path.endswith("/features/connectivity"):
            endpoint_id = path.removeprefix("/v2/endpoints/").removesuffix("/features/connectivity")
            route = lambda: directory.connectivity(endpoint_id)  # noqa: E731
        elif path.startswith("/v2/endpoints/"):
            endpoint_id = path.removeprefix("/v2/endpoints/")
            route = lambda: directory.get(endpoint_id, query.get("expand") == "all")  # noqa: E731
        else:
            route = lambda: _error(404, f"No route {path}")  # noqa: E731
        status, body = route()
        return httpx.Response(status, json=body, headers={"x-amzn-RequestId": "sandbox-request"})

    return httpx.MockTransport(respond)
