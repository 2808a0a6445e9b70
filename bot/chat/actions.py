"""Which of a Reply's actions become buttons: the rules both Slack and Teams apply.

A suggestion after "I didn't understand" is one click away from running, so only a read-only one
may be a button; anything else is shown as text to type (the core makes suggestions read-only; this
is the guard that keeps a write from ever being one click away if one slips through).
"""

from __future__ import annotations

from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind

# First words of the requests a suggestion button may carry: questions and looks, never a change.
READ_ONLY_OPENERS = frozenset(
    {
        "what", "what's", "whats", "which", "who", "where", "when", "how", "show", "list",
        "help", "status", "history", "offline", "devices", "device", "is", "are", "audit",
        "find", "look", "search", "stations", "station", "rooms", "properties", "hotels",
    }
)  # fmt: skip


def is_read_only(text: str) -> bool:
    words = text.strip().lower().split()
    return bool(words) and words[0] in READ_ONLY_OPENERS


def _is_suggestion(reply: Reply, action: Action) -> bool:
    return reply.kind is ReplyKind.REFUSAL and action.kind is ActionKind.CHOICE


def shown_actions(reply: Reply) -> tuple[list[Action], list[str]]:
    """The actions to render as buttons or menus, and typed hints for those that may not be."""
    buttons: list[Action] = []
    typed: list[str] = []
    for action in reply.actions:
        if _is_suggestion(reply, action) and not is_read_only(action.value):
            typed.append(f"Did you mean `{action.value}`? Type it to go ahead.")
            continue
        buttons.append(action)
    return buttons, typed
