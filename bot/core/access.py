"""Who may do what: roles from [roles] in bot.toml, keyed by chat user id ("*" means everyone)."""

from __future__ import annotations

from bot.core.commands import Role
from bot.settings import RolesConfig


class Access:
    def __init__(self, roles: RolesConfig | None, *, local_admin: str | None = None) -> None:
        # With no [roles] section everyone is front desk; `bot demo` names its local user admin.
        self._roles = roles or RolesConfig()
        self._local_admin = local_admin

    def role_of(self, user: str) -> Role | None:
        if self._local_admin is not None and user == self._local_admin:
            return Role.ADMIN
        for role, members in (
            (Role.ADMIN, self._roles.admin),
            (Role.ENGINEER, self._roles.engineer),
            (Role.FRONT_DESK, self._roles.front_desk),
        ):
            if user in members or "*" in members:
                return role
        return None

    def is_admin(self, user: str) -> bool:
        return self.role_of(user) == Role.ADMIN
