"""The benchmark's own functions, run with tiny counts so that they do not rot.

Nothing here asserts a time: only that the figures are produced, and the request counts a run
must have (those are facts of the code, not of the machine).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import bench_apply  # noqa: E402
import bench_validate  # noqa: E402
import report  # noqa: E402
import simproc  # noqa: E402


def test_rounds_group_requests_sent_while_the_previous_one_waited() -> None:
    log = [
        {"time": 1000, "path": "/a/details"},
        {"time": 1003, "path": "/a/assets-detail"},
        {"time": 1060, "path": "/b/transfer-contract"},
        {"time": 1120, "path": "/b/submit-order"},
        {"time": 1121, "path": "/a/order-history"},
    ]
    assert bench_apply.rounds(log, 50) == [
        ["details", "assets-detail"],
        ["transfer-contract"],
        ["submit-order", "order-history"],
    ]


def test_rate_limit_floor_counts_full_windows_and_can_leave_an_endpoint_out() -> None:
    fee = "/contract/private/trade-fee-rate"  # 2 per 2 s
    position = "/contract/private/position-v2"  # 6 per 2 s
    sent = Counter({fee: 5, position: 13})
    assert bench_apply.rate_limit_floor(sent) == 4.0  # fee: 3 windows of 2 → 2 waits
    assert bench_apply.rate_limit_floor(sent, without=(fee,)) == 4.0  # 13/6 → 3 windows
    assert bench_apply.rate_limit_floor(Counter({position: 6})) == 0.0


def test_the_pace_of_back_to_back_runs_is_the_endpoint_with_most_window_per_run() -> None:
    order_history = "/contract/private/order-history"  # 6 per 2 s
    position = "/contract/private/position-v2"  # 6 per 2 s
    details = "/contract/public/details"  # 12 per 2 s
    sent = Counter({position: 60, order_history: 30, details: 90})
    pacing = bench_apply.pacing_endpoint(sent, 30)
    assert pacing is not None and pacing["endpoint"] == position
    assert (pacing["requests_per_run"], pacing["seconds_per_run"]) == (2, 0.667)
    assert bench_apply.pacing_endpoint(sent, 30, without=(position,))["endpoint"] == details
    assert bench_apply.pacing_endpoint(Counter(), 30) is None
    b2b = {"pacing_endpoint": pacing}
    assert report._pace(b2b) == (
        "here position-v2, 6 calls per 2 s, read 2 times per apply: 0.67 s per apply"
    )
    assert report._pace({}) == "no endpoint's limit is reached"


def test_reference_apply_series_runs_as_separate_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the bench's own venv (made with pip) is for the bench; the test runs on this interpreter
    monkeypatch.setattr(simproc, "user_python", lambda: (sys.executable, "this interpreter"))
    figures = bench_apply.latency_series(
        ["apply", str(bench_apply.REFERENCE), "--yes"], 1, (1,), ok=(0,), floor=4
    )
    at_one = figures["at_1ms"]
    assert at_one["writes"] == 2  # the transfer and the open, nothing else
    assert at_one["by_endpoint"]["POST /contract/private/submit-order"] == 1
    assert at_one["same_requests_every_run"]
    assert isinstance(at_one["round_trips"], float)
    assert at_one["rounds"][0]  # the first round holds the reads


def test_round_trips_between_the_two_highest_latencies() -> None:
    figures = {f"at_{lat}ms": {"median_s": s} for lat, s in ((0, 2.5), (1000, 4.6), (2000, 8.7))}
    between = bench_apply.between(figures, (0, 1000, 2000), 4)
    assert between == {"from_ms": 1000, "to_ms": 2000, "round_trips": 4.1, "ratio_to_floor": 1.02}
    # against 0 ms only: nothing between two latencies that both outlast a window
    assert bench_apply.between(figures, (0, 1000), 4) is None


def test_plans_in_fresh_processes_give_a_median_and_a_spread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(bench_validate, "user_python", lambda: (sys.executable, "this one"))
    figures = bench_validate.bench_in_processes(5, 2)
    assert figures["plans"] == 5 and figures["runs"] == 2 and figures["invalid"] == 0
    assert figures["min_s"] <= figures["seconds"] == figures["median_s"] <= figures["max_s"]
    assert len(figures["times_s"]) == 2


def test_validate_bench_counts_and_report_render(tmp_path: Path) -> None:
    figures = bench_validate.bench_in_process(5)
    assert figures["plans"] == 5 and figures["invalid"] == 0
    turns = bench_validate.taking_turns({"python": [sys.executable, "-c", "pass"]}, 1)
    assert turns["python"]["runs"] == 1
    spread = {"runs": 1, "median_s": 0.1, "min_s": 0.1, "max_s": 0.1}
    at = {**spread, "requests": 2, "writes": 0, "by_endpoint": {"GET /x/details": 2}}
    series = {
        "latencies_ms": [0, 50],
        "floor_round_trips": 1,
        "at_0ms": at,
        "at_50ms": {**at, "round_trips": 1.0, "ratio_to_floor": 1.0, "rounds": [["details"]]},
    }
    results = {
        "machine": {
            "date": "d",
            "cpus": 2,
            "processor": "p",
            "platform": "l",
            "python": "3.11",
            "load_average_at_start": [1.0],
            "load_average_at_end": [1.0],
        },
        "apply": {
            "reference": {"apply": series, "plan": series},
            "back_to_back": {
                "plans": 30,
                "seconds": 1.0,
                "requests": 3,
                "http_429": 0,
                "fee_rate_reads": 1,
                "rate_limit_floor_other_endpoints_s": 1.0,
                "ratio_to_other_endpoints_floor": 1.0,
                "rate_limit_floor_s": 1.0,
                "busiest_endpoints": {"/x/details": 2},
            },
        },
        "validate": {
            "in_process": figures,
            "cold_start": {
                "validate": spread,
                "help": spread,
                "python": spread,
                "validate_to_import_ccxt": None,
                "ccxt": "not installed",
            },
        },
    }
    results["summary"] = {
        "apply_round_trips": {"50ms": 4.1},
        "apply_round_trips_between": {
            "from_ms": 1000,
            "to_ms": 2000,
            "round_trips": 4.0,
            "ratio_to_floor": 1.0,
        },
        "apply_rounds_in_log": 4,
        "apply_floor_round_trips": 4,
        "cold_validate_to_import_ccxt": None,
        "validate_1000_plans_s": 0.5,
        "validate_1000_plans_spread_s": [0.4, 0.6],
        "back_to_back_s": 20.0,
        "back_to_back_to_other_endpoints_floor": 1.1,
    }
    page = report.render(results)
    assert "(unavailable), the runner itself from this checkout" in page
    results["apply"]["interpreter"] = "a venv with click==8"
    page = report.render(results)
    assert "a venv holding only the runner's runtime dependencies (a venv with click==8)" in page
    assert "| apply round trips at 50ms (floor 4) | ≤ 4.4 | 4.1 |" in page
    both = report.render(results, earlier=results)
    assert (
        "| 1,000 plans in one process: median (min – max) | < 1 s | 0.500 s (0.400 – 0.600) "
        "| 0.500 s (0.400 – 0.600) |"
    ) in both
    assert "| apply round trips between 1000 and 2000 ms (floor 4) | ≤ 4.4 | **4.0** |" in page
    assert "| apply rounds in the request log (floor 4) | ≤ 4.4 | 4 |" in page
    assert "comparison unavailable (not installed)" in page
    assert "| 50 ms | 2 (0 writes)" in page
    assert report.write(results, tmp_path / "p.md").read_text() == page
