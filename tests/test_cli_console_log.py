"""What the bot logs while a person uses `bot console` or `bot demo` reads as a sentence, not as a log
record: "Recovered 1 interrupted change…", never "WARNING bot.runtime: …" or a traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from bot.chat.console import PlainLogFormatter, plain_log_lines


def _record(level: int, message: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            import sys

            exc_info = sys.exc_info()
    return logging.LogRecord("bot.runtime", level, __file__, 1, message, args, exc_info)


def test_a_warning_is_a_capitalised_sentence_without_level_or_logger() -> None:
    """The recovery warning after a restart reads as a sentence."""
    text = PlainLogFormatter().format(
        _record(logging.WARNING, "recovered %d interrupted change(s): %d write(s) settled", 1, 2)
    )
    assert text == "Recovered 1 interrupted change(s): 2 write(s) settled."


def test_an_error_says_error_and_shows_no_traceback() -> None:
    """An error with its exception is one line: "Error: …", no "Traceback"."""
    text = PlainLogFormatter().format(
        _record(logging.ERROR, "recovery of interrupted changes failed", exc=True)
    )
    assert text == "Error: Recovery of interrupted changes failed."
    assert "Traceback" not in text


@contextmanager
def bare_root() -> Iterator[logging.Logger]:
    """The root logger as a fresh process has it: no handlers (restored afterwards)."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    for handler in saved:
        root.removeHandler(handler)
    try:
        yield root
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
        root.setLevel(level)


def test_the_console_prints_log_lines_as_sentences(capsys: pytest.CaptureFixture[str]) -> None:
    """After plain_log_lines, a bot.runtime warning reaches the terminal as a plain sentence, and a
    second call (logging already set up) adds nothing."""
    with bare_root() as root:
        plain_log_lines()
        plain_log_lines()
        assert len(root.handlers) == 1
        logging.getLogger("bot.runtime").warning("recovered %d interrupted change(s)", 1)
        logging.getLogger("bot.runtime").info("not shown without -v")
    assert capsys.readouterr().err == "Recovered 1 interrupted change(s).\n"
