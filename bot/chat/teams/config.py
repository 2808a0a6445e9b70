"""The Agents SDK's own settings names for the Teams app (Azure Bot) credentials, and the SDK
objects built from them.

The SDK reads nested settings from flat environment names joined by `__`
(`CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID`), so the same names work in `.env`, in Azure
App Service settings and in the SDK's samples; we do not invent our own. The SDK is imported only
when Teams is actually used: it takes over a second to load.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from microsoft_agents.authentication.msal import MsalConnectionManager
    from microsoft_agents.hosting.core import AgentAuthConfiguration

_PREFIX: Final = "CONNECTIONS__SERVICE_CONNECTION__SETTINGS__"
CLIENT_ID: Final = _PREFIX + "CLIENTID"
CLIENT_SECRET: Final = _PREFIX + "CLIENTSECRET"
TENANT_ID: Final = _PREFIX + "TENANTID"
AUTH_TYPE: Final = _PREFIX + "AUTHTYPE"


def _environ(env: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if env is None else env


def teams_enabled(env: Mapping[str, str] | None = None) -> bool:
    """True when the app id, the tenant and a credential (a secret, or another SDK auth type) are
    all set.
    """
    values = _environ(env)
    has_credential = bool(values.get(CLIENT_SECRET)) or bool(values.get(AUTH_TYPE))
    return bool(values.get(CLIENT_ID)) and bool(values.get(TENANT_ID)) and has_credential


def app_id(env: Mapping[str, str] | None = None) -> str:
    return _environ(env).get(CLIENT_ID, "")


def sdk_configuration(
    env: Mapping[str, str] | None = None, *, anonymous: bool = False
) -> dict[str, Any]:
    """The SDK configuration dict (`CONNECTIONS`, `CONNECTIONSMAP`, `AGENTAPPLICATION`) from the
    environment.

    With `anonymous`, requests without an Authorization header are accepted and outgoing calls carry
    no token: for tests and local emulators only. The connection manager refuses a configuration
    without a service connection, so anonymous mode supplies a minimal one.
    """
    from microsoft_agents.activity import load_configuration_from_env

    config = load_configuration_from_env(
        {
            k: v
            for k, v in _environ(env).items()
            if k.startswith(("CONNECTIONS__", "CONNECTIONSMAP__", "AGENTAPPLICATION__"))
        }
    )
    if anonymous:
        connections = config.setdefault("CONNECTIONS", {})
        service = connections.setdefault("SERVICE_CONNECTION", {})
        settings = service.setdefault("SETTINGS", {})
        settings["ANONYMOUS_ALLOWED"] = "true"
    return config


def connection_manager(config: Mapping[str, Any]) -> MsalConnectionManager:
    from microsoft_agents.authentication.msal import MsalConnectionManager

    return MsalConnectionManager(**config)


def auth_configuration(
    connections: MsalConnectionManager, *, anonymous: bool
) -> AgentAuthConfiguration:
    """What the SDK's JWT check validates incoming requests against (audience: our app id)."""
    auth = connections.get_default_connection_configuration()
    # The env loader passes strings; the anonymous switch is only ever set by code, never by a stray
    # env value.
    auth.ANONYMOUS_ALLOWED = anonymous
    return auth
