"""Targets a later step of the same plan undoes (PRODUCT.md section 5, convergence).

A target step sets one or more facts of the account (the position mode, a symbol's leverage and
margin mode, a position's size, its take-profit or stop-loss).  When a later step sets the same fact
to something else, or an action moves it (``open``, ``close``), every apply changes the target
again and the plan never converges: that is said at plan time, as a warning on the target.
``ensure_balance`` has its own check (the margin later steps use) in the compiler.  Pure.
"""

from __future__ import annotations

from collections.abc import Sequence

from runner.compiler.intents import (
    KEEP,
    CloseIntent,
    Intent,
    LeverageIntent,
    ModeIntent,
    OpenIntent,
    PositionIntent,
    TpSlIntent,
)
from runner.findings import Finding, Severity

Fact = tuple[str, ...]  # ("leverage", "BTCUSDT"), ("size", "BTCUSDT", "long"), ...
_MOVED = object()  # an action moves the fact on every apply: never equal to a target's value
TARGETS = (ModeIntent, LeverageIntent, PositionIntent, TpSlIntent)


def _protections(intent: PositionIntent | TpSlIntent) -> dict[Fact, object]:
    side = (intent.symbol, intent.side.value)
    facts: dict[Fact, object] = {}
    if intent.take_profit is not KEEP:
        facts[("take-profit", *side)] = intent.take_profit
    if intent.stop_loss is not KEEP:
        facts[("stop-loss", *side)] = intent.stop_loss
    return facts


def _facts(intent: Intent) -> dict[Fact, object]:
    """What the step sets, fact by fact (an action's moves as ``_MOVED``)."""
    if isinstance(intent, ModeIntent):
        return {("position mode",): intent.mode}
    if isinstance(intent, LeverageIntent):
        return {
            ("leverage", intent.symbol): intent.leverage,
            ("margin mode", intent.symbol): intent.margin,
        }
    if isinstance(intent, CloseIntent):
        return {("size", intent.symbol, intent.side.value): _MOVED}
    if not isinstance(intent, PositionIntent | TpSlIntent):
        return {}
    facts = _protections(intent)
    if isinstance(intent, PositionIntent):
        if intent.leverage is not None:
            facts[("leverage", intent.symbol)] = intent.leverage
        if intent.margin is not None:
            facts[("margin mode", intent.symbol)] = intent.margin
        size = _MOVED if isinstance(intent, OpenIntent) else (intent.size, intent.notional)
        facts[("size", intent.symbol, intent.side.value)] = size
        if isinstance(intent, OpenIntent):  # an open's preset TP/SL protect only what it adds
            facts = {k: v for k, v in facts.items() if k[0] not in ("take-profit", "stop-loss")}
    return facts


def _what(fact: Fact) -> str:
    name, *subject = fact
    return f"the {name}" + (f" of {' '.join(subject)}" if subject else "")


def undone_targets(intents: Sequence[Intent], skip: frozenset[int] = frozenset()) -> list[Finding]:
    """One warning per target step (not in ``skip``) whose facts a later step changes."""
    facts = [_facts(intent) for intent in intents]
    warnings = []
    for number, intent in enumerate(intents):
        if number in skip or not isinstance(intent, TARGETS) or isinstance(intent, OpenIntent):
            continue
        for fact, wanted in facts[number].items():
            later = next(
                (
                    (n, intents[n])
                    for n in range(number + 1, len(intents))
                    if fact in facts[n] and facts[n][fact] != wanted
                ),
                None,
            )
            if later is None:
                continue
            n, step = later
            warnings.append(
                Finding(
                    rule="target-undone-later",
                    severity=Severity.WARNING,
                    message=(
                        f"step {n + 1} ({step.kind} [{step.key}]) changes {_what(fact)} this "
                        f"{intent.kind} step sets: every apply will change it again"
                    ),
                    location=intent.loc(""),
                    hint="keep one step per fact (or merge the two steps), so that a second "
                    "apply finds nothing to change",
                )
            )
            break  # one warning per step is enough to say it never converges
    return warnings
