"""Reply -> Adaptive Card rendering for Teams."""

from __future__ import annotations

import base64
import json

import pytest
from fake_teams import card_text

from bot.chat.teams.agent import clean_text
from bot.chat.teams.cards import (
    CARD_CONTENT_TYPE,
    MAX_TABLE_ROWS,
    card_attachment,
    render_card,
    submitted_text,
)
from bot.core.shared.replies import Action, ActionKind, Attachment, Reply, ReplyKind, Table

PNG = b"\x89PNG\r\n\x1a\nfake-chart"


def full_reply(kind: ReplyKind) -> Reply:
    return Reply(
        headline=f"A {kind.value} reply",
        kind=kind,
        fields=[("Room", "204"), ("Station", "Jazz")],
        table=Table(columns=["Room", "Station"], rows=[["204", "Jazz"], ["205", "Classic Rock"]]),
        notes=["Reply `undo` within 10 minutes to revert."],
        actions=[Action(kind=ActionKind.UNDO, label="Undo", value="undo")],
    )


@pytest.mark.parametrize("kind", list(ReplyKind))
def test_every_reply_kind_renders_a_valid_card(kind: ReplyKind) -> None:
    """Each kind gives an Adaptive Card 1.5 with headline, facts, table, notes and buttons, and is
    JSON-serialisable.
    """
    card = render_card(full_reply(kind))
    json.dumps(card)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    types = [element["type"] for element in card["body"]]
    assert types == ["RichTextBlock", "ColumnSet", "ColumnSet", "Table", "RichTextBlock"]
    text = card_text(card)
    assert f"A {kind.value} reply" in text
    assert "Room: 204" in text and "undo" in text
    table = card["body"][3]
    assert table["firstRowAsHeader"] is True
    assert len(table["rows"]) == 3  # header + 2 rows
    # "kind": a button on a result, whose question (if its press asks one) goes under the card
    assert card["actions"] == [
        {"type": "Action.Execute", "title": "Undo", "verb": "alexa",
         "data": {"text": "undo", "kind": "undo"}}
    ]  # fmt: skip


def test_headline_colour_follows_the_kind() -> None:
    """Errors and refusals are red (attention), successes green, confirmations amber."""
    colours = {
        kind: render_card(Reply(headline="x", kind=kind))["body"][0]["inlines"][0]["color"]
        for kind in ReplyKind
    }
    assert colours[ReplyKind.ERROR] == colours[ReplyKind.REFUSAL] == "Attention"
    assert colours[ReplyKind.SUCCESS] == "Good"
    assert colours[ReplyKind.CONFIRM] == "Warning"


def test_confirmation_buttons_are_submits_and_danger_is_destructive() -> None:
    """Confirm/Cancel become Action.Execute carrying the typed text; a dangerous Confirm is styled
    destructive.
    """
    reply = Reply(
        headline="Delete all alarms in 120 rooms?",
        kind=ReplyKind.CONFIRM,
        actions=[
            Action(kind=ActionKind.CONFIRM, label="Confirm", value="confirm abc", danger=True),
            Action(kind=ActionKind.CANCEL, label="Cancel", value="cancel abc"),
        ],
    )
    confirm, cancel = render_card(reply)["actions"]
    assert confirm == {
        "type": "Action.Execute",
        "title": "Confirm",
        "verb": "alexa",
        "data": {"text": "confirm abc"},
        "style": "destructive",
    }
    assert "style" not in cancel and cancel["data"] == {"text": "cancel abc"}
    safe = Reply(
        headline="x", actions=[Action(kind=ActionKind.CONFIRM, label="Confirm", value="confirm z")]
    )
    assert render_card(safe)["actions"][0]["style"] == "positive"


def test_choices_undo_and_retry_failed_are_buttons() -> None:
    """ "Did you mean" choices, Undo and Retry failed each get a button whose data is the text to
    handle.
    """
    reply = Reply(
        headline="Did you mean?",
        kind=ReplyKind.QUESTION,
        actions=[
            Action(
                kind=ActionKind.CHOICE,
                label="Harbor View Seattle",
                value="set room 204 at Harbor View Seattle",
            ),
            Action(kind=ActionKind.CHOICE, label="Harbor Inn", value="set room 204 at Harbor Inn"),
            Action(kind=ActionKind.UNDO, label="Undo", value="undo 12"),
            Action(kind=ActionKind.RETRY_FAILED, label="Retry failed", value="retry failed r9"),
        ],
    )
    actions = render_card(reply)["actions"]
    assert [a["title"] for a in actions] == [
        "Harbor View Seattle",
        "Harbor Inn",
        "Undo",
        "Retry failed",
    ]
    assert [submitted_text(a["data"]) for a in actions] == [
        "set room 204 at Harbor View Seattle",
        "set room 204 at Harbor Inn",
        "undo 12",
        "retry failed r9",
    ]


def test_long_table_is_cut_with_a_note() -> None:
    """A table longer than the card can carry shows its first rows and says how many there are."""
    rows = [[str(i), "Jazz"] for i in range(MAX_TABLE_ROWS + 25)]
    card = render_card(Reply(headline="Rooms", table=Table(columns=["Room", "Station"], rows=rows)))
    assert len(card["body"][1]["rows"]) == MAX_TABLE_ROWS + 1
    assert f"Showing {MAX_TABLE_ROWS} of {len(rows)} rows" in card_text(card)


def test_chart_attachment_is_a_data_uri_image() -> None:
    """A PNG attachment (the digest chart) goes into the card as an Image with a base64 data URI."""
    reply = Reply(
        headline="Digest", attachments=[Attachment(filename="uptime.png", data=PNG, title="Uptime")]
    )
    [image] = [e for e in render_card(reply)["body"] if e["type"] == "Image"]
    assert image["url"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert image["altText"] == "Uptime"


def test_card_attachment_has_the_adaptive_content_type() -> None:
    """The activity attachment names the Adaptive Card content type Teams expects."""
    attachment = card_attachment(Reply(headline="hi"))
    assert attachment.content_type == CARD_CONTENT_TYPE == "application/vnd.microsoft.card.adaptive"


def test_submitted_text_ignores_anything_but_our_button_data() -> None:
    """Only {"text": non-empty string} counts as a pressed button."""
    assert submitted_text({"text": "undo"}) == "undo"
    assert submitted_text({"text": "  "}) is None
    assert submitted_text({"other": 1}) is None
    assert submitted_text("undo") is None
    assert submitted_text(None) is None


def test_clean_text_strips_mentions_and_html() -> None:
    """Leftover <at> mentions, tags, entities and non-breaking spaces are dropped from text."""
    assert (
        clean_text("<at>Alexa Ops</at> set room 204&nbsp;station jazz")
        == "set room 204 station jazz"
    )
    assert clean_text("<p>what&#39;s playing in 204</p>") == "what's playing in 204"
