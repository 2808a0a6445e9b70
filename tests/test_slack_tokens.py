"""Slack settings are checked before any connection, naming the variable in the error."""

from __future__ import annotations

import pytest

from bot.chat.slack.tokens import SlackConfigError, api_base_url, validate_tokens


@pytest.mark.parametrize(
    ("kwargs", "variable"),
    [
        ({"mode": "socket", "bot_token": None, "app_token": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"mode": "socket", "bot_token": "xoxp-user", "app_token": "xapp-1"}, "SLACK_BOT_TOKEN"),
        ({"mode": "socket", "bot_token": "xoxb-1", "app_token": ""}, "SLACK_APP_TOKEN"),
        ({"mode": "socket", "bot_token": "xoxb-1", "app_token": "xoxb-2"}, "SLACK_APP_TOKEN"),
        ({"mode": "http", "bot_token": "xoxb-1", "signing_secret": " "}, "SLACK_SIGNING_SECRET"),
        ({"mode": "http", "bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ],
)
def test_bad_settings_name_the_variable(kwargs: dict[str, str | None], variable: str) -> None:
    """Each missing or malformed setting raises SlackConfigError starting with its name."""
    with pytest.raises(SlackConfigError) as err:
        validate_tokens(**kwargs)  # type: ignore[arg-type]
    assert str(err.value).startswith(variable)


def test_errors_do_not_echo_the_secret() -> None:
    """A wrongly typed token is shown by its first characters only."""
    with pytest.raises(SlackConfigError) as err:
        validate_tokens(mode="socket", bot_token="xoxp-123456789-secret", app_token="xapp-1")
    assert "secret" not in str(err.value)


def test_good_settings_pass() -> None:
    """Well-formed settings for each mode raise nothing."""
    validate_tokens(mode="socket", bot_token="xoxb-1", app_token="xapp-1")
    validate_tokens(mode="http", bot_token="xoxb-1", signing_secret="abc")


def test_api_url_override() -> None:
    """SLACK_API_URL replaces the default base URL and always ends with a slash."""
    assert api_base_url(None) == "https://slack.com/api/"
    assert api_base_url("https://slack-gov.com/api") == "https://slack-gov.com/api/"
