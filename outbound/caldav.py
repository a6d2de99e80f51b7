"""``huddle calendar push``: publish follow-up meetings and milestones to a CalDAV calendar.

Every exported event is looked up on the server BY UID (a ``calendar-query`` REPORT, RFC 4791
7.8), because a calendar client may already hold it under another resource name: someone who
imported the mailed invite into the same calendar. A PUT to a name of Huddle's own choosing would
then be refused (409, ``no-uid-conflict``) or make a duplicate. What Huddle wrote is kept in the
data file (``PublishedEvent``: uid, href, ETag per calendar), which gives three guarantees:

- An update is sent with ``If-Match`` on the ETag Huddle last wrote, so an event someone changed
  on the server since is not overwritten: the server answers 412 and the push reports it by name
  (``--force`` overwrites). An event found under a name Huddle never wrote (the imported invite)
  is updated against the ETag the REPORT returned.
- A new event is created with ``If-None-Match: *``: it never replaces another resource.
- An event Huddle published and no longer exports (milestone unflagged, meeting deleted) is
  deleted, with ``If-Match`` on the recorded ETag. Events that are not in the record, that is events
  Huddle did not write, are never deleted.

The record is updated with what was done even when some events failed, so the next push starts
from the truth. Passwords come only from the environment variable the settings name, are never
sent over plain http to another machine and never appear in a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

from domain.errors import DeliveryError, ValidationError
from domain.i18n import _, pgettext
from domain.models import PublishedEvent
from domain.services import Services
from outbound.secrets import is_loopback, password_from_env, scrub
from outbound.settings import CalDavSettings, check_caldav_url

if TYPE_CHECKING:
    from caldav.davclient import DAVClient, DAVResponse

    from exporters.calendar_ics import CalendarObject

CALDAV_TIMEOUT = 30
"""Seconds to wait for the CalDAV server."""
CALDAV_CONTENT_TYPE = 'text/calendar; charset="utf-8"'
DAV = "{DAV:}"
CALDAV = "{urn:ietf:params:xml:ns:caldav}"


@dataclass(frozen=True, slots=True)
class CalDavTarget:
    """A checked calendar address with its login; ``url`` ends with ``/``."""

    url: str
    username: str
    password: str | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class PushResult:
    url: str
    followups: int
    milestones: int
    created: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    """Summaries of the events removed because Huddle no longer exports them."""
    conflicts: tuple[str, ...] = ()
    """Only in a dry run: what a push would report as changed on the server."""
    dry_run: bool = False

    def summary(self) -> str:
        counts = _("{followups} follow-up meeting(s) and {milestones} milestone(s)").format(
            followups=self.followups, milestones=self.milestones
        )
        if self.dry_run:
            plan = _("{new} new, {updates} update(s)").format(
                new=len(self.created), updates=len(self.updated)
            )
            lines = [
                _("would publish {counts} to {url}: {plan}").format(counts=counts, url=self.url, plan=plan)
            ]
            lines += [
                "  " + _("would remove (no longer exported): {name}").format(name=name)
                for name in self.removed
            ]
            lines += ["  " + _("conflict: {text}").format(text=text) for text in self.conflicts]
            return "\n".join(lines)
        line = _("published {counts} to {url}").format(counts=counts, url=self.url)
        if self.removed:
            line = _("{line}; removed {n} no longer exported: {names}").format(
                line=line, n=len(self.removed), names=pgettext("list separator", ", ").join(self.removed)
            )
        return line


def caldav_target(config: CalDavSettings, env: Mapping[str, str]) -> CalDavTarget:
    """``config`` with ``HUDDLE_CALDAV_URL``/``HUDDLE_CALDAV_USERNAME`` applied, checked, with its password.

    Refused (ValidationError): no URL, a URL that is not http(s) or holds a login, a login without
    its password variable, and a password that would travel over plain http to another machine.
    """
    url = env.get("HUDDLE_CALDAV_URL") or config.url
    username = env.get("HUDDLE_CALDAV_USERNAME") or config.username
    if not url:
        raise ValidationError(
            _("no CalDAV calendar configured; set url in the [caldav] table of huddle.toml")
        )
    check_caldav_url(url, "HUDDLE_CALDAV_URL" if env.get("HUDDLE_CALDAV_URL") else "[caldav] url")
    parts = urlsplit(url)
    host = parts.hostname or ""  # check_caldav_url refused a URL without one
    password = password_from_env(config.password_env, env, username, "CalDAV")
    if password and parts.scheme == "http" and not is_loopback(host):
        raise ValidationError(
            _("refusing to send the CalDAV password unencrypted to {host}; use https://").format(host=host)
        )
    return CalDavTarget(url if url.endswith("/") else url + "/", username, password)


def push_calendar(
    services: Services,
    config: CalDavSettings,
    *,
    now: datetime,
    env: Mapping[str, str],
    dry_run: bool = False,
    force: bool = False,
) -> PushResult:
    """Create, update and remove events so the calendar holds exactly what Huddle exports.

    Events are sent verbatim (the stored SEQUENCE is the truth). Problems with single events
    (a 412 conflict, a refusal) do not stop the others: they are listed, by name, in one
    DeliveryError raised after the rest were sent and recorded. ``dry_run`` only reads the
    calendar (REPORTs) and says what a push would do; ``force`` overwrites and removes events
    changed on the server.
    """
    from exporters.calendar_ics import render_calendar_objects

    target = caldav_target(config, env)
    cards = [c for c in services.cards.list() if c.milestone and c.due is not None]
    objects = render_calendar_objects(
        meetings=services.meetings.list(), milestones=cards, people=services.directory.people(), now=now
    )
    milestone_uids = {c.uid for c in cards}
    records = {p.uid: p for p in services.publishing.published(target.url)}
    exported = {o.uid for o in objects}
    stale = [r for uid, r in records.items() if uid not in exported]

    from caldav.davclient import DAVClient
    from caldav.lib.error import DAVError

    session: _Push | None = None
    try:
        with DAVClient(
            url=target.url,
            username=target.username or None,
            password=target.password,
            timeout=CALDAV_TIMEOUT,
        ) as client:
            session = _Push(
                client,
                target,
                now=now,
                dry_run=dry_run,
                force=force,
                latest=lambda uid: _record(services, target.url, uid),
            )
            for obj in objects:
                session.publish(obj, records.get(obj.uid))
            for record in stale:
                session.remove(record)
    except (DAVError, OSError) as exc:
        raise DeliveryError(
            _("cannot publish to {url}: {value}").format(
                url=target.url, value=scrub(str(exc), target.password)
            )
        ) from None
    finally:
        if session is not None and not dry_run:
            services.publishing.record_push(target.url, written=session.written, removed=session.removed_uids)
    milestones = sum(1 for o in objects if o.uid in milestone_uids)
    if session.problems and not dry_run:
        total = len(objects) + len(stale)
        raise DeliveryError(
            _("{url} refused {n} of {total} event(s): {items}").format(
                url=target.url, n=len(session.problems), total=total, items="; ".join(session.problems)
            )
        )
    return PushResult(
        target.url,
        len(objects) - milestones,
        milestones,
        tuple(session.created),
        tuple(session.updated),
        tuple(session.removed),
        tuple(session.problems) if dry_run else (),
        dry_run,
    )


def _record(services: Services, calendar: str, uid: str) -> PublishedEvent | None:
    return next((p for p in services.publishing.published(calendar) if p.uid == uid), None)


@dataclass(frozen=True, slots=True)
class _Found:
    href: str
    etag: str


class _Push:
    """One push over one connection: what was written, removed and refused, in order."""

    def __init__(
        self,
        client: DAVClient,
        target: CalDavTarget,
        *,
        now: datetime,
        dry_run: bool,
        force: bool,
        latest: Callable[[str], PublishedEvent | None] = lambda uid: None,
    ) -> None:
        self.client = client
        self.latest = latest
        """The record as stored now: another account's push may have written an event since this
        push read the record, and its new ETag is then not a change by a third party."""
        self.target = target
        self.now = now
        self.dry_run = dry_run
        self.force = force
        self.written: list[PublishedEvent] = []
        self.removed_uids: list[str] = []
        self.created: list[str] = []
        self.updated: list[str] = []
        self.removed: list[str] = []
        self.problems: list[str] = []

    # --- the two operations

    def publish(self, obj: CalendarObject, record: PublishedEvent | None) -> None:
        """Update every resource holding ``obj.uid``, or create one when the calendar has none."""
        found = self.find(obj.uid)
        if not found:
            href = self.target.url + quote(obj.uid, safe="") + ".ics"
            if self.dry_run or self._put(obj, href, {"If-None-Match": "*"}, creating=True):
                self.created.append(obj.summary)
            return
        # The recorded resource first: the record keeps it, and its ETag says whether someone changed it.
        found.sort(key=lambda f: not (record is not None and _same(f.href, record.href)))
        done = False
        for hit in found:
            ours = record is not None and _same(hit.href, record.href)
            expected = record.etag if ours and record is not None and record.etag else hit.etag
            if self.force or (ours and expected != hit.etag and self._rewritten_by_huddle(obj.uid, hit)):
                expected = hit.etag
            if self.dry_run:
                if expected != hit.etag:
                    self.problems.append(self._changed(obj.summary, obj.uid, "overwritten"))
                else:
                    done = True
                continue
            headers = {"If-Match": expected} if expected else {}
            done = self._put(obj, hit.href, headers, creating=False, record=not done) or done
        if done:
            self.updated.append(obj.summary)

    def remove(self, record: PublishedEvent) -> None:
        """Delete an event Huddle wrote and no longer exports, unless someone changed it since."""
        self.removed.append(record.summary)
        if self.dry_run:
            found = [f for f in self.find(record.uid) if _same(f.href, record.href)]
            if found and record.etag and found[0].etag != record.etag and not self.force:
                self.problems.append(self._changed(record.summary, record.uid, "removed"))
            return
        if not _same_server(record.href, self.target.url):
            self.removed.pop()
            self.problems.append(
                _("{summary} ({uid}): recorded at another server, not removed").format(
                    summary=record.summary, uid=record.uid
                )
            )
            return
        headers = {} if self.force or not record.etag else {"If-Match": record.etag}
        response = self.client.request(record.href, "DELETE", "", headers)
        latest = self.latest(record.uid)
        if response.status == 412 and latest is not None and latest.etag and latest.etag != record.etag:
            response = self.client.request(record.href, "DELETE", "", {"If-Match": latest.etag})
        if response.status in (200, 202, 204, 404, 410):
            self.removed_uids.append(record.uid)
            return
        self.removed.pop()
        if response.status == 412:
            self.problems.append(self._changed(record.summary, record.uid, "removed"))
        else:
            self.problems.append(
                _("{summary} ({uid}): not removed, {status}").format(
                    summary=record.summary, uid=record.uid, status=self._status(response)
                )
            )

    def _rewritten_by_huddle(self, uid: str, hit: _Found) -> bool:
        latest = self.latest(uid)
        return latest is not None and _same(latest.href, hit.href) and latest.etag == hit.etag

    # --- HTTP

    def find(self, uid: str) -> list[_Found]:
        """Every resource of the calendar whose event has exactly this UID, with its ETag."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
            "<D:prop><D:getetag/><C:calendar-data>"
            '<C:comp name="VCALENDAR"><C:comp name="VEVENT"><C:prop name="UID"/></C:comp></C:comp>'
            "</C:calendar-data></D:prop>"
            '<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">'
            f'<C:prop-filter name="UID"><C:text-match collation="i;octet">{escape(uid)}</C:text-match>'
            "</C:prop-filter></C:comp-filter></C:comp-filter></C:filter>"
            "</C:calendar-query>"
        )
        headers = {"Depth": "1", "Content-Type": 'application/xml; charset="utf-8"'}
        response = self.client.request(self.target.url, "REPORT", body, headers)
        if response.status != 207 or response.tree is None:
            raise DeliveryError(
                _("{url} cannot be searched by UID: {value}").format(
                    url=self.target.url, value=self._status(response)
                )
            )
        found: list[_Found] = []
        for item in response.tree.iter(f"{DAV}response"):
            href = item.findtext(f"{DAV}href")
            etag = item.findtext(f".//{DAV}getetag") or ""
            data = item.findtext(f".//{CALDAV}calendar-data") or ""
            # text-match is a substring match: keep only the exact UID.
            url = urljoin(self.target.url, href or "")
            if href and uid in _uids(data) and _same_server(url, self.target.url):
                found.append(_Found(url, etag))
        return found

    def _put(
        self, obj: CalendarObject, href: str, headers: dict[str, str], *, creating: bool, record: bool = True
    ) -> bool:
        """PUT ``obj`` to ``href`` under the preconditions in ``headers``; False (and a problem) if not."""
        headers = {"Content-Type": CALDAV_CONTENT_TYPE, **headers}
        response = self.client.put(href, obj.data.decode("utf-8"), headers)
        if response.status in (200, 201, 204):
            if record:
                etag = response.headers.get("ETag") or self._etag(href)
                self.written.append(
                    PublishedEvent(self.target.url, obj.uid, href, etag, obj.summary, self.now)
                )
            return True
        if response.status == 412 and creating:
            self.problems.append(
                _("{summary} ({uid}): the name {href} is taken by another event").format(
                    summary=obj.summary, uid=obj.uid, href=href
                )
            )
        elif response.status == 412:
            self.problems.append(self._changed(obj.summary, obj.uid, "overwritten"))
        else:
            self.problems.append(
                _("{summary} ({uid}): {status}").format(
                    summary=obj.summary, uid=obj.uid, status=self._status(response)
                )
            )
        return False

    def _etag(self, href: str) -> str:
        """The ETag of ``href`` when the PUT answer carried none (a server that rewrote the data)."""
        body = (
            '<?xml version="1.0" encoding="utf-8"?>'
            '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/></D:prop></D:propfind>'
        )
        response = self.client.propfind(href, body, 0)
        if response.status != 207 or response.tree is None:
            return ""
        return str(response.tree.findtext(f".//{DAV}getetag") or "")

    def _status(self, response: DAVResponse) -> str:
        reason = getattr(response, "reason", "") or ""
        return scrub(f"HTTP {response.status} {reason}".strip(), self.target.password)

    @staticmethod
    def _changed(summary: str, uid: str, what: str) -> str:
        if what == "removed":
            text = _(
                "{summary} ({uid}) was changed on the server since Huddle pushed it "
                "(412 Precondition Failed); not removed, "
                "'huddle calendar push --force' replaces the server's version"
            )
        else:
            text = _(
                "{summary} ({uid}) was changed on the server since Huddle pushed it "
                "(412 Precondition Failed); not overwritten, "
                "'huddle calendar push --force' replaces the server's version"
            )
        return text.format(summary=summary, uid=uid)


def _same(a: str, b: str) -> bool:
    """Two resource URLs name the same object (servers differ in how they percent-encode ``@``)."""
    return unquote(urlsplit(a).path) == unquote(urlsplit(b).path)


def _same_server(url: str, base: str) -> bool:
    """``url`` is on the calendar's own server: the login is never sent where a response points elsewhere."""
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.hostname, a.port) == (b.scheme, b.hostname, b.port)


def _uids(data: str) -> Sequence[str]:
    """The UID values in iCalendar text (unfolded; enough to compare with a UID Huddle made)."""
    unfolded = data.replace("\r\n ", "").replace("\r\n\t", "").replace("\n ", "").replace("\n\t", "")
    values: list[str] = []
    for line in unfolded.splitlines():
        name, _sep, value = line.partition(":")
        if name.split(";", 1)[0].strip().upper() == "UID":
            values.append(value.strip())
    return values
