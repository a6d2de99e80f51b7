"""A domain error shown by the TUI comes out in the app's language (issue 16): the message is made
where the rule refuses (domain/rules.py), in the language installed for the process."""

from __future__ import annotations

from domain.i18n import using_language
from tests.helpers.boards import tile_ids
from tests.helpers.wait import settle, until
from tui.app import HuddleApp
from tui.wiring import Context


async def test_a_wip_refusal_is_notified_in_chinese(context: Context) -> None:
    context.services.directory.set_wip_limit("Operations", "To do", 1)
    context.services.cards.add("OPS", "Fills To do", column="To do")
    with using_language("zh-CN"):
        app = HuddleApp(context)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("L")
            await until(pilot, lambda: any("WIP" in n.message for n in app._notifications))
            messages = [n.message for n in app._notifications if "WIP" in n.message]
            assert messages == ["Operations 的列 'To do' 已达 WIP 上限（1/1）；请先完成一些工作，或提高上限"]
            assert tile_ids(app, "Backlog")[0] == "OPS-1"
    assert context.services.cards.get("OPS-1").column == "Backlog"
