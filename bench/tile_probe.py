"""Notice each tile the board draws, in the tree under test whichever way it draws tiles: benches compare
the tree before one widget per column (a ``CardTile`` widget per tile) with the tree after it
(``ColumnBody`` drawing its tiles), in one run (``--checkout``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

TilePaint = Callable[[Any, bool, int], None]
"""Called with the tile's card, whether it is selected, and the screen row of its first line."""


@contextmanager
def tile_paints(on_paint: TilePaint) -> Iterator[None]:
    """Call ``on_paint`` each time the compositor draws a line of a tile, while in the block."""
    from tui.widgets import board_column

    body = getattr(board_column, "ColumnBody", None)
    if body is not None:
        original = body.render_line

        def render_line(self: Any, y: int) -> Any:
            line = original(self, y)
            tile = self.tile_at(y + self.scroll_offset.y)
            if tile is not None:
                on_paint(tile.card, tile.has_class("-selected"), tile.region.y)
            return line

        body.render_line = render_line
        try:
            yield
        finally:
            body.render_line = original
        return
    from tui.widgets.card_tile import CardTile  # a tree with a widget per tile

    old = CardTile.render_lines  # type: ignore[attr-defined,unused-ignore]

    def render_lines(self: Any, crop: Any) -> Any:
        lines = old(self, crop)
        on_paint(self.card, self.has_class("-selected"), self.region.y)
        return lines

    CardTile.render_lines = render_lines  # type: ignore[attr-defined,unused-ignore]
    try:
        yield
    finally:
        CardTile.render_lines = old  # type: ignore[attr-defined,unused-ignore]
