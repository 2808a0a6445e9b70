"""The types of JSON as it crosses a wire (Amazon's answers, Slack's and Teams' payloads, the
journal's before/after values): one definition for the whole bot, so wire data has a real type.

`JsonValue` is pydantic's recursive JSON type (mypy and pydantic both understand it); a reader
narrows it with isinstance (or `as_object`/`as_list`) before use, or validates it into a model when
the shape is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeAlias

from pydantic import JsonValue

JsonObject: TypeAlias = dict[str, JsonValue]
JsonMapping: TypeAlias = Mapping[str, JsonValue]  # read-only, so a dict[str, str] fits as well

__all__ = ["JsonMapping", "JsonObject", "JsonValue", "as_list", "as_object"]


def as_object(value: object) -> JsonObject:
    """`value` when it is a JSON object, else {} (an answer of the wrong shape reads as empty)."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[JsonValue]:
    """`value` when it is a JSON array, else [] (an answer of the wrong shape reads as empty)."""
    return value if isinstance(value, list) else []
