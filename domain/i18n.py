"""The language Huddle speaks: standard gettext catalogs, chosen once at start.

Source strings are English; every other language is a catalog ``locale/<ll_CC>/LC_MESSAGES/huddle.po``
(compiled to ``huddle.mo`` by the package build and by ``make``). The languages on offer are the catalog
folders found, so adding one is a new ``.po`` file and nothing else.

Marking strings (docs/i18n.md says more):

- ``_("Card {id} moved").format(id=card.id)``: format after translating, never an f-string inside ``_()``.
- ``ngettext("{n} card", "{n} cards", n).format(n=n)`` for counts.
- ``N_("Owner")`` marks a module-level constant for extraction without translating it at import time
  (the language is chosen later); translate it where it is shown: ``_(HEADER)``.
- ``pgettext("weekday", "Mon")`` when a short English word has more than one meaning.

The translation object is global on purpose: the CLI and the TUI choose one language per process
before they print anything, and every layer (exporters included) reads it from here. Loading a
``.mo`` is one file read; nothing of Babel is imported at run time.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from domain.errors import ValidationError

DOMAIN = "huddle"
"""The gettext domain: the catalogs are ``huddle.po`` / ``huddle.mo``."""
SOURCE_LANGUAGE = "en"
"""The language of the strings in the code; it needs no catalog."""
ENV_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
"""Consulted in this order, as the standard library's gettext does: the first one set decides."""

_HERE = Path(__file__).resolve().parent
LOCALE_DIRS = (_HERE / "locale", _HERE.parent / "locale")
"""Where catalogs are looked for: inside the installed package (the build copies the compiled
catalogs there), then the checkout's top-level ``locale/``."""


class UnknownLanguageError(ValidationError):
    """A language asked for by name (``--lang``, config ``language``) that Huddle has no catalog for."""

    def __init__(self, value: str, where: str) -> None:
        from domain.text import quoted  # deferred: domain.text imports the errors

        self.value = value
        super().__init__(
            f"{where}: unknown language {quoted(value)}; available: {', '.join(available_languages())}"
        )


def _catalog_folders() -> dict[str, Path]:
    """Language tag (``zh-CN``) -> the locale folder holding its catalog, first folder winning."""
    found: dict[str, Path] = {}
    for base in LOCALE_DIRS:
        if not base.is_dir():
            continue
        for folder in sorted(base.iterdir()):
            messages = folder / "LC_MESSAGES"
            if (messages / f"{DOMAIN}.mo").is_file() or (messages / f"{DOMAIN}.po").is_file():
                found.setdefault(folder.name.replace("_", "-"), base)
    return found


_FOLDERS: dict[str, Path] | None = None


def _folders() -> dict[str, Path]:
    global _FOLDERS
    if _FOLDERS is None:
        _FOLDERS = _catalog_folders()
    return _FOLDERS


def available_languages() -> tuple[str, ...]:
    """English and every language with a catalog, as tags (``en``, ``zh-CN``), sorted."""
    return (SOURCE_LANGUAGE, *sorted(tag for tag in _folders() if tag != SOURCE_LANGUAGE))


def match_language(value: str) -> str | None:
    """The available language ``value`` names, or None.

    Accepts tags and locale names alike: ``zh-CN``, ``zh_CN``, ``zh_CN.UTF-8``, ``zh_CN.UTF-8@latn``,
    ``zh`` (the first catalog of that language), ``en``, ``en_US.UTF-8``; ``C`` and ``POSIX`` are English.
    A region with no catalog of its own (``zh_TW``) is not taken for another region's.
    """
    base = value.strip().split(".", 1)[0].split("@", 1)[0]
    if not base:
        return None
    if base.upper() in ("C", "POSIX"):
        return SOURCE_LANGUAGE
    key = base.replace("-", "_").casefold()
    language = key.split("_", 1)[0]
    if language == SOURCE_LANGUAGE:
        return SOURCE_LANGUAGE
    tags = available_languages()
    for tag in tags:
        if tag.replace("-", "_").casefold() == key:
            return tag
    if "_" not in key:
        for tag in tags:
            if tag.split("-", 1)[0].casefold() == language:
                return tag
    return None


def resolve_language(cli_value: str | None, config_value: str | None, environ: Mapping[str, str]) -> str:
    """The language to speak: ``--lang``, else config ``language``, else the locale, else English.

    A language named on the command line or in the config must exist (UnknownLanguageError names it
    and lists the available ones); the locale variables are a preference, so an unknown one falls
    back to English silently. Of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` the first that
    is set decides (``LANGUAGE`` may be a colon-separated list, tried in order).
    """
    for value, where in ((cli_value, "--lang"), (config_value, "config language")):
        if value:
            tag = match_language(value)
            if tag is None:
                raise UnknownLanguageError(value, where)
            return tag
    for variable in ENV_VARIABLES:
        setting = environ.get(variable, "")
        if setting:
            for item in setting.split(":"):
                if tag := match_language(item):
                    return tag
            return SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


_CACHE: dict[str, _gettext.NullTranslations] = {}
_current: _gettext.NullTranslations = _gettext.NullTranslations()
_current_tag = SOURCE_LANGUAGE


def translation(tag: str) -> _gettext.NullTranslations:
    """The catalog of ``tag`` (an available language), loaded once; English is the identity."""
    if tag not in _CACHE:
        folder = _folders().get(tag)
        found: _gettext.NullTranslations = _gettext.NullTranslations()
        if tag != SOURCE_LANGUAGE and folder is not None:
            mo = folder / tag.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.mo"
            if not mo.is_file():
                raise ValidationError(
                    f"the {tag} catalog is not compiled ({mo.with_suffix('.po')}); run 'make i18n'"
                )
            with mo.open("rb") as handle:
                found = _gettext.GNUTranslations(handle)
        _CACHE[tag] = found
    return _CACHE[tag]


def set_language(value: str) -> str:
    """Speak ``value`` (any form :func:`match_language` takes) from now on; returns its tag."""
    global _current, _current_tag
    tag = match_language(value)
    if tag is None:
        raise UnknownLanguageError(value, "language")
    _current = translation(tag)
    _current_tag = tag
    return tag


def current_language() -> str:
    """The tag of the language spoken now (``en`` until :func:`set_language` is called)."""
    return _current_tag


@contextmanager
def using_language(value: str) -> Iterator[str]:
    """Speak ``value`` inside the block, then the language spoken before (tests; one-off documents)."""
    before = _current_tag
    tag = set_language(value)
    try:
        yield tag
    finally:
        set_language(before)


def _(message: str) -> str:
    """``message`` in the current language."""
    return _current.gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message for ``n``, by the current language's plural rule."""
    return _current.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, told apart from the same English by ``context``."""
    return _current.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """:func:`ngettext` with a context."""
    return _current.npgettext(context, singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction and return it untranslated; translate it with ``_()`` at use."""
    return message
