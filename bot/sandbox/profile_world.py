"""The sandbox's room profiles, users (Alexa for Business) and profile object types (Customer
Profiles), kept beside the World rather than in it.

They live in `worlds/profiles.json` as the wire shapes of seeds 000, 001 and 002, so the sandbox
serves them as they are. Each live `WorldState` gets its own copy on first use (the sandbox swaps
worlds between tests, and a fresh world must bring fresh profiles).
"""

from __future__ import annotations

import copy
import json
import weakref
from dataclasses import dataclass, field
from pathlib import Path

from bot.json_types import JsonObject, as_list, as_object

PROFILES_WORLD_PATH = Path(__file__).parent / "worlds" / "profiles.json"

_PROFILE_REQUIRED = (
    "ProfileArn",
    "ProfileName",
    "Address",
    "Timezone",
    "DistanceUnit",
    "TemperatureUnit",
    "WakeWord",
)
_OBJECT_TYPE_REQUIRED = ("ObjectTypeName", "Description")


@dataclass
class ProfileWorld:
    """Room profiles and users as A4B sends them; object types per Customer Profiles domain."""

    profiles: list[JsonObject] = field(default_factory=list)
    users: list[JsonObject] = field(default_factory=list)
    domains: dict[str, dict[str, JsonObject]] = field(default_factory=dict)
    # ClientRequestToken -> ARN, so a repeated CreateProfile answers with the first profile
    create_tokens: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: JsonObject) -> ProfileWorld:
        profiles = [dict(as_object(p)) for p in as_list(data.get("profiles", []))]
        for profile in profiles:
            missing = [k for k in _PROFILE_REQUIRED if k not in profile]
            if missing:
                raise ValueError(f"profile {profile.get('ProfileName')!r} lacks {missing}")
        domains: dict[str, dict[str, JsonObject]] = {}
        for domain, listed in as_object(data.get("domains", {})).items():
            types = [dict(as_object(t)) for t in as_list(listed)]
            for item in types:
                missing = [k for k in _OBJECT_TYPE_REQUIRED if k not in item]
                if missing:
                    raise ValueError(f"object type in {domain!r} lacks {missing}")
            domains[domain] = {str(t["ObjectTypeName"]): t for t in types}
        users = [dict(as_object(u)) for u in as_list(data.get("users", []))]
        return cls(profiles=profiles, users=users, domains=domains)

    def profile(self, arn: str) -> JsonObject | None:
        return next((p for p in self.profiles if p["ProfileArn"] == arn), None)

    def profile_named(self, name: str) -> JsonObject | None:
        key = name.casefold()
        return next((p for p in self.profiles if str(p["ProfileName"]).casefold() == key), None)


def load_profile_world(path: str | Path = PROFILES_WORLD_PATH) -> ProfileWorld:
    return ProfileWorld.from_json(json.loads(Path(path).read_text(encoding="utf-8")))


_DEFAULT: ProfileWorld | None = None
_BY_STATE: weakref.WeakKeyDictionary[object, ProfileWorld] = weakref.WeakKeyDictionary()


def _default_copy() -> ProfileWorld:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_profile_world()
    return copy.deepcopy(_DEFAULT)


def profile_world_of(state: object) -> ProfileWorld:
    """The profiles of one live sandbox world (a fresh copy of the default file on first use)."""
    found = _BY_STATE.get(state)
    if found is None:
        found = _default_copy()
        _BY_STATE[state] = found
    return found


def attach_profile_world(state: object, world: ProfileWorld) -> None:
    """Serve `world` for `state` from now on (tests that need other profiles or object types)."""
    _BY_STATE[state] = world
