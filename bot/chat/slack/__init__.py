"""Slack adapter: Bolt listeners over the conversation engine, Block Kit rendering, Socket and HTTP
mode.
"""

from bot.chat.slack.app import build_slack_app, run_socket_mode
from bot.chat.slack.blocks import SlackMessage, render_reply
from bot.chat.slack.delivery import DeliveryLog
from bot.chat.slack.digest import SlackDigestPoster
from bot.chat.slack.listeners import register
from bot.chat.slack.tokens import SlackConfigError, validate_tokens

__all__ = [
    "DeliveryLog",
    "SlackConfigError",
    "SlackDigestPoster",
    "SlackMessage",
    "build_slack_app",
    "register",
    "render_reply",
    "run_socket_mode",
    "validate_tokens",
]
