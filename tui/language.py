"""The language of one run of ``huddle``, chosen before anything is printed (no Textual import).

``main()`` calls :func:`choose_language` first: argparse's help and errors, the CLI's lines, the TUI
and the documents all read the language installed here (domain.i18n). ``--json`` never changes.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from domain.errors import ValidationError
from domain.i18n import N_, _, available_languages, match_language, ngettext, resolve_language, set_language

if TYPE_CHECKING:
    from tui.config import Settings

ARGPARSE_MESSAGES = (
    N_("usage: "),
    N_("positional arguments"),
    N_("options"),
    N_("show this help message and exit"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    N_("argument %(argument_name)s: %(message)s"),
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("not allowed with argument %s"),
    N_("ignored explicit argument %r"),
    N_("one of the arguments %s is required"),
)
"""argparse's own texts (Python 3.11), so that extraction puts them in Huddle's catalog: argparse
looks them up through its module-level ``_``, which :func:`choose_language` points at Huddle's."""


def _argparse_plurals(n: int) -> str:
    """argparse's plural message, written out for extraction (argparse itself calls ngettext)."""
    return ngettext("expected %s argument", "expected %s arguments", n)


class LanguageChoices:
    """``choices=`` of ``--lang``: any form :func:`match_language` reads is in it (``zh_CN.UTF-8``),
    and it lists the available tags; argparse then treats a bad value as a usage error."""

    def __contains__(self, value: object) -> bool:
        return isinstance(value, str) and match_language(value) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(available_languages())


def lang_option(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` (``--lang X`` or ``--lang=X``) anywhere before ``--``, else None."""
    words = list(argv)
    for index, word in enumerate(words):
        if word == "--":
            break
        if word.startswith("--lang="):
            return word.partition("=")[2]
        if word == "--lang" and index + 1 < len(words):
            return words[index + 1]
    return None


def read_config() -> Settings | None:
    """The config file's settings, or None when it does not load: the context reports that later (as
    it always did, in the language chosen by then), so ``--help`` still works with a broken file.
    ``main()`` reads the file here once and hands the settings to the context as well."""
    from tui.config import load_settings

    try:
        return load_settings()
    except ValidationError:
        return None


def choose_language(
    argv: Sequence[str], environ: Mapping[str, str] | None = None, *, settings: Settings | None = None
) -> str:
    """Resolve (``--lang`` > config > locale > English), install it and return its tag.

    ``settings``: the config already read (:func:`read_config`); without it the file is read here.

    Raises UnknownLanguageError for a ``--lang`` that names no available language (a usage error), and
    ValidationError when a language named by ``--lang`` or the config has a catalog that was never
    compiled (a checkout without ``make``); the locale asking for one falls back to English.
    """
    if settings is None:
        settings = read_config()
    asked, configured = lang_option(argv), (settings.language or None) if settings is not None else None
    tag = resolve_language(asked, configured, os.environ if environ is None else environ)
    try:
        set_language(tag)
    except ValidationError:
        if asked or configured:
            raise  # named on purpose: say that its catalog is not compiled
        tag = set_language("en")  # only the locale asked for it: a preference, as for an unknown one
    # argparse translates "usage: ", "options", its error texts through these module globals.
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    return tag
