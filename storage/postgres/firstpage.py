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
SELECT coalesce(json_agg(json_build_array(kind, a, b, c, doc)), '[]')::text FROM (
WITH first AS (SELECT doc->>'name' AS name FROM departments ORDER BY seq LIMIT 1),
board AS (
    SELECT id, col, seq, doc, row_number() OVER (PARTITION BY col ORDER BY rank, id COLLATE "C") AS n
    FROM cards WHERE dept = (SELECT name FROM first)
),
named AS (SELECT DISTINCT jsonb_array_elements_text(doc->'blocked_by') AS id FROM board)
SELECT 'state', version::text, (SELECT coalesce(max(version), 0) FROM huddle_schema)::text,
    doc_schema::text, NULL FROM huddle_state
UNION ALL SELECT 'department', seq::text, NULL, NULL, doc::text FROM departments
UNION ALL SELECT CASE WHEN n <= $1::int THEN 'page' ELSE 'card' END, col, seq::text, id, doc::text FROM board
UNION ALL SELECT 'count', col, cards::text, NULL, NULL FROM card_columns
    WHERE dept = (SELECT name FROM first) AND cards > 0
UNION ALL SELECT 'blocker', id, NULL, NULL, doc::text FROM cards
    WHERE id IN (SELECT id FROM named) AND id NOT IN (SELECT id FROM board)
UNION ALL SELECT 'missing', id, NULL, NULL, NULL FROM named WHERE id NOT IN (SELECT id FROM cards)
) AS pre_read (kind, a, b, c, doc)
"""
"""What the app's first board reads, in one statement, so from one moment of the database: the state
row (data version, SQL and document schema versions), every department, every card of the first
department (its first ``$1`` of each column marked ``page``, as ``PAGE`` picks them), that
department's column counts, the cards off it that its cards name as blockers, and the names that
match no card. Its rows (kind and four values, as text; documents as JSON text) come as one JSON
array in one value: the pre-reader's child fetches one value, not thousands."""


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
