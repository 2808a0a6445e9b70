"""Fault injection for the sandbox: added latency, a requests-per-second limit, 429s and 5xxs.

Decisions are made in a fixed order so that a seeded run is reproducible: first the injected
429/5xx (one draw of the seeded RNG per request), then the rate limit (a token bucket; a rejected
request takes no token). Latency is added to every faulted route's answer, rejected or not,
without blocking the loop.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, fields, replace
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    INJECTED_429 = "injected_429"
    INJECTED_5XX = "injected_5xx"
    RATE_LIMITED = "rate_limited"


@dataclass(frozen=True)
class FaultConfig:
    latency_ms: float = 0.0
    rps: float | None = None  # None: no limit
    burst: float | None = None  # bucket size; default max(1, rps), i.e. one second's worth
    p429: float = 0.0
    p5xx: float = 0.0
    seed: int = 0
    token_endpoint: bool = False  # also fault the LWA token endpoint
    # One bucket per API operation (method + route template), like Amazon's per-API throttling,
    # instead of one bucket shared by every route.
    per_operation: bool = False

    def __post_init__(self) -> None:
        if self.latency_ms < 0:
            raise ValueError("latency_ms must be >= 0")
        if self.rps is not None and self.rps <= 0:
            raise ValueError("rps must be > 0 (or null for no limit)")
        if self.burst is not None and self.burst < 1:
            raise ValueError("burst must be >= 1")
        for name in ("p429", "p5xx"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.p429 + self.p5xx > 1.0:
            raise ValueError("p429 + p5xx must not exceed 1")


class TokenBucket:
    """Refills `rate` tokens a second up to `capacity`; a request passes when it can take one
    token.
    """

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self._tokens = capacity
        self._last = now

    def try_take(self, now: float) -> bool:
        elapsed = max(0.0, now - self._last)
        self._last = now
        self._tokens = min(self.capacity, self._tokens + elapsed * self.rate)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class Faults:
    """Live fault settings of one sandbox; changeable while it runs (CLI flags, POST
    /_sandbox/faults).
    """

    def __init__(
        self,
        latency_ms: float = 0.0,
        rps: float | None = None,
        p429: float = 0.0,
        p5xx: float = 0.0,
        seed: int = 0,
        *,
        burst: float | None = None,
        token_endpoint: bool = False,
        per_operation: bool = False,
    ) -> None:
        self._lock = threading.Lock()
        self._config = FaultConfig(
            latency_ms=latency_ms,
            rps=rps,
            burst=burst,
            p429=p429,
            p5xx=p5xx,
            seed=seed,
            token_endpoint=token_endpoint,
            per_operation=per_operation,
        )
        self._rng = random.Random(seed)
        self._buckets: dict[str, TokenBucket] = {}
        self._bucket_dirty = True

    @property
    def config(self) -> FaultConfig:
        return self._config

    @property
    def latency_s(self) -> float:
        return self._config.latency_ms / 1000.0

    def update(self, **changes: Any) -> FaultConfig:
        """Change some settings; a new seed restarts the RNG, a new rps or burst refills the
        bucket.
        """
        known = {f.name for f in fields(FaultConfig)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        with self._lock:
            new = replace(self._config, **changes)
            if "seed" in changes:
                self._rng = random.Random(new.seed)
            if (new.rps, new.burst, new.per_operation) != (
                self._config.rps,
                self._config.burst,
                self._config.per_operation,
            ):
                self._bucket_dirty = True
            self._config = new
            return new

    def reset(self) -> FaultConfig:
        """Back to no faults (seed kept)."""
        return self.update(
            latency_ms=0.0,
            rps=None,
            burst=None,
            p429=0.0,
            p5xx=0.0,
            token_endpoint=False,
            per_operation=False,
        )

    def decide(self, now: float, operation: str = "") -> Verdict | None:
        """The fault for one request arriving at monotonic time `now`, or None to serve it.

        `operation` ("GET /v2/units/{unitId}/...") picks the bucket when `per_operation` is on.
        """
        with self._lock:
            cfg = self._config
            if cfg.p429 or cfg.p5xx:
                draw = self._rng.random()
                if draw < cfg.p429:
                    return Verdict.INJECTED_429
                if draw < cfg.p429 + cfg.p5xx:
                    return Verdict.INJECTED_5XX
            if cfg.rps is None:
                return None
            if self._bucket_dirty:
                self._buckets.clear()
                self._bucket_dirty = False
            key = operation if cfg.per_operation else ""
            bucket = self._buckets.get(key)
            if bucket is None:
                capacity = cfg.burst if cfg.burst is not None else max(1.0, cfg.rps)
                bucket = self._buckets[key] = TokenBucket(cfg.rps, capacity, now)
            return None if bucket.try_take(now) else Verdict.RATE_LIMITED

    def snapshot(self) -> dict[str, Any]:
        return asdict(self._config)
