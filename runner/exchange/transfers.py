"""Wallet balances (spot, sub-accounts) and transfer records, with their parsers."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from runner.exchange.fields import Fields, rows


@dataclass(frozen=True)
class SpotBalance:
    currency: str
    available: Decimal
    frozen: Decimal


@dataclass(frozen=True)
class SubAccountBalance:
    currency: str
    available: Decimal
    frozen: Decimal


def _wallet_rows(data: object, endpoint: str) -> list[Fields]:
    return [Fields(r, endpoint, "balance") for r in Fields(data, endpoint, "data").rows("wallet")]


def parse_spot_wallet(data: object, endpoint: str) -> list[SpotBalance]:
    return [
        SpotBalance(f.text("currency"), f.decimal("available"), f.decimal("frozen"))
        for f in _wallet_rows(data, endpoint)
    ]


def parse_sub_wallet(data: object, endpoint: str) -> list[SubAccountBalance]:
    return [
        SubAccountBalance(f.text("currency"), f.decimal("available"), f.decimal("frozen"))
        for f in _wallet_rows(data, endpoint)
    ]


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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
