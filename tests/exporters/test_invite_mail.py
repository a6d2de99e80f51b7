"""The invite e-mail: MIME structure (RFC 6047), headers, attachment, and delivery to a real SMTP
server (aiosmtpd on 127.0.0.1, with and without AUTH and STARTTLS) started by the tests."""

from __future__ import annotations

import argparse
import email
import re
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import replace
from email.header import decode_header
from email.message import EmailMessage
from io import BytesIO
from pathlib import Path
from typing import Any

import docx
import icalendar
import pytest

from domain.errors import DeliveryError, ValidationError
from domain.models import Person
from exporters.invite_mail import build_invite_message
from outbound.settings import SmtpSettings
from tests.helpers.delivery import (
    HUDDLE,
    MEETING_TITLE,
    Inbox,
    Server,
    World,
    cli_env,
    context_for,
    free_port,
    start,
)
from tests.helpers.delivery import SMTP_PASSWORD as PASSWORD
from tui.cli.export import cmd_send_invite
from tui.config import Settings

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture
def auth_server() -> Iterator[Server]:
    """An SMTP server that requires AUTH (allowed without TLS because it is on this machine)."""
    inbox = Inbox()
    controller, port = start(
        inbox, authenticator=inbox.authenticate, auth_required=True, auth_require_tls=False
    )
    yield Server(inbox, port)
    controller.stop()


def send(world: World, port: int, *, attach: bool = False, **smtp: Any) -> int:
    settings = Settings(smtp=SmtpSettings(host="127.0.0.1", port=port, timeout=10, **smtp))
    args = argparse.Namespace(id="M-1", attach_minutes=attach)
    return cmd_send_invite(context_for(world, settings), args)


def calendar_part(message: EmailMessage) -> EmailMessage:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    assert isinstance(part, EmailMessage)
    return part


def test_invite_is_multipart_alternative_with_a_request_part(world: World) -> None:
    people = world.services.directory.people()
    message = build_invite_message(world.meeting, people=people, sender="ann@example.com", now=world.clock())
    assert message.get_content_type() == "multipart/alternative"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "text/calendar"]
    calendar = parts[1]
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_content_charset() == "utf-8"
    ics = icalendar.Calendar.from_ical(calendar.get_content())
    assert ics["METHOD"] == "REQUEST"
    assert str(ics.walk("VEVENT")[0]["UID"]) == world.meeting.next_uid
    text = parts[0].get_content()
    assert f"You are invited to {MEETING_TITLE}." in text
    assert "When:  2026-12-02 (Wed) 10:00–11:00 (Asia/Shanghai, UTC+08:00)" in text
    assert message["To"].addresses[0].addr_spec == "wei@example.com"
    assert [a.addr_spec for a in message["To"].addresses] == ["wei@example.com", "bob@example.com"]
    assert str(message["Subject"]) == f"Invitation: {MEETING_TITLE} @ 2026-12-02 (Wed) 10:00"
    # On the wire the Chinese subject and name are RFC 2047 encoded words, never raw 8-bit.
    raw = message.as_bytes()
    header_block = raw.split(b"\r\n\r\n", 1)[0] if b"\r\n\r\n" in raw else raw.split(b"\n\n", 1)[0]
    assert header_block.isascii()
    assert b"=?utf-8?" in header_block


def test_cancellation_and_update_subjects(world: World) -> None:
    people = world.services.directory.people()
    moved = world.services.meetings.reschedule_next("M-1", world.meeting.next_start.replace(hour=3))  # type: ignore[union-attr]
    message = build_invite_message(moved, people=people, sender="ann@example.com", now=world.clock())
    assert str(message["Subject"]).startswith("Updated invitation: ")
    cancelled = world.services.meetings.cancel_next("M-1")
    message = build_invite_message(cancelled, people=people, sender="ann@example.com", now=world.clock())
    assert str(message["Subject"]).startswith("Cancelled: ")
    assert calendar_part(message).get_param("method") == "CANCEL"


@pytest.mark.parametrize(
    ("sender", "people_change"),
    [
        ("ann@example.com\r\nBcc: evil@example.com", None),
        ("ann@example.com", Person("wei", "李伟", "wei@example.com\r\nBcc: evil@example.com")),
        ("ann@example.com", Person("wei", "Wei\r\nBcc: evil@example.com", "wei@example.com")),
        ("ann@example.com", Person("ann", "Ann\nBcc: evil@example.com", "ann@example.com")),
    ],
)
def test_header_injection_is_refused(world: World, sender: str, people_change: Person | None) -> None:
    people = {p.handle: p for p in world.services.directory.people()}
    if people_change is not None:
        people[people_change.handle] = people_change
    with pytest.raises(ValidationError):
        build_invite_message(world.meeting, people=people, sender=sender, now=world.clock())


def test_nobody_to_invite_is_an_error(world: World) -> None:
    only_chair = replace(world.meeting, attendees=world.meeting.attendees[:1])
    people = world.services.directory.people()
    with pytest.raises(ValidationError, match="no attendees"):
        build_invite_message(only_chair, people=people, sender="ann@example.com", now=world.clock())


def test_send_invite_delivers_to_a_real_smtp_server(
    world: World, smtp_server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    assert send(world, smtp_server.port) == 0
    (envelope,) = smtp_server.inbox.envelopes
    assert envelope.mail_from == "ann@example.com"
    assert envelope.rcpt_tos == ["wei@example.com", "bob@example.com"]
    message = smtp_server.inbox.message()
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/calendar"]
    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    assert str(message["From"]) == "Ann Lee <ann@example.com>"
    assert str(message["Subject"]).startswith(f"Invitation: {MEETING_TITLE}")
    event = icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == MEETING_TITLE
    out = capsys.readouterr().out
    assert out == "sent invite (sequence 0) to 2 recipient(s): wei@example.com, bob@example.com\n"


def test_minutes_attached_wrap_the_invite_in_multipart_mixed(world: World, smtp_server: Server) -> None:
    assert send(world, smtp_server.port, attach=True) == 0
    message = smtp_server.inbox.message()
    assert message.get_content_type() == "multipart/mixed"
    alternative, attachment = message.iter_parts()
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/calendar"]
    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "M-1-发布会筹备会议-Launch-prep.docx"
    assert attachment.get_content_type().endswith("wordprocessingml.document")
    payload = attachment.get_content()
    assert isinstance(payload, bytes)
    assert docx.Document(BytesIO(payload)).paragraphs[0].text == MEETING_TITLE


def test_login_uses_the_password_from_the_environment_and_never_shows_it(
    world: World, auth_server: Server, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUDDLE_SMTP_PASSWORD", PASSWORD)
    assert send(world, auth_server.port, username="ann") == 0
    assert auth_server.inbox.logins
    assert len(auth_server.inbox.envelopes) == 1
    assert PASSWORD.encode() not in auth_server.inbox.envelopes[0].original_content
    monkeypatch.setenv("HUDDLE_SMTP_PASSWORD", PASSWORD + "-wrong")
    with pytest.raises(DeliveryError, match="refused the login 'ann'") as caught:
        send(world, auth_server.port, username="ann")
    assert PASSWORD not in str(caught.value)
    captured = capsys.readouterr()
    assert PASSWORD not in captured.out + captured.err


def test_missing_password_and_plaintext_login_to_a_remote_host_are_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ValidationError, match=r"\$HUDDLE_SMTP_PASSWORD"):
        send(world, 1, username="ann")
    monkeypatch.setenv("HUDDLE_SMTP_PASSWORD", PASSWORD)
    settings = Settings(smtp=SmtpSettings(host="mail.example.com", port=25, username="ann"))
    with pytest.raises(ValidationError, match="unencrypted") as caught:
        cmd_send_invite(context_for(world, settings), argparse.Namespace(id="M-1", attach_minutes=False))
    assert PASSWORD not in str(caught.value)


def test_an_unreachable_server_is_a_delivery_error(world: World) -> None:
    with pytest.raises(DeliveryError, match=r"cannot send through 127\.0\.0\.1"):
        send(world, free_port())


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed, so no test certificate can be made")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def test_starttls_then_login(
    world: World, tls_files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller, port = start(
        inbox,
        tls_context=context,
        require_starttls=True,
        authenticator=inbox.authenticate,
        auth_required=True,
    )
    try:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the client trusts the test certificate only
        monkeypatch.setenv("HUDDLE_SMTP_PASSWORD", PASSWORD)
        assert send(world, port, security="starttls", username="ann") == 0
    finally:
        controller.stop()
    assert inbox.logins
    assert inbox.message().get_content_type() == "multipart/alternative"


@pytest.mark.slow
def test_cli_sends_with_settings_from_the_environment(world: World, auth_server: Server) -> None:
    env = cli_env(
        world.db_path,
        HUDDLE_SMTP_HOST="127.0.0.1",
        HUDDLE_SMTP_PORT=str(auth_server.port),
        HUDDLE_SMTP_USERNAME="ann",
        HUDDLE_SMTP_PASSWORD=PASSWORD,
    )
    result = subprocess.run(
        [str(HUDDLE), "send", "invite", "M-1", "--attach-minutes"], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "minutes attached" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    assert auth_server.inbox.message().get_content_type() == "multipart/mixed"
    env["HUDDLE_SMTP_PASSWORD"] = "wrong-" + PASSWORD
    result = subprocess.run([str(HUDDLE), "send", "invite", "M-1"], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith("huddle: error: SMTP server 127.0.0.1:")
    assert PASSWORD not in result.stdout + result.stderr


def test_sending_without_smtp_settings_names_the_smtp_table(world: World) -> None:
    """No host configured: the same kind of hint as CalDAV's, not "Connection refused" from localhost:25."""
    with pytest.raises(ValidationError, match=r"no SMTP server configured.*\[smtp\]"):
        cmd_send_invite(context_for(world, Settings()), argparse.Namespace(id="M-1", attach_minutes=False))


# ----- what mail clients and relays get (issue 12) ---------------------------------------------------


def test_the_attachment_is_named_for_every_mail_client(world: World, smtp_server: Server) -> None:
    """RFC 2231 ``filename*`` (Thunderbird, Gmail) and an RFC 2047 ``name=`` (Outlook over POP/IMAP,
    QQ Mail), read back by both of Python's parsers as the real Chinese name."""
    assert send(world, smtp_server.port, attach=True) == 0
    raw = smtp_server.inbox.envelopes[-1].original_content
    head = raw[raw.index(b"Content-Type: application/vnd.openxml") :].split(b"\r\n\r\n", 1)[0].decode()
    assert re.search(r'\r\n name="=\?utf-8\?b\?[A-Za-z0-9+/=]+\?=', head), head
    assert "filename*0*=utf-8''M-1-%E5%8F%91" in head
    unfolded = re.sub(r"\r\n[ \t]+", " ", head)
    encoded_name = re.search(r'name="([^"]+)"', unfolded)
    assert encoded_name is not None
    words = decode_header(encoded_name.group(1))
    name = "".join(
        text.decode(charset or "ascii") if isinstance(text, bytes) else text for text, charset in words
    )
    assert name == "M-1-发布会筹备会议-Launch-prep.docx"
    legacy = email.message_from_bytes(raw)  # compat32, what older tools use
    (attachment,) = [p for p in legacy.walk() if p.get_content_maintype() == "application"]
    assert attachment.get_filename() == "M-1-发布会筹备会议-Launch-prep.docx"
    assert max(len(line) for line in head.split("\r\n")) <= 998


def test_what_the_smtp_server_receives_is_7bit_clean_and_exact(world: World, smtp_server: Server) -> None:
    assert send(world, smtp_server.port, attach=True) == 0
    envelope = smtp_server.inbox.envelopes[-1]
    assert envelope.original_content.isascii()  # no relay can refuse or mangle it
    assert "BODY=8BITMIME" not in envelope.mail_options  # nothing to announce
    message = smtp_server.inbox.message()
    alternative, _ = message.iter_parts()
    plain, calendar = alternative.iter_parts()
    assert plain["Content-Transfer-Encoding"] == "quoted-printable"
    assert calendar["Content-Transfer-Encoding"] == "quoted-printable"
    assert f"You are invited to {MEETING_TITLE}." in plain.get_content()
    event = icalendar.Calendar.from_ical(calendar.get_content()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == MEETING_TITLE
    assert str(event["LOCATION"]) == "会议室 3"


def eight_bit_message() -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "ann@example.com", "wei@example.com", "8-bit"
    message.set_content("会议纪要\n", cte="8bit")
    return message


def test_an_8bit_message_announces_8bitmime_and_is_refused_where_it_is_not_offered(
    smtp_server: Server,
) -> None:
    from outbound.delivery import send_message

    settings = SmtpSettings(host="127.0.0.1", port=smtp_server.port, timeout=10)
    send_message(eight_bit_message(), ["wei@example.com"], settings, {})
    envelope = smtp_server.inbox.envelopes[-1]
    assert "BODY=8BITMIME" in envelope.mail_options
    assert "会议纪要".encode() in envelope.original_content
    inbox = Inbox()
    controller, port = start(inbox, decode_data=True)  # aiosmtpd then offers no 8BITMIME
    try:
        with pytest.raises(DeliveryError, match="does not offer 8BITMIME"):
            send_message(eight_bit_message(), ["wei@example.com"], replace(settings, port=port), {})
        assert inbox.envelopes == []
    finally:
        controller.stop()


def test_message_ids_are_unique_within_one_second(world: World) -> None:
    people = world.services.directory.people()
    ids = {
        str(
            build_invite_message(world.meeting, people=people, sender="ann@example.com", now=world.clock())[
                "Message-ID"
            ]
        )
        for _ in range(20)
    }
    assert len(ids) == 20
    assert all(re.fullmatch(r"<[^<>@\s]+@example\.com>", value) for value in ids)


def test_the_chair_is_not_mailed_their_own_invite(world: World) -> None:
    people = world.services.directory.people()
    message = build_invite_message(
        world.meeting, people=people, sender="robot@example.com", now=world.clock()
    )
    assert [a.addr_spec for a in message["To"].addresses] == ["wei@example.com", "bob@example.com"]
    assert message["Reply-To"].addresses[0].addr_spec == "ann@example.com"
