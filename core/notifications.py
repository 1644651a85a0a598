"""Notifications to users, in the app and by e-mail through the outbox: what other apps call to tell people.

Other apps call `notify(...)` inside their own service's transaction. The e-mail is written to the
outbox in that same transaction and sent after commit by a worker; a beat task (`outbox_flush`)
retries failures with back-off, sends anything whose after-commit enqueue was lost and recovers
messages left "sending" by a worker that died. A message is claimed by a conditional UPDATE before
it is sent, so two workers never send it both.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from . import pagecache
from .models import Notification, OutboxMessage, User

logger = logging.getLogger(__name__)

Text = str | Promise  # a plain string, or a lazy translation rendered in each recipient's language
BACKOFF_CAP_MINUTES = 60
DUE = (OutboxMessage.Status.PENDING, OutboxMessage.Status.FAILED)
KEY_MAX_LENGTH = 200  # the dedupe_key columns
ENQUEUE_CHUNK = 50  # message ids per send task


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


def mail_queue(*, to_email: str, subject: str, body: str, dedupe_key: str | None = None) -> OutboxMessage | None:
    """Queue one e-mail to an address, with no in-app notification (a person who cannot sign in yet: an
    invitation, a password link). Written in the caller's transaction, sent after it commits; with `dedupe_key`
    the same message is queued once. Returns the message, or None when the key was already used."""
    subject = " ".join(subject.split())[:255]
    if dedupe_key is not None:
        if len(dedupe_key) > KEY_MAX_LENGTH:
            raise ValueError(f"dedupe_key {dedupe_key!r} is too long")
        if OutboxMessage.objects.filter(dedupe_key=dedupe_key).exists():
            return None
    message = OutboxMessage.objects.create(to_email=to_email, subject=subject, body=body, dedupe_key=dedupe_key)
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
    return notification, OutboxMessage(to_email=user.email, subject=subject[:255], body=mail_body, dedupe_key=key)


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
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        next_attempt_at = None  # given up: no claim matches a NULL time
        logger.error("Outbox message %s failed %s times, giving up: %s", message.pk, message.attempts, error)
    else:
        delay = min(2 ** (message.attempts - 1), BACKOFF_CAP_MINUTES)
        next_attempt_at = timezone.now() + timedelta(minutes=delay)
        logger.warning(
            "Outbox message %s failed (attempt %s), retry in %s min: %s", message.pk, message.attempts, delay, error
        )
    _still_claimed(message).update(
        status=OutboxMessage.Status.FAILED, last_error=error, next_attempt_at=next_attempt_at
    )


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
    # A message that has used all its attempts is given up (no claim matches a NULL time), like any failure.
    given_up = stuck.filter(attempts__gte=settings.OUTBOX_MAX_ATTEMPTS).update(
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


def notifications_for_user(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notifications_unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
