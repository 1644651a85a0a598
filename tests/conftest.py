"""Shared fixtures: a small bloc world with every role, browser set-up, and service availability.

Where PostgreSQL, Redis or Chromium is missing, the tests that need it skip with a reason; with
CI=true such a skip is turned into a failure (see pytest_runtest_makereport below).
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from blocs.models import Bloc, EmulationYear, Unit
from core.models import User

from .factories import (
    BlocFactory,
    EmulationYearFactory,
    MembershipFactory,
    ProvinceFactory,
    UnitFactory,
    UserFactory,
    board_of,
    officer_of,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + sync Playwright share a thread

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
MISSING_SERVICE = "missing service:"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: the page cache's entries and versions of one test (whose database
    rows are rolled back, their ids reused) must not meet the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's language: a request of an earlier test (an English user) leaves its language
    active in the thread, where a service called directly would then speak English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@dataclass
class World:
    """A province with one bloc in 2020: leader, deputy, a member, an outsider unit, and the board."""

    bloc: Bloc
    year: EmulationYear
    leader_unit: Unit
    deputy_unit: Unit
    member_unit: Unit
    outsider_unit: Unit
    leader: User
    deputy: User
    member: User
    outsider: User
    board: User
    other_board: User
    admin: User
    anonymous: None = None

    def user(self, role: str):
        return getattr(self, role)


@pytest.fixture
def world(db) -> World:
    province = ProvinceFactory(name="Tuyên Quang", code="TQ")
    bloc = BlocFactory(province=province, code="KTĐNC", slug="ktdnc", name="Khối thi đua Nội chính")
    leader_unit, deputy_unit, member_unit = (UnitFactory(province=province) for _ in range(3))
    outsider_unit = UnitFactory(province=province)
    for unit in (leader_unit, deputy_unit, member_unit):
        MembershipFactory(bloc=bloc, unit=unit, start_year=2019)
    other_bloc = BlocFactory(province=province)
    MembershipFactory(bloc=other_bloc, unit=outsider_unit, start_year=2019)
    year = EmulationYearFactory(bloc=bloc, year=2020, leader=leader_unit, deputy=deputy_unit)
    return World(
        bloc=bloc,
        year=year,
        leader_unit=leader_unit,
        deputy_unit=deputy_unit,
        member_unit=member_unit,
        outsider_unit=outsider_unit,
        leader=officer_of(leader_unit),
        deputy=officer_of(deputy_unit),
        member=officer_of(member_unit),
        outsider=officer_of(outsider_unit),
        board=board_of(province),
        other_board=board_of(ProvinceFactory(name="Hà Giang", code="HG")),
        admin=UserFactory(is_staff=True, is_superuser=True),
    )


ROLES = ["anonymous", "outsider", "member", "deputy", "leader", "board", "other_board", "admin"]


@pytest.fixture
def client_as(client):
    """`client_as(user)` logs the test client in (None stays anonymous)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


# --- browser -------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"{MISSING_SERVICE} Chromium not found at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # An English-speaking browser: the product must still come up in Vietnamese.
    return {**browser_context_args, "locale": "en-US", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- services: a skip for a missing service fails under CI=true ---------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and MISSING_SERVICE in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"CI=true: a required service is missing, so this skip counts as a failure: {report.longrepr}"


# --- a real Celery worker against Redis -----------------------------------------------------------------


def _redis_or_skip(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"{MISSING_SERVICE} Redis at {url} ({exc})")


# Every queue a task may be routed to (settings.CELERY_TASK_ROUTES; "celery" is Celery's old default).
WORKER_QUEUES = ["documents", "mail", "tick", "celery"]


@pytest.fixture
def redis_worker(settings):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    url = settings.TEST_REDIS_URL
    _redis_or_skip(url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = url
    app.conf.broker_transport_options = {}
    _reset_pools(app)
    try:
        with start_worker(
            app,
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            loglevel="WARNING",
            queues=WORKER_QUEUES,
        ) as worker:
            yield worker
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = old
        _reset_pools(app)


def _reset_pools(app) -> None:
    """Forget every cached connection and producer pool, so the next publish uses the broker set now."""
    import kombu.pools

    if app._pool:
        app.pool.force_close_all()
    app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


# --- real worker processes sharing the test database (PostgreSQL) --------------------------------------------


class WorkerProcess:
    """One `celery -A config worker` in its own process group (so that it can be killed with all it started)."""

    def __init__(self, name: str, process, log: Path):
        self.name, self.process, self.log = name, process, log

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def wait_ready(self, timeout: float = 90.0) -> "WorkerProcess":
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.output():
                return self
            if self.process.poll() is not None:
                raise AssertionError(
                    f"worker {self.name} exited with {self.process.returncode}:\n{self.output()[-4000:]}"
                )
            time.sleep(0.1)
        raise AssertionError(f"worker {self.name} not ready after {timeout} s:\n{self.output()[-4000:]}")

    def children(self) -> list[int]:
        """The pool's processes (and beat's, when embedded)."""
        pid = self.process.pid
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def kill(self) -> None:
        """SIGKILL to the worker and every process it started, as when its container is killed."""
        import contextlib
        import signal

        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


class WorkerProcesses:
    def __init__(self, base_env: dict[str, str], folder: Path, broker_url: str):
        self.base_env, self.folder, self.broker_url = base_env, folder, broker_url
        self.started: list[WorkerProcess] = []

    def start(
        self, name: str, queues: list[str], *, beat: bool = False, env: dict | None = None, prelude: str = ""
    ) -> WorkerProcess:
        """Start a worker (prefork, one child) consuming `queues`; with `beat`, beat runs inside it. `env` adds
        settings (RENDER_STUCK_SECONDS…); `prelude` is Python run in the worker once Django is set up (e.g. to
        register a document kind of the test). Not waited for: call wait_ready()."""
        import subprocess
        import sys
        import uuid

        log = self.folder / f"{name}-{uuid.uuid4().hex[:6]}.log"
        code = f"import sys, django\ndjango.setup()\n{prelude}\nfrom celery.bin.celery import main\nsys.exit(main())"
        args = [sys.executable, "-c", code, "-A", "config", "worker", "--pool=prefork", "--concurrency=1"]
        args += ["--loglevel=INFO", "--without-mingle", "--without-gossip", f"-n{log.stem}@%h", "-Q", ",".join(queues)]
        if beat:
            args += ["--beat", f"--schedule={self.folder / (log.stem + '-beat')}"]
        with log.open("wb") as out:
            process = subprocess.Popen(
                args,
                cwd=Path(__file__).resolve().parent.parent,
                env={**self.base_env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = WorkerProcess(name, process, log)
        self.started.append(worker)
        return worker

    def kill_all(self) -> None:
        for worker in self.started:
            worker.kill()


@pytest.fixture
def worker_processes(settings, tmp_path):
    """Real worker processes (`worker_processes.start(...)`) on TEST_REDIS_URL that use the test's own database,
    which they can see only on PostgreSQL and with `django_db(transaction=True)`, and the test's private files
    (settings.STORAGES points at the same folder). The test process publishes to the same broker (not eagerly).
    Its queues are emptied first: TEST_REDIS_URL must be a database for tests. Every worker is killed at the end."""
    from urllib.parse import quote

    import redis
    from django.db import connection

    from config.celery import app

    if connection.vendor != "postgresql":
        pytest.skip(f"{MISSING_SERVICE} PostgreSQL (DATABASE_URL): a worker process shares the test database")
    url = settings.TEST_REDIS_URL
    _redis_or_skip(url)
    redis.Redis.from_url(url).delete(*WORKER_QUEUES, "unacked", "unacked_index")
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    media = tmp_path / "private"
    media.mkdir()
    base_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"postgres://{credentials}@{host}/{quote(db['NAME'])}",
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": "",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "PRIVATE_MEDIA_ROOT": str(media),
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(media)}},
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = app.conf.broker_url, app.conf.broker_transport_options
    app.conf.broker_url = url
    app.conf.broker_transport_options = {
        "socket_connect_timeout": settings.CELERY_BROKER_CONNECTION_TIMEOUT,
        "socket_timeout": settings.CELERY_BROKER_SOCKET_TIMEOUT,
    }
    _reset_pools(app)
    workers = WorkerProcesses(base_env, tmp_path, url)
    try:
        yield workers
    finally:
        workers.kill_all()
        app.conf.broker_url, app.conf.broker_transport_options = old
        _reset_pools(app)
