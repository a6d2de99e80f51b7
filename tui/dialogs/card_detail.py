"""A card in full: its fields, dependencies and activity, with buttons that say what to do next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from domain.models import Activity, Card
from domain.rules import is_blocked, is_overdue
from tui.widgets.safe import literal, printable


@dataclass(frozen=True)
class CardDetail:
    """Everything the detail dialog shows, loaded off the event loop."""

    card: Card
    blocked_by: list[tuple[str, Card | None]] = field(default_factory=list)
    """Each dependency id with its card (None when it no longer exists)."""
    blocking: list[Card] = field(default_factory=list)
    """Cards that wait for this one."""
    children: list[Card] = field(default_factory=list)
    history: list[Activity] = field(default_factory=list)


def detail_content(detail: CardDetail, today: date) -> Content:
    """The card's fields, dependencies and activity as literal text."""
    card = detail.card
    lines: list[Content] = []

    def row(name: str, value: str) -> None:
        lines.append(Content.assemble((f"{name:<13}", "bold"), printable(value)))

    row("Title", card.title)
    row("Department", f"{card.dept} / {card.column}")
    row("Owner", f"@{card.owner}" if card.owner else "unassigned")
    due = card.due.isoformat() if card.due else "-"
    if card.due and is_overdue(card, today):
        due += f"  overdue by {(today - card.due).days} day(s)"
    row("Due", due)
    row("Start", card.start.isoformat() if card.start else "-")
    row("Priority", card.priority.value)
    row("Milestone", "yes" if card.milestone else "no")
    row("Progress", f"{card.progress}%")
    row("Estimate", "-" if card.estimate is None else f"{card.estimate:g} person-days")
    row("Tags", ", ".join(card.tags) or "-")
    raci = f"R {', '.join(card.responsible) or '-'}  A {card.accountable or '-'}"
    raci += f"  C {', '.join(card.consulted) or '-'}  I {', '.join(card.informed) or '-'}"
    row("RACI", raci)
    if card.parent:
        row("Parent", card.parent)
    if card.blocked_reason and is_blocked(card, {}):
        row("Blocked", card.blocked_reason)
    if card.description:
        lines.append(Content(""))
        lines.append(literal(card.description, keep_newlines=True))
    lines.append(Content(""))
    if card.criteria:
        done = sum(1 for c in card.criteria if c.state != "open")
        lines.append(Content.styled(f"Acceptance ({done}/{len(card.criteria)})", "bold $text-accent"))
        for crit in card.criteria:
            by = f" — {crit.accepted_by}" if crit.accepted_by else ""
            lines.append(literal(f"  {crit.id} [{crit.state}] {crit.text}{by}"))
    lines.append(Content.styled("Blocked by", "bold $text-accent"))
    for dep_id, dep in detail.blocked_by:
        text = f"  {dep_id}  (missing)" if dep is None else f"  {dep.id}  {dep.title}  [{dep.column}]"
        lines.append(literal(text))
    if not detail.blocked_by:
        lines.append(Content("  nothing"))
    lines.append(Content.styled("Blocking", "bold $text-accent"))
    for other in detail.blocking:
        lines.append(literal(f"  {other.id}  {other.title}  [{other.column}]"))
    if not detail.blocking:
        lines.append(Content("  nothing"))
    if detail.children:
        lines.append(Content.styled("Sub-tasks", "bold $text-accent"))
        for child in detail.children:
            lines.append(literal(f"  {child.id}  {child.title}  [{child.column}]"))
    lines.append(Content.styled("Activity", "bold $text-accent"))
    for entry in detail.history:
        stamp = entry.at.strftime("%Y-%m-%d %H:%M")
        detail_text = f": {entry.detail}" if entry.detail else ""
        lines.append(literal(f"  {stamp}  {entry.user} ({entry.os_user})  {entry.action}{detail_text}"))
    if not detail.history:
        lines.append(Content("  none recorded"))
    return Content("\n").join(lines)


class CardDetailModal(ModalScreen[str | None]):
    """A card with its dependencies and history; buttons move, edit or delete it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="detail.close"),
        Binding("e", "choose('edit')", "Edit", id="detail.edit"),
        Binding("less_than_sign", "choose('move-left')", "Move ←", id="detail.move-left"),
        Binding("greater_than_sign", "choose('move-right')", "Move →", id="detail.move-right"),
        Binding("delete", "choose('delete')", "Delete", id="detail.delete"),
    ]

    def __init__(self, detail: CardDetail, *, today: date, can_left: bool, can_right: bool) -> None:
        super().__init__()
        self.detail = detail
        self.today = today
        self.can_left = can_left
        self.can_right = can_right

    def compose(self) -> ComposeResult:
        card = self.detail.card
        with Vertical(id="card-detail", classes="dialog"):
            yield Static(literal(f"{card.id}  {card.title}"), classes="dialog-title")
            with VerticalScroll(id="detail-body"):
                yield Static(detail_content(self.detail, self.today), id="detail-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("← Move", id="move-left", disabled=not self.can_left, compact=True)
                yield Button("Move →", id="move-right", disabled=not self.can_right, compact=True)
                yield Button("Edit", id="edit", variant="primary", compact=True)
                yield Button("Delete", id="delete", variant="error", compact=True)
                yield Button("Close", id="close", compact=True)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_choose(self, what: str) -> None:
        if (what == "move-left" and not self.can_left) or (what == "move-right" and not self.can_right):
            return
        self.dismiss(what)

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "close" else event.button.id)
