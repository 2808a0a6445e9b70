"""Who may do what, and where: roles from bot.toml, keyed by chat user id ("*" means everyone).

[roles] grants a role across the chain; `admins`, `engineers`, `front_desk` under a [[properties]]
block grant it at that property only; `restrict_channels = true` on a property keeps requests made in
its channels to that property. Outside a grant the answer is no (deny by default).

One function decides: `Access.decide(Request)` takes who asks, from which channel, the role the
command needs, its kind (about properties, the whole chain, the audit, answering a confirmation,
undoing or retrying a change), its target properties and, for the last two, whose change it is; it
answers a `Decision` (allowed, or the reason in words for staff). Every check goes through it:
- the resolver, once a request's rooms or properties are known and before anything is sent
  (`refusal()`), and for every listing, hint and suggestion (`Resolver.visible`), so no other
  hotel's name reaches a user without access to it;
- the engine, for commands about the whole chain (`chain_refusal()`), for `recent changes` (each
  entry is shown only if its properties are visible), and for answering a confirmation;
- undo and retry (`change_refusal()`), also when they write.
A device asked about by serial is checked by its own property; one of no property needs a chain-wide
role (`unplaced_refusal()`). The other public functions are thin wrappers over `decide`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from bot.core.shared.commands import Role
from bot.settings import PropertyConfig, RolesConfig

_ROLES_BY_RANK = (Role.ADMIN, Role.ENGINEER, Role.FRONT_DESK)


class PropertyLike(Protocol):
    # a Protocol's declarations: a mutant of them changes no behaviour (no mutation testing)
    @property  # pragma: no mutate
    def id(self) -> str: ...

    @property  # pragma: no mutate
    def name(self) -> str: ...


class CommandKind(StrEnum):
    """What a request does, for the policy: the same role means different things per kind. (The
    values are never compared as text, so their mutants are equivalent: not mutated.)"""

    # PROPERTY: reads or changes rooms/properties it names (listings and hints too); CHAIN: about
    # the whole chain (sync, room profiles, users, add a property); AUDIT: an entry of `recent
    # changes`; ANSWER: confirm or cancel a parked request; CHANGE: undo or retry a change made.
    PROPERTY = "property"  # pragma: no mutate
    CHAIN = "chain"  # pragma: no mutate
    AUDIT = "audit"  # pragma: no mutate
    ANSWER = "answer"  # pragma: no mutate
    CHANGE = "change"  # pragma: no mutate


@dataclass(frozen=True)
class Request:
    """One question to the policy. `targets`: the properties concerned (None stands for a device or
    a change of no property); `owner`: for ANSWER and CHANGE, the person whose request it is."""

    user: str
    needed: Role
    kind: CommandKind = CommandKind.PROPERTY
    channel: str | None = None
    targets: tuple[PropertyLike | None, ...] = ()
    owner: str | None = None


@dataclass(frozen=True)
class Decision:
    """Allowed (no reason), or refused with one sentence for staff saying why and what to do."""

    reason: str | None = None

    @property
    def allowed(self) -> bool:
        return self.reason is None


ALLOW = Decision()


def _role_in(lists: dict[Role, list[str]], user: str) -> Role | None:
    for role in _ROLES_BY_RANK:
        members = lists.get(role, [])
        if user in members or "*" in members:
            return role
    return None


def _higher(first: Role | None, second: Role | None) -> Role | None:
    if first is None or second is None:
        return first or second
    return first if first.rank >= second.rank else second


def _chain_lists(roles: RolesConfig | None, by_property: bool) -> dict[Role, list[str]]:
    """[roles] as lists. Without [roles], everyone is front desk, unless roles are given per property:
    then (deny by default) only what is written grants anything, front_desk included."""
    if roles is None:
        return {Role.FRONT_DESK: [] if by_property else ["*"]}
    front_desk = roles.front_desk
    if by_property and "front_desk" not in roles.model_fields_set:
        front_desk = []
    return {Role.ADMIN: roles.admin, Role.ENGINEER: roles.engineer, Role.FRONT_DESK: front_desk}


class Access:
    def __init__(
        self,
        roles: RolesConfig | None,
        *,
        local_admin: str | None = None,
        properties: Sequence[PropertyConfig] = (),
    ) -> None:
        # `bot demo` names its local user admin of the chain.
        self._local_admin = local_admin
        self._chain = _chain_lists(roles, any(p.has_property_roles() for p in properties))
        self._at: dict[str, dict[Role, list[str]]] = {
            p.name.casefold(): {
                Role.ADMIN: p.admins,
                Role.ENGINEER: p.engineers,
                Role.FRONT_DESK: p.front_desk,
            }
            for p in properties
            if p.has_property_roles()
        }
        self._restricted: dict[str, str] = {
            channel: p.name for p in properties if p.restrict_channels for channel in p.channels
        }

    # --- roles ---------------------------------------------------------------------------------------

    def chain_role(self, user: str) -> Role | None:
        """The role across the whole chain ([roles])."""
        if self._local_admin is not None and user == self._local_admin:
            return Role.ADMIN
        return _role_in(self._chain, user)

    def role_at(self, user: str, prop: PropertyLike) -> Role | None:
        """The role at one property: the chain's, or the property's own if higher."""
        lists = self._at.get(prop.name.casefold()) or self._at.get(prop.id.casefold()) or {}
        return _higher(self.chain_role(user), _role_in(lists, user))

    def role_of(self, user: str) -> Role | None:
        """The highest role anywhere: who the bot knows, and what help shows them."""
        role = self.chain_role(user)
        for lists in self._at.values():
            role = _higher(role, _role_in(lists, user))
        return role

    def is_admin(self, user: str) -> bool:
        """An admin of the chain (may answer or undo anyone's request anywhere)."""
        return self.chain_role(user) == Role.ADMIN

    def limited(self, user: str, needed: Role) -> bool:
        """True when the user may do this only at some properties, not across the chain."""
        role = self.chain_role(user)
        return role is None or not role.allows(needed)

    def allowed(self, user: str, needed: Role, props: Iterable[PropertyLike]) -> list[PropertyLike]:
        """The properties of `props` where the user's role allows `needed` (any channel)."""
        return [p for p in props if self.decide(Request(user, needed, targets=(p,))).allowed]

    # --- the one decision ----------------------------------------------------------------------------

    def decide(self, request: Request) -> Decision:
        """Whether this request may go ahead, or why not."""
        if request.kind == CommandKind.CHAIN:
            return self._chain_role_allows(request.user, request.needed, _CHAIN_WIDE)
        if request.kind in (CommandKind.ANSWER, CommandKind.CHANGE):
            return self._for_someone(request)
        channel = self._channel(request.channel, request.targets)
        if not channel.allowed:
            return channel
        return self._roles_allow(request.user, request.needed, request.targets)

    def _chain_role_allows(self, user: str, needed: Role, why: str) -> Decision:
        if not self.limited(user, needed):
            return ALLOW
        return Decision(
            f"Sorry, {why} needs the {_label(needed)} role in [roles]; yours is limited to some "
            "properties."
        )

    def _channel(self, channel: str | None, targets: Sequence[PropertyLike | None]) -> Decision:
        """A channel bound to one property (`restrict_channels`) acts on that property only."""
        bound = self._restricted.get(channel or "")
        if bound is None:
            return ALLOW
        key = bound.casefold()  # bot.toml may name the property or give its id
        elsewhere = sorted(
            {
                p.name
                for p in targets
                if p is not None and key not in (p.name.casefold(), p.id.casefold())
            }
        )
        if not elsewhere:
            return ALLOW
        return Decision(
            f"This channel is for {bound} only, so I can't act on {', '.join(elsewhere)} "
            "from here. Ask in that property's channel."
        )

    def _roles_allow(
        self, user: str, needed: Role, targets: Sequence[PropertyLike | None]
    ) -> Decision:
        """The role at each target property allows `needed`; no property needs a chain-wide role."""
        if (
            None in targets
            and not (unplaced := self._chain_role_allows(user, needed, _UNPLACED)).allowed
        ):
            return unplaced
        denied = sorted(
            {
                p.name
                for p in targets
                if p is not None and not ((r := self.role_at(user, p)) and r.allows(needed))
            }
        )
        if not denied:
            return ALLOW
        return Decision(
            f"Sorry, you don't have the {_label(needed)} role at {', '.join(denied)}. "
            "Ask a manager to add you to that property's roles in bot.toml."
        )

    def _for_someone(self, request: Request) -> Decision:
        """Answering a confirmation, or undoing or retrying a change: the person who asked, or an
        admin of every property it touches (a chain admin when it touches no property or an
        unknown set); from a property's restricted channel, an admin answers for that property only."""
        user, targets = request.user, request.targets
        if request.owner == user:
            return ALLOW
        if not self._channel(request.channel, targets).allowed:
            return self._not_yours(request)
        if not self._roles_allow(user, Role.ADMIN, targets or (None,)).allowed:
            return self._not_yours(request)
        return ALLOW

    @staticmethod
    def _not_yours(request: Request) -> Decision:
        what = "answer it" if request.kind == CommandKind.ANSWER else "undo or retry it"
        return Decision(
            f"This isn't yours: only the person who asked (or an admin of that property) can {what}."
        )

    # --- the wrappers the rest of the bot calls ------------------------------------------------------

    def refusal(
        self, user: str, channel: str | None, needed: Role, props: Iterable[PropertyLike]
    ) -> str | None:
        """Why this request may not touch these properties, or None when it may."""
        return self.decide(Request(user, needed, channel=channel, targets=tuple(props))).reason

    def chain_refusal(self, user: str, needed: Role) -> str | None:
        """Why a command about the whole chain (not one property) is not for this user, or None."""
        return self.decide(Request(user, needed, CommandKind.CHAIN)).reason

    def unplaced_refusal(self, user: str, needed: Role) -> str | None:
        """Why a device of no property is not for this user (chain-wide roles only), or None."""
        return self.decide(Request(user, needed, targets=(None,))).reason

    def change_refusal(
        self,
        user: str,
        owner: str,
        props: Iterable[PropertyLike | None],
        *,
        channel: str | None = None,
        kind: CommandKind = CommandKind.CHANGE,
    ) -> str | None:
        """Why this user may not undo/retry (or answer, kind ANSWER) `owner`'s change at `props`."""
        request = Request(user, Role.FRONT_DESK, kind, channel, tuple(props), owner)
        return self.decide(request).reason

    def sees_entry(self, user: str, needed: Role, props: Iterable[PropertyLike | None]) -> bool:
        """Whether an audit entry about `props` (empty: about no property) is shown to this user."""
        targets = tuple(props) or (None,)
        return self.decide(Request(user, needed, CommandKind.AUDIT, targets=targets)).allowed


@dataclass(frozen=True)
class NamedProperty:
    """A property known by its name only (an audit entry's, gone from the index since)."""

    id: str
    name: str


def properties_named(
    names: Iterable[str], known: Iterable[PropertyLike]
) -> tuple[PropertyLike | None, ...]:
    """The properties an audit entry names, as the policy's targets: the index's where it has
    them, else by name; a change of no property (a room profile, a user) is None."""
    by_name = {p.name: p for p in known}
    return tuple(
        (by_name.get(name) or NamedProperty(name, name)) if name else None
        for name in sorted(set(names))
    )


_CHAIN_WIDE = "that command covers the whole chain and"
_UNPLACED = "that device belongs to no property, so it"


def _label(role: Role) -> str:
    return role.value.replace("_", " ")
