"""The located YAML loader: values, locations, and every rejection with its line:col."""

from __future__ import annotations

from decimal import Decimal

import pytest

from runner.findings import Location
from runner.plan.load import MAX_BYTES, PlanLoadError, load_document


def load(text: str | bytes) -> dict[str, object]:
    source = text.encode() if isinstance(text, str) else text
    return load_document(source, "p.yaml").data


def rejected(text: str | bytes) -> list[tuple[str, int, int]]:
    source = text.encode() if isinstance(text, str) else text
    with pytest.raises(PlanLoadError) as caught:
        load_document(source, "p.yaml")
    return [(f.rule, f.location.line, f.location.col) for f in caught.value.findings if f.location]


def test_numbers_become_decimal_through_their_source_text() -> None:
    data = load("a: 0.1\nb: 10\nc: -2.50\nd: 1.5e+3\ne: +7\n")
    assert data == {
        "a": Decimal("0.1"),
        "b": Decimal("10"),
        "c": Decimal("-2.50"),
        "d": Decimal("1.5e+3"),
        "e": Decimal("7"),
    }
    assert str(data["a"]) == "0.1"  # not 0.1000000000000000055511151231257827...
    assert str(data["c"]) == "-2.50"
    assert not any(isinstance(v, float) for v in data.values())


def test_strings_nulls_and_true_false_are_kept() -> None:
    data = load('a: "0.1"\nb: ~\nc:\nd: true\ne: False\nf: "yes"\ng: !!str 10\nh: "-3%"\n')
    assert data == {
        "a": "0.1",
        "b": None,
        "c": None,
        "d": True,
        "e": False,
        "f": "yes",
        "g": "10",
        "h": "-3%",
    }


def test_every_value_and_key_has_its_location() -> None:
    document = load_document(b"version: 1\nsteps:\n  - position:\n      side: long\n", "p.yaml")
    assert document.locations["/version"] == Location("p.yaml", 1, 10)
    assert document.locations["/steps/0"] == Location("p.yaml", 3, 5)
    assert document.locations["/steps/0/position/side"] == Location("p.yaml", 4, 13)
    assert document.key_locations["/steps/0/position/side"] == Location("p.yaml", 4, 7)


def test_keys_with_slashes_are_escaped_in_pointers() -> None:
    document = load_document(b"a/b: 1\nc~d: 2\n", "p.yaml")
    assert set(document.locations) == {"", "/a~1b", "/c~0d"}


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    assert load(b"\xef\xbb\xbfa: 1\n") == {"a": Decimal(1)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: 1\nb: 2\na: 3\n", [("duplicate-key", 3, 1)]),
        ("a: {x: 1, x: 2}\n", [("duplicate-key", 1, 11)]),
        ("a: &anchor 1\n", [("yaml-alias", 1, 4)]),
        ("a: [1]\nb: *a\n", [("yaml-alias", 2, 4)]),
        ("a:\n  - &x {b: 1}\n", [("yaml-alias", 2, 5)]),
        ("a: 1\n\tb: 2\n", [("tab", 2, 1)]),
        ("a: 'x\ty'\n", [("tab", 1, 6)]),
        ("", [("empty", 1, 1)]),
        ("   \n\n", [("empty", 1, 1)]),
        ("# only a comment\n", [("empty", 1, 1)]),
        ("---\n...\n", [("empty", 1, 1)]),
        ("- a\n- b\n", [("not-a-mapping", 1, 1)]),
        ("\n\njust text\n", [("not-a-mapping", 3, 1)]),
        ("a: [1, 2\n", [("yaml-syntax", 2, 1)]),
        ("a: b: c\n", [("yaml-syntax", 1, 5)]),
        ("a: \x07\n", [("yaml-syntax", 1, 4)]),
        ("a: !!bool yes\nb: !!bool off\n", [("yaml-boolean", n, 4) for n in (1, 2)]),
        ("a: !!timestamp 2024-05-01\n", [("yaml-date", 1, 4)]),
        ("a: !!int 1_000\nb: !!int 1:30\n", [("yaml-number", n, 4) for n in (1, 2)]),
        ("a: !!float 1e\n", [("yaml-number", 1, 4)]),
        ("a: .inf\nb: -.inf\nc: .nan\n", [("yaml-number", n, 4) for n in (1, 2, 3)]),
        ("a: 1.0e+99\n", [("yaml-number", 1, 4)]),
        ("a: !!binary aGk=\n", [("yaml-tag", 1, 4)]),
        ("a: !custom x\n", [("yaml-tag", 1, 4)]),
        ("a: !!set {x, y}\n", [("yaml-tag", 1, 4)]),
        ("a: !!python/name:os.system ''\n", [("yaml-tag", 1, 4)]),
        ("<<: {a: 1}\n", [("yaml-key", 1, 1)]),
        ("? [a, b]\n: 1\n", [("yaml-key", 1, 3)]),
    ],
)
def test_rejections_are_located(text: str, expected: list[tuple[str, int, int]]) -> None:
    assert rejected(text) == expected


def test_invalid_utf8_in_the_middle_of_a_line() -> None:
    assert rejected(b"a: 1\nb: \xc3\xa9\xff\n") == [("encoding", 2, 5)]


def test_utf16_files_are_refused_as_not_utf8() -> None:
    assert rejected("a: 1\n".encode("utf-16")) == [("encoding", 1, 1)]


def test_size_limit_is_one_mebibyte() -> None:
    body = b"a: 1\n" + b"#" * (MAX_BYTES - 6) + b"\n"
    assert len(body) == MAX_BYTES
    assert load(body) == {"a": Decimal(1)}
    assert rejected(body + b"x") == [("too-large", 1, 1)]


def test_more_than_100_steps_stops_at_the_101st() -> None:
    steps = "\n".join("  - {}" for _ in range(101))
    assert rejected(f"steps:\n{steps}\n") == [("too-many-steps", 102, 5)]


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    assert rejected("a: " + "[" * 5000 + "]" * 5000 + "\n") == [("too-deep", 1, 35)]
    assert rejected("a:" + "".join(f"\n{' ' * i}- " for i in range(1, 60)) + "1\n")[0][0] == (
        "too-deep"
    )


def test_alias_bomb_is_refused_at_the_first_anchor_without_expanding() -> None:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    assert rejected("\n".join(lines) + "\n") == [("yaml-alias", 1, 4)]


def test_all_value_problems_are_reported_together() -> None:
    found = rejected("a: !!bool yes\nb: .nan\nc: 1\nc: 2\n")
    assert found == [("yaml-boolean", 1, 4), ("yaml-number", 2, 4), ("duplicate-key", 4, 1)]


def test_plain_scalars_are_read_as_yaml_1_2_reads_them() -> None:
    # what editors (yaml-language-server) and check-jsonschema read; see tests/plan/test_parity.py
    data = load(
        "a: 1e1\nb: 7.2e4\nc: 010\nd: 0o10\ne: 0x10\nf: 1_000\ng: 1:30\nh: yes\ni: off\n"
        "j: 2026-12-01\nk: 0b10\nl: True\nm: .5\nn: 1e-400\n"
    )
    assert data == {
        "a": Decimal(10),
        "b": Decimal(72000),
        "c": Decimal(10),
        "d": Decimal(8),
        "e": Decimal(16),
        "f": "1_000",
        "g": "1:30",
        "h": "yes",
        "i": "off",
        "j": "2026-12-01",
        "k": "0b10",
        "l": True,
        "m": Decimal("0.5"),
        "n": Decimal(0),
    }
    assert str(data["b"]) == "72000"  # shown without an exponent


def test_non_finite_and_huge_numbers_are_refused() -> None:
    assert rejected("a: .inf\nb: -.Inf\nc: .NaN\nd: 1e19\n") == [
        ("yaml-number", n, 4) for n in (1, 2, 3, 4)
    ]
    assert load("a: 9999999999999999999\n") == {"a": Decimal("9999999999999999999")}


def test_messages_say_what_to_write_instead() -> None:
    with pytest.raises(PlanLoadError) as caught:
        load_document(b"a: !!bool on\n", "p.yaml")
    finding = caught.value.findings[0]
    assert "'on'" in finding.message and "true or false" in finding.message
    assert finding.hint == 'quote it if you mean text: "on"'
    assert str(caught.value).startswith("p.yaml:1:4: ")


def test_a_tag_on_the_whole_document_is_refused() -> None:
    assert rejected("!custom\nversion: 1\n") == [("yaml-tag", 1, 1)]
