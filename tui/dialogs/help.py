"""The help screen: every key of every area, read from the bindings themselves (so remaps show)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

from domain.i18n import N_, _
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal, pad_cells

KEY_CELLS = 16
"""Cells of the keys column (padded in cells, so ``ctrl+左`` or a Chinese key name lines up)."""


@dataclasses.dataclass(frozen=True, slots=True)
class HelpRow:
    """One action: its keys as shown (remaps applied), what it does, and its binding id for ``[keymap]``."""

    keys: str
    description: str
    binding_id: str


def binding_rows(
    bindings: Iterable[BindingType], keymap: Mapping[str, str], key_display: Any
) -> list[HelpRow]:
    """One row per action, keys merged ("left, h") and the keymap applied, shown as the key bar shows
    them (``key_display`` is ``App.get_key_display``)."""
    rows: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for binding in Binding.make_bindings(bindings):
        if binding.id and binding.id in keymap:
            names = [key.strip() for key in keymap[binding.id].split(",") if key.strip()]
            keys = [key_display(dataclasses.replace(binding, key=name, key_display=None)) for name in names]
        else:
            keys = [key_display(binding)]
        description = _(binding.description) if binding.description else binding.action
        slot_keys, slot_ids = rows.setdefault((binding.action, description), ([], []))
        slot_keys.extend(key for key in keys if key not in slot_keys)
        if binding.id and binding.id not in slot_ids:
            slot_ids.append(binding.id)
    return [
        HelpRow(", ".join(keys), description, ", ".join(ids))
        for (_a, description), (keys, ids) in rows.items()
    ]


def palette_row(app: App[Any], key_display: Any) -> HelpRow:
    """The command palette's key (Textual adds that binding itself, without an id)."""
    binding = Binding(app.COMMAND_PALETTE_BINDING, "command_palette", key_display=app.COMMAND_PALETTE_DISPLAY)
    return HelpRow(key_display(binding), _("Command palette: every key of this screen by name"), "")


def class_title(cls: type[DOMNode]) -> str:
    """A section title: the class's ``BINDING_GROUP_TITLE``, else its name without the role suffix."""
    title = cls.__dict__.get("BINDING_GROUP_TITLE")
    if title:
        return _(str(title))
    name = cls.__name__
    for suffix in ("Screen", "Modal", "Widget"):
        name = name.removesuffix(suffix)
    return "".join(f" {c.lower()}" if c.isupper() and i else c for i, c in enumerate(name))


def section(title: str, rows: Sequence[HelpRow]) -> Content:
    lines = [Content.styled(title, "bold $text-accent")]
    lines += [
        Content.assemble(
            (f"  {pad_cells(row.keys, KEY_CELLS)}", "bold"),
            literal(row.description),
            (f"  ({row.binding_id})" if row.binding_id else "", "$text-muted"),
        )
        for row in rows
    ]
    return Content("\n").join(lines)


class HelpScreen(TranslatedBindings, ModalScreen[None]):
    """All keys: global ones, then each area's and the dialogs'."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "close", N_("Close help"), id="help.close"),
    ]

    def __init__(
        self,
        areas: Sequence[tuple[str, str, type[DOMNode]]],
        keymap: Mapping[str, str],
        others: Sequence[type[DOMNode]] = (),
    ) -> None:
        """``areas`` are the numbered areas; ``others`` every other screen, widget and dialog with keys
        (the app finds them, :func:`tui.app.keyed_classes`), each shown as a section of its own."""
        super().__init__()
        self.areas = areas
        self.keymap = keymap
        self.others = others

    def compose(self) -> ComposeResult:
        display = self.app.get_key_display
        everywhere = binding_rows(type(self.app).BINDINGS, self.keymap, display)
        if self.app.ENABLE_COMMAND_PALETTE:
            everywhere.append(palette_row(self.app, display))
        sections = [section(_("Everywhere"), everywhere)]
        shown: set[type[DOMNode]] = set()
        for index, (_name, title, cls) in enumerate(self.areas, start=1):
            shown.add(cls)
            rows = binding_rows(cls.BINDINGS, self.keymap, display)
            heading = _("{area} (key {index})").format(area=_(title), index=index)
            sections.append(section(heading, rows or [HelpRow("-", _("no keys of its own"), "")]))
        for cls in self.others:
            if cls not in shown and cls is not type(self):
                sections.append(section(class_title(cls), binding_rows(cls.BINDINGS, self.keymap, display)))
        sections.append(
            section(
                _("Mouse"),
                [
                    HelpRow(_("click"), _("select a card"), ""),
                    HelpRow(_("double click"), _("open the card's detail"), ""),
                    HelpRow(_("click a column header"), _("move the selected card into that column"), ""),
                    HelpRow(_("click a tab"), _("switch department"), ""),
                    HelpRow(_("click a key below"), _("press it"), ""),
                ],
            )
        )
        with Vertical(id="help", classes="dialog"):
            yield Static(
                _("Huddle keys, with each binding id for [keymap]  (esc to close)"),
                classes="dialog-title",
                markup=False,
            )
            with VerticalScroll(id="help-body"):
                yield Static(Content("\n\n").join(sections), id="help-text")

    def on_mount(self) -> None:
        self.query_one("#help-body", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
