"""When a position step is done: closed by the market (reentry policy) or its entry expired.

Pure decisions on the step's reconciled record (``ctx.lifecycle``) and the exchange's clock
(``ctx.lifecycle.server_ms``); the position compiler asks before it would open anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from runner.compiler.builder import StepBuilder
from runner.compiler.ctx import Ctx
from runner.compiler.intents import PositionIntent
from runner.compiler.lifecycle import (
    ClosedBy,
    Closure,
    describe_closure,
    describe_policy,
    step_hash,
)
from runner.compiler.snapshot import Position, WorkingOrder
from runner.compiler.steps.common import cancel_resting
from runner.durations import format_duration, local_time_text
from runner.money import plain
from runner.values import value

ZERO = Decimal(0)


@value
class Gate:
    """What the record allows the step to do on this apply."""

    stay_flat: bool = False  # completed: propose nothing that opens
    cap: Decimal | None = None  # completed at this size (an expired, partly filled entry)


OPEN = Gate()


def closure_gate(b: StepBuilder, ctx: Ctx, intent: PositionIntent, flat: bool) -> Gate:
    """A step whose position was closed by the market (or by hand) stays flat unless its
    ``reentry`` policy says otherwise; editing the step re-arms it."""
    record = ctx.lifecycle.for_intent(intent)
    if record is None or record.closure is None:
        return OPEN
    closure = record.closure
    if record.step_hash != step_hash(intent):
        if flat:
            b.note(f"{describe_closure(closure)}; the step was edited since: re-armed")
        return OPEN
    if closure.by is ClosedBy.EXPIRED:
        return _expired(b, closure, flat)
    if not flat:
        return OPEN  # a position is back (opened by hand): the target converges as usual
    return _reentry(b, ctx, intent, closure)


def _expired(b: StepBuilder, closure: Closure, flat: bool) -> Gate:
    kept = closure.size or Decimal(0)
    if flat or kept <= 0:
        b.note(f"{describe_closure(closure)}; stays flat until the step is edited")
        return Gate(stay_flat=True)
    b.note(f"{describe_closure(closure)}; the step holds {plain(kept)} contracts, no top-up")
    return Gate(cap=kept)


def _reentry(b: StepBuilder, ctx: Ctx, intent: PositionIntent, closure: Closure) -> Gate:
    what, policy = describe_closure(closure), describe_policy(intent)
    if intent.reentry == "always":
        b.note(f"{what}; opens again ({policy})")
        return OPEN
    if intent.reentry == "after" and intent.reentry_after_s is not None:
        now = ctx.lifecycle.server_ms
        if closure.at_ms is None or now is None:
            b.note(f"{what}; stays flat: the time of the close is not known ({policy})")
            return Gate(stay_flat=True)
        due = closure.at_ms + intent.reentry_after_s * 1000
        if now >= due:
            b.note(f"{what}; opens again, {format_duration(intent.reentry_after_s)} have passed")
            return OPEN
        b.note(f"{what}; stays flat until {local_time_text(due)} ({policy})")
        return Gate(stay_flat=True)
    b.note(f"{what}; stays flat ({policy})")
    return Gate(stay_flat=True)


def expired_entries(
    ctx: Ctx, intent: PositionIntent, pending: Sequence[WorkingOrder]
) -> list[WorkingOrder]:
    """The step's resting entry orders older than ``entry.expire_after`` (exchange clock)."""
    limit, now = intent.entry.expire_after_s, ctx.lifecycle.server_ms
    if limit is None or now is None:
        return []
    return [o for o in pending if o.created_ms and now >= o.created_ms + limit * 1000]


def cancel_entries(
    b: StepBuilder,
    ctx: Ctx,
    intent: PositionIntent,
    orders: Sequence[WorkingOrder],
    why: str,
    *,
    expired: bool = False,
) -> None:
    """Cancel resting entry orders of the step (what rides on them goes with them)."""
    for order in orders:
        summary = (
            f"cancel entry order {order.order_id} "
            f"({plain(order.remaining)} @ {plain(order.price)}): {why}"
        )
        cancel_resting(b, ctx, intent.symbol, order, summary, expired=expired)


def completion(
    b: StepBuilder,
    ctx: Ctx,
    intent: PositionIntent,
    held: Position | None,
    pending: list[WorkingOrder],
    wanted: Decimal,
) -> tuple[Decimal, list[WorkingOrder]] | None:
    """Expired entries and a position the market closed: the (wanted size, pending entries)
    left to converge to, or None when the step is completed and stays flat."""
    current = held.size if held else ZERO
    expired = expired_entries(ctx, intent, pending)
    if expired:
        assert intent.entry.expire_after_s is not None
        limit = format_duration(intent.entry.expire_after_s)
        cancel_entries(b, ctx, intent, expired, f"rested past expire_after {limit}", expired=True)
        pending = [o for o in pending if o not in expired]
        b.note(
            f"entry expired: the step is completed at the {plain(current)} contracts that "
            "filled (no top-up)"
            if current > 0
            else "entry expired unfilled: the step is completed and stays flat"
        )
        wanted = min(wanted, current + sum((o.remaining for o in pending), ZERO))
    gate = closure_gate(b, ctx, intent, flat=held is None)
    if gate.stay_flat:
        if pending:  # the resting rest of an entry whose filled part was closed
            cancel_entries(b, ctx, intent, pending, "its position was closed")
        return None
    if gate.cap is not None:
        wanted = min(wanted, gate.cap)
    return wanted, pending
