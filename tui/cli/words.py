"""The words ``huddle``'s human output shows for stored values: meeting kinds and review outcomes, minute
entry kinds, criterion states, activity actions, open items, yes and no.

The stored values stay English: they are compared, filtered on (``--status open``) and written to
``--json`` as they are; only what a person reads in a table or a ``show`` is translated, here, at the
print. Each value has its own context (``pgettext("risk status", "open")``): "open" is a risk's state,
a criterion's and a change request's, and Chinese says each differently. A value this module does not
know (written by a newer Huddle) is shown as stored. The values the TUI's view models already
translate are taken from there: ``tui.views.meetings.status_text``, ``tui.views.plan.state_text`` and
``change_status_text``, ``tui.views.risks.status_label``, ``tui.views.board.PRIORITY_NAMES``. This
module holds the rest (the criterion states repeat the milestone dialog's, which lives with Textual).
Only the commands that print them import it, so ``card add`` does not pay for it.
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


def activity_action(value: str) -> str:
    """What an activity entry says was done (``created``, ``moved`` ...), as the services record it."""
    texts = {
        "action": pgettext("activity", "action"),
        "approved": pgettext("activity", "approved"),
        "cancelled follow-up": pgettext("activity", "cancelled follow-up"),
        "cards linked": pgettext("activity", "cards linked"),
        "closed": pgettext("activity", "closed"),
        "column added": pgettext("activity", "column added"),
        "column moved": pgettext("activity", "column moved"),
        "column removed": pgettext("activity", "column removed"),
        "column renamed": pgettext("activity", "column renamed"),
        "columns": pgettext("activity", "columns"),
        "created": pgettext("activity", "created"),
        "criterion accepted": pgettext("activity", "criterion accepted"),
        "criterion added": pgettext("activity", "criterion added"),
        "criterion waived": pgettext("activity", "criterion waived"),
        "decision": pgettext("activity", "decision"),
        "deleted": pgettext("activity", "deleted"),
        "edited": pgettext("activity", "edited"),
        "ended": pgettext("activity", "ended"),
        "goal actual": pgettext("activity", "goal actual"),
        "goal added": pgettext("activity", "goal added"),
        "moved": pgettext("activity", "moved"),
        "note": pgettext("activity", "note"),
        "push": pgettext("activity", "push"),
        "rejected": pgettext("activity", "rejected"),
        "renamed": pgettext("activity", "renamed"),
        "reopened": pgettext("activity", "reopened"),
        "reordered": pgettext("activity", "reordered"),
        "requested": pgettext("activity", "requested"),
        "rescheduled": pgettext("activity", "rescheduled"),
        "restored": pgettext("activity", "restored"),
        "review outcome": pgettext("activity", "review outcome"),
        "rsvp": pgettext("activity", "rsvp"),
        "started": pgettext("activity", "started"),
        "updated": pgettext("activity", "updated"),
        "wip": pgettext("activity", "wip"),
    }
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
