"""Every recording in this folder, served back to the real CLI: the runner reaches the same
decisions (steps, requests it would send, findings) as when it was recorded, and asks nothing
the recording does not hold.  ``make_recordings.py`` made them from the simulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner import cli
from runner.exchange.replay import ReplayServer, decisions, load_recording

HERE = Path(__file__).resolve().parent
NAMES = sorted(p.name.removesuffix(".jsonl") for p in HERE.glob("*.jsonl"))


def test_there_are_recordings() -> None:
    assert len(NAMES) >= 3


@pytest.mark.parametrize("name", NAMES)
def test_recording_replays_to_the_same_decisions(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BITMART_API_KEY", "replay-key-0000000000")
    monkeypatch.setenv("BITMART_API_SECRET", "replay-secret")
    monkeypatch.setenv("BITMART_API_MEMO", "replay-memo")
    expected = json.loads((HERE / f"{name}.decisions.json").read_text("utf-8"))
    with ReplayServer(HERE / f"{name}.jsonl") as replay:
        capsys.readouterr()
        code = cli.run(
            ["plan", str(HERE / f"{name}.plan.yaml"), "--json", "--base-url", replay.url]
        )
        out = capsys.readouterr().out
    assert replay.misses == []
    assert code in (0, 1)
    assert decisions(json.loads(out)) == expected
    assert replay.served == len(load_recording(HERE / f"{name}.jsonl"))


def test_a_changed_account_is_a_different_decision(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The check can fail: the fresh account's recording, with the futures balance edited,
    no longer decides the same (the harness compares decisions, not just 'it ran')."""
    monkeypatch.setenv("BITMART_API_KEY", "replay-key-0000000000")
    monkeypatch.setenv("BITMART_API_SECRET", "replay-secret")
    monkeypatch.setenv("BITMART_API_MEMO", "replay-memo")
    lines = (HERE / "btc-long-fresh.jsonl").read_text("utf-8").splitlines()
    edited = []
    for raw in lines:
        line = json.loads(raw)
        if line.get("request", {}).get("path") == "/contract/private/assets-detail":
            body = json.loads(line["response"]["body"])
            for row in body["data"]:
                row["available_balance"] = "5000"
            line["response"]["body"] = json.dumps(body)
        edited.append(json.dumps(line))
    recording = tmp_path / "edited.jsonl"
    recording.write_text("\n".join(edited) + "\n", "utf-8")
    expected = json.loads((HERE / "btc-long-fresh.decisions.json").read_text("utf-8"))
    with ReplayServer(recording) as replay:
        capsys.readouterr()
        cli.run(
            ["plan", str(HERE / "btc-long-fresh.plan.yaml"), "--json", "--base-url", replay.url]
        )
        out = capsys.readouterr().out
    assert decisions(json.loads(out)) != expected
