"""Crash recovery: journal rows left in flight are checked against Amazon and settled.

Run at start (bot/runtime.py) and on a schedule in the long-running modes (bot/scheduler.py). A row
that never started is "failed" (nothing was sent); a pending or unconfirmed one is read back (the
station now is the new one: applied; still the old one: not applied; unreadable: still unknown and
checked again next time). A change left "running" by a dead process is then closed, and its author
is told in that conversation (in its thread when it was made in one and the platform's poster can
reply there): posted when a poster for that platform is given, otherwise kept and shown with their
next message.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from bot.core.access.services import Services
from bot.core.changes.chunks import chunk_store, finish_plan
from bot.core.changes.hierarchy_writes import HIERARCHY_KINDS, record_in_index, unit_after
from bot.core.changes.unit_writes import WRITABLE_KINDS, verdict, writer_for
from bot.core.ledger.audit import AuditEntry, outcome_of_counts
from bot.core.ledger.journal import (
    APPLIED,
    DONE_STATES,
    FAILED,
    PENDING,
    QUEUED,
    UNKNOWN,
    Author,
    JournalRow,
    Notice,
    UnitTally,
)
from bot.core.shared.replies import Reply, ReplyKind
from bot.core.understanding.text import plural

log = logging.getLogger("bot.recovery")

INTERRUPTED = "interrupted: the bot stopped before finishing"


class NoticePoster(Protocol):
    """A chat adapter's proactive post (bot/chat/contract.py ChatAdapter), as the core sees it."""

    async def post_to_channel(self, channel: str, reply: Reply) -> str: ...


@runtime_checkable
class ThreadPoster(NoticePoster, Protocol):
    """A poster that can also reply in a thread of a channel (Slack: also sent to the channel):
    the notice of a change made in a thread goes to that thread, where its story is."""

    async def post_in_thread(self, channel: str, thread: str, reply: Reply) -> str: ...


@dataclass
class RecoveryReport:
    settled: int = 0  # rows whose state is now known
    still_unknown: int = 0
    closed: list[int] = field(default_factory=list)  # changes closed as interrupted
    notices: list[Notice] = field(default_factory=list)  # written for their authors
    posted: int = 0


async def recover(
    services: Services,
    *,
    posters: dict[str, NoticePoster] | None = None,
    concurrency: int = 8,
) -> RecoveryReport:
    """Settle what a dead process left in flight, close its changes, tell their authors."""
    report = RecoveryReport()
    # One transaction: the changes nobody runs any more become ours (their leases), with the open
    # rows we may settle; changes run here or by another live process are left alone.
    running, rows = services.audit.claim_orphans(services.clock.now(), services.active_changes)
    claimed = {e.id for e in running}
    services.active_changes.update(claimed)  # a recovery beside this one leaves them alone
    try:
        await _settle_and_close(services, report, running, rows, concurrency)
    finally:
        services.active_changes.difference_update(claimed)
    report.posted = await deliver(services, posters or {})
    return report


async def _settle_and_close(
    services: Services,
    report: RecoveryReport,
    running: list[AuditEntry],
    rows: list[JournalRow],
    concurrency: int,
) -> None:
    gate = asyncio.Semaphore(max(1, concurrency))

    changed: set[int] = set()

    async def one(row: JournalRow) -> None:
        async with gate:
            settled = await _settle(services, row)
        if settled.state != row.state:
            changed.add(row.change_id)
        if settled.state == UNKNOWN:
            report.still_unknown += 1
        else:
            report.settled += 1

    await asyncio.gather(*(one(row) for row in rows))
    _refresh_outcomes(services, changed - {e.id for e in running})
    for entry in running:
        # a change planned as it ran (a whole property): the rooms never queued, not sent
        await finish_plan(
            services, entry.id, Author(entry.platform, entry.user, entry.channel, entry.command)
        )
        notice = _close(services, entry)
        report.closed.append(entry.id)
        if notice is not None:
            report.notices.append(notice)


async def _settle(services: Services, row: JournalRow) -> JournalRow:
    journal, now = services.journal, services.clock.now
    if row.state == QUEUED:
        return journal.settle(row, FAILED, now(), error=f"{INTERRUPTED}; nothing was sent")
    if row.kind in HIERARCHY_KINDS:
        return await _settle_hierarchy(services, row)
    writer = writer_for(row.kind) if row.kind in WRITABLE_KINDS else None
    if writer is None or not writer.readable:
        return journal.settle(
            row, UNKNOWN, now(), error=f"not confirmed ({INTERRUPTED}); trying again is safe"
        )
    try:
        value = await writer.read(services.asp, row.unit_id, services.deadline)
    except Exception as error:
        log.info("room %s still not confirmed: %s", row.unit_id, error)
        if row.state == PENDING:
            return journal.settle(row, UNKNOWN, now(), error=f"not confirmed ({INTERRUPTED})")
        return row
    state, detail = verdict(row, value, INTERRUPTED)
    return journal.settle(row, state, now(), error=detail, request_id=row.request_id)


async def _settle_hierarchy(services: Services, row: JournalRow) -> JournalRow:
    """A create, rename or delete read back: GET the unit, or for a create list its parent. A
    create's name was free in the index when it was sent, so a unit of that name under its parent
    is the one it made."""
    journal, now = services.journal, services.clock.now
    try:
        unit_id = await unit_after(services.asp, row, known=(), deadline=services.deadline)
    except Exception as error:
        log.info("%s of %s still not confirmed: %s", row.kind, row.unit_name, error)
        if row.state == PENDING:
            return journal.settle(row, UNKNOWN, now(), error=f"not confirmed ({INTERRUPTED})")
        return row
    if unit_id is None:
        return journal.settle(row, FAILED, now(), error="read back later: not applied at Amazon")
    if unit_id != row.unit_id:
        row = journal.amend(row, unit_id=unit_id, before=row.before, after=row.after)
    settled = journal.settle(row, APPLIED, now(), request_id=row.request_id)
    try:
        record_in_index(services, settled)
    except Exception:  # the journal is right; `sync` mends the index
        log.exception("could not record %s of %s in the index", row.kind, row.unit_name)
    return settled


def _refresh_outcomes(services: Services, change_ids: set[int]) -> None:
    """Finished changes whose unconfirmed writes are now settled get the outcome they really had
    (so `undo` finds a change that turned out applied), from their counts (a chunked change's
    chunks counted afresh first)."""
    store = chunk_store(services)
    for change_id in sorted(change_ids):
        entry = services.audit.head(change_id)
        if entry is None:
            continue
        store.recount(change_id)
        counts = services.journal.counts([change_id])[change_id]
        services.audit.finish(
            change_id,
            outcome_of_counts(counts),
            detail=entry.detail,
            undoes=entry.undoes if counts.applied else None,
        )


def _close(services: Services, entry: AuditEntry) -> Notice | None:
    chunk_store(services).recount(entry.id)  # its chunks are over: counted as they ended
    counts = services.journal.counts([entry.id])[entry.id]
    services.audit.finish(
        entry.id,
        outcome_of_counts(counts) if counts.total else "failed",
        detail=INTERRUPTED,
        undoes=entry.undoes if counts.applied else None,
    )
    if not counts.total:
        return None
    tally = services.journal.tally(entry.id, HIERARCHY_KINDS)
    if tally.hierarchy_only:
        rows = services.journal.rows(entry.id)  # one write each (an add, a rename, a delete)
        text = hierarchy_interrupted_text(entry, rows)
    else:
        text = interrupted_text(entry, tally)
    notice_id = services.journal.add_notice(
        platform=entry.platform,
        user=entry.user,
        channel=entry.channel,
        thread=entry.thread,
        change_id=entry.id,
        text=text,
        at=services.clock.now(),
    )
    return Notice(
        notice_id, entry.platform, entry.user, entry.channel, entry.thread, entry.id, text
    )


def _undoable(command: str) -> bool:
    from bot.core.shared.registry import entry_named  # the registry's entries import the handlers

    registered = entry_named(command)  # the audit's stable command name
    return registered is not None and registered.undoable


def interrupted_text(entry: AuditEntry, tally: UnitTally) -> str:
    """What happened to an interrupted change, and the one right next step for it:
    "Your change of 102 rooms (“…”) was interrupted: 30 applied, 72 not. Say `retry failed
    000042` to finish it, or `undo 000042` to put back the 30 rooms." An undo says `undo` again
    to finish putting back its rooms; a change whose every room is done says nothing is left.
    Counted by room in SQL (`UnitTally`): a million rooms are never read back for it."""
    done, unsure = tally.done, tally.unsure
    rest = tally.units - done - unsure
    token = f"{entry.id:06d}"
    left = rest + unsure
    if entry.command == "Undo":
        parts = [f"{done} put back", f"{rest} not"] + (
            [f"{unsure} not confirmed"] if unsure else []
        )
        then = (
            f"Say `undo` again to finish putting back the {plural(left, 'room')}."
            if left
            else "Every room was put back; nothing more to do."
        )
        return (
            f"Your undo of {plural(tally.units, 'room')} (\u201c{entry.text}\u201d) was "
            f"interrupted: {', '.join(parts)}. {then}"
        )
    parts = [f"{done} applied", f"{rest} not"] + ([f"{unsure} not confirmed"] if unsure else [])
    # rooms that were already as asked count as done but have nothing to put back
    changed = tally.changed
    can_undo = _undoable(entry.command) and changed
    undo = f"`undo {token}` to put back the {plural(changed, 'room')}" if can_undo else ""
    if left:
        then = f"Say `retry failed {token}` to finish it" + (f", or {undo}" if undo else "") + "."
    else:
        then = "Every room was done; nothing more to do" + (f" (say {undo})." if undo else ".")
    return (
        f"Your change of {plural(tally.units, 'room')} (\u201c{entry.text}\u201d) was "
        f"interrupted: {', '.join(parts)}. {then}"
    )


def hierarchy_interrupted_text(entry: AuditEntry, rows: list[JournalRow]) -> str:
    """ "Your change “rename room 303 to 350” was interrupted: it was applied at Amazon." """
    states = {r.state for r in rows}
    if states <= set(DONE_STATES):
        outcome = "it was applied at Amazon"
    elif UNKNOWN in states:
        outcome = "it is not confirmed yet; I will check again before you send it again"
    else:
        outcome = "it was not applied; send it again if you still want it"
    what = "undo" if entry.command == "Undo" else "change"
    return f"Your {what} \u201c{entry.text}\u201d was interrupted: {outcome}."


async def deliver(services: Services, posters: dict[str, NoticePoster]) -> int:
    """Post waiting notices where a poster for their platform exists; the rest wait for the
    user's next message."""
    posted = 0
    for notice in services.journal.open_notices():
        poster = posters.get(notice.platform)
        if poster is None or notice.channel is None:
            continue
        # taken before the post, so two replicas sweeping at once never post it twice
        if not services.journal.mark_delivered(notice.id, services.clock.now()):
            continue
        reply = Reply(headline=notice.text, kind=ReplyKind.SUMMARY)
        try:
            if notice.thread and isinstance(poster, ThreadPoster):
                await poster.post_in_thread(notice.channel, notice.thread, reply)
            else:
                await poster.post_to_channel(notice.channel, reply)
        except Exception:
            services.journal.release_notice(notice.id)
            log.warning("could not post a notice to %s; kept for the next message", notice.user)
            continue
        posted += 1
    return posted
