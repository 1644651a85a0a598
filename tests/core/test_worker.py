"""A real Celery worker against a real Redis executes our tasks (no eager mode here)."""

import time

import pytest

from core.models import Heartbeat
from core.tasks import heartbeat_task
from tests.conftest import MISSING_SERVICE


def _redis_or_skip(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"{MISSING_SERVICE} Redis at {url} ({exc})")


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
            queues=["celery", "documents"],
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


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_the_heartbeat_task(redis_worker):
    from celery.result import EagerResult

    result = heartbeat_task.delay()
    assert not isinstance(result, EagerResult)  # it went through the broker, not eager mode
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not Heartbeat.objects.filter(name="worker").exists():
        time.sleep(0.1)
    beat = Heartbeat.objects.get(name="worker")
    assert beat.count == 1
