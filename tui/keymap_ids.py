"""Every binding id of the app and its screens, for ``[keymap]`` in huddle.toml. No Textual import.

The config is read on CLI paths too, which must not load Textual, so the ids are listed here;
``tests/unit/test_keymap_ids.py`` checks this list against the real ``BINDINGS`` (add an id here
when you add a binding).
"""

from __future__ import annotations

BINDING_IDS = frozenset(
    {
        "app.boards",
        "app.help",
        "app.meetings",
        "app.plan",
        "app.portfolio",
        "app.quit",
        "app.risks",
        "app.search",
        "app.undo",
        "board.columns",
        "board.people",
        "board.add-dept",
        "board.rename-dept",
        "columns.add",
        "columns.rename",
        "columns.wip",
        "columns.move-up",
        "columns.move-down",
        "columns.remove",
        "columns.close",
        "people.add",
        "people.edit",
        "people.close",
        "board.cursor-down",
        "board.cursor-left",
        "board.cursor-right",
        "board.cursor-up",
        "board.delete-card",
        "board.edit-card",
        "board.export",
        "board.first",
        "board.import",
        "board.last",
        "board.move-down",
        "board.move-left",
        "board.move-right",
        "board.move-up",
        "board.new-card",
        "board.next-dept",
        "board.open-card",
        "board.page-down",
        "board.page-up",
        "board.pick-dept",
        "board.prev-dept",
        "confirm.no",
        "confirm.yes",
        "detail.close",
        "detail.delete",
        "detail.edit",
        "detail.move-left",
        "detail.move-right",
        "export-format.cancel",
        "export-format.csv",
        "export-format.markdown",
        "export-format.xlsx",
        "fields.cancel",
        "fields.save",
        "form.cancel",
        "form.save",
        "heatmap.activate",
        "heatmap.down",
        "heatmap.left",
        "heatmap.right",
        "heatmap.up",
        "help.close",
        "import-plan.apply",
        "import-plan.cancel",
        "meeting-end.cancel",
        "meeting-form.cancel",
        "meeting-form.start",
        "meeting-resume.later",
        "meeting-summary.export-invite",
        "meeting-summary.export-minutes",
        "meeting-summary.leave",
        "meeting-summary.mail-invite",
        "meeting-summary.new",
        "meeting.action",
        "meeting.attendee-toggle",
        "meeting.attendees",
        "meeting.decide",
        "meeting.end",
        "meeting.leave",
        "meeting.next-item",
        "meeting.previous-item",
        "meeting.risk",
        "meetings.export-actions",
        "meetings.export-invite",
        "meetings.export-minutes",
        "meetings.follow",
        "meetings.mail-invite",
        "meetings.new",
        "meetings.open",
        "meetings.prep-agenda",
        "meetings.review-outcome",
        "meetings.start-next",
        "meetings.start-retro",
        "milestone.accept",
        "milestone.add-criterion",
        "milestone.close",
        "milestone.review",
        "milestone.waive",
        "picker.cancel",
        "plan.add-goal",
        "plan.approve-change",
        "plan.close-project",
        "plan.edit-project",
        "plan.export-milestones",
        "plan.goal-value",
        "plan.milestone-criteria",
        "plan.new-change",
        "plan.publish-calendar",
        "plan.raci-department",
        "plan.raci-problems",
        "plan.reject-change",
        "plan.show-load",
        "plan.show-overview",
        "plan.show-raci",
        "plan.show-records",
        "plan.show-timeline",
        "plan.start-review",
        "portfolio.blocked",
        "portfolio.cards",
        "portfolio.clear",
        "portfolio.milestone",
        "portfolio.overdue",
        "portfolio.owner",
        "portfolio.search",
        "portfolio.tag",
        "prep.cancel",
        "prep.start",
        "risk-detail.close",
        "risk-detail.edit",
        "risk-form.cancel",
        "risk-form.save",
        "risk-since.cancel",
        "risks.add",
        "risks.edit",
        "risks.export",
        "risks.filter",
        "risks.leave-filter",
        "risks.movement",
        "risks.show-heatmap",
        "risks.show-register",
        "risks.show-warnings",
        "risks.sort",
        "risks.toggle-residual",
        "send-invite.cancel",
        "write-confirm.cancel",
        "write-confirm.yes",
    }
)

MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
"""Modifier prefixes Textual reads in a key name (``ctrl+shift+left``)."""
NAMED_KEYS = frozenset(
    {
        *(f"f{n}" for n in range(1, 25)),
        "at", "backslash", "backspace", "backtab", "circumflex_accent", "delete", "down", "end", "enter",
        "escape", "home", "insert", "left", "minus", "newline", "pagedown", "pageup", "plus", "return",
        "right", "slash", "space", "tab", "underscore", "up",
    }
)  # fmt: skip
"""Textual's names of keys that are not one printable character (``textual.keys.Keys``; checked against
it by ``tests/unit/test_keymap_ids.py``). A character's Unicode name (``question_mark``) is also a key."""


def is_key_name(key: str) -> bool:
    """Whether Textual would ever report ``key`` (``ctrl+l``, ``question_mark``, ``?``, ``f5``).

    A misspelt key in ``[keymap]`` (``ctlr+l``, ``pgdown``) would otherwise bind nothing, silently.
    """
    import unicodedata

    *modifiers, base = key.split("+") if key != "+" else ["+"]
    if not base or any(modifier not in MODIFIERS for modifier in modifiers):
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in NAMED_KEYS:
        return True
    import itertools

    words = base.upper().split("_")
    if len(words) > 6:
        return False
    for joins in itertools.product(" -", repeat=len(words) - 1):  # "less_than_sign": LESS-THAN SIGN
        name = words[0] + "".join(join + word for join, word in zip(joins, words[1:], strict=True))
        try:
            return len(unicodedata.lookup(name)) == 1
        except KeyError:
            continue
    return False
