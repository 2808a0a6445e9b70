"""`set <property> country UK timezone Europe/London`: an admin describes a property that bot.toml does
not list; and the refusal of a station change where nobody has said which country applies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.core.access.services import Services
from bot.core.ledger.audit import Change
from bot.core.ledger.property_settings import (
    how_to_set,
    place_of,
    store_place,
    suggested_country,
    suggested_zone,
)
from bot.core.shared.commands import SetPropertyPlace
from bot.core.shared.places import country_code, timezone_name
from bot.core.shared.replies import Reply, ReplyKind
from bot.settings import KNOWN_COUNTRIES

if TYPE_CHECKING:
    from bot.core.access.context import Ctx


def _rerun(command: SetPropertyPlace, name: str) -> str:
    parts = [f"set {name}"]
    if command.country:
        parts.append(f"country {command.country}")
    if command.timezone:
        parts.append(f"timezone {command.timezone}")
    return " ".join(parts)


def _invalid(command: SetPropertyPlace) -> Reply | None:
    if command.country is not None and country_code(command.country) is None:
        return Reply(
            headline=f"I don't know the country \u201c{command.country}\u201d. Nothing was changed.",
            kind=ReplyKind.ERROR,
            notes=[f"The station catalog covers {', '.join(KNOWN_COUNTRIES)}."],
        )
    if command.timezone is not None and timezone_name(command.timezone) is None:
        return Reply(
            headline=f"\u201c{command.timezone}\u201d is not a timezone I know. Nothing was changed.",
            kind=ReplyKind.ERROR,
            notes=["Use an IANA name such as Europe/London or America/New_York."],
        )
    return None


async def set_property_place(ctx: Ctx, command: SetPropertyPlace) -> Reply:
    if invalid := _invalid(command):
        return invalid
    prop = ctx.resolver.property(command.property_name, lambda n: _rerun(command, n))
    if isinstance(prop, Reply):
        return prop
    s: Services = ctx.s
    before = place_of(s.config, s.settings, prop.id, prop.name)
    if before.source == "bot.toml":
        return Reply(
            headline=f"bot.toml describes {prop.name} (country {before.country}, timezone "
            f"{before.timezone}); change it there and restart the bot. Nothing was changed.",
            kind=ReplyKind.REFUSAL,
        )
    country = country_code(command.country) if command.country else None
    timezone = timezone_name(command.timezone) if command.timezone else None
    after = store_place(
        s.settings, prop.id, prop.name, country=country, timezone=timezone,
        by=ctx.msg.user, at=s.clock.now(),
    )  # fmt: skip
    s.index.upsert_property(prop.id, prop.name, country=after.country, timezone=after.timezone)
    was = {"country": before.country, "timezone": before.timezone}
    now = {"country": after.country, "timezone": after.timezone}
    ctx.audit(
        "ok",
        targets=[prop.id],
        changes=[Change("place", prop.id, prop.name, prop.name, was, now)],
    )
    return _done(prop.name, after.country, after.timezone)


def _done(name: str, country: str | None, timezone: str | None) -> Reply:
    notes = []
    if country is None:
        notes.append(
            f"Its country is still unknown: `set {name} country {suggested_country(name)}`."
        )
    if timezone is None:
        zone = suggested_zone(name, country)
        notes.append(
            f"Its timezone is still unknown (times show in UTC): `set {name} timezone {zone}`."
        )
    return Reply(
        headline=f"Done: {name} is in {country or 'an unknown country'}, timezone {timezone or 'unknown'}.",
        kind=ReplyKind.SUCCESS,
        public=True,
        notes=notes,
    )


def unknown_country_reply(s: Services, properties: Iterable[tuple[str, str]]) -> Reply | None:
    """The refusal of a station change at properties whose country nobody has given, or None."""
    unknown = sorted(
        {
            name
            for pid, name in properties
            if place_of(s.config, s.settings, pid, name).country is None
        }
    )
    if not unknown:
        return None
    names = ", ".join(unknown)
    return Reply(
        headline=f"I don't know which country {names} is in, so I can't tell which stations it offers. "
        "Nothing was changed.",
        kind=ReplyKind.REFUSAL,
        notes=[
            f"An admin can say, for example, `{how_to_set(unknown[0])}` (or add the property to bot.toml with "
            "country and timezone)."
        ],
    )
