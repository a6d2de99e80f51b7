"""The app's first board page on PostgreSQL: its statements and how their rows become the page.

Shared by the in-process read (``PgCards.first_in_columns``) and the pre-reader (``preread.py``),
which runs its statement through libpq in another process; no psycopg import here, so the app's
side of the pre-reader can use it before the driver is loaded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, LiteralString

from domain.models import Card
from storage import codecs

PAGE: LiteralString = (
    "SELECT col, doc, 0 FROM (SELECT col, doc, rank, id, row_number() OVER "
    '(PARTITION BY col ORDER BY rank, id COLLATE "C") AS n FROM cards WHERE dept = %s) p '
    "WHERE n <= %s UNION ALL SELECT col, NULL, cards FROM card_columns WHERE dept = %s AND cards > 0"
)
"""One department's first ``per_column`` cards of each column and its column counts (psycopg's
placeholders: dept, per_column, dept): only the page travels and is decoded."""

PRE_READ: LiteralString = """
WITH first AS (SELECT doc->>'name' AS name FROM departments ORDER BY seq LIMIT 1),
board AS (SELECT seq, doc FROM cards WHERE dept = (SELECT name FROM first))
SELECT '[' || coalesce((SELECT json_build_array(
        version, (SELECT coalesce(max(version), 0) FROM huddle_schema), doc_schema) FROM huddle_state)::text,
    'null')
|| ',[' || coalesce((SELECT string_agg(doc::text, ',' ORDER BY seq) FROM departments), '')
|| '],[' || coalesce((SELECT string_agg(doc::text, ',' ORDER BY seq) FROM board), '')
|| '],[' || coalesce((SELECT string_agg(doc::text, ',') FROM cards
    WHERE id = ANY (ARRAY(SELECT jsonb_array_elements_text(doc->'blocked_by') FROM board))
    AND dept <> (SELECT name FROM first)), '')
|| ']]'
"""
"""What the app's first board reads, in one statement, so from one moment of the database, as one
JSON text (the pre-reader's child fetches one value, not hundreds of rows): the state row's data
version with the SQL and document schema versions, every department's document and every card
document of the first department, each in write order (``seq``), and the cards off that board that
its cards name as blockers. The page, the column counts and the names that match no card are worked
out by the app from these (``preread.Board``; a card document holds its column, rank and id), so the
statement stays simple: on the new connection the child makes, each relation and each step costs
the server its first use.

Built as text (``string_agg`` of the documents' own text) rather than with ``json_agg`` and
``json_build_array`` around each document, which cost the server about twice the processor time for
the same bytes (625 cards: ~2 ms less of the backend's CPU, ``bench/bench_postgres.py``); the
blockers are looked up by primary key (``= ANY (ARRAY(...))``), where an ``IN`` made the planner
hash-join a scan of every other card."""


def arrange(
    columns: Sequence[str], rows: Iterable[tuple[str, dict[str, Any] | None, int]]
) -> tuple[list[Card], dict[str, int]]:
    """The rows of ``PAGE`` (column, document or None, count) as the page in board order (the
    department's columns in order, then rank, then id) and every column's card count."""
    counts: dict[str, int] = dict.fromkeys(columns, 0)
    by_column: dict[str, list[dict[str, Any]]] = {name: [] for name in columns}
    for col, doc, count in rows:
        if doc is None:
            counts[col] = int(count)
        else:
            by_column.setdefault(col, []).append(doc)
    page = []
    for docs in by_column.values():
        docs.sort(key=lambda d: (float(d.get("rank", 0.0)), d["id"]))
        page += [codecs.card_from_doc(doc) for doc in docs]
    return page, counts


def first_of_each(cards: Iterable[Card], per_column: int) -> list[Card]:
    """The first ``per_column`` cards of each column of ``cards`` (given in board order)."""
    taken: dict[str, int] = {}
    page = []
    for card in cards:
        taken[card.column] = taken.get(card.column, 0) + 1
        if taken[card.column] <= per_column:
            page.append(card)
    return page
