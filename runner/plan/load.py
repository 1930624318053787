"""Reading a plan file into plain values that remember where each one was written.

The file is checked as bytes first (size, UTF-8, tabs), then composed into YAML nodes (never
constructed: PyYAML's constructor would apply YAML 1.1 typing and expand aliases), and the node
tree is walked into dicts, lists, strings, ``Decimal``, booleans and ``None`` while recording the
line and column of every value and every key under its JSON pointer.

Composing is ``runner.plan.compose``'s (libyaml when it reads the text exactly as PyYAML would,
PyYAML's own parser for everything else); the walk here refuses nesting deeper than
``MAX_DEPTH`` where the composers did not.  Locations are kept as line and column numbers and
made into ``Location`` values only when looked up (``Locations``).

Anything wrong is reported as a located ``Finding`` inside ``PlanLoadError``; no other exception
leaves this module.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from runner.errors import PlanInvalid
from runner.findings import Finding, Location, Locations, Severity
from runner.plan import pointer
from runner.plan.compose import MAX_DEPTH, Stop, compose, too_deep
from runner.plan.scalars import ScalarRejected, convert, shown_tag
from runner.values import value

MAX_BYTES = 1024 * 1024
MAX_STEPS = 100
_STR = "tag:yaml.org,2002:str"
_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_EMPTY_HINT = "start with `version: 1`, `name:` and `steps:`"


@value
class Document:
    """A loaded plan file: JSON-like values plus where each was written."""

    path: str
    source: bytes
    data: dict[str, Any]
    locations: Locations  # JSON pointer -> where the value starts
    key_locations: Locations  # JSON pointer -> where its key starts

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
    # the nodes, marks and values made here hold no reference cycles: the cyclic collector
    # would only walk them, again and again while they are being made
    collecting = gc.isenabled()
    gc.disable()
    try:
        text = _decode(source)
        walker = _Walker(path)
        data = walker.root(compose(text))
    except Stop as stop:
        location = Location(path, stop.line + 1, stop.col + 1)
        finding = Finding(stop.rule, Severity.ERROR, stop.message, location, stop.hint)
        raise PlanLoadError([finding]) from None
    finally:
        if collecting:
            gc.enable()
    if walker.problems:
        raise PlanLoadError(walker.problems)
    locations = Locations(path, walker.places)
    return Document(path, source, data, locations, Locations(path, walker.key_places))


def _decode(source: bytes) -> str:
    if len(source) > MAX_BYTES:
        raise Stop("too-large", "the plan is larger than 1 MiB", hint="split it into several plans")
    try:
        text = source.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = source[: exc.start]
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", errors="replace"))
        raise Stop(
            "encoding",
            f"the plan is not valid UTF-8 (byte 0x{source[exc.start]:02x})",
            before.count(b"\n"),
            col,
            "save the file as UTF-8",
        ) from None
    text = text.removeprefix("\ufeff")
    for number, line in enumerate(text.splitlines()):
        if "\t" in line:
            raise Stop(
                "tab",
                "tab character in the plan; YAML plans are indented with spaces only",
                number,
                line.index("\t"),
                'replace it with spaces (inside double quotes, write "\\t" for a tab)',
            )
    if not text.strip():
        raise Stop("empty", "the plan is empty", hint=_EMPTY_HINT)
    return text


class _Walker:
    """Turns nodes into plain values, recording where each value and key starts (1-based) and
    collecting value problems.  ``depth`` is the number of collections around a node: one at
    ``MAX_DEPTH`` or deeper ends loading, at the first such node in the file, as the guarded
    composer would have (libyaml's own composer does not look)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.places: dict[str, tuple[int, int]] = {}
        self.key_places: dict[str, tuple[int, int]] = {}
        self.problems: list[Finding] = []

    def root(self, node: Node | None) -> dict[str, Any]:
        data = None if node is None else self.value(node, "", 0)
        _check_step_count(_checked_root(node))
        # a tagged root (`!x` before the first key) is a recorded problem, not a mapping
        return data if isinstance(data, dict) else {}

    def problem(self, node: Node, rule: str, message: str, hint: str | None = None) -> None:
        mark = node.start_mark
        here = Location(self.path, mark.line + 1, mark.column + 1)
        self.problems.append(Finding(rule, Severity.ERROR, message, here, hint))

    def value(self, node: Node, at: str, depth: int) -> Any:
        if depth >= MAX_DEPTH:
            raise too_deep(node)
        mark = node.start_mark
        self.places[at] = (mark.line + 1, mark.column + 1)
        if isinstance(node, ScalarNode):
            if node.tag == _STR:
                return node.value
            try:
                return convert(node)
            except ScalarRejected as rejected:
                self.problem(node, rejected.rule, rejected.message, rejected.hint)
                return None
        if node.tag not in _COLLECTION_TAGS:
            # e.g. !!python/object/apply on a list, !!set, !!omap: never a plan value
            self.problem(
                node, "yaml-tag", f"the YAML tag {shown_tag(node.tag)} is not supported in plans"
            )
            _check_depth(node, depth)
            return None
        if isinstance(node, MappingNode):
            return self.mapping(node, at, depth + 1)
        return [self.value(item, f"{at}/{i}", depth + 1) for i, item in enumerate(node.value)]

    def mapping(self, node: MappingNode, at: str, depth: int) -> dict[str, Any]:
        """The mapping's entries; ``depth`` is theirs."""
        result: dict[str, Any] = {}
        places, key_places = self.places, self.key_places
        for key_node, value_node in node.value:
            if depth >= MAX_DEPTH:
                raise too_deep(key_node)
            if not isinstance(key_node, ScalarNode) or key_node.tag.endswith(":merge"):
                self.problem(
                    key_node, "yaml-key", "keys must be plain words (no <<, lists or maps)"
                )
                _check_depth(key_node, depth)
                _check_depth(value_node, depth)
                continue
            key = str(key_node.value)
            child = f"{at}/{key}" if "~" not in key and "/" not in key else pointer.join(at, key)
            if child in key_places:
                self.problem(
                    key_node,
                    "duplicate-key",
                    f"duplicate key '{key}' (first given at line {key_places[child][0]})",
                    "keep one of them",
                )
                _check_depth(value_node, depth)
                continue
            mark = key_node.start_mark
            key_places[child] = (mark.line + 1, mark.column + 1)
            if type(value_node) is ScalarNode and value_node.tag == _STR:  # most values
                mark = value_node.start_mark
                places[child] = (mark.line + 1, mark.column + 1)
                result[key] = value_node.value
            else:
                result[key] = self.value(value_node, child, depth)
            if node.flow_style and _empty(value_node):
                # `{c: }`: libyaml marks the missing value at the next token, PyYAML right after
                # the colon; both paths point at the end of the key instead
                mark = key_node.end_mark
                places[child] = (mark.line + 1, mark.column + 1)
        return result


def _empty(node: Node) -> bool:
    """A value left out: an empty plain scalar (``key:`` with nothing after it)."""
    return type(node) is ScalarNode and node.value == "" and not node.style


def _check_depth(node: Node, depth: int) -> None:
    """Nesting too deep inside a part that is not walked (it is a problem already)."""
    if depth >= MAX_DEPTH:
        raise too_deep(node)
    if isinstance(node, MappingNode):
        for key_node, value_node in node.value:
            _check_depth(key_node, depth + 1)
            _check_depth(value_node, depth + 1)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _check_depth(item, depth + 1)


def _checked_root(node: Node | None) -> MappingNode:
    if node is None or (isinstance(node, ScalarNode) and node.tag.endswith(":null")):
        raise Stop("empty", "the plan is empty", hint=_EMPTY_HINT)
    if not isinstance(node, MappingNode):
        raise Stop(
            "not-a-mapping",
            "a plan must be a mapping with version, name and steps at the top level",
            node.start_mark.line,
            node.start_mark.column,
        )
    return node


def _check_step_count(root: MappingNode) -> None:
    for key_node, value_node in root.value:
        if getattr(key_node, "value", None) != "steps" or not isinstance(value_node, SequenceNode):
            continue
        if len(value_node.value) > MAX_STEPS:
            extra = value_node.value[MAX_STEPS].start_mark
            raise Stop(
                "too-many-steps",
                f"a plan has at most {MAX_STEPS} steps (this is step {MAX_STEPS + 1})",
                extra.line,
                extra.column,
                "split it into several plans",
            )
