"""Stand-ins here for the platforms CI cannot run on: Windows and macOS.

Windows has none of the POSIX-only modules (fcntl, termios, pwd, resource) and often a console on
a legacy code page. A subprocess that makes those modules unimportable (``sys.modules[name] =
None`` makes ``import name`` raise ImportError, as on Windows) and writes cp1252 must import every
module of the runner and run a whole paper apply, with the report in ASCII where cp1252 has no
character for it. (The runner home per platform is tested in test_config.py.)
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
POSIX_ONLY = ("fcntl", "termios", "pwd", "resource", "grp", "tty", "pty")

BLOCK = f"""
import sys
for name in {POSIX_ONLY!r}:
    sys.modules[name] = None
"""

IMPORT_ALL = (
    BLOCK
    + """
import importlib, pkgutil
import runner
names = [m.name for m in pkgutil.walk_packages(runner.__path__, "runner.")]
for name in names:
    importlib.import_module(name)
print(len(names), "modules")
"""
)

RUN_CLI = (
    BLOCK
    + """
import runpy
sys.argv = ["bitmart-runner", *sys.argv[1:]]
runpy.run_module("runner", run_name="__main__", alter_sys=True)
"""
)


def _env(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "BITMART_RUNNER_HOME": str(home), **extra}


def test_no_posix_only_module_is_imported_at_module_level(repo: Path) -> None:
    offenders = []
    for path in (repo / "runner").rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in tree.body:  # module level only: a lazy import inside a function is fine
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path}: {n}" for n in names if n.split(".")[0] in POSIX_ONLY]
    assert offenders == []


def test_every_module_imports_without_the_posix_only_modules(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL],
        capture_output=True,
        text=True,
        env=_env(tmp_path / "home"),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.split()[0]) > 100  # it really walked the package


def test_a_paper_apply_on_a_cp1252_console_without_posix_modules(tmp_path: Path) -> None:
    plan = REPO / "plans" / "examples" / "btc-long.yaml"
    proc = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "apply", str(plan), "--yes"],
        capture_output=True,
        env=_env(tmp_path / "home", PYTHONIOENCODING="cp1252"),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    out = proc.stdout.decode("cp1252")
    err = proc.stderr.decode("cp1252")
    assert proc.returncode == 0, out + err
    assert "Applied and verified 2 change(s)." in out
    assert "  + open long 10 BTCUSDT market 10x isolated: done, verified" in out  # was "✓"
    assert "Not financial advice." in out
    assert "Traceback" not in err and "Warning" not in err, err
    again = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "apply", str(plan), "--yes"],
        capture_output=True,
        env=_env(tmp_path / "home", PYTHONIOENCODING="cp1252"),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert b"No changes" in again.stdout


NO_CONSOLE = (
    BLOCK
    + """
from runner.cli import run
sys.stdin = sys.stdout = sys.stderr = None  # pythonw.exe, e.g. started by Task Scheduler
sys.exit(run(sys.argv[1:]))
"""
)


def test_without_any_console_apply_refuses_without_yes_and_runs_with_it(tmp_path: Path) -> None:
    plan = str(REPO / "plans" / "examples" / "btc-long.yaml")
    env = _env(tmp_path / "home")
    refused = subprocess.run(
        [sys.executable, "-c", NO_CONSOLE, "apply", plan], env=env, check=False
    )
    assert refused.returncode == 5  # not confirmed: no terminal, no --yes (was 70)
    applied = subprocess.run(
        [sys.executable, "-c", NO_CONSOLE, "apply", plan, "--yes"], env=env, check=False
    )
    assert applied.returncode == 0


DIE_HOLDING_THE_LOCK = (
    BLOCK
    + """
import os
from pathlib import Path
from runner.execute.lock import AccountLock
AccountLock(Path(sys.argv[1]), "dead-run").acquire()
os._exit(0)  # no release, no clean-up
"""
)

TAKE_THE_LOCK = (
    BLOCK
    + """
from pathlib import Path
from runner.execute.lock import AccountLock, read_lock_info
with AccountLock(Path(sys.argv[1]), "next-run"):
    print(read_lock_info(Path(sys.argv[1])).run_id)
"""
)


def test_without_fcntl_a_lock_whose_holder_died_is_taken_over(tmp_path: Path) -> None:
    path = str(tmp_path / "locks" / "acct.lock")
    env = _env(tmp_path / "home")
    died = subprocess.run([sys.executable, "-c", DIE_HOLDING_THE_LOCK, path], env=env, check=False)
    assert died.returncode == 0
    taken = subprocess.run(
        [sys.executable, "-c", TAKE_THE_LOCK, path],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert taken.returncode == 0, taken.stderr
    assert taken.stdout.strip() == "next-run"
