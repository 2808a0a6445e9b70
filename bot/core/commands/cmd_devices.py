"""Device health and triage (engineers; a room's Echo online is the front desk's too): offline and
unplaced devices, a room's devices, a timeline, flapping, uptime, the digest, and a sync."""

from __future__ import annotations

from bot.core.commands.devices import device_command, echo_online, unplaced_devices
from bot.core.commands.entry_parts import DAYS, days_of, hours_of, name_of, target_core, where
from bot.core.shared import commands as c
from bot.core.shared.commands import Role
from bot.core.shared.registry import Entry, Scope, Score, phrasing, register
from bot.core.understanding.targets import parse_target


def rephrase_room_devices(cmd: c.RoomDevices) -> str:
    if cmd.serial:
        return f"status {cmd.serial}"
    return f"status {target_core(cmd.target)}{where(cmd.target.property_name)}"


register(
    Entry(
        command=c.OfflineDevices,
        topic="devices",
        summary="Offline devices, grouped by property and room",
        examples=(
            "offline devices",
            "offline devices at Harbor View Seattle",
            "offline devices everywhere",
        ),
        handler=device_command,
        rephrase=lambda cmd: (
            "offline devices everywhere"
            if cmd.everywhere
            else f"offline devices{where(cmd.property_name)}"
        ),
        role=Role.ENGINEER,
        phrasings=(
            phrasing(
                r"^(?:list\s+|show\s+(?:me\s+)?)?(?:what'?s\s+|which\s+devices\s+are\s+|whats\s+)?(?:the\s+)?"
                r"offline(?:\s+devices)?(?:\s+(?:at|in|for)\s+(?P<prop>.+))?$",
                build=lambda m: c.OfflineDevices(property_name=name_of(m["prop"])),
                score=Score.DEVICES + 6,
            ),
        ),
    )
)
register(
    Entry(
        command=c.RoomDevices,
        topic="devices",
        summary="A room's devices and their status",
        examples=("status room 204", "devices in 204", "status G03OEWKUOKCBX6EA"),
        handler=device_command,
        rephrase=rephrase_room_devices,
        role=Role.ENGINEER,
        phrasings=(
            phrasing(
                r"^(?:status|devices|device\s+status|health)\s+(?:of\s+|in\s+|for\s+)?(?P<target>.+)$",
                build=lambda m: (lambda t: c.RoomDevices(target=t) if t else None)(
                    parse_target(m["target"])
                ),
                score=Score.DEVICES + 5,
            ),
        ),
    )
)
register(
    Entry(
        command=c.DeviceHistory,
        topic="devices",
        summary="Connection history of a room or device (timeline)",
        examples=("history 204", "history 204 at Lakeside Chicago 3d", "history G03OEWKUOKCBX6EA"),
        handler=device_command,
        rephrase=lambda cmd: f"history {cmd.subject} {cmd.days}d",
        role=Role.ENGINEER,
        phrasings=(
            phrasing(
                r"^(?:history|timeline|events)\s+(?:of\s+|for\s+)?(?:room\s+|rm\s+)?(?P<subject>.+?)"
                + DAYS
                + "$",
                build=lambda m: c.DeviceHistory(
                    subject=m["subject"].lstrip("#"), days=days_of(m, 7)
                ),
                score=Score.DEVICES + 4,
            ),
        ),
    )
)
register(
    Entry(
        command=c.Flapping,
        topic="devices",
        summary="Devices that keep dropping (3 or more transitions)",
        examples=("flapping", "flapping 48h", "flapping at Lakeside Chicago"),
        handler=device_command,
        rephrase=lambda cmd: f"flapping{where(cmd.property_name)} {cmd.hours}h",
        role=Role.ENGINEER,
        phrasings=(
            phrasing(
                r"^(?:show\s+|list\s+)?(?:the\s+)?flapping(?:\s+devices)?"
                r"(?:\s+(?:at|in|for)\s+(?P<prop>[A-Za-z].*?))?" + DAYS + "$",
                build=lambda m: c.Flapping(hours=hours_of(m, 24), property_name=name_of(m["prop"])),
                score=Score.DEVICES + 3,
            ),
        ),
    )
)
register(
    Entry(
        command=c.Uptime,
        topic="devices",
        summary="Uptime of devices, per property",
        examples=("uptime", "uptime Harbor View Seattle 7d", "uptime 24h", "uptime 30d"),
        handler=device_command,
        rephrase=lambda cmd: f"uptime{where(cmd.property_name)} {cmd.days}d",
        role=Role.ENGINEER,
        phrasings=(
            phrasing(
                r"^(?:show\s+)?uptime(?:\s+(?:at|of|for|in)\s+|\s+)?(?P<prop>.*?)" + DAYS + "$",
                build=lambda m: c.Uptime(property_name=name_of(m["prop"]), days=days_of(m, 7)),
                score=Score.DEVICES + 2,
            ),
        ),
    )
)
register(
    Entry(
        command=c.ShowDigest,
        topic="devices",
        summary="Build a property's health digest now",
        examples=("digest Harbor View Seattle",),
        handler=device_command,
        rephrase=lambda cmd: f"digest {cmd.property_name or ''}".strip(),
        role=Role.ENGINEER,
        phrasings=(
            phrasing(
                r"^(?:show\s+|build\s+)?(?:the\s+)?(?:health\s+)?digest(?:\s+(?:for|of|at)\s+|\s+)?(?P<prop>.*)$",
                build=lambda m: c.ShowDigest(property_name=name_of(m["prop"])),
                score=Score.DEVICES + 1,
            ),
        ),
    )
)
register(
    Entry(
        command=c.Sync,
        topic="devices",
        summary="Refresh the index from Amazon (rooms, or devices)",
        examples=("sync", "sync devices"),
        handler=device_command,
        rephrase=lambda cmd: ("sync devices" if cmd.devices else "sync") + where(cmd.property_name),
        role=Role.ENGINEER,
        phrasings=(
            phrasing(
                r"^(?:sync|resync|refresh|reload)(?:\s+(?:the\s+)?(?P<what>devices|index|rooms|everything))?"
                r"(?:\s+(?:at|for|of)\s+(?P<prop>.+))?$",
                build=lambda m: c.Sync(
                    devices=(m["what"] or "").lower() == "devices", property_name=name_of(m["prop"])
                ),
                score=Score.DEVICES,
            ),
        ),
        scope=Scope.CHAIN,
    )
)
register(
    Entry(
        command=c.UnplacedDevices,
        topic="devices",
        summary="Devices that belong to no room",
        examples=("unplaced devices",),
        handler=unplaced_devices,
        rephrase=lambda _cmd: "unplaced devices",
        role=Role.ENGINEER,
        words=("unplaced",),
    )
)
register(
    Entry(
        command=c.EchoOnline,
        topic="devices",
        summary="Is a room's Echo online? (front desk may ask)",
        examples=("is 204's Echo online?", "is the echo in 204 online"),
        handler=echo_online,
        rephrase=lambda cmd: (
            f"is the echo online in {target_core(cmd.target)}{where(cmd.target.property_name)}"
        ),
        words=("online", "offline", "echo"),
    )
)
