"""A third-party client against the simulator: ccxt's ``bitmart`` (source C of the API facts),
unchanged but for its URLs, loads the markets, reads the account and trades over HTTP.

ccxt was written from BitMart's documentation like the simulator, by other people: where it
builds a request or reads a reply differently, one of the two misread the docs.  It loads spot
pairs and currencies with the contracts, so the simulator answers those (with none) rather than
fail the whole market load with a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ccxt
import pytest

from runner.sim.server import SimServer

SYMBOL = "BTC/USDT:USDT"


@pytest.fixture
def exchange(make_sim_server: Callable[..., SimServer]) -> Any:
    server = make_sim_server(rate_limit=False)
    server.fund("futures", "5000")
    server.fund("spot", "1000")
    creds = server.credentials
    client = ccxt.bitmart({"apiKey": creds.key, "secret": creds.secret, "uid": creds.memo})
    client.urls["api"] = {"spot": server.url, "swap": server.url}
    client.options["defaultType"] = "swap"
    return client


def test_ccxt_loads_the_contracts_reads_the_account_and_trades(exchange: Any) -> None:
    markets = exchange.load_markets()
    assert SYMBOL in markets and markets[SYMBOL]["swap"]
    assert all(not m["spot"] for m in markets.values())  # the simulator lists no spot pair

    assert exchange.fetch_ticker(SYMBOL)["last"] > 0
    book = exchange.fetch_order_book(SYMBOL)
    assert book["bids"][0][0] < book["asks"][0][0]
    assert exchange.fetch_balance({"type": "swap"})["USDT"]["free"] == 5000

    exchange.set_leverage(5, SYMBOL, {"marginMode": "isolated"})
    exchange.create_order(SYMBOL, "market", "buy", 2)
    (position,) = [p for p in exchange.fetch_positions([SYMBOL]) if p["contracts"]]
    assert position["side"] == "long" and position["contracts"] == 2

    resting = exchange.create_order(SYMBOL, "limit", "buy", 1, 50000, {"clientOrderId": "ccxt1"})
    (listed,) = exchange.fetch_open_orders(SYMBOL)
    assert listed["id"] == resting["id"] and listed["clientOrderId"] == "ccxt1"
    assert exchange.fetch_order(resting["id"], SYMBOL)["price"] == 50000
    exchange.cancel_order(resting["id"], SYMBOL)
    assert exchange.fetch_open_orders(SYMBOL) == []

    trades = exchange.fetch_my_trades(SYMBOL)
    assert [t["amount"] for t in trades] == [2]


def test_ccxt_moves_money_between_the_wallets(exchange: Any) -> None:
    exchange.load_markets()
    exchange.transfer("USDT", 10, "spot", "swap")
    assert exchange.fetch_balance({"type": "swap"})["USDT"]["free"] == 5010
