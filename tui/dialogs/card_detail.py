"""A card in full: its fields, dependencies and activity, with buttons that say what to do next."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, tzinfo
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from domain.dates import format_day, format_moment
from domain.i18n import N_, _
from domain.models import Activity, Card
from domain.rules import is_blocked, is_overdue
from tui.translated import TranslatedBindings
from tui.views.board import PRIORITY_NAMES
from tui.views.plan import activity_text
from tui.widgets.safe import literal, pad_cells, printable


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


def detail_content(detail: CardDetail, today: date, zone: tzinfo = UTC) -> Content:
    """The card's fields, dependencies and activity as literal text; dates as the language writes them,
    activity stamps as wall-clock time in ``zone``."""
    card = detail.card
    lines: list[Content] = []

    def row(name: str, value: str) -> None:
        lines.append(Content.assemble((pad_cells(_(name), 13), "bold"), printable(value)))

    row(N_("Title"), card.title)
    row(N_("Department"), f"{card.dept} / {card.column}")
    row(N_("Owner"), f"@{card.owner}" if card.owner else _("unassigned"))
    due = format_day(card.due, today=today) if card.due else "-"
    if card.due and is_overdue(card, today):
        late = (today - card.due).days
        due += _("  overdue by {n} day(s)").format(n=late)
    row(N_("Due"), due)
    row(N_("Start"), format_day(card.start, today=today) if card.start else "-")
    row(N_("Priority"), _(PRIORITY_NAMES.get(card.priority.value, card.priority.value)))
    row(N_("Milestone"), _("yes") if card.milestone else _("no"))
    row(N_("Progress"), f"{card.progress}%")
    estimate = "-" if card.estimate is None else _("{days} person-days").format(days=f"{card.estimate:g}")
    row(N_("Estimate"), estimate)
    row(N_("Tags"), ", ".join(card.tags) or "-")
    raci = f"R {', '.join(card.responsible) or '-'}  A {card.accountable or '-'}"
    raci += f"  C {', '.join(card.consulted) or '-'}  I {', '.join(card.informed) or '-'}"
    row(N_("RACI"), raci)
    if card.parent:
        row(N_("Parent"), card.parent)
    if card.blocked_reason and is_blocked(card, {}):
        row(N_("Blocked"), card.blocked_reason)
    if card.description:
        lines.append(Content(""))
        lines.append(literal(card.description, keep_newlines=True))
    lines.append(Content(""))
    if card.criteria:
        done = sum(1 for c in card.criteria if c.state != "open")
        lines.append(
            Content.styled(
                _("Acceptance ({done}/{total})").format(done=done, total=len(card.criteria)),
                "bold $text-accent",
            )
        )
        for crit in card.criteria:
            by = f" — {crit.accepted_by}" if crit.accepted_by else ""
            lines.append(literal(f"  {crit.id} [{crit.state}] {crit.text}{by}"))
    lines.append(Content.styled(_("Blocked by"), "bold $text-accent"))
    for dep_id, dep in detail.blocked_by:
        text = (
            _("  {id}  (missing)").format(id=dep_id)
            if dep is None
            else f"  {dep.id}  {dep.title}  [{dep.column}]"
        )
        lines.append(literal(text))
    if not detail.blocked_by:
        lines.append(Content(_("  nothing")))
    lines.append(Content.styled(_("Blocking"), "bold $text-accent"))
    for other in detail.blocking:
        lines.append(literal(f"  {other.id}  {other.title}  [{other.column}]"))
    if not detail.blocking:
        lines.append(Content(_("  nothing")))
    if detail.children:
        lines.append(Content.styled(_("Sub-tasks"), "bold $text-accent"))
        for child in detail.children:
            lines.append(literal(f"  {child.id}  {child.title}  [{child.column}]"))
    lines.append(Content.styled(_("Activity"), "bold $text-accent"))
    for entry in detail.history:
        stamp = format_moment(entry.at, zone, today=today)
        action = activity_text(entry.action)
        if entry.detail:
            action = _("{action}: {detail}").format(action=action, detail=entry.detail)
        lines.append(literal(f"  {stamp}  {entry.user} ({entry.os_user})  {action}"))
    if not detail.history:
        lines.append(Content(_("  none recorded")))
    return Content("\n").join(lines)


class CardDetailModal(TranslatedBindings, ModalScreen[str | None]):
    """A card with its dependencies and history; buttons move, edit or delete it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", N_("Close"), id="detail.close"),
        Binding("e", "choose('edit')", N_("Edit"), id="detail.edit"),
        Binding("less_than_sign", "choose('move-left')", N_("Move ←"), id="detail.move-left"),
        Binding("greater_than_sign", "choose('move-right')", N_("Move →"), id="detail.move-right"),
        Binding("delete", "choose('delete')", N_("Delete"), id="detail.delete"),
    ]

    def __init__(
        self, detail: CardDetail, *, today: date, can_left: bool, can_right: bool, zone: tzinfo = UTC
    ) -> None:
        super().__init__()
        self.detail = detail
        self.today = today
        self.zone = zone
        self.can_left = can_left
        self.can_right = can_right

    def compose(self) -> ComposeResult:
        card = self.detail.card
        with Vertical(id="card-detail", classes="dialog"):
            yield Static(literal(f"{card.id}  {card.title}"), classes="dialog-title")
            with VerticalScroll(id="detail-body"):
                yield Static(detail_content(self.detail, self.today, self.zone), id="detail-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("← Move"), id="move-left", disabled=not self.can_left, compact=True)
                yield Button(_("Move →"), id="move-right", disabled=not self.can_right, compact=True)
                yield Button(_("Edit"), id="edit", variant="primary", compact=True)
                yield Button(_("Delete"), id="delete", variant="error", compact=True)
                yield Button(_("Close"), id="close", compact=True)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_choose(self, what: str) -> None:
        if (what == "move-left" and not self.can_left) or (what == "move-right" and not self.can_right):
            return
        self.dismiss(what)

    @on(Button.Pressed)
    def button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "close" else event.button.id)
