"""The pre-readers' answer timeout, made long for tests that check the child's answer was the one used.

The app waits ``WAIT_SECONDS`` for its pre-reader child (2 s for a JSON file, 10 s for PostgreSQL), then
kills it and reads in-process. The page is the same either way, so the app is right whichever way it
goes; but a test that checks the page was the child's (``failure is None``, the child's own reason for
failing) fails when a loaded machine holds the child up past that timeout. Those tests wait for the
child as long as it takes. The timeout itself is tested with a short one passed explicitly, which these
patches leave alone.
"""

from __future__ import annotations

from typing import Any

import pytest

PATIENT = 120.0
"""Seconds the patched pre-readers wait: longer than any test, so the fallback never fires in one."""


def patient_json_pre_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """``JsonPreRead.page()`` (the board's first read calls it without a timeout) waits ``PATIENT``; so
    does the collector's join after a kill (``WAIT_SECONDS``, read when the pre-reader is made)."""
    from storage import json_preread

    monkeypatch.setattr(json_preread, "WAIT_SECONDS", PATIENT)
    page = json_preread.JsonPreRead.page  # its default timeout was bound when the module was loaded

    def patient_page(self: json_preread.JsonPreRead, timeout: float = PATIENT) -> Any:
        return page(self, timeout)

    monkeypatch.setattr(json_preread.JsonPreRead, "page", patient_page)


def patient_pg_pre_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """``PreRead.board()`` (the app store calls it without a timeout) waits ``PATIENT``, as does the
    collector's join after a kill."""
    from storage.postgres import preread

    monkeypatch.setattr(preread, "WAIT_SECONDS", PATIENT)
    board = preread.PreRead.board  # its default timeout was bound when the module was loaded

    def patient_board(self: preread.PreRead, timeout: float = PATIENT) -> Any:
        return board(self, timeout)

    monkeypatch.setattr(preread.PreRead, "board", patient_board)
