"""What a generated request expects: the data model shared by the generators, the checker and regressions.

Every class is a frozen dataclass of plain values, so its repr is Python that rebuilds it: a failing example
prints as a ready-to-paste regression test.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Command:
    """A command in the neutral form: what the bot runs (a write) or answers (a read)."""

    intent: str
    property: str | None = None
    rooms: tuple[str, ...] = ()
    station: str | None = None
    kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expected:
    """What is RIGHT for one turn, and what is merely SAFE.

    - `command`: the one command this turn may run or propose. None: no write may run or be proposed
      (a negation, a request the bot cannot do, an ambiguous name with two readings, a property alone).
    - `must_act`: the words name exactly one reading; the bot should run `command` (directly, or after an
      `ask: confirm` carrying exactly `command`). Counted in the right-rate floor.
    - `confirm_first`: `command` may only be proposed (`ask: confirm`) or asked about, never run at once
      (a time or date in the request, scope words such as "everywhere").
    - `every`: scope words over several properties: `(property, room)` of every room the words name. A
      proposal must cover all of them (never narrowed to one property in silence).

    Any `ask` other than a confirm, and `intent: none`, are always SAFE (never RIGHT when `must_act`).
    """

    command: Command | None
    must_act: bool = False
    confirm_first: bool = False
    every: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Turn:
    text: str
    expected: Expected


@dataclass(frozen=True)
class Case:
    """One conversation (one or more turns) in one channel; `label` names the template it came from."""

    turns: tuple[Turn, ...]
    channel_property: str | None = None
    label: str = ""
    tags: tuple[str, ...] = field(default=())
