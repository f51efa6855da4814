"""Calendar feeds: personal feed tokens, and the feed bodies with their ETags.

A feed's ETag is derived from cheap facts (the clubs' ``schedule_changed_at``, the user's name
and token) without building the feed, so a conditional request costs one small query; the
body is built once per version and kept in the cache (per process, or Redis), and so is its gzip
form for clients that accept it (compressed once per version, under its own ETag).
"""
from __future__ import annotations

import gzip
import hashlib
import hmac
import logging
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import format_datetime, parseaddr
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from clubapp.core.ical import FeedEvent, FeedOverride, build_calendar, gaps, in_gap, nominal
from clubapp.core.recurrence import last_date, local_instant, parse_rule
from clubapp.core.secrets import digest
from clubapp.extensions import cache, db
from clubapp.models import Club, MeetingSeries, Membership, Rsvp, User
from clubapp.models.base import utcnow
from clubapp.models.meeting import Closure
from clubapp.services import audit, meetings
from clubapp.services.errors import NotFound

log = logging.getLogger(__name__)
PageUrl = Callable[[str], str]


@dataclass(frozen=True)
class Feed:
    """A feed's validators, known before its body; ``body()`` builds it (or takes it from the cache)."""

    etag: str
    last_modified: datetime
    build: Callable[[], bytes]
    public: bool = False  # anyone may read it: shared caches may keep it (Cache-Control: public)

    def body(self) -> bytes:
        key = f"feed:{self.etag}"
        body = cache.get(key)
        if body is None:
            body = self.build()
            cache.set(key, body)
        return body

    def gzipped(self) -> bytes:
        """The body compressed with gzip (deterministic: no timestamp), cached beside the plain one."""
        key = gzip_cache_key(self.etag)
        body = cache.get(key)
        if body is None:
            body = gzip.compress(self.body(), compresslevel=6, mtime=0)
            cache.set(key, body)
        return body


def gzip_cache_key(etag: str) -> str:
    """The cache key of a feed version's gzipped body (the plain one is ``feed:<etag>``)."""
    return f"feed:{etag}:gzip"


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (RFC 9110 12.5.3: ``gzip``, ``x-gzip`` or ``*``
    with a non-zero q; an explicit ``gzip;q=0`` refuses it whatever ``*`` says)."""
    if not accept_encoding:
        return False
    qualities: dict[str, float] = {}
    for item in accept_encoding.split(","):
        name, *params = (part.strip() for part in item.split(";"))
        quality = 1.0
        for param in params:
            key, _sep, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        if name:
            qualities[name.lower()] = quality
    for name in ("gzip", "x-gzip"):
        if name in qualities:
            return qualities[name] > 0
    return qualities.get("*", 0) > 0


# Tokens

def _token_from_salt(salt: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"feed:{salt}".encode(), hashlib.sha256).hexdigest()


def feed_token(user: User) -> str:
    """The user's current feed token, created on first use.

    The token is derived from SECRET_KEY, its digest is not: after a restore on an installation
    with another key, the URL calendars already use still answers, and the first time the new
    key's URL is shown it becomes valid as well (the older one stays valid as the previous digest).
    """
    if not user.feed_salt:
        return rotate_feed_token(user)
    token = _token_from_salt(user.feed_salt)
    if user.feed_token_hash != digest(token):
        user.feed_previous_hash = user.feed_token_hash
        user.feed_token_hash = digest(token)
        db.session.flush()
    return token


def rotate_feed_token(user: User) -> str:
    """A new feed token; the previous one (and any from an earlier SECRET_KEY) stops working at once."""
    if user.feed_salt:  # the first address, made when first shown, is no change worth recording
        audit.record(user, "feed.rotated", target=user)
    user.feed_salt = secrets.token_hex(16)
    token = _token_from_salt(user.feed_salt)
    user.feed_token_hash = digest(token)
    user.feed_previous_hash = None
    db.session.flush()
    return token


def _has_feed_digest(value: str | sa.BindParameter[str]) -> sa.ColumnElement[bool]:
    """The user whose current or previous feed token has this digest."""
    return sa.or_(User.feed_token_hash == value, User.feed_previous_hash == value)


# Series -> iCalendar events

def _uid(series: MeetingSeries, index: int, effective: date) -> str:
    """The UID of a series' version: feeds, downloads and invitations use the same one.

    Its domain is FEED_UID_DOMAIN (config.py: the site host when SITE_HOST is set).
    """
    domain = current_app.config["FEED_UID_DOMAIN"]
    suffix = "" if index == 0 else f"-{effective:%Y%m%d}"
    return f"series-{series.id}{suffix}@{domain}"


def _organizer(series: MeetingSeries) -> tuple[str, str]:
    """The ORGANIZER of a series' events: the club, at the site's sender address (no one answers
    it: the feed is METHOD:PUBLISH, which requires an ORGANIZER and no ATTENDEE)."""
    return series.club.name, parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1] or "no-reply@localhost"


def _sequence(series: MeetingSeries) -> int:
    """The SEQUENCE of every event of a series: it never decreases (RFC 5545 3.8.7.4).

    The series' own counter and its overrides' counters only rise, and overrides are never
    deleted: their sum over the whole series is a high-water mark that survives splitting the
    series from a date or ending it (a per-version sum would lose the overrides that move to
    another version or past the end).
    """
    return series.sequence + sum(o.sequence for o in series.overrides)


def _recurrence_id(occurrence: meetings.Occurrence, zone: ZoneInfo) -> datetime:
    """The occurrence's RECURRENCE-ID (and EXDATE): the local time the master's RRULE generates."""
    return nominal(occurrence.original_date, occurrence.version.start_time, zone)


def _occurrences_to_describe(series: MeetingSeries, closures: list[Closure],
                             answered: Iterable[date] = ()) -> list[meetings.Occurrence]:
    """Occurrences that differ from their master: overridden, in closures, or answered by the reader."""
    zone = ZoneInfo(series.timezone)
    found: dict[date, meetings.Occurrence] = {}
    for closure in closures:
        start = local_instant(closure.start_date, time(0), zone) - timedelta(days=1)
        end = local_instant(closure.end_date, time(0), zone) + timedelta(days=2)
        for expanded in meetings.expand(series, start, end, closures):
            found[expanded.original_date] = expanded
    # An occurrence whose local time falls in a spring-forward gap is written out in full (an
    # override at its real instants): clients that add the duration on the wall clock to a time
    # that does not exist (recurring-ical-events 2.0) would read its end wrong.
    for low, _high in gaps(series.timezone):
        if any(in_gap(low.date(), v.start_time, series.timezone) for v in series.versions):
            start = local_instant(low.date(), time(0), zone) - timedelta(days=1)
            for expanded in meetings.expand(series, start, start + timedelta(days=3), closures):
                if in_gap(expanded.original_date, expanded.version.start_time, series.timezone):
                    found[expanded.original_date] = expanded
    overrides = {o.original_date: o for o in series.overrides}
    for day in {*overrides, *answered}:
        occurrence = meetings._occurrence(series, day, zone, overrides.get(day), closures)
        if occurrence is not None:
            found[day] = occurrence
    return list(found.values())


@dataclass(frozen=True)
class Reader:
    """Whose feed it is: their answers become ATTENDEE;PARTSTAT on the occurrences they answered."""

    email: str
    name: str
    answers: dict[tuple[int, date], tuple[str, str]]  # (series, date) -> (PARTSTAT, title suffix)

    def attendee(self, series_id: int, day: date) -> tuple[str, str, str] | None:
        found = self.answers.get((series_id, day))
        return (self.email, self.name, found[0]) if found else None

    def suffix(self, series_id: int, day: date) -> str:
        found = self.answers.get((series_id, day))
        return found[1] if found else ""


def series_events(series: MeetingSeries, closures: list[Closure], page_url: PageUrl | None,
                  with_video: bool = True, reader: Reader | None = None) -> list[FeedEvent]:
    """One master per version of the series, with its overrides and EXDATEs.

    A series that cannot be described (dates stored before they were checked) is left out of the
    feed with a logged error: one club's bad row never breaks every member's calendar.
    """
    try:
        return _series_events(series, closures, page_url, with_video, reader)
    except meetings.UNEXPANDABLE:
        log.error("series %s of club %s left out of a feed", series.id, series.club_id, exc_info=True)
        return []


def _series_events(series: MeetingSeries, closures: list[Closure], page_url: PageUrl | None,
                   with_video: bool, reader: Reader | None) -> list[FeedEvent]:
    zone = ZoneInfo(series.timezone)
    answered = [day for (sid, day) in reader.answers if sid == series.id] if reader else []
    described = _occurrences_to_describe(series, closures, answered)
    categories = (series.club.name,)
    versions = series.versions
    rule = parse_rule(series.rrule) if series.rrule else None
    if rule is None:
        occurrence = meetings._occurrence(series, series.start_date, zone,
                                          next(iter(series.overrides), None), closures)
        if occurrence is None:
            return []
        return [FeedEvent(
            uid=_uid(series, 0, series.start_date),
            title=occurrence.title + (reader.suffix(series.id, occurrence.original_date) if reader else ""),
            attendee=reader.attendee(series.id, occurrence.original_date) if reader else None,
            start=occurrence.starts_at.astimezone(zone), duration=occurrence.ends_at - occurrence.starts_at,
            description=occurrence.description, video_url=occurrence.video_url if with_video else None,
            venue=occurrence.venue, page_url=page_url(occurrence.id) if page_url else None,
            sequence=_sequence(series),
            created=series.created_at, organizer=_organizer(series), last_modified=_modified(series, occurrence),
            cancelled=occurrence.is_cancelled, categories=categories, color=series.club.color)]
    events = []
    series_last = last_date(rule, series.start_date, versions[0].start_time, zone, series.until)
    for index, version in enumerate(versions):
        next_from = versions[index + 1].effective_from if index + 1 < len(versions) else None
        if series_last is not None and version.effective_from > series_last:
            break
        start = nominal(version.effective_from, version.start_time, zone)
        if len(versions) == 1 and series.until is None:
            rrule = rule.text()
        else:
            ends = []
            if next_from is not None:
                ends.append(local_instant(next_from, time(0), zone) - timedelta(seconds=1))
            if series_last is not None:
                ends.append(local_instant(series_last, version.start_time, zone))
            rrule = rule.text(until=min(ends).astimezone(UTC)) if ends else rule.text()
        in_range = [o for o in described
                    if o.original_date >= version.effective_from and (next_from is None or o.original_date < next_from)]
        exdates = tuple(sorted(_recurrence_id(o, zone) for o in in_range if o.is_cancelled))
        # An EXDATE or override changes the master too: its SEQUENCE and LAST-MODIFIED follow them
        # (RFC 5545 3.8.7.4), and no override has a lower SEQUENCE than its master. Closures, added
        # or removed, raise series.sequence itself (meetings._touch_closures): it only ever rises.
        sequence = _sequence(series)
        modified = max([series.updated_at, version.updated_at] + [_modified(series, o) for o in in_range])
        overrides = tuple(
            FeedOverride(
                recurrence_id=_recurrence_id(o, zone), start=o.starts_at, end=o.ends_at,
                title=o.title + (reader.suffix(series.id, o.original_date) if reader else ""),
                attendee=reader.attendee(series.id, o.original_date) if reader else None,
                description=o.description, video_url=o.video_url if with_video else None, venue=o.venue,
                page_url=page_url(o.id) if page_url else None,
                sequence=sequence, last_modified=_modified(series, o))
            for o in in_range if not o.is_cancelled and (
                (o.override is not None and _differs(o))
                or in_gap(o.original_date, o.version.start_time, series.timezone)
                or (reader is not None and (series.id, o.original_date) in reader.answers)))
        events.append(FeedEvent(
            uid=_uid(series, index, version.effective_from), title=version.title, start=start,
            duration=timedelta(minutes=version.duration_minutes), description=version.description,
            rrule=rrule, exdates=exdates, overrides=overrides,
            video_url=(version.video_url or meetings.jitsi_url(series)) if with_video else None,
            venue=version.venue,
            page_url=page_url(meetings.occurrence_id(series.id, version.effective_from)) if page_url else None,
            sequence=sequence, created=series.created_at, organizer=_organizer(series), last_modified=modified,
            categories=categories, color=series.club.color))
    return events


def _differs(occurrence: meetings.Occurrence) -> bool:
    override = occurrence.override
    assert override is not None
    return any(getattr(override, key) is not None
               for key in ("starts_at", "ends_at", "title", "description", "video_url", "venue"))


def _modified(series: MeetingSeries, occurrence: meetings.Occurrence) -> datetime:
    stamps = [series.updated_at, occurrence.version.updated_at]
    if occurrence.override is not None:
        stamps.append(occurrence.override.updated_at)
    if occurrence.closure is not None:
        stamps.append(occurrence.closure.created_at)
    return max(stamps)


# Whole feeds

def personal_feed_name() -> str:
    """The personal feed's name, as calendars list it (in the current locale)."""
    return str(_l("Clubapp: my meetings"))


ANSWERS_KEPT = timedelta(days=31)  # older answers leave the feed: its size follows edits, not history
PARTSTAT = {"confirmed": "ACCEPTED", "waitlisted": "TENTATIVE", "tentative": "TENTATIVE", "declined": "DECLINED"}


def _reader(user: User, since: date) -> tuple[Reader, set[int]]:
    """The user's recent answers, and the series they answered (network sessions included)."""
    from clubapp.services import rsvp

    rows = db.session.scalars(sa.select(Rsvp).where(Rsvp.user_id == user.id, Rsvp.original_date >= since)).all()
    answers = {}
    with force_locale(user.locale):
        for row in rows:
            suffix = ""
            if row.status == "waitlisted":
                occurrence = meetings.get_occurrence(meetings.occurrence_id(row.series_id, row.original_date), None,
                                                     need="system")
                position = rsvp.answer_of(user, occurrence)
                suffix = str(_l(" (waitlist #%(n)d)", n=position.waitlist_position if position else 0))
            answers[(row.series_id, row.original_date)] = (PARTSTAT.get(row.status, "NEEDS-ACTION"), suffix)
    return Reader(user.email, user.name, answers), {row.series_id for row in rows}


class _Owner(NamedTuple):
    """The columns of a feed's owner that its ETag depends on, read without loading the User."""

    id: int
    feed_salt: str | None
    name: str
    email: str
    locale: str
    answers_changed_at: datetime | None
    created_at: datetime


class _ClubStamp(NamedTuple):
    """What a feed shows of a club: the user's own clubs, and the hosts of sessions they answered."""

    id: int
    changed: datetime
    name: str  # in every event's CATEGORIES
    timezone: str  # closures cancel by the club's local date
    member: bool


def _owner_and_clubs(owner: sa.ColumnElement[bool]) -> sa.Select:
    """The owner's columns, and one row per club of theirs (members' clubs first)."""
    me = sa.select(User.id).where(owner).scalar_subquery()
    clubs = sa.union_all(
        sa.select(Membership.club_id.label("club_id"), sa.literal(1).label("member")).where(Membership.user_id == me),
        sa.select(MeetingSeries.club_id, sa.literal(0)).distinct().join(Rsvp, Rsvp.series_id == MeetingSeries.id)
        .where(Rsvp.user_id == me, Rsvp.original_date >= sa.bindparam("since"))).subquery()
    return (sa.select(User.id, User.feed_salt, User.name, User.email, User.locale, User.answers_changed_at,
                      User.created_at, Club.id, Club.schedule_changed_at, Club.name, Club.timezone, clubs.c.member)
            .select_from(User).outerjoin(clubs, sa.true()).outerjoin(Club, Club.id == clubs.c.club_id)
            .where(owner).order_by(clubs.c.member.desc(), Club.id))


_BY_TOKEN = _owner_and_clubs(_has_feed_digest(sa.bindparam("digest")))
_BY_ID = _owner_and_clubs(User.id == sa.bindparam("user_id"))


class _ValidatorQuery:
    """``_BY_TOKEN`` compiled once per engine and run on a raw pooled DBAPI connection.

    This query is all a 304 costs, so it skips the per-execution work of SQLAlchemy's Core
    (events, result objects) while keeping its SQL, its bind and its result type conversions.
    """

    _cache: dict[int, _ValidatorQuery] = {}

    def __init__(self, engine: sa.Engine) -> None:
        dialect = engine.dialect
        compiled = _BY_TOKEN.compile(dialect=dialect)
        self.engine = engine
        self.sql = compiled.string
        self.positional = compiled.positiontup
        self.binds = {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                      for name, bind in compiled.binds.items()}
        self.literals = {name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required}
        self.results = [column.type.dialect_impl(dialect).result_processor(dialect, None)
                        for column in _BY_TOKEN.selected_columns]

    @classmethod
    def for_engine(cls, engine: sa.Engine) -> _ValidatorQuery:
        found = cls._cache.get(id(engine))
        if found is None or found.engine is not engine:
            found = cls._cache[id(engine)] = cls(engine)
        return found

    def run(self, values: dict[str, Any]) -> list[tuple[Any, ...]]:
        bound = {}
        for key, value in {**self.literals, **values}.items():
            convert = self.binds.get(key)
            bound[key] = convert(value) if convert is not None else value
        params: Any = [bound[name] for name in self.positional] if self.positional else bound
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
            cursor.close()
        finally:
            connection.close()  # back to the pool (which rolls the read back)
        return [tuple(p(v) if p else v for p, v in zip(self.results, row, strict=True)) for row in rows]


def _club_stamps(rows: Sequence[Sequence[Any]]) -> list[_ClubStamp]:
    out: dict[int, _ClubStamp] = {}
    for row in rows:
        if row[7] is not None and row[7] not in out:
            out[row[7]] = _ClubStamp(row[7], row[8], row[9], row[10], bool(row[11]))
    return list(out.values())


def personal_feed_for_token(token: str, page_url: PageUrl, url_root: str, now: datetime | None = None,
                            engine: sa.Engine | None = None) -> Feed | None:
    """The personal feed of a token's owner (None: no such token).

    Its validators come from one query of plain columns: a conditional request costs that query
    alone, and the owner is loaded only when the body has to be built.
    """
    if not token or len(token) > 128:
        return None
    since = ((now or utcnow()) - ANSWERS_KEPT).date()
    rows = _ValidatorQuery.for_engine(engine or db.engine).run({"digest": digest(token), "since": since})
    if not rows:
        return None
    return personal_feed(_Owner(*rows[0][:7]), page_url, url_root, now, _club_stamps(rows))


def personal_feed(user: User | _Owner, page_url: PageUrl, url_root: str, now: datetime | None = None,
                  clubs: list[_ClubStamp] | None = None) -> Feed:
    """Every meeting of every club the user belongs to, network sessions they answered, their answers."""
    since = ((now or utcnow()) - ANSWERS_KEPT).date()
    if clubs is None:
        clubs = _club_stamps(db.session.connection().execute(_BY_ID, {"user_id": user.id, "since": since}).all())
    answered_at = user.answers_changed_at
    stamp = max([c.changed for c in clubs] + ([answered_at] if answered_at else []), default=user.created_at)
    # Whatever the body shows goes into the ETag, which is also the body's cache key: the hosts of
    # answered sessions, the clubs' names and zones too (a club's update does not touch its stamp).
    fingerprint = f"v4|{url_root}|{user.id}|{user.feed_salt}|{user.name}|{user.email}|{user.locale}|{since}|" \
        f"{answered_at.isoformat() if answered_at else ''}|" + \
        ",".join(f"{c.id}:{c.member:d}:{c.changed.isoformat()}:{c.timezone}:{c.name}" for c in clubs)
    etag = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]

    def build() -> bytes:
        owner = user if isinstance(user, User) else db.session.get(User, user.id)
        assert owner is not None
        club_ids = [c.id for c in clubs if c.member]
        reader, answered_series = _reader(owner, since)
        series = [s for s in db.session.scalars(sa.select(MeetingSeries).where(sa.or_(
            MeetingSeries.club_id.in_(club_ids), MeetingSeries.id.in_(answered_series))).order_by(MeetingSeries.id))
            if meetings.can_see(owner, s)]
        closures = meetings.closures_of(sorted({s.club_id for s in series}))
        events = [e for s in series for e in series_events(s, closures[s.club_id], page_url, reader=reader)]
        with force_locale(user.locale):
            name, description = str(personal_feed_name()), str(_l("The meetings of my clubs, with my answers."))
        return build_calendar(name, events, description=description,
                              timezone=next((c.timezone for c in clubs if c.member), None))

    return Feed(etag, stamp, build)


def club_feed(slug: str, page_url: PageUrl, url_root: str) -> Feed:
    """A public club's meetings, without video links; private clubs: NotFound."""
    club = db.session.scalar(sa.select(Club).where(Club.slug == slug))
    if club is None or not club.is_public:
        raise NotFound(_l("No such club."))
    fingerprint = f"v3|{url_root}|club|{club.id}|{club.name}|{club.timezone}|{club.description}|" \
        f"{club.schedule_changed_at.isoformat()}|{club.color}"
    etag = hashlib.sha256(fingerprint.encode()).hexdigest()[:32]

    def build() -> bytes:
        closures = meetings.closures_of([club.id])[club.id]
        events = [e for s in meetings.club_series(club) for e in series_events(s, closures, page_url, False)]
        description = club.description or str(_l("The meetings of %(club)s.", club=club.name))
        return build_calendar(club.name, events, description=description, timezone=club.timezone,
                              color=club.color)

    return Feed(etag, club.schedule_changed_at, build, public=True)


def occurrence_calendar(occurrence: meetings.Occurrence, page_url: PageUrl, with_video: bool) -> bytes:
    """One meeting as a standalone event (for "add to calendar").

    It is the feed's event: the same UID (and RECURRENCE-ID for an occurrence of a recurring
    series) and SEQUENCE, so that downloading it and subscribing to the feed give one event, not
    two; no subscription properties (name, refresh interval), so that importing it adds no calendar.
    """
    series = occurrence.series
    zone = ZoneInfo(series.timezone)
    index = next((i for i, v in enumerate(series.versions) if v.id == occurrence.version.id), 0)
    event = FeedEvent(
        uid=_uid(series, index, occurrence.version.effective_from), title=occurrence.title,
        recurrence_id=_recurrence_id(occurrence, zone) if series.rrule else None,
        start=occurrence.starts_at.astimezone(zone),
        duration=occurrence.ends_at - occurrence.starts_at, description=occurrence.description,
        video_url=occurrence.video_url if with_video else None, venue=occurrence.venue,
        page_url=page_url(occurrence.id), sequence=_sequence(series),
        created=series.created_at, organizer=_organizer(series), last_modified=_modified(series, occurrence),
        cancelled=occurrence.is_cancelled, categories=(series.club.name,), color=series.club.color)
    return build_calendar(None, [event], subscription=False)


# HTTP: the same answer from the Flask route and from the fast path in front of it

PUBLIC_CACHE = "public, max-age=900"  # a public club feed: proxies may serve it for 15 minutes


def answer(feed: Feed, if_none_match: str | None, if_modified_since: datetime | None,
           filename: str, gzipped: bool = False) -> tuple[int, dict[str, str]]:
    """Status and headers for a feed request: 304 when the client already has this version (in
    either encoding), else 200. The gzipped representation has its own ETag (``"<etag>-gzip"``)."""
    etag = f'"{feed.etag}-gzip"' if gzipped else f'"{feed.etag}"'
    last_modified = feed.last_modified.replace(microsecond=0)
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Cache-Control": PUBLIC_CACHE if feed.public else "private, max-age=0, must-revalidate",
        "Content-Disposition": f'inline; filename="{filename}"',
        "Content-Type": "text/calendar; charset=utf-8",
        "Vary": "Accept-Encoding",
    }
    if if_none_match is not None:
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        if tags & {f'"{feed.etag}"', f'"{feed.etag}-gzip"', "*"}:
            return 304, headers
    elif if_modified_since is not None and last_modified <= if_modified_since:
        return 304, headers
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return 200, headers


def url_root(environ: dict[str, Any]) -> str:
    """The site's root URL as the feed's links and ETag use it (the same from Flask and from here)."""
    host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{environ.get('SCRIPT_NAME', '')}/"
