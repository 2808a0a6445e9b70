"""The types of JSON as it crosses a wire (Amazon's answers, Slack's and Teams' payloads, the
journal's before/after values): one definition for the whole bot, so wire data has a real type.

`JsonValue` is pydantic's recursive JSON type (mypy and pydantic both understand it); a reader
narrows it with isinstance (or `as_object`/`as_list`) before use, or validates it into a model when
the shape is known.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeAlias

from pydantic import JsonValue

JsonObject: TypeAlias = dict[str, JsonValue]
JsonMapping: TypeAlias = Mapping[str, JsonValue]  # read-only, so a dict[str, str] fits as well
# A JSON value only read, never changed in place (the journal's before/after): covariant, so any
# dict or list of JSON values fits without a copy.
JsonData: TypeAlias = (
    "str | int | float | bool | Sequence[JsonData] | Mapping[str, JsonData] | None"
)

__all__ = [
    "JsonData",
    "JsonMapping",
    "JsonObject",
    "JsonValue",
    "as_list",
    "as_object",
    "text_at",
    "thaw",
]


def as_object(value: object) -> JsonObject:
    """`value` when it is a JSON object, else {} (an answer of the wrong shape reads as empty)."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[JsonValue]:
    """`value` when it is a JSON array, else [] (an answer of the wrong shape reads as empty)."""
    return value if isinstance(value, list) else []


def text_at(value: JsonData, key: str) -> str:
    """`value[key]` as text, for a JSON object known to carry it (a journal row's "name")."""
    if not isinstance(value, Mapping) or key not in value:
        raise KeyError(key)
    return str(value[key])


def thaw(data: JsonData) -> JsonValue:
    """A copy of `data` as a JsonValue (mappings as dicts, sequences as lists), for code that
    takes JsonValue."""
    if data is None or isinstance(data, str | int | float | bool):
        return data
    if isinstance(data, Mapping):
        return {str(key): thaw(value) for key, value in data.items()}
    return [thaw(value) for value in data]
