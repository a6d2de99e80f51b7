"""A domain error shown by the TUI comes out in the app's language (issue 16): the message is made
where the rule refuses (domain/rules.py), in the language installed for the process."""

from __future__ import annotations

from domain.i18n import using_language
from tests.helpers.boards import tile_ids
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.dialogs.confirm import ConfirmModal
from tui.wiring import Context


async def test_a_wip_refusal_is_shown_in_chinese(context: Context) -> None:
    context.services.directory.set_wip_limit("Operations", "To do", 1)
    context.services.cards.add("OPS", "Fills To do", column="To do")
    with using_language("zh-CN"):
        app = HuddleApp(context)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("L")
            # The refusal is the question of the WIP override (issue 11): its reason in Chinese.
            await until(pilot, lambda: isinstance(app.screen, ConfirmModal))
            assert isinstance(app.screen, ConfirmModal)
            reason = "Operations 的列 'To do' 已达 WIP 上限（1/1）；请先完成一些工作，或提高上限"
            assert app.screen.question.startswith(reason + "\n\n")
            await pilot.press("n")
            await until(pilot, lambda: not isinstance(app.screen, ConfirmModal))
            assert tile_ids(app, "Backlog")[0] == "OPS-1"
    assert context.services.cards.get("OPS-1").column == "Backlog"
