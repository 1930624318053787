"""Risk direction: which changes raise risk, and whether the plan's author asked for them.

A change raises risk when it adds to or re-opens a position, loosens or removes a stop-loss, or
moves margin out of a cross account (its liquidation comes closer); a modification raises it
like its place/cancel equivalent: a resting entry made bigger or moved to a worse price, a
preset or plan-order stop moved away from the price.  *Why* it is proposed decides
what happens to it: an action step, or a target step the author edited since the last apply, is
**intent** (marked, never blocked); a target step that stayed the same while the account or the
market moved is **drift** (refused under ``--yes`` unless the plan's
``policy.allow_risk_increase`` or ``--allow-risk-increase``).  Pure functions on values.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import StrEnum

from runner.compiler import actions as act
from runner.compiler.intents import Intent
from runner.compiler.lifecycle import Lifecycle
from runner.compiler.snapshot import Snapshot, TriggerOrder, WorkingOrder
from runner.domain import Margin, PosSide, PriceWay, TriggerKind
from runner.findings import Finding, Location, Severity
from runner.money import plain, usdt
from runner.values import value


class Why(StrEnum):
    INTENT = "intent"  # the author asked for it: an action step, or a step edited since
    DRIFT = "drift"  # the step is unchanged; the account or the market moved


@value
class RiskChange:
    what: str  # "adds 3 contracts to the SOLUSDT long", "loosens the stop-loss 65500 -> 63700"
    why: Why
    reason: str
    location: Location | None = None  # the step's, for the finding that refuses drift


def classify(step_changed: bool | None, is_action: bool) -> Why:
    """``step_changed``: the step's definition differs from the one last applied (``None``:
    no record, e.g. its first apply, which is the author's new step)."""
    if is_action or step_changed is None or step_changed:
        return Why.INTENT
    return Why.DRIFT


def step_changed(lifecycle: Lifecycle, intent: Intent) -> bool | None:
    """Whether the step was edited since the last apply: from its record (position steps) or
    its remembered definition (every other target step)."""
    return lifecycle.changed(intent)


def _reason(why: Why, is_action: bool) -> str:
    if why is Why.DRIFT:
        return "the step is unchanged since the last apply: the account or the market moved"
    return "an action step" if is_action else "the step is new or was edited"


def looser(side: PosSide, old: Decimal, new: Decimal) -> bool:
    """A stop further from the price: lower for a long, higher for a short."""
    return new < old if side is PosSide.LONG else new > old


def worse_entry(side: PosSide, old: Decimal, new: Decimal) -> bool:
    """An entry price less favourable to the position: higher for a long, lower for a short."""
    return new > old if side is PosSide.LONG else new < old


def _modified_entry(action: act.ModifyLimitOrder, order: WorkingOrder) -> str | None:
    """A resting entry made bigger or moved to a worse price: more exposure, or at a worse
    price (a buy moved up also fills sooner)."""
    if not order.opens:
        return None
    side = order.side.position
    where = f"the resting {action.symbol} {side.value} entry"
    raised = []
    if action.size is not None and action.size > order.size:
        raised.append(f"adds {plain(action.size - order.size)} contracts to {where}")
    if action.price is not None and worse_entry(side, order.price, action.price):
        moved = f"to a worse price {plain(order.price)} -> {plain(action.price)}"
        raised.append(f"moves it {moved}" if raised else f"moves {where} {moved}")
    return " and ".join(raised) or None


def _modified_preset(
    action: act.ModifyPreset, carrier: WorkingOrder | TriggerOrder | None
) -> str | None:
    if carrier is None or action.stop_loss is None or carrier.preset_sl is None:
        return None
    side = carrier.side.position
    old, new = carrier.preset_sl, action.stop_loss.trigger
    if not looser(side, old, new):
        return None
    what = "plan order" if action.on_plan_order else "resting entry"
    return (
        f"loosens the preset stop-loss of the {action.symbol} {what} {plain(old)} -> {plain(new)}"
    )


def _modified_plan_order(action: act.ModifyPlanOrder, held: TriggerOrder | None) -> str | None:
    if held is None:
        return None
    side = held.side.position
    if held.side.opens:
        old = held.executive_price if held.executive_price > 0 else held.trigger
        new = action.executive_price or action.trigger
        if worse_entry(side, old, new):
            return (
                f"moves the {action.symbol} plan order's {side.value} entry to a worse price "
                f"{plain(old)} -> {plain(new)}"
            )
        return None
    # a reduce-only plan order on the losing side of the position is a stop
    stop_way = PriceWay.FALL if side is PosSide.LONG else PriceWay.RISE
    if held.price_way is stop_way and looser(side, held.trigger, action.trigger):
        return (
            f"loosens the {action.symbol} plan order stop {plain(held.trigger)} -> "
            f"{plain(action.trigger)}"
        )
    return None


def _raises(
    action: act.Action,
    triggers: Mapping[str, TriggerOrder],
    orders: Mapping[str, WorkingOrder],
    cross_held: bool,
) -> str | None:
    if isinstance(action, act.ModifyLimitOrder):
        order = orders.get(action.order_id)
        return None if order is None else _modified_entry(action, order)
    if isinstance(action, act.ModifyPreset):
        return _modified_preset(
            action, orders.get(action.order_id) or triggers.get(action.order_id)
        )
    if isinstance(action, act.ModifyPlanOrder):
        return _modified_plan_order(action, triggers.get(action.order_id))
    if isinstance(action, act.SubmitOrder) and action.opens:
        return f"opens {plain(action.size)} {action.symbol} {action.side.position.value}"
    if isinstance(action, act.SubmitPlanOrder) and action.side.opens:
        return f"a plan order may open {plain(action.size)} {action.symbol}"
    if isinstance(action, act.ModifyTpSl) and action.kind is TriggerKind.STOP_LOSS:
        held = triggers.get(action.order_id)
        side = held.side.position if held else act.placeholder_side(action.order_id)
        old, new = action.previous.trigger, action.protection.trigger
        if side is not None and looser(side, old, new):
            return f"loosens the {action.symbol} stop-loss {plain(old)} -> {plain(new)}"
    if isinstance(action, act.CancelTrigger):
        held = triggers.get(action.order_id)
        if held is not None and held.kind is TriggerKind.STOP_LOSS:
            return f"removes the {action.symbol} stop-loss {plain(held.trigger)}"
    if isinstance(action, act.Transfer) and not action.to_futures and cross_held:
        return f"moves {usdt(action.amount)} out of a cross account: liquidation comes closer"
    return None


def risk_changes(
    actions: Iterable[act.Action],
    before: Snapshot,
    after: Snapshot,
    *,
    changed: bool | None,
    is_action: bool,
    location: Location | None = None,
) -> tuple[RiskChange, ...]:
    triggers = {t.order_id: t for t in before.trigger_orders}
    orders = {o.order_id: o for o in before.open_orders}
    cross_held = any(p.margin is Margin.CROSS for p in (*before.positions, *after.positions))
    why = classify(changed, is_action)
    found = []
    for action in actions:
        what = _raises(action, triggers, orders, cross_held)
        if what is not None:
            found.append(RiskChange(what, why, _reason(why, is_action), location))
    return tuple(found)


def drift_findings(changes: Iterable[RiskChange]) -> list[Finding]:
    """Drift refused under --yes: one error per change, each named."""
    return [
        Finding(
            "risk-drift",
            Severity.ERROR,
            f"{change.what}: {change.reason}; refused under --yes",
            change.location,
            "confirm it at a terminal, or allow it with policy.allow_risk_increase: true or "
            "--allow-risk-increase",
        )
        for change in changes
        if change.why is Why.DRIFT
    ]


def drift_notices(changes: Iterable[RiskChange], *, allowed: bool) -> list[Finding]:
    """What ``plan`` says of drift, as warnings (a dry run refuses nothing): what apply --yes
    would refuse, or, with ``policy.allow_risk_increase``/``--allow-risk-increase``, accept."""
    if allowed:
        return [
            Finding(
                "risk-drift-accepted",
                Severity.WARNING,
                f"{change.what}: {change.reason}; accepted (policy.allow_risk_increase or "
                "--allow-risk-increase)",
                change.location,
            )
            for change in changes
            if change.why is Why.DRIFT
        ]
    return [
        Finding(
            "risk-drift",
            Severity.WARNING,
            f"{change.what}: {change.reason}; apply --yes would refuse it",
            change.location,
            "confirm it at a terminal, or allow it with policy.allow_risk_increase: true or "
            "--allow-risk-increase",
        )
        for change in changes
        if change.why is Why.DRIFT
    ]
