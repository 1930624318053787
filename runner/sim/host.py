"""Where the backend lives between requests: in memory (HTTP server) or in a SQLite file (paper).

Both hand the caller an exchange inside a critical section and persist it afterwards when the call
may have changed it.  Callers turn the backend's business errors into values inside the block, so
an exception escaping it is a bug: then nothing is saved (never a half-changed backend on disk).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

from runner.sim.errors import SimStoreError
from runner.sim.facade import Exchange, ExchangeFactory
from runner.sim.store import SimStore

# Given the exchange after the call, whether it may have changed (and so must be saved).
MutationCheck = Callable[[Exchange], bool]


class BackendHost(Protocol):
    def use(self, mutated: MutationCheck) -> AbstractContextManager[Exchange]: ...

    def replace(self, exchange: Exchange) -> None: ...


def load_exchange(
    store: SimStore, new: Callable[[], Exchange], factory: ExchangeFactory
) -> Exchange:
    """The exchange saved in ``store``, creating (and saving) a fresh one for a new file."""
    with store.transaction() as tx:
        saved = tx.load()
        if saved is None:
            exchange = new()
            tx.save(exchange.to_dict())
            return exchange
        return _from_saved(store, saved, factory)


def _from_saved(store: SimStore, saved: dict, factory: ExchangeFactory) -> Exchange:
    try:
        return factory.from_dict(saved)
    except (ValueError, KeyError, TypeError) as exc:
        raise SimStoreError(store.path, f"the saved backend state is unreadable ({exc})") from None


class MemoryHost:
    """One backend in memory behind a lock; optionally written through to a store."""

    def __init__(self, exchange: Exchange, store: SimStore | None = None) -> None:
        self._exchange = exchange
        self._store = store
        self._lock = threading.Lock()

    @contextmanager
    def use(self, mutated: MutationCheck) -> Iterator[Exchange]:
        with self._lock:
            yield self._exchange
            if self._store is not None and mutated(self._exchange):
                self._store.save(self._exchange.to_dict())

    def replace(self, exchange: Exchange) -> None:
        with self._lock:
            self._exchange = exchange
            if self._store is not None:
                self._store.save(exchange.to_dict())


class StoreHost:
    """The paper exchange: load from the file, run, save if changed - all in one transaction."""

    def __init__(
        self, store: SimStore, new: Callable[[], Exchange], factory: ExchangeFactory
    ) -> None:
        self._store = store
        self._new = new
        self._factory = factory

    @contextmanager
    def use(self, mutated: MutationCheck) -> Iterator[Exchange]:
        with self._store.transaction() as tx:
            saved = tx.load()
            if saved is None:
                exchange = self._new()
            else:
                exchange = _from_saved(self._store, saved, self._factory)
            yield exchange
            if saved is None or mutated(exchange):
                tx.save(exchange.to_dict())

    def replace(self, exchange: Exchange) -> None:
        with self._store.transaction() as tx:
            tx.save(exchange.to_dict())
