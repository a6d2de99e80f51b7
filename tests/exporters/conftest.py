"""Fixtures of the export tests: the data on a real JSON file (helpers in ``tests.helpers.delivery``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import TinyStore, open_store


@pytest.fixture
def store(db_path: Path) -> TinyStore:
    """One backend is enough here: a real JSON file, which subprocess ``huddle`` runs can open too."""
    return open_store(db_path)
