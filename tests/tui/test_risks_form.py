"""The risk form: saves through the service; bad input shows an inline error and saves nothing."""

from __future__ import annotations

from datetime import date

from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.screens.risk_dialogs import RiskFormModal, parse_card_ids, parse_past_date, parse_score
from tui.screens.risks import RisksScreen
from tui.wiring import Context


async def fill(pilot: Pilot[None], field: str, text: str) -> None:
    """Replace the text of one form field by typing into it."""
    form = pilot.app.screen
    widget = form.query_one(f"#field-{field}", Input)
    widget.focus()
    await pilot.pause()
    widget.value = ""
    await pilot.press(*text)


def form_error(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#form-error", Static).render())


async def test_new_risk_is_saved_with_all_fields(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, RiskFormModal)
        await fill(pilot, "title", "Supplier insolvency")
        await fill(pilot, "probability", "3")
        await fill(pilot, "impact", "5")
        await fill(pilot, "residual_probability", "2")
        await fill(pilot, "residual_impact", "3")
        await fill(pilot, "category", "supplier")
        await fill(pilot, "owner", "bob")
        await fill(pilot, "mitigation", "second source")
        await fill(pilot, "trigger", "late invoices")
        await fill(pilot, "review_date", "fri")
        assert "2026-11-27" in str(app.screen.query_one("#review-resolved").render())
        await fill(pilot, "linked_cards", "ops-1, OPS-3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RisksScreen)
        risk = context.services.risks.get("R-3")
        assert (risk.title, risk.probability, risk.impact) == ("Supplier insolvency", 3, 5)
        assert (risk.residual_probability, risk.residual_impact) == (2, 3)
        assert risk.owner == "bob"
        assert risk.review_date == date(2026, 11, 27)
        assert risk.linked_cards == ("OPS-1", "OPS-3")
        assert risk.category == "supplier"
        assert len(risk.history) == 1
        assert app.screen.view is not None
        assert "R-3" in app.screen.view.cell((3, 5)).risk_ids


async def test_bad_score_shows_an_inline_error_and_saves_nothing(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await fill(pilot, "title", "Flood")
        await fill(pilot, "probability", "7")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RiskFormModal)
        assert "Probability must be a whole number from 1 to 5" in form_error(pilot)
        assert app.screen.query_one("#field-probability", Input).has_class("-invalid")
        assert app.focused is app.screen.query_one("#field-probability", Input)
        assert [r.id for r in context.services.risks.list()] == ["R-1", "R-2"]


async def test_empty_title_bad_date_and_unknown_owner_are_refused(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Title is empty" in form_error(pilot)
        await fill(pilot, "title", "Flood")
        await fill(pilot, "review_date", "someday")
        assert str(app.screen.query_one("#review-resolved").render()) == "?"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Review date: cannot read date 'someday'" in form_error(pilot)
        await fill(pilot, "review_date", "+2w")
        await fill(pilot, "owner", "zed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RiskFormModal)
        assert "Not saved: no person 'zed'" in form_error(pilot)
        assert app.screen.query_one("#field-owner", Input).has_class("-invalid")
        await fill(pilot, "owner", "")
        await fill(pilot, "linked_cards", "OPS-99")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "no card 'OPS-99'" in form_error(pilot)
        assert [r.id for r in context.services.risks.list()] == ["R-1", "R-2"]
        await pilot.press("escape")
        assert isinstance(app.screen, RisksScreen)
        assert [r.id for r in context.services.risks.list()] == ["R-1", "R-2"]


async def test_edit_from_the_register_keeps_the_score_history(context: Context) -> None:
    app = HuddleApp(context, start_mode="risks")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("r", "e")
        form = app.screen
        assert isinstance(form, RiskFormModal)
        assert form.query_one("#field-title", Input).value == "Vendor ships late"
        await fill(pilot, "impact", "5")
        await pilot.press("ctrl+s")
        await settle(pilot)
        risk = context.services.risks.get("R-1")
        assert risk.impact == 5
        assert [(h.probability, h.impact) for h in risk.history] == [(4, 4), (4, 5)]
        screen = app.screen
        assert isinstance(screen, RisksScreen)
        assert screen.selected_register_risk() is not None
        assert screen.selected_register_risk().id == "R-1"  # type: ignore[union-attr]
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.query_one("#history-table").row_count == 2)  # type: ignore[attr-defined]
        assert app.screen.query_one("#history-table").row_count == 2  # type: ignore[attr-defined]
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, RiskFormModal))
        assert isinstance(app.screen, RiskFormModal)
        await pilot.press("escape")


def test_form_parsers() -> None:
    assert parse_score("", "P") is None
    assert parse_score(" 4 ", "P") == 4
    assert parse_card_ids("ops-1, OPS-2 ops-1;mkt-3") == ("OPS-1", "OPS-2", "MKT-3")
    assert parse_past_date("-2w", date(2026, 11, 25)) == date(2026, 11, 11)
    assert parse_past_date("yesterday", date(2026, 11, 25)) == date(2026, 11, 24)
