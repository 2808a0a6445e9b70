"""The stations offered when the bot asks "Which station?" of a `set` request that named none.

A menu saves typing and a misspelling: each choice is the request again with one station of the country
the rooms are in (a Slack dropdown, a Teams Input.ChoiceSet, numbered lines in the console). A typed
answer still works. When the country is not one (no property known yet, or rooms in several countries),
no menu is offered rather than one that would be wrong for some rooms.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.core.access.resolve import Resolver
from bot.core.access.services import Services
from bot.core.shared import commands as c
from bot.core.shared.canonical import command_text
from bot.core.shared.registry import role_for
from bot.core.shared.replies import Reply
from bot.index.catalog import Station, StationCatalog, UnknownCountry
from bot.index.lookup import PropertyRef


def spoken_name(catalog: StationCatalog, station: Station) -> str:
    """The shortest words that name exactly this station in its country (an alias where two
    stations share a name); the station id only when nothing else does."""
    inner: list[str] = re.findall(r"\(([^()]+)\)", station.full_name)
    for text in (station.name, *station.aliases, station.full_name, *inner, station.label):
        if catalog.lookup(station.country, text).station == station:
            return text.lower()
    return station.station_id


def station_choices(
    services: Services, channel: str | None, user: str | None, partial: c.Command
) -> tuple[tuple[str, str], ...]:
    """(label, request text) for each station of the request's country; () when that country is
    not exactly one."""
    if not isinstance(partial, c.SetStation):
        return ()
    resolver = Resolver(services, channel, user=user, needed=role_for(partial))
    scope = resolver.scope(partial.target.property_name, lambda name: name)
    if isinstance(scope, Reply):
        return ()
    countries = {p.country for p in _places(services, resolver, scope, partial.target.rooms)}
    if len(countries) != 1 or not (country := countries.pop()):
        return ()
    try:
        stations = services.catalog.stations(country)
    except (
        UnknownCountry
    ):  # a country the catalog does not cover: the typed answer gets the full story
        return ()
    catalog = services.catalog
    return tuple(
        (station.label, command_text(replace(partial, station=spoken_name(catalog, station))))
        for station in stations
    )


def _places(
    services: Services, resolver: Resolver, scope: PropertyRef | None, rooms: tuple[str, ...]
) -> list[PropertyRef]:
    """The properties the rooms will be looked for in: the scope when it has them all (or no room is
    named), else the visible properties where a room of that name is (the resolver then asks which)."""
    index = services.index
    if scope is not None and all(index.find_rooms(name, scope.id) for name in rooms):
        return [scope]
    visible = resolver.visible(index.properties())
    if not rooms:
        return visible
    holding = {room.property_id for name in rooms for room in index.find_rooms(name)}
    return [p for p in visible if p.id in holding]
