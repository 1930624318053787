"""After an apply: what each position step now holds, written into its record.

Pure: the reconciled records, the plan, the actions that were applied and the account as the
apply left it -> the records to save.  A step holding a position (or a resting entry) records it
with the ids of its entry orders and of the TP/SL orders that protect it, so that when it is gone
the history can say which of them closed it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from runner.compiler import actions as act
from runner.compiler.intents import CloseIntent, PlanIntents, PositionIntent, TransferIntent
from runner.compiler.lifecycle import (
    ClosedBy,
    Closure,
    Holding,
    Lifecycle,
    StepRecord,
    TriggerRef,
    intent_hash,
    step_hash,
)
from runner.compiler.snapshot import Snapshot
from runner.domain import OrderSide, TriggerKind
from runner.records.reconcile import position_intents

ZERO = Decimal(0)
KEEP_ENTRY_IDS = 12  # the most recent entry client order ids a holding remembers
NOT_APPLIED = ""  # the step_hash of a step no apply has carried out in full yet


def after_apply(
    lifecycle: Lifecycle,
    intents: PlanIntents,
    final: Snapshot,
    applied: Sequence[act.Action],
    ids: act.OrderIds,
    *,
    planned: Sequence[act.Action],
    now_ms: int,
) -> dict[str, StepRecord]:
    """Records for every position step of the plan (steps no longer in it are dropped).

    A step this apply cut short keeps the definition it was last carried out in full with
    (``NOT_APPLIED`` when never): what it still has to do is the author's, not drift."""
    sent = Counter(_key(a) for a in applied)
    updated: dict[str, StepRecord] = {}
    for intent in position_intents(intents):
        record = lifecycle.for_intent(intent)
        steps_actions = [a for a in applied if a.step_index == intent.index]
        new = _updated(intent, record, final, steps_actions, ids, now_ms)
        if not _carried_out(intent.index, planned, sent):
            new = replace(new, step_hash=record.step_hash if record is not None else NOT_APPLIED)
        updated[intent.key] = new
    return updated


def definitions_after(
    lifecycle: Lifecycle,
    intents: PlanIntents,
    planned: Sequence[act.Action],
    applied: Sequence[act.Action],
) -> dict[str, str]:
    """What every target step other than a position said, for the ones this apply carried out
    in full (all their actions applied, or none needed).  A step cut short keeps what it said
    before: its edit has not been applied yet, so it is still the author's, not drift."""
    sent = Counter(_key(a) for a in applied)  # the executor may have resolved ids on the way
    done: dict[str, str] = {}
    for intent in intents.intents:
        if isinstance(intent, PositionIntent | CloseIntent | TransferIntent):
            continue
        if _carried_out(intent.index, planned, sent):
            done[intent.key] = intent_hash(intent)
        elif intent.key in lifecycle.definitions:
            done[intent.key] = lifecycle.definitions[intent.key]
    return done


def _carried_out(
    index: int, planned: Sequence[act.Action], sent: Counter[tuple[int, str, str]]
) -> bool:
    """Every action the step planned was applied (or it needed none)."""
    own = Counter(_key(a) for a in planned if a.step_index == index)
    return all(sent[key] >= count for key, count in own.items())


def _key(action: act.Action) -> tuple[int, str, str]:
    return action.step_index, type(action).__name__, getattr(action, "symbol", "")


def _updated(
    intent: PositionIntent,
    record: StepRecord | None,
    final: Snapshot,
    applied: Sequence[act.Action],
    ids: act.OrderIds,
    now_ms: int,
) -> StepRecord:
    position = final.position(intent.symbol, intent.side)
    prefix = ids.prefix(intent.key)
    opening = OrderSide.opening(intent.side)
    resting = [
        o.client_order_id
        for o in final.orders_on(intent.symbol)
        if o.side is opening and o.client_order_id.startswith(prefix)
    ]
    sent = [a.cid for a in applied if isinstance(a, act.SubmitOrder) and a.opens]
    closure = record.closure if record is not None else None
    if any(isinstance(a, act.CancelOrder) and a.expired for a in applied):
        kept = position.size if position is not None else None
        closure = Closure(ClosedBy.EXPIRED, at_ms=now_ms, size=kept)
    holding = None
    if position is not None or resting or sent:
        before = record.holding if record is not None else None
        known = list(before.entry_orders) if before is not None else []
        entry_ids = list(dict.fromkeys([*known, *sent, *resting]))[-KEEP_ENTRY_IDS:]
        closing = OrderSide.closing(intent.side)
        holding = Holding(
            symbol=intent.symbol,
            side=intent.side,
            size=position.size if position is not None else ZERO,
            entry_price=position.entry_price if position is not None else ZERO,
            since_ms=before.since_ms if before is not None else now_ms,
            entry_orders=tuple(entry_ids),
            protections=tuple(
                TriggerRef(t.order_id, t.kind.value, t.trigger)
                for t in final.triggers_on(intent.symbol)
                if t.side is closing and t.kind is not TriggerKind.PLAN
            ),
        )
    return StepRecord(
        key=intent.key,
        step_hash=step_hash(intent),
        symbol=intent.symbol,
        side=intent.side,
        holding=holding,
        closure=closure,
    )
