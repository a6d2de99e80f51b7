"""Confirm sending the follow-up invite by e-mail, and whether the minutes go along."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Label, Static

from domain.i18n import N_, _
from tui.translated import TranslatedBindings
from tui.widgets.safe import literal


class SendInviteModal(TranslatedBindings, ModalScreen[bool | None]):
    """Before the invite goes out by e-mail: to whom, and whether the Word minutes go along.

    Dismissed with whether to attach the minutes, or None when nothing is to be sent.
    """

    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", N_("Cancel"), id="send-invite.cancel"),
    ]

    def __init__(self, meeting_title: str, recipients: Sequence[str], *, has_minutes: bool) -> None:
        super().__init__()
        self.meeting_title = meeting_title
        self.recipients = list(recipients)
        self.has_minutes = has_minutes

    def compose(self) -> ComposeResult:
        with Vertical(id="send-invite-dialog", classes="meeting-dialog"):
            yield Label(_("Send the follow-up invite by e-mail?"), classes="dialog-title")
            yield Static(literal(self.meeting_title), classes="send-invite-line")
            if self.recipients:
                yield Static(
                    literal(_("To: {recipients}").format(recipients=", ".join(self.recipients))),
                    classes="send-invite-line",
                )
            else:
                yield Static(_("No attendee has an e-mail address."), classes="send-invite-line error")
            attach = Checkbox(_("Attach the Word minutes"), value=self.has_minutes, id="send-invite-attach")
            attach.display = self.has_minutes
            yield attach
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Send"), variant="primary", id="send-invite-yes", disabled=not self.recipients)
                yield Button(_("Cancel"), id="send-invite-cancel")

    def on_mount(self) -> None:
        """The focus starts on Cancel: one stray Enter must not send mail to every attendee."""
        self.query_one("#send-invite-cancel", Button).focus()

    @on(Button.Pressed, "#send-invite-yes")
    def send(self) -> None:
        self.dismiss(self.has_minutes and self.query_one("#send-invite-attach", Checkbox).value)

    @on(Button.Pressed, "#send-invite-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
