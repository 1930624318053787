"""The apply view on fixed reports: every outcome is a valid document; the text is the report."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from runner.compiler import actions as act
from runner.domain import Mode
from runner.execute.executor import ApplyReport, Outcome, Status
from runner.findings import Finding, Severity
from runner.render.reporter import envelope
from runner.render.style import Style
from runner.render.views.apply import Applied, ApplyView
from tests.compiler.fixtures import snapshot
from tests.render.output_schemas import problems

FUND = act.Transfer(
    step_index=0, summary="transfer 5 USDT spot -> futures", amount=D(5), to_futures=True
)
MODE = act.SetPositionMode(step_index=1, summary="position mode -> hedge", mode=Mode.HEDGE)
AT = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _applied(report: ApplyReport | None, **changes: object) -> Applied:
    fields: dict[str, object] = {
        "path": "plans/x.yaml",
        "source": "plan",
        "name": "x",
        "plan_hash": "abc",
        "target": "paper",
        "symbols": ("BTCUSDT",),
        "planned": (FUND, MODE),
        "findings": (),
        "report": report,
    }
    fields.update(changes)
    return Applied(**fields)  # type: ignore[arg-type]


STOPPED = ApplyReport(
    (
        Outcome(1, FUND, Status.APPLIED, "done", "trace-1", AT, True),
        Outcome(2, MODE, Status.FAILED, "rejected: open orders", "trace-2", AT),
    ),
    final=snapshot(),
)
INTERRUPTED = ApplyReport(
    (
        Outcome(1, FUND, Status.APPLIED, "done", None, AT),
        Outcome(2, MODE, Status.NOT_RUN, "not run"),
    ),
    final=None,
    interrupted=True,
)


@pytest.mark.parametrize(
    ("applied", "outcome", "statuses", "code"),
    [
        (_applied(STOPPED), "stopped", ["applied", "failed"], 4),
        (_applied(INTERRUPTED), "interrupted", ["applied", "not_run"], 130),
        (_applied(None, planned=()), "no_changes", [], 0),
        (
            _applied(None, findings=(Finding("too-big", Severity.ERROR, "size too big"),)),
            "invalid",
            [],
            1,
        ),
        (
            _applied(
                ApplyReport((Outcome(2, MODE, Status.APPLIED, "done", "t", AT, True),), snapshot()),
                source="saved",
                skipped=((1, FUND, "already applied by run 20261201-1"),),
            ),
            "applied",
            ["skipped", "applied"],
            0,
        ),
    ],
)
def test_every_outcome_is_a_valid_document(
    applied: Applied, outcome: str, statuses: list[str], code: int
) -> None:
    document = envelope(ApplyView(), applied, exit_code=code)
    assert problems(document, "apply") == []
    assert document["outcome"] == outcome
    assert [s["status"] for s in document["steps"]] == statuses


def test_the_document_keeps_each_step_and_the_verification() -> None:
    document = envelope(ApplyView(), _applied(STOPPED), exit_code=4)
    first, second = document["steps"]
    assert (first["trace"], first["verified"], first["plan_step"]) == ("trace-1", True, 1)
    assert (second["detail"], second["verified"]) == ("rejected: open orders", None)
    assert document["verification"] == {"complete": False, "error": None}
    assert document["final"]["target"] == snapshot().target


def test_text_is_the_apply_report_and_nothing_without_one() -> None:
    text = ApplyView().text(_applied(STOPPED), Style(False))
    assert "Apply report" in text and "Stopped part-way: 1 of 2 change(s) applied." in text
    assert ApplyView().text(_applied(None), Style(False)) == ""
