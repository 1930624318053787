"""Injected faults (PRODUCT.md section 7): rules matched by path, used up by count, seeded."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from runner.sim.errors import ControlError

FAULT_KINDS = frozenset(
    {
        "drop_after_commit",  # perform the request, then cut the connection without a response
        "drop_before_commit",  # cut the connection without performing the request
        "http_500",  # not performed; with "after_commit": true, performed and then the 500
        "http_429",
        "cloudflare_403",
        "delay",  # sleep delay_ms, then perform and answer normally
    }
)
ANY_PATH = "*"
DEFAULT_DELAY_MS = 1000
MAX_DELAY_MS = 600_000
_ROLL_SCALE = 1_000_000


@dataclass
class FaultRule:
    path: str
    fault: str
    count: int = 1  # how many more times this rule fires
    probability: Decimal = Decimal(1)
    delay_ms: int = DEFAULT_DELAY_MS
    after_commit: bool = False  # http_500 only: perform the request, then answer 500

    @property
    def performs_request(self) -> bool:
        """Whether the request still reaches the exchange under this fault."""
        return self.fault in ("delay", "drop_after_commit") or self.after_commit

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "fault": self.fault,
            "count": self.count,
            "probability": str(self.probability),
            "delay_ms": self.delay_ms,
            "after_commit": self.after_commit,
        }


def _int_field(raw: Mapping[str, Any], name: str, default: int, low: int, high: int) -> int:
    value = raw.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ControlError(f"fault rule {name!r} must be an integer in [{low}, {high}]")
    return value


def _probability(raw: Mapping[str, Any]) -> Decimal:
    value = raw.get("probability", 1)
    if isinstance(value, bool):
        raise ControlError("fault rule 'probability' must be a number in [0, 1]")
    try:
        chance = Decimal(str(value))
    except InvalidOperation:
        raise ControlError("fault rule 'probability' must be a number in [0, 1]") from None
    if not chance.is_finite() or not Decimal(0) <= chance <= Decimal(1):
        raise ControlError("fault rule 'probability' must be a number in [0, 1]")
    return chance


def parse_rule(raw: object) -> FaultRule:
    if not isinstance(raw, dict):
        raise ControlError("each fault rule must be a JSON object")
    path = raw.get("path")
    if not isinstance(path, str) or not (path.startswith("/") or path == ANY_PATH):
        raise ControlError("fault rule 'path' must be an API path such as /contract/private/order")
    fault = raw.get("fault")
    if fault not in FAULT_KINDS:
        raise ControlError(f"fault rule 'fault' must be one of {', '.join(sorted(FAULT_KINDS))}")
    unknown = set(raw) - {"path", "fault", "count", "probability", "delay_ms", "after_commit"}
    if unknown:
        raise ControlError(f"unknown fault rule field(s): {', '.join(sorted(unknown))}")
    after_commit = raw.get("after_commit", False)
    if not isinstance(after_commit, bool) or (after_commit and fault != "http_500"):
        raise ControlError("fault rule 'after_commit' is a boolean, allowed only with http_500")
    return FaultRule(
        path=path,
        fault=str(fault),
        count=_int_field(raw, "count", 1, 1, 1_000_000),
        probability=_probability(raw),
        delay_ms=_int_field(raw, "delay_ms", DEFAULT_DELAY_MS, 0, MAX_DELAY_MS),
        after_commit=after_commit,
    )


def parse_rules(body: object) -> list[FaultRule]:
    if not isinstance(body, dict) or not isinstance(body.get("rules"), list):
        raise ControlError('expected {"rules": [{"path": ..., "fault": ...}, ...]}')
    return [parse_rule(raw) for raw in body["rules"]]


class FaultBook:
    """The active rules; the first matching rule that fires is consumed (thread-safe)."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._random = random.Random(seed)  # noqa: S311 - fault injection, not cryptography

    def add(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self._rules.extend(rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def active(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_json() for rule in self._rules]

    def _roll(self) -> Decimal:
        # An integer draw scaled to [0, 1): no float anywhere near the decision.
        return Decimal(self._random.randrange(_ROLL_SCALE)) / _ROLL_SCALE

    def take(self, path: str) -> FaultRule | None:
        """The fault to apply to this request, if any, decrementing its rule's count."""
        with self._lock:
            for rule in self._rules:
                if rule.path not in (path, ANY_PATH):
                    continue
                if rule.probability < 1 and self._roll() >= rule.probability:
                    continue
                rule.count -= 1
                if rule.count == 0:
                    self._rules.remove(rule)
                return replace(rule, count=1)
            return None
