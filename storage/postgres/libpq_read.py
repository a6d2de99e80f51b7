"""The pre-reader: one read-only statement through libpq itself, the rows back as one answer.

Imported by ``preread.py``'s thread (``answer``), or run as a script by its child process
(``python -S -P libpq_read.py``, ``HUDDLE_PRE_READ=spawn``): the standard library only (no
site-packages, no Huddle package, no psycopg), so it costs a few milliseconds instead of psycopg's
import, and ctypes lets go of the GIL while libpq works.

It loads the libpq that psycopg itself uses (the one bundled with psycopg-binary, found by the app)
with ctypes and connects with ``PQconnectdbParams``, the URL expanded as psycopg expands it, so
libpq's service files, ``PGPASSFILE``, ``PG*`` variables and TLS settings act as they do in the app.
The child's request (libpq's path, the URL, the statement and its parameters) comes on stdin, never
in argv or the environment. The answer (the child's on stdout): ``("rows", [tuple of str or None, ...])`` or
``("failed", libpq's message)``; the app then reads in-process, whose errors are the ones shown.
Both in ``marshal``'s format: built into the interpreter (nothing to import on either side), and
both ends are the same interpreter, so the same format version.
"""

from __future__ import annotations

import ctypes
import marshal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # not at run time: importing typing would cost the spawned child a few ms
    from collections.abc import Callable
    from typing import Any

    Watch = Callable[[ctypes.CDLL, int | None], None]

CONNECTION_OK = 0
PGRES_TUPLES_OK = 2

DEFAULTS = (("connect_timeout", "5"), ("application_name", "huddle"))
"""Before the URL, so that the URL's own settings win (as in ``PgStore``'s connections)."""
FORCED = (("client_encoding", "UTF8"),)
"""After the URL: the text the app decodes is UTF-8 whatever the environment says."""


def _bind(lib: ctypes.CDLL) -> None:
    """The prototypes of the libpq functions used (ctypes would otherwise truncate the pointers)."""
    pointer, text = ctypes.c_void_p, ctypes.c_char_p
    texts = ctypes.POINTER(ctypes.c_char_p)
    for name, restype, argtypes in (
        ("PQconnectdbParams", pointer, [texts, texts, ctypes.c_int]),
        ("PQstatus", ctypes.c_int, [pointer]),
        ("PQerrorMessage", text, [pointer]),
        (
            "PQexecParams",
            pointer,
            [pointer, text, ctypes.c_int, pointer, texts, pointer, pointer, ctypes.c_int],
        ),
        ("PQresultStatus", ctypes.c_int, [pointer]),
        ("PQresultErrorMessage", text, [pointer]),
        ("PQntuples", ctypes.c_int, [pointer]),
        ("PQnfields", ctypes.c_int, [pointer]),
        ("PQgetisnull", ctypes.c_int, [pointer, ctypes.c_int, ctypes.c_int]),
        ("PQgetvalue", text, [pointer, ctypes.c_int, ctypes.c_int]),
        ("PQclear", None, [pointer]),
        ("PQfinish", None, [pointer]),
        ("PQgetCancel", pointer, [pointer]),
        ("PQcancel", ctypes.c_int, [pointer, text, ctypes.c_int]),
        ("PQfreeCancel", None, [pointer]),
    ):
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = argtypes


def _strings(values: list[str | None]) -> ctypes.Array[ctypes.c_char_p]:
    return (ctypes.c_char_p * len(values))(*(None if v is None else v.encode() for v in values))


def _message(raw: bytes | None) -> str:
    return " ".join((raw or b"").decode(errors="replace").split())


Answer = tuple[str, list[tuple[str | None, ...]] | str]


def read(libpq: str, url: str, statement: str, params: list[str], watch: Watch | None = None) -> Answer:
    """Run ``statement`` once on a connection to ``url``; its rows, or why not.

    ``watch(lib, conn)`` is told of the connection once it is made, and ``watch(lib, None)`` before it
    is closed (the app's thread-run reader cancels a statement that takes too long through it)."""
    try:
        lib = ctypes.CDLL(libpq)
        _bind(lib)
    except (OSError, AttributeError) as exc:
        return "failed", f"cannot load libpq: {exc}"
    pairs = [*DEFAULTS, ("dbname", url), *FORCED]
    keywords = _strings([k for k, _ in pairs] + [None])
    values = _strings([v for _, v in pairs] + [None])
    conn = lib.PQconnectdbParams(keywords, values, 1)
    if not conn:
        return "failed", "libpq could not allocate a connection"
    if watch is not None:
        watch(lib, conn)
    try:
        if lib.PQstatus(conn) != CONNECTION_OK:
            return "failed", _message(lib.PQerrorMessage(conn))
        result = lib.PQexecParams(
            conn, statement.encode(), len(params), None, _strings(list(params)), None, None, 0
        )
        if not result:
            return "failed", _message(lib.PQerrorMessage(conn))
        try:
            if lib.PQresultStatus(result) != PGRES_TUPLES_OK:
                return "failed", _message(lib.PQresultErrorMessage(result))
            width = lib.PQnfields(result)
            rows = [
                tuple(
                    None if lib.PQgetisnull(result, r, c) else lib.PQgetvalue(result, r, c).decode()
                    for c in range(width)
                )
                for r in range(lib.PQntuples(result))
            ]
            return "rows", rows
        finally:
            lib.PQclear(result)
    finally:
        if watch is not None:
            watch(lib, None)
        lib.PQfinish(conn)


def answer(request: dict[str, Any], watch: Watch | None = None) -> Answer:
    """The answer to one request (libpq's path, the URL, the statement, its parameters); never raises."""
    try:
        params = [str(p) for p in request["params"]]
        return read(request["libpq"], request["url"], request["sql"], params, watch)
    except Exception as exc:  # whatever it was, the app reads in-process and says what is wrong
        return "failed", f"{type(exc).__name__}: {exc}"


def main() -> None:
    sys.stdout.buffer.write(marshal.dumps(answer(marshal.loads(sys.stdin.buffer.read()))))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
