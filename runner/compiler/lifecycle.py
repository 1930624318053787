"""What each target step did on the exchange and what became of it, as plain values.

A ``StepRecord`` is the runner's memory of one position step on one account: the position it
held (or the entry order it left resting) at the end of the last apply, and how that position
ended (take-profit, stop-loss, liquidation, ADL, a close outside the runner, an expired entry).
The record is read and reconciled against the exchange at the edge (``runner.records``) and
handed to the compiler as a value, like the snapshot; the exchange always wins, the record only
explains what the snapshot alone cannot (why a position is gone, so a stop-out is not re-opened).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import field, fields, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any

from runner.compiler.intents import Entry, Intent, Keep, PositionIntent, Trigger
from runner.domain import PosSide
from runner.durations import format_duration, local_time_text
from runner.money import plain
from runner.values import value


class ClosedBy(StrEnum):
    TAKE_PROFIT = "take_profit"
    STOP_LOSS = "stop_loss"
    LIQUIDATION = "liquidation"
    ADL = "adl"
    OUTSIDE = "outside"  # a close (or cancel) the runner did not send: drift, the trader's call
    UNKNOWN = "unknown"  # gone, and the exchange's history no longer says how
    EXPIRED = "expired"  # an entry that rested past expire_after (cancelled, or cut at its fill)


@value
class TriggerRef:
    order_id: str
    kind: str  # take_profit | stop_loss
    trigger: Decimal


@value
class Holding:
    """The position (or resting entry) a step held when the last apply ended."""

    symbol: str
    side: PosSide
    size: Decimal  # contracts held (0 while only the entry order rests)
    entry_price: Decimal
    since_ms: int  # exchange time from which history explains what happened to it
    entry_orders: tuple[str, ...] = ()  # client order ids of the entry orders the step sent
    protections: tuple[TriggerRef, ...] = ()


@value
class Closure:
    by: ClosedBy
    at_ms: int | None = None  # exchange time of the close
    price: Decimal | None = None  # average fill price of the close
    pnl: Decimal | None = None  # realized, after the fees of the position's fills
    size: Decimal | None = None  # EXPIRED: the size the step was completed at


@value
class StepRecord:
    key: str
    step_hash: str
    symbol: str
    side: PosSide
    holding: Holding | None = None
    closure: Closure | None = None

    def evolve(self, **changes: Any) -> StepRecord:
        return replace(self, **changes)


@value
class Lifecycle:
    """Every step record of one plan on one account, reconciled, plus the exchange's "now".

    ``definitions`` remembers, for every other target step (tp_sl, plan_order, cancel,
    ensure_balance, leverage, position_mode), the hash of what it said when an apply last
    carried it out in full: a step that still says the same is unchanged, so a risk-raising
    change it would make now follows from the account or the market (drift), not its author."""

    records: Mapping[str, StepRecord]
    server_ms: int | None = None  # None when no decision needed the exchange clock
    definitions: Mapping[str, str] = field(default_factory=dict)  # step key -> intent_hash

    def for_intent(self, intent: PositionIntent) -> StepRecord | None:
        """The step's record; one saved under another key but for the same definition is the
        same step moved within the plan (inserting a step renumbers the unnamed ones)."""
        record = self.records.get(intent.key)
        if record is not None:
            return record
        digest = step_hash(intent)
        return next((r for r in self.records.values() if r.step_hash == digest), None)

    def changed(self, intent: Intent) -> bool | None:
        """Whether the step says something else than when it was last applied (``None``: no
        memory of it, e.g. its first apply, which makes it the author's new step)."""
        if isinstance(intent, PositionIntent):
            record = self.for_intent(intent)
            return None if record is None else record.step_hash != step_hash(intent)
        digest = intent_hash(intent)
        known = self.definitions.get(intent.key)
        if known is not None:
            return known != digest
        # the same definition under another key: the step moved within the plan
        return False if digest in self.definitions.values() else None


EMPTY = Lifecycle({})


# --- the step's identity -----------------------------------------------------------------------

_NOT_DEFINITION = {"index", "key", "note", "loc", "reentry", "reentry_after_s", "rebalance_band"}


def _canonical(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, Keep):
        return "keep"
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, Trigger | Entry):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value)}
    return value


def step_hash(intent: PositionIntent) -> str:
    """Hash of what the step asks for.  Editing it re-arms a completed step; changing only its
    ``reentry`` policy or note does not (the policy then decides about the earlier close)."""
    return intent_hash(intent)


def intent_hash(intent: Intent) -> str:
    """Hash of what any step asks for (its kind and definition; not its place, key or note)."""
    definition = {
        f.name: _canonical(getattr(intent, f.name))
        for f in fields(intent)
        if f.name not in _NOT_DEFINITION
    }
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


# --- words ---------------------------------------------------------------------------------------

_VERBS = {
    ClosedBy.TAKE_PROFIT: "took profit",
    ClosedBy.STOP_LOSS: "stopped out",
    ClosedBy.LIQUIDATION: "liquidated",
    ClosedBy.ADL: "closed by auto-deleveraging",
    ClosedBy.OUTSIDE: "closed outside the runner",
    ClosedBy.UNKNOWN: "closed (the exchange's history does not say how)",
    ClosedBy.EXPIRED: "entry expired",
}


def describe_closure(closure: Closure) -> str:
    """``stopped out at 63050 on 2026-12-01 14:02:00 (-20.27 USDT incl. fees)``."""
    text = _VERBS[closure.by]
    if closure.by is ClosedBy.EXPIRED and closure.size:
        text += f", kept the {plain(closure.size)} contracts that filled"
    if closure.price is not None and closure.price > 0:
        text += f" at {plain(closure.price)}"
    if closure.at_ms is not None:
        text += f" on {local_time_text(closure.at_ms)}"
    if closure.pnl is not None:
        text += f" ({plain(closure.pnl.quantize(Decimal('0.01')))} USDT incl. fees)"
    return text


def describe_policy(intent: PositionIntent) -> str:
    if intent.reentry == "after" and intent.reentry_after_s is not None:
        return f"reentry: after {format_duration(intent.reentry_after_s)}"
    return f"reentry: {intent.reentry}"
