"""AspClient request shapes (method, path, query, body, headers), answer parsing, pagination and
input validation, against an httpx.MockTransport."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from bot.clients.asp import AspClient
from bot.clients.errors import InvalidInput
from bot.clients.lwa import StaticToken
from bot.clients.models import StationPreference
from bot.clock import FakeClock

BASE = "https://asp.test"
ORG = "amzn1.alexa.unit.did.ORG1"
PROP = "amzn1.alexa.unit.did.PROP1"
RT = "amzn1.alexa.unit.did.RT1"
ROOM = "amzn1.alexa.unit.did.ROOM1"
H = "/enterprise/hospitality/v1"


class Api:
    """Records every request; answers with `reply` (a Response or a function of the request)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.reply: httpx.Response | Callable[[httpx.Request], httpx.Response] = httpx.Response(204)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if callable(self.reply):
            return self.reply(request)
        return self.reply

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


@pytest.fixture
def api() -> Api:
    return Api()


@pytest.fixture
async def client(api: Api) -> AsyncIterator[AspClient]:
    c = AspClient(
        BASE, StaticToken("Atza|t"), transport=httpx.MockTransport(api), clock=FakeClock()
    )
    yield c
    await c.aclose()


def body_of(request: httpx.Request) -> object:
    return json.loads(request.content)


def check(
    request: httpx.Request,
    method: str,
    path: str,
    query: dict[str, str] | None = None,
    *,
    authorization: str = "Bearer Atza|t",
) -> None:
    assert request.method == method
    assert request.url.path == path
    assert dict(request.url.params) == (query or {})
    assert request.headers["accept"] == "application/json"
    assert request.headers["authorization"] == authorization


# --- properties -----------------------------------------------------------------------------------


async def test_list_properties_request_and_parse(api: Api, client: AspClient) -> None:
    """list_properties sends organizationId with maxResults=50 and parses the items."""
    api.reply = httpx.Response(
        200,
        json={
            "properties": [{"id": PROP, "name": "Harbor", "organizationId": ORG}],
            "paginationContext": {"nextToken": None},
        },
    )
    props = await client.list_properties(ORG)
    check(api.last, "GET", f"{H}/properties", {"organizationId": ORG, "maxResults": "50"})
    assert [(p.id, p.name, p.organizationId) for p in props] == [(PROP, "Harbor", ORG)]


async def test_get_property(api: Api, client: AspClient) -> None:
    """get_property GETs the property path and parses it, ignoring unknown fields."""
    api.reply = httpx.Response(
        200, json={"id": PROP, "name": "Harbor", "organizationId": ORG, "extra": [1]}
    )
    prop = await client.get_property(PROP)
    check(api.last, "GET", f"{H}/properties/{PROP}")
    assert prop.name == "Harbor"


async def test_create_property_returns_new_id(api: Api, client: AspClient) -> None:
    """create_property POSTs name and organizationId and returns the id of the 201 body."""
    api.reply = httpx.Response(
        201, json={"id": PROP}, headers={"Location": f"{H}/properties/{PROP}"}
    )
    assert await client.create_property("Harbor View", ORG) == PROP
    check(api.last, "POST", f"{H}/properties")
    assert body_of(api.last) == {"name": "Harbor View", "organizationId": ORG}
    assert api.last.headers["content-type"] == "application/json"


async def test_create_falls_back_to_location_header(api: Api, client: AspClient) -> None:
    """A 201 without a body still yields the id, taken from the Location header."""
    api.reply = httpx.Response(201, headers={"Location": f'"{H}/properties/{PROP}"'})
    assert await client.create_property("Harbor", ORG) == PROP


async def test_update_property(api: Api, client: AspClient) -> None:
    """update_property PUTs {"name"} to the property path."""
    await client.update_property(PROP, "New name")
    check(api.last, "PUT", f"{H}/properties/{PROP}")
    assert body_of(api.last) == {"name": "New name"}


async def test_delete_property(api: Api, client: AspClient) -> None:
    """delete_property DELETEs the property path with no body."""
    await client.delete_property(PROP)
    check(api.last, "DELETE", f"{H}/properties/{PROP}")
    assert api.last.content == b""


# --- room types -----------------------------------------------------------------------------------


async def test_room_type_operations(api: Api, client: AspClient) -> None:
    """Room type list/get/create/update/delete hit the roomTypes paths with the right bodies."""
    api.reply = httpx.Response(
        200, json={"roomTypes": [{"id": RT, "name": "Suite", "propertyId": PROP}]}
    )
    assert [rt.id for rt in await client.list_room_types(PROP)] == [RT]
    check(api.last, "GET", f"{H}/roomTypes", {"propertyId": PROP, "maxResults": "50"})

    api.reply = httpx.Response(200, json={"id": RT, "name": "Suite", "propertyId": PROP})
    assert (await client.get_room_type(RT)).propertyId == PROP
    check(api.last, "GET", f"{H}/roomTypes/{RT}")

    api.reply = httpx.Response(201, json={"id": RT})
    assert await client.create_room_type("Suite", PROP) == RT
    check(api.last, "POST", f"{H}/roomTypes")
    assert body_of(api.last) == {"name": "Suite", "propertyId": PROP}

    api.reply = httpx.Response(204)
    await client.update_room_type(RT, "Deluxe Suite")
    check(api.last, "PUT", f"{H}/roomTypes/{RT}")
    assert body_of(api.last) == {"name": "Deluxe Suite"}

    await client.delete_room_type(RT)
    check(api.last, "DELETE", f"{H}/roomTypes/{RT}")


# --- rooms ----------------------------------------------------------------------------------------


async def test_room_operations(api: Api, client: AspClient) -> None:
    """Room list/get/create/update/delete hit the rooms paths with the right bodies."""
    api.reply = httpx.Response(200, json={"rooms": [{"id": ROOM, "name": "204", "roomTypeId": RT}]})
    assert [r.name for r in await client.list_rooms(RT)] == ["204"]
    check(api.last, "GET", f"{H}/rooms", {"roomTypeId": RT, "maxResults": "50"})

    api.reply = httpx.Response(200, json={"id": ROOM, "name": "204", "roomTypeId": RT})
    assert (await client.get_room(ROOM)).roomTypeId == RT
    check(api.last, "GET", f"{H}/rooms/{ROOM}")

    api.reply = httpx.Response(201, json={"id": ROOM})
    assert await client.create_room("204", RT) == ROOM
    check(api.last, "POST", f"{H}/rooms")
    assert body_of(api.last) == {"name": "204", "roomTypeId": RT}

    api.reply = httpx.Response(204)
    await client.update_room(ROOM, "204-A")
    check(api.last, "PUT", f"{H}/rooms/{ROOM}")
    assert body_of(api.last) == {"name": "204-A"}

    await client.delete_room(ROOM)
    check(api.last, "DELETE", f"{H}/rooms/{ROOM}")


async def test_loosely_typed_fields_are_coerced(api: Api, client: AspClient) -> None:
    """Seed 004 types some ids as Integer: numbers are accepted and kept as strings."""
    api.reply = httpx.Response(200, json={"id": ROOM, "name": 204, "roomTypeId": 17})
    room = await client.get_room(ROOM)
    assert (room.name, room.roomTypeId) == ("204", "17")


# --- pagination -----------------------------------------------------------------------------------


async def test_pagination_follows_next_token_to_the_end(api: Api, client: AspClient) -> None:
    """Lists ask again with the same query plus nextToken until the token is missing or null."""
    pages = {
        None: {
            "rooms": [{"id": f"{ROOM}{i}", "name": str(i)} for i in range(50)],
            "paginationContext": {"nextToken": "p2"},
        },
        "p2": {
            "rooms": [{"id": f"{ROOM}x", "name": "x"}],
            "paginationContext": {"nextToken": "p3"},
        },
        "p3": {"rooms": [], "paginationContext": {}},
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=pages[request.url.params.get("nextToken")])

    api.reply = answer
    rooms = await client.list_rooms(RT)
    assert len(rooms) == 51
    assert [dict(r.url.params) for r in api.requests] == [
        {"roomTypeId": RT, "maxResults": "50"},
        {"roomTypeId": RT, "maxResults": "50", "nextToken": "p2"},
        {"roomTypeId": RT, "maxResults": "50", "nextToken": "p3"},
    ]
    assert client.stats.requests["GET"] == 3


async def test_empty_list_is_one_request(api: Api, client: AspClient) -> None:
    """An empty list without paginationContext costs exactly one request."""
    api.reply = httpx.Response(200, json={"properties": []})
    assert await client.list_properties(ORG) == []
    assert client.stats.total_requests == 1


async def test_empty_string_next_token_ends_the_list(api: Api, client: AspClient) -> None:
    """An empty-string nextToken is treated like a missing one (no endless loop)."""
    api.reply = httpx.Response(
        200, json={"roomTypes": None, "paginationContext": {"nextToken": ""}}
    )
    assert await client.list_room_types(PROP) == []
    assert len(api.requests) == 1


# --- unit settings --------------------------------------------------------------------------------

STATION_PATH = f"/v2/units/{ROOM}/settings/MusicExperience.defaultStationPreferences"


async def test_get_default_station(api: Api, client: AspClient) -> None:
    """The station GET parses providerId/stationId."""
    api.reply = httpx.Response(200, json={"providerId": "I_HEART_RADIO", "stationId": "4802"})
    pref = await client.get_default_station(ROOM)
    check(api.last, "GET", STATION_PATH)
    assert pref == StationPreference(providerId="I_HEART_RADIO", stationId="4802")


async def test_get_default_station_204_is_none(api: Api, client: AspClient) -> None:
    """A 204 on the station GET (setting without value) gives None."""
    api.reply = httpx.Response(204)
    assert await client.get_default_station(ROOM) is None


async def test_set_default_station(api: Api, client: AspClient) -> None:
    """The station PUT sends the pair as JSON."""
    await client.set_default_station(
        ROOM, StationPreference(providerId="TUNEIN", stationId="s45300")
    )
    check(api.last, "PUT", STATION_PATH)
    assert body_of(api.last) == {"providerId": "TUNEIN", "stationId": "s45300"}


# --- alerts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["alarms", "reminders", "timers"])
async def test_delete_alerts_request_and_success(api: Api, client: AspClient, kind: str) -> None:
    """Alert deletes are DELETE /v1/alerts/<kind>?unitId= with the raw token (seed 003); 204 is
    ok."""
    api.reply = httpx.Response(204, headers={"X-Amzn-RequestId": "rid-1"})
    result = await getattr(client, f"delete_{kind}")(ROOM)
    check(api.last, "DELETE", f"/v1/alerts/{kind}", {"unitId": ROOM}, authorization="Atza|t")
    assert result.ok and result.status == 204 and result.failures == []
    assert result.request_id == "rid-1"


async def test_alarm_delete_raw_token_setting(api: Api) -> None:
    """alarm_auth_raw=True sends the alert deletes' token without 'Bearer '; others keep it."""
    client = AspClient(
        BASE, StaticToken("Atza|t"), transport=httpx.MockTransport(api), alarm_auth_raw=True
    )
    await client.delete_alarms(ROOM)
    assert api.last.headers["authorization"] == "Atza|t"
    await client.delete_room(ROOM)
    assert api.last.headers["authorization"] == "Bearer Atza|t"
    await client.aclose()


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    ["", "204", "amzn1.alexa.unit.did.", "amzn1.alexa.unit.did.a/b", "amzn1.alexa.unit.did. x"],
)
async def test_bad_unit_ids_are_refused_before_sending(
    api: Api, client: AspClient, bad: str
) -> None:
    """Ids that are not amzn1.alexa.unit.did.<something> raise InvalidInput and send nothing."""
    with pytest.raises(InvalidInput):
        await client.get_room(bad)
    with pytest.raises(InvalidInput):
        await client.delete_alarms(bad)
    with pytest.raises(InvalidInput):
        await client.list_properties(bad)
    assert api.requests == []


@pytest.mark.parametrize("bad", ["", "Room 204", "204.1", "a" * 257, "2/04", "café!"])
async def test_bad_room_names_are_refused_before_sending(
    api: Api, client: AspClient, bad: str
) -> None:
    """Room names with spaces, periods, other symbols, empty or over 256 chars are refused."""
    with pytest.raises(InvalidInput) as info:
        await client.create_room(bad, RT)
    with pytest.raises(InvalidInput):
        await client.update_room(ROOM, bad)
    assert api.requests == []
    assert "no spaces or periods" in info.value.user_hint()


@pytest.mark.parametrize("good", ["204", "Suite_12-B", "a=b#c;d:e?f@g&h", "a" * 256, "Chambre12"])
async def test_good_room_names_are_sent(api: Api, client: AspClient, good: str) -> None:
    """Every character class of seed 004 is allowed, up to 256 characters."""
    api.reply = httpx.Response(201, json={"id": ROOM})
    assert await client.create_room(good, RT) == ROOM


async def test_empty_station_pair_is_refused(api: Api, client: AspClient) -> None:
    """A station pair with an empty part is refused before sending."""
    with pytest.raises(InvalidInput):
        await client.set_default_station(
            ROOM, StationPreference(providerId="TUNEIN", stationId=" ")
        )
    assert api.requests == []


async def test_empty_property_name_is_refused(api: Api, client: AspClient) -> None:
    """Property and room type names must not be blank."""
    with pytest.raises(InvalidInput):
        await client.create_property("  ", ORG)
    with pytest.raises(InvalidInput):
        await client.update_room_type(RT, "")
    assert api.requests == []
