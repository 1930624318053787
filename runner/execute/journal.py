"""The apply journal: JSON lines, one file per run, flushed to disk before every write is sent.

A crash at any point leaves the truth on disk: the intent of the write that may or may not have
happened is always recorded before the request leaves.  A journal without a final ``run_end`` record
is *unfinished*; the next ``apply`` on the same account reconciles it before doing anything else.

Secrets never enter it: records are built from request summaries (no headers, no signatures), and as
a second guard every line is checked against the secret values the journal was told about.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from runner.errors import RunnerHomeBroken
from runner.redact import Redactor
from runner.values import value

REDACTED = "***"
FINISHED = "done"  # the account's finished journals, beside the unfinished ones


def new_run_id(now: datetime | None = None) -> str:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def journal_dir(home: Path, account_id: str) -> Path:
    return home / "journals" / account_id


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON-serialisable in a journal: {type(value).__name__}")


class Journal:
    """Append-only JSON-lines writer.  Every record is fsync'ed before ``record`` returns."""

    def __init__(self, path: Path, run_id: str, *, redact: Iterable[str] = ()) -> None:
        self.path = path
        self.run_id = run_id
        self._redact = Redactor(redact, min_length=4)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._file = os.fdopen(fd, "a", encoding="utf-8")

    @classmethod
    def create(
        cls, home: Path, account_id: str, run_id: str, *, redact: Iterable[str] = ()
    ) -> Journal:
        return cls(journal_dir(home, account_id) / f"{run_id}.jsonl", run_id, redact=redact)

    def record(self, event: str, **fields: Any) -> None:
        entry = {
            "ts": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "run": self.run_id,
            "event": event,
            **fields,
        }
        line = json.dumps(entry, default=_default, sort_keys=False)
        line = self._redact(line)
        self._file.write(line + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        if not self._file.closed:
            self._file.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@value
class JournalFile:
    path: Path
    records: tuple[Mapping[str, Any], ...]

    @property
    def run_id(self) -> str:
        return self.path.stem

    @property
    def finished(self) -> bool:
        return any(r.get("event") == "run_end" for r in self.records)

    def events(self, name: str) -> Iterator[Mapping[str, Any]]:
        return (r for r in self.records if r.get("event") == name)


def read_journal(path: Path) -> JournalFile:
    """Read a journal, tolerating a torn last line (the process may have died mid-write)."""
    records: list[Mapping[str, Any]] = []
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                records.append(value)
    return JournalFile(path, tuple(records))


def unfinished_journals(home: Path, account_id: str) -> list[JournalFile]:
    """Every journal without ``run_end``; a finished one met on the way is put away in ``done/``
    (the apply holding the account lock calls this).  A journal that cannot be read (a directory
    or a looping link named ``*.jsonl``) is an error, not skipped: it may hide a write in flight."""
    folder = journal_dir(home, account_id)
    if not folder.exists() and not folder.is_symlink():
        return []
    if not folder.is_dir():
        raise RunnerHomeBroken(
            f"the runner home is unusable: {folder}: should be the journals directory",
            hint=f"move {folder} away; nothing was sent",
        )
    paths = sorted(folder.glob("*.jsonl"))
    for path in paths:
        if not path.is_file():
            raise RunnerHomeBroken(
                f"the runner home is unusable: {path} is not a journal file "
                "(a directory, or a broken or looping link)",
                hint=f"move it out of {folder}; nothing was sent",
            )
    unfinished = []
    for journal in map(read_journal, paths):
        if journal.finished:
            _put_away(journal.path)
        else:
            unfinished.append(journal)
    return unfinished


def _put_away(path: Path) -> None:
    """Move a finished journal to ``done/`` beside it, where the scan for unfinished runs does
    not read it again: a cron job every 15 minutes leaves ~100 journals a day, and reading them
    all made every apply slower for ever.  Each apply moves the journals of the runs that ended
    since the last one (usually one).  Only an optimisation: a journal that cannot be moved stays
    and is read again (it is finished either way)."""
    done = path.parent / FINISHED
    with contextlib.suppress(OSError):
        done.mkdir(mode=0o700, exist_ok=True)
        os.replace(path, done / path.name)
