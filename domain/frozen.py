"""``@dataclass(frozen=True, slots=True)`` without compiling code at import time.

The standard decorator writes each class's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__``,
``__setattr__`` and ``__delattr__`` as source text and compiles it with ``exec`` when the module is
imported: for the 35 frozen value classes on the CLI's start-up path (``domain.models`` alone has 22)
that was about a third of a ``huddle card add``. This decorator builds the same classes from code that
is already bytecode: every ``__init__`` is generated once, ahead of time, into ``domain/_frozen_inits.py``
(``python -m domain.frozen`` rewrites it; ``tests/unit/test_frozen.py`` fails when it is out of date),
and the other methods are shared closures defined below.

What comes out is a real dataclass: ``dataclasses.fields``, ``replace``, ``asdict``, ``is_dataclass``,
pickling and ``match`` work as before, and the test compares every class, field by field and method by
method, with what the standard decorator makes from the same source. Anything this module is not sure
to build identically (options other than ``frozen=True, slots=True``, a base class, a hand-written
method, a ``field()`` with options, a ``ClassVar``, a class changed since the inits were generated, or
another Python version) is handed to the standard decorator, so a stale file costs speed, never
behaviour. Type checkers see the standard decorator (``TYPE_CHECKING`` in each module that uses this).
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from dataclasses import MISSING, Field, FrozenInstanceError
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")

GENERATED_FOR = (3, 11)
"""The Python version whose dataclasses these classes are built to match (``_DataclassParams``, ``Field``)."""

MODULES = (
    "domain.models",
    "domain.rules",
    "domain.services.cards",
    "outbound.settings",
    "tui.config",
    "tui.wiring",
)
"""The modules whose frozen classes use this decorator: those a ``huddle card add`` imports."""

Shape = tuple[tuple[str, str], ...]
"""A class's fields in order, each with ``""`` (required), ``"="`` (a default) or ``"()"`` (a factory)."""

SHAPES: dict[str, Shape] = {}
"""Every class this decorator saw, by ``module.qualname``: what ``python -m domain.frozen`` generates for."""
FALLBACKS: list[str] = []
"""Classes handed to the standard decorator (``tests/unit/test_frozen.py`` expects none)."""

_OWN = frozenset(
    {"__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__getstate__",
     "__setstate__", "__match_args__", "__slots__", "__dataclass_fields__", "__dataclass_params__"}
)  # fmt: skip
"""Methods and attributes the decorator writes: a class defining one itself takes the standard path."""


def dataclass(**options: Any) -> Callable[[type[T]], type[T]]:
    """``dataclasses.dataclass`` for ``frozen=True, slots=True`` (any other options go to it as they are)."""
    standard: Callable[[type[T]], type[T]] = dataclasses.dataclass(**options)
    if options != {"frozen": True, "slots": True}:
        return standard

    def wrap(cls: type[T]) -> type[T]:
        return _build(cls) or standard(cls)

    return wrap


_SPECIAL = ("ClassVar", "InitVar", "KW_ONLY")
"""Annotations the standard decorator treats specially (this module leaves such classes to it)."""


def _annotations(cls: type) -> dict[str, Any]:
    """The class's own annotations, as the strings written (``from __future__ import annotations``)."""
    found: dict[str, Any] = cls.__dict__.get("__annotations__", {})  # noqa: RUF063 (as dataclasses reads them)
    return found


def _shape(cls: type) -> tuple[Shape, dict[str, Any]] | None:
    """The class's fields (see ``Shape``) and their defaults or factories; None when this module cannot
    promise the standard decorator's result."""
    if cls.__bases__ != (object,) or not cls.__doc__ or _OWN & cls.__dict__.keys():
        return None
    shape: list[tuple[str, str]] = []
    defaults: dict[str, Any] = {}
    for name, annotation in _annotations(cls).items():
        if not isinstance(annotation, str) or any(word in annotation for word in _SPECIAL):
            return None
        value = cls.__dict__.get(name, MISSING)
        if isinstance(value, Field):
            plain = value.init and value.repr and value.compare and value.hash is None
            if not plain or value.metadata or value.kw_only is not MISSING or value.default is not MISSING:
                return None
            shape.append((name, "()"))
            defaults[name] = value.default_factory
        elif value is MISSING:
            if any(kind for _name, kind in shape):
                return None  # a required field after a default: the standard decorator's TypeError
            shape.append((name, ""))
        else:
            if type(value).__hash__ is None:
                return None  # a mutable default: the standard decorator's ValueError
            shape.append((name, "="))
            defaults[name] = value
    return tuple(shape), defaults


def _build(cls: type[T]) -> type[T] | None:
    found = _shape(cls)
    key = f"{cls.__module__}.{cls.__qualname__}"
    if found is None:
        FALLBACKS.append(key)
        return None
    shape, defaults = found
    SHAPES[key] = shape
    generated = _inits().get(key)
    if sys.version_info[:2] != GENERATED_FOR or generated is None or generated[0] != shape:
        FALLBACKS.append(key)
        return None
    names = tuple(name for name, _kind in shape)
    annotations = _annotations(cls)
    namespace = dict(cls.__dict__)
    for name in (*names, "__dict__", "__weakref__"):
        namespace.pop(name, None)  # defaults live in __init__; slots replace the instance dict
    init = generated[1](defaults, object.__setattr__, dataclasses._HAS_DEFAULT_FACTORY)  # type: ignore[attr-defined]
    init.__annotations__ = {name: annotations[name] for name in names} | {"return": None}
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    namespace.update(
        __slots__=names,
        __match_args__=names,
        __init__=init,
        __dataclass_fields__={name: _field(name, annotations[name], kind, defaults) for name, kind in shape},
        __dataclass_params__=dataclasses._DataclassParams(True, True, True, False, False, True),  # type: ignore[attr-defined]
    )
    namespace.update(_methods(cls.__qualname__, names))
    metaclass: Any = type(cls)
    made: type[T] = metaclass(cls.__name__, cls.__bases__, namespace)
    made.__qualname__ = cls.__qualname__
    _bind_setattr(made, frozenset(names))
    return made


def _inits() -> dict[str, tuple[Shape, Callable[..., Callable[..., None]]]]:
    """The generated ``__init__`` factories by class (none before ``python -m domain.frozen`` first ran)."""
    try:
        from domain._frozen_inits import INITS
    except ImportError:
        return {}
    return INITS


def _field(name: str, annotation: str, kind: str, defaults: dict[str, Any]) -> Field[Any]:
    """The ``Field`` the standard decorator records for a field of this kind."""
    default, factory = defaults.get(name, MISSING), MISSING
    if kind == "()":
        default, factory = MISSING, default
    # Field(default, default_factory, init, repr, hash, compare, metadata, kw_only), as dataclasses.field()
    # makes it and the decorator completes it (kw_only False, the name, the annotation, a plain field).
    field_class: Any = Field
    made: Field[Any] = field_class(default, factory, True, True, None, True, None, False)
    made.name = name
    made.type = annotation
    made._field_type = dataclasses._FIELD  # type: ignore[attr-defined]
    return made


def _methods(qualname: str, names: tuple[str, ...]) -> dict[str, Any]:
    """``__repr__``, ``__eq__``, ``__hash__``, ``__getstate__`` and ``__setstate__``: what the standard
    decorator compiles, as closures over the field names (the values as one tuple, as there)."""

    # attrgetter of several names returns their values as a tuple, at C speed; of one, the bare value.
    values: Callable[[Any], tuple[Any, ...]] = (
        attrgetter(*names) if len(names) > 1 else lambda obj: tuple([getattr(obj, name) for name in names])
    )

    def __repr__(self: Any) -> str:
        inner = ", ".join([f"{name}={getattr(self, name)!r}" for name in names])
        return f"{self.__class__.__qualname__}({inner})"

    def __eq__(self: Any, other: Any) -> Any:
        if other.__class__ is self.__class__:
            return values(self) == values(other)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(values(self))

    def __getstate__(self: Any) -> list[Any]:
        return list(values(self))

    def __setstate__(self: Any, state: list[Any]) -> None:
        for name, value in zip(names, state, strict=False):
            object.__setattr__(self, name, value)

    methods: dict[str, Any] = {
        "__repr__": __repr__,
        "__eq__": __eq__,
        "__hash__": __hash__,
        "__getstate__": __getstate__,
        "__setstate__": __setstate__,
    }
    for name, method in methods.items():
        method.__qualname__ = f"{qualname}.{name}"
    return methods


def _bind_setattr(cls: type, names: frozenset[str]) -> None:
    """``__setattr__`` and ``__delattr__`` refusing every field, as a frozen dataclass's do."""

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)  # super(cls, self): cls has no base but object

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        object.__delattr__(self, name)

    for method in (__setattr__, __delattr__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        setattr(cls, method.__name__, method)


# ---------------------------------------------------------------- the generator


def generate() -> str:
    """The text of ``domain/_frozen_inits.py`` for the classes of ``MODULES`` as they are now."""
    import importlib

    for module in MODULES:
        importlib.import_module(module)
    out = [
        '"""Generated by ``python -m domain.frozen``: the ``__init__`` of each frozen class in',
        "domain.frozen.MODULES.",
        "",
        "Do not edit: regenerate it after changing a field (tests/unit/test_frozen.py checks it is current).",
        '"""',
        "",
        "# fmt: off",
        "# ruff: noqa",
        "# mypy: ignore-errors",
        "",
    ]
    entries = []
    for key in sorted(SHAPES):
        shape = SHAPES[key]
        function = "_" + key.replace(".", "_")
        params, body = ["self"], []
        for name, kind in shape:
            if kind == "":
                params.append(name)
                body.append(f"        _set(self, {name!r}, {name})")
            elif kind == "=":
                params.append(f"{name}=_defaults[{name!r}]")
                body.append(f"        _set(self, {name!r}, {name})")
            else:
                params.append(f"{name}=_FACTORY")
                body.append(
                    f"        _set(self, {name!r}, _defaults[{name!r}]() if {name} is _FACTORY else {name})"
                )
        out += [
            f"def {function}(_defaults, _set, _FACTORY):",
            f"    def __init__({', '.join(params)}):",
            *body,
            "    return __init__",
            "",
            "",
        ]
        entries.append(f"    {key!r}: ({shape!r}, {function}),")
    out += ["INITS = {", *entries, "}", ""]
    return "\n".join(out)


def main() -> None:
    """Rewrite ``domain/_frozen_inits.py`` (run as ``python -m domain.frozen``)."""
    from pathlib import Path

    target = Path(__file__).with_name("_frozen_inits.py")
    target.write_text(generate(), encoding="utf-8")
    print(f"wrote {target} ({len(SHAPES)} classes)")


if __name__ == "__main__":
    # The classes register with the module ``domain.frozen``, not with this copy run as __main__.
    from domain import frozen

    frozen.main()
