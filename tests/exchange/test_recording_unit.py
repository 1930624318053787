"""The recorder on its own: redaction of every written string, and a failing disk never breaking
the run (a write the exchange performed must not become a crash)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from runner.errors import ConfigError, ExitCode
from runner.exchange.recording import Recorder


def _recorder(tmp_path: Path, failures: list[str]) -> Recorder:
    return Recorder(
        tmp_path / "rec",
        masked_key="abcde...wxyz",
        hidden=("the-secret", "the-memo"),
        key="abcdefghijklmnopqrstuvwxyz",
        target="live",
        command="apply",
        now=lambda: 1.0,
        on_failure=failures.append,
    )


def _response(body: bytes) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body
    response.headers["Content-Type"] = "application/json"
    response.headers["Set-Cookie"] = "session=abc"
    return response


def test_everything_written_is_redacted(tmp_path: Path) -> None:
    recorder = _recorder(tmp_path, [])
    recorder.exchange(
        method="POST",
        url="https://api-cloud-v2.bitmart.com/contract/private/submit-order",
        query=None,
        headers={
            "X-BM-KEY": "abcdefghijklmnopqrstuvwxyz",
            "X-BM-SIGN": "f" * 64,
            "X-BM-TIMESTAMP": "1700000000000",
        },
        body=b'{"symbol":"BTCUSDT","note":"the-memo"}',
        response=_response(
            b'{"code":30005,"message":"echo the-secret abcdefghijklmnopqrstuvwxyz"}'
        ),
        error=None,
        elapsed_s=0.01,
    )
    text = recorder.path.read_text("utf-8")
    for leaked in ("the-secret", "the-memo", "abcdefghijklmnopqrstuvwxyz", "f" * 64, "session=abc"):
        assert leaked not in text
    run, line = (json.loads(raw) for raw in text.splitlines())
    assert run["kind"] == "run" and run["key"] == "abcde...wxyz"
    assert line["request"]["headers"]["X-BM-KEY"] == "abcde...wxyz"
    assert "X-BM-SIGN" not in line["request"]["headers"]
    assert line["request"]["path"] == "/contract/private/submit-order"
    assert line["seq"] == 1


def test_a_disk_that_fails_stops_the_recording_not_the_run(tmp_path: Path) -> None:
    failures: list[str] = []
    recorder = _recorder(tmp_path, failures)
    recorder.path.unlink()
    recorder.path.mkdir()  # writing "into" a directory fails with IsADirectoryError
    for _ in range(2):
        recorder.exchange(
            method="GET",
            url="https://x/system/time",
            query=None,
            headers={},
            body=None,
            response=None,
            error=requests.ConnectionError("reset"),
            elapsed_s=0.0,
        )
    assert recorder.failed is not None
    assert len(failures) == 1 and "recording stopped" in failures[0]


def test_a_directory_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    # was exit 70 "internal error: NotADirectoryError" for `--record afile/sub`
    (tmp_path / "afile").write_text("", "utf-8")
    with pytest.raises(ConfigError, match=r"--record .*afile/sub"):
        Recorder(
            tmp_path / "afile" / "sub",
            masked_key="abcde...wxyz",
            hidden=(),
            key=None,
            target="paper",
            command="status",
        )
    assert ConfigError.exit_code == ExitCode.USAGE
