"""Long runs: one progress message edited in place, the summary replacing it; long lists."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_slack import FakeSlack
from slack_support import (
    ALICE,
    CHANNEL,
    FakeEngine,
    action_body,
    command_body,
    event_body,
    form_request,
    json_request,
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


async def test_progress_posts_once_then_edits_and_the_summary_replaces_it(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """First progress -> chat.postMessage; later progress -> chat.update of it; the summary -> last
    update.
    """
    app = make_app(fake, engine)
    await app.async_dispatch(
        form_request(command_body("set all rooms station jazz", trigger="tAll"))
    )
    assert fake.methods() == ["chat.postMessage", "chat.update", "chat.update", "chat.update"]
    [post] = fake.of("chat.postMessage")
    assert post.params["channel"] == CHANNEL and "10 of 30" in post.params["text"]
    updates = fake.of("chat.update")
    assert {u.params["ts"] for u in updates} == {"1700000000.000001"}
    assert [u.params["text"] for u in updates[:2]] == ["20 of 30 rooms done", "30 of 30 rooms done"]
    summary = updates[-1].params
    assert summary["text"].startswith("Set Jazz in 28 of 30 rooms")
    retry = [e for b in summary["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in retry] == [("alexa_retry_failed", "retry b1")]
    assert "101" in str(summary["blocks"])  # failures by room


async def test_progress_edits_are_throttled_by_the_adapter_too(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """Progress arriving faster than one per 2 s is not sent to Slack; the summary still replaces
    it.
    """
    engine.progress_steps, engine.progress_gap = 5, 0.5
    app = make_app(fake, engine)
    await app.async_dispatch(
        form_request(command_body("set all rooms station jazz", trigger="tFast"))
    )
    # 5 reports 0.5 s apart: the post at t=0, one edit at t=2.0, then the summary.
    assert fake.methods() == ["chat.postMessage", "chat.update", "chat.update"]
    assert fake.of("chat.update")[0].params["text"] == "50 of 30 rooms done"


async def test_progress_from_a_public_card_edits_the_card(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """A bulk run started with a button on a public card shows its progress in that card."""
    app = make_app(fake, engine)
    body = action_body("set all rooms station jazz", user=ALICE, message_ts="17.5", trigger="tCard")
    await app.async_dispatch(form_request(body))
    assert fake.methods() == ["chat.update"] * 4
    assert {c.params["ts"] for c in fake.of("chat.update")} == {"17.5"}


async def test_a_long_private_list_is_cut_to_fit_with_a_pointer(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """A long private (ephemeral) list is cut into blocks under 3,000 characters and says where to
    get all.
    """
    app = make_app(fake, engine)
    await app.async_dispatch(form_request(command_body("list rooms", trigger="tList")))
    [eph] = fake.of("chat.postEphemeral")
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in eph.params["blocks"])
    assert "direct message" in str(eph.params["blocks"])  # ephemeral: no thread to hold a file
    assert fake.of("files.getUploadURLExternal") == []


async def test_a_long_list_in_a_dm_is_uploaded_to_the_thread(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """In a DM the long list's first part is posted and the full list follows as a file in its
    thread.
    """
    app = make_app(fake, engine)
    event = {"type": "message", "channel_type": "im", "user": ALICE, "channel": "D0ALICE",
             "ts": "1700000100.000700", "text": "list rooms"}  # fmt: skip
    await app.async_dispatch(json_request(event_body(event, event_id="EvList")))
    assert fake.methods() == [
        "chat.postMessage", "files.getUploadURLExternal", "upload", "files.completeUploadExternal",
    ]  # fmt: skip
    [post] = fake.of("chat.postMessage")
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in post.params["blocks"])
    [complete] = fake.of("files.completeUploadExternal")
    assert complete.params["channel_id"] == "D0ALICE"
    assert complete.params["thread_ts"] == "1700000000.000001"
    [upload] = fake.of("upload")
    assert b"Deluxe king room number 1000" in upload.raw


async def test_progress_goes_through_the_response_url_where_the_bot_may_not_post(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """Not in the channel: the progress is posted and edited through the command's response_url,
    and the summary replaces it there."""
    fake.fail_next["chat.postMessage"] = "not_in_channel"
    app = make_app(fake, engine)
    body = command_body(
        "set all rooms station jazz", trigger="tUrl", response_url=fake.response_url()
    )
    await app.async_dispatch(form_request(body))
    responses = [c.params for c in fake.of("response")]
    assert [r.get("replace_original") for r in responses] == [None, True, True, True]
    assert "10 of 30" in responses[0]["text"] and responses[0]["response_type"] == "in_channel"
    assert responses[-1]["text"].startswith("Set Jazz in 28 of 30 rooms")
    assert fake.of("chat.update") == []


async def test_a_refused_progress_edit_does_not_stop_the_run(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """chat.update refused mid-run: the run goes on and its summary is still delivered."""
    fake.fail_next["chat.update"] = "ratelimited"
    app = make_app(fake, engine)
    await app.async_dispatch(
        form_request(command_body("set all rooms station jazz", trigger="tRl"))
    )
    assert engine.applied  # the run finished
    assert fake.of("chat.update")[-1].params["text"].startswith("Set Jazz in 28 of 30 rooms")


async def test_response_url_progress_stops_at_slacks_five_uses_but_the_answer_goes(
    fake: FakeSlack, engine: FakeEngine
) -> None:
    """Eight reports: five messages through the response_url (Slack's limit), then the summary."""
    engine.progress_steps = 8
    fake.fail_next["chat.postMessage"] = "not_in_channel"
    app = make_app(fake, engine)
    body = command_body(
        "set all rooms station jazz", trigger="tUrl8", response_url=fake.response_url()
    )
    await app.async_dispatch(form_request(body))
    responses = [c.params["text"] for c in fake.of("response")]
    assert len(responses) == 6
    assert responses[4] == "50 of 30 rooms done" and responses[-1].startswith("Set Jazz")
