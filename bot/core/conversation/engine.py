"""The conversation core: text in, Reply out, the same for the console, Slack and Teams.

handle() never raises: what it cannot parse gets suggestions; what a role may not do is refused politely
and audited; an unexpected error becomes one plain sentence with a reference, and the trace goes to the log.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import bot.core.changes.chunks  # noqa: F401  (installs bulk changes in chunks into unit_writes.run_change)
from bot.core.access.access_checks import (
    answer_refusal,
    note_confirmed_for,
    others_waiting,
    visible_entries,
)
from bot.core.access.context import Ctx, Message, ProgressSink
from bot.core.access.pending import Pending
from bot.core.access.services import Services
from bot.core.changes.housekeeping import refused_text
from bot.core.changes.retry_failed import retry_failed
from bot.core.commands.channel_settings import refresh_settings
from bot.core.commands.help import help_reply
from bot.core.commands.station_menu import station_choices
from bot.core.conversation.compound import (
    THEN,
    ChainPlan,
    chain_plan,
    clauses,
    combined,
    left_alone_last,
    named_property,
)
from bot.core.conversation.confirm_elsewhere import confirm_elsewhere
from bot.core.conversation.ordering import ConversationOrder, valid_utf8
from bot.core.conversation.question_cards import QuestionCards
from bot.core.conversation.question_place import placed
from bot.core.ledger.audit import AuditEntry, Headline, changes_count
from bot.core.shared import commands as c
from bot.core.shared.canonical import command_text
from bot.core.shared.commands import Role, SetPropertyPlace
from bot.core.shared.registry import covers_the_chain, entry_for, role_for
from bot.core.shared.replies import Action, ActionKind, Reply, ReplyKind, Table
from bot.core.shared.when import parse_utc, spoken_time, zone_label, zone_of
from bot.core.understanding import understand
from bot.core.understanding.followup import Key, Question, Questions
from bot.core.understanding.lexicon import Lexicon, fold, lexicon_for
from bot.core.understanding.pipeline import is_new_request
from bot.core.understanding.reading import Ask
from bot.core.understanding.spelling import correct
from bot.core.understanding.text import clean, plural, split_preview
from bot.index.lookup import PropertyRef

__all__ = ["ANSWERED_ONCE", "Engine", "Message", "ProgressSink"]

log = logging.getLogger("bot.engine")
# A second press of a button that acts once per card (Message.once); adapters word it for theirs
ANSWERED_ONCE = "That was already answered under this card; nothing more was done."
Handler = Callable[[Ctx], Awaitable[Reply]]


def _what_was_asked(summary: str) -> str:
    """The question of a confirmation as a plain clause: "Delete room 251? This cannot be undone."
    -> "delete room 251"."""
    asked = summary.split("?", 1)[0] if "?" in summary else summary
    asked = asked.strip().rstrip(".").strip()
    return asked[:1].lower() + asked[1:]


def _asks_for_place(reply: Reply, command: c.Command) -> bool:
    """A property added in chat ends with "Which country and timezone is it in?": the next message
    (`US`, `US America/New_York`, `Europe/London`) answers it."""
    return (
        isinstance(command, c.AddUnit)
        and reply.kind == ReplyKind.SUCCESS
        and any("Which country and timezone" in note for note in reply.notes)
    )


_CORRECTION = re.compile(
    r"^(?:actually|no\s+wait|wait|instead|rather|sorry|oops|make\s+(?:it|that)|change\s+(?:it|that)\s+to)\b",
    re.I,
)
# "and 211 as well", "also 215", "same for 122", "211 too": the change just made, for more rooms
_ALSO = re.compile(
    r"^(?:and\s+|also\s+|plus\s+|same\s+(?:for|in|with)\s+|(?:and\s+)?the\s+same\s+(?:for|in)\s+)+"
    r"|\s+(?:as\s+well|too|also)\s*[.!]*$",
    re.I,
)
# Words for the rooms just talked about: "set it to gospel", "same room", "there too"
_ONE_ROOM = re.compile(r"\b(?:it|there|that\s+room|this\s+room|same\s+room)\b", re.I)
_SAME_ROOMS = re.compile(r"\b(?:it|there|that\s+room|this\s+room|same\s+room|them)\b", re.I)
# "don't <verb> <these>, just <those>": the negation governs only the first part
_BUT_JUST = re.compile(
    r"^(?:please\s+)?(?:don'?t|dont|do\s+not)\s+(?P<verb>[a-z]+)\s+(?P<neg>.+?)\s*[,;]?\s+"
    r"(?:just|only)\s+(?P<pos>.+?)\s*[.!]*$",
    re.I,
)
_WHERE = re.compile(r"\b(?:in|for|of|at)\s+.+$", re.I)
# The words of a correction before what it corrects: "no wait,", "sorry i meant", "oops, it's"
_MEANT = re.compile(
    r"^(?:(?:no|wait|sorry|oops|whoops|woops|my\s+bad|actually|rather|instead|i\s+meant|meant|"
    r"i\s+mean|it\s+was|"
    r"it'?s|the\s+other\s+one|that\s+should\s+(?:be|have\s+been)|should\s+be)\b[\s,.!:-]*)+",
    re.I,
)
# how a confirmation names a whole property or room type among its units (ScopeRooms.mark)
_SCOPES = ("property:", "room_type:")
# Refusals of a message that holds several requests: cut into whole requests when it can be.
_SEVERAL = ("two_requests", "several_stations")
_CHANGES = (c.SetStation, c.ClearAlerts)
# "the one at kensington", "at kensington": the words before a property's name
_PLACE_SAID = re.compile(r"^(?:the\s+one\s+)?(?:at|in|@)\s+|^the\s+one\s+", re.I)
# A question about a change made before: "who put jazz on in 111", "when was 106 set to jazz".
_PAST_QUESTION = re.compile(r"^\s*(?:who|when|why|did|has|have|had|was|were)\b", re.I)
# Replies after which the next part of such a message runs: the part was done or answered.
_RAN = (ReplyKind.SUCCESS, ReplyKind.SUMMARY, ReplyKind.INFO)
_CANCEL_THAT = re.compile(r"^(?:cancel|scratch|revert)\s+(?:that|it)\b", re.I)


# How long a property named in a conversation makes the channel's property a question (a shift's
# stretch of work on one hotel, not the rest of the day)
RECENT_PLACE = timedelta(minutes=30)


def _named_property(command: c.Command) -> str | None:
    """The property a command names itself (`… at Lyon`), if any."""
    target = getattr(command, "target", None)
    if isinstance(target, c.Target) and target.property_name:
        return target.property_name
    name = getattr(command, "property_name", None)
    return name if isinstance(name, str) and name else None


def _conversation(msg: Message) -> Key:
    return (msg.user, msg.channel, msg.thread)


def _is_control(text: str, lexicon: Lexicon) -> bool:
    """yes, no, undo, retry, help: the conversation's own words are never taken as a station or a name."""
    parsed = understand(text, lexicon).parsed
    return parsed is not None and isinstance(
        parsed.command, c.Confirm | c.Cancel | c.Undo | c.RetryFailed | c.Help | c.SmallTalk
    )


def _is_read(text: str, lexicon: Lexicon) -> bool:
    """A question about a room or a device ("is Monet's echo online?"): answered on its own, and
    the question the bot asked before ("Which room?") still waits for its answer."""
    parsed = understand(text, lexicon).parsed
    return parsed is not None and isinstance(
        parsed.command,
        c.AskStation | c.RoomDevices | c.EchoOnline | c.OfflineDevices | c.DeviceHistory | c.Uptime,
    )


def _is_preview(text: str) -> bool:
    return split_preview(text.strip())[1]


def _which_one(waiting: list[Pending], verb: str) -> Reply:
    """A bare yes (or no) with several questions waiting: ask which, with one button each."""
    kind = ActionKind.CONFIRM if verb == "confirm" else ActionKind.CANCEL
    return Reply(
        headline=f"{len(waiting)} requests of yours wait for a yes or no. Which one do you mean?",
        kind=ReplyKind.QUESTION,
        notes=[f"`{verb} {p.token}`: {_asked_for(p)}" for p in waiting],
        actions=[
            Action(
                kind=kind,
                label=f"{verb.capitalize()}: {_asked_for(p)[:60]}",
                value=f"{verb} {p.token}",
            )
            for p in waiting
        ],
    )


def _asked_for(waiting: Pending) -> str:
    """One waiting question as the user can tell it from the others: the request as typed (three
    "delete all alarms of room 311" look alike; "cancel the 7am wake-up call in 311" does not)."""
    asked = _what_was_asked(waiting.summary)
    return f"\u201c{waiting.text}\u201d: {asked}" if waiting.text else asked


def _who_changed(command: c.SetStation | c.ClearAlerts) -> c.Command | None:
    """`who set 108 to classic rock`, `when was 106 set to jazz`: who changed that one room."""
    from bot.core.commands.cmd_who_changed import (
        WhoChanged,  # the command modules import the engine's parts
    )

    target = command.target
    if len(target.rooms) != 1 or target.room_type or target.all_rooms:
        return None
    return WhoChanged(room=target.rooms[0], property_name=target.property_name)


def _dropped_question(asked: Question) -> tuple[str, ...]:
    """The note for an open question a new request replaced, so nothing it asked is lost unsaid:
    a change whose rooms and station (or kinds) were known, asked where or whether."""
    about = asked.about
    partial = asked.partial
    if not about and isinstance(partial, _CHANGES) and asked.missing != "station":
        target = partial.target
        if target.rooms or target.room_type or target.all_rooms:
            about = command_text(partial)
    if not about:
        return ()
    return (
        f"My question about \u201c{about}\u201d was left unanswered, so nothing was done "
        "there; send it again if you still want it.",
    )


def _settled_card(command: c.Command, reply: Reply) -> Reply:
    """An Undo or Retry button naming a change that has nothing more to do (already undone, still
    running, nothing failed) is a press on a settled card: the adapter leaves the card's result and
    tells the presser alone. Typed, the same reply is simply shown."""
    named = isinstance(command, c.Undo | c.RetryFailed) and command.token is not None
    if named and reply.kind == ReplyKind.INFO and not reply.actions:
        return reply.model_copy(update={"stale": True})
    return reply


class Engine:
    def __init__(self, services: Services, order: ConversationOrder | None = None) -> None:
        self.s = services
        self.questions = Questions()
        # the property each conversation named last, and when (see Resolver.recent_property)
        self._places: dict[Key, tuple[str, datetime]] = {}
        # the last request each conversation had answered ("and 211" follows it; "set it to
        # gospel" asks about its rooms)
        self._last_commands: dict[Key, tuple[c.Command, datetime]] = {}
        # the station change just refused ("I can't find room 999"): "sorry i meant 219" is of it
        self._refused: dict[Key, tuple[c.SetStation, datetime]] = {}
        # the changes one message of several requests made, which a bare `undo` undoes together
        self._parts: dict[Key, tuple[list[str], int, datetime]] = {}
        self.question_cards = QuestionCards()
        # across replicas: bot.pg.ordering.ReplicaOrder (BOT_DATABASE_URL)
        self._order = order if order is not None else ConversationOrder()

    async def handle(self, msg: Message, progress: ProgressSink | None = None) -> Reply:
        msg = valid_utf8(msg)
        # One person's messages in one conversation run in arrival order (`undo` right after a
        # change must see that change); other people and conversations are not held up.
        async with self._order.turn(msg.platform, msg.user, msg.channel):
            self._refresh_settings()
            key, now = _conversation(msg), self.s.clock.now()
            stale = self.question_cards.stale_press(msg.card, key, self.questions.get(key, now))
            stale = stale or self._answered_once(msg)
            reply = stale or await self._handle_safely(msg, progress)
            if stale is None:
                self._claim_once(msg, reply)
            reply = self._tag_question(key, reply)
        return self._with_notices(msg, reply)

    def _answered_once(self, msg: Message) -> Reply | None:
        """A press that acts once per card (`Message.once`, e.g. a page of a list) whose card was
        answered already: told, not run again (the adapter leaves the card and tells the presser
        alone)."""
        if msg.once is None or not self.s.audit.seen_delivery(msg.once):
            return None
        return Reply(headline=ANSWERED_ONCE, kind=ReplyKind.INFO, stale=True)

    def _claim_once(self, msg: Message, reply: Reply) -> None:
        """Remember a once-per-card press as answered (in the deliveries table, so across restarts
        and replicas), once it was: a failure or a refusal may be pressed again."""
        failed = reply.kind in (ReplyKind.ERROR, ReplyKind.REFUSAL)
        if msg.once is None or failed or reply.silent or reply.stale:
            return
        try:
            self.s.journal.claim_delivery(msg.once, self.s.clock.now())
        except Exception:  # the answer stands; a later second press may then be answered again
            log.exception("could not record the press %s", msg.once)

    def _refresh_settings(self) -> None:
        """A setting made in chat through another process or replica holds here too."""
        try:
            refresh_settings(self.s)
        except Exception:  # the settings already applied still hold
            log.exception("could not read the settings made in chat")

    def _tag_question(self, key: Key, reply: Reply) -> Reply:
        """A question with choices gets its card's token, which its buttons carry."""
        choices = any(a.kind == ActionKind.CHOICE for a in reply.actions)
        if reply.kind != ReplyKind.QUESTION or not choices or reply.ref is not None:
            return reply
        asked = self.questions.get(key, self.s.clock.now())
        if asked is None:
            return reply
        return reply.model_copy(update={"ref": self.question_cards.issue(key, asked)})

    def take_notices(self, user: str, platform: str) -> list[str]:
        """Notices waiting for `user` on `platform` (e.g. a change interrupted by a restart), now
        counted as delivered: the console prints them at start."""
        notices = [n for n in self.s.journal.open_notices(user) if n.platform == platform]
        now = self.s.clock.now()
        # each shown once, even when another replica posts or shows it at the same moment
        return [n.text for n in notices if self.s.journal.mark_delivered(n.id, now)]

    def _with_notices(self, msg: Message, reply: Reply) -> Reply:
        """Notices that could not be posted (e.g. a change interrupted by a restart) are shown
        on the user's next message."""
        try:
            notices = self.take_notices(msg.user, msg.platform)
        except Exception:
            log.exception("could not read the notices of %s", msg.user)
            return reply
        if not notices:
            return reply
        return reply.model_copy(update={"notes": [*reply.notes, *notices]})

    async def _handle_safely(self, msg: Message, progress: ProgressSink | None) -> Reply:
        try:
            return await self._handle(msg, progress)
        except Exception:
            ref = secrets.token_hex(3)
            log.exception("unhandled error (ref %s) for %r from %s", ref, msg.text, msg.user)
            return Reply(
                headline=f"Something went wrong on our side (ref {ref}). If you asked for a change, check it "
                "with a question such as `what's playing in <room>` before trying again.",
                kind=ReplyKind.ERROR,
            )

    async def _handle(self, msg: Message, progress: ProgressSink | None) -> Reply:
        if msg.request_id and not self.s.journal.claim_delivery(msg.request_id, self.s.clock.now()):
            # The platform re-sent a request already handled: the adapter logs it, posts nothing.
            return Reply(
                headline="Already done (this was a repeated delivery of the same request).",
                silent=True,
            )
        role = self.s.access.role_of(msg.user)
        if role is None:
            self.s.audit.record(
                at=self.s.clock.now(),
                platform=msg.platform,
                user=msg.user,
                channel=msg.channel,
                # a stranger's message is kept short (and purged after the retention period)
                text=refused_text(msg.text),
                command="-",
                parsed="-",
                targets=[],
                outcome="refused",
                detail="unknown user",
                delivery_id=msg.request_id,
            )
            return Reply(
                headline="Sorry, I don't know you yet, so I can't act on requests from you. "
                "Ask a manager to add you to the bot's roles.",
                kind=ReplyKind.REFUSAL,
            )
        understood = self._understand(msg)
        if isinstance(understood, Reply):
            return understood
        command, preview, said, answered = understood
        if isinstance(command, c.NotDone) and command.reason in _SEVERAL:
            lexicon = lexicon_for(self.s.index, self.s.catalog)
            parts = clauses(answered or msg.text, lexicon)
            if parts is not None:
                return await self._run_clauses(msg, parts, progress)
        if answered is not None:  # logged as the whole request, the answer noted
            msg = replace(msg, answered=answered)
        needed = role_for(command)
        ctx = Ctx(
            self.s,
            msg,
            role,
            command,
            preview=preview,
            progress=progress,
            needed=needed,
            recent_property=self._recent_place(msg),
        )
        if not role.allows(needed):
            ctx.audit("refused", detail=f"needs role {needed.value}")
            return Reply(
                # Worded around the role: a rule's help summary does not read as a sentence here.
                headline=f"Sorry, that command needs the {needed.value.replace('_', ' ')} "
                f"role; you are {role.value.replace('_', ' ')}. Nothing was changed.",
                kind=ReplyKind.REFUSAL,
                notes=["Type `help` to see what you can do."],
            )
        if covers_the_chain(ctx.command) and (why := self.s.access.chain_refusal(msg.user, needed)):
            ctx.audit("refused", detail="needs a chain-wide role")
            return Reply(headline=f"{why} Nothing was changed.", kind=ReplyKind.REFUSAL)
        group = self._undo_group(msg, ctx.command)
        if group is not None:  # `undo` right after one message's several changes: all of them
            return await self._run_clauses(msg, [f"undo {change}" for change in group], progress)
        plan = self._chain_plan(msg, ctx.command)
        if plan is not None and isinstance(ctx.command, c.AskStation):  # a read: each answered
            return await self._run_clauses(msg, plan.parts, progress)
        if plan is not None:  # the rooms named, at every property holding them: asked first
            parts = plan.parts  # a change to its rooms since makes a late yes ask again
            return ctx.confirm(
                plan.summary,
                lambda: self._run_clauses(msg, parts, ctx.progress),
                danger=False,
                units=plan.units,
            )
        reply = _settled_card(ctx.command, await self._dispatch(ctx))
        # a change made since: an older unanswered confirmation is answered by its buttons only,
        # never by a later bare "yes" meant for something else; and the user is told
        made = ctx.command.mutating and reply.kind in (ReplyKind.SUCCESS, ReplyKind.SUMMARY)
        if made and (older := self._leave_older_to_buttons(msg)):
            reply = reply.model_copy(update={"notes": [*reply.notes, *older]})
        if reply.table is not None and reply.kind == ReplyKind.INFO and reply.query is None:
            # a read-only answer can be asked again for its next page (bot/chat/paging.py)
            reply = reply.model_copy(update={"query": ctx.msg.answered or ctx.msg.text})
        self._remember_question(msg, reply, preview, ctx.command)
        moved = ctx.resolver.moved_to
        self._note_place(msg, ctx.command, reply, moved.name if moved else None)
        if said:  # typos in names, corrected: said back, never applied silently
            reply = reply.model_copy(update={"notes": [*reply.notes, *said]})
        return reply

    async def _run_clauses(
        self, msg: Message, parts: list[str], progress: ProgressSink | None
    ) -> Reply:
        """Each part of a message that holds several whole requests, run as if sent one by one;
        the first that asks something stops the rest, which are said back, never run unasked."""
        replies: list[Reply] = []
        try:
            return await self._run_parts(msg, parts, progress, replies)
        finally:
            changes = [
                action.value.split()[-1]
                for reply in replies
                for action in reply.actions
                if action.kind == ActionKind.UNDO
            ]
            if changes and len(replies) > 1:  # the last audit entry then: no change of theirs since
                last = self.s.audit.last_id()
                self._parts[_conversation(msg)] = (changes, last, self.s.clock.now())

    async def _run_parts(
        self, msg: Message, parts: list[str], progress: ProgressSink | None, replies: list[Reply]
    ) -> Reply:
        for at, part in enumerate(parts):
            one = replace(msg, text=part, request_id=None, answered=None, card=None, once=None)
            reply = await self._handle(one, progress)
            replies.append(reply)
            rest = parts[at + 1 :]
            if reply.kind in _RAN:
                continue
            carried = self._ask_for_the_rest(msg, reply, rest) if rest else None
            if carried is not None:
                replies[-1] = carried
            return combined(replies, [] if carried is not None else rest)
        return combined(replies, [])

    def _undo_group(self, msg: Message, command: c.Command) -> list[str] | None:
        """The undoable changes of the user's last message made of several (newest first), when a
        bare `undo` follows it with no change of theirs since; taken once."""
        if not isinstance(command, c.Undo) or command.token or command.room:
            return None
        key = _conversation(msg)
        kept = self._parts.pop(key, None)
        if kept is None or self.s.clock.now() - kept[2] > RECENT_PLACE:
            return None
        changes, last, _at = kept
        latest = self.s.audit.last_own_change(msg.user, msg.channel)
        if latest is None or latest.id > last:
            return None  # a change of theirs since: `undo` is about that one
        return list(reversed(changes))

    def _ask_for_the_rest(self, msg: Message, reply: Reply, rest: list[str]) -> Reply | None:
        """A "which property?" question asked for one part asks it for the parts after it too:
        each choice runs them all at the property chosen. None when it is another question."""
        key = _conversation(msg)
        asked = self.questions.get(key, self.s.clock.now())
        lexicon = lexicon_for(self.s.index, self.s.catalog)
        if reply.kind != ReplyKind.QUESTION or asked is None or not asked.choices:
            return None
        if any(named_property(part, lexicon) for part in rest):
            return None
        choices: list[tuple[str, str]] = []
        for label, value in asked.choices:
            place = named_property(value, lexicon)
            if place is None:
                return None
            choices.append((label, THEN.join([value, *(f"{part} at {place}" for part in rest)])))
        self.questions.ask(
            key,
            self.s.clock.now(),
            choices=choices,
            partial=asked.partial,
            missing=asked.missing,
            preview=asked.preview,
        )
        actions = [Action(kind=ActionKind.CHOICE, label=label, value=v) for label, v in choices]
        return reply.model_copy(update={"actions": actions})

    def _recent_place(self, msg: Message) -> str | None:
        kept = self._places.get(_conversation(msg))
        if kept is None or self.s.clock.now() - kept[1] > RECENT_PLACE:
            return None
        return kept[0]

    def _note_place(
        self, msg: Message, command: c.Command, reply: Reply, moved_to: str | None = None
    ) -> None:
        """The property this request named (or its rooms were found at, away from the channel's)
        and the request itself, which the next messages may follow."""
        key = _conversation(msg)
        self._refused.pop(key, None)
        if reply.kind == ReplyKind.QUESTION:  # "it" later is no longer the earlier request's
            self._last_commands.pop(key, None)
        refused = reply.kind in (ReplyKind.ERROR, ReplyKind.REFUSAL)
        if refused and isinstance(command, c.SetStation) and command.station:
            # a correction next is of this request, never of the change made before it
            self._last_commands.pop(key, None)
            self._refused[key] = (command, self.s.clock.now())
        if refused or reply.kind == ReplyKind.QUESTION:
            return
        name = _named_property(command) or moved_to
        if name:
            self._places[_conversation(msg)] = (name, self.s.clock.now())
        self._last_commands[_conversation(msg)] = (command, self.s.clock.now())

    def _leave_older_to_buttons(self, msg: Message) -> list[str]:
        """The user's older unanswered confirmations, left to their cards' buttons (a bare "yes"
        typed next is never theirs), each said in a note."""
        older = self.s.pending.supersede(msg.user, msg.channel, self.s.clock.now())
        return [_left_to_its_buttons(pending) for pending in older]

    def _same_rooms(self, msg: Message, ask: Ask) -> Ask:
        """`set it to gospel` right after `what's playing in Swing`: "Set room Swing to Gospel?"
        (one choice), never a bare "Which room?"."""
        partial = ask.partial
        if ask.missing != "target" or not isinstance(partial, c.SetStation | c.ClearAlerts):
            return ask
        if ask.choices:  # its choices name the message's own rooms ("“Spa” is a room here too")
            return ask
        if partial.target.rooms or partial.target.room_type or not _SAME_ROOMS.search(msg.text):
            return ask
        kept = self._last_commands.get(_conversation(msg))
        target = getattr(kept[0], "target", None) if kept is not None else None
        if kept is None or self.s.clock.now() - kept[1] > timedelta(minutes=10):
            return ask
        if not isinstance(target, c.Target) or not (target.rooms or target.room_type):
            return ask
        again = replace(partial, target=target)
        where = target.describe()
        question = (
            f"Set {where} to {partial.station.title()}?"
            if isinstance(partial, c.SetStation)
            else f"Clear the {' and '.join(k.value for k in partial.kinds)} in {where}?"
        )
        return replace(
            ask,
            question=f"{question} Nothing was changed yet.",
            partial=again,
            choices=(("yes", command_text(again)),),
        )

    def _one_room_just_read(self, msg: Message, same: Ask) -> bool:
        """`set it to jazz` just after `what's playing in 219 at lakeside`: one room, read last."""
        kept = self._last_commands.get(_conversation(msg))
        target = getattr(same.partial, "target", None)
        return (
            kept is not None
            and isinstance(kept[0], c.AskStation)
            and isinstance(target, c.Target)
            and len(target.rooms) == 1
            and _ONE_ROOM.search(msg.text) is not None
        )

    # --- understanding: the message, or the answer to the question asked before ------------------

    def _understand(
        self, msg: Message
    ) -> tuple[c.Command, bool, tuple[str, ...], str | None] | Reply:
        lexicon = lexicon_for(self.s.index, self.s.catalog)
        key = _conversation(msg)
        asked = self.questions.get(key, self.s.clock.now())
        unanswered: tuple[str, ...] = ()
        if asked is not None and is_new_request(msg.text, lexicon):
            if not _is_read(msg.text, lexicon):
                self.questions.drop(key)  # a new request replaces the open question
                # (a choice's text sent as typed, e.g. the console's "1", answers it)
                if all(fold(msg.text) != fold(value) for _label, value in asked.choices):
                    unanswered = _dropped_question(asked)
            asked = None
        if asked is not None:
            chosen = asked.choice_for(correct(msg.text, lexicon))
            control = _is_control(msg.text, lexicon)
            completed = None if chosen or control else asked.completed(msg.text, lexicon)
            if chosen is not None or completed is not None:
                self.questions.drop(key)
            if completed is not None:
                return completed, asked.preview, (), command_text(completed)
            if chosen is None and completed is None and not control:
                chosen = self._at_another_place(msg, asked)
                if chosen is not None:
                    self.questions.drop(key)
            if chosen is not None:
                msg = replace(msg, text=chosen, answered=chosen)
        but_just = self._but_just(msg, lexicon)
        if isinstance(but_just, Reply):
            return but_just
        if but_just is not None:  # "don't clear alarms in 309, just the timers": the timers
            msg = replace(msg, text=but_just, answered=but_just)
        result = understand(msg.text, lexicon)
        negation = result.parsed is not None and isinstance(
            result.parsed.command, c.SmallTalk | c.NotDone
        )
        if negation and (reordered := left_alone_last(msg.text, lexicon)) is not None:
            msg = replace(msg, text=reordered)
            result = understand(reordered, lexicon)
        # a question with choices names rooms of its own ("“Spa” is a room here too …"): a new
        # request, never a new station for the one waiting
        no_rooms_said = result.ask is not None and not result.ask.choices
        if (
            result.ask is not None
            and no_rooms_said
            and (amended := self._amend_waiting(msg, result.ask.partial))
        ):
            return amended
        dropped = self._drop_waiting(msg) if _CORRECTION.match(result.cleaned) else None
        redo: Ask | Reply | c.Command | None = None
        # a bare place not understood ("marlin" right after a change there): moved, asked
        bare = (
            result.parsed is None
            and result.ask is None
            and len(msg.text.split()) <= 4
            and not re.search(r"\d", msg.text)
            and not _ALSO.search(msg.text.strip())
        )
        if dropped is None and (
            _CORRECTION.match(result.cleaned) or _MEANT.match(msg.text) or bare
        ):
            redo = self._redo_room(msg, msg.text, lexicon)
        if redo is None and dropped is None and _ALSO.search(msg.text.strip()):
            redo = self._also_rooms(msg, lexicon)
        if (
            result.ask is not None
            and redo is None
            and dropped is None
            and _CORRECTION.match(result.cleaned)
        ):
            redo = self._redo_last(msg, result.ask.partial, lexicon)
        if isinstance(redo, Reply):
            return redo
        if isinstance(redo, Ask):
            result = replace(result, ask=redo, parsed=None)
        elif redo is not None:  # the station of the change just made, corrected: made again
            return redo, _is_preview(msg.text), unanswered, command_text(redo)
        if dropped is not None and result.parsed is None and result.ask is None:
            return dropped
        if result.ask is not None:
            ask = result.ask
            same = self._same_rooms(msg, ask)
            if same is not ask and self._one_room_just_read(msg, same):
                # "set it to jazz" right after asking about one room: that room, said back
                return same.partial, _is_preview(msg.text), (), command_text(same.partial)
            # a question asked: "it" in a later message no longer means an earlier request's rooms
            self._last_commands.pop(key, None)
            ask = placed(self.s, msg.channel, msg.user, same)
            if ask.missing == "station" and not ask.choices:
                menu = station_choices(self.s, msg.channel, msg.user, ask.partial)
                ask = replace(ask, choices=menu)
            self.questions.ask(
                key,
                self.s.clock.now(),
                choices=list(ask.choices),
                partial=ask.partial,
                missing=ask.missing,
                preview=_is_preview(msg.text),
            )
            # round 30b: a "yes" typed next is about this question, never an older confirmation
            # (it cleared 215's alarms while the question was about 210 and 211)
            older = (
                self._leave_older_to_buttons(msg)
                if len(ask.choices) > 1
                and all(label != "yes" for label, _ in ask.choices)
                and isinstance(ask.partial, _CHANGES)
                else []
            )
            return Reply(
                headline=ask.question,
                kind=ReplyKind.QUESTION,
                actions=[
                    Action(kind=ActionKind.CHOICE, label=label, value=value)
                    for label, value in ask.choices
                ],
                notes=older,
            )
        if result.parsed is None:
            return self._not_understood(msg, result.cleaned, result.suggestions)
        command = result.parsed.command
        latest = self.s.pending.latest_for(msg.user, msg.channel)
        if (
            isinstance(command, c.Cancel)
            and command.token is None
            and asked is not None
            and (latest is None or latest.order < asked.order)  # "nah" answers the last question
        ):
            self.questions.drop(key)
            return Reply(headline="OK, forget it. Nothing was changed.", kind=ReplyKind.INFO)
        if (
            isinstance(command, c.Cancel)
            and command.token is None
            and asked is None
            and _CANCEL_THAT.match(result.cleaned)
            and not self.s.pending.waiting_for(msg.user, msg.channel)
        ):
            command = c.Undo()  # "cancel that" right after a change, with nothing waiting: undo it
        if isinstance(command, c.SmallTalk) and command.kind == "negation":
            self.questions.drop(key)
        if isinstance(command, _CHANGES) and _PAST_QUESTION.match(msg.text):
            asked_about = _who_changed(command)
            if asked_about is None:
                return Reply(
                    headline="That reads as a question about a change made before, so nothing "
                    "was changed. Ask `who changed <room>` to see a room's changes.",
                    kind=ReplyKind.INFO,
                )
            command = asked_about  # "who put jazz on in 111?": a question, never the change
        return command, result.parsed.preview, (*result.parsed.notes, *unanswered), msg.answered

    def _chain_plan(self, msg: Message, command: c.Command) -> ChainPlan | None:
        """`set 204 everywhere to jazz` (asked first), `what's playing in 204 everywhere`."""
        refused = isinstance(command, c.NotDone) and command.reason == "chain_scope"
        if not refused and not isinstance(command, c.AskStation):
            return None

        def may_change(write: c.Command, property_id: str) -> bool:
            place = self.s.index.property(property_id)
            return place is not None and bool(
                self.s.access.allowed(msg.user, role_for(write), [place])
            )

        def offered(station: str, property_id: str) -> bool:
            place = self.s.index.property(property_id)
            found = self.s.catalog.lookup(place.country, station) if place else None
            return found is not None and found.station is not None

        lexicon = lexicon_for(self.s.index, self.s.catalog)
        text = msg.answered or msg.text
        return chain_plan(text, lexicon, self.s.index, may_change, offered)

    def _amend_waiting(
        self, msg: Message, partial: c.Command
    ) -> tuple[c.Command, bool, tuple[str, ...], str | None] | None:
        """`actually make it classical` while a station change waits for a yes: the waiting one is
        cancelled and the same rooms are asked again with the new station (never left armed)."""
        if not isinstance(partial, c.SetStation) or not partial.station:
            return None
        if partial.target.rooms or partial.target.room_type or partial.target.all_rooms:
            return None
        if partial.target.property_name:  # `set Le Jardin Lyon to jazz`: a new request, no room
            return None
        pending = self.s.pending.latest_for(msg.user, msg.channel)
        owner = pending.owner if pending is not None else None
        if pending is None or not isinstance(owner, Ctx):
            return None
        waiting = owner.command
        if not isinstance(waiting, c.SetStation) or pending.expires <= self.s.clock.now():
            return None
        if waiting.station == partial.station:  # nothing to amend: the question stands
            return None
        self.s.pending.pop(pending.token)
        command = replace(waiting, station=partial.station)
        note = (
            f"I changed your waiting request to {partial.station.title()} instead of "
            f"{waiting.station.title()}; the {waiting.station.title()} one is cancelled."
        )
        return command, False, (note,), None

    def _undo_hint(self, msg: Message) -> str:
        """What `undo` would do for the user's last change: put it back, or nothing where a room
        had no station (Amazon cannot clear one)."""
        last = self.s.audit.last_own_change(msg.user, msg.channel)
        if last is not None and any(not change.before for change in last.changes):
            return "`undo` can't put it back: it had no station before, and Amazon has no way to clear one"
        return "say `undo` to put it back"

    def _put_back_note(self, msg: Message, meant: str) -> str:
        """How to get to what was meant after a change that covered more rooms."""
        if self._undo_hint(msg).startswith("say"):
            return f"Say `undo` to put back every room of that change, then `{meant}`."
        return (
            "`undo` can't put them back: a room had no station before, and Amazon has no way to "
            "clear one."
        )

    def _last_change(self, msg: Message, lexicon: Lexicon) -> c.SetStation | c.ClearAlerts | None:
        """This user's station change or clear in this channel of the last 10 minutes, as
        understood from the audit log."""
        last = self.s.audit.last_own_change(msg.user, msg.channel)
        if last is None or last.command not in ("SetStation", "ClearAlerts"):
            return None
        if self.s.clock.now() - parse_utc(last.at) > timedelta(minutes=10):
            return None
        # an answered question is logged as "<the request understood> (answer: “yes”)"
        before = understand(last.text.split(" (answer: \u201c")[0], lexicon).parsed
        done = before.command if before is not None else None
        return done if isinstance(done, c.SetStation | c.ClearAlerts) else None

    def _last_station_change(self, msg: Message, lexicon: Lexicon) -> c.SetStation | None:
        done = self._last_change(msg, lexicon)
        return done if isinstance(done, c.SetStation) else None

    def _redo_last(self, msg: Message, partial: c.Command, lexicon: Lexicon) -> c.Command | None:
        """`actually make it classical` right after `set 214 to jazz` was done: the same rooms
        with the new station (never a bare "Which room?"); the reply says what it was before."""
        if not isinstance(partial, c.SetStation) or not partial.station:
            return None
        target = partial.target
        if target.rooms or target.room_type or target.all_rooms or target.property_name:
            return None
        done = self._last_station_change(msg, lexicon)
        if done is None or done.station == partial.station:
            return None
        # only while that change is the last thing answered here (or a read of its rooms): after
        # `what's on in 106`, "it" is 106, never the change of 104 before
        kept = self._last_commands.get(_conversation(msg))
        if kept is None or getattr(kept[0], "target", None) != done.target:
            return None
        return replace(done, station=partial.station)

    def _but_just(self, msg: Message, lexicon: Lexicon) -> Reply | str | None:
        """`don't clear alarms in 309, just the timers` is the request `clear the timers in 309`;
        `don't change 210, just 211` right after 210-212 were changed says what was done already
        and how to put it back (never "OK, I won't do that" while 210 stays changed)."""
        said = _BUT_JUST.match(msg.text.strip())
        if said is None:
            return None
        verb, negated, wanted = said["verb"].lower(), said["neg"], said["pos"]
        where = _WHERE.search(negated)
        if verb in {"clear", "delete", "remove", "cancel", "wipe"}:
            return f"{verb} {wanted}" + (
                "" if _WHERE.search(wanted) or not where else f" {where[0]}"
            )
        if verb == "touch":  # "don't touch 410, just do 411 with latin": the rest as said
            alone = understand(wanted, lexicon).parsed
            if alone is not None and isinstance(alone.command, _CHANGES):
                return wanted
            verb = "set"
        own = understand(f"{verb} {wanted}", lexicon).parsed
        if own is not None and isinstance(own.command, c.SetStation) and own.command.station:
            return f"{verb} {wanted}"  # "just 211 to oldies": a whole request of its own
        done = self._last_station_change(msg, lexicon)
        named = understand(f"set {negated} to {done.station}", lexicon).parsed if done else None
        undone = named.command if named is not None else None
        if done is None or not isinstance(undone, c.SetStation):
            return f"{verb} {wanted}"
        rooms = set(done.target.rooms) & set(undone.target.rooms)
        if not rooms:
            return f"{verb} {wanted}"
        return Reply(
            headline=f"{'Room' if len(rooms) == 1 else 'Rooms'} {', '.join(sorted(rooms))} "
            f"{'was' if len(rooms) == 1 else 'were'} already changed by "
            f"your last request (\u201c{command_text(done)}\u201d). Nothing more was changed.",
            kind=ReplyKind.INFO,
            notes=[self._put_back_note(msg, f"set {wanted} to {done.station}")],
        )

    def _also_rooms(self, msg: Message, lexicon: Lexicon) -> c.Command | None:
        """`and 211 as well` / `also 215` / `same for 122` right after `set 210 to jazz` (or a
        clearing of alarms): the same change for those rooms (its handler asks first where the
        change itself would: reminders, many rooms)."""
        # ("great, now 205 too": the acknowledgement and "now" are no rooms)
        rest = _ALSO.sub(" ", clean(msg.text)).strip(" ,.!")
        rest = re.sub(r"^now\s+", "", rest, flags=re.I)
        if self.s.pending.waiting_for(msg.user, msg.channel):
            return None  # "404 too" while 401-403 wait for a yes: that one, never an older change
        previous = self._last_commands.get(_conversation(msg))
        if previous is not None and isinstance(previous[0], c.AskStation) and rest:
            # "what's playing in 210" then "and 211": the question again, never the change before
            asked = understand(f"what's playing in {rest}", lexicon).parsed
            read = asked.command if asked is not None else None
            return read if isinstance(read, c.AskStation) else None
        if previous is None or not isinstance(
            previous[0], c.SetStation | c.ClearAlerts | c.Confirm
        ):
            # something else was said in between (a question asked forgets what came before):
            # "and 211" follows that, never the change before
            return None
        done = self._last_change(msg, lexicon) if rest else None
        if isinstance(done, c.SetStation) and done.station:
            again = understand(f"set {rest} to {done.station}", lexicon).parsed
        elif isinstance(done, c.ClearAlerts):
            kinds = " and ".join(k.value for k in done.kinds)
            again = understand(f"clear {kinds} in {rest}", lexicon).parsed
        else:
            return None
        other = again.command if again is not None else None
        if not isinstance(other, c.SetStation | c.ClearAlerts) or type(other) is not type(done):
            return None
        target = other.target
        if not (target.rooms or target.room_type) or target == done.target:
            return None
        if target.property_name is None and done.target.property_name:
            target = replace(target, property_name=done.target.property_name)
        return replace(done, target=target)

    def _redo_room(self, msg: Message, cleaned: str, lexicon: Lexicon) -> Ask | Reply | None:
        """`no wait, 206` / `sorry i meant 314` right after `set 204 to jazz`: 206 to Jazz is
        asked about (204 stays as it is; `undo` puts it back), never read as a station "no".
        `no, only 509 and 510` after 509-511 says what was done and how to put 511 back."""
        if self.s.pending.waiting_for(msg.user, msg.channel):
            return None  # a correction while a change waits for a yes is about that change
        rest = _MEANT.sub("", cleaned).strip(" ,.!")
        rest = re.sub(r"^not\s+[^,;]+?(?:\s*[,;]|\s+-)\s*", "", rest)  # "not 207 - just 206"
        rest = re.sub(r"(?:,\s*|\s+)(?:and\s+|but\s+)?not\s+.*$", "", rest).strip(" ,.!")
        rest = re.sub(r"^(?:just|only)\s+", "", rest, flags=re.I)
        if re.search(r"\b(?:back|undo|revert|restore)\b", rest, re.I):
            return None  # "no wait, not orchid - put orchid back": never the change again
        previous = self._last_commands.get(_conversation(msg))
        if previous is None and rest:
            return self._redo_refused(msg, rest, lexicon)
        if previous is None or not isinstance(previous[0], (*_CHANGES, c.Confirm)):
            return None  # a question or a read came after the change: the correction is not of it
        done = self._last_station_change(msg, lexicon) if rest else None
        if done is None or not done.station:
            return None
        asking = self.questions.get(_conversation(msg), self.s.clock.now()) is not None
        target = None if asking else self._other_place(rest, done)
        if target is None:
            again = understand(f"set {rest} to {done.station}", lexicon).parsed
            other = again.command if again is not None else None
            if not isinstance(other, c.SetStation) or fold(other.station) != fold(done.station):
                return None
            target = other.target
        if not (target.rooms or target.room_type) or target == done.target:
            return None
        if target.property_name is None and done.target.property_name:
            target = replace(target, property_name=done.target.property_name)
        narrowed = set(target.rooms) < set(done.target.rooms) and not target.room_type
        if narrowed:  # "only 509 and 510": the others were changed already
            others = [r for r in done.target.rooms if r not in target.rooms]
            return Reply(
                headline=f"{', '.join(target.rooms)} already {'plays' if len(target.rooms) == 1 else 'play'} "
                f"{done.station.title()}; {', '.join(others)} {'was' if len(others) == 1 else 'were'} "
                "changed too by your last request. Nothing more was changed.",
                kind=ReplyKind.INFO,
                notes=[
                    self._put_back_note(msg, f"set {', '.join(target.rooms)} to {done.station}")
                ],
            )
        instead = replace(done, target=target)
        earlier = done.target.describe()
        stays = "stay" if earlier.startswith("rooms") or earlier.startswith("all") else "stays"
        return Ask(
            f"Set {target.describe()} to {done.station.title()} too? "
            f"{earlier[:1].upper()}{earlier[1:]} {stays} on {done.station.title()} "
            f"({self._undo_hint(msg)}). Nothing was changed yet.",
            "yes",  # only a yes (or the choice) answers it
            instead,
            choices=(("yes", command_text(instead)),),
        )

    def _redo_refused(self, msg: Message, rest: str, lexicon: Lexicon) -> Ask | None:
        """`sorry i meant 219` right after `set 999 to jazz` was refused (no room 999): 219 to
        Jazz is asked about, never the station of a change made before."""
        refused = self._refused.get(_conversation(msg))
        if refused is None or self.s.clock.now() - refused[1] > timedelta(minutes=10):
            return None
        command = refused[0]
        again = understand(f"set {rest} to {command.station}", lexicon).parsed
        other = again.command if again is not None else None
        if not isinstance(other, c.SetStation) or not (
            other.target.rooms or other.target.room_type
        ):
            return None
        target = other.target
        if target.property_name is None and command.target.property_name:
            target = replace(target, property_name=command.target.property_name)
        instead = replace(command, target=target)
        return Ask(
            f"Set {target.describe()} to {command.station.title()}? Nothing was changed yet.",
            "yes",
            instead,
            choices=(("yes", command_text(instead)),),
        )

    def _at_another_place(self, msg: Message, asked: Question) -> str | None:
        """ "At Harbor View or at Lakeside?" answered `kensington` (or `no, the one at
        kensington`): the request asked about, at that property (the resolver says if its rooms
        are not there)."""
        if not asked.about or not asked.choices:
            return None
        place = self._one_property_named(_MEANT.sub("", msg.text))
        return f"{asked.about} at {place.name}" if place is not None else None

    def _other_place(self, rest: str, done: c.SetStation) -> c.Target | None:
        """`no I meant the one at Wharfside`, `marlin`: the rooms of the change just made, at the
        one other property the words name (asked about, never made at once)."""
        if not (done.target.rooms or done.target.room_type):
            return None
        place = self._one_property_named(rest)
        if place is None or place.name == done.target.property_name:
            return None
        return replace(done.target, property_name=place.name)

    def _one_property_named(self, words: str) -> PropertyRef | None:
        """The one property a few words name (`the one at kensington`, `marlin hotel`), or None
        when they hold a number (a room) or name none or several."""
        place = _PLACE_SAID.sub("", words.strip(" ,.!"))
        place = re.sub(r"\s+(?:one|hotel|property)$", "", place.strip(), flags=re.I)
        if not place or re.search(r"\d", place) or len(place.split()) > 4:
            return None
        found = self.s.index.find_properties(place)
        return found[0] if len(found) == 1 else None

    def _drop_waiting(self, msg: Message) -> Reply | None:
        """A correction ("actually ...", "no wait ...") the bot cannot apply to the waiting
        confirmation: the waiting one is cancelled, never left armed for the next yes."""
        waiting = self.s.pending.waiting_for(msg.user, msg.channel)
        if not waiting:
            return None
        for pending in waiting:
            self.s.pending.pop(pending.token)
        asked = "; ".join(_what_was_asked(p.summary) for p in waiting)
        return Reply(
            headline=f"I cancelled what was waiting for your yes ({asked}), because I couldn't "
            "follow the change. Nothing was changed.",
            kind=ReplyKind.INFO,
            notes=["Send the whole request again as you want it, e.g. `set 204 to jazz`."],
        )

    def _remember_question(
        self, msg: Message, reply: Reply, preview: bool, command: c.Command
    ) -> None:
        """A question is answered by the next message: a choice's number or name, or the station."""
        if _asks_for_place(reply, command):
            assert isinstance(command, c.AddUnit)
            self.questions.ask(
                _conversation(msg),
                self.s.clock.now(),
                partial=SetPropertyPlace(property_name=command.unit_name),
                missing="place",
            )
            return
        if reply.kind != ReplyKind.QUESTION:
            return
        choices = [(a.label, a.value) for a in reply.actions if a.kind == ActionKind.CHOICE]
        about_station = isinstance(command, c.SetStation) and "station" in reply.headline.lower()
        if choices or about_station:
            self.questions.ask(
                _conversation(msg),
                self.s.clock.now(),
                choices=choices,
                preview=preview,
                partial=command if about_station else None,
                missing="station" if about_station else None,
                about=command_text(command)
                if isinstance(command, _CHANGES) and choices and not about_station
                else "",
            )

    def _not_understood(self, msg: Message, cleaned: str, _examples: tuple[str, ...]) -> Reply:
        if not cleaned:
            return help_reply(None, self.s.access.role_of(msg.user) or Role.FRONT_DESK)
        suggestions = self._safe_suggestions(msg)
        return Reply(
            headline=f"Sorry, I didn't understand \u201c{cleaned[:120]}\u201d. Nothing was changed.",
            kind=ReplyKind.REFUSAL,
            notes=["Type `help` to see what I can do."],
            actions=[Action(kind=ActionKind.CHOICE, label=s, value=s) for s in suggestions],
        )

    def _safe_suggestions(self, msg: Message) -> list[str]:
        """What to try after "I didn't understand": questions only (a write or an undo is never one
        click away from a misunderstanding), named with this user's own hotel, a real room of it
        and a real station of its country."""
        props = self.s.index.properties()
        bound = self.s.config.property_for_channel(msg.channel)
        granted = {p.id for p in self.s.access.allowed(msg.user, Role.FRONT_DESK, props)}
        mine = [p for p in props if p.id in granted]
        prop = next((p for p in mine if bound is not None and p.name == bound.name), None)
        prop = prop or (mine[0] if mine else None)
        if prop is None:
            return ["help"]
        row = self.s.index.conn.execute(
            "SELECT name FROM rooms WHERE property_id = ? ORDER BY name LIMIT 1", (prop.id,)
        ).fetchone()
        stations = self.s.catalog.stations(prop.country)
        asked = [f"what's playing in {row[0]} at {prop.name}"] if row else []
        if stations:
            station = next((st for st in stations if "jazz" in st.name.lower()), stations[0])
            asked.append(f"is {station.name.lower()} available at {prop.name}?")
        return [*asked, f"rooms at {prop.name}"][:3]

    async def _dispatch(self, ctx: Ctx) -> Reply:
        """By the command's type, through the registry; the engine answers its own few itself."""
        cmd = ctx.command
        entry = entry_for(cmd)
        if entry is not None and entry.handler is not None:
            return await entry.handler(ctx, cmd)
        match cmd:
            case c.Confirm():
                return await self._confirm(ctx, cmd)
            case c.Cancel():
                return self._cancel(ctx, cmd)
            case c.RetryFailed():
                return await self._retry(ctx)
            case c.ShowAudit():
                return self._audit(ctx, cmd)
        return Reply(headline="I can't do that yet.", kind=ReplyKind.ERROR)

    async def _confirm(self, ctx: Ctx, cmd: c.Confirm) -> Reply:
        pending = self._pending_for(ctx, cmd.token, "confirm")
        if isinstance(pending, Reply):
            return pending
        if self.s.pending.pop(pending.token, settled="confirmed") is None:
            # answered meanwhile (on another replica, BOT_DATABASE_URL): nothing more is done
            return Reply(headline=self.s.pending.settled_note(pending.token))
        ctx.command = c.Confirm(token=pending.token)
        note_confirmed_for(ctx, pending)
        if pending.extra.get("remote"):  # asked on another replica (BOT_DATABASE_URL)
            return await confirm_elsewhere(self, ctx, pending)
        owner = pending.owner
        if isinstance(owner, Ctx) and (why := self._no_longer_allowed(ctx, owner)):
            ctx.audit("refused", detail=f"confirmation {pending.token}: {why}")
            return Reply(headline=f"{why} Nothing was changed.", kind=ReplyKind.REFUSAL)
        if isinstance(owner, Ctx):
            # The run is derived from this message: it carries this delivery's id and reports
            # progress here, not on the message that asked.
            owner.delivery_id = ctx.delivery_id
            owner.progress = ctx.progress
        if stale := self._changed_since_asked(ctx, pending):
            return stale
        return await pending.run()

    def _changed_since_asked(self, ctx: Ctx, pending: Pending) -> Reply | None:
        """A yes to a question about rooms that a settled change has written since it was asked
        would overwrite that change: say so and ask again (as undo does for rooms changed since)."""
        later = []
        names: set[str] = set()
        for entry, written in self._written_since(pending):
            later.append(entry)
            names.update(written.values())
        if not later:
            return None
        changed = sorted(names)
        by = "; ".join(f"\u201c{entry.text}\u201d ({entry.id:06d})" for entry in later[-3:])
        asker = pending.owner if isinstance(pending.owner, Ctx) else ctx
        return asker.confirm(
            f"{'Room' if len(changed) == 1 else 'Rooms'} {', '.join(changed[:10])} "
            f"{'was' if len(changed) == 1 else 'were'} changed since you were asked, by {by}. "
            f"{pending.summary}",
            pending.run,
            danger=False,
            notes=["Nothing was changed yet: `yes` overwrites that newer change."],
            units=pending.units,
        )

    def _written_since(self, pending: Pending) -> list[tuple[AuditEntry, dict[str, str]]]:
        """The changes settled since the question that wrote to its rooms, with those rooms
        ({id: name}). A whole property or room type is asked by its scope (a million room ids
        are never listed): the journal rows at that property since, a room type's by the index."""
        index = self.s.index
        ids = [u for u in pending.units if not u.startswith(_SCOPES)]
        properties: dict[str, str | None] = {}  # property name -> room type id (None: all)
        for mark in pending.units:
            kind, _, key = mark.partition(":")
            if mark.startswith("property:") and (prop := index.property(key)) is not None:
                properties[prop.name] = None
            elif (
                kind == "room_type"
                and (room_type := index.room_type(key)) is not None
                and room_type.property_name not in properties
            ):
                properties[room_type.property_name] = key
        found = []
        wanted = set(ids)
        for entry, written in self.s.audit.writes_since(pending.asked_after, ids, properties):
            kept = {}
            for unit_id, name in written.items():
                room = index.room(unit_id) if unit_id not in wanted else None
                if unit_id in wanted or (
                    room is not None
                    and room.property_name in properties
                    and properties[room.property_name] in (None, room.room_type_id)
                ):
                    kept[unit_id] = name
            if kept:
                found.append((entry, kept))
        return found

    def _no_longer_allowed(self, ctx: Ctx, owner: Ctx) -> str | None:
        """Why the person answering may not, now, do what the confirmation would run: their
        grant or role is checked again at the moment of writing (it may have been revoked since
        the question was asked)."""
        needed = owner.needed
        if needed is None:
            return None
        role = self.s.access.role_of(ctx.msg.user)
        if role is None or not role.allows(needed):
            return f"Sorry, that needs the {needed.value.replace('_', ' ')} role, which you no longer have."
        return self.s.access.refusal(
            ctx.msg.user, owner.msg.channel, needed, owner.resolver.guarded
        )

    def _cancel(self, ctx: Ctx, cmd: c.Cancel) -> Reply:
        pending = self._pending_for(ctx, cmd.token, "cancel")
        if isinstance(pending, Reply):
            return pending
        self.s.pending.pop(pending.token, settled="cancelled")
        ctx.audit("cancelled", detail=pending.summary, command=pending.command)
        return Reply(
            headline=f"Cancelled: {_what_was_asked(pending.summary)}. Nothing was changed.",
            kind=ReplyKind.INFO,
        )

    def _pending_for(self, ctx: Ctx, token: str | None, verb: str) -> Reply | Pending:
        now = self.s.clock.now()
        if token:
            pending = self.s.pending.get(token)
        else:
            waiting = others_waiting(
                ctx,
                [
                    p
                    for p in self.s.pending.waiting_for(ctx.msg.user, ctx.msg.channel)
                    if p.expires > now and not p.superseded
                ]
                or [
                    p
                    for p in self.s.pending.waiting_for(ctx.msg.user, ctx.msg.channel)
                    if not p.superseded
                ][-1:],
            )
            if len(waiting) > 1:
                return _which_one(waiting, verb)
            pending = waiting[0] if waiting else None
        if pending is None and token:
            # A second press of Confirm/Cancel, or a card from before a restart or past its expiry.
            return Reply(
                headline=self.s.pending.settled_note(token),
                kind=ReplyKind.INFO,
                stale=True,
            )
        if pending is None and self.questions.get(_conversation(ctx.msg), now) is not None:
            return Reply(  # a question waits, but for a choice: "nothing waiting" would be untrue
                headline="My last question waits for one of its choices, not a yes or no: "
                "reply with its number or name. Nothing was changed.",
                kind=ReplyKind.QUESTION,
            )
        if pending is None:
            return Reply(
                headline="There is nothing waiting for a yes or no from you.",
                notes=[
                    "Confirmations expire after "
                    f"{self.s.config.bot.confirm_ttl_minutes} minutes; send the request again."
                ],
            )
        ctx.msg = replace(ctx.msg, answered=pending.text)  # "no" is logged with what it answered
        if refused := answer_refusal(ctx, pending):
            return refused
        if pending.expires <= now:
            self.s.pending.pop(pending.token, settled="expired")
            ctx.audit("expired", detail=pending.summary, command=pending.command)
            return Reply(
                headline="That request expired (after "
                f"{self.s.config.bot.confirm_ttl_minutes} minutes); nothing was changed. Send it again.",
                kind=ReplyKind.ERROR,
            )
        return pending

    async def _retry(self, ctx: Ctx) -> Reply:
        return await retry_failed(ctx)

    def _audit(self, ctx: Ctx, cmd: c.ShowAudit) -> Reply:
        # counted in SQL: a change of a million rooms running meanwhile is a few chunk sums
        headlines = visible_entries(ctx, cmd.limit)
        zone, now = self._audit_zone(ctx, headlines), self.s.clock.now()
        rows = [
            [spoken_time(parse_utc(h.entry.at), now, zone), h.entry.user, h.entry.text[:60],
             h.entry.outcome, changes_count(h)]
            for h in headlines
        ]  # fmt: skip
        return Reply(
            headline=f"The last {plural(len(rows), 'entry', 'entries')} of the audit log:",
            table=Table(
                columns=[f"When ({zone_label(zone, now)})", "Who", "Request", "Outcome", "Changes"],
                rows=rows,
            ),
        )

    def _audit_zone(self, ctx: Ctx, headlines: list[Headline]) -> ZoneInfo:
        """The channel's property's timezone; else the one property the entries changed; else UTC."""
        zones = {p.name: p.timezone for p in self.s.index.properties()}
        bound = self.s.config.property_for_channel(ctx.msg.channel)
        if bound is not None:
            return zone_of(zones.get(bound.name) or bound.timezone)
        changed = {name for h in headlines for name in h.properties}
        return zone_of(zones.get(changed.pop())) if len(changed) == 1 else zone_of("UTC")


def _left_to_its_buttons(older: Pending) -> str:
    """Round 25: a change made while an older question waited dropped that question silently."""
    asked = older.as_asked
    return (
        f"Your earlier unanswered request {asked} now waits for its card's buttons only: a `yes` "
        "typed now no longer answers it (send it again if you still want it)."
    )
