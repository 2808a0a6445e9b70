"""`bot doctor` fails on a bot.toml property name the organization does not have, and names the
closest real one: a misspelled property is a misconfiguration, not a warning."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_cli_doctor import doctor, in_tmp, sandbox_env

from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World

__all__ = ["in_tmp"]

MISSPELLED = """
[[properties]]
name = "Harbor Veiw Seattle"
country = "US"
timezone = "America/Los_Angeles"
"""


def test_a_misspelled_property_fails_and_names_the_closest_real_one(
    sandbox: SandboxServer, demo_world: World, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ "Harbor Veiw Seattle" fails the doctor (exit 1) with "did you mean 'Harbor View Seattle'"."""
    sandbox.reset(demo_world)
    (in_tmp / "bot.toml").write_text(MISSPELLED, encoding="utf-8")
    code, output = doctor(sandbox_env(sandbox, demo_world, in_tmp), monkeypatch)
    assert code == 1, output
    assert "FAIL  bot.toml: names property 'Harbor Veiw Seattle'" in output
    assert "did you mean 'Harbor View Seattle'?" in output
    assert "Everything checked works." not in output


def test_a_name_like_no_property_gets_the_plain_fix() -> None:
    """A name close to nothing is not matched to a guess."""
    from bot.doctor import _closest_hint

    assert _closest_hint("Zzyzx", ["Harbor View Seattle", "Lakeside Chicago"]).startswith(
        "fix the name"
    )
