"""vdirsyncer (its own venv, ``make vdirsyncer``) syncing the Radicale calendar Huddle pushes to, into a
local folder, as a team member's laptop would: what Huddle creates, updates and removes arrives there,
and a change made on the vdirsyncer side comes back to Huddle as a named conflict, not a silent overwrite.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from domain.errors import DeliveryError
from outbound.caldav import push_calendar
from outbound.settings import CalDavSettings
from tests.helpers.delivery import CALDAV_PASSWORD, NEXT_START, Radicale, World
from tests.helpers.imap import VDIRSYNCER

pytestmark = pytest.mark.slow


@dataclass
class Vdir:
    folder: Path
    config: Path

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(VDIRSYNCER), "--config", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=300,
            input="",
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def sync(self, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("sync", check=check)

    def events(self) -> dict[str, tuple[Path, Any]]:
        """UID -> (file, VEVENT) in the local folder vdirsyncer keeps."""
        found: dict[str, tuple[Path, Any]] = {}
        for path in sorted(self.folder.glob("*.ics")):
            calendar = icalendar.Calendar.from_ical(path.read_bytes())
            for event in calendar.walk("VEVENT"):
                found[str(event["UID"])] = (path, event)
        return found


@pytest.fixture
def vdir(radicale: Radicale, tmp_path: Path) -> Vdir:
    if not VDIRSYNCER.exists():
        pytest.skip(f"vdirsyncer is not installed at {VDIRSYNCER} (make vdirsyncer)")
    folder = tmp_path / "laptop-calendar"
    folder.mkdir()
    secret = tmp_path / "caldav-password"
    secret.write_text(CALDAV_PASSWORD)
    config = tmp_path / "vdirsyncer.conf"
    config.write_text(
        f"""[general]
status_path = "{tmp_path}/vdirsyncer-status/"

[pair huddle]
a = "laptop"
b = "server"
collections = null

[storage laptop]
type = "filesystem"
path = "{folder}/"
fileext = ".ics"

[storage server]
type = "caldav"
url = "{radicale.url}"
username = "alice"
password.fetch = ["command", "cat", "{secret}"]
""",
        encoding="utf-8",
    )
    vdirsyncer = Vdir(folder, config)
    vdirsyncer.run("discover", "huddle")
    return vdirsyncer


def push(world: World, radicale: Radicale) -> None:
    config = CalDavSettings(url=radicale.url, username="alice")
    push_calendar(world.services, config, now=world.clock(), env={"HUDDLE_CALDAV_PASSWORD": CALDAV_PASSWORD})


def test_push_update_delete_and_conflict_seen_from_vdirsyncer(
    world: World, radicale: Radicale, vdir: Vdir
) -> None:
    cards = world.services.cards
    go_live = cards.add("OPS", "Go live 上线", milestone=True, due=date(2027, 1, 15))
    review = cards.add("MKT", "Launch review", milestone=True, due=date(2026, 12, 31))
    follow_up = world.meeting.next_uid

    # Push: every event reaches the laptop.
    push(world, radicale)
    vdir.sync()
    events = vdir.events()
    assert set(events) == {follow_up, go_live.uid, review.uid}
    assert events[follow_up][1].start == NEXT_START
    assert str(events[go_live.uid][1]["SUMMARY"]) == "Milestone: Go live 上线"

    # Update: the same files change, no duplicates.
    cards.edit(go_live.id, {"title": "Go live 正式上线", "due": date(2027, 2, 1)})
    world.services.meetings.reschedule_next("M-1", NEXT_START + timedelta(hours=2))
    push(world, radicale)
    vdir.sync()
    events = vdir.events()
    assert len(list(vdir.folder.glob("*.ics"))) == 3
    assert str(events[go_live.uid][1]["SUMMARY"]) == "Milestone: Go live 正式上线"
    assert events[go_live.uid][1].start == date(2027, 2, 1)
    assert events[follow_up][1].start == NEXT_START + timedelta(hours=2)
    assert events[follow_up][1]["SEQUENCE"] == 1

    # Delete: an unflagged milestone disappears from the laptop too.
    cards.edit(review.id, {"milestone": False})
    push(world, radicale)
    vdir.sync()
    assert set(vdir.events()) == {follow_up, go_live.uid}

    # Conflict: the laptop's owner edits the milestone and vdirsyncer uploads it; Huddle's next push
    # names it instead of overwriting, and the laptop still has its own text after another sync.
    path, _ = vdir.events()[go_live.uid]
    path.write_bytes(path.read_bytes().replace("Go live 正式上线".encode(), b"Go live (laptop edit)"))
    vdir.sync()
    cards.edit(go_live.id, {"title": "Go live v3"})
    with pytest.raises(DeliveryError, match=r"Milestone: Go live v3 .* was changed on the server"):
        push(world, radicale)
    vdir.sync()
    assert str(vdir.events()[go_live.uid][1]["SUMMARY"]) == "Milestone: Go live (laptop edit)"
    assert str(radicale.events()[go_live.uid]["SUMMARY"]) == "Milestone: Go live (laptop edit)"

    # Both sides change it between two syncs (Huddle forces its version, the laptop edits again):
    # vdirsyncer sees the conflict itself and refuses to pick a side.
    push_calendar(
        world.services,
        CalDavSettings(url=radicale.url, username="alice"),
        now=world.clock(),
        env={"HUDDLE_CALDAV_PASSWORD": CALDAV_PASSWORD},
        force=True,
    )
    path, _ = vdir.events()[go_live.uid]
    path.write_bytes(path.read_bytes().replace(b"(laptop edit)", b"(laptop edit 2)"))
    result = vdir.sync(check=False)
    assert result.returncode != 0
    assert "conflict" in (result.stdout + result.stderr).lower()
    assert str(radicale.events()[go_live.uid]["SUMMARY"]) == "Milestone: Go live v3"
