"""Clearing alarms, reminders and timers of rooms (Amazon can delete them, never set or restore them)."""

from __future__ import annotations

import re

from bot.core.commands.alerts import clear_alerts, retry_alerts
from bot.core.commands.entry_parts import target_core, where
from bot.core.shared import commands as c
from bot.core.shared.commands import AlertKind, Command
from bot.core.shared.registry import Entry, Score, phrasing, register
from bot.core.understanding.targets import parse_target

_KIND_WORDS = {
    "alarm": (AlertKind.ALARMS,),
    "reminder": (AlertKind.REMINDERS,),
    "timer": (AlertKind.TIMERS,),
    "alert": tuple(AlertKind),
    "everything": tuple(AlertKind),
    "all": tuple(AlertKind),
}


def _kinds(text: str) -> tuple[AlertKind, ...]:
    found: list[AlertKind] = []
    for word in re.findall(r"[a-z]+", text.lower()):
        for kind in _KIND_WORDS.get(word.rstrip("s"), _KIND_WORDS.get(word, ())):
            if kind not in found:
                found.append(kind)
    order = list(AlertKind)
    return tuple(sorted(found, key=order.index)) or (AlertKind.ALARMS,)


def _clear(m: re.Match[str]) -> Command | None:
    target = parse_target(m["target"])
    return c.ClearAlerts(target=target, kinds=_kinds(m["kinds"])) if target else None


_KINDS_RE = (
    r"(?P<kinds>(?:all\s+)?(?:the\s+)?(?:alarms?|reminders?|timers?|alerts?|everything)"
    r"(?:\s*(?:,|and|&|\+|or)\s*(?:the\s+)?(?:alarms?|reminders?|timers?))*)"
)
_CLEAR_VERB = r"(?:clear|delete|remove|reset|wipe|cancel|erase|kill)"


def _kinds_text(kinds: tuple[AlertKind, ...]) -> str:
    if set(kinds) == set(AlertKind):
        return "everything"
    return " and ".join(k.value for k in kinds)


def rephrase_clear(cmd: c.ClearAlerts) -> str:
    return f"clear {_kinds_text(cmd.kinds)} in {target_core(cmd.target)}{where(cmd.target.property_name)}"


register(
    Entry(
        command=c.ClearAlerts,
        topic="alarms",
        summary="Clear alarms (and reminders and timers) of rooms",
        examples=(
            "clear alarms in 118",
            "clear alarms, reminders and timers in 118",
            "delete reminders for room 204 at Lakeside Chicago",
            "clear everything in rooms 101-103",
            "clear wake up calls in 204",
            "clear all timers in 503",
        ),
        handler=clear_alerts,
        rephrase=rephrase_clear,
        words=("clear", "cancel", "delete", "remove"),
        phrasings=(
            phrasing(
                rf"^{_CLEAR_VERB}\s+{_KINDS_RE}\s+(?:(?:in|for|from|on|of|at)\s+)?(?P<target>.+)$",
                rf"^{_CLEAR_VERB}\s+(?:the\s+)?(?P<target>.+?)(?:'s)?\s+{_KINDS_RE}$",
                build=_clear,
                score=Score.STATIONS - 1,
            ),
        ),
        mutating=True,
        retry=retry_alerts,
    )
)
