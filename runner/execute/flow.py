"""The `apply` flow: lock -> (reconcile a dead run) -> plan or saved plan -> CONFIRM -> execute.

The only place that holds a client able to write.  Everything it decides is journaled before the
write it concerns leaves the machine; the CLI command around it only parses options and prints.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from runner import pipeline
from runner.account import Needs, known_fees
from runner.compiler import actions as act
from runner.compiler.guard import DEFAULT_MAX_PRICE_MOVE, marks_moved
from runner.compiler.idempotency import state_nonce
from runner.compiler.intents import BalanceIntent, PlanIntents, TransferIntent, once_per_of
from runner.compiler.lifecycle import Lifecycle
from runner.compiler.result import PlanResult
from runner.compiler.snapshot import Snapshot
from runner.errors import ExitCode, RunnerError, SavedPlanStale
from runner.exchange import TradeClient
from runner.exchange.deadline import timed_sleep
from runner.execute.client_port import ClientPort
from runner.execute.consent import Prompt, consent
from runner.execute.executor import ApplyReport, Executor
from runner.execute.home import check_home, home_errors
from runner.execute.journal import (
    Journal,
    journal_dir,
    new_run_id,
    read_journal,
    unfinished_journals,
)
from runner.execute.lock import AccountLock, lock_path
from runner.execute.port import TransferList
from runner.execute.resume import (
    Resume,
    already_applied,
    close_out,
    inspect,
    wait_out_unsettled,
)
from runner.execute.saved_check import recompute, saved_source, verify_saved, with_live_risks
from runner.execute.signals import terminate_as_interrupt
from runner.records.edge import needs_history, read_edge_facts
from runner.records.fees import FeeCache
from runner.records.plan_orders import load_plan_orders, record_plan_orders
from runner.records.reconcile import needs_clock
from runner.records.remember import remember
from runner.saved_plan import SavedPlan, action_to_json, load_saved_plan, looks_like_saved_plan
from runner.session import Session, local_now, notify
from runner.values import value

# a diff on screen longer than this before CONFIRM has its prices read again before any write
RECHECK_AFTER_S = 10.0


@value
class Prepared:
    name: str
    plan_hash: str
    symbols: tuple[str, ...]
    needs: Needs
    snapshot: Snapshot
    actions: tuple[act.Action, ...]
    nonce: str
    result: PlanResult | None
    lifecycle: Lifecycle | None = None  # the steps' reconciled records
    intents: PlanIntents | None = None
    transfers: TransferList | None = None  # listed in the snapshot's round (a plan that may top up)


@value
class Finished:
    exit_code: ExitCode
    report: ApplyReport | None
    prepared: Prepared | None
    skipped: tuple[tuple[int, act.Action, str], ...] = ()


def _prepare_saved(
    session: Session,
    source: TradeClient,
    saved: SavedPlan,
    max_price_move: Decimal,
    allow_risk_increase: bool,
) -> Prepared:
    """Recompute the saved actions from the file's own plan and facts (refused unless equal),
    then check the live account: same facts, same account, prices within --max-price-move,
    and the live checks pass again. What is shown and sent are the recomputed actions, never
    the file's text; their risks are classified on the live account against the steps' memory,
    so drift needs the same consent as for a plan file."""
    loaded = saved_source(saved, session.target)
    fees = FeeCache(session.home, session.account_id)
    live, transfers = _first_round(
        session,
        source,
        lambda: pipeline.take_snapshot(
            source, loaded.intents, session.target, now=local_now, fees=fees
        ),
        transfers=_may_top_up(loaded),
    )
    saved.check_fresh(
        live,
        target=session.target.name,
        now=local_now(),
        account=session.account_id,
        max_price_move=max_price_move,
    )
    intents = loaded.intents
    lifecycle = pipeline.read_lifecycle(source, intents, live, session.home, session.account_id)
    edge = read_edge_facts(source, intents, live, saved.plan_orders)
    stored = verify_saved(saved, loaded, session.target, lifecycle=lifecycle, edge=edge)
    checked = recompute(saved, loaded, live, session.target, lifecycle=lifecycle, edge=edge)
    allowed = allow_risk_increase or intents.policy.allow_risk_increase
    shown = checked if checked.has_errors else with_live_risks(stored, checked, allowed)
    nonce = saved.nonce or _nonce_of(stored.actions)
    return Prepared(
        saved.name,
        saved.plan_hash,
        intents.symbols(),
        loaded.needs,
        live,
        stored.actions,
        nonce,
        shown,
        lifecycle,
        intents,
        transfers=transfers,
    )


def _nonce_of(actions: Sequence[act.Action]) -> str:
    for action in actions:
        # a once_per step's id carries its period, not the run's nonce: reusing that as the
        # nonce would give the next run's orders ids an earlier run already used
        nonce = act.nonce_of(action.client_order_id or "")
        if nonce is not None:
            return nonce
    return secrets.token_hex(3)


def _prepare_file(
    session: Session,
    source: TradeClient,
    loaded: pipeline.LoadedPlan,
    resume: Resume,
    allow_risk_increase: bool,
) -> Prepared:
    intents = loaded.intents
    fees = FeeCache(session.home, session.account_id)
    registry = load_plan_orders(session.home, session.account_id, intents.name)
    registry.update(resume.plan_orders)
    history = needs_history(intents, registry)
    clock = history or needs_clock(intents)
    snapshot, transfers = _first_round(
        session,
        source,
        lambda: pipeline.take_snapshot(source, intents, session.target, now=local_now, fees=fees),
        transfers=_may_top_up(loaded),
        clock=clock,
    )
    nonce = resume.nonce or state_nonce(session.account_id, intents.name, snapshot)
    server_ms = source.transport.now_ms() if clock else None
    lifecycle = pipeline.read_lifecycle(
        source, intents, snapshot, session.home, session.account_id, server_ms=server_ms
    )
    edge = read_edge_facts(source, intents, snapshot, registry, clock_synced=clock)
    result = pipeline.compute(
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
    return Prepared(
        intents.name,
        intents.plan_hash,
        intents.symbols(),
        loaded.needs,
        snapshot,
        result.actions,
        nonce,
        result,
        lifecycle,
        intents,
        transfers,
    )


def _may_top_up(loaded: pipeline.LoadedPlan) -> bool:
    """A transfer or ensure_balance step, none of them once_per (whose check reads the list
    since the period began: a second read right away would wait out its 1-per-2-s limit)."""
    steps = [i for i in loaded.intents.intents if isinstance(i, TransferIntent | BalanceIntent)]
    return bool(steps) and all(once_per_of(i) is None for i in steps)


def _first_round(
    session: Session,
    client: TradeClient,
    take: Callable[[], Snapshot],
    *,
    transfers: bool,
    clock: bool = False,
) -> tuple[Snapshot, TransferList | None]:
    """The snapshot, and in the same round: the transfer list of a plan that may top up (when
    the run goes straight to the transfer, it is the list an unknown outcome is compared with;
    the executor reads it again if it has aged or anything was written) and the exchange's
    clock for a plan that reads history."""
    if not transfers and not clock:
        return take(), None
    port = ClientPort(
        client,
        target=session.target.name,
        needs=Needs(),
        now=local_now,
        wall_ms=session.policy().wall_ms,
    )
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="first-round") as pool:
        listing = pool.submit(port.transfers_listing) if transfers else None
        synced = pool.submit(client.sync_clock) if clock else None
        snapshot = take()
        if synced is not None:
            synced.result()  # a failure stops the run, as the edge's own read would
        try:
            return snapshot, listing.result() if listing is not None else None
        except RunnerError:
            return snapshot, None  # read again right before the transfer, which stops on failure


class ApplyRun:
    def __init__(
        self,
        session: Session,
        path: Path,
        *,
        yes: bool,
        lock_timeout: float,
        prompt: Prompt,
        show: Callable[[Prepared], None],
        emit: Callable[[str], None],
        max_price_move: Decimal = DEFAULT_MAX_PRICE_MOVE,
        allow_risk_increase: bool = False,
    ) -> None:
        self.session = session
        self.path = path
        self.yes = yes
        self.lock_timeout = lock_timeout
        self.prompt = prompt
        self.show = show
        self.emit = emit
        self.max_price_move = max_price_move
        self.allow_risk_increase = allow_risk_increase
        self.run_id = new_run_id()

    def run(self) -> Finished:
        s = self.session
        loaded = None if looks_like_saved_plan(self.path) else pipeline.load(self.path, s.target)
        lock = AccountLock(
            lock_path(s.home, s.account_id), self.run_id, timeout=self.lock_timeout, notify=notify
        )
        check_home(
            s.home,
            folders=(journal_dir(s.home, s.account_id), lock.path.parent),
            files=(lock.path,),
        )
        with home_errors(s.home), lock, open_trader(s) as client:
            journals = unfinished_journals(s.home, s.account_id)
            plan_hash = loaded.intents.plan_hash if loaded else ""
            resume = inspect(journals, plan_hash, loaded.intents.name if loaded else None)
            if journals:
                self.emit(
                    f"found {len(journals)} unfinished run(s) on this account "
                    f"({', '.join(j.run_id for j in journals)}): reconciling with the exchange "
                    "before anything is sent"
                )
                policy = s.policy()
                wait_out_unsettled(
                    journals,
                    client,
                    wall_ms=policy.wall_ms,
                    sleep=policy.sleep,
                    emit=self.emit,
                    deadline=policy.command,
                )
            if loaded is None:
                saved = load_saved_plan(self.path)
                prepared = _prepare_saved(
                    s, client, saved, self.max_price_move, self.allow_risk_increase
                )
            else:
                prepared = _prepare_file(s, client, loaded, resume, self.allow_risk_increase)
            prepared = self._drift(prepared)
            self.show(prepared)
            if prepared.result is not None and prepared.result.has_errors:
                return Finished(ExitCode.INVALID, None, prepared)
            if not prepared.actions:
                remember(s.home, s.account_id, prepared, prepared.snapshot, (), _wall_ms())
                close_out(resume.journals, self.run_id, s.secrets())
                return Finished(ExitCode.OK, None, prepared)
            drift = prepared.result.drift_refusals() if prepared.result else []
            if drift and not self.yes:
                self.emit(
                    f"WARNING: {len(drift)} change(s) raise risk only because the account or the "
                    "market moved while the plan stayed the same (drift, marked in the diff): "
                    + "; ".join(f.message.removesuffix("; refused under --yes") for f in drift)
                )
            deadline = s.deadline()
            shown_at = self.prompt.clock()
            if deadline is None or self.yes:
                approval = consent(self.prompt, yes=self.yes, changes=len(prepared.actions))
            else:
                with deadline.paused():  # a person reading the diff is not the exchange's time
                    approval = consent(self.prompt, yes=self.yes, changes=len(prepared.actions))
            if not self.yes and self.prompt.clock() - shown_at >= RECHECK_AFTER_S:
                prepared = self._recheck(client, prepared)
            return self._execute(client, prepared, resume, approval)

    def _port(
        self, client: TradeClient, prepared: Prepared, wall_ms: Callable[[], int]
    ) -> ClientPort:
        """The executor's view of the exchange for this plan (its symbols, needs, known fees)."""
        return ClientPort(
            client,
            target=self.session.target.name,
            needs=prepared.needs,
            now=local_now,
            fees=known_fees(prepared.snapshot),
            mode=prepared.snapshot.mode,
            wall_ms=wall_ms,
        )

    def _recheck(self, client: TradeClient, prepared: Prepared) -> Prepared:
        """The diff was on screen for a while before CONFIRM: the prices are read again before
        anything is sent.  A mark that moved beyond --max-price-move refuses the run (exit 3,
        nothing sent); otherwise the fires-at-once guard judges every write at the new prices."""
        fresh = self._port(client, prepared, self.session.policy().wall_ms).snapshot(
            prepared.symbols
        )
        since = "while the diff was on screen"
        moved = marks_moved(prepared.snapshot, fresh, self.max_price_move, since=since)
        if moved is not None:
            raise SavedPlanStale(
                f"nothing was sent: {moved}", hint="run apply again and review the new diff"
            )
        markets = {**prepared.snapshot.markets, **fresh.markets}
        return replace(prepared, snapshot=prepared.snapshot.evolve(markets=markets))

    def _drift(self, prepared: Prepared) -> Prepared:
        """Risk-raising drift is refused under --yes (each change named) unless the plan's
        policy or --allow-risk-increase allows it; at a terminal the diff highlights it and the
        person typing CONFIRM decides."""
        result = prepared.result
        if result is None or not result.has_drift or not self.yes:
            return prepared
        if result.allow_risk_increase:  # the plan's policy, or --allow-risk-increase
            return prepared
        refused = replace(result, findings=(*result.findings, *result.drift_refusals()))
        return replace(prepared, result=refused)

    def _execute(
        self, client: TradeClient, prepared: Prepared, resume: Resume, approval: str
    ) -> Finished:
        s = self.session
        journal = Journal.create(s.home, s.account_id, self.run_id, redact=s.secrets())
        policy = s.policy()
        with journal:
            journal.record(
                "run_start",
                plan=prepared.name,
                plan_hash=prepared.plan_hash,
                path=str(self.path),
                target=s.target.name,
                masked_key=s.masked_key,
                approval=approval,
                nonce=prepared.nonce,
                actions=[action_to_json(a) for a in prepared.actions],
                resumes=[j.run_id for j in resume.journals],
            )
            port = self._port(client, prepared, policy.wall_ms)
            to_run, skipped = self._skip_done(port, prepared, resume, journal)
            close_out(resume.journals, self.run_id, s.secrets())
            executor = Executor(
                port,
                journal,
                symbols=prepared.symbols,
                start=prepared.snapshot,
                emit=self.emit,
                # the same waits (and test seam) as the client, counted against --timeout
                sleep=timed_sleep(policy.sleep, policy.command),
                transfers=prepared.transfers,
                wall_ms=policy.wall_ms,
            )
            with terminate_as_interrupt():
                report = executor.run(to_run)
            placed = inspect([read_journal(journal.path)], prepared.plan_hash).plan_orders
            record_plan_orders(s.home, s.account_id, prepared.name, placed)
            applied = tuple(o.action for o in report.applied)
            final = report.final or prepared.snapshot
            remember(s.home, s.account_id, prepared, final, applied, port.now_ms())
            code = _exit_code(report)
            # Only a complete run is closed.  A stopped or interrupted one stays unfinished, so
            # the next apply skips what it did and asks the exchange about what was in flight.
            event = "run_end" if code is ExitCode.OK else "run_stopped"
            journal.record(event, outcome=code.name.lower(), exit_code=int(code))
        return Finished(code, report, prepared, tuple(skipped))

    def _skip_done(
        self, port: ClientPort, prepared: Prepared, resume: Resume, journal: Journal
    ) -> tuple[list[act.Action], list[tuple[int, act.Action, str]]]:
        to_run: list[act.Action] = []
        skipped: list[tuple[int, act.Action, str]] = []
        for number, action in enumerate(prepared.actions, 1):
            reason = (
                already_applied(port, action, resume, prepared.symbols) if resume.pending else None
            )
            if reason is None:
                to_run.append(action)
                continue
            journal.record("skipped", number=number, action=action_to_json(action), reason=reason)
            self.emit(
                f"step {number}/{len(prepared.actions)}: {action.summary}: {reason}; not sent again"
            )
            skipped.append((number, action, reason))
        return to_run, skipped


def _wall_ms() -> int:
    return int(time.time() * 1000)


def _exit_code(report: ApplyReport) -> ExitCode:
    if report.interrupted:
        return ExitCode.INTERRUPTED
    if report.time_up and not report.sent:
        return ExitCode.EXCHANGE  # the limit passed before any write left: as for plan
    if report.refused and not report.applied:
        return ExitCode.INVALID  # refused before anything was sent: nothing to converge
    if not report.complete and report.changed_nothing:
        # a read before the first write failed (a rejected signature, the network), or the
        # exchange refused the first write (a wrong secret, a key without trade permission): the
        # account is as it was, so an exchange or credential error before any write, as for plan
        return ExitCode.EXCHANGE
    if not report.complete:
        return ExitCode.PARTIAL
    return ExitCode.OK


@contextmanager
def open_trader(session: Session) -> Iterator[TradeClient]:
    """The one place a client able to write is created: the apply flow, after the lock."""
    from runner.exchange import open_trade_client

    policy = session.policy()  # the command's retry policy with its --timeout
    with (
        session.shared_limits(policy),
        open_trade_client(
            session.target,
            session.creds,
            notify=session.notify,
            retry=policy,
            http=session.http(),
            recorder=session.recorder(),
        ) as client,
    ):
        yield client
