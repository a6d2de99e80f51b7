"""Yes/no questions: the everyday one (y/n) and the one asked before a single key writes or sends."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from domain.i18n import N_, _
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal


class ConfirmModal(TranslatedBindings, ModalScreen[bool]):
    """A yes/no question; ``y``/enter confirms, ``n``/escape declines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", N_("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no"),
    ]

    def __init__(self, question: str, *, yes: str | None = None) -> None:
        super().__init__()
        self.question = question
        self.yes = _("Yes") if yes is None else yes

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(literal(self.question), id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes}  y", id="yes", variant="error", compact=True)
                yield Button(_("No  n"), id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class WriteConfirmModal(ConfirmModal, inherit_bindings=False):
    """A yes/no question with no letter keys: Escape or Enter on the focused Cancel declines.

    Asked before a single key writes a file or sends mail from a list, so that letters typed by someone who
    believes a form is open (a meeting title, a name) can never confirm it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "answer(False)", N_("Cancel"), id="write-confirm.cancel"),
        Binding("ctrl+s", "answer(True)", N_("Confirm"), id="write-confirm.yes"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(literal(self.question), id="confirm-question")
            with Horizontal(classes="dialog-buttons"):
                yes = Button(
                    _("{answer} (ctrl+s)").format(answer=self.yes), id="yes", variant="primary", compact=True
                )
                yes.can_focus = False  # Tab then Enter, as in a form, must not confirm
                yield yes
                yield Button(_("Cancel"), id="no", compact=True)
