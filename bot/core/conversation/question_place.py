"""A question about rooms the bot guessed (`villas 4 to 6` → villa-4 to villa-6?) names the property
that has them, when it is not the channel's and one other property has them all: the yes then runs
there at once, instead of leading to a second question ("not at Harbor View, but at Alpine…")."""

from __future__ import annotations

from dataclasses import replace

from bot.core.access.resolve import Resolver
from bot.core.access.services import Services
from bot.core.shared import commands as c
from bot.core.shared.canonical import command_text
from bot.core.shared.registry import role_for
from bot.core.understanding.reading import Ask


def placed(services: Services, channel: str | None, user: str | None, ask: Ask) -> Ask:
    """`ask` with its guessed rooms' property named, or `ask` unchanged."""
    partial = ask.partial
    if ask.missing != "target" or not isinstance(partial, c.SetStation | c.ClearAlerts):
        return ask
    target = partial.target
    if target.property_name or not target.rooms or len(ask.choices) != 1:
        return ask
    resolver = Resolver(services, channel, user=user, needed=role_for(partial))
    scope = resolver.channel_property()
    index = services.index
    if scope is None or any(index.find_rooms(name, scope.id) for name in target.rooms):
        return ask
    there = resolver.other_home(target.rooms, scope)
    if there is None:
        return ask
    guessed = replace(partial, target=replace(target, property_name=there.name))
    label = ask.choices[0][0]
    question = ask.question.replace(" (", f" at {there.name} (", 1)
    return replace(
        ask, question=question, partial=guessed, choices=((label, command_text(guessed)),)
    )
