"""Sending the follow-up invite over SMTP and publishing to a CalDAV calendar. No Textual import.

Connection settings come from ``Settings.smtp`` / ``Settings.caldav``, overridden by environment
variables (``HUDDLE_SMTP_HOST``, ``HUDDLE_SMTP_PORT``, ``HUDDLE_SMTP_SECURITY``,
``HUDDLE_SMTP_USERNAME``, ``HUDDLE_SMTP_SENDER``, ``HUDDLE_CALDAV_URL``, ``HUDDLE_CALDAV_USERNAME``).
Passwords are read only from the environment variable the settings name; they are never stored,
printed, or left in an error message.
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import urlsplit

from domain.errors import DeliveryError, ValidationError
from domain.models import Meeting, Person
from domain.services import Services
from domain.text import clean_email
from tui.config import CalDavSettings, Settings, SmtpSettings

SECURITY_MODES = ("none", "starttls", "ssl")
CALDAV_TIMEOUT = 30
CALDAV_CONTENT_TYPE = 'text/calendar; charset="utf-8"'
"""Seconds to wait for the CalDAV server."""


@dataclass(frozen=True, slots=True)
class SendResult:
    recipients: tuple[str, ...]
    subject: str
    method: str
    sequence: int
    attached: str | None


@dataclass(frozen=True, slots=True)
class PushResult:
    url: str
    followups: int
    milestones: int

    def summary(self) -> str:
        counts = f"{self.followups} follow-up meeting(s) and {self.milestones} milestone(s)"
        return f"published {counts} to {self.url}"


def smtp_settings(base: SmtpSettings, env: Mapping[str, str]) -> SmtpSettings:
    """``base`` with the ``HUDDLE_SMTP_*`` environment variables applied; bad values are ValidationErrors."""
    values: dict[str, object] = {}
    for field, var in (
        ("host", "HOST"),
        ("security", "SECURITY"),
        ("username", "USERNAME"),
        ("sender", "SENDER"),
    ):
        if env.get(f"HUDDLE_SMTP_{var}"):
            values[field] = env[f"HUDDLE_SMTP_{var}"]
    if env.get("HUDDLE_SMTP_PORT"):
        try:
            values["port"] = int(env["HUDDLE_SMTP_PORT"])
        except ValueError as exc:
            raise ValidationError(
                f"HUDDLE_SMTP_PORT={env['HUDDLE_SMTP_PORT']!r} is not a port number"
            ) from exc
    result = replace(base, **values)  # type: ignore[arg-type]
    if result.security not in SECURITY_MODES:
        raise ValidationError(f"SMTP security {result.security!r} is not one of: {', '.join(SECURITY_MODES)}")
    if not 0 < result.port < 65536:
        raise ValidationError(f"SMTP port {result.port} is out of range")
    if not result.host.strip():
        raise ValidationError(
            "no SMTP server configured; set host in the [smtp] table of huddle.toml (or HUDDLE_SMTP_HOST)"
        )
    return result


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _password(var: str, env: Mapping[str, str], username: str, what: str) -> str | None:
    if not username:
        return None
    password = env.get(var)
    if not password:
        raise ValidationError(
            f"{what} login {username!r} needs a password in the environment variable ${var}"
        )
    return password


def _scrub(text: str, secret: str | None) -> str:
    return text.replace(secret, "***") if secret else text


def send_message(
    message: EmailMessage, recipients: list[str], settings: SmtpSettings, env: Mapping[str, str]
) -> None:
    """Deliver ``message`` to ``recipients`` with the SMTP ``settings``; failures are DeliveryErrors.

    A login over an unencrypted connection is refused unless the server is on this machine.
    """
    sender = clean_email(settings.sender or str(message["From"].addresses[0].addr_spec))
    for address in recipients:
        clean_email(address)
    password = _password(settings.password_env, env, settings.username, "SMTP")
    if password and settings.security == "none" and not _is_loopback(settings.host):
        raise ValidationError(
            f"refusing to send the SMTP password unencrypted to {settings.host}; "
            'set security = "starttls" or "ssl" in [smtp]'
        )
    where = f"{settings.host}:{settings.port}"
    try:
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if settings.security == "ssl":
            client = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            client.ehlo()
            if settings.security == "starttls":
                client.starttls(context=context)
                client.ehlo()
            if password is not None:
                client.login(settings.username, password)
            refused = client.send_message(message, from_addr=sender, to_addrs=recipients)
    except smtplib.SMTPAuthenticationError as exc:
        raw = exc.smtp_error
        reason = _scrub(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw), password)
        raise DeliveryError(
            f"SMTP server {where} refused the login {settings.username!r}: {reason}"
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused_all = ", ".join(exc.recipients)
        raise DeliveryError(f"SMTP server {where} refused every recipient: {refused_all}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            f"cannot send through {where}: {_scrub(str(exc), password) or type(exc).__name__}"
        ) from None
    if refused:
        raise DeliveryError(f"SMTP server {where} refused: {', '.join(refused)}; the others were sent")


def send_invite(
    services: Services,
    settings: Settings,
    meeting_id: str,
    *,
    attach_minutes: bool,
    now: datetime,
    env: Mapping[str, str],
) -> SendResult:
    """E-mail the follow-up invite (or its cancellation) of ``meeting_id`` to its attendees."""
    from exporters.calendar_ics import followup_method
    from exporters.invite_mail import build_invite_message
    from tui.exporting import minutes_export

    smtp = smtp_settings(settings.smtp, env)
    meeting = services.meetings.get(meeting_id)
    people = services.directory.people()
    sender = _sender(smtp, meeting, people)
    minutes = minutes_export(services, meeting.id, now=now) if attach_minutes else None
    message = build_invite_message(
        meeting,
        people=people,
        sender=sender,
        now=now,
        minutes=minutes.data if minutes else None,
        minutes_filename=minutes.default_name if minutes else "minutes.docx",
    )
    recipients = [str(a.addr_spec) for a in message["To"].addresses]
    send_message(message, recipients, replace(smtp, sender=sender), env)
    return SendResult(
        tuple(recipients),
        str(message["Subject"]),
        followup_method(meeting),
        meeting.next_sequence,
        minutes.default_name if minutes else None,
    )


def invite_preview(
    services: Services, settings: Settings, meeting_id: str, *, env: Mapping[str, str]
) -> tuple[str, list[str]]:
    """The follow-up's title and whom :func:`send_invite` would e-mail ("Name <address>"), sending nothing."""
    from exporters._text import index_people
    from exporters.invite_mail import invite_recipients

    meeting = services.meetings.get(meeting_id)
    if meeting.next_start is None:
        raise ValidationError(f"meeting {meeting.id} has no follow-up; set one when you end it")
    people = services.directory.people()
    sender = _sender(smtp_settings(settings.smtp, env), meeting, people)
    recipients = invite_recipients(meeting, index_people(people), sender)
    return f"{meeting.id} {meeting.title}", [f"{p.name} <{p.email}>" for p in recipients]


def _sender(smtp: SmtpSettings, meeting: Meeting, people: Sequence[Person]) -> str:
    """The configured sender, else the chair's address."""
    chair = next((p for p in people if p.handle == meeting.organizer), None)
    sender = smtp.sender or (chair.email if chair else "")
    if not sender:
        raise ValidationError(
            "no sender address: set sender in [smtp] or give the meeting a chair with an address"
        )
    return sender


def caldav_settings(base: CalDavSettings, env: Mapping[str, str]) -> CalDavSettings:
    values = {}
    if env.get("HUDDLE_CALDAV_URL"):
        values["url"] = env["HUDDLE_CALDAV_URL"]
    if env.get("HUDDLE_CALDAV_USERNAME"):
        values["username"] = env["HUDDLE_CALDAV_USERNAME"]
    return replace(base, **values)


def push_calendar(
    services: Services, settings: Settings, *, now: datetime, env: Mapping[str, str]
) -> PushResult:
    """PUT every follow-up meeting and milestone to the CalDAV calendar, one object per event.

    Each object's URL is made from its UID, so pushing again replaces the same objects (no
    duplicates) and a cancelled follow-up turns into ``STATUS:CANCELLED``. Objects the server
    refuses are listed in one DeliveryError after the others have been sent.
    """
    from exporters.calendar_ics import render_calendar_objects

    config = caldav_settings(settings.caldav, env)
    if not config.url:
        raise ValidationError("no CalDAV calendar configured; set url in the [caldav] table of huddle.toml")
    parts = urlsplit(config.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(f"CalDAV url {config.url!r} must be an http:// or https:// address")
    password = _password(config.password_env, env, config.username, "CalDAV")
    if password and parts.scheme == "http" and not _is_loopback(parts.hostname):
        raise ValidationError(
            f"refusing to send the CalDAV password unencrypted to {parts.hostname}; use https://"
        )

    cards = [c for c in services.cards.list() if c.milestone and c.due is not None]
    objects = render_calendar_objects(
        meetings=services.meetings.list(), milestones=cards, people=services.directory.people(), now=now
    )
    milestone_uids = {c.uid for c in cards}

    from urllib.parse import quote

    from caldav.davclient import DAVClient
    from caldav.lib.error import DAVError

    failures: list[str] = []
    try:
        with DAVClient(
            url=config.url,
            username=config.username or None,
            password=password,
            timeout=CALDAV_TIMEOUT,
        ) as client:
            base = config.url if config.url.endswith("/") else config.url + "/"
            for obj in objects:
                # One resource per UID, PUT verbatim: the stored SEQUENCE is the truth, and a re-push
                # replaces the same resource instead of adding one.
                target = base + quote(obj.uid, safe="") + ".ics"
                response = client.put(target, obj.data.decode("utf-8"), {"Content-Type": CALDAV_CONTENT_TYPE})
                if response.status not in (200, 201, 204):
                    reason = f"HTTP {response.status} {response.reason}"
                    failures.append(f"{obj.summary} ({obj.uid}): {_scrub(reason, password)}")
    except (DAVError, OSError) as exc:
        raise DeliveryError(f"cannot publish to {config.url}: {_scrub(str(exc), password)}") from None
    if failures:
        raise DeliveryError(
            f"{config.url} refused {len(failures)} of {len(objects)} event(s): " + "; ".join(failures)
        )
    milestones = sum(1 for o in objects if o.uid in milestone_uids)
    return PushResult(config.url, len(objects) - milestones, milestones)
