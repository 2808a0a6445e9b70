"""Request validation against AWS service models, as the real services validate their input.

Models are botocore's JSON format (`{"operations": ..., "shapes": ...}`). Customer Profiles is loaded
from the installed botocore (`customer-profiles`); botocore dropped Alexa for Business after 1.34.120,
so the shapes of the A4B operations the bot uses are written here by hand from seeds 000 and 001 and
the last published model (required members, enums, lengths, ranges, the one-value reminder list).

`problem(model, shape_name, value)` returns the first violation as AWS words it ("Value 'UP' at
'SortCriteria.1.Value' failed to satisfy constraint: Member must satisfy enum value set: [ASC,
DESC]") or None. Members with a `location` (uri, querystring, header) are not body members and are
skipped. Unknown members are refused: the sandbox is stricter than the service, never laxer.
"""

from __future__ import annotations

import functools
import re
from typing import NotRequired, TypedDict, cast

import botocore.loaders


class Ref(TypedDict):
    """A member of a structure, list or map: the name of its shape."""

    shape: str
    location: NotRequired[str]  # "header", "uri", ...: not in the JSON body


class Shape(TypedDict, total=False):
    """One shape of a botocore service model, with the keys this validator reads."""

    type: str
    members: dict[str, Ref]
    required: list[str]
    member: Ref
    key: Ref
    value: Ref
    enum: list[str]
    pattern: str
    min: float
    max: float


class Operation(TypedDict, total=False):
    input: Ref


class Model(TypedDict):
    """A botocore service model (its operations and shapes)."""

    operations: dict[str, Operation]
    shapes: dict[str, Shape]


@functools.cache
def customer_profiles_model() -> Model:
    """botocore's own `customer-profiles` service model."""
    loaded = botocore.loaders.Loader().load_service_model("customer-profiles", "service-2")
    return cast(Model, loaded)


def _s(**spec: object) -> Shape:
    return cast(Shape, dict(spec))


def _string(low: int | None = None, high: int | None = None, **more: object) -> Shape:
    spec = cast(Shape, {"type": "string", **more})
    if low is not None:
        spec["min"] = low
    if high is not None:
        spec["max"] = high
    return spec


def _structure(members: dict[str, str], required: tuple[str, ...] = ()) -> Shape:
    return {
        "type": "structure",
        "required": list(required),
        "members": {name: {"shape": shape} for name, shape in members.items()},
    }


_SEARCH = {"NextToken": "NextToken", "MaxResults": "MaxResults", "Filters": "FilterList"}
_PROFILE_FIELDS = {
    "ProfileName": "ProfileName",
    "Timezone": "Timezone",
    "Address": "Address",
    "DistanceUnit": "DistanceUnit",
    "TemperatureUnit": "TemperatureUnit",
    "WakeWord": "WakeWord",
    "Locale": "DeviceLocale",
    "SetupModeDisabled": "Boolean",
    "MaxVolumeLimit": "MaxVolumeLimit",
    "PSTNEnabled": "Boolean",
    "DataRetentionOptIn": "Boolean",
}

A4B_MODEL: Model = {
    "operations": {
        name: {"input": {"shape": f"{name}Request"}}
        for name in (
            "SearchDevices",
            "GetDevice",
            "ListDeviceEvents",
            "SearchProfiles",
            "GetProfile",
            "CreateProfile",
            "UpdateProfile",
            "SearchUsers",
        )
    },
    "shapes": {
        "Arn": _string(
            pattern=r"arn:[a-z0-9-\.]{1,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[a-z0-9-\.]{0,63}:[^/].{0,1023}"
        ),
        "NextToken": _string(1, 1100),
        "MaxResults": _s(type="integer", min=1, max=50),
        "Boolean": _s(type="boolean"),
        "FilterKey": _string(1, 500),
        "FilterValue": _string(1, 500),
        "FilterValueList": _s(type="list", member={"shape": "FilterValue"}, max=50),
        "Filter": _structure({"Key": "FilterKey", "Values": "FilterValueList"}, ("Key", "Values")),
        "FilterList": _s(type="list", member={"shape": "Filter"}, max=25),
        "SortKey": _string(1, 500),
        "SortValue": _s(type="string", enum=["ASC", "DESC"]),
        "Sort": _structure({"Key": "SortKey", "Value": "SortValue"}, ("Key", "Value")),
        "SortList": _s(type="list", member={"shape": "Sort"}, max=25),
        "DeviceEventType": _s(type="string", enum=["CONNECTION_STATUS", "DEVICE_STATUS"]),
        "ProfileName": _string(1, 100),
        "Timezone": _string(1, 100),
        "Address": _string(1, 500),
        "DistanceUnit": _s(type="string", enum=["METRIC", "IMPERIAL"]),
        "TemperatureUnit": _s(type="string", enum=["FAHRENHEIT", "CELSIUS"]),
        "WakeWord": _s(type="string", enum=["ALEXA", "AMAZON", "ECHO", "COMPUTER"]),
        "DeviceLocale": _string(1, 256),
        "MaxVolumeLimit": _s(type="integer"),
        "ClientRequestToken": _string(10, 150, pattern=r"[a-zA-Z0-9][a-zA-Z0-9_-]*"),
        "Minutes": _s(type="integer"),
        # The last model: exactly one reminder time.
        "EndOfMeetingReminderMinutesList": _s(
            type="list", member={"shape": "Minutes"}, min=1, max=1
        ),
        "EndOfMeetingReminderType": _s(
            type="string",
            enum=["ANNOUNCEMENT_TIME_CHECK", "ANNOUNCEMENT_VARIABLE_TIME_LEFT", "CHIME", "KNOCK"],
        ),
        "TagKey": _string(1, 128),
        "TagValue": _string(0, 256),
        "Tag": _structure({"Key": "TagKey", "Value": "TagValue"}, ("Key", "Value")),
        "TagList": _s(type="list", member={"shape": "Tag"}),
        "CreateEndOfMeetingReminder": _structure(
            {
                "ReminderAtMinutes": "EndOfMeetingReminderMinutesList",
                "ReminderType": "EndOfMeetingReminderType",
                "Enabled": "Boolean",
            },
            ("ReminderAtMinutes", "ReminderType", "Enabled"),
        ),
        "CreateInstantBooking": _structure(
            {"DurationInMinutes": "Minutes", "Enabled": "Boolean"},
            ("DurationInMinutes", "Enabled"),
        ),
        "CreateRequireCheckIn": _structure(
            {"ReleaseAfterMinutes": "Minutes", "Enabled": "Boolean"},
            ("ReleaseAfterMinutes", "Enabled"),
        ),
        "CreateMeetingRoomConfiguration": _structure(
            {
                "RoomUtilizationMetricsEnabled": "Boolean",
                "EndOfMeetingReminder": "CreateEndOfMeetingReminder",
                "InstantBooking": "CreateInstantBooking",
                "RequireCheckIn": "CreateRequireCheckIn",
            }
        ),
        "UpdateEndOfMeetingReminder": _structure(
            {
                "ReminderAtMinutes": "EndOfMeetingReminderMinutesList",
                "ReminderType": "EndOfMeetingReminderType",
                "Enabled": "Boolean",
            }
        ),
        "UpdateInstantBooking": _structure({"DurationInMinutes": "Minutes", "Enabled": "Boolean"}),
        "UpdateRequireCheckIn": _structure(
            {"ReleaseAfterMinutes": "Minutes", "Enabled": "Boolean"}
        ),
        "UpdateMeetingRoomConfiguration": _structure(
            {
                "RoomUtilizationMetricsEnabled": "Boolean",
                "EndOfMeetingReminder": "UpdateEndOfMeetingReminder",
                "InstantBooking": "UpdateInstantBooking",
                "RequireCheckIn": "UpdateRequireCheckIn",
            }
        ),
        "SearchDevicesRequest": _structure({**_SEARCH, "SortCriteria": "SortList"}),
        "SearchProfilesRequest": _structure({**_SEARCH, "SortCriteria": "SortList"}),
        "SearchUsersRequest": _structure({**_SEARCH, "SortCriteria": "SortList"}),
        "GetDeviceRequest": _structure({"DeviceArn": "Arn"}),
        "ListDeviceEventsRequest": _structure(
            {
                "DeviceArn": "Arn",
                "EventType": "DeviceEventType",
                "NextToken": "NextToken",
                "MaxResults": "MaxResults",
            },
            ("DeviceArn",),
        ),
        "GetProfileRequest": _structure({"ProfileArn": "Arn"}),
        "CreateProfileRequest": _structure(
            {
                **_PROFILE_FIELDS,
                "ClientRequestToken": "ClientRequestToken",
                "MeetingRoomConfiguration": "CreateMeetingRoomConfiguration",
                "Tags": "TagList",
            },
            ("ProfileName", "Timezone", "Address", "DistanceUnit", "TemperatureUnit", "WakeWord"),
        ),
        "UpdateProfileRequest": _structure(
            {
                "ProfileArn": "Arn",
                **_PROFILE_FIELDS,
                "IsDefault": "Boolean",
                "MeetingRoomConfiguration": "UpdateMeetingRoomConfiguration",
            }
        ),
    },
}


def request_problem(model: Model, operation: str, body: object) -> str | None:
    """The first violation of `operation`'s input shape by `body`, or None."""
    spec = model["operations"].get(operation)
    if spec is None or "input" not in spec:
        return None
    return problem(model, spec["input"]["shape"], body)


def problem(model: Model, shape_name: str, value: object, path: str = "") -> str | None:
    """The first violation of shape `shape_name` by `value` (AWS's wording), or None."""
    shape = model["shapes"][shape_name]
    kind = shape["type"]
    where = path or shape_name
    checker = _CHECKERS.get(kind)
    if checker is None:
        return None
    return checker(model, shape, value, where)


def _fail(value: object, where: str, constraint: str) -> str:
    shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
    return f"Value {shown} at '{where}' failed to satisfy constraint: {constraint}"


def _structure_problem(model: Model, shape: Shape, value: object, where: str) -> str | None:
    if not isinstance(value, dict):
        return _fail(value, where, "Member must be a structure")
    members = {k: m for k, m in shape.get("members", {}).items() if "location" not in m}
    for name in shape.get("required", []):
        if name in members and value.get(name) is None:
            return f"Value null at '{_join(where, name)}' failed to satisfy constraint: Member must not be null"
    for name, item in value.items():
        member = members.get(name)
        if member is None:
            return f"Unknown parameter '{_join(where, name)}'"
        if item is None:
            continue
        found = problem(model, member["shape"], item, _join(where, name))
        if found:
            return found
    return None


def _list_problem(model: Model, shape: Shape, value: object, where: str) -> str | None:
    if not isinstance(value, list):
        return _fail(value, where, "Member must be a list")
    size = _size_problem(shape, len(value), value, where, "length")
    if size:
        return size
    for number, item in enumerate(value, start=1):
        found = problem(model, shape["member"]["shape"], item, f"{where}.{number}")
        if found:
            return found
    return None


def _map_problem(model: Model, shape: Shape, value: object, where: str) -> str | None:
    if not isinstance(value, dict):
        return _fail(value, where, "Member must be a map")
    size = _size_problem(shape, len(value), value, where, "length")
    if size:
        return size
    for key, item in value.items():
        found = problem(model, shape["key"]["shape"], key, f"{where}.key") or problem(
            model, shape["value"]["shape"], item, f"{where}.{key}"
        )
        if found:
            return found
    return None


def _string_problem(model: Model, shape: Shape, value: object, where: str) -> str | None:
    if not isinstance(value, str):
        return _fail(value, where, "Member must be a string")
    if "enum" in shape and value not in shape["enum"]:
        return _fail(
            value, where, f"Member must satisfy enum value set: [{', '.join(shape['enum'])}]"
        )
    size = _size_problem(shape, len(value), value, where, "length")
    if size:
        return size
    pattern = shape.get("pattern")
    if pattern and not _matches(pattern, value):
        return _fail(value, where, f"Member must satisfy regular expression pattern: {pattern}")
    return None


def _number_problem(model: Model, shape: Shape, value: object, where: str) -> str | None:
    whole = shape["type"] in ("integer", "long")
    if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
        return _fail(value, where, f"Member must be {'an integer' if whole else 'a number'}")
    return _size_problem(shape, value, value, where, "value")


def _boolean_problem(model: Model, shape: Shape, value: object, where: str) -> str | None:
    return None if isinstance(value, bool) else _fail(value, where, "Member must be a boolean")


def _timestamp_problem(model: Model, shape: Shape, value: object, where: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return _fail(value, where, "Member must be a timestamp")
    return None


_CHECKERS = {
    "structure": _structure_problem,
    "list": _list_problem,
    "map": _map_problem,
    "string": _string_problem,
    "integer": _number_problem,
    "long": _number_problem,
    "double": _number_problem,
    "float": _number_problem,
    "boolean": _boolean_problem,
    "timestamp": _timestamp_problem,
}


def _size_problem(shape: Shape, size: float, value: object, where: str, what: str) -> str | None:
    low, high = shape.get("min"), shape.get("max")
    if low is not None and size < low:
        return _fail(value, where, f"Member must have {what} greater than or equal to {low}")
    if high is not None and size > high:
        return _fail(value, where, f"Member must have {what} less than or equal to {high}")
    return None


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct: not checked
        return None


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.fullmatch(value) is not None


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where and not where.endswith("Request") else name
