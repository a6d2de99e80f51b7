"""Importing real sample files (tests/data/) through the services: what each source keeps, re-imports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from domain.models import Card, Priority
from domain.services import Services
from importers import read_source
from importers.model import SourceBatch
from importers.plan import COMMENTS_HEADING, apply_import, plan_import
from tests.helpers.clock import ZONE

DATA = Path(__file__).resolve().parents[1] / "data"
SHEETS = [
    ("csv", "tasks-utf8.csv", " 𠮷"),
    ("csv", "tasks-utf8-bom.csv", " 𠮷"),
    ("csv", "tasks-gb18030.csv", " 𠮷"),
    ("csv", "tasks-gbk.csv", ""),
    ("csv", "tasks-excel-semicolon.csv", " 𠮷"),
    ("csv", "tasks-excel-unicode.txt", " 𠮷"),
    ("xlsx", "tasks-openpyxl.xlsx", " 𠮷"),
    ("xlsx", "tasks-libreoffice.xlsx", " 𠮷"),
]


def read(kind: str, name: str) -> SourceBatch:
    return read_source(kind, (DATA / name).read_bytes(), name, zone=ZONE)


def by_title(services: Services) -> dict[str, Card]:
    return {c.title: c for c in services.cards.list()}


@pytest.mark.parametrize(("kind", "name", "rare"), SHEETS)
def test_every_sheet_encoding_and_dialect_imports_the_same_four_tasks(
    services: Services, kind: str, name: str, rare: str
) -> None:
    services.directory.add_person("ann", "Ann Lee", "ann@example.com")
    plan = apply_import(services, read(kind, name), dept="研发部")

    assert plan.applied
    assert (plan.count("create"), plan.departments) == (4, ("研发部",))
    cards = by_title(services)
    api, test, release, manual = (
        cards[t] for t in ("API 接口开发", f"联调测试{rare}", "发布上线", '写 "用户手册"')
    )
    assert (api.column, api.owner, api.due, api.priority) == (
        "Doing",
        "li.wei",
        date(2026, 12, 1),
        Priority.HIGH,
    )
    assert api.description == "接口文档见 wiki\n第二行", "a quoted newline stays inside its cell"
    assert api.tags == ("api", "后端"), "a full-width comma separates tags"
    assert (test.owner, test.due, test.blocked_by) == ("ann", date(2026, 12, 5), (api.id,))
    assert release.due == date(2026, 12, 10)
    assert release.blocked_by == (api.id, test.id)
    assert release.priority == Priority.URGENT
    assert (manual.column, manual.progress, manual.owner) == ("Done", 100, None)
    assert {c.source for c in cards.values()} == {"sheet"}
    to_do = [c.title for c in services.cards.list(dept="研发部") if c.column == "To do"]
    assert to_do == [test.title, release.title], "rows keep their order in the column"
    assert test.rank < release.rank
    assert {p.handle for p in services.directory.people()} >= {"li.wei", "ann"}
    wang = next(p for p in services.directory.people() if p.name == "王芳")
    assert release.owner == wang.handle
    assert wang.email.endswith("@import.invalid")


def test_reimporting_the_same_sheet_updates_instead_of_duplicating(services: Services) -> None:
    first = apply_import(services, read("csv", "tasks-utf8.csv"), dept="研发部")
    again = apply_import(services, read("csv", "tasks-utf8.csv"), dept="研发部")

    assert first.count("create") == 4
    assert (again.count("create"), again.count("update"), again.count("unchanged")) == (0, 0, 4)
    assert len(services.cards.list()) == 4
    assert len(services.directory.people()) == 3

    edited = (DATA / "tasks-utf8.csv").read_bytes().replace(b"2026/12/5", b"2026-12-06")
    edited = edited.replace("进行中".encode(), "完成".encode())
    third = apply_import(services, read_source("csv", edited, "tasks.csv", zone=ZONE), dept="研发部")

    changed = {s.title: s.changes for s in third.cards if s.action == "update"}
    assert changed == {"API 接口开发": ("column",), "联调测试 𠮷": ("due",)}
    ids = {c.title: c.id for c in services.cards.list()}
    assert f"  ~ {ids['联调测试 𠮷']} 联调测试 𠮷: due: 2026-12-05 → 2026-12-06" in third.lines()
    assert f"  ~ {ids['API 接口开发']} API 接口开发: column: Doing → Done" in third.lines()
    cards = by_title(services)
    assert cards["联调测试 𠮷"].due == date(2026, 12, 6)
    assert (cards["API 接口开发"].column, cards["API 接口开发"].progress) == ("Done", 100)
    assert len(services.cards.list()) == 4


def test_the_plan_changes_nothing(services: Services) -> None:
    before = services.store.version()
    plan = plan_import(read("csv", "tasks-utf8.csv"), services.store.snapshot(), dept="研发部")

    assert plan.count("create") == 4
    assert not plan.applied
    assert [p.name for p in plan.people] == ["li.wei", "ann", "王芳"]
    assert services.store.version() == before
    assert services.cards.list() == []


def test_a_trello_board_keeps_lists_members_labels_checklists_and_comments(services: Services) -> None:
    plan = apply_import(services, read("trello", "trello-board-zh.json"))

    assert plan.departments == ("发布计划",)
    assert plan.columns == (("发布计划", "测试"),), "a list with no matching column becomes one"
    lost = "\n".join(plan.lost)
    assert "1 archived card(s)" in lost
    assert "1 attachment(s)" in lost
    cards = by_title(services)
    assert "旧版兼容（已归档）" not in cards
    notes = cards["准备发布说明"]
    assert (notes.column, notes.owner, notes.responsible) == ("To do", "liwei8", ("liwei8", "annlee"))
    assert (notes.due, notes.start, notes.tags) == (date(2026, 12, 3), date(2026, 11, 30), ("紧急",))
    assert notes.description == (
        f"中英文各一份\n附截图\n\n{COMMENTS_HEADING}\n2026-11-25 李伟: 初稿已放在共享盘\n"
        "2026-11-26 Ann Lee: English notes attached."
    ), "comments come oldest first, after the description"
    assert (cards["中文版"].parent, cards["中文版"].column) == (notes.id, "Done")
    assert (cards["英文版"].parent, cards["英文版"].column) == (notes.id, "To do")
    assert cards["性能压测"].tags == ("green",), "a label without a name keeps its colour"
    assert cards["安全评审"].due == date(2026, 12, 9), "a due instant is a date in the project's zone"
    assert cards["安全评审"].column == "测试"

    existing = services.cards.add("发布计划", "已有的卡片")
    again = apply_import(services, read("trello", "trello-board-zh.json"))
    assert (again.count("create"), again.count("unchanged")) == (0, 5)
    services.cards.delete(existing.id)
    assert len(services.cards.list()) == 5


def test_the_nextcloud_deck_trello_fixture_imports(services: Services) -> None:
    plan = apply_import(services, read("trello", "trello-nextcloud-deck.json"), dept="Deck")

    assert plan.count("create") == 1
    (card,) = services.cards.list()
    assert (card.title, card.dept, card.column, card.source) == (
        "Name Card 7", "Deck", "To do", "trello:fakeboardidhash",
    )  # fmt: skip


def test_a_jira_export_keeps_parents_links_labels_sprints_and_comments(services: Services) -> None:
    plan = apply_import(services, read("jira", "jira-export.csv"))

    assert plan.departments == ("支付",)
    cards = {c.source_id: c for c in services.cards.list()}
    epic, story, sub = cards["PAY-1"], cards["PAY-2"], cards["PAY-3"]
    assert story.parent == epic.id
    assert sub.parent == story.id
    assert story.blocked_by == (epic.id,), "PAY-1's outward link and PAY-2's inward link are one dependency"
    assert sub.blocked_by == (story.id,)
    assert story.tags == ("payments", "ios", "PAY Sprint 1", "PAY Sprint 2")
    assert (story.due, story.start, story.estimate) == (date(2026, 3, 20), date(2026, 3, 10), 1.0)
    assert story.priority == Priority.URGENT
    assert story.description.endswith("Sandbox keys are in the vault")
    assert "13/Mar/26 10:00 AM 712020:bb: 先做沙箱环境" in story.description
    assert epic.description.startswith('Rework the checkout flow.\n\nSee the "design" doc.')
    assert (epic.column, story.column, sub.column) == ("Doing", "To do", "Done")
    assert "1 'Blocks' link(s) to issues not in the file: not imported" in plan.lost
    assert "column 'Watchers': not imported" in plan.lost

    again = apply_import(services, read("jira", "jira-export.csv"))
    assert again.count("unchanged") == 3


def test_people_are_matched_by_handle_email_or_name(services: Services) -> None:
    d = services.directory
    d.add_person("li.wei", "李伟", "li.wei@example.com")
    d.add_person("ann", "Ann Lee", "ann@example.com")
    d.add_person("wang", "王芳", "wang@example.com")
    plan = plan_import(read("csv", "tasks-utf8.csv"), services.store.snapshot(), dept="研发部")

    assert plan.people == ()
    owners = [s.values["owner"] for s in plan.cards]
    assert owners == ["li.wei", "ann", "wang", None]


def test_a_card_moved_after_import_is_updated_in_place(services: Services) -> None:
    apply_import(services, read("csv", "tasks-utf8.csv"), dept="研发部")
    card = by_title(services)["发布上线"]
    services.cards.edit(card.id, {"title": "发布上线（改名）"})

    plan = apply_import(services, read("csv", "tasks-utf8.csv"), dept="研发部")

    assert [s.changes for s in plan.cards if s.action == "update"] == [("title",)]
    assert services.cards.get(card.id).title == "发布上线"
    assert replace(services.cards.get(card.id), updated_at=None).source_id == "T3"


def test_imported_cards_go_below_the_cards_already_in_the_column(services: Services) -> None:
    services.directory.add_department("Operations", key="OPS")
    first = services.cards.add("OPS", "already here", column="To do")
    sheet = "标题,状态\n新一,待办\n新二,待办\n".encode()

    apply_import(services, read_source("csv", sheet, "new.csv", zone=ZONE), dept="OPS")

    column = [c.title for c in services.cards.list(dept="OPS") if c.column == "To do"]
    assert column == ["already here", "新一", "新二"]
    assert services.cards.get(first.id).rank < min(c.rank for c in services.cards.list() if c.id != first.id)


def test_a_reimport_leaves_cards_on_the_board_they_were_moved_to(services: Services) -> None:
    apply_import(services, read("jira", "jira-export.csv"))
    services.directory.add_department("财务部", key="FIN")
    story = next(c for c in services.cards.list() if c.source_id == "PAY-2")
    with services.store.transaction() as uow:
        uow.cards.put(replace(story, dept="财务部"))

    plan = apply_import(services, read("jira", "jira-export.csv"), dept="新部门")

    assert plan.departments == (), "no department is made for cards that already exist"
    assert plan.count("unchanged") == 3
    assert services.cards.get(story.id).dept == "财务部"


def test_jira_server_parent_id_and_semicolon_dialect(services: Services) -> None:
    """Jira Server names the column ``Parent id``; an export re-saved by Excel in Europe uses ``;``."""
    sheet = (
        "Summary;Issue key;Issue id;Parent id;Status;Labels;Labels;Project name\r\n"
        "父任务;OPS-7;20007;;Open;a;b;运维\r\n"
        "子任务;OPS-8;20008;20007;Closed;;;运维\r\n"
    ).encode("utf-8-sig")
    apply_import(services, read_source("jira", sheet, "server.csv", zone=ZONE))

    cards = {c.source_id: c for c in services.cards.list()}
    assert cards["OPS-8"].parent == cards["OPS-7"].id
    assert (cards["OPS-7"].column, cards["OPS-8"].column) == ("To do", "Done")
    assert cards["OPS-7"].tags == ("a", "b")
    assert cards["OPS-7"].source == "jira"
