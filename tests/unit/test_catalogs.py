"""The translation catalogs against the code: complete, translated, placeholders intact, up to date.

The messages are extracted from the code with Babel here, as ``make i18n`` does (babel.cfg), so a
string wrapped in ``_()`` without a translation fails this test with its msgid and file named.
"""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from domain.dates import DATE_FIELDS

REPO = Path(__file__).resolve().parents[2]
LOCALE = REPO / "locale"
CATALOGS = sorted(LOCALE.glob("*/LC_MESSAGES/huddle.po"))

SAME_IN_EVERY_LANGUAGE = frozenset(
    {"WIP", "CSV", "SMTP", "IMAP", "CalDAV", "JSON", "RACI", "URL", "ID", "OK"}
)
"""Words a translation may leave in English (product and protocol names everyone writes so)."""
_CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_BRACE = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)?(?:[!:][^{}]*)?\}(?!\})")
_PERCENT = re.compile(r"%(?:\(([A-Za-z_][A-Za-z0-9_]*)\))?[-#0 +]*\d*(?:\.\d+)?([sdrifxXeEgGc%])")

Key = tuple[str | None, str]


def extracted() -> dict[Key, list[str]]:
    """Every message in the code: (context, msgid) -> the files that use it."""
    with (REPO / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)  # type: ignore[no-untyped-call]
    found: dict[Key, list[str]] = {}
    for filename, _lineno, message, _comments, context in extract_from_dir(
        str(REPO), method_map, options_map
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        found.setdefault((context, msgid), []).append(filename)
    return found


@pytest.fixture(scope="module")
def code_messages() -> dict[Key, list[str]]:
    return extracted()


def read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def entries(catalog: Catalog) -> dict[Key, Message]:
    return {(m.context, ids(m)[0]): m for m in catalog if m.id}


def ids(message: Message) -> tuple[str, ...]:
    """The msgid, or the singular and plural msgids."""
    return tuple(message.id) if isinstance(message.id, tuple | list) else (str(message.id),)


def strings(message: Message) -> tuple[str, ...]:
    """The msgstr, or one per plural form."""
    value = message.string
    return tuple(value) if isinstance(value, tuple | list) else (value or "",)


def placeholders(text: str) -> tuple[frozenset[str], list[str]]:
    """Brace fields (named, by set: a language may reorder them) and %-conversions (in order)."""
    braces = frozenset(name or "" for name in _BRACE.findall(text))
    percents = [f"{name}:{kind}" for name, kind in _PERCENT.findall(text) if kind != "%"]
    return braces, percents


def test_there_is_a_chinese_catalog() -> None:
    assert LOCALE / "zh_CN" / "LC_MESSAGES" / "huddle.po" in CATALOGS


def test_the_template_is_up_to_date(code_messages: dict[Key, list[str]]) -> None:
    """An extraction run finds nothing the .pot lacks, and the .pot holds nothing the code dropped."""
    template = set(entries(read(LOCALE / "huddle.pot")))
    new = sorted(f"{k[1]!r} ({', '.join(v)})" for k, v in code_messages.items() if k not in template)
    gone = sorted(repr(k[1]) for k in template - set(code_messages))
    assert not new, f"run 'make i18n': new messages {new}"
    assert not gone, f"run 'make i18n': messages no longer in the code {gone}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_every_message_is_translated(path: Path, code_messages: dict[Key, list[str]]) -> None:
    catalog = entries(read(path))
    missing = sorted(f"{k[1]!r} ({', '.join(v)})" for k, v in code_messages.items() if k not in catalog)
    assert not missing, f"{path.relative_to(REPO)}: run 'make i18n' and translate {missing}"
    problems = []
    for key, message in catalog.items():
        if message.fuzzy:
            problems.append(f"{key[1]!r} is fuzzy (check the translation, then remove the flag)")
        if not all(strings(message)):
            problems.append(f"{key[1]!r} has no translation")
    assert not problems, f"{path.relative_to(REPO)}: " + "; ".join(problems)


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_placeholders_match(path: Path) -> None:
    problems = []
    for (context, msgid), message in entries(read(path)).items():
        want_braces, want_percents = placeholders(ids(message)[-1])
        for string in strings(message):
            braces, percents = placeholders(string)
            if context == "date format":
                # A language writes a date with its own fields (12月 is the month number, Dec a name).
                if not braces <= DATE_FIELDS:
                    problems.append(f"{msgid!r}: {sorted(braces - DATE_FIELDS)} are not date fields")
            elif braces != want_braces:
                problems.append(f"{msgid!r}: fields {sorted(braces)} instead of {sorted(want_braces)}")
            if sorted(percents) != sorted(want_percents) or (
                any(not p.split(":")[0] for p in percents) and percents != want_percents
            ):
                problems.append(f"{msgid!r}: conversions {percents} instead of {want_percents}")
    assert not problems, f"{path.relative_to(REPO)}: " + "; ".join(problems)


def test_no_english_left_in_chinese() -> None:
    """A zh-CN translation holds Chinese, unless it is only fields and punctuation or an allowed word."""
    leftovers = []
    for (_context, msgid), message in entries(read(LOCALE / "zh_CN" / "LC_MESSAGES" / "huddle.po")).items():
        for string in strings(message):
            if _CJK.search(string):
                continue
            bare = _PERCENT.sub("", _BRACE.sub("", string))
            words = set(re.findall(r"[A-Za-z]+", bare))
            if words - SAME_IN_EVERY_LANGUAGE:
                leftovers.append(f"{msgid!r} -> {string!r}")
    assert not leftovers, f"English left in zh_CN: {leftovers}"


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.parent.parent.name)
def test_the_compiled_catalog_matches_its_source(path: Path) -> None:
    """The .mo that gettext reads says what the .po says (``make`` recompiles a changed .po)."""
    mo = path.with_suffix(".mo")
    assert mo.is_file(), f"{mo.relative_to(REPO)} is missing: run 'make i18n'"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for (context, msgid), message in entries(read(path)).items():
        if message.fuzzy:
            continue  # not compiled, on purpose; test_every_message_is_translated names it
        plural = ids(message)
        if len(plural) == 2:
            one, many = plural
            got = compiled.npgettext(context, one, many, 1) if context else compiled.ngettext(one, many, 1)
        else:
            got = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        want = strings(message)[0]
        assert got == want, f"{mo.relative_to(REPO)} is stale ({msgid!r}): run 'make i18n'"
