"""``@value`` behaves as ``@dataclass(frozen=True)``: each case is checked against a real one."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
import sys
import types
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


def test_other_dataclasses_keep_their_generated_methods() -> None:
    # the closures and the deferred __init__ are used only while a @value class is made
    assert RealPoint.__setattr__.__code__.co_filename == "<string>"
    assert RealPoint.__init__.__code__.co_filename == "<string>"
    for name in ("_frozen_get_del_attr", "_init_fn"):
        generated = getattr(dataclasses, name, None)
        assert generated is None or generated.__module__ == "dataclasses"


@pytest.mark.skipif(
    sys.version_info[:2] not in ((3, 11), (3, 12)),
    reason="3.13 writes a class's methods in one go; @value leaves them to dataclasses there",
)
def test_where_dataclasses_compiles_each_method_value_does_not() -> None:
    fresh, _ = _fresh_pair()
    assert Point.__setattr__.__code__.co_filename != "<string>"
    assert not isinstance(vars(fresh)["__init__"], types.FunctionType)  # not written yet
    fresh(1)
    assert vars(fresh)["__init__"].__code__.co_filename == "<string>"


def _fresh_pair() -> tuple[Any, Any]:
    """A @value and a real frozen dataclass that nothing has made yet."""

    @value
    class Fresh:
        x: int
        items: list[int] = field(default_factory=list)

        def __post_init__(self) -> None:
            object.__setattr__(self, "items", [*self.items, self.x])

    @dataclass(frozen=True)
    class RealFresh:
        x: int
        items: list[int] = field(default_factory=list)

        def __post_init__(self) -> None:
            object.__setattr__(self, "items", [*self.items, self.x])

    return Fresh, RealFresh


def test_signature_and_docstring_match_dataclasses_before_the_first_instance() -> None:
    mine, real = _fresh_pair()
    assert inspect.signature(mine) == inspect.signature(real)
    assert mine.__doc__ == real.__doc__.replace("RealFresh", "Fresh", 1)
    assert mine(1).__doc__ == mine.__doc__


def test_a_docstring_the_class_writes_is_kept() -> None:
    @value
    class Documented:
        """Mine."""

        x: int

    assert Documented.__doc__ == "Mine."
    assert Documented(1).__doc__ == "Mine."


def test_the_constructor_is_the_one_dataclasses_writes() -> None:
    mine, real = _fresh_pair()
    assert mine(2).items == real(2).items == [2]
    assert mine(2, [1]).items == real(2, [1]).items == [1, 2]
    init = vars(mine)["__init__"]  # in place once the first instance was made
    assert init.__qualname__ == f"{mine.__qualname__}.__init__"
    assert init.__code__.co_filename == real.__init__.__code__.co_filename
    assert mine.__init__ is init


@pytest.mark.parametrize(
    ("mine", "real", "args", "kwargs"),
    [
        (Point, RealPoint, (), {}),
        (Point, RealPoint, (1, 2, 3, 4, 5), {}),
        (Point, RealPoint, (1,), {"z": 2}),
        (Point, RealPoint, (1,), {"x": 2}),
        (Named, RealNamed, ("n",), {}),
    ],
)
def test_wrong_arguments_fail_as_with_dataclasses(
    mine: Any, real: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    with pytest.raises(TypeError) as mine_failed:
        mine(*args, **kwargs)
    with pytest.raises(TypeError) as real_failed:
        real(*args, **kwargs)
    assert str(mine_failed.value) == str(real_failed.value).replace("Real", "", 1)


def test_a_subclass_made_first_writes_its_base_constructor() -> None:
    mine, _ = _fresh_pair()

    class Sub(mine):  # type: ignore[misc,valid-type]
        pass

    assert Sub(3).items == [3]
    assert mine(4).items == [4]
    assert isinstance(vars(mine)["__init__"], types.FunctionType)
    assert "__init__" not in vars(Sub)


def test_a_constructor_the_class_writes_is_kept() -> None:
    @value
    class Own:
        x: int

        def __init__(self, text: str) -> None:
            object.__setattr__(self, "x", int(text))

    assert Own("5").x == 5
    assert list(inspect.signature(Own).parameters) == ["text"]


def test_a_field_named_self() -> None:
    @value
    class Odd:
        self: int

    assert Odd(self=1).self == 1 == Odd(1).self


def test_a_field_without_default_after_one_with_fails_where_the_class_is_defined() -> None:
    def define(decorate: Any) -> None:
        @decorate
        class Wrong:
            x: int = 0
            y: int  # type: ignore[misc]

    with pytest.raises(TypeError) as mine:
        define(value)
    with pytest.raises(TypeError) as real:
        define(dataclass(frozen=True))
    assert str(mine.value) == str(real.value)
    assert "non-default argument 'y' follows default argument" in str(mine.value)
