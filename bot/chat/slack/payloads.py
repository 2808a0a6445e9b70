"""The parts of Bolt's payloads the listeners read (only those keys; Slack sends more)."""

from __future__ import annotations

from typing import TypedDict


class CommandBody(TypedDict, total=False):
    user_id: str
    channel_id: str
    text: str | None


class Event(TypedDict, total=False):
    channel: str
    channel_type: str
    user: str
    text: str | None
    ts: str
    thread_ts: str | None
    subtype: str | None
    bot_id: str | None


class EventBody(TypedDict, total=False):
    event_id: str


class _Container(TypedDict, total=False):
    channel_id: str | None
    thread_ts: str | None
    message_ts: str | None
    is_ephemeral: bool | None


class _Id(TypedDict, total=False):
    id: str


class _Message(TypedDict, total=False):
    ts: str | None
    thread_ts: str | None


class ActionBody(TypedDict, total=False):
    user: _Id
    channel: _Id | None
    container: _Container | None
    message: _Message | None


class _Option(TypedDict, total=False):
    value: str | None


class Action(TypedDict, total=False):
    action_id: str | None
    block_id: str | None
    value: str | None
    selected_option: _Option | None


class ErrorBody(TypedDict, total=False):
    type: str
