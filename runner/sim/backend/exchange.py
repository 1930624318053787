"""The simulated exchange: one account's state and the operations the server side calls.

Pure: no clock of its own, no global randomness (filler data is derived from the stored seed), no
I/O.  The host serialises calls; one call runs start to finish on one state.

Time: every operation is given the host's clock (``now_ms``); the simulated time is that plus the
offset ``advance_clock`` has accumulated (kept in the state, so the paper file keeps it too).
Everything the exchange says or stamps (``/system/time``, order and fill times, cancel-all-after,
funding times) is simulated time.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runner.sim.backend import (
    account,
    amend,
    codec,
    depth,
    funding,
    liquidation,
    matching,
    moves,
    plans,
    trailing,
)
from runner.sim.backend.dispatch import endpoint, mutates
from runner.sim.backend.errors import reject
from runner.sim.backend.markets import MARKETS, START_PRICES
from runner.sim.backend.params import Params
from runner.sim.backend.snapshot import state_view
from runner.sim.backend.state import WORKING, Book, Price

FORMAT = "bitmart-runner-sim-backend"
VERSION = 1
# A fired trigger can create a position whose preset stop is due at once: settle repeatedly,
# bounded (each round ends at least one working trigger, so this is never reached in practice).
MAX_SETTLE_ROUNDS = 50
MAX_ADVANCE_MS = 366 * 24 * 3600 * 1000  # one call moves the clock by at most a year


class Exchange:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._changed_by_time = False

    @classmethod
    def new(
        cls,
        *,
        spot: Decimal = Decimal("10000"),
        futures: Decimal = Decimal("0"),
        seed: int = 0,
        now_ms: int,
    ) -> Exchange:
        book = Book(spot=Decimal(spot), cash=Decimal("0"), seed=seed, created_ms=now_ms)
        book.prices = {s: Price(p, p) for s, p in START_PRICES.items()}
        if futures:
            account.fund(book, "futures", Decimal(futures), now_ms)
        return cls(book)

    # -- persistence ------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "version": VERSION, "book": codec.encode(self.book)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Exchange:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a saved simulator backend state")
        if data.get("version") != VERSION:
            raise ValueError(f"unsupported backend state version {data.get('version')!r}")
        book = codec.decode(Book, data.get("book"))
        unknown = set(book.prices) - set(MARKETS)
        if unknown:
            raise ValueError(f"unknown symbols in the saved state: {sorted(unknown)}")
        return cls(book)

    # -- the API --------------------------------------------------------------------------------
    def dispatch(self, method: str, path: str, params: dict[str, Any], now_ms: int) -> Any:
        now_ms = self.now(now_ms)
        self._changed_by_time = amend.expire_timers(self.book, now_ms)
        found = endpoint(method, path)
        if found is None:
            raise reject(30000)
        request = Params(params, from_query=method != "POST")
        result = found.handler(self.book, request, now_ms)
        if found.reacts:
            self._settle(request.text("symbol"), now_ms)
        return result

    def mutates(self, method: str, path: str) -> bool:
        return self._changed_by_time or mutates(method, path)

    # -- time -----------------------------------------------------------------------------------
    @property
    def time_offset_ms(self) -> int:
        return self.book.time_offset_ms

    def now(self, host_ms: int) -> int:
        """Simulated time for the host's clock reading ``host_ms``."""
        return host_ms + self.book.time_offset_ms

    def advance_clock(self, advance_ms: int, now_ms: int) -> dict[str, Any]:
        """Move simulated time forward; what falls due on the way happens in time order:
        cancel-all-after timers, and a funding settlement at every boundary crossed."""
        if not 0 < advance_ms <= MAX_ADVANCE_MS:
            raise ValueError(f"advance_ms must be within 1..{MAX_ADVANCE_MS} (a year)")
        start = self.now(now_ms)
        self.book.time_offset_ms += advance_ms
        end = start + advance_ms
        paid: list[dict[str, Any]] = []
        for boundary in funding.boundaries(start, end):
            amend.expire_timers(self.book, boundary)
            paid.extend(funding.settle(self.book, boundary))
        amend.expire_timers(self.book, end)
        return {"time": end, "time_offset_ms": self.book.time_offset_ms, "funding": paid}

    # -- control ----------------------------------------------------------------------------------
    def set_price(self, symbol: str, last: Decimal, mark: Decimal | None, now_ms: int) -> None:
        """Move the prices, then fill, trigger and liquidate what the move reached."""
        if symbol not in MARKETS:
            raise reject(40034)
        if last <= 0 or (mark is not None and mark <= 0):
            raise ValueError("prices must be greater than zero")
        now_ms = self.now(now_ms)
        amend.expire_timers(self.book, now_ms)
        target = Price(Decimal(last), Decimal(mark if mark is not None else last))

        def react() -> None:
            matching.fill_resting(self.book, symbol, now_ms)
            self._settle(symbol, now_ms)
            liquidation.liquidate_reached(self.book, symbol, now_ms)

        moves.walk(self.book, symbol, target, react)

    def set_book(
        self,
        symbol: str,
        bids: list[tuple[Decimal, int]] | None,
        asks: list[tuple[Decimal, int]] | None,
        now_ms: int,
    ) -> dict[str, Any] | None:
        """Replace ``symbol``'s book (both None: remove it, back to unlimited depth at the last
        price), then fill the resting orders it reaches and react as after a price move.
        Returns the book as it stands afterwards (None without one)."""
        if symbol not in MARKETS:
            raise reject(40034)
        now_ms = self.now(now_ms)
        amend.expire_timers(self.book, now_ms)
        if bids is None and asks is None:
            self.book.depth.pop(symbol, None)
        else:
            self.book.depth[symbol] = depth.make_depth(MARKETS[symbol], bids or [], asks or [])
        matching.fill_resting(self.book, symbol, now_ms)
        self._settle(symbol, now_ms)
        liquidation.liquidate_reached(self.book, symbol, now_ms)
        left = self.book.depth.get(symbol)
        return None if left is None else depth.view(left)

    def set_funding_rate(self, symbol: str, rate: Decimal, now_ms: int) -> None:
        """The rate the next settlements of ``symbol`` use."""
        funding.set_rate(self.book, symbol, Decimal(rate))

    def fund(self, wallet: str, amount: Decimal, now_ms: int) -> None:
        now_ms = self.now(now_ms)
        amend.expire_timers(self.book, now_ms)
        account.fund(self.book, wallet, Decimal(amount), now_ms)

    def state(self, now_ms: int | None = None) -> dict[str, Any]:
        """The simulator's own view; ``now_ms`` (the host's clock) adds the simulated time."""
        return state_view(self.book, None if now_ms is None else self.now(now_ms))

    def _settle(self, symbol: str, now_ms: int) -> None:
        if symbol not in MARKETS:
            return
        for _ in range(MAX_SETTLE_ROUNDS):
            before = self._working()
            plans.evaluate(self.book, symbol, now_ms)
            trailing.track(self.book, symbol, now_ms)
            if self._working() == before:
                return

    def _working(self) -> tuple[int, int]:
        triggers = sum(1 for t in self.book.triggers.values() if t.state == WORKING)
        working = sum(1 for o in self.book.orders.values() if o.state == WORKING)
        return triggers, len(self.book.orders) + working
