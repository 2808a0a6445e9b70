"""EndpointsClient: ASP's Endpoints API (devices of a unit, a device by serial, reachability).

Beyond the seeds; shapes in the research notes ("ASP Endpoints API"). It speaks to the same host with
the same Login with Amazon token as the hierarchy API, so it is an AspClient: one request loop (the
retry rules of `bot/clients/retry.py`, the 401 refresh, the caller's deadline) serves both.

- `find_by_serial(serial)`: `GET /v2/endpoints?serialNumber.value.text=…&expand=all`, the endpoint
  whose device serial number (DSN, the same as Alexa for Business's `DeviceSerialNumber`) it is.
- `unit_endpoints(unit_id)`: `GET /v2/endpoints?associatedUnits.id=…&expand=all`, every page.
- `connectivity(endpoint_id)`: `GET /v2/endpoints/{id}/features/connectivity`, OK or UNREACHABLE.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict

from bot.clients.asp import AspClient, validate_unit_id
from bot.clients.errors import InvalidInput
from bot.clients.models import Page

ENDPOINTS = "/v2/endpoints"
ENDPOINT_ID_PREFIX = "amzn1.alexa.endpoint."
REACHABLE = "OK"
UNREACHABLE = "UNREACHABLE"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class _Text(_Wire):
    text: str | None = None


class _TextValue(_Wire):
    value: _Text | None = None

    @property
    def text(self) -> str | None:
        return self.value.text if self.value else None


class _UnitRef(_Wire):
    id: str


class Endpoint(_Wire):
    """One ASP endpoint read with `expand=all` (only the fields the bot uses)."""

    id: str
    friendlyName: _TextValue | None = None
    serialNumber: _TextValue | None = None
    associatedUnits: list[_UnitRef] | None = None

    @property
    def friendly_name(self) -> str | None:
        return self.friendlyName.text if self.friendlyName else None

    @property
    def serial(self) -> str | None:
        return self.serialNumber.text if self.serialNumber else None

    @property
    def unit_ids(self) -> list[str]:
        return [unit.id for unit in self.associatedUnits or []]


class EndpointPage(Page):
    results: list[Endpoint] | None = None


class _ReachabilityValue(_Wire):
    value: str | None = None


class _Property(_Wire):
    name: str | None = None
    value: _ReachabilityValue | None = None
    timeOfSample: datetime | None = None


class Connectivity(_Wire):
    """`properties[0].value.value` is OK or UNREACHABLE; a missing timeOfSample means unknown."""

    properties: list[_Property] | None = None

    @property
    def _first(self) -> _Property | None:
        return self.properties[0] if self.properties else None

    @property
    def value(self) -> str | None:
        first = self._first
        return first.value.value if first is not None and first.value is not None else None

    @property
    def time_of_sample(self) -> datetime | None:
        first = self._first
        return first.timeOfSample if first is not None else None

    @property
    def reachable(self) -> bool | None:
        value = self.value
        return None if value is None else value == REACHABLE


def validate_endpoint_id(value: str) -> str:
    """Endpoint ids go into a URL path: refuse anything but `amzn1.alexa.endpoint.<id>`."""
    tail = value.removeprefix(ENDPOINT_ID_PREFIX) if isinstance(value, str) else ""
    if not value.startswith(ENDPOINT_ID_PREFIX) or not tail or any(c in tail for c in " /?#%"):
        raise InvalidInput(f"That endpoint id is not valid ({value!r}).", field="endpoint id")
    return value


class EndpointsClient(AspClient):
    """The Endpoints API on the ASP host; construct it like an AspClient (base URL, LWA auth,
    optional transport, Clock and deadline)."""

    async def __aenter__(self) -> EndpointsClient:
        return self

    async def find_by_serial(
        self, serial: str, *, deadline: float | None = None
    ) -> Endpoint | None:
        """The endpoint of the device with this serial number, or None when ASP has none."""
        if not serial.strip():
            raise InvalidInput("A device serial number must not be empty.", field="serial")
        found: list[Endpoint] = await self._list(
            ENDPOINTS,
            {"serialNumber.value.text": serial, "expand": "all"},
            EndpointPage,
            lambda page: page.results,
            deadline,
        )
        exact = [e for e in found if (e.serial or "") == serial] or found
        return exact[0] if exact else None

    async def unit_endpoints(
        self, unit_id: str, *, deadline: float | None = None
    ) -> list[Endpoint]:
        """Every endpoint associated with a unit (a room), all pages."""
        validate_unit_id(unit_id)
        found: list[Endpoint] = await self._list(
            ENDPOINTS,
            {"associatedUnits.id": unit_id, "expand": "all"},
            EndpointPage,
            lambda page: page.results,
            deadline,
        )
        return found

    async def connectivity(
        self, endpoint_id: str, *, deadline: float | None = None
    ) -> Connectivity:
        validate_endpoint_id(endpoint_id)
        response = await self._request(
            "GET",
            f"{ENDPOINTS}/{quote(endpoint_id, safe='')}/features/connectivity",
            deadline=deadline,
        )
        return self._parse(Connectivity, response)
