"""The minutes of the current agenda item, and the capture line that adds to them.

The widget shows entries and a preview the screen computes; it never parses or saves anything
itself. Every edit posts ``DraftChanged``. Enter hands the line to the screen's ``submit`` callable at
once, in the capture line's own key order: a message would be handled after the keys that follow it
(a paste, a laggy SSH link delivers many lines in one read), which merged, split and duplicated lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from domain.i18n import N_, _
from tui.widgets.safe import literal

PLACEHOLDER = N_("Type a note · /d decision · /a @owner DATE action · /r risk · /n next item")
KIND_LABELS = {"note": "", "decision": N_("DECISION"), "action": N_("ACTION"), "risk": N_("RISK")}
"""The label before an entry of each kind (none for a plain note), translated where it is drawn."""
LINE_BREAK = re.compile(r"\r\n|\r|\n")
SUBMIT_KEYS = frozenset({"enter", "ctrl+j"})
"""Enter, and the newline a terminal without bracketed paste may pass through from a paste."""

Submit = Callable[[str], bool]
"""Takes a submitted line; True when it was recorded (the line is cleared), False to keep it typed."""


class CaptureInput(Input):
    """The capture line: each Enter submits exactly the text typed before it, in key order.

    Input binds Enter at the app level, so its value was read only after the key had bubbled up to the
    app, by which time the keys behind it had already been typed. Here Enter is taken in the input's own
    key handler, and a line that is recorded is cleared before the next key is applied.
    """

    def __init__(self, submit: Submit | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.submit = submit
        self.submitting = False
        """True from the moment a line is handed to ``submit`` until it is cleared."""
        self.after_submit: Callable[[], object] | None = None
        """Run once the submission in progress is over (a hang-up flush arriving in the middle of it)."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key in SUBMIT_KEYS:
            event.stop()
            event.prevent_default()
            self.submit_line()

    def _on_paste(self, event: events.Paste) -> None:
        """A pasted block: every full line is submitted in order; the text after the last break stays."""
        event.stop()
        event.prevent_default()
        *lines, rest = LINE_BREAK.split(event.text)
        for line in lines:
            self.insert_text_at_cursor(line)
            self.submit_line()
        if rest:
            self.insert_text_at_cursor(rest)

    def submit_line(self, text: str | None = None) -> None:
        """Hand ``text`` (default: the line) to ``submit``; clear the line if it was recorded.

        A signal handler can run between any two steps here; ``submitting`` tells it that the line is
        neither a draft nor recorded yet, so it can ask to run ``after_submit`` instead.
        """
        if self.submit is None:
            return
        self.submitting = True
        try:
            if self.submit(self.value if text is None else text):
                self.clear()
        finally:
            self.submitting = False
            after, self.after_submit = self.after_submit, None
            if after is not None:
                after()

    def clear(self) -> None:
        """Empty the line without posting ``Changed`` (the screen shows what was recorded instead)."""
        with self.prevent(Input.Changed):
            self.value = ""


@dataclass(frozen=True, slots=True)
class MinuteLine:
    """One line of the log as the screen wants it shown."""

    id: str
    time: str
    by: str
    kind: str
    text: str
    pending: bool = False


class MinuteRow(Static):
    """One entry; ``-note``/``-decision``/``-action``/``-risk`` and ``-pending`` as classes."""

    def __init__(self, line: MinuteLine) -> None:
        super().__init__(classes="minute-row")
        self.line: MinuteLine | None = None
        self.show(line)

    def show(self, line: MinuteLine) -> None:
        if line == self.line:
            return
        self.line = line
        label = KIND_LABELS.get(line.kind, "")
        kind = f"{_(label)} " if label else ""
        by = line.by + " " * max(0, 6 - cell_len(line.by))  # handles may be Chinese: pad in cells
        text = f"{line.time} {by} {kind}{line.text}"
        self.update(literal(_("{line}  (saving…)").format(line=text) if line.pending else text))
        for kind in KIND_LABELS:
            self.set_class(line.kind == kind, f"-{kind}")
        self.set_class(line.pending, "-pending")


class MinutesLog(Vertical):
    """Entries of the current agenda item above a capture line with a live preview."""

    @dataclass
    class DraftChanged(Message):
        """The capture line changed (every keystroke)."""

        minutes_log: MinutesLog
        text: str

        @property
        def control(self) -> MinutesLog:
            return self.minutes_log

    def __init__(
        self, *, read_only: bool = False, submit: Submit | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.read_only = read_only
        self.submit = submit
        self._rows: dict[str, MinuteRow] = {}

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Static(_("Nothing recorded yet"), id="minutes-empty"), id="minutes-entries")
        if not self.read_only:
            yield CaptureInput(
                self.submit, placeholder=_(PLACEHOLDER), id="capture-input", select_on_focus=False
            )
            yield Static(id="capture-preview")

    @property
    def capture_input(self) -> CaptureInput:
        return self.query_one("#capture-input", CaptureInput)

    @property
    def draft(self) -> str:
        return "" if self.read_only else self.capture_input.value

    def set_heading(self, heading: str) -> None:
        self.border_title = heading

    def show_entries(self, lines: list[MinuteLine]) -> None:
        """Show ``lines`` in order; rows are reused by entry id so only changes repaint."""
        scroller = self.query_one("#minutes-entries", VerticalScroll)
        if not scroller.is_attached:
            return  # closing with its screen (keys still queued at exit are applied): nothing to draw
        at_end = scroller.scroll_y >= scroller.max_scroll_y - 1
        wanted = {line.id for line in lines}
        for entry_id in [i for i in self._rows if i not in wanted]:
            self._rows.pop(entry_id).remove()
        previous: MinuteRow | None = None
        for line in lines:
            row = self._rows.get(line.id)
            if row is None:
                row = self._rows[line.id] = MinuteRow(line)
                if previous is None:
                    scroller.mount(row, before=0)
                else:
                    scroller.mount(row, after=previous)
            else:
                row.show(line)
            previous = row
        self.query_one("#minutes-empty").display = not lines
        if at_end:
            scroller.scroll_end(animate=False)

    def set_preview(self, text: str, *, error: bool = False, hint: bool = False) -> None:
        """The line under the input: what Enter will record, or why it cannot."""
        if self.read_only:
            return
        preview = self.query_one("#capture-preview", Static)
        preview.update(literal(text))
        preview.set_class(error, "-error")
        preview.set_class(hint, "-hint")

    def clear_input(self) -> None:
        self.capture_input.clear()

    def after_typed(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` once the capture line has applied every key it has been sent so far.

        Priority bindings (alt+d, ctrl+n) run as soon as their key arrives, ahead of the keys still
        queued for the capture line; this puts them back in the order they were typed.
        """
        if self.read_only:
            callback()
        else:
            self.capture_input.call_later(callback)

    def restore(self, text: str) -> None:
        """Put ``text`` back into the capture line (a resumed draft, a refused line)."""
        self.capture_input.value = text
        self.capture_input.cursor_position = len(text)

    @on(Input.Changed, "#capture-input")
    def draft_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.DraftChanged(self, event.value))
