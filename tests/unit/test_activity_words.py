"""Every activity verb the services record is shown in Chinese, by the TUI and the CLI alike."""

from __future__ import annotations

import ast
from pathlib import Path

from domain.i18n import using_language
from tui.views.plan import activity_text

SERVICES = Path(__file__).resolve().parents[2] / "domain" / "services"


def recorded_actions() -> set[str]:
    """The literal ``action`` of every ``self.record(uow, entity, id, action, ...)`` in the services."""
    actions: set[str] = set()
    for path in SERVICES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and len(node.args) >= 4
                and isinstance(node.args[3], ast.Constant)
                and isinstance(node.args[3].value, str)
            ):
                actions.add(node.args[3].value)
    return actions


def test_the_services_record_actions() -> None:
    assert {"created", "moved", "edited", "deleted"} <= recorded_actions()


def test_every_recorded_action_has_a_chinese_word() -> None:
    with using_language("zh_CN"):
        untranslated = sorted(a for a in recorded_actions() if activity_text(a) == a)
    assert untranslated == []


def test_an_unknown_action_is_shown_as_stored() -> None:
    with using_language("zh_CN"):
        assert activity_text("teleported") == "teleported"
