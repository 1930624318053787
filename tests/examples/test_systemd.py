"""examples/systemd: user units that work in a user manager, with an OnFailure= alert.

`systemd-analyze --user verify` checks the units as a user manager loads them (with a stand-in
home holding the two executables they run); the rest checks what verify cannot know about.
"""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
UNITS = REPO / "examples" / "systemd"


def _unit(name: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text("utf-8"))
    return parser


def test_the_service_needs_no_system_target_and_alerts_on_failure() -> None:
    service = _unit("bitmart-runner.service")
    unit = dict(service["Unit"])
    text = (UNITS / "bitmart-runner.service").read_text()
    assert not [ln for ln in text.splitlines() if "network" in ln and not ln.startswith("#")]
    assert "After" not in unit and "Wants" not in unit
    assert unit["OnFailure"] == "bitmart-runner-failure@%n.service"
    assert (UNITS / "bitmart-runner-failure@.service").is_file()
    assert service["Service"]["SuccessExitStatus"] == "0 7"
    assert "--yes" in service["Service"]["ExecStart"]


def test_the_timer_is_wanted_by_the_user_managers_default_target() -> None:
    timer = _unit("bitmart-runner.timer")
    assert timer["Install"]["WantedBy"] == "default.target"
    assert "enable-linger" in (UNITS / "bitmart-runner.timer").read_text()


def test_the_alert_sends_the_failed_units_log_through_apprise() -> None:
    alert = _unit("bitmart-runner-failure@.service")["Service"]
    assert alert["Type"] == "oneshot"
    command = alert["ExecStart"]
    assert 'journalctl --user --unit "$1"' in command
    assert "apprise --notification-type failure" in command
    assert "$BITMART_RUNNER_NOTIFY" in command and command.endswith(" alert %i")


def test_systemd_accepts_the_units_as_user_units(tmp_path: Path) -> None:
    home = tmp_path / "home"
    bin_dir = home / ".local" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("bitmart-runner", "apprise"):
        (bin_dir / name).write_text("#!/bin/sh\nexit 0\n")
        (bin_dir / name).chmod(0o755)
    units = tmp_path / "units"
    units.mkdir()
    for unit in (
        "bitmart-runner.service",
        "bitmart-runner.timer",
        "bitmart-runner-failure@.service",
    ):
        shutil.copy(UNITS / unit, units / unit)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze (Debian package systemd) checks the unit files"
    result = subprocess.run(
        [
            analyze,
            "--user",
            "verify",
            str(units / "bitmart-runner.service"),
            str(units / "bitmart-runner.timer"),
            str(units / "bitmart-runner-failure@bitmart-runner.service.service"),
        ],
        env={**os.environ, "HOME": str(home), "XDG_RUNTIME_DIR": str(runtime)},
        cwd=units,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr
