"""The `plan` pipeline, shared by `plan` and `apply`: load -> validate -> snapshot -> compile.

Only reads happen here, through a ``SnapshotSource`` (the read-only client has no write method),
so computing a plan cannot send a write whatever it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from runner.account import (
    STANDARD_FEE,
    Needs,
    SnapshotSource,
    SymbolUnknown,
    fee_reads_for,
    read_snapshot,
)
from runner.compiler.actions import OrderIds
from runner.compiler.compile import compile_plan
from runner.compiler.ctx import EdgeFacts
from runner.compiler.idempotency import state_nonce
from runner.compiler.intents import PlanIntents
from runner.compiler.lifecycle import EMPTY, Lifecycle, StepRecord
from runner.compiler.result import PlanResult
from runner.compiler.snapshot import Snapshot
from runner.config import ExchangeKind, Target
from runner.errors import PlanInvalid
from runner.findings import Finding, Severity
from runner.records.edge import needs_history, read_edge_facts
from runner.records.edge_io import ClockSource
from runner.records.fees import FeeCache
from runner.records.plan_orders import load_plan_orders
from runner.records.reconcile import HistorySource, needs_clock, reconcile
from runner.records.store import load_definitions, load_records
from runner.session import Session, local_now
from runner.values import value


@value
class LoadedPlan:
    """A plan file that passed the offline checks (warnings may remain)."""

    intents: PlanIntents
    warnings: tuple[Finding, ...]

    @property
    def needs(self) -> Needs:
        return needs_of(self.intents)


class PlanRejected(PlanInvalid):
    """The offline checks failed: the findings say where and why."""

    def __init__(self, path: Path, findings: Sequence[Finding]) -> None:
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        super().__init__(f"{path}: {errors} error{'s' if errors != 1 else ''} in the plan")
        self.findings = tuple(findings)


def needs_of(intents: PlanIntents) -> Needs:
    return Needs(
        spot=intents.moves_funds, mode=intents.mode_sensitive, cross=intents.cross_sensitive
    )


def load(path: Path, target: Target) -> LoadedPlan:
    """Schema + static rules for this target; ``PlanRejected`` (exit 1) on any error."""
    from runner.compiler.adapt import from_plan
    from runner.plan import validate_file

    plan, findings = validate_file(path, target_kind=target.kind.value)
    if plan is None or any(f.severity is Severity.ERROR for f in findings):
        raise PlanRejected(path, findings)
    return LoadedPlan(from_plan(plan), tuple(findings))


def load_source(source: bytes, path: str, target: Target) -> LoadedPlan:
    """``load`` for a plan's bytes kept elsewhere (a saved plan carries its plan's source)."""
    from runner.compiler.adapt import from_plan
    from runner.plan import validate_source

    plan, findings = validate_source(source, path, target_kind=target.kind.value)
    if plan is None or any(f.severity is Severity.ERROR for f in findings):
        raise PlanRejected(Path(path), findings)
    return LoadedPlan(from_plan(plan), tuple(findings))


class SnapshotClient(SnapshotSource, Protocol):
    """A ``SnapshotSource`` that also says how many fee-rate reads its limit admits now."""

    def fee_reads_free(self) -> int: ...


def take_snapshot(
    source: SnapshotClient,
    intents: PlanIntents,
    target: Target,
    *,
    now: Callable[[], datetime],
    fees: FeeCache | None = None,
) -> Snapshot:
    """One parallel round of reads; fee rates come from ``fees`` while they are fresh, and the
    ones read are kept there for the next run."""
    symbols = intents.symbols()
    cached = fees.fresh(symbols) if fees is not None else None
    wanted = fee_reads_for(symbols, cached)
    standard = _not_read_now(source, intents, wanted)
    known = {**(cached or {}), **dict.fromkeys(standard, STANDARD_FEE)}
    try:
        snapshot = read_snapshot(
            source,
            symbols,
            target=target.name,
            needs=needs_of(intents),
            now=now,
            known_fees=known or None,
        )
    except SymbolUnknown as exc:
        raise PlanInvalid(
            f"{intents.path}: the exchange lists no contract {', '.join(exc.symbols)}",
            hint="check the symbol's spelling (e.g. BTCUSDT)",
        ) from None
    if fees is not None:
        fees.remember(snapshot, [s for s in wanted if s not in standard])
        fees.standard = standard
    return snapshot


def _not_read_now(
    source: SnapshotClient, intents: PlanIntents, wanted: Sequence[str]
) -> tuple[str, ...]:
    """The fee rates this snapshot does not wait for: ``trade-fee-rate`` allows 2 calls per
    2 s, and a plan whose actions do not follow the rates (``fee_sensitive``) uses them only in
    its estimates, so a rate whose read would wait for the limit is taken as the standard tier
    (the highest: estimates err on the high side), said in the diff, and read by a later run."""
    if not wanted or intents.fee_sensitive:
        return ()
    return tuple(wanted[max(source.fee_reads_free(), 0) :])


def with_clock(client: ClockSource, take: Callable[[], Snapshot], *, clock: bool) -> Snapshot:
    """``take()``, and for a plan that reads history (``clock``) the exchange's clock measured
    in the same round rather than after it."""
    if not clock:
        return take()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="clock") as pool:
        synced = pool.submit(client.sync_clock)
        snapshot = take()
        synced.result()  # a failure stops the plan, as the edge's own read would
        return snapshot


def reconcile_records(
    source: HistorySource,
    intents: PlanIntents,
    snapshot: Snapshot,
    records: Mapping[str, StepRecord],
    definitions: Mapping[str, str] | None = None,
    *,
    server_ms: int | None = None,
) -> Lifecycle:
    """What the plan's steps did before, checked against the exchange (history read only where
    a position a step held is gone), with what the other steps said when last applied.
    ``server_ms``: the exchange's time if already measured."""
    own = OrderIds(intents.name).plan_prefix()
    lifecycle = reconcile(source, records, intents, snapshot, own_prefix=own, server_ms=server_ms)
    return replace(lifecycle, definitions=dict(definitions or {}))


def read_lifecycle(
    source: HistorySource,
    intents: PlanIntents,
    snapshot: Snapshot,
    home: Path,
    account_id: str,
    *,
    server_ms: int | None = None,
) -> Lifecycle:
    """The plan's step memory on this account (``runner.records``), reconciled."""
    records = load_records(home, account_id, intents.name)
    definitions = load_definitions(home, account_id, intents.name)
    return reconcile_records(source, intents, snapshot, records, definitions, server_ms=server_ms)


def compute(
    loaded: LoadedPlan,
    snapshot: Snapshot,
    target: Target,
    *,
    nonce: str,
    plan_orders: Mapping[str, str],
    fee_ages: Mapping[str, int] | None = None,
    fee_standard: Sequence[str] = (),
    lifecycle: Lifecycle = EMPTY,
    allow_risk_increase: bool = False,
    edge: EdgeFacts | None = None,
) -> PlanResult:
    """The pure part: plan + snapshot -> actions, predicted state, findings."""
    result = compile_plan(
        loaded.intents,
        snapshot,
        OrderIds(loaded.intents.name, nonce, periods=edge.periods if edge else {}),
        transfers_supported=target.kind is not ExchangeKind.DEMO,
        plan_order_registry=plan_orders,
        lifecycle=lifecycle,
        allow_risk_increase=allow_risk_increase,
        ladder_fills=edge.ladder_fills if edge else None,
        once_done=edge.once_done if edge else None,
        transfers_checked=edge.transfers_checked if edge else True,
    )
    if loaded.warnings:
        result = replace(result, findings=(*loaded.warnings, *result.findings))
    if fee_ages:
        result = replace(result, fee_ages=dict(fee_ages))
    if fee_standard:
        result = replace(result, fee_standard=tuple(fee_standard))
    return result


@value
class Planned:
    """What `plan` computed, and what a saved plan needs to recompute it exactly."""

    result: PlanResult
    nonce: str  # the client-order-id tag, derived from the account state
    plan_orders: Mapping[str, str]


def plan_for(session: Session, loaded: LoadedPlan, *, allow_risk_increase: bool = False) -> Planned:
    """What `plan` shows: the account read with the read-only client, then compiled. Nothing
    here can write (the session hands out only a ``ReadClient``).  ``allow_risk_increase``
    computes drift as apply --allow-risk-increase would (a stop tightened by hand is loosened)."""
    intents = loaded.intents
    fees = FeeCache(session.home, session.account_id)
    registry = load_plan_orders(session.home, session.account_id, intents.name)
    clock = needs_history(intents, registry) or needs_clock(intents)
    with session.reader() as client:
        snapshot = with_clock(
            client,
            lambda: take_snapshot(client, intents, session.target, now=local_now, fees=fees),
            clock=clock,
        )
        server_ms = client.transport.now_ms() if clock else None
        lifecycle = read_lifecycle(
            client, intents, snapshot, session.home, session.account_id, server_ms=server_ms
        )
        edge = read_edge_facts(client, intents, snapshot, registry, clock_synced=clock)
    nonce = state_nonce(session.account_id, intents.name, snapshot)
    result = compute(
        loaded,
        snapshot,
        session.target,
        nonce=nonce,
        plan_orders=registry,
        fee_ages=fees.ages,
        fee_standard=fees.standard,
        lifecycle=lifecycle,
        allow_risk_increase=allow_risk_increase,
        edge=edge,
    )
    return Planned(result, nonce, registry)
