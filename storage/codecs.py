"""Domain objects <-> JSON documents, one explicit pair per type.

Datetimes are ISO 8601 with offset (always UTC), dates ISO, enums by value, tuples as lists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from domain.models import (
    ActionItem,
    Activity,
    AgendaItem,
    Attendee,
    Card,
    ChangeRequest,
    ChangeStatus,
    Column,
    Criterion,
    Decision,
    Department,
    EntryKind,
    Goal,
    GoalActual,
    Meeting,
    MeetingKind,
    MeetingStatus,
    MinuteEntry,
    Person,
    Priority,
    Project,
    PublishedEvent,
    ReviewOutcome,
    Risk,
    RiskStatus,
    RsvpAnswer,
    RsvpStatus,
    ScoreChange,
)

Doc = dict[str, Any]


_CARD_DEFAULTS: dict[str, object] = {
    "rank": 0.0, "description": "", "owner": None, "responsible": [], "accountable": None, "consulted": [],
    "informed": [], "start": None, "due": None, "estimate": None, "priority": "normal", "tags": [],
    "blocked_by": [], "blocked_reason": "", "blocked_since": None, "parent": None, "milestone": False,
    "progress": 0, "meeting_id": None, "sequence": 0, "created_at": None, "created_by": "",
    "updated_at": None, "updated_by": "", "criteria": [], "source": "", "source_id": "",
}  # fmt: skip


def _compact(doc: Doc, defaults: dict[str, object]) -> Doc:
    """Leave out fields that hold their default (``card_from_doc`` supplies it): smaller files make
    every locked read-modify-write faster for everyone sharing the file."""
    missing = object()
    return {
        k: v
        for k, v in doc.items()
        if (default := defaults.get(k, missing)) is missing or type(v) is not type(default) or v != default
    }


def _dt(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _to_dt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _d(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _to_d(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def department_to_doc(d: Department) -> Doc:
    return {"id": d.name, "name": d.name, "key": d.key,
            "columns": [{"name": c.name, "wip_limit": c.wip_limit} for c in d.columns]}  # fmt: skip


def department_from_doc(doc: Doc) -> Department:
    return Department(
        doc["name"], doc["key"], tuple(Column(c["name"], c.get("wip_limit")) for c in doc["columns"])
    )


def person_to_doc(p: Person) -> Doc:
    return {"id": p.handle, "handle": p.handle, "name": p.name, "email": p.email, "dept": p.dept}


def person_from_doc(doc: Doc) -> Person:
    return Person(doc["handle"], doc["name"], doc["email"], doc.get("dept"))


def _goal_to_doc(g: Goal) -> Doc:
    doc: Doc = {"text": g.text, "metric": g.metric, "target": g.target, "deadline": _d(g.deadline)}
    if g.actuals:
        doc["actuals"] = [{"on": a.on.isoformat(), "value": a.value, "note": a.note, "by": a.by}
                          for a in g.actuals]  # fmt: skip
    return doc


def _goal_from_doc(g: Doc) -> Goal:
    actuals = tuple(GoalActual(date.fromisoformat(a["on"]), a["value"], a.get("note", ""), a.get("by", ""))
                    for a in g.get("actuals", ()))  # fmt: skip
    return Goal(g["text"], g.get("metric", ""), g.get("target", ""), _to_d(g.get("deadline")), actuals)


def project_to_doc(p: Project) -> Doc:
    doc: Doc = {
        "id": p.id, "name": p.name, "vision": p.vision, "blocked_escalation_days": p.blocked_escalation_days,
        "goals": [_goal_to_doc(g) for g in p.goals],
    }  # fmt: skip
    if p.closed or p.closed_at is not None:
        doc.update(closed=p.closed, closed_at=_dt(p.closed_at), closed_by=p.closed_by,
                   close_reason=p.close_reason)  # fmt: skip
    return doc


def project_from_doc(doc: Doc) -> Project:
    goals = tuple(_goal_from_doc(g) for g in doc.get("goals", []))
    return Project(
        doc["id"], doc["name"], doc.get("vision", ""), goals, doc.get("blocked_escalation_days", 3),
        closed=doc.get("closed", False), closed_at=_to_dt(doc.get("closed_at")),
        closed_by=doc.get("closed_by", ""), close_reason=doc.get("close_reason", ""),
    )  # fmt: skip


def _criterion_to_doc(c: Criterion) -> Doc:
    return {"id": c.id, "text": c.text, "accepted_at": _dt(c.accepted_at), "accepted_by": c.accepted_by,
            "evidence": c.evidence, "waived": c.waived, "waive_reason": c.waive_reason}  # fmt: skip


def _criterion_from_doc(doc: Doc) -> Criterion:
    return Criterion(
        doc["id"], doc["text"], _to_dt(doc.get("accepted_at")), doc.get("accepted_by", ""),
        doc.get("evidence", ""), doc.get("waived", False), doc.get("waive_reason", ""),
    )  # fmt: skip


def card_to_doc(c: Card) -> Doc:
    return _compact(
        {
        "id": c.id, "dept": c.dept, "title": c.title, "column": c.column, "rank": c.rank,
        "description": c.description, "owner": c.owner, "responsible": list(c.responsible),
        "accountable": c.accountable, "consulted": list(c.consulted), "informed": list(c.informed),
        "start": _d(c.start), "due": _d(c.due), "estimate": c.estimate, "priority": c.priority.value,
        "tags": list(c.tags), "blocked_by": list(c.blocked_by), "blocked_reason": c.blocked_reason,
        "blocked_since": _dt(c.blocked_since), "parent": c.parent, "milestone": c.milestone,
        "progress": c.progress, "meeting_id": c.meeting_id, "uid": c.uid, "sequence": c.sequence,
        "created_at": _dt(c.created_at), "created_by": c.created_by,
        "updated_at": _dt(c.updated_at), "updated_by": c.updated_by,
        "criteria": [_criterion_to_doc(k) for k in c.criteria],
        "source": c.source, "source_id": c.source_id,
        },
        _CARD_DEFAULTS,
    )  # fmt: skip


def card_from_doc(doc: Doc) -> Card:
    return Card(
        id=doc["id"], dept=doc["dept"], title=doc["title"], column=doc["column"], rank=doc.get("rank", 0.0),
        description=doc.get("description", ""), owner=doc.get("owner"),
        responsible=tuple(doc.get("responsible", ())), accountable=doc.get("accountable"),
        consulted=tuple(doc.get("consulted", ())), informed=tuple(doc.get("informed", ())),
        start=_to_d(doc.get("start")), due=_to_d(doc.get("due")), estimate=doc.get("estimate"),
        priority=Priority(doc.get("priority", "normal")), tags=tuple(doc.get("tags", ())),
        blocked_by=tuple(doc.get("blocked_by", ())), blocked_reason=doc.get("blocked_reason", ""),
        blocked_since=_to_dt(doc.get("blocked_since")), parent=doc.get("parent"),
        milestone=doc.get("milestone", False), progress=doc.get("progress", 0),
        meeting_id=doc.get("meeting_id"),
        criteria=tuple(_criterion_from_doc(k) for k in doc.get("criteria", ())),
        uid=doc["uid"], sequence=doc.get("sequence", 0),
        created_at=_to_dt(doc.get("created_at")), created_by=doc.get("created_by", ""),
        updated_at=_to_dt(doc.get("updated_at")), updated_by=doc.get("updated_by", ""),
        source=doc.get("source", ""), source_id=doc.get("source_id", ""),
    )  # fmt: skip


_PRIORITY_VALUES = frozenset(p.value for p in Priority)


def _listed_day(value: str | None) -> str | None:
    """A stored date as ``card_from_doc`` and then ``isoformat`` give it back: ``YYYY-MM-DD`` as stored
    once it parses, any other form parsed and written out again."""
    if value is None:
        return None
    day = date.fromisoformat(value)
    return value if len(value) == 10 and value[4] == value[7] == "-" else day.isoformat()


def _listed_moment(value: str | None) -> str | None:
    """A stored moment as ``card_from_doc`` and then ``isoformat`` give it back, without the 2 µs of
    ``isoformat``: the form Huddle writes (``YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00``, a moment in UTC) is
    its own ``isoformat`` once it parses (parsing also refuses a bad one, as decoding does); any other
    form (``Z``, another offset, a space, no seconds, ``.000000``) is parsed and written out again."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    size = len(value)
    if (
        (size == 25 or (size == 32 and value[19] == "." and value[20:26] != "000000"))
        and value.endswith("+00:00")
        and value[4] == value[7] == "-"
        and value[10] == "T"
        and value[13] == value[16] == ":"
    ):
        return value
    return moment.isoformat()


def card_listing(doc: Doc) -> Doc:
    """The fields ``huddle card list`` prints of a stored card, as JSON values, straight from its document:
    the ``--json`` keys of ``tui.cli.cards.card_json`` in its order but the two flags, then ``rank`` (for
    the listing's order; the caller takes it out). Each value is the one ``card_json(card_from_doc(doc))``
    writes (``tests/storage/test_card_listing.py`` compares the two on random cards); the fields not
    printed (criteria, the estimate, the uid) are not read, so no Card is made. A value that
    ``card_from_doc`` would refuse among the printed ones raises here too (KeyError, TypeError,
    ValueError)."""
    get = doc.get
    priority = get("priority", "normal")
    if priority not in _PRIORITY_VALUES:
        raise ValueError(f"{priority!r} is not a valid Priority")
    return {
        "id": doc["id"], "title": doc["title"], "dept": doc["dept"], "column": doc["column"],
        "owner": get("owner"), "due": _listed_day(get("due")), "milestone": get("milestone", False),
        "blocked_by": list(get("blocked_by", ())), "start": _listed_day(get("start")), "priority": priority,
        "tags": list(get("tags", ())), "progress": get("progress", 0), "parent": get("parent"),
        "description": get("description", ""), "responsible": list(get("responsible", ())),
        "accountable": get("accountable"), "consulted": list(get("consulted", ())),
        "informed": list(get("informed", ())), "blocked_reason": get("blocked_reason", ""),
        "meeting_id": get("meeting_id"), "created_at": _listed_moment(get("created_at")),
        "created_by": get("created_by", ""), "updated_at": _listed_moment(get("updated_at")),
        "updated_by": get("updated_by", ""), "rank": get("rank", 0.0),
    }  # fmt: skip


def _score_to_doc(s: ScoreChange) -> Doc:
    return {"at": _dt(s.at), "probability": s.probability, "impact": s.impact,
            "residual_probability": s.residual_probability, "residual_impact": s.residual_impact,
            "by": s.by}  # fmt: skip


def _score_from_doc(doc: Doc) -> ScoreChange:
    at = _to_dt(doc["at"])
    assert at is not None
    return ScoreChange(at, doc.get("probability"), doc.get("impact"), doc.get("residual_probability"),
                       doc.get("residual_impact"), doc.get("by", ""))  # fmt: skip


def risk_to_doc(r: Risk) -> Doc:
    return {
        "id": r.id, "title": r.title, "probability": r.probability, "impact": r.impact, "owner": r.owner,
        "description": r.description, "category": r.category, "residual_probability": r.residual_probability,
        "residual_impact": r.residual_impact, "mitigation": r.mitigation, "contingency": r.contingency,
        "trigger": r.trigger, "status": r.status.value, "review_date": _d(r.review_date),
        "linked_cards": list(r.linked_cards), "history": [_score_to_doc(h) for h in r.history],
        "meeting_id": r.meeting_id, "created_at": _dt(r.created_at), "created_by": r.created_by,
        "updated_at": _dt(r.updated_at),
    }  # fmt: skip


def risk_from_doc(doc: Doc) -> Risk:
    return Risk(
        id=doc["id"], title=doc["title"], probability=doc.get("probability"), impact=doc.get("impact"),
        owner=doc.get("owner"), description=doc.get("description", ""), category=doc.get("category", ""),
        residual_probability=doc.get("residual_probability"), residual_impact=doc.get("residual_impact"),
        mitigation=doc.get("mitigation", ""), contingency=doc.get("contingency", ""),
        trigger=doc.get("trigger", ""), status=RiskStatus(doc.get("status", "open")),
        review_date=_to_d(doc.get("review_date")), linked_cards=tuple(doc.get("linked_cards", ())),
        history=tuple(_score_from_doc(h) for h in doc.get("history", ())), meeting_id=doc.get("meeting_id"),
        created_at=_to_dt(doc.get("created_at")), created_by=doc.get("created_by", ""),
        updated_at=_to_dt(doc.get("updated_at")),
    )  # fmt: skip


def meeting_to_doc(m: Meeting) -> Doc:
    return {
        "id": m.id, "title": m.title, "start": _dt(m.start), "tz": m.tz, "series": m.series, "place": m.place,
        "organizer": m.organizer,
        "attendees": [{"handle": a.handle, "present": a.present} for a in m.attendees],
        "agenda": [{"title": a.title, "minutes": a.minutes, "started_at": _dt(a.started_at),
                    "elapsed_seconds": a.elapsed_seconds, **({"refs": list(a.refs)} if a.refs else {})}
                   for a in m.agenda],
        "current_item": m.current_item,
        "notes": [{"id": n.id, "at": _dt(n.at), "text": n.text, "kind": n.kind.value,
                   "agenda_index": n.agenda_index, "by": n.by} for n in m.notes],
        "decisions": [{"id": d.id, "text": d.text, "at": _dt(d.at), "meeting_id": d.meeting_id,
                       "agenda_index": d.agenda_index, "by": d.by} for d in m.decisions],
        "actions": [{"card_id": a.card_id, "text": a.text, "owner": a.owner, "due": _d(a.due),
                     "meeting_id": a.meeting_id, "at": _dt(a.at), "agenda_index": a.agenda_index}
                    for a in m.actions],
        "status": m.status.value, "ended_at": _dt(m.ended_at), "started_at": _dt(m.started_at),
        "next_start": _dt(m.next_start),
        "next_minutes": m.next_minutes, "next_uid": m.next_uid, "next_sequence": m.next_sequence,
        "next_cancelled": m.next_cancelled, "uid": m.uid, "carried_over": list(m.carried_over),
        "created_by": m.created_by, "kind": m.kind.value, "milestone_id": m.milestone_id,
        "outcome": m.outcome.value if m.outcome else None,
        **({"rsvp": [_rsvp_to_doc(a) for a in m.rsvp]} if m.rsvp else {}),
    }  # fmt: skip


def meeting_from_doc(doc: Doc) -> Meeting:
    def at(value: str) -> datetime:
        parsed = _to_dt(value)
        assert parsed is not None
        return parsed

    status = MeetingStatus(doc.get("status", "live"))
    # Files from before ``started_at``: a live or ended meeting began when it was planned to.
    started_at = _to_dt(doc.get("started_at")) or (
        at(doc["start"]) if status != MeetingStatus.PLANNED else None
    )
    return Meeting(
        id=doc["id"], title=doc["title"], start=at(doc["start"]), tz=doc["tz"], series=doc.get("series", ""),
        place=doc.get("place", ""), organizer=doc.get("organizer"),
        attendees=tuple(Attendee(a["handle"], a.get("present", True)) for a in doc.get("attendees", ())),
        agenda=tuple(AgendaItem(a["title"], a.get("minutes", 10), _to_dt(a.get("started_at")),
                                a.get("elapsed_seconds", 0), tuple(a.get("refs", ())))
                     for a in doc.get("agenda", ())),
        current_item=doc.get("current_item", 0),
        notes=tuple(MinuteEntry(n["id"], at(n["at"]), n["text"], EntryKind(n.get("kind", "note")),
                                n.get("agenda_index"), n.get("by", "")) for n in doc.get("notes", ())),
        decisions=tuple(Decision(d["id"], d["text"], at(d["at"]), d.get("meeting_id"), d.get("agenda_index"),
                                 d.get("by", "")) for d in doc.get("decisions", ())),
        actions=tuple(ActionItem(a["card_id"], a["text"], a["owner"], _to_d(a.get("due")), a["meeting_id"],
                                 at(a["at"]), a.get("agenda_index")) for a in doc.get("actions", ())),
        status=status, ended_at=_to_dt(doc.get("ended_at")), started_at=started_at,
        next_start=_to_dt(doc.get("next_start")), next_minutes=doc.get("next_minutes", 60),
        next_uid=doc["next_uid"], next_sequence=doc.get("next_sequence", 0),
        next_cancelled=doc.get("next_cancelled", False), uid=doc["uid"],
        carried_over=tuple(doc.get("carried_over", ())), created_by=doc.get("created_by", ""),
        kind=MeetingKind(doc.get("kind", "regular")), milestone_id=doc.get("milestone_id"),
        outcome=ReviewOutcome(doc["outcome"]) if doc.get("outcome") else None,
        rsvp=tuple(_rsvp_from_doc(a) for a in doc.get("rsvp", ())),
    )  # fmt: skip


def _rsvp_to_doc(a: RsvpAnswer) -> Doc:
    return {"handle": a.handle, "status": a.status.value, "sequence": a.sequence, "stamp": _dt(a.stamp),
            "received_at": _dt(a.received_at)}  # fmt: skip


def _rsvp_from_doc(doc: Doc) -> RsvpAnswer:
    received = _to_dt(doc["received_at"])
    assert received is not None
    return RsvpAnswer(doc["handle"], RsvpStatus(doc["status"]), doc.get("sequence", 0),
                      _to_dt(doc.get("stamp")), received)  # fmt: skip


def published_to_doc(p: PublishedEvent) -> Doc:
    return {"id": p.key, "calendar": p.calendar, "uid": p.uid, "href": p.href, "etag": p.etag,
            "summary": p.summary, "at": _dt(p.at)}  # fmt: skip


def published_from_doc(doc: Doc) -> PublishedEvent:
    at = _to_dt(doc["at"])
    assert at is not None
    return PublishedEvent(doc["calendar"], doc["uid"], doc["href"], doc.get("etag", ""),
                          doc.get("summary", ""), at)  # fmt: skip


def change_to_doc(c: ChangeRequest) -> Doc:
    return {"id": c.id, "title": c.title, "description": c.description, "status": c.status.value,
            "requested_by": c.requested_by, "decided_by": c.decided_by, "created_at": _dt(c.created_at),
            "decided_at": _dt(c.decided_at), "scope": c.scope, "schedule_days": c.schedule_days,
            "cost": c.cost, "meeting_id": c.meeting_id, "decision_id": c.decision_id,
            "cards": list(c.cards)}  # fmt: skip


def change_from_doc(doc: Doc) -> ChangeRequest:
    return ChangeRequest(doc["id"], doc["title"], doc.get("description", ""), ChangeStatus(doc["status"]),
                         doc.get("requested_by", ""), doc.get("decided_by", ""),
                         _to_dt(doc.get("created_at")), _to_dt(doc.get("decided_at")),
                         scope=doc.get("scope", ""), schedule_days=doc.get("schedule_days", 0),
                         cost=doc.get("cost"), meeting_id=doc.get("meeting_id"),
                         decision_id=doc.get("decision_id"), cards=tuple(doc.get("cards", ())))  # fmt: skip


def activity_to_doc(a: Activity) -> Doc:
    return {"id": a.id, "at": _dt(a.at), "user": a.user, "os_user": a.os_user, "entity": a.entity,
            "entity_id": a.entity_id, "action": a.action, "detail": a.detail}  # fmt: skip


def activity_from_doc(doc: Doc) -> Activity:
    at = _to_dt(doc["at"])
    assert at is not None
    return Activity(doc["id"], at, doc["user"], doc["os_user"], doc["entity"], doc["entity_id"],
                    doc["action"], doc.get("detail", ""))  # fmt: skip


DECODERS: dict[str, Callable[[Doc], Any]] = {
    "departments": department_from_doc,
    "people": person_from_doc,
    "projects": project_from_doc,
    "cards": card_from_doc,
    "risks": risk_from_doc,
    "meetings": meeting_from_doc,
    "change_requests": change_from_doc,
    "published": published_from_doc,
    "activity": activity_from_doc,
}
"""Each stored table's document decoder: what a copy verifies with and what a cache decodes with."""
