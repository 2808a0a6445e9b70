"""One request in flight: the message, who sent it, and shortcuts for auditing and confirming."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from bot.core.access.pending import Pending
from bot.core.access.resolve import Resolver
from bot.core.access.services import Services
from bot.core.ledger.audit import Change
from bot.core.ledger.journal import Author, process_owner
from bot.core.shared.bulk import BulkOutcome, ProgressFn, run_bulk
from bot.core.shared.commands import ClearAlerts, Command, Role
from bot.core.shared.errors import describe_error
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind

ProgressSink = Callable[[Reply], Awaitable[None]]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Message:
    text: str
    user: str
    channel: str | None
    platform: str  # "console" | "slack" | "teams"
    thread: str | None = None
    request_id: str | None = (
        None  # the platform's delivery id, so a retried delivery is applied once
    )
    # the whole request as understood, when this message answered one of the bot's questions
    answered: str | None = None
    # the token of the question card a button or menu was pressed on (bot/core/conversation/question_cards.py)
    card: str | None = None
    # A button or menu press: the platform's id of the message it was pressed on (Slack
    # "channel/ts", Teams "conversation/activity id"; "" when the platform did not say). None when
    # typed: a press of Mute 1 h on a muted device is told, a typed mute sets it again.
    pressed_on: str | None = None
    # A press that acts once per card (the next page of a list, bot/chat/paging.py): its key. The
    # engine answers it once; a second press with the same key is told so, and nothing is run.
    once: str | None = None

    @property
    def request_text(self) -> str:
        """The request as the audit logs it: an answer ("118", "no") alone would lose what it
        answered, so it is logged as the request understood, with the answer noted."""
        if self.answered and self.answered != self.text:
            return f"{self.answered} (answer: \u201c{self.text}\u201d)"
        return self.text


@dataclass
class Ctx:
    s: Services
    msg: Message
    role: Role
    command: Command
    preview: bool = False
    progress: ProgressSink | None = None
    needed: Role | None = None  # the role the command needs; the resolver checks it per property
    resolver: Resolver = field(init=False)
    # The id this handling's audit rows carry: the message's delivery id, or for a run derived from
    # an earlier message (a confirmation, a retry) the delivery id of the message that started it.
    delivery_id: str | None = None
    throttled: bool = False  # Amazon answered 429 during this request's run
    last_change_id: int | None = None  # the change this request opened last (its Undo button)
    recent_property: str | None = None  # the property named last in this conversation, recently

    def __post_init__(self) -> None:
        # a change that always asks first (clearing alerts of rooms found at another property) may
        # be taken there like a read: its question names the property before anything runs
        moves = not self.command.mutating or isinstance(self.command, ClearAlerts)
        self.resolver = Resolver(
            self.s,
            self.msg.channel,
            user=self.msg.user,
            needed=self.needed,
            moves=moves,
            recent_property=self.recent_property,
        )
        if self.delivery_id is None:
            self.delivery_id = self.msg.request_id

    @property
    def write_deadline(self) -> float | None:
        """A change's writes have no deadline of their own: they run as background work (seed
        004's 429 rule to the end, journaled), and the user hears about throttling at once."""
        return None

    def author(self, command: str | None = None) -> Author:
        return Author(
            self.msg.platform, self.msg.user, self.msg.channel, command or self.command.name
        )

    def open_change(
        self,
        *,
        command: str,
        targets: list[str],
        undoes: int | None = None,
        derived_from: int | None = None,
    ) -> int:
        """The audit entry of a change about to write, "running" until `finish_change`."""
        change_id = self.s.audit.record(
            at=self.s.clock.now(),
            platform=self.msg.platform,
            user=self.msg.user,
            channel=self.msg.channel,
            thread=self.msg.thread,
            text=self.msg.request_text,
            command=command,
            parsed=repr(self.command),
            targets=targets,
            outcome="running",
            # which process runs it, so another process's recovery leaves it alone while it lives
            detail=f"running in process {process_owner()}",
            delivery_id=self.delivery_id,
            undoes=undoes,
            derived_from=derived_from,
        )
        self.s.active_changes.add(change_id)
        self.last_change_id = change_id
        return change_id

    def finish_change(
        self, change_id: int, outcome: str, *, detail: str = "", undoes: int | None = None
    ) -> None:
        self.s.audit.finish(change_id, outcome, detail=detail, undoes=undoes)

    def audit(
        self,
        outcome: str,
        *,
        targets: list[str] | None = None,
        changes: list[Change] | None = None,
        detail: str = "",
        undoes: int | None = None,
        command: str | None = None,
    ) -> int:
        return self.s.audit.record(
            at=self.s.clock.now(),
            platform=self.msg.platform,
            user=self.msg.user,
            channel=self.msg.channel,
            text=self.msg.request_text,
            command=command or self.command.name,
            parsed=repr(self.command),
            targets=targets or [],
            outcome=outcome,
            detail=detail,
            changes=changes,
            delivery_id=self.delivery_id,
            undoes=undoes,
            thread=self.msg.thread,
        )

    async def bulk(
        self,
        items: Sequence[T],
        work: Callable[[T], Awaitable[R]],
        *,
        progress: ProgressFn | None = None,
    ) -> BulkOutcome[T, R]:
        """Run `work` over `items` with the configured concurrency and progress interval.

        Without a `progress` of its own, a run that lasts past the interval still reports "n of N
        rooms done" to the request's progress sink: every long run shows progress.
        """
        if progress is None and len(items) > 1:
            progress = self._room_progress
        return await run_bulk(
            items,
            work,
            describe_error=describe_error,
            concurrency=self.s.config.bot.bulk_concurrency,
            clock=self.s.clock,
            progress=progress,
            progress_interval=self.s.config.bot.progress_interval_seconds,
        )

    async def _room_progress(self, done: int, failed: int, total: int) -> None:
        if self.progress is None:
            return
        failures = f", {failed} failed" if failed else ""
        await self.progress(
            Reply(
                headline=f"Working: {done + failed} of {total} rooms done{failures}\u2026",
                kind=ReplyKind.PROGRESS,
            )
        )

    def confirm(
        self,
        summary: str,
        run: Callable[[], Awaitable[Reply]],
        *,
        danger: bool,
        fields: list[tuple[str, str]] | None = None,
        notes: list[str] | None = None,
        units: tuple[str, ...] = (),
    ) -> Reply:
        """Park `run` until the requester (or an admin) says yes; the reply states exactly what will happen."""
        ttl = timedelta(minutes=self.s.config.bot.confirm_ttl_minutes)
        older = self.s.pending.supersede(self.msg.user, self.msg.channel, self.s.clock.now())
        pending = self.s.pending.add(
            user=self.msg.user,
            channel=self.msg.channel,
            summary=summary,
            run=run,
            now=self.s.clock.now(),
            ttl=ttl,
            text=self.msg.request_text,
            command=self.command.name,
            owner=self,
            units=units,
            asked_after=self.s.audit.last_id() if units else 0,
        )
        # The run is parked with this context; whoever confirms lends it their progress sink.
        minutes = self.s.config.bot.confirm_ttl_minutes
        return Reply(
            headline=summary,
            kind=ReplyKind.CONFIRM,
            fields=fields or [],
            ref=pending.token,
            notes=[
                *(notes or []),
                f"Reply `yes` to go ahead or `no` to cancel (expires in {minutes} minutes).",
                *(_superseded_note(p) for p in older),
            ],
            actions=[
                Action(
                    kind=ActionKind.CONFIRM,
                    label="Confirm",
                    value=f"confirm {pending.token}",
                    danger=danger,
                ),
                Action(kind=ActionKind.CANCEL, label="Cancel", value=f"cancel {pending.token}"),
            ],
        )


def _superseded_note(older: Pending) -> str:
    """A yes or no typed now answers the new question; the older one is said to be dropped."""
    asked = older.as_asked
    return (
        f"I dropped your earlier unanswered request: {asked} (its card's buttons still work); "
        "a `yes` or `no` now answers this one."
    )
