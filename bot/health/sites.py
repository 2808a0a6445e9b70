"""What the health features know of a property: id, name, timezone, A4B room prefix, digest slot.

Built from bot.toml (`PropertyConfig`) plus the property ids of the SQLite index, so that health
code never reads configuration itself and tests can build sites by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import time
from zoneinfo import ZoneInfo

from bot.settings import PropertyConfig


@dataclass(frozen=True)
class Site:
    property_id: str
    name: str
    timezone: str = "UTC"
    a4b_room_prefix: str | None = None
    digest_channel: str | None = None
    digest_time: time = time(7, 0)
    oncall_channel: str | None = None  # offline-device alerts (bot/health/offline_alerts.py)
    offline_alert_minutes: int = 15

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def room_prefix(self) -> str:
        """The part of an A4B room name before the room's own name (default "<property name> ")."""
        return self.a4b_room_prefix if self.a4b_room_prefix is not None else f"{self.name} "


def sites_from_config(
    properties: Iterable[PropertyConfig], property_ids: Mapping[str, str]
) -> list[Site]:
    """Sites from bot.toml `[[properties]]` entries (PropertyConfig) and index ids by property name.

    `property_ids` maps a casefolded property name to its ASP id; a property the index does not know
    (not synced yet) keeps its name as id, so its devices still group under it.
    """
    sites: list[Site] = []
    for prop in properties:
        hour, minute = str(getattr(prop, "digest_time", "07:00")).split(":")
        sites.append(
            Site(
                property_id=property_ids.get(prop.name.casefold(), prop.name),
                name=prop.name,
                timezone=getattr(prop, "timezone", "UTC") or "UTC",
                a4b_room_prefix=getattr(prop, "a4b_room_prefix", None),
                digest_channel=getattr(prop, "digest_channel", None),
                digest_time=time(int(hour), int(minute)),
                oncall_channel=getattr(prop, "oncall_channel", None),
                offline_alert_minutes=int(getattr(prop, "offline_alert_minutes", 15)),
            )
        )
    return sites


def find_site(sites: Iterable[Site], name_or_id: str) -> Site | None:
    key = name_or_id.strip().casefold()
    for site in sites:
        if key in (site.name.casefold(), site.property_id.casefold()):
            return site
    return None
