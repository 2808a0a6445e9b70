"""Sending digests exactly once per property and local day, and the `bot digest` command.

A slot is claimed in `digests_sent` before posting and marked sent after; a failed post releases
the claim. So a restart never posts a day twice, and a slot missed while the bot was down is posted
at start-up when less than 6 hours late (`send_due`). The scheduler's memory is never trusted.

Sections that come from outside device health (the guest-profile capacity of Customer Profiles) are
added through an `extra_notes` hook that the caller passes in, so the nightly digest, `bot digest`
and the chat command carry the same sections without this module importing the conversation core.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from bot.clock import Clock
from bot.core.shared.replies import Reply
from bot.health.digest import (
    DigestFigures,
    DigestPoster,
    build_digest_reply,
    compute_figures,
    due_date,
)
from bot.health.outbox import FAILED, SENT, DigestOutbox, OutboxRow, retry_delay
from bot.health.sites import Site, find_site
from bot.health.store import HealthStore, ts

log = logging.getLogger(__name__)

NotesHook = Callable[[], Awaitable[list[str]]]
"""Extra note lines for every digest (a section title first, when it has one); [] for none."""


async def add_extra_notes(reply: Reply, extra_notes: NotesHook | None) -> Reply:
    """Append the hook's lines to a digest. A failing hook is logged, never stops the digest."""
    if extra_notes is None:
        return reply
    try:
        lines = await extra_notes()
    except Exception:
        log.exception("an extra digest section failed; the digest goes out without it")
        return reply
    reply.notes.extend(lines)
    return reply


async def digest_reply(
    store: HealthStore,
    site: Site,
    now: datetime,
    extra_notes: NotesHook | None = None,
    *,
    figures: DigestFigures | None = None,
) -> Reply:
    """The digest of one property as of `now`, with the hook's sections."""
    if figures is None:
        figures = compute_figures(store, site, now)
    return await add_extra_notes(build_digest_reply(figures, site), extra_notes)


def reply_text(reply: Reply) -> str:
    """A plain-text rendering for the terminal and files (chat adapters render their own)."""
    lines = [reply.headline]
    lines += [f"  {name}: {value}" for name, value in reply.fields]
    if reply.table is not None:
        table = [reply.table.columns, *reply.table.rows]
        widths = [max(len(row[i]) for row in table) for i in range(len(reply.table.columns))]
        for row in table:
            lines.append(
                "  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
            )
    lines += [f"  {note}" for note in reply.notes]
    lines += [f"  [attachment {a.filename}, {len(a.data)} bytes]" for a in reply.attachments]
    return "\n".join(lines)


class FilePoster:
    """Writes each digest's text and chart into a directory."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.written: list[Path] = []

    def write(self, reply: Reply) -> list[Path]:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        paths: list[Path] = []
        for attachment in reply.attachments:
            path = self.out_dir / attachment.filename
            path.write_bytes(attachment.data)
            paths.append(path)
        stem = reply.attachments[0].filename.removesuffix(".png") if reply.attachments else "digest"
        text = self.out_dir / f"{stem}.txt"
        text.write_text(reply_text(reply) + "\n", encoding="utf-8")
        paths.append(text)
        self.written.extend(paths)
        return paths


@dataclass(frozen=True)
class SendOutcome:
    property_id: str
    local_date: date | None
    sent: bool
    reason: str
    # what was posted (None when nothing was); not compared, it is large
    reply: Reply | None = field(default=None, compare=False, repr=False)


class DigestSender:
    """Posts each property's digest through the outbox (bot/health/outbox.py): written before the
    post, settled only on the platform's id of the post, retried with backoff when it failed."""

    def __init__(
        self,
        store: HealthStore,
        sites: Sequence[Site],
        clock: Clock,
        poster: DigestPoster,
        *,
        extra_notes: NotesHook | None = None,
        outbox: DigestOutbox | None = None,
    ) -> None:
        self.store = store
        self.sites = list(sites)
        self.clock = clock
        self.poster = poster
        self.extra_notes = extra_notes
        # the outbox every replica shares (BOT_DATABASE_URL), else the index's file
        self.outbox = outbox if outbox is not None else DigestOutbox(store.sql)

    async def send_due(self, site: Site | None = None) -> list[SendOutcome]:
        """Post every digest that is due now: retries whose time has come, then new slots (the
        scheduled jobs and the start-up catch-up)."""
        chosen = [site] if site is not None else self.sites
        outcomes = await self.retry_due(chosen)
        for one in chosen:
            if not one.digest_channel:
                continue
            day = due_date(one, self.outbox, self.clock.now())
            if day is None:
                if not any(o.property_id == one.property_id for o in outcomes):
                    outcomes.append(SendOutcome(one.property_id, None, False, "nothing due"))
                continue
            outcomes.append(await self.send(one, day))
        return outcomes

    async def retry_due(self, sites: Sequence[Site] | None = None) -> list[SendOutcome]:
        """Attempt again every outbox row of `sites` (default all) whose retry time has come."""
        by_id = {s.property_id: s for s in (self.sites if sites is None else sites)}
        outcomes = []
        for row in self.outbox.due(ts(self.clock.now())):
            site = by_id.get(row.property_id)
            if site is not None:
                outcomes.append(await self._attempt(site, row))
        return outcomes

    async def send(self, site: Site, local_date: date, channel: str | None = None) -> SendOutcome:
        target = channel or site.digest_channel
        if not target:
            return SendOutcome(site.property_id, local_date, False, "no digest_channel")
        row = self.outbox.enqueue(
            site.property_id, local_date.isoformat(), target, ts(self.clock.now())
        )
        if row.state == SENT:
            return SendOutcome(site.property_id, local_date, False, "already sent")
        return await self._attempt(site, row)

    async def _attempt(self, site: Site, row: OutboxRow) -> SendOutcome:
        day = date.fromisoformat(row.local_date)
        now = self.clock.now()
        attempt = self.outbox.take_attempt(row, ts(now))
        if attempt is None:
            reason = "given up" if row.state == FAILED else "waiting to retry"
            return SendOutcome(site.property_id, day, False, reason)
        marker = digest_marker(row)
        if attempt > 1:
            # An earlier attempt may have posted and lost only the answer (a timeout): look in
            # the channel for this digest's marker before posting it again.
            try:
                found = await _find_post(self.poster, row, marker)
            except Exception as error:
                return self._failed(site, row, attempt, error, "could not check the channel")
            if found:
                self.outbox.settle_sent(row, found, ts(self.clock.now()), {"found": True})
                return SendOutcome(
                    site.property_id, day, True,
                    f"already in {row.channel} (the earlier post's answer was lost); not posted again",
                )  # fmt: skip
        try:
            since = self.outbox.last_sent_at(site.property_id, ts(now))
            figures = compute_figures(self.store, site, now, last_digest_at=since)
            reply = await digest_reply(self.store, site, now, self.extra_notes, figures=figures)
            marked = getattr(self.poster, "post_marked", None)
            if marked is not None:
                message_id = await marked(row.channel, reply, marker)
            else:
                message_id = await self.poster.post_to_channel(row.channel, reply)
        except Exception as error:
            return self._failed(site, row, attempt, error)
        if not message_id:
            return self._failed(site, row, attempt, RuntimeError("the platform gave no post id"))
        self.outbox.settle_sent(row, message_id, ts(self.clock.now()), figures.summary())
        return SendOutcome(site.property_id, day, True, f"posted to {row.channel}", reply)

    def _failed(
        self, site: Site, row: OutboxRow, attempt: int, error: Exception, what: str = ""
    ) -> SendOutcome:
        day = date.fromisoformat(row.local_date)
        why = f"{what + ': ' if what else ''}{type(error).__name__}: {error}"
        if self.outbox.settle_failed(row, why, ts(self.clock.now())):
            log.error("digest of %s for %s given up after %d attempts: %s", site.name, day,
                      attempt, why)  # fmt: skip
            return SendOutcome(site.property_id, day, False, f"not posted, given up ({why})")
        wait = retry_delay(attempt)
        log.warning("digest of %s for %s not posted (%s); next try in %.0f s", site.name, day,
                    why, wait)  # fmt: skip
        return SendOutcome(
            site.property_id, day, False, f"not posted ({why}); retrying in {wait:.0f} s"
        )


def digest_marker(row: OutboxRow) -> str:
    """The mark a posted digest carries (Slack message metadata), so a retry can find it."""
    return f"digest:{row.property_id}:{row.local_date}"


async def _find_post(poster: DigestPoster, row: OutboxRow, marker: str) -> str | None:
    """The id of a post of this digest already in the channel, when the platform can tell (Slack:
    conversations.history); None when it is not there or cannot be looked up (Teams)."""
    find = getattr(poster, "find_post", None)
    if find is None:
        return None
    since = row.created_at - 60 if row.created_at else None  # clocks differ a little
    found = await find(row.channel, marker, since)
    return str(found) if found else None


class NotPosted(Exception):
    """`bot digest --post` posted nothing for some property: the CLI exits 1 with this text."""


NEXT_STEP = (
    "Nothing retries it from here: a running `bot serve` or `bot run` retries due digests every "
    "minute (for 12 hours); otherwise run `bot digest --post` again."
)


async def run_digest_command(
    store: HealthStore,
    sites: Sequence[Site],
    *,
    clock: Clock,
    property_name: str | None = None,
    post: bool = False,
    out_dir: Path | None = None,
    poster: DigestPoster | None = None,
    echo: Callable[[str], None] = print,
    extra_notes: NotesHook | None = None,
    outbox: DigestOutbox | None = None,
) -> list[Reply]:
    """`bot digest [--property P] [--post] [--out DIR]`: build the digests now.

    Without --post: print each digest and, with --out, write its text and chart. With --post: post
    through `poster` (a chat platform's; the caller has checked it reaches each property's
    digest_channel) and record it in the outbox, so the nightly job will not post that local day
    again; a day already posted is not posted twice. `extra_notes` adds the same sections as the
    nightly digest.
    """
    chosen = list(sites)
    if property_name is not None:
        site = find_site(sites, property_name)
        if site is None:
            known = ", ".join(s.name for s in sites) or "none configured"
            raise ValueError(f"unknown property {property_name!r} (known: {known})")
        chosen = [site]
    if post and poster is None:
        raise ValueError("--post needs a chat platform (Slack or Teams) configured; nothing posted")
    replies = []
    unposted: list[str] = []
    for site in chosen:
        if post and poster is not None:
            replies.append(
                await _post_now(store, site, clock, poster, echo, extra_notes, unposted, outbox)
            )
            continue
        reply = await digest_reply(store, site, clock.now(), extra_notes)
        replies.append(reply)
        echo(reply_text(reply))
        if out_dir is not None:
            for path in FilePoster(out_dir).write(reply):
                echo(f"wrote {path}")
    if unposted:
        raise NotPosted(f"Not posted: {', '.join(unposted)}. {NEXT_STEP}")
    return replies


async def _post_now(
    store: HealthStore,
    site: Site,
    clock: Clock,
    poster: DigestPoster,
    echo: Callable[[str], None],
    extra_notes: NotesHook | None,
    unposted: list[str],
    outbox: DigestOutbox | None = None,
) -> Reply:
    if not site.digest_channel:
        echo(f"{site.name}: no digest_channel in bot.toml; nothing posted")
        unposted.append(site.name)
        return await digest_reply(store, site, clock.now(), extra_notes)
    sender = DigestSender(store, [site], clock, poster, extra_notes=extra_notes, outbox=outbox)
    today = clock.now().astimezone(site.zone).date()
    outcome = await sender.send(site, today)
    if outcome.sent or outcome.reason == "already sent":
        echo(f"{site.name}: {outcome.reason}")
    else:
        # said truthfully: no "retrying in 60 s" from a command that is about to exit
        why = outcome.reason.split("; retrying in")[0]
        echo(f"{site.name}: {why}")
        unposted.append(site.name)
    return outcome.reply or await digest_reply(store, site, clock.now(), extra_notes)
