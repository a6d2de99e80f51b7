"""The activity verbs in the current language (``activity_text``), on their own: ``huddle card show`` and
``huddle activity`` print them without importing the Plan area's helpers (``tui.views.plan``, 9-18 ms of
dataclasses and rules), which re-exports it."""

from __future__ import annotations

from domain.i18n import pgettext


def activity_text(action: str) -> str:
    """An activity entry's verb in the current language, as the TUI and the CLI show it; one not known
    here (written by a newer Huddle) is shown as stored. The stored ``Activity.action`` stays English
    (``huddle activity --json``), and its ``detail`` is shown as written, in the writer's language."""
    texts = {
        "created": pgettext("activity", "created"),
        "edited": pgettext("activity", "edited"),
        "moved": pgettext("activity", "moved"),
        "reordered": pgettext("activity", "reordered"),
        "deleted": pgettext("activity", "deleted"),
        "restored": pgettext("activity", "restored"),
        "updated": pgettext("activity", "updated"),
        "renamed": pgettext("activity", "renamed"),
        "started": pgettext("activity", "started"),
        "ended": pgettext("activity", "ended"),
        "closed": pgettext("activity", "closed"),
        "reopened": pgettext("activity", "reopened"),
        "note": pgettext("activity", "note"),
        "decision": pgettext("activity", "decision"),
        "action": pgettext("activity", "action item"),
        "requested": pgettext("activity", "requested"),
        "approved": pgettext("activity", "approved"),
        "rejected": pgettext("activity", "rejected"),
        "wip": pgettext("activity", "WIP limit"),
        "columns": pgettext("activity", "columns"),
        "column added": pgettext("activity", "column added"),
        "column renamed": pgettext("activity", "column renamed"),
        "column moved": pgettext("activity", "column moved"),
        "column removed": pgettext("activity", "column removed"),
        "goal added": pgettext("activity", "goal added"),
        "goal actual": pgettext("activity", "goal actual"),
        "criterion added": pgettext("activity", "criterion added"),
        "criterion accepted": pgettext("activity", "criterion accepted"),
        "criterion waived": pgettext("activity", "criterion waived"),
        "review outcome": pgettext("activity", "review outcome"),
        "rescheduled": pgettext("activity", "rescheduled"),
        "cancelled follow-up": pgettext("activity", "cancelled follow-up"),
        "cards linked": pgettext("activity", "cards linked"),
        "rsvp": pgettext("activity", "RSVP"),
        "push": pgettext("activity", "pushed"),
    }
    return texts.get(action, action)
