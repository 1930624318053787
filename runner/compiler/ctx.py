"""Per-compile context shared by the step compilers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from runner.compiler.actions import OrderIds
from runner.compiler.intents import Policy
from runner.compiler.lifecycle import EMPTY, Lifecycle
from runner.compiler.working import WorkingState
from runner.domain import PosSide
from runner.values import value


@value
class LevelFill:
    """A take-profit level that fired: read at the edge from the exchange's order history."""

    price: Decimal
    size: Decimal
    at: str  # when, as shown to a person (exchange time)


@value
class EdgeFacts:
    """What compile is given besides the snapshot, read at the edge from the exchange: its clock,
    fired take-profit levels, ``once_per`` steps already done this period."""

    now_ms: int
    ladder_fills: Mapping[str, Mapping[int, LevelFill]] = field(default_factory=dict)
    periods: Mapping[str, str] = field(default_factory=dict)  # once_per step key -> period tag
    once_done: Mapping[int, str] = field(default_factory=dict)  # step index -> why it is done
    transfers_checked: bool = False  # the transfer history was read (apply, not plan)


@dataclass
class Ctx:
    ws: WorkingState
    ids: OrderIds
    policy: Policy
    target: str
    transfers_supported: bool = True
    # plan-order step key -> exchange order id recorded by earlier applies (plan orders carry
    # no client order id, so the journal is how the runner knows which ones are its own)
    plan_order_registry: Mapping[str, str] = field(default_factory=dict)
    # ensure_balance step index -> USDT the later steps of this plan take from the futures
    # wallet: transferred up front, so the target still holds when the plan ends (convergence)
    balance_reserve: Mapping[int, Decimal] = field(default_factory=dict)
    # position step key -> ladder level (1-based) -> its fill: filled levels are not re-placed,
    # and the step's size shrinks by what they closed
    ladder_fills: Mapping[str, Mapping[int, LevelFill]] = field(default_factory=dict)
    once_done: Mapping[int, str] = field(default_factory=dict)  # step index -> why it is done
    transfers_checked: bool = True
    # indexes of the plan's ensure_balance steps (a hint never suggests adding one that exists)
    balance_steps: tuple[int, ...] = ()
    # (symbol, side) -> index of the position target that holds it so far in this plan
    held_targets: dict[tuple[str, PosSide], int] = field(default_factory=dict)
    # what each position step held and how it ended, reconciled with the exchange (records)
    lifecycle: Lifecycle = EMPTY
    # drift may loosen a stop tightened by hand (policy.allow_risk_increase/--allow-risk-increase)
    allow_risk_increase: bool = False
