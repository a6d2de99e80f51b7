"""domain.frozen builds the same classes as ``@dataclass(frozen=True, slots=True)``, from generated code.

Each module of ``domain.frozen.MODULES`` is loaded a second time from its source with the standard
decorator, and every class is compared with the one the project uses: fields, signature, slots,
methods, and what instances do (repr, equality, hash, frozen fields, copies, pickling).
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import importlib.util
import inspect
import pickle
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from domain import frozen

ROOT = Path(__file__).resolve().parents[2]
SWAP = "from domain.frozen import dataclass"


def standard_copy(name: str) -> ModuleType:
    """Module ``name`` loaded again from its source, with the standard decorator."""
    module = importlib.import_module(name)
    assert module.__file__ is not None
    source = Path(module.__file__).read_text(encoding="utf-8")
    assert SWAP in source
    copy_name = f"_standard_{name.replace('.', '_')}"
    spec = importlib.util.spec_from_loader(copy_name, loader=None)
    assert spec is not None
    standard = importlib.util.module_from_spec(spec)
    sys.modules[copy_name] = standard  # dataclasses looks the module up while it decorates
    try:
        exec(
            compile(source.replace(SWAP, "from dataclasses import dataclass"), module.__file__, "exec"),
            vars(standard),
        )
    finally:
        del sys.modules[copy_name]
    return standard


def classes(module: ModuleType) -> dict[str, type]:
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__
    }


def pairs() -> list[tuple[str, type, type]]:
    found = []
    for name in frozen.MODULES:
        ours, standard = classes(importlib.import_module(name)), classes(standard_copy(name))
        assert ours.keys() == standard.keys()
        found += [(f"{name}.{key}", ours[key], standard[key]) for key in sorted(ours)]
    return found


PAIRS = pairs()


def sample_arguments(cls: type) -> dict[str, Any]:
    """A distinct value for every field without a default, and for every field made by a factory (a
    new uid each time), so two instances made alike are equal (values are not type-checked at run time)."""
    return {f.name: f"{f.name}-value" for f in dataclasses.fields(cls) if f.default is dataclasses.MISSING}


def test_the_generated_inits_are_current() -> None:
    on_disk = (ROOT / "domain" / "_frozen_inits.py").read_text(encoding="utf-8")
    assert frozen.generate() == on_disk, "run: python -m domain.frozen"


def test_no_class_falls_back_to_the_standard_decorator() -> None:
    for name in frozen.MODULES:
        importlib.import_module(name)
    assert frozen.FALLBACKS == []
    assert len(frozen.SHAPES) == len(PAIRS)


def test_every_module_using_it_is_listed() -> None:
    users = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for package in ("domain", "storage", "tui", "outbound", "exporters", "importers")
        for path in (ROOT / package).rglob("*.py")
        if SWAP in path.read_text(encoding="utf-8") and path.name != "frozen.py"
    }
    assert users == set(frozen.MODULES)


@pytest.mark.parametrize(("ours", "standard"), [(o, s) for _k, o, s in PAIRS], ids=[k for k, _o, _s in PAIRS])
def test_the_class_is_the_standard_decorators(ours: type, standard: type) -> None:
    assert ours.__qualname__ == standard.__qualname__
    assert ours.__doc__ == standard.__doc__
    assert sorted(vars(ours)) == sorted(vars(standard))
    for attribute in ("__slots__", "__match_args__"):
        assert getattr(ours, attribute) == getattr(standard, attribute)
    assert repr(ours.__dataclass_params__) == repr(standard.__dataclass_params__)  # type: ignore[attr-defined]
    assert str(inspect.signature(ours)) == str(inspect.signature(standard))
    mine_init, their_init = vars(ours)["__init__"], vars(standard)["__init__"]
    assert mine_init.__annotations__ == their_init.__annotations__
    assert mine_init.__qualname__ == their_init.__qualname__
    for mine, theirs in zip(dataclasses.fields(ours), dataclasses.fields(standard), strict=True):
        for attribute in (
            "name",
            "type",
            "init",
            "repr",
            "hash",
            "compare",
            "metadata",
            "kw_only",
            "_field_type",
        ):
            assert getattr(mine, attribute) == getattr(theirs, attribute), (mine.name, attribute)
        assert repr(mine.default) == repr(theirs.default)
        factory = getattr(mine.default_factory, "__qualname__", mine.default_factory)
        assert factory == getattr(theirs.default_factory, "__qualname__", theirs.default_factory)


@pytest.mark.parametrize(("ours", "standard"), [(o, s) for _k, o, s in PAIRS], ids=[k for k, _o, _s in PAIRS])
def test_instances_behave_as_the_standard_decorators(ours: type, standard: type) -> None:
    arguments = sample_arguments(ours)
    mine, theirs = ours(**arguments), standard(**arguments)
    assert repr(mine) == repr(theirs)
    assert mine == ours(**arguments)
    assert hash(mine) == hash(ours(**arguments))
    assert mine.__eq__(theirs) is NotImplemented
    assert copy.copy(mine) == mine
    assert copy.deepcopy(mine) == mine
    assert pickle.loads(pickle.dumps(mine)) == mine
    first = dataclasses.fields(ours)[0].name
    changed = dataclasses.replace(mine, **{first: "another"})
    assert changed != mine
    assert getattr(changed, first) == "another"
    assert dataclasses.astuple(changed)[1:] == dataclasses.astuple(mine)[1:]
    for instance in (mine, theirs):
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot assign to field '{first}'"):
            setattr(instance, first, "x")
        with pytest.raises(dataclasses.FrozenInstanceError, match=f"cannot delete field '{first}'"):
            delattr(instance, first)
    assert not hasattr(mine, "__dict__")
