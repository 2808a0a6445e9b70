"""The console adapter: text rendering of replies, and reading one message per line from a pipe."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from core_helpers import BotUnderTest

from bot.chat.console import render_text, run_console
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind, Table


def test_render_text_shows_headline_fields_table_notes_and_choices() -> None:
    """Every part of a Reply appears in the text, choices numbered with the text to type."""
    reply = Reply(
        headline="Pick one",
        kind=ReplyKind.QUESTION,
        fields=[("Rooms", "2")],
        table=Table(columns=["Room", "Station"], rows=[["101", "Jazz"], ["102", "no station set"]]),
        notes=["A note."],
        actions=[
            Action(kind=ActionKind.CHOICE, label="Hotel A", value="set room 1 at Hotel A to jazz"),
            Action(kind=ActionKind.CONFIRM, label="Confirm", value="confirm abc123"),
        ],
    )
    text = render_text(reply)
    lines = text.splitlines()
    assert lines[0] == "? Pick one"
    assert "  Rooms: 2" in lines
    assert any(line.split() == ["Room", "Station"] for line in lines)
    assert any("102" in line and "no station set" in line for line in lines)
    assert "  A note." in lines
    assert "    1. set room 1 at Hotel A to jazz   (Hotel A)" in lines
    assert "confirm abc123" not in text  # a yes/no is answered by typing yes, not shown as a choice


def test_render_text_marks_each_kind() -> None:
    """Each reply kind has its own leading mark, so success and failure are told apart."""
    marks = {render_text(Reply(headline="x", kind=kind))[0] for kind in ReplyKind}
    assert len(marks) == len(ReplyKind)


async def test_pipe_prints_each_reply_and_exits_zero_at_end_of_input(
    small_bot: BotUnderTest,
) -> None:
    """From a pipe: each line is echoed and answered; end of input returns 0; blank lines are
    skipped."""
    stdin = io.StringIO(
        "what's playing in 101 at Hotel A\n\nset room 102 at Hotel A to jazz\nundo\n"
    )
    stdout = io.StringIO()
    code = await run_console(
        small_bot.engine, user="alice", channel=None, stdin=stdin, stdout=stdout
    )
    out = stdout.getvalue()
    assert code == 0
    assert out.count("\n> ") + out.startswith("> ") == 3
    assert "plays Jazz" in out
    assert "\u2714 Done: Room 102 at Hotel A now plays Jazz" in out
    assert "had no station before" in out
    assert "Traceback" not in out


async def test_pending_confirmation_is_answered_by_the_next_line(small_bot: BotUnderTest) -> None:
    """A question that waits for yes/no is answered by the following line of the pipe."""
    stdin = io.StringIO("clear alarms in rooms 204, 205 at Hotel A\nyes\n")
    stdout = io.StringIO()
    assert (
        await run_console(small_bot.engine, user="alice", channel=None, stdin=stdin, stdout=stdout)
        == 0
    )
    out = stdout.getvalue()
    assert "\u26a0 Delete all alarms" in out
    assert (
        "Cleared alarms in 0 of 2 rooms" in out
    )  # both rooms have offline devices: reported by device
    assert "one device (device offline or unreachable)" in out  # no endpoint ids for the front desk
    assert "SA204" not in out


async def test_a_numbered_choice_is_answered_with_its_number(small_bot: BotUnderTest) -> None:
    """After a "which one?" question, typing `1` sends the first choice's text."""
    stdin = io.StringIO("set room 204 to jazz\n1\n")
    stdout = io.StringIO()
    await run_console(small_bot.engine, user="alice", channel=None, stdin=stdin, stdout=stdout)
    out = stdout.getvalue()
    assert "1. set room 204 to jazz at Hotel A" in out
    assert "  \u2192 set room 204 to jazz at Hotel A" in out
    assert small_bot.station("Hotel A", "204") == ("I_HEART_RADIO", "4242")


async def test_quit_ends_the_session_and_bad_input_is_answered_not_raised(
    small_bot: BotUnderTest,
) -> None:
    """Nonsense gets a reply with suggestions; `quit` stops reading (later lines are ignored)."""
    stdin = io.StringIO("\x00\x01 ???? set\nquit\nset room 102 at Hotel A to jazz\n")
    stdout = io.StringIO()
    assert (
        await run_console(small_bot.engine, user="alice", channel=None, stdin=stdin, stdout=stdout)
        == 0
    )
    out = stdout.getvalue()
    assert "didn't understand" in out and "Type one of:" in out
    assert small_bot.station("Hotel A", "102") is None


def test_bot_demo_reads_a_pipe(tmp_path: Path) -> None:
    """`bot demo` from a pipe: sandbox + sync + console as admin; replies printed; exit code 0."""
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_CONFIG", "BOT_DB_PATH")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "demo"],
        input="set room 204 station jazz\nundo\nadd room type Sauna at Lakeside Chicago\n"
        "set all rooms at Lakeside Chicago to pop\nno\n",
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\u2714 Done: Room 204 at Harbor View Seattle now plays Jazz" in out
    assert "\u2714 Undone: room 204 at Harbor View Seattle is back on" in out
    assert "\u2714 Done: added room type Sauna" in out  # the demo user is admin
    assert "\u26a0 Set the default station of all" in out and "Cancelled" in out
    assert "Traceback" not in out + result.stderr


def test_render_text_wraps_long_cells_without_losing_content() -> None:
    """A cell longer than the column limit wraps onto continuation lines; every word is still shown."""
    names = ", ".join(f"Room {n}" for n in range(101, 133))
    why = "Amazon refused the change (AmazonServiceException: throttled, try later please)"
    reply = Reply(
        headline="Rooms",
        table=Table(columns=["Property", "Rooms", "Why"], rows=[["Lakeside Chicago", names, why]]),
    )
    text = render_text(reply)
    assert all(len(line) <= 2 + 60 * 3 + 4 for line in text.splitlines())
    words = " ".join(text.split())
    for n in range(101, 133):
        assert f"Room {n}" in words
    assert "try later please)" in words
