"""The last seed rules (issue 21, item 7), one test each: hierarchy writes under throttling run to
the end as background work (seed 004), an organization with no properties is empty (not an error),
the sandbox verifies AWS signatures, the AWS clients honour Retry-After, and the Customer Profiles
object-type PUT carries no Tags."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import botocore.auth
import httpx
import pytest
from aws_signing import CREDENTIALS, signed_headers
from botocore.credentials import Credentials
from core_helpers import BotUnderTest, bot_on, text_of
from journal_support import HOTEL, journal_world, room_id, uid
from profile_support import DOMAIN, Recorder

from bot.clients.a4b import A4BClient
from bot.clients.customer_profiles import CustomerProfilesClient
from bot.clients.errors import BadRequest, Unauthorized
from bot.clock import FakeClock
from bot.core.shared.replies import ReplyKind
from bot.sandbox.faults import FaultRule, Faults
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import Organization, World

A = "amzn1.alexa.unit.did."

# ten 429s in a row: seed 004's waits double from 1 s to the 256 s cap, then stay there
TEN_WAITS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 256]


def _throttled_waits(bot: BotUnderTest) -> list[float]:
    return [s for s in bot.clock.sleeps if s >= 1]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("request_text", "method", "done"),
    [
        ("add property Seaview", "POST", "Done: added property Seaview."),
        ("add room type Suite at Harbor", "POST", "Done: added room type Suite at Harbor."),
        ("add room 399 to King at Harbor", "POST", "Done: added room 399 to King at Harbor."),
        ("rename room 303 to 350 at Harbor", "PUT", "Done: renamed room 303 to 350 (Harbor)."),
        (
            "rename property Harbor to Quayside",
            "PUT",
            "Done: renamed property Harbor to Quayside (Harbor).",
        ),
    ],
)
async def test_a_hierarchy_write_keeps_backing_off_until_amazon_answers(
    sandbox: SandboxServer, tmp_path: Path, request_text: str, method: str, done: str
) -> None:
    """Ten 429s in a row (1,023 s of seed-004 waits, far past the 25 s command deadline): the user
    hears at once that Amazon is throttling and the run continues; the write then goes through and
    the reply says done, never "Amazon is busy; try again"."""
    rule = FaultRule("429", method=method, attempts=10)
    async with bot_on(
        sandbox, journal_world(), tmp_path, faults=Faults(rules=[rule]), local_admin="alice"
    ) as bot:
        reply = await bot.say(request_text)
        assert bot.progress and "throttling" in bot.progress[0].headline
        assert "continues" in bot.progress[0].headline
        assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
        assert reply.headline == done
        assert _throttled_waits(bot) == TEN_WAITS
        [entry] = bot.runtime.services.audit.entries(limit=1)
        assert entry.outcome == "ok"


async def test_a_confirmed_delete_keeps_backing_off_until_amazon_answers(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """`delete room 312` confirmed, then ten 429s on the DELETE: the user hears of the throttling
    at once, and the room is deleted in the end."""
    rule = FaultRule("429", method="DELETE", units=[room_id("312")], attempts=10)
    async with bot_on(
        sandbox, journal_world(), tmp_path, faults=Faults(rules=[rule]), local_admin="alice"
    ) as bot:
        asked = await bot.say(f"delete room 312 at {HOTEL}")
        assert asked.kind == ReplyKind.CONFIRM, text_of(asked)
        reply = await bot.say("yes")
        assert reply.kind == ReplyKind.SUCCESS, text_of(reply)
        assert any("throttling" in p.headline for p in bot.progress)
        assert _throttled_waits(bot) == TEN_WAITS
        names = [r.name for r in bot.state.world.properties[0].roomTypes[0].rooms]
        assert "312" not in names
        assert uid("KING")  # the room type stays


def _empty_organization() -> World:
    return World(organization=Organization(id=f"{A}EMPTYORG"))


def test_the_sandbox_answers_an_empty_organization_with_404(sandbox: SandboxServer) -> None:
    """Seed 004 allows 404 "weren't found" for a list with nothing in it: the sandbox takes the
    strict reading for the property list too; another organization is refused (403)."""
    sandbox.reset(_empty_organization())
    headers = {"Authorization": "Bearer Atza|sandbox-static-token"}
    url = f"{sandbox.url}/enterprise/hospitality/v1/properties"
    empty = httpx.get(url, params={"organizationId": f"{A}EMPTYORG"}, headers=headers)
    assert empty.status_code == 404, empty.text
    other = httpx.get(url, params={"organizationId": f"{A}OTHERORG"}, headers=headers)
    assert other.status_code == 403, other.text


async def test_an_organization_with_no_properties_syncs_and_takes_a_first_property(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    """A new customer (404 on the property list): `sync` says there is nothing yet instead of
    failing, and `add property Seaview` creates the first one."""
    async with bot_on(sandbox, _empty_organization(), tmp_path, local_admin="alice") as bot:
        assert bot.runtime.services.index.properties() == []
        synced = await bot.say("sync")
        assert synced.kind != ReplyKind.ERROR, text_of(synced)
        added = await bot.say("add property Seaview")
        assert added.kind == ReplyKind.SUCCESS, text_of(added)
        assert [p.name for p in bot.state.world.properties] == ["Seaview"]
        assert [p.name for p in bot.runtime.services.index.properties()] == ["Seaview"]


def test_doctor_passes_for_an_organization_with_no_properties(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bot doctor` against an empty organization: the listing is ok and says how to add the first
    property; the exit code is 0."""
    from test_cli_doctor import doctor, sandbox_env

    world = _empty_organization()
    sandbox.reset(world)
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "BOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    code, output = doctor(sandbox_env(sandbox, world, tmp_path), monkeypatch)
    assert code == 0, output
    assert "ok    ASP API: list properties: the organization has no properties yet" in output
    assert "add property <name>" in output


# --- the sandbox checks AWS signatures as AWS does -------------------------------------------------


async def _a4b_answer(sandbox: SandboxServer, credentials: Credentials, **options: str) -> None:
    async with A4BClient(sandbox.url, credentials=credentials, clock=FakeClock(), **options) as c:  # type: ignore[arg-type]
        await c.search_devices_page(max_results=1)


async def _profiles_answer(
    sandbox: SandboxServer, credentials: Credentials, region: str = "us-east-1"
) -> None:
    async with CustomerProfilesClient(
        sandbox.url, domain=DOMAIN, region=region, credentials=credentials, clock=FakeClock()
    ) as c:
        await c.list_object_types_page(max_results=1)


async def test_correctly_signed_aws_calls_get_through(sandbox: SandboxServer) -> None:
    """The bot's signer and the sandbox's check agree: A4B and Customer Profiles both answer."""
    await _a4b_answer(sandbox, CREDENTIALS)
    await _profiles_answer(sandbox, CREDENTIALS)


@pytest.mark.parametrize("api", ["a4b", "profiles"])
async def test_a_wrong_secret_is_refused_as_aws_refuses_it(
    sandbox: SandboxServer, api: str
) -> None:
    """A known access key signed with the wrong secret: 403 InvalidSignatureException, "does not
    match", which the bot reads as refused credentials (Unauthorized)."""
    wrong = Credentials(CREDENTIALS.access_key, "not-the-secret")
    call = _a4b_answer(sandbox, wrong) if api == "a4b" else _profiles_answer(sandbox, wrong)
    with pytest.raises(Unauthorized) as refused:
        await call
    assert refused.value.status == 403
    assert refused.value.error_type == "InvalidSignatureException"
    assert "does not match the signature you provided" in str(refused.value)


async def test_an_unknown_access_key_is_refused(sandbox: SandboxServer) -> None:
    """An access key AWS does not know: 403 UnrecognizedClientException."""
    with pytest.raises(Unauthorized) as refused:
        await _a4b_answer(sandbox, Credentials("AKIDUNKNOWN", "whatever"))
    assert refused.value.status == 403
    assert refused.value.error_type == "UnrecognizedClientException"


async def test_a_signature_for_another_region_is_refused(
    sandbox: SandboxServer,
) -> None:
    """A4B signed for eu-west-1, Customer Profiles for a region the world is not in: 403, the
    scope named."""
    with pytest.raises(Unauthorized, match="valid region"):
        await _a4b_answer(sandbox, CREDENTIALS, region="eu-west-1")
    with pytest.raises(Unauthorized, match="valid region"):
        await _profiles_answer(sandbox, CREDENTIALS, region="eu-central-1")


def test_a_signature_for_another_service_is_refused(sandbox: SandboxServer) -> None:
    """An A4B call signed for another service: 403 InvalidSignatureException naming `a4b`."""
    url = f"{sandbox.url}/"
    body = json.dumps({"MaxResults": 1})
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AlexaForBusiness.SearchDevices"}  # fmt: skip
    signed = signed_headers("POST", url, body, headers, service="execute-api")
    answer = httpx.post(url, headers=signed, content=body)
    assert answer.status_code == 403
    assert answer.json()["__type"] == "InvalidSignatureException"
    assert "correct service: 'a4b'" in answer.json()["message"]


@pytest.mark.parametrize("minutes", [-30, -6, 6])
def test_a_signature_more_than_five_minutes_off_is_refused(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, minutes: int
) -> None:
    """A request signed 30 or 6 minutes ago (or 6 minutes ahead) is past AWS's 5-minute skew:
    403 "Signature expired" (or "not yet current"), in the REST-JSON shape for Customer Profiles."""
    signed_at = datetime.now(UTC) + timedelta(minutes=minutes)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: signed_at)
    url = f"{sandbox.url}/domains/{DOMAIN}/object-types"
    answer = httpx.get(url, headers=signed_headers("GET", url, service="profile"))
    assert answer.status_code == 403, answer.text
    assert answer.headers["x-amzn-ErrorType"] == "InvalidSignatureException"
    said = answer.json()["Message"]
    assert ("Signature expired" in said) if minutes < 0 else ("not yet current" in said)


def test_a_request_changed_after_signing_is_refused(sandbox: SandboxServer) -> None:
    """The body is part of the signature: a body changed after signing no longer matches."""
    url = f"{sandbox.url}/"
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AlexaForBusiness.SearchDevices"}  # fmt: skip
    signed = signed_headers("POST", url, json.dumps({"MaxResults": 1}), headers, service="a4b")
    answer = httpx.post(url, headers=signed, content=json.dumps({"MaxResults": 2}))
    assert answer.status_code == 403
    assert "does not match" in answer.json()["message"]


# --- Retry-After on the AWS clients ----------------------------------------------------------------


def _throttled_then_ok(first: httpx.Response, ok: httpx.Response) -> httpx.MockTransport:
    answers = iter([first, ok])
    return httpx.MockTransport(lambda request: next(answers))


async def test_a4b_waits_as_long_as_retry_after_says() -> None:
    """A 400 ThrottlingException with `Retry-After: 7`: the client waits 7 s (the seed's first
    step is 1 s; a header may lengthen it, never shorten it), then succeeds."""
    throttled = httpx.Response(
        400,
        json={"__type": "ThrottlingException", "message": "Rate exceeded"},
        headers={"Retry-After": "7"},
    )
    clock = FakeClock()
    transport = _throttled_then_ok(throttled, httpx.Response(200, json={"Devices": []}))
    async with A4BClient(
        "http://a4b.test", credentials=CREDENTIALS, transport=transport, clock=clock
    ) as client:
        await client.search_devices_page(max_results=1)
    assert clock.sleeps == [7]


async def test_customer_profiles_waits_until_the_retry_after_date() -> None:
    """A REST-JSON 429 whose Retry-After is an HTTP date 30 s ahead: the client waits 30 s."""
    clock = FakeClock()
    when = format_datetime(clock.now() + timedelta(seconds=30), usegmt=True)
    throttled = httpx.Response(
        429, json={"Message": "Rate exceeded"},
        headers={"x-amzn-ErrorType": "ThrottlingException", "Retry-After": when},
    )  # fmt: skip
    transport = _throttled_then_ok(throttled, httpx.Response(200, json={"Items": []}))
    async with CustomerProfilesClient(
        "http://cp.test", domain=DOMAIN, credentials=CREDENTIALS, transport=transport, clock=clock
    ) as client:
        await client.list_object_types_page(max_results=1)
    assert clock.sleeps == [30]


# --- the object-type PUT -------------------------------------------------------------------------


async def test_the_object_type_put_sends_no_tags_and_keeps_them(sandbox: SandboxServer) -> None:
    """Changing GuestStay's maximum (it has tags): the PUT body has no `Tags` (seed 002: tags of an
    existing object type go through TagResource), and the tags are still there afterwards. The
    sandbox refuses a PUT that carries them."""
    seen = Recorder(httpx.AsyncHTTPTransport())
    async with CustomerProfilesClient(
        sandbox.url, domain=DOMAIN, credentials=CREDENTIALS, transport=seen, clock=FakeClock()
    ) as client:
        before = await client.get_object_type("GuestStay")
        assert before.get("Tags")
        await client.set_max_profile_object_count("GuestStay", 900)
        put = [r for r in seen.sent if r.method == "PUT"][-1]
        assert "Tags" not in put.body and put.body["MaxProfileObjectCount"] == 900
        after = await client.get_object_type("GuestStay")
        assert after["Tags"] == before["Tags"]
        with pytest.raises(BadRequest, match="TagResource"):
            await client.put_object_type("GuestStay", {**put.body, "Tags": {"team": "x"}})
