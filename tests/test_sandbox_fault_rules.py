"""Fault rules of the sandbox: decisions keyed to the request (seed, method, path, attempt), and
the faults that apply a write and then lose or spoil its answer.
"""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox.faults import FaultRule, Faults, RequestKey, Verdict, keyed_draw
from bot.sandbox.server import SandboxServer

U = "amzn1.alexa.unit.did."
STATION = f"/v2/units/{U}A102/settings/MusicExperience.defaultStationPreferences"
POP = {"providerId": "I_HEART_RADIO", "stationId": "4242"}


def _requests() -> list[RequestKey]:
    return [RequestKey.of("PUT", f"/v2/units/{U}R{n}/settings/x", body=b"{}") for n in range(40)]


def test_decisions_do_not_depend_on_arrival_order() -> None:
    """The same seed gives every request the same verdict whichever order the requests arrive in."""
    forward, backward = Faults(p5xx=0.5, seed=9), Faults(p5xx=0.5, seed=9)
    requests = _requests()
    ahead = {key: forward.decide(0.0, "", key) for key in requests}
    behind = {key: backward.decide(0.0, "", key) for key in reversed(requests)}
    assert ahead == behind
    assert set(ahead.values()) == {None, Verdict.INJECTED_5XX}


def test_a_resend_is_a_new_attempt_with_its_own_draw() -> None:
    """Attempts of one request are counted: the draw changes per attempt, and a new seed or new
    rules start the count again."""
    faults = Faults(p429=0.5, seed=1)
    key = _requests()[0]
    first = [faults.decide(0.0, "", key) for _ in range(12)]
    assert set(first) == {None, Verdict.INJECTED_429}
    faults.update(seed=1)
    assert [faults.decide(0.0, "", key) for _ in range(12)] == first
    assert keyed_draw(1, key.identity(), 1) != keyed_draw(1, key.identity(), 2)


def test_a_rule_matches_method_path_units_and_attempts() -> None:
    """A rule fires for its method, path pattern and units, only on its first `attempts` sends."""
    rule = FaultRule(
        "apply_then_drop", method="put", path="/settings/", units=[f"{U}A1"], attempts=2
    )
    faults = Faults(rules=[rule])
    hit = RequestKey.of("PUT", f"/v2/units/{U}A1/settings/x")
    assert [faults.decide(0.0, "", hit) for _ in range(3)] == [
        Verdict.APPLIED_THEN_DROPPED,
        Verdict.APPLIED_THEN_DROPPED,
        None,
    ]
    assert faults.decide(0.0, "", RequestKey.of("GET", f"/v2/units/{U}A1/settings/x")) is None
    assert faults.decide(0.0, "", RequestKey.of("PUT", f"/v2/units/{U}B2/settings/x")) is None
    target = Faults(rules=[FaultRule("429", target="SearchDevices")])
    assert target.decide(0.0, "", RequestKey.of("POST", "/", "A4B.SearchDevices")) is not None
    assert target.decide(0.0, "", RequestKey.of("POST", "/", "A4B.GetDevice")) is None


def test_a_rule_share_is_keyed_too() -> None:
    """A rule with share 0.5 fires for about half of the matching requests, the same ones for
    the same seed."""
    runs = []
    for _ in range(2):
        faults = Faults(rules=[FaultRule("500", share=0.5)], seed=3)
        runs.append([faults.decide(0.0, "", key) for key in _requests()])
    assert runs[0] == runs[1]
    assert 8 <= runs[0].count(Verdict.INJECTED_5XX) <= 32


@pytest.mark.parametrize(
    "raw",
    [
        {"fault": "teapot"},
        {"method": "PUT"},
        {"fault": "500", "attempts": 0},
        {"fault": "500", "share": 2},
        {"fault": "500", "path": "("},
        {"fault": "500", "units": "A1"},
        {"fault": "500", "color": "red"},
    ],
)
def test_bad_rules_are_refused(raw: dict[str, object]) -> None:
    """Unknown kinds and keys, a missing kind, bad ranges or patterns raise ValueError."""
    with pytest.raises(ValueError):
        FaultRule.from_json(raw)


def test_apply_then_drop_writes_and_loses_the_answer(
    sandbox: SandboxServer, sandbox_client: httpx.Client
) -> None:
    """The station is set, but the client gets no answer at all (the connection is closed)."""
    sandbox.faults.update(rules=[FaultRule("apply_then_drop", method="PUT", units=[f"{U}A102"])])
    with pytest.raises(httpx.TransportError):
        sandbox_client.put(STATION, json=POP)
    station = sandbox.state.rooms[f"{U}A102"].station
    assert station is not None and station.stationId == "4242"
    assert sandbox_client.get(STATION).status_code == 200  # reads are not matched
    assert sandbox_client.get("/_sandbox/stats").json()["injected"] == {"applied_then_dropped": 1}


def test_drop_loses_the_request_without_applying(
    sandbox: SandboxServer, sandbox_client: httpx.Client
) -> None:
    """A plain drop closes the connection and changes nothing."""
    sandbox.faults.update(rules=[FaultRule("drop", method="PUT")])
    with pytest.raises(httpx.TransportError):
        sandbox_client.put(STATION, json=POP)
    assert sandbox.state.rooms[f"{U}A102"].station is None


def test_apply_then_500_deletes_the_alarms_and_answers_500(
    sandbox: SandboxServer, sandbox_client: httpx.Client
) -> None:
    """The alarms are gone although the answer is a 500 (first attempt only, so a resend is 204)."""
    sandbox.faults.update(
        rules=[
            FaultRule("apply_then_500", path="/v1/alerts/alarms", units=[f"{U}A101"], attempts=1)
        ]
    )
    answer = sandbox_client.delete(f"/v1/alerts/alarms?unitId={U}A101")
    assert answer.status_code == 500
    assert sandbox.state.rooms[f"{U}A101"].alarms == 0
    assert sandbox_client.delete(f"/v1/alerts/alarms?unitId={U}A101").status_code == 204


def test_rules_over_the_admin_route(sandbox: SandboxServer, sandbox_client: httpx.Client) -> None:
    """POST /_sandbox/faults takes rules as JSON, GET shows them, a bad rule is 400, reset clears."""
    posted = sandbox_client.post(
        "/_sandbox/faults",
        json={"rules": [{"fault": "apply_then_500", "method": "PUT", "units": [f"{U}A102"]}]},
    )
    assert posted.status_code == 200, posted.text
    assert posted.json()["rules"][0]["units"] == [f"{U}A102"]
    assert sandbox_client.put(STATION, json=POP).status_code == 500
    assert sandbox.state.rooms[f"{U}A102"].station is not None
    bad = sandbox_client.post("/_sandbox/faults", json={"rules": [{"fault": "nope"}]})
    assert bad.status_code == 400
    sandbox_client.post("/_sandbox/faults", json={"reset": True})
    assert sandbox_client.get("/_sandbox/faults").json()["rules"] == []
    assert sandbox_client.put(STATION, json=POP).status_code == 204
