"""Services and contexts on real stores with the fixed clock, and the small workspace TUI tests use."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from domain.models import Actor
from domain.repository import Store
from domain.services import Services
from storage import open_store
from tests.helpers.clock import ZONE, FixedClock

if TYPE_CHECKING:
    from tui.wiring import Context


def make_services(store: Store, clock: FixedClock, handle: str = "ann") -> Services:
    return Services.build(store, clock, Actor(handle=handle, os_user="tester"), ZONE)


def add_team(services: Services, *, bob_dept: str | None = None) -> None:
    """Operations (OPS) and 市场部 (MKT); ann in Operations, 李伟 (wei) in 市场部, and bob."""
    d = services.directory
    d.add_department("Operations", key="OPS")
    d.add_department("市场部", key="MKT")
    d.add_person("ann", "Ann Lee", "ann@example.com", dept="Operations")
    d.add_person("wei", "李伟", "wei@example.com", dept="市场部")
    d.add_person("bob", "Bob Stone", "bob@example.com", dept=bob_dept)


def make_context(db_path: Path, clock: FixedClock, handle: str = "ann") -> Context:
    """A Context (what the app and the CLI get) on a real data file, with a fixed clock and zone."""
    from tui.config import Settings
    from tui.wiring import Context

    services = make_services(open_store(db_path), clock, handle)
    return Context(Settings(poll_seconds=0.2), db_path, services, ZONE, clock)


def seed_workspace(services: Services) -> None:
    """A small, fixed workspace for TUI tests and snapshots."""
    from datetime import date

    add_team(services, bob_dept="Operations")
    c = services.cards
    first = c.add("OPS", "Rack the new servers", owner="ann", due=date(2026, 11, 20))
    c.add("OPS", "[red]Literal[/red] markup [/] title", owner="bob", column="Doing")
    c.add("OPS", "Go-live review", milestone=True, due=date(2026, 12, 15), blocked_by=[first.id])
    c.add("MKT", "发布会场地预订", owner="wei", column="Doing", due=date(2026, 12, 1))
    c.add("MKT", "宣传册设计", owner="wei", column="Done")
    services.risks.add("Vendor ships late", 4, 4, owner="ann")
    services.risks.add("预算超支", 2, 3, owner="wei")
