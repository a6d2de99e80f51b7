"""The risk register: add, edit (keeping every score change), list, and early warnings."""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from domain import rules
from domain.dates import check_date
from domain.errors import ValidationError
from domain.i18n import N_, _
from domain.models import Risk, RiskStatus, ScoreChange
from domain.services.base import Service, choice, require_card, require_person, require_risk
from domain.text import clean_text, clean_title

SCORE_FIELDS = ("probability", "impact", "residual_probability", "residual_impact")
EDITABLE = frozenset(
    {
        *SCORE_FIELDS, "title", "description", "category", "owner", "mitigation", "contingency", "trigger",
        "status", "review_date", "linked_cards",
    }
)  # fmt: skip

_FIELD_NAMES = {
    "description": N_("description"),
    "mitigation": N_("mitigation"),
    "contingency": N_("contingency"),
    "trigger": N_("trigger"),
    "category": N_("category"),
}
"""How the text fields are named in messages (translated when the message is built)."""


class RiskService(Service):
    def add(
        self,
        title: str,
        probability: int | None,
        impact: int | None,
        *,
        owner: str | None = None,
        meeting_id: str | None = None,
        **fields: Any,
    ) -> Risk:
        title = clean_title(title)
        with self.store.transaction() as uow:
            number = uow.next_number("risk")
            now = self.now()
            risk = Risk(
                id=f"R-{number}",
                title=title,
                probability=rules.check_score(probability, "probability"),
                impact=rules.check_score(impact, "impact"),
                owner=require_person(uow, owner).handle if owner else None,
                meeting_id=meeting_id,
                created_at=now,
                created_by=self.actor.handle,
                updated_at=now,
            )
            risk = self._apply(uow, risk, fields) if fields else risk
            risk = replace(risk, history=(self._score_of(risk),))
            uow.risks.put(risk)
            self.record(uow, "risk", risk.id, "created", f"{risk.title} P{probability} I{impact}")
        return risk

    def edit(self, risk_id: str, changes: Mapping[str, Any]) -> Risk:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValidationError(_("cannot edit {items}").format(items=", ".join(sorted(unknown))))
        with self.store.transaction() as uow:
            risk = require_risk(uow, risk_id)
            edited = replace(self._apply(uow, risk, changes), updated_at=self.now())
            if any(getattr(risk, f) != getattr(edited, f) for f in SCORE_FIELDS):
                edited = replace(edited, history=(*risk.history, self._score_of(edited)))
            uow.risks.put(edited)
            changed = [k for k in sorted(changes) if getattr(risk, k) != getattr(edited, k)]
            self.record(uow, "risk", risk.id, "edited", ", ".join(changed) or "no change")
        return edited

    def get(self, risk_id: str) -> Risk:
        return require_risk(self.store.snapshot(), risk_id)

    def list(self) -> list[Risk]:
        return sorted(self.store.snapshot().risks.list(), key=lambda r: int(r.id.split("-")[1]))

    def delete(self, risk_id: str) -> Risk:
        with self.store.transaction() as uow:
            risk = require_risk(uow, risk_id)
            uow.risks.delete(risk.id)
            self.record(uow, "risk", risk.id, "deleted", risk.title)
        return risk

    def score_at(self, risk: Risk, when: date) -> ScoreChange | None:
        """The risk's scores as they stood at the end of ``when`` (for movement since a date)."""
        past = [h for h in risk.history if h.at.astimezone(self.zone).date() <= when]
        return past[-1] if past else None

    def warnings(self, escalate_after_days: int | None = None) -> builtins.list[rules.ProjectWarning]:
        uow = self.store.snapshot()
        project = uow.projects.get("main")
        days = escalate_after_days if escalate_after_days is not None else (
            project.blocked_escalation_days if project else 3
        )  # fmt: skip
        return rules.early_warnings(
            uow.cards.list(), uow.risks.list(), today=self.today(), now=self.now(), escalate_after_days=days
        )

    def _score_of(self, risk: Risk) -> ScoreChange:
        return ScoreChange(
            at=self.now(),
            probability=risk.probability,
            impact=risk.impact,
            residual_probability=risk.residual_probability,
            residual_impact=risk.residual_impact,
            by=self.actor.handle,
        )

    def _apply(self, uow: Any, risk: Risk, changes: Mapping[str, Any]) -> Risk:
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key in SCORE_FIELDS:
                values[key] = rules.check_score(value, key.replace("_", " "))
            elif key == "title":
                values[key] = clean_title(str(value))
            elif key in ("description", "mitigation", "contingency", "trigger", "category"):
                values[key] = clean_text(str(value or ""), _FIELD_NAMES[key], required=False)
            elif key == "owner":
                values[key] = require_person(uow, str(value)).handle if value else None
            elif key == "status":
                values[key] = choice(RiskStatus, value, _("status {value} is not one of {items}"))
            elif key == "review_date":
                if value is not None and not isinstance(value, date):
                    raise ValidationError(_("review date must be a date"))
                values[key] = None if value is None else check_date(value, "review date")
            elif key == "linked_cards":
                values[key] = tuple(dict.fromkeys(require_card(uow, str(c)).id for c in value))
        return replace(risk, **values)
