"""Texts built in the domain and in outbound/ in zh-CN (issue 16): the generic text checks with their
field names, the open items of ``project close``, the demo's summary, export descriptions and push
reports, the "… and N more" of unknown people, meeting prep suggestions. English stays as it was and
``--json`` keeps its bytes."""

from __future__ import annotations

import pytest

from domain.errors import ValidationError
from domain.i18n import using_language
from domain.text import clean_handle, clean_text, clean_title
from tests.helpers.cli import Cli


def _message(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return str(caught.value)


def test_generic_text_checks_name_the_field_in_chinese() -> None:
    with using_language("zh-CN"):
        assert _message(clean_title, "  ") == "标题为空"
        assert _message(clean_title, "", "agenda item") == "议程项为空"
        assert _message(clean_title, "x" * 201) == "标题长 201 个字符；上限是 200"
        assert _message(clean_title, "a\nb", "column name") == "列名包含换行符（U+000A）；必须是一行"
        assert "控制字符（U+001B）" in _message(clean_text, "a\x1b[31m", "note")
        assert _message(clean_handle, "A B").startswith("用户名 'A B' 无效")
        # A name the catalog does not know (a flag) is shown as it is.
        assert _message(clean_title, "", "--milestone") == "--milestone为空"
    assert _message(clean_title, "  ") == "title is empty"
    assert (
        _message(clean_title, "a\nb", "column name")
        == "column name contains a line break (U+000A); it must be one line"
    )
    assert _message(clean_title, "x" * 201) == "title is 201 characters long; the limit is 200"


def test_a_service_error_names_the_field_in_chinese(cli: Cli) -> None:
    cli.ok("demo")
    chinese = cli("--lang", "zh-CN", "card", "edit", "RND-8", "--title", " ")
    english = cli("--lang", "en", "card", "edit", "RND-8", "--title", " ")
    assert chinese.code == english.code != 0
    assert "标题为空" in chinese.err, chinese.err
    assert "title is empty" in english.err, english.err


def test_project_close_lists_open_items_in_chinese_and_json_keeps_english(cli: Cli) -> None:
    cli.ok("demo")
    live = cli.ok("meeting", "start", "--title", "站会", "--attendee", "ann")
    chinese = cli("--lang", "zh-CN", "project", "close")
    english = cli("--lang", "en", "project", "close")
    assert chinese.code == english.code == 1
    assert "站会仍在进行中" in chinese.out, chinese.out
    assert "（缓解中）" in chinese.out or "（未关闭）" in chinese.out, chinese.out
    assert "站会 is still live" in english.out
    assert " (open)" in english.out or " (mitigating)" in english.out
    assert live in chinese.out
    as_json = [cli("--lang", lang, "project", "close", "--json").out for lang in ("en", "zh-CN")]
    assert as_json[0] == as_json[1]
    assert "站会 is still live" in as_json[0]


def test_demo_summary_in_chinese_and_english(cli: Cli) -> None:
    chinese = cli("--lang", "zh-CN", "demo")
    assert chinese.code == 0, chinese.err
    assert chinese.out.rstrip().endswith("：6 个部门、10 人、60 张卡片、12 个风险、2 次会议"), chinese.out
    english = cli("--lang", "en", "demo", "--force")
    assert english.out.rstrip().endswith(": 6 departments, 10 people, 60 cards, 12 risks, 2 meetings")
    again = cli("--lang", "zh-CN", "demo")
    assert again.code == 1
    assert "已有数据；使用 'huddle demo --force' 以演示项目替换它" in again.err, again.err
    # The demo's data is the same whatever the language.
    typed = ("title", "dept", "column", "owner", "tags", "blocked_reason")
    after_english = {k: v for k, v in cli("card", "show", "RND-8", "--json").json().items() if k in typed}
    cli.ok("--lang", "zh-CN", "demo", "--force")
    after_chinese = {k: v for k, v in cli("card", "show", "RND-8", "--json").json().items() if k in typed}
    assert after_chinese == after_english
    assert "title" in after_chinese
