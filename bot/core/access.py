"""Who may do what, and where: roles from bot.toml, keyed by chat user id ("*" means everyone).

[roles] grants a role across the chain; `admins`, `engineers`, `front_desk` under a [[properties]]
block grant it at that property only; `restrict_channels = true` on a property keeps requests made in
its channels to that property. Outside a grant the answer is no (deny by default).

`refusal()` is the one check of a request's properties: the resolver calls it once the request's
rooms or properties are known and before anything is sent to Amazon; the engine calls
`chain_refusal()` for commands that are not about one property (room profiles, users, sync, ...).
A device asked about by serial is checked by its own property; one of no property needs a chain-wide
role (`unplaced_refusal()`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from bot.core.commands import AddUnit, Command, DeleteUnit, Level, RenameUnit, Role, ShowAudit, Sync
from bot.settings import PropertyConfig, RolesConfig

_ROLES_BY_RANK = (Role.ADMIN, Role.ENGINEER, Role.FRONT_DESK)


class PropertyLike(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


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
        """An admin of the chain (answers anyone's confirmation)."""
        return self.chain_role(user) == Role.ADMIN

    def limited(self, user: str, needed: Role) -> bool:
        """True when the user may do this only at some properties, not across the chain."""
        role = self.chain_role(user)
        return role is None or not role.allows(needed)

    def allowed(self, user: str, needed: Role, props: Iterable[PropertyLike]) -> list[PropertyLike]:
        return [p for p in props if (r := self.role_at(user, p)) is not None and r.allows(needed)]

    # --- the checks ----------------------------------------------------------------------------------

    def refusal(
        self, user: str, channel: str | None, needed: Role, props: Iterable[PropertyLike]
    ) -> str | None:
        """Why this request may not touch these properties, or None when it may."""
        props = list(props)
        bound = self._restricted.get(channel or "")
        if bound is not None:
            # bot.toml may name the property or give its id
            key = bound.casefold()
            elsewhere = sorted(
                {p.name for p in props if key not in (p.name.casefold(), p.id.casefold())}
            )
            if elsewhere:
                return (
                    f"This channel is for {bound} only, so I can't act on {', '.join(elsewhere)} "
                    "from here. Ask in that property's channel."
                )
        denied = sorted(
            {p.name for p in props} - {p.name for p in self.allowed(user, needed, props)}
        )
        if denied:
            return (
                f"Sorry, you don't have the {_label(needed)} role at {', '.join(denied)}. "
                "Ask a manager to add you to that property's roles in bot.toml."
            )
        return None

    def chain_refusal(self, user: str, needed: Role) -> str | None:
        """Why a command about the whole chain (not one property) is not for this user, or None."""
        if not self.limited(user, needed):
            return None
        return (
            f"Sorry, that command covers the whole chain and needs the {_label(needed)} role in "
            "[roles]; yours is limited to some properties."
        )

    def unplaced_refusal(self, user: str, needed: Role) -> str | None:
        """Why a device of no property is not for this user (chain-wide roles only), or None."""
        if not self.limited(user, needed):
            return None
        return (
            f"Sorry, that device belongs to no property, so it needs the {_label(needed)} role in "
            "[roles]; yours is limited to some properties."
        )


def covers_the_chain(command: Command) -> bool:
    """Commands that are not about one property: they need a chain-wide role. Room profiles, users
    and guest-profile object types (commands that carry `execute`) belong to the whole account,
    unless the command says it is about a property (`about_a_property = True`)."""
    if isinstance(command, Sync | ShowAudit):
        return True
    if isinstance(command, AddUnit | RenameUnit | DeleteUnit):
        return command.level == Level.PROPERTY
    return hasattr(command, "execute") and not getattr(command, "about_a_property", False)


def _label(role: Role) -> str:
    return role.value.replace("_", " ")
