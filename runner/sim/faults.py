"""Injected faults (PRODUCT.md section 7): rules matched by path, used up by count, seeded."""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from runner.sim.errors import ControlError
from runner.sim.wire import JSON_CONTENT_TYPE, Reply, encode_json, parse_json

FAULT_KINDS = frozenset(
    {
        "drop_after_commit",  # perform the request, then cut the connection without a response
        "drop_before_commit",  # cut the connection without performing the request
        "http_500",  # not performed; with "after_commit": true, performed and then the 500
        "http_429",
        "cloudflare_403",
        "delay",  # sleep delay_ms, then perform and answer normally
        "late_reply",  # perform, then sleep delay_ms before answering (lands after a timeout)
        "slow_drip",  # perform, then send the reply one byte every delay_ms
        "rewrite_field",  # perform, then set every `field` in the reply's data to `value`
        "raw_body",  # perform, then answer HTTP 200 with `body` (any text) instead
        "rate_headers",  # perform, then answer with these X-BM-RateLimit-* `headers`
        "reject",  # not performed: a definite BitMart error `code` (default 40027), HTTP 400
    }
)
# Faults that still perform the request; they change only what the client gets back.
_PERFORMING = frozenset(
    {"delay", "drop_after_commit", "late_reply", "slow_drip"}
    | {"rewrite_field", "raw_body", "rate_headers"}
)
_EXTRA_FIELDS = {"field": "rewrite_field", "value": "rewrite_field", "body": "raw_body"}
_EXTRA_FIELDS["headers"] = "rate_headers"
_EXTRA_FIELDS["code"] = "reject"
DEFAULT_REJECT_CODE = 40027
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
    field: str | None = None  # rewrite_field: the key to rewrite wherever it appears in data
    value: Any = None  # rewrite_field: its new value (any JSON)
    body: str | None = None  # raw_body: the text sent instead of the reply
    headers: dict[str, str] | None = None  # rate_headers: header name -> value
    code: int = DEFAULT_REJECT_CODE  # reject: the error code answered

    @property
    def performs_request(self) -> bool:
        """Whether the request still reaches the exchange under this fault."""
        return self.fault in _PERFORMING or self.after_commit

    def to_json(self) -> dict[str, Any]:
        out = {
            "path": self.path,
            "fault": self.fault,
            "count": self.count,
            "probability": str(self.probability),
            "delay_ms": self.delay_ms,
            "after_commit": self.after_commit,
        }
        for name, kind in _EXTRA_FIELDS.items():
            if kind == self.fault:
                value = getattr(self, name)
                out[name] = str(value) if isinstance(value, Decimal) else value
        if self.body is not None and len(self.body) > 200:
            out["body"] = self.body[:200] + "..."  # a 100k-deep body stays out of /sim/state
        return out


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
    allowed = {"path", "fault", "count", "probability", "delay_ms", "after_commit"}
    allowed |= {name for name, kind in _EXTRA_FIELDS.items() if kind == fault}
    unknown = set(raw) - allowed
    if unknown:
        raise ControlError(f"unknown fault rule field(s) for {fault}: {', '.join(sorted(unknown))}")
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
        **_hostile_fields(str(fault), raw),
    )


def _hostile_fields(fault: str, raw: Mapping[str, Any]) -> dict[str, Any]:
    """The options of the faults that rewrite a reply, checked for shape."""
    if fault == "rewrite_field":
        name = raw.get("field")
        if not isinstance(name, str) or not name or "value" not in raw:
            raise ControlError("rewrite_field needs 'field' (a key name) and 'value' (any JSON)")
        return {"field": name, "value": raw["value"]}
    if fault == "raw_body":
        body = raw.get("body")
        if not isinstance(body, str):
            raise ControlError("raw_body needs 'body' (the text to answer with)")
        return {"body": body}
    if fault == "rate_headers":
        headers = raw.get("headers")
        if not isinstance(headers, dict) or not all(
            isinstance(k, str) and k.lower().startswith("x-bm-ratelimit") and isinstance(v, str)
            for k, v in headers.items()
        ):
            raise ControlError("rate_headers needs 'headers': {X-BM-RateLimit-*: text}")
        return {"headers": dict(headers)}
    if fault == "reject":
        return {"code": _int_field(raw, "code", DEFAULT_REJECT_CODE, 30000, 99999)}
    return {}


HOSTILE_FAULTS = frozenset({"late_reply", "slow_drip", "rewrite_field", "raw_body", "rate_headers"})


def hostile_reply(rule: FaultRule, reply: Reply) -> Reply:
    """The performed request's reply as the fault changes it."""
    if rule.fault == "slow_drip":
        return replace(reply, drip_ms=max(1, rule.delay_ms))
    if rule.fault == "raw_body":
        assert rule.body is not None
        return Reply(200, {"Content-Type": JSON_CONTENT_TYPE}, rule.body.encode())
    if rule.fault == "rate_headers":
        return replace(reply, headers={**reply.headers, **(rule.headers or {})})
    if rule.fault == "rewrite_field":
        assert rule.field is not None
        envelope = parse_json(reply.body)
        if isinstance(envelope, dict) and "data" in envelope:
            envelope["data"] = rewrite_field(envelope["data"], rule.field, rule.value)
        return replace(reply, body=encode_json(envelope))
    return reply  # late_reply: the handler already waited


def rewrite_field(value: Any, name: str, new: Any) -> Any:
    """``value`` with every ``name`` key (at any depth) set to ``new``."""
    if isinstance(value, dict):
        return {k: new if k == name else rewrite_field(v, name, new) for k, v in value.items()}
    if isinstance(value, list):
        return [rewrite_field(item, name, new) for item in value]
    return value


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
