"""A broken runner home is a clear error (exit 64, ``RunnerHomeBroken``), never "this is a bug".

Apply keeps its lock, journals and registries under the runner home.  Before anything is read
from the exchange, ``check_home`` proves the home can take a journal (a file written, fsync'ed
and removed) and that nothing sits where a directory or a file must be; ``home_errors`` turns any
later file-system failure (disk full mid-run, a journal directory replaced by a file) into the
same error, naming the path and saying what a re-run will do.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from runner.errors import RunnerHomeBroken

_HOME_ERRNOS = frozenset(
    {
        errno.ENOSPC,
        errno.EROFS,
        errno.EDQUOT,
        errno.EACCES,
        errno.EPERM,
        errno.EISDIR,
        errno.ENOTDIR,
        errno.ELOOP,
        errno.EEXIST,
        errno.ENOENT,
        errno.EIO,
    }
)


def _broken(path: Path | str, what: str, *, during_run: bool = False) -> RunnerHomeBroken:
    hint = (
        "fix it (free space, permissions, or move the named path away); writes already sent are "
        "in the journal up to this point, and the next apply reconciles them before sending"
        if during_run
        else "fix it (free space, permissions, or move the named path away) and run again; "
        "nothing was sent"
    )
    return RunnerHomeBroken(f"the runner home is unusable: {path}: {what}", hint=hint)


def check_home(home: Path, *, folders: tuple[Path, ...], files: tuple[Path, ...]) -> None:
    """Raise ``RunnerHomeBroken`` unless the home can hold this run's files."""
    if not home.is_dir():
        raise _broken(home, "not a directory")
    for folder in folders:
        if (folder.exists() or folder.is_symlink()) and not folder.is_dir():
            raise _broken(folder, "should be a directory")
    for path in files:
        if (path.exists() or path.is_symlink()) and not path.is_file():
            raise _broken(path, "should be a regular file (a directory, or a looping link?)")
    probe = home / f".probe-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, b"probe\n")
            os.fsync(fd)
        finally:
            os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise _broken(home, f"cannot write a file there ({exc.strerror})") from None


@contextmanager
def home_errors(home: Path) -> Iterator[None]:
    """File-system failures while the run uses the home, as ``RunnerHomeBroken``."""
    try:
        yield
    except OSError as exc:
        if exc.errno not in _HOME_ERRNOS:
            raise
        where = exc.filename if exc.filename is not None else home
        raise _broken(where, exc.strerror or type(exc).__name__, during_run=True) from None
