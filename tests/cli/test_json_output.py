"""``--json`` is written by orjson now; its bytes must stay those of ``json.dumps(..., ensure_ascii=False,
indent=2)``, which scripts and earlier releases saw (key order, two-space indent, Chinese unescaped)."""

from __future__ import annotations

import json

import pytest

from tests.helpers.cli import Cli
from tui.cli.output import emit_json


def stdlib(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize(
    "words",
    [
        ["card", "list", "--json"],
        ["card", "show", "RND-1", "--json"],
        ["dept", "list", "--json"],
        ["person", "list", "--json"],
        ["risk", "list", "--json"],
        ["meeting", "list", "--json"],
        ["milestone", "list", "--json"],
        ["milestone", "path", "--json"],
        ["project", "show", "--json"],
        ["project", "goals", "--json"],
        ["change", "list", "--json"],
        ["decision", "list", "--json"],
        ["activity", "--limit", "20", "--json"],
        ["meeting", "prep", "--json"],
    ],
    ids=lambda words: "-".join(w for w in words if not w.startswith("-"))[:30],
)
def test_every_json_command_writes_the_standard_librarys_bytes(backend_cli: Cli, words: list[str]) -> None:
    cli = backend_cli  # the documents come back from either backend: the bytes must not differ
    cli.ok("demo")
    result = cli(*words)
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert document or words[0] in ("change", "milestone", "project"), "an empty document proves little"
    assert result.out == stdlib(document)


def test_chinese_emoji_control_escapes_and_empty_containers_match(capsys: pytest.CaptureFixture[str]) -> None:
    value: dict[str, object] = {
        "title": '需求评审 👩‍💻 \u200b\u00ad\ufeff \u2028 "quoted" back\\slash \t tab \x1b esc',
        "nested": [{"empty_list": [], "empty_map": {}}, None, True, False, 0, -3, 2.5, 1000000000000.0],
        "zone": "Asia/Shanghai",
    }
    emit_json(value)
    out = capsys.readouterr().out
    assert out == stdlib(value)
    assert "需求评审" in out
    assert "\\u001b" in out  # the control character is escaped, as before
