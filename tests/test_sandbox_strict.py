"""The strict sandbox: every leniency the contracts audit found is now refused as the seeds and the
AWS models say, and the bot's clients still get through."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from aws_signing import signed_headers
from profile_support import CREDENTIALS, DOMAIN

from bot.clients.a4b import A4BClient
from bot.clients.customer_profiles import CustomerProfilesClient
from bot.clients.errors import ServerError
from bot.clock import FakeClock
from bot.sandbox.faults import FaultRule
from bot.sandbox.server import SandboxServer

U = "amzn1.alexa.unit.did."
H = "/enterprise/hospitality/v1"
STATION = "/v2/units/{}/settings/MusicExperience.defaultStationPreferences"
JSON_11 = "application/x-amz-json-1.1"
PROFILE_ARN = "arn:aws:a4b:us-east-1:123456789012:profile/2b1f0c4e5d6a47c1a0b6e0e1c1a10003"


def a4b(url: str, operation: str, body: Any, **headers: str) -> httpx.Response:
    content = json.dumps(body)
    unsigned = {"Content-Type": JSON_11, "X-Amz-Target": f"AlexaForBusiness.{operation}", **headers}
    sent = signed_headers("POST", url + "/", content, unsigned, service="a4b")
    return httpx.post(url + "/", headers=sent, content=content)


def profiles(method: str, url: str, content: bytes | str = b"", **headers: str) -> httpx.Response:
    """A Customer Profiles call signed for real (the sandbox verifies SigV4)."""
    sent = signed_headers(method, url, content, headers, service="profile")
    return httpx.request(method, url, headers=sent, content=content)


# -- seed 003: stations by country, the alerts' error shape ----------------------------------------


def test_a_station_of_another_country_is_400(sandbox_client: httpx.Client) -> None:
    """A French TuneIn station on a US room is refused; a UK station on the UK room is taken."""
    french = {"providerId": "TUNEIN", "stationId": "s16492"}
    refused = sandbox_client.put(STATION.format(f"{U}A101"), json=french)
    assert refused.status_code == 400 and "isn't available in US" in refused.json()["message"]
    shared = {"providerId": "TUNEIN", "stationId": "s287575"}  # listed for UK and FR
    assert sandbox_client.put(STATION.format(f"{U}B101"), json=shared).status_code == 204


@pytest.mark.parametrize(
    ("settings", "status", "code"),
    [
        ({"p429": 1.0}, 429, "TOO_MANY_REQUESTS"),
        ({"p5xx": 1.0}, 500, "INTERNAL_SERVER_ERROR"),
        ({"rules": [{"fault": "404"}]}, 404, "NOT_FOUND"),
    ],
)
def test_alert_faults_use_seed_003s_error_shape(
    sandbox_client: httpx.Client, settings: dict[str, Any], status: int, code: str
) -> None:
    """Injected 429, 500 and 404 on an alert route answer `{"errors": [{"code", ...}]}`."""
    sandbox_client.post("/_sandbox/faults", json=settings)
    answer = sandbox_client.delete(f"/v1/alerts/reminders?unitId={U}A101")
    assert answer.status_code == status
    assert answer.json()["errors"][0]["code"] == code


def test_alert_auth_and_bad_ids_use_seed_003s_error_shape(sandbox_url: str) -> None:
    """401 (no token) and 400 (a unit id in the wrong format) on the alert routes are
    `{"errors": [...]}` too."""
    unauthorized = httpx.delete(f"{sandbox_url}/v1/alerts/alarms?unitId={U}A101")
    assert unauthorized.status_code == 401
    assert unauthorized.json()["errors"][0]["code"] == "UNAUTHORIZED"
    bad = httpx.delete(
        f"{sandbox_url}/v1/alerts/alarms?unitId=204",
        headers={"Authorization": "Atza|sandbox-static-token"},
    )
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "BAD_REQUEST"


# -- seed 004: ids in the wrong format are malformed requests (400, not 403/404) -------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", STATION.format("204"), None),
        ("PUT", STATION.format("room-204"), {"providerId": "I_HEART_RADIO", "stationId": "4242"}),
        ("GET", f"{H}/properties/HOTELA", None),
        ("GET", f"{H}/rooms?roomTypeId=KING", None),
        ("GET", f"{H}/properties?organizationId=my-org", None),
        ("POST", f"{H}/rooms", {"name": "999", "roomTypeId": "KING"}),
    ],
)
def test_ids_in_the_wrong_format_are_400(
    sandbox_client: httpx.Client, method: str, path: str, body: dict[str, str] | None
) -> None:
    """Path, query and body ids that are not amzn1.alexa.unit.did.{id} answer 400."""
    answer = sandbox_client.request(method, path, json=body)
    assert answer.status_code == 400, answer.text
    assert "amzn1.alexa.unit.did" in answer.json()["message"]


# -- JSON Content-Type on every body -------------------------------------------------------------


def test_a_body_without_a_json_content_type_is_400(
    sandbox_client: httpx.Client, sandbox_url: str
) -> None:
    """ASP, A4B and Customer Profiles bodies must be labelled as their JSON media type."""
    pop = b'{"providerId": "I_HEART_RADIO", "stationId": "4422"}'
    asp = sandbox_client.put(
        STATION.format(f"{U}A101"), content=pop, headers={"Content-Type": "text/plain"}
    )
    assert asp.status_code == 400 and "Content-Type" in asp.json()["message"]
    aws = a4b(sandbox_url, "SearchDevices", {}, **{"Content-Type": "application/json"})
    assert aws.status_code == 400 and aws.json()["__type"] == "SerializationException"
    cp = profiles(
        "PUT", f"{sandbox_url}/domains/{DOMAIN}/object-types/Booking", b'{"Description": "x"}'
    )
    assert cp.status_code == 400 and cp.headers["x-amzn-ErrorType"] == "BadRequestException"


# -- Alexa for Business: the shapes of the AWS model -----------------------------------------------


@pytest.mark.parametrize(
    ("operation", "body", "said"),
    [
        ("SearchDevices", {"SortCriteria": [{"Key": "DeviceName", "Value": "UP"}]}, "enum"),
        ("SearchDevices", {"MaxResults": "10"}, "integer"),
        ("SearchProfiles", {"Filters": [{"Key": "ProfileName"}]}, "must not be null"),
        ("UpdateProfile", {"ProfileArn": PROFILE_ARN, "PSTNEnabled": "yes"}, "boolean"),
        ("UpdateProfile", {"ProfileArn": PROFILE_ARN, "Colour": "red"}, "Unknown parameter"),
        (
            "UpdateProfile",
            {
                "ProfileArn": PROFILE_ARN,
                "MeetingRoomConfiguration": {
                    "EndOfMeetingReminder": {"ReminderAtMinutes": [5, 10]}
                },
            },
            "length less than or equal to 1",
        ),
        (
            "CreateProfile",
            {
                "ProfileName": "Annex",
                "Timezone": "UTC",
                "Address": "1 Main St",
                "DistanceUnit": "METRIC",
                "TemperatureUnit": "CELSIUS",
                "WakeWord": "ALEXA",
                "MeetingRoomConfiguration": {"EndOfMeetingReminder": {"Enabled": True}},
            },
            "ReminderAtMinutes' failed to satisfy constraint: Member must not be null",
        ),
        ("ListDeviceEvents", {"EventType": "CONNECTION_STATUS"}, "DeviceArn"),
        ("GetDevice", {"DeviceArn": "dev-1"}, "pattern"),
    ],
)
def test_a4b_requests_are_checked_against_the_model(
    sandbox_url: str, operation: str, body: dict[str, Any], said: str
) -> None:
    """A sort value "UP", a string for a number, a filter without values, "yes" for a boolean, an
    unknown member, two reminder times, a reminder without its required members, a missing
    DeviceArn and a malformed ARN are each 400 ValidationException."""
    answer = a4b(sandbox_url, operation, body)
    assert answer.status_code == 400
    assert answer.json()["__type"].endswith("ValidationException")
    assert said in answer.json()["message"]


async def test_a4b_throttling_is_400_throttling_exception_and_the_client_waits(
    sandbox: SandboxServer,
) -> None:
    """The A4B client treats the 400 ThrottlingException as throttling: it waits 1, 2 s by seed
    004's rule and then gets its answer."""
    sandbox.faults.update(rules=[FaultRule("429", target="SearchDevices", attempts=2)])
    clock = FakeClock()
    async with A4BClient(sandbox.url, credentials=CREDENTIALS, clock=clock) as client:
        devices = await client.search_devices()
    assert devices and clock.sleeps == [1, 2]


def test_a4b_throttling_is_400_throttling_exception(sandbox: SandboxServer) -> None:
    """AWS JSON 1.1 throttling: status 400 with `__type` ThrottlingException, not a 429."""
    sandbox.faults.update(p429=1.0)
    raw = a4b(sandbox.url, "SearchDevices", {})
    assert raw.status_code == 400 and raw.json()["__type"] == "ThrottlingException"


# -- Customer Profiles: faults and the botocore model ------------------------------------------------


async def test_customer_profiles_routes_get_injected_faults(sandbox: SandboxServer) -> None:
    """A 500 on the object-type list is retried (a GET), then raised."""
    sandbox.faults.update(p5xx=1.0)
    clock = FakeClock()
    client = CustomerProfilesClient(
        sandbox.url, domain=DOMAIN, region="us-east-1", credentials=CREDENTIALS, clock=clock
    )
    async with client:
        with pytest.raises(ServerError):
            await client.list_object_types()
    assert len(clock.sleeps) == 3


def test_customer_profiles_throttling_is_rest_json_429(sandbox: SandboxServer) -> None:
    """An injected 429 on Customer Profiles is REST-JSON: status 429, ThrottlingException."""
    sandbox.faults.update(p429=1.0)
    answer = profiles("GET", f"{sandbox.url}/domains/{DOMAIN}/object-types")
    assert answer.status_code == 429
    assert answer.headers["x-amzn-ErrorType"] == "ThrottlingException"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"Description": "x", "ExpirationDays": "30"}, "integer"),
        ({"Description": "x", "AllowProfileCreation": "yes"}, "boolean"),
        ({"Description": "x", "TemplateId": "not a name!"}, "pattern"),
        ({"Description": "x", "Fields": {"a": {"ContentType": "DATE"}}}, "enum"),
    ],
)
def test_customer_profiles_puts_are_checked_against_botocores_model(
    sandbox_url: str, body: dict[str, Any], said: str
) -> None:
    """PutProfileObjectType bodies are validated against botocore's `customer-profiles` model."""
    answer = profiles(
        "PUT",
        f"{sandbox_url}/domains/{DOMAIN}/object-types/Booking",
        json.dumps(body),
        **{"Content-Type": "application/json"},
    )
    assert answer.status_code == 400, answer.text
    assert said in answer.json()["Message"]
