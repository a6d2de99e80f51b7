"""``huddle import``, ``export cards|risks|raci|meeting`` and ``backup``/``restore`` as a person runs them."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.cli import Cli

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def cli(backend_cli: Cli) -> Cli:
    """Every test here runs on the JSON file and on PostgreSQL (issue 15), but LibreOffice's, whose
    subject is the spreadsheet files between two programs: it runs on the file only."""
    return backend_cli


def seed(cli: Cli) -> None:
    cli.ok("dept", "add", "研发部", "--key", "RND")
    cli.ok("person", "add", "li.wei", "--name", "李伟", "--email", "li.wei@example.com", "--dept", "研发部")
    cli.ok("person", "add", "ann", "--name", "Ann Lee", "--email", "ann@example.com")


def test_dry_run_prints_the_plan_as_json_and_writes_nothing(cli: Cli) -> None:
    seed(cli)
    before = cli.digest()
    result = cli("import", "csv", str(DATA / "tasks-gbk.csv"), "--dept", "研发部", "--dry-run", "--json")

    assert result.code == 0, result.err
    plan = result.json()
    assert plan["applied"] is False
    assert plan["counts"] == {"create": 4, "update": 0, "unchanged": 0}
    assert plan["mapping"]["title"] == "标题"
    assert plan["mapping"]["blocked_by"] == "依赖"
    assert [c["title"] for c in plan["cards"]] == ["API 接口开发", "联调测试", "发布上线", '写 "用户手册"']
    assert [p["name"] for p in plan["people"]] == ["王芳"]
    assert cli.digest() == before


def test_import_then_reimport_reports_what_changed(cli: Cli, tmp_path: Path) -> None:
    seed(cli)
    out = cli.ok("import", "xlsx", str(DATA / "tasks-openpyxl.xlsx"), "--dept", "RND")
    assert "4 card(s) created" in out
    again = cli.ok("import", "xlsx", str(DATA / "tasks-openpyxl.xlsx"), "--dept", "RND")
    assert "0 card(s) created, 0 updated, 4 unchanged" in again
    assert len(cli("card", "list", "--json").json()) == 4


def test_map_names_a_column_the_headers_do_not(cli: Cli, tmp_path: Path) -> None:
    seed(cli)
    sheet = tmp_path / "plan.csv"
    sheet.write_text("事项说明,谁来做,完成期限\n买服务器,li.wei,2026-12-01\n", encoding="utf-8")
    result = cli(
        "import", "csv", str(sheet), "--dept", "RND", "--map", "title=事项说明", "--map", "owner=谁来做"
    )
    assert result.code == 0, result.err
    assert "column '完成期限': no matching field (import it with --map FIELD=完成期限)" in result.out
    (card,) = cli("card", "list", "--json").json()
    assert (card["title"], card["owner"], card["due"]) == ("买服务器", "li.wei", None)


MALFORMED: list[tuple[str, str, bytes, str]] = [
    (
        "csv",
        "bad.csv",
        "标题,截止日期\n买服务器,2026-13-45\n".encode(),
        "bad.csv row 2, field 截止日期 (due): ",
    ),
    ("csv", "bad.csv", "标题,截止日期\n买服务器,12/01/2026\n".encode(), "write it as YYYY-MM-DD"),
    (
        "csv",
        "bad.csv",
        "标题,优先级\n买服务器,很急\n".encode(),
        "row 2, field 优先级 (priority): '很急' is not a priority",
    ),
    ("csv", "bad.csv", "标题,负责人\n,ann\n".encode(), "row 2, field 标题 (title): the title is empty"),
    (
        "csv",
        "bad.csv",
        "标题\n买\x1b[2J服务器\n".encode(),
        "row 2, field 标题 (title): the title contains a control",
    ),
    ("csv", "bad.csv", "标题,依赖\n买服务器,X-9\n".encode(), "row 2, field 依赖 (blocked by): no card 'X-9'"),
    (
        "csv",
        "bad.csv",
        "编号,标题,依赖\nA,一,B\nB,二,A\n".encode(),
        "row 3, field 依赖 (blocked by): dependency cycle",
    ),
    ("csv", "bad.csv", "编号,标题\nA,一\nA,二\n".encode(), "row 3, field 编号 (id): 'A' is already on row 2"),
    ("csv", "bad.csv", "标题,状态\n一,待办,多余\n".encode(), "row 2: 3 cells but the header has 2"),
    ("csv", "bad.csv", '标题,描述\n一,"没有结束的引号\n'.encode(), "the CSV cannot be read"),
    ("csv", "bad.csv", "名字,日期\n一,2026-12-01\n".encode(), "no title column"),
    ("csv", "bad.csv", "标题\n".encode(), "has a header row but no data rows"),
    ("csv", "bad.csv", b"\xff\xfet\x00i", "not valid UTF-16"),
    ("csv", "bad.csv", b"title\n\x81\x20x\n", "neither UTF-8 nor GB18030"),
    ("xlsx", "bad.xlsx", b"PK\x03\x04 not really a workbook", "is not an .xlsx workbook"),
    ("trello", "bad.json", b"{not json", "is not JSON"),
    ("trello", "bad.json", b'{"name": "x"}', "is not a Trello board export"),
    (
        "trello",
        "bad.json",
        b'{"lists": [], "cards": [{"id": "c1", "name": "x", "idList": "l9"}]}',
        "no list 'l9'",
    ),
    ("jira", "bad.csv", "Summary,Status\n一,Done\n".encode(), "is not a Jira CSV export"),
    ("jira", "bad.csv", "Summary,Issue key,Due date\n一,P-1,yesterday\n".encode(), "row 2, field Due date: "),
]


@pytest.mark.parametrize(("kind", "name", "data", "message"), MALFORMED, ids=[m[3][:40] for m in MALFORMED])
def test_malformed_input_is_one_clear_error_and_nothing_is_applied(
    cli: Cli, tmp_path: Path, kind: str, name: str, data: bytes, message: str
) -> None:
    seed(cli)
    before = cli.digest()
    source = tmp_path / name
    source.write_bytes(data)

    result = cli("import", kind, str(source), "--dept", "研发部")

    assert result.code == 1
    assert result.err.startswith("huddle: error: "), result.err
    assert result.err.count("\n") == 1, result.err
    assert message in result.err
    assert "Traceback" not in result.err
    assert "\x1b" not in result.err
    assert cli.digest() == before, "the data is unchanged"


def test_unknown_map_field_and_wrong_encoding_are_refused(cli: Cli) -> None:
    seed(cli)
    before = cli.digest()
    bad_map = cli("import", "csv", str(DATA / "tasks-utf8.csv"), "--dept", "RND", "--map", "colour=标签")
    assert bad_map.code == 1
    assert "no field 'colour'" in bad_map.err
    wrong = cli("import", "csv", str(DATA / "tasks-gb18030.csv"), "--dept", "RND", "--encoding", "utf-8")
    assert wrong.code == 1
    assert "is not utf-8" in wrong.err
    no_dept = cli("import", "csv", str(DATA / "tasks-utf8.csv"))
    assert no_dept.code == 1
    assert "tasks-utf8.csv row 2: no department: give --dept NAME" in no_dept.err
    missing = cli("import", "csv", str(DATA / "nope.csv"), "--dept", "RND")
    assert missing.code == 1
    assert "does not exist" in missing.err
    assert cli.digest() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_cards_import_back_as_the_same_cards(
    cli: Cli, fresh_cli: Callable[[str], Cli], tmp_path: Path, fmt: str
) -> None:
    seed(cli)
    cli.ok("import", "csv", str(DATA / "tasks-utf8.csv"), "--dept", "研发部")
    cli.ok("card", "add", "--dept", "RND", "--title", "=SUM(A1:A9) 不是公式", "--owner", "ann")
    subtask = cli.ok("card", "add", "--dept", "RND", "--title", "子任务", "--owner", "ann")
    cli.ok("card", "edit", subtask, "--parent", "RND-1", "--progress", "40", "--estimate", "1.5")
    exported = tmp_path / f"cards.{fmt}"
    cli.ok("export", "cards", f"--{fmt}", "-o", str(exported))

    data = exported.read_bytes()
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbfID,Title,Department,Column,Owner,Due"), "BOM for Excel"
        assert data.count(b"\r\n") >= 7, "CRLF line ends"
        assert "'=SUM(A1:A9) 不是公式".encode() in data, "a formula-like title is quoted for Excel"
    original = {c["title"]: c for c in cli("card", "list", "--json").json()}

    same = cli.ok("import", fmt, str(exported))
    assert f"0 card(s) created, 0 updated, {len(original)} unchanged" in same, (
        "an export re-imported changes nothing"
    )

    fresh = fresh_cli("fresh")
    seed(fresh)
    fresh.ok("import", fmt, str(exported))
    copied = {c["title"]: c for c in fresh("card", "list", "--json").json()}

    assert set(copied) == set(original)
    ids = {original[t]["id"]: copied[t]["id"] for t in original}
    for title, card in original.items():
        twin = copied[title]
        for key in ("dept", "column", "owner", "due", "start", "priority", "tags", "milestone", "progress",
                    "description"):  # fmt: skip
            assert twin[key] == card[key], (title, key)
        assert [ids[d] for d in card["blocked_by"]] == twin["blocked_by"]
        assert (ids[card["parent"]] if card["parent"] else None) == twin["parent"]
    from storage import open_store

    assert open_store(fresh.target).snapshot().cards.get(copied["子任务"]["id"]).estimate == 1.5  # type: ignore[union-attr]


def test_xlsx_and_markdown_exports(cli: Cli, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    seed(cli)
    cli.ok("import", "csv", str(DATA / "tasks-utf8.csv"), "--dept", "研发部")
    cli.ok("risk", "add", "--title", "供应商 | 延期", "--probability", "4", "--impact", "3", "--owner", "ann")
    cli.ok("export", "risks", "--xlsx", "-o", str(tmp_path / "risks.xlsx"))
    sheet = load_workbook(tmp_path / "risks.xlsx").worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("ID", "Title", "Probability", "Impact", "Score")
    assert rows[1][:5] == ("R-1", "供应商 | 延期", "4", "3", "12")

    markdown = cli("export", "raci", "--markdown", "-o", "-")
    assert markdown.code == 0
    assert "| ID | Title | Department | Responsible | Accountable |" in markdown.out
    assert "no Accountable" in markdown.out
    risks_md = cli("export", "risks", "--markdown", "-o", "-").out
    assert "供应商 \\| 延期" in risks_md, "a pipe in a cell cannot break the table"


def test_meeting_minutes_as_markdown(cli: Cli) -> None:
    seed(cli)
    meeting = cli.ok("meeting", "start", "--title", "周会", "--attendee", "li.wei", "--agenda", "进展:20",
                     "--at", "2026-12-01 14:00", "--tz", "Asia/Shanghai")  # fmt: skip
    cli.ok("meeting", "note", meeting, "讨论预算")
    cli.ok("meeting", "decide", meeting, "批准预算")
    cli.ok("meeting", "action", meeting, "--owner", "li.wei", "--due", "2026-12-04", "准备报价单")
    result = cli("export", "meeting", meeting, "--markdown", "-o", "-")

    assert result.code == 0, result.err
    assert result.out.startswith("# 周会\n")
    assert "2026-11-25 (Wed) 10:00 (Asia/Shanghai)" in result.out, "minutes give when it was really held"
    assert "1. 进展 (20 min)\n   - 讨论预算" in result.out
    assert "## Decisions\n\n- 批准预算" in result.out
    assert "| RND-1 | 准备报价单 | 李伟 (@li.wei) | 2026-12-04 | To do |" in result.out


def test_backup_and_restore_give_back_the_same_project(
    cli: Cli, fresh_cli: Callable[[str], Cli], tmp_path: Path
) -> None:
    seed(cli)
    cli.ok("import", "trello", str(DATA / "trello-board-zh.json"))
    cli.ok("risk", "add", "--title", "供应商延迟", "--probability", "4", "--impact", "3")
    meeting = cli.ok("meeting", "start", "--title", "周会", "--attendee", "ann")
    cli.ok("meeting", "decide", meeting, "批准")
    backup = tmp_path / "backup.json"
    cli.ok("backup", "-o", str(backup))

    document = json.loads(backup.read_text(encoding="utf-8"))
    assert (document["format"], document["version"]) == ("huddle-backup", 1)
    assert "供应商延迟" in backup.read_text(encoding="utf-8"), "Chinese text is written as itself"

    fresh = fresh_cli("restored")
    fresh.ok("restore", str(backup))
    for command in (
        ("card", "list"),
        ("person", "list"),
        ("dept", "list"),
        ("risk", "list"),
        ("meeting", "list"),
    ):
        assert fresh(*command, "--json").json() == cli(*command, "--json").json(), command
    new = fresh.ok("card", "add", "--dept", "RND", "--title", "after restore")
    assert new == "RND-1" or new not in {c["id"] for c in cli("card", "list", "--json").json()}
    again = fresh.ok("import", "trello", str(DATA / "trello-board-zh.json"))
    assert "0 card(s) created" in again, "restored cards keep their source ids"

    before = fresh.digest()
    refused = fresh("restore", str(backup))
    assert refused.code == 1
    assert "already has data" in refused.err
    assert "--force" in refused.err
    assert fresh.digest() == before
    fresh.ok("restore", str(backup), "--force")
    assert len(fresh("card", "list", "--json").json()) == len(cli("card", "list", "--json").json())


def test_a_broken_backup_is_refused_before_anything_changes(cli: Cli, tmp_path: Path) -> None:
    seed(cli)
    backup = tmp_path / "backup.json"
    cli.ok("backup", "-o", str(backup))
    document = json.loads(backup.read_text(encoding="utf-8"))
    del document["people"][0]["email"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(document), encoding="utf-8")
    before = cli.digest()

    result = cli("restore", str(broken), "--force")
    assert result.code == 1
    assert "people[0] is not a valid record (missing 'email')" in result.err
    other = tmp_path / "other.json"
    other.write_bytes(io.BytesIO(b'{"format": "something-else"}').read())
    assert "is not a Huddle backup" in cli("restore", str(other), "--force").err
    assert cli.digest() == before


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CALC = Path("/usr/lib/libreoffice/program/libscfiltlo.so")


@pytest.mark.slow
@pytest.mark.skipif(
    SOFFICE is None or not CALC.exists(), reason="LibreOffice Calc (libreoffice-calc-nogui) is not installed"
)
def test_libreoffice_calc_reads_our_csv_and_xlsx_and_we_read_what_it_writes(
    file_cli: Cli, tmp_path: Path
) -> None:
    """Another spreadsheet implementation between export and import: Calc opens the CSV (quoted line
    breaks, doubled quotes) and the .xlsx, saves them in the other format, and the cards come back."""
    cli = file_cli
    seed(cli)
    cli.ok("import", "csv", str(DATA / "tasks-utf8.csv"), "--dept", "研发部")
    cli.ok("export", "cards", "--csv", "-o", str(tmp_path / "cards.csv"))
    cli.ok("export", "cards", "--xlsx", "-o", str(tmp_path / "book.xlsx"))
    profile = tmp_path / "lo-profile"

    def calc(source: Path, target: str, *options: str) -> None:
        subprocess.run(
            [str(SOFFICE), f"-env:UserInstallation=file://{profile}", "--headless", *options, "--convert-to",
             target, "--outdir", str(tmp_path / "calc"), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip

    calc(tmp_path / "cards.csv", "xlsx", "--infilter=CSV:44,34,76,1")
    calc(tmp_path / "book.xlsx", "csv:Text - txt - csv (StarCalc):44,34,76,1")
    original = {c["title"]: c for c in cli("card", "list", "--json").json()}
    for kind, name in (("xlsx", "cards.xlsx"), ("csv", "book.csv")):
        fresh = Cli(tmp_path / f"{kind}.json", cli.capsys)
        seed(fresh)
        fresh.ok("import", kind, str(tmp_path / "calc" / name))
        copied = {c["title"]: c for c in fresh("card", "list", "--json").json()}
        assert set(copied) == set(original), kind
        for title, card in original.items():
            for key in ("column", "owner", "due", "priority", "tags", "description"):
                assert copied[title][key] == card[key], (kind, title, key)
