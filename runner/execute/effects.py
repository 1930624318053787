"""Did an action take effect?  One predicate per action type, used twice:

- to *reconcile* a write whose outcome is unknown (before anything is sent again), and
- to *verify* every write after the run, in one read of the account.

A predicate answers from facts read *after* the write: the fresh snapshot, the order looked up by
its client order id, the transfer records.  ``Before`` holds what was true before the write where
the answer depends on a difference (plan orders carry no id; transfers carry no id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from runner.compiler import actions as act
from runner.compiler.snapshot import Snapshot, WorkingOrder
from runner.domain import OrderSide, TriggerKind
from runner.execute.port import OrderFact, TransferFact


@dataclass(frozen=True)
class Before:
    plan_order_ids: frozenset[str] = frozenset()
    intent_time_ms: int = 0  # exchange time when the intent was journaled
    claimed_transfer_ids: frozenset[str] = frozenset()  # already explained by earlier steps


@dataclass(frozen=True)
class Facts:
    snapshot: Snapshot
    order: OrderFact | None = None  # the order looked up by the action's client order id
    transfers: Sequence[TransferFact] = field(default_factory=tuple)


def took_effect(action: act.Action, facts: Facts, before: Before) -> bool:
    snap = facts.snapshot
    if isinstance(action, act.SubmitOrder):
        return facts.order is not None
    if isinstance(action, act.SubmitTpSl):
        return any(t.client_order_id == action.cid for t in snap.trigger_orders)
    if isinstance(action, act.ModifyTpSl):
        return any(
            t.order_id == action.order_id
            and t.trigger == action.protection.trigger
            and t.price_source is action.protection.source
            for t in snap.trigger_orders
        )
    if isinstance(action, act.CancelTrigger):
        return all(t.order_id != action.order_id for t in snap.trigger_orders)
    if isinstance(action, act.CancelOrder | act.CancelTrailing):
        return all(o.order_id != action.order_id for o in snap.open_orders)
    if isinstance(action, act.SubmitTrailing):
        return any(is_trailing_of(o, action) for o in snap.open_orders)
    if isinstance(action, act.SetLeverage):
        setting = snap.settings.get(action.symbol)
        return setting is not None and (setting.leverage, setting.margin) == (
            action.leverage,
            action.margin,
        )
    if isinstance(action, act.SetPositionMode):
        return snap.mode is action.mode
    if isinstance(action, act.SubmitPlanOrder):
        return any(
            t.kind is TriggerKind.PLAN
            and t.order_id not in before.plan_order_ids
            and t.symbol == action.symbol
            and t.trigger == action.trigger
            and t.size == action.size
            and t.side is action.side
            for t in snap.trigger_orders
        )
    if isinstance(action, act.Transfer):
        return matching_transfer(action, facts.transfers, before) is not None
    raise TypeError(f"no effect predicate for {type(action).__name__}")


def is_trailing_of(order: WorkingOrder, action: act.SubmitTrailing) -> bool:
    return (
        order.order_type == "trailing"
        and order.symbol == action.symbol
        and order.side is OrderSide.closing(action.side)
        and order.activation_price == action.activation
        and order.callback_rate == action.callback
    )


# Transfers carry no client id: a record with the same amount and direction, stamped after the
# intent was journaled (less a small allowance for clock skew) and not already explained by an
# earlier step of this run, is this transfer.
TRANSFER_SKEW_MS = 5_000


def matching_transfer(
    action: act.Transfer, records: Sequence[TransferFact], before: Before
) -> TransferFact | None:
    for record in records:
        if (
            record.amount == action.amount
            and record.to_futures == action.to_futures
            and record.time_ms >= before.intent_time_ms - TRANSFER_SKEW_MS
            and record.transfer_id not in before.claimed_transfer_ids
        ):
            return record
    return None
