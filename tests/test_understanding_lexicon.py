"""The names a message can mention (bot/core/understanding/lexicon.py) and the answers to a question
the bot asked (bot/core/understanding/followup.py), tested directly where a helper has a clear input
and output, and through `parse` for the words staff type: every word of their word lists, every
bound and every alternative has a case that depends on it (written for mutation testing: each case
fails when that word, bound or alternative is changed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lexicon_support import demo_lexicon

from bot.core.shared import commands as c
from bot.core.shared.commands import Target
from bot.core.understanding.followup import TTL, Question, Questions
from bot.core.understanding.lexicon import (
    MAX_PHRASE_WORDS,
    Lexicon,
    build_lexicon,
    catalog_lexicon,
    fold,
    key_of,
    lexicon_for,
    room_keys,
)
from bot.core.understanding.pipeline import parse
from bot.index.catalog import STATIONS, Station, StationCatalog
from bot.index.lookup import Index

LEXICON = demo_lexicon()
R204 = Target(rooms=("204",))


def _station_of(text: str, lexicon: Lexicon = LEXICON) -> str | None:
    result = parse(text, lexicon)
    command = result.parsed.command if result.parsed is not None else None
    return command.station if isinstance(command, c.SetStation) else None


# --- fold, key_of, room_keys ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "folded"),
    [("Harbor VIEW", "harbor view"), ("Café Été", "cafe ete"), ("RIVE Gauche", "rive gauche"),
     ("Straße", "strase"), ("Ñandú 2", "nandu 2"), ("İzmir", "izmir"), ("", ""),
     ("Ακρόπολη Hotel", "ακροπολη hotel")],
)  # fmt: skip
def test_fold_lowers_and_drops_accents_one_character_for_one(text: str, folded: str) -> None:
    assert fold(text) == folded
    assert len(fold(text)) == len(text)


@pytest.mark.parametrize(
    ("text", "key"),
    [("Harbor View Seattle", "harbor view seattle"),
     ("  Rive   Gauche, Paris! ", "rive gauche paris"),
     ("Wynn's Station", "wynns station"), ("Hôtel d'Orsay-Rive", "hotel dorsay rive"),
     ("IHR_CLASSIC_ROCK", "ihr classic rock")],
)  # fmt: skip
def test_key_of_folds_case_accents_and_punctuation(text: str, key: str) -> None:
    assert key_of(text) == key


@pytest.mark.parametrize(
    ("typed", "keys"),
    [("Villa 3", ("villa3", "villa3")), ("PH#2", ("ph#2", "ph2")),
     ("Garden_Loft", ("gardenloft", "gardenloft")),
     ("  L-1 ", ("l1", "l1")), ("a _-\tb", ("ab", "ab")), ("Sand&Surf", ("sand&surf", "sandsurf")),
     ("Été-3", ("ete3", "ete3")), ("204", ("204", "204"))],
)  # fmt: skip
def test_room_keys_fold_separators_then_keep_only_letters_and_digits(
    typed: str, keys: tuple[str, str]
) -> None:
    assert room_keys(typed) == keys


# --- rooms ----------------------------------------------------------------------------------------

ROOMS = ["204", "PH-2", "PH#2", "Villa_3", "villa-3", "S303", "Sand&Surf", "Été", "_", "PH-2"]


def _rooms_lexicon() -> Lexicon:
    return build_lexicon((), (), None, ROOMS)


def test_room_tables_keep_each_name_once_under_its_keys() -> None:
    """A number is kept once (its loose key is its key), a name of two spellings under one key is a
    tuple, a name repeated (PH-2 of two hotels) is one entry, a name of no letter or digit none."""
    lexicon = _rooms_lexicon()
    assert lexicon.rooms == {
        "204": "204", "ph2": "PH-2", "ph#2": "PH#2", "villa3": ("Villa_3", "villa-3"),
        "s303": "S303", "sand&surf": "Sand&Surf", "ete": "Été",
    }  # fmt: skip
    assert lexicon.loose_rooms == {
        "ph2": "PH#2",
        "sandsurf": "Sand&Surf",
        "sandandsurf": "Sand&Surf",
    }
    assert lexicon.lettered_rooms == [
        "PH-2",
        "PH#2",
        "Villa_3",
        "villa-3",
        "S303",
        "Sand&Surf",
        "Été",
        "PH-2",
    ]


def test_a_room_named_as_its_own_key_is_stored_as_that_string() -> None:
    lexicon = build_lexicon((), (), None, ["204"])
    assert lexicon.rooms == {"204": "204"} and lexicon.loose_rooms == {}
    assert lexicon.lettered_rooms == []


def test_a_third_spelling_of_one_key_joins_the_tuple_and_a_repeat_does_not() -> None:
    lexicon = build_lexicon((), (), None, ["villa-3", "Villa_3", "VILLA3", "Villa_3", "villa-3"])
    assert lexicon.rooms == {"villa3": ("villa-3", "Villa_3", "VILLA3")}


def test_a_room_of_digits_in_another_script_is_lettered() -> None:
    """Not ASCII: it may hold a word for spelling.py even if it has no case."""
    lexicon = build_lexicon((), (), None, ["٣٠٤", "305"])
    assert lexicon.lettered_rooms == ["٣٠٤"]


@pytest.mark.parametrize(
    ("typed", "names", "exact"),
    [("204", ("204",), True), ("S303", ("S303",), True), ("s 303", ("S303",), True),
     ("villa 3", ("Villa_3", "villa-3"), True), ("VILLA-3", ("Villa_3", "villa-3"), True),
     ("ph2", ("PH-2", "PH#2"), True), ("PH-2", ("PH-2", "PH#2"), True),
     ("sand and surf", ("Sand&Surf",), False), ("sandsurf", ("Sand&Surf",), False),
     ("Sand&Surf", ("Sand&Surf",), True), ("ete", ("Été",), True), ("305", (), False),
     ("sand surf", ("Sand&Surf",), False)],
)  # fmt: skip
def test_room_names_finds_a_typed_room_exactly_then_loosely(
    typed: str, names: tuple[str, ...], exact: bool
) -> None:
    assert _rooms_lexicon().room_names(typed) == (names, exact)


def test_a_room_found_only_loosely_is_not_exact() -> None:
    """`ph2` when only PH#2 exists: found by its letters and digits, so not an exact match."""
    lexicon = build_lexicon((), (), None, ["PH#2", "204"])
    assert lexicon.room_names("ph2") == (("PH#2",), False)
    assert lexicon.room_names("ph#2") == (("PH#2",), True)
    assert lexicon.room_names("ph3") == ((), False)


def test_rooms_named_by_a_request() -> None:
    lexicon = build_lexicon((), (), None, ["204", "Sand&Surf", "Villa_3"])
    result = parse("set sand and surf to jazz", lexicon)
    assert result.parsed is not None
    assert result.parsed.command == c.SetStation(Target(rooms=("Sand&Surf",)), "jazz")
    result = parse("set villa 3 to jazz", lexicon)
    assert result.parsed is not None
    assert result.parsed.command == c.SetStation(Target(rooms=("Villa_3",)), "jazz")


# --- properties -----------------------------------------------------------------------------------


def _phrases(name: str) -> tuple[set[str], set[str]]:
    """The property keys and the prefixes (before `finish`) of one property's name."""
    lexicon = Lexicon()
    lexicon.add_property(name)
    return set(lexicon.properties), set(lexicon.property_prefixes)


@pytest.mark.parametrize(
    ("name", "keys", "prefixes"),
    [
        ("Harbor View Seattle", {"harbor", "harbor view", "harborview", "harbor view seattle",
                                 "harborviewseattle", "seattle"}, set()),
        ("Bay Gardens London", {"bay gardens london", "baygardenslondon", "london"},
         {"bay gardens"}),
        ("Kensington Gardens London", {"kensington", "kensington gardens", "kensingtongardens",
                                       "kensington gardens london", "kensingtongardenslondon",
                                       "london"}, set()),
        ("The Grand Hotel Paris", {"the grand hotel paris", "thegrandhotelparis", "paris"},
         {"the grand hotel"}),
        ("Rive Gauche Paris", {"rive", "rive gauche", "rivegauche", "rive gauche paris",
                               "rivegaucheparis", "gauche", "gauche paris", "gaucheparis", "paris"},
         set()),
        ("Kew Lodge", {"kew lodge", "kewlodge", "lodge"}, set()),
        ("Bay Gardens", {"bay gardens", "baygardens"}, set()),
        ("Lakeside", {"lakeside"}, set()),
    ],
)  # fmt: skip
def test_a_property_is_named_by_its_distinctive_phrases(
    name: str, keys: set[str], prefixes: set[str]
) -> None:
    """Every run of its words, and the runs written as one word, except a word alone that is
    generic or shorter than 4 letters ("kew", "bay") and a run that starts with a generic word; a
    run of all words but the last that starts with one is its name without the town (a
    prefix)."""
    assert _phrases(name) == (keys, prefixes)


@pytest.mark.parametrize(
    "word",
    ["the", "hotel", "hotels", "inn", "view", "house", "resort", "suites", "suite", "park",
     "gardens", "garden", "grand", "old", "town", "new", "city", "bay", "and", "of", "at",
     "by", "le", "la", "les", "de", "du", "des", "room", "rooms", "all"],
)  # fmt: skip
def test_a_generic_word_never_names_a_property_and_never_starts_a_phrase(word: str) -> None:
    """ "Marlow {word} Quay": the word alone and the runs it starts are not keys."""
    keys, prefixes = _phrases(f"Marlow {word} Quay")
    assert keys == {
        "marlow",
        f"marlow {word}",
        f"marlow{word}",
        f"marlow {word} quay",
        f"marlow{word}quay",
        "quay",
    }
    assert prefixes == set()


@pytest.mark.parametrize(
    "word",
    ["the", "hotel", "hotels", "inn", "view", "house", "resort", "suites", "suite", "park",
     "gardens", "garden", "grand", "old", "town", "new", "city", "bay", "and", "of", "at",
     "by", "le", "la", "les", "de", "du", "des", "room", "rooms", "all"],
)  # fmt: skip
def test_a_name_starting_with_a_generic_word_has_it_as_a_prefix(word: str) -> None:
    keys, prefixes = _phrases(f"{word.title()} Marlow Quay")
    assert keys == {
        f"{word} marlow quay",
        f"{word}marlowquay",
        "marlow",
        "marlow quay",
        "marlowquay",
        "quay",
    }
    assert prefixes == {f"{word} marlow"}


def test_the_name_without_its_town_names_the_property_unless_claimed() -> None:
    """ "Bay Gardens" of Bay Gardens London names it, where no property, room type or station has
    those words; "the relaxing radio show" stays the station."""
    lexicon = build_lexicon(["Bay Gardens London", "The Relaxing Radio Show Paris"], ())
    assert lexicon.properties["bay gardens"] == ("Bay Gardens London",)
    assert "the relaxing radio show" not in lexicon.properties
    assert lexicon.stations["the relaxing radio show"] == "the relaxing radio show"
    claimed = build_lexicon(["Bay Gardens London", "Bay Gardens"], ())
    assert claimed.properties["bay gardens"] == ("Bay Gardens",)
    typed = build_lexicon(["Bay Gardens London"], ["Bay Gardens"])
    assert "bay gardens" not in typed.properties
    assert typed.room_types["bay gardens"] == ("Bay Gardens",)


@pytest.mark.parametrize(
    ("text", "property_name"),
    [("set 204 at bay gardens to jazz", "Bay Gardens London"),
     ("set 204 at harborview to jazz", "Harbor View Seattle"),
     ("set 204 at seattle to jazz", "Harbor View Seattle")],
)  # fmt: skip
def test_a_request_names_a_property_by_a_phrase_of_its_name(text: str, property_name: str) -> None:
    lexicon = build_lexicon(["Bay Gardens London", "Harbor View Seattle"], ())
    result = parse(text, lexicon)
    assert result.parsed is not None
    assert result.parsed.command == c.SetStation(
        Target(rooms=("204",), property_name=property_name), "jazz"
    )


def test_a_phrase_of_two_properties_names_both() -> None:
    lexicon = build_lexicon(
        ["Bay Gardens London", "Kensington Gardens London", "Bay Gardens London"], ()
    )
    assert lexicon.properties["london"] == ("Bay Gardens London", "Kensington Gardens London")


# --- room types -----------------------------------------------------------------------------------


def test_room_types_by_full_name_plural_and_distinctive_word() -> None:
    lexicon = Lexicon()
    for name in ["Deluxe King", "Accessible King", "Penthouse", "Twin Room", "Spa Room",
                 "Suite 2024",
                 "Standard Queen", "Type Seven", "Types Mixed", "Deluxe King"]:  # fmt: skip
        lexicon.add_room_type(name)
    assert lexicon.room_types == {
        "deluxe king": ("Deluxe King",), "deluxe kings": ("Deluxe King",),
        "accessible king": ("Accessible King",), "accessible kings": ("Accessible King",),
        "penthouse": ("Penthouse",), "penthouses": ("Penthouse",),
        "twin room": ("Twin Room",), "twin rooms": ("Twin Room",),
        "spa room": ("Spa Room",), "spa rooms": ("Spa Room",),
        "suite 2024": ("Suite 2024",), "suite 2024s": ("Suite 2024",),
        "standard queen": ("Standard Queen",), "standard queens": ("Standard Queen",),
        "type seven": ("Type Seven",), "type sevens": ("Type Seven",),
        "types mixed": ("Types Mixed",), "types mixeds": ("Types Mixed",),
    }  # fmt: skip
    # a word alone: 4 letters or more ("spa" is not), not generic, not a number; one name alone
    # ("penthouse") has no partial words
    assert lexicon.partial_room_types == {
        "king": ("Deluxe King", "Accessible King"), "kings": ("Deluxe King", "Accessible King"),
        "accessible": ("Accessible King",), "accessibles": ("Accessible King",),
        "twin": ("Twin Room",), "twins": ("Twin Room",),
        "queen": ("Standard Queen",), "queens": ("Standard Queen",),
        "seven": ("Type Seven",), "sevens": ("Type Seven",),
        "mixed": ("Types Mixed",), "mixeds": ("Types Mixed",),
    }  # fmt: skip


def test_a_distinctive_word_names_a_room_type_unless_a_name_property_or_station_has_it() -> None:
    lexicon = build_lexicon(
        ["Harbor View Seattle"], ["Garden Loft", "Loft", "Jazz Suite", "Harbor Twin", "Corner Twin"]
    )
    assert lexicon.room_types["loft"] == ("Loft",)  # the full name wins
    assert lexicon.room_types["lofts"] == ("Loft",)
    assert "jazz" not in lexicon.room_types and lexicon.stations["jazz"] == "jazz"
    assert "harbor" not in lexicon.room_types
    assert lexicon.properties["harbor"] == ("Harbor View Seattle",)
    assert "garden" not in lexicon.room_types  # generic
    assert lexicon.room_types["corner"] == ("Corner Twin",)
    assert lexicon.room_types["twin"] == ("Harbor Twin", "Corner Twin")


@pytest.mark.parametrize(
    ("text", "room_type"),
    [("set the twins to jazz", "Twin Room"), ("set all twin rooms to jazz", "Twin Room"),
     ("set the lofts to jazz", "Garden Loft"), ("set jazz suites to pop", "Jazz Suite")],
)  # fmt: skip
def test_a_request_names_a_room_type_by_a_distinctive_word(text: str, room_type: str) -> None:
    lexicon = build_lexicon((), ["Twin Room", "Garden Loft", "Jazz Suite"])
    result = parse(text, lexicon)
    assert result.parsed is not None
    command = result.parsed.command
    assert isinstance(command, c.SetStation) and command.target == Target(room_type=room_type)


# --- stations -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "station"),
    [("wynns station", "wynns station"), ("wynns", "wynns station"),
     ("relaxing show", "relaxing radio show"), ("x london", "radio x london"),
     ("crooner lounge", "crooner radio lounge"), ("jazz", "jazz"), ("rap", "rap"),
     ("the relaxing radio show", "the relaxing radio show"), ("top 40", "top 40")],
)  # fmt: skip
def test_a_station_is_named_by_its_name_aliases_and_their_words_without_fillers(
    key: str, station: str
) -> None:
    assert catalog_lexicon().stations[key] == station


@pytest.mark.parametrize("key", ["x", "the relaxing show", "relaxing radio", "wynns station radio"])
def test_a_station_phrase_too_short_or_with_a_filler_left_in_is_no_station(key: str) -> None:
    """ "Radio X" without its fillers is "x": too short to name a station on its own."""
    assert key not in catalog_lexicon().stations


def _catalog(*names: str) -> StationCatalog:
    return StationCatalog(
        [Station("US", "I_HEART_RADIO", str(9000 + i), name, name) for i, name in enumerate(names)]
    )


def test_every_filler_word_is_dropped_from_a_station_name() -> None:
    lexicon = build_lexicon(
        (), (), _catalog("The Surf Station", "Lounge Channel", "Sunset Music", "Radio Reef",
                         "Beach Stream", "Mix Radio", "Oz Radio")
    )  # fmt: skip
    bare = {k: v for k, v in lexicon.stations.items() if k != v and v not in _MOODS}
    assert bare == {
        "surf": "the surf station", "lounge": "lounge channel", "sunset": "sunset music",
        "reef": "radio reef", "beach": "beach stream", "mix": "mix radio",
    }  # fmt: skip
    assert lexicon.station_ids == {
        "9000": "9000", "9001": "9001", "9002": "9002", "9003": "9003", "9004": "9004",
        "9005": "9005", "9006": "9006",
    }  # fmt: skip


_MOODS = {"relaxing", "classical", "meditation", "lullabies", "oldies", "hip hop", "rock", "jazz",
          "smooth jazz", "hits", "pop"}  # fmt: skip


@pytest.mark.parametrize(
    ("key", "station_id"),
    [("4242", "4242"), ("ihr jazz", "4242"), ("ihr wynn music", "7312"), ("s45300", "s45300"),
     ("7946cba4 3a8c 424a a2e5 e555bb8a09a3", "7946cba4-3a8c-424a-a2e5-e555bb8a09a3")],
)  # fmt: skip
def test_a_station_is_named_by_its_id_and_its_code(key: str, station_id: str) -> None:
    assert catalog_lexicon().station_ids[key] == station_id


def test_a_station_without_a_code_is_named_by_its_id_only() -> None:
    ids = build_lexicon(
        (), (), StationCatalog([s for s in STATIONS if s.station_id == "4802"])
    ).station_ids
    assert ids == {"4802": "4802"}


@pytest.mark.parametrize(
    ("mood", "station"),
    [("something relaxing", "relaxing"), ("something calm", "relaxing"),
     ("something chill", "relaxing"), ("relaxed", "relaxing"), ("easy listening", "relaxing"),
     ("calm", "relaxing"), ("calming", "relaxing"), ("soothing", "relaxing"),
     ("chill out", "relaxing"), ("chillout", "relaxing"), ("detente", "relaxing"),
     ("détente", "relaxing"), ("musique detente", "relaxing"), ("musique détente", "relaxing"),
     ("musique relaxante", "relaxing"), ("relaxante", "relaxing"), ("classique", "classical"),
     ("musique classique", "classical"), ("classical music", "classical"),
     ("classic music", "classical"), ("zen", "meditation"), ("nature sounds", "meditation"),
     ("berceuse", "lullabies"), ("berceuses", "lullabies"), ("something for kids", "lullabies"),
     ("golden oldies", "oldies"), ("rock music", "rock"), ("jazz lounge", "smooth jazz"),
     ("top hits", "hits"), ("pop music", "pop"), ("relaxing", "relaxing"),
     ("meditation", "meditation"), ("hip hop", "hip hop"), ("rock", "rock"), ("jazz", "jazz"),
     ("smooth jazz", "smooth jazz")],
)  # fmt: skip
def test_a_mood_or_genre_is_read_as_its_station(mood: str, station: str) -> None:
    assert _station_of(f"put {mood} on in 204") == station
    assert catalog_lexicon().stations[key_of(mood)] == station


def test_the_catalog_lexicon_is_built_once_with_stations_only() -> None:
    lexicon = catalog_lexicon()
    assert catalog_lexicon() is lexicon
    assert lexicon.properties == {} and lexicon.room_types == {} and lexicon.rooms == {}
    assert lexicon.stations["classique"] == "classical"
    assert _station_of("set 204 to classique", lexicon) == "classical"


def test_a_name_of_nine_words_is_read_whole() -> None:
    """A hotel's full name may run to nine words and more: typed whole, it names the hotel."""
    assert MAX_PHRASE_WORDS == 10
    name = "Residence Inn by Marriott New York Manhattan Times Square"
    lexicon = build_lexicon([name, "Residence Inn by Marriott New York Brooklyn"], ())
    result = parse(f"set 204 at {name.lower()} to jazz", lexicon)
    assert result.parsed is not None
    assert result.parsed.command == c.SetStation(Target(rooms=("204",), property_name=name), "jazz")


def test_a_name_of_six_words_is_read_whole() -> None:
    """Two properties whose names share their first five words: the six words name one."""
    lexicon = build_lexicon(
        ["Alpha Beta Gamma Delta Epsilon Zeta", "Alpha Beta Gamma Delta Epsilon Theta"], ()
    )
    result = parse("set 204 at alpha beta gamma delta epsilon theta to jazz", lexicon)
    assert result.parsed is not None
    assert result.parsed.command == c.SetStation(
        Target(rooms=("204",), property_name="Alpha Beta Gamma Delta Epsilon Theta"), "jazz"
    )


# --- lexicon_for ----------------------------------------------------------------------------------


def test_an_index_lexicon_holds_its_names_and_is_rebuilt_only_after_a_change() -> None:
    index = Index()
    index.upsert_property("P1", "Harbor View Seattle", organization_id="org")
    index.upsert_room_type("T1", "Deluxe King", "P1")
    index.upsert_room_type("T2", "Deluxe King", "P1")
    index.upsert_room("R1", "PH-2", "T1")
    index.upsert_room("R2", "204", "T2")
    lexicon = lexicon_for(index)
    assert lexicon_for(index) is lexicon
    assert lexicon.properties["harbor view"] == ("Harbor View Seattle",)
    assert lexicon.room_types["deluxe kings"] == ("Deluxe King",)
    assert lexicon.rooms == {"ph2": "PH-2", "204": "204"}
    assert lexicon.stations["jazz"] == "jazz"
    index.upsert_room("R3", "PH#2", "T1")
    rebuilt = lexicon_for(index)
    assert rebuilt is not lexicon
    assert rebuilt.room_names("ph2") == (("PH-2", "PH#2"), True)
    other = Index()
    assert lexicon_for(other).rooms == {}
    assert lexicon_for(index, _catalog("Surf Radio")) is rebuilt  # cached for the index


def test_an_index_lexicon_uses_the_catalog_it_is_given() -> None:
    index = Index()
    lexicon = lexicon_for(index, _catalog("Surf Radio"))
    assert lexicon.stations["surf"] == "surf radio"
    assert "classic rock" not in lexicon.stations


# --- answers to a question (followup.py) ----------------------------------------------------------

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ONE = [("Lakeside Chicago", "set 204 at Lakeside Chicago to jazz")]
THREE = [("Lakeside Chicago", "run lakeside"), ("Lakeview Boston", "run lakeview"),
         ("Harbor View Seattle", "run harbor")]  # fmt: skip
TEN = [(f"Room {n}", f"run {n}") for n in range(1, 11)]


def _choice(choices: list[tuple[str, str]], answer: str) -> str | None:
    return Question(expires=NOW, choices=choices).choice_for(answer)


@pytest.mark.parametrize(
    "answer",
    ["yes", "that one", "correct", "\U0001f44d", "\u2705", "\U0001f44c", " \U0001f44d ",
     "\U0001f44d!", "Yes.", "yup", "ya", "go", "affirmative", "oui", "please", "y", "yep", "yeah",
     "sure", "ok", "okay", "OK!"],
)  # fmt: skip
def test_a_yes_alone_picks_the_only_choice(answer: str) -> None:
    assert _choice(ONE, answer) == ONE[0][1]


@pytest.mark.parametrize(
    "answer",
    ["yes thanks", "y thanks", "yep thanks", "yeah thanks", "yup thanks", "ya thanks",
     "sure thanks", "ok thanks", "okay thanks", "go ahead", "affirmative thanks", "oui thanks",
     "please proceed", "yes please", "yes do it", "ok pls", "yes correct", "yes right",
     "ok proceed", "yes absolutely", "yes definitely", "yes affirmative", "go for it",
     "yep go ahead \U0001f44d", "yes oui", "sure go ahead"],
)  # fmt: skip
def test_a_yes_in_several_words_picks_the_only_choice(answer: str) -> None:
    """Every word is one of a yes's words and one of them says yes."""
    assert _choice(ONE, answer) == ONE[0][1]


@pytest.mark.parametrize(
    "answer",
    ["do it", "thanks", "go ahead and stop", "yes lakeview", "ahead", "right", "absolutely",
     "\U0001f44e", "yes no"],
)  # fmt: skip
def test_words_that_do_not_say_yes_pick_no_choice(answer: str) -> None:
    assert _choice(ONE, answer) is None


@pytest.mark.parametrize("answer", ["yes", "that one", "correct", "\U0001f44d", "go ahead", "ok"])
def test_a_yes_picks_none_of_several_choices(answer: str) -> None:
    assert _choice(THREE, answer) is None


def test_no_choices_pick_nothing() -> None:
    assert Question(expires=NOW).choice_for("1") is None
    assert Question(expires=NOW).choice_for("yes") is None


@pytest.mark.parametrize(
    ("answer", "picked"),
    [("1", 0), ("3", 2), (" 2 ", 1), ("2.", 1), ("first", 0), ("second", 1), ("third", 2),
     ("last", 2), ("the last", 2), ("the first", 0), ("the second one", 1), ("1st", 0),
     ("2nd", 1), ("3rd", 2), ("number 2", 1), ("no 3", 2), ("no. 3", 2), ("option 1", 0),
     ("choice 2", 1), ("#3", 2), ("# 2", 1), ("second option", 1), ("third choice", 2),
     ("2 please", 1), ("2 pls", 1), ("last one", 2), ("one", 0), ("two", 1), ("three", 2),
     ("option two", 1), ("the 2nd", 1)],
)  # fmt: skip
def test_a_number_or_an_ordinal_picks_the_choice_at_its_position(answer: str, picked: int) -> None:
    assert _choice(THREE, answer) == THREE[picked][1]


@pytest.mark.parametrize(
    ("answer", "picked"),
    [("fourth", 3), ("fifth", 4), ("sixth", 5), ("seventh", 6), ("eighth", 7), ("4th", 3),
     ("5th", 4), ("6th", 5), ("7th", 6), ("8th", 7), ("10", 9), ("last", 9), ("the 10", 9)],
)  # fmt: skip
def test_every_ordinal_of_a_long_list(answer: str, picked: int) -> None:
    lettered = [(f"Suite {chr(65 + n)}", f"run {n}") for n in range(10)]
    assert _choice(lettered, answer) == lettered[picked][1]


@pytest.mark.parametrize(
    ("answer", "picked"),
    [("four", 3), ("five", 4), ("six", 5), ("seven", 6), ("eight", 7)],
)  # fmt: skip
def test_every_number_word_picks_by_position_among_lettered_choices(
    answer: str, picked: int
) -> None:
    lettered = [(f"Suite {chr(65 + n)}", f"run {n}") for n in range(8)]
    assert _choice(lettered, answer) == lettered[picked][1]


@pytest.mark.parametrize(
    "answer", ["9th", "100", "ninth", "nine", "11", "0", "4", "fourth", "four"]
)
def test_a_position_past_the_list_picks_nothing(answer: str) -> None:
    choices = TEN if answer in {"9th", "100", "11", "ninth", "nine"} else THREE
    assert _choice(choices, answer) is None


@pytest.mark.parametrize("word", ["one", "two", "three", "four", "five", "six", "seven", "eight"])
def test_a_number_word_written_as_a_digit_in_the_choices_is_no_guess(word: str) -> None:
    """Suite 8 … Suite 1 listed: "six" is Suite 6 or the sixth choice (Suite 3): neither is
    picked."""
    digits = [(f"Suite {n}", f"run {n}") for n in range(8, 0, -1)]
    assert _choice(digits, word) is None


def test_an_answer_of_every_yes_word_is_a_yes() -> None:
    """All the words a yes may be made of, at once."""
    answer = ("yes y yep yeah yup ya sure ok okay go ahead do it please pls thanks correct right"
              " proceed absolutely definitely affirmative for oui")  # fmt: skip
    assert _choice(ONE, answer) == ONE[0][1]


def test_a_number_word_in_a_choice_name_is_that_choice() -> None:
    named = [("Suite Two", "run two"), ("Suite One", "run one")]
    assert _choice(named, "two") == "run two"
    assert _choice(named, "one") == "run one"
    assert _choice(named, "suite one") == "run one"
    assert _choice(named, "1") == "run two"
    digits = [("Suite 2", "run 2"), ("Suite 1", "run 1")]
    assert _choice(digits, "two") is None  # Suite 2, or the second? never a guess
    assert _choice(digits, "2") == "run 1"
    assert _choice(THREE, "the two") is None  # "the two": no position, no name


@pytest.mark.parametrize(
    ("answer", "picked"),
    [("lakes", 0), ("lakeside chi", 0), ("lake chicago", 0), ("lake boston", 1), ("harbor", 2),
     ("Harbor View Seattle", 2), ("Lakeview Boston!", 1), ("run lakeview", 1), ("Run Harbor.", 2),
     ("the harbor", 2), ("one at harbor", 2), ("in harbor", 2), ("harbor hotel", 2),
     ("harbor please", 2), ("that harbor", 2), ("harbor ones", 2), ("harbor property", 2),
     ("a harbor", 2), ("the one in lakeview", 1)],
)  # fmt: skip
def test_words_of_a_choice_pick_it_past_filler_words(answer: str, picked: int) -> None:
    assert _choice(THREE, answer) == THREE[picked][1]


@pytest.mark.parametrize(
    "answer",
    ["lake", "la", "ha", "the hotel", "at the property", "", "boston chicago", "seattle harbour"],
)
def test_words_picking_several_or_none_pick_nothing(answer: str) -> None:
    assert _choice(THREE, answer) is None


def test_an_answer_of_three_letters_is_read_but_two_are_too_short() -> None:
    choices = [("Abbey Road", "run abbey"), ("Marlow Quay", "run marlow")]
    assert _choice(choices, "abb") == "run abbey"
    assert _choice(choices, "ab") is None


def test_a_choice_ending_in_x_is_picked_by_its_letter() -> None:
    """Only "." and "!" are stripped from the end of an answer."""
    choices = [("Suite X", "run x"), ("Suite Y", "run y")]
    assert _choice(choices, "suite X") == "run x"
    assert _choice(choices, "suite y") == "run y"


def test_a_question_starts_with_nothing_asked_back() -> None:
    question = Question(expires=NOW)
    assert question.choices == [] and question.partial is None and question.missing is None
    assert question.preview is False and question.about == ""
    assert question.completed("jazz", LEXICON) is None


def test_an_answer_completes_the_missing_part() -> None:
    partial = c.SetStation(R204, "")
    asked = Question(expires=NOW, partial=partial, missing="station")
    assert asked.completed("jazz", LEXICON) == c.SetStation(R204, "jazz")
    assert asked.completed("something calm", LEXICON) == c.SetStation(R204, "relaxing")
    assert Question(expires=NOW, partial=partial).completed("jazz", LEXICON) is None
    assert Question(expires=NOW, missing="station").completed("jazz", LEXICON) is None
    target = Question(expires=NOW, partial=c.SetStation(Target(), "jazz"), missing="target")
    assert target.completed("204", LEXICON) == c.SetStation(R204, "jazz")


def test_a_question_is_open_for_ten_minutes_per_user_and_conversation() -> None:
    assert timedelta(minutes=10) == TTL
    questions = Questions()
    assert questions.ttl == TTL
    key = ("slack", "C1", None)
    questions.ask(key, NOW, choices=THREE, about="set 204 to jazz")
    asked = questions.get(key, NOW + timedelta(minutes=9, seconds=59))
    assert asked is not None and asked.choices == THREE and asked.about == "set 204 to jazz"
    assert asked.expires == NOW + timedelta(minutes=10)
    assert questions.get(("slack", "C2", None), NOW) is None
    assert questions.get(key, NOW + timedelta(minutes=10)) is None
    assert questions.get(key, NOW) is None  # gone once expired
    questions.ask(key, NOW, missing="station")
    assert questions.drop(key) is True
    assert questions.drop(key) is False
    short = Questions(timedelta(seconds=5))
    short.ask(key, NOW)
    assert short.get(key, NOW + timedelta(seconds=4)) is not None
    assert short.get(key, NOW + timedelta(seconds=5)) is None
