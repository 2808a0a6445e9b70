"""Slack credentials: checked for shape before any connection is tried, so a typo fails fast and
clearly.
"""

from __future__ import annotations

from typing import Literal

DEFAULT_API_URL = "https://slack.com/api/"

Mode = Literal["socket", "http"]


class SlackConfigError(ValueError):
    """A Slack setting is missing or malformed; the message names the environment variable."""


def _check_prefix(name: str, value: str | None, prefix: str, what: str) -> None:
    if not value or not value.strip():
        raise SlackConfigError(
            f"{name} is not set: it must hold the {what} (starts with '{prefix}')."
        )
    if not value.startswith(prefix):
        # Show only the first characters: enough to tell which kind of token was pasted, not the
        # secret.
        shown = value[:5] + "…"
        raise SlackConfigError(
            f"{name} must start with '{prefix}' (the {what}); it starts with '{shown}'."
        )


def validate_tokens(
    *,
    mode: Mode,
    bot_token: str | None,
    app_token: str | None = None,
    signing_secret: str | None = None,
) -> None:
    """Raise SlackConfigError naming the variable when the settings for `mode` are missing or
    malformed.

    Socket Mode (`bot run`) needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN; HTTP mode (`bot serve`) needs
    SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.
    """
    _check_prefix("SLACK_BOT_TOKEN", bot_token, "xoxb-", "bot user OAuth token")
    if mode == "socket":
        _check_prefix(
            "SLACK_APP_TOKEN", app_token, "xapp-", "app-level token with connections:write"
        )
    elif not signing_secret or not signing_secret.strip():
        raise SlackConfigError(
            "SLACK_SIGNING_SECRET is not set: HTTP mode needs the app's signing secret "
            "(Basic Information → App Credentials)."
        )


def api_base_url(api_url: str | None) -> str:
    """The Web API base URL (SLACK_API_URL overrides it for GovSlack and local fakes), with a final
    slash.
    """
    url = (api_url or "").strip() or DEFAULT_API_URL
    return url if url.endswith("/") else url + "/"
