"""The sandbox's Login with Amazon endpoints and bearer-token checks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from bot.clock import FakeClock
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

U = "amzn1.alexa.unit.did."
GOOD = {
    "grant_type": "refresh_token",
    "refresh_token": "Atzr|demo-refresh",
    "client_id": "demo-client",
    "client_secret": "demo-secret",
}
API_ROUTES = [
    ("GET", f"/enterprise/hospitality/v1/properties/{U}HOTELA"),
    ("GET", f"/enterprise/hospitality/v1/roomTypes?propertyId={U}HOTELA"),
    ("POST", "/enterprise/hospitality/v1/rooms"),
    ("DELETE", f"/enterprise/hospitality/v1/rooms/{U}A102"),
    ("GET", f"/v2/units/{U}A101/settings/MusicExperience.defaultStationPreferences"),
    ("PUT", f"/v2/units/{U}A101/settings/MusicExperience.defaultStationPreferences"),
    ("DELETE", f"/v1/alerts/alarms?unitId={U}A101"),
    ("DELETE", f"/v1/alerts/reminders?unitId={U}A101"),
    ("DELETE", f"/v1/alerts/timers?unitId={U}A101"),
]


def _token(url: str, **form: str) -> httpx.Response:
    return httpx.post(f"{url}/auth/o2/token", data=form)


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
@pytest.mark.parametrize("header", [None, "Bearer Atza|unknown", "Bearer", "Basic abc"])
def test_api_routes_refuse_missing_or_unknown_tokens(
    sandbox_url: str, method: str, path: str, header: str | None
) -> None:
    """Every API route answers 401 with a message when the token is missing, unknown or
    malformed; the alert routes in seed 003's `{"errors": [...]}` shape.
    """
    headers = {"Authorization": header} if header is not None else {}
    response = httpx.request(method, sandbox_url + path, headers=headers, json={})
    assert response.status_code == 401
    if path.startswith("/v1/alerts/"):
        assert response.json()["errors"][0]["code"] == "UNAUTHORIZED"
    else:
        assert response.json()["message"]


def test_refresh_grant_issues_a_working_access_token(sandbox_url: str) -> None:
    """A known client and refresh token get an Atza| bearer token valid for 3600 s that the API
    accepts.
    """
    answer = _token(sandbox_url, **GOOD)
    assert answer.status_code == 200
    body = answer.json()
    assert body["access_token"].startswith("Atza|")
    assert (body["token_type"], body["expires_in"]) == ("bearer", 3600)
    assert "refresh_token" not in body
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    api = httpx.get(
        f"{sandbox_url}/enterprise/hospitality/v1/properties/{U}HOTELA", headers=headers
    )
    assert api.status_code == 200


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"refresh_token": "Atzr|nope"}, "invalid_grant"),
        ({"client_secret": "wrong"}, "invalid_client"),
        ({"client_id": "nobody"}, "invalid_client"),
        ({"grant_type": "password"}, "unsupported_grant_type"),
    ],
)
def test_bad_token_requests_are_400(sandbox_url: str, change: dict[str, str], error: str) -> None:
    """Unknown refresh tokens, client credentials or grant types answer 400 with an OAuth error
    code.
    """
    answer = _token(sandbox_url, **(GOOD | change))
    assert answer.status_code == 400
    assert answer.json()["error"] == error


def test_token_endpoint_accepts_json_body(sandbox_url: str) -> None:
    """LWA also takes the grant as JSON."""
    assert httpx.post(f"{sandbox_url}/auth/o2/token", json=GOOD).status_code == 200


def test_access_token_expires_after_an_hour(sandbox: SandboxServer, small_world: World) -> None:
    """An issued token is refused with 401 once the sandbox clock passes its 3600 s lifetime."""
    clock = FakeClock()
    sandbox.reset(small_world, clock=clock)
    token = _token(sandbox.url, **GOOD).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    path = f"{sandbox.url}/enterprise/hospitality/v1/properties/{U}HOTELA"
    clock.advance(3599)
    assert httpx.get(path, headers=headers).status_code == 200
    clock.advance(2)
    assert httpx.get(path, headers=headers).status_code == 401
    static = {"Authorization": "Bearer Atza|sandbox-static-token"}
    assert httpx.get(path, headers=static).status_code == 200


def test_rotation_replaces_the_refresh_token(sandbox: SandboxServer, small_world: World) -> None:
    """With lwa.rotate_refresh_token, each refresh returns a new refresh token and the old one
    stops working.
    """
    small_world.lwa.rotate_refresh_token = True
    sandbox.reset(small_world)
    first = _token(sandbox.url, **GOOD).json()
    rotated = first["refresh_token"]
    assert rotated.startswith("Atzr|") and rotated != GOOD["refresh_token"]
    assert _token(sandbox.url, **GOOD).json()["error"] == "invalid_grant"
    second = _token(sandbox.url, **(GOOD | {"refresh_token": rotated}))
    assert second.status_code == 200
    assert second.json()["refresh_token"] != rotated


def test_authorization_code_flow(sandbox_url: str) -> None:
    """/ap/oa redirects with code=demo-code and the state; the code buys a refresh token that
    works.
    """
    authorize = httpx.get(
        f"{sandbox_url}/ap/oa",
        params={
            "client_id": "demo-client",
            "scope": "alexa::enterprise:management",
            "response_type": "code",
            "redirect_uri": "http://127.0.0.1:9090/cb",
            "state": "xyz",
        },
    )
    assert authorize.status_code == 302
    location = urlsplit(authorize.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "http://127.0.0.1:9090/cb"
    query = parse_qs(location.query)
    assert query["code"] == ["demo-code"] and query["state"] == ["xyz"]
    form = {k: GOOD[k] for k in ("client_id", "client_secret")}
    exchanged = _token(sandbox_url, grant_type="authorization_code", code="demo-code", **form)
    assert exchanged.status_code == 200
    refresh = exchanged.json()["refresh_token"]
    assert exchanged.json()["access_token"].startswith("Atza|")
    assert _token(sandbox_url, **(GOOD | {"refresh_token": refresh})).status_code == 200
    bad = _token(sandbox_url, grant_type="authorization_code", code="other", **form)
    assert (bad.status_code, bad.json()["error"]) == (400, "invalid_grant")


def test_authorize_rejects_unknown_client_or_missing_redirect(sandbox_url: str) -> None:
    """/ap/oa answers 400 for an unknown client id or without redirect_uri."""
    unknown = httpx.get(
        f"{sandbox_url}/ap/oa", params={"client_id": "x", "redirect_uri": "http://a/"}
    )
    assert unknown.status_code == 400
    assert httpx.get(f"{sandbox_url}/ap/oa", params={"client_id": "demo-client"}).status_code == 400
