"""Editor parity: for every scalar YAML 1.1 and 1.2 read differently, the plan schema as an editor
applies it (check-jsonschema: YAML 1.2 via ruamel) and `validate` give the same answer, and an
accepted value means the same number in both.

The corpus is every such scalar in every kind of field, one generated plan per (field, scalar).
ruamel reads a few forms that the YAML 1.2 core schema (and yaml-language-server) read as text:
`1_000` and `0b10` as numbers, a signed `-0x10` as a number.  For those, `validate` follows the
specification, and the test checks it against check-jsonschema given the text the specification
reads (the quoted scalar).
"""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from check_jsonschema.parsers.yaml import construct_yaml_implementation

from runner.plan import validate_file
from runner.plan.load import PlanLoadError, load_document
from runner.plan.scalars import core_tag

REPO = Path(__file__).resolve().parents[2]
SCHEMA = REPO / "schemas" / "plan.schema.json"

TEMPLATE = """\
version: 1
name: {name}
policy:
  require_stop_loss: {require_stop_loss}
steps:
  - ensure_balance: {{min_available: {min_available}}}
    note: {note}
  - position:
      symbol: BTCUSDT
      side: {side}
      size: {size}
      leverage: {leverage}
      margin: isolated
      stop_loss: {{trigger: {trigger}, price_type: mark}}
"""
VALID = {
    "name": "parity",
    "require_stop_loss": "true",
    "min_available": "500",
    "note": "hello",
    "side": "long",
    "size": "10",
    "leverage": "10",
    "trigger": "60000",
}
# where each field's value sits in the loaded data
WHERE: dict[str, tuple[Any, ...]] = {
    "name": ("name",),
    "require_stop_loss": ("policy", "require_stop_loss"),
    "min_available": ("steps", 0, "ensure_balance", "min_available"),
    "note": ("steps", 0, "note"),
    "side": ("steps", 1, "position", "side"),
    "size": ("steps", 1, "position", "size"),
    "leverage": ("steps", 1, "position", "leverage"),
    "trigger": ("steps", 1, "position", "stop_loss", "trigger"),
}
SCALARS = [
    # exponents: text to PyYAML (YAML 1.1 wants a dot and a signed exponent), numbers to 1.2
    "1e1",
    "7.2e4",
    "1E3",
    "1.5e3",
    "6.5e+4",
    "2.5e-1",
    # octal, hex, binary, underscores, sexagesimal
    "010",
    "0o10",
    "0x10",
    "0x1F4",
    "0b10",
    "1_0",
    "1_000.5",
    "-0x10",
    "1:30",
    "1:30:00",
    # YAML 1.1 booleans (text in 1.2) and 1.2 booleans
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "Yes",
    "OFF",
    "True",
    "FALSE",
    # dates and times (text in 1.2)
    "2026-12-01",
    "2026-12-01 10:00:00",
    # infinities, not-a-number, out of range
    ".inf",
    "-.inf",
    ".Inf",
    ".nan",
    ".NaN",
    "1e30",
    "1e400",
    "1e-400",
    # signs and short forms
    "+1",
    "+10",
    "+1.5",
    "-1",
    "1.",
    ".5",
    "0.",
    "00",
    # plain and quoted controls
    "10",
    "'10'",
    "'yes'",
    "null",
    "~",
    "short",
]
# ruamel reads these as numbers; YAML 1.2's core schema (and yaml-language-server) as text
RUAMEL_EXTENSIONS = {"0b10", "1_0", "1_000.5", "-0x10"}
SAYS_WHAT_TO_WRITE = ("write", "such as", "quote", "one of", "must be")


def _field_cases() -> list[tuple[str, str]]:
    return [(field, scalar) for field in VALID for scalar in SCALARS]


def _plan_text(field: str, scalar: str) -> str:
    return TEMPLATE.format(**{**VALID, field: scalar})


def _dig(data: Any, where: tuple[Any, ...]) -> Any:
    for key in where:
        data = data[key]
    return data


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("parity")
    files = {}
    for n, (field, scalar) in enumerate(_field_cases()):
        path = folder / f"{n:03d}-{field}.yaml"
        path.write_text(_plan_text(field, scalar), "utf-8")
        files[(field, scalar)] = path
    for n, scalar in enumerate(sorted(RUAMEL_EXTENSIONS)):  # the text YAML 1.2 reads
        for field in VALID:
            quoted = folder / f"quoted-{n}-{field}.yaml"
            quoted.write_text(_plan_text(field, f"'{scalar}'"), "utf-8")
            files[(field, f"'{scalar}'")] = quoted
    return files


@pytest.fixture(scope="module")
def editor_verdicts(corpus: dict[tuple[str, str], Path]) -> dict[Path, bool]:
    """check-jsonschema over the whole corpus at once: file -> schema accepts it."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--schemafile",
            str(SCHEMA),
            "-o",
            "json",
            *map(str, corpus.values()),
        ],
        capture_output=True,
        text=True,
    )
    report = json.loads(result.stdout)
    assert report["parse_errors"] == []
    failed = {Path(error["filename"]) for error in report["errors"]}
    assert failed, "the corpus holds invalid plans: check-jsonschema must reject some"
    return {path: path not in failed for path in corpus.values()}


def test_the_valid_base_plan_is_valid_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "base.yaml"
    path.write_text(TEMPLATE.format(**VALID), "utf-8")
    assert validate_file(path)[1] == []


@pytest.mark.parametrize(("field", "scalar"), _field_cases())
def test_validate_and_the_editor_schema_agree(
    field: str,
    scalar: str,
    corpus: dict[tuple[str, str], Path],
    editor_verdicts: dict[Path, bool],
) -> None:
    path = corpus[(field, scalar)]
    _, findings = validate_file(path)
    validate_accepts = not any(f.is_error for f in findings)
    reference = scalar if scalar not in RUAMEL_EXTENSIONS else f"'{scalar}'"
    editor_accepts = editor_verdicts[corpus[(field, reference)]]
    assert validate_accepts == editor_accepts, [f"{f.location} {f.message}" for f in findings]

    if validate_accepts and scalar not in RUAMEL_EXTENSIONS:
        # the same meaning: the value validate uses is the value the editor's YAML 1.2 reads
        ours = _dig(load_document(path.read_bytes(), str(path)).data, WHERE[field])
        theirs = _dig(construct_yaml_implementation().load(path.read_bytes()), WHERE[field])
        if isinstance(ours, Decimal):
            assert not isinstance(theirs, bool | str) and Decimal(str(theirs)) == ours
        else:
            assert ours == theirs and type(ours) is type(theirs)
    if not validate_accepts:
        line = 1 + _plan_text(field, scalar).splitlines().index(
            next(
                ln
                for ln in _plan_text(field, scalar).splitlines()
                if scalar in ln and f"{field}:" in ln
            )
        )
        here = [f for f in findings if f.location is not None and f.location.line == line]
        assert here, f"no finding on line {line}: {[str(f.location) for f in findings]}"
        said = " ".join(f"{f.message} {f.hint or ''}" for f in here)
        assert any(words in said for words in SAYS_WHAT_TO_WRITE), said


def test_the_corpus_covers_accepting_and_rejecting_in_every_field(
    corpus: dict[tuple[str, str], Path], editor_verdicts: dict[Path, bool]
) -> None:
    for field in VALID:
        verdicts = {editor_verdicts[corpus[(field, scalar)]] for scalar in SCALARS}
        assert verdicts == {True, False}, field


REFERENCE = Path(__file__).parent / "data" / "yaml12_reference.tsv"
_JS_TYPE = {
    "str": "string",
    "int": "number",
    "float": "number",
    "bool": "boolean",
    "null": "object",
}


def _reference() -> list[tuple[str, str, str]]:
    rows = [line.split("\t") for line in REFERENCE.read_text("utf-8").splitlines() if line]
    return [(scalar, js_type, value) for scalar, js_type, value in rows]


@pytest.mark.parametrize(("scalar", "js_type", "value"), _reference(), ids=lambda v: str(v))
def test_we_read_each_scalar_as_yaml_language_servers_parser_does(
    scalar: str, js_type: str, value: str
) -> None:
    """Against a recorded reading by the npm `yaml` package (see yaml12_reference.mjs)."""
    if scalar == "<<":  # a merge key to PyYAML and ruamel: refused by the loader, as before
        assert js_type == "string"
        return
    tag = core_tag(scalar).rsplit(":", 1)[1]
    assert _JS_TYPE[tag] == js_type
    if js_type != "number":
        return
    source = f"a: {scalar}\n".encode()
    if value in ("Infinity", "-Infinity", "NaN") or abs(Decimal(value)) >= 10**19:
        with pytest.raises(PlanLoadError):  # and the schema rejects them in the editor
            load_document(source, "p.yaml")
    else:
        assert load_document(source, "p.yaml").data["a"] == Decimal(value)
