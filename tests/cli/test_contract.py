"""The command-line contract README.md documents: commands, flags, JSON keys, dates shown back."""

from __future__ import annotations

import json

import pytest

from tests.helpers.cli import Cli

CARD_KEYS = {"id", "title", "dept", "column", "owner", "due", "milestone", "blocked_by"}
MEETING_KEYS = {"id", "title", "start", "tz", "attendees", "notes", "decisions", "actions", "next"}


@pytest.fixture
def cli(backend_cli: Cli) -> Cli:
    """Every contract test here runs on the JSON file and on PostgreSQL."""
    return backend_cli


def test_dept_and_person_json(team: Cli) -> None:
    depts = team("dept", "list", "--json").json()
    assert [d["name"] for d in depts] == ["Operations", "市场部"]
    people = team("person", "list", "--json").json()
    wei = next(p for p in people if p["handle"] == "wei")
    assert wei == {"handle": "wei", "name": "李伟", "email": "wei@example.com", "dept": "市场部"}


def test_json_is_utf8_without_escapes(team: Cli) -> None:
    out = team("person", "list", "--json").out
    assert "李伟" in out
    assert "\\u" not in out


def test_card_add_prints_id_and_shows_resolved_date(team: Cli) -> None:
    result = team("card", "add", "--dept", "OPS", "--title", "Rack servers", "--owner", "ann", "--due", "fri")
    assert result.code == 0
    assert result.out == "OPS-1\n"
    assert "due: Fri 2026-11-27" in result.err  # the tests run on Wednesday 2026-11-25 (Asia/Shanghai)


def test_card_json_shape(team: Cli) -> None:
    first = team.ok(
        "card", "add", "--dept", "OPS", "--title", "Rack servers", "--owner", "ann", "--due", "2026-12-01"
    )
    second = team.ok(
        "card", "add", "--dept", "市场部", "--title", "发布会场地", "--milestone", "--blocked-by", first,
        "--column", "Doing", "--owner", "李伟",
    )  # fmt: skip
    cards = team("card", "list", "--json").json()
    assert isinstance(cards, list)
    assert all(set(c) >= CARD_KEYS for c in cards)
    by_id = {c["id"]: c for c in cards}
    assert by_id[first]["due"] == "2026-12-01"
    assert by_id[second] | {} == by_id[second]
    assert by_id[second]["dept"] == "市场部"
    assert by_id[second]["column"] == "Doing"
    assert by_id[second]["owner"] == "wei"
    assert by_id[second]["milestone"] is True
    assert by_id[second]["blocked_by"] == [first]
    assert by_id[second]["due"] is None
    shown = team("card", "show", second, "--json").json()
    assert shown["id"] == second
    assert set(shown) >= CARD_KEYS


def test_card_list_filters(team: Cli) -> None:
    team.ok("card", "add", "--dept", "OPS", "--title", "a", "--owner", "ann")
    team.ok("card", "add", "--dept", "OPS", "--title", "b", "--owner", "bob")
    team.ok("card", "add", "--dept", "MKT", "--title", "c", "--owner", "wei")
    assert [c["title"] for c in team("card", "list", "--dept", "Operations", "--json").json()] == ["a", "b"]
    assert [c["title"] for c in team("card", "list", "--owner", "bob", "--json").json()] == ["b"]
    assert [c["title"] for c in team("card", "list", "--dept", "OPS", "--owner", "ann", "--json").json()] == [
        "a"
    ]


def test_card_move_and_edit(team: Cli) -> None:
    card = team.ok("card", "add", "--dept", "OPS", "--title", "Rack servers")
    assert team.ok("card", "move", card, "doing") == f"{card} -> Doing"
    team.ok(
        "card", "edit", card, "--title", "Rack the servers", "--owner", "bob", "--due", "+3d", "--tag", "hw"
    )
    shown = team("card", "show", card, "--json").json()
    assert shown["column"] == "Doing"
    assert shown["title"] == "Rack the servers"
    assert shown["owner"] == "bob"
    assert shown["due"] == "2026-11-28"
    assert shown["tags"] == ["hw"]
    team.ok("card", "edit", card, "--due", "none")
    assert team("card", "show", card, "--json").json()["due"] is None


def test_card_show_lists_history_with_os_account(team: Cli) -> None:
    card = team.ok("card", "add", "--dept", "OPS", "--title", "Rack servers")
    team("card", "move", card, "Review", user="mallory")
    text = team.ok("card", "show", card)
    assert "mallory (" in text
    assert "moved" in text


def test_markup_like_titles_are_kept_literally(team: Cli) -> None:
    card = team.ok("card", "add", "--dept", "OPS", "--title", "[bold]urgent[/] fix [/]")
    assert team("card", "show", card, "--json").json()["title"] == "[bold]urgent[/] fix [/]"


def test_risk_commands(team: Cli) -> None:
    risk = team.ok(
        "risk", "add", "--title", "供应商延迟", "--probability", "4", "--impact", "3", "--owner", "wei"
    )
    assert risk == "R-1"
    team.ok("risk", "edit", risk, "--probability", "2", "--residual-impact", "2", "--review", "next mon")
    risks = team("risk", "list", "--json").json()
    assert {"id", "title", "probability", "impact", "owner"} <= set(risks[0])
    assert risks[0]["probability"] == 2
    assert risks[0]["impact"] == 3
    assert risks[0]["owner"] == "wei"
    shown = team("risk", "show", risk, "--json").json()
    assert shown["review_date"] == "2026-11-30"
    assert [h["probability"] for h in shown["history"]] == [4, 2]


def test_meeting_flow_json(team: Cli) -> None:
    meeting = team.ok(
        "meeting", "start", "--title", "周会", "--attendee", "ann", "--attendee", "wei",
        "--at", "2026-12-01 14:00", "--tz", "Asia/Shanghai",
    )  # fmt: skip
    assert meeting == "M-1"
    team.ok("meeting", "note", meeting, "讨论预算")
    team.ok("meeting", "decide", meeting, "批准预算")
    card = team.ok("meeting", "action", meeting, "--owner", "wei", "--due", "fri", "准备报价单")
    assert card.startswith("MKT-")
    team.ok("meeting", "end", meeting, "--next", "2026-12-08 14:00")
    data = team("meeting", "show", meeting, "--json").json()
    assert set(data) >= MEETING_KEYS
    assert data["start"] == "2026-12-01T14:00:00+08:00"
    assert data["tz"] == "Asia/Shanghai"
    assert data["attendees"] == ["ann", "wei"]
    assert [n["text"] for n in data["notes"]] == ["讨论预算"]
    assert [d["text"] for d in data["decisions"]] == ["批准预算"]
    assert data["actions"] == [{"card_id": card, "text": "准备报价单", "owner": "wei", "due": "2026-11-27"}]
    assert data["next"] == "2026-12-08T14:00:00+08:00"
    assert team("meeting", "list", "--json").json()[0]["id"] == meeting
    action_card = team("card", "show", card, "--json").json()
    assert action_card["dept"] == "市场部"
    assert action_card["meeting_id"] == meeting


def test_meeting_times_follow_the_zone_across_dst(team: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUDDLE_NOW", "2026-03-06T14:00:00+00:00")  # held on its planned slot
    meeting = team.ok(
        "meeting", "start", "--title", "Sync", "--at", "2026-03-06 09:00", "--tz", "America/New_York"
    )
    team.ok("meeting", "end", meeting, "--next", "2026-03-13 09:00")
    data = team("meeting", "show", meeting, "--json").json()
    assert data["start"] == "2026-03-06T09:00:00-05:00"
    assert data["started_at"] == "2026-03-06T09:00:00-05:00"
    assert data["ended_at"].startswith("2026-03-06T09:00:00")
    assert data["next"] == "2026-03-13T09:00:00-04:00"


def test_meeting_start_starts_now_and_at_records_the_plan(team: Cli) -> None:
    # HUDDLE_NOW is Wednesday 2026-11-25 10:00 in Shanghai; the meeting was planned for Friday 14:00.
    meeting = team.ok("meeting", "start", "--title", "周会", "--at", "fri 14:00", "--tz", "Asia/Shanghai")
    data = team("meeting", "show", meeting, "--json").json()
    assert data["start"] == "2026-11-27T14:00:00+08:00"
    assert data["started_at"] == "2026-11-25T10:00:00+08:00"
    assert data["ended_at"] is None
    assert data["status"] == "live"
    team.ok("meeting", "end", meeting)
    data = team("meeting", "show", meeting, "--json").json()
    assert data["start"] == "2026-11-27T14:00:00+08:00"
    assert data["started_at"] == "2026-11-25T10:00:00+08:00"
    assert data["ended_at"].startswith("2026-11-25T10:00:00")
    assert data["ended_at"].endswith("+08:00")


def test_demo_refuses_a_non_empty_db_without_force(team: Cli) -> None:
    before = team.digest()
    result = team("demo")
    assert result.code == 1
    assert "--force" in result.err
    assert team.digest() == before
    assert team("demo", "--force").code == 0
    depts = [d["name"] for d in team("dept", "list", "--json").json()]
    assert "市场部" in depts
    assert "研发部" in depts
    assert len(depts) >= 5
    cards = team("card", "list", "--json").json()
    assert 55 <= len(cards) <= 70
    assert any(c["milestone"] for c in cards)
    assert any(c["blocked_by"] for c in cards)
    meetings = team("meeting", "list", "--json").json()
    assert len(meetings) == 2
    assert meetings[0]["decisions"]
    assert meetings[1]["actions"]


def test_help_reads_well(cli: Cli) -> None:
    result = cli.run("--help")
    assert result.code == 0
    for word in ("demo", "dept", "person", "card", "risk", "meeting", "export"):
        assert word in result.out
    sub = cli.run("card", "add", "--help")
    assert "--blocked-by" in sub.out
    assert "+2w" in sub.out


def test_db_and_user_from_environment(cli: Cli) -> None:
    env = {"HUDDLE_DB": cli.target, "HUDDLE_USER": "envuser"}
    assert cli.run("dept", "add", "Ops", env=env).code == 0
    assert cli.run("card", "add", "--dept", "Ops", "--title", "x", env=env).out.strip() == "OPS-1"
    shown = cli.run("card", "show", "OPS-1", "--json", env=env)
    assert json.loads(shown.out)["created_by"] == "envuser"
    other = cli.folder / "other.json"
    assert cli.run("--db", str(other), "dept", "list", "--json", env=env).out.strip() == "[]"


def test_project_goals_changes_decisions_and_activity(team: Cli) -> None:
    team.ok("project", "set", "--name", "发布项目", "--vision", "Launch together", "--escalate-after", "5")
    team.ok(
        "project",
        "goal",
        "三家试点客户上线",
        "--metric",
        "customers live",
        "--target",
        "3",
        "--deadline",
        "+6w",
    )
    project = team("project", "show", "--json").json()
    assert project["name"] == "发布项目"
    assert project["escalate_after_days"] == 5
    assert project["goals"] == [
        {"text": "三家试点客户上线", "metric": "customers live", "target": "3", "deadline": "2027-01-06"}
    ]
    change = team.ok("change", "request", "--title", "推迟发布一周", "--description", "vendor delay")
    assert change == "CR-1"
    assert team.ok("change", "reject", change) == "CR-1 rejected"
    again = team("change", "approve", change)
    assert again.code == 1
    assert "already rejected" in again.err
    assert team("change", "list", "--json").json()[0]["status"] == "rejected"
    meeting = team.ok("meeting", "start", "--title", "Sync")
    team.ok("meeting", "decide", meeting, "批准预算")
    assert [d["text"] for d in team("decision", "list", "--json").json()] == ["批准预算"]
    feed = team("activity", "--limit", "2", "--json").json()
    assert [e["action"] for e in feed] == ["decision", "started"]
    assert feed[0]["user"] == "ann"
