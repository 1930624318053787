"""Balances, the futures ledger and spot <-> futures transfers.

The futures wallet is ``Book.cash``: transfers in and out, realized PnL, fees.  Margin held by
positions and reserved by resting orders is part of ``cash`` but not available; unrealized PnL
adds to equity.  Cross losses also eat into available (they are covered by the same wallet).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from runner.sim.backend.errors import reject
from runner.sim.backend.markets import MARKETS
from runner.sim.backend.numbers import ZERO, wire
from runner.sim.backend.params import Params
from runner.sim.backend.state import WORKING, Book, LedgerEntry, Position, Transfer

TRANSFER = 1
REALIZED_PNL = 2
FUNDING_FEE = 3
COMMISSION_FEE = 4
LIQUIDATION = 5
MIN_TRANSFER = Decimal("0.01")
MAX_TRANSFER = Decimal("10000000000")
TRANSFER_PLACES = 8


@dataclass(frozen=True)
class Balances:
    cash: Decimal
    frozen: Decimal
    position_margin: Decimal
    unrealized: Decimal
    cross_unrealized: Decimal

    @property
    def available(self) -> Decimal:
        """What new orders and transfers out may use (may dip below 0 before a liquidation)."""
        raw = self.cash - self.position_margin - self.frozen
        return raw + min(ZERO, self.cross_unrealized)

    @property
    def equity(self) -> Decimal:
        return self.cash + self.unrealized


def unrealized_pnl(book: Book, position: Position) -> Decimal:
    mark = book.prices[position.symbol].mark
    size = position.size * MARKETS[position.symbol].contract_size
    move = mark - position.entry_price
    return move * size if position.side == "long" else -move * size


def balances(book: Book) -> Balances:
    frozen = sum((o.reserved for o in book.orders.values() if o.state == WORKING), ZERO)
    margin = sum((p.margin for p in book.positions.values()), ZERO)
    unrealized, cross = ZERO, ZERO
    for position in book.positions.values():
        pnl = unrealized_pnl(book, position)
        unrealized += pnl
        if position.margin_mode == "cross":
            cross += pnl
    return Balances(book.cash, frozen, margin, unrealized, cross)


def book_entry(book: Book, symbol: str, flow_type: int, amount: Decimal, now_ms: int) -> None:
    """Record a wallet movement in the ledger (transaction-history) and apply it to cash."""
    if amount == 0:
        return
    book.cash += amount
    book.ledger.append(LedgerEntry(book.new_seq(), symbol, flow_type, amount, now_ms))


def fund(book: Book, wallet: str, amount: Decimal, now_ms: int) -> None:
    """Credit USDT from outside (sim control): spot directly, futures as a ledger transfer."""
    if amount <= 0:
        raise ValueError("amount must be greater than zero")
    if wallet == "spot":
        book.spot += amount
    elif wallet == "futures":
        book_entry(book, "", TRANSFER, amount, now_ms)
    else:
        raise ValueError(f"unknown wallet {wallet!r}")


def transfer(book: Book, params: Params, now_ms: int) -> dict[str, str]:
    """#24 transfer-contract: USDT only, amount in [0.01, 1e10], never more than is there."""
    currency = params.text("currency", required=True)
    if currency != "USDT":
        raise reject(40007, "only USDT can be transferred")
    direction = params.text("type", required=True)
    params.choice("type", ("spot_to_contract", "contract_to_spot"), direction, 40007)
    amount = params.required_decimal("amount")
    if not MIN_TRANSFER <= amount <= MAX_TRANSFER:
        raise reject(40007, "amount must be within [0.01, 10000000000]")
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > TRANSFER_PLACES:
        raise reject(40005)
    if direction == "spot_to_contract":
        # The spot wallet is the account layer's: its "balance not enough" code (facts 6.3).
        if amount > book.spot:
            raise reject(60008)
        book.spot -= amount
        book_entry(book, "", TRANSFER, amount, now_ms)
    else:
        if amount > balances(book).available:
            raise reject(40027)
        book.spot += amount
        book_entry(book, "", TRANSFER, -amount, now_ms)
    book.transfers.append(Transfer(book.new_seq(), currency, amount, direction, now_ms))
    sent = params.raw["amount"]
    return {"currency": currency, "amount": sent.strip() if isinstance(sent, str) else wire(amount)}


def claim(book: Book, now_ms: int) -> dict[str, str]:
    """#51 claim: the demo top-up.  The simulator grants it (10,000 USDT into futures each time);
    ``amount`` is the claimed amount (S's reading; facts 16 #22 leave it unresolved)."""
    amount = Decimal("10000")
    book_entry(book, "", TRANSFER, amount, now_ms)
    return {"currency": "USDT", "amount": str(amount)}
