"""The console adapter: renders Replies as text, reads messages from a terminal or a pipe."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import textwrap
from collections.abc import Callable
from typing import TextIO

from rich.console import Console
from rich.table import Table as RichTable

from bot.core.conversation.engine import Engine, Message
from bot.core.shared.replies import ActionKind, Reply, ReplyKind


class PlainLogFormatter(logging.Formatter):
    """What the bot logs, as a console user reads it: a sentence ("Recovered 1 interrupted change…."),
    not a record ("WARNING bot.runtime: recovered …"), and never a traceback (`-v` shows records)."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage().strip()
        text = text[:1].upper() + text[1:]
        if text and text[-1] not in ".!?":
            text += "."
        return f"Error: {text}" if record.levelno >= logging.ERROR else text


def plain_log_lines() -> None:
    """Log warnings and errors to the terminal as plain sentences (the console without `-v`); like
    `logging.basicConfig`, it does nothing when logging is already set up."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(PlainLogFormatter())
    root.addHandler(handler)
    root.setLevel(logging.WARNING)


_MARK = {
    ReplyKind.SUCCESS: "✔",
    ReplyKind.ERROR: "✖",
    ReplyKind.REFUSAL: "✋",
    ReplyKind.QUESTION: "?",
    ReplyKind.CONFIRM: "⚠",
    ReplyKind.SUMMARY: "■",
    ReplyKind.PROGRESS: "…",
    ReplyKind.INFO: "•",
}


def render_text(reply: Reply, *, width: int = 100) -> str:
    """Plain text of a Reply: what the console prints and what tests compare."""
    lines = [f"{_MARK[reply.kind]} {reply.headline}"]
    lines += [f"  {name}: {value}" for name, value in reply.fields]
    if reply.table is not None and reply.table.rows:
        lines += _table_lines(reply.table.columns, reply.table.rows)
    lines += [f"  {note}" for note in reply.notes]
    choices = [a for a in reply.actions if a.kind == ActionKind.CHOICE]
    if choices:
        lines.append("  Type one of:")
        lines += [
            f"    {i}. {a.value}" + (f"   ({a.label})" if a.label != a.value else "")
            for i, a in enumerate(choices, 1)
        ]
    for attachment in reply.attachments:
        lines.append(f"  [attachment: {attachment.filename}, {len(attachment.data)} bytes]")
    return "\n".join(lines)


_MAX_CELL = 60


def _table_lines(columns: list[str], rows: list[list[str]]) -> list[str]:
    """Columns at most _MAX_CELL wide; a longer cell wraps onto continuation lines, never cut."""
    widths = [len(c) for c in columns]
    for row in rows:
        widths = [min(max(w, len(cell)), _MAX_CELL) for w, cell in zip(widths, row, strict=False)]

    def fmt(cells: list[str]) -> list[str]:
        wrapped = [
            textwrap.wrap(cell, w, break_long_words=True, break_on_hyphens=False) or [""]
            for cell, w in zip(cells, widths, strict=False)
        ]
        height = max((len(parts) for parts in wrapped), default=1)
        out: list[str] = []
        for i in range(height):
            parts = [
                (p[i] if i < len(p) else "").ljust(w) for p, w in zip(wrapped, widths, strict=False)
            ]
            out.append(("  " + "  ".join(parts)).rstrip())
        return out

    lines = fmt(columns)
    lines.append("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        lines += fmt(row)
    return lines


class ConsoleResponder:
    """The console's answers to one request: every progress line and the final reply, printed."""

    def __init__(self, out: Callable[[str], None]) -> None:
        self.out = out

    async def progress(self, reply: Reply) -> None:
        self.out(render_text(reply))

    async def final(self, reply: Reply) -> None:
        self.out(render_text(reply))


class ConsoleAdapter:
    """Posts to the terminal: a channel is a heading, the id a running number."""

    platform = "console"

    def __init__(self, out: Callable[[str], None] = print) -> None:
        self.out = out
        self._posted = 0

    def render(self, reply: Reply) -> str:
        return render_text(reply)

    async def post_to_channel(self, channel: str, reply: Reply) -> str:
        self._posted += 1
        self.out(f"--> {channel}\n{render_text(reply)}")
        return f"console-{self._posted}"


class ConsoleSession:
    """One person at the console: numbered choices can be answered with their number."""

    def __init__(
        self, engine: Engine, *, user: str, channel: str | None, out: Callable[[str], None]
    ) -> None:
        self.engine = engine
        self.user = user
        self.channel = channel
        self.out = out
        self._choices: list[str] = []

    async def say(self, text: str) -> Reply:
        stripped = text.strip()
        if stripped.isdigit() and 0 < int(stripped) <= len(self._choices):
            text = self._choices[int(stripped) - 1]
            self.out(f"  → {text}")

        responder = ConsoleResponder(self.out)
        reply = await self.engine.handle(
            Message(text=text, user=self.user, channel=self.channel, platform="console"),
            responder.progress,
        )
        self._choices = [a.value for a in reply.actions if a.kind == ActionKind.CHOICE]
        await responder.final(reply)
        return reply


async def run_console(
    engine: Engine,
    *,
    user: str,
    channel: str | None,
    greeting: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Interactive with line editing and history on a terminal; one message per line from a pipe."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout

    def out(text: str) -> None:
        stdout.write(text + "\n")
        stdout.flush()

    session = ConsoleSession(engine, user=user, channel=channel, out=out)
    interactive = stdin.isatty()
    if interactive:
        _enable_line_editing()
        if greeting:
            Console(file=stdout).print(greeting)
    # A change of yours interrupted by a restart is told before anything else.
    for notice in engine.take_notices(user, "console"):
        out(f"bot> {notice}")
    while True:
        try:
            # In a thread, so progress of a long run and the event loop's other work keep going.
            line = (
                await asyncio.to_thread(input, "you> ")
                if interactive
                else await asyncio.to_thread(stdin.readline)
            )
        except (EOFError, KeyboardInterrupt):
            if interactive:
                out("")
            return 0
        if not interactive and line == "":
            return 0
        line = line.strip()
        if not line:
            continue
        if line.lower() in ("quit", "exit", ":q"):
            return 0
        if not interactive:
            out(f"> {line}")
        await session.say(line)


def _enable_line_editing() -> None:
    # importing readline gives input() line editing and history; not on every platform
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401


def greeting_table(examples: list[tuple[str, str]]) -> RichTable:
    table = RichTable(title="Try these", show_header=False, box=None)
    for text, why in examples:
        table.add_row(f"[bold cyan]{text}[/]", why)
    return table
