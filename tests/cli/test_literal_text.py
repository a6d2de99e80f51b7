"""Legitimate text is accepted and kept literally, in every text field, through services and the CLI.

Text pasted from Word, web pages and right-to-left scripts carries invisible characters; each of
them must come back exactly from the JSON file and from PostgreSQL's jsonb (and from ``--json``), and
bidi overrides and isolates, stored as typed, must never reach the terminal when the text is drawn
(drawing reads what the storage tests show comes back exactly: it runs on the file).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from domain.services import Services
from domain.text import BIDI_CONTROLS, REPLACEMENT, printable
from storage import open_store
from tests.helpers.cli import Cli
from tests.helpers.clock import FixedClock
from tests.helpers.workspace import make_services

PASTED = {
    "zero-width space": "\u200b",
    "soft hyphen": "\u00ad",
    "byte-order mark": "\ufeff",
    "left-to-right mark": "\u200e",
    "right-to-left mark": "\u200f",
    "Arabic letter mark": "\u061c",
    "word joiner": "\u2060",
    "flag tag sequence": "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "zero-width joiner": "\U0001f469\u200d\U0001f4bb",
    "zero-width non-joiner": "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
    "variation selector 16": "\u2764\ufe0f",
    "variation selector 15": "\u2603\ufe0e",
    "skin tone": "\U0001f44b\U0001f3fd",
    "right-to-left override": "\u202eabc\u202c",
    "left-to-right isolate": "\u2066abc\u2069",
    "first-strong isolate": "\u2068\u05e9\u05dc\u05d5\u05dd\u2069",
}
"""What people paste, by name; each is put inside Chinese and Latin text (``周报{char}Q4``)."""
SAMPLES = [pytest.param(f"周报{chars}Q4", id=name) for name, chars in PASTED.items()]


def _strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def fill_every_field(services: Services, text: str) -> None:
    """Put ``text`` into every text field a person can type into."""
    d, c, r, m = services.directory, services.cards, services.risks, services.meetings
    d.add_department(f"部门{text}", key="OPS")
    d.add_person("ann", f"Ann {text}", "ann@example.com", dept=f"部门{text}")
    d.update_project(name=f"项目{text}", vision=f"愿景\n{text}")
    d.add_goal(f"目标{text}", metric=f"指标{text}", target=f"值{text}", deadline=date(2026, 12, 31))
    card = c.add(f"部门{text}", f"卡片{text}", owner="ann")
    c.edit(
        card.id,
        {"description": f"说明\n{text}", "tags": [f"标签{text}"], "blocked_reason": f"等待{text}"},
    )
    risk = r.add(f"风险{text}", 3, 4, owner="ann")
    r.edit(
        risk.id,
        {
            "description": f"描述{text}",
            "category": f"类别{text}",
            "mitigation": f"缓解{text}",
            "contingency": f"预案{text}",
            "trigger": f"触发{text}",
        },
    )
    meeting = m.start(
        f"周会{text}",
        attendees=["ann"],
        series=f"系列{text}",
        agenda=[(f"议程{text}", 10)],
        place=f"会议室{text}",
    )
    m.note(meeting.id, f"笔记{text}")
    m.decide(meeting.id, f"决定{text}")
    m.action(meeting.id, "ann", date(2026, 12, 1), f"行动{text}")
    services.records.request_change(f"变更{text}", f"原因{text}")


def test_every_pasted_character_is_listed() -> None:
    """The list covers each kind the product promises to keep (README.md, "Text people type, and errors")."""
    assert len(PASTED) == 16


def _stored_strings(target: str | Path) -> list[str]:
    """Every string of every stored document: the file's JSON, or the database's documents."""
    if isinstance(target, Path):
        return list(_strings(json.loads(target.read_text(encoding="utf-8"))))
    from storage import transfer
    from storage.postgres import PgStore

    store = PgStore(target)
    try:
        return list(_strings(transfer.dump(store).tables))
    finally:
        store.close()


@pytest.fixture(params=["json", "postgres"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """A data file, or the URL of a fresh database."""
    if request.param == "postgres":
        return str(request.getfixturevalue("pg_url"))
    return tmp_path / "team.json"


@pytest.fixture
def cli(backend_cli: Cli) -> Cli:
    return backend_cli


@pytest.mark.parametrize("text", SAMPLES)
def test_services_keep_text_literally_through_the_store(
    text: str, target: str | Path, clock: FixedClock
) -> None:
    fill_every_field(make_services(open_store(target), clock), text)
    fresh = make_services(open_store(target), clock)  # a new process would see this
    project = fresh.directory.project()
    card = fresh.cards.list()[0]
    risk = fresh.risks.list()[0]
    meeting = fresh.meetings.list()[0]
    change = fresh.records.change_requests()[0]
    found = [
        fresh.directory.departments()[0].name,
        fresh.directory.people()[0].name,
        project.name,
        project.vision,
        *(project.goals[0].text, project.goals[0].metric, project.goals[0].target),
        card.title,
        card.description,
        *card.tags,
        card.blocked_reason,
        risk.title,
        risk.description,
        risk.category,
        risk.mitigation,
        risk.contingency,
        risk.trigger,
        meeting.title,
        meeting.series,
        meeting.place,
        meeting.agenda[0].title,
        *(n.text for n in meeting.notes),
        meeting.decisions[0].text,
        meeting.actions[0].text,
        change.title,
        change.description,
    ]
    assert len(found) == 28
    for value in found:
        assert value.endswith(text), value
    if isinstance(target, Path):
        assert target.read_text(encoding="utf-8").count(text) >= 28  # stored as typed, not escaped
    stored = _stored_strings(target)
    assert sum(text in s for s in stored) >= 28  # and not normalised


def _cli_fill(cli: Cli, text: str) -> None:
    cli.ok("dept", "add", f"部门{text}", "--key", "OPS")
    cli.ok("person", "add", "ann", "--name", f"Ann {text}", "--email", "ann@example.com", "--dept", "OPS")
    cli.ok("project", "set", "--name", f"项目{text}", "--vision", f"愿景{text}")
    cli.ok("project", "goal", f"目标{text}", "--metric", f"指标{text}", "--target", f"值{text}")
    cli.ok(
        "card", "add", "--dept", "OPS", "--title", f"卡片{text}", "--description", f"说明{text}",
        "--tag", f"标签{text}", "--blocked-reason", f"等待{text}",
    )  # fmt: skip
    cli.ok(
        "risk", "add", "--title", f"风险{text}", "--probability", "3", "--impact", "4",
        "--description", f"描述{text}", "--category", f"类别{text}", "--mitigation", f"缓解{text}",
        "--contingency", f"预案{text}", "--trigger", f"触发{text}",
    )  # fmt: skip
    cli.ok(
        "meeting", "start", "--title", f"周会{text}", "--attendee", "ann", "--series", f"系列{text}",
        "--agenda", f"议程{text}:15", "--place", f"会议室{text}",
    )  # fmt: skip
    cli.ok("meeting", "note", "M-1", f"笔记{text}")
    cli.ok("meeting", "decide", "M-1", f"决定{text}")
    cli.ok("meeting", "action", "M-1", "--owner", "ann", "--due", "fri", f"行动{text}")
    cli.ok("change", "request", "--title", f"变更{text}", "--description", f"原因{text}")


@pytest.mark.parametrize("text", SAMPLES)
def test_cli_keeps_text_literally(cli: Cli, text: str) -> None:
    _cli_fill(cli, text)
    documents = [
        cli(*words, "--json").json()
        for words in (
            ("dept", "list"),
            ("person", "list"),
            ("project", "show"),
            ("card", "list"),
            ("risk", "list"),
            ("meeting", "show", "M-1"),
            ("change", "list"),
            ("decision", "list"),
        )
    ]
    values = [s for doc in documents for s in _strings(doc) if s.endswith(text)]
    # dept, person, project name + vision + goal (3), card title/description/tag/reason (+ the action's
    # card), risk 6, meeting title/series/place/agenda/note/decision/action, change 2, decision log
    assert len(values) >= 29, values
    if cli.url is None:
        assert cli.db.read_text(encoding="utf-8").count(text) >= 28
    assert sum(text in s for s in _stored_strings(cli.url or cli.db)) >= 28


@pytest.mark.parametrize("text", SAMPLES)
def test_cli_draws_text_without_reordering_the_terminal(file_cli: Cli, text: str) -> None:
    """Tables and ``show`` keep the invisible characters people typed, but never a bidi control."""
    cli = file_cli
    _cli_fill(cli, text)
    views = [("card", "list"), ("card", "show", "OPS-1"), ("risk", "show", "R-1"), ("meeting", "show", "M-1")]
    views += [("project", "show"), ("change", "list"), ("person", "list"), ("activity",)]
    for words in views:
        result = cli(*words)
        assert result.code == 0, result.err
        assert not BIDI_CONTROLS & set(result.out), words
        assert printable(text) in result.out, words
        assert "\x1b" not in result.out


def test_printable_neutralises_only_what_moves_the_terminal() -> None:
    for name, chars in PASTED.items():
        shown = printable(chars)
        if BIDI_CONTROLS & set(chars):
            assert REPLACEMENT in shown, name
            assert not BIDI_CONTROLS & set(shown), name
        else:
            assert shown == chars, name
    assert printable("a\x1b[2Jb\x9bc\u2028d") == f"a{REPLACEMENT}[2Jb{REPLACEMENT}c d"
    assert printable("a\u2028b\r\nc", keep_newlines=True) == "a\nb \nc"
