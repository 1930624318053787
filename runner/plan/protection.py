"""Which side of the entry a take-profit or stop-loss must be on, checked from the plan alone.

For a long the take-profit is above the entry and the stop-loss below it (reversed for a short).
Relative triggers carry their side in the sign; absolute ones can be compared with a limit entry
price when the plan states one, and with each other when it does not.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal

from runner.domain import OrderType
from runner.money import plain
from runner.plan.model import PlanOrderStep, PositionStep, PriceLevel, Side, Step, TpSlStep, Trigger

Problem = tuple[str, str, str, str | None]  # field path, rule, message, hint
RULE = "tp-sl-direction"
_WORDS = {"take_profit": "take-profit", "stop_loss": "stop-loss"}


def protection_findings(step: Step) -> Iterator[Problem]:
    if isinstance(step, PositionStep):
        entry = step.entry
        limit = entry.price if entry is not None and entry.type is OrderType.LIMIT else None
        levels = _trigger_levels({"take_profit": step.take_profit, "stop_loss": step.stop_loss})
        yield from _check(step.side, limit, "the limit entry", levels, ".trigger")
        for number, level in enumerate(step.ladder):
            ladder = {"take_profit": level.trigger.level}
            yield from _check(step.side, limit, "the limit entry", ladder, f".{number}.trigger")
    elif isinstance(step, TpSlStep):
        levels = _trigger_levels({"take_profit": step.take_profit, "stop_loss": step.stop_loss})
        yield from _check(step.side, None, "", levels, ".trigger")
    elif isinstance(step, PlanOrderStep) and not step.reduce_only:
        order = step.order
        reference: Decimal | None = step.trigger.price
        name = "the trigger"
        if order is not None and order.type is OrderType.LIMIT and order.price is not None:
            reference, name = order.price, "the order price"
        levels = {
            key: level
            for key, level in (("take_profit", step.take_profit), ("stop_loss", step.stop_loss))
            if level is not None and not level.relative  # relative ones are refused elsewhere
        }
        yield from _check(step.side, reference, name, levels, "")


def _trigger_levels(protections: Mapping[str, object]) -> dict[str, PriceLevel]:
    return {k: p.level for k, p in protections.items() if isinstance(p, Trigger)}


def _above(side: Side, name: str) -> bool:
    """Whether this protection must sit above the entry price."""
    return (name == "take_profit") == (side is Side.LONG)


def _breakeven_take_profit(levels: Mapping[str, PriceLevel], suffix: str) -> Iterator[Problem]:
    level = levels.get("take_profit")
    if level is not None and level.breakeven:
        message = "breakeven is a stop-loss trigger: a take-profit at break-even takes no profit"
        yield f"take_profit{suffix}", RULE, message, "use it as stop_loss: {trigger: breakeven}"


def _check(
    side: Side,
    reference: Decimal | None,
    reference_name: str,
    levels: Mapping[str, PriceLevel],
    suffix: str,
) -> Iterator[Problem]:
    yield from _breakeven_take_profit(levels, suffix)
    for name, level in levels.items():
        if level.percent is not None:
            yield from _check_relative(side, name, level.percent, suffix)
        elif reference is not None and level.price is not None:
            yield from _check_against(side, name, level.price, reference, reference_name, suffix)
    tp, sl = levels.get("take_profit"), levels.get("stop_loss")
    if reference is None and tp is not None and sl is not None:
        yield from _check_tp_vs_sl(side, tp.price, sl.price, suffix)


def _check_tp_vs_sl(
    side: Side, tp: Decimal | None, sl: Decimal | None, suffix: str
) -> Iterator[Problem]:
    """Without a known entry, absolute TP and SL can still be checked against each other."""
    if tp is None or sl is None or ((tp > sl) == (side is Side.LONG) and tp != sl):
        return
    where = "above" if side is Side.LONG else "below"
    message = (
        f"take_profit {plain(tp)} is not {where} stop_loss {plain(sl)}: "
        f"for a {side.value} the take-profit must be {where} the stop-loss"
    )
    yield f"take_profit{suffix}", RULE, message, None


def _rule_text(side: Side, name: str) -> str:
    where = "above" if _above(side, name) else "below"
    return f"for a {side.value} the {_WORDS[name]} must be {where} the entry"


def _check_relative(side: Side, name: str, percent: Decimal, suffix: str) -> Iterator[Problem]:
    above = _above(side, name)
    if percent <= -100:
        message = f'{name} "-{plain(abs(percent))}%" would put the trigger at or below 0'
        yield f"{name}{suffix}", RULE, message, "a percentage below the entry must be under 100%"
        return
    if name == "stop_loss":
        # a stop on the profitable side of the entry (break-even, profit lock) is valid while
        # the price is beyond it: only the live check against the current price can tell
        return
    if percent != 0 and (percent > 0) == above:
        return
    written = f"{'+' if percent >= 0 else '-'}{plain(abs(percent))}%"
    sign = "+" if above else "-"
    example = f"{sign}{plain(abs(percent))}%" if percent != 0 else f"{sign}3%"
    message = f'{name} "{written}" is on the wrong side: {_rule_text(side, name)}'
    yield f"{name}{suffix}", RULE, message, f'write "{example}"'


def _check_against(
    side: Side, name: str, price: Decimal, reference: Decimal, reference_name: str, suffix: str
) -> Iterator[Problem]:
    above = _above(side, name)
    if price != reference and (price > reference) == above:
        return
    relation = "at" if price == reference else "below" if above else "above"
    message = (
        f"{name} {plain(price)} is {relation} {reference_name} {plain(reference)}: "
        f"{_rule_text(side, name)}"
    )
    yield f"{name}{suffix}", RULE, message, None
