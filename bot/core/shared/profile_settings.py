"""Room-profile settings in plain words: what staff type → the UpdateProfile fields, and back.

Pure functions, no I/O: `changes_for` turns one setting phrase into the (partial) seed-000 fields it
sets, `changed_fields` keeps only what differs from the profile as it is, and `describe` writes any
set of fields back as labelled, readable lines.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping

from bot.clients.a4b import REMINDER_MINUTES, WAKE_WORDS
from bot.clients.errors import InvalidInput
from bot.json_types import JsonMapping, JsonObject, JsonValue, as_list, as_object

MEETING = "MeetingRoomConfiguration"
REMINDER = "EndOfMeetingReminder"
BOOKING = "InstantBooking"
CHECK_IN = "RequireCheckIn"

_ON = {"on", "yes", "true", "enable", "enabled", "allow", "allowed", "1"}
_OFF = {"off", "no", "false", "disable", "disabled", "deny", "denied", "0", "none"}
_REMINDER_WORDS = {
    "chime": "CHIME",
    "knock": "KNOCK",
    "time check": "ANNOUNCEMENT_TIME_CHECK",
    "announcement time check": "ANNOUNCEMENT_TIME_CHECK",
    "announcement": "ANNOUNCEMENT_TIME_CHECK",
    "time left": "ANNOUNCEMENT_VARIABLE_TIME_LEFT",
    "variable time left": "ANNOUNCEMENT_VARIABLE_TIME_LEFT",
    "announcement variable time left": "ANNOUNCEMENT_VARIABLE_TIME_LEFT",
}
_DISTANCE = {
    "metric": "METRIC",
    "km": "METRIC",
    "kilometers": "METRIC",
    "kilometres": "METRIC",
    "imperial": "IMPERIAL",
    "miles": "IMPERIAL",
    "mi": "IMPERIAL",
}
_TEMPERATURE = {
    "celsius": "CELSIUS",
    "c": "CELSIUS",
    "centigrade": "CELSIUS",
    "fahrenheit": "FAHRENHEIT",
    "f": "FAHRENHEIT",
}


def _switch(value: str, what: str) -> bool:
    word = value.strip().lower()
    if word in _ON:
        return True
    if word in _OFF:
        return False
    raise InvalidInput(f"say `on` or `off` for {what}, not \u201c{value}\u201d", field=what)


def _whole(value: str, what: str) -> int:
    found = re.fullmatch(r"\s*(\d{1,4})\s*(?:min(?:ute)?s?)?\s*", value, re.I)
    if found is None:
        raise InvalidInput(f"{what} needs a whole number, not \u201c{value}\u201d", field=what)
    return int(found[1])


def _choice(value: str, options: Mapping[str, str], what: str, shown: str) -> str:
    key = " ".join(value.lower().replace("-", " ").replace("_", " ").split())
    if key in options:
        return options[key]
    raise InvalidInput(f"{what} must be one of {shown}, not \u201c{value}\u201d", field=what)


def _wake_word(value: str) -> JsonObject:
    word = value.strip().strip("\"'").upper()
    if word not in WAKE_WORDS:
        shown = ", ".join(w.title() for w in WAKE_WORDS)
        raise InvalidInput(
            f"the wake word must be one of {shown}, not \u201c{value}\u201d", field="WakeWord"
        )
    return {"WakeWord": word}


def _units(value: str) -> JsonObject:
    system = _choice(
        value, {"metric": "METRIC", "imperial": "IMPERIAL"}, "units", "metric, imperial"
    )
    return {
        "DistanceUnit": system,
        "TemperatureUnit": "CELSIUS" if system == "METRIC" else "FAHRENHEIT",
    }


def _reminder(value: str) -> JsonObject:
    text = value.strip().lower()
    if text in _ON or text in _OFF:
        return {MEETING: {REMINDER: {"Enabled": _switch(text, "the end-of-meeting reminder")}}}
    minutes = [int(n) for n in re.findall(r"\d+", text)]
    words = re.sub(r"[\d,]+|\b(?:and|&|minutes?|mins?|before|the|end|with|a|an|sound)\b", " ", text)
    words = " ".join(words.split())
    reminder: JsonObject = {"Enabled": True}
    if len(set(minutes)) > 1:
        # Alexa for Business takes exactly one ReminderAtMinutes value (a list of length 1).
        low, high = REMINDER_MINUTES
        raise InvalidInput(
            f"the end-of-meeting reminder takes exactly one time, {low}–{high} minutes before "
            f"the end (not {', '.join(map(str, sorted(set(minutes))))}); "
            "e.g. `end of meeting reminder 5 minutes chime`",
            field="ReminderAtMinutes",
        )
    if minutes:
        reminder["ReminderAtMinutes"] = list[JsonValue](minutes[:1])
    if words:
        shown = "chime, knock, time check, time left"
        reminder["ReminderType"] = _choice(words, _REMINDER_WORDS, "the reminder sound", shown)
    if len(reminder) == 1:
        raise InvalidInput(
            "say when and how, e.g. `end of meeting reminder 5 minutes chime`",
            field="ReminderAtMinutes",
        )
    return {MEETING: {REMINDER: reminder}}


def _minutes_or_switch(section: str, minutes_field: str, what: str) -> Callable[[str], JsonObject]:
    def convert(value: str) -> JsonObject:
        text = value.strip().lower()
        if text in _ON or text in _OFF:
            return {MEETING: {section: {"Enabled": _switch(text, what)}}}
        return {MEETING: {section: {minutes_field: _whole(text, what), "Enabled": True}}}

    return convert


def _rename(value: str) -> JsonObject:
    return {"ProfileName": value.strip().strip("\"'")}


# setting key -> (words that name it in a sentence, converter of the typed value)
SETTINGS: dict[str, tuple[str, Callable[[str], JsonObject]]] = {
    "max volume": (
        r"max(?:imum)?\s+volume(?:\s+limit)?|volume\s+limit",
        lambda v: {"MaxVolumeLimit": _whole(v, "the max volume")},
    ),
    "wake word": (r"wake\s*word", _wake_word),
    "data retention": (
        r"data\s+retention(?:\s+opt[\s-]?in)?",
        lambda v: {"DataRetentionOptIn": _switch(v, "data retention")},
    ),
    "pstn": (
        r"pstn(?:\s+calling)?|phone\s+calls?|calling",
        lambda v: {"PSTNEnabled": _switch(v, "PSTN calling")},
    ),
    "setup mode": (r"setup\s+mode", lambda v: {"SetupModeDisabled": not _switch(v, "setup mode")}),
    "default": (r"(?:is\s+)?(?:the\s+)?default", lambda v: {"IsDefault": _switch(v, "default")}),
    "timezone": (r"time\s*zone|tz", lambda v: {"Timezone": v.strip()}),
    "address": (r"address", lambda v: {"Address": v.strip().strip("\"'")}),
    "distance unit": (
        r"distance(?:\s+units?)?",
        lambda v: {"DistanceUnit": _choice(v, _DISTANCE, "the distance unit", "metric, imperial")},
    ),
    "temperature unit": (
        r"temperature(?:\s+units?)?",
        lambda v: {
            "TemperatureUnit": _choice(
                v, _TEMPERATURE, "the temperature unit", "celsius, fahrenheit"
            )
        },
    ),
    "units": (r"units", _units),
    "locale": (r"locale|language", lambda v: {"Locale": v.strip()}),
    "name": (r"name", _rename),
    "end of meeting reminder": (
        r"end[\s-]+of[\s-]+meeting\s+reminders?|meeting\s+end\s+reminders?",
        _reminder,
    ),
    "instant booking": (
        r"instant\s+booking",
        _minutes_or_switch(BOOKING, "DurationInMinutes", "instant booking"),
    ),
    "check-in release": (
        r"(?:require[sd]?\s+)?check[\s-]?in(?:\s+release)?",
        _minutes_or_switch(CHECK_IN, "ReleaseAfterMinutes", "check-in release"),
    ),
    "room utilization metrics": (
        r"(?:room\s+)?utili[sz]ation\s+metrics|room\s+utili[sz]ation",
        lambda v: {
            MEETING: {"RoomUtilizationMetricsEnabled": _switch(v, "room utilization metrics")}
        },
    ),
}
SETTING_WORDS = "|".join(f"(?:{words})" for words, _convert in SETTINGS.values())


def setting_key(words: str) -> str | None:
    """Which setting a phrase such as `Max Volume` names (None when none does)."""
    for key, (pattern, _convert) in SETTINGS.items():
        if re.fullmatch(pattern, words.strip(), re.I):
            return key
    return None


def changes_for(setting: str, value: str) -> JsonObject:
    """The seed-000 fields one setting phrase sets; InvalidInput names what is accepted."""
    if setting not in SETTINGS:
        raise InvalidInput(f"I don't know the profile setting \u201c{setting}\u201d", field=setting)
    return SETTINGS[setting][1](value)


def merged(profile: JsonMapping, changes: JsonMapping) -> JsonObject:
    """The profile as it will be once `changes` apply (UpdateProfile keeps what is not sent)."""
    result = copy.deepcopy(dict(profile))
    for key, value in changes.items():
        inner = result.get(key)
        if isinstance(value, dict) and isinstance(inner, dict):
            result[key] = merged(inner, value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def changed_fields(before: JsonMapping, after: JsonMapping) -> JsonObject:
    """The fields of `after` that differ from `before`, nested as UpdateProfile takes them."""
    diff: JsonObject = {}
    for key, value in after.items():
        old = before.get(key)
        if isinstance(value, dict) and isinstance(old, dict):
            inner = changed_fields(old, value)
            if inner:
                diff[key] = inner
        elif value != old:
            diff[key] = copy.deepcopy(value)
    return diff


def values_at(profile: JsonMapping, shape: JsonMapping) -> JsonObject:
    """The profile's values at the fields of `shape` (None where it has none): the before."""
    out: JsonObject = {}
    for key, value in shape.items():
        old = profile.get(key)
        if isinstance(value, dict):
            out[key] = values_at(old if isinstance(old, dict) else {}, value)
        else:
            out[key] = copy.deepcopy(old)
    return out


def without_none(fields: JsonMapping) -> JsonObject:
    """Fields that can be sent back (Amazon has no way to set a value to nothing)."""
    out: JsonObject = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            inner = without_none(value)
            if inner:
                out[key] = inner
        elif value is not None:
            out[key] = value
    return out


# a meeting-room feature switched on needs these too: (feature, field it needs, hint)
_NEEDED: tuple[tuple[str, str, str], ...] = (
    (
        REMINDER,
        "ReminderAtMinutes",
        "say when, e.g. `end of meeting reminder 5 minutes chime`",
    ),
    (
        REMINDER,
        "ReminderType",
        "say which sound (chime, knock, time check or time left), e.g. `… 5 minutes chime`",
    ),
    (BOOKING, "DurationInMinutes", "say how long, e.g. `instant booking 30 minutes`"),
    (
        CHECK_IN,
        "ReleaseAfterMinutes",
        "say after how long, e.g. `release after 10 minutes without check-in`",
    ),
)


def missing_parts(profile: JsonMapping) -> str | None:
    """A meeting-room feature switched on without what it needs, as a hint; None when complete."""
    meeting = as_object(profile.get(MEETING))
    for feature, needed, hint in _NEEDED:
        settings = as_object(meeting.get(feature))
        if settings.get("Enabled") and not settings.get(needed):
            return hint
    return None


# -- readable values ------------------------------------------------------------------------------

LABELS: dict[tuple[str, ...], str] = {
    ("ProfileName",): "Name",
    ("IsDefault",): "Default profile",
    ("Address",): "Address",
    ("Timezone",): "Time zone",
    ("DistanceUnit",): "Distance unit",
    ("TemperatureUnit",): "Temperature unit",
    ("WakeWord",): "Wake word",
    ("Locale",): "Locale",
    ("SetupModeDisabled",): "Setup mode",
    ("MaxVolumeLimit",): "Max volume",
    ("PSTNEnabled",): "PSTN calling",
    ("DataRetentionOptIn",): "Data retention",
    ("AddressBookArn",): "Address book",
    ("ProfileArn",): "ARN",
    (MEETING, "RoomUtilizationMetricsEnabled"): "Room utilization metrics",
    (MEETING, REMINDER, "Enabled"): "End-of-meeting reminder",
    (MEETING, REMINDER, "ReminderAtMinutes"): "Reminder at",
    (MEETING, REMINDER, "ReminderType"): "Reminder sound",
    (MEETING, BOOKING, "Enabled"): "Instant booking",
    (MEETING, BOOKING, "DurationInMinutes"): "Instant booking length",
    (MEETING, CHECK_IN, "Enabled"): "Require check-in",
    (MEETING, CHECK_IN, "ReleaseAfterMinutes"): "Release without check-in after",
}
_RANK = {path: rank for rank, path in enumerate(LABELS)}
_UNIT_WORDS = {
    "METRIC": "metric (kilometers)",
    "IMPERIAL": "imperial (miles)",
    "CELSIUS": "Celsius",
    "FAHRENHEIT": "Fahrenheit",
}
_SOUND_WORDS = {v: k for k, v in reversed(list(_REMINDER_WORDS.items()))}
_SOUND_WORDS.update(
    {
        "ANNOUNCEMENT_TIME_CHECK": "time check announcement",
        "ANNOUNCEMENT_VARIABLE_TIME_LEFT": "time-left announcement",
    }
)


def _minutes(values: list[int]) -> str:
    if not values:
        return "none"
    numbers = [str(v) for v in values]
    text = numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " and " + numbers[-1]
    return f"{text} minutes before the end"


def readable(path: tuple[str, ...], value: JsonValue) -> str:
    """One value as staff read it (`on`, `7`, `Fahrenheit`, `5 and 10 minutes before the end`)."""
    if value is None:
        return "not set"
    field = path[-1]
    if field == "SetupModeDisabled":
        return "off" if value else "on"
    if isinstance(value, bool):
        return ("yes" if value else "no") if field == "IsDefault" else ("on" if value else "off")
    if field == "ReminderAtMinutes":
        return _minutes([m for m in as_list(value) if isinstance(m, int)])
    if field in ("DurationInMinutes", "ReleaseAfterMinutes"):
        return f"{value} minutes"
    if field == "ReminderType":
        return _SOUND_WORDS.get(str(value), str(value))
    if field == "WakeWord":
        return str(value).title()
    if field in ("DistanceUnit", "TemperatureUnit"):
        return _UNIT_WORDS.get(str(value), str(value))
    return str(value)


def _leaves(
    fields: JsonMapping, prefix: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], JsonValue]]:
    for key, value in fields.items():
        if isinstance(value, dict):
            yield from _leaves(value, (*prefix, key))
        else:
            yield (*prefix, key), value


def describe(fields: JsonMapping) -> list[tuple[str, str]]:
    """Labelled readable lines of any set of profile fields, in a stable order."""
    leaves = sorted(_leaves(fields), key=lambda leaf: _RANK.get(leaf[0], len(_RANK)))
    return [(LABELS.get(path, " / ".join(path)), readable(path, value)) for path, value in leaves]


def before_after(before: JsonMapping, after: JsonMapping) -> list[tuple[str, str]]:
    """`Max volume: 5 → 7` lines of a change."""
    old = dict(describe(before))
    return [(label, f"{old.get(label, 'not set')} \u2192 {new}") for label, new in describe(after)]
