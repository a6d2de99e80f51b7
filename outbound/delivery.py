"""Sending the follow-up invite over SMTP (CalDAV publishing lives in ``outbound.caldav``). No Textual import.

Connection settings come from ``Settings.smtp`` / ``Settings.caldav``, overridden by environment
variables (``HUDDLE_SMTP_HOST``, ``HUDDLE_SMTP_PORT``, ``HUDDLE_SMTP_SECURITY``,
``HUDDLE_SMTP_USERNAME``, ``HUDDLE_SMTP_SENDER``, ``HUDDLE_CALDAV_URL``, ``HUDDLE_CALDAV_USERNAME``).
Passwords are read only from the environment variable the settings name; they are never stored,
printed, or left in an error message.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from email.message import EmailMessage
from typing import Protocol

from domain.errors import DeliveryError, ValidationError
from domain.i18n import _
from domain.models import Meeting, Person
from domain.services import Services
from domain.text import clean_email
from outbound.caldav import PushResult
from outbound.secrets import is_loopback as _is_loopback
from outbound.secrets import password_from_env as _password
from outbound.secrets import scrub as _scrub
from outbound.settings import CalDavSettings, SmtpSettings, check_port, check_security, port_from_env


class DeliveryConfig(Protocol):
    """The settings this module reads (``tui.config.Settings`` has them): passed in, never loaded here."""

    @property
    def smtp(self) -> SmtpSettings: ...
    @property
    def caldav(self) -> CalDavSettings: ...
    @property
    def paper(self) -> str: ...


@dataclass(frozen=True, slots=True)
class SendResult:
    recipients: tuple[str, ...]
    subject: str
    method: str
    sequence: int
    attached: str | None


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
    if (port := port_from_env(env, "HUDDLE_SMTP_PORT")) is not None:
        values["port"] = port
    result = replace(base, **values)  # type: ignore[arg-type]
    check_security(result.security, "SMTP security")
    check_port(result.port, "SMTP port")
    if not result.host.strip():
        raise ValidationError(
            _("no SMTP server configured; set host in the [smtp] table of huddle.toml (or HUDDLE_SMTP_HOST)")
        )
    return result


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
            _(
                "refusing to send the SMTP password unencrypted to {host}; set security = "
                '"starttls" or "ssl" in [smtp]'
            ).format(host=settings.host)
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
            refused = client.send_message(
                message, from_addr=sender, to_addrs=recipients, mail_options=_body_options(client, message)
            )
    except smtplib.SMTPAuthenticationError as exc:
        raw = exc.smtp_error
        reason = _scrub(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw), password)
        raise DeliveryError(
            _("SMTP server {where} refused the login {username!r}: {reason}").format(
                where=where, username=settings.username, reason=reason
            )
        ) from None
    except smtplib.SMTPRecipientsRefused as exc:
        refused_all = ", ".join(exc.recipients)
        raise DeliveryError(
            _("SMTP server {where} refused every recipient: {refused_all}").format(
                where=where, refused_all=refused_all
            )
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(
            _("cannot send through {where}: {value}").format(
                where=where, value=_scrub(str(exc), password) or type(exc).__name__
            )
        ) from None
    if refused:
        raise DeliveryError(
            _("SMTP server {where} refused: {value}; the others were sent").format(
                where=where, value=", ".join(refused)
            )
        )


def _body_options(client: smtplib.SMTP, message: EmailMessage) -> tuple[str, ...]:
    """``BODY=8BITMIME`` when the message has 8-bit bytes and the server offers it (RFC 6152).

    Huddle's own invites are 7-bit clean (quoted-printable and base64 parts), so this only speaks
    up for a message someone built with 8-bit parts; a server without 8BITMIME cannot take such a
    message unchanged, which is refused here instead of being passed on to be mangled.
    """
    if message.as_bytes().isascii():
        return ()
    if client.has_extn("8bitmime"):
        return ("BODY=8BITMIME",)
    raise DeliveryError(_("the message has 8-bit parts and the SMTP server does not offer 8BITMIME"))


def send_invite(
    services: Services,
    settings: DeliveryConfig,
    meeting_id: str,
    *,
    attach_minutes: bool,
    now: datetime,
    env: Mapping[str, str],
) -> SendResult:
    """E-mail the follow-up invite (or its cancellation) of ``meeting_id`` to its attendees."""
    from exporters.calendar_ics import followup_method
    from exporters.invite_mail import build_invite_message
    from outbound.exporting import minutes_export

    smtp = smtp_settings(settings.smtp, env)
    meeting = services.meetings.get(meeting_id)
    people = services.directory.people()
    sender = _sender(smtp, meeting, people)
    minutes = minutes_export(services, meeting.id, now=now, paper=settings.paper) if attach_minutes else None
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
    services: Services, settings: DeliveryConfig, meeting_id: str, *, env: Mapping[str, str]
) -> tuple[str, list[str]]:
    """The follow-up's title and whom :func:`send_invite` would e-mail ("Name <address>"), sending nothing."""
    from exporters._text import index_people
    from exporters.invite_mail import invite_recipients

    meeting = services.meetings.get(meeting_id)
    if meeting.next_start is None:
        raise ValidationError(
            _("meeting {id} has no follow-up; set one when you end it").format(id=meeting.id)
        )
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
            _("no sender address: set sender in [smtp] or give the meeting a chair with an address")
        )
    return sender


def push_calendar(
    services: Services,
    settings: DeliveryConfig,
    *,
    now: datetime,
    env: Mapping[str, str],
    dry_run: bool = False,
    force: bool = False,
) -> PushResult:
    """``outbound.caldav.push_calendar`` with the ``[caldav]`` settings (kept for the screens' import)."""
    from outbound.caldav import push_calendar as push

    return push(services, settings.caldav, now=now, env=env, dry_run=dry_run, force=force)
