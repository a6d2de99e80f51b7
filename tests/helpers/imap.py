"""Fixtures for the outbound tests: real servers on 127.0.0.1 started per test.

- Radicale (CalDAV) and the finished meeting with a follow-up come from ``tests/helpers/delivery.py``.
- Dovecot (IMAP), run unprivileged with its whole configuration, mail and sockets in a temp folder
  and a passwd-file login; when the tests run as root it is started as ``nobody``, because Dovecot
  refuses to run its login processes as root.
- vdirsyncer, from its own virtual environment (``make vdirsyncer``), syncing the Radicale calendar to
  a local folder as a calendar user's machine would.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import icalendar
import pytest

from tests.helpers.delivery import REPO, free_port, stop_server

IMAP_USER = "chair"
IMAP_PASSWORD = "imap-Pa55-秘密"
VDIRSYNCER = Path(os.environ.get("VDIRSYNCER_DIR", REPO / ".cache" / "vdirsyncer")) / "bin" / "vdirsyncer"


# ----- replies as a calendar client writes them ----------------------------------------------------


def reply_ics(
    uid: str,
    email: str,
    partstat: str,
    *,
    sequence: int = 0,
    stamp: datetime | None = None,
    name: str = "",
) -> bytes:
    """An iTIP REPLY (RFC 5546 3.2.3) built with icalendar, as Thunderbird or Evolution send one."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Test client//Replies//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "REPLY")
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    event.add("dtstamp", stamp or datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    event.add("dtstart", datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    event.add("summary", "Accepted: 发布会筹备会议")
    organizer = icalendar.vCalAddress("mailto:ann@example.com")
    event.add("organizer", organizer)
    attendee = icalendar.vCalAddress(f"mailto:{email}")
    attendee.params["PARTSTAT"] = partstat
    if name:
        attendee.params["CN"] = name
    event.add("attendee", attendee)
    calendar.add_component(event)
    return bytes(calendar.to_ical())


def reply_mail(ics: bytes, sender: str, *, as_attachment: bool = False, subject: str = "") -> bytes:
    """An iMIP mail (RFC 6047) carrying ``ics``: inline ``text/calendar; method=REPLY`` or an .ics file."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "ann@example.com"
    message["Subject"] = subject or "答复: 发布会筹备会议 Launch prep"
    message["Date"] = format_datetime(datetime(2026, 11, 26, 3, 0, tzinfo=UTC))
    message.set_content("I'll be there.\n")
    if as_attachment:
        message.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    else:
        message.add_alternative(ics.decode(), subtype="calendar", charset="utf-8", params={"method": "REPLY"})
    return bytes(message)


# ----- Dovecot ------------------------------------------------------------------------------------


@dataclass
class Dovecot:
    port: int
    tls_port: int
    folder: Path
    ca_file: Path | None

    def client(self) -> imaplib.IMAP4:
        from outbound.imap import login

        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=20)
        login(client, IMAP_USER, IMAP_PASSWORD)
        return client

    def append(self, message: bytes, mailbox: str = "INBOX") -> None:
        """Deliver a message the way a mail client files one: IMAP APPEND."""
        client = self.client()
        try:
            status, _ = client.append(mailbox, None, None, message)
            assert status == "OK"
        finally:
            client.logout()

    def flags(self, mailbox: str = "INBOX") -> dict[str, str]:
        """Subject -> FLAGS of every message in ``mailbox`` (read with a second, independent session)."""
        client = self.client()
        try:
            client.select(mailbox, readonly=True)
            _, data = client.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
        finally:
            client.logout()
        result: dict[str, str] = {}
        for item in data:
            if isinstance(item, tuple):
                import email
                import email.policy

                header = email.message_from_bytes(item[1], policy=email.policy.default)
                result[str(header["Subject"])] = item[0].decode()
        return result


def _certificate(folder: Path) -> Path | None:
    """A self-signed certificate for 127.0.0.1 (the CA file the tests trust), or None without openssl."""
    if shutil.which("openssl") is None:
        return None
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return folder / "cert.pem"


@contextmanager
def running_dovecot() -> Iterator[Dovecot]:
    """Dovecot IMAP on 127.0.0.1 (plain/STARTTLS port and an IMAPS port), one user, an empty INBOX."""
    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)
    if binary is None:
        pytest.skip("dovecot is not installed (Debian: dovecot-imapd, installed by .ci/run)")
    # Not under tmp_path: pytest's folders are private to root, and the server may run as nobody.
    folder = Path(tempfile.mkdtemp(prefix="huddle-dovecot-"))
    account = pwd.getpwuid(os.getuid()) if os.getuid() != 0 else pwd.getpwnam("nobody")
    port, tls_port = free_port(), free_port()
    ca_file = _certificate(folder)
    tls = (
        f"ssl = yes\nssl_cert = <{folder}/cert.pem\nssl_key = <{folder}/key.pem\n"
        if ca_file
        else "ssl = no\n"
    )
    (folder / "users").write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}\n", encoding="utf-8")
    (folder / "dovecot.conf").write_text(
        f"""protocols = imap
listen = 127.0.0.1
base_dir = {folder}/run
state_dir = {folder}/state
instance_name = huddle-test-{port}
default_internal_user = {account.pw_name}
default_internal_group = {grp.getgrgid(account.pw_gid).gr_name}
default_login_user = {account.pw_name}
first_valid_uid = 0
mail_location = maildir:{folder}/mail/%u
{tls}auth_mechanisms = plain login
disable_plaintext_auth = no
log_path = {folder}/dovecot.log
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/users
}}
userdb {{
  driver = static
  args = uid={account.pw_uid} gid={account.pw_gid} home={folder}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port if ca_file else 0}
  }}
}}
service anvil {{
  chroot =
}}
""",
        encoding="utf-8",
    )
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, account.pw_uid, account.pw_gid)
    command = [binary, "-F", "-c", str(folder / "dovecot.conf")]
    if os.getuid() == 0:
        command = [
            "setpriv",
            f"--reuid={account.pw_uid}",
            f"--regid={account.pw_gid}",
            "--clear-groups",
            *command,
        ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = Dovecot(port, tls_port, folder, ca_file)
    try:
        _wait_for_login(server, process)
        yield server
    finally:
        stop_server(process, seconds=20)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_login(server: Dovecot, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Poll until a login succeeds (the listener opens before the login processes are ready)."""
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = server.folder / "dovecot.log"
            details = log.read_text(errors="replace") if log.exists() else ""
            stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
            raise RuntimeError(f"dovecot exited: {stderr}{details}")
        try:
            server.client().logout()
            return
        except (OSError, imaplib.IMAP4.error) as exc:
            last = exc
            time.sleep(0.1)
    raise TimeoutError(f"dovecot did not accept a login on port {server.port}: {last}")
