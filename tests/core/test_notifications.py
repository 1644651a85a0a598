"""Notifications and the mail outbox: rows in the caller's transaction, mail after commit, retries, no duplicates."""

import smtplib
import time
from datetime import timedelta

import pytest
from django.contrib.auth.views import redirect_to_login
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from core.context_processors import notifications as notifications_context
from core.models import AuditLog, Notification, OutboxMessage
from core.notifications import (
    notification_mark_all_read,
    notification_mark_read,
    notifications_unread_count,
    notify,
    outbox_flush,
    outbox_send,
)
from tests.factories import UserFactory

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "tests.core.test_notifications.FailingBackend"
LIST = reverse("core:notification-list")


class FailingBackend(BaseEmailBackend):
    """An SMTP server that answers "try again later"."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("421 Service not available, try again later")


@pytest.fixture(autouse=True)
def fresh_broker_pools():
    """No broker pool cached in Celery or kombu survives a test here.

    An eager delay() (after commit, in most tests here) acquires a producer, which caches a pool for
    the test settings' broker in app.amqp and in kombu's global pool registry. redis_worker closes
    app.pool but leaves those caches, so a later publish, here or in test_worker.py, fails with
    "Acquire on closed pool".
    """
    from kombu import pools

    from config.celery import app

    def drop() -> None:
        pools.reset()  # closes and forgets every pool kombu holds
        app._pool = None
        app.amqp._producer_pool = None

    drop()
    yield
    drop()


def read_url(notification: Notification) -> str:
    return reverse("core:notification-read", kwargs={"pk": notification.pk})


def outbox_rows() -> list[tuple]:
    return list(OutboxMessage.objects.order_by("pk").values_list("to_email", "status", "attempts"))


@pytest.fixture
def later(monkeypatch):
    """`later(minutes)` sets the clock that many minutes after the real present."""
    real_now = timezone.now

    def move(minutes: float) -> None:
        moved = real_now() + timedelta(minutes=minutes)
        monkeypatch.setattr(timezone, "now", lambda: moved)

    return move


# --- notify --------------------------------------------------------------------------------------------


def test_notify_creates_a_notification_per_active_user_and_mail_for_those_with_an_address(db, settings):
    settings.SITE_URL = ""  # no link line in the mail body
    with_mail = UserFactory(username="an", email="an@example.vn")
    without_mail = UserFactory(username="binh", email="")
    inactive = UserFactory(username="chi", is_active=False)

    created = notify(
        users=[with_mail, without_mail, inactive, with_mail], title="Hạn nộp báo cáo", body="Còn 3 ngày.", link="/a/"
    )

    assert [(n.recipient, n.title, n.body, n.link, n.read_at) for n in created] == [
        (with_mail, "Hạn nộp báo cáo", "Còn 3 ngày.", "/a/", None),
        (without_mail, "Hạn nộp báo cáo", "Còn 3 ngày.", "/a/", None),
    ]
    assert Notification.objects.count() == 2
    assert list(OutboxMessage.objects.values_list("to_email", "subject", "body", "status", "attempts")) == [
        ("an@example.vn", "Hạn nộp báo cáo", "Còn 3 ngày.", "pending", 0)
    ]


def test_notify_without_email_writes_no_mail(db):
    user = UserFactory()

    notify(users=[user], title="T", body="B", email=False)

    assert (Notification.objects.count(), OutboxMessage.objects.count()) == (1, 0)


def test_notify_twice_with_one_dedupe_key_notifies_and_queues_mail_once(db):
    first, second = UserFactory(email="a@example.vn"), UserFactory(email="b@example.vn")

    made_first = notify(users=[first], title="Nhắc hạn", body="", dedupe_key="deadline:7:-1")
    made_again = notify(users=[first, second], title="Nhắc hạn", body="", dedupe_key="deadline:7:-1")

    assert ([n.recipient for n in made_first], [n.recipient for n in made_again]) == ([first], [second])
    assert sorted(OutboxMessage.objects.values_list("dedupe_key", "to_email")) == [
        (f"deadline:7:-1:{first.pk}", "a@example.vn"),
        (f"deadline:7:-1:{second.pk}", "b@example.vn"),
    ]
    assert Notification.objects.count() == 2


def test_notify_renders_lazy_text_in_each_recipients_language(db):
    vietnamese, english = UserFactory(language="vi"), UserFactory(language="en")

    created = notify(users=[vietnamese, english], title=gettext_lazy("Log in"), body="")

    assert [n.title for n in created] == ["Đăng nhập", "Log in"]


def test_a_notification_reads_in_the_language_its_recipient_uses_now(db, client_as):
    officer = UserFactory(language="vi")
    notify(users=[officer], title=gettext_lazy("Log in"), body=gettext_lazy("Log out"))
    client = client_as(officer)
    assert "Đăng nhập" in client.get(LIST).content.decode()

    client.post(reverse("core:set-language"), {"language": "en", "next": LIST})
    html = client.get(LIST).content.decode()

    assert "Log in" in html and "Log out" in html and "Đăng nhập" not in html


def test_the_classification_labels_show_in_the_readers_language():
    from core.i18n import grade_label

    with translation.override("en"):
        assert [grade_label(g) for g in ("Xuất sắc", "Tốt", "Khá", "Không hoàn thành", "Loại A", "")] == [
            "Excellent",
            "Good",
            "Fair",
            "Not completed",
            "Loại A",
            "",
        ]
    with translation.override("vi"):
        assert grade_label("Xuất sắc") == "Xuất sắc"


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_notify_refuses_a_link_off_the_site(db, link):
    with pytest.raises(ValueError):
        notify(users=[UserFactory()], title="T", body="B", link=link)

    assert Notification.objects.count() == 0


def test_mail_goes_out_only_after_commit(db, django_capture_on_commit_callbacks):
    user = UserFactory(email="an@example.vn")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(users=[user], title="Kế hoạch đã ban hành", body="Xem kế hoạch.")
        sent_before_commit = len(mail.outbox)

    assert (sent_before_commit, len(callbacks)) == (0, 2)  # the mail's enqueue, and the page cache's touch
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["an@example.vn"], "Kế hoạch đã ban hành", "Xem kế hoạch.")
    ]
    assert outbox_rows() == [("an@example.vn", "sent", 1)]


def test_a_rolled_back_transaction_leaves_no_notification_and_sends_nothing(db, django_capture_on_commit_callbacks):
    user = UserFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(users=[user], title="T", body="B")
        raise RuntimeError("the caller's service failed")

    assert (Notification.objects.count(), OutboxMessage.objects.count(), callbacks, mail.outbox) == (0, 0, [], [])


# --- the outbox ---------------------------------------------------------------------------------------------


def test_a_failing_server_leaves_the_message_failed_and_a_later_flush_sends_it_once(
    db, settings, django_capture_on_commit_callbacks, later
):
    user = UserFactory(email="an@example.vn")
    settings.EMAIL_BACKEND = FAILING

    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[user], title="T", body="B")

    message = OutboxMessage.objects.get()
    assert (message.status, message.attempts, mail.outbox) == ("failed", 1, [])
    assert message.last_error == "SMTPException: 421 Service not available, try again later"
    assert message.next_attempt_at - timezone.now() == pytest.approx(timedelta(minutes=1), abs=timedelta(seconds=5))

    settings.EMAIL_BACKEND = LOCMEM
    not_yet_due = outbox_flush()
    later(minutes=1.5)
    sent = outbox_flush()
    sent_again = outbox_flush()

    assert (not_yet_due, sent, sent_again, len(mail.outbox)) == (0, 1, 0, 1)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error, message.next_attempt_at) == ("sent", 2, "", None)


def test_retries_back_off_to_the_cap_and_give_up_only_when_the_retry_period_is_over(db, settings, later):
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_BACKOFF_CAP_MINUTES = 60
    settings.OUTBOX_RETRY_HOURS = 72
    notify(users=[UserFactory()], title="T", body="B")
    message = OutboxMessage.objects.get()
    delays = []

    for minute in (0, 2, 5, 10, 40, 24 * 60, 72 * 60 - 1, 72 * 60, 80 * 60):
        later(minutes=minute)
        outbox_send(message_id=message.pk)
        message.refresh_from_db()
        due_in = message.next_attempt_at and message.next_attempt_at - timezone.now()
        delays.append(due_in and round(due_in.total_seconds() / 60))

    # 1, 2, 4 … minutes, at most an hour; the last retry at the end of the 72 hours; then given up (the old rule
    # gave up after six attempts, at about 31 minutes). The last call finds it given up and does nothing.
    assert delays == [1, 2, 4, 8, 32, 60, 1, None, None]
    assert (message.status, message.delivery, message.attempts, mail.outbox) == ("failed", "given_up", 8, [])


def test_the_conditional_claim_sends_a_message_once_however_often_it_is_asked(db):
    notify(users=[UserFactory(email="an@example.vn")], title="T", body="B")
    message = OutboxMessage.objects.get()

    results = [outbox_send(message_id=message.pk), outbox_send(message_id=message.pk), outbox_flush()]

    assert (results, len(mail.outbox)) == ([True, False, 0], 1)


def test_a_message_another_worker_is_sending_is_left_alone(db):
    notify(users=[UserFactory()], title="T", body="B")
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENDING)

    results = (outbox_send(message_id=message.pk), outbox_flush())

    assert (results, mail.outbox) == ((False, 0), [])


# --- reading -------------------------------------------------------------------------------------------


def test_mark_read_and_mark_all_read(db):
    user, other = UserFactory(), UserFactory()
    first, second, _third = (notify(users=[user], title=title, body="")[0] for title in ("1", "2", "3"))

    notification_mark_read(notification=first, by=user)
    counts = [notifications_unread_count(user)]
    with pytest.raises(PermissionDenied):
        notification_mark_read(notification=second, by=other)
    counts.append(notifications_unread_count(user))
    counts.append(notification_mark_all_read(by=user))
    counts.append(notifications_unread_count(user))

    assert counts == [2, 2, 2, 0]


def test_the_unread_count_in_the_layout_is_lazy(db, rf, django_assert_num_queries):
    user = UserFactory()
    notify(users=[user], title="T", body="B")
    request = rf.get("/")
    request.user = user

    with django_assert_num_queries(0):
        context = notifications_context(request)
    with django_assert_num_queries(1):
        shown = str(context["ktd_unread_notifications"])

    assert shown == "1"


# --- views ---------------------------------------------------------------------------------------------


def test_the_list_shows_the_users_notifications_newest_first_with_the_unread_count(db, client_as):
    user = UserFactory()
    notify(users=[user], title="Cũ", body="")
    notify(users=[user, UserFactory()], title="Mới", body="", link="/years/2020/")
    Notification.objects.filter(title="Cũ").update(read_at=timezone.now())

    response = client_as(user).get(LIST)

    assert response.status_code == 200
    assert [(n.title, n.is_read) for n in response.context["notifications"]] == [("Mới", False), ("Cũ", True)]
    html = response.content.decode()
    assert html.count("list-group-item-warning") == 1
    with translation.override("vi"):
        label = translation.gettext("unread notifications")
    assert f'1<span class="visually-hidden"> {label}</span>' in html


def test_the_list_is_paginated_thirty_a_page(db, client_as):
    user = UserFactory()
    Notification.objects.bulk_create([Notification(recipient=user, title=str(i)) for i in range(31)])
    client = client_as(user)

    sizes = [len(client.get(LIST, {"page": page}).context["notifications"]) for page in (1, 2)]

    assert sizes == [30, 1]


def test_mark_all_as_read_view(db, client_as):
    user = UserFactory()
    notify(users=[user], title="1", body="")
    notify(users=[user], title="2", body="")

    response = client_as(user).post(reverse("core:notification-read-all"))

    assert (response.status_code, response["Location"], notifications_unread_count(user)) == (302, LIST, 0)


def test_the_recipient_opening_a_notification_marks_it_read_and_follows_its_link(db, client_as):
    user = UserFactory()
    (notification,) = notify(users=[user], title="T", body="", link="/years/2020/?tab=plan")

    response = client_as(user).post(read_url(notification))

    notification.refresh_from_db()
    assert (response.status_code, response["Location"], notification.is_read) == (302, "/years/2020/?tab=plan", True)


@pytest.mark.parametrize("link", ["", "https://evil.example/", "//evil.example/"])
def test_without_a_site_link_opening_a_notification_returns_to_the_list(db, client_as, link):
    user = UserFactory()
    # Written directly: notify() refuses such links, this checks the view does not trust the row.
    notification = Notification.objects.create(recipient=user, title="T", link=link)

    response = client_as(user).post(read_url(notification))

    assert (response.status_code, response["Location"]) == (302, LIST)


def test_someone_elses_notification_is_not_found_and_stays_unread(db, client_as):
    (notification,) = notify(users=[UserFactory()], title="T", body="", link="/x/")

    response = client_as(UserFactory()).post(read_url(notification))

    notification.refresh_from_db()
    assert (response.status_code, notification.is_read) == (404, False)


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_is_sent_to_log_in(db, client, method):
    (notification,) = notify(users=[UserFactory()], title="T", body="")

    responses = [getattr(client, method)(url) for url in (LIST, read_url(notification))]

    expected = [redirect_to_login(url).url for url in (LIST, read_url(notification))]
    assert [(r.status_code, r["Location"]) for r in responses] == [(302, url) for url in expected]


def test_reading_needs_post(db, client_as):
    user = UserFactory()
    (notification,) = notify(users=[user], title="T", body="")

    response = client_as(user).get(read_url(notification))

    notification.refresh_from_db()
    assert (response.status_code, notification.is_read) == (405, False)


NOTIFICATIONS_PAGE_QUERIES = 6


@pytest.mark.parametrize("n", [3, 30])
def test_notifications_page_query_count(db, client_as, django_assert_max_num_queries, n):
    user = UserFactory()
    for i in range(n):
        notify(users=[user], title=f"Thông báo {i}", body="Nội dung", link=f"/x/{i}/")
    client = client_as(user)

    with django_assert_max_num_queries(NOTIFICATIONS_PAGE_QUERIES):
        response = client.get(LIST)

    assert len(response.context["notifications"]) == n


def test_admin_lists_notifications_and_the_outbox(db, client_as):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    notify(users=[admin_user], title="T", body="B")
    client = client_as(admin_user)

    statuses = [
        client.get(reverse(f"admin:core_{model}_changelist")).status_code for model in ("notification", "outboxmessage")
    ]

    assert statuses == [200, 200]


def test_admin_retries_a_failed_email_now(db, client_as, settings):
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    settings.EMAIL_BACKEND = FAILING
    notify(users=[admin_user], title="T", body="B")
    message = OutboxMessage.objects.get()
    outbox_send(message_id=message.pk)
    settings.EMAIL_BACKEND = LOCMEM

    client_as(admin_user).post(
        reverse("admin:core_outboxmessage_changelist"), {"action": "retry_now", "_selected_action": [message.pk]}
    )
    sent = outbox_flush()

    assert (sent, outbox_rows()) == (1, [(admin_user.email, "sent", 2)])
    assert list(AuditLog.objects.values_list("actor", "action", "data")) == [
        (admin_user.pk, "core.outbox.resent", {"messages": [message.pk], "via": "admin"})
    ]


# --- a real worker --------------------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_committed_notify_is_mailed_by_the_real_worker(redis_worker, settings):
    settings.EMAIL_BACKEND = LOCMEM  # locmem's outbox is per process; the test worker is a thread of this one
    user = UserFactory(email="an@example.vn")

    with transaction.atomic():
        notify(users=[user], title="Qua hàng đợi", body="Gửi bởi worker.")

    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not OutboxMessage.objects.filter(status="sent").exists():
        time.sleep(0.1)
    assert outbox_rows() == [("an@example.vn", "sent", 1)]
    assert [(m.to, m.subject) for m in mail.outbox] == [(["an@example.vn"], "Qua hàng đợi")]
