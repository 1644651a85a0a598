"""The cache's Redis stopped: signed-in pages and the sign-in still answer, readiness says "degraded", and nothing
stale is served once Redis is back (core/cache.py, core/health.py). A real redis-server of the test's own, stopped
and started again."""

import shutil
import socket
import subprocess
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from core import cache as resilient
from tests.conftest import MISSING_SERVICE
from tests.factories import UnitFactory, officer_of

HOME = reverse("dashboards:home")
READY = reverse("core:readyz")
LOGIN = reverse("login")


class PrivateRedis:
    """A redis-server on a free loopback port, which the test stops and starts at will."""

    def __init__(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.dir = tmp_path
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            cwd=self.dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_cache(settings, tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip(f"{MISSING_SERVICE} redis-server is not installed")
    server = PrivateRedis(tmp_path)
    server.start()
    settings.CACHES = {"default": {"BACKEND": "core.cache.ResilientRedisCache", "LOCATION": server.url}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.PAGE_CACHE = True
    settings.CACHE_RETRY_SECONDS = 0.2
    resilient._breaker.__init__()
    try:
        yield server
    finally:
        server.stop()
        resilient._breaker.__init__()


def test_signed_in_pages_and_the_sign_in_answer_while_the_cache_redis_is_down(db, client, redis_cache):
    officer = officer_of(UnitFactory(), password="Demo@2020x")
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(HOME).status_code == 200
    assert client.get(READY).json()["checks"]["cache"]["state"] == "ok"

    redis_cache.stop()
    started = time.monotonic()
    assert client.get(HOME).status_code == 200  # the session comes from the database
    assert client.get(reverse("core:notification-list")).status_code == 200
    assert time.monotonic() - started < 5  # one short timeout, not one per call
    ready = client.get(READY)
    assert (ready.status_code, ready.json()["status"], ready.json()["checks"]["cache"]["state"]) == (
        200,
        "degraded",
        "degraded",
    )
    fresh = client.__class__()
    signed_in = fresh.post(LOGIN, {"username": officer.username, "password": "Demo@2020x"})
    assert signed_in.status_code == 302
    assert fresh.get(HOME).status_code == 200

    redis_cache.start()
    time.sleep(0.3)  # the breaker lets calls through again
    assert client.get(HOME).status_code == 200
    assert client.get(READY).json()["checks"]["cache"]["state"] == "ok"


def test_after_an_outage_with_lost_writes_the_cache_is_emptied_once(db, redis_cache):
    cache.set("kept-before", "old value")
    assert cache.get("kept-before") == "old value"

    redis_cache.stop()
    cache.delete("kept-before")  # lost: Redis is down, the old value would come back stale
    assert cache.get("kept-before") is None  # a miss, not an error

    redis_cache.start()  # a new, empty server here; a Redis that was only unreachable keeps its keys
    time.sleep(0.3)
    cache.set("written-after", 1)  # the first call that reaches Redis empties it first
    assert cache.get("written-after") == 1
    assert resilient._breaker.lost_writes is False


def test_a_redis_that_was_only_unreachable_loses_its_stale_entries(db, redis_cache, settings):
    cache.set("stale", "old")
    # unreachable without restarting it: the cache points at a closed port for a while
    reachable = settings.CACHES
    settings.CACHES = {"default": {**reachable["default"], "LOCATION": "redis://127.0.0.1:9/0"}}
    cache.delete("stale")  # lost
    settings.CACHES = reachable
    time.sleep(0.3)

    assert cache.get("stale") is None  # emptied on the way back, not served stale
