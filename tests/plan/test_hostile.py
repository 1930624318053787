"""Hostile input through the CLI and the whole validate -> plan path.

Each hostile file is refused by `validate` with a located error and exit 1, never a traceback.
Generated plans (mutations of the examples) go through validate and then the live-check compile
against fixed account snapshots: only the runner's own findings ever come out.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner import cli
from runner.compiler.actions import OrderIds
from runner.compiler.adapt import from_plan
from runner.compiler.compile import compile_plan
from runner.errors import ExitCode
from runner.findings import Finding
from runner.plan import validate_source
from tests.compiler.fixtures import long_btc, snapshot
from tests.e2e import soak
from tests.plan.test_fuzz import text_mutation, tree_mutation

PLAN_HEAD = "version: 1\nname: hostile\nsteps:\n"
HOSTILE = {
    "ten-megabytes": PLAN_HEAD + "  - note: " + "x" * (10 * 1024 * 1024) + "\n",
    "lookalike-symbol": PLAN_HEAD + "  - position: {symbol: BTCUSD\u0422, side: long, size: 1}\n",
    "zero-width-symbol": PLAN_HEAD + "  - position: {symbol: BTC\u200bUSDT, side: long, size: 1}\n",
    "proto-key": PLAN_HEAD + "  - position: {__proto__: {admin: true}, side: long, size: 1}\n",
    "constructor-key": "version: 1\nname: hostile\nconstructor: {prototype: 1}\nsteps: []\n",
    "huge-number": PLAN_HEAD + "  - position: {symbol: BTCUSDT, side: long, size: 1e400}\n",
    "huge-integer": PLAN_HEAD
    + "  - position: {symbol: BTCUSDT, side: long, size: "
    + "9" * 5000
    + "}\n",
    "negative-leverage": PLAN_HEAD + "  - leverage: {symbol: BTCUSDT, leverage: -5}\n",
    "float-size": PLAN_HEAD + "  - position: {symbol: BTCUSDT, side: long, size: 1.5}\n",
    "wrong-types": "version: '1'\nname: 7\nsteps: {a: b}\n",
    "nul-byte": PLAN_HEAD + '  - note: "a\x00b"\n',
    "deep-flow": PLAN_HEAD + "  - note: " + "[" * 5000 + "]" * 5000 + "\n",
    "billion-laughs": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_one_located_refusal(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(HOSTILE[name].encode("utf-8"))
    assert cli.run(["validate", str(path)]) == ExitCode.INVALID
    captured = capsys.readouterr()
    output = captured.out + captured.err
    assert "Traceback" not in output and "internal error" not in output
    first_error = next(line for line in output.splitlines() if ": error: " in line)
    assert first_error.startswith(f"{path}:"), first_error  # file:line:col: error: ...
    assert len(output) < 20_000  # one refusal, not the file echoed back


ACCOUNTS = {
    "flat": snapshot(),
    "held": snapshot(futures="900", positions=(long_btc(),)),
    "no-spot": snapshot(spot=None),
}
HOSTILE_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _validate_then_plan(text: str) -> None:
    plan, findings = validate_source(text.encode(), "fuzz.yaml")
    assert all(isinstance(f, Finding) for f in findings)
    if plan is None or any(f.is_error for f in findings):
        return
    intents = from_plan(plan)
    for account in ACCOUNTS.values():
        result = compile_plan(intents, account, OrderIds(intents.name, nonce="abc123"))
        assert all(isinstance(f, Finding) for f in result.findings)
        for action in result.actions:  # money stays Decimal all the way to the request
            for value in vars(action).values():
                assert not isinstance(value, float)
        if not result.has_errors:
            assert result.predicted.balances.futures_available >= Decimal(0)


@HOSTILE_SETTINGS
@given(tree_mutation())
def test_generated_plans_through_validate_and_plan(text: str) -> None:
    _validate_then_plan(text)


@HOSTILE_SETTINGS
@given(text_mutation())
def test_mutated_text_through_validate_and_plan(text: str) -> None:
    _validate_then_plan(text)


@HOSTILE_SETTINGS
@given(st.integers(0, 2**32), st.integers(0, 1000))
def test_generated_valid_plans_through_validate_and_plan(seed: int, run: int) -> None:
    generated = soak.plan(random.Random(seed), run, ["BTCUSDT", "ETHUSDT"])
    plan, findings = validate_source(generated.text.encode(), "generated.yaml")
    assert plan is not None and not [f for f in findings if f.is_error], findings
    _validate_then_plan(generated.text)
