"""ASP's connectivity feature as a second source of device health.

Alexa for Business reports connection status and history; ASP's Endpoints API reports whether an
endpoint is reachable now (`OK` / `UNREACHABLE`, with the time ASP sampled it). The bot asks ASP
- to confirm an offline report before anyone is called out (`confirm`), and
- about rooms whose devices Alexa for Business does not know (`room_endpoints`).
Samples are kept in `endpoint_reachability`; one younger than two minutes is not asked again
(Amazon asks callers not to poll an endpoint more often). A failed question is simply unanswered.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from bot.clients.endpoints import Endpoint, EndpointsClient
from bot.clients.errors import ApiError
from bot.clock import Clock
from bot.health.store import HealthStore, Reachability, ts

MIN_POLL_S = 120.0
MAX_CHECKS = 20  # per answer: beyond this many offline devices the A4B report stands alone


@dataclass(frozen=True)
class AspDevice:
    """An endpoint of a room that Alexa for Business does not know, with ASP's reachability."""

    endpoint: Endpoint
    reachability: Reachability | None


def _remaining(clock: Clock, deadline_at: float | None) -> float | None:
    return None if deadline_at is None else deadline_at - clock.monotonic()


async def confirm(
    client: EndpointsClient,
    store: HealthStore,
    endpoint_ids: Sequence[str],
    *,
    clock: Clock,
    deadline_at: float | None = None,
) -> dict[str, Reachability]:
    """ASP's reachability of these endpoints: fresh samples from the store, the rest asked now
    (at most MAX_CHECKS, within the deadline)."""
    now = ts(clock.now())
    known = store.reachability(list(endpoint_ids))
    stale = [e for e in endpoint_ids if e not in known or now - known[e].checked_at > MIN_POLL_S]
    asked = await asyncio.gather(*(_ask(client, e, clock, deadline_at) for e in stale[:MAX_CHECKS]))
    fresh = [sample for sample in asked if sample is not None]
    store.save_reachability(fresh)
    known.update({sample.endpoint_id: sample for sample in fresh})
    return known


async def _ask(
    client: EndpointsClient, endpoint_id: str, clock: Clock, deadline_at: float | None
) -> Reachability | None:
    left = _remaining(clock, deadline_at)
    if left is not None and left <= 0:
        return None
    try:
        answer = await client.connectivity(endpoint_id, deadline=left)
    except ApiError:
        return None
    if answer.value is None:
        return None
    sampled = answer.time_of_sample
    return Reachability(
        endpoint_id, answer.value, ts(sampled) if sampled else None, ts(clock.now())
    )


async def room_endpoints(
    client: EndpointsClient,
    store: HealthStore,
    unit_id: str,
    known_serials: set[str],
    *,
    clock: Clock,
    deadline_at: float | None = None,
) -> list[AspDevice]:
    """The endpoints of a room whose serials Alexa for Business does not report, each with ASP's
    reachability (None when ASP could not say in time)."""
    found = await client.unit_endpoints(unit_id, deadline=_remaining(clock, deadline_at))
    unknown = [e for e in found if (e.serial or "") not in known_serials]
    samples = await confirm(
        client, store, [e.id for e in unknown], clock=clock, deadline_at=deadline_at
    )
    return [AspDevice(e, samples.get(e.id)) for e in unknown]
