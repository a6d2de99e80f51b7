"""``huddle card add|move|edit|delete|list|show``.

``card add`` is the command people run most from scripts: this module imports nothing beyond what it
needs (``domain.rules`` is loaded by the commands that show derived flags).
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import TYPE_CHECKING, Any

from domain.dates import DATE_FORMS, format_day
from domain.i18n import _, pgettext
from domain.text import printable
from tui.cli.args import Bounded, UsageError, date_arg, days
from tui.cli.output import due_text, emit_json, iso, label_line, print_table, resolved

if TYPE_CHECKING:
    from domain.models import Card
    from tui.cli.parser import Builder
    from tui.wiring import Context


def card_json(c: Card, *, blocked: bool, overdue: bool) -> dict[str, Any]:
    """A card's JSON; ``blocked`` and ``overdue`` come from the domain rules (domain/rules.py). ``card list``
    writes the same keys from the stored documents (``storage.codecs.card_listing``): a key changed here
    changes there too (``tests/storage/test_card_listing.py`` compares the two)."""
    return {
        "id": c.id,
        "title": c.title,
        "dept": c.dept,
        "column": c.column,
        "owner": c.owner,
        "due": iso(c.due),
        "milestone": c.milestone,
        "blocked_by": list(c.blocked_by),
        "start": iso(c.start),
        "priority": c.priority.value,
        "tags": list(c.tags),
        "progress": c.progress,
        "parent": c.parent,
        "description": c.description,
        "responsible": list(c.responsible),
        "accountable": c.accountable,
        "consulted": list(c.consulted),
        "informed": list(c.informed),
        "blocked_reason": c.blocked_reason,
        "meeting_id": c.meeting_id,
        "created_at": iso(c.created_at),
        "created_by": c.created_by,
        "updated_at": iso(c.updated_at),
        "updated_by": c.updated_by,
        "blocked": blocked,
        "overdue": overdue,
    }


def _card_fields(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    """Fields common to ``card add`` and ``card edit`` that were given on the command line."""
    fields: dict[str, Any] = {}
    if getattr(args, "description", None) is not None:
        fields["description"] = args.description
    if getattr(args, "priority", None) is not None:
        fields["priority"] = args.priority
    if getattr(args, "tag", None):
        fields["tags"] = args.tag
    if getattr(args, "start", None) is not None:
        fields["start"] = date_arg(ctx, args.start, "start")
        resolved(_("start"), fields["start"])
    if getattr(args, "parent", None) is not None:
        fields["parent"] = args.parent or None
    if getattr(args, "accountable", None) is not None:
        fields["accountable"] = args.accountable or None
    if getattr(args, "responsible", None):
        fields["responsible"] = args.responsible
    if getattr(args, "consulted", None):
        fields["consulted"] = args.consulted
    if getattr(args, "informed", None):
        fields["informed"] = args.informed
    if getattr(args, "progress", None) is not None:
        fields["progress"] = args.progress
    if getattr(args, "estimate", None) is not None:
        fields["estimate"] = args.estimate
    if getattr(args, "blocked_reason", None) is not None:
        fields["blocked_reason"] = args.blocked_reason
    return fields


def cmd_card_add(ctx: Context, args: argparse.Namespace) -> int:
    due = date_arg(ctx, args.due, "due")
    card = ctx.services.cards.add(
        args.dept,
        args.title,
        column=args.column,
        owner=args.owner,
        due=due,
        milestone=args.milestone,
        blocked_by=args.blocked_by or (),
        **_card_fields(ctx, args),
    )
    resolved(_("due"), due)
    print(card.id)
    return 0


def cmd_card_move(ctx: Context, args: argparse.Namespace) -> int:
    card = ctx.services.cards.move(args.id, args.column, enforce_wip=not args.force)
    print(f"{card.id} -> {card.column}")
    return 0


def cmd_card_edit(ctx: Context, args: argparse.Namespace) -> int:
    changes = _card_fields(ctx, args)
    if args.title is not None:
        changes["title"] = args.title
    if args.owner is not None:
        changes["owner"] = args.owner or None
    if args.due is not None:
        changes["due"] = date_arg(ctx, args.due, "due")
        resolved(_("due"), changes["due"])
    if args.milestone is not None:
        changes["milestone"] = args.milestone
    if args.blocked_by is not None:
        changes["blocked_by"] = [] if args.blocked_by == ["none"] else args.blocked_by
    if not changes:
        raise UsageError(_("card edit: nothing to change; give at least one option such as --title or --due"))
    card = ctx.services.cards.edit(args.id, changes)
    print(card.id)
    return 0


def cmd_card_delete(ctx: Context, args: argparse.Namespace) -> int:
    card = ctx.services.cards.delete(args.id)
    print(_("deleted {id}").format(id=card.id))
    return 0


def cmd_card_list(ctx: Context, args: argparse.Namespace) -> int:
    listing = ctx.services.cards.listing(dept=args.dept, owner=args.owner)
    if listing is None:  # a backend without a listing of its records: through the Card objects
        return _card_list_of_cards(ctx, args)
    rows, blocked, overdue = listing
    if args.json:
        for row in rows:  # the listed fields are card_json's keys in its order; the two flags close it
            row["blocked"] = row["id"] in blocked
            row["overdue"] = row["id"] in overdue
        emit_json(rows)
        return 0
    today = ctx.services.cards.today()
    due_texts: dict[str | None, str] = {None: ""}  # a due day's text, worked out once per day
    for day in {row["due"] for row in rows} - {None}:
        due_texts[day] = due_text(date.fromisoformat(day), today)
    late = _("{due} OVERDUE")
    milestone, held = _("milestone"), _("blocked")
    print_table(
        [
            [
                row["id"],
                row["title"],
                row["column"],
                row["owner"] or "",
                late.format(due=due_texts[row["due"]]) if row["id"] in overdue else due_texts[row["due"]],
                " ".join(f for f, on in ((milestone, row["milestone"]), (held, row["id"] in blocked)) if on),
            ]
            for row in rows
        ],
        ["ID", _("TITLE"), _("COLUMN"), _("OWNER"), _("DUE"), _("FLAGS")],
    )
    return 0


def _card_list_of_cards(ctx: Context, args: argparse.Namespace) -> int:
    from domain.rules import is_overdue

    cards = ctx.services.cards.list(dept=args.dept, owner=args.owner)
    today = ctx.services.cards.today()
    blocked = ctx.services.cards.blocked_among(cards)
    if args.json:
        emit_json([card_json(c, blocked=c.id in blocked, overdue=is_overdue(c, today)) for c in cards])
        return 0
    rows = [
        [
            c.id,
            c.title,
            c.column,
            c.owner or "",
            _("{due} OVERDUE").format(due=due_text(c.due, today))
            if is_overdue(c, today)
            else due_text(c.due, today),
            " ".join(f for f, on in ((_("milestone"), c.milestone), (_("blocked"), c.id in blocked)) if on),
        ]
        for c in cards
    ]
    print_table(rows, ["ID", _("TITLE"), _("COLUMN"), _("OWNER"), _("DUE"), _("FLAGS")])
    return 0


SHOWN = (
    "id", "title", "dept", "column", "owner", "due", "start", "priority", "progress", "milestone", "blocked",
    "blocked_by", "blocked_reason", "overdue", "parent", "tags", "responsible", "accountable", "consulted",
    "informed", "meeting_id", "description",
)  # fmt: skip
"""The fields ``card show`` prints, in order (empty ones are left out but for id, title and column)."""


def _field_labels() -> dict[str, str]:
    """``card show``'s labels in the current language; in English the JSON keys, as it always printed."""
    return {
        "id": pgettext("card field", "id"),
        "title": pgettext("card field", "title"),
        "dept": pgettext("card field", "dept"),
        "column": pgettext("card field", "column"),
        "owner": pgettext("card field", "owner"),
        "due": pgettext("card field", "due"),
        "start": pgettext("card field", "start"),
        "priority": pgettext("card field", "priority"),
        "progress": pgettext("card field", "progress"),
        "milestone": pgettext("card field", "milestone"),
        "blocked": pgettext("card field", "blocked"),
        "blocked_by": pgettext("card field", "blocked_by"),
        "blocked_reason": pgettext("card field", "blocked_reason"),
        "overdue": pgettext("card field", "overdue"),
        "parent": pgettext("card field", "parent"),
        "tags": pgettext("card field", "tags"),
        "responsible": pgettext("card field", "responsible"),
        "accountable": pgettext("card field", "accountable"),
        "consulted": pgettext("card field", "consulted"),
        "informed": pgettext("card field", "informed"),
        "meeting_id": pgettext("card field", "meeting_id"),
        "description": pgettext("card field", "description"),
        "history": pgettext("card field", "history"),
    }


def _shown_value(card: Card, key: str, value: Any, today: date) -> str:
    """One ``card show`` value as a person reads it: dates as the language writes them, flags and the
    priority in words; ids, names and text as typed."""
    from tui.cli import words
    from tui.views.board import PRIORITY_NAMES

    if key in ("due", "start"):
        day = card.due if key == "due" else card.start
        return format_day(day, today=today) if day else ""
    if key == "priority":
        return _(PRIORITY_NAMES.get(value, value))
    if isinstance(value, bool):
        return words.yes_no(value)
    if isinstance(value, list):
        return pgettext("list separator", ", ").join(value)
    return str(value)


def cmd_card_show(ctx: Context, args: argparse.Namespace) -> int:
    from domain.dates import format_moment
    from domain.rules import is_overdue
    from tui.views.activity import activity_text

    card = ctx.services.cards.get(args.id)
    today = ctx.services.cards.today()
    data = card_json(
        card, blocked=bool(ctx.services.cards.blocked_among([card])), overdue=is_overdue(card, today)
    )
    if args.json:
        emit_json(data)
        return 0
    labels = _field_labels()
    for key in SHOWN:
        value = data[key]
        if value in (None, "", [], False) and key not in ("id", "title", "column"):
            continue
        print(label_line(labels[key], printable(_shown_value(card, key, value, today)), 15))
    print(label_line(labels["history"], "", 15).rstrip())
    for entry in ctx.services.cards.history(card.id):
        at = format_moment(entry.at, ctx.zone, today=today)
        action = activity_text(entry.action)
        print(f"  {at}  {entry.user} ({entry.os_user})  {action}  {printable(entry.detail)}")
    return 0


def _card_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``card add`` and ``card edit``."""
    p.add_argument("--owner", metavar="HANDLE")
    p.add_argument(
        "--due", metavar="DATE", help=_("due date ({forms}; 'none' clears)").format(forms=DATE_FORMS)
    )
    p.add_argument("--start", metavar="DATE")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--priority", choices=["low", "normal", "high", "urgent"])
    p.add_argument("--tag", action="append", metavar="TAG", help=_("repeat for several tags"))
    p.add_argument("--parent", metavar="ID", help=_("parent card in the WBS"))
    p.add_argument("--accountable", metavar="HANDLE", help=_("RACI: the one Accountable person"))
    p.add_argument("--responsible", action="append", metavar="HANDLE", help=_("RACI: Responsible (repeat)"))
    p.add_argument("--consulted", action="append", metavar="HANDLE", help=_("RACI: Consulted (repeat)"))
    p.add_argument("--informed", action="append", metavar="HANDLE", help=_("RACI: Informed (repeat)"))
    p.add_argument("--progress", type=Bounded(0, 100), metavar="0-100")
    p.add_argument("--estimate", type=days, metavar="DAYS")
    p.add_argument("--blocked-reason", metavar="TEXT")


def add_parsers(sub: Any, b: Builder) -> None:
    card_sub = b.group(sub, "card")
    p = b.command(card_sub, "add", cmd_card_add, _("add a card; prints its id"))
    p.add_argument("--dept", required=True, metavar="NAME")
    p.add_argument("--title", required=True, metavar="TEXT")
    p.add_argument("--column", metavar="NAME", help=_("default: the board's first column"))
    p.add_argument("--milestone", action="store_true", help=_("mark the card as a milestone"))
    p.add_argument(
        "--blocked-by", action="append", metavar="ID", help=_("a card this one waits for (repeat)")
    )
    _card_options(p)
    p = b.command(card_sub, "move", cmd_card_move, _("move a card to another column"))
    p.add_argument("id", metavar="ID")
    p.add_argument("column", metavar="COLUMN")
    p.add_argument("--force", action="store_true", help=_("move even past the column's WIP limit"))
    p = b.command(card_sub, "edit", cmd_card_edit, _("change fields of a card"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--milestone", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument(
        "--blocked-by", action="append", metavar="ID", help=_("replaces the list; 'none' clears it")
    )
    _card_options(p)
    p = b.command(card_sub, "delete", cmd_card_delete, _("delete a card"))
    p.add_argument("id", metavar="ID")
    p = b.command(card_sub, "list", cmd_card_list, _("list cards"))
    p.add_argument("--dept", metavar="NAME")
    p.add_argument("--owner", metavar="HANDLE")
    b.json_flag(p)
    p = b.command(card_sub, "show", cmd_card_show, _("show one card with its history"))
    p.add_argument("id", metavar="ID")
    b.json_flag(p)
