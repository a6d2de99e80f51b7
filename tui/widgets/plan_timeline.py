"""The plan's timeline tab: a week chart of the open cards with the critical path, and its legend."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static, TabPane

from domain.i18n import _
from tui.views.plan import slack_text
from tui.widgets.timeline import TimelineChart

if TYPE_CHECKING:
    from tui.views.plan import PlanData


class PlanTimelineTab(TabPane):
    """The timeline chart; the screen hands it each fresh :class:`PlanData` through ``show``."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="timeline-scroll"):
            yield Static("", id="timeline-legend")
            yield TimelineChart(id="timeline")

    def show(self, data: PlanData) -> None:
        self.query_one("#timeline", TimelineChart).show(data.timeline, data.window_start, data.today)
        legend = Content.assemble(
            ("████", "$primary"), _(" open  "), ("████", "bold $warning"), _(" critical path  "),
            ("████", "bold $error"), _(" late  "), ("████", "$success"), _(" done  "),
            ("◆", "bold"), _(" milestone  "), ("●", ""), _(" due  "),
            (" │ ", "$text-muted"), _(" this week  "),
            (slack_text(3), "$text-muted"), _(" slack"),
        )  # fmt: skip
        self.query_one("#timeline-legend", Static).update(legend)
