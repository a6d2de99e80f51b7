"""Typed dates and times (``domain/dates.py``) and typed text (``domain/text.py``)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.dates import DATE_FORMS, get_zone, parse_date, parse_datetime
from domain.errors import ValidationError
from domain.text import (
    MAX_TEXT,
    MAX_TITLE,
    clean_email,
    clean_handle,
    clean_text,
    clean_title,
    dept_key_from_name,
)

WEDNESDAY = date(2026, 11, 25)
FRIDAY = date(2026, 11, 27)
NEW_YORK = ZoneInfo("America/New_York")


class TestParseDate:
    @pytest.mark.parametrize(
        ("typed", "expected"),
        [
            ("2026-12-01", date(2026, 12, 1)),
            (" 2027-01-31 ", date(2027, 1, 31)),
            ("today", WEDNESDAY),
            ("Tomorrow", date(2026, 11, 26)),
            ("wed", WEDNESDAY),
            ("fri", FRIDAY),
            ("friday", FRIDAY),
            ("mon", date(2026, 11, 30)),
            ("Sun", date(2026, 11, 29)),
            ("next mon", date(2026, 11, 30)),
            ("next wed", date(2026, 12, 2)),
            ("next fri", date(2026, 12, 4)),
            ("+3d", date(2026, 11, 28)),
            ("+2w", date(2026, 12, 9)),
            ("+0d", WEDNESDAY),
            ("今天", WEDNESDAY),
            ("明天", date(2026, 11, 26)),
            ("后天", date(2026, 11, 27)),
            ("周五", FRIDAY),
            ("星期三", WEDNESDAY),
            ("周日", date(2026, 11, 29)),
            ("下周一", date(2026, 11, 30)),
            ("下周五", date(2026, 12, 4)),
        ],
    )
    def test_forms_people_type_on_a_wednesday(self, typed: str, expected: date) -> None:
        assert parse_date(typed, WEDNESDAY) == expected

    def test_a_weekday_name_on_that_weekday_means_today(self) -> None:
        assert parse_date("fri", FRIDAY) == FRIDAY
        assert parse_date("周五", FRIDAY) == FRIDAY
        assert parse_date("next fri", FRIDAY) == date(2026, 12, 4)

    def test_across_a_year_end(self) -> None:
        assert parse_date("+1w", date(2026, 12, 28)) == date(2027, 1, 4)
        assert parse_date("next mon", date(2026, 12, 31)) == date(2027, 1, 4)

    @pytest.mark.parametrize(
        "typed", ["someday", "2026-13-01", "next", "+3m", "fri next", "", "   ", "下下周一"]
    )
    def test_bad_input_lists_the_accepted_forms(self, typed: str) -> None:
        with pytest.raises(ValidationError) as error:
            parse_date(typed, WEDNESDAY)
        assert DATE_FORMS in str(error.value)
        for form in ("YYYY-MM-DD", "today", "next mon", "+3d", "+2w", "明天", "下周一"):
            assert form in str(error.value)


class TestParseDatetime:
    def test_wall_clock_in_the_meeting_zone_becomes_the_right_utc_instant(self) -> None:
        assert parse_datetime("2026-12-01 14:00", WEDNESDAY, NEW_YORK) == datetime(
            2026, 12, 1, 19, 0, tzinfo=UTC
        )
        assert parse_datetime("2026-07-01 14:00", WEDNESDAY, NEW_YORK) == datetime(
            2026, 7, 1, 18, 0, tzinfo=UTC
        )
        shanghai = ZoneInfo("Asia/Shanghai")
        assert parse_datetime("2026-12-01T09:30", WEDNESDAY, shanghai) == datetime(
            2026, 12, 1, 1, 30, tzinfo=UTC
        )

    def test_relative_dates_with_a_time(self) -> None:
        assert parse_datetime("tomorrow 09:00", WEDNESDAY, NEW_YORK) == datetime(
            2026, 11, 26, 14, 0, tzinfo=UTC
        )
        assert parse_datetime("next mon 9:05", WEDNESDAY, UTC) == datetime(2026, 11, 30, 9, 5, tzinfo=UTC)
        assert parse_datetime("明天 14:00", WEDNESDAY, ZoneInfo("Asia/Shanghai")) == datetime(
            2026, 11, 26, 6, 0, tzinfo=UTC
        )

    def test_a_time_skipped_by_daylight_saving_is_refused(self) -> None:
        with pytest.raises(ValidationError, match=r"2026-03-08 02:30 does not exist in America/New_York"):
            parse_datetime("2026-03-08 02:30", WEDNESDAY, NEW_YORK)
        assert parse_datetime("2026-03-08 03:30", WEDNESDAY, NEW_YORK) == datetime(
            2026, 3, 8, 7, 30, tzinfo=UTC
        )
        assert parse_datetime("2026-03-08 01:30", WEDNESDAY, NEW_YORK) == datetime(
            2026, 3, 8, 6, 30, tzinfo=UTC
        )

    def test_a_repeated_autumn_hour_is_refused_as_ambiguous(self) -> None:
        # Calendar programs disagree on which of the two instants is meant (issue 12): refused.
        with pytest.raises(ValidationError, match=r"happens twice .* UTC-04:00 to UTC-05:00"):
            parse_datetime("2026-11-01 01:30", WEDNESDAY, NEW_YORK)
        # The minutes either side of the repeated hour are fine.
        assert parse_datetime("2026-11-01 00:59", WEDNESDAY, NEW_YORK) == datetime(
            2026, 11, 1, 4, 59, tzinfo=UTC
        )
        assert parse_datetime("2026-11-01 02:00", WEDNESDAY, NEW_YORK) == datetime(
            2026, 11, 1, 7, 0, tzinfo=UTC
        )

    def test_results_are_aware_utc(self) -> None:
        value = parse_datetime("2026-12-01 14:00", WEDNESDAY, NEW_YORK)
        assert value.utcoffset() is not None
        assert value.tzinfo == UTC

    @pytest.mark.parametrize(
        "typed", ["2026-12-01", "14:00", "2026-12-01 25:00", "2026-12-01 14:60", "x 14:00"]
    )
    def test_bad_date_times(self, typed: str) -> None:
        with pytest.raises(ValidationError):
            parse_datetime(typed, WEDNESDAY, NEW_YORK)

    def test_zones(self) -> None:
        assert get_zone("Asia/Shanghai").key == "Asia/Shanghai"
        with pytest.raises(ValidationError, match="unknown time zone 'Mars/Olympus'"):
            get_zone("Mars/Olympus")


class TestTitles:
    def test_outer_space_is_trimmed(self) -> None:
        assert clean_title("  Rack the servers \n") == "Rack the servers"

    @pytest.mark.parametrize("empty", ["", "   ", "\n\t"])
    def test_empty_titles(self, empty: str) -> None:
        with pytest.raises(ValidationError, match="title is empty"):
            clean_title(empty)

    def test_length_limit_counts_characters_not_bytes(self) -> None:
        assert clean_title("字" * MAX_TITLE) == "字" * MAX_TITLE
        with pytest.raises(
            ValidationError, match=f"{MAX_TITLE + 1} characters long; the limit is {MAX_TITLE}"
        ):
            clean_title("x" * (MAX_TITLE + 1))
        with pytest.raises(ValidationError, match="limit"):
            clean_title("x" * 1_000_000)

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("\x1b[31mred\x1b[0m", "U+001B"),
            ("bell\x07", "U+0007"),
            ("null\x00byte", "U+0000"),
            ("two\nlines", "U+000A"),
            ("tab\there", "U+0009"),
            ("right-to-left \u202eevil", "U+202E"),
            ("c1 \x9b control", "U+009B"),
        ],
    )
    def test_control_and_escape_characters_are_refused(self, text: str, code: str) -> None:
        with pytest.raises(ValidationError, match=re.escape(f"control character ({code})")):
            clean_title(text)

    @pytest.mark.parametrize("text", ["[bold]urgent[/bold]", "[/] x", "[link=http://x]y[/link]", "50% [WIP]"])
    def test_markup_like_text_is_accepted_unchanged(self, text: str) -> None:
        assert clean_title(text) == text

    def test_emoji_with_joiners_and_chinese(self) -> None:
        assert clean_title("👩\u200d💻 发布会") == "👩\u200d💻 发布会"

    def test_the_field_is_named_in_the_message(self) -> None:
        with pytest.raises(ValidationError, match="department name is empty"):
            clean_title("", "department name")


class TestText:
    def test_newlines_and_tabs_are_kept_inside(self) -> None:
        assert clean_text("  line 1\n\tline 2  ") == "line 1\n\tline 2"

    def test_escape_sequences_are_refused_in_notes_too(self) -> None:
        with pytest.raises(ValidationError, match="note contains a control character"):
            clean_text("ok\n\x1b]0;title\x07", "note")

    def test_optional_and_required(self) -> None:
        assert clean_text("   ", required=False) == ""
        with pytest.raises(ValidationError, match="text is empty"):
            clean_text("   ")

    def test_size_limit(self) -> None:
        assert len(clean_text("字" * MAX_TEXT)) == MAX_TEXT
        with pytest.raises(ValidationError, match="limit"):
            clean_text("x" * (MAX_TEXT + 1))


class TestHandlesAndEmails:
    @pytest.mark.parametrize(
        ("typed", "handle"), [("@Li.Wei", "li.wei"), (" ann ", "ann"), ("a_b-9", "a_b-9")]
    )
    def test_good_handles(self, typed: str, handle: str) -> None:
        assert clean_handle(typed) == handle

    @pytest.mark.parametrize("typed", ["", "-ann", "ann lee", "李伟", "a" * 33, "a\nb", "ann;rm", "ann\x1b"])
    def test_bad_handles(self, typed: str) -> None:
        with pytest.raises(ValidationError, match="is not valid"):
            clean_handle(typed)

    def test_good_emails(self) -> None:
        assert clean_email(" li.wei@example.com ") == "li.wei@example.com"
        assert clean_email("a+tag@sub.example.cn") == "a+tag@sub.example.cn"

    @pytest.mark.parametrize(
        "typed",
        [
            "ann@example.com\r\nBcc: eve@evil.example",
            "ann@example.com\nBcc: eve@evil.example",
            "ann@exa\rmple.com",
            "Ann <ann@example.com>",
            "ann@example.com, eve@evil.example",
            "ann@@example.com",
            "ann",
            "@example.com",
            "ann@example",
            "ann@.example.com",
            "ann@example.com.",
        ],
    )
    def test_bad_emails_including_header_injection(self, typed: str) -> None:
        with pytest.raises(ValidationError, match="is not valid"):
            clean_email(typed)


def test_department_key_suggestions() -> None:
    assert dept_key_from_name("R&D") == "RD"
    assert dept_key_from_name("Marketing") == "MAR"
    assert dept_key_from_name("市场部") == ""
