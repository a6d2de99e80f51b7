"""Issue 11, item 10: old and new rows never coexist while a container's children are replaced."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tests.helpers.wait import until
from tui.widgets.replace import replace_children, swapping


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield VerticalScroll(*(Static(f"a{i}", id=f"row-{i}") for i in range(3)), id="box")


def texts(box: VerticalScroll) -> list[str]:
    return [str(child.render()) for child in box.children if isinstance(child, Static)]


async def test_three_quick_replacements_end_with_the_last_and_never_show_two_sets() -> None:
    app = Host()
    async with app.run_test() as pilot:
        box = app.query_one("#box", VerticalScroll)
        seen: list[int] = []
        # The same fixed ids each time: mounting before the removal is done would be a DuplicateIds error.
        for prefix in "bcd":
            replace_children(box, [Static(f"{prefix}{i}", id=f"row-{i}") for i in range(3)])
            seen.append(len(box.children))

        def settled() -> bool:
            seen.append(len(box.children))
            return not swapping(box) and texts(box) == ["d0", "d1", "d2"]

        await until(pilot, settled)
        assert max(seen) <= 3, f"old and new rows were there together: {seen}"


async def test_then_runs_after_the_new_rows_are_mounted() -> None:
    app = Host()
    async with app.run_test() as pilot:
        box = app.query_one("#box", VerticalScroll)
        mounted_then: list[list[str]] = []
        replace_children(box, [Static("new")], then=lambda: mounted_then.append(texts(box)))
        await until(pilot, lambda: bool(mounted_then))
        assert mounted_then == [["new"]]
