"""``@value`` behaves as ``@dataclass(frozen=True)``: each case is checked against a real one."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from runner.values import value


@value
class Point:
    x: int
    y: Decimal = Decimal("0")
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)


@dataclass(frozen=True)
class RealPoint:
    x: int
    y: Decimal = Decimal("0")
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)


@value
class Point3(Point):
    z: int = 0


@value
class Other:
    x: int
    y: Decimal = Decimal("0")
    note: str = field(default="", compare=False)
    secret: str = field(default="", repr=False)


@value(kw_only=True)
class Named:
    name: str
    items: tuple[Any, ...] = ()
    hashed_only_by_name: str = field(default="", hash=False)


@dataclass(frozen=True, kw_only=True)
class RealNamed:
    name: str
    items: tuple[Any, ...] = ()
    hashed_only_by_name: str = field(default="", hash=False)


@value
class Box:
    content: list[Any]


@dataclass(frozen=True)
class RealBox:
    content: list[Any]


@value
class Shown:
    x: int

    def __repr__(self) -> str:
        return "mine"


@value
class OwnEq:
    x: int
    y: int

    def __eq__(self, other: object) -> bool:
        return isinstance(other, OwnEq) and other.x == self.x


@dataclass(frozen=True)
class RealOwnEq:
    x: int
    y: int

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RealOwnEq) and other.x == self.x


def _pairs() -> list[tuple[Any, Any]]:
    """The same construction as a @value and as a real frozen dataclass."""
    return [
        (Point(1), RealPoint(1)),
        (Point(1, Decimal("2.5"), note="a", secret="s"), RealPoint(1, Decimal("2.5"), "a", "s")),
        (Named(name="n", items=(1, "two")), RealNamed(name="n", items=(1, "two"))),
        (OwnEq(1, 2), RealOwnEq(1, 2)),
    ]


def test_equality_and_hash_follow_the_compared_fields() -> None:
    assert Point(1, note="a") == Point(1, note="b")  # compare=False
    assert hash(Point(1, note="a")) == hash(Point(1, note="b"))
    assert Point(1) != Point(2)
    assert Point(1, Decimal("1")) != Point(1, Decimal("2"))
    assert Point(1, secret="a") != Point(1, secret="b")  # repr=False still compares
    assert {Point(1), Point(1, note="x"), Point(2)} == {Point(1), Point(2)}
    assert Named(name="a", hashed_only_by_name="x") != Named(name="a", hashed_only_by_name="y")
    assert hash(Named(name="a", hashed_only_by_name="x")) == hash(
        Named(name="a", hashed_only_by_name="y")
    )


@pytest.mark.parametrize(("mine", "real"), _pairs())
def test_hash_is_the_one_dataclasses_computes(mine: Any, real: Any) -> None:
    assert hash(mine) == hash(real)
    assert (mine == copy.copy(mine)) is (real == copy.copy(real)) is True


def test_equal_only_within_the_very_same_class() -> None:
    assert Point(1) != Other(1)
    assert Point(1) != Point3(1)  # a subclass is not equal to its base, as with dataclasses
    assert Point3(1) != Point(1)
    assert RealPoint(1) != Point(1)
    assert Point(1) != (1, Decimal("0"))
    assert Point(1).__eq__(Other(1)) is NotImplemented
    assert Point3(1, z=2) != Point3(1, z=3)
    assert Point3(1, z=2) == Point3(1, z=2)


def test_repr_matches_dataclasses() -> None:
    for mine, real in _pairs():
        if isinstance(mine, OwnEq):
            continue
        assert repr(mine) == repr(real).replace("Real", "", 1)
    assert repr(Point3(1, z=2)) == "Point3(x=1, y=Decimal('0'), note='', z=2)"
    assert "secret" not in repr(Point(1, secret="s"))
    assert repr(Named(name="n", items=(Point(1),))) == (
        "Named(name='n', items=(Point(x=1, y=Decimal('0'), note=''),), hashed_only_by_name='')"
    )


def test_repr_uses_the_qualified_name() -> None:
    @value
    class Inner:
        a: int

    assert repr(Inner(1)) == f"{Inner.__qualname__}(a=1)"
    assert ".<locals>.Inner(a=1)" in repr(Inner(1))


def test_repr_of_a_value_that_contains_itself_is_finite() -> None:
    mine, real = Box([]), RealBox([])
    mine.content.append(mine)
    real.content.append(real)
    assert repr(mine) == "Box(content=[...])" == repr(real).replace("Real", "")


def test_a_method_the_class_writes_is_kept() -> None:
    assert repr(Shown(1)) == "mine"
    assert OwnEq(1, 2) == OwnEq(1, 3)
    # as with dataclasses, a class that writes __eq__ still gets the field hash
    assert hash(OwnEq(1, 2)) == hash(RealOwnEq(1, 2)) == hash((1, 2))


def test_frozen_pickled_copied_replaced_like_a_dataclass() -> None:
    point = Point(1, Decimal("2"), note="n", secret="s")
    with pytest.raises(dataclasses.FrozenInstanceError):
        point.x = 2  # type: ignore[misc]
    assert dataclasses.is_dataclass(point)
    assert [f.name for f in dataclasses.fields(point)] == ["x", "y", "note", "secret"]
    again = pickle.loads(pickle.dumps(point))
    assert again == point and again.note == "n" and again.secret == "s"
    assert copy.deepcopy(point) == point
    assert dataclasses.replace(point, x=5) == Point(5, Decimal("2"), secret="s")
    assert dataclasses.asdict(point) == dataclasses.asdict(RealPoint(1, Decimal("2"), "n", "s"))
    with pytest.raises(TypeError):
        Named("positional")  # type: ignore[misc]


class Plain(Point):
    """A subclass that is not itself a dataclass: new attributes may be set, fields not."""


class RealPlain(RealPoint):
    pass


@pytest.mark.parametrize(("mine", "real"), [(Point(1), RealPoint(1)), (Plain(1), RealPlain(1))])
def test_frozen_guards_behave_as_dataclasses_own(mine: Any, real: Any) -> None:
    for target in (mine, real):
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'x'"):
            target.x = 2
        with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'y'"):
            del target.y
    if isinstance(real, RealPlain):
        mine.extra = real.extra = 1
        assert mine.extra == real.extra == 1
        del mine.extra, real.extra
        assert not hasattr(mine, "extra") and not hasattr(real, "extra")
    else:
        for target in (mine, real):
            with pytest.raises(dataclasses.FrozenInstanceError, match="'extra'"):
                target.extra = 1
            with pytest.raises(dataclasses.FrozenInstanceError, match="'extra'"):
                del target.extra


def test_other_dataclasses_keep_their_generated_guards() -> None:
    # the closures are used only while a @value class is made
    source_made = RealPoint.__setattr__.__code__.co_filename
    assert source_made != Point.__setattr__.__code__.co_filename
    generated = getattr(dataclasses, "_frozen_get_del_attr", None)  # 3.11, 3.12
    assert generated is None or generated.__module__ == "dataclasses"
