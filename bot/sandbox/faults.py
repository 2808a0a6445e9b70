"""Fault injection for the sandbox: latency, a requests-per-second limit, 429s, 5xxs, lost answers.

How a test asks for a fault (every decision is keyed to the request, never to arrival order):

- A share of every API request: `Faults(p429=0.1, p5xx=0.05, seed=3)`. Each request draws from a
  hash of (seed, method, path with query, X-Amz-Target, body digest, attempt), where `attempt` counts
  how often that same request has arrived (1 for the first send, 2 for its first resend, ...). So
  the same seed gives every request the same fate whatever order concurrent requests arrive in.
- A rule for chosen requests: `Faults(rules=[FaultRule("apply_then_drop", method="PUT",
  units=["amzn1.alexa.unit.did.A102"])])`. Kinds (`FaultKind`):
    "404" / "429" / "500"  answer that status without running the handler (nothing applied);
    "drop"             close the connection without an answer, nothing applied;
    "apply_then_drop"  run the handler (the write happens), then close the connection unanswered;
    "apply_then_500"   run the handler (the write happens), then answer 500.
  A rule matches on `method`, `path` (a regular expression searched in "path?query"), `target`
  (the X-Amz-Target of an AWS call) and `units` (any of these ids in the path or query); `attempts`
  limits it to the first N attempts of each matching request (None: every attempt) and `share`
  fires it for that keyed share of the matching requests. The first rule that fires wins; rules
  come before `p429`/`p5xx`, which come before the rate limit.
- Over HTTP (a running sandbox, `bot sandbox serve`): `POST /_sandbox/faults` with
  `{"rules": [{"fault": "apply_then_500", "method": "DELETE", "path": "/v1/alerts/"}]}`;
  `GET /_sandbox/faults` shows them; `{"reset": true}` clears everything.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from typing import Any, Literal, get_args

FaultKind = Literal["404", "429", "500", "drop", "apply_then_drop", "apply_then_500"]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)


class Verdict(StrEnum):
    INJECTED_404 = "injected_404"
    INJECTED_429 = "injected_429"
    INJECTED_5XX = "injected_5xx"
    RATE_LIMITED = "rate_limited"
    DROPPED = "dropped"
    APPLIED_THEN_DROPPED = "applied_then_dropped"
    APPLIED_THEN_500 = "applied_then_500"

    @property
    def applies(self) -> bool:
        """Whether the handler runs (the write happens) before the fault."""
        return self in (Verdict.APPLIED_THEN_DROPPED, Verdict.APPLIED_THEN_500)


_VERDICT_OF_KIND: dict[str, Verdict] = {
    "404": Verdict.INJECTED_404,
    "429": Verdict.INJECTED_429,
    "500": Verdict.INJECTED_5XX,
    "drop": Verdict.DROPPED,
    "apply_then_drop": Verdict.APPLIED_THEN_DROPPED,
    "apply_then_500": Verdict.APPLIED_THEN_500,
}


@dataclass(frozen=True)
class RequestKey:
    """What identifies one request for fault decisions: its attempts are counted under it."""

    method: str
    path: str  # with the query string, as sent
    target: str = ""  # X-Amz-Target of an AWS JSON call ("" elsewhere)
    body_digest: str = ""  # short digest of the body: two different writes are two requests

    @classmethod
    def of(cls, method: str, path: str, target: str = "", body: bytes = b"") -> RequestKey:
        digest = hashlib.sha256(body).hexdigest()[:16] if body else ""
        return cls(method.upper(), path, target, digest)

    def identity(self) -> str:
        return f"{self.method} {self.path} {self.target} {self.body_digest}"


@dataclass(frozen=True)
class FaultRule:
    """A fault for the requests it matches; see the module docstring."""

    fault: FaultKind
    method: str | None = None
    path: str | None = None
    target: str | None = None
    units: Sequence[str] = ()
    attempts: int | None = None
    share: float = 1.0

    def __post_init__(self) -> None:
        if self.fault not in FAULT_KINDS:
            raise ValueError(f"fault must be one of {', '.join(FAULT_KINDS)}")
        if self.attempts is not None and self.attempts < 1:
            raise ValueError("attempts must be >= 1 (or null for every attempt)")
        if not 0.0 <= self.share <= 1.0:
            raise ValueError("share must be between 0 and 1")
        if self.path is not None:
            try:
                re.compile(self.path)
            except re.error as exc:
                raise ValueError(f"path is not a valid regular expression: {exc}") from exc
        object.__setattr__(self, "units", tuple(self.units))

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> FaultRule:
        known = {f.name for f in fields(cls)}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown fault rule keys: {', '.join(sorted(unknown))}")
        if "fault" not in raw:
            raise ValueError("a fault rule needs 'fault'")
        units = raw.get("units") or ()
        if isinstance(units, str) or not isinstance(units, Iterable):
            raise ValueError("units must be a list of unit ids")
        return cls(**{**raw, "units": tuple(str(u) for u in units)})

    def matches(self, request: RequestKey, attempt: int) -> bool:
        if self.method is not None and self.method.upper() != request.method:
            return False
        if self.path is not None and not re.search(self.path, request.path):
            return False
        if self.target is not None and self.target not in request.target:
            return False
        if self.units and not any(unit in request.path for unit in self.units):
            return False
        return self.attempts is None or attempt <= self.attempts

    @property
    def verdict(self) -> Verdict:
        return _VERDICT_OF_KIND[self.fault]


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
    rules: tuple[FaultRule, ...] = field(default=())

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
        rules = tuple(
            rule if isinstance(rule, FaultRule) else FaultRule.from_json(rule)
            for rule in self.rules
        )
        object.__setattr__(self, "rules", rules)


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


def keyed_draw(seed: int, identity: str, attempt: int, salt: str = "") -> float:
    """A number in [0, 1) fixed by the seed, the request and its attempt (not by arrival order)."""
    digest = hashlib.sha256(f"{seed}|{salt}|{identity}|{attempt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


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
        rules: Iterable[FaultRule | Mapping[str, Any]] = (),
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
            rules=tuple(rules),  # type: ignore[arg-type]  # mappings are parsed in __post_init__
        )
        self._attempts: Counter[str] = Counter()
        self._buckets: dict[str, TokenBucket] = {}
        self._bucket_dirty = True

    @property
    def config(self) -> FaultConfig:
        return self._config

    @property
    def latency_s(self) -> float:
        return self._config.latency_ms / 1000.0

    def update(self, **changes: Any) -> FaultConfig:
        """Change some settings; a new seed or new rules restart the attempt counts, a new rps or
        burst refills the bucket.
        """
        known = {f.name for f in fields(FaultConfig)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(sorted(unknown))}")
        if "rules" in changes:
            changes["rules"] = tuple(changes["rules"] or ())
        with self._lock:
            new = replace(self._config, **changes)
            if "seed" in changes or "rules" in changes:
                self._attempts.clear()
            if (new.rps, new.burst, new.per_operation) != (
                self._config.rps,
                self._config.burst,
                self._config.per_operation,
            ):
                self._bucket_dirty = True
            self._config = new
            return new

    def reset(self) -> FaultConfig:
        """Back to no faults (seed kept; attempt counts restart)."""
        config = self.update(
            latency_ms=0.0,
            rps=None,
            burst=None,
            p429=0.0,
            p5xx=0.0,
            token_endpoint=False,
            per_operation=False,
            rules=(),
        )
        with self._lock:
            self._attempts.clear()
        return config

    def decide(
        self, now: float, operation: str = "", request: RequestKey | None = None
    ) -> Verdict | None:
        """The fault for one request arriving at monotonic time `now`, or None to serve it.

        `operation` ("GET /v2/units/{unitId}/...") picks the bucket when `per_operation` is on;
        `request` keys the rules and the injected shares (default: the operation itself).
        """
        key = request or RequestKey("", operation)
        identity = key.identity()
        with self._lock:
            cfg = self._config
            self._attempts[identity] += 1
            attempt = self._attempts[identity]
            for index, rule in enumerate(cfg.rules):
                if rule.matches(key, attempt) and (
                    rule.share >= 1.0
                    or keyed_draw(cfg.seed, identity, attempt, f"rule{index}") < rule.share
                ):
                    return rule.verdict
            if cfg.p429 or cfg.p5xx:
                draw = keyed_draw(cfg.seed, identity, attempt)
                if draw < cfg.p429:
                    return Verdict.INJECTED_429
                if draw < cfg.p429 + cfg.p5xx:
                    return Verdict.INJECTED_5XX
            return self._rate_limit(cfg, now, operation)

    def _rate_limit(self, cfg: FaultConfig, now: float, operation: str) -> Verdict | None:
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

    def snapshot(self) -> dict[str, object]:
        snapshot = asdict(self._config)
        snapshot["rules"] = [
            {**asdict(rule), "units": list(rule.units)} for rule in self._config.rules
        ]
        return snapshot
