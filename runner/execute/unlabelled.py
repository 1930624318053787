"""Writes the exchange cannot recognise by a client id, and ids the exchange already holds.

Transfers and plan orders carry no client order id (facts §11.1), so whether one happened is read
from content: the transfers listed right before the send (a match must be new, whatever the two
clocks say), the plan orders of this content not there before (each claimed once), and never a
final "did not happen" until the request's signature has expired on the exchange's clock.  Ids
derived from the account's state can repeat when a hand-cancelled order restores that state:
such an id is re-issued.  Each helper also says when it sees another runner's work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal

from runner.compiler import actions as act
from runner.compiler.idempotency import reissued_id
from runner.errors import RunnerError
from runner.exchange.errors import TimeUp
from runner.execute.effects import (
    SIGNATURE_VALIDITY_MS,
    TRANSFER_SKEW_MS,
    Before,
    Facts,
    matching_plan_order,
)
from runner.execute.journal import Journal
from runner.execute.port import ExchangePort, TransferFact, TransferList

_EXPIRY_MARGIN_MS = 5_000  # the request was signed a moment after its intent was journaled


class StepFailed(Exception):
    """A step that did not happen.  ``no_effect``: certainly not on the exchange (the exchange
    refused the request, or nothing was sent); otherwise it may have been (an unknown outcome
    that could not be settled)."""

    def __init__(self, detail: str, trace: str | None = None, *, no_effect: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.trace = trace
        self.no_effect = no_effect


class Reissue(Exception):
    """The id is taken by an older order that was cancelled unfilled: send under a new id."""

    def __init__(self, action: act.SubmitOrder, old_order_id: str) -> None:
        super().__init__(action.cid)
        self.action = action
        self.old_order_id = old_order_id


class Unlabelled:
    def __init__(
        self,
        port: ExchangePort,
        journal: Journal,
        *,
        emit: Callable[[str], None],
        sleep: Callable[[float], None],
        symbols: Sequence[str],
        claimed_transfers: set[str],
        plan_order_ids: set[str],
    ) -> None:
        self.port = port
        self.journal = journal
        self.emit = emit
        self.sleep = sleep
        self.symbols = tuple(symbols)
        self._claimed_transfers = claimed_transfers  # shared with the executor
        self._plan_order_ids = plan_order_ids  # shared with the executor
        self._other_runner_seen = False

    def transfers_now(
        self, action: act.Action, listed: TransferList | None = None
    ) -> frozenset[str] | None:
        """Right before a transfer: the transfers the exchange lists now, so that a match after
        an unknown outcome must be a new one, whatever the clocks say.  A recent transfer of the
        same amount and direction that this run did not make is another runner's work: said.
        ``listed`` is a list the caller read a moment ago with nothing written since (the first
        read round of a run that goes straight to the transfer); otherwise it is read now."""
        if not isinstance(action, act.Transfer):
            return None
        if listed is not None:
            records = listed.records
        else:
            since = self.port.now_ms() - TRANSFER_SKEW_MS
            try:
                records = tuple(self.port.transfers_since(since))
            except TimeUp:
                raise
            except RunnerError as exc:
                raise StepFailed(f"could not read the transfers before sending: {exc}") from None
        twins = [
            r
            for r in records
            if r.amount == action.amount
            and r.to_futures == action.to_futures
            and r.transfer_id not in self._claimed_transfers
        ]
        if twins:
            self._other_runner_seen = True
            self.emit(
                f"  warning: the exchange shows {len(twins)} identical transfer(s) in the last "
                "minute that this run did not make: another runner may be working on this account"
            )
        return frozenset(r.transfer_id for r in records)

    def done_by_another_runner(self, action: act.Action) -> bool:
        """A top-up (ensure_balance) right after another runner's identical transfer: that one
        was computed from the same state for the same level, so this one is not sent (sending
        it would compound: the other runner's open may already use part of the money, so the
        balance alone cannot tell).  If the level is still short, the next run tops it up."""
        if not isinstance(action, act.Transfer) or action.runs_every_apply:
            return False
        return self._other_runner_seen and action.to_futures

    def reissue_if_stale(self, action: act.Action) -> None:
        """Ids come from the state a plan moves from, so an order cancelled by hand, which puts
        the account back where it was, leaves its id taken by a dead order.  That is not this
        intent: raise ``Reissue`` with a new id derived from the dead order (two runners derive
        the same one).  A live or filled order under the id is another runner's: left alone."""
        if not isinstance(action, act.SubmitOrder):
            return
        try:
            order = self.port.find_order(action.symbol, action.cid)
        except RunnerError:
            return
        if order is None or not order.finished or order.filled != 0:
            return
        variant = replace(action, cid=reissued_id(action.cid, order.order_id))
        self.journal.record(
            "reissued", old=action.cid, new=variant.cid, cancelled_order=order.order_id
        )
        self.emit(
            f"  the id {action.cid} belongs to an order cancelled unfilled; using {variant.cid}"
        )
        raise Reissue(variant, order.order_id)

    def after_signature_expired(
        self, before: Before, read_facts: Callable[[], Facts]
    ) -> Facts | None:
        """A write without a client id that is not on the exchange yet may still land: the
        exchange accepts a signed request for 60 s of *its* time.  Measure the clock offset,
        wait until that window has passed on the exchange's clock, and read once more; only
        then does "not there" mean "did not happen"."""
        sync = getattr(self.port, "sync_clock", None)
        if callable(sync):
            try:
                sync()
            except TimeUp:
                raise
            except RunnerError as exc:
                self.journal.record("reconcile_read_failed", detail=str(exc))
        expires = before.intent_time_ms + SIGNATURE_VALIDITY_MS + _EXPIRY_MARGIN_MS
        wait_s = (expires - self.port.now_ms()) / 1000
        if wait_s > 0:
            self.emit(
                f"  waiting {wait_s:.0f} s until the request's signature has expired on the "
                "exchange's clock (it carries no client id, so only then is its absence final)"
            )
            self.sleep(wait_s)
        try:
            return read_facts()
        except TimeUp:
            raise
        except RunnerError as exc:
            self.journal.record("reconcile_read_failed", detail=str(exc))
            return None

    def claim_plan_order(self, action: act.Action, before: Before) -> str | None:
        """The id of the plan order an unknown outcome turned out to have placed, claimed once
        (recorded, so a later edit of the step modifies it instead of adding another)."""
        if not isinstance(action, act.SubmitPlanOrder):
            return None
        try:
            snapshot = self.port.snapshot(self.symbols)
        except RunnerError:
            return None
        found = matching_plan_order(action, snapshot, before)
        if found is not None:
            self._plan_order_ids.add(found)
        return found

    def transfer_read(
        self, sent: Sequence[tuple[int, act.Transfer, Before]]
    ) -> Callable[[], Sequence[TransferFact]] | None:
        """The read that verifies the transfers this run sent (``check_sent_transfers``): the
        exchange's list since the first of them, or None when none was read before its send.
        A read, not a judgement, so it can go out on another thread with a read round."""
        checked = _checked(sent)
        if not checked:
            return None
        since = min(b.intent_time_ms for _, _, b in checked) - TRANSFER_SKEW_MS
        return lambda: tuple(self.port.transfers_since(since))

    def check_sent_transfers(
        self,
        sent: Sequence[tuple[int, act.Transfer, Before]],
        listed: Callable[[], Sequence[TransferFact]],
    ) -> dict[int, bool]:
        """After the run: each transfer this run sent is listed on the exchange (verified), and
        any identical transfer that appeared alongside is another runner's, made at the same
        moment (both read the list before either was listed): said, because the futures wallet
        then holds more than the plan asked for.  The next run tops up to a level, so it sends
        nothing for that.  Transfers not read before the send are left as they were.
        ``listed`` gives the list ``transfer_read`` reads (or its answer, read meanwhile)."""
        checked = _checked(sent)
        if not checked:
            return {}
        try:
            records = listed()
        except RunnerError as exc:
            self.journal.record("verify_failed", detail=f"transfer list: {exc}")
            return {n: False for n, _, _ in checked}
        verified: dict[int, bool] = {}
        ours: dict[tuple[Decimal, bool], int] = {}
        new: dict[tuple[Decimal, bool], set[str]] = {}
        for number, action, before in checked:
            shape = (action.amount, action.to_futures)
            ours[shape] = ours.get(shape, 0) + 1
            known = before.known_transfer_ids or frozenset()
            fresh = {
                r.transfer_id
                for r in records
                if (r.amount, r.to_futures) == shape and r.transfer_id not in known
            }
            new.setdefault(shape, set()).update(fresh)
            verified[number] = bool(fresh)
        for (amount, to_futures), ids in new.items():
            extra = len(ids) - ours[(amount, to_futures)]
            if extra <= 0:
                continue
            way = "spot -> futures" if to_futures else "futures -> spot"
            self.journal.record("other_runner", transfers=extra, amount=amount, direction=way)
            self.emit(
                f"  warning: {extra} identical transfer(s) of {amount} USDT {way} were made at "
                "the same moment by another runner on this account (another runner home or "
                f"host): the wallet holds {amount * extra} USDT more than the plan asked for. "
                "The next run does not transfer again for it (ensure_balance keeps a level); "
                "run one runner home per account"
            )
        return verified


def _checked(
    sent: Sequence[tuple[int, act.Transfer, Before]],
) -> list[tuple[int, act.Transfer, Before]]:
    """The transfers whose list was read right before the send: only those can be told apart
    from a twin on the list after it."""
    return [(n, a, b) for n, a, b in sent if b.known_transfer_ids is not None]
