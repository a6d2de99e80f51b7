"""Board set-up services on both backends: columns, department rename, person edit."""

from __future__ import annotations

import pytest

from domain import rules
from domain.errors import ConflictError, NotFoundError, ValidationError
from domain.models import DONE_COLUMN, Column
from domain.services import Services


def column_names(services: Services, dept: str = "OPS") -> list[str]:
    return [c.name for c, _ in services.directory.columns(dept)[1]]


def test_rename_column_moves_its_cards_in_one_activity_entry(seeded: Services) -> None:
    card = seeded.cards.add("OPS", "Label racks", column="Doing")
    seeded.directory.rename_column("ops", "doing", "进行中")
    assert seeded.cards.get(card.id).column == "进行中"
    assert "Doing" not in column_names(seeded)
    entries = [
        a for a in seeded.directory.store.snapshot().activity.recent(5) if a.action == "column renamed"
    ]
    assert [e.detail for e in entries] == ["Doing -> 进行中"]


def test_case_only_rename_is_allowed(seeded: Services) -> None:
    seeded.directory.rename_column("OPS", "To do", "TO DO")
    assert column_names(seeded)[1] == "TO DO"


def test_add_move_and_remove_keep_order(seeded: Services) -> None:
    seeded.directory.add_column("OPS", "QA", wip_limit=2, before="Review")
    assert column_names(seeded) == ["Backlog", "To do", "Doing", "QA", "Review", "Done"]
    seeded.directory.move_column("OPS", "Done", before="Backlog")
    seeded.directory.move_column("OPS", "To do")
    assert column_names(seeded) == ["Done", "Backlog", "Doing", "QA", "Review", "To do"]
    seeded.directory.remove_column("OPS", "QA")
    assert "QA" not in column_names(seeded)


def test_remove_is_refused_with_the_count(seeded: Services) -> None:
    seeded.cards.add("OPS", "second")
    with pytest.raises(ConflictError, match="2 cards are still in it"):
        seeded.directory.remove_column("OPS", "Backlog")
    assert "Backlog" in column_names(seeded)


def test_done_column_keeps_its_name(seeded: Services) -> None:
    with pytest.raises(ConflictError, match="marks cards as done"):
        seeded.directory.rename_column("OPS", "Done", "Closed")
    with pytest.raises(ConflictError, match="marks cards as done"):
        seeded.directory.remove_column("OPS", "done")
    assert DONE_COLUMN in column_names(seeded)


def test_unknown_and_duplicate_columns(seeded: Services) -> None:
    with pytest.raises(NotFoundError, match="known: Backlog"):
        seeded.directory.move_column("OPS", "Nope")
    with pytest.raises(ConflictError, match="already has a column 'Review'"):
        seeded.directory.add_column("OPS", " review ")
    with pytest.raises(ValidationError):
        seeded.directory.add_column("OPS", "X", wip_limit=0)


def test_rename_department_moves_cards_and_people(seeded: Services) -> None:
    dept = seeded.directory.rename_department("Operations", "运维部")
    assert (dept.name, dept.key) == ("运维部", "OPS")
    assert {c.dept for c in seeded.cards.list() if c.id.startswith("OPS-")} == {"运维部"}
    assert seeded.directory.person("ann").dept == "运维部"
    assert sorted(d.name for d in seeded.directory.departments()) == sorted(["运维部", "市场部"])
    with pytest.raises(ConflictError):
        seeded.directory.rename_department("运维部", "市场部")


def test_edit_person(seeded: Services) -> None:
    person = seeded.directory.edit_person("wei", name="李 伟", dept="Operations")
    assert (person.name, person.dept, person.email) == ("李 伟", "Operations", "wei@example.com")
    assert seeded.directory.edit_person("wei", clear_dept=True).dept is None
    with pytest.raises(ValidationError, match="nothing to change"):
        seeded.directory.edit_person("wei")


def test_pure_rules() -> None:
    cols = (Column("A"), Column("B"), Column("C"))
    assert [c.name for c in rules.place_column(cols, cols[2], cols[0])] == ["C", "A", "B"]
    assert [c.name for c in rules.place_column(cols, cols[0], None)] == ["B", "C", "A"]
    assert rules.check_wip_value(0) is None
    assert rules.check_wip_value(4) == 4
    with pytest.raises(ValidationError):
        rules.check_wip_value(-1)
