"""The JSON file's pre-reader (``storage/json_preread.py``): a forked child reads the app's first board
page while the app imports Textual; the page is used only while the file is still the version it read,
and the child is always reaped, whatever becomes of it or of the app."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from domain.errors import StorageError
from domain.services.cards import FIRST_PAGE
from storage import TinyStore
from storage.json_preread import JsonPreRead
from tests.helpers.clock import FixedClock
from tests.helpers.preread import patient_json_pre_read
from tests.helpers.wait import poll
from tests.helpers.workspace import make_context, seed_workspace
from tui import wiring
from tui.wiring import Context, read_first_page_ahead

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests check the child's answer was used: wait for it past the 2 s fallback, which a loaded
    machine can hold the child up beyond (``tests.helpers.preread``)."""
    patient_json_pre_read(monkeypatch)


def _gone(pid: int) -> bool:
    """The process ``pid`` no longer runs (gone, or a zombie of a parent that is not this test)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def _reaped(pid: int) -> bool:
    """This process's child ``pid`` was waited for (no zombie left): waitpid knows no such child."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def _store(ctx: Context) -> TinyStore:
    store = ctx.services.store
    assert isinstance(store, TinyStore)
    return store


@pytest.fixture(autouse=True)
def _any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workspaces here are small files: pre-read them all the same (``PRE_READ_FROM_BYTES``)."""
    monkeypatch.setattr(wiring, "PRE_READ_FROM_BYTES", 0)


@pytest.fixture
def big(context: Context) -> Context:
    """The seeded workspace with 40 more Chinese cards in the first department (more than a page)."""
    with context.services.store.transaction() as uow:
        base = uow.cards.get("OPS-1")
        assert base is not None
        for n in range(40):
            uow.cards.put(replace(base, id=f"OPS-{100 + n}", title=f"机房 {n} 号", rank=1e4 + n, due=None))
    return make_context(context.db_path, FixedClock())  # a fresh store: nothing read in-process yet


def test_the_page_is_the_childs_and_the_same_as_the_in_process_read(big: Context) -> None:
    ahead = read_first_page_ahead(big)
    assert ahead is not None
    page = big.services.cards.first_page(None, FIRST_PAGE)
    assert ahead.failure is None
    assert _store(big)._cache is None  # the app read nothing of the file itself
    assert poll(ahead.finished)
    assert _reaped(ahead.pid)
    again = big.services.cards.first_page(None, FIRST_PAGE)  # today's read, in-process
    assert _store(big)._cache is not None
    assert page == again
    assert page.counts["Backlog"] == 42
    assert "机房 0 号" in {c.title for c in page.cards}


def test_a_file_changed_after_the_childs_read_is_read_again(big: Context) -> None:
    ahead = read_first_page_ahead(big)
    assert ahead is not None
    assert poll(ahead.finished)
    big.services.cards.add("OPS", "之后加的卡片")  # a new version of the file: the child's page is stale
    page = big.services.cards.first_page(None, FIRST_PAGE)
    assert ahead.failure is None  # the child answered; its page was not used
    assert page.counts["Backlog"] == 43
    assert _store(big)._cache is not None


def test_a_damaged_file_gives_the_same_error_and_is_not_written(db_path: Path, clock: FixedClock) -> None:
    ctx = make_context(db_path, clock)
    seed_workspace(ctx.services)
    db_path.write_text('{"cards": {"1": ', "utf-8")
    before = db_path.read_bytes()
    with pytest.raises(StorageError) as today:
        make_context(db_path, clock).services.cards.first_page(None, FIRST_PAGE)
    fresh = make_context(db_path, clock)
    ahead = read_first_page_ahead(fresh)
    assert ahead is not None
    with pytest.raises(StorageError) as pre_read:
        fresh.services.cards.first_page(None, FIRST_PAGE)
    assert str(pre_read.value) == str(today.value)
    assert ahead.failure is not None
    assert "StorageError" in ahead.failure
    assert poll(ahead.finished)
    assert _reaped(ahead.pid)
    assert db_path.read_bytes() == before


def test_a_crashed_child_is_reaped_and_the_read_is_in_process() -> None:
    ahead = JsonPreRead.start(lambda: os._exit(3), lambda: None)
    assert ahead is not None
    assert ahead.page() is None
    assert ahead.failure is not None
    assert "no answer" in ahead.failure
    assert poll(ahead.finished)
    assert _reaped(ahead.pid)


def test_a_child_that_takes_too_long_is_killed_and_reaped() -> None:
    def stuck() -> tuple[object, object]:
        time.sleep(60)
        return None, None

    ahead = JsonPreRead.start(stuck, lambda: None)
    assert ahead is not None
    started = time.monotonic()
    assert ahead.page(timeout=0.2) is None
    assert ahead.failure is not None
    assert "in 0 s" in ahead.failure
    assert ahead.finished()
    assert _reaped(ahead.pid)
    assert time.monotonic() - started < 30


def test_a_file_replaced_during_the_childs_read_is_no_answer() -> None:
    versions = iter([1, 2])
    ahead = JsonPreRead.start(lambda: (next(versions), "page"), lambda: next(versions))
    assert ahead is not None
    assert ahead.page() is None
    assert ahead.failure == "the file changed during the read"


def test_closing_before_the_answer_kills_the_child() -> None:
    def stuck() -> tuple[object, object]:
        time.sleep(60)
        return None, None

    ahead = JsonPreRead.start(stuck, lambda: None)
    assert ahead is not None
    ahead.close()
    assert ahead.finished()
    assert _reaped(ahead.pid)


def test_the_child_of_a_killed_app_exits_on_its_own(tmp_path: Path) -> None:
    """The app is gone before the child answers (killed: no exit handler ran): the child meets a closed
    pipe and exits; nothing of it keeps running."""
    script = (
        "import os, sys, time\n"
        "from storage.json_preread import JsonPreRead\n"
        "def slow():\n"
        "    time.sleep(0.5)\n"
        "    return 1, 'page'\n"
        "ahead = JsonPreRead.start(slow, lambda: 1)\n"
        "print(ahead.pid, flush=True)\n"
        "os._exit(0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    pid = int(done.stdout)
    assert poll(lambda: _gone(pid), seconds=30)


def test_the_spawned_child_reads_the_same_page_and_is_reaped(
    big: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUDDLE_PRE_READ", "spawn")
    ahead = read_first_page_ahead(big)
    assert ahead is not None
    page = big.services.cards.first_page(None, FIRST_PAGE)
    assert ahead.failure is None
    assert _store(big)._cache is None
    assert poll(ahead.finished)
    assert page == big.services.cards.first_page(None, FIRST_PAGE)
    assert "机房 0 号" in {c.title for c in page.cards}


def test_turned_off_the_read_is_in_process(big: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUDDLE_PRE_READ", "0")
    assert read_first_page_ahead(big) is None
    assert big.services.cards.first_page(None, FIRST_PAGE).counts["Backlog"] == 42


def test_a_small_file_is_read_in_process(big: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(wiring, "PRE_READ_FROM_BYTES", big.db_path.stat().st_size + 1)
    assert read_first_page_ahead(big) is None
    monkeypatch.setattr(wiring, "PRE_READ_FROM_BYTES", big.db_path.stat().st_size)
    ahead = read_first_page_ahead(big)
    assert ahead is not None
    assert big.services.cards.first_page(None, FIRST_PAGE).counts["Backlog"] == 42
