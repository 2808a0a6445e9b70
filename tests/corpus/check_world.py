"""Check the phrasing corpus against the demo world and the station catalog (seed 003).

Reads only tests/corpus/*.yaml, bot/sandbox/worlds/demo.json and bot/sandbox/worlds/profiles.json; it
imports nothing from the bot. Run: python tests/corpus/check_world.py  (exit 1 on any problem).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
WORLD = ROOT / "bot" / "sandbox" / "worlds" / "demo.json"
PROFILES = ROOT / "bot" / "sandbox" / "worlds" / "profiles.json"

# Seed 003 "Provider and station ID reference": (country, provider, station id, description).
CATALOG: list[tuple[str, str, str, str]] = [
    ("US", "I_HEART_RADIO", "4802", "American Top 40"),
    ("US", "I_HEART_RADIO", "4426", "Classic Rock (IHR_CLASSIC_ROCK)"),
    ("US", "I_HEART_RADIO", "4429", "Hip Hop (IHR_HIPHOP)"),
    ("US", "I_HEART_RADIO", "4422", "Pop (IHR_POP)"),
    ("US", "I_HEART_RADIO", "4418", "Country (IHR_COUNTRY)"),
    ("US", "I_HEART_RADIO", "7193", "Latin (IHR_LATIN)"),
    ("US", "I_HEART_RADIO", "5953", "Dance (IHR_DANCE)"),
    ("US", "I_HEART_RADIO", "5162", "Gospel (IHR_GOSPEL)"),
    ("US", "I_HEART_RADIO", "4242", "Jazz (IHR_JAZZ)"),
    ("US", "I_HEART_RADIO", "6377", "Classical (IHR_CLASSICAL)"),
    ("US", "I_HEART_RADIO", "4409", "Mix (IHR_MIX)"),
    ("US", "I_HEART_RADIO", "4717", "Oldies (IHR_OLDIES)"),
    ("US", "I_HEART_RADIO", "4447", "Alternative (IHR_ALTERNATIVE)"),
    ("US", "I_HEART_RADIO", "7312", "Wynn's Station (IHR_WYNN_MUSIC)"),
    ("UK", "TUNEIN", "s45300", "Jazz (TSF Jazz)"),
    ("UK", "TUNEIN", "s287575", "Relaxing ( The Relaxing Radio Show)"),
    ("UK", "TUNEIN", "s266086", "Meditation (Ambi Nature Radio)"),
    ("UK", "TUNEIN", "s243906", "MPR Classical Lullabies"),
    ("UK", "GLOBAL_PLAYER", "7946cba4-3a8c-424a-a2e5-e555bb8a09a3", "Pop (Smooth Thames Valley)"),
    ("UK", "GLOBAL_PLAYER", "c374b219-8b87-4c9f-aade-4704727b48bd", "Great Hits (from Gold)"),
    ("UK", "GLOBAL_PLAYER", "66a602fa-f80a-4c2f-9fab-26bb436c7376", "Country (Smooth Country)"),
    ("UK", "GLOBAL_PLAYER", "789e024c-6c90-4793-a54b-fd6be69d5274", "Classical (Classic FM)"),
    ("UK", "GLOBAL_PLAYER", "eee30e01-9a26-4e82-81a2-45012648baa3", "Rock ( Radio X London)"),
    ("UK", "GLOBAL_PLAYER", "5b08094f-59fa-41ba-8e81-78f0ad0b26db", "Dance (Heart Dance)"),
    ("UK", "GLOBAL_PLAYER", "5af71b40-104e-45ac-8940-c99418a5bafe", "Heart (Heart London)"),
    ("FR", "TUNEIN", "s16492", "Jazz (TSF Jazz)"),
    ("FR", "TUNEIN", "s287575", "Relaxing (The Relaxing Radio Show)"),
    ("FR", "TUNEIN", "s298983", "Smooth Jazz (Crooner Radio Lounge)"),
    ("FR", "TUNEIN", "s178199", "Pop (Pop Gold)"),
    ("FR", "TUNEIN", "s196675", "Country (Chris country FM)"),
    ("FR", "TUNEIN", "s107537", "Classical 102"),
    ("FR", "TUNEIN", "s257854", "Relaxing"),
    ("FR", "TUNEIN", "s266086", "Meditation (Ambi Nature Radio)"),
    ("FR", "TUNEIN", "s54693", "MPR Classical Lullabies"),
]

INTENTS = {
    "set_station",
    "ask_station",
    "list_stations",
    "clear_alerts",
    "list_properties",
    "list_room_types",
    "list_rooms",
    "find_room",
    "undo",
    "retry_failed",
    "confirm",
    "cancel",
    "help",
    "greeting",
    "thanks",
    "none",
    "device_status",
    "offline_devices",
    "unplaced_devices",
    "device_history",
    "flapping",
    "uptime",
    "digest",
    "echo_online",
    "set_profile",
    "set_property_country",
}
ASKS = {"station", "room", "property", "which", "confirm"}
SLOTS = {
    "intent",
    "ask",
    "rooms",
    "property",
    "station",
    "station_id",
    "kinds",
    "room_type",
    "all_rooms",
    "everywhere",
    "serial",
    "duration",
    "profile",
    "setting",
    "value",
    "country",
    "timezone",
}
CASE_KEYS = {"text", "channel_property", "expect", "tags", "turns"}
TURN_KEYS = {"text", "expect", "tags"}
KINDS = {"alarms", "reminders", "timers"}
# Commands whose room slot needs one property; find_room names a room in any hotel.
ROOM_SCOPED = {
    "set_station",
    "ask_station",
    "clear_alerts",
    "device_status",
    "device_history",
    "echo_online",
}


def display(description: str) -> str:
    return description.split(" (")[0].strip()


class World:
    def __init__(self) -> None:
        data = json.loads(WORLD.read_text())
        self.country: dict[str, str] = {}
        self.rooms: dict[str, set[str]] = {}
        self.room_types: dict[str, set[str]] = {}
        self.serials: set[str] = set()
        for prop in data["properties"]:
            name = prop["name"]
            self.country[name] = prop.get("country", "US")
            self.rooms[name] = set()
            self.room_types[name] = set()
            for rt in prop["roomTypes"]:
                self.room_types[name].add(rt["name"])
                for room in rt["rooms"]:
                    self.rooms[name].add(room["name"])
                    self.serials.update(d["serial"] for d in room["devices"])
        self.serials.update(d["serial"] for d in data["unplacedDevices"])
        profiles = json.loads(PROFILES.read_text())
        self.profiles = {p["ProfileName"] for p in profiles["profiles"]}

    def homes(self, room: str) -> list[str]:
        return [p for p, rooms in self.rooms.items() if room in rooms]

    def shared_display(self, country: str) -> set[str]:
        counts = Counter(display(r[3]) for r in CATALOG if r[0] == country)
        return {name for name, n in counts.items() if n > 1}

    def stations(self, country: str) -> dict[str, str]:
        """Acceptable expected names -> station id: the display name when unique, and every full description."""
        rows = [r for r in CATALOG if r[0] == country]
        counts = Counter(display(r[3]) for r in rows)
        names: dict[str, str] = {}
        for _, _, sid, desc in rows:
            names[desc] = sid
            if counts[display(desc)] == 1:
                names[display(desc)] = sid
        return names


def check_expect(
    world: World, where: str, expect: Any, channel: str | None, problems: list[str]
) -> None:
    def bad(msg: str) -> None:
        problems.append(f"{where}: {msg}")

    if not isinstance(expect, dict) or not expect:
        bad("expect must be a non-empty mapping")
        return
    unknown = set(expect) - SLOTS
    if unknown:
        bad(f"unknown slots {sorted(unknown)}")
    if "intent" not in expect and "ask" not in expect:
        bad("expect needs intent or ask")
    intent = expect.get("intent")
    if intent is not None and intent not in INTENTS:
        bad(f"unknown intent {intent!r}")
    ask = expect.get("ask")
    if ask is not None and ask not in ASKS:
        bad(f"unknown ask {ask!r}")
    if ask is not None and ask != "confirm" and intent is not None:
        bad("only ask: confirm may come with an intent")
    prop = expect.get("property") or channel
    for key in ("property",):
        if key in expect and expect[key] not in world.rooms:
            bad(f"unknown property {expect[key]!r}")
            return
    rooms = expect.get("rooms")
    if rooms is not None:
        if not isinstance(rooms, list) or not rooms or not all(isinstance(r, str) for r in rooms):
            bad("rooms must be a non-empty list of strings")
        else:
            if len(set(rooms)) != len(rooms):
                bad("duplicate rooms")
            for room in rooms:
                homes = world.homes(room)
                if not homes:
                    bad(f"room {room!r} exists nowhere")
                elif prop and room not in world.rooms[prop]:
                    bad(f"room {room!r} not in {prop}")
                elif not prop and intent in ROOM_SCOPED and len(homes) > 1 and ask is None:
                    bad(f"room {room!r} is in {homes}: needs a property or an ask")
    if "room_type" in expect:
        if not prop:
            bad("room_type without a property")
        elif expect["room_type"] not in world.room_types[prop]:
            bad(f"room type {expect['room_type']!r} not in {prop}")
    if "station" in expect:
        if not prop:
            bad("station without a property (the country decides the catalog)")
        else:
            names = world.stations(world.country[prop])
            station = expect["station"]
            if station not in names:
                bad(
                    f"station {station!r} not in the {world.country[prop]} catalog as a unique name"
                )
            elif "station_id" in expect and names[station] != expect["station_id"]:
                bad(f"station_id {expect['station_id']!r} is not {station!r}")
            elif (
                station in world.shared_display(world.country[prop]) and "station_id" not in expect
            ):
                bad(f"{station!r} is a display name shared by two stations: add station_id")
    if "kinds" in expect:
        kinds = expect["kinds"]
        if (
            not isinstance(kinds, list)
            or not kinds
            or set(kinds) - KINDS
            or kinds != sorted(set(kinds))
        ):
            bad(f"kinds must be a sorted non-empty list from {sorted(KINDS)}: {kinds!r}")
    if "serial" in expect and expect["serial"] not in world.serials:
        bad(f"unknown serial {expect['serial']!r}")
    if "duration" in expect and not re.fullmatch(r"\d+[hd]", str(expect["duration"])):
        bad(f"duration {expect['duration']!r} is not <n>h or <n>d")
    for flag in ("all_rooms", "everywhere"):
        if flag in expect and expect[flag] is not True:
            bad(f"{flag} must be true")
    if "profile" in expect and expect["profile"] not in world.profiles:
        bad(f"unknown profile {expect['profile']!r}")
    if "country" in expect and expect["country"] not in {"US", "UK", "FR"}:
        bad(f"unknown country {expect['country']!r}")
    if "value" in expect and not isinstance(expect["value"], str):
        bad("value must be a string")


def main() -> int:
    world = World()
    problems: list[str] = []
    singles = turns_cases = total_turns = 0
    by_file: dict[str, int] = {}
    by_intent: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    texts: Counter[tuple[str | None, str]] = Counter()
    for path in sorted(HERE.glob("*.yaml")):
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(cases, list):
            problems.append(f"{path.name}: not a list")
            continue
        by_file[path.name] = len(cases)
        for i, case in enumerate(cases):
            where = f"{path.name}[{i}]"
            if not isinstance(case, dict):
                problems.append(f"{where}: not a mapping")
                continue
            if set(case) - CASE_KEYS:
                problems.append(f"{where}: unknown keys {sorted(set(case) - CASE_KEYS)}")
            channel = case.get("channel_property")
            if channel is not None and channel not in world.rooms:
                problems.append(f"{where}: unknown channel_property {channel!r}")
                channel = None
            tags.update(case.get("tags", []))
            if "turns" in case:
                turns_cases += 1
                if "text" in case or "expect" in case or len(case["turns"]) < 2:
                    problems.append(f"{where}: a multi-turn case has only turns (two or more)")
                for j, turn in enumerate(case["turns"]):
                    total_turns += 1
                    if set(turn) - TURN_KEYS or not isinstance(turn.get("text"), str):
                        problems.append(f"{where}.turns[{j}]: bad turn")
                    tags.update(turn.get("tags", []))
                    check_expect(
                        world,
                        f"{where}.turns[{j}] {turn.get('text')!r}",
                        turn.get("expect"),
                        channel,
                        problems,
                    )
            else:
                singles += 1
                text = case.get("text")
                if not isinstance(text, str) or not text:
                    problems.append(f"{where}: text missing")
                texts[(channel, str(text))] += 1
                exp = case.get("expect") or {}
                by_intent[exp.get("intent") or f"ask:{exp.get('ask')}"] += 1
                check_expect(world, f"{where} {text!r}", case.get("expect"), channel, problems)
    for (channel, text), n in texts.items():
        if n > 1:
            problems.append(f"duplicate single case {text!r} (channel {channel})")
    print(f"files: {by_file}")
    print(f"single messages: {singles}; multi-turn cases: {turns_cases} ({total_turns} turns)")
    print("by intent (single):", dict(sorted(by_intent.items())))
    print("tags:", dict(sorted(tags.items())))
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
