"""`set digest channel here [for <property>]` and `bind this channel to <property>`: admins change
where a property's digest goes and which property a channel's requests default to, from chat. Stored
in the database (bot/core/commands/channel_settings.py); bot.toml's values are the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.access.context import Ctx
from bot.core.commands.channel_settings import (
    BINDING,
    DIGEST,
    apply_channel_settings,
    store_setting,
)
from bot.core.shared import commands as c
from bot.core.shared.registry import Entry, Score, phrasing, register
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind


@dataclass(frozen=True)
class SetDigestChannel(c.Command):
    property_name: str | None = None  # None: the channel's own property, or the only one


@dataclass(frozen=True)
class BindChannel(c.Command):
    property_name: str


_DIGEST = r"^(?:set|make|use) (?:the )?digest channel (?:here|to this channel)(?: for (?P<p>.+))?$"
_DIGEST_HERE = r"^(?:send|post) (?:the )?digests? here(?: for (?P<p>.+))?$"
_BIND = r"^bind (?:this|the) channel to (?P<p>.+)$"


def _property_name(ctx: Ctx, typed: str | None) -> str | Reply:
    names = [p.name for p in ctx.s.index.properties()] or [p.name for p in ctx.s.config.properties]
    if typed is None:
        bound = ctx.s.config.property_for_channel(ctx.msg.channel)
        if bound is not None:
            return bound.name
        if len(names) == 1:
            return names[0]
        return Reply(
            headline="Which property's digest should come here?",
            kind=ReplyKind.QUESTION,
            actions=[
                Action(kind=ActionKind.CHOICE, label=n, value=f"set digest channel here for {n}")
                for n in sorted(names)
            ],
        )
    key = typed.strip().casefold()
    exact = [n for n in names if n.casefold() == key]
    close = exact or [n for n in names if key in n.casefold()]
    if len(close) == 1:
        return close[0]
    return Reply(
        headline=f"I don't know one property called \u201c{typed}\u201d. Nothing was changed.",
        kind=ReplyKind.ERROR,
        notes=[f"Properties: {', '.join(sorted(names))}."],
    )


def _where(ctx: Ctx) -> str | Reply:
    if ctx.msg.platform == "console":  # its --channel is a name for the session, not a channel
        return Reply(
            headline="Channel settings are made in Slack or Teams, in the channel itself: the "
            "console has no channel of its own. Nothing was changed.",
            kind=ReplyKind.ERROR,
            notes=["In the console, say the property in the request (`… at <property>`)."],
        )
    if not ctx.msg.channel:
        return Reply(
            headline="Say this in the channel you mean. Nothing was changed.",
            kind=ReplyKind.ERROR,
        )
    return ctx.msg.channel


async def set_digest_channel(ctx: Ctx, command: SetDigestChannel) -> Reply:
    return _set(ctx, DIGEST, command.property_name)


async def bind_channel(ctx: Ctx, command: BindChannel) -> Reply:
    return _set(ctx, BINDING, command.property_name)


def _set(ctx: Ctx, kind: str, typed: str | None) -> Reply:
    channel = _where(ctx)
    if isinstance(channel, Reply):
        return channel
    name = _property_name(ctx, typed)
    if isinstance(name, Reply):
        return name
    if ctx.preview:
        return Reply(headline=f"Preview: the {kind} channel of {name} would be this channel. "
                     "Nothing was changed.")  # fmt: skip
    teams = "teams:"  # the bot.toml convention for a Teams digest channel
    if kind == DIGEST and ctx.msg.platform == "teams" and not channel.startswith(teams):
        # The digest is routed by its channel's name: only "teams:…" (or a "19:…" channel id)
        # goes to Teams when Slack is configured too, and a personal or Playground conversation
        # id has neither shape, so it would go to Slack.
        channel = f"{teams}{channel}"
    store = ctx.s.settings  # shared by every replica (BOT_DATABASE_URL)
    store_setting(store, kind, name, channel, ctx.msg.user, ctx.s.clock.now())
    apply_channel_settings(ctx.s.config, store)
    ctx.audit("ok", detail=f"{kind} channel of {name}: {channel}")
    what = (
        f"{name}'s nightly digest will be posted in this channel"
        if kind == DIGEST
        else f"Requests in this channel now default to {name}"
    )
    return Reply(
        headline=f"Done: {what}.",
        kind=ReplyKind.SUCCESS,
        public=True,
        notes=["Saved in the bot's database; it overrides bot.toml. `bot doctor` shows it."],
    )


register(
    Entry(
        command=SetDigestChannel,
        topic="general",
        summary="Admins: post a property's nightly digest in this channel",
        examples=("set digest channel here", "set digest channel here for Harbor View Seattle"),
        handler=set_digest_channel,
        rephrase=lambda cmd: (
            "set digest channel here" + (f" for {cmd.property_name}" if cmd.property_name else "")
        ),
        role=c.Role.ADMIN,
        mutating=True,
        phrasings=(
            phrasing(
                _DIGEST,
                _DIGEST_HERE,
                build=lambda m: SetDigestChannel(m.group("p")),
                score=Score.EXACT,
            ),
        ),
    )
)
register(
    Entry(
        command=BindChannel,
        topic="general",
        summary="Admins: make this channel's requests default to a property",
        examples=("bind this channel to Harbor View Seattle",),
        handler=bind_channel,
        rephrase=lambda cmd: f"bind this channel to {cmd.property_name}",
        role=c.Role.ADMIN,
        mutating=True,
        phrasings=(phrasing(_BIND, build=lambda m: BindChannel(m.group("p")), score=Score.EXACT),),
    )
)
