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
from bot.core.replies import Reply
from bot.health.digest import (
    DigestFigures,
    DigestPoster,
    build_digest_reply,
    compute_figures,
    due_date,
)
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


class PrintPoster:
    """Posts to the terminal (for `bot digest --post` without a chat platform)."""

    def __init__(self, echo: Callable[[str], None] = print) -> None:
        self.echo = echo

    async def post_digest(self, channel: str, reply: Reply) -> None:
        self.echo(f"--> {channel}\n{reply_text(reply)}")


class FilePoster:
    """Writes each digest's text and chart into a directory."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.written: list[Path] = []

    async def post_digest(self, channel: str, reply: Reply) -> None:
        self.write(reply)

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
    def __init__(
        self,
        store: HealthStore,
        sites: Sequence[Site],
        clock: Clock,
        poster: DigestPoster,
        *,
        extra_notes: NotesHook | None = None,
    ) -> None:
        self.store = store
        self.sites = list(sites)
        self.clock = clock
        self.poster = poster
        self.extra_notes = extra_notes

    async def send_due(self, site: Site | None = None) -> list[SendOutcome]:
        """Post every digest that is due now (the scheduled job and the start-up catch-up)."""
        outcomes = []
        for one in [site] if site is not None else self.sites:
            if not one.digest_channel:
                continue
            day = due_date(one, self.store, self.clock.now())
            if day is None:
                outcomes.append(SendOutcome(one.property_id, None, False, "nothing due"))
                continue
            outcomes.append(await self.send(one, day))
        return outcomes

    async def send(self, site: Site, local_date: date, channel: str | None = None) -> SendOutcome:
        target = channel or site.digest_channel
        if not target:
            return SendOutcome(site.property_id, local_date, False, "no digest_channel")
        now = self.clock.now()
        day = local_date.isoformat()
        if not self.store.claim_digest(site.property_id, day, target, ts(now)):
            return SendOutcome(site.property_id, local_date, False, "already sent")
        try:
            figures = compute_figures(self.store, site, now)
            reply = await digest_reply(self.store, site, now, self.extra_notes, figures=figures)
            await self.poster.post_digest(target, reply)
        except Exception:
            self.store.release_digest(site.property_id, day)
            log.exception("digest for %s (%s) failed", site.name, day)
            raise
        self.store.finish_digest(site.property_id, day, ts(self.clock.now()), figures.summary())
        return SendOutcome(site.property_id, local_date, True, f"posted to {target}", reply)


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
) -> list[Reply]:
    """`bot digest [--property P] [--post] [--out DIR]`: build the digests now.

    Without --post: print each digest and, with --out, write its text and chart. With --post: post
    through `poster` (default PrintPoster) to the property's digest_channel and record it, so the
    nightly job will not post that local day again; a day already posted is not posted twice.
    `extra_notes` adds the same sections as the nightly digest.
    """
    chosen = list(sites)
    if property_name is not None:
        site = find_site(sites, property_name)
        if site is None:
            known = ", ".join(s.name for s in sites) or "none configured"
            raise ValueError(f"unknown property {property_name!r} (known: {known})")
        chosen = [site]
    replies = []
    sender = DigestSender(store, sites, clock, poster or PrintPoster(echo), extra_notes=extra_notes)
    for site in chosen:
        if post:
            today = clock.now().astimezone(site.zone).date()
            outcome = await sender.send(site, today, channel=site.digest_channel or "console")
            echo(f"{site.name}: {outcome.reason}")
            sent = outcome.reply
            replies.append(sent or await digest_reply(store, site, clock.now(), extra_notes))
            continue
        reply = await digest_reply(store, site, clock.now(), extra_notes)
        replies.append(reply)
        echo(reply_text(reply))
        if out_dir is not None:
            for path in FilePoster(out_dir).write(reply):
                echo(f"wrote {path}")
    return replies
