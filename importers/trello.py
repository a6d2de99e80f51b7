"""Trello's board export (Board menu > Print, export and share > Export as JSON).

Kept: lists (as columns, in board order), cards (title, description, due and start dates, labels,
members: the first becomes the owner, all of them Responsible), checklists (each item a sub-task card,
ticked items in Done) and comments (appended to the description, oldest first, as its history).
Lost, and said so in the plan: archived lists and cards, attachments, custom fields, votes, stickers.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.errors import ValidationError
from domain.i18n import N_, _
from domain.text import clean_text, clean_title
from importers.model import ImportFormatError, SourceBatch, SourceComment, SourceItem, SourcePerson


def _where(name: str, what: str, ident: object) -> str:
    return f"{name}: {what} {ident}"


def read_trello(data: bytes, name: str, zone: ZoneInfo) -> SourceBatch:
    """The cards of one Trello board export; raises ImportFormatError naming the card and the field."""
    try:
        board = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFormatError(_("{name} is not JSON ({exc})").format(name=name, exc=exc)) from None
    if (
        not isinstance(board, dict)
        or not isinstance(board.get("lists"), list)
        or not isinstance(board.get("cards"), list)
    ):
        raise ImportFormatError(
            _("{name} is not a Trello board export (no 'lists' and 'cards')").format(name=name)
        )
    board_name = _text(board.get("name"), name, "board", "name", title=True) or "Trello"
    members = {
        m.get("id"): SourcePerson(name=str(m.get("fullName") or ""), handle=str(m.get("username") or ""))
        for m in board.get("members", [])
        if isinstance(m, dict)
    }
    lists: dict[str, str] = {}
    archived_lists: set[str] = set()
    for entry in sorted((e for e in board["lists"] if isinstance(e, dict)), key=lambda e: e.get("pos") or 0):
        list_name = _text(entry.get("name"), name, "list", entry.get("id"), title=True)
        if entry.get("closed"):
            archived_lists.add(str(entry.get("id")))
        else:
            lists[str(entry.get("id"))] = list_name
    checklists: dict[str, list[dict[str, Any]]] = {}
    for checklist in board.get("checklists", []):
        if isinstance(checklist, dict):
            checklists.setdefault(str(checklist.get("idCard")), []).append(checklist)
    comments: dict[str, list[SourceComment]] = {}
    for action in reversed(board.get("actions", [])):
        if isinstance(action, dict) and action.get("type") == "commentCard":
            info = action.get("data") or {}
            card_id = str((info.get("card") or {}).get("id"))
            author = action.get("memberCreator") or {}
            comments.setdefault(card_id, []).append(
                SourceComment(
                    str(action.get("date") or "")[:10],
                    str(author.get("fullName") or author.get("username") or ""),
                    _text(info.get("text"), name, "comment on card", card_id),
                )
            )
    items: list[SourceItem] = []
    archived = attachments = custom = 0
    cards = sorted((c for c in board["cards"] if isinstance(c, dict)), key=lambda c: c.get("pos") or 0)
    for card in cards:
        card_id = str(card.get("id") or "")
        if not card_id:
            raise ImportFormatError(_where(name, "a card", "has no id"))
        if card.get("closed") or card.get("idList") in archived_lists:
            archived += 1
            continue
        if card.get("idList") not in lists:
            raise ImportFormatError(
                _where(name, "card", f"{card_id}, field idList: no list {card.get('idList')!r} on the board")
            )
        attachments += len(card.get("attachments") or ()) or int(
            (card.get("badges") or {}).get("attachments") or 0
        )
        custom += len(card.get("customFieldItems") or ())
        people = tuple(members[m] for m in card.get("idMembers") or () if m in members)
        column = lists[card["idList"]]
        items.append(
            SourceItem(
                source_id=card_id,
                title=_text(
                    card.get("name"), name, "card", f"{card_id}, field name", title=True, required=True
                ),
                status=column,
                owner=people[0] if people else None,
                has_owner=True,
                members=people,
                due=_day(card.get("due"), zone, name, card_id, "due"),
                has_due=True,
                start=_day(card.get("start"), zone, name, card_id, "start"),
                has_start=True,
                description=_text(card.get("desc"), name, "card", f"{card_id}, field desc"),
                tags=tuple(
                    dict.fromkeys(
                        _text(
                            label.get("name") or label.get("color"),
                            name,
                            "card",
                            f"{card_id}, label",
                            title=True,
                        )
                        for label in card.get("labels") or ()
                        if isinstance(label, dict) and (label.get("name") or label.get("color"))
                    )
                ),
                comments=tuple(comments.get(card_id, ())),
            )
        )
        for checklist in sorted(checklists.get(card_id, []), key=lambda c: c.get("pos") or 0):
            for check in sorted(checklist.get("checkItems") or [], key=lambda c: c.get("pos") or 0):
                items.append(
                    SourceItem(
                        source_id=f"{card_id}/check/{check.get('id')}",
                        title=_text(
                            check.get("name"),
                            name,
                            "checklist item",
                            check.get("id"),
                            title=True,
                            required=True,
                        ),
                        status=column,
                        parent=card_id,
                        has_parent=True,
                        done=check.get("state") == "complete",
                    )
                )
    lost = []
    if archived:
        lost.append(f"{archived} archived card(s): not imported")
    if archived_lists:
        lost.append(f"{len(archived_lists)} archived list(s): not imported")
    if attachments:
        lost.append(f"{attachments} attachment(s): Huddle keeps no files")
    if custom:
        lost.append(f"{custom} custom field value(s): Huddle has no custom fields")
    order = {"": tuple(lists.values())}
    mapping = (("title", "name"), ("column", "list"), ("owner", "members"), ("due", "due"),
               ("description", "desc"), ("tags", "labels"), ("sub-tasks", "checklists"),
               ("description history", "comments"))  # fmt: skip
    board_id = str(board.get("id") or board_name)
    return SourceBatch("trello", f"trello:{board_id}", name, tuple(items), order, mapping, tuple(lost),
                       default_dept=board_name)  # fmt: skip


def _text(
    value: object, name: str, what: str, ident: object, *, title: bool = False, required: bool = False
) -> str:
    text = "" if value is None else str(value).replace("\r\n", "\n")
    try:
        if title:
            return clean_title(text, N_("the name")) if text.strip() or required else ""
        return clean_text(text, N_("the text"), required=False)
    except ValidationError as exc:
        raise ImportFormatError(_where(name, what, f"{ident}: {exc}")) from None


def _day(value: object, zone: ZoneInfo, name: str, card_id: str, field: str) -> Any:
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ImportFormatError(
            _where(name, "card", f"{card_id}, field {field}: {value!r} is not a date")
        ) from None
    return instant.astimezone(zone).date() if instant.tzinfo else instant.date()
