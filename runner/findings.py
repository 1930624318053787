"""Findings: plan problems as values (rule, severity, message, location, hint).

Validation, static rules and live checks all return findings; the caller decides the exit code and
a renderer (``runner.render.findings``) shows them as text, JSON or GitHub annotations.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum

from runner.values import value


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Location:
    path: str
    line: int  # 1-based
    col: int  # 1-based

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}"


class Locations(Mapping[str, Location]):
    """JSON pointer -> ``Location`` in one file, each made when it is looked up: a plan records
    a place for every value and key, and a valid plan asks for almost none of them."""

    __slots__ = ("_places", "path")

    def __init__(self, path: str, places: dict[str, tuple[int, int]] | None = None) -> None:
        self.path = path
        self._places = {} if places is None else places  # pointer -> (line, col), 1-based

    def __getitem__(self, at: str) -> Location:
        line, col = self._places[at]
        return Location(self.path, line, col)

    def __contains__(self, at: object) -> bool:
        return at in self._places

    def __iter__(self) -> Iterator[str]:
        return iter(self._places)

    def __len__(self) -> int:
        return len(self._places)

    def __repr__(self) -> str:
        return f"Locations({self.path!r}, {self._places!r})"

    def copy(self) -> Locations:
        return Locations(self.path, dict(self._places))

    def alias(self, at: str, existing: str) -> None:
        """Record ``at`` as written where ``existing`` was (a copy's own change)."""
        self._places[at] = self._places[existing]


@value
class Finding:
    rule: str
    severity: Severity
    message: str
    location: Location | None = None
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR
