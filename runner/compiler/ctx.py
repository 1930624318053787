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
    # indexes of the plan's ensure_balance steps (a hint never suggests adding one that exists)
    balance_steps: tuple[int, ...] = ()
    # (symbol, side) -> index of the position target that holds it so far in this plan
    held_targets: dict[tuple[str, PosSide], int] = field(default_factory=dict)
    # what each position step held and how it ended, reconciled with the exchange (records)
    lifecycle: Lifecycle = EMPTY
    # drift may loosen a stop tightened by hand (policy.allow_risk_increase/--allow-risk-increase)
    allow_risk_increase: bool = False
