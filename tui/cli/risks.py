"""``huddle risk add|edit|list|show``: the risk register."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from domain.i18n import _, pgettext
from domain.text import printable
from tui.cli.args import UsageError, date_arg, score
from tui.cli.output import emit_json, iso, label_line, print_table, resolved

if TYPE_CHECKING:
    from domain.models import Risk
    from tui.cli.parser import Builder
    from tui.wiring import Context


def risk_json(r: Risk) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "probability": r.probability,
        "impact": r.impact,
        "owner": r.owner,
        "score": r.score,
        "residual_probability": r.residual_probability,
        "residual_impact": r.residual_impact,
        "residual_score": r.residual_score,
        "status": r.status.value,
        "category": r.category,
        "description": r.description,
        "mitigation": r.mitigation,
        "contingency": r.contingency,
        "trigger": r.trigger,
        "review_date": iso(r.review_date),
        "linked_cards": list(r.linked_cards),
        "history": [
            {
                "at": iso(h.at),
                "probability": h.probability,
                "impact": h.impact,
                "residual_probability": h.residual_probability,
                "residual_impact": h.residual_impact,
                "by": h.by,
            }
            for h in r.history
        ],
    }


def _risk_fields(ctx: Context, args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in ("description", "category", "mitigation", "contingency", "trigger", "status"):
        if getattr(args, name, None) is not None:
            fields[name] = getattr(args, name)
    for name in ("residual_probability", "residual_impact"):
        if getattr(args, name, None) is not None:
            fields[name] = getattr(args, name)
    if getattr(args, "review", None) is not None:
        fields["review_date"] = date_arg(ctx, args.review, "review")
        resolved(_("review"), fields["review_date"])
    if getattr(args, "link", None):
        fields["linked_cards"] = args.link
    return fields


def cmd_risk_add(ctx: Context, args: argparse.Namespace) -> int:
    risk = ctx.services.risks.add(
        args.title, args.probability, args.impact, owner=args.owner, **_risk_fields(ctx, args)
    )
    print(risk.id)
    return 0


def cmd_risk_edit(ctx: Context, args: argparse.Namespace) -> int:
    changes = _risk_fields(ctx, args)
    for name in ("title", "probability", "impact"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.owner is not None:
        changes["owner"] = args.owner or None
    if not changes:
        raise UsageError(_("risk edit: nothing to change; give at least one option such as --probability"))
    print(ctx.services.risks.edit(args.id, changes).id)
    return 0


def cmd_risk_list(ctx: Context, args: argparse.Namespace) -> int:
    from tui.views.risks import status_label

    risks = ctx.services.risks.list()
    if args.json:
        emit_json([risk_json(r) for r in risks])
        return 0
    rows = [
        [
            r.id,
            r.title,
            str(r.probability or "-"),
            str(r.impact or "-"),
            str(r.score or "-"),
            r.owner or "",
            status_label(r.status.value),
        ]
        for r in sorted(risks, key=lambda r: -(r.score or 0))
    ]
    print_table(rows, ["ID", _("TITLE"), "P", "I", _("SCORE"), _("OWNER"), _("STATUS")])
    return 0


def _field_labels() -> dict[str, str]:
    """``risk show``'s labels in the current language; in English the JSON keys, as it always printed."""
    return {
        "id": pgettext("risk field", "id"),
        "title": pgettext("risk field", "title"),
        "probability": pgettext("risk field", "probability"),
        "impact": pgettext("risk field", "impact"),
        "owner": pgettext("risk field", "owner"),
        "score": pgettext("risk field", "score"),
        "residual_probability": pgettext("risk field", "residual_probability"),
        "residual_impact": pgettext("risk field", "residual_impact"),
        "residual_score": pgettext("risk field", "residual_score"),
        "status": pgettext("risk field", "status"),
        "category": pgettext("risk field", "category"),
        "description": pgettext("risk field", "description"),
        "mitigation": pgettext("risk field", "mitigation"),
        "contingency": pgettext("risk field", "contingency"),
        "trigger": pgettext("risk field", "trigger"),
        "review_date": pgettext("risk field", "review_date"),
        "linked_cards": pgettext("risk field", "linked_cards"),
        "history": pgettext("risk field", "history"),
    }


def cmd_risk_show(ctx: Context, args: argparse.Namespace) -> int:
    from domain.dates import format_day, format_moment
    from tui.views.risks import status_label

    risk = ctx.services.risks.get(args.id)
    if args.json:
        emit_json(risk_json(risk))
        return 0
    today = ctx.services.cards.today()
    labels = _field_labels()
    for key, value in risk_json(risk).items():
        if key == "history" or value in (None, "", []):
            continue
        if key == "status":
            shown = status_label(value)
        elif key == "review_date" and risk.review_date:
            shown = format_day(risk.review_date, today=today)
        elif isinstance(value, list):
            shown = pgettext("list separator", ", ").join(value)
        else:
            shown = str(value)
        print(label_line(labels.get(key, key), printable(shown), 20))
    print(label_line(labels["history"], "", 20).rstrip())
    for h in risk.history:
        print(
            "  "
            + _("{at}  P{p} I{i}  residual P{rp} I{ri}  by {by}").format(
                at=format_moment(h.at, ctx.zone, today=today),
                p=h.probability or "-",
                i=h.impact or "-",
                rp=h.residual_probability or "-",
                ri=h.residual_impact or "-",
                by=h.by,
            )
        )
    return 0


def _risk_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``risk add`` and ``risk edit``."""
    p.add_argument("--owner", metavar="HANDLE")
    p.add_argument("--residual-probability", type=score, metavar="1-5")
    p.add_argument("--residual-impact", type=score, metavar="1-5")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--category", metavar="TEXT")
    p.add_argument("--mitigation", metavar="TEXT")
    p.add_argument("--contingency", metavar="TEXT")
    p.add_argument("--trigger", metavar="TEXT", help=_("early-warning indicator"))
    p.add_argument("--status", choices=["open", "mitigating", "closed", "occurred"])
    p.add_argument("--review", metavar="DATE", help=_("next review date"))
    p.add_argument("--link", action="append", metavar="CARD", help=_("linked card (repeat)"))


def add_parsers(sub: Any, b: Builder) -> None:
    risk_sub = b.group(sub, "risk")
    p = b.command(risk_sub, "add", cmd_risk_add, _("add a risk; prints its id"))
    p.add_argument("--title", required=True, metavar="TEXT")
    p.add_argument("--probability", required=True, type=score, metavar="1-5")
    p.add_argument("--impact", required=True, type=score, metavar="1-5")
    _risk_options(p)
    p = b.command(risk_sub, "edit", cmd_risk_edit, _("change a risk (score changes are kept in its history)"))
    p.add_argument("id", metavar="ID")
    p.add_argument("--title", metavar="TEXT")
    p.add_argument("--probability", type=score, metavar="1-5")
    p.add_argument("--impact", type=score, metavar="1-5")
    _risk_options(p)
    b.json_flag(b.command(risk_sub, "list", cmd_risk_list, _("list risks, highest score first")))
    p = b.command(risk_sub, "show", cmd_risk_show, _("show one risk with its score history"))
    p.add_argument("id", metavar="ID")
    b.json_flag(p)
