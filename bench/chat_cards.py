"""Every card and Block Kit message the bot sends, checked: Adaptive Cards 1.5 (the official npm
parser) and under 28 KB, Block Kit within Slack's limits (slack_sdk's models plus the message-level
limits). Run by hand; prints counts and sizes.

The replies come from the real engine on the demo sandbox: every example of every command in the
help, as an admin in a channel, each Confirm pressed (and pressed again: the stale note), each Undo
pressed twice, "I didn't understand", offline devices, the digest; plus a 200-row answer with its
pages, offline alerts (offline and recovered) and a question with many choices. Each reply is
rendered as the adapters render it (Teams: the conversational card and the digest's card series;
Slack: the channel and the ephemeral forms).

    npm install --prefix /tmp/ac adaptivecards@3
    NODE_PATH=/tmp/ac/node_modules python bench/chat_cards.py [--out /tmp/cards.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from bot.chat.paging import paged
from bot.chat.slack.blocks import PAGE_ROWS as SLACK_PAGE_ROWS
from bot.chat.slack.blocks import render_reply
from bot.chat.teams.cards import CARD_BUDGET, card_size, render_card, render_cards
from bot.core.access.context import Message
from bot.core.shared.registry import entries
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind, Table
from bot.demo import DEMO_CHANNEL, DEMO_USER, demo_runtime
from bot.health.offline_alerts import alert_reply
from bot.health.sites import Site
from bot.health.store import DeviceRow
from bot.runtime import Runtime

TEAMS_LIMIT = 28 * 1024
SLACK_BLOCKS_PER_MESSAGE = 50
SLACK_TEXT_LIMIT = 40_000


async def collect(runtime: Runtime) -> list[Reply]:
    replies: list[Reply] = []

    async def say(text: str) -> Reply:
        reply = await runtime.engine.handle(Message(text, DEMO_USER, DEMO_CHANNEL, "slack"))
        replies.append(reply)
        return reply

    async def press_all(reply: Reply) -> None:
        for action in reply.actions:
            if action.kind in (ActionKind.CONFIRM, ActionKind.UNDO):
                result = await say(action.value)
                await say(action.value)  # the second press: a stale note
                if action.kind is ActionKind.CONFIRM:
                    await press_all(result)
                break

    examples = [e for entry in entries() for e in entry.examples]
    examples += ["offline devices", "blorp the frobnicator", "help", "help devices", "yes", "undo"]
    examples += [f"digest {p.name}" for p in runtime.index.properties()]
    for text in examples:
        await press_all(await say(text))
    return replies


def synthetic() -> list[Reply]:
    rows = [
        [f"{100 + n}", f"G090XG12{n:08d}", "Echo Show 8", f"{n % 23 + 1} h ago"] for n in range(200)
    ]
    long = Reply(headline="200 devices are offline.", query="offline devices",
                 table=Table(columns=["Room", "Serial", "Device", "Offline since"], rows=rows))  # fmt: skip
    pages = [paged(long, SLACK_PAGE_ROWS, offset) for offset in range(0, 200, SLACK_PAGE_ROWS)]
    device = DeviceRow("arn:1", "G090XG1200000001", "Echo Show 8", "ECHO", "READY", "OFFLINE",
                       None, "p1", "r1", "204", 1_700_000_000.0, 1_700_000_000.0)  # fmt: skip
    site = Site("p1", "Harbor View Seattle", oncall_channel="C-ONCALL")
    alerts = [
        alert_reply(device, site, 1_700_000_000.0, 1_700_001_200.0, None),
        alert_reply(device, site, 1_700_000_000.0, 1_700_003_000.0, 1_700_002_000.0),
    ]
    choices = [Action(kind=ActionKind.CHOICE, label=f"Room {n} at Harbor View Seattle",
                      value=f"set room {n} at Harbor View Seattle to jazz") for n in range(12)]  # fmt: skip
    question = Reply(headline="Which room?", kind=ReplyKind.QUESTION, actions=choices)
    return [long, *pages, *alerts, question]


def teams_cards(replies: list[Reply]) -> list[dict[str, Any]]:
    cards: list[dict[str, Any]] = []
    for reply in replies:
        cards.append(render_card(reply))
        if reply.table is not None:  # proactive posts (digests) are a card series
            cards += render_cards(reply)
    return cards


def slack_issues(replies: list[Reply]) -> tuple[int, list[str]]:
    count, issues = 0, []
    for reply in replies:
        for can_attach in (True, False):
            msg = render_reply(reply, can_attach=can_attach, requester="UALICE")
            count += 1
            if len(msg.blocks) > SLACK_BLOCKS_PER_MESSAGE:
                issues.append(f"{reply.headline[:50]}: {len(msg.blocks)} blocks")
            if len(msg.text) > SLACK_TEXT_LIMIT:
                issues.append(f"{reply.headline[:50]}: text of {len(msg.text)}")
            for block in msg.blocks:
                try:
                    parsed = Block.parse(block)
                    if parsed is None:
                        raise SlackObjectFormationError(f"unknown block {block.get('type')}")
                    parsed.validate_json()
                except SlackObjectFormationError as error:
                    issues.append(f"{reply.headline[:50]}: {error}")
    return count, issues


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    async with demo_runtime() as (runtime, _server):
        replies = await collect(runtime)
    replies += synthetic()
    cards = teams_cards(replies)
    sizes = [card_size(c) for c in cards]
    out = args.out or Path(tempfile.mkdtemp()) / "cards.json"
    out.write_text(json.dumps(cards))
    node = await asyncio.to_thread(
        subprocess.run,
        ["node", str(Path(__file__).parent / "validate_cards.cjs"), str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    if node.returncode != 0:
        print("adaptivecards validation could not run:", node.stderr.strip()[:500])
        result: dict[str, Any] = {"cards": len(cards), "invalid": None}
    else:
        result = json.loads(node.stdout)
    count, issues = slack_issues(replies)
    print(f"replies collected: {len(replies)}")
    print(f"Teams cards: {len(cards)}; largest {max(sizes)} bytes (budget {CARD_BUDGET}, "
          f"limit {TEAMS_LIMIT}); over the limit: {sum(s > TEAMS_LIMIT for s in sizes)}")  # fmt: skip
    invalid = result["invalid"]
    if invalid is not None:
        print(
            f"Adaptive Cards 1.5 (npm adaptivecards): {len(invalid)} invalid of {result['cards']}"
        )
        for bad in invalid[:10]:
            print("  card", bad["index"], bad["events"][:3])
    print(f"Block Kit messages: {count}; issues: {len(issues)}")
    for issue in issues[:10]:
        print("  ", issue)
    print(f"cards written to {out}")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
