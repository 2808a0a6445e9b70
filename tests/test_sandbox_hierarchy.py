"""The sandbox's Property, Room Type and Room API (seed 004) over real HTTP."""

from __future__ import annotations

import httpx
import pytest
from conftest import SMALL_ORG_ID

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

H = "/enterprise/hospitality/v1"
U = "amzn1.alexa.unit.did."


def _collect(
    client: httpx.Client, path: str, key: str, params: dict[str, str], size: int
) -> tuple[list[str], int]:
    """Every id of a list, following nextToken; also the number of pages it took."""
    ids: list[str] = []
    pages = 0
    token: str | None = None
    while True:
        query = {**params, "maxResults": str(size)} | ({"nextToken": token} if token else {})
        response = client.get(path, params=query)
        if response.status_code == 404 and not token:
            return [], 1  # seed 004: an empty list is "404 ... weren't found"
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body[key]) <= size
        ids += [item["id"] for item in body[key]]
        pages += 1
        token = body["paginationContext"].get("nextToken")
        if token is None:
            return ids, pages


def test_property_crud_round_trip(sandbox_client: httpx.Client) -> None:
    """Create answers 201 with Location and id; get, update (204), delete (204) and then 404."""
    created = sandbox_client.post(
        f"{H}/properties", json={"name": "Hotel C", "organizationId": SMALL_ORG_ID}
    )
    assert created.status_code == 201
    new_id = created.json()["id"]
    assert new_id.startswith(U)
    assert created.headers["Location"] == f"{H}/properties/{new_id}"
    got = sandbox_client.get(f"{H}/properties/{new_id}").json()
    assert got == {"id": new_id, "organizationId": SMALL_ORG_ID, "name": "Hotel C"}
    assert (
        sandbox_client.put(f"{H}/properties/{new_id}", json={"name": "Hotel C2"}).status_code == 204
    )
    assert sandbox_client.get(f"{H}/properties/{new_id}").json()["name"] == "Hotel C2"
    assert sandbox_client.delete(f"{H}/properties/{new_id}").status_code == 204
    assert sandbox_client.get(f"{H}/properties/{new_id}").status_code == 404


def test_room_type_and_room_crud(sandbox_client: httpx.Client) -> None:
    """A room type and a room are created under their parents, listed, renamed and deleted."""
    rt = sandbox_client.post(f"{H}/roomTypes", json={"name": "Suite", "propertyId": U + "HOTELB"})
    assert rt.status_code == 201
    rt_id = rt.json()["id"]
    assert rt.headers["Location"] == f"{H}/roomTypes/{rt_id}"
    assert sandbox_client.get(f"{H}/roomTypes/{rt_id}").json() == {
        "id": rt_id,
        "name": "Suite",
        "propertyId": U + "HOTELB",
    }
    room = sandbox_client.post(f"{H}/rooms", json={"name": "PH-1", "roomTypeId": rt_id})
    assert room.status_code == 201
    room_id = room.json()["id"]
    assert room.headers["Location"] == f"{H}/rooms/{room_id}"
    listed = sandbox_client.get(f"{H}/rooms", params={"roomTypeId": rt_id}).json()
    assert listed["rooms"] == [{"id": room_id, "name": "PH-1", "roomTypeId": rt_id}]
    assert sandbox_client.put(f"{H}/rooms/{room_id}", json={"name": "PH-2"}).status_code == 204
    assert sandbox_client.get(f"{H}/rooms/{room_id}").json()["name"] == "PH-2"
    assert sandbox_client.put(f"{H}/roomTypes/{rt_id}", json={"name": "Suites"}).status_code == 204
    assert sandbox_client.delete(f"{H}/rooms/{room_id}").status_code == 204
    assert sandbox_client.delete(f"{H}/roomTypes/{rt_id}").status_code == 204
    assert sandbox_client.get(f"{H}/roomTypes/{rt_id}").status_code == 404


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"{H}/properties/{U}HOTELA", 400),  # has room types
        (f"{H}/roomTypes/{U}KING", 400),  # has rooms
        (f"{H}/rooms/{U}A101", 400),  # has a device
        (f"{H}/rooms/{U}A102", 204),  # no device
        (f"{H}/roomTypes/{U}EMPTY", 204),
        (f"{H}/properties/{U}NOPE", 404),
        (f"{H}/roomTypes/{U}NOPE", 404),
        (f"{H}/rooms/{U}NOPE", 404),
    ],
)
def test_delete_rules(sandbox_client: httpx.Client, path: str, expected: int) -> None:
    """Deleting a non-empty property or room type, or a room with devices, is 400; unknown ids
    404.
    """
    response = sandbox_client.delete(path)
    assert response.status_code == expected
    if expected >= 400:
        assert response.json()["message"]


@pytest.mark.parametrize("kind", ["properties", "roomTypes", "rooms"])
def test_unknown_ids_are_404_on_get_and_put(sandbox_client: httpx.Client, kind: str) -> None:
    """GET and PUT of an unknown id answer 404 with a message."""
    assert sandbox_client.get(f"{H}/{kind}/{U}NOPE").status_code == 404
    assert sandbox_client.put(f"{H}/{kind}/{U}NOPE", json={"name": "x"}).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["", "Room 101", "101.5", "x" * 257, "tab\there", "slash/1"],
)
def test_invalid_room_names_are_400(sandbox_client: httpx.Client, name: str) -> None:
    """Seed 004's rule: no spaces, periods or other symbols, 1–256 characters; create and
    rename both check.
    """
    create = sandbox_client.post(f"{H}/rooms", json={"name": name, "roomTypeId": U + "KING"})
    assert create.status_code == 400
    rename = sandbox_client.put(f"{H}/rooms/{U}A102", json={"name": name})
    assert rename.status_code == 400


def test_valid_room_name_with_all_special_characters(sandbox_client: httpx.Client) -> None:
    """Letters, digits and every allowed special character, 256 long, are accepted."""
    name = ("Ab9_-=#;:?@&" * 22)[:256]
    response = sandbox_client.post(f"{H}/rooms", json={"name": name, "roomTypeId": U + "KING"})
    assert response.status_code == 201


def test_duplicate_room_name_in_property_is_400(sandbox_client: httpx.Client) -> None:
    """A name used in the same property is refused (any room type, any case); another property
    may reuse it.
    """
    assert (
        sandbox_client.post(
            f"{H}/rooms", json={"name": "204", "roomTypeId": U + "EMPTY"}
        ).status_code
        == 400
    )
    assert (
        sandbox_client.post(
            f"{H}/rooms", json={"name": "ph-9", "roomTypeId": U + "KING"}
        ).status_code
        == 201
    )
    assert (
        sandbox_client.post(
            f"{H}/rooms", json={"name": "PH-9", "roomTypeId": U + "EMPTY"}
        ).status_code
        == 400
    )
    assert (
        sandbox_client.post(
            f"{H}/rooms", json={"name": "102", "roomTypeId": U + "DOUBLE"}
        ).status_code
        == 201
    )
    assert sandbox_client.put(f"{H}/rooms/{U}A102", json={"name": "101"}).status_code == 400
    assert sandbox_client.put(f"{H}/rooms/{U}A102", json={"name": "102"}).status_code == 204


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (f"{H}/properties", {"name": "x"}),
        (f"{H}/properties", {"organizationId": SMALL_ORG_ID}),
        (f"{H}/roomTypes", {"name": "x", "propertyId": U + "NOPE"}),
        (f"{H}/roomTypes", {"name": "", "propertyId": U + "HOTELA"}),
        (f"{H}/rooms", {"name": "999", "roomTypeId": U + "NOPE"}),
        (f"{H}/rooms", {"roomTypeId": U + "KING"}),
    ],
)
def test_malformed_creates_are_400(
    sandbox_client: httpx.Client, path: str, body: dict[str, str]
) -> None:
    """Missing fields or an unknown parent id in a create body answer 400."""
    assert sandbox_client.post(path, json=body).status_code == 400


def test_non_json_body_is_400(sandbox_client: httpx.Client) -> None:
    """A body that is not a JSON object answers 400."""
    assert sandbox_client.post(f"{H}/properties", content=b"{nope").status_code == 400
    assert sandbox_client.put(f"{H}/properties/{U}HOTELA", json=["x"]).status_code == 400


def test_create_property_in_another_organization_is_403(sandbox_client: httpx.Client) -> None:
    """The caller may only create in its own organization."""
    response = sandbox_client.post(
        f"{H}/properties", json={"name": "x", "organizationId": U + "OTHER"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("path", "params", "expected"),
    [
        (f"{H}/properties", {}, 400),
        (f"{H}/properties", {"organizationId": U + "OTHER"}, 403),
        (f"{H}/roomTypes", {}, 400),
        (f"{H}/roomTypes", {"propertyId": U + "NOPE"}, 404),
        (f"{H}/rooms", {}, 400),
        (f"{H}/rooms", {"roomTypeId": U + "NOPE"}, 404),
    ],
)
def test_list_parent_errors(
    sandbox_client: httpx.Client, path: str, params: dict[str, str], expected: int
) -> None:
    """A list without its parent query is 400; with an unknown parent 404, except another
    organization's properties, which are 403 as a create there is (not yours, not empty)."""
    assert sandbox_client.get(path, params=params).status_code == expected


@pytest.mark.parametrize("value", ["0", "51", "-1", "ten", "1.5"])
def test_max_results_out_of_range_is_400(sandbox_client: httpx.Client, value: str) -> None:
    """maxResults must be an integer from 1 to 50."""
    response = sandbox_client.get(
        f"{H}/rooms", params={"roomTypeId": U + "KING", "maxResults": value}
    )
    assert response.status_code == 400


def test_bad_next_token_is_400(sandbox_client: httpx.Client) -> None:
    """A garbage nextToken, or one from another query, answers 400."""
    first = sandbox_client.get(
        f"{H}/rooms", params={"roomTypeId": U + "KING", "maxResults": "1"}
    ).json()
    token = first["paginationContext"]["nextToken"]
    bad = sandbox_client.get(f"{H}/rooms", params={"roomTypeId": U + "KING", "nextToken": "%%%"})
    assert bad.status_code == 400
    other = sandbox_client.get(
        f"{H}/rooms", params={"roomTypeId": U + "DOUBLE", "nextToken": token}
    )
    assert other.status_code == 400


def test_default_page_size_is_10(sandbox: SandboxServer, sandbox_client: httpx.Client) -> None:
    """Without maxResults a page holds 10 items."""
    for i in range(12):
        sandbox.state.create_room(U + "EMPTY", f"9{i:02d}")
    body = sandbox_client.get(f"{H}/rooms", params={"roomTypeId": U + "EMPTY"}).json()
    assert len(body["rooms"]) == 10
    assert "nextToken" in body["paginationContext"]


def test_empty_list_is_404(sandbox_client: httpx.Client) -> None:
    """A parent with no children answers seed 004's 404 "weren't found" (the strict reading)."""
    answer = sandbox_client.get(f"{H}/rooms", params={"roomTypeId": U + "EMPTY"})
    assert answer.status_code == 404
    assert answer.json() == {"message": "The requested rooms weren't found.", "type": "NOT_FOUND"}


@pytest.mark.parametrize("size", [1, 7, 50])
def test_pagination_with_odd_page_sizes(
    sandbox: SandboxServer, sandbox_client: httpx.Client, size: int
) -> None:
    """Following nextToken returns every item once, in order, in ceil(n/size) pages."""
    for i in range(53):
        sandbox.state.create_room(U + "KING", f"X{i}")
    want = [room.id for room in sandbox.state.room_types[U + "KING"].rooms]
    got, pages = _collect(sandbox_client, f"{H}/rooms", "rooms", {"roomTypeId": U + "KING"}, size)
    assert got == want
    assert len(want) == 57
    assert pages == -(-57 // size)


def test_pagination_of_demo_properties_and_room_types(
    sandbox: SandboxServer, sandbox_client: httpx.Client, demo_world: World
) -> None:
    """The demo world lists its 5 properties and its 333 rooms, page by page."""
    sandbox.reset(demo_world)
    org = {"organizationId": demo_world.organization.id}
    props, pages = _collect(sandbox_client, f"{H}/properties", "properties", org, 3)
    assert (len(props), pages) == (5, 2)
    rooms = 0
    for prop in props:
        room_types, _ = _collect(
            sandbox_client, f"{H}/roomTypes", "roomTypes", {"propertyId": prop}, 50
        )
        for rt in room_types:
            rooms += len(_collect(sandbox_client, f"{H}/rooms", "rooms", {"roomTypeId": rt}, 50)[0])
    assert rooms == 333


def test_every_response_has_a_unique_request_id(sandbox_client: httpx.Client) -> None:
    """X-Amzn-RequestId is on success, error and unknown-path answers, and never repeats."""
    responses = [
        sandbox_client.get(f"{H}/properties/{U}HOTELA"),
        sandbox_client.get(f"{H}/properties/{U}NOPE"),
        sandbox_client.get("/no/such/path"),
        sandbox_client.get(f"{H}/properties/{U}HOTELA", headers={"Authorization": ""}),
    ]
    ids = [r.headers["X-Amzn-RequestId"] for r in responses]
    assert len(set(ids)) == len(ids)
    assert responses[2].status_code == 404
    assert responses[2].json()["message"]


def test_changes_show_in_world_dump(sandbox_client: httpx.Client) -> None:
    """GET /_sandbox/world returns the current state in the world file format."""
    sandbox_client.put(f"{H}/properties/{U}HOTELB", json={"name": "Hotel B Renamed"})
    world = sandbox_client.get("/_sandbox/world").json()
    assert world["organization"]["id"] == SMALL_ORG_ID
    assert [p["name"] for p in world["properties"]] == ["Hotel A", "Hotel B Renamed"]
