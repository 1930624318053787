"""Did an action take effect?  One predicate per action type, used twice:

- to *reconcile* a write whose outcome is unknown (before anything is sent again), and
- to *verify* every write after the run, in one read of the account.

A predicate answers from facts read *after* the write: the fresh snapshot, the order looked up by
its client order id, the transfer records.  ``Before`` holds what was true before the write where
the answer depends on a difference (plan orders carry no id; transfers carry no id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field

from runner.compiler import actions as act
from runner.compiler.snapshot import Snapshot, WorkingOrder
from runner.domain import OrderSide, TriggerKind
from runner.execute.port import OrderFact, TransferFact
from runner.values import value


@value
class Before:
    plan_order_ids: frozenset[str] = frozenset()
    intent_time_ms: int = 0  # exchange time when the intent was journaled
    claimed_transfer_ids: frozenset[str] = frozenset()  # already explained by earlier steps
    # transfers on the exchange right before the send (None: not read): a match must be new,
    # which holds whatever the two clocks say
    known_transfer_ids: frozenset[str] | None = None


@value
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
        return matching_plan_order(action, snap, before) is not None
    if isinstance(action, act.Transfer):
        return matching_transfer(action, facts.transfers, before) is not None
    if isinstance(action, act.ModifyLimitOrder | act.ModifyPreset | act.ModifyPlanOrder):
        return modified(action, snap)
    raise TypeError(f"no effect predicate for {type(action).__name__}")


def matching_plan_order(action: act.SubmitPlanOrder, snap: Snapshot, before: Before) -> str | None:
    """The id of a plan order with this content that was not there before (each claimed once:
    the caller adds it to ``before.plan_order_ids`` of the next step)."""
    for t in snap.trigger_orders:
        if (
            t.kind is TriggerKind.PLAN
            and t.order_id not in before.plan_order_ids
            and t.symbol == action.symbol
            and t.trigger == action.trigger
            and t.size == action.size
            and t.side is action.side
        ):
            return t.order_id
    return None


def is_trailing_of(order: WorkingOrder, action: act.SubmitTrailing) -> bool:
    return (
        order.order_type == "trailing"
        and order.symbol == action.symbol
        and order.side is OrderSide.closing(action.side)
        and order.activation_price == action.activation
        and order.callback_rate == action.callback
    )


# Transfers carry no client id: a record with the same amount and direction that was not on the
# exchange right before the send and not already explained by an earlier step of this run is this
# transfer.  Times are only a window for the read: a signed request is valid for 60 s, the two
# clocks may disagree by as much, so the window reaches that far back.
SIGNATURE_VALIDITY_MS = 60_000
TRANSFER_SKEW_MS = SIGNATURE_VALIDITY_MS + 5_000


def matching_transfer(
    action: act.Transfer, records: Sequence[TransferFact], before: Before
) -> TransferFact | None:
    for record in records:
        if (
            record.amount == action.amount
            and record.to_futures == action.to_futures
            and record.transfer_id not in before.claimed_transfer_ids
            and (
                record.transfer_id not in before.known_transfer_ids
                if before.known_transfer_ids is not None
                else record.time_ms >= before.intent_time_ms - TRANSFER_SKEW_MS
            )
        ):
            return record
    return None


def modified(
    action: act.ModifyLimitOrder | act.ModifyPreset | act.ModifyPlanOrder, snap: Snapshot
) -> bool:
    """A modification shows on the order it targets; an order no longer resting (filled, fired or
    cancelled meanwhile) leaves nothing to modify, so sending again could change nothing."""
    order = next((o for o in snap.open_orders if o.order_id == action.order_id), None)
    trigger = next((t for t in snap.trigger_orders if t.order_id == action.order_id), None)
    if isinstance(action, act.ModifyLimitOrder):
        if order is None:
            return True
        return (action.price is None or order.price == action.price) and (
            action.size is None or order.size == action.size
        )
    if isinstance(action, act.ModifyPlanOrder):
        return trigger is None or (
            trigger.trigger == action.trigger and trigger.price_source is action.source
        )
    carrier = trigger if action.on_plan_order else order
    if carrier is None:
        return True
    return (action.take_profit is None or carrier.preset_tp == action.take_profit.trigger) and (
        action.stop_loss is None or carrier.preset_sl == action.stop_loss.trigger
    )
