"""The "how to set the country" hint never guesses wrong: a US city in the name gives US and its
zone, a UK or French city its country and zone, a name that says nothing gives placeholders."""

from __future__ import annotations

import pytest

from bot.core.commands.property_place import _done
from bot.core.ledger.property_settings import UNKNOWN_PLACE, how_to_set, suggested_zone


@pytest.mark.parametrize(
    ("name", "country", "zone"),
    [
        ("Harbor View Seattle", "US", "America/Los_Angeles"),
        ("Bayside Miami", "US", "America/New_York"),
        ("Lakeside Chicago", "US", "America/Chicago"),
        ("The New York Plaza", "US", "America/New_York"),
        ("Kensington Gardens London", "UK", "Europe/London"),
        ("Rive Gauche Paris", "FR", "Europe/Paris"),
    ],
)
def test_a_city_in_the_name_gives_its_country_and_zone(name: str, country: str, zone: str) -> None:
    """Seattle and Miami are no longer hinted as UK, Europe/London."""
    assert how_to_set(name) == f"set {name} country {country} timezone {zone}"


def test_a_name_that_says_nothing_gets_placeholders() -> None:
    """ "Hotel B" and "Canal Side Amsterdam" get placeholders, not London."""
    for name in ("Hotel B", "Canal Side Amsterdam", "Seattleite Inn"):
        assert (
            how_to_set(name) == f"set {name} country {UNKNOWN_PLACE[0]} timezone {UNKNOWN_PLACE[1]}"
        )


def test_the_zone_hint_follows_a_one_zone_country() -> None:
    """With the country known, UK and FR have one zone to suggest; the US has several."""
    assert suggested_zone("Hotel B", "UK") == "Europe/London"
    assert suggested_zone("Hotel B", "FR") == "Europe/Paris"
    assert suggested_zone("Hotel B", "US") == UNKNOWN_PLACE[1]


def test_the_done_reply_hints_what_is_still_missing_rightly() -> None:
    """After `set Harbor View Seattle country US` the missing zone is hinted as Los Angeles's."""
    reply = _done("Harbor View Seattle", "US", None)
    assert "`set Harbor View Seattle timezone America/Los_Angeles`" in " ".join(reply.notes)
    reply = _done("Bayside Miami", None, "America/New_York")
    assert "`set Bayside Miami country US`" in " ".join(reply.notes)
