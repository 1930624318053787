"""One reporter interface for every command's result: text, JSON or GitHub.

Modelled on check-jsonschema's ``reporter.py`` (a ``Reporter`` base, one subclass per format, a
``REPORTER_BY_NAME`` table) and Terraform's ``command/views`` (the human and the JSON output are
rendered from the same data).  A command builds its result value, picks a ``View`` for it (one
module per document kind under ``runner.render.views``) and hands both to the reporter chosen by
``--format``.  Adding a command's output is one view module plus its JSON Schema in
``schemas/output/``; the reporters do not change.

JSON goes to stdout only, one document per run, wrapped in the same envelope
(``format_version``, ``kind``, ``exit_code``); progress and waits go to stderr.
"""

from __future__ import annotations

import json
import sys
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from runner.findings import Finding
from runner.render.findings import github_lines
from runner.render.style import Style, color_enabled

FORMATS = ("text", "json", "github")
FORMAT_VERSION = 1

R = TypeVar("R")

_documents_written = 0  # JSON documents printed by this process (the CLI's error path checks)


def echo(text: str, *, err: bool = False) -> None:
    """``click.echo(text, err=err)`` without importing click (a cold `validate` does not) where
    it would only write the line and flush: a UTF-8 stream, no escape sequence it might strip
    from text going to a file or pipe, not Windows (where it may wrap the console)."""
    stream = sys.stderr if err else sys.stdout
    encoding = str(getattr(stream, "encoding", "") or "").lower().replace("_", "-")
    if stream is None or "\x1b" in text or sys.platform == "win32" or encoding != "utf-8":
        import click

        click.echo(text, err=err)
        return
    stream.write(text + "\n")
    stream.flush()


class View(ABC, Generic[R]):
    """How one kind of result looks: as text for people, as a JSON document, for GitHub."""

    kind: ClassVar[str]  # the JSON document's "kind", and its schema's file name

    @abstractmethod
    def text(self, data: R, style: Style) -> str: ...

    @abstractmethod
    def document(self, data: R) -> dict[str, Any]: ...

    def findings(self, data: R) -> Sequence[Finding]:
        return ()

    def github(self, data: R, style: Style) -> str:
        """Annotations for the findings, then the text (GitHub shows the log as is)."""
        text = self.text(data, style)
        return "\n".join([*github_lines(self.findings(data)), *([text] if text else [])])


class Reporter(ABC):
    name: ClassVar[str]
    stdout_is_for_people: ClassVar[bool] = True

    def __init__(self, style: Style) -> None:
        self.style = style

    @abstractmethod
    def report(self, view: View[R], data: R, *, exit_code: int) -> None: ...

    def progress(self, line: str) -> None:
        """A line people watch while the command runs (apply's steps): stderr under JSON."""
        echo(line, err=not self.stdout_is_for_people)


class TextReporter(Reporter):
    name = "text"

    def report(self, view: View[R], data: R, *, exit_code: int) -> None:
        text = view.text(data, self.style)
        if text:
            echo(text)


class GithubReporter(Reporter):
    name = "github"

    def report(self, view: View[R], data: R, *, exit_code: int) -> None:
        text = view.github(data, self.style)
        if text:
            echo(text)


def envelope(view: View[R], data: R, *, exit_code: int) -> dict[str, Any]:
    return {
        "format_version": FORMAT_VERSION,
        "kind": view.kind,
        "exit_code": int(exit_code),
        **view.document(data),
    }


class JsonReporter(Reporter):
    name = "json"
    stdout_is_for_people = False

    def report(self, view: View[R], data: R, *, exit_code: int) -> None:
        global _documents_written
        echo(json.dumps(envelope(view, data, exit_code=exit_code), indent=2))
        _documents_written += 1


REPORTER_BY_NAME: dict[str, type[Reporter]] = {
    cls.name: cls for cls in (TextReporter, JsonReporter, GithubReporter)
}


def make_reporter(fmt: str, *, no_color: bool = False) -> Reporter:
    """The reporter for ``--format``; colour only for text on a terminal without NO_COLOR."""
    cls = REPORTER_BY_NAME[fmt]
    enabled = fmt == "text" and color_enabled(sys.stdout, no_color=no_color)
    return cls(Style(enabled))


def documents_written() -> int:
    return _documents_written
