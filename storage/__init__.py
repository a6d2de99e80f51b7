"""TinyDB persistence behind the repository interface of ``domain.repository``."""

from storage.store import TinyStore, open_store

__all__ = ["TinyStore", "open_store"]
