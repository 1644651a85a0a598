"""Past one machine: two web servers (gunicorn) and two workers, each with its own beat by mistake, sharing one
PostgreSQL database, one Redis for the cache and one for the broker, as two hosts would. A write through one server is
seen through the other at once (the page cache stays coherent), reminders go out exactly once with two beats ticking,
and a rendering asked for on one server is made by a worker and downloaded through the other.

Real processes only: the test process writes the data and reads the results; it never serves a page."""

import datetime
import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from blocs.enums import DeadlineKind
from core.models import Notification, OutboxMessage, RenderedDocument
from core.notifications import notify
from reports.models import ReminderSent
from tests.factories import DeadlineFactory

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
Y = {"slug": "ktdnc", "year": 2020}
ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = ["--workers=1", "--threads=2", "--timeout=60"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class WebServer:
    """gunicorn on a free loopback port, with the environment of the workers plus the cache's Redis."""

    def __init__(self, name: str, env: dict[str, str], folder: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder / f"{name}.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "config.wsgi:application",
                    f"--bind=127.0.0.1:{self.port}",
                    *GUNICORN,
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> "WebServer":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"web server exited:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + "/healthz/", timeout=2) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"web server not ready:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=20)


class Browser:
    """One person's browser: its cookies (the session, the CSRF cookie) go to whichever server it asks."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, server: WebServer, path: str) -> tuple[int, dict, str]:
        try:
            with self.opener.open(server.base + path, timeout=30) as answer:
                return answer.status, dict(answer.headers), answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode("utf-8", "replace")

    def post(self, server: WebServer, path: str, data: dict, *, form_page: str) -> int:
        _status, _headers, html = self.get(server, form_page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        request = urllib.request.Request(server.base + path, data=body, headers={"Referer": server.base + form_page})
        try:
            with self.opener.open(request, timeout=30) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    def sign_in(self, user) -> None:
        """A session of `user` in the database, its cookie in this browser: as after signing in on any server (the
        suite's fast password hasher is not one the servers know, so the form cannot be used here)."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        self.jar.set_cookie(
            http.cookiejar.Cookie(
                0,
                "sessionid",
                session.session_key,
                None,
                False,
                "127.0.0.1",
                False,
                False,
                "/",
                True,
                False,
                None,
                True,
                None,
                None,
                {},
            )
        )


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout} s: {what}")


@pytest.fixture
def two_hosts(worker_processes, world, settings, tmp_path):
    """Two web servers and two workers, each worker with its beat (the mistake of starting beat twice); the cache
    (page cache, sessions) in a Redis database beside the broker's."""
    broker = worker_processes.broker_url
    cache_db = (int(broker.rsplit("/", 1)[1] or 0) + 1) % 16
    cache_url = f"{broker.rsplit('/', 1)[0]}/{cache_db}"
    import redis

    redis.Redis.from_url(cache_url).flushdb()
    env = {
        **worker_processes.base_env,
        "REDIS_URL": cache_url,
        "PAGE_CACHE": "true",
        "DJANGO_DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REMINDER_TICK_SECONDS": "1",
        "REMIND_SOFT_TIME_LIMIT": "30",
        "REMIND_TIME_LIMIT": "40",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    worker_processes.base_env = env
    workers = [worker_processes.start(f"host{n}", ["documents", "mail", "tick", "celery"], beat=True) for n in (1, 2)]
    servers = [WebServer(f"web{n}", env, tmp_path) for n in (1, 2)]
    try:
        for worker in workers:
            worker.wait_ready()
        for server in servers:
            server.wait_ready()
        yield servers, workers
    finally:
        for server in servers:
            server.stop()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_two_servers_and_two_workers_share_one_state(two_hosts, world):
    (one, other), _workers = two_hosts
    home = reverse("dashboards:home")

    # --- the page cache: a write through one server is seen through the other at once ------------------------
    notify(users=[world.member], title="Thông báo thử", body="")
    officer = Browser()
    officer.sign_in(world.member)
    officer.get(one, home)  # a first visit gets the CSRF cookie: such a page is not cached
    officer.get(one, home)  # rendered and stored
    _s, headers, again = officer.get(one, home)
    assert headers.get("X-Page-Cache") == "hit"  # the home is served from the shared cache
    assert re.search(r">\s*1\s*<span class=\"visually-hidden\">", again)  # one unread notification

    read_all = reverse("core:notification-read-all")
    assert officer.post(other, read_all, {}, form_page=reverse("core:notification-list")) == 200
    assert not Notification.objects.filter(recipient=world.member, read_at__isnull=True).exists()
    _s, headers, after = officer.get(one, home)
    assert headers.get("X-Page-Cache") != "hit"
    assert not re.search(r">\s*1\s*<span class=\"visually-hidden\">", after)

    # --- reminders: two beats tick every second, each reminder goes out once ---------------------------------
    today = timezone.localtime(timezone.now(), LOCAL).date()
    due = datetime.datetime.combine(today + datetime.timedelta(days=3), datetime.time(23, 59), tzinfo=LOCAL)
    deadline = DeadlineFactory(
        year=world.year, kind=DeadlineKind.YEAR_REPORT, title="Báo cáo tổng kết năm", opens_at=None, due_at=due
    )
    units = 3  # the world's leader, deputy and member units, one officer each
    wait_for(lambda: ReminderSent.objects.filter(deadline=deadline).count() >= units, 60, "the reminders")
    time.sleep(4)  # several more ticks of both beats
    sent = list(ReminderSent.objects.filter(deadline=deadline).values_list("unit_id", "offset_days"))
    assert len(sent) == len(set(sent)) == units
    mails = Counter(
        OutboxMessage.objects.filter(dedupe_key__startswith=f"reminder:{deadline.pk}:").values_list(
            "to_email", flat=True
        )
    )
    assert len(mails) == units and set(mails.values()) == {1}
    wait_for(
        lambda: (
            not OutboxMessage.objects.filter(dedupe_key__startswith=f"reminder:{deadline.pk}:")
            .exclude(status=OutboxMessage.Status.SENT)
            .exists()
        ),
        60,
        "the reminder mails sent",
    )

    # --- a rendering asked for on one server, made by a worker, downloaded through the other ------------------
    from tests.core.test_faults_rendering import issued_plan

    issued_plan(world)
    leader = Browser()
    leader.sign_in(world.leader)
    plan_page = reverse("conference:plan", kwargs=Y)
    render = reverse("conference:plan-render", kwargs={**Y, "fmt": "pdf"})
    assert leader.post(one, render, {}, form_page=plan_page) == 200
    rendered = wait_for(
        lambda: RenderedDocument.objects.filter(status=RenderedDocument.Status.DONE).first(), 90, "the PDF"
    )
    status, headers, _body = leader.get(other, reverse("core:document-download", args=[rendered.pk]))
    assert status == 200 and headers.get("Content-Type") == "application/pdf"
