"""Choosing the language, loading catalogs, and dates written (and read) in each language."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

import domain.i18n as i18n
from domain.dates import format_day, format_moment, format_record_day, format_record_moment, parse_date
from domain.i18n import (
    UnknownLanguageError,
    _,
    available_languages,
    current_language,
    match_language,
    ngettext,
    resolve_language,
    set_language,
    using_language,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRIDAY = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("zh-CN", "zh-CN"), ("zh_CN", "zh-CN"), ("zh_CN.UTF-8", "zh-CN"), ("zh_CN.utf8@latin", "zh-CN"),
        ("ZH-cn", "zh-CN"), ("zh", "zh-CN"), ("en", "en"), ("en_US.UTF-8", "en"), ("en-GB", "en"),
        ("C", "en"), ("POSIX", "en"), ("C.UTF-8", "en"),
        ("fr_FR.UTF-8", None), ("zh_TW", None), ("", None), ("klingon", None),
    ],
)  # fmt: skip
def test_language_names_in_every_form(value: str, tag: str | None) -> None:
    assert match_language(value) == tag


def test_the_order_is_lang_then_config_then_locale_then_english() -> None:
    env = {"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}
    assert resolve_language(None, None, env) == "zh-CN"
    assert resolve_language(None, "en", env) == "en"
    assert resolve_language("zh-CN", "en", {}) == "zh-CN"
    assert resolve_language(None, None, {}) == "en"
    # The first locale variable that is set decides, as the standard library's gettext does.
    assert resolve_language(None, None, {"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}) == "en"
    assert resolve_language(None, None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}) == "zh-CN"
    assert resolve_language(None, None, {"LANGUAGE": "fr:zh_CN:en", "LANG": "en_US.UTF-8"}) == "zh-CN"


def test_an_unknown_locale_falls_back_to_english_silently() -> None:
    assert resolve_language(None, None, {"LANG": "fr_FR.UTF-8"}) == "en"
    assert resolve_language(None, None, {"LANGUAGE": "de:fr", "LANG": "zh_CN.UTF-8"}) == "en"


@pytest.mark.parametrize(
    ("cli", "config", "where"), [("fr", None, "--lang"), (None, "fr", "config language")]
)
def test_an_unknown_named_language_is_an_error_listing_the_available(
    cli: str | None, config: str | None, where: str
) -> None:
    with pytest.raises(UnknownLanguageError) as caught:
        resolve_language(cli, config, {"LANG": "zh_CN.UTF-8"})
    assert str(caught.value) == f"{where}: unknown language 'fr'; available: en, zh-CN"


def test_set_language_translates_and_english_is_the_identity() -> None:
    assert _("Attendees") == "Attendees"
    assert set_language("zh_CN.UTF-8") == "zh-CN"
    assert current_language() == "zh-CN"
    assert _("Attendees") == "参会人员"
    assert _("a message nobody wrote") == "a message nobody wrote"
    assert ngettext("expected %s argument", "expected %s arguments", 2) == "需要 %s 个参数值"
    set_language("en")
    assert _("Attendees") == "Attendees"
    assert ngettext("expected %s argument", "expected %s arguments", 2) == "expected %s arguments"


def test_using_language_restores_the_one_before() -> None:
    with using_language("zh-CN") as tag:
        assert tag == "zh-CN"
        assert _("None.") == "无。"
    assert current_language() == "en"


@pytest.fixture
def french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A third language made the way a translator would: one new catalog folder, compiled by Babel."""
    catalog = Catalog(locale="fr_FR", domain="huddle")
    catalog.add("None.", "Aucun.")
    folder = tmp_path / "locale" / "fr_FR" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "huddle.po").write_text('msgid "None."\nmsgstr "Aucun."\n', encoding="utf-8")
    with (folder / "huddle.mo").open("wb") as out:
        write_mo(out, catalog)
    shutil.copytree(i18n.LOCALE_DIRS[1] / "zh_CN", tmp_path / "locale" / "zh_CN")
    monkeypatch.setattr(i18n, "LOCALE_DIRS", (tmp_path / "locale",))
    monkeypatch.setattr(i18n, "_FOLDERS", None)
    monkeypatch.setattr(i18n, "_CACHE", {})
    return tmp_path / "locale"


def test_a_new_catalog_folder_is_a_new_language(french: Path) -> None:
    assert available_languages() == ("en", "fr-FR", "zh-CN")
    assert match_language("fr") == "fr-FR"
    assert resolve_language(None, None, {"LANG": "fr_FR.UTF-8"}) == "fr-FR"
    with using_language("fr-FR"):
        assert _("None.") == "Aucun."


def test_the_installed_package_layout_is_found_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wheel carries the compiled catalogs inside ``domain/locale`` (setup.py); that folder wins."""
    packaged = tmp_path / "domain-locale"
    shutil.copytree(i18n.LOCALE_DIRS[1] / "zh_CN", packaged / "zh_CN", ignore=shutil.ignore_patterns("*.po"))
    monkeypatch.setattr(i18n, "LOCALE_DIRS", (packaged, tmp_path / "missing"))
    monkeypatch.setattr(i18n, "_FOLDERS", None)
    monkeypatch.setattr(i18n, "_CACHE", {})
    assert available_languages() == ("en", "zh-CN")
    with using_language("zh"):
        assert _("Agenda") == "议程"


def test_dates_as_each_language_writes_them() -> None:
    moment = datetime(2026, 12, 4, 6, 0, tzinfo=UTC)
    this_year, last_year = date(2026, 1, 10), date(2025, 12, 31)
    assert format_day(FRIDAY, today=this_year) == "Fri 4 Dec"
    assert format_day(FRIDAY, today=last_year) == "Fri 4 Dec 2026"
    assert format_day(FRIDAY) == "Fri 4 Dec 2026"
    assert format_moment(moment, SHANGHAI, today=this_year) == "Fri 4 Dec 14:00"
    assert format_record_day(FRIDAY) == "2026-12-04 (Fri)"
    assert format_record_moment(moment, SHANGHAI) == "2026-12-04 (Fri) 14:00"
    with using_language("zh-CN"):
        assert format_day(FRIDAY, today=this_year) == "12月4日 周五"
        assert format_day(FRIDAY, today=last_year) == "2026年12月4日 周五"
        assert format_moment(moment, SHANGHAI, today=this_year) == "12月4日 周五 14:00"
        assert format_record_day(FRIDAY) == "2026年12月4日 周五"
        assert format_record_moment(moment, SHANGHAI) == "2026年12月4日 周五 14:00"
        assert format_day(date(2026, 11, 30), today=this_year) == "11月30日 周一"


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_chinese_and_english_date_input_read_the_same_in_both_languages(language: str) -> None:
    wednesday = date(2026, 11, 25)
    with using_language(language):
        assert parse_date("下周一", wednesday) == date(2026, 11, 30)
        assert parse_date("周五", wednesday) == date(2026, 11, 27)
        assert parse_date("明天", wednesday) == date(2026, 11, 26)
        assert parse_date("next mon", wednesday) == date(2026, 11, 30)
        assert parse_date("fri", wednesday) == date(2026, 11, 27)
        assert parse_date("+2w", wednesday) == date(2026, 12, 9)


def test_an_uncompiled_catalog_is_an_error_when_named_and_english_when_only_the_locale_asks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A checkout where ``make`` never compiled the .po: the language exists, its .mo does not."""
    from domain.errors import ValidationError
    from tui.language import choose_language

    source = i18n.LOCALE_DIRS[1] / "zh_CN" / "LC_MESSAGES" / "huddle.po"
    folder = tmp_path / "locale" / "zh_CN" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    shutil.copy(source, folder / "huddle.po")
    monkeypatch.setattr(i18n, "LOCALE_DIRS", (tmp_path / "locale",))
    monkeypatch.setattr(i18n, "_FOLDERS", None)
    monkeypatch.setattr(i18n, "_CACHE", {})
    assert available_languages() == ("en", "zh-CN")
    assert choose_language([], {"LANG": "zh_CN.UTF-8"}) == "en"
    assert current_language() == "en"
    with pytest.raises(ValidationError, match=r"the zh-CN catalog is not compiled .*; run 'make i18n'"):
        choose_language(["--lang", "zh-CN"], {})
