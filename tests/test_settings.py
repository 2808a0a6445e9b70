"""Configuration: environment variables and bot.toml, with errors that name the file, key and expectation."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import ConfigError, load_all, load_config, load_settings

GOOD = """
[[properties]]
name = "Harbor View Seattle"
country = "US"
timezone = "America/Los_Angeles"
channels = ["C0FRONTDESK"]
digest_channel = "C0OPS"

[roles]
admin = ["U0ADMIN"]
engineer = []
front_desk = ["*"]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_region_picks_the_default_api_url_and_override_wins() -> None:
    """ASP_REGION picks the host of its region; ASP_API_URL overrides it."""
    assert load_settings({"ASP_REGION": "EU"}).asp_base_url == "https://api.eu.amazonalexa.com"
    assert load_settings({}).asp_base_url == "https://api.amazonalexa.com"
    assert load_settings({"ASP_REGION": "fe"}).asp_base_url == "https://api.fe.amazonalexa.com"
    custom = load_settings({"ASP_REGION": "EU", "ASP_API_URL": "http://127.0.0.1:9/"})
    assert custom.asp_base_url == "http://127.0.0.1:9"


def test_unknown_region_is_a_clear_error() -> None:
    """A region outside NA/EU/FE is refused with the variable named."""
    with pytest.raises(ConfigError, match=r"asp_region|ASP_REGION"):
        load_settings({"ASP_REGION": "MARS"})


def test_lwa_token_url_has_amazons_default() -> None:
    """LWA_TOKEN_URL defaults to Amazon's token endpoint."""
    assert load_settings({}).lwa_token_url == "https://api.amazon.com/auth/o2/token"


def test_a_good_file_loads_with_country_defaulted_from_region(tmp_path: Path) -> None:
    """A property without `country` takes its region's default country (EU → UK)."""
    config = load_config(
        write(tmp_path, '[[properties]]\nname = "A"\ntimezone = "Europe/London"\n'),
        default_country="UK",
    )
    assert config.properties[0].country == "UK"
    full = load_config(write(tmp_path, GOOD))
    assert full.property_for_channel("C0FRONTDESK") is not None
    assert full.roles is not None and full.roles.admin == ["U0ADMIN"]


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        (
            GOOD.replace("America/Los_Angeles", "Mars/Base"),
            "properties.0.timezone",
            "IANA timezone",
        ),
        (GOOD.replace('country = "US"', 'country = "XX"'), "properties.0.country", "country code"),
        (
            GOOD + "\n[bot]\nbulk_concurrency = 0\n",
            "bot.bulk_concurrency",
            "greater than or equal to 1",
        ),
        (
            GOOD.replace('digest_channel = "C0OPS"', 'digest_time = "7am"'),
            "properties.0.digest_time",
            "HH:MM",
        ),
        (GOOD.replace("channels", "chanels"), "properties.0.chanels", "unknown key"),
    ],
)
def test_bad_values_name_the_file_key_and_expectation(
    tmp_path: Path, text: str, key: str, expected: str
) -> None:
    """Each bad value is reported with the file, the key and what was expected."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message and key in message and expected in message


def test_not_toml_is_reported_with_the_file(tmp_path: Path) -> None:
    """A file that is not TOML at all is refused with its path."""
    path = write(tmp_path, "[[properties]\nname=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_a_channel_bound_to_two_properties_is_refused(tmp_path: Path) -> None:
    """One channel cannot default to two properties."""
    text = GOOD + '\n[[properties]]\nname = "B"\nchannels = ["C0FRONTDESK"]\n'
    with pytest.raises(ConfigError, match="bound to both"):
        load_config(write(tmp_path, text))


def test_bot_config_pointing_nowhere_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BOT_CONFIG naming a missing file stops the bot instead of running unconfigured."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BOT_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(ConfigError, match="does not exist"):
        load_all()


def test_bot_toml_in_the_working_directory_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without BOT_CONFIG, ./bot.toml is read when present."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BOT_CONFIG", raising=False)
    write(tmp_path, GOOD)
    _settings, config = load_all()
    assert config.properties[0].name == "Harbor View Seattle"


def test_missing_asp_credentials_are_named() -> None:
    """The runtime can say exactly which credentials are missing."""
    settings = load_settings({"ASP_ORGANIZATION_ID": "amzn1.alexa.unit.did.X"})
    assert settings.missing_asp_credentials() == [
        "LWA_CLIENT_ID",
        "LWA_CLIENT_SECRET",
        "LWA_REFRESH_TOKEN",
    ]


def test_example_file_is_valid() -> None:
    """The shipped bot.example.toml loads as it is."""
    config = load_config(Path(__file__).parent.parent / "bot.example.toml")
    assert len(config.properties) == 2
