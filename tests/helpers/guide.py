"""Seeded projects for the Pilot and snapshot tests of the plan and the close phase."""

from __future__ import annotations

from datetime import date

from domain.models import Goal
from tui.wiring import Context


def seed_close(context: Context) -> None:
    """On top of the shared workspace: goals with actuals, criteria on OPS-3 (ann accepts), a milestone
    due for review this week (MKT-3, wei accepts), planned dates for the critical path, a change request."""
    sv = context.services
    sv.directory.set_project(
        "Launch 2027",
        "All departments ready on the same day.",
        [
            Goal("Sign 3 pilot customers", "signed contracts", "3", date(2027, 1, 31)),
            Goal("Launch on budget", "spend vs budget", "≤ 100%", date(2027, 2, 28)),
        ],
    )
    sv.closing.update_goal("1", "2", on=date(2026, 11, 20))
    sv.closing.update_goal("2", "92%", on=date(2026, 11, 24))
    sv.cards.edit("OPS-1", {"start": date(2026, 11, 9)})
    sv.cards.edit("OPS-3", {"accountable": "ann", "start": date(2026, 12, 10)})
    sv.milestones.add_criterion("OPS-3", "Runbook reviewed by Ops")
    sv.milestones.add_criterion("OPS-3", "监控告警已验证")
    sv.cards.add(
        "MKT", "Launch event booked", milestone=True, due=date(2026, 11, 28), blocked_by=["MKT-1"],
        accountable="wei",
    )  # fmt: skip
    sv.records.request_change("Add SSO", scope="SAML login", schedule_days=5, cost=1200)


def seed_plan(context: Context) -> None:
    """Goals, RACI roles and a second milestone on top of the shared workspace."""
    sv = context.services
    sv.directory.set_project(
        "Launch 2027",
        "[b]One[/b] launch, all departments ready on the same day.",
        [Goal("Sign 20 pilot customers", "signed contracts", "20", date(2027, 1, 31))],
    )
    sv.cards.edit("OPS-1", {"start": date(2026, 11, 9), "accountable": "ann"})
    sv.cards.edit(
        "MKT-1",
        {"start": date(2026, 11, 16), "accountable": "wei", "consulted": ["ann"], "informed": ["bob"]},
    )
    sv.cards.add("MKT", "Launch event", milestone=True, due=date(2027, 1, 20), blocked_by=["MKT-1"])
    sv.cards.add(
        "OPS", "Help marketing", owner="wei", column="Doing", due=date(2027, 1, 10), enforce_wip=False
    )
