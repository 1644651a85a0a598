"""Faults of the background work (issue 16): every rendering ends, done or failed in words with "Try again"; a
broker that is down when a file is asked for costs no 500; the queues cannot block each other.

The first tests run anywhere (eager Celery, as the suite does, and a broker on a port that refuses or never
answers). Those marked `worker` run real worker processes (tests/conftest.py `worker_processes`) against a real
Redis and the test's own PostgreSQL database; they kill workers with SIGKILL and put a silent SMTP server in front
of the mail worker."""

import dataclasses
import datetime
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from core.documents import Block, Header, OfficialDocument, Signature, registry
from core.documents.services import document_render, document_request, document_retry, renderings_sweep
from core.models import AuditLog, OutboxMessage, RenderedDocument
from tests.conftest import ROLES, _reset_pools
from tests.factories import UserFactory

Status = RenderedDocument.Status
Failure = RenderedDocument.Failure
Y = {"slug": "ktdnc", "year": 2020}
MEMO_KIND = "tests.memo"
# The path of a file, in a worker's environment: the first rendering that finds it deletes it and hangs (a
# rendering under way when the worker is killed). Only this test's workers are given it.
SLOW_MARKER = "KTD_TEST_SLOW_RENDER_MARKER"
UNSENT_WORDS = "The file server is paused for now; the file will be made as soon as it is reachable again."
UNSENT_MESSAGE = "The file server is paused for now; the %(format)s file will be made as soon as it is reachable again."


def _load_memo(pk: str):
    from core.models import User

    marker = os.environ.get(SLOW_MARKER)
    if marker and os.path.exists(marker):
        os.remove(marker)
        time.sleep(120)
    return User.objects.get(pk=pk)


def _memo(user) -> OfficialDocument:
    return OfficialDocument(
        header=Header("UBND TỈNH HÀ GIANG", "KHỐI THI ĐUA", "01/GN-KTĐ", "Hà Giang", datetime.date(2025, 1, 2)),
        doc_type="GHI NHỚ",
        title_lines=[f"Ghi nhớ gửi {user.full_name}"],
        blocks=[Block("paragraph", "Đánh giá **khách quan**, *toàn diện* kết quả thực hiện nhiệm vụ.")],
        signature=Signature("TM. KHỐI", "", "KHỐI TRƯỞNG", "Nguyễn Văn A"),
        file_stem=f"ghi-nho-{user.pk}",
    )


# A small real document (a PDF by WeasyPrint) about a user: a kind of the test, registered in the test process
# by the `memo_kind` fixture and in each worker process by PRELUDE.
MEMO = registry.DocumentKind(
    name=MEMO_KIND, load=_load_memo, build=_memo, version=lambda user: 1, view_action="tests.memo"
)
PRELUDE = (
    "from core.documents import registry\nfrom tests.core.test_faults_rendering import MEMO\nregistry.register(MEMO)"
)


@pytest.fixture
def memo_kind():
    registry.register(MEMO)
    yield MEMO
    registry._kinds.pop(MEMO_KIND, None)


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    return tmp_path


def vi(msgid: str) -> str:
    """The Vietnamese wording (the msgid itself until the translation lands): the suite's language."""
    with translation.override("vi"):
        return gettext(msgid)


def interrupted_words(attempts: int) -> str:
    with translation.override("vi"):
        return ngettext(
            "The file was not made: the file server stopped while making it, %(attempts)s time.",
            "The file was not made: the file server stopped while making it, %(attempts)s times.",
            attempts,
        ) % {"attempts": attempts}


def issued_plan(world):
    from conference.services import plan as plans
    from tests.conference.test_views import plan_2020_for, tasks_for

    plan = plans.plan_save(
        plan=plan_2020_for(world.year),
        tasks=tasks_for(world.year),
        contributions=[],
        expected_version=None,
        by=world.leader,
    )
    return plans.plan_issue(plan=plan, number=53, by=world.leader)


def plan_row(plan, **fields) -> RenderedDocument:
    """A rendering of the issued plan as the worker records it: of its issued text's revision."""
    return RenderedDocument.objects.create(
        kind="conference.plan",
        object_id=str(plan.pk),
        format="pdf",
        state=RenderedDocument.State.ISSUED,
        object_version=plan.version,
        object_revision=plan.edit_version,
        **fields,
    )


def memo_row(user, **fields) -> RenderedDocument:
    return RenderedDocument.objects.create(
        kind=MEMO_KIND, object_id=str(user.pk), format="pdf", requested_by=user, **{"attempts": 1, **fields}
    )


def stored_files(folder) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


# --- the claim, the fence and the sweep (eager) -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_rendering_is_claimed_once_and_a_fresh_claim_is_left_alone(memo_kind, private_storage, settings):
    settings.RENDER_STUCK_SECONDS = 60
    user = UserFactory()
    rendered = memo_row(user)
    claimed_at = timezone.now() - timedelta(seconds=30)
    RenderedDocument.objects.filter(pk=rendered.pk).update(status=Status.RENDERING, claimed_at=claimed_at)

    # Delivered again while another worker renders it (claimed 30 s ago, under RENDER_STUCK_SECONDS): left alone.
    again = document_render(rendered_id=rendered.pk)
    assert (again.status, again.claimed_at, again.file.name) == (Status.RENDERING, claimed_at, "")

    # Claimed longer ago than RENDER_STUCK_SECONDS: its worker was lost, the next delivery takes it over.
    settings.RENDER_STUCK_SECONDS = 10
    done = document_render(rendered_id=rendered.pk)
    assert (done.status, done.failure, done.error, done.attempts) == (Status.DONE, "", "", 1)
    assert done.claimed_at > claimed_at
    assert default_storage.open(done.file.name).read(5) == b"%PDF-"

    # Once more (a message delivered a third time): done stays done, nothing is rendered again.
    assert document_render(rendered_id=rendered.pk).updated_at == done.updated_at
    assert stored_files(private_storage) == [done.file.name]


@pytest.mark.django_db
def test_a_worker_that_lost_its_claim_writes_nothing_and_keeps_no_file(memo_kind, private_storage, settings):
    """The first worker hangs past RENDER_STUCK_SECONDS; the sweep hands the rendering over and another worker
    (eager: at once) makes it; when the first comes back, its outcome is not written and its file is deleted."""
    user = UserFactory()
    swept = []

    def hanging_build(record):
        if not swept:  # the first worker's build (the second worker's build comes inside the sweep)
            swept.append(None)
            swept[0] = renderings_sweep(now=timezone.now() + timedelta(seconds=settings.RENDER_STUCK_SECONDS + 1))
        return _memo(record)

    registry.register(dataclasses.replace(MEMO, build=hanging_build))
    rendered = memo_row(user)

    first = document_render(rendered_id=rendered.pk)

    assert swept == [{"handed_over": 1, "unsent": 0, "given_up": 0}]
    assert (first.status, first.attempts) == (Status.DONE, 2)  # the second worker's outcome
    assert stored_files(private_storage) == [first.file.name]  # the first worker's file is gone


@pytest.mark.django_db
def test_the_sweep_ends_every_rendering_left_behind(memo_kind, private_storage, settings):
    settings.RENDER_STUCK_SECONDS, settings.RENDER_PENDING_SECONDS, settings.RENDER_MAX_ATTEMPTS = 180, 120, 3
    user = UserFactory()
    now = timezone.now()
    long_ago = now - timedelta(hours=1)

    def row(status, **fields):
        rendered = memo_row(user, status=status, attempts=fields.pop("attempts", 1))
        RenderedDocument.objects.filter(pk=rendered.pk).update(**{"updated_at": long_ago, **fields})
        return rendered.pk

    rows = {
        "its worker was lost": row(Status.RENDERING, claimed_at=long_ago),
        "its worker was lost 3 times": row(Status.RENDERING, claimed_at=long_ago, attempts=3),
        "claimed before claims were recorded": row(Status.RENDERING, attempts=0),
        "being rendered": row(Status.RENDERING, claimed_at=now - timedelta(seconds=100), updated_at=now),
        "its message was lost": row(Status.PENDING),
        "no worker took it, 3 times": row(Status.PENDING, attempts=3),
        "asked for a moment ago": row(Status.PENDING, updated_at=now - timedelta(seconds=60)),
        "the broker was down": row(Status.FAILED, failure=Failure.UNSENT, attempts=0),
        "a broken document": row(Status.FAILED, failure=Failure.ERROR, error="ValueError: x"),
        "done": row(Status.DONE),
    }

    counts = renderings_sweep(now=now)  # eager: each rendering handed over is made at once

    assert counts == {"handed_over": 4, "unsent": 0, "given_up": 2}
    state = {
        name: RenderedDocument.objects.values_list("status", "failure", "attempts").get(pk=pk)
        for name, pk in rows.items()
    }
    assert state == {
        "its worker was lost": (Status.DONE, "", 2),
        "its worker was lost 3 times": (Status.FAILED, Failure.INTERRUPTED, 3),
        "claimed before claims were recorded": (Status.DONE, "", 1),
        "being rendered": (Status.RENDERING, "", 1),
        "its message was lost": (Status.DONE, "", 2),
        "no worker took it, 3 times": (Status.FAILED, Failure.NOT_STARTED, 3),
        "asked for a moment ago": (Status.PENDING, "", 1),
        "the broker was down": (Status.DONE, "", 1),
        "a broken document": (Status.FAILED, Failure.ERROR, 1),
        "done": (Status.DONE, "", 1),
    }
    assert renderings_sweep(now=now) == {"handed_over": 0, "unsent": 0, "given_up": 0}


@pytest.mark.django_db
def test_a_failed_rendering_says_why_in_words_offers_try_again_and_stops_polling(memo_kind, settings):
    user = UserFactory()
    cases = [
        (Failure.UNSENT, 0, vi(UNSENT_WORDS)),
        (Failure.TIMEOUT, 1, vi("The file was not made: it took too long and was stopped.")),
        (Failure.INTERRUPTED, 3, interrupted_words(3)),
        (Failure.NOT_STARTED, 3, vi("The file was not made: no file server took up the request.")),
        (Failure.ERROR, 1, vi("The file was not made: the document could not be rendered.")),
    ]
    for failure, attempts, words in cases:
        rendered = memo_row(user, status=Status.FAILED, failure=failure, attempts=attempts, error="OSError: disk")
        html = render_to_string("core/_document_status.html", {"doc": rendered})
        assert escape(words) in html, failure
        assert f'action="{reverse("core:document-retry", args=[rendered.pk])}"' in html
        assert vi("Try again") in html and "spinner-border" not in html
        # Only a rendering the sweep will make by itself still looks for news (every 5 s); the others stop.
        polls = 'hx-trigger="load delay:5s"' if failure == Failure.UNSENT else None
        assert polls in html if polls else "hx-get" not in html, failure
    assert "(OSError: disk)" in html  # a broken document's error, for whoever reports it
    waiting = render_to_string("core/_document_status.html", {"doc": memo_row(user)})
    assert 'hx-trigger="load delay:1s"' in waiting and "spinner-border" in waiting and vi("Try again") not in waiting


@pytest.mark.django_db
def test_try_again_hands_a_failed_rendering_over_once(memo_kind, private_storage, django_capture_on_commit_callbacks):
    user = UserFactory()
    rendered = memo_row(user, status=Status.FAILED, failure=Failure.INTERRUPTED, attempts=3, error="Interrupted")

    with django_capture_on_commit_callbacks(execute=True):
        retried = document_retry(rendered=rendered, by=user)
    with django_capture_on_commit_callbacks(execute=True) as again:
        document_retry(rendered=retried, by=user)  # asked twice: the second finds it done and does nothing

    retried.refresh_from_db()
    assert (retried.status, retried.failure, retried.error, retried.attempts) == (Status.DONE, "", "", 1)
    assert again == []
    assert list(AuditLog.objects.filter(action="core.document.retried").values_list("actor", flat=True)) == [user.pk]


# --- "Try again" through its URL: who may ---------------------------------------------------------------------

VIEWERS = ("board", "leader", "deputy", "member")  # who may ask for the issued plan's files


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_try_again_is_for_whoever_may_ask_for_the_file(world, client_as, role):
    plan = issued_plan(world)
    rendered = plan_row(plan, status=Status.FAILED, failure=Failure.ERROR)
    url = reverse("core:document-retry", args=[rendered.pk])
    page = reverse("conference:plan", kwargs=Y)
    client = client_as(world.user(role))

    assert client.get(url).status_code in (302, 405)  # GET changes nothing (anonymous: to the login page)
    response = client.post(url, HTTP_REFERER=f"http://testserver{page}")

    rendered.refresh_from_db()
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    elif role in VIEWERS:
        assert (response.status_code, response["Location"]) == (302, f"http://testserver{page}")
    else:  # every other signed-in role is outside the plan's year: to them it does not exist
        assert response.status_code == 404
    assert rendered.status == (Status.PENDING if role in VIEWERS else Status.FAILED)


@pytest.mark.django_db
def test_try_again_from_the_page_answers_with_the_row_polling_again(world, client_as):
    plan = issued_plan(world)
    rendered = plan_row(plan, status=Status.FAILED, failure=Failure.ERROR)
    response = client_as(world.member).post(
        reverse("core:document-retry", args=[rendered.pk]), HTTP_REFERER="https://evil.example/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<li") and f'hx-get="{reverse("core:document-status", args=[rendered.pk])}"' in html
    assert 'hx-trigger="load delay:1s"' in html and vi("Try again") not in html

    other = plan_row(plan, status=Status.FAILED, failure=Failure.ERROR)
    elsewhere = client_as(world.member).post(
        reverse("core:document-retry", args=[other.pk]), HTTP_REFERER="https://evil.example/"
    )
    assert elsewhere["Location"] == "/"  # never back to another site


# --- the broker down when a file is asked for (no worker needed) -------------------------------------------------


@contextmanager
def broker_at(url: str):
    """The test process publishes to `url` with the transport options of the settings (as for a Redis broker)."""
    from django.conf import settings

    from config.celery import app

    old = app.conf.broker_url, app.conf.broker_transport_options, settings.CELERY_TASK_ALWAYS_EAGER
    app.conf.broker_url = url
    app.conf.broker_transport_options = {
        "socket_connect_timeout": settings.CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": settings.CELERY_BROKER_SOCKET_TIMEOUT,
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    _reset_pools(app)
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.broker_transport_options, settings.CELERY_TASK_ALWAYS_EAGER = old
        _reset_pools(app)


@contextmanager
def silent_server():
    """A TCP server that accepts every connection and never answers (a hung Redis or SMTP server); yields its port
    and the connections it holds."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield server.getsockname()[1], held
    finally:
        server.close()
        for connection in held:
            connection.close()


@contextmanager
def unreachable_broker(kind: str):
    if kind == "refused":
        with socket.create_server(("127.0.0.1", 0)) as probe:
            port = probe.getsockname()[1]  # closed again when the probe closes: connections are refused
        with broker_at(f"redis://127.0.0.1:{port}/9"):
            yield
    else:
        with silent_server() as (port, _held), broker_at(f"redis://127.0.0.1:{port}/9"):
            yield


def ask_for_the_plan_pdf(client):
    started = time.monotonic()
    response = client.post(reverse("conference:plan-render", kwargs={**Y, "fmt": "pdf"}), follow=True)
    return response, time.monotonic() - started


@pytest.mark.django_db(transaction=True)  # the request's own commit hands the rendering over, as in production
@pytest.mark.parametrize("broker", ["refused", "silent"])
def test_a_broker_that_is_down_costs_no_500_and_says_so(world, client_as, broker, settings):
    plan = issued_plan(world)
    client = client_as(world.member)

    with unreachable_broker(broker):
        response, seconds = ask_for_the_plan_pdf(client)

    assert response.status_code == 200
    assert seconds < 3 * settings.CELERY_BROKER_SOCKET_TIMEOUT  # a few seconds, never a hung request
    rendered = RenderedDocument.objects.get()
    assert (rendered.object_id, rendered.status, rendered.failure, rendered.attempts) == (
        str(plan.pk),
        Status.FAILED,
        Failure.UNSENT,
        0,
    )
    html = response.content.decode()
    assert escape(vi(UNSENT_MESSAGE) % {"format": "PDF"}) in html  # the message, in the user's Vietnamese
    assert escape(vi(UNSENT_WORDS)) in html  # and the row's words, with "Try again"
    assert reverse("core:document-retry", args=[rendered.pk]) in html


def test_the_settings_give_a_redis_broker_its_timeouts():
    script = "from django.conf import settings; print(settings.CELERY_BROKER_TRANSPORT_OPTIONS)"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "CELERY_BROKER_URL": "redis://127.0.0.1:1/9"}
    env.update(CELERY_BROKER_CONNECTION_TIMEOUT="1.5", CELERY_BROKER_SOCKET_TIMEOUT="2.5")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "{'socket_connect_timeout': 1.5, 'socket_timeout': 2.5}"


# --- real worker processes --------------------------------------------------------------------------------------


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout} s: {what}")


def status_of(rendered) -> str:
    return RenderedDocument.objects.values_list("status", flat=True).get(pk=rendered.pk)


def ended(rendered, timeout: float) -> RenderedDocument:
    """Done, or failed for good (not only unsent: the sweep makes that one by itself)."""

    def has_ended() -> bool:
        rendered.refresh_from_db()
        return rendered.status == Status.DONE or (rendered.status == Status.FAILED and not rendered.will_retry)

    wait_for(has_ended, timeout, f"rendering {rendered.pk} ends")
    return rendered


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_the_rendering_still_ends(worker_processes, memo_kind, tmp_path):
    marker = tmp_path / "hang-once"
    marker.touch()
    faults = {SLOW_MARKER: str(marker), "RENDER_STUCK_SECONDS": "2", "RENDER_SWEEP_SECONDS": "1"}
    first = worker_processes.start("documents", ["documents"], env=faults, prelude=PRELUDE).wait_ready()
    user = UserFactory()

    rendered = document_request(kind=MEMO_KIND, obj=user, fmt="pdf", by=user)
    wait_for(lambda: status_of(rendered) == Status.RENDERING and not marker.exists(), 20, "the worker hangs in it")
    first.kill()  # SIGKILL, with its pool: as when its container is killed
    assert status_of(rendered) == Status.RENDERING

    # Another worker, with beat sweeping every second: the lost rendering is handed over to it.
    worker_processes.start("documents-and-beat", ["documents", "tick"], beat=True, env=faults, prelude=PRELUDE)
    rendered = ended(rendered, 25)

    assert (rendered.status, rendered.failure, rendered.attempts) == (Status.DONE, "", 2), rendered.error
    assert default_storage.open(rendered.file.name).read(5) == b"%PDF-"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_rendering_delivered_again_is_not_made_twice_and_ends_failed_with_try_again(
    worker_processes, memo_kind, tmp_path
):
    from core.tasks import sweep_renderings_task

    marker = tmp_path / "hang-once"
    marker.touch()
    # Over the few seconds the worker takes to see its process lost and take the message back.
    stuck = 12
    faults = {SLOW_MARKER: str(marker), "RENDER_STUCK_SECONDS": str(stuck), "RENDER_MAX_ATTEMPTS": "1"}
    worker = worker_processes.start("documents-tick", ["documents", "tick"], env=faults, prelude=PRELUDE)
    worker.wait_ready()
    user = UserFactory()
    rendered = document_request(kind=MEMO_KIND, obj=user, fmt="pdf", by=user)
    wait_for(lambda: status_of(rendered) == Status.RENDERING and not marker.exists(), 20, "the worker hangs")
    claimed_at = RenderedDocument.objects.get(pk=rendered.pk).claimed_at
    os.kill(worker.children()[0], signal.SIGKILL)  # its pool process dies mid-render; the worker lives on

    # Acknowledged late and rejected when its process is lost, the message comes back at once; the rendering it
    # finds was claimed a moment ago, so it is not made a second time.
    wait_for(lambda: f"Rendering {rendered.pk} not started again" in worker.output(), 20, "the second delivery")
    assert RenderedDocument.objects.values_list("status", "claimed_at").get(pk=rendered.pk) == (
        Status.RENDERING,
        claimed_at,
    )
    time.sleep(max(0, (claimed_at + timedelta(seconds=stuck) - timezone.now()).total_seconds()) + 0.5)
    sweep_renderings_task.delay()  # through the broker, as beat sends it
    rendered = ended(rendered, 15)

    assert (rendered.status, rendered.failure, rendered.attempts) == (Status.FAILED, Failure.INTERRUPTED, 1)
    html = render_to_string("core/_document_status.html", {"doc": rendered})
    assert escape(interrupted_words(1)) in html and vi("Try again") in html
    assert "hx-get" not in html

    document_retry(rendered=rendered, by=user)  # "Try again"
    rendered = ended(rendered, 15)
    assert (rendered.status, rendered.attempts) == (Status.DONE, 1), rendered.error
    assert worker.output().count(f"Rendering {rendered.pk} not started again") == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_broker_down_at_request_time_then_back_the_beat_makes_the_file(world, worker_processes, client_as):
    issued_plan(world)
    client = client_as(world.member)
    with unreachable_broker("refused"):
        response, _seconds = ask_for_the_plan_pdf(client)
    assert response.status_code == 200
    assert escape(vi(UNSENT_MESSAGE) % {"format": "PDF"}) in response.content.decode()
    rendered = RenderedDocument.objects.get()
    assert (rendered.status, rendered.failure) == (Status.FAILED, Failure.UNSENT)

    # The broker is back (the test process publishes to Redis again): beat's sweep hands the rendering over.
    worker_processes.start("documents-and-beat", ["documents", "tick"], beat=True, env={"RENDER_SWEEP_SECONDS": "1"})
    rendered = ended(rendered, 30)

    assert (rendered.status, rendered.failure, rendered.attempts) == (Status.DONE, "", 1), rendered.error
    row = client.get(reverse("core:document-status", args=[rendered.pk])).content.decode()
    assert reverse("core:document-download", args=[rendered.pk]) in row and "hx-get" not in row


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_silent_smtp_server_does_not_hold_up_a_pdf(worker_processes, memo_kind):
    from core.notifications import mail_queue

    with silent_server() as (port, held):
        smtp = {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_TIMEOUT": "20",
        }
        mail = worker_processes.start("mail", ["mail"], env=smtp)
        documents = worker_processes.start("documents", ["documents"], prelude=PRELUDE)
        mail.wait_ready()
        documents.wait_ready()
        user = UserFactory()
        messages = [
            mail_queue(to_email=f"don-vi-{n}@example.vn", subject="Nhắc hạn", body="Hạn nộp báo cáo.") for n in range(3)
        ]
        wait_for(lambda: held, 15, "the mail worker waits on the silent SMTP server")

        started = time.monotonic()
        rendered = ended(document_request(kind=MEMO_KIND, obj=user, fmt="pdf", by=user), 10)
        seconds = time.monotonic() - started

        assert rendered.status == Status.DONE, rendered.error
        assert seconds < 5, seconds
        assert OutboxMessage.objects.get(pk=messages[0].pk).status == OutboxMessage.Status.SENDING  # still waiting


# --- queues that cannot block each other ---------------------------------------------------------------------------

QUEUES = {"documents", "mail", "tick"}


def _procfile_workers(settings) -> list[list[str]]:
    text = (settings.BASE_DIR / "Procfile.dev").read_text()
    return sorted(
        sorted(queues.split(",")) for queues in re.findall(r"^[\w-]+: .* worker .*--queues=(\S+)", text, re.M)
    )


def _compose_workers(settings) -> list[list[str]]:
    lines = (settings.BASE_DIR / "docker-compose.yml").read_text().splitlines()
    return sorted(
        sorted(lines[i + 1].split("- ", 1)[1].split(",")) for i, line in enumerate(lines) if line.strip() == "- -Q"
    )


def test_every_task_has_a_queue_its_own_worker_serves_and_time_limits(settings):
    from config.celery import app

    app.loader.import_default_modules()
    ours = sorted(name for name in app.tasks if not name.startswith("celery."))
    assert {settings.CELERY_TASK_ROUTES[name]["queue"] for name in ours} == QUEUES  # every task routed
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "tick"
    for name in ours:
        task = app.tasks[name]
        assert 0 < task.soft_time_limit < task.time_limit, name
    # One worker per queue, in both run modes ("celery": the former default queue, drained by tick's worker).
    assert _procfile_workers(settings) == _compose_workers(settings) == [["celery", "tick"], ["documents"], ["mail"]]
    # Beat's entries go to served queues; a heartbeat goes to each queue.
    queues = {
        key: entry.get("options", {}).get("queue") or settings.CELERY_TASK_ROUTES[entry["task"]]["queue"]
        for key, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }
    assert set(queues.values()) == QUEUES
    heartbeats = {
        queues[key] for key, entry in settings.CELERY_BEAT_SCHEDULE.items() if entry["task"] == "core.heartbeat"
    }
    assert heartbeats == QUEUES
    assert settings.CELERY_BEAT_SCHEDULE["sweep-renderings"]["task"] == "core.sweep_renderings"


def test_the_time_limits_agree_with_the_work_they_bound(settings):
    from config.celery import app

    render, send = app.tasks["core.render_document"], app.tasks["core.send_outbox"]
    assert (render.acks_late, render.reject_on_worker_lost) == (True, True)
    # A live rendering is never taken for a lost one: it is killed before its claim counts as stuck.
    assert render.soft_time_limit < render.time_limit < settings.RENDER_STUCK_SECONDS
    # A mail task ends within its limits even when every message waits EMAIL_TIMEOUT for a silent SMTP server.
    assert send.soft_time_limit >= settings.EMAIL_TIMEOUT * settings.OUTBOX_MESSAGES_PER_TASK
    assert app.tasks["core.flush_outbox"].time_limit == send.time_limit
    assert settings.EMAIL_TIMEOUT == 20


@pytest.mark.django_db
def test_a_mail_task_sends_no_more_messages_than_its_limits_are_sized_for(settings, mailoutbox):
    from celery.signals import task_prerun

    from core.notifications import mail_queue
    from core.tasks import send_outbox_task

    settings.OUTBOX_MESSAGES_PER_TASK = 2
    ids = [mail_queue(to_email=f"don-vi-{n}@example.vn", subject="Nhắc hạn", body="Hạn nộp.").pk for n in range(5)]
    runs = []

    def record(sender=None, args=None, **kwargs):
        if sender.name == send_outbox_task.name:
            runs.append(list(args[0]))

    task_prerun.connect(record)
    try:
        send_outbox_task.delay(ids)  # eager: the rest goes on in another task, run at once
    finally:
        task_prerun.disconnect(record)

    assert runs == [ids, ids[2:], ids[4:]]
    assert sorted(m.to[0] for m in mailoutbox) == [f"don-vi-{n}@example.vn" for n in range(5)]


# --- in a browser ------------------------------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_a_failed_file_says_why_and_try_again_makes_it(world, live_server, page, private_storage):
    from playwright.sync_api import expect

    from tests.e2e.helpers import assert_healthy_page, login

    plan = issued_plan(world)
    rendered = plan_row(plan, status=Status.FAILED, failure=Failure.INTERRUPTED, attempts=3, requested_by=world.leader)
    login(page, live_server.url, world.member.username, "pw")
    page.goto(live_server.url + reverse("conference:plan", kwargs=Y))
    assert_healthy_page(page)
    row = page.locator(f"#document-{rendered.pk}")
    expect(row).to_contain_text(interrupted_words(3))

    row.get_by_role("button", name=vi("Try again")).click()  # HTMX: the row is swapped, then polls itself

    expect(page.locator(f"#document-{rendered.pk} a[href$='/documents/{rendered.pk}/']")).to_be_visible(timeout=20_000)
    assert page.locator(f"#document-{rendered.pk}").get_attribute("data-status") == "done"
    assert page.url.endswith(reverse("conference:plan", kwargs=Y))  # no page load: the row alone changed
    assert_healthy_page(page)
