"""The close-phase commands from outside: milestone acceptance and review, goal actuals, change impact,
agenda prep, retrospective and project close; bad input refused in one line with nothing written."""

from __future__ import annotations

import pytest

from tests.helpers.cli import Cli

USAGE = 2
FAILURE = 1


@pytest.fixture
def cli(backend_cli: Cli) -> Cli:
    """Every test here runs on the JSON file and on PostgreSQL (issue 15)."""
    return backend_cli


@pytest.fixture
def project(team: Cli) -> Cli:
    """OPS-1 (overdue) blocks milestone OPS-2 (Accountable wei) with two criteria; one goal."""
    team.ok(
        "card", "add", "--dept", "OPS", "--title", "Rack servers", "--owner", "ann", "--due", "2026-11-20"
    )
    team.ok(
        "card", "add", "--dept", "OPS", "--title", "上线 Go-live", "--milestone", "--due", "2026-11-30",
        "--blocked-by", "OPS-1",
    )  # fmt: skip
    team.ok("card", "edit", "OPS-2", "--accountable", "wei")
    assert team.ok("milestone", "criterion", "add", "OPS-2", "运行手册已评审") == "AC-1"
    assert team.ok("milestone", "criterion", "add", "OPS-2", "Monitoring alerts tested") == "AC-2"
    team.ok("project", "set", "--name", "Launch")
    team.ok("project", "goal", "Pilot customers live", "--target", "3")
    return team


def test_milestone_list_and_show_json(project: Cli) -> None:
    listed = project("milestone", "list", "--json").json()
    assert [m["id"] for m in listed] == ["OPS-2"]
    ms = listed[0]
    assert {
        "id",
        "title",
        "due",
        "status",
        "criteria",
        "accepted",
        "slack_days",
        "critical",
        "review_due",
    } <= set(ms)
    assert ms["criteria"][0] == {
        "id": "AC-1", "text": "运行手册已评审", "state": "open", "accepted_at": None, "accepted_by": None,
        "evidence": "", "waived": False, "waive_reason": "",
    }  # fmt: skip
    assert ms["review_due"] is True
    assert ms["late_predecessors"] == ["OPS-1"]
    assert ms["critical"] is True
    assert project("milestone", "show", "OPS-2", "--json").json() == ms
    text = project.ok("milestone", "list")
    assert "OPS-2" in text
    assert "0/2" in text
    assert "上线 Go-live" in project.ok("milestone", "show", "OPS-2")
    assert project("milestone", "list", "--review-due", "--json").json()[0]["id"] == "OPS-2"


def test_accept_waive_and_done(project: Cli) -> None:
    refused = project("milestone", "accept", "OPS-2", "AC-1")
    assert refused.code == FAILURE
    assert "only OPS-2's Accountable (wei)" in refused.err
    assert project("card", "move", "OPS-2", "Done").code == FAILURE
    out = project("milestone", "accept", "OPS-2", "1", "--evidence", "wiki/runbook", user="wei")
    assert out.out == "OPS-2 AC-1 accepted (1/2 accepted or waived)\n"
    out = project("milestone", "waive", "OPS-2", "AC-2", "--reason", "tested in phase 2", user="wei")
    assert out.out == "OPS-2 AC-2 waived (2/2 accepted or waived); OPS-2 is done\n"
    shown = project("milestone", "show", "OPS-2", "--json").json()
    assert shown["status"] == "done"
    assert shown["column"] == "Done"
    assert shown["criteria"][1]["waive_reason"] == "tested in phase 2"


def test_review_prints_the_meeting_id_and_outcome_is_a_decision(project: Cli) -> None:
    result = project("milestone", "review", "OPS-2", "--at", "2026-11-27 15:00", "--tz", "Asia/Shanghai")
    assert result.code == 0
    assert result.out == "M-1\n"
    assert "start: Fri 2026-11-27 15:00 CST" in result.err
    meeting = project("meeting", "show", "M-1", "--json").json()
    assert meeting["kind"] == "review"
    assert meeting["milestone"] == "OPS-2"
    assert meeting["agenda"][0]["refs"] == ["OPS-2"]
    assert meeting["agenda"][1]["refs"] == ["OPS-1"]
    assert set(meeting["attendees"]) == {"wei", "ann"}
    out = project.ok("meeting", "outcome", "M-1", "failed", "--note", "runbook missing")
    assert out == "Review of OPS-2 上线 Go-live: failed — runbook missing"
    meeting = project("meeting", "show", "M-1", "--json").json()
    assert meeting["outcome"] == "failed"
    assert meeting["decisions"][-1]["text"] == out
    assert project("milestone", "list", "--json").json()[0]["reviews"] == [
        {"meeting": "M-1", "outcome": "failed"}
    ]
    second = project.ok("meeting", "start", "--kind", "review", "--milestone", "OPS-2")
    assert second == "M-2"


def test_goal_update_history_and_progress(project: Cli) -> None:
    assert (
        project.ok("project", "goal-update", "1", "1", "--on", "2026-11-01")
        == "goal 1: 1 of 3 (33%) on 2026-11-01"
    )
    assert (
        project.ok("project", "goal-update", "pilot", "--value", "2") == "goal 1: 2 of 3 (67%) on 2026-11-25"
    )
    goals = project("project", "goals", "--json").json()
    assert goals[0]["actual"] == "2"
    assert goals[0]["progress"] == 67
    assert [a["value"] for a in goals[0]["actuals"]] == ["1", "2"]
    assert project("project", "show", "--json").json()["closed"] is False


def test_change_impact_approved_in_a_meeting(project: Cli) -> None:
    request = ("change", "request", "--title", "单点登录", "--scope", "SAML", "--schedule-days", "5")
    assert project.ok(*request, "--cost", "1200", "--card", "OPS-1") == "CR-1"
    meeting = project.ok("meeting", "start", "--title", "Steering", "--attendee", "ann")
    assert project.ok("change", "approve", "CR-1", "--meeting", meeting) == "CR-1 approved"
    assert project.ok("change", "link", "CR-1", "OPS-2") == "CR-1 changes OPS-1, OPS-2"
    change = project("change", "list", "--json").json()[0]
    impact = {"scope": "SAML", "schedule_days": 5, "cost": 1200.0, "meeting_id": meeting}
    assert change | impact == change
    assert change["cards"] == ["OPS-1", "OPS-2"]
    decisions = project("meeting", "show", meeting, "--json").json()["decisions"]
    assert decisions[0]["id"] == change["decision_id"]
    assert decisions[0]["text"] == "CR-1 approved: 单点登录 (scope: SAML; +5 days; cost 1200)"


def test_prep_then_start_with_picks_keeps_board_items(project: Cli) -> None:
    project.ok("change", "request", "--title", "Scope change")
    suggestions = project("meeting", "prep", "--attendee", "ann", "--json").json()
    assert [s["key"] for s in suggestions] == ["overdue:Operations", "milestone:OPS-2", "changes"]
    assert suggestions[0]["refs"] == ["OPS-1"]
    text = project("meeting", "prep", "--attendee", "ann")
    assert "overdue:Operations" in text.out
    assert "--pick" in text.err
    mid = project.ok(
        "meeting", "start", "--title", "Weekly", "--attendee", "ann", "--pick", "1", "--pick", "changes"
    )
    agenda = project("meeting", "show", mid, "--json").json()["agenda"]
    assert [(a["title"], a["refs"]) for a in agenda] == [
        ("Overdue and escalated in Operations (1)", ["OPS-1"]),
        ("Open change requests (1)", ["CR-1"]),
    ]


def test_retro_sections_close_and_read_only(project: Cli, tmp_path: object) -> None:
    retro = project.ok("meeting", "start", "--kind", "retro", "--attendee", "ann", "--attendee", "wei")
    shown = project("meeting", "show", retro, "--json").json()
    assert shown["kind"] == "retro"
    assert [a["title"] for a in shown["agenda"]] == [
        "What worked and should spread", "What went wrong, and why", "What to change next time",
    ]  # fmt: skip
    project.ok("meeting", "note", retro, "跨部门评审很有效", "--section", "worked")
    project.ok("meeting", "note", retro, "Risks reviewed too late", "--item", "2")
    notes = project("meeting", "show", retro, "--json").json()["notes"]
    assert [(n["text"], n["agenda_item"]) for n in notes] == [
        ("跨部门评审很有效", 0),
        ("Risks reviewed too late", 1),
    ]
    action = project.ok("meeting", "action", retro, "--owner", "ann", "--due", "+2w", "Weekly risk review")
    assert action == "OPS-3"
    project.ok("meeting", "end", retro)

    before = project.digest()
    refused = project("project", "close")
    assert refused.code == FAILURE
    assert "OPS-1" in refused.out
    assert "criterion  OPS-2/AC-1" in refused.out
    assert refused.err.startswith("huddle: error: ")
    assert "still open" in refused.err
    assert project.digest() == before
    listed = project("project", "close", "--json")
    assert listed.code == FAILURE
    assert {i["id"] for i in listed.json()["open"]} >= {"OPS-1", "OPS-2", "OPS-2/AC-1", "OPS-3"}

    closed = project("project", "close", "--force", "--reason", "预算年度结束", "--json")
    assert closed.code == 0
    assert closed.json()["closed"] is True
    assert closed.json()["reason"] == "预算年度结束"
    assert project("project", "show", "--json").json()["closed"] is True

    frozen = project.digest()
    for args in (
        ("card", "add", "--dept", "OPS", "--title", "more"),
        ("milestone", "criterion", "add", "OPS-2", "x"),
        ("project", "goal-update", "1", "2"),
        ("meeting", "start", "--title", "x"),
    ):
        result = project(*args)
        assert result.code == FAILURE, args
        assert "read-only" in result.err
        assert len(result.err.strip().splitlines()) == 1
    assert project.digest() == frozen
    assert project("card", "list", "--json").json()  # still readable
    out = tmp_path / "close.docx"  # type: ignore[operator]
    assert project("export", "report", "-o", str(out)).code == 0
    assert out.exists()
    project.ok("project", "reopen", "--reason", "one more fix")
    project.ok("card", "add", "--dept", "OPS", "--title", "more")


BAD = [
    (("milestone", "show", "OPS-1"), FAILURE, "OPS-1 is not a milestone"),
    (("milestone", "show", "OPS-99"), FAILURE, "no card 'OPS-99'"),
    (("milestone", "criterion", "add", "OPS-2", "   "), FAILURE, "criterion is empty"),
    (("milestone", "criterion", "add", "OPS-2", "bad\x1b[2J"), FAILURE, "control character"),
    (("milestone", "accept", "OPS-2", "AC-7", "--user", "wei"), FAILURE, "no criterion 'AC-7'"),
    (("milestone", "waive", "OPS-2", "AC-1"), USAGE, "--reason"),
    (("milestone", "review", "OPS-2", "--at", "tomorrow 25:00"), FAILURE, "not a time of day"),
    (("milestone", "review", "OPS-2", "--tz", "Mars/Olympus"), FAILURE, "unknown time zone"),
    (("milestone", "frob"), USAGE, "invalid choice"),
    (("project", "goal-update", "9", "1"), FAILURE, "numbered 1 to 1"),
    (("project", "goal-update", "1"), USAGE, "give the value once"),
    (("project", "goal-update", "1", "2", "--on", "someday"), FAILURE, "read date"),
    (("project", "close", "--force"), USAGE, "--force needs --reason"),
    (("meeting", "start", "--kind", "review"), USAGE, "--milestone"),
    (("meeting", "start", "--kind", "party", "--title", "x"), USAGE, "invalid choice"),
    (("meeting", "start", "--milestone", "OPS-2", "--title", "x"), USAGE, "--kind review"),
    (("meeting", "start"), USAGE, "--title"),
    (("meeting", "start", "--title", "x", "--pick", "9"), FAILURE, "numbered 1 to"),
    (("meeting", "start", "--title", "x", "--pick", "nope"), FAILURE, "not suggested now"),
    (("meeting", "outcome", "M-1", "passed"), FAILURE, "not a milestone review"),
    (("meeting", "outcome", "M-1", "great"), USAGE, "invalid choice"),
    (("meeting", "note", "M-1", "x", "--item", "0"), USAGE, "is not between 1 and 999"),
    (("meeting", "note", "M-1", "x", "--section", "fun"), USAGE, "invalid choice"),
    (("change", "request", "--title", "x", "--schedule-days", "soon"), USAGE, "not a whole number"),
    (("change", "request", "--title", "x", "--card", "OPS-99"), FAILURE, "no card 'OPS-99'"),
    (("change", "approve", "CR-9"), FAILURE, "no change request"),
    (("export", "report", "-o", "/nonexistent/dir/x.docx"), FAILURE, "does not exist"),
]  # fmt: skip


@pytest.fixture
def ready(project: Cli) -> Cli:
    project.ok("meeting", "start", "--title", "Sync", "--attendee", "ann")
    return project


@pytest.mark.parametrize(("args", "code", "message"), BAD, ids=[" ".join(a)[:50] for a, _, _ in BAD])
def test_bad_input_is_one_clear_line_and_writes_nothing(
    ready: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    before = ready.digest()
    result = ready(*args)
    assert result.code == code, result.err
    assert result.err.startswith("huddle: error: ")
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert message in result.err
    assert "Traceback" not in result.err
    assert ready.digest() == before
