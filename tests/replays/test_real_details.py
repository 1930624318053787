"""A user's first day against replies shaped like the real 2023 exchange: the recorded plan
session of ``btc-long-fresh`` with its contract-details reply replaced by the one BitMart really
sent (``captures/ccxt-contract-public-details.json``: no ``market_max_volume``, no ``status``, no
``trace``).  ``plan`` must still decide (before issue 16 it stopped with a protocol error), and an
odd extra contract in the list must not matter to a plan that does not use it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runner import cli
from runner.errors import ExitCode
from runner.exchange.replay import ReplayServer
from tests.exchange.capture_parsers import load

HERE = Path(__file__).resolve().parent
PLAN = HERE / "btc-long-fresh.plan.yaml"


def _with_details(tmp_path: Path, symbols: list[dict[str, Any]]) -> Path:
    capture = load("ccxt-contract-public-details.json")
    body = dict(capture["body"], data={"symbols": symbols})
    out = []
    for raw in (HERE / "btc-long-fresh.jsonl").read_text("utf-8").splitlines():
        line = json.loads(raw)
        if line.get("request", {}).get("path") == "/contract/public/details":
            line["response"]["body"] = json.dumps(body)
        out.append(json.dumps(line))
    recording = tmp_path / "real-details.jsonl"
    recording.write_text("\n".join(out) + "\n", "utf-8")
    return recording


def _plan(recording: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, Any]]:
    with ReplayServer(recording) as replay:
        capsys.readouterr()
        code = cli.run(
            ["plan", str(PLAN), "--json", "--detailed-exitcode", "--base-url", replay.url]
        )
        out, err = capsys.readouterr()
    assert replay.misses == []
    return code, json.loads(out) if out.strip() else {"stderr": err}


@pytest.fixture(autouse=True)
def _creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BITMART_API_KEY", "replay-key-0000000000")


def test_plan_decides_with_the_real_2023_details(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = load("ccxt-contract-public-details.json")["body"]["data"]["symbols"]
    assert "status" not in real[0] and "market_max_volume" not in real[0]
    code, document = _plan(_with_details(tmp_path, real), capsys)
    assert code == ExitCode.CHANGES, document
    position = next(s for s in document["steps"] if s["kind"] == "position")
    (order,) = position["requests"]
    assert order["body"]["size"] == 10 and order["body"]["type"] == "market"


def test_an_odd_contract_the_plan_does_not_use_is_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = load("ccxt-contract-public-details.json")["body"]["data"]["symbols"]
    odd = {k: v for k, v in real[0].items() if k != "price_precision"}
    odd["symbol"] = "ODDUSDT"
    code, _ = _plan(_with_details(tmp_path, [odd, *real]), capsys)
    assert code == ExitCode.CHANGES


def test_the_plan_fails_naming_the_field_when_its_own_contract_is_odd(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = load("ccxt-contract-public-details.json")["body"]["data"]["symbols"]
    odd = {k: v for k, v in real[0].items() if k != "price_precision"}
    code, document = _plan(_with_details(tmp_path, [odd]), capsys)
    assert code == ExitCode.EXCHANGE
    text = json.dumps(document)
    assert "/contract/public/details" in text and "price_precision" in text
