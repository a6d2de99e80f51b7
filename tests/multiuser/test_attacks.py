"""One group member attacks another through the shared folder, as real accounts.

The attacker (a member: the folder is group-writable, so they can plant anything under any name)
points links at the victim's own ``~/.bashrc`` or plants files of their own; the victim then runs
Huddle as usual. Each attack must be refused with one line naming what was planted, and the
victim's file must keep its content, mode and owner. Each attack gets a fresh data file.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage.files import lock_path
from storage.journal import claim_path, journal_dir, journal_path
from storage.json_store import ACTIVITY_KEEP, ACTIVITY_SLACK, activity_archive_path
from tests.helpers.accounts import Account, Host, Result

pytestmark = pytest.mark.slow


@dataclass
class Scene:
    host: Host
    attacker: Account
    victim: Account
    db: Path
    bashrc: Path

    def as_attacker(self, code: str, *args: str) -> None:
        done = self.host.python(self.attacker, code, *args)
        assert done.returncode == 0, done.stderr

    def plant_link(self, at: Path, target: Path) -> None:
        self.as_attacker("import os, sys; os.symlink(sys.argv[2], sys.argv[1])", str(at), str(target))

    def victim_runs(self, *args: str) -> Result:
        return self.host.run(self.victim, "--db", str(self.db), *args)

    def victim_python(self, code: str) -> Result:
        return self.host.python(self.victim, code, str(self.db), self.victim.name)


def state(path: Path) -> tuple[bytes, int, int, int]:
    st = os.stat(path)
    return (path.read_bytes(), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)


@pytest.fixture
def scene(host: Host, request: pytest.FixtureRequest) -> Scene:
    attacker, victim = host.members[1], host.members[0]
    db = host.folder / f"attack-{request.node.name[:40].replace('[', '-').replace(']', '')}.json"
    bashrc = victim.home / ".bashrc"
    done = host.python(
        victim,
        "import sys, pathlib; pathlib.Path(sys.argv[1]).write_text('export PATH=/usr/bin\\n')",
        str(bashrc),
    )
    assert done.returncode == 0, done.stderr
    os.chmod(bashrc, 0o644)
    result = host.run(victim, "--db", str(db), "dept", "add", "Ops", "--key", "OPS")
    assert result.returncode == 0, result.stderr
    return Scene(host, attacker, victim, db, bashrc)


def refused_naming(result: Result, planted: Path) -> str:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, result
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("huddle: error: "), lines[0]
    assert str(planted) in lines[0], lines[0]
    return lines[0]


def refused_in_python(result: Result, planted: Path) -> str:
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused: "), result.stdout
    assert str(planted) in result.stdout, result.stdout
    return result.stdout.strip()


def attack(name: str, scene: Scene, run: Callable[[], str]) -> str:
    before = state(scene.bashrc)
    data_before = scene.db.read_bytes()
    message = run()
    assert state(scene.bashrc) == before, f"{name}: the victim's file changed"
    assert scene.db.read_bytes() == data_before
    print(f"\nattack {name}: refused, target untouched: {message}")
    return message


def test_a_link_at_the_lock_file(scene: Scene) -> None:
    lock = lock_path(scene.db)
    scene.as_attacker("import os, sys; os.unlink(sys.argv[1])", str(lock))
    scene.plant_link(lock, scene.bashrc)
    write = ("card", "add", "--dept", "OPS", "--title", "x")
    attack("lock link", scene, lambda: refused_naming(scene.victim_runs(*write), lock))


def test_a_link_at_the_activity_archive_at_roll_over(scene: Scene) -> None:
    archive = activity_archive_path(scene.db)
    # Enough history that the victim's next write rolls the archive over.
    data = json.loads(scene.db.read_bytes())
    for key in range(2, ACTIVITY_KEEP + ACTIVITY_SLACK + 1):
        data["activity"][str(key)] = dict(data["activity"]["1"], id=f"seed-{key}")
    st = os.stat(scene.db)
    scene.db.write_bytes(json.dumps(data).encode())
    os.chown(scene.db, st.st_uid, st.st_gid)
    scene.plant_link(archive, scene.bashrc)
    write = ("card", "add", "--dept", "OPS", "--title", "x")
    attack("archive link", scene, lambda: refused_naming(scene.victim_runs(*write), archive))


def test_the_data_file_swapped_for_a_link_to_the_victims_file(scene: Scene) -> None:
    scene.as_attacker("import os, sys; os.unlink(sys.argv[1])", str(scene.db))
    scene.plant_link(scene.db, scene.bashrc)

    def run() -> str:
        return refused_naming(scene.victim_runs("card", "add", "--dept", "OPS", "--title", "x"), scene.bashrc)

    before = state(scene.bashrc)
    message = run()
    assert "not valid JSON" in message or "not a Huddle data file" in message
    assert state(scene.bashrc) == before
    print(f"\nattack data file link: refused, target untouched: {message}")


def test_a_fifo_as_the_data_file(scene: Scene) -> None:
    scene.as_attacker("import os, sys; os.unlink(sys.argv[1]); os.mkfifo(sys.argv[1], 0o660)", str(scene.db))
    result = scene.victim_runs("card", "list")
    message = refused_naming(result, scene.db)
    assert "a FIFO" in message
    print(f"\nattack FIFO data file: refused without blocking: {message}")


JOURNAL_PROBE = """
import sys
from pathlib import Path
from domain.errors import StorageError
from storage.journal import claim_journal
db, user = Path(sys.argv[1]), sys.argv[2]
try:
    journal = claim_journal(db, "M-1", user)
    assert journal is not None
    journal.append({"kind": "note", "text": "victim typing"})
    print("accepted", list(journal.records()))
except StorageError as exc:
    print("refused:", exc)
"""


def _journal_attack(scene: Scene, name: str, planted: Path, plant: Callable[[], None]) -> str:
    folder = journal_dir(scene.db)
    scene.as_attacker("import os, sys; os.mkdir(sys.argv[1]); os.chmod(sys.argv[1], 0o2770)", str(folder))
    plant()
    return attack(name, scene, lambda: refused_in_python(scene.victim_python(JOURNAL_PROBE), planted))


def test_a_link_at_the_journal_folder(scene: Scene) -> None:
    folder = journal_dir(scene.db)
    scene.plant_link(folder, scene.victim.home)
    attack(
        "journal folder link", scene, lambda: refused_in_python(scene.victim_python(JOURNAL_PROBE), folder)
    )
    assert sorted(p.name for p in scene.victim.home.iterdir() if p.name.endswith(".jsonl")) == []


def test_a_link_at_the_victims_journal(scene: Scene) -> None:
    planted = journal_path(scene.db, "M-1", scene.victim.name)
    _journal_attack(scene, "journal file link", planted, lambda: scene.plant_link(planted, scene.bashrc))


def test_a_link_at_the_victims_journal_claim_lock(scene: Scene) -> None:
    planted = claim_path(journal_path(scene.db, "M-1", scene.victim.name))
    _journal_attack(
        scene, "journal claim-lock link", planted, lambda: scene.plant_link(planted, scene.bashrc)
    )


def test_a_journal_planted_under_the_victims_name(scene: Scene) -> None:
    """Records the attacker wrote would be replayed into the minutes as the victim's typing."""
    planted = journal_path(scene.db, "M-1", scene.victim.name)
    record = json.dumps({"kind": "note", "text": "forged by the attacker"})

    def plant() -> None:
        scene.as_attacker(
            "import os, sys; fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT, 0o660); "
            "os.fchmod(fd, 0o660); os.write(fd, sys.argv[2].encode() + b'\\n')", str(planted), record,
        )  # fmt: skip

    assert "another account" in _journal_attack(scene, "journal owned by the attacker", planted, plant)
