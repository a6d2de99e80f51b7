"""The words ``huddle``'s human output shows for stored values: meeting kinds and review outcomes, minute
entry kinds, criterion states, open items, yes and no.

The stored values stay English: they are compared, filtered on (``--status open``) and written to
``--json`` as they are; only what a person reads in a table or a ``show`` is translated, here, at the
print. Each value has its own context (``pgettext("risk status", "open")``): "open" is a risk's state,
a criterion's and a change request's, and Chinese says each differently. A value this module does not
know (written by a newer Huddle) is shown as stored. The values the TUI's view models already
translate are taken from there: ``tui.views.meetings.status_text``, ``tui.views.plan.state_text``,
``change_status_text`` and ``activity_text``, ``tui.views.risks.status_label``,
``tui.views.board.PRIORITY_NAMES``. This module holds the rest (the criterion states repeat the
milestone dialog's, which lives with Textual). Only the commands that print them import it, so
``card add`` does not pay for it.
"""

from __future__ import annotations

from domain.i18n import pgettext


def _shown(texts: dict[str, str], value: str) -> str:
    return texts.get(value, value)


def meeting_kind(value: str) -> str:
    """``regular``, ``review`` or ``retro`` as shown."""
    texts = {
        "regular": pgettext("meeting kind", "regular"),
        "review": pgettext("meeting kind", "review"),
        "retro": pgettext("meeting kind", "retro"),
    }
    return _shown(texts, value)


def outcome(value: str) -> str:
    """A milestone review's outcome (``passed``, ``passed-with-conditions``, ``failed``) as shown."""
    texts = {
        "passed": pgettext("review outcome", "passed"),
        "passed-with-conditions": pgettext("review outcome", "passed-with-conditions"),
        "failed": pgettext("review outcome", "failed"),
    }
    return _shown(texts, value)


def entry_kind(value: str) -> str:
    """A minutes entry's kind (``note``, ``decision``, ``action``, ``risk``) as shown."""
    texts = {
        "note": pgettext("entry kind", "note"),
        "decision": pgettext("entry kind", "decision"),
        "action": pgettext("entry kind", "action"),
        "risk": pgettext("entry kind", "risk"),
    }
    return _shown(texts, value)


def criterion_state(value: str) -> str:
    """An acceptance criterion's state (the milestone dialog's context)."""
    texts = {
        "open": pgettext("criterion state", "open"),
        "accepted": pgettext("criterion state", "accepted"),
        "waived": pgettext("criterion state", "waived"),
    }
    return _shown(texts, value)


def review_state(value: str) -> str:
    """The REVIEW column of ``milestone list`` before an outcome: ``due`` or ``held``."""
    texts = {"due": pgettext("review state", "due"), "held": pgettext("review state", "held")}
    return _shown(texts, value)


def open_item_kind(value: str) -> str:
    """What ``project close`` lists as open: ``criterion``, ``card``, ``risk``, ``change``, ``meeting``."""
    texts = {
        "criterion": pgettext("open item", "criterion"),
        "card": pgettext("open item", "card"),
        "risk": pgettext("open item", "risk"),
        "change": pgettext("open item", "change"),
        "meeting": pgettext("open item", "meeting"),
    }
    return _shown(texts, value)


def yes_no(flag: bool) -> str:
    """A true/false field of ``card show`` (``True``/``False`` in English, as it always printed)."""
    return pgettext("flag", "True") if flag else pgettext("flag", "False")
