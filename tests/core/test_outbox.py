"""Mail is never lost silently: retries for days with a capped back-off, the pages of undelivered mail (who sees
which, resending), the outbox's health, and a real SMTP server behind a real worker through an outage."""

import email
import email.policy
import socket
import socketserver
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth.views import redirect_to_login
from django.core import mail
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog, OutboxMessage
from core.notifications import (
    backoff,
    mail_audience,
    mail_queue,
    notify,
    outbox_flush,
    outbox_health,
    outbox_resend,
    outbox_send,
)
from core.tasks import flush_outbox_task, send_outbox_task
from tests.conftest import ROLES
from tests.factories import UnitFactory, UserFactory, officer_of

FAILING = "tests.core.test_notifications.FailingBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def page_url(audience: str, key: str) -> str:
    return reverse("core:undelivered-mail", kwargs={"audience": audience, "key": key})


def resend_url(audience: str, key: str) -> str:
    return reverse("core:undelivered-mail-resend", kwargs={"audience": audience, "key": key})


def province_page(world) -> str:
    return page_url("province", str(world.bloc.province_id))


YEAR_PAGE = page_url("bloc-year", "ktdnc-2020")


def fail(message: OutboxMessage, *, give_up: bool = False) -> OutboxMessage:
    """One failed attempt (the SMTP server refuses), or a failure after the retry period: given up."""
    if give_up:
        OutboxMessage.objects.filter(pk=message.pk).update(
            retry_from=timezone.now() - timedelta(hours=73), next_attempt_at=timezone.now()
        )
    outbox_send(message_id=message.pk)
    message.refresh_from_db()
    return message


def mail_to(*users, title: str = "Nhắc hạn") -> list[OutboxMessage]:
    notify(users=users, title=title, body="Nội dung")
    return list(OutboxMessage.objects.filter(recipient__in=users).order_by("pk"))


# --- the retry period -------------------------------------------------------------------------------------


def test_the_back_off_doubles_from_one_minute_up_to_the_cap(settings):
    settings.OUTBOX_BACKOFF_CAP_MINUTES = 60
    waited = [0, 0.5, 1, 2, 3, 7, 15, 31, 63, 127, 60 * 24]

    assert [backoff(timedelta(minutes=m)) / timedelta(minutes=1) for m in waited] == [
        1,
        1,
        2,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
        60,
    ]


def test_a_message_is_retried_past_the_old_six_attempts_and_given_up_only_after_the_retry_period(db, settings):
    settings.EMAIL_BACKEND = FAILING
    settings.OUTBOX_RETRY_HOURS = 72
    (message,) = mail_to(UserFactory())
    for _attempt in range(10):  # the old rule gave up after six
        message = fail(message)
        OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    retrying = (message.status, message.delivery, message.attempts)

    message = fail(message, give_up=True)

    assert retrying == ("failed", "retrying", 10)
    assert (message.status, message.delivery, message.attempts, message.next_attempt_at) == (
        "failed",
        "given_up",
        11,
        None,
    )
    assert (outbox_flush(), mail.outbox) == (0, [])  # given up: no flush picks it up again


class OutOfTimeBackend:
    """An SMTP call under way when the task's soft time limit fires."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        from celery.exceptions import SoftTimeLimitExceeded

        raise SoftTimeLimitExceeded()


def test_a_task_out_of_time_records_the_attempt_and_stops_instead_of_starting_the_next(db, settings):
    from celery.exceptions import SoftTimeLimitExceeded

    settings.EMAIL_BACKEND = "tests.core.test_outbox.OutOfTimeBackend"
    first, second = mail_to(UserFactory(), UserFactory())

    with pytest.raises(SoftTimeLimitExceeded):
        send_outbox_task([first.pk, second.pk])

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.delivery, first.attempts) == ("failed", "retrying", 1)
    assert (second.status, second.attempts) == ("pending", 0)  # left for the next task or the flush


def test_notify_and_mail_queue_record_whose_mail_it_is(db):
    user = UserFactory(email="Nguyen.Van.A@example.vn")
    notify(users=[user], title="T", body="B")
    mail_queue(to_email="nguyen.van.a@example.vn", subject="Mời", body="B")
    mail_queue(to_email="ai.do@example.vn", subject="Mời", body="B")

    assert list(OutboxMessage.objects.order_by("pk").values_list("to_email", "recipient")) == [
        ("Nguyen.Van.A@example.vn", user.pk),
        ("nguyen.van.a@example.vn", user.pk),  # addresses are unique regardless of case
        ("ai.do@example.vn", None),
    ]


def test_the_health_figures_count_the_backlog_and_what_was_given_up(db, settings):
    settings.EMAIL_BACKEND = FAILING
    empty = outbox_health()
    queued, retrying, given_up, sent = (mail_to(UserFactory())[0] for _ in range(4))
    OutboxMessage.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(minutes=90))
    fail(retrying)
    fail(given_up, give_up=True)
    OutboxMessage.objects.filter(pk=sent.pk).update(status="sent", next_attempt_at=None)

    health = outbox_health()

    assert empty == {"backlog": 0, "given_up": 0, "oldest_unsent_seconds": None}
    assert health == {"backlog": 2, "given_up": 1, "oldest_unsent_seconds": pytest.approx(90 * 60, abs=5)}


# --- resending ----------------------------------------------------------------------------------------------


def test_resend_puts_the_message_back_due_now_with_a_fresh_retry_period_and_is_audited(world, settings):
    settings.EMAIL_BACKEND = FAILING
    message = fail(mail_to(world.member)[0], give_up=True)
    before = timezone.now()

    resent = outbox_resend(
        by=world.leader, audience=mail_audience("bloc-year"), target=world.year, message_ids=[message.pk]
    )

    message.refresh_from_db()
    assert resent == [message.pk]
    assert (message.status, message.delivery, message.attempts) == ("pending", "queued", 1)
    assert message.retry_from >= before and message.next_attempt_at == message.retry_from
    assert list(AuditLog.objects.values_list("actor", "action", "target_type", "target_id", "data")) == [
        (
            world.leader.pk,
            "core.outbox.resent",
            "blocs.emulationyear",
            str(world.year.pk),
            {"messages": [message.pk], "audience": "bloc-year"},
        )
    ]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert (outbox_flush(), outbox_flush(), [m.to for m in mail.outbox]) == (1, 0, [[world.member.email]])


def test_resend_leaves_alone_mail_being_sent_sent_or_outside_the_audience(world, settings):
    settings.EMAIL_BACKEND = FAILING
    sending, outsiders = mail_to(world.member)[0], fail(mail_to(world.outsider)[0], give_up=True)
    OutboxMessage.objects.filter(pk=sending.pk).update(status="sending", claimed_at=timezone.now())
    delivered = mail_to(world.deputy)[0]
    OutboxMessage.objects.filter(pk=delivered.pk).update(status="sent", next_attempt_at=None)
    audience = mail_audience("bloc-year")

    one = outbox_resend(by=world.leader, audience=audience, target=world.year, message_ids=[outsiders.pk])
    every = outbox_resend(by=world.leader, audience=audience, target=world.year)

    assert (one, every) == ([], [])
    assert list(OutboxMessage.objects.order_by("pk").values_list("status", flat=True)) == ["sending", "failed", "sent"]
    assert AuditLog.objects.count() == 0


def test_resend_asks_the_audiences_rule(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        outbox_resend(by=world.member, audience=mail_audience("bloc-year"), target=world.year)


# --- the pages: who sees whose mail ----------------------------------------------------------------------

PROVINCE_MAY = {"board"}
YEAR_MAY = {"leader", "board"}
# Who may know the page's object exists: the province is known to its board and the officers of its units, the
# year to the province's board and its member units. To the others it does not exist (404).
PROVINCE_KNOWN = {"outsider", "member", "deputy", "leader", "board"}
YEAR_KNOWN = {"member", "deputy", "leader", "board"}


def check_access(
    world, client_as, settings, role: str, audience: str, key: str, may: set[str], known: set[str]
) -> None:
    """The page and its resend, for one role: 200 and a resend for those who may, 403 for the others who may know
    the page's object and 404 for those who may not (nothing resent), the sign-in page for the anonymous."""
    settings.EMAIL_BACKEND = FAILING
    message = fail(mail_to(world.member)[0], give_up=True)
    url, post_url = page_url(audience, key), resend_url(audience, key)
    client = client_as(world.user(role))

    answers = (client.get(url).status_code, client.post(post_url, {"message": str(message.pk)}).status_code)

    message.refresh_from_db()
    if role == "anonymous":
        assert client.get(url)["Location"] == redirect_to_login(url).url
        assert answers == (302, 302)
    else:
        assert answers == ((200, 302) if role in may else (403, 403) if role in known else (404, 404))
    assert message.delivery == ("queued" if role in may else "given_up")
    assert AuditLog.objects.filter(action="core.outbox.resent").count() == (role in may)


@pytest.mark.parametrize("role", ROLES)
def test_the_province_page_is_for_its_board(world, client_as, settings, role):
    check_access(
        world, client_as, settings, role, "province", str(world.bloc.province_id), PROVINCE_MAY, PROVINCE_KNOWN
    )


@pytest.mark.parametrize("role", ROLES)
def test_the_bloc_year_page_is_for_the_leader_unit_and_the_board(world, client_as, settings, role):
    check_access(world, client_as, settings, role, "bloc-year", "ktdnc-2020", YEAR_MAY, YEAR_KNOWN)


@pytest.mark.parametrize(
    "url",
    [
        page_url("nobody", "1"),
        page_url("province", "999999"),
        page_url("province", "abc"),
        page_url("bloc-year", "ktdnc-1999"),
        page_url("bloc-year", "ktdnc"),
        page_url("bloc-year", "khac-2020"),
    ],
)
def test_an_unknown_audience_or_object_is_not_found(world, client_as, url):
    assert client_as(world.board).get(url).status_code == 404


def test_each_page_lists_the_undelivered_mail_of_its_own_people_only(world, client_as, settings):
    settings.EMAIL_BACKEND = FAILING
    other_province = officer_of(UnitFactory())  # a unit of another province
    fail(mail_to(world.outsider, title="Khối khác")[0])  # same province, another bloc
    fail(mail_to(world.member, title="Thành viên")[0], give_up=True)
    board = mail_to(world.board, title="Ban")[0]
    mail_to(other_province, title="Tỉnh khác")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail_to(world.deputy, title="Đã gửi")
    outbox_flush()  # sends the queued ones: the deputy's, the board's, the other province's
    OutboxMessage.objects.filter(pk=board.pk).update(status="pending", next_attempt_at=timezone.now())

    shown = {
        "board": client_as(world.board).get(province_page(world)).context["mails"],
        "leader": client_as(world.leader).get(YEAR_PAGE).context["mails"],
    }

    assert {role: [(m.subject, m.delivery) for m in mails] for role, mails in shown.items()} == {
        "board": [("Ban", "queued"), ("Thành viên", "given_up"), ("Khối khác", "retrying")],
        "leader": [("Thành viên", "given_up")],
    }


def test_the_page_shows_each_message_and_resends_one_or_all(world, client_as, settings):
    settings.EMAIL_BACKEND = FAILING
    first = fail(mail_to(world.member, title="Thứ nhất")[0], give_up=True)
    second = fail(mail_to(world.deputy, title="Thứ hai")[0])
    client = client_as(world.leader)

    html = client.get(YEAR_PAGE).content.decode()
    one = client.post(resend_url("bloc-year", "ktdnc-2020"), {"message": str(first.pk)})
    first.refresh_from_db()
    second.refresh_from_db()
    after_one = (first.delivery, second.delivery)
    every = client.post(resend_url("bloc-year", "ktdnc-2020"), {"all": "1"})
    second.refresh_from_db()

    assert f'data-mail="{first.pk}" data-delivery="given_up"' in html
    assert f'data-mail="{second.pk}" data-delivery="retrying"' in html
    assert "SMTPException: 421 Service not available" in html and world.member.email in html
    assert (one.status_code, one["Location"], every.status_code) == (302, YEAR_PAGE, 302)
    assert after_one == ("queued", "retrying")
    assert second.delivery == "queued"
    audited = list(AuditLog.objects.order_by("pk").values_list("data", flat=True))
    assert audited == [
        {"messages": [first.pk], "audience": "bloc-year"},
        {"messages": sorted([first.pk, second.pk]), "audience": "bloc-year"},
    ]


def test_a_resend_of_a_message_that_is_not_a_number_is_not_found(world, client_as):
    response = client_as(world.leader).post(resend_url("bloc-year", "ktdnc-2020"), {"message": "x"})

    assert response.status_code == 404


@pytest.mark.parametrize("n", [2, 12])
def test_the_page_costs_the_same_at_any_size(world, client_as, django_assert_max_num_queries, n):
    members = [officer_of(world.member_unit) for _ in range(n)]
    for user in members:
        mail_to(user)
    client = client_as(world.leader)

    with django_assert_max_num_queries(9):
        response = client.get(YEAR_PAGE)

    assert len(response.context["mails"]) == n


# --- the links, with their counts ---------------------------------------------------------------------------


def test_the_board_and_the_leader_are_linked_to_their_page_with_the_count(world, client_as, settings):
    settings.EMAIL_BACKEND = FAILING
    fail(mail_to(world.member)[0], give_up=True)
    fail(mail_to(world.outsider)[0])
    pages = {
        "board home": (world.board, reverse("dashboards:home"), province_page(world), 2),
        "reminder log": (
            world.leader,
            reverse("reports:reminders", kwargs={"slug": "ktdnc", "year": 2020}),
            YEAR_PAGE,
            1,
        ),
    }

    found = {}
    for name, (user, url, target, _count) in pages.items():
        html = client_as(user).get(url).content.decode()
        found[name] = [
            int(chunk.split('"', 1)[0]) for chunk in html.split(f'href="{target}" data-undelivered-mail="')[1:]
        ]

    assert found == {name: [count] for name, (_u, _url, _t, count) in pages.items()}


def test_an_officer_is_not_offered_the_pages(world, client_as):
    html = client_as(world.member).get(reverse("dashboards:home")).content.decode()

    assert "data-undelivered-mail" not in html


# --- a real SMTP server behind a real worker -----------------------------------------------------------------


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Enough SMTP for Django's backend (smtplib): EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 test ESMTP")
        recipients: list[str] = []
        while line := self.rfile.readline():
            verb = line[:4].decode("ascii", "replace").upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 test")
            elif verb == "MAIL":
                recipients = []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(line.decode().split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.received.append((recipients, email.message_from_bytes(data, policy=email.policy.default)))
                self.reply("250 OK: queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")  # RSET, NOOP


class SMTPServer:
    """A local SMTP server on a fixed port that can be down (nothing listens: connection refused) or up."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.received: list = []
        self._server = None

    def start(self) -> None:
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), _SMTPHandler)
        self._server.daemon_threads = True
        self._server.received = self.received
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def addressees(self) -> Counter:
        return Counter(address for recipients, _message in self.received for address in recipients)


@pytest.fixture
def smtp(settings):
    server = SMTPServer()
    settings.EMAIL_BACKEND = SMTP
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", server.port, 5
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    yield server
    server.stop()


@pytest.fixture
def worker_ran():
    """The names of the tasks the test worker has finished, in order (Celery's task_postrun signal: the worker is a
    thread of this process). Waiting on it rather than polling the database keeps the test's reads away from the
    worker's writes, which SQLite's shared in-memory test database would refuse ("table is locked")."""
    from celery.signals import task_postrun

    done: list[str] = []

    def record(sender=None, **_kwargs) -> None:
        done.append(sender.name)

    task_postrun.connect(record, weak=False)
    yield done
    task_postrun.disconnect(record)


def wait_for(done: list[str], **counts: int) -> None:
    """Until the worker has finished this many tasks of each name in all (send_outbox=…, flush_outbox=…)."""
    deadline = time.monotonic() + 30
    while any(done.count(f"core.{name}") < count for name, count in counts.items()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for the worker: it ran {done}")
        time.sleep(0.05)


def states() -> set[tuple[str, int]]:
    return set(OutboxMessage.objects.values_list("status", "attempts"))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_smtp_down_for_longer_than_the_old_give_up_time_then_every_message_is_sent_exactly_once(
    redis_worker, worker_ran, smtp
):
    users = [UserFactory() for _ in range(5)]
    with transaction.atomic():
        notify(users=users, title="Nhắc hạn nộp báo cáo", body="Còn 3 ngày.")
    wait_for(worker_ran, send_outbox=1)
    first = states()  # the worker tried each at once: connection refused

    # Three hours of outage, a flush every simulated quarter of an hour (the old rule gave up after six
    # attempts, 31 minutes): each step moves the messages' clock back and makes them due, as time passing would.
    during = []
    for step in range(1, 13):
        OutboxMessage.objects.update(
            created_at=F("created_at") - timedelta(minutes=15),
            retry_from=F("retry_from") - timedelta(minutes=15),
            next_attempt_at=timezone.now(),
        )
        flush_outbox_task.delay()
        wait_for(worker_ran, flush_outbox=step)
        during.append(states())
    waits = [when - timezone.now() for when in OutboxMessage.objects.values_list("next_attempt_at", flat=True)]
    errors = set(OutboxMessage.objects.values_list("last_error", flat=True))

    smtp.start()
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))
    flush_outbox_task.delay()
    send_outbox_task.delay(ids)  # a duplicate enqueue as well: the claim lets one of them send each message
    flush_outbox_task.delay()
    send_outbox_task.delay(ids)
    wait_for(worker_ran, flush_outbox=14, send_outbox=3)

    assert first == {("failed", 1)}
    assert during == [{("failed", step)} for step in range(2, 14)]  # never given up
    # Still retrying after three hours, an hour apart at most (the cap), with the server's refusal.
    assert all(timedelta(minutes=59) < wait <= timedelta(minutes=60) for wait in waits)
    assert len(errors) == 1 and "Connection refused" in errors.pop()
    assert states() == {("sent", 14)}
    assert smtp.addressees() == Counter({user.email: 1 for user in users})
    assert {message["Subject"] for _recipients, message in smtp.received} == {"Nhắc hạn nộp báo cáo"}
    assert outbox_health() == {"backlog": 0, "given_up": 0, "oldest_unsent_seconds": None}


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_mail_given_up_after_the_retry_period_is_shown_resent_and_sent_once(
    redis_worker, worker_ran, smtp, world, client
):
    with transaction.atomic():
        notify(users=[world.member], title="Nhắc hạn", body="Quá hạn 1 ngày.")
    wait_for(worker_ran, send_outbox=1)
    OutboxMessage.objects.update(
        created_at=F("created_at") - timedelta(hours=73),
        retry_from=F("retry_from") - timedelta(hours=73),
        next_attempt_at=timezone.now(),
    )
    flush_outbox_task.delay()
    wait_for(worker_ran, flush_outbox=1)
    given_up = [(m.status, m.attempts, m.next_attempt_at) for m in OutboxMessage.objects.all()]
    health = outbox_health()
    client.force_login(world.leader, backend="django.contrib.auth.backends.ModelBackend")
    shown = [(m.to_email, m.delivery) for m in client.get(YEAR_PAGE).context["mails"]]

    smtp.start()
    response = client.post(resend_url("bloc-year", "ktdnc-2020"), {"all": "1"})
    wait_for(worker_ran, send_outbox=2)
    flush_outbox_task.delay()
    wait_for(worker_ran, flush_outbox=2)

    assert given_up == [("failed", 2, None)]
    assert (health["backlog"], health["given_up"]) == (0, 1)
    assert shown == [(world.member.email, "given_up")]
    assert response.status_code == 302
    assert states() == {("sent", 3)}
    assert smtp.addressees() == Counter({world.member.email: 1})
    assert list(client.get(YEAR_PAGE).context["mails"]) == []
    assert outbox_health()["given_up"] == 0
    assert list(AuditLog.objects.values_list("actor", "action")) == [(world.leader.pk, "core.outbox.resent")]
