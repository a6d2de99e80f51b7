"""A realistic demo project a newcomer can explore: ``huddle demo``.

Six departments (three with Chinese names), ten people, about 60 cards with owners, due dates (some
overdue), dependencies and milestones, risks across the heatmap, and two past meetings of one
weekly series with minutes, decisions and action items.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextlib import AbstractContextManager
from datetime import date, datetime, time, timedelta

from domain.errors import ConflictError
from domain.i18n import _, ngettext, pgettext
from domain.models import Goal
from domain.repository import Store, UnitOfWork
from domain.services import Services

DEPARTMENTS = [
    ("研发部", "RND"),
    ("市场部", "MKT"),
    ("Operations", "OPS"),
    ("Sales", "SAL"),
    ("财务部", "FIN"),
    ("Legal", "LEG"),
]
PEOPLE = [
    ("li.wei", "李伟", "li.wei@example.com", "研发部"),
    ("zhang.min", "张敏", "zhang.min@example.com", "研发部"),
    ("chen.jing", "陈静", "chen.jing@example.com", "市场部"),
    ("wang.fang", "王芳", "wang.fang@example.com", "市场部"),
    ("ann", "Ann Lee", "ann@example.com", "Operations"),
    ("omar", "Omar Haddad", "omar@example.com", "Operations"),
    ("sofia", "Sofia Rossi", "sofia@example.com", "Sales"),
    ("liu.yang", "刘洋", "liu.yang@example.com", "财务部"),
    ("grace", "Grace Kim", "grace@example.com", "Legal"),
    ("zhao.lei", "赵磊", "zhao.lei@example.com", "研发部"),
]

# (dept, title, column, owner, due offset in days or None, milestone, blocked-by indexes into this list)
CARDS: list[tuple[str, str, str, str | None, int | None, bool, tuple[int, ...]]] = [
    ("研发部", "需求评审：智能排程模块", "Done", "li.wei", -20, False, ()),
    ("研发部", "架构设计文档", "Done", "zhang.min", -12, False, (0,)),
    ("研发部", "排程算法原型", "Review", "zhao.lei", -2, False, (1,)),
    ("研发部", "API 接口开发", "Doing", "zhang.min", 5, False, (1,)),
    ("研发部", "前端看板组件", "Doing", "li.wei", 8, False, (3,)),
    ("研发部", "性能压测", "To do", "zhao.lei", 15, False, (3,)),
    ("研发部", "安全审计整改", "To do", "zhang.min", 18, False, ()),
    ("研发部", "Beta 版本发布", "Backlog", "li.wei", 21, True, (4, 5, 6)),
    ("研发部", "用户手册（中英文）", "Backlog", "zhao.lei", 25, False, (7,)),
    ("研发部", "数据迁移脚本", "Doing", "zhao.lei", -3, False, ()),
    ("研发部", "Fix [urgent] login timeout", "To do", "zhang.min", 2, False, ()),
    ("市场部", "市场调研报告", "Done", "chen.jing", -15, False, ()),
    ("市场部", "产品定位与定价策略", "Review", "wang.fang", -1, False, (11,)),
    ("市场部", "发布会场地预订", "Doing", "chen.jing", 6, False, ()),
    ("市场部", "宣传册设计", "Doing", "wang.fang", 10, False, (12,)),
    ("市场部", "媒体邀请名单", "To do", "chen.jing", 12, False, ()),
    ("市场部", "社交媒体预热计划", "To do", "wang.fang", 14, False, (12,)),
    ("市场部", "产品发布会", "Backlog", "chen.jing", 30, True, (13, 14, 15, 7)),
    ("市场部", "客户案例采访", "Backlog", "wang.fang", 35, False, ()),
    ("市场部", "官网改版文案", "To do", "chen.jing", -4, False, ()),
    ("Operations", "Provision staging servers", "Done", "ann", -10, False, ()),
    ("Operations", "Set up monitoring dashboards", "Doing", "omar", 3, False, (20,)),
    ("Operations", "Backup and restore drill", "To do", "ann", -1, False, ()),
    ("Operations", "Production cut-over plan", "To do", "omar", 16, False, (21,)),
    ("Operations", "On-call rota for launch week", "Backlog", "ann", 20, False, ()),
    ("Operations", "Go-live readiness review", "Backlog", "ann", 28, True, (23, 5)),
    ("Operations", "Vendor SLA renewal", "Review", "omar", 1, False, ()),
    ("Operations", "Office network upgrade", "Doing", "omar", -6, False, ()),
    ("Operations", "Disaster recovery runbook", "Backlog", "ann", 40, False, ()),
    ("Operations", "Laptop refresh for new hires", "To do", None, 22, False, ()),
    ("Sales", "Pilot customer shortlist", "Done", "sofia", -18, False, ()),
    ("Sales", "Pilot contracts signed", "Review", "sofia", 4, True, (30,)),
    ("Sales", "Sales deck v2", "Doing", "sofia", 7, False, (12,)),
    ("Sales", "Partner channel briefing", "To do", "sofia", 13, False, (32,)),
    ("Sales", "Pricing calculator", "Doing", "sofia", -2, False, (12,)),
    ("Sales", "CRM pipeline clean-up", "Backlog", None, 30, False, ()),
    ("Sales", "Trade show booth", "Backlog", "sofia", 45, False, ()),
    ("Sales", "Customer onboarding checklist", "To do", "sofia", 19, False, (31,)),
    ("Sales", "Quarterly forecast", "To do", "sofia", 9, False, ()),
    ("Sales", "Reference call programme", "Backlog", "sofia", 50, False, ()),
    ("财务部", "项目预算审批", "Done", "liu.yang", -25, True, ()),
    ("财务部", "第四季度成本核算", "Doing", "liu.yang", 5, False, ()),
    ("财务部", "供应商付款计划", "To do", "liu.yang", 11, False, (26,)),
    ("财务部", "发布活动费用报销流程", "To do", "liu.yang", 17, False, (13,)),
    ("财务部", "定价毛利测算", "Review", "liu.yang", -1, False, (12,)),
    ("财务部", "年度审计准备", "Backlog", "liu.yang", 60, False, ()),
    ("财务部", "差旅政策更新", "Backlog", None, 40, False, ()),
    ("财务部", "资本支出申请", "To do", "liu.yang", 8, False, ()),
    ("Legal", "Data processing agreement", "Doing", "grace", 6, False, ()),
    ("Legal", "Privacy policy update", "Review", "grace", 2, False, (48,)),
    ("Legal", "Trademark filing", "To do", "grace", 20, False, ()),
    ("Legal", "Pilot contract template", "Done", "grace", -14, False, ()),
    ("Legal", "Export control check", "Backlog", "grace", 33, False, ()),
    ("Legal", "Launch legal sign-off", "Backlog", "grace", 27, True, (48, 49, 50)),
    ("Legal", "Open-source licence review", "To do", "grace", -5, False, ()),
    ("Operations", "Status page for customers", "Backlog", "omar", 26, False, ()),
    ("研发部", "移动端适配", "Backlog", "li.wei", 38, False, (4,)),
    ("市场部", "发布后用户反馈收集", "Backlog", "wang.fang", 45, False, (17,)),
    ("Sales", "Win/loss review", "Backlog", "sofia", 55, False, ()),
    ("财务部", "发布 ROI 复盘", "Backlog", "liu.yang", 70, False, (17,)),
]

DEMO_CRITERIA: list[tuple[int, tuple[str, ...]]] = [
    (7, ("性能压测通过（P95 < 300 ms）", "Security audit findings closed", "用户手册初稿完成")),
    (17, ("场地合同已签", "Press kit approved by Legal")),
    (31, ("三家试点合同已签署 / 3 pilot contracts signed", "Contracts filed with Legal")),
]
"""Acceptance criteria of three milestones (indexes into CARDS): Beta, launch event, pilot contracts."""

# (title, probability, impact, owner, mitigation, residual p, residual i, review offset days)
RISKS: list[tuple[str, int | None, int | None, str | None, str, int | None, int | None, int | None]] = [
    ("核心开发人员离职", 2, 5, "li.wei", "知识共享与结对编程", 1, 4, 14),
    ("供应商交付延迟", 4, 4, "omar", "备选供应商询价", 3, 3, -3),
    ("发布会场地被取消", 2, 4, "chen.jing", "预订备用场地", 1, 3, 10),
    ("Pilot customer churns before launch", 3, 5, "sofia", "Weekly check-ins with champions", 2, 4, 7),
    ("Data migration corrupts records", 2, 5, "zhao.lei", "Dry runs on a copy; checksums", 1, 5, -1),
    ("预算超支", 3, 3, "liu.yang", "每周成本复核", 2, 2, 21),
    ("Privacy regulator questions", 1, 4, "grace", "DPA and privacy review before launch", 1, 2, 30),
    ("Performance below target under load", 4, 3, "zhang.min", "Early load tests", 2, 3, 5),
    ("Marketing assets late", 3, 2, "wang.fang", "Freeze copy two weeks out", 2, 2, 9),
    ("On-call fatigue during launch", 3, 2, "ann", "Rota with backups", None, None, 12),
    ("Exchange rate swings on vendor invoices", 2, 2, "liu.yang", "", None, None, None),
    ("第三方接口变更", None, None, None, "", None, None, None),
]


class _Within:
    """A Store whose every transaction and snapshot is one unit of work that is already open.

    The demo is written through the ordinary services (so it follows every rule a person's input
    does), but as ONE transaction of the real store: the file is replaced once, at the end, or not
    at all. A failure or a kill half-way leaves the old file as it was.
    """

    def __init__(self, uow: UnitOfWork, outer: Store) -> None:
        self._uow = uow
        self._outer = outer

    def transaction(self) -> AbstractContextManager[UnitOfWork]:
        return contextlib.nullcontext(self._uow)

    def snapshot(self) -> UnitOfWork:
        return self._uow

    def version(self) -> object:
        return self._outer.version()

    def describe(self) -> str:
        return self._outer.describe()


def fill_demo(services: Services, *, force: bool = False) -> str:
    """Write the demo project in one transaction; refuses a data file that has data unless ``force``.

    The counters start again too, so the demo has the same ids (``RND-1``, ``R-1``, ``M-1``) however
    often it is written, on a new file or over an old one.
    """
    store = services.store
    with store.transaction() as uow:
        if not uow.is_empty() and not force:
            raise ConflictError(
                _("{where} already has data; use 'huddle demo --force' to replace it with the demo").format(
                    where=store.describe()
                )
            )
        uow.clear(counters=True)
        staged = Services.build(_Within(uow, store), services.clock, services.actor, services.zone)
        return _fill(staged)


def _fill(services: Services) -> str:
    directory, cards, risks = services.directory, services.cards, services.risks
    today = cards.today()
    directory.set_project(
        "智能排程 2.0 发布 / Scheduler 2.0 launch",
        vision="Launch Scheduler 2.0 to three pilot customers with every department ready on day one.",
        goals=[
            Goal("Three pilot customers live", "customers live", "3", today + timedelta(days=45)),
            Goal("排程效率提升 30%", "平均排程耗时", "-30%", today + timedelta(days=90)),
            Goal("Launch on budget", "spend vs budget", "≤ 100%", today + timedelta(days=60)),
        ],
    )
    for name, key in DEPARTMENTS:
        directory.add_department(name, key=key)
    directory.set_wip_limit("研发部", "Doing", 3)
    for handle, name, email, dept in PEOPLE:
        directory.add_person(handle, name, email, dept=dept)
    ids: list[str] = []
    for dept, title, column, owner, due, milestone, deps in CARDS:
        card = cards.add(
            dept,
            title,
            column=column,
            owner=owner,
            milestone=milestone,
            due=None if due is None else today + timedelta(days=due),
            blocked_by=[ids[i] for i in deps],
            enforce_wip=False,
        )
        ids.append(card.id)
    cards.edit(
        ids[7], {"accountable": "li.wei", "responsible": ["zhang.min", "zhao.lei"], "informed": ["chen.jing"]}
    )
    cards.edit(ids[17], {"accountable": "chen.jing", "consulted": ["sofia", "liu.yang"]})
    cards.edit(
        ids[27], {"blocked_reason": "Waiting for the ISP to schedule the line upgrade", "tags": ["network"]}
    )
    cards.edit(ids[10], {"priority": "urgent", "tags": ["bug", "客户反馈"]})
    cards.edit(ids[31], {"accountable": "sofia"})
    for card_index, criteria in DEMO_CRITERIA:
        for text in criteria:
            services.milestones.add_criterion(ids[card_index], text)
    services.closing.update_goal("1", "1", on=today - timedelta(days=7), note="第一家试点客户已上线")
    for title, p, i, owner, mitigation, rp, ri, review in RISKS:
        risk = risks.add(
            title,
            p,
            i,
            owner=owner,
            mitigation=mitigation,
            residual_probability=rp,
            residual_impact=ri,
            review_date=None if review is None else today + timedelta(days=review),
        )
        if p is not None and p >= 4:
            risks.edit(
                risk.id, {"status": "mitigating", "linked_cards": [ids[21]] if owner == "omar" else []}
            )
    _past_meetings(services, today)
    return demo_summary(len(DEPARTMENTS), len(PEOPLE), len(CARDS), len(RISKS), 2)


def demo_summary(departments: int, people: int, cards: int, risks: int, meetings: int) -> str:
    """``6 departments, 10 people, 40 cards, 12 risks, 2 meetings`` in the current language."""
    counts = (
        ngettext("{n} department", "{n} departments", departments).format(n=departments),
        ngettext("{n} person", "{n} people", people).format(n=people),
        ngettext("{n} card", "{n} cards", cards).format(n=cards),
        ngettext("{n} risk", "{n} risks", risks).format(n=risks),
        ngettext("{n} meeting", "{n} meetings", meetings).format(n=meetings),
    )
    return pgettext("list separator", ", ").join(counts)


def _past_meetings(services: Services, today: date) -> None:
    """Two weekly sync meetings, a week apart, as if typed live at the time."""
    zone = services.meetings.zone
    attendees = ["li.wei", "chen.jing", "ann", "sofia", "liu.yang"]
    agenda = [("上周行动项回顾", 10), ("各部门进展", 25), ("风险与阻塞", 15), ("下周计划", 10)]
    script = [
        [
            ("note", "研发：排程算法原型已完成 80%，下周进入评审"),
            ("note", "Marketing: venue shortlist down to two options"),
            ("decide", "发布日期定在第 6 周周四，不再变更"),
            ("action", "chen.jing", 5, "确认发布会场地并签订合同"),
            ("action", "ann", 3, "Send staging access to the pilot customers"),
            ("note", "Ops: staging servers are up; monitoring still missing"),
            ("decide", "Pilot customers get staging access before contracts are signed"),
        ],
        [
            ("note", "场地已确认，合同在法务审核中"),
            ("note", "Sales: two of three pilot contracts in review"),
            ("note", "Risk: vendor delivery slipping by a week; Omar chasing"),
            ("decide", "Escalate the vendor delay to the steering group if not fixed by Friday"),
            ("action", "liu.yang", 4, "提交发布活动预算追加申请"),
            ("action", "sofia", 6, "Close the third pilot contract"),
            ("action", "zhao.lei", -1, "完成数据迁移脚本的演练"),
        ],
    ]
    previous_id: str | None = None
    for week, lines in enumerate(script):
        day = today - timedelta(days=14 - 7 * week)
        start = datetime.combine(day, time(10, 0), tzinfo=zone)
        base = start.astimezone(services.meetings.clock().tzinfo)
        ticks = iter(range(0, 3600, 60))

        def at_time(base: datetime = base, ticks: Iterator[int] = ticks) -> datetime:
            return base + timedelta(seconds=next(ticks, 3500))

        past = Services.build(services.store, at_time, services.meetings.actor, zone)
        if previous_id is None:
            meeting = past.meetings.start(
                "跨部门周会 Weekly sync",
                attendees=attendees,
                at=start,
                tz=zone.key,
                series="跨部门周会 Weekly sync",
                agenda=agenda,
                place="3F 会议室 A",
            )
        else:
            meeting = past.meetings.start_next(previous_id, at=start)
        past.meetings.set_present(meeting.id, "liu.yang", week == 1)
        for index, line in enumerate(lines):
            if index == 2:
                past.meetings.goto_item(meeting.id, 1)
            if line[0] == "note":
                past.meetings.note(meeting.id, str(line[1]))
            elif line[0] == "decide":
                past.meetings.decide(meeting.id, str(line[1]))
            else:
                _kind, owner, days, text = line
                assert isinstance(days, int)
                past.meetings.action(meeting.id, str(owner), day + timedelta(days=days), str(text))
        next_start = start + timedelta(days=7)
        past.meetings.end(meeting.id, next_start=next_start.astimezone(base.tzinfo))
        previous_id = meeting.id
    first = services.meetings.get("M-1")
    done = first.actions[1].card_id
    services.cards.move(done, "Done", enforce_wip=False)
