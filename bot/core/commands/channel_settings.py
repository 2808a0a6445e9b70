"""Channel settings an admin makes in chat: a property's digest channel, a channel bound to a
property. Stored in the database every process shares (table channel_settings, through
bot/core/ledger/settings_store.py: the SQLite file, or PostgreSQL for replicas) and laid over bot.toml,
whose values are the defaults: a setting made in chat wins until it is changed again in chat.

`apply_channel_settings` runs at start-up (bot/runtime.py) and after each change, so the change
takes effect at once, without a restart: the resolver and access read `BotConfig`, the digest
jobs read the property's digest channel when they fire (bot/scheduler.py). Another process (a
replica) lays them again when the settings' version moves (`refresh_settings`: on each message
and each recovery sweep).
"""

from __future__ import annotations

import logging
from datetime import datetime

from bot.core.access.services import Services
from bot.core.ledger.property_settings import index_values
from bot.core.ledger.settings_store import BINDING, DIGEST, ChannelSetting, SettingsStore
from bot.settings import BotConfig, PropertyConfig

__all__ = [
    "BINDING",
    "DIGEST",
    "ChannelSetting",
    "apply_channel_settings",
    "describe_settings",
    "refresh_settings",
    "store_setting",
    "stored_settings",
]

log = logging.getLogger(__name__)


def stored_settings(store: SettingsStore) -> list[ChannelSetting]:
    return store.channel_settings()


def store_setting(
    store: SettingsStore, kind: str, property_name: str, channel: str, user: str, at: datetime
) -> None:
    """Record a setting, replacing the one it supersedes (the property's digest channel, or the
    channel's binding)."""
    store.save_channel_setting(kind, property_name, channel, user, at)


def _property(config: BotConfig, name: str) -> PropertyConfig:
    found = config.property_named(name)
    if found is None:
        found = PropertyConfig(name=name)
        config.properties.append(found)
    return found


def apply_channel_settings(config: BotConfig, store: SettingsStore) -> None:
    """Lay the settings made in chat over bot.toml's, in the order they were made (applying them
    again is harmless: the same settings give the same result)."""
    for setting in stored_settings(store):
        prop = _property(config, setting.property_name)
        if setting.kind == DIGEST:
            prop.digest_channel = setting.channel
            continue
        for other in config.properties:
            if setting.channel in other.channels and other is not prop:
                other.channels.remove(setting.channel)
        if setting.channel not in prop.channels:
            prop.channels.append(setting.channel)


def refresh_settings(services: Services) -> bool:
    """When a setting was made in chat since this process last looked (through another process
    or replica): lay the channel settings over the configuration again and give the index the
    places set in chat (of properties bot.toml does not list). True when something was applied.
    One small read when nothing changed."""
    store = services.settings
    version = store.version()
    if version == services.settings_seen:
        return False
    apply_channel_settings(services.config, store)
    places = store.places()  # set in chat; bot.toml's places are applied at start-up
    for prop in services.index.properties() if places else ():
        place = places.get(prop.id)
        listed = services.config.property_named(prop.name) or services.config.property_named(
            prop.id
        )
        if place is None or listed is not None:
            continue
        country, timezone = index_values(place, services.default_country)
        if (country, timezone) != (prop.country, prop.timezone):
            services.index.upsert_property(prop.id, prop.name, country=country, timezone=timezone)
    services.settings_seen = version
    return True


def describe_settings(store: SettingsStore) -> list[str]:
    """One line per setting made in chat, for `bot doctor`."""
    return [
        f"{'digest channel' if s.kind == DIGEST else 'channel bound'} of {s.property_name}: "
        f"{s.channel} (set in chat by {s.set_by}, {s.set_at})"
        for s in stored_settings(store)
    ]
