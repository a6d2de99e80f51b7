"""Real Unix accounts for the multi-account tests: a group, members, an outsider, a setgid folder,
and the real ``huddle`` (CLI and app in tmux) run as each of them with ``runuser``.

Other accounts cannot run the interpreter the test machines use (it lives in root's home), so the
suite builds a world-readable virtual environment on the system ``/usr/bin/python3``. Building it
(pip installing the pinned dependencies) takes about half a minute, so it is cached in
``/var/tmp/huddle-multiuser/`` by the hash of ``pyproject.toml`` and ``constraints.txt``; the project's
own source is copied beside it (cached by its hash), with a ``huddle`` command on the venv's
interpreter that puts that copy first on the path and runs ``tui.entry:main``, as the installed console
script does.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.wait import wait_for

REPO = Path(__file__).resolve().parents[2]
SYSTEM_PYTHON = Path("/usr/bin/python3")
CACHE = Path("/var/tmp/huddle-multiuser")
PACKAGES = tuple(
    sorted(p.parent.name for p in REPO.glob("*/__init__.py") if p.parent.name not in ("tests", "bench"))
)
"""The project's top-level packages (domain, storage, tui, ...), as the installed wheel has them."""


def missing_tools() -> str | None:
    """Why the multi-account suite cannot run here, or None."""
    if os.geteuid() != 0:
        return "the multi-account suite creates Unix accounts: run the tests as root (CI does)"
    for tool in ("useradd", "userdel", "groupadd", "groupdel", "runuser", "tmux"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed"
    if not SYSTEM_PYTHON.exists():
        return f"{SYSTEM_PYTHON} is missing: other accounts need an interpreter they can read"
    probe = subprocess.run(
        [str(SYSTEM_PYTHON), "-c", "import sys, venv, ensurepip; print(sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        return f"{SYSTEM_PYTHON} has no venv/ensurepip (apt-get install python3-venv): {probe.stderr[-200:]}"
    if probe.stdout.strip() < "(3, 11)":
        return f"{SYSTEM_PYTHON} is Python {probe.stdout.strip()}; Huddle needs 3.11"
    return None


def _digest(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        for file in sorted(path.rglob("*")) if path.is_dir() else [path]:
            if file.is_file() and "__pycache__" not in file.parts:
                h.update(str(file.relative_to(REPO)).encode() + b"\0" + file.read_bytes())
    return h.hexdigest()[:16]


@contextlib.contextmanager
def _cache_lock() -> Iterator[None]:
    CACHE.mkdir(mode=0o755, exist_ok=True)
    os.chmod(CACHE, 0o755)
    fd = os.open(CACHE / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _make_world_readable(path: Path) -> None:
    subprocess.run(["chmod", "-R", "a+rX,go-w", str(path)], check=True)


def system_venv() -> Path:
    """The ``huddle`` command of a world-readable venv on the system Python, built or reused."""
    deps = _digest([REPO / "pyproject.toml", REPO / "constraints.txt"])
    source = _digest([REPO / name for name in PACKAGES])
    with _cache_lock():
        venv = CACHE / f"venv-{deps}"
        if not (venv / ".installed").exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", str(venv)], check=True)
            build = CACHE / f"build-{deps}"
            shutil.rmtree(build, ignore_errors=True)
            build.mkdir()
            for name in (*PACKAGES, "pyproject.toml", "README.md", "constraints.txt"):
                src = REPO / name
                if src.is_dir():
                    shutil.copytree(src, build / name, ignore=shutil.ignore_patterns("__pycache__"))
                else:
                    shutil.copy2(src, build / name)
            pip = [str(venv / "bin" / "pip"), "install", "--quiet", "-c", str(build / "constraints.txt")]
            subprocess.run([*pip, str(build)], check=True, capture_output=True)
            # Keep the dependencies, drop the project: its current source is put on the path below.
            subprocess.run(
                [str(venv / "bin" / "pip"), "uninstall", "--quiet", "-y", "huddle-tui"], check=True
            )
            shutil.rmtree(build, ignore_errors=True)
            (venv / ".installed").touch()
        src = CACHE / f"src-{source}"
        if not src.exists():
            staging = CACHE / f".src-{source}-{os.getpid()}"
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir()
            for name in PACKAGES:
                shutil.copytree(REPO / name, staging / name, ignore=shutil.ignore_patterns("__pycache__"))
            os.rename(staging, src)
        command = src / "bin" / "huddle"
        if not command.exists():
            command.parent.mkdir(exist_ok=True)
            command.write_text(
                f"#!{venv / 'bin' / 'python'}\nimport sys\nsys.path.insert(0, {str(src)!r})\n"
                "from tui.entry import main\nsys.exit(main())\n",
                encoding="utf-8",
            )
            command.chmod(0o755)
        _make_world_readable(venv)
        _make_world_readable(src)
        return command


@dataclass
class Account:
    name: str
    home: Path
    member: bool


@dataclass
class Result:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Host:
    """The accounts, the group and the shared folder of one test session; ``remove()`` undoes all."""

    base: Path
    group: str
    huddle: Path
    members: list[Account] = field(default_factory=list)
    outsider: Account | None = None
    created_users: list[str] = field(default_factory=list)
    created_group: bool = False

    @property
    def folder(self) -> Path:
        return self.base / "srv"

    @property
    def db(self) -> Path:
        return self.folder / "team.json"

    def env(self, account: Account) -> dict[str, str]:
        return {
            "HOME": str(account.home),
            "USER": account.name,
            "LOGNAME": account.name,
            "PATH": f"{self.huddle.parent}:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "HUDDLE_DB": str(self.db),
            "TERM": "xterm-256color",
        }

    def as_user(self, account: Account, argv: Sequence[str]) -> list[str]:
        """``argv`` run as ``account``, in a clean login-like environment, under umask 022."""
        env = [f"{k}={v}" for k, v in self.env(account).items()]
        shell = ["sh", "-c", 'umask 022; exec "$@"', "sh"]
        return ["runuser", "-u", account.name, "--", "env", "-i", *env, *shell, *argv]

    def run(self, account: Account, *args: str, timeout: float = 120) -> Result:
        argv = self.as_user(account, [str(self.huddle), *args])
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, cwd="/")
        return Result(list(args), done.returncode, done.stdout, done.stderr)

    def python(self, account: Account, code: str, *args: str, timeout: float = 120) -> Result:
        """``code`` run as ``account`` by the venv's interpreter, with the project's source importable."""
        interpreter = self.huddle.read_text(encoding="utf-8").splitlines()[0][2:]
        source = str(self.huddle.parent.parent)
        argv = self.as_user(account, ["env", f"PYTHONPATH={source}", interpreter, "-c", code, *args])
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False, cwd="/")
        return Result(list(args), done.returncode, done.stdout, done.stderr)

    def popen(self, account: Account, script: str) -> subprocess.Popen[str]:
        """A shell script run as ``account`` (``huddle`` on its PATH)."""
        argv = self.as_user(account, ["sh", "-c", script])
        return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/")

    def remove(self) -> None:
        for user in self.created_users:
            subprocess.run(["pkill", "-KILL", "-u", user], check=False, capture_output=True)
        for user in self.created_users:
            for _attempt in range(20):
                done = subprocess.run(["userdel", "-r", user], check=False, capture_output=True, text=True)
                if done.returncode in (0, 6):  # 6: no such user
                    break
                time.sleep(0.1)  # a process of the user is still exiting
        if self.created_group:
            subprocess.run(["groupdel", self.group], check=False, capture_output=True)
        shutil.rmtree(self.base, ignore_errors=True)


def create_host(huddle: Path, members: int = 3) -> Host:
    """A group with ``members`` accounts, one account outside it, and a setgid 2770 folder."""
    tag = secrets.token_hex(3)
    base = Path(f"/var/tmp/huddle-mu-{tag}")
    base.mkdir(mode=0o755)
    os.chmod(base, 0o755)
    host = Host(base=base, group=f"hmu{tag}", huddle=huddle)
    try:
        subprocess.run(["groupadd", host.group], check=True, capture_output=True)
        host.created_group = True
        for index in range(members + 1):
            member = index < members
            name = f"hmu{tag}{'abcdefgh'[index] if member else 'x'}"
            home = base / "home" / name
            home.parent.mkdir(mode=0o755, exist_ok=True)
            argv = ["useradd", "-m", "-d", str(home), "-s", "/bin/sh", "-U", name]
            if member:
                argv[1:1] = ["-G", host.group]
            subprocess.run(argv, check=True, capture_output=True)
            host.created_users.append(name)
            account = Account(name, home, member)
            if member:
                host.members.append(account)
            else:
                host.outsider = account
        host.folder.mkdir()
        subprocess.run(["chgrp", host.group, str(host.folder)], check=True)
        os.chmod(host.folder, 0o2770)
    except BaseException:
        host.remove()
        raise
    return host


class Terminal:
    """The real app in a tmux session of its own (own socket), run as one account."""

    def __init__(self, host: Host, account: Account, name: str, *args: str) -> None:
        self.host = host
        self.account = account
        self.socket = account.home / f"tmux-{name}.sock"
        self.name = name
        command = " ".join([str(host.huddle), *args])
        env_args = [f"{k}={v}" for k, v in host.env(account).items()]
        shell = f"umask 022; exec env -i {' '.join(env_args)} {command}"
        self._tmux("new-session", "-d", "-s", name, "-x", "130", "-y", "40", shell)

    def _tmux(self, *args: str) -> str:
        argv = ["runuser", "-u", self.account.name, "--", "tmux", "-S", str(self.socket), *args]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False, cwd="/")
        if done.returncode != 0:
            raise AssertionError(f"tmux {args[0]} as {self.account.name} failed: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        try:
            return self._tmux("capture-pane", "-p", "-t", self.name)
        except AssertionError:
            return ""

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)

    def wait_for(self, text: str, seconds: float = 60) -> None:
        try:
            wait_for(lambda: text in self.screen(), seconds, f"{text!r} on {self.account.name}'s screen")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; the screen shows:\n{self.screen()}") from None

    def alive(self) -> bool:
        argv = ["runuser", "-u", self.account.name, "--", "tmux", "-S", str(self.socket), "has-session"]
        return subprocess.run(argv, capture_output=True, check=False).returncode == 0

    def crash(self) -> None:
        """kill -9 this account's app (a crash), then close its terminal."""
        subprocess.run(["pkill", "-KILL", "-u", self.account.name, "-f", "bin/huddle"], check=False)
        self.kill()

    def kill(self) -> None:
        """Close the terminal, as a dropped SSH link does (the app gets SIGHUP)."""
        with contextlib.suppress(AssertionError):
            self._tmux("kill-server")
