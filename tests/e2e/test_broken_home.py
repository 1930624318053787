"""A broken runner home is a clear error (issue 19 item 15): exit 64 naming the path and what is
wrong, nothing sent to the exchange, never "this is a bug" (exit 70)."""

from __future__ import annotations

import errno
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from runner.errors import ExitCode
from tests.e2e.conftest import Cli

BTC_LONG = Path(__file__).resolve().parents[2] / "plans" / "examples" / "btc-long.yaml"


def _account(cli: Cli) -> str:
    return hashlib.sha256(cli.server.credentials.key.encode()).hexdigest()[:16]


def _journals(cli: Cli) -> Path:
    folder = cli.home / "journals" / _account(cli)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _dir_named_like_a_journal(cli: Cli) -> Path:
    bad = _journals(cli) / "20260101T000000Z-abcdef.jsonl"
    bad.mkdir()
    return bad


def _looping_journal_links(cli: Cli) -> Path:
    folder = _journals(cli)
    (folder / "a.jsonl").symlink_to(folder / "b.jsonl")
    (folder / "b.jsonl").symlink_to(folder / "a.jsonl")
    return folder / "a.jsonl"


def _lock_is_a_directory(cli: Cli) -> Path:
    lock = cli.home / "locks" / f"{_account(cli)}.lock"
    lock.mkdir(parents=True)
    return lock


def _journals_path_is_a_file(cli: Cli) -> Path:
    cli.home.mkdir(parents=True, exist_ok=True)
    journals = cli.home / "journals"
    journals.write_text("not a directory\n", "utf-8")
    return journals


@pytest.mark.parametrize(
    "damage",
    [
        _dir_named_like_a_journal,
        _looping_journal_links,
        _lock_is_a_directory,
        _journals_path_is_a_file,
    ],
)
def test_a_broken_home_is_exit_64_naming_the_path(
    runner_cli: Cli, damage: Callable[[Cli], Path]
) -> None:
    path = damage(runner_cli)
    result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.USAGE, result.text
    assert "runner home is unusable" in result.err and str(path) in result.err
    assert "bug" not in result.err
    assert runner_cli.writes() == []


@pytest.mark.parametrize("code", [errno.EROFS, errno.ENOSPC])
def test_a_read_only_or_full_home_is_exit_64_before_anything_is_sent(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    home = str(runner_cli.home)
    real_open = os.open

    def refusing_open(path: object, flags: int, *args: int, **kwargs: object) -> int:
        if str(path).startswith(home) and flags & os.O_CREAT:
            raise OSError(code, os.strerror(code), str(path))
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", refusing_open)
    result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.USAGE, result.text
    assert os.strerror(code) in result.err and home in result.err
    assert "bug" not in result.err
    assert runner_cli.writes() == []


def test_a_home_that_fills_up_mid_run_is_exit_64_and_the_next_run_reconciles(
    runner_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from runner.execute import journal as journal_module

    real_fsync = os.fsync
    calls = {"n": 0}

    def fsync_until_full(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] > 4:  # the probe and the first records fit; then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(fd)

    monkeypatch.setattr(journal_module.os, "fsync", fsync_until_full)
    result = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert result.code == ExitCode.USAGE, result.text
    assert "No space left" in result.err and "reconciles" in result.err
    monkeypatch.setattr(journal_module.os, "fsync", real_fsync)
    again = runner_cli.run("apply", str(BTC_LONG), "--yes")
    assert again.code == ExitCode.OK, again.text
    cids = [o["client_order_id"] for o in runner_cli.server.state()["orders"]]
    assert len(cids) == len(set(cids))
