"""The PostgreSQL backend: the same repositories over JSONB documents on a server (psycopg 3).

``PgStore`` is loaded on first use, not with the package: the app's store (``appstore.py``) and
its pre-reader (``preread.py``) live here too and must not import psycopg before the first frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from storage.postgres.store import PgStore

__all__ = ["PgStore"]


def __getattr__(name: str) -> Any:
    if name == "PgStore":
        from storage.postgres.store import PgStore

        return PgStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
