"""SQLite persistence of the simulator backend (its lossless ``to_dict`` JSON).

A simulator file is recognised by ``PRAGMA application_id`` plus a meta row naming the format and
its version.  Anything else - random bytes, another application's database, a newer format - is a
``SimStoreError`` naming the file: a user's paper account is never silently replaced.

Every load/save runs in one ``BEGIN IMMEDIATE`` transaction, so two processes sharing a paper file
serialise instead of overwriting each other, and every connection is closed when it ends.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from runner.sim.errors import SimStoreError

APPLICATION_ID = 0x424D5253  # "BMRS": bitmart-runner simulator
FORMAT_NAME = "bitmart-runner-sim"
FORMAT_VERSION = 1
BUSY_TIMEOUT_S = 30.0
_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE backend (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL)",
)


def _json_default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot store {type(value).__name__} in the simulator file")


class StoreTransaction:
    """Load and save inside one open transaction (obtained from ``SimStore.transaction``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._path = path

    def load(self) -> dict[str, Any] | None:
        """The saved backend dict, or None for a file that holds no backend yet."""
        row = self._conn.execute("SELECT state FROM backend WHERE id = 1").fetchone()
        if row is None:
            return None
        try:
            state = json.loads(row[0], parse_float=Decimal)
        except (TypeError, ValueError):
            raise SimStoreError(self._path, "the saved backend state is not valid JSON") from None
        if not isinstance(state, dict):
            raise SimStoreError(self._path, "the saved backend state is not a JSON object")
        return state

    def save(self, state: dict[str, Any]) -> None:
        text = json.dumps(state, separators=(",", ":"), default=_json_default)
        self._conn.execute(
            "INSERT INTO backend (id, state) VALUES (1, ?) "
            "ON CONFLICT(id) DO UPDATE SET state = excluded.state",
            (text,),
        )


class SimStore:
    """A simulator file on disk; cheap to construct, opens a connection per transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def transaction(self) -> Iterator[StoreTransaction]:
        """One exclusive-for-writers transaction; commits on success, rolls back on error."""
        self._check_header()
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise SimStoreError(self.path, f"cannot open: {exc}") from None
        with closing(conn):
            try:
                conn.execute("BEGIN IMMEDIATE")
                self._check_or_initialise(conn)
            except sqlite3.DatabaseError as exc:
                raise SimStoreError(self.path, f"not a usable SQLite database ({exc})") from None
            try:
                yield StoreTransaction(conn, self.path)
            except BaseException:
                conn.rollback()
                raise
            try:
                conn.commit()
            except sqlite3.Error as exc:
                raise SimStoreError(self.path, f"cannot save: {exc}") from None

    def _check_header(self) -> None:
        # sqlite3 would happily treat some non-database files as empty; look at the magic first.
        try:
            with self.path.open("rb") as fh:
                head = fh.read(len(_SQLITE_MAGIC))
        except FileNotFoundError:
            return
        except OSError as exc:
            raise SimStoreError(self.path, f"cannot read: {exc.strerror}") from None
        if head and head != _SQLITE_MAGIC:
            raise SimStoreError(self.path, "not a SQLite database (unrecognised file contents)")

    def _check_or_initialise(self, conn: sqlite3.Connection) -> None:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
        if app_id == 0 and not tables:
            self._initialise(conn)
            return
        if app_id != APPLICATION_ID:
            raise SimStoreError(self.path, "a SQLite database of another application")
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("format") != FORMAT_NAME:
            raise SimStoreError(self.path, "not a bitmart-runner simulator file")
        version = meta.get("version", "")
        if version != str(FORMAT_VERSION):
            raise SimStoreError(
                self.path,
                f"simulator file format version {version!r}; this bitmart-runner reads "
                f"version {FORMAT_VERSION}",
            )

    def _initialise(self, conn: sqlite3.Connection) -> None:
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?)",
            [("format", FORMAT_NAME), ("version", str(FORMAT_VERSION))],
        )
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")

    def load(self) -> dict[str, Any] | None:
        with self.transaction() as tx:
            return tx.load()

    def save(self, state: dict[str, Any]) -> None:
        with self.transaction() as tx:
            tx.save(state)
