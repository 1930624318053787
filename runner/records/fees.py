"""The account's fee rates, kept in the runner home for an hour.

`trade-fee-rate` allows 2 requests per 2 s, and every `plan` and `apply` needs the rates for its
estimates, so reading them each run made back-to-back runs wait on that one endpoint.  A fee tier
changes rarely (it follows 30-day volume), so the rates read by one run are reused by the next
for ``FEE_TTL_S`` (one hour); the diff says how old a reused tier is.  The file holds only
rates and the time they were read, per account (``fees/<account id>.json``); a file that cannot
be read or parsed is ignored and written anew.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from runner.compiler.snapshot import Snapshot
from runner.values import value

FEE_TTL_S = 3600
_VERSION = 1


@value
class CachedFee:
    taker: Decimal
    maker: Decimal
    read_at_s: float  # wall-clock time the exchange was asked


def fee_cache_path(home: Path, account_id: str) -> Path:
    return home / "fees" / f"{account_id}.json"


class FeeCache:
    """Fee rates per symbol for one account; ``fresh`` before a snapshot, ``remember`` after."""

    def __init__(
        self,
        home: Path,
        account_id: str,
        *,
        ttl_s: float = FEE_TTL_S,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = fee_cache_path(home, account_id)
        self.ttl_s = ttl_s
        self.clock = clock
        self.ages: dict[str, int] = {}  # symbol -> age in seconds of each rate reused this run
        self.standard: tuple[str, ...] = ()  # symbols taken at the standard tier, not read

    def fresh(self, symbols: Sequence[str]) -> dict[str, CachedFee]:
        """The cached rates younger than the time to live, for these symbols."""
        now = self.clock()
        stored = self._read()
        found = {
            s: fee
            for s in symbols
            if (fee := stored.get(s)) is not None and 0 <= now - fee.read_at_s < self.ttl_s
        }
        self.ages = {s: int(now - fee.read_at_s) for s, fee in found.items()}
        return found

    def remember(self, snapshot: Snapshot, read: Sequence[str]) -> None:
        """Keep the rates just read from the exchange (``read``: the symbols asked for)."""
        if not read:
            return
        now = self.clock()
        stored = self._read()
        for symbol in read:
            spec = snapshot.specs.get(symbol)
            if spec is not None:
                stored[symbol] = CachedFee(spec.taker_fee, spec.maker_fee, now)
        self._write(stored)

    def _read(self) -> dict[str, CachedFee]:
        try:
            document = json.loads(self.path.read_text("utf-8"))
            return {
                symbol: CachedFee(Decimal(row["taker"]), Decimal(row["maker"]), float(row["at"]))
                for symbol, row in document["fees"].items()
                if document.get("version") == _VERSION
            }
        except (OSError, ValueError, KeyError, TypeError, AttributeError, InvalidOperation):
            return {}  # missing or damaged: as if empty; the next write replaces it

    def _write(self, fees: Mapping[str, CachedFee]) -> None:
        document: dict[str, Any] = {
            "version": _VERSION,
            "ttl_seconds": self.ttl_s,
            "fees": {
                s: {"taker": str(f.taker), "maker": str(f.maker), "at": f.read_at_s}
                for s, f in sorted(fees.items())
            },
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(document, indent=1) + "\n", "utf-8")
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()
            # a cache that cannot be written only costs the next run a read
