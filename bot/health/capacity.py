"""The digest's guest-profile capacity section, in plain words, once for the chain.

Amazon Connect Customer Profiles has one domain for the whole chain. For each object type it keeps
a configured maximum of objects per profile (`MaxProfileObjectCount`) and what the domain allows
(`MaxAvailableProfileObjectCount`). Both are limits, not usage, so the section says so:
"GuestStay: up to 850 objects per profile; the domain allows 1,000." It lists the object types whose
maximum is at or above the threshold share of what the domain allows.

The section belongs to the chain, not to a hotel: `OncePerKey` lets a run of several digests (the
nightly job, `bot digest` for every property) carry it in one digest only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable

from bot.clients.customer_profiles import ObjectTypeSummary
from bot.clients.errors import ApiError
from bot.core.shared.ports import CustomerProfilesPort

TITLE = "Guest-profile capacity (Customer Profiles, for the whole chain):"


def capacity_line(item: ObjectTypeSummary) -> str:
    name = item.object_type_name
    line = f"{name}: up to {item.max_profile_object_count:,} objects per profile"
    if item.max_available_profile_object_count:
        line += f"; the domain allows {item.max_available_profile_object_count:,}"
    return line + "."


async def capacity_section(client: CustomerProfilesPort | None, threshold: float) -> list[str]:
    """The section's lines (title first), or [] when no object type is near what the domain
    allows or no Customer Profiles domain is configured."""
    if client is None:
        return []
    try:
        items = await client.list_object_types()
    except ApiError as error:
        return [TITLE, f"Could not be read just now: {error.user_hint()}"]
    near = sorted(
        (i for i in items if i.share_used is not None and i.share_used >= threshold),
        key=lambda i: (-(i.share_used or 0.0), i.object_type_name),
    )
    if not near:
        return []
    names = ", ".join(i.object_type_name for i in near)
    advice = (
        f"Near the domain's limit: ask Amazon to raise it, or lower a maximum with "
        f"`set object type <name> max <n>` ({names})."
    )
    return [TITLE, *(capacity_line(i) for i in near), advice]


class OncePerKey:
    """A notes hook that gives its lines for the first digest of each key (a run, a day), then []."""

    def __init__(
        self, hook: Callable[[], Awaitable[list[str]]], key: Callable[[], Hashable]
    ) -> None:
        self.hook = hook
        self.key = key
        self.shown: set[Hashable] = set()

    async def __call__(self) -> list[str]:
        key = self.key()
        if key in self.shown:
            return []
        lines = await self.hook()
        if lines:
            self.shown.add(key)
        return lines
