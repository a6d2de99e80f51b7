"""The documented shared-host set-up, for real: three members of a group and one outsider, each their
own Unix account, one setgid 2770 folder, umask 022, the real ``huddle`` run as each with ``runuser``.

- Concurrent writes from every member across activity-archive roll-overs, each member rolling the
  archive over once: every write attempted is kept or refused with a reason (none is refused).
- A live meeting in the real app (tmux, one server per account): opened by one member, followed by a
  second, recorded into by a third, its scribe's app killed mid-line and resumed, then ended.
- The outsider gets one clear line naming the file and the fix, and nothing is written.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from storage.files import exclusive_lock, lock_path
from storage.journal import journal_dir
from storage.json_store import ACTIVITY_KEEP, ACTIVITY_SLACK, activity_archive_path
from tests.helpers.accounts import Account, Host, Result, Terminal, create_host
from tests.helpers.wait import wait_for

pytestmark = pytest.mark.slow

WRITES_PER_MEMBER = 12
"""Writes each member makes at once with the others, in each of the three rounds."""
ROLL_AT = ACTIVITY_KEEP + ACTIVITY_SLACK


def mode_and_group(path: Path) -> tuple[int, int]:
    st = os.stat(path, follow_symlinks=False)
    return stat.S_IMODE(st.st_mode), st.st_gid


def group_id(host: Host) -> int:
    return os.stat(host.folder).st_gid


def ok(result: Result) -> str:
    assert result.returncode == 0, f"huddle {' '.join(result.argv)}: {result.stderr}"
    return result.stdout


def top_up_activity(db: Path, total: int) -> None:
    """Bring the file's activity table to ``total`` records (the set-up for a roll-over without 2,500
    real writes), under the file's lock, keeping its owner, group and mode."""
    with exclusive_lock(db):
        data = json.loads(db.read_bytes())
        table = data["activity"]
        next_key = max(map(int, table)) + 1
        for key in range(next_key, next_key + total - len(table)):
            table[str(key)] = {
                "id": f"seed-{key}", "at": "2026-11-20T02:00:00+00:00", "user": "seed", "os_user": "seed",
                "entity": "card", "entity_id": "OPS-0", "action": "seeded", "detail": "",
            }  # fmt: skip
        st = os.stat(db)
        temp = db.with_name(f".{db.name}.seed.tmp")
        temp.write_bytes(json.dumps(data, ensure_ascii=False).encode())
        os.chown(temp, st.st_uid, st.st_gid)
        os.chmod(temp, stat.S_IMODE(st.st_mode))
        os.replace(temp, db)


def archive_lines(db: Path) -> int:
    path = activity_archive_path(db)
    return len(path.read_bytes().splitlines()) if path.exists() else 0


WRITER = """
i=0
while [ "$i" -lt "$COUNT" ]; do
  i=$((i + 1))
  if huddle card add --dept OPS --title "w $WHO $ROUND $i" >/dev/null 2>"$ERR.$i"; then
    echo "kept $i"
  else
    echo "refused $i $(head -c 300 "$ERR.$i" | tr '\\n' ' ')"
  fi
  rm -f "$ERR.$i"
done
"""


def concurrent_writes(host: Host, round_: int) -> dict[str, list[str]]:
    """Every member writes WRITES_PER_MEMBER cards at the same time; each one's outcome lines."""
    procs = {}
    for member in host.members:
        script = (
            f"COUNT={WRITES_PER_MEMBER} WHO={member.name} ROUND={round_} ERR={member.home}/err; "
            f"export COUNT WHO ROUND ERR; {WRITER}"
        )
        procs[member.name] = host.popen(member, script)
    outcomes = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        outcomes[name] = out.splitlines()
    return outcomes


@pytest.fixture(scope="module")
def team(host: Host) -> Host:
    """The data file, made by the first member; every member is a person in it."""
    first = host.members[0]
    ok(host.run(first, "dept", "add", "Ops", "--key", "OPS"))
    for member in host.members:
        ok(host.run(first, "person", "add", member.name, "--name", f"成员 {member.name[-1]}",
                    "--email", f"{member.name}@example.com", "--dept", "Ops"))  # fmt: skip
    return host


def test_every_member_writes_at_once_across_archive_roll_overs(team: Host) -> None:
    host = team
    gid = group_id(host)
    attempted = kept = 0
    refused: list[str] = []
    rolled_by: list[str] = []
    for round_, member in enumerate(host.members):
        top_up_activity(host.db, ROLL_AT)
        before = archive_lines(host.db)
        # This member's write is the one that rolls the archive over (created by the first, appended
        # to by the others: the case that refused every write but its creator's).
        result = host.run(member, "card", "add", "--dept", "OPS", "--title", f"roll {member.name} {round_}")
        attempted += 1
        if result.returncode == 0:
            kept += 1
        else:
            refused.append(result.stderr.strip())
        assert archive_lines(host.db) > before, f"{member.name}'s write did not roll the archive over"
        rolled_by.append(member.name)
        for name, lines in concurrent_writes(host, round_).items():
            assert len(lines) == WRITES_PER_MEMBER, (name, lines)
            attempted += len(lines)
            kept += sum(line.startswith("kept ") for line in lines)
            refused += [f"{name}: {line}" for line in lines if line.startswith("refused ")]

    titles = {card["title"] for card in json.loads(ok(host.run(host.members[1], "card", "list", "--json")))}
    expected = {f"roll {m.name} {r}" for r, m in enumerate(host.members)} | {
        f"w {m.name} {r} {i}" for r in range(3) for m in host.members for i in range(1, WRITES_PER_MEMBER + 1)
    }
    print(
        f"\nmulti-account writes: attempted {attempted}, kept {kept}, refused {len(refused)}; "
        f"archive rolled over by {', '.join(rolled_by)}; {archive_lines(host.db)} archived records"
    )
    assert refused == []
    assert kept == attempted == len(expected)
    assert titles >= expected, sorted(expected - titles)[:5]
    for path in (host.db, lock_path(host.db), activity_archive_path(host.db)):
        assert mode_and_group(path) == (0o660, gid), path
    history = json.loads(ok(host.run(host.members[2], "activity", "--limit", "100000", "--json")))
    assert len(history) >= len(expected)


def test_the_outsider_gets_one_clear_line_and_nothing_is_written(team: Host) -> None:
    host = team
    assert host.outsider is not None
    before = host.db.read_bytes()
    attempts = [
        ("card", "add", "--dept", "OPS", "--title", "from outside"),
        ("card", "list"),
        ("meeting", "list"),
        (),  # the app itself
    ]
    for args in attempts:
        result = host.run(host.outsider, *args, timeout=60)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1, (args, result)
        assert len(lines) == 1, (args, result.stderr)
        line = lines[0]
        assert line.startswith("huddle: error: "), line
        assert str(host.db) in line
        assert f"usermod -aG {host.group} {host.outsider.name}" in line
        assert "Traceback" not in result.stderr
    print(f"\noutsider: {len(attempts)} commands, each refused with: {line}")
    assert host.db.read_bytes() == before


def meeting(host: Host, account: Account, meeting_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ok(host.run(account, "meeting", "show", meeting_id, "--json")))
    return data


def note_texts(host: Host, account: Account, meeting_id: str) -> list[str]:
    return [n["text"] if isinstance(n, dict) else str(n) for n in meeting(host, account, meeting_id)["notes"]]


def open_meeting(terminal: Terminal, key: str) -> None:
    terminal.wait_for("Huddle —")
    terminal.keys("4")
    terminal.wait_for("Live now")
    terminal.wait_for("周会")
    terminal.keys(key)


def test_a_live_meeting_opened_followed_resumed_and_ended_by_different_members(team: Host) -> None:
    host = team
    scribe, follower, third = host.members
    gid = group_id(host)
    attendees = [arg for m in host.members for arg in ("--attendee", m.name)]
    meeting_id = ok(host.run(scribe, "meeting", "start", "--title", "周会", *attendees,
                             "--agenda", "进展:20")).strip()  # fmt: skip

    a = Terminal(host, scribe, "scribe")
    b = Terminal(host, follower, "follower")
    c: Terminal | None = None
    try:
        open_meeting(a, "Enter")
        a.wait_for("you are the scribe")
        a.type("第一条：机架周一到")
        a.keys("Enter")
        wait_for(
            lambda: "第一条：机架周一到" in note_texts(host, follower, meeting_id), 60, "the first note saved"
        )
        folder = journal_dir(host.db)
        assert mode_and_group(folder) == (0o2770, gid)

        open_meeting(b, "f")
        b.wait_for("第一条：机架周一到")
        a.type("second note, seen by the follower")
        a.keys("Enter")
        b.wait_for("second note, seen by the follower")

        c = Terminal(host, third, "third")
        open_meeting(c, "Enter")
        c.wait_for("you are the scribe")
        c.type("来自第三位成员")
        c.keys("Enter")
        wait_for(
            lambda: "来自第三位成员" in note_texts(host, scribe, meeting_id), 60, "the third member's note"
        )
        b.wait_for("来自第三位成员")
        modes = {}
        for entry in folder.iterdir():  # journals (removed once saved) and their claim locks (kept)
            try:
                modes[entry.name] = mode_and_group(entry)
            except FileNotFoundError:
                continue
        claims = {f".{meeting_id}.{m.name}.jsonl.lock" for m in (scribe, third)}
        assert claims <= set(modes), modes
        assert set(modes.values()) == {(0o660, gid)}, modes

        # The scribe's app dies mid-line (kill -9): the draft was journaled within a second.
        draft = "半句话 typed before the crash"
        a.type(draft)
        own_journal = folder / f"{meeting_id}.{scribe.name}.jsonl"
        wait_for(
            lambda: draft.encode() in read_or_empty(own_journal), 30, "the draft in the scribe's journal"
        )
        a.crash()
        wait_for(lambda: not running(scribe), 60, "the scribe's app to be gone")

        a = Terminal(host, scribe, "scribe-again")
        a.wait_for("Resume the meeting?")
        a.keys("Enter")
        a.wait_for("you are the scribe")
        a.wait_for(draft)
        a.keys("Enter")
        wait_for(lambda: draft in note_texts(host, follower, meeting_id), 60, "the resumed draft saved")
        b.wait_for(draft)

        ok(host.run(third, "meeting", "end", meeting_id))
        assert meeting(host, follower, meeting_id)["status"] == "ended"
        notes = note_texts(host, third, meeting_id)
        assert notes == ["第一条：机架周一到", "second note, seen by the follower", "来自第三位成员", draft]
    finally:
        for terminal in (a, b, c):
            if terminal is not None:
                terminal.kill()


def read_or_empty(path: Path) -> bytes:
    """The file's bytes; none while it is missing (a journal is removed once all of it is saved)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return b""


def running(account: Account) -> bool:
    done = subprocess.run(["pgrep", "-u", account.name, "-f", "bin/huddle"], capture_output=True, check=False)
    return done.returncode == 0


def test_removing_a_host_leaves_no_account_group_or_file(host: Host) -> None:
    """What the session fixture's finalizer does, checked on a host of its own."""
    spare = create_host(host.huddle, members=1)
    users, group, base = list(spare.created_users), spare.group, spare.base
    for name in users:
        assert subprocess.run(["id", name], capture_output=True, check=False).returncode == 0
    spare.remove()
    for name in users:
        assert subprocess.run(["id", name], capture_output=True, check=False).returncode != 0
    assert subprocess.run(["getent", "group", group], capture_output=True, check=False).returncode != 0
    assert not base.exists()


def test_files_an_older_huddle_left_too_narrow_get_one_line_with_the_fix(team: Host) -> None:
    """An archive made 0640 and a journal folder made 2750 (what the umask made of them before):
    Huddle does not chmod what it did not just create, so the other members are told the fix."""
    host = team
    owner, other = host.members[0], host.members[1]
    db = host.folder / "legacy.json"
    ok(host.run(owner, "--db", str(db), "dept", "add", "Ops", "--key", "OPS"))
    top_up_activity(db, ROLL_AT)
    ok(host.run(owner, "--db", str(db), "card", "add", "--dept", "OPS", "--title", "rolls over"))
    archive = activity_archive_path(db)
    os.chmod(archive, 0o640)
    top_up_activity(db, ROLL_AT)
    before = db.read_bytes()

    result = host.run(other, "--db", str(db), "card", "add", "--dept", "OPS", "--title", "refused")

    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, result
    assert len(lines) == 1, result
    assert str(archive) in lines[0]
    assert f"chmod g+rw {archive}" in lines[0], lines[0]
    assert db.read_bytes() == before

    folder = journal_dir(db)
    probe = "import sys; from pathlib import Path; from storage.journal import journal_dir; import os; "
    ok(host.python(owner, probe + "os.mkdir(journal_dir(Path(sys.argv[1])), 0o2750)", str(db)))
    claim = (
        "import sys; from pathlib import Path; from domain.errors import StorageError\n"
        "from storage.journal import claim_journal\n"
        "try:\n    claim_journal(Path(sys.argv[1]), 'M-1', sys.argv[2])\n"
        "except StorageError as exc:\n    print(exc)\n"
    )
    message = ok(host.python(other, claim, str(db), other.name)).strip()
    assert str(folder) in message
    assert f"chmod 2770 {folder}" in message, message
    print(f"\nlegacy modes: {lines[0]}\nlegacy modes: {message}")
