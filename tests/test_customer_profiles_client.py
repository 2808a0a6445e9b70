"""Customer Profiles client (seed 002) against the sandbox routes: SigV4 service `profile`,
paging, read-modify-write PUT preserving every other field, the TemplateId rule, errors."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from profile_support import CREDENTIALS, DOMAIN, Recorder
from starlette.applications import Starlette

from bot.clients.customer_profiles import CustomerProfilesClient, default_endpoint, put_body
from bot.clients.errors import BadRequest, InvalidInput, NotFound, Unauthorized
from bot.clock import FakeClock
from bot.core.commands.object_types import capacity_notes
from bot.sandbox.customer_profiles import mount
from bot.sandbox.profile_world import ProfileWorld, attach_profile_world, profile_world_of
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World


class _State:
    """A stand-in live world: the routes only need something to key the profile world on."""


@pytest.fixture
def state() -> _State:
    return _State()


@pytest.fixture
async def client(state: _State) -> AsyncIterator[tuple[CustomerProfilesClient, Recorder]]:
    app = Starlette()
    mount(app, state)
    recorder = Recorder(httpx.ASGITransport(app=app))
    async with CustomerProfilesClient(
        "http://cp.test",
        domain=DOMAIN,
        region="eu-west-2",
        credentials=CREDENTIALS,
        transport=recorder,
        clock=FakeClock(),
    ) as c:
        yield c, recorder


def stored(state: Any, name: str) -> dict[str, Any]:
    return profile_world_of(state).domains[DOMAIN][name]


async def test_calls_are_signed_for_service_profile(
    sandbox: SandboxServer, small_world: World
) -> None:
    """Over real HTTP to the sandbox app, each call carries a SigV4 scope for `profile` in the
    region (the sandbox checks the signature for the world's region)."""
    small_world.aws.region = "eu-west-2"
    sandbox.reset(small_world)
    seen = Recorder(httpx.AsyncHTTPTransport())
    async with CustomerProfilesClient(
        sandbox.url, domain=DOMAIN, region="eu-west-2", credentials=CREDENTIALS, transport=seen
    ) as client:
        items = await client.list_object_types()
    assert [i.object_type_name for i in items] == ["GuestStay", "LoyaltyAccount", "SpaBooking"]
    assert seen.sent[0].url.endswith(f"/domains/{DOMAIN}/object-types?max-results=100")


def test_unsigned_request_is_refused(sandbox: SandboxServer) -> None:
    """The sandbox refuses a call without a SigV4 Authorization header."""
    response = httpx.get(f"{sandbox.url}/domains/{DOMAIN}/object-types")
    assert response.status_code == 403
    assert response.headers["x-amzn-ErrorType"] == "UnrecognizedClientException"


async def test_list_follows_next_token(client: tuple[CustomerProfilesClient, Recorder]) -> None:
    """A page size of 1 walks all three object types with next-token."""
    c, recorder = client
    first = await c.list_object_types_page(max_results=1)
    assert len(first.items) == 1 and first.next_token
    second = await c.list_object_types_page(max_results=1, next_token=first.next_token)
    assert second.items[0].object_type_name == "LoyaltyAccount"
    assert "next-token=" in recorder.sent[1].url


@pytest.mark.parametrize("size", [0, 101])
async def test_page_size_outside_1_to_100_is_refused_before_sending(
    client: tuple[CustomerProfilesClient, Recorder], size: int
) -> None:
    """max-results must be 1–100 (seed 002 notes): 0 and 101 never reach the wire."""
    c, recorder = client
    with pytest.raises(InvalidInput):
        await c.list_object_types_page(max_results=size)
    assert recorder.sent == []


@pytest.mark.parametrize("size", [1, 100])
async def test_page_size_edges_are_accepted(
    client: tuple[CustomerProfilesClient, Recorder], size: int
) -> None:
    """1 and 100 are valid page sizes."""
    c, _ = client
    page = await c.list_object_types_page(max_results=size)
    assert page.items


async def test_share_used(client: tuple[CustomerProfilesClient, Recorder]) -> None:
    """MaxProfileObjectCount against MaxAvailableProfileObjectCount gives the share used."""
    c, _ = client
    shares = {i.object_type_name: i.share_used for i in await c.list_object_types()}
    assert shares == {"GuestStay": 0.85, "LoyaltyAccount": 0.8, "SpaBooking": 0.3}


async def test_put_preserves_every_other_field(
    state: _State, client: tuple[CustomerProfilesClient, Recorder]
) -> None:
    """Changing the maximum re-sends every writable field exactly as read (the tags excepted: they
    are TagResource's), and only the maximum differs in the stored definition afterwards."""
    c, recorder = client
    before = copy.deepcopy(stored(state, "GuestStay"))
    await c.set_max_profile_object_count("GuestStay", 900)
    sent = recorder.sent[-1]
    assert sent.method == "PUT"
    expected = {
        k: v
        for k, v in before.items()
        if k
        not in (
            "ObjectTypeName", "CreatedAt", "LastUpdatedAt", "MaxAvailableProfileObjectCount", "Tags"
        )
    }  # fmt: skip
    assert before.get("Tags")  # the definition read has tags, and they are kept below
    assert sent.body == {**expected, "MaxProfileObjectCount": 900}
    after = stored(state, "GuestStay")
    for key, value in before.items():
        if key not in ("MaxProfileObjectCount", "LastUpdatedAt"):
            assert after[key] == value, key
    assert after["MaxProfileObjectCount"] == 900


async def test_template_fields_are_never_sent(
    state: _State, client: tuple[CustomerProfilesClient, Recorder]
) -> None:
    """With TemplateId set, AllowProfileCreation, SourceLastUpdatedTimestampFormat, Fields and Keys
    are left out of the PUT, even if the read returned them."""
    c, recorder = client
    stored(state, "LoyaltyAccount").update(
        AllowProfileCreation=True,
        SourceLastUpdatedTimestampFormat="yyyy",
        Fields={"a": {}},
        Keys={"k": []},
    )
    await c.set_max_profile_object_count("LoyaltyAccount", 450)
    body = recorder.sent[-1].body
    assert body["TemplateId"] == "Salesforce-Account" and body["MaxProfileObjectCount"] == 450
    assert (
        not {"AllowProfileCreation", "SourceLastUpdatedTimestampFormat", "Fields", "Keys"}
        & body.keys()
    )


def test_put_body_keeps_unknown_writable_fields() -> None:
    """A field this code does not know is kept in the PUT (read-modify-write never drops data)."""
    body = put_body({"ObjectTypeName": "X", "Description": "d", "FutureSetting": 3, "CreatedAt": 1})
    assert body == {"Description": "d", "FutureSetting": 3}


async def test_sandbox_refuses_template_fields(
    client: tuple[CustomerProfilesClient, Recorder],
) -> None:
    """The sandbox answers BadRequestException when template-owned fields come with TemplateId."""
    c, _ = client
    with pytest.raises(BadRequest) as caught:
        await c.rest(
            "PutProfileObjectType",
            "PUT",
            f"/domains/{DOMAIN}/object-types/LoyaltyAccount",
            body={"Description": "x", "TemplateId": "Salesforce-Account", "Keys": {}},
        )
    assert caught.value.error_type == "BadRequestException"


async def test_client_refuses_template_fields_before_sending(
    client: tuple[CustomerProfilesClient, Recorder],
) -> None:
    """put_object_type refuses a body that breaks the TemplateId rule without sending it."""
    c, recorder = client
    with pytest.raises(InvalidInput):
        await c.put_object_type(
            "LoyaltyAccount", {"Description": "x", "TemplateId": "T", "Fields": {}}
        )
    assert recorder.sent == []


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (1000, True), (1001, False)])
async def test_maximum_edges(
    client: tuple[CustomerProfilesClient, Recorder], value: int, ok: bool
) -> None:
    """The maximum must be 1..MaxAvailableProfileObjectCount (1000 for GuestStay)."""
    c, _ = client
    if ok:
        _, after = await c.set_max_profile_object_count("GuestStay", value)
        assert after["MaxProfileObjectCount"] == value
    else:
        with pytest.raises(InvalidInput):
            await c.set_max_profile_object_count("GuestStay", value)


async def test_unknown_object_type_and_domain_are_not_found(state: _State) -> None:
    """404 ResourceNotFoundException becomes NotFound, for an object type and for a domain."""
    app = Starlette()
    mount(app, state)
    transport = httpx.ASGITransport(app=app)
    async with CustomerProfilesClient(
        "http://cp.test", domain=DOMAIN, credentials=CREDENTIALS, transport=transport
    ) as c:
        with pytest.raises(NotFound):
            await c.get_object_type("Nope")
    async with CustomerProfilesClient(
        "http://cp.test", domain="other", credentials=CREDENTIALS, transport=transport
    ) as c:
        with pytest.raises(NotFound):
            await c.list_object_types()


async def test_refused_signature_is_unauthorized(
    client: tuple[CustomerProfilesClient, Recorder],
) -> None:
    """A 403 UnrecognizedClientException is typed as Unauthorized (credentials problem)."""
    c, _ = client
    c.service = "a4b"  # signed for the wrong service: the sandbox sees no `profile` scope
    with pytest.raises(Unauthorized):
        await c.list_object_types()


def test_endpoint_and_domain_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The host defaults from AWS_DEFAULT_REGION, CUSTOMER_PROFILES_ENDPOINT_URL wins; the domain
    comes from CUSTOMER_PROFILES_DOMAIN and is required."""
    monkeypatch.delenv("CUSTOMER_PROFILES_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")
    assert default_endpoint() == "https://profile.eu-central-1.amazonaws.com"
    monkeypatch.setenv("CUSTOMER_PROFILES_ENDPOINT_URL", "http://127.0.0.1:9")
    assert default_endpoint() == "http://127.0.0.1:9"
    monkeypatch.delenv("CUSTOMER_PROFILES_DOMAIN", raising=False)
    with pytest.raises(InvalidInput):
        CustomerProfilesClient(credentials=CREDENTIALS)
    monkeypatch.setenv("CUSTOMER_PROFILES_DOMAIN", "d1")
    assert CustomerProfilesClient(credentials=CREDENTIALS).domain == "d1"


async def test_capacity_notes_at_and_above_threshold(
    client: tuple[CustomerProfilesClient, Recorder],
) -> None:
    """Object types at or above the threshold are named, highest share first; none below it."""
    c, _ = client
    notes = await capacity_notes(c, 0.8)
    assert [n.split(":")[0] for n in notes] == [
        "Object type GuestStay",
        "Object type LoyaltyAccount",
    ]
    assert "850 of 1,000" in notes[0] and "85%" in notes[0]
    assert await capacity_notes(c, 0.9) == []
    assert await capacity_notes(None, 0.8) == []


async def test_capacity_notes_survive_an_error(
    state: _State, client: tuple[CustomerProfilesClient, Recorder]
) -> None:
    """When the domain cannot be read, the digest gets one line saying so rather than an exception."""
    attach_profile_world(state, ProfileWorld())
    c, _ = client
    notes = await capacity_notes(c, 0.8)
    assert len(notes) == 1 and "could not be read" in notes[0]
