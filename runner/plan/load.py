"""Reading a plan file into plain values that remember where each one was written.

The file is checked as bytes first (size, UTF-8, tabs), then composed into YAML nodes with
``yaml.SafeLoader`` (never constructed: PyYAML's constructor would apply YAML 1.1 typing and expand
aliases), and the node tree is walked into dicts, lists, strings, ``Decimal``, booleans and ``None``
while recording the line and column of every value and every key under its JSON pointer.

Anything wrong is reported as a located ``Finding`` inside ``PlanLoadError``; no other exception
leaves this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.error import MarkedYAMLError
from yaml.events import AliasEvent, NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from runner.errors import PlanInvalid
from runner.findings import Finding, Location, Severity
from runner.plan import pointer
from runner.plan.scalars import CoreSchemaResolver, ScalarRejected, convert, shown_tag

MAX_BYTES = 1024 * 1024
MAX_STEPS = 100
# no plan needs more than a handful of levels; this keeps the composer far from Python's limit
MAX_DEPTH = 32
_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_EMPTY_HINT = "start with `version: 1`, `name:` and `steps:`"


@dataclass(frozen=True)
class Document:
    """A loaded plan file: JSON-like values plus where each was written."""

    path: str
    source: bytes
    data: dict[str, Any]
    locations: Mapping[str, Location]  # JSON pointer -> where the value starts
    key_locations: Mapping[str, Location]  # JSON pointer -> where its key starts

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source).hexdigest()


class PlanLoadError(PlanInvalid):
    """The file is not a readable plan: the findings say where and why."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        first = findings[0]
        where = f"{first.location}: " if first.location else ""
        super().__init__(f"{where}{first.message}", hint=first.hint)
        self.findings = tuple(findings)


class _Stop(Exception):
    """Internal: a problem that ends loading, located by 0-based line and column."""

    def __init__(
        self, rule: str, message: str, line: int = 0, col: int = 0, hint: str | None = None
    ):
        super().__init__(message)
        self.rule, self.message, self.line, self.col, self.hint = rule, message, line, col, hint


def read_source(path: Path) -> bytes:
    """The file's bytes (at most MAX_BYTES + 1 of them), or ``PlanLoadError``."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        finding = Finding(
            "unreadable",
            Severity.ERROR,
            f"cannot read the plan: {reason}",
            Location(str(path), 1, 1),
        )
        raise PlanLoadError([finding]) from None


def load_document(source: bytes, path: str) -> Document:
    """Parse ``source`` (the bytes of the file at ``path``) or raise ``PlanLoadError``."""
    try:
        text = _decode(source)
        root = _compose(text)
        walker = _Walker(path)
        data = walker.root(root)
    except _Stop as stop:
        location = Location(path, stop.line + 1, stop.col + 1)
        finding = Finding(stop.rule, Severity.ERROR, stop.message, location, stop.hint)
        raise PlanLoadError([finding]) from None
    if walker.problems:
        raise PlanLoadError(walker.problems)
    return Document(path, source, data, walker.locations, walker.key_locations)


def _decode(source: bytes) -> str:
    if len(source) > MAX_BYTES:
        raise _Stop(
            "too-large", "the plan is larger than 1 MiB", hint="split it into several plans"
        )
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = source[: exc.start]
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", errors="replace"))
        raise _Stop(
            "encoding",
            f"the plan is not valid UTF-8 (byte 0x{source[exc.start]:02x})",
            before.count(b"\n"),
            col,
            "save the file as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff")
    for number, line in enumerate(text.splitlines()):
        if "\t" in line:
            raise _Stop(
                "tab",
                "tab character in the plan; YAML plans are indented with spaces only",
                number,
                line.index("\t"),
                'replace it with spaces (inside double quotes, write "\\t" for a tab)',
            )
    if not text.strip():
        raise _Stop("empty", "the plan is empty", hint=_EMPTY_HINT)
    return text


def _compose(text: str) -> Node:
    loader: _Composer | None = None
    try:
        loader = _Composer(text)  # the reader checks for unprintable characters right here
        node = loader.get_single_node()
    except _Stop:
        raise
    except MarkedYAMLError as exc:
        raise _syntax_stop(exc) from None
    except ReaderError as exc:
        line, col = _position(text, exc.position)
        raise _Stop(
            "yaml-syntax", f"control character #x{exc.character:04x} is not allowed", line, col
        ) from None
    except yaml.YAMLError as exc:
        raise _Stop("yaml-syntax", f"invalid YAML: {exc}") from None
    except RecursionError:
        raise _Stop("too-deep", "the plan is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
        raise _Stop("empty", "the plan is empty", hint=_EMPTY_HINT)
    if not isinstance(node, MappingNode):
        raise _Stop(
            "not-a-mapping",
            "a plan must be a mapping with version, name and steps at the top level",
            node.start_mark.line,
            node.start_mark.column,
        )
    return node


def _syntax_stop(exc: MarkedYAMLError) -> _Stop:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or exc.context or "invalid YAML"
    hint = None
    if exc.context and exc.problem and exc.problem.startswith("but "):
        problem = f"{exc.context}, {exc.problem}"  # PyYAML splits one sentence in two
    elif exc.context and exc.context_mark and exc.problem:
        hint = f"{exc.context} at line {exc.context_mark.line + 1}"
    line, col = (mark.line, mark.column) if mark else (0, 0)
    return _Stop("yaml-syntax", f"YAML syntax error: {problem}", line, col, hint)


def _position(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n"), index - (before.rfind("\n") + 1)


class _Composer(CoreSchemaResolver, yaml.SafeLoader):
    """Composes nodes; refuses anchors/aliases (no alias bombs) and deep nesting up front."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        line, col = (event.start_mark.line, event.start_mark.column) if event.start_mark else (0, 0)
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            raise _Stop(
                "yaml-alias",
                "anchors and aliases (&name, *name) are not allowed in plans",
                line,
                col,
                "write each value out in full",
            )
        if self._depth >= MAX_DEPTH:
            raise _Stop("too-deep", "the plan is nested too deeply", line, col)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Walker:
    """Turns nodes into plain values, recording locations and collecting value problems."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.locations: dict[str, Location] = {}
        self.key_locations: dict[str, Location] = {}
        self.problems: list[Finding] = []

    def root(self, node: Node) -> dict[str, Any]:
        _check_step_count(node)
        data = self.value(node, "")
        # a tagged root (`!x` before the first key) is a recorded problem, not a mapping
        return data if isinstance(data, dict) else {}

    def here(self, node: Node) -> Location:
        return Location(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def problem(self, node: Node, rule: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Finding(rule, Severity.ERROR, message, self.here(node), hint))

    def value(self, node: Node, at: str) -> Any:
        self.locations[at] = self.here(node)
        if isinstance(node, MappingNode | SequenceNode) and node.tag not in _COLLECTION_TAGS:
            # e.g. !!python/object/apply on a list, !!set, !!omap: never a plan value
            self.problem(
                node, "yaml-tag", f"the YAML tag {shown_tag(node.tag)} is not supported in plans"
            )
            return None
        if isinstance(node, MappingNode):
            return self.mapping(node, at)
        if isinstance(node, SequenceNode):
            return [self.value(item, pointer.join(at, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        try:
            return convert(node)
        except ScalarRejected as rejected:
            self.problem(node, rejected.rule, rejected.message, rejected.hint)
            return None

    def mapping(self, node: MappingNode, at: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag.endswith(":merge"):
                self.problem(
                    key_node, "yaml-key", "keys must be plain words (no <<, lists or maps)"
                )
                continue
            key = str(key_node.value)
            child = pointer.join(at, key)
            if child in self.key_locations:
                first = self.key_locations[child]
                self.problem(
                    key_node,
                    "duplicate-key",
                    f"duplicate key '{key}' (first given at line {first.line})",
                    "keep one of them",
                )
                continue
            self.key_locations[child] = self.here(key_node)
            result[key] = self.value(value_node, child)
        return result


def _check_step_count(root: Node) -> None:
    assert isinstance(root, MappingNode)
    for key_node, value_node in root.value:
        if getattr(key_node, "value", None) != "steps" or not isinstance(value_node, SequenceNode):
            continue
        if len(value_node.value) > MAX_STEPS:
            extra = value_node.value[MAX_STEPS].start_mark
            raise _Stop(
                "too-many-steps",
                f"a plan has at most {MAX_STEPS} steps (this is step {MAX_STEPS + 1})",
                extra.line,
                extra.column,
                "split it into several plans",
            )
