"""``dataclasses`` without ``inspect``, ``uuid`` without ``platform``: 7 ms and 2-3 ms that every ``huddle``
command paid for a line of the standard library it never runs, or could answer without the module.

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
pytest) nothing is done at all.

``uuid`` (which orjson imports, for its UUID type) imports ``platform`` on Linux for one call made at
import, ``platform.system()``, to learn whether it runs on AIX; ``platform`` compiles a dozen regular
expressions as it loads. The stand-in answers that call itself (:data:`ANSWERS`: ``os.uname()``'s system
name, which is what ``platform.system()`` returns on every POSIX system), and anything else read from
it imports the real ``platform``.

``urllib.parse`` (which pathlib imports) imports ``ipaddress`` for URLs with a bracketed host
(``http://[::1]/``), which only the PostgreSQL URL of ``--db`` might hold: 1 ms, now taken when such a
URL is first parsed.

``tests/unit/test_lean_imports.py`` checks both halves: the commands load neither ``inspect`` nor
``platform``, the standard decorator still writes the same ``__doc__``, and the stand-in's answer is
the real ``platform.system()``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

LEAN = {"dataclasses": ("inspect",), "uuid": ("platform",), "urllib.parse": ("ipaddress",)}
"""Module -> the modules it imports at its top but uses only on a path Huddle's commands do not take,
or only for what :data:`ANSWERS` says."""


def _system() -> str:
    """``platform.system()`` on a POSIX system: the system name ``os.uname()`` reports."""
    return os.uname().sysname


ANSWERS: dict[str, dict[str, Callable[[], str]]] = {"platform": {"system": _system}}
"""What a stand-in answers itself, without importing its module (only where ``uuid`` imports it: not
on Windows or macOS, which have no ``os.uname`` or where ``uuid`` does not import ``platform``)."""


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
    if sys.platform in ("win32", "darwin"):
        deferred = [used for used in deferred if used not in ANSWERS]
    stand_ins = {used: _OnFirstUse(used) for used in deferred}
    for used, stand_in in stand_ins.items():
        stand_in.__spec__ = None  # the import system reads __spec__ of a module found in sys.modules
        for attribute, answer in ANSWERS.get(used, {}).items():
            setattr(stand_in, attribute, answer)
        sys.modules[used] = stand_in
    try:
        __import__(name)
    finally:
        for used, stand_in in stand_ins.items():
            if sys.modules.get(used) is stand_in:
                del sys.modules[used]
    return sys.modules[name]
