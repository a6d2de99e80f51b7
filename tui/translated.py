"""Key bindings in the current language, for the footer, the palette and the help screen.

``BINDINGS`` are class attributes, built when a module is imported, which can be before the
language is chosen (tests import every screen at collection). So their descriptions and tooltips
are marked with ``N_()`` and translated here, when a screen reports its active bindings: Textual's
Footer and the app's palette both read ``Screen.active_bindings``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from textual.binding import ActiveBinding
from textual.screen import Screen

from domain.i18n import _


def _text(message: str) -> str:
    """``message`` translated; an empty one stays empty (gettext maps "" to the catalog header)."""
    return _(message) if message else message


def translate_bindings(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """The same active bindings with description and tooltip in the current language."""
    out: dict[str, ActiveBinding] = {}
    for key, active in bindings.items():
        binding = replace(
            active.binding,
            description=_text(active.binding.description),
            tooltip=_text(active.binding.tooltip),
        )
        out[key] = active._replace(binding=binding, tooltip=_text(active.tooltip))
    return out


class TranslatedBindings:
    """Mixin for a Screen or ModalScreen (put it first in the bases): its ``active_bindings`` speak
    the current language. ``class BoardsScreen(TranslatedBindings, AreaScreen): ...``"""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        screen_property = cast(property, Screen.__dict__["active_bindings"])
        assert screen_property.fget is not None
        return translate_bindings(screen_property.fget(self))
