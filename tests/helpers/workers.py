"""Writer processes for the multi-process storage tests: ``python -m tests.helpers.workers KIND ...``.

Each writer prints ``ready`` once its imports are done, waits for the file named by
``$HUDDLE_TEST_GO`` (when set) so that all writers start together, then prints one line per
acknowledged write, flushed, after the write has returned.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.errors import HuddleError
from domain.models import Actor
from domain.services import Services
from storage import open_store
from storage.journal import MeetingJournal

GO_ENV = "HUDDLE_TEST_GO"


def _system_clock() -> datetime:
    return datetime.now(UTC)


def _wait_for_go() -> None:
    print("ready", flush=True)
    go = os.environ.get(GO_ENV)
    if not go:
        return
    deadline = time.monotonic() + 30
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            sys.exit("no go signal within 30 s")
        time.sleep(0.002)


def _services(db: str, writer: int) -> Services:
    """Services on a data file path or a postgresql:// URL."""
    actor = Actor(handle=f"w{writer}", os_user=getpass.getuser())
    return Services.build(open_store(db), _system_clock, actor, ZoneInfo("UTC"))


def add_cards(db: str, writer: int, count: int | None, pause: float = 0.0, keep_going: bool = False) -> None:
    """Add ``count`` cards (forever when None) to OPS, printing each acknowledged id.

    ``pause`` seconds between writes stand for a person between two changes; without it one
    process re-takes the lock before the others' next poll and the writers simply run in turn.
    """
    services = _services(db, writer)
    _wait_for_go()
    number = 0
    while count is None or number < count:
        number += 1
        try:
            card = services.cards.add("OPS", f"w{writer} 卡片 {number}", description="写入 " * 20)
        except HuddleError as exc:
            if not keep_going:
                raise
            print(f"error: {exc}", flush=True)  # what a person sees; they try again
            continue
        print(card.id, flush=True)
        if pause:
            time.sleep(pause)


def append_journal(db: Path, meeting_id: str, os_user: str) -> None:
    """Append records forever, printing each acknowledged record id."""
    journal = MeetingJournal(db, meeting_id, os_user)
    _wait_for_go()
    index = 0
    while True:
        record_id = f"{os.getpid()}-{index}"
        journal.append({"kind": "note", "id": record_id, "text": f"会议记录 {index} " + "字" * 200})
        print(record_id, flush=True)
        index += 1


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="workers")
    sub = parser.add_subparsers(dest="kind", required=True)
    cards = sub.add_parser("add-cards")
    cards.add_argument("db", help="a data file or a postgresql:// URL")
    cards.add_argument("--writer", type=int, default=0)
    cards.add_argument("-n", type=int, default=None, help="how many cards; forever when omitted")
    cards.add_argument("--pause", type=float, default=0.0, help="seconds between two writes")
    cards.add_argument("--keep-going", action="store_true", help="print an error line and go on")
    journal = sub.add_parser("journal")
    journal.add_argument("db", type=Path)
    journal.add_argument("meeting_id")
    journal.add_argument("os_user")
    args = parser.parse_args(argv)
    if args.kind == "add-cards":
        add_cards(args.db, args.writer, args.n, args.pause, args.keep_going)
    else:
        append_journal(args.db, args.meeting_id, args.os_user)


if __name__ == "__main__":
    main()
