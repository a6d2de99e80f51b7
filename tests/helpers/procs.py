"""Run real writer processes against one data file: concurrent writers and writers killed with SIGKILL.

The writer is any command: ``WriterCommand(db, writer, n)`` returns the argv of a process that adds ``n``
cards to department OPS of ``db`` and prints each new card id on its own line once the write has
returned. The Python worker below is the default; a CLI-based command can be swapped in with
``handshake=False``, for example a shell loop::

    def cli_writer(db: Path, w: int, n: int) -> list[str]:
        add = f"huddle --db {db} card add --dept OPS --title w{w}-$i"
        return ["sh", "-c", f"for i in $(seq {n}); do {add} || exit 1; done"]
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.helpers.workers import GO_ENV

REPO = Path(__file__).resolve().parents[2]

WriterCommand = Callable[[Path | str, int, int], list[str]]


def worker_command(*args: str) -> list[str]:
    """The argv running ``tests/helpers/workers.py`` with this interpreter (the project venv)."""
    return [sys.executable, "-m", "tests.helpers.workers", *args]


def python_card_writer(db: Path | str, writer: int, count: int) -> list[str]:
    return worker_command("add-cards", str(db), "--writer", str(writer), "-n", str(count), "--pause", "0.002")


def worker_env(go_file: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
    env.pop(GO_ENV, None)
    if go_file is not None:
        env[GO_ENV] = str(go_file)
    return env


@dataclass
class WriterRun:
    ids: list[list[str]]
    """Acknowledged card ids per writer, in the order each writer printed them."""
    seconds: float
    """Wall time from the start signal until the last writer exited."""
    returncodes: list[int]
    stderr: list[str]


def run_writers(
    db: Path | str,
    command: WriterCommand = python_card_writer,
    *,
    writers: int = 4,
    count: int = 25,
    handshake: bool = True,
    timeout: float = 120.0,
    go_file: Path | None = None,
) -> WriterRun:
    """Start ``writers`` processes at once; with ``handshake`` they begin writing on one signal.

    ``db`` is a data file (the start signal is a file beside it) or a URL (pass ``go_file``).
    """
    if go_file is None:
        assert isinstance(db, Path), "a database URL needs go_file"
        go_file = db.with_name(db.name + ".go")
    go_file.unlink(missing_ok=True)
    procs = [
        subprocess.Popen(
            command(db, w, count),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
            env=worker_env(go_file if handshake else None),
        )
        for w in range(writers)
    ]
    try:
        if handshake:
            for proc in procs:
                assert proc.stdout is not None
                line = proc.stdout.readline()
                assert line.strip() == "ready", f"writer did not start: {line!r}"
            go_file.touch()
        started = time.monotonic()
        outputs = [proc.communicate(timeout=timeout) for proc in procs]
        seconds = time.monotonic() - started
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        go_file.unlink(missing_ok=True)
    ids = [
        [line.strip() for line in out.splitlines() if line.strip() and line.strip() != "ready"]
        for out, _ in outputs
    ]
    return WriterRun(ids, seconds, [p.returncode for p in procs], [err for _, err in outputs])


@dataclass
class KillRound:
    acknowledged: list[str]
    """Complete lines the process printed (each after its write returned) before it was killed."""
    delay: float
    """Seconds the process ran after ``ready`` before the SIGKILL."""
    returncode: int


def run_and_kill(argv: Sequence[str], delay: float, *, timeout: float = 30.0) -> KillRound:
    """Start ``argv``, let it work for ``delay`` seconds after it prints ``ready``, then SIGKILL it."""
    return run_and_kill_together([argv], delay, timeout=timeout)[0]


def run_and_kill_together(
    argvs: Sequence[Sequence[str]], delay: float, *, timeout: float = 30.0
) -> list[KillRound]:
    """Start every command, wait until all print ``ready``, let them work ``delay`` s, SIGKILL them all."""
    procs = [
        subprocess.Popen(
            list(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=worker_env()
        )
        for argv in argvs
    ]
    outputs: list[bytes] = []
    try:
        for proc in procs:
            assert proc.stdout is not None
            first = _read_line_unbuffered(proc.stdout.fileno())
            assert first.strip() == b"ready", (
                f"worker did not start: {first!r} {proc.stderr and proc.stderr.read()!r}"
            )
        time.sleep(delay)
        for proc in procs:
            os.kill(proc.pid, signal.SIGKILL)
        outputs = [proc.communicate(timeout=timeout)[0] for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    rounds = []
    for proc, out in zip(procs, outputs, strict=True):
        # A line cut by the kill has no newline yet: it was not acknowledged.
        complete = out.split(b"\n")[:-1]
        acknowledged = [line.decode().strip() for line in complete if line.strip()]
        rounds.append(KillRound(acknowledged, delay, proc.returncode))
    return rounds


def _read_line_unbuffered(fd: int) -> bytes:
    """One line read byte by byte: ``readline()`` on the buffered pipe would also swallow the next lines,
    which ``communicate()`` (reading the raw descriptor) then never sees, so fast writers' first
    acknowledgements went uncounted."""
    line = b""
    while not line.endswith(b"\n"):
        byte = os.read(fd, 1)
        if not byte:
            break
        line += byte
    return line


def interleavings(ids_by_writer: Sequence[Sequence[str]]) -> int:
    """How often consecutive card numbers belong to different writers (0 means the writers ran in turn)."""
    owner = {}
    for writer, ids in enumerate(ids_by_writer):
        for card_id in ids:
            owner[int(card_id.rsplit("-", 1)[1])] = writer
    order = [owner[n] for n in sorted(owner)]
    return sum(1 for a, b in itertools.pairwise(order) if a != b)
