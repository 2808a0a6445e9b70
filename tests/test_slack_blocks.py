"""Reply -> Block Kit rendering within Slack's limits."""

from __future__ import annotations

from bot.chat.slack.blocks import ACTION_ID_PATTERN, render_reply
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind, Table


def all_buttons(blocks: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]  # type: ignore[attr-defined]


def test_every_action_kind_gets_a_matching_unique_action_id() -> None:
    """Each ActionKind renders as a button whose id the listener's pattern matches, unique in the
    message.
    """
    actions = [Action(kind=k, label=k.value, value=f"v {k.value}") for k in ActionKind]
    actions.append(Action(kind=ActionKind.CHOICE, label="second", value="v choice 2"))
    msg = render_reply(Reply(headline="h", actions=actions))
    ids = [str(b["action_id"]) for b in all_buttons(msg.blocks)]
    assert len(ids) == len(set(ids)) == len(actions)
    assert all(ACTION_ID_PATTERN.match(i) for i in ids)
    assert [b["value"] for b in all_buttons(msg.blocks)] == [a.value for a in actions]


def test_danger_and_primary_styles() -> None:
    """A destructive Confirm is red (danger); a harmless Confirm is primary; Cancel has no style."""
    danger = render_reply(Reply(headline="h", kind=ReplyKind.CONFIRM, actions=[
        Action(kind=ActionKind.CONFIRM, label="Delete", value="confirm 1", danger=True),
        Action(kind=ActionKind.CANCEL, label="Cancel", value="cancel 1"),
    ]))  # fmt: skip
    harmless = render_reply(Reply(headline="h", actions=[
        Action(kind=ActionKind.CONFIRM, label="Yes", value="confirm 2")
    ]))  # fmt: skip
    assert [b.get("style") for b in all_buttons(danger.blocks)] == ["danger", None]
    assert all_buttons(harmless.blocks)[0]["style"] == "primary"


def test_text_is_escaped_and_fields_and_notes_render() -> None:
    """<, > and & from data cannot become Slack links or mentions; fields and notes show."""
    msg = render_reply(Reply(
        headline="Room <204> & co", fields=[("Station", "Jazz <FM>")], notes=["see <!channel>"],
    ))  # fmt: skip
    text = str(msg.blocks)
    assert "Room &lt;204&gt; &amp; co" in text and "Jazz &lt;FM&gt;" in text
    assert "<!channel>" not in text
    # the notification text is mrkdwn as well: escaped the same way (Slack shows "<204>")
    assert msg.text == "Room &lt;204&gt; &amp; co"


def test_more_than_ten_fields_are_split_across_sections() -> None:
    """Slack allows 10 fields per section; 23 fields become three sections."""
    msg = render_reply(Reply(headline="h", fields=[(f"k{i}", "v") for i in range(23)]))
    sections = [b for b in msg.blocks if "fields" in b]
    assert [len(s["fields"]) for s in sections] == [10, 10, 3]


def test_a_short_table_is_one_code_block_with_no_overflow() -> None:
    """A small table fits in one monospace block and nothing overflows."""
    msg = render_reply(
        Reply(headline="h", table=Table(columns=["Room", "State"], rows=[["204", "ok"]]))
    )
    assert msg.overflow is None
    assert msg.blocks[1]["text"]["text"] == "```\nRoom  State\n----  -----\n204   ok\n```"


def test_a_long_table_stays_under_the_block_limit_and_overflows() -> None:
    """Every text block stays within 3,000 characters; the full table comes back as overflow."""
    rows = [[str(n), "x" * 60] for n in range(2000)]
    msg = render_reply(Reply(headline="h" * 5000, table=Table(columns=["Room", "Note"], rows=rows)))
    texts = [b["text"]["text"] for b in msg.blocks if "text" in b]
    assert all(len(t) <= 3000 for t in texts)
    assert len(msg.blocks) <= 50
    assert msg.overflow is not None and msg.overflow.count("\n") == 2001
    assert "in the thread as a file" in str(msg.blocks)
    cut = render_reply(
        Reply(headline="h", table=Table(columns=["Room", "Note"], rows=rows)), can_attach=False
    )
    assert cut.overflow is None and "direct message" in str(cut.blocks)


def test_long_button_labels_are_clipped_and_huge_values_become_typed_hints() -> None:
    """Labels are cut to 75 characters; a value Slack would reject becomes a 'type this' note."""
    msg = render_reply(Reply(headline="h", actions=[
        Action(kind=ActionKind.CHOICE, label="L" * 100, value="ok"),
        Action(kind=ActionKind.CHOICE, label="big", value="v" * 2500),
    ]))  # fmt: skip
    [button] = all_buttons(msg.blocks)
    assert len(button["text"]["text"]) == 75  # type: ignore[index]
    assert "big: type" in str(msg.blocks)
