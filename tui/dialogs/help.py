"""The help screen: every key of every area, read from the bindings themselves (so remaps show)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from domain.i18n import N_, _
from tui.dialogs.card_detail import CardDetailModal
from tui.dialogs.card_form import CardFormModal
from tui.dialogs.confirm import ConfirmModal
from tui.dialogs.department_picker import DepartmentPickerModal
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal, pad_cells

DIALOGS: tuple[tuple[str, type[DOMNode]], ...] = (
    (N_("Card form"), CardFormModal),
    (N_("Card detail"), CardDetailModal),
    (N_("Confirmation"), ConfirmModal),
    (N_("Department picker"), DepartmentPickerModal),
)
"""Dialog titles (marked for extraction, translated where shown) and classes."""


def binding_rows(
    bindings: Iterable[BindingType], keymap: Mapping[str, str], key_display: Any
) -> list[tuple[str, str]]:
    """``(keys, description)`` per action, with keys merged ("left, h") and the keymap applied."""
    rows: dict[tuple[str, str], list[str]] = {}
    for binding in Binding.make_bindings(bindings):
        if binding.id and binding.id in keymap:
            keys = [key.strip() for key in keymap[binding.id].split(",")]
        else:
            keys = [key_display(binding)]
        slot = rows.setdefault(
            (binding.action, _(binding.description) if binding.description else binding.action), []
        )
        slot.extend(key for key in keys if key not in slot)
    return [(", ".join(keys), description) for (_action, description), keys in rows.items()]


def section(title: str, rows: Sequence[tuple[str, str]]) -> Content:
    lines = [Content.styled(title, "bold $text-accent")]
    lines += [
        Content.assemble((pad_cells(f"  {keys}", 24), "bold"), literal(description))
        for keys, description in rows
    ]
    return Content("\n").join(lines)


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    """All keys: global ones, then each area's and the dialogs'."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", N_("Close help"), id="help.close"),
    ]

    def __init__(self, areas: Sequence[tuple[str, str, type[DOMNode]]], keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.areas = areas
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        display = self.app.get_key_display
        sections = [section(_("Everywhere"), binding_rows(type(self.app).BINDINGS, self.keymap, display))]
        for index, (_name, title, cls) in enumerate(self.areas, start=1):
            rows = binding_rows(cls.BINDINGS, self.keymap, display)
            heading = _("{area} (key {n})").format(area=title, n=index)
            sections.append(section(heading, rows or [("-", _("no keys of its own"))]))
        for title, dialog in DIALOGS:
            sections.append(section(_(title), binding_rows(dialog.BINDINGS, self.keymap, display)))
        sections.append(
            section(
                _("Mouse"),
                [
                    (_("click"), _("select a card")),
                    (_("double click"), _("open the card's detail")),
                    (_("click a column header"), _("move the selected card into that column")),
                    (_("click a tab"), _("switch department")),
                ],
            )
        )
        with Vertical(id="help", classes="dialog"):
            yield Static(_("Huddle keys  (esc to close)"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(Content("\n\n").join(sections), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
