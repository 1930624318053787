"""Reconcile the journals of runs that died part-way, before a new run writes anything.

A run killed between two writes leaves a journal without ``run_end``.  Targets converge on their
own (the next plan reads the account), but *action* steps (open, close, transfer) run on every
apply, so a blind re-run could repeat one the dead run already sent.  The next apply therefore:

- reuses the dead run's client-order-id nonce when it applies the same plan, so an order it sent
  carries the same id again and is recognised on the exchange;
- skips action-step writes the journal shows as done; and
- asks the exchange about writes whose intent was journaled without an answer (in doubt), using
  the same predicates as the executor's reconciliation, before deciding to send them.

A write without a definite answer (killed, interrupted, cut off by --timeout, reconciled "did not
happen" without waiting) may still reach the exchange: a signed request is accepted until 60 s of
the exchange's time after it was signed.  ``unsettled`` says until when; the apply flow waits for
that moment before it reads the account, so "not there" then means "did not happen".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from runner.compiler import actions as act
from runner.exchange.errors import TimeUp
from runner.execute.effects import SIGNATURE_VALIDITY_MS, Before, Facts, took_effect
from runner.execute.journal import Journal, JournalFile
from runner.execute.port import ExchangePort
from runner.records.plan_orders import ladder_key
from runner.saved_plan import action_to_json
from runner.values import value

if TYPE_CHECKING:
    from runner.exchange.deadline import CommandDeadline

_DONE_EVENTS = {"sent"}
# Estimates move with the market between runs; they do not make a write a different write.  Nor
# does the client order id: an edited plan (a new nonce) must still recognise what a stopped run
# of it already did; the journaled id is what the exchange is asked about.
_VOLATILE = {"summary", "est_price", "cid"}
_ENDED_EVENTS = {"sent", "failed", "rejected", "reconciled", "not_sent"}
# After these the last send of a write had a definite answer (or none left this machine).
_SETTLING = {"sent", "rejected", "not_sent"}
# After these a (new) send of the write may be on its way.
_UNSETTLING = {"outcome_unknown", "reissued"}
# The request is signed right after the journal record before it.
LANDING_MARGIN_MS = 5_000


def action_key(action: act.Action | dict[str, Any]) -> str:
    data = action_to_json(action) if isinstance(action, act.Action) else action
    stable = {k: v for k, v in data.items() if k not in _VOLATILE}
    return json.dumps(stable, sort_keys=True, separators=(",", ":"))


@value
class InDoubt:
    key: str
    intent_ms: int
    run_id: str
    cid: str | None = None  # the id the earlier run sent, to find its order


@value
class Resume:
    journals: tuple[JournalFile, ...] = ()
    nonce: str | None = None
    done: dict[str, str] = field(default_factory=dict)  # action key -> run id that applied it
    in_doubt: dict[str, InDoubt] = field(default_factory=dict)
    plan_orders: dict[str, str] = field(default_factory=dict)  # step key -> plan order id

    @property
    def pending(self) -> bool:
        return bool(self.journals)


def _ms(ts: Any) -> int:
    try:
        return int(datetime.fromisoformat(str(ts)).timestamp() * 1000)
    except ValueError:
        return 0


@value
class Unsettled:
    """A write of an unfinished run that may still reach the exchange until ``lands_until_ms``
    (exchange time)."""

    run_id: str
    number: int
    summary: str
    lands_until_ms: int


def unsettled(journals: Sequence[JournalFile], offset_ms: int) -> list[Unsettled]:
    """Every write of these journals whose last send had no definite answer, whatever the plan.
    ``offset_ms``: the exchange's clock minus ours, for journals that did not record it."""
    found: list[Unsettled] = []
    for journal in journals:
        state: dict[str, Any] | None = None
        for record in journal.records:
            event = record.get("event")
            if event == "intent":
                _close(state, journal.run_id, found)
                exchange = record.get("exchange_ms")
                local = _ms(record.get("ts"))
                action = record.get("action")
                state = {
                    "number": int(record.get("number") or 0),
                    "summary": str(action.get("summary", "")) if isinstance(action, dict) else "",
                    "at": exchange if isinstance(exchange, int) else local + offset_ms,
                    "local": local,
                    "last": local,
                    "open": True,
                }
                continue
            if state is None:
                continue
            state["last"] = max(state["last"], _ms(record.get("ts")))
            if event in _SETTLING or (
                event == "reconciled" and record.get("decision") == "happened"
            ):
                state["open"] = False
            elif event in _UNSETTLING:
                state["open"] = True
        _close(state, journal.run_id, found)
    return found


def _close(state: dict[str, Any] | None, run_id: str, found: list[Unsettled]) -> None:
    if state is None or not state["open"]:
        return
    signed = state["at"] + state["last"] - state["local"] + LANDING_MARGIN_MS
    until = signed + SIGNATURE_VALIDITY_MS
    found.append(Unsettled(run_id, state["number"], state["summary"], until))


def inspect(
    journals: Sequence[JournalFile], plan_hash: str, plan_name: str | None = None
) -> Resume:
    """What the unfinished journals say, for a run of the plan with ``plan_hash`` (named
    ``plan_name``: the actions of stopped runs of a plan of that name count as done, even when
    the file was edited since; another plan's never do)."""
    nonce = None
    done: dict[str, str] = {}
    in_doubt: dict[str, InDoubt] = {}
    plan_orders: dict[str, str] = {}
    for journal in journals:
        start = next(journal.events("run_start"), None)
        same_plan = start is not None and start.get("plan_hash") == plan_hash
        if same_plan and start is not None and start.get("nonce"):
            nonce = str(start["nonce"])
        ours = plan_name is None or (start is not None and start.get("plan") == plan_name)
        current: tuple[str, int, dict[str, Any]] | None = None
        unknown = False  # the current write had an unknown outcome not settled since
        for record in journal.records:
            event = record.get("event")
            if event == "intent" and isinstance(record.get("action"), dict) and ours:
                at = record.get("exchange_ms")
                intent_ms = at if isinstance(at, int) else _ms(record.get("ts"))
                current = (action_key(record["action"]), intent_ms, record["action"])
                unknown = False
                cid = record.get("client_order_id")
                in_doubt[current[0]] = InDoubt(
                    current[0], current[1], journal.run_id, cid if isinstance(cid, str) else None
                )
                continue
            if current is None:
                continue
            if event in _UNSETTLING:
                unknown = True
                continue
            if event not in _ENDED_EVENTS:
                continue
            key, _, action = current
            happened = event in _DONE_EVENTS or (
                event == "reconciled" and record.get("decision") == "happened"
            )
            if event == "reconciled" and not happened:
                continue  # a re-send follows: still in doubt until it is answered
            if event == "failed" and unknown:
                current = None  # gave up on an unknown outcome: still in doubt
                continue
            in_doubt.pop(key, None)
            if happened:
                done[key] = journal.run_id
                order_id = record.get("order_id")
                if action.get("type") == "SubmitPlanOrder" and order_id:
                    plan_orders[str(action.get("step_key", ""))] = str(order_id)
                if action.get("type") == "SubmitTpSl" and action.get("level") and order_id:
                    key = ladder_key(str(action.get("step_key", "")), int(action["level"]))
                    plan_orders[key] = str(order_id)
            current = None
    return Resume(tuple(journals), nonce, done, in_doubt, plan_orders)


def already_applied(
    port: ExchangePort, action: act.Action, resume: Resume, symbols: Sequence[str]
) -> str | None:
    """Why an action must not be sent (it already happened), or None to send it."""
    if not action.runs_every_apply:
        return None  # targets were re-planned against the live account: nothing stale is left
    key = action_key(action)
    if key in resume.done:
        return f"already applied by interrupted run {resume.done[key]}"
    doubt = resume.in_doubt.get(key)
    if doubt is None:
        return None
    before = Before(intent_time_ms=doubt.intent_ms)
    order = None
    if isinstance(action, act.SubmitOrder):
        order = port.find_order(action.symbol, doubt.cid or action.cid)
    transfers = (
        port.transfers_since(doubt.intent_ms - 5_000) if isinstance(action, act.Transfer) else ()
    )
    facts = Facts(port.snapshot(symbols), order, tuple(transfers))
    if took_effect(action, facts, before):
        return f"sent by interrupted run {doubt.run_id} and found on the exchange"
    return None


def close_out(journals: Sequence[JournalFile], by_run: str, redact: Sequence[str]) -> None:
    """Mark reconciled journals finished, so the next run does not reconcile them again."""
    for journal in journals:
        writer = Journal(journal.path, journal.run_id, redact=redact)
        with writer:
            writer.record("run_end", outcome="reconciled", by_run=by_run)


def wait_out_unsettled(
    journals: Sequence[JournalFile],
    client: Any,
    *,
    wall_ms: Callable[[], int],
    sleep: Callable[[float], None],
    emit: Callable[[str], None],
    deadline: CommandDeadline | None,
) -> None:
    """Before the account is read: wait until no write of an earlier run can still land (its
    signature expired on the exchange's clock), so what the account shows then is final and
    what did not happen can be planned afresh.  A wait --timeout cannot hold is refused."""
    if not unsettled(journals, 0):
        return
    client.sync_clock()  # the offset to the exchange's clock (one read)
    offset = int(client.clock_offset_ms or 0)
    pending = unsettled(journals, offset)
    last = max(pending, key=lambda u: u.lands_until_ms)
    wait_s = (last.lands_until_ms - (wall_ms() + offset)) / 1000
    if wait_s <= 0:
        return
    what = f"step {last.number} of run {last.run_id} ({last.summary})"
    why = (
        f"the write of {what} had no answer and may still reach the exchange for {wait_s:.0f} s "
        "(a signed request stays valid 60 s on the exchange's clock)"
    )
    if deadline is not None and wait_s > deadline.left():
        raise TimeUp(
            deadline.seconds,
            f"{why}; nothing was sent. Re-run after that, or with a larger --timeout",
        )
    emit(f"waiting {wait_s:.0f} s: {why}; then the account is read and checked")
    sleep(wait_s)
