"""Take-profit ladders: how many contracts each level closes, and what the plan alone can refuse.

A level's size is whole contracts, or a percentage of the step's size rounded down; the last level
may leave its size out and takes what the others leave.  The same arithmetic runs offline (when the
step states its size) and at plan time (when the size comes from a notional or a risk budget).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import ROUND_FLOOR, Decimal

from runner.money import plain
from runner.plan.model import LadderLevel, PositionStep, Side, TrailingStop, Trigger

Problem = tuple[str, str, str, str | None]  # field path, rule, message, hint
LevelSize = tuple[Decimal | None, Decimal | None]  # (contracts, percent); both None = the rest


def level_sizes(levels: Sequence[LevelSize], target: Decimal) -> list[Decimal]:
    """Contracts each level closes for a step holding ``target`` (the rest may come out <= 0)."""
    sizes: list[Decimal] = []
    for contracts, percent in levels:
        if contracts is not None:
            sizes.append(contracts)
        elif percent is not None:
            sizes.append((target * percent / 100).to_integral_value(rounding=ROUND_FLOOR))
        else:
            sizes.append(target - sum(sizes, Decimal(0)))
    return sizes


def size_problems(levels: Sequence[LevelSize], target: Decimal) -> Iterator[Problem]:
    """Levels that close nothing, or more than the position holds (fields under take_profit)."""
    total = Decimal(0)
    for number, (size, (contracts, percent)) in enumerate(
        zip(level_sizes(levels, target), levels, strict=True), 1
    ):
        field = f"take_profit.{number - 1}" + (".size" if contracts or percent else "")
        if size <= 0:
            what = (
                f'"{plain(percent)}%" of {plain(target)} contracts rounds down to 0'
                if percent is not None
                else f"nothing is left of the {plain(target)} contracts for it"
            )
            hint = "raise the percentage, or drop the level"
            yield field, "ladder-level-zero", f"take-profit level {number}: {what}", hint
            continue
        total += size
        if total > target:
            message = (
                f"take-profit level {number}: the levels close {plain(total)} contracts, "
                f"more than the position's {plain(target)}"
            )
            hint = "lower the sizes, or leave out the last level's size to take the rest"
            yield field, "ladder-exceeds-position", message, hint
            return


def _as_size(level: LadderLevel) -> LevelSize:
    return level.size, level.percent


def ladder_findings(step: PositionStep) -> Iterator[Problem]:
    levels = step.ladder
    if not levels:
        return
    for number, level in enumerate(levels[:-1], 1):
        if level.takes_rest:
            message = f"take-profit level {number} has no size; only the last level takes the rest"
            hint = 'add size: 10 (contracts) or size: "25%"'
            yield f"take_profit.{number - 1}", "ladder-size-missing", message, hint
    for number, level in enumerate(levels, 1):
        if level.percent is not None and level.percent > 100:
            message = f'take-profit level {number}: "{plain(level.percent)}%" is more than 100%'
            yield f"take_profit.{number - 1}.size", "ladder-exceeds-position", message, None
    if step.size is not None and step.size > 0:
        yield from size_problems([_as_size(level) for level in levels], step.size)
    elif step.size == 0:
        message = "a take-profit ladder on a step that holds 0 contracts closes nothing"
        yield "take_profit", "ladder-on-flat", message, "remove take_profit, or hold a size"
    yield from _order_problems(step.side, levels)


def _order_problems(side: Side, levels: Sequence[LadderLevel]) -> Iterator[Problem]:
    """Each level further from the entry than the one before (same kind of price compared)."""
    away = 1 if side is Side.LONG else -1
    last: dict[str, tuple[int, Decimal]] = {}
    for number, level in enumerate(levels, 1):
        price_level = level.trigger.level
        kind, value = (
            ("percent", price_level.percent)
            if price_level.percent is not None
            else ("price", price_level.price)
        )
        assert value is not None
        previous = last.get(kind)
        if previous is not None and (value - previous[1]) * away <= 0:
            where = "above" if side is Side.LONG else "below"
            message = (
                f"take-profit level {number} ({_written(kind, value)}) is not {where} level "
                f"{previous[0]} ({_written(kind, previous[1])}): for a {side.value} the levels "
                f"must move away from the entry"
            )
            hint = "order the levels from the nearest to the furthest"
            yield f"take_profit.{number - 1}.trigger", "ladder-order", message, hint
        last[kind] = (number, value)


def _written(kind: str, value: Decimal) -> str:
    if kind == "percent":
        return f'"{"+" if value >= 0 else "-"}{plain(abs(value))}%"'
    return plain(value)


MIN_CALLBACK, MAX_CALLBACK = Decimal("0.1"), Decimal("5")


def trailing_findings(step: PositionStep) -> Iterator[Problem]:
    """The callback range BitMart accepts, and an activation on the profit side."""
    trailing = step.trailing_stop
    if not isinstance(trailing, TrailingStop):
        return
    if not MIN_CALLBACK <= trailing.callback <= MAX_CALLBACK:
        message = f"callback {plain(trailing.callback)}% is outside 0.1% to 5%"
        yield "trailing_stop.callback", "trailing-callback", message, "BitMart accepts 0.1 to 5"
    percent = trailing.activation.percent
    if percent is not None and (percent <= 0 if step.side is Side.LONG else percent >= 0):
        sign, where = ("+", "above") if step.side is Side.LONG else ("-", "below")
        message = (
            f'activation "{"+" if percent >= 0 else "-"}{plain(abs(percent))}%" is on the wrong '
            f"side: a {step.side.value}'s trailing stop activates in profit, {where} the entry"
        )
        hint = f'write "{sign}{plain(abs(percent)) if percent else "5"}%"'
        yield "trailing_stop.activation", "trailing-activation", message, hint


def stop_rule_findings(step: PositionStep) -> Iterator[Problem]:
    """A rule needs a ladder and a stop, names a level that exists, and moves to an earlier one."""
    for number, rule in enumerate(step.stop_rules):
        at = f"stop_rules.{number}"
        if not step.ladder:
            hint = "give take_profit as a list of levels"
            yield at, "stop-rule-needs-ladder", "stop_rules need a take-profit ladder", hint
            return
        if not isinstance(step.stop_loss, Trigger):
            hint = 'add stop_loss: {trigger: "-3%"}'
            yield at, "stop-rule-needs-stop", "stop_rules move the stop-loss: add one", hint
            return
        if rule.after > len(step.ladder):
            message = f"tp{rule.after} is not a level: the ladder has {len(step.ladder)}"
            yield f"{at}.after", "stop-rule-level", message, None
        if rule.to_level is not None and rule.to_level >= rule.after:
            message = (
                f"after tp{rule.after} the stop can only move to an earlier level, not "
                f"tp{rule.to_level} (not reached yet: a stop there would fire at once)"
            )
            hint = f"use breakeven or tp1..tp{rule.after - 1}" if rule.after > 1 else "breakeven"
            yield f"{at}.move_stop_to", "stop-rule-level", message, f"use {hint}"
