"""The write path hands the data file to the kernel as the pieces ``tables.dump_pieces`` made (``os.writev``,
no join into one more copy), reads it back in one piece, and finds the temp files of killed writers by
their literal names: the bytes on disk are exactly what they were."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import orjson
import pytest

from storage import open_store, tables
from storage.files import WRITEV_PIECES, atomic_write, read_bytes_safely, remove_stale_temp_files, write_all

CHINESE = "项目评审 会议纪要 风险"


def pieces(count: int) -> list[bytes | memoryview]:
    """``count`` pieces of every kind the dump makes: bytes, views into a larger buffer, empty ones."""
    block = ("".join(f"{CHINESE}{n}," for n in range(50))).encode()
    made: list[bytes | memoryview] = []
    for n in range(count):
        if n % 7 == 0:
            made.append(b"")
        elif n % 3 == 0:
            made.append(memoryview(block)[n % 40 : n % 40 + 100 + n])
        else:
            made.append(f'"{n}":{{"title":"{CHINESE} {n}"}},'.encode())
    return made


def test_more_pieces_than_one_writev_takes_are_written_in_order(tmp_path: Path) -> None:
    parts = pieces(3 * WRITEV_PIECES + 5)
    target = tmp_path / "out.json"
    atomic_write(target, parts)
    assert target.read_bytes() == b"".join(parts)
    atomic_write(target, b"plain bytes")
    assert target.read_bytes() == b"plain bytes"


def test_a_short_write_goes_on_from_the_byte_where_it_stopped(tiny_disk: Path) -> None:
    """On a full disk ``writev`` writes what fits and returns less than asked: what reaches the disk
    is always the start of the content, never a piece written twice or skipped."""
    parts = pieces(2000)
    whole = b"".join(parts)
    assert len(whole) > 64 * 1024
    fd = os.open(tiny_disk / "partial", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with pytest.raises(OSError, match="No space left") as error:
            write_all(fd, parts)
    finally:
        os.close(fd)
    assert error.value.errno == errno.ENOSPC
    written = (tiny_disk / "partial").read_bytes()
    assert 0 < len(written) < len(whole)
    assert whole.startswith(written)


def test_a_transaction_writes_exactly_the_dump_of_its_tables(tmp_path: Path) -> None:
    path = tmp_path / "team.json"
    store = open_store(path)
    with store.transaction() as uow:
        uow.next_number("card:OPS")
    raw = path.read_bytes()
    data = tables.load(raw, path, check=True)
    assert tables.dump(data) == raw == b"".join(tables.dump_pieces(data))
    assert orjson.loads(raw)["_meta"]["1"]["counters"] == {"card:OPS": 1}


def test_a_big_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    content = (CHINESE * 200_000).encode()
    path.write_bytes(content)
    assert read_bytes_safely(path) == content
    path.write_bytes(b"")
    assert read_bytes_safely(path) == b""


def test_temp_files_are_matched_by_their_literal_names(tmp_path: Path) -> None:
    """``[1]`` in the data file's name is part of the name, not a wildcard matching ``1``."""
    db = tmp_path / "团队[1].json"
    mine = [f".{db.name}.4242.beef.tmp", f".{db.name}..tmp"]
    others = [".团队1.json.4242.beef.tmp", f".{db.name}.tmp", f"{db.name}.4242.tmp", f".{db.name}.4242"]
    for name in mine + others:
        (tmp_path / name).write_bytes(b"x")
    remove_stale_temp_files(db)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(others)
