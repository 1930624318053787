"""Exit codes and the one error hierarchy the CLI maps to them.

Every error a user can act on is a ``RunnerError`` subclass that knows its exit code and carries a
message (and optionally a hint).  The CLI catches ``RunnerError`` in exactly one place.
Messages must never contain a secret: build them from masked values only.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes; the contract in PRODUCT.md section 4."""

    OK = 0
    INVALID = 1
    CHANGES = 2
    STALE = 3
    PARTIAL = 4
    NOT_CONFIRMED = 5
    EXCHANGE = 6
    LOCKED = 7
    USAGE = 64
    INTERNAL = 70
    INTERRUPTED = 130


class RunnerError(Exception):
    """Base of every error that stops a run with a clear message."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message}\nhint: {self.hint}"


class UsageError(RunnerError):
    exit_code = ExitCode.USAGE


class PlanInvalid(RunnerError):
    """The plan failed validation (schema, static rule, live check or policy)."""

    exit_code = ExitCode.INVALID


class SavedPlanStale(RunnerError):
    """A saved plan expired or the account changed since it was made."""

    exit_code = ExitCode.STALE


class NotConfirmed(RunnerError):
    exit_code = ExitCode.NOT_CONFIRMED


class ExchangeUnavailable(RunnerError):
    """Exchange, network or credential problem before any write was sent."""

    exit_code = ExitCode.EXCHANGE


class CredentialsMissing(ExchangeUnavailable):
    pass


class LockHeld(RunnerError):
    exit_code = ExitCode.LOCKED


class ApplyStopped(RunnerError):
    """Apply stopped part-way; some steps were applied (the report says which)."""

    exit_code = ExitCode.PARTIAL


class ConfigError(RunnerError):
    """Bad local configuration (runner home, env file, base URL)."""

    exit_code = ExitCode.USAGE


class RunnerHomeBroken(ConfigError):
    """The runner home (journals, locks, rate-limit files) cannot be used as it is: read-only,
    full, or a directory where a file should be.  Exit 64 like every local-configuration error;
    the message names the path and what is wrong."""
