"""Notifications to users, in the app and by e-mail through the outbox: what other apps call to tell people.

Other apps call `notify(...)` inside their own service's transaction. The e-mail is written to the
outbox in that same transaction and sent after commit by a worker; a beat task (`outbox_flush`)
retries failures with back-off, sends anything whose after-commit enqueue was lost and recovers
messages left "sending" by a worker that died. A message is claimed by a conditional UPDATE before
it is sent, so two workers never send it both.

Mail is never dropped silently: a failure is retried (1, 2, 4 … minutes apart, at most
OUTBOX_BACKOFF_CAP_MINUTES) for OUTBOX_RETRY_HOURS after the message was queued, however many attempts
that takes, so an SMTP outage of hours or a weekend delays mail without losing it. Only then is it given
up; it stays listed, with its last error, on the pages of undelivered mail of the people it concerns
(`MailAudience`, registered by the apps that know who those are), where they can resend it, and
`outbox_health()` counts it for the readiness check.
"""

import logging
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, F, Min, Q, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from . import pagecache
from .audit import audit
from .models import Notification, OutboxMessage, User
from .permissions import ensure_can

logger = logging.getLogger(__name__)

Text = str | Promise  # a plain string, or a lazy translation rendered in each recipient's language
DUE = (OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED)
UNSENT = (*DUE, OutboxMessage.Status.SENDING)
KEY_MAX_LENGTH = 200  # the dedupe_key columns
ENQUEUE_CHUNK = 50  # message ids per send task (at most settings.OUTBOX_MESSAGES_PER_TASK, which its limits fit)


def is_site_relative(link: str) -> bool:
    """A path on this site ("/years/2020/"), never "//host", "/\\host" or "https://…" (no open redirect)."""
    return (
        link.startswith("/")
        and not link.startswith("//")
        and "\\" not in link
        and url_has_allowed_host_and_scheme(link, allowed_hosts=None)
    )


# --- writes ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """One event to tell some users: what `notify` takes, for `notify_many` to write many in one go."""

    users: Iterable[User]
    title: Text
    body: Text
    link: str = ""
    dedupe_key: str | None = None
    email: bool = True


def notify(
    *,
    users: Iterable[User],
    title: Text,
    body: Text,
    link: str = "",
    dedupe_key: str | None = None,
    email: bool = True,
) -> list[Notification]:
    """Tell each active user something: one in-app notification each and, if `email`, one queued e-mail.

    `title` and `body` may be lazy translations (gettext_lazy / format_lazy): each recipient gets them
    in their own language. `link` is a site-relative path. With `dedupe_key` the same event notifies
    each user at most once, however often it is called (keys are "<dedupe_key>:<user id>"). Returns the
    notifications created by this call; mail is enqueued only when the caller's transaction commits.
    """
    return notify_many([Notice(users=users, title=title, body=body, link=link, dedupe_key=dedupe_key, email=email)])


def notify_many(notices: Iterable[Notice]) -> list[Notification]:
    """`notify` for many events at once, in a fixed number of queries whatever their number (the reminder tick
    writes hundreds in one transaction). Either every notice is written or, on an error, none."""
    notices = list(notices)
    planned: list[tuple[Notice, User, str | None]] = []  # (notice, recipient, its dedupe key)
    for notice in notices:
        if notice.link and not is_site_relative(notice.link):
            raise ValueError(f"A notification link must be a site-relative path, not {notice.link!r}")
        for user in {user.pk: user for user in notice.users if user.is_active}.values():
            key = None if notice.dedupe_key is None else f"{notice.dedupe_key}:{user.pk}"
            if key is not None and len(key) > KEY_MAX_LENGTH:
                raise ValueError(f"dedupe_key {notice.dedupe_key!r} is too long")
            planned.append((notice, user, key))

    # Inside the caller's transaction this is a savepoint: the rows commit or roll back with the caller's.
    with transaction.atomic():
        keys = [key for _notice, _user, key in planned if key is not None]
        if keys:
            done = set(Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
            planned = [entry for entry in planned if entry[2] is None or entry[2] not in done]
        plain = [_rows(notice, user, None) for notice, user, key in planned if key is None]
        keyed = [_rows(notice, user, key) for notice, user, key in planned if key is not None]

        created = Notification.objects.bulk_create([n for n, _m in plain])
        message_ids = [m.pk for m in OutboxMessage.objects.bulk_create([m for _n, m in plain if m is not None])]
        if keyed:
            # ignore_conflicts rather than get_or_create: one INSERT … ON CONFLICT DO NOTHING for all the
            # recipients instead of a SELECT, a savepoint and an INSERT each, and a concurrent notify() with
            # the same key is skipped by the unique constraint instead of raising. It sets no primary keys,
            # hence the two reads after it.
            Notification.objects.bulk_create([n for n, _m in keyed], ignore_conflicts=True)
            OutboxMessage.objects.bulk_create([m for _n, m in keyed if m is not None], ignore_conflicts=True)
            wanted = [n.dedupe_key for n, _m in keyed]
            by_key = {n.dedupe_key: n for n in Notification.objects.filter(dedupe_key__in=wanted)}
            created += [by_key[key] for key in wanted if key in by_key]
            message_ids += list(
                OutboxMessage.objects.filter(dedupe_key__in=wanted, status=OutboxMessage.Status.PENDING)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
        # The layout's unread count (the page cache does not see bulk inserts).
        pagecache.touch(*(pagecache.user_scope(n.recipient_id) for n in created))
        if message_ids:
            # robust: a broker that is down must not turn the caller's committed request into an error;
            # the beat's outbox_flush sends these messages anyway. Several tasks for a large batch, so that
            # several workers share the sending.
            for start in range(0, len(message_ids), ENQUEUE_CHUNK):
                chunk = message_ids[start : start + ENQUEUE_CHUNK]
                transaction.on_commit(lambda chunk=chunk: _enqueue(chunk), robust=True)
    return created


def mail_queue(
    *, to_email: str, subject: str, body: str, dedupe_key: str | None = None, recipient: User | None = None
) -> OutboxMessage | None:
    """Queue one e-mail to an address, with no in-app notification (a person who cannot sign in yet: an
    invitation, a password link). Written in the caller's transaction, sent after it commits; with `dedupe_key`
    the same message is queued once. Returns the message, or None when the key was already used.

    `recipient` is the user the address belongs to; when not given, the user with that address (if any), so
    that the message shows on the pages of undelivered mail that cover that user."""
    subject = " ".join(subject.split())[:255]
    if dedupe_key is not None:
        if len(dedupe_key) > KEY_MAX_LENGTH:
            raise ValueError(f"dedupe_key {dedupe_key!r} is too long")
        if OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
    if recipient is None and to_email:
        recipient = User.objects.filter(email__iexact=to_email).first()
    message = OutboxMessage.objects.create(
        to_email=to_email, subject=subject, body=body, dedupe_key=dedupe_key, recipient=recipient
    )
    transaction.on_commit(lambda: _enqueue([message.pk]), robust=True)
    return message


def _rows(notice: Notice, user: User, key: str | None) -> tuple[Notification, OutboxMessage | None]:
    """The notification and, if mailed, the outbox message of one recipient, in the recipient's language."""
    texts = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            # one line: a mail header must not contain a newline
            texts[language] = {"title": " ".join(str(notice.title).split())[:200], "body": str(notice.body)}
    language = user.language if user.language in texts else settings.LANGUAGE_CODE
    with translation.override(language):
        subject = " ".join(str(notice.title).split())
        text = str(notice.body)
        mail_body = _mail_body(text, notice.link)
    notification = Notification(
        recipient=user, title=subject[:200], body=text, link=notice.link, dedupe_key=key, texts=texts
    )
    if not (notice.email and user.email):
        return notification, None
    return notification, OutboxMessage(
        to_email=user.email, recipient=user, subject=subject[:255], body=mail_body, dedupe_key=key
    )


def _mail_body(text: str, link: str) -> str:
    site = getattr(settings, "SITE_URL", "").rstrip("/")
    if not (link and site):
        return text
    footer = gettext("Open in the application: %(url)s") % {"url": site + link}
    return f"{text}\n\n{footer}"


def _enqueue(message_ids: list[int]) -> None:
    # Imported here: tasks.py imports this module.
    from .tasks import send_outbox_task

    send_outbox_task.delay(message_ids)


def outbox_send(*, message_id: int) -> bool:
    """Send one queued e-mail if it is due and no one else has claimed it; True when this call sent it.

    Not atomic on purpose: the claim must be committed before the mail goes out, so that a second
    worker (or the beat's flush) sees "sending" and leaves the message alone. A worker that dies
    between the claim and the outcome leaves the row "sending"; outbox_flush recovers it after
    OUTBOX_STUCK_MINUTES. The outcome is written only while this call's claim (its `claimed_at`) still
    holds, so a worker that comes back after its row was recovered and claimed again overwrites nothing.
    """
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(pk=message_id, status__in=DUE, next_attempt_at__lte=now).update(
        status=OutboxMessage.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now
    )
    if not claimed:
        return False
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.to_email])
    # Any error, not only SMTPException/OSError: an uncaught one would leave the row stuck in "sending".
    except Exception as exc:
        _record_failure(message, exc)
        if isinstance(exc, SoftTimeLimitExceeded):
            raise  # the task's time is up: stop here rather than start the next message until the hard kill
        return False
    _still_claimed(message).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return True


def _still_claimed(message: OutboxMessage) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(
        pk=message.pk, status=OutboxMessage.Status.SENDING, claimed_at=message.claimed_at
    )


def _record_failure(message: OutboxMessage, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    now = timezone.now()
    give_up_at = retry_deadline(message)
    if now >= give_up_at:
        next_attempt_at = None  # given up: no claim matches a NULL time
        logger.error(
            "Outbox message %s failed for %g hours (%s attempts), giving up: %s",
            message.pk,
            settings.OUTBOX_RETRY_HOURS,
            message.attempts,
            error,
        )
    else:
        # The last retry falls at the end of the period, whatever the back-off.
        next_attempt_at = min(now + backoff(now - message.retry_from), give_up_at)
        logger.warning(
            "Outbox message %s failed (attempt %s), retry at %s: %s",
            message.pk,
            message.attempts,
            next_attempt_at.isoformat(timespec="seconds"),
            error,
        )
    _still_claimed(message).update(
        status=OutboxMessage.Status.FAILED, last_error=error, next_attempt_at=next_attempt_at
    )


def backoff(waited: timedelta) -> timedelta:
    """How long to wait after a failure, from how long the message has been retried: 1, 2, 4, 8 … minutes (the
    largest power of two not above the minutes waited plus one), at most OUTBOX_BACKOFF_CAP_MINUTES.

    Counted from the time waited rather than from the attempts, so that a resent message starts again at one
    minute and a late worker or an extra attempt (a recovered one) does not stretch the waits."""
    minutes = max(0, int(waited.total_seconds() // 60)) + 1
    return timedelta(minutes=min(1 << (minutes.bit_length() - 1), max(1, settings.OUTBOX_BACKOFF_CAP_MINUTES)))


def retry_deadline(message: OutboxMessage) -> datetime:
    """When the outbox gives up on a message that still fails: OUTBOX_RETRY_HOURS after its retry period began."""
    return message.retry_from + timedelta(hours=settings.OUTBOX_RETRY_HOURS)


def outbox_recover_stuck(*, now: datetime | None = None) -> int:
    """Put messages "sending" for longer than OUTBOX_STUCK_MINUTES back to "failed", due now; returns how many.

    Their worker died (or hangs) between the claim and the outcome. If it died after the SMTP server
    accepted the mail, the retry sends it a second time: one possible duplicate is the accepted price of
    never losing a message, since nothing tells "died before sending" from "died after". Keep
    EMAIL_TIMEOUT well under OUTBOX_STUCK_MINUTES so that a live but slow worker is not taken for dead.
    """
    now = now or timezone.now()
    stuck = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENDING,
        claimed_at__lt=now - timedelta(minutes=settings.OUTBOX_STUCK_MINUTES),
    )
    error = f"Still sending after {settings.OUTBOX_STUCK_MINUTES} minutes: the worker was presumably lost."
    # A message whose retry period is over is given up (no claim matches a NULL time), like any failure.
    given_up = stuck.filter(retry_from__lte=now - timedelta(hours=settings.OUTBOX_RETRY_HOURS)).update(
        status=OutboxMessage.Status.FAILED, last_error=error, next_attempt_at=None
    )
    retried = stuck.update(status=OutboxMessage.Status.FAILED, last_error=error, next_attempt_at=now)
    if given_up or retried:
        logger.warning("Outbox: recovered %s message(s) stuck in sending (%s given up)", given_up + retried, given_up)
    return given_up + retried


def outbox_flush(*, limit: int = 100) -> int:
    """Recover stuck messages, then send every due pending or failed one (oldest due first, at most `limit`);
    returns how many went out."""
    outbox_recover_stuck()
    due = (
        OutboxMessage.objects.filter(status__in=DUE, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(outbox_send(message_id=message_id) for message_id in list(due))


@transaction.atomic
def outbox_requeue(*, messages: QuerySet[OutboxMessage], by: User, target: Any = None, **data: Any) -> list[int]:
    """Put these messages back in the queue: pending, due now, with a fresh retry period; returns their ids.

    No permission of its own: `outbox_resend` (the pages of undelivered mail) and the admin's action (superusers)
    decide who may. Only pending and failed messages (given up or not): one "sending" may be on its way to the
    SMTP server, and queueing it again could send it twice. The rows are locked first, so the ids returned and
    audited are exactly those put back. The attempts are kept: they count every try.
    """
    ids = list(
        OutboxMessage.objects.select_for_update()
        .filter(pk__in=messages.values("pk"), status__in=DUE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not ids:
        return []
    now = timezone.now()
    OutboxMessage.objects.filter(pk__in=ids).update(
        status=OutboxMessage.Status.PENDING, next_attempt_at=now, retry_from=now
    )
    audit(by, "core.outbox.resent", target, messages=ids, **data)
    for start in range(0, len(ids), ENQUEUE_CHUNK):
        chunk = ids[start : start + ENQUEUE_CHUNK]
        transaction.on_commit(lambda chunk=chunk: _enqueue(chunk), robust=True)
    return ids


def outbox_resend(
    *, by: User, audience: "MailAudience", target: Any, message_ids: Collection[int] | None = None
) -> list[int]:
    """Resend undelivered mail from an audience's page: the messages `message_ids` of those it shows, or all of
    them; returns the ids put back in the queue (see `outbox_requeue`). Audited with the audience's object."""
    ensure_can(by, audience.view_action, target)
    messages = outbox_undelivered(audience=audience, target=target)
    if message_ids is not None:
        messages = messages.filter(pk__in=list(message_ids))
    return outbox_requeue(messages=messages, by=by, target=target, audience=audience.name)


def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    """Mark one notification read; only its recipient may."""
    if notification.recipient_id != by.pk:
        raise PermissionDenied("core.notification.read")
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        pagecache.touch(pagecache.user_scope(by.pk))
        notification.read_at = now
    return notification


def notification_mark_all_read(*, by: User) -> int:
    """Mark every unread notification of `by` read; returns how many were unread."""
    count = Notification.objects.filter(recipient=by, read_at__isnull=True).update(read_at=timezone.now())
    pagecache.touch(pagecache.user_scope(by.pk))
    return count


# --- reads ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MailAudience:
    """The people whose undelivered mail one page shows, and who may see it: registered by the app that knows
    them (blocs: a province's users for its board, a bloc-year's member officers for its leader unit), since
    core knows no province or bloc. The page is /mail/undelivered/<name>/<key>/."""

    name: str  # in the URL, e.g. "province"
    load: Callable[[str], Any]  # the key in the URL -> the object (its DoesNotExist: a 404)
    key: Callable[[Any], str]  # the object -> its key in the URL
    recipients: Callable[[Any], QuerySet]  # the object -> a query of the ids of the users whose mail it shows
    view_action: str  # the permission rule, asked with the object, to see the page and resend its mail
    title: Callable[[Any], str]  # the object -> whose mail it is, for the page's heading
    back_url: Callable[[Any], str]  # the object -> the page the reader came from


_audiences: dict[str, MailAudience] = {}


def register_mail_audience(audience: MailAudience) -> None:
    _audiences[audience.name] = audience


def mail_audience(name: str) -> MailAudience:
    """The registered audience; KeyError when there is none of that name."""
    return _audiences[name]


def outbox_undelivered(*, audience: MailAudience, target: Any) -> QuerySet[OutboxMessage]:
    """The audience's mail not sent yet (queued, retrying or given up), newest first."""
    return (
        OutboxMessage.objects.filter(status__in=UNSENT, recipient__in=audience.recipients(target))
        .select_related("recipient")
        .order_by("-created_at", "-pk")
    )


def outbox_health() -> dict[str, int | None]:
    """The outbox for the readiness check, in one query: `backlog` (messages still to be sent: queued, sending or
    retrying), `given_up` (failed for good, until someone resends them) and `oldest_unsent_seconds` (the age of
    the oldest message of the backlog, None when there is none)."""
    waiting = Q(next_attempt_at__isnull=False)
    figures = OutboxMessage.objects.filter(status__in=UNSENT).aggregate(
        backlog=Count("pk", filter=waiting),
        given_up=Count("pk", filter=Q(status=OutboxMessage.Status.FAILED, next_attempt_at__isnull=True)),
        oldest=Min("created_at", filter=waiting),
    )
    oldest = figures["oldest"]
    return {
        "backlog": figures["backlog"],
        "given_up": figures["given_up"],
        "oldest_unsent_seconds": None if oldest is None else max(0, round((timezone.now() - oldest).total_seconds())),
    }


def notifications_for_user(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notifications_unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
