from __future__ import annotations

import json
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from runner.config import posix_file_modes
from runner.execute import journal as journal_module
from runner.execute.journal import (
    Journal,
    JournalFile,
    new_run_id,
    read_journal,
    unfinished_journals,
)


def test_records_are_json_lines_with_decimals_as_strings(tmp_path: Path) -> None:
    with Journal.create(tmp_path, "acct", "run-1") as journal:
        journal.record("intent", step=1, size=Decimal("10"), price=Decimal("0.1"))
    lines = (tmp_path / "journals" / "acct" / "run-1.jsonl").read_text().splitlines()
    record = json.loads(lines[0])
    assert record["event"] == "intent"
    assert record["run"] == "run-1"
    assert record["price"] == "0.1"
    assert record["size"] == "10"


def test_journal_file_is_private(tmp_path: Path) -> None:
    with Journal.create(tmp_path, "acct", "run-1") as journal:
        journal.record("run_start")
    mode = (tmp_path / "journals" / "acct" / "run-1.jsonl").stat().st_mode
    # Windows has no group/other modes (every file reports itself readable); ACLs decide there
    assert not mode & (stat.S_IRGRP | stat.S_IROTH) or not posix_file_modes()


def test_secret_values_are_redacted_even_if_passed_by_mistake(tmp_path: Path) -> None:
    with Journal.create(tmp_path, "acct", "r", redact=["TOPSECRET-123", "MEMO-456"]) as journal:
        journal.record("oops", detail="request failed: TOPSECRET-123 / MEMO-456")
    text = (tmp_path / "journals" / "acct" / "r.jsonl").read_text()
    assert "TOPSECRET-123" not in text
    assert "MEMO-456" not in text
    assert "***" in text


def test_unfinished_journal_is_found_and_torn_last_line_tolerated(tmp_path: Path) -> None:
    with Journal.create(tmp_path, "acct", "done") as journal:
        journal.record("run_start")
        journal.record("run_end", outcome="applied")
    with Journal.create(tmp_path, "acct", "crashed") as journal:
        journal.record("run_start")
        journal.record("intent", step=1, client_order_id="abc")
    path = tmp_path / "journals" / "acct" / "crashed.jsonl"
    with path.open("a") as handle:
        handle.write('{"event": "sent", "trunc')  # the process died mid-write
    pending = unfinished_journals(tmp_path, "acct")
    assert [j.run_id for j in pending] == ["crashed"]
    assert [r["event"] for r in pending[0].records] == ["run_start", "intent"]
    # the finished one was put away beside it, kept whole
    assert read_journal(tmp_path / "journals" / "acct" / "done" / "done.jsonl").finished
    assert not (tmp_path / "journals" / "acct" / "done.jsonl").exists()


def test_finished_journals_are_read_once_then_kept_out_of_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # cron every 15 minutes leaves ~100 journals a day: each apply must not read them all again
    for run in ("r1", "r2", "r3"):
        with Journal.create(tmp_path, "acct", run) as journal:
            journal.record("run_start")
            journal.record("run_end", outcome="ok")
    with Journal.create(tmp_path, "acct", "r4") as journal:
        journal.record("run_start")
    read: list[str] = []

    def counted(path: Path) -> JournalFile:
        read.append(path.stem)
        return read_journal(path)

    monkeypatch.setattr(journal_module, "read_journal", counted)
    assert [j.run_id for j in unfinished_journals(tmp_path, "acct")] == ["r4"]
    assert sorted(read) == ["r1", "r2", "r3", "r4"]
    read.clear()
    assert [j.run_id for j in unfinished_journals(tmp_path, "acct")] == ["r4"]
    assert read == ["r4"]
    folder = tmp_path / "journals" / "acct" / "done"
    assert sorted(p.stem for p in folder.glob("*.jsonl")) == ["r1", "r2", "r3"]


def test_no_journals_for_new_account(tmp_path: Path) -> None:
    assert unfinished_journals(tmp_path, "nobody") == []


def test_run_ids_are_unique_and_sortable() -> None:
    ids = {new_run_id() for _ in range(50)}
    assert len(ids) == 50
