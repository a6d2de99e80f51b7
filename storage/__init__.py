"""Persistence behind the repository interface of ``domain.repository``.

``open_store`` is the one place a backend is chosen: a ``postgresql://`` URL opens the server
backend (``storage/postgres``, psycopg imported only then), anything else is a TinyDB JSON file.

The JSON store (``storage.json_store`` with TinyDB, the record scan and the lazy tables) is imported
when a JSON file is opened, or ``TinyStore``/``open_json_store`` are first asked for here (a module
``__getattr__``), not with this package: the app on a server database never loads it, which was ~6 ms
of imports on its main thread before the first frame (``python -X importtime``;
``tests/tui/test_start_imports.py`` pins it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from storage.dburl import is_server_url

if TYPE_CHECKING:
    from domain.repository import Store
    from storage.json_store import TinyStore
    from storage.json_store import open_store as open_json_store

__all__ = ["TinyStore", "is_server_url", "open_json_store", "open_store"]


@overload
def open_store(url_or_path: Path, *, for_app: bool = False) -> TinyStore: ...
@overload
def open_store(url_or_path: str | Path, *, for_app: bool = False) -> Store: ...


def open_store(url_or_path: str | Path, *, for_app: bool = False) -> Store:
    """The store named by ``url_or_path``: a PostgreSQL URL, or the path of a JSON data file.

    ``for_app``: the TUI is starting. A server database then opens as ``AppPgStore``, which reads
    the first board ahead while the app loads Textual (``storage/postgres/preread.py``), unless
    ``HUDDLE_PRE_READ=0`` (as for a JSON file: ``tui.wiring.read_first_page_ahead``)."""
    if isinstance(url_or_path, str) and is_server_url(url_or_path):
        if for_app:
            from storage.postgres.appstore import AppPgStore
            from storage.preread import pre_read_mode

            return AppPgStore(url_or_path.strip(), pre_read=pre_read_mode() != "off")
        from storage.postgres import PgStore

        return PgStore(url_or_path.strip())
    from storage.json_store import open_store as open_json_store

    return open_json_store(Path(url_or_path))


def __getattr__(name: str) -> Any:
    """``TinyStore`` and ``open_json_store``, imported from ``storage.json_store`` when first asked for."""
    if name == "TinyStore":
        from storage.json_store import TinyStore

        return TinyStore
    if name == "open_json_store":
        from storage.json_store import open_store

        return open_store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
