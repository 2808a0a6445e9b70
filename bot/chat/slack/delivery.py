"""De-duplication of Slack deliveries.

Slack re-sends an event it thinks was lost (`X-Slack-Retry-Num`), and Socket Mode may redeliver an
envelope after a reconnect. The retry carries the same event_id (or trigger_id for commands and
buttons), so the adapter remembers recent ids and drops repeats before they reach the engine. The id
also travels to the engine as `Message.request_id`, which de-duplicates across restarts and
processes where this in-memory log cannot.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping

from bot.json_types import as_list, as_object


def delivery_id(body: Mapping[str, object]) -> str | None:
    """A stable id of one user action, the same on every retry of its delivery."""
    if body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body['trigger_id']}"
    if body.get("type") == "block_actions":
        if body.get("trigger_id"):
            return f"action:{body['trigger_id']}"
        actions = as_list(body.get("actions")) or [{}]
        first = as_object(actions[0])
        if first.get("action_ts"):
            return f"action:{first['action_ts']}"
    return None


class DeliveryLog:
    """A bounded LRU of delivery ids seen by this process."""

    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._seen: OrderedDict[str, None] = OrderedDict()
        self.duplicates = 0

    def first_time(self, delivery: str | None) -> bool:
        """True the first time `delivery` is seen (always True for None: nothing to match it by)."""
        if delivery is None:
            return True
        if delivery in self._seen:
            self._seen.move_to_end(delivery)
            self.duplicates += 1
            return False
        self._seen[delivery] = None
        if len(self._seen) > self._capacity:
            self._seen.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._seen)
