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
def test_every_json_command_writes_the_standard_librarys_bytes(cli: Cli, words: list[str]) -> None:
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


def test_a_stream_in_another_encoding_gets_the_document_through_print(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bytes go straight to a UTF-8 stream's buffer, after what was printed before; a stream without
    a buffer, or in another encoding, is written as text."""
    import io
    import sys

    value = {"title": "需求评审", "n": [1, 2]}
    print("before")
    emit_json(value)
    assert capsys.readouterr().out == "before\n" + stdlib(value)
    text = io.StringIO()
    monkeypatch.setattr(sys, "stdout", text)
    emit_json(value)
    assert text.getvalue() == stdlib(value)
    other = io.TextIOWrapper(io.BytesIO(), encoding="gb18030")
    monkeypatch.setattr(sys, "stdout", other)
    emit_json(value)
    other.flush()
    assert other.buffer.getvalue().decode("gb18030") == stdlib(value)
