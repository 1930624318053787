"""Save what an apply left each position step holding (called by the apply flow, under the lock)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from runner.compiler import actions as act
from runner.compiler.intents import PlanIntents
from runner.compiler.lifecycle import Lifecycle
from runner.compiler.snapshot import Snapshot
from runner.records.activity import mark_apply
from runner.records.store import save_records
from runner.records.update import after_apply, definitions_after


class Applied(Protocol):
    """What the apply flow prepared (``execute.flow.Prepared``)."""

    @property
    def lifecycle(self) -> Lifecycle | None: ...

    @property
    def intents(self) -> PlanIntents | None: ...

    @property
    def nonce(self) -> str: ...

    @property
    def actions(self) -> tuple[act.Action, ...]: ...


def remember(
    home: Path,
    account_id: str,
    prepared: Applied,
    final: Snapshot,
    applied: Sequence[act.Action],
    now_ms: int,
) -> None:
    """``now_ms`` is the exchange's time as the client knows it (it only starts a history window,
    which allows for slack)."""
    mark_apply(home, account_id, now_ms)
    if prepared.lifecycle is None or prepared.intents is None:
        return
    ids = act.OrderIds(prepared.intents.name, prepared.nonce)
    records = after_apply(
        prepared.lifecycle,
        prepared.intents,
        final,
        applied,
        ids,
        planned=prepared.actions,
        now_ms=now_ms,
    )
    definitions = definitions_after(prepared.lifecycle, prepared.intents, prepared.actions, applied)
    save_records(home, account_id, prepared.intents.name, records, definitions)
