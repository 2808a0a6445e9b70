"""The platform-neutral reply model: the one thing chat adapters render.

A Reply has a headline (one plain sentence), optional fields and a table, notes, and actions (buttons on
platforms that have them; typed answers on the console). An action's `value` is the text that the bot
receives when the action is chosen, so a button press is handled exactly like a typed message.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class ReplyKind(StrEnum):
    INFO = "info"  # an answer to a question (read-only)
    SUCCESS = "success"  # a change was made
    QUESTION = "question"  # the bot needs a choice ("did you mean")
    CONFIRM = "confirm"  # a change waits for yes/no
    ERROR = "error"  # something failed; the headline says what and what to do
    REFUSAL = "refusal"  # not allowed (role) or not understood
    PROGRESS = "progress"  # a long run is under way
    SUMMARY = "summary"  # the end of a bulk run (may list failures)


class ActionKind(StrEnum):
    CONFIRM = "confirm"
    CANCEL = "cancel"
    UNDO = "undo"
    CHOICE = "choice"
    RETRY_FAILED = "retry_failed"
    # a read-only look at one thing (an alert's Status/History buttons); `value` is the question
    LOOK = "look"
    MUTE = "mute"  # silence an alert for a while (bound to the device it is about)
    MORE = "more"  # the next page of a long answer (bound to its query and an offset)


class Action(BaseModel):
    kind: ActionKind
    label: str
    value: str  # text handled as if the presser had typed it
    danger: bool = False


class Table(BaseModel):
    columns: list[str]
    rows: list[list[str]]


class Attachment(BaseModel):
    filename: str
    content_type: str = "image/png"
    data: bytes = Field(repr=False)
    title: str = ""


class Reply(BaseModel):
    headline: str
    kind: ReplyKind = ReplyKind.INFO
    fields: list[tuple[str, str]] = Field(default_factory=list)
    table: Table | None = None
    notes: list[str] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    # a change is announced to the channel; help, errors, refusals and questions go to the requester only
    public: bool = False
    # the bulk-run / confirmation token this reply belongs to (adapters edit progress in place by it)
    ref: str | None = None
    # The answer to a press on a card that is already settled (confirmed, cancelled, undone) or to
    # a token nothing waits on any more: the card keeps its result and the presser alone is told.
    stale: bool = False
    # A repeated delivery of a request already handled: logged by the adapter, never posted.
    silent: bool = False
    # The read-only request that produced this answer, as understood (an answer to a question
    # included): a "Show more" button asks it again for the next rows (bot/chat/paging.py).
    query: str | None = None

    @property
    def is_change(self) -> bool:
        return self.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY)


# Every Undo and Retry action names its change, never "the latest" (ARCHITECTURE.md, Core).
def change_token(change_id: int) -> str:
    """How buttons and staff name a change: `undo 000042`, `retry failed 000042`."""
    return f"{change_id:06d}"


def undo_action(change_id: int, label: str = "Undo") -> Action:
    return Action(kind=ActionKind.UNDO, label=label, value=f"undo {change_token(change_id)}")


def retry_action(change_id: int, label: str = "Retry failed") -> Action:
    return Action(
        kind=ActionKind.RETRY_FAILED, label=label, value=f"retry failed {change_token(change_id)}"
    )
