"""Run approved actions in order, exactly once, journaled, verified.

For every action: journal the intent (fsync'ed) -> send -> journal the answer.  A write whose
outcome is unknown (timeout, reset, 5xx, dropped connection) is never sent again blindly: the
executor first asks the exchange whether it took effect (``effects.took_effect``), and only when
it provably did not does it send it once more, with the same client order id.  A rejection stops
the run (exit 4 at the CLI) and the report says what was applied.  After the last write one read of
the account verifies every applied action with the same predicates.  Reads after
writes come in rounds (``runner.execute.rounds``), each valid until the next write.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from runner.compiler import actions as act
from runner.compiler.estimates import to_tick
from runner.compiler.guard import fires_at_once, resting_of
from runner.compiler.snapshot import Snapshot
from runner.domain import OrderSide, PosSide, TriggerKind
from runner.errors import RunnerError
from runner.exchange.errors import TimeUp
from runner.exchange.requests import request_for
from runner.execute.effects import (
    TRANSFER_SKEW_MS,
    Before,
    Facts,
    matching_transfer,
    took_effect,
)
from runner.execute.journal import Journal
from runner.execute.port import (
    DUPLICATE_CLIENT_ORDER_ID,
    ExchangePort,
    Sent,
    TransferFact,
    TransferList,
    WriteOutcomeUnknown,
    WriteRejected,
)
from runner.execute.relative import at_actual_entry
from runner.execute.rounds import Rounds
from runner.execute.unlabelled import Reissue as _Reissue
from runner.execute.unlabelled import StepFailed as _StepFailed
from runner.execute.unlabelled import Unlabelled
from runner.saved_plan import action_to_json
from runner.values import value

# How old the first round's transfer list may be to stand in for the read right before a transfer
# (this machine's clock): the moment a run needs to go from its first read round to its first write.
LISTING_FRESH_MS = 2_000


class Status(StrEnum):
    APPLIED = "applied"
    FAILED = "failed"
    UNKNOWN = "outcome unknown"  # in flight when the run was interrupted
    NOT_RUN = "not run"


@value
class Outcome:
    number: int
    action: act.Action
    status: Status
    detail: str
    trace: str | None = None
    at: datetime | None = None
    verified: bool | None = None
    refused: bool = False  # not sent: it would have fired at once at the current price
    no_effect: bool = False  # failed and certainly not on the exchange (refused, or never sent)


@value
class ApplyReport:
    outcomes: tuple[Outcome, ...]
    final: Snapshot | None
    interrupted: bool = False
    verify_error: str | None = None
    time_up: str | None = None  # the command's --timeout passed: nothing more was sent
    sent: bool = False  # a write left this machine (or may have) during the run

    @property
    def applied(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if o.status is Status.APPLIED)

    @property
    def changed_nothing(self) -> bool:
        """Nothing reached the account, and the run was not cut short: no write left, or every
        one the exchange refused (no change applied, none whose outcome is unknown)."""
        if self.interrupted or self.time_up or self.applied:
            return False
        return not self.sent or all(
            o.status is Status.NOT_RUN or (o.status is Status.FAILED and (o.no_effect or o.refused))
            for o in self.outcomes
        )

    @property
    def refused(self) -> bool:
        return any(o.refused for o in self.outcomes)

    @property
    def complete(self) -> bool:
        return (
            not self.interrupted
            and self.verify_error is None
            and all(o.status is Status.APPLIED and o.verified for o in self.outcomes)
        )


def _local_now() -> datetime:
    return datetime.now().astimezone()


class Executor:
    def __init__(
        self,
        port: ExchangePort,
        journal: Journal,
        *,
        symbols: Sequence[str],
        start: Snapshot,
        emit: Callable[[str], None],
        reconcile_reads: int = 3,
        reconcile_wait: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = _local_now,
        transfers: TransferList | None = None,
        wall_ms: Callable[[], int] = lambda: int(time.time() * 1000),
    ) -> None:
        self.port = port
        self.journal = journal
        self.symbols = tuple(symbols)
        self.emit = emit
        self.reconcile_reads = reconcile_reads
        self.reconcile_wait = reconcile_wait
        self.sleep = sleep
        self.clock = clock
        self._listed = transfers  # the transfers the first read round listed, until a write
        self._wall_ms = wall_ms  # this machine's clock, as the listing's age is measured
        self._plan_order_ids = {
            t.order_id for t in start.trigger_orders if t.kind is TriggerKind.PLAN
        }
        self._claimed_transfers: set[str] = set()
        self._rounds = Rounds(port, self.symbols)
        self._in_flight: tuple[int, act.Action] | None = None  # intent journaled, no answer yet
        self._unlabelled = Unlabelled(
            port,
            journal,
            emit=emit,
            sleep=sleep,
            symbols=self.symbols,
            claimed_transfers=self._claimed_transfers,
            plan_order_ids=self._plan_order_ids,
        )
        # TP/SL order id -> the side of the position it protects (its closing side says which)
        self._protects = {t.order_id: t.side.position for t in start.trigger_orders}
        # the freshest prices read (before the run, then by every read the run makes anyway):
        # no order goes out that would fire at once
        self._markets = dict(start.markets)
        self._resting = resting_of(start)  # orders a modification may change
        self._opened: set[tuple[str, PosSide]] = set()  # positions an order of this run opened
        self._sent = False
        self._transfers: list[tuple[int, act.Transfer, Before]] = []  # sent by this run
        # the list read that verifies those transfers: how many it covers, and its answer
        self._transfer_check: tuple[int, Future[Sequence[TransferFact]]] | None = None
        self._background: ThreadPoolExecutor | None = None

    # --- the run ----------------------------------------------------------------------------

    def run(self, actions: Sequence[act.Action]) -> ApplyReport:
        outcomes: list[Outcome] = []
        interrupted = False
        time_up: str | None = None
        total = len(actions)
        try:
            for number, action in enumerate(actions, 1):
                outcome = self._guarded(number, total, action)
                outcomes.append(outcome)
                if outcome.status is Status.FAILED:
                    break
                follow_up = (
                    self._reresolve_relative(action) if outcome.status is Status.APPLIED else None
                )
                if follow_up is not None:
                    outcomes.append(self._guarded(number, total, follow_up))
        except TimeUp as exc:
            time_up = exc.message
            outcomes.extend(self._stopped_by_time(exc, len(outcomes)))
        except KeyboardInterrupt:
            interrupted = True
            in_flight = self._in_flight
            self.journal.record(
                "interrupted",
                after=len(outcomes),
                in_flight=None if in_flight is None else in_flight[0],
            )
            self.emit("interrupted: no further writes are sent")
            if in_flight is not None:
                # the request may have reached the exchange: not "not run", and the journal keeps
                # its intent without an answer, so the next apply asks the exchange first
                outcomes.append(
                    Outcome(
                        in_flight[0],
                        in_flight[1],
                        Status.UNKNOWN,
                        "interrupted while it was in flight: it may have been applied; the next "
                        "apply checks the exchange before sending anything",
                    )
                )
        done = {o.number for o in outcomes}
        for number, action in enumerate(actions, 1):
            if number not in done:
                outcomes.append(Outcome(number, action, Status.NOT_RUN, "not run"))
        outcomes.sort(key=lambda o: o.number)
        report = self._verify(outcomes, interrupted)
        return replace(report, time_up=time_up, sent=self._sent)

    def _stopped_by_time(self, exc: TimeUp, done: int) -> list[Outcome]:
        """The command's --timeout passed: no new write is started; a write in flight (cut off,
        or not yet reconciled) is unknown, and the next apply reconciles it."""
        in_flight = self._in_flight
        self._in_flight = None
        self.journal.record(
            "time_up",
            after=done,
            in_flight=None if in_flight is None else in_flight[0],
            detail=exc.message,
        )
        self.emit(f"stopped: {exc.message}; no further writes are sent")
        if in_flight is None:
            return []
        return [
            Outcome(
                in_flight[0],
                in_flight[1],
                Status.UNKNOWN,
                "cut off by the time limit: it may have been applied; the next apply checks "
                "the exchange (once its signature has expired) before sending anything",
            )
        ]

    def _guarded(self, number: int, total: int, action: act.Action) -> Outcome:
        reason = fires_at_once(action, self._markets, self._protects, self._resting)
        if reason is None:
            return self._apply_one(number, total, action)
        return self._refuse(number, total, action, reason)

    def _read_round(self) -> Snapshot:
        """The account since the last write; its prices become the ones the guard judges by."""
        self._read_transfers_with_round()
        snapshot = self._rounds.read()
        self._markets.update(snapshot.markets)
        return snapshot

    def _read_transfers_with_round(self) -> None:
        """The transfer list that verifies this run's transfers goes out with the first read
        round after the last of them (after an open that follows a top-up: the round that
        re-resolves its relative stop), not in a round of its own after the verification.
        Its answer is judged at the verification (``_verify``)."""
        covered = self._transfer_check[0] if self._transfer_check is not None else 0
        if len(self._transfers) == covered:
            return
        read = self._unlabelled.transfer_read(self._transfers)
        if read is None:
            return
        if self._background is None:
            self._background = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix="verify-transfers"
            )
        self._transfer_check = (len(self._transfers), self._background.submit(read))

    def _transfers_listed(self) -> dict[int, bool]:
        """Each transfer this run sent, judged on the list read with a round after it."""
        check = self._transfer_check
        if check is None:
            return {}
        return self._unlabelled.check_sent_transfers(self._transfers, check[1].result)

    def _refuse(self, number: int, total: int, action: act.Action, reason: str) -> Outcome:
        detail = f"refused, not sent: {reason}"
        self.journal.record("refused", number=number, action=action_to_json(action), reason=reason)
        self.emit(f"step {number}/{total}: {action.summary}: {detail}")
        return Outcome(number, action, Status.FAILED, detail, at=self.clock(), refused=True)

    def _resolve_placeholder(self, action: act.Action) -> act.Action:
        """A TP/SL created earlier in this run (a preset on the open, or a new TP/SL) has an id
        only now: look it up on the exchange by symbol, kind and the position it protects."""
        if not isinstance(action, act.ModifyTpSl):
            return action
        side = act.placeholder_side(action.order_id)
        if side is None:
            return action
        closing = OrderSide.closing(side)
        try:
            snapshot = self._read_round()
        except TimeUp:
            raise
        except RunnerError as exc:
            raise _StepFailed(
                f"could not read the exchange to find the TP/SL to move: {exc}"
            ) from None
        for t in snapshot.trigger_orders:
            if t.symbol == action.symbol and t.kind is action.kind and t.side is closing:
                self.journal.record("resolved", placeholder=action.order_id, order_id=t.order_id)
                self._protects[t.order_id] = side
                return replace(action, order_id=t.order_id)
        raise _StepFailed(
            f"the {action.kind.replace('_', '-')} this step moves, set earlier in this run on "
            f"the {action.symbol} {side.value}, is not on the exchange"
        )

    def _relative_to_fill(self, action: act.Action) -> act.Action:
        if (
            not isinstance(action, act.SubmitTpSl)
            or action.protection.percent is None
            or (action.symbol, action.side) not in self._opened
        ):
            return action
        try:
            snapshot = self._rounds.entries()  # the round after the open, for every level
        except TimeUp:
            raise
        except RunnerError as exc:
            raise _StepFailed(f"could not read the entry price to place the level: {exc}") from None
        self._markets.update(snapshot.markets)
        moved = at_actual_entry(action, snapshot)
        if moved is not action:
            self.journal.record("reresolve", trigger=moved.protection.trigger)
        return moved

    def _fresh_listing(self) -> TransferList | None:
        """The first round's transfer list stands in for the read right before a transfer only
        while nothing was written since and it is a moment old (not after a consent prompt)."""
        listed = self._listed
        if listed is None or self._wall_ms() - listed.read_at_ms > LISTING_FRESH_MS:
            return None
        return listed

    def _apply_one(self, number: int, total: int, action: act.Action) -> Outcome:
        try:
            before = Before(
                plan_order_ids=frozenset(self._plan_order_ids),
                intent_time_ms=self.port.now_ms(),
                claimed_transfer_ids=frozenset(self._claimed_transfers),
                known_transfer_ids=self._unlabelled.transfers_now(action, self._fresh_listing()),
            )
            action = self._resolve_placeholder(action)
            action = self._relative_to_fill(action)
            # judged again at the prices the preparation may just have read
            fires = fires_at_once(action, self._markets, self._protects, self._resting)
            if fires is not None:
                return self._refuse(number, total, action, fires)
            if self._unlabelled.done_by_another_runner(action):
                detail = "done on the exchange by another runner (an identical transfer is listed)"
                self.journal.record("skipped", number=number, reason=detail)
                self.emit(f"step {number}/{total}: {action.summary}: {detail}; not sent")
                return Outcome(number, action, Status.APPLIED, detail, None, self.clock())
        except _StepFailed as failure:
            self.journal.record("failed", number=number, detail=failure.detail)
            self.emit(f"step {number}/{total}: {action.summary}\n  failed: {failure.detail}")
            return Outcome(  # failed while preparing it: nothing was sent
                number, action, Status.FAILED, failure.detail, None, self.clock(), no_effect=True
            )
        self.journal.record(
            "intent",
            number=number,
            action=action_to_json(action),
            request=request_for(action).as_json(),
            client_order_id=action.client_order_id,
            exchange_ms=before.intent_time_ms,  # how long a lost request can still land
        )
        self.emit(f"step {number}/{total}: {action.summary}")
        self._in_flight = (number, action)  # from here the request may be on its way
        try:
            try:
                sent, detail = self._send_exactly_once(action, before)
            except _Reissue as reissue:
                action = reissue.action
                self._in_flight = (number, action)
                sent, detail = self._send_exactly_once(action, before, reissued=True)
        except _StepFailed as failure:
            self._in_flight = None
            self.journal.record("failed", number=number, detail=failure.detail, trace=failure.trace)
            self.emit(f"  failed: {failure.detail}")
            return Outcome(
                number,
                action,
                Status.FAILED,
                failure.detail,
                failure.trace,
                self.clock(),
                no_effect=failure.no_effect,
            )
        self._in_flight = None
        if isinstance(action, act.Transfer):
            self._transfers.append((number, action, before))
        if isinstance(action, act.SubmitOrder) and action.opens:
            self._opened.add((action.symbol, action.side.position))
        if isinstance(action, act.SubmitPlanOrder) and sent is not None and sent.order_id:
            self._plan_order_ids.add(sent.order_id)
        if isinstance(action, act.SubmitOrder):
            self._rounds.sent_order(action)
        trace = sent.trace if sent else None
        at = self.clock()
        self.emit(
            f"  {detail} at {at.strftime('%Y-%m-%d %H:%M:%S')}"
            + (f" (trace {trace})" if trace else "")
        )
        return Outcome(number, action, Status.APPLIED, detail, trace, at)

    def _send_exactly_once(
        self, action: act.Action, before: Before, *, reissued: bool = False
    ) -> tuple[Sent | None, str]:
        for attempt in (1, 2):
            self._rounds.wrote()
            sent_before, self._sent = self._sent, True
            self._listed = None
            try:
                sent = self.port.send(action)
            except TimeUp:
                if attempt == 1:  # the limit had passed before it left: it was never sent
                    self._sent, self._in_flight = sent_before, None
                    self.journal.record("not_sent", reason="time_up")
                raise
            except WriteRejected as exc:
                self.journal.record("rejected", code=exc.code, message=exc.message, trace=exc.trace)
                duplicate = exc.code == DUPLICATE_CLIENT_ORDER_ID and action.client_order_id
                if duplicate and attempt == 1 and not reissued:
                    self._unlabelled.reissue_if_stale(action)
                # a taken id means an earlier attempt reached the exchange: confirm, then accept
                if duplicate and self._took_effect(action, before):
                    self.journal.record("reconciled", decision="happened", via="duplicate id")
                    if attempt == 1:  # not our own earlier attempt: someone sent this id first
                        self.emit(
                            "  warning: the exchange already has this order (same client order "
                            "id): another runner, or an earlier run, placed it; not sent twice"
                        )
                    return None, "already on the exchange (duplicate client order id)"
                raise _StepFailed(
                    f"rejected by the exchange: {exc.code} {exc.message}",
                    exc.trace,
                    no_effect=True,  # a refusal is an answer: the request did nothing
                ) from None
            except WriteOutcomeUnknown as exc:
                self.journal.record("outcome_unknown", attempt=attempt, detail=exc.detail)
                self.emit(
                    f"  outcome unknown ({exc.detail}); checking the exchange before "
                    "anything is sent again"
                )
                if self._took_effect(action, before):
                    found = self._unlabelled.claim_plan_order(action, before)
                    self.journal.record("reconciled", decision="happened", order_id=found)
                    return None, "confirmed on the exchange after an unknown outcome"
                self.journal.record("reconciled", decision="did_not_happen")
                if attempt == 2:
                    raise _StepFailed(
                        "the outcome was unknown twice and the exchange shows no "
                        "effect; stopped rather than risk a duplicate"
                    ) from None
                self.emit(
                    "  it did not take effect; sending it again"
                    + (" with the same id" if action.client_order_id else "")
                )
                continue
            self.journal.record("sent", trace=sent.trace, order_id=sent.order_id)
            return sent, "done"
        raise AssertionError("unreachable")  # pragma: no cover

    def _facts(self, action: act.Action, before: Before) -> Facts:
        snapshot = self.port.snapshot(self.symbols)
        order = None
        if isinstance(action, act.SubmitOrder):
            order = self.port.find_order(action.symbol, action.cid)
        transfers: tuple[TransferFact, ...] = ()
        if isinstance(action, act.Transfer):
            since = before.intent_time_ms - TRANSFER_SKEW_MS
            transfers = tuple(self.port.transfers_since(since))
            match = matching_transfer(action, transfers, before)
            if match is not None:
                self._claimed_transfers.add(match.transfer_id)
        return Facts(snapshot, order, transfers)

    def _took_effect(self, action: act.Action, before: Before) -> bool:
        for read in range(self.reconcile_reads):
            try:
                facts = self._facts(action, before)
            except TimeUp:
                raise
            except RunnerError as exc:
                self.journal.record("reconcile_read_failed", detail=str(exc))
                facts = None
            if facts is not None and took_effect(action, facts, before):
                return True
            if read + 1 < self.reconcile_reads:
                self.sleep(self.reconcile_wait)  # the exchange may show a write a moment late
        if facts is not None and action.client_order_id is None:
            facts = self._unlabelled.after_signature_expired(
                before, lambda: self._facts(action, before)
            )
            if facts is not None and took_effect(action, facts, before):
                return True
        if facts is None:
            raise _StepFailed(
                "could not read the exchange to reconcile an unknown outcome; "
                "stopped without sending again"
            )
        return False

    # --- relative TP/SL against the actual fill ----------------------------------------------

    def _reresolve_relative(self, action: act.Action) -> act.Action | None:
        """An open from flat with "+x%"/"-y%" presets: move them to the actual entry price."""
        if not isinstance(action, act.SubmitOrder) or not action.opens:
            return None
        relative = [
            (kind, p)
            for kind, p in (
                (TriggerKind.TAKE_PROFIT, action.take_profit),
                (TriggerKind.STOP_LOSS, action.stop_loss),
            )
            if p is not None and p.percent is not None
        ]
        if not relative:  # a limit that rests has no position yet (nothing to move) below;
            return None  # one that crossed the market filled at once like a market order
        snapshot = self._read_round()  # also the verification read if nothing has to move
        side = action.side.position
        position = snapshot.position(action.symbol, side)
        spec = snapshot.specs.get(action.symbol)
        if position is None or spec is None:
            return None
        closing = OrderSide.closing(side)
        for kind, protection in relative:
            assert protection.percent is not None
            raw = position.entry_price * (1 + protection.percent / Decimal(100))
            wanted = to_tick(raw, spec.tick, up=raw < position.entry_price)
            order = next(
                (
                    t
                    for t in snapshot.trigger_orders
                    if t.symbol == action.symbol and t.kind is kind and t.side is closing
                ),
                None,
            )
            if order is None or order.trigger == wanted:
                continue
            self._protects[order.order_id] = side  # the guard judges the move by its side
            self.journal.record(
                "reresolve",
                kind=kind,
                entry=position.entry_price,
                previous=order.trigger,
                wanted=wanted,
            )
            return act.ModifyTpSl(
                step_index=action.step_index,
                summary=f"move {kind.replace('_', '-')} "
                f"{order.trigger} -> {wanted} ({protection.percent}% of the actual entry "
                f"{position.entry_price})",
                symbol=action.symbol,
                order_id=order.order_id,
                kind=kind,
                protection=replace(protection, trigger=wanted),
                previous=act.Protection(order.trigger, order.price_source),
            )
        return None

    # --- verification ---------------------------------------------------------------------------

    def _verify(self, outcomes: list[Outcome], interrupted: bool) -> ApplyReport:
        # the transfer list goes out with a round after the last transfer, at the latest this one
        self._read_transfers_with_round()
        try:
            try:
                final = self._rounds.read()  # whole account: the report shows every position
            except RunnerError as exc:
                self.journal.record("verify_failed", detail=str(exc))
                self._transfers_listed()
                return ApplyReport(tuple(outcomes), None, interrupted, str(exc))
            listed = self._transfers_listed()
        finally:
            if self._background is not None:
                self._background.shutdown()
        checked = []
        later: set[tuple[str, ...]] = set()  # TP/SL a later action of this run set again
        for outcome in reversed(outcomes):
            if outcome.status is not Status.APPLIED:
                checked.append(outcome)
                continue
            action = outcome.action
            key = _tp_sl_key(action)
            if outcome.number in listed:
                ok = listed[outcome.number]  # found on the exchange's transfer list
            elif key is not None and key in later:
                # superseded within this run (two steps set the same TP/SL): the later one is
                # what the exchange must show, and it is verified on its own
                ok = True
            else:
                order = self._rounds.order(action) if isinstance(action, act.SubmitOrder) else None
                ok = _verified(action, final, order) or _position_gone_for(
                    action, final, self._protects
                )
            if key is not None:
                later.add(key)
            self.journal.record("verified", number=outcome.number, ok=ok)
            checked.append(replace(outcome, verified=ok))
        checked.reverse()
        return ApplyReport(tuple(checked), final, interrupted)


def _position_gone_for(
    action: act.Action, final: Snapshot, protects: Mapping[str, PosSide]
) -> bool:
    """A moved TP/SL the exchange dropped because its position closed later in the run."""
    if not isinstance(action, act.ModifyTpSl) or action.order_id not in protects:
        return False
    still_listed = any(t.order_id == action.order_id for t in final.trigger_orders)
    return not still_listed and final.position(action.symbol, protects[action.order_id]) is None


def _tp_sl_key(action: act.Action) -> tuple[str, ...] | None:
    if isinstance(action, act.ModifyTpSl):
        return ("order", action.order_id)
    if isinstance(action, act.SubmitTpSl):
        return ("position", action.symbol, action.side.value, action.kind)
    return None


def _verified(action: act.Action, final: Snapshot, order: object) -> bool:
    if isinstance(action, act.SubmitOrder):
        return order is not None
    if isinstance(action, act.Transfer | act.SubmitPlanOrder):
        return True  # confirmed by code 1000 (transfer) / listed when reconciled
    if isinstance(action, act.SubmitTpSl):
        # a TP/SL is gone again only if its position closed meanwhile (e.g. it fired)
        return (
            took_effect(action, Facts(final), Before())
            or final.position(action.symbol, action.side) is None
        )
    return took_effect(action, Facts(final), Before())
