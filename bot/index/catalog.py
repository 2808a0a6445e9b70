"""The provider/station catalog of seed 003, and what a front desk types to name a station.

The rows are exactly the table at the end of seed 003 (34 rows: 14 US, 11 UK, 9 FR). Country
codes are the seed's ("UK", not ISO's "GB"; "GB" is accepted as an alias). Lookups never guess: a
name shared by several stations of a country is AMBIGUOUS, a typo is accepted only when it is close
and clearly closer than the runner-up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from rapidfuzz import fuzz, process

from bot.index.normalize import normalize_name

COUNTRIES: Final = ("US", "UK", "FR")
_COUNTRY_ALIASES: Final = {"GB": "UK"}

FUZZY_THRESHOLD: Final = 85.0
"""Lowest score (rapidfuzz ratio, 0-100) at which a typo is taken as the station it resembles."""
WORD_PREFIX_SCORE: Final = 90.0
"""Score of a name with a word that starts with the text ("classic" -> "classic rock", "classical"),
so a word shared by several stations makes them compete instead of the nearest spelling winning."""
FUZZY_MARGIN: Final = 8.0
"""How far the best station must lead the runner-up for a typo to be accepted, not reported."""
SUGGESTION_CUTOFF: Final = 60.0

# Words that decorate a request ("the jazz station", "jazz radio") without naming the station.
_FILLERS: Final = frozenset({"the", "station", "channel", "music", "radio", "stream", "please"})


_CODE: Final = re.compile(r"\(([A-Z][A-Z_]+)\)")
_PARENTHESIS: Final = re.compile(r"\s*\([^)]*\)\s*$")


class UnknownCountry(ValueError):
    """A country the catalog has no stations for (the seed lists US, UK and FR)."""


@dataclass(frozen=True, slots=True)
class Station:
    country: str
    provider_id: str
    station_id: str
    description: str
    """As written in seed 003, spacing included."""
    name: str
    """Short display name ("Jazz", "American Top 40")."""
    aliases: tuple[str, ...] = ()
    """What staff type for it, besides the name and the station id."""

    @property
    def code(self) -> str | None:
        """The seed's upper-case code in the description ("IHR_JAZZ"), when there is one."""
        found = _CODE.search(self.description)
        return found.group(1) if found else None

    @property
    def pair(self) -> tuple[str, str]:
        return (self.provider_id, self.station_id)

    @property
    def full_name(self) -> str:
        """The seed's description, spacing tidied: "Relaxing (The Relaxing Radio Show)"."""
        return " ".join(self.description.replace("( ", "(").split())

    @property
    def display(self) -> str:
        """What staff read: the description without its parenthesis ("Jazz", not "Jazz (IHR_JAZZ)")."""
        return _PARENTHESIS.sub("", self.full_name).strip() or self.name

    @property
    def label(self) -> str:
        """The display name; the full name when another station of the country shares the display name."""
        if (self.country, self.display) in _SHARED_DISPLAY:
            return self.full_name
        return self.display


def _row(
    country: str, provider: str, station_id: str, description: str, name: str, *aliases: str
) -> Station:
    return Station(country, provider, station_id, description, name, aliases)


_IHR = "I_HEART_RADIO"
_TUNEIN = "TUNEIN"
_GLOBAL = "GLOBAL_PLAYER"
_GOLD = "c374b219-8b87-4c9f-aade-4704727b48bd"
_SMOOTH_COUNTRY = "66a602fa-f80a-4c2f-9fab-26bb436c7376"
_CLASSIC_FM = "789e024c-6c90-4793-a54b-fd6be69d5274"

STATIONS: Final[tuple[Station, ...]] = (
    # US: iHeartRadio
    _row("US", _IHR, "4802", "American Top 40", "American Top 40",
         "top 40", "top forty", "top40", "american top forty", "at40"),
    _row("US", _IHR, "4426", "Classic Rock (IHR_CLASSIC_ROCK)", "Classic Rock"),
    _row("US", _IHR, "4429", "Hip Hop (IHR_HIPHOP)", "Hip Hop", "hiphop", "rap"),
    _row("US", _IHR, "4422", "Pop (IHR_POP)", "Pop"),
    _row("US", _IHR, "4418", "Country (IHR_COUNTRY)", "Country"),
    _row("US", _IHR, "7193", "Latin (IHR_LATIN)", "Latin"),
    _row("US", _IHR, "5953", "Dance (IHR_DANCE)", "Dance"),
    _row("US", _IHR, "5162", "Gospel (IHR_GOSPEL)", "Gospel"),
    _row("US", _IHR, "4242", "Jazz (IHR_JAZZ)", "Jazz"),
    _row("US", _IHR, "6377", "Classical (IHR_CLASSICAL)", "Classical"),
    _row("US", _IHR, "4409", "Mix (IHR_MIX)", "Mix"),
    _row("US", _IHR, "4717", "Oldies (IHR_OLDIES)", "Oldies"),
    _row("US", _IHR, "4447", "Alternative (IHR_ALTERNATIVE)", "Alternative", "alt"),
    _row("US", _IHR, "7312", "Wynn's Station (IHR_WYNN_MUSIC)", "Wynn's Station",
         "wynn", "wynns", "wynn music"),
    # UK: TuneIn and Global Player
    _row("UK", _TUNEIN, "s45300", "Jazz (TSF Jazz)", "Jazz", "tsf jazz"),
    _row("UK", _TUNEIN, "s287575", "Relaxing ( The Relaxing Radio Show)", "Relaxing",
         "relax", "chill", "relaxation", "relaxing radio show", "the relaxing radio show"),
    _row("UK", _TUNEIN, "s266086", "Meditation (Ambi Nature Radio)", "Meditation",
         "nature", "ambi nature", "ambi nature radio"),
    _row("UK", _TUNEIN, "s243906", "MPR Classical Lullabies", "Lullabies",
         "lullaby", "classical lullabies", "mpr classical lullabies", "mpr lullabies"),
    _row("UK", _GLOBAL, "7946cba4-3a8c-424a-a2e5-e555bb8a09a3", "Pop (Smooth Thames Valley)", "Pop",
         "smooth thames valley"),
    _row("UK", _GLOBAL, _GOLD, "Great Hits (from Gold)", "Great Hits",
         "hits", "gold", "greatest hits"),
    _row("UK", _GLOBAL, _SMOOTH_COUNTRY, "Country (Smooth Country)", "Country",
         "smooth country"),
    _row("UK", _GLOBAL, _CLASSIC_FM, "Classical (Classic FM)", "Classical",
         "classic fm", "classicfm"),
    _row("UK", _GLOBAL, "eee30e01-9a26-4e82-81a2-45012648baa3", "Rock ( Radio X London)", "Rock",
         "radio x", "radio x london"),
    _row("UK", _GLOBAL, "5b08094f-59fa-41ba-8e81-78f0ad0b26db", "Dance (Heart Dance)", "Dance",
         "heart dance"),
    _row("UK", _GLOBAL, "5af71b40-104e-45ac-8940-c99418a5bafe", "Heart (Heart London)", "Heart",
         "heart london"),
    # FR: TuneIn
    _row("FR", _TUNEIN, "s16492", "Jazz (TSF Jazz)", "Jazz", "tsf jazz"),
    _row("FR", _TUNEIN, "s287575", "Relaxing (The Relaxing Radio Show)", "Relaxing",
         "relax", "chill", "relaxation", "relaxing radio show", "the relaxing radio show"),
    _row("FR", _TUNEIN, "s298983", "Smooth Jazz (Crooner Radio Lounge)", "Smooth Jazz",
         "crooner", "crooner radio lounge", "lounge"),
    _row("FR", _TUNEIN, "s178199", "Pop (Pop Gold)", "Pop", "pop gold"),
    _row("FR", _TUNEIN, "s196675", "Country (Chris country FM)", "Country",
         "chris country", "chris country fm"),
    _row("FR", _TUNEIN, "s107537", "Classical 102", "Classical", "classical 102"),
    # "relaxing music" is what tells it from The Relaxing Radio Show (choices never show an id).
    _row("FR", _TUNEIN, "s257854", "Relaxing", "Relaxing", "relax", "chill", "relaxation",
         "relaxing music"),
    _row("FR", _TUNEIN, "s266086", "Meditation (Ambi Nature Radio)", "Meditation",
         "nature", "ambi nature", "ambi nature radio"),
    _row("FR", _TUNEIN, "s54693", "MPR Classical Lullabies", "Lullabies",
         "lullaby", "classical lullabies", "mpr classical lullabies", "mpr lullabies"),
)  # fmt: skip


def _shared_displays(stations: Iterable[Station]) -> frozenset[tuple[str, str]]:
    seen: dict[tuple[str, str], int] = {}
    for station in stations:
        key = (station.country, station.display)
        seen[key] = seen.get(key, 0) + 1
    return frozenset(key for key, count in seen.items() if count > 1)


_SHARED_DISPLAY: Final = _shared_displays(STATIONS)


class MatchStatus(StrEnum):
    EXACT = "exact"
    """The text is a name, alias or station id of exactly one station of the country."""
    FUZZY = "fuzzy"
    """A clear typo of one station's name or alias (see `understood` and `score`)."""
    AMBIGUOUS = "ambiguous"
    """Several stations of the country fit (see `candidates`): ask, never pick."""
    NOT_OFFERED = "not_offered"
    """The station exists in another country only (see `elsewhere` and `available`)."""
    UNKNOWN = "unknown"
    """Nothing fits (see `suggestions`)."""


@dataclass(frozen=True, slots=True)
class StationMatch:
    status: MatchStatus
    query: str
    country: str
    station: Station | None = None
    score: float | None = None
    understood: str | None = None
    """For FUZZY (and a fuzzy NOT_OFFERED): the name or alias the text was read as."""
    candidates: tuple[Station, ...] = ()
    elsewhere: tuple[Station, ...] = ()
    """For NOT_OFFERED: the matching stations in other countries."""
    available: tuple[Station, ...] = ()
    """For NOT_OFFERED: every station of the asked country, to offer instead."""
    suggestions: tuple[Station, ...] = ()
    """Close stations of the asked country (UNKNOWN, AMBIGUOUS after a typo, NOT_OFFERED)."""

    @property
    def ok(self) -> bool:
        """True when `station` is the one to use (an exact name or a clear typo)."""
        return self.status in (MatchStatus.EXACT, MatchStatus.FUZZY)


def normalize_country(country: str) -> str:
    code = country.strip().upper()
    code = _COUNTRY_ALIASES.get(code, code)
    if code not in COUNTRIES:
        raise UnknownCountry(
            f"no stations for country {country!r}; the catalog has {', '.join(COUNTRIES)}"
        )
    return code


def _strip_fillers(key: str) -> str:
    words = [w for w in key.split(" ") if w not in _FILLERS]
    return " ".join(words)


@dataclass(slots=True)
class _Key:
    """One normalised name/alias and the stations it names, per country."""

    by_country: dict[str, list[Station]] = field(default_factory=dict)

    def add(self, station: Station) -> None:
        stations = self.by_country.setdefault(station.country, [])
        if station not in stations:
            stations.append(station)


class StationCatalog:
    """Lookups over the seed's stations. Pure: no I/O, built once, safe to share."""

    def __init__(self, stations: Iterable[Station] = STATIONS) -> None:
        self._stations = tuple(stations)
        self._by_country: dict[str, tuple[Station, ...]] = {
            c: tuple(s for s in self._stations if s.country == c) for c in COUNTRIES
        }
        self._by_pair: dict[tuple[str, str], list[Station]] = {}
        for station in self._stations:
            self._by_pair.setdefault(station.pair, []).append(station)
        # Names and aliases take part in fuzzy matching; ids are matched exactly or not at
        # all, since a
        # near-miss id ("4803") is a different station, not a typo of one.
        self._names: dict[str, _Key] = {}
        self._ids: dict[str, _Key] = {}
        for station in self._stations:
            for text in (station.name, *station.aliases):
                key = normalize_name(text)
                self._names.setdefault(key, _Key()).add(station)
                bare = _strip_fillers(key)
                if len(bare) >= 3 and bare != key:
                    self._names.setdefault(bare, _Key()).add(station)
            self._ids.setdefault(station.station_id.casefold(), _Key()).add(station)
            self._ids.setdefault(normalize_name(station.station_id), _Key()).add(station)
            if station.code:
                self._ids.setdefault(normalize_name(station.code), _Key()).add(station)
        self._fuzzy_keys = list(self._names)
        self._padded_keys = [(f" {key}", key) for key in self._fuzzy_keys]
        self._words: dict[str, dict[str, set[str]]] = {}
        """word -> country -> names containing it as a whole word, for 'did you mean'."""
        for key, entry in self._names.items():
            for word in key.split(" "):
                for country in entry.by_country:
                    self._words.setdefault(word, {}).setdefault(country, set()).add(key)

    def stations(self, country: str) -> list[Station]:
        return list(self._by_country[normalize_country(country)])

    def all(self) -> tuple[Station, ...]:
        return self._stations

    def by_pair(
        self, provider_id: str, station_id: str, country: str | None = None
    ) -> Station | None:
        """The station of a (provider, station id) pair; `country` picks among pairs shared
        by countries.
        """
        found = self._by_pair.get((provider_id, station_id))
        if not found:
            return None
        if country is None:
            return found[0]
        code = normalize_country(country)
        return next((s for s in found if s.country == code), None)

    def lookup(self, country: str, text: str) -> StationMatch:
        code = normalize_country(country)
        raw = text.strip()
        key = normalize_name(raw)
        if not key:
            return StationMatch(MatchStatus.UNKNOWN, text, code)
        bare = _strip_fillers(key) or key

        exact = self._exact(key, bare)
        if exact is not None:
            here = exact.by_country.get(code)
            if here:
                return self._decide(code, text, here, score=None, understood=None)
            elsewhere = tuple(
                s for c in COUNTRIES if c != code for s in exact.by_country.get(c, ())
            )
            return self._not_offered(code, text, elsewhere, bare, score=None, understood=None)

        return self._fuzzy(code, text, bare)

    def _exact(self, key: str, bare: str) -> _Key | None:
        for candidate in (key, bare):
            found = self._ids.get(candidate) or self._names.get(candidate)
            if found is not None:
                return found
        return None

    def _decide(
        self,
        code: str,
        text: str,
        stations: list[Station],
        *,
        score: float | None,
        understood: str | None,
    ) -> StationMatch:
        status = MatchStatus.EXACT if score is None else MatchStatus.FUZZY
        if len(stations) == 1:
            return StationMatch(status, text, code, stations[0], score=score, understood=understood)
        return StationMatch(
            MatchStatus.AMBIGUOUS, text, code, score=score, understood=understood,
            candidates=tuple(stations),
        )  # fmt: skip

    def _not_offered(
        self,
        code: str,
        text: str,
        elsewhere: tuple[Station, ...],
        bare: str,
        *,
        score: float | None,
        understood: str | None,
    ) -> StationMatch:
        return StationMatch(
            MatchStatus.NOT_OFFERED, text, code, score=score, understood=understood,
            elsewhere=elsewhere, available=self._by_country[code],
            suggestions=self._word_suggestions(code, understood or bare),
        )  # fmt: skip

    def _word_suggestions(self, code: str, key: str) -> tuple[Station, ...]:
        """This country's stations whose name shares a word with the text ("rock" -> Classic
        Rock).
        """
        found: list[Station] = []
        for word in key.split(" "):
            if word in _FILLERS:
                continue
            for name in sorted(self._words.get(word, {}).get(code, ())):
                for station in self._names[name].by_country[code]:
                    if station not in found:
                        found.append(station)
        return tuple(found)

    def _fuzzy(self, code: str, text: str, bare: str) -> StationMatch:
        if len(bare) < 3:
            return StationMatch(MatchStatus.UNKNOWN, text, code)
        # Plain ratio, not WRatio: its partial matching costs ~15x more; whole-word
        # prefixes are scored
        # separately below.
        scored: dict[str, float] = {
            name: score
            for name, score, _ in process.extract(
                bare,
                self._fuzzy_keys,
                scorer=fuzz.ratio,
                limit=None,
                score_cutoff=SUGGESTION_CUTOFF,
            )
        }
        needle = f" {bare}"
        for padded, name in self._padded_keys:
            if needle in padded and scored.get(name, 0.0) < WORD_PREFIX_SCORE:
                scored[name] = WORD_PREFIX_SCORE
        # Best score per station, per country: aliases of one station do not compete with
        # each other.
        best: dict[str, dict[Station, tuple[float, str]]] = {}
        for name, score in scored.items():
            for country, stations in self._names[name].by_country.items():
                per_station = best.setdefault(country, {})
                for station in stations:
                    if station not in per_station or score > per_station[station][0]:
                        per_station[station] = (score, name)

        here = sorted(best.get(code, {}).items(), key=lambda item: -item[1][0])
        if here and here[0][1][0] >= FUZZY_THRESHOLD:
            top_score, top_name = here[0][1]
            close = [s for s, (score, _) in here if top_score - score < FUZZY_MARGIN]
            if len(close) == 1:
                return self._decide(code, text, close, score=top_score, understood=top_name)
            return StationMatch(
                MatchStatus.AMBIGUOUS, text, code, score=top_score, candidates=tuple(close),
            )  # fmt: skip

        elsewhere = sorted(
            ((s, v) for c, per in best.items() if c != code for s, v in per.items()),
            key=lambda item: -item[1][0],
        )
        if elsewhere and elsewhere[0][1][0] >= FUZZY_THRESHOLD:
            top_score, top_name = elsewhere[0][1]
            if not here or top_score - here[0][1][0] >= FUZZY_MARGIN:
                names = self._names[top_name].by_country
                matched = tuple(s for c in COUNTRIES if c != code for s in names.get(c, ()))
                return self._not_offered(
                    code, text, matched, bare, score=top_score, understood=top_name
                )

        suggestions = tuple(s for s, _ in here[:3])
        for station in self._word_suggestions(code, bare):
            if station not in suggestions:
                suggestions += (station,)
        return StationMatch(MatchStatus.UNKNOWN, text, code, suggestions=suggestions)


_DEFAULT: StationCatalog | None = None


def default_catalog() -> StationCatalog:
    """The catalog of seed 003, built once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = StationCatalog()
    return _DEFAULT
