"""What the input rules let through, every export can handle: the limits are where they must be."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.cli import Cli


@pytest.fixture
def cli(backend_cli: Cli) -> Cli:
    """On the JSON file and on PostgreSQL: the extreme dates and numbers come back from jsonb too."""
    return backend_cli


def test_the_extreme_accepted_values_export(team: Cli, tmp_path: Path) -> None:
    team.ok("card", "add", "--dept", "OPS", "--title", "Last", "--milestone", "--due", "2999-12-31")
    team.ok("card", "add", "--dept", "OPS", "--title", "First", "--milestone", "--due", "1900-01-01")
    team.ok("card", "edit", "OPS-1", "--estimate", "10000", "--progress", "100")
    meeting = team.ok(
        "meeting", "start", "--title", "Far 会议", "--attendee", "ann", "--attendee", "wei",
        "--at", "2999-12-30 10:00", "--tz", "Pacific/Kiritimati", "--agenda", "Long:1440",
    )  # fmt: skip
    team.ok("meeting", "action", meeting, "--owner", "ann", "--due", "2999-12-31", "Finish")
    team.ok("meeting", "end", meeting, "--next", "2999-12-31 23:59", "--minutes", "1440")
    team.ok("project", "set", "--escalate-after", "3650")
    for args in (
        ("export", "ics", "--milestones", "-o", str(tmp_path / "m.ics")),
        ("export", "ics", "--actions", "-o", str(tmp_path / "a.ics")),
        ("export", "ics", "--meeting", meeting, "-o", str(tmp_path / "f.ics")),
        ("export", "minutes", meeting, "-o", str(tmp_path / "m.docx")),
    ):
        team.ok(*args)
    assert b"DTSTART;VALUE=DATE:29991231" in (tmp_path / "m.ics").read_bytes()
    assert b"DTEND;VALUE=DATE:30000101" in (tmp_path / "m.ics").read_bytes()
    assert (tmp_path / "m.docx").stat().st_size > 0
    for words in (("card", "list"), ("risk", "list"), ("meeting", "show", meeting), ("activity",)):
        assert team(*words).code == 0
    assert team("card", "list", "--json").json()[0]["due"] in ("2999-12-31", "1900-01-01")
