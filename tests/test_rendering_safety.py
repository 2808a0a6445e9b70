"""What a user typed is shown as typed on Slack and Teams: never a link, a mention or a lost tag."""

from __future__ import annotations

import json
from typing import Any

from fake_teams import card_text

from bot.chat.slack.blocks import render_reply
from bot.chat.teams.cards import render_card
from bot.core.shared.replies import Reply, ReplyKind, Table

LINK = "[click here](https://evil.example)"
PLACEHOLDER = "say \u201cat <property>\u201d"


def hostile() -> Reply:
    return Reply(
        headline=f"Sorry, I didn't understand \u201c{LINK} <!channel> <@U123>\u201d.",
        kind=ReplyKind.REFUSAL,
        fields=[("Asked", LINK)],
        table=Table(columns=["Room", "Note"], rows=[["204", "<!here> **bold**"]]),
        notes=[f"To name a hotel, {PLACEHOLDER}."],
    )


def _markdown_text(card: dict[str, Any]) -> list[str]:
    """Every string the card renders as markdown (TextBlock text, FactSet titles and values)."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            if node.get("type") == "FactSet":
                found.extend(f["title"] + f["value"] for f in node["facts"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return found


def test_teams_card_shows_user_text_as_plain_runs() -> None:
    """No user text reaches a markdown-rendered element; it is all in TextRuns, shown verbatim."""
    card = render_card(hostile())
    assert _markdown_text(card) == []
    text = card_text(card)
    assert LINK in text and "<!channel>" in text and "<!here> **bold**" in text
    assert PLACEHOLDER in text  # the placeholder survives


def test_teams_card_has_no_markdown_link_anywhere() -> None:
    """The serialised card carries the link text only inside TextRun `text`."""
    card = render_card(hostile())
    runs = [
        i
        for i in json.loads(json.dumps(card))["body"][0]["inlines"]
        if i["type"] == "TextRun" and LINK in i["text"]
    ]
    assert runs


def test_slack_fallback_text_neutralises_mentions() -> None:
    """`<!channel>` and `<@U123>` in the notification text are escaped, not live."""
    message = render_reply(hostile())
    assert "<!channel>" not in message.text and "<@U123>" not in message.text
    assert "&lt;!channel&gt;" in message.text and "&lt;@U123&gt;" in message.text


def test_slack_blocks_neutralise_mentions_and_keep_placeholders() -> None:
    """Block Kit mrkdwn: no raw `<` anywhere; `<property>` is escaped so Slack shows it as typed."""
    message = render_reply(hostile())
    mrkdwn = json.dumps(message.blocks)
    assert "<!" not in mrkdwn and "<@" not in mrkdwn and "<property>" not in mrkdwn
    assert "&lt;property&gt;" in mrkdwn
