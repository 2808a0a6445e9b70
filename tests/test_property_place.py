"""Every property has a known country and timezone: bot.toml, else an admin's word in chat, else station
changes there are refused (end to end: engine, real clients, sandbox over HTTP)."""

from __future__ import annotations

from pathlib import Path

from core_helpers import bot_on, config_for, text_of

from bot.core.shared.commands import SetPropertyPlace
from bot.core.shared.places import country_code, timezone_name
from bot.core.understanding.pipeline import parse
from bot.sandbox.server import SandboxServer
from bot.sandbox.world import World
from bot.settings import BotConfig, RolesConfig

LONDON = "Kensington Gardens London"


def two_of_four(world: World) -> BotConfig:
    """bot.toml listing Harbor View Seattle and Lakeside Chicago only; admin U0ADMIN, desk for all."""
    full = config_for(world, roles=RolesConfig(admin=["U0ADMIN"], front_desk=["*"]))
    full.properties = [
        p
        for p in full.properties
        if p.name in ("Harbor View Seattle", "Lakeside Chicago", "Alpine Lodge Aspen")
    ]
    return full


async def test_a_station_change_at_an_unlisted_property_waits_for_its_country(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    """Unlisted London: the change is refused with how to set the country, nothing is sent; after an
    admin sets country and timezone in chat, the same change applies a UK station."""
    async with bot_on(sandbox, demo_world, tmp_path, config=two_of_four(demo_world)) as bot:
        before = bot.snapshot()
        refused = await bot.say(f"set room 101 at {LONDON} to classic fm", user="U0DESK")
        assert "country" in refused.headline and "Nothing was changed" in refused.headline
        assert f"set {LONDON} country UK timezone Europe/London" in text_of(refused)
        assert bot.mutating_requests() == {} and bot.snapshot() == before

        denied = await bot.say(f"set {LONDON} country UK timezone Europe/London", user="U0DESK")
        assert "admin" in denied.headline and bot.snapshot() == before

        done = await bot.say(f"set {LONDON} country UK timezone Europe/London", user="U0ADMIN")
        assert done.headline.startswith("Done:") and "UK" in done.headline, text_of(done)

        applied = await bot.say(f"set room 101 at {LONDON} to classic fm", user="U0DESK")
        assert applied.headline.startswith("Done:"), text_of(applied)
        assert bot.station(LONDON, "101") is not None


async def test_the_place_survives_a_restart_and_a_sync(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    """What an admin set is kept in the database: a new bot on the same file after a full sync still
    knows it, and `properties` shows it."""
    config = two_of_four(demo_world)
    async with bot_on(sandbox, demo_world, tmp_path, config=config) as bot:
        await bot.say(f"set {LONDON} country UK", user="U0ADMIN")
        await bot.say(f"set {LONDON} timezone europe/london", user="U0ADMIN")
    async with bot_on(sandbox, demo_world, tmp_path, config=config) as bot:
        listing = text_of(await bot.say("properties"))
        assert f"{LONDON} | UK | Europe/London" in listing
        assert (
            "Rive Gauche Paris | unknown" in listing and "set Rive Gauche Paris country" in listing
        )


async def test_bot_toml_wins_over_chat(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    """A property bot.toml lists is changed in bot.toml, not in chat: the reply says so."""
    async with bot_on(sandbox, demo_world, tmp_path, config=two_of_four(demo_world)) as bot:
        reply = await bot.say("set Harbor View Seattle country FR", user="U0ADMIN")
        assert "bot.toml" in reply.headline and "Nothing was changed" in reply.headline


async def test_bad_country_and_timezone_are_refused(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    """Unknown country or timezone: a plain refusal naming what is allowed."""
    async with bot_on(sandbox, demo_world, tmp_path, config=two_of_four(demo_world)) as bot:
        country = await bot.say(f"set {LONDON} country Narnia", user="U0ADMIN")
        assert "Narnia" in country.headline and "US, UK, FR" in text_of(country)
        zone = await bot.say(f"set {LONDON} timezone Mars/Base", user="U0ADMIN")
        assert "Mars/Base" in zone.headline
        unknown = await bot.say("set Nowhere Hotel country UK", user="U0ADMIN")
        assert "Nowhere Hotel" in unknown.headline


async def test_a_property_added_in_chat_is_asked_for_its_place(
    sandbox: SandboxServer, demo_world: World, tmp_path: Path
) -> None:
    """`add property …` creates it and asks for its country and timezone."""
    async with bot_on(sandbox, demo_world, tmp_path, config=two_of_four(demo_world)) as bot:
        reply = await bot.say("add property Canal Side Amsterdam", user="U0ADMIN")
        assert reply.headline.startswith("Done:")
        assert (
            "set Canal Side Amsterdam country <US, UK or FR> timezone <zone, e.g. America/New_York>"
            in text_of(reply)
        )


def test_phrasings_of_the_place_command() -> None:
    """Both together, each alone, either order, and "set the country of X to Y"."""
    cases = {
        f"set {LONDON} country UK timezone Europe/London": (LONDON, "UK", "Europe/London"),
        f"set {LONDON} timezone Europe/London and country United Kingdom": (
            LONDON, "United Kingdom", "Europe/London",
        ),
        f"set {LONDON} country UK": (LONDON, "UK", None),
        f"set property {LONDON} tz Europe/London": (LONDON, None, "Europe/London"),
        f"set the country of {LONDON} to France": (LONDON, "France", None),
        f"set the timezone of {LONDON} to Europe/Paris": (LONDON, None, "Europe/Paris"),
    }  # fmt: skip
    for text, (name, country, timezone) in cases.items():
        parsed = parse(text).parsed
        assert parsed is not None, text
        assert parsed.command == SetPropertyPlace(name, country, timezone), text
    station = parse("set room 204 station jazz").parsed
    assert station is not None and not isinstance(station.command, SetPropertyPlace)


def test_country_and_timezone_spellings() -> None:
    """Country names and codes map to the catalog's codes; timezones are matched case-blind."""
    assert [country_code(w) for w in ("uk", "GB", "England", "france", "U.S.A", "Mars")] == [
        "UK", "UK", "UK", "FR", "US", None,
    ]  # fmt: skip
    assert timezone_name("europe/london") == "Europe/London"
    assert timezone_name("Mars/Base") is None


def test_the_hint_suggests_the_place_a_name_mentions() -> None:
    """ "… Paris" is hinted as FR, Europe/Paris, "… Chicago" as US; other names get placeholders."""
    from bot.core.ledger.property_settings import how_to_set

    assert (
        how_to_set("Rive Gauche Paris") == "set Rive Gauche Paris country FR timezone Europe/Paris"
    )
    assert how_to_set("Lakeside Chicago").endswith("country US timezone America/Chicago")
    assert how_to_set("Hotel B").endswith(
        "country <US, UK or FR> timezone <zone, e.g. America/New_York>"
    )
