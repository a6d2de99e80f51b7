"""The PostgreSQL backend: the same repositories over JSONB documents on a server (psycopg 3)."""

from storage.postgres.store import PgStore

__all__ = ["PgStore"]
