"""The pre-readers' answer timeout, made long for tests that check the child's answer was the one used.

The app waits ``WAIT_SECONDS`` for its pre-reader (2 s for a JSON file, 10 s for PostgreSQL), then stops
it and reads in-process. The page is the same either way, so the app is right whichever way it goes;
but a test that checks the page was the child's (``failure is None``, the child's own reason for
failing) fails when a loaded machine holds the child up past that timeout. Those tests wait for the
child as long as it takes. The timeout itself is tested with a short one passed explicitly, which these
patches leave alone.
"""

from __future__ import annotations

import pytest

PATIENT = 120.0
"""Seconds the patched pre-readers wait: longer than any test, so the fallback never fires in one."""


def patient_json_pre_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """``JsonPreRead.page()`` without a timeout, and the collector's join after a kill, wait ``PATIENT``."""
    from storage import json_preread

    monkeypatch.setattr(json_preread, "WAIT_SECONDS", PATIENT)


def patient_pg_pre_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """``PreRead.board()`` without a timeout, and the collector's join after a kill, wait ``PATIENT``."""
    from storage.postgres import preread

    monkeypatch.setattr(preread, "WAIT_SECONDS", PATIENT)
