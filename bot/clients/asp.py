"""AspClient: the ASP hierarchy API (seed 004), unit settings and alarm deletes (seed 003), and the
reminder/timer deletes from the API notes.

One httpx.AsyncClient per AspClient, shared by every concurrent call. Retries follow
bot/clients/retry.py (the seed-004 429 rule, a few jittered resends of GET/PUT/DELETE after a 5xx or
a lost answer, the command's deadline or none for background work); a 401 gets one token refresh
and one retry. Alert deletes send the raw token as seed 003 shows and, unless `alarm_auth_raw` pins a
form, switch once to `Bearer` on a 401 and keep the form that worked.
"""

from __future__ import annotations

import asyncio
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ValidationError

from bot.clients.errors import (
    ApiError,
    Forbidden,
    InvalidInput,
    NotFound,
    ServerError,
    TransportError,
    error_from_response,
)
from bot.clients.lwa import TokenProvider
from bot.clients.models import (
    AlertsErrorBody,
    AlertsResult,
    Created,
    CreatePropertyBody,
    CreateRoomBody,
    CreateRoomTypeBody,
    Page,
    Property,
    PropertyPage,
    Room,
    RoomPage,
    RoomType,
    RoomTypePage,
    StationPreference,
    UpdateNameBody,
)
from bot.clients.retry import (
    Again,
    Done,
    Resend,
    RetryPolicy,
    Throttle,
    Verdict,
    is_retryable_method,
    request_loop,
    resolve_deadline,
    retry_after_seconds,
    retry_policy,
)
from bot.clock import Clock, SystemClock

HOSPITALITY = "/enterprise/hospitality/v1"
STATION_SETTING = "MusicExperience.defaultStationPreferences"
PAGE_SIZE = 50

UNIT_ID_PREFIX = "amzn1.alexa.unit.did."
# Ids go into URL paths: refuse separators and whitespace rather than trust quoting alone.
_UNIT_ID = re.compile(r"amzn1\.alexa\.unit\.did\.[^\s/?#%]+")
# Seed 004: letters or numbers and _ - = # ; : ? @ &, no spaces or periods, at most 256 characters.
ROOM_NAME_MAX = 256
_ROOM_NAME = re.compile(rf"[\w\-=#;:?@&]{{1,{ROOM_NAME_MAX}}}")

AuthForm = Literal["raw", "bearer"]
M = TypeVar("M", bound=BaseModel)
P = TypeVar("P", bound=Page)
T = TypeVar("T")


# --- validation -----------------------------------------------------------------------------------


def validate_unit_id(value: str, what: str = "unit id") -> str:
    """Check an id `amzn1.alexa.unit.did.<id>` (organization, property, room type, room, unit)."""
    if not isinstance(value, str) or not _UNIT_ID.fullmatch(value):
        raise InvalidInput(
            f"That {what} is not valid: it must look like {UNIT_ID_PREFIX}… ({value!r}).",
            field=what,
        )
    return value


def validate_room_name(name: str) -> str:
    """Check a room name against seed 004's rule."""
    if not isinstance(name, str) or not _ROOM_NAME.fullmatch(name):
        raise InvalidInput(
            "Room names may use only letters, digits and _ - = # ; : ? @ & (no spaces or periods), "
            f"up to {ROOM_NAME_MAX} characters ({name!r} is not allowed).",
            field="room name",
        )
    return name


def validate_name(name: str, what: str) -> str:
    """Property and room type names: the seeds set no rule beyond being present."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(f"The {what} name must not be empty.", field=f"{what} name")
    return name


def validate_station(pref: StationPreference) -> StationPreference:
    """A station pair needs both parts; whether the pair exists is the catalog's business."""
    if not pref.providerId.strip() or not pref.stationId.strip():
        raise InvalidInput(
            "A station needs both a provider and a station id.", field="station preference"
        )
    return pref


# --- stats ----------------------------------------------------------------------------------------


@dataclass
class ClientStats:
    """Counters for tests and benchmarks. Safe under asyncio (single-threaded increments)."""

    requests: Counter[str] = field(default_factory=Counter)  # sent, by HTTP method
    retries: int = 0  # resends of any kind (429, 5xx, lost answer, 401 refresh)
    throttled: int = 0  # 429 answers
    server_errors: int = 0  # 5xx answers
    transport_errors: int = 0  # no answer at all
    auth_refreshes: int = 0  # 401s that led to a token refresh

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def reset(self) -> None:
        self.requests.clear()
        self.retries = self.throttled = self.server_errors = 0
        self.transport_errors = self.auth_refreshes = 0


# --- client ---------------------------------------------------------------------------------------


def _id_from_location(location: str | None) -> str | None:
    if not location:
        return None
    tail = location.strip().strip('"').rstrip("/").rsplit("/", 1)[-1]
    return tail or None


class AspClient:
    def __init__(
        self,
        base_url: str,
        auth: TokenProvider,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        deadline_s: float | None = None,
        max_concurrency: int = 8,
        alarm_auth_raw: bool | None = None,
        timeout_s: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        self._auth = auth
        self._clock: Clock = clock or SystemClock()
        self._deadline_s = deadline_s
        # None: the raw token first (seed 003), Bearer after a 401, the working form kept.
        # True / False pin the raw token / Bearer.
        self._alarm_auth_raw = alarm_auth_raw
        self._alert_auth_form: AuthForm = "bearer" if alarm_auth_raw is False else "raw"
        self._timeout_s = timeout_s
        self._rng = rng or random.Random()
        self._sem = asyncio.Semaphore(max(1, max_concurrency))
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            transport=transport,
            headers={"Accept": "application/json"},
            timeout=timeout_s,
            limits=httpx.Limits(
                max_connections=max(max_concurrency, 1) + 2,
                max_keepalive_connections=max(max_concurrency, 1),
            ),
        )
        self.stats = ClientStats()
        # A convenience for single-caller scripts; under concurrency use the result's or error's id.
        self.last_request_id: str | None = None

    async def __aenter__(self) -> AspClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- the request loop -------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str | int] | None = None,
        body: BaseModel | None = None,
        deadline: float | None = None,
        alerts: bool = False,
    ) -> httpx.Response:
        """Send one call with the shared retry rules (bot/clients/retry.py) and the 401 handling:
        one token refresh, and for alert deletes one switch of the Authorization form per token.
        """
        operation = f"{method} {path}"
        write = method != "GET"
        payload = body.model_dump(mode="json") if body is not None else None
        form: AuthForm = self._alert_auth_form if alerts else "bearer"
        refreshed = switched = False
        token = ""

        async def send(limit_s: float | None) -> httpx.Response:
            nonlocal token
            token = await self._auth.token()
            headers = {"Authorization": token if form == "raw" else f"Bearer {token}"}
            async with self._sem:
                self.stats.requests[method] += 1
                return await self._http.request(
                    method, path, params=params, json=payload, headers=headers, timeout=limit_s
                )

        def lost(exc: Exception) -> ApiError:
            self.stats.transport_errors += 1
            # A refused connection sent nothing, so nothing can have been applied.
            sent = not isinstance(exc, httpx.ConnectError)
            return TransportError(
                None,
                f"{operation}: {exc!r}",
                uncertain_create=method == "POST" and sent,
                may_have_applied=write and sent,
            )

        async def classify(response: httpx.Response) -> Verdict[httpx.Response]:
            nonlocal form, refreshed, switched
            status = response.status_code
            request_id = response.headers.get("x-amzn-requestid")
            self.last_request_id = request_id
            if status == 401:
                if alerts and self._is_alerts_forbidden(response):
                    # Seed 003: the alerts API says 401 FORBIDDEN for a unit that does not exist or
                    # is not ours; a fresh token would not change that.
                    error = error_from_response(response)
                    raise Forbidden(401, error.message, request_id, error.error_type)
                if alerts and self._alarm_auth_raw is None and not switched:
                    # Seed 003 shows the raw token, Amazon's CLI sends Bearer: try the other form.
                    switched = True
                    form = "bearer" if form == "raw" else "raw"
                    self.stats.retries += 1
                    return Again()
                if not refreshed:
                    refreshed, switched = True, False
                    await self._refresh_after_401(token)
                    return Again()
                raise error_from_response(response)
            if alerts and self._alarm_auth_raw is None:
                self._alert_auth_form = form  # this form got past the sign-in check: keep it
            if status == 429:
                self.stats.throttled += 1
                return Throttle(
                    error_from_response(response),
                    retry_after_seconds(response.headers.get("retry-after"), self._clock.now()),
                )
            if status >= 500:
                self.stats.server_errors += 1
                if alerts and self._has_device_failures(response):
                    return Done(response)
                error = error_from_response(response)
                return Resend(
                    ServerError(
                        status,
                        error.message,
                        request_id,
                        error.error_type,
                        uncertain_create=method == "POST",
                        may_have_applied=write,
                    )
                )
            if status >= 400:
                raise error_from_response(response)
            return Done(response)

        def resent() -> None:
            self.stats.retries += 1

        return await request_loop(
            operation,
            send=send,
            classify=classify,
            lost=lost,
            clock=self._clock,
            rng=self._rng,
            idempotent=is_retryable_method(method),
            deadline_s=deadline,
            default_deadline_s=self._deadline_s,
            timeout_s=self._timeout_s,
            on_resend=resent,
        )

    async def _refresh_after_401(self, token: str) -> None:
        self.stats.auth_refreshes += 1
        self.stats.retries += 1
        # Concurrent callers that got 401 with the same token share one refresh: only the first
        # still sees the refused token as current and invalidates it.
        if await self._auth.token() == token:
            await self._auth.invalidate()

    @property
    def alert_auth_form(self) -> AuthForm:
        """The Authorization form the alert deletes use now ("raw" token or "bearer")."""
        return self._alert_auth_form

    @staticmethod
    def _is_alerts_forbidden(response: httpx.Response) -> bool:
        try:
            parsed = AlertsErrorBody.model_validate_json(response.content)
        except ValidationError:
            return False
        return any(f.code == "FORBIDDEN" for f in parsed.errors or [])

    @staticmethod
    def _has_device_failures(response: httpx.Response) -> bool:
        """A 500/504 naming devices (seed 003's partial failure), not a failure of the call."""
        try:
            parsed = AlertsErrorBody.model_validate_json(response.content)
        except ValidationError:
            return False
        return any(failure.endpointId for failure in parsed.errors or [])

    @staticmethod
    def _parse(model: type[M], response: httpx.Response) -> M:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise ApiError(
                response.status_code,
                f"unexpected answer shape for {model.__name__}: {exc.errors()[:1]}",
                response.headers.get("x-amzn-requestid"),
            ) from exc

    async def _list(
        self,
        path: str,
        params: dict[str, str | int],
        page_model: type[P],
        items_of: Callable[[P], list[T] | None],
        deadline: float | None,
        *,
        empty_on_404: bool = False,
    ) -> list[T]:
        # One deadline for the whole list, not per page (none at all for background work).
        deadline_at, on_throttle = resolve_deadline(self._clock, deadline, self._deadline_s)
        items: list[T] = []
        next_token: str | None = None
        with retry_policy(RetryPolicy(deadline_at, on_throttle)):
            while True:
                query: dict[str, str | int] = {**params, "maxResults": PAGE_SIZE}
                if next_token:
                    query["nextToken"] = next_token
                try:
                    response = await self._request("GET", path, params=query)
                except NotFound:
                    # Seed 004 lists "404 ... weren't found" for the lists: nothing to list.
                    if empty_on_404 and not items:
                        return []
                    raise
                page = self._parse(page_model, response)
                items.extend(items_of(page) or [])
                next_token = page.next_token
                if not next_token:
                    return items

    async def _create(self, path: str, body: BaseModel, deadline: float | None) -> str:
        response = await self._request("POST", path, body=body, deadline=deadline)
        created: Created | None = None
        if response.content:
            try:
                created = Created.model_validate_json(response.content)
            except ValidationError:
                created = None
        new_id = (created.id if created else None) or _id_from_location(
            response.headers.get("location")
        )
        if not new_id:
            raise ApiError(
                response.status_code,
                "the create answer carried no id",
                response.headers.get("x-amzn-requestid"),
            )
        return new_id

    # --- properties -------------------------------------------------------------------------------

    async def list_properties(
        self, organization_id: str, *, deadline: float | None = None
    ) -> list[Property]:
        validate_unit_id(organization_id, "organization id")
        return await self._list(
            f"{HOSPITALITY}/properties",
            {"organizationId": organization_id},
            PropertyPage,
            lambda page: page.properties,
            deadline,
            # seed 004: an organization with no properties may answer 404 "weren't found"
            empty_on_404=True,
        )

    async def get_property(self, property_id: str, *, deadline: float | None = None) -> Property:
        validate_unit_id(property_id, "property id")
        response = await self._request(
            "GET", f"{HOSPITALITY}/properties/{quote(property_id)}", deadline=deadline
        )
        return self._parse(Property, response)

    async def create_property(
        self, name: str, organization_id: str, *, deadline: float | None = None
    ) -> str:
        validate_name(name, "property")
        validate_unit_id(organization_id, "organization id")
        return await self._create(
            f"{HOSPITALITY}/properties",
            CreatePropertyBody(name=name, organizationId=organization_id),
            deadline,
        )

    async def update_property(
        self, property_id: str, name: str, *, deadline: float | None = None
    ) -> None:
        validate_unit_id(property_id, "property id")
        validate_name(name, "property")
        await self._request(
            "PUT",
            f"{HOSPITALITY}/properties/{quote(property_id)}",
            body=UpdateNameBody(name=name),
            deadline=deadline,
        )

    async def delete_property(self, property_id: str, *, deadline: float | None = None) -> None:
        validate_unit_id(property_id, "property id")
        await self._request(
            "DELETE", f"{HOSPITALITY}/properties/{quote(property_id)}", deadline=deadline
        )

    # --- room types -------------------------------------------------------------------------------

    async def list_room_types(
        self, property_id: str, *, deadline: float | None = None
    ) -> list[RoomType]:
        validate_unit_id(property_id, "property id")
        return await self._list(
            f"{HOSPITALITY}/roomTypes",
            {"propertyId": property_id},
            RoomTypePage,
            lambda page: page.roomTypes,
            deadline,
            empty_on_404=True,
        )

    async def get_room_type(self, room_type_id: str, *, deadline: float | None = None) -> RoomType:
        validate_unit_id(room_type_id, "room type id")
        response = await self._request(
            "GET", f"{HOSPITALITY}/roomTypes/{quote(room_type_id)}", deadline=deadline
        )
        return self._parse(RoomType, response)

    async def create_room_type(
        self, name: str, property_id: str, *, deadline: float | None = None
    ) -> str:
        validate_name(name, "room type")
        validate_unit_id(property_id, "property id")
        return await self._create(
            f"{HOSPITALITY}/roomTypes",
            CreateRoomTypeBody(name=name, propertyId=property_id),
            deadline,
        )

    async def update_room_type(
        self, room_type_id: str, name: str, *, deadline: float | None = None
    ) -> None:
        validate_unit_id(room_type_id, "room type id")
        validate_name(name, "room type")
        await self._request(
            "PUT",
            f"{HOSPITALITY}/roomTypes/{quote(room_type_id)}",
            body=UpdateNameBody(name=name),
            deadline=deadline,
        )

    async def delete_room_type(self, room_type_id: str, *, deadline: float | None = None) -> None:
        validate_unit_id(room_type_id, "room type id")
        await self._request(
            "DELETE", f"{HOSPITALITY}/roomTypes/{quote(room_type_id)}", deadline=deadline
        )

    # --- rooms ------------------------------------------------------------------------------------

    async def list_rooms(self, room_type_id: str, *, deadline: float | None = None) -> list[Room]:
        validate_unit_id(room_type_id, "room type id")
        return await self._list(
            f"{HOSPITALITY}/rooms",
            {"roomTypeId": room_type_id},
            RoomPage,
            lambda page: page.rooms,
            deadline,
            empty_on_404=True,
        )

    async def get_room(self, room_id: str, *, deadline: float | None = None) -> Room:
        validate_unit_id(room_id, "room id")
        response = await self._request(
            "GET", f"{HOSPITALITY}/rooms/{quote(room_id)}", deadline=deadline
        )
        return self._parse(Room, response)

    async def create_room(
        self, name: str, room_type_id: str, *, deadline: float | None = None
    ) -> str:
        validate_room_name(name)
        validate_unit_id(room_type_id, "room type id")
        return await self._create(
            f"{HOSPITALITY}/rooms", CreateRoomBody(name=name, roomTypeId=room_type_id), deadline
        )

    async def update_room(self, room_id: str, name: str, *, deadline: float | None = None) -> None:
        validate_unit_id(room_id, "room id")
        validate_room_name(name)
        await self._request(
            "PUT",
            f"{HOSPITALITY}/rooms/{quote(room_id)}",
            body=UpdateNameBody(name=name),
            deadline=deadline,
        )

    async def delete_room(self, room_id: str, *, deadline: float | None = None) -> None:
        validate_unit_id(room_id, "room id")
        await self._request("DELETE", f"{HOSPITALITY}/rooms/{quote(room_id)}", deadline=deadline)

    # --- unit settings (seed 003) -----------------------------------------------------------------

    async def get_default_station(
        self, unit_id: str, *, deadline: float | None = None
    ) -> StationPreference | None:
        validate_unit_id(unit_id)
        response = await self._request(
            "GET", f"/v2/units/{quote(unit_id)}/settings/{STATION_SETTING}", deadline=deadline
        )
        if response.status_code == 204 or not response.content.strip():
            return None
        return self._parse(StationPreference, response)

    async def set_default_station(
        self, unit_id: str, pref: StationPreference, *, deadline: float | None = None
    ) -> str | None:
        """Set the unit's default station; returns the X-Amzn-RequestId (for the audit log)."""
        validate_unit_id(unit_id)
        validate_station(pref)
        response = await self._request(
            "PUT",
            f"/v2/units/{quote(unit_id)}/settings/{STATION_SETTING}",
            body=pref,
            deadline=deadline,
        )
        request_id = response.headers.get("x-amzn-requestid")
        return str(request_id) if request_id else None

    # --- alerts (seed 003 alarms; reminders and timers from the API notes) ------------------------

    async def _delete_alerts(self, kind: str, unit_id: str, deadline: float | None) -> AlertsResult:
        validate_unit_id(unit_id)
        response = await self._request(
            "DELETE",
            f"/v1/alerts/{kind}",
            params={"unitId": unit_id},
            deadline=deadline,
            alerts=True,
        )
        failures = []
        if response.content.strip():
            try:
                failures = AlertsErrorBody.model_validate_json(response.content).errors or []
            except ValidationError:
                failures = []
        return AlertsResult(
            ok=response.is_success and not failures,
            status=response.status_code,
            failures=failures,
            request_id=response.headers.get("x-amzn-requestid"),
        )

    async def delete_alarms(self, unit_id: str, *, deadline: float | None = None) -> AlertsResult:
        """Delete every alarm on every device of the unit; device failures are returned."""
        return await self._delete_alerts("alarms", unit_id, deadline)

    async def delete_reminders(
        self, unit_id: str, *, deadline: float | None = None
    ) -> AlertsResult:
        return await self._delete_alerts("reminders", unit_id, deadline)

    async def delete_timers(self, unit_id: str, *, deadline: float | None = None) -> AlertsResult:
        return await self._delete_alerts("timers", unit_id, deadline)
