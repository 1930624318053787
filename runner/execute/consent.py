"""Consent before any write: the exact word CONFIRM on a terminal, or --yes.

The prompt is one tiny seam (``Prompt``) so tests can play the terminal and the user.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import field

from runner.errors import NotConfirmed
from runner.values import value

CONFIRM_WORD = "CONFIRM"


@value
class Prompt:
    """The consent seam: is there a terminal, and what did the user type."""

    is_terminal: Callable[[], bool]
    ask: Callable[[str], str]
    clock: Callable[[], float] = field(default=time.monotonic)  # how long the answer took


def consent(prompt: Prompt, *, yes: bool, changes: int) -> str:
    """Return how the run was approved, or raise ``NotConfirmed`` (exit 5)."""
    if yes:
        return "--yes"
    if not prompt.is_terminal():
        raise NotConfirmed(
            "no terminal to confirm on and --yes not given: nothing was applied",
            hint="review with `bitmart-runner plan`, then run apply with --yes (e.g. from cron)",
        )
    try:
        answer = prompt.ask(f"Type {CONFIRM_WORD} to apply {changes} change(s): ")
    except EOFError:  # Ctrl-D or a closed stdin: no answer is not a yes (and not an interrupt)
        raise NotConfirmed(
            f"no answer (end of input) where {CONFIRM_WORD} was expected: nothing was applied"
        ) from None
    if answer.strip() != CONFIRM_WORD:
        raise NotConfirmed(f"not confirmed (expected {CONFIRM_WORD}): nothing was applied")
    return CONFIRM_WORD
