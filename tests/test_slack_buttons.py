"""Button presses: Confirm/Cancel, choices, Undo — who may press, what gets edited, what stays
private.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_slack import FakeSlack
from slack_support import (
    ALICE,
    BOB,
    CHANNEL,
    FakeEngine,
    action_body,
    command_body,
    form_request,
    make_app,
    running_fake,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with running_fake() as f:
        yield f


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


def buttons(blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]  # type: ignore[attr-defined]


async def ask_to_delete(fake: FakeSlack, engine: FakeEngine) -> tuple[str, str]:
    """Alice asks for a destructive change; returns (channel, ts) of the public card."""
    app = make_app(fake, engine)
    await app.async_dispatch(form_request(command_body("delete alarms room 204", trigger="tDel")))
    [card] = fake.of("chat.postMessage")
    return str(card.params["channel"]), "1700000000.000001"  # the fake's first ts


async def test_confirmation_card_has_danger_confirm_and_cancel(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """A destructive confirmation shows Confirm in the danger style and Cancel, valued as typed
    text.
    """
    await ask_to_delete(fake, engine)
    [card] = fake.of("chat.postMessage")
    confirm, cancel = buttons(card.params["blocks"])
    assert (confirm["action_id"], confirm["style"], confirm["value"]) == (
        "alexa_confirm", "danger", "confirm tok1",
    )  # fmt: skip
    assert (cancel["action_id"], cancel["value"]) == ("alexa_cancel", "cancel tok1")
    assert "style" not in cancel


async def test_confirm_by_requester_replaces_the_card(fake: FakeSlack, engine: FakeEngine) -> None:
    """Alice confirms her own card: the change is applied once and the card becomes the result."""
    channel, ts = await ask_to_delete(fake, engine)
    app = make_app(fake, engine)
    body = action_body("confirm tok1", user=ALICE, channel=channel, message_ts=ts)
    resp = await app.async_dispatch(form_request(body))
    assert resp.status == 200
    assert len(engine.applied) == 1
    [update] = fake.of("chat.update")
    assert (update.params["channel"], update.params["ts"]) == (channel, ts) == (CHANNEL, ts)
    assert "Deleted 3 alarms" in update.params["text"]
    assert [b["action_id"] for b in buttons(update.params["blocks"])] == ["alexa_undo"]
    assert engine.messages[-1].user == ALICE and engine.messages[-1].text == "confirm tok1"


async def test_confirm_by_someone_else_is_refused_privately(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """Bob presses Alice's Confirm: the engine refuses, Bob alone sees it, the card is left for
    Alice.
    """
    await ask_to_delete(fake, engine)
    app = make_app(fake, engine)
    await app.async_dispatch(form_request(action_body("confirm tok1", user=BOB, trigger="tBob")))
    assert engine.applied == []
    assert engine.messages[-1].user == BOB
    [eph] = fake.of("chat.postEphemeral")
    assert eph.params["user"] == BOB
    assert "isn't yours" in eph.params["text"]
    assert fake.of("chat.update") == []


async def test_confirm_after_expiry_changes_nothing(fake: FakeSlack, engine: FakeEngine) -> None:
    """A Confirm pressed after the token expired gets a private error and applies nothing."""
    await ask_to_delete(fake, engine)
    engine.clock.advance(61)
    app = make_app(fake, engine)
    await app.async_dispatch(form_request(action_body("confirm tok1", user=ALICE, trigger="tLate")))
    assert engine.applied == []
    [eph] = fake.of("chat.postEphemeral")
    assert eph.params["user"] == ALICE and "expired" in eph.params["text"]


async def test_double_click_is_applied_once(fake: FakeSlack, engine: FakeEngine) -> None:
    """The same press delivered twice (same trigger_id) reaches the engine once."""
    await ask_to_delete(fake, engine)
    app = make_app(fake, engine)
    body = action_body("confirm tok1", user=ALICE, trigger="tTwice")
    await app.async_dispatch(form_request(body))
    await app.async_dispatch(form_request(body, **{"x-slack-retry-num": "1"}))
    assert len(engine.applied) == 1
    assert len([m for m in engine.messages if m.text == "confirm tok1"]) == 1


async def test_choice_on_an_ephemeral_question_answers_in_the_channel(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """Choosing on a private "did you mean": the question is removed via response_url, the change is
    public.
    """
    app = make_app(fake, engine)
    body = action_body(
        "set room 204 station jazz", action_id="alexa_choice", ephemeral=True, trigger="tChoice",
        response_url=fake.response_url("q"),
    )  # fmt: skip
    await app.async_dispatch(form_request(body))
    [resp] = fake.of("response")
    assert resp.params.get("delete_original") is True
    [post] = fake.of("chat.postMessage")
    assert post.params["channel"] == CHANNEL and "Room 204 now plays Jazz." in post.params["text"]


async def test_cancel_on_an_ephemeral_card_replaces_it_privately(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """Cancelling a private card replaces it in place (response_url), and nothing is posted
    publicly.
    """
    app = make_app(fake, engine)
    body = action_body(
        "cancel tok1", action_id="alexa_cancel", ephemeral=True, trigger="tCancel",
        response_url=fake.response_url("c"),
    )  # fmt: skip
    await app.async_dispatch(form_request(body))
    [resp] = fake.of("response")
    assert resp.params.get("replace_original") is True
    assert "Cancelled" in resp.params["text"]
    assert fake.of("chat.postMessage") == []


async def test_undo_button_sends_its_value_as_the_pressers_text(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """Undo is handled as the typed text `undo …` from the presser, in the card's thread."""
    app = make_app(fake, engine)
    body = action_body(
        "undo s1", action_id="alexa_undo", user=BOB, trigger="tUndo", thread_ts="17.1"
    )
    await app.async_dispatch(form_request(body))
    msg = engine.messages[-1]
    assert (msg.text, msg.user, msg.channel, msg.thread) == ("undo s1", BOB, CHANNEL, "17.1")
    assert msg.request_id == "action:tUndo"
