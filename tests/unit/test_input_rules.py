"""Input rules outside the CLI table: config types, the acting handle, date and zone ranges, names."""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from domain.dates import EARLIEST, LATEST, get_zone, local_zone_name, parse_date, parse_datetime
from domain.errors import ValidationError
from domain.text import clean_email, excerpt, handle_from_login, printable, quoted
from outbound.exporting import MAX_STEM_BYTES, check_destination, safe_filename, write_file
from outbound.settings import check_caldav_url
from tui.config import Settings, load_settings, resolve_user

README = Path(__file__).parents[2] / "README.md"
TODAY = date(2026, 11, 25)


def _load(tmp_path: Path, text: str) -> Settings:
    path = tmp_path / "huddle.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


class TestConfig:
    def test_the_readme_example_is_valid(self, tmp_path: Path) -> None:
        block = re.search(r"## Configuration.*?```toml\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
        assert block is not None
        settings = _load(tmp_path, block.group(1))
        assert settings.smtp.port == 587
        assert settings.keymap == {"board.move-right": "L"}

    def test_numbers_for_a_float_and_paths_expanded(self, tmp_path: Path) -> None:
        settings = _load(tmp_path, 'poll_seconds = 2\ndb = "~/team.json"\n[smtp]\ntimeout = 5\n')
        assert settings.poll_seconds == 2.0
        assert isinstance(settings.poll_seconds, float)
        assert settings.db == Path("~/team.json").expanduser()

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("risk_amber = true\n", "risk_amber must be a whole number, not true or false"),
            ('poll_seconds = "1"\n', "poll_seconds must be a number, not a string"),
            ("[smtp]\nport = 2.5\n", "port must be a whole number, not a number"),
            ('keymap = "x"\n', "[keymap] must be a table of strings"),
            ("[caldav]\nurl = 5\n", "url must be a string"),
            ('user = "Ann Lee"\n', "user 'Ann Lee' is not valid"),
            ("caldav = []\n", "[caldav] must be a table, not a list"),
        ],
    )
    def test_wrong_types_name_the_key(self, tmp_path: Path, text: str, message: str) -> None:
        with pytest.raises(ValidationError, match=re.escape(message)):
            _load(tmp_path, text)

    def test_caldav_urls(self) -> None:
        assert check_caldav_url("https://cal.example.com/dav/", "c") == "https://cal.example.com/dav/"
        for url in (
            "https://team:hunter2@cal.example.com/",
            "https://:hunter2@cal.example.com/",
            "https://team@x.example/",
        ):
            with pytest.raises(ValidationError, match="must not hold a login or password") as caught:
                check_caldav_url(url, "c")
            assert "hunter2" not in str(caught.value)


class TestActingHandle:
    def test_order_and_rules(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("HUDDLE_USER", "Li.Wei")
        assert resolve_user(None, Settings(user="ann")) == "li.wei"
        assert resolve_user("@Bob", Settings()) == "bob"
        monkeypatch.setenv("HUDDLE_USER", "ann (root)")
        with pytest.raises(ValidationError, match="HUDDLE_USER 'ann \\(root\\)' is not valid"):
            resolve_user(None, Settings())

    @pytest.mark.parametrize(
        ("login", "handle"),
        [("John.Doe", "john.doe"), ("CORP\\jdoe", "corp-jdoe"), ("jdoe@corp.example", "jdoe-corp.example")],
    )
    def test_a_login_name_that_is_not_a_handle_is_derived(
        self, monkeypatch: pytest.MonkeyPatch, login: str, handle: str
    ) -> None:
        monkeypatch.delenv("HUDDLE_USER", raising=False)
        monkeypatch.setenv("LOGNAME", login)
        assert resolve_user(None, Settings()) == handle
        assert handle_from_login(login) == handle

    def test_a_login_name_with_nothing_usable_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="gives no valid handle; set one with --user"):
            handle_from_login("李伟")


class TestRanges:
    def test_dates_out_of_range_are_refused(self) -> None:
        assert parse_date("2999-12-31", TODAY) == LATEST
        assert parse_date("1900-01-01", TODAY) == EARLIEST
        assert parse_date("+9999w", TODAY).year == 2218
        for typed in ("9999-12-31", "0001-01-01", "3000-01-01"):
            with pytest.raises(ValidationError, match="out of range"):
                parse_date(typed, TODAY)
        with pytest.raises(ValidationError, match="out of range"):
            parse_datetime("9999-12-31 23:00", TODAY, get_zone("Asia/Shanghai"))

    @pytest.mark.parametrize(
        "name", ["Asia/" * 80 + "Shanghai", "../../etc/passwd", "/etc/localtime", "a\x00b"]
    )
    def test_bad_zone_names_are_one_clear_error(self, name: str) -> None:
        with pytest.raises(ValidationError, match="unknown time zone") as caught:
            get_zone(name)
        assert len(str(caught.value)) < 140

    def test_a_bad_tz_variable_falls_back(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """TZ may hold a POSIX rule ("CST-8") legitimately: it is not refused, the system zone is used."""
        monkeypatch.setenv("TZ", "Asia/" * 80 + "Shanghai")
        assert get_zone(local_zone_name())
        monkeypatch.setenv("TZ", "Europe/Paris")
        assert local_zone_name() == "Europe/Paris"


class TestExcerptsAndAddresses:
    def test_excerpt_is_short_and_printable(self) -> None:
        assert excerpt("x" * 100) == "x" * 40 + "…"
        assert quoted("a\x1b[2J\u202e") == "'a\ufffd[2J\ufffd'"

    @pytest.mark.parametrize(
        "address",
        ["a\x07@b.example", "a@b\u200b.example", "a@b.example\u202e", "a\u2028@b.example", "a@b..example"],
    )
    def test_addresses_with_any_control_or_format_character_are_refused(self, address: str) -> None:
        with pytest.raises(ValidationError, match="is not valid"):
            clean_email(address)

    def test_international_addresses_are_accepted(self) -> None:
        assert clean_email("李伟@例子.中国") == "李伟@例子.中国"


class TestExportNames:
    def test_names_are_cut_in_bytes_and_still_fit_with_copies_and_temp_files(self, tmp_path: Path) -> None:
        name = safe_filename("M-3 " + "会议纪要" * 40, ".docx")
        stem = name.removesuffix(".docx")
        assert len(stem.encode()) <= MAX_STEM_BYTES
        assert stem.startswith("M-3-会议纪要")
        copy = tmp_path / f"{stem}-99.docx"
        write_file(copy, b"x", force=False)
        assert copy.read_bytes() == b"x"
        assert len(os.fsencode(copy.name)) <= 255

    def test_a_name_over_the_limit_is_refused_clearly(self, tmp_path: Path) -> None:
        with pytest.raises(ValidationError, match=r"bytes long; the limit is 241 bytes"):
            check_destination(tmp_path / ("字" * 81 + ".ics"), force=False)
        assert list(tmp_path.iterdir()) == []


def test_printable_returns_text_that_str_isprintable_passes_unchanged_and_only_that() -> None:
    """``printable``'s shortcut (``str.isprintable``) skips no character the loop would replace: every
    code point that ``isprintable`` passes is drawn by the loop as it is."""
    from domain.text import BIDI_CONTROLS, LINE_BREAKS

    replaced = LINE_BREAKS | BIDI_CONTROLS | {"\t"}
    for code in range(0x110000):
        ch = chr(code)
        if ch.isprintable():
            assert ch not in replaced, hex(code)
            assert unicodedata.category(ch) not in ("Cc", "Cs"), hex(code)
    assert printable("预算 \u202e评审\t#1") == "预算 \ufffd评审 #1"
