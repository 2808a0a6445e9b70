"""A question about rooms the bot guessed (`villas 4 to 6` → villa-4 to villa-6?) names the property
that has them, when it is not the channel's and one other property has them all: the yes then runs
there at once, instead of leading to a second question ("not at Harbor View, but at Alpine…").
A question between a room and a room type of one word, at a property that has only the room, is
not asked: the room (`the_side_there`)."""

from __future__ import annotations

from dataclasses import replace

from bot.core import commands as c
from bot.core.canonical import command_text
from bot.core.registry import role_for
from bot.core.resolve import Resolver
from bot.core.services import Services
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


def the_side_there(services: Services, ask: Ask) -> c.Command | None:
    """`set comfort to jazz at whitsand`: "Comfort" names a room and a room type, but only the room
    is at the property named: the room, never a question offering a room type it lacks."""
    labels = [label for label, _value in ask.choices]
    partial = ask.partial
    if len(labels) != 2 or not isinstance(partial, c.SetStation | c.ClearAlerts):
        return None
    if not (labels[0].startswith("room ") and labels[1].startswith("room type ")):
        return None
    named = partial.target.property_name
    places = services.index.find_properties(named) if named else []
    if len(places) != 1:
        return None
    place = places[0]
    room, room_type = labels[0].removeprefix("room "), labels[1].removeprefix("room type ")
    if services.index.find_room_types(room_type, place.id) or not services.index.find_rooms(
        room, place.id
    ):
        return None
    return replace(partial, target=c.Target(rooms=(room,), property_name=place.name))
