"""Esc on a form: close at once when nothing was typed, otherwise ask before throwing the text away."""

from __future__ import annotations

from typing import Any

from textual.screen import ModalScreen

from domain.i18n import _


def close_or_ask(modal: ModalScreen[Any], filled: bool) -> None:
    """Dismiss ``modal`` with None, after a yes/no question when ``filled`` (Esc or n keeps the form)."""
    if not filled:
        modal.dismiss(None)
        return
    from tui.dialogs.confirm import ConfirmModal

    def answered(discard: bool | None) -> None:
        if discard:
            modal.dismiss(None)

    modal.app.push_screen(ConfirmModal(_("Discard what you typed in this form?"), yes=_("Discard")), answered)
