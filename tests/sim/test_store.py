"""SQLite store: round trip, identification, and clear errors for corrupt or foreign files."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from runner.errors import ExitCode
from runner.sim.errors import SimStoreError
from runner.sim.store import APPLICATION_ID, FORMAT_VERSION, SimStore


def test_new_file_holds_nothing_then_round_trips(tmp_path: Path) -> None:
    store = SimStore(tmp_path / "sim.sqlite3")
    assert store.load() is None
    store.save({"balance": Decimal("10000.5"), "orders": [1, 2]})
    assert SimStore(tmp_path / "sim.sqlite3").load() == {"balance": "10000.5", "orders": [1, 2]}


def test_file_is_identified(tmp_path: Path) -> None:
    path = tmp_path / "sim.sqlite3"
    SimStore(path).save({})
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == FORMAT_VERSION
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    assert meta == {"format": "bitmart-runner-sim", "version": str(FORMAT_VERSION)}


def test_empty_file_is_initialised(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    assert SimStore(path).load() is None


def _error(path: Path) -> SimStoreError:
    with pytest.raises(SimStoreError) as info:
        SimStore(path).load()
    assert str(path) in str(info.value)
    assert info.value.exit_code == ExitCode.EXCHANGE
    return info.value


def test_random_bytes_are_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite3"
    junk = bytes(range(256)) * 8
    path.write_bytes(junk)
    assert "not a SQLite database" in str(_error(path))
    assert path.read_bytes() == junk  # never silently reset


def test_corrupt_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite3"
    SimStore(path).save({"a": 1})
    data = bytearray(path.read_bytes())
    data[16:100] = b"\xff" * 84  # smash the header after the magic
    path.write_bytes(bytes(data))
    _error(path)


def test_foreign_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other-app.sqlite3"
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
        conn.commit()
    assert "another application" in str(_error(path))
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT body FROM notes").fetchall() == [("keep me",)]


def test_newer_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    SimStore(path).save({})
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'version'")
        conn.commit()
    assert "version '99'" in str(_error(path))


def test_garbage_state_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "garbage.sqlite3"
    SimStore(path).save({})
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE backend SET state = '{not json'")
        conn.commit()
    assert "not valid JSON" in str(_error(path))


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    _error(tmp_path / "no" / "such" / "dir.sqlite3")


def test_error_inside_transaction_rolls_back(tmp_path: Path) -> None:
    store = SimStore(tmp_path / "sim.sqlite3")
    store.save({"n": 1})

    def save_then_fail() -> None:
        with store.transaction() as tx:
            tx.save({"n": 2})
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert store.load() == {"n": 1}


def test_transactions_serialise_read_modify_write(tmp_path: Path) -> None:
    """Many threads (each its own connection, as separate processes would) increment a counter."""
    store = SimStore(tmp_path / "sim.sqlite3")
    store.save({"n": 0})

    def bump() -> None:
        for _ in range(20):
            with store.transaction() as tx:
                state = tx.load()
                assert state is not None
                tx.save({"n": state["n"] + 1})

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.load() == {"n": 80}
