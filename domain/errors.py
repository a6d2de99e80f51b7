"""Errors raised by the domain; the CLI and the TUI turn them into one readable line."""

from __future__ import annotations


class HuddleError(Exception):
    """Base of every error Huddle reports to a person instead of crashing."""


class DomainError(HuddleError):
    """A request that breaks a rule of the product."""


class ValidationError(DomainError):
    """Input that is malformed: a bad date, an empty title, a control character."""


class UnknownPersonError(ValidationError):
    """A handle or name that matches nobody; ``key`` is what was typed, so a form can offer to add it."""

    def __init__(self, key: str, message: str) -> None:
        self.key = key
        super().__init__(message)


class NotFoundError(DomainError):
    """An id, handle or name that does not exist."""

    def __init__(self, kind: str, key: str, hint: str = "") -> None:
        from domain.i18n import _  # deferred: domain.i18n raises ValidationError
        from domain.text import quoted  # deferred: domain.text raises these errors

        self.kind = kind
        self.key = key
        # ``kind`` stays the English word (callers compare it); the message names it in the language.
        message = _("no {kind} {key}").format(kind=_(KINDS.get(kind, kind)), key=quoted(key))
        super().__init__(_("{message}; {hint}").format(message=message, hint=hint) if hint else message)


def N_(message: str) -> str:
    """Marks a msgid for extraction (domain.i18n.N_, which this module cannot import at load time)."""
    return message


KINDS = {
    "card": N_("card"),
    "change request": N_("change request"),
    "criterion": N_("criterion"),
    "department": N_("department"),
    "goal": N_("goal"),
    "meeting": N_("meeting"),
    "person": N_("person"),
    "risk": N_("risk"),
    "unique person": N_("unique person"),
}
"""What NotFoundError names: ``kind`` as the callers pass it, marked for the catalog."""


class ConflictError(DomainError):
    """A request that contradicts the current state: a duplicate, a cycle, a WIP limit."""


class StorageError(HuddleError):
    """The data file could not be read or written; the message names the file and the way out."""


class DeliveryError(HuddleError):
    """Sending an e-mail or publishing to a calendar server failed; the message never holds a password."""
