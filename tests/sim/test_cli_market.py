"""`sim book`, `sim clock --advance`, `sim funding` with the real backend: on the paper file
(kept between runs) and on a running server (--base-url); bad input is a usage error (64)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from runner.cli import run
from runner.commands.sim_market import parse_duration_ms
from runner.config import PAPER_URL, paper_db_path
from runner.errors import UsageError
from runner.sim.adapter import PAPER_CREDENTIALS, paper_session
from runner.sim.server import SimServer
from tests.sim.helpers import SUBMIT, TRANSFER, post_signed


def _state(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    capsys.readouterr()
    assert run(["sim", "state", *extra]) == 0
    return json.loads(capsys.readouterr().out, parse_float=Decimal)


def test_book_on_the_paper_exchange(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["sim", "book", "btcusdt", "--bids", "64980:10,64990:5", "--asks", "65010:3"]
    assert run(argv) == 0
    out = capsys.readouterr().out
    assert "BTCUSDT book: bids 64990 x 5, 64980 x 10 | asks 65010 x 3" in out
    state = _state(capsys)
    assert state["books"]["BTCUSDT"] == {
        "bids": [["64990", "5"], ["64980", "10"]],
        "asks": [["65010", "3"]],
    }
    assert run(["sim", "book", "BTCUSDT", "--clear"]) == 0
    assert "no book" in capsys.readouterr().out
    assert _state(capsys)["books"] == {}


def test_clock_advances_and_prints_the_funding_it_settled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with paper_session(paper_db_path()) as paper:  # a short so that funding is received
        transfer = {"currency": "USDT", "amount": "1000", "type": "spot_to_contract"}
        assert post_signed(paper, PAPER_URL, TRANSFER, transfer, PAPER_CREDENTIALS).ok
        order = {"symbol": "BTCUSDT", "side": 4, "type": "market", "size": 10, "leverage": "10"}
        assert (
            post_signed(paper, PAPER_URL, SUBMIT, order, PAPER_CREDENTIALS).json()["code"] == 1000
        )
    assert run(["sim", "funding", "BTCUSDT", "--rate", "0.0002"]) == 0
    assert "BTCUSDT: funding rate 0.0002" in capsys.readouterr().out
    assert run(["sim", "clock", "--advance", "8h"]) == 0
    out = capsys.readouterr().out
    assert "simulated time advanced by 8h (28800000 ms)" in out
    # one boundary in any 8 hours: 10 * 0.001 * 65000 * 0.0002 = 0.13 received by the short
    assert out.count("funding ") == 1 and "BTCUSDT short: 0.13 USDT (rate 0.0002)" in out
    state = _state(capsys)
    assert state["time_offset_ms"] == 28_800_000
    assert abs(state["time"] - state["server_time"]) < 60_000
    assert state["funding"]["rates"]["BTCUSDT"] == "0.0002"


def test_against_a_running_server(
    make_sim_server: Callable[..., SimServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = make_sim_server()
    base = ["--base-url", server.url]
    assert run(["sim", "book", "ETHUSDT", "--asks", "3201:7", *base]) == 0
    assert run(["sim", "clock", "--advance", "90m", *base]) == 0
    assert run(["sim", "funding", "ETHUSDT", "--rate", "-0.0001", *base]) == 0
    state = server.state()
    assert state["books"]["ETHUSDT"] == {"bids": [], "asks": [["3201", "7"]]}
    assert state["time_offset_ms"] == 90 * 60_000
    assert state["funding"]["rates"]["ETHUSDT"] == "-0.0001"
    assert not paper_db_path().exists()


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["sim", "book", "BTCUSDT"], "--bids and/or --asks"),
        (["sim", "book", "BTCUSDT", "--clear", "--bids", "1:1"], "not both"),
        (["sim", "book", "BTCUSDT", "--bids", "64990"], "PRICE:SIZE"),
        (["sim", "book", "BTCUSDT", "--bids", "64990:5;64980:1"], "PRICE:SIZE"),
        (["sim", "book", "BTCUSDT", "--bids", "64990:-5"], "positive whole"),
        (["sim", "book", "BTCUSDT", "--bids", "64990:1.5"], "whole number"),
        (["sim", "book", "BTCUSDT", "--bids", "65010:1", "--asks", "65000:1"], "crossed book"),
        (["sim", "book", "NOPEUSDT", "--asks", "1:1"], "Symbol is not exist"),
        (["sim", "clock", "--advance", "8x"], "duration like"),
        (["sim", "clock", "--advance", "-1h"], "duration like"),
        (["sim", "clock", "--advance", "0"], "more than zero"),
        (["sim", "clock", "--advance", "400d"], "a year"),
        (["sim", "clock"], "--advance"),
        (["sim", "funding", "BTCUSDT", "--rate", "lots"], "not a decimal"),
        (["sim", "funding", "BTCUSDT", "--rate", "0.5"], "within"),
    ],
)
def test_bad_input_is_a_usage_error(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == 64
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("8h", 28_800_000),
        ("90m", 5_400_000),
        ("1h30m", 5_400_000),
        ("2d", 172_800_000),
        ("1500ms", 1500),
        ("45s", 45_000),
        ("5000", 5000),
        (" 8H ", 28_800_000),
    ],
)
def test_durations(text: str, ms: int) -> None:
    assert parse_duration_ms(text) == ms


@pytest.mark.parametrize("text", ["", "h", "1.5h", "8 h", "1h-30m", "1y"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(UsageError):
        parse_duration_ms(text)
