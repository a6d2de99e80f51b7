"""Fixtures of the outbound tests: a real JSON file, and Dovecot IMAP (helpers in ``tests.helpers.imap``).

``world``, ``radicale`` and ``smtp_server`` come from ``tests/conftest.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage import TinyStore, open_store
from tests.helpers.imap import Dovecot, running_dovecot


@pytest.fixture
def store(db_path: Path) -> TinyStore:
    """One backend is enough here: a real JSON file, which subprocess ``huddle`` runs can open too."""
    return open_store(db_path)


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    """Dovecot IMAP on 127.0.0.1 (plain/STARTTLS port and an IMAPS port), one user, an empty INBOX."""
    with running_dovecot() as server:
        yield server
