"""`sim fund/price/state/reset` on the paper file (persisting across runs) and on a server."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal

import pytest

from runner.cli import run
from runner.config import paper_db_path
from runner.render.views.misc import pretty_json
from runner.sim import facade
from runner.sim.server import SimServer
from tests.sim.fake_backend import FAKE_BACKEND


@pytest.fixture(autouse=True)
def _fake_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the CLI and the paper file, so the backend is the fake one."""
    monkeypatch.setattr(facade, "real_backend", lambda: FAKE_BACKEND)


def _state(capsys: pytest.CaptureFixture[str], *extra: str) -> dict:
    capsys.readouterr()
    assert run(["sim", "state", *extra]) == 0
    return json.loads(capsys.readouterr().out, parse_float=Decimal)


def _balances(state: dict) -> dict:
    return state["balances"]


def test_amounts_and_prices_are_echoed_without_an_exponent(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["sim", "fund", "1e3"]) == 0
    assert capsys.readouterr().out.strip() == "credited 1000 USDT to the spot wallet"
    assert run(["sim", "price", "BTCUSDT", "6.4e4", "--mark", "64000.50"]) == 0
    assert capsys.readouterr().out.strip() == "BTCUSDT: last price 64000, mark 64000.5"


def test_paper_round_trip_persists(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sim", "fund", "250.5", "--wallet", "futures"]) == 0
    assert "250.5" in capsys.readouterr().out
    assert run(["sim", "price", "BTCUSDT", "70000", "--mark", "70010"]) == 0
    assert paper_db_path().exists()
    state = _state(capsys)
    assert Decimal(_balances(state)["futures"]) == Decimal("250.5")
    assert run(["sim", "reset", "--spot", "123", "--futures", "0"]) == 0
    state = _state(capsys)
    assert Decimal(_balances(state)["spot"]) == Decimal("123")


@pytest.mark.parametrize(
    "argv",
    [
        ["sim", "fund", "abc"],
        ["sim", "fund", "-5"],
        ["sim", "fund", "0"],
        ["sim", "fund", "NaN"],
        ["sim", "price", "BTCUSDT", "1e999999999"],
        ["sim", "reset", "--spot", "-1"],
        ["sim", "fund", "5", "--wallet", "savings"],
    ],
)
def test_bad_numbers_are_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(argv) == 64
    assert "Traceback" not in capsys.readouterr().err


def test_unknown_symbol_is_refused_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sim", "price", "NOPEUSDT", "5"]) == 64
    assert "simulator refused" in capsys.readouterr().err


def test_against_a_running_server(
    make_sim_server: Callable[..., SimServer], capsys: pytest.CaptureFixture[str]
) -> None:
    server = make_sim_server()
    assert run(["sim", "fund", "42", "--wallet", "futures", "--base-url", server.url]) == 0
    state = _state(capsys, "--base-url", server.url)
    assert Decimal(_balances(state)["futures"]) == Decimal("42")
    assert not paper_db_path().exists()  # the paper file was not touched


def test_unreachable_server_is_exit_6(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sim", "state", "--base-url", "http://127.0.0.1:9"]) == 6
    assert "cannot reach" in capsys.readouterr().err


def test_plain_http_to_remote_host_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["sim", "state", "--base-url", "http://example.com"]) == 64


def test_state_json_keeps_decimal_numbers_as_numbers() -> None:
    value = {"a": [Decimal("1.50"), 2, "x", None, True, {}], "b": {"c": Decimal("-0.001")}, "d": []}
    text = pretty_json(value)
    assert json.loads(text, parse_float=Decimal) == value
    assert '"1.50"' not in text and "1.50" in text
