"""The sandbox's Unit Settings API (seed 003): default station and the alarm/reminder/timer
deletes.
"""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import STATION_PAIRS, STATION_TABLE

U = "amzn1.alexa.unit.did."


def station_path(unit: str) -> str:
    return f"/v2/units/{U}{unit}/settings/MusicExperience.defaultStationPreferences"


def test_catalog_has_the_40_rows_of_seed_003() -> None:
    """The station table is seed 003's full table: 14 US, 11 UK, 9 FR rows... 34 distinct pairs."""
    countries = [row[0] for row in STATION_TABLE]
    assert (countries.count("US"), countries.count("UK"), countries.count("FR")) == (14, 11, 9)
    assert STATION_PAIRS[("TUNEIN", "s287575")] == {"UK", "FR"}


def test_get_station_set_and_unset(sandbox_client: httpx.Client) -> None:
    """A room with a station answers 200 and the pair; one without answers 204 and no body."""
    got = sandbox_client.get(station_path("A101"))
    assert got.status_code == 200
    assert got.json() == {"providerId": "I_HEART_RADIO", "stationId": "4242"}
    empty = sandbox_client.get(station_path("A102"))
    assert empty.status_code == 204
    assert empty.content == b""


def test_put_station_applies_and_counts(
    sandbox: SandboxServer, sandbox_client: httpx.Client
) -> None:
    """PUT of a catalog pair answers 204, is visible to GET and is counted per unit in the stats."""
    pair = {"providerId": "TUNEIN", "stationId": "s45300"}
    assert sandbox_client.put(station_path("B101"), json=pair).status_code == 204
    assert sandbox_client.get(station_path("B101")).json() == pair
    assert sandbox_client.put(station_path("B101"), json=pair).status_code == 204
    stats = sandbox_client.get("/_sandbox/stats").json()
    assert stats["station_puts"] == {U + "B101": 2}


@pytest.mark.parametrize(
    "body",
    [
        {"providerId": "I_HEART_RADIO", "stationId": "9999"},
        {"providerId": "SPOTIFY", "stationId": "4242"},
        {"providerId": "I_HEART_RADIO"},
        {"stationId": "4242"},
    ],
)
def test_put_unknown_pair_is_400(sandbox_client: httpx.Client, body: dict[str, str]) -> None:
    """A pair missing from seed 003's table, or an incomplete body, answers 400 and changes
    nothing.
    """
    response = sandbox_client.put(station_path("A102"), json=body)
    assert response.status_code == 400
    assert response.json()["message"]
    assert sandbox_client.get(station_path("A102")).status_code == 204


def test_unknown_unit_is_403_on_station_calls(sandbox_client: httpx.Client) -> None:
    """Seed 003 lists no 404 for settings: an unknown unit answers 403."""
    assert sandbox_client.get(station_path("NOPE")).status_code == 403
    pair = {"providerId": "I_HEART_RADIO", "stationId": "4242"}
    assert sandbox_client.put(station_path("NOPE"), json=pair).status_code == 403


@pytest.mark.parametrize("kind", ["alarms", "reminders", "timers"])
def test_delete_alerts_success_clears_count(
    sandbox: SandboxServer, sandbox_client: httpx.Client, kind: str
) -> None:
    """All devices reachable: 204, the room's count goes to 0 and the stats count the delete."""
    room = sandbox.state.rooms[U + "A101"]
    setattr(room, kind, 4)
    response = sandbox_client.delete(f"/v1/alerts/{kind}", params={"unitId": U + "A101"})
    assert response.status_code == 204
    assert getattr(room, kind) == 0
    stats = sandbox_client.get("/_sandbox/stats").json()
    assert stats[f"{kind[:-1]}_deletes"] == {U + "A101": 1}


def test_delete_alarms_of_room_without_devices_is_204(sandbox_client: httpx.Client) -> None:
    """Seed 003: 204 even if the unit has nothing to delete."""
    response = sandbox_client.delete("/v1/alerts/alarms", params={"unitId": U + "A102"})
    assert response.status_code == 204


def test_delete_alarms_all_unreachable_is_504(
    sandbox: SandboxServer, sandbox_client: httpx.Client
) -> None:
    """Every failure is DEVICE_NOT_REACHABLE: 504 with one error per device, and alarms stay."""
    response = sandbox_client.delete("/v1/alerts/alarms", params={"unitId": U + "A204"})
    assert response.status_code == 504
    assert response.json() == {
        "errors": [
            {
                "code": "DEVICE_NOT_REACHABLE",
                "endpointId": "amzn1.alexa.endpoint.SA204",
                "description": "Device not reachable / offline",
            }
        ]
    }
    assert sandbox.state.rooms[U + "A204"].alarms == 3
    assert sandbox_client.get("/_sandbox/stats").json()["alarm_deletes"] == {}


def test_delete_alarms_mixed_reasons_is_500(
    sandbox: SandboxServer, sandbox_client: httpx.Client
) -> None:
    """Different failure reasons answer 500 with each device's code."""
    response = sandbox_client.delete("/v1/alerts/alarms", params={"unitId": U + "A205"})
    assert response.status_code == 500
    codes = {(e["code"], e["endpointId"]) for e in response.json()["errors"]}
    assert codes == {
        ("DEVICE_NOT_REACHABLE", "amzn1.alexa.endpoint.SA205X"),
        ("INTERNAL_SERVER_ERROR", "amzn1.alexa.endpoint.SA205Y"),
    }


def test_partial_failure_clears_the_reachable_devices_share(
    sandbox: SandboxServer, sandbox_client: httpx.Client
) -> None:
    """With one of two devices offline, the room keeps only the offline device's share of alarms."""
    room = sandbox.state.rooms[U + "A205"]
    room.devices[1].status = "READY"
    room.alarms = 4
    response = sandbox_client.delete("/v1/alerts/alarms", params={"unitId": U + "A205"})
    assert response.status_code == 504
    assert room.alarms == 2


def test_delete_alerts_accepts_raw_token(sandbox_url: str) -> None:
    """The alerts DELETEs also take the token without "Bearer " (Amazon's Postman collection)."""
    headers = {"Authorization": "Atza|sandbox-static-token"}
    response = httpx.delete(
        f"{sandbox_url}/v1/alerts/timers", params={"unitId": U + "A101"}, headers=headers
    )
    assert response.status_code == 204
    station = httpx.get(sandbox_url + station_path("A101"), headers=headers)
    assert station.status_code == 401


def test_delete_alerts_errors(sandbox_client: httpx.Client) -> None:
    """No unitId is 400; an unknown unit is 401 FORBIDDEN, as seed 003's table says."""
    missing = sandbox_client.delete("/v1/alerts/alarms")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["code"] == "BAD_REQUEST"
    unknown = sandbox_client.delete("/v1/alerts/alarms", params={"unitId": U + "NOPE"})
    assert unknown.status_code == 401
    assert unknown.json()["errors"][0]["code"] == "FORBIDDEN"
