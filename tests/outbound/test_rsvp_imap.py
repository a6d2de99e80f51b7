"""``huddle rsvp fetch`` against a real Dovecot IMAP server on 127.0.0.1, started per test.

Replies are built with icalendar (as a calendar client builds a REPLY), wrapped in iMIP mails and
delivered into the mailbox with IMAP APPEND; the mailbox state is read back over a second session.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.errors import DeliveryError, ValidationError
from exporters.invite_mail import build_invite_message
from outbound.imap import fetch_replies, quote_mailbox
from tests.helpers.delivery import World, cli_env
from tests.helpers.imap import IMAP_PASSWORD, IMAP_USER, Dovecot, reply_ics, reply_mail

pytestmark = pytest.mark.slow
HUDDLE = Path(sys.executable).with_name("huddle")


@dataclass(frozen=True)
class Imap:
    """``[imap]`` settings for the test server (the same fields as ``tui.config.ImapSettings``)."""

    host: str = "127.0.0.1"
    port: int = 0
    security: str = "none"
    username: str = IMAP_USER
    password_env: str = "HUDDLE_IMAP_PASSWORD"
    mailbox: str = "INBOX"
    move_to: str = ""
    ca_file: str = ""
    timeout: float = 30.0


def fetch(world: World, dovecot: Dovecot, **extra: str) -> subprocess.CompletedProcess[str]:
    env = cli_env(
        world.db_path,
        HUDDLE_IMAP_HOST="127.0.0.1",
        HUDDLE_IMAP_PORT=str(dovecot.port),
        HUDDLE_IMAP_SECURITY="none",
        HUDDLE_IMAP_USERNAME=IMAP_USER,
        HUDDLE_IMAP_PASSWORD=IMAP_PASSWORD,
        **extra,
    )
    return subprocess.run(
        [str(HUDDLE), "rsvp", "fetch", "--json"], env=env, capture_output=True, text=True, timeout=120
    )


def rsvp(world: World) -> dict[str, str]:
    result = subprocess.run(
        [str(HUDDLE), "meeting", "show", "M-1", "--json"],
        env=cli_env(world.db_path),
        capture_output=True,
        text=True,
    )
    shown: dict[str, str] = json.loads(result.stdout)["rsvp"]
    return shown


def test_fetch_records_replies_marks_them_read_and_leaves_other_mail(world: World, dovecot: Dovecot) -> None:
    uid = world.meeting.next_uid
    dovecot.append(
        reply_mail(reply_ics(uid, "bob@example.com", "ACCEPTED"), "bob@example.com", subject="bob")
    )
    wei_reply = reply_ics(uid, "wei@example.com", "DECLINED", name="李伟")
    dovecot.append(reply_mail(wei_reply, "李伟 <wei@example.com>", as_attachment=True, subject="wei 谢绝"))
    dovecot.append(
        reply_mail(reply_ics("other@x", "bob@example.com", "ACCEPTED"), "bob@example.com", subject="stray")
    )
    dovecot.append(b"From: boss@example.com\r\nSubject: lunch\r\n\r\nLunch at 12?\r\n")
    invitation = build_invite_message(
        world.meeting, people=world.services.directory.people(), sender="ann@example.com", now=world.clock()
    )
    del invitation["Subject"]
    invitation["Subject"] = "someone else's invitation"
    dovecot.append(bytes(invitation))

    result = fetch(world, dovecot)
    assert result.returncode == 0, result.stderr
    assert IMAP_PASSWORD not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert [(r["handle"], r["status"], r["result"]) for r in report["replies"]] == [
        ("bob", "accepted", "recorded"),
        ("wei", "declined", "recorded"),
        (None, "accepted", "unmatched"),
    ]
    assert rsvp(world) == {"ann": "accepted", "wei": "declined", "bob": "accepted"}
    flags = dovecot.flags()
    assert all("\\Seen" in flags[s] for s in ("bob", "wei 谢绝", "stray")), flags
    assert "\\Seen" not in flags["lunch"], "ordinary mail must stay unread"
    assert "\\Seen" not in flags["someone else's invitation"], "an invitation is not a reply"

    # Nothing is read twice; a later reply is.
    assert json.loads(fetch(world, dovecot).stdout)["replies"] == []
    later = reply_ics(uid, "bob@example.com", "DECLINED", stamp=datetime(2026, 11, 27, tzinfo=UTC))
    dovecot.append(reply_mail(later, "bob@example.com", subject="bob again"))
    again = json.loads(fetch(world, dovecot).stdout)
    assert [(r["handle"], r["status"], r["result"]) for r in again["replies"]] == [
        ("bob", "declined", "recorded")
    ]
    assert rsvp(world)["bob"] == "declined"


def test_processed_replies_can_be_moved_to_a_chinese_folder(world: World, dovecot: Dovecot) -> None:
    client = dovecot.client()
    assert client.create(quote_mailbox("已处理回执"))[0] == "OK"
    client.logout()
    tentative = reply_ics(world.meeting.next_uid, "bob@example.com", "TENTATIVE")
    dovecot.append(reply_mail(tentative, "bob@example.com", subject="bob"))
    dovecot.append(b"From: boss@example.com\r\nSubject: lunch\r\n\r\nLunch at 12?\r\n")
    config = Imap(port=dovecot.port, move_to="已处理回执")
    report = fetch_replies(world.services, config, {"HUDDLE_IMAP_PASSWORD": IMAP_PASSWORD})
    assert [o.result for o in report.outcomes] == ["recorded"]
    assert set(dovecot.flags()) == {"lunch"}
    assert set(dovecot.flags(quote_mailbox("已处理回执"))) == {"bob"}
    # The folder name went out in modified UTF-7 (RFC 3501): the RFC's own example encodes 台北 so.
    assert quote_mailbox("台北") == '"&U,BTFw-"'


def test_tls_settings(world: World, dovecot: Dovecot) -> None:
    if dovecot.ca_file is None:
        pytest.skip("openssl is not installed: no certificate for the TLS tests")
    dovecot.append(
        reply_mail(reply_ics(world.meeting.next_uid, "bob@example.com", "ACCEPTED"), "bob@example.com")
    )
    env = {"HUDDLE_IMAP_PASSWORD": IMAP_PASSWORD}
    ssl_config = Imap(port=dovecot.tls_port, security="ssl", ca_file=str(dovecot.ca_file))
    assert [o.result for o in fetch_replies(world.services, ssl_config, env).outcomes] == ["recorded"]
    dovecot.append(
        reply_mail(reply_ics(world.meeting.next_uid, "wei@example.com", "ACCEPTED"), "wei@example.com")
    )
    starttls = Imap(port=dovecot.port, security="starttls", ca_file=str(dovecot.ca_file))
    assert [o.result for o in fetch_replies(world.services, starttls, env).outcomes] == ["recorded"]
    # Without the test CA the self-signed certificate is refused, as it must be.
    with pytest.raises(DeliveryError, match="CERTIFICATE_VERIFY_FAILED"):
        fetch_replies(world.services, Imap(port=dovecot.tls_port, security="ssl"), env)


def test_wrong_password_and_refused_settings(world: World, dovecot: Dovecot) -> None:
    with pytest.raises(DeliveryError) as caught:
        fetch_replies(
            world.services, Imap(port=dovecot.port), {"HUDDLE_IMAP_PASSWORD": "wrong-" + IMAP_PASSWORD}
        )
    assert IMAP_PASSWORD not in str(caught.value)
    with pytest.raises(ValidationError, match=r"\$HUDDLE_IMAP_PASSWORD"):
        fetch_replies(world.services, Imap(port=dovecot.port), {})
    with pytest.raises(ValidationError, match="unencrypted"):
        fetch_replies(world.services, Imap(host="imap.example.com"), {"HUDDLE_IMAP_PASSWORD": "x"})
    with pytest.raises(ValidationError, match=r"\[imap\]"):
        fetch_replies(world.services, Imap(host=""), {})
    result = subprocess.run(
        [str(HUDDLE), "rsvp", "fetch"],
        env=cli_env(world.db_path, HUDDLE_IMAP_HOST="127.0.0.1", HUDDLE_IMAP_PORT="x"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr == "huddle: error: HUDDLE_IMAP_PORT='x' is not a port number\n"
