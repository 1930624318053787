"""Reconcile the journals of runs that died part-way, before a new run writes anything.

A run killed between two writes leaves a journal without ``run_end``.  Targets converge on their
own (the next plan reads the account), but *action* steps (open, close, transfer) run on every
apply, so a blind re-run could repeat one the dead run already sent.  The next apply therefore:

- reuses the dead run's client-order-id nonce when it applies the same plan, so an order it sent
  carries the same id again and is recognised on the exchange;
- skips action-step writes the journal shows as done; and
- asks the exchange about writes whose intent was journaled without an answer (in doubt), using
  the same predicates as the executor's reconciliation, before deciding to send them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from runner.compiler import actions as act
from runner.execute.effects import Before, Facts, took_effect
from runner.execute.journal import Journal, JournalFile
from runner.execute.port import ExchangePort
from runner.records.plan_orders import ladder_key
from runner.saved_plan import action_to_json

_DONE_EVENTS = {"sent"}
# Estimates move with the market between runs; they do not make a write a different write.  Nor
# does the client order id: an edited plan (a new nonce) must still recognise what a stopped run
# of it already did; the journaled id is what the exchange is asked about.
_VOLATILE = {"summary", "est_price", "cid"}
_ENDED_EVENTS = {"sent", "failed", "rejected", "reconciled"}


def action_key(action: act.Action | dict[str, Any]) -> str:
    data = action_to_json(action) if isinstance(action, act.Action) else action
    stable = {k: v for k, v in data.items() if k not in _VOLATILE}
    return json.dumps(stable, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class InDoubt:
    key: str
    intent_ms: int
    run_id: str
    cid: str | None = None  # the id the earlier run sent, to find its order


@dataclass(frozen=True)
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
        for record in journal.records:
            event = record.get("event")
            if event == "intent" and isinstance(record.get("action"), dict) and ours:
                current = (action_key(record["action"]), _ms(record.get("ts")), record["action"])
                cid = record.get("client_order_id")
                in_doubt[current[0]] = InDoubt(
                    current[0], current[1], journal.run_id, cid if isinstance(cid, str) else None
                )
                continue
            if current is None or event not in _ENDED_EVENTS:
                continue
            key, _, action = current
            in_doubt.pop(key, None)
            happened = event in _DONE_EVENTS or (
                event == "reconciled" and record.get("decision") == "happened"
            )
            if happened:
                done[key] = journal.run_id
                order_id = record.get("order_id")
                if action.get("type") == "SubmitPlanOrder" and order_id:
                    plan_orders[str(action.get("step_key", ""))] = str(order_id)
                if action.get("type") == "SubmitTpSl" and action.get("level") and order_id:
                    key = ladder_key(str(action.get("step_key", "")), int(action["level"]))
                    plan_orders[key] = str(order_id)
            if event != "reconciled" or happened:
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
