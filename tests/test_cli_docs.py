"""Every `bot` CLI command (subcommands included) is documented in README.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from bot.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def cli_commands() -> list[str]:
    """Full command paths of the typer app, e.g. ["audit", "demo", ..., "sandbox serve"]."""
    found: list[str] = []

    # Typer's groups have `.commands` (newer typer vendors click, so no isinstance on click.Group).
    def walk(group: Any, prefix: str) -> None:
        for name, command in group.commands.items():
            path = f"{prefix}{name}"
            if hasattr(command, "commands"):
                walk(command, f"{path} ")
            else:
                found.append(path)

    walk(typer.main.get_command(app), "")
    return sorted(found)


def test_the_cli_has_the_documented_commands() -> None:
    """The command list is read from typer itself (so the README check below cannot go stale)."""
    commands = cli_commands()
    assert {"demo", "console", "audit", "sandbox serve"} <= set(commands)


def test_every_cli_command_is_mentioned_in_the_readme() -> None:
    """README.md mentions `bot <command>` for every command of the CLI, including `bot sandbox
    serve`."""
    text = README.read_text(encoding="utf-8")
    missing = [c for c in cli_commands() if f"bot {c}" not in text]
    assert not missing, f"README.md does not mention: {', '.join('bot ' + c for c in missing)}"
