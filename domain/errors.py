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
        from domain.text import quoted  # deferred: domain.text raises these errors

        self.kind = kind
        self.key = key
        message = f"no {kind} {quoted(key)}"
        super().__init__(f"{message}; {hint}" if hint else message)


class ConflictError(DomainError):
    """A request that contradicts the current state: a duplicate, a cycle, a WIP limit."""


class StorageError(HuddleError):
    """The data file could not be read or written; the message names the file and the way out."""


class DeliveryError(HuddleError):
    """Sending an e-mail or publishing to a calendar server failed; the message never holds a password."""
