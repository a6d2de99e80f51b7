"""``dataclasses`` without ``inspect``: the 7 ms of ``inspect``, ``ast``, ``dis`` and ``tokenize`` that every
``huddle`` command paid for one line of the standard library it never runs.

``dataclasses`` imports ``inspect`` at its top, but calls it in one place only: ``inspect.signature(cls)``,
when the standard decorator writes the ``__doc__`` of a class that has none. Huddle's frozen classes
are built by ``domain.frozen`` (they have docstrings, and their methods are bytecode already), so a
``card add`` never gets there; yet importing ``inspect`` loads ``ast``, ``dis``, ``tokenize`` and
``linecache``, about a tenth of the command's time (``python -X importtime``).

:func:`import_lean` imports ``dataclasses`` while ``sys.modules`` holds a stand-in under the name
``inspect``, and takes the stand-in out again at once: ``dataclasses`` keeps it as its global ``inspect``,
and the first attribute read from it (that one ``signature`` call, if it ever comes) imports the real
module and answers from it. Nothing else ever sees the stand-in: a later ``import inspect`` anywhere
loads the real module as usual, and when ``inspect`` or ``dataclasses`` is already loaded (the TUI,
pytest) nothing is done at all. ``tests/unit/test_lean_imports.py`` checks both halves: the commands
load no ``inspect``, and the standard decorator still writes the same ``__doc__``.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

LEAN = {"dataclasses": ("inspect",)}
"""Module -> the modules it imports at its top but uses only on a path Huddle's commands do not take."""


class _OnFirstUse(ModuleType):
    """Stands in for a module until an attribute is read from it; then imports the real one."""

    def __getattr__(self, name: str) -> Any:
        real = sys.modules.get(self.__name__)
        if real is None or real is self:
            sys.modules.pop(self.__name__, None)
            __import__(self.__name__)
            real = sys.modules[self.__name__]
        return getattr(real, name)


def import_lean(name: str) -> ModuleType:
    """Import ``name`` (a key of :data:`LEAN`) with its unused imports deferred to their first use."""
    if name in sys.modules:
        return sys.modules[name]
    deferred = [used for used in LEAN[name] if used not in sys.modules]
    stand_ins = {used: _OnFirstUse(used) for used in deferred}
    for used, stand_in in stand_ins.items():
        stand_in.__spec__ = None  # the import system reads __spec__ of a module found in sys.modules
        sys.modules[used] = stand_in
    try:
        __import__(name)
    finally:
        for used, stand_in in stand_ins.items():
            if sys.modules.get(used) is stand_in:
                del sys.modules[used]
    return sys.modules[name]
