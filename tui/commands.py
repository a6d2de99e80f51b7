"""Command palette providers that search data: "go to card"."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from domain.i18n import _
from domain.models import Card
from tui.messages import OpenCard
from tui.widgets.safe import printable


class GoToCardProvider(Provider):
    """Find a card by id, title, owner or tag and open it on its board."""

    async def startup(self) -> None:
        context: Any = getattr(self.app, "context", None)
        self.cards: list[Card] = []
        if context is not None:
            self.cards = await asyncio.to_thread(context.services.cards.list)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for card in self.cards:
            text = printable(f"{card.id} {card.title}")
            haystack = f"{text} @{card.owner or ''} {' '.join(card.tags)}"
            score = matcher.match(haystack)
            if score > 0:
                yield Hit(
                    score,
                    Content(_("Go to card {card}").format(card=text)),
                    partial(self.app.post_message, OpenCard(card.id)),
                    text=_("Go to card {card}").format(card=text),
                    help=escape(printable(f"{card.dept} / {card.column}  @{card.owner or '-'}")),
                )

    async def discover(self) -> Hits:
        for card in self.cards[:20]:
            text = printable(f"{card.id} {card.title}")
            yield Hit(
                1.0,
                Content(_("Go to card {card}").format(card=text)),
                partial(self.app.post_message, OpenCard(card.id)),
                text=_("Go to card {card}").format(card=text),
                help=escape(printable(f"{card.dept} / {card.column}")),
            )
