"""A real Celery worker against a real Redis executes our tasks (no eager mode here)."""

import time

import pytest

from core.models import Heartbeat
from core.tasks import heartbeat_task


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
