"""Wallet balances (spot, sub-accounts) and transfer records, with their parsers."""

from __future__ import annotations

from decimal import Decimal

from runner.exchange.fields import Fields, rows
from runner.values import value


@value
class WalletBalance:
    """One currency of a wallet: the spot wallet or a sub-account's futures wallet."""

    currency: str
    available: Decimal
    frozen: Decimal


def parse_wallet(data: object, endpoint: str) -> list[WalletBalance]:
    """A ``{"wallet": [...]}`` reply (spot wallet, sub-account wallet)."""
    wallet = Fields(data, endpoint, "data").rows("wallet")
    balances = [Fields(raw, endpoint, "balance") for raw in wallet]
    return [
        WalletBalance(f.text("currency"), f.decimal("available"), f.decimal("frozen"))
        for f in balances
    ]


@value
class SubTransfer:
    from_account: str
    from_wallet: str
    to_account: str
    to_wallet: str
    currency: str
    amount: Decimal
    time_ms: int  # submissionTime: seconds on the wire


def parse_sub_transfers(data: object, endpoint: str) -> list[SubTransfer]:
    transfers = []
    for raw in rows(data, endpoint):
        f = Fields(raw, endpoint, "transfer")
        transfers.append(
            SubTransfer(
                from_account=f.text("fromAccount"),
                from_wallet=f.text("fromWalletType"),
                to_account=f.text("toAccount"),
                to_wallet=f.text("toWalletType"),
                currency=f.text("currency"),
                amount=f.decimal("amount"),
                time_ms=f.seconds_as_ms("submissionTime"),
            )
        )
    return transfers


@value
class TransferRecord:
    transfer_id: str
    currency: str
    amount: Decimal
    direction: str  # "spot_to_contract" | "contract_to_spot"
    state: str  # PROCESSING | FINISHED | FAILED
    time_ms: int


def parse_transfer_records(data: object, endpoint: str) -> list[TransferRecord]:
    records = []
    for raw in Fields(data, endpoint, "data").rows("records"):
        f = Fields(raw, endpoint, "transfer record")
        records.append(
            TransferRecord(
                transfer_id=f.ident("transfer_id"),
                currency=f.text("currency"),
                amount=f.decimal("amount"),
                direction=f.text("type"),
                state=f.text("state"),
                time_ms=f.millis("timestamp"),
            )
        )
    return records
