"""The scheduler recipes (cron, systemd, launchd, Task Scheduler) are valid files whose command
lines the runner accepts, each with --yes, --quiet, --lock-timeout and a notification on failure."""

from __future__ import annotations

import plistlib
import re
import shlex
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from runner.commands.apply import apply
from runner.errors import ExitCode

REPO = Path(__file__).resolve().parent.parent
PLIST = REPO / "examples" / "launchd" / "com.example.bitmart-runner.plist"
TASK_XML = REPO / "examples" / "windows" / "bitmart-runner-task.xml"
RUN_CMD = REPO / "examples" / "windows" / "run-plan.cmd"
SERVICE = REPO / "examples" / "systemd" / "bitmart-runner.service"
NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}


def _apply_params(words: list[str]) -> dict[str, Any]:
    """Parse a recipe's words from the runner executable on, as `bitmart-runner` would."""
    start = next(i for i, word in enumerate(words) if "bitmart-runner" in word)
    program, command, *args = words[start:]
    assert Path(program.strip('"').replace("\\", "/")).stem == "bitmart-runner"
    assert command == "apply"
    return dict(apply.make_context("apply", args).params)


def _unattended(params: dict[str, Any]) -> None:
    assert params["yes"] is True  # no terminal: without --yes apply refuses (exit 5)
    assert params["quiet"] is True
    assert params["lock_timeout"] > 0
    assert params["env_file"] is not None  # credentials from a file, never in the schedule


def test_launchd_plist_is_a_valid_agent_running_an_unattended_apply() -> None:
    agent = plistlib.loads(PLIST.read_bytes())
    assert agent["Label"] == PLIST.stem
    assert isinstance(agent["StartInterval"], int) and agent["StartInterval"] >= 60
    assert agent["WorkingDirectory"].startswith("/")  # launchd expands neither ~ nor $HOME
    assert agent["StandardOutPath"] == agent["StandardErrorPath"]
    assert agent["ExitTimeOut"] >= 30  # time for the interrupted report before SIGKILL
    shell, dash_c, script = agent["ProgramArguments"]
    assert (shell, dash_c) == ("/bin/sh", "-c")
    run, *after = script.split(";")
    _unattended(_apply_params(shlex.split(run)))
    handler = ";".join(after)
    assert "osascript" in handler and "display notification" in handler
    assert f"$rc -eq {ExitCode.OK.value}" in handler
    assert f"$rc -eq {ExitCode.LOCKED.value}" in handler


def _task() -> ET.Element:
    return ET.parse(TASK_XML).getroot()


def test_task_scheduler_xml_runs_the_script_every_15_minutes_one_at_a_time() -> None:
    task = _task()
    assert task.tag == f"{{{NS['t']}}}Task"
    exec_ = task.find("t:Actions/t:Exec", NS)
    assert exec_ is not None
    command = exec_.findtext("t:Command", namespaces=NS)
    assert command is not None and command.endswith(r"\trading\run-plan.cmd")
    assert task.findtext("t:Settings/t:MultipleInstancesPolicy", namespaces=NS) == "IgnoreNew"
    assert task.findtext("t:Settings/t:ExecutionTimeLimit", namespaces=NS) == "PT10M"
    interval = task.findtext("t:Triggers/t:CalendarTrigger/t:Repetition/t:Interval", namespaces=NS)
    assert interval == "PT15M"


def test_task_scheduler_xml_follows_the_schema_where_it_is_strict() -> None:
    task = _task()
    # triggerBaseType is an xs:sequence: Enabled, StartBoundary, EndBoundary, Repetition,
    # ExecutionTimeLimit; then the calendar trigger's RandomDelay and its ScheduleBy* choice.
    order = ["Enabled", "StartBoundary", "EndBoundary", "Repetition", "ExecutionTimeLimit"]
    order += ["RandomDelay", "ScheduleByDay"]
    trigger = task.find("t:Triggers/t:CalendarTrigger", NS)
    assert trigger is not None
    children = [child.tag.split("}")[1] for child in trigger]
    assert children == sorted(children, key=order.index)
    # Actions' Context must name a principal (the schema's ContextKeyRef)
    actions = task.find("t:Actions", NS)
    principals = {p.get("id") for p in task.findall("t:Principals/t:Principal", NS)}
    assert actions is not None and actions.get("Context") in principals
    # every element is in the task namespace (a typo'd namespace makes the import fail)
    assert all(element.tag.startswith(f"{{{NS['t']}}}") for element in task.iter())


def test_windows_script_runs_an_unattended_apply_and_flags_other_exits() -> None:
    raw = RUN_CMD.read_bytes()
    assert raw.count(b"\r\n") == raw.count(b"\n")  # CRLF: what cmd.exe expects of a batch file
    lines = raw.decode("ascii").splitlines()
    run = next(line for line in lines if "bitmart-runner.exe" in line)
    words = shlex.split(run.split(">>")[0], posix=False)
    _unattended(_apply_params(words))
    assert "2>&1" in run  # errors land in the log too
    assert f"if %rc%=={ExitCode.OK.value} exit /b 0" in lines
    assert f"if %rc%=={ExitCode.LOCKED.value} exit /b {ExitCode.LOCKED.value}" in lines
    assert any(line.startswith("msg ") for line in lines)
    assert any("NEEDS-ATTENTION.txt" in line for line in lines)


def test_schtasks_line_in_the_guide_schedules_the_same_script() -> None:
    guide = (REPO / "docs" / "schedulers.md").read_text("utf-8")
    line = next(ln for ln in guide.splitlines() if ln.startswith("schtasks /Create /TN"))
    assert "/SC MINUTE /MO 15" in line
    assert r'/TR "%USERPROFILE%\trading\run-plan.cmd"' in line


def test_systemd_and_cron_recipes_run_an_unattended_apply() -> None:
    exec_start = next(
        line for line in SERVICE.read_text("utf-8").splitlines() if line.startswith("ExecStart=")
    )
    _unattended(_apply_params(shlex.split(exec_start.removeprefix("ExecStart="))))
    cron = (REPO / "docs" / "cron.md").read_text("utf-8")
    entry = next(line for line in cron.splitlines() if line.startswith("*/15 "))
    _unattended(_apply_params(shlex.split(entry.split(">>")[0].split("&&")[1])))


@pytest.mark.parametrize("page", ["README.md", "docs/schedulers.md", "docs/cron.md"])
def test_links_to_the_recipes_resolve(page: str) -> None:
    path = REPO / page
    targets = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", path.read_text("utf-8"))
    local = [t for t in targets if not t.startswith(("http://", "https://"))]
    assert local
    missing = [t for t in local if not (path.parent / t).exists()]
    assert missing == []
