"""The server schema: ordered SQL migrations recorded in ``huddle_schema``, applied on open.

One table per aggregate, each row ``seq`` (write order, as TinyDB's document ids), ``id`` (the
domain id) and ``doc`` (the JSONB document of ``storage/codecs.py``), plus the hot columns that
queries filter on. New model fields travel inside ``doc`` and need no migration here; a change of
the documents themselves is a JSON-store migration (``storage/migrations.py``), which this backend
replays over its documents (``huddle_state.doc_schema`` says how far it got).
"""

from __future__ import annotations

DOC_TABLES = ("departments", "people", "projects", "cards", "risks", "meetings", "change_requests")
"""Tables of ``id + doc`` rows, in the order a copy writes them."""
DATA_TABLES = (*DOC_TABLES, "activity")
"""Every table that holds data (``is_empty`` and ``clear`` look at these; counters are kept)."""

VERSIONED_TABLES = (*DOC_TABLES, "published")
"""Tables whose rows carry ``ver`` (the row-versions migration): what an app's row cache keeps."""

CHANNEL = "huddle_changes"
"""The NOTIFY channel: the payload is the new version number."""

_DOC_TABLE = """
CREATE TABLE {name} (
    seq bigserial NOT NULL UNIQUE,
    id text PRIMARY KEY,
    doc jsonb NOT NULL
);
"""

MIGRATIONS: list[tuple[str, str]] = [
    (
        "initial",
        "".join(_DOC_TABLE.format(name=name) for name in DOC_TABLES if name != "cards")
        + """
CREATE TABLE cards (
    seq bigserial NOT NULL UNIQUE,
    id text PRIMARY KEY,
    dept text NOT NULL,
    col text NOT NULL,
    rank double precision NOT NULL,
    doc jsonb NOT NULL
);
CREATE INDEX cards_board ON cards (dept, col, rank);
CREATE TABLE activity (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    entity_id text NOT NULL,
    doc jsonb NOT NULL
);
CREATE INDEX activity_entity ON activity (entity_id, seq);
CREATE TABLE counters (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
CREATE TABLE huddle_state (
    id int PRIMARY KEY CHECK (id = 1),
    version bigint NOT NULL,
    doc_schema int NOT NULL
);
INSERT INTO huddle_state VALUES (1, 0, 0);
""",
    ),
    (
        "published",  # what Huddle wrote to CalDAV calendars; kept by clear(), like the JSON store's table
        _DOC_TABLE.format(name="published"),
    ),
    (
        # How many cards each board column holds, kept by a trigger, so the WIP check of a card add or
        # move reads one row instead of counting the column (which grew with the board: 0.4 ms at
        # 5,000 cards, 14 ms at 100,000). The trigger sees every path a card row changes by: the
        # repositories' upserts and deletes, a copy's bulk load, a migration's rewrite, ``clear()``.
        "card-column-counts",
        """
CREATE TABLE card_columns (
    dept text NOT NULL,
    col text NOT NULL,
    cards bigint NOT NULL,
    PRIMARY KEY (dept, col)
);
CREATE FUNCTION huddle_count_cards() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE card_columns SET cards = cards - 1 WHERE dept = OLD.dept AND col = OLD.col;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO card_columns AS c VALUES (NEW.dept, NEW.col, 1)
            ON CONFLICT (dept, col) DO UPDATE SET cards = c.cards + 1;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER cards_counted AFTER INSERT OR DELETE ON cards
    FOR EACH ROW EXECUTE FUNCTION huddle_count_cards();
CREATE TRIGGER cards_counted_on_move AFTER UPDATE OF dept, col ON cards
    FOR EACH ROW WHEN (OLD.dept IS DISTINCT FROM NEW.dept OR OLD.col IS DISTINCT FROM NEW.col)
    EXECUTE FUNCTION huddle_count_cards();
INSERT INTO card_columns SELECT dept, col, count(*) FROM cards GROUP BY dept, col;
""",
    ),
    (
        # What an open app re-reads after another client's change: only the rows written since it last
        # looked (``ver`` from one sequence, stamped on every insert and update), less the rows deleted
        # since then (``huddle_deleted``), instead of every card of the board (``store._RowCache``).
        # ``huddle_state.epoch`` moves when a bulk change (``clear``, a copy) skips the tombstones: a
        # cache from another epoch starts again. ``huddle.bulk`` (a transaction's own setting, which
        # any role may set) lets a copy skip the per-row bookkeeping and recount once at its end.
        "row-versions",
        "CREATE SEQUENCE huddle_row_version;\n"
        "ALTER TABLE huddle_state ADD COLUMN epoch bigint NOT NULL DEFAULT 0;\n"
        """
CREATE TABLE huddle_deleted (
    ver bigint PRIMARY KEY DEFAULT nextval('huddle_row_version'),
    tbl text NOT NULL,
    id text NOT NULL
);
CREATE FUNCTION huddle_stamp_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.ver := nextval('huddle_row_version');
    RETURN NEW;
END
$$;
CREATE FUNCTION huddle_note_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('huddle.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO huddle_deleted (tbl, id) SELECT TG_TABLE_NAME, gone.id FROM gone;
    RETURN NULL;
END
$$;
CREATE OR REPLACE FUNCTION huddle_count_cards() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('huddle.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        UPDATE card_columns SET cards = cards - 1 WHERE dept = OLD.dept AND col = OLD.col;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO card_columns AS c VALUES (NEW.dept, NEW.col, 1)
            ON CONFLICT (dept, col) DO UPDATE SET cards = c.cards + 1;
    END IF;
    RETURN NULL;
END
$$;
"""
        + "".join(
            f"""
ALTER TABLE {name} ADD COLUMN ver bigint NOT NULL DEFAULT nextval('huddle_row_version');
CREATE INDEX {name}_ver ON {name} (ver);
CREATE TRIGGER {name}_stamped BEFORE UPDATE ON {name} FOR EACH ROW EXECUTE FUNCTION huddle_stamp_row();
CREATE TRIGGER {name}_deleted AFTER DELETE ON {name} REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION huddle_note_deleted();
"""
            for name in VERSIONED_TABLES
        ),
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)

CREATE_SCHEMA_TABLE = """
CREATE TABLE IF NOT EXISTS huddle_schema (
    version int PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""
