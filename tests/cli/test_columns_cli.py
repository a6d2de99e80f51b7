"""`huddle column`, `dept rename`, `person edit`: JSON keys, exit codes, nothing written if refused."""

from __future__ import annotations

import pytest

from tests.helpers.cli import Cli

COLUMN_KEYS = {"name", "wip_limit", "cards"}


@pytest.fixture
def cli(backend_cli: Cli) -> Cli:
    """Every test here runs on the JSON file and on PostgreSQL."""
    return backend_cli


def columns(cli: Cli, dept: str = "OPS") -> list[dict[str, object]]:
    result = cli("column", "list", dept, "--json")
    assert result.code == 0, result.err
    rows: list[dict[str, object]] = result.json()
    assert all(set(row) == COLUMN_KEYS for row in rows)
    return rows


def names(cli: Cli, dept: str = "OPS") -> list[object]:
    return [row["name"] for row in columns(cli, dept)]


def test_list_gives_name_wip_limit_and_card_count(team: Cli) -> None:
    team.ok("card", "add", "--dept", "OPS", "--title", "a")
    team.ok("card", "add", "--dept", "OPS", "--title", "b", "--column", "Doing")
    rows = columns(team)
    assert rows[0] == {"name": "Backlog", "wip_limit": None, "cards": 1}
    assert {"name": "Doing", "wip_limit": 5, "cards": 1} in rows
    table = team.ok("column", "list", "市场部")
    assert table.splitlines()[0].split() == ["COLUMN", "WIP", "CARDS"]


def test_add_rename_move_remove_and_wip(team: Cli) -> None:
    team.ok("column", "add", "OPS", "测试", "--wip", "2", "--before", "done")
    assert names(team)[-2:] == ["测试", "Done"]
    assert columns(team)[-2]["wip_limit"] == 2
    card = team.ok("card", "add", "--dept", "OPS", "--title", "a", "--column", "测试")
    team.ok("column", "rename", "OPS", "测试", "验收")
    assert team("card", "show", card, "--json").json()["column"] == "验收"
    team.ok("column", "move", "OPS", "验收", "--before", "Backlog")
    assert names(team)[0] == "验收"
    team.ok("column", "move", "OPS", "Backlog", "--last")
    assert names(team)[-1] == "Backlog"
    team.ok("column", "wip", "OPS", "Doing", "0")
    team.ok("column", "wip", "OPS", "Review", "7")
    by_name = {row["name"]: row["wip_limit"] for row in columns(team)}
    assert (by_name["Doing"], by_name["Review"]) == (None, 7)
    team.ok("column", "remove", "OPS", "To do")
    assert "To do" not in names(team)
    activity = [a["action"] for a in team("activity", "--json").json()]
    for action in ("column added", "column renamed", "column moved", "column removed", "wip"):
        assert action in activity


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("column", "add", "OPS", "doing"), 1, "already has a column 'Doing'"),
        (("column", "add", "Nowhere", "X"), 1, "no department 'Nowhere'"),
        (("column", "add", "OPS", "X", "--before", "Nope"), 1, "no column of Operations 'Nope'"),
        (("column", "add", "OPS", "X", "--wip", "-1"), 2, "cannot be negative"),
        (("column", "rename", "OPS", "Backlog", "review"), 1, "already has a column 'Review'"),
        (("column", "rename", "OPS", "Done", "Finished"), 1, "cannot be renamed"),
        (("column", "rename", "OPS", "Backlog", " "), 1, "column name is empty"),
        (("column", "move", "OPS", "Backlog"), 2, "one of the arguments --before --last is required"),
        (("column", "move", "OPS", "Backlog", "--before", "backlog"), 1, "before itself"),
        (("column", "remove", "OPS", "Backlog"), 1, "1 card is still in it"),
        (("column", "remove", "OPS", "Done"), 1, "cannot be removed"),
        (("column", "remove", "OPS", "Nope"), 1, "known: Backlog, To do, Doing, Review, Done"),
        (("column", "wip", "OPS", "Doing", "-3"), 2, "cannot be negative"),
        (("column", "wip", "OPS", "Doing", "many"), 2, "not a whole number"),
        (("column", "wip", "OPS", "Nope", "3"), 1, "no column 'Nope'"),
        (("dept", "rename", "OPS", "市场部"), 1, "already exists"),
        (("dept", "rename", "Nowhere", "X"), 1, "no department 'Nowhere'"),
        (("person", "edit", "nobody", "--name", "X"), 1, "no person 'nobody'"),
        (("person", "edit", "ann"), 1, "nothing to change"),
        (("person", "edit", "ann", "--email", "not-an-address"), 1, "huddle: error: "),
        (("person", "edit", "ann", "--dept", "Nowhere"), 1, "no department 'Nowhere'"),
        (("person", "edit", "ann", "--dept", "OPS", "--no-dept"), 2, "not allowed with"),
    ],
)
def test_refusals_are_one_line_and_write_nothing(
    team: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    team.ok("card", "add", "--dept", "OPS", "--title", "a")
    before = team.digest()
    result = team(*args)
    assert result.code == code
    assert result.out == ""
    assert result.err.startswith("huddle: error: ")
    assert result.err.count("\n") == 1
    assert message in result.err
    assert team.digest() == before


def test_dept_rename_moves_cards_and_people(team: Cli) -> None:
    card = team.ok("card", "add", "--dept", "OPS", "--title", "a", "--owner", "ann")
    assert team.ok("dept", "rename", "Operations", "运维部") == "运维部"
    shown = team("card", "show", card, "--json").json()
    assert (shown["id"], shown["dept"]) == (card, "运维部")  # the key and card ids stay
    people = {p["handle"]: p["dept"] for p in team("person", "list", "--json").json()}
    assert people == {"ann": "运维部", "wei": "市场部", "bob": None}
    assert sorted(d["name"] for d in team("dept", "list", "--json").json()) == sorted(["运维部", "市场部"])
    assert team.ok("card", "add", "--dept", "OPS", "--title", "b").startswith("OPS-")


def test_person_edit(team: Cli) -> None:
    assert team.ok("person", "edit", "@wei", "--name", "李 伟", "--email", "li.wei@example.com") == "wei"
    assert team.ok("person", "edit", "bob", "--dept", "市场部") == "bob"
    team.ok("person", "edit", "ann", "--no-dept")
    people = {p["handle"]: p for p in team("person", "list", "--json").json()}
    assert people["wei"] == {
        "handle": "wei",
        "name": "李 伟",
        "email": "li.wei@example.com",
        "dept": "市场部",
    }
    assert people["bob"]["dept"] == "市场部"
    assert people["ann"]["dept"] is None


def test_real_process_exit_codes(team: Cli) -> None:
    """The installed ``huddle`` script: a usage error is 2, a refused change 1, with no traceback."""
    usage = team.run("--db", team.target, "column", "wip", "OPS", "Doing", "-1")
    refused = team.run("--db", team.target, "column", "remove", "OPS", "Done")
    assert (usage.code, refused.code) == (2, 1)
    assert "Traceback" not in usage.err + refused.err
