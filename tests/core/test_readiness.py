"""/readyz/: each part's state in JSON, 503 only when the database is down, "degraded" when the service runs
without a part; /healthz/ stays the cheap liveness probe. (The cache's Redis stopped: test_cache_outage.py.)"""

import datetime
import time

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from core import health
from core.models import Heartbeat, OutboxMessage

READY = reverse("core:readyz")


@pytest.fixture
def beating(db):
    return Heartbeat.objects.create(name="worker", beat_at=timezone.now(), count=1)


@pytest.fixture
def broker_at(settings):
    """Point the Celery app at another broker for the test (the app reads its URL once, at import)."""
    from config.celery import app
    from tests.conftest import _reset_pools

    old = app.conf.broker_url, app.conf.broker_transport_options
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def point(url: str) -> None:
        app.conf.broker_url = url
        app.conf.broker_transport_options = {}
        _reset_pools(app)

    yield point
    app.conf.broker_url, app.conf.broker_transport_options = old
    _reset_pools(app)


def test_everything_up_is_ok(client, beating):
    response = client.get(READY)

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "worker", "outbox"}
    assert body["checks"]["database"]["state"] == "ok"
    assert all("ms" in part for part in body["checks"].values())


def test_a_stale_heartbeat_is_degraded(client, beating, settings):
    Heartbeat.objects.filter(pk=beating.pk).update(beat_at=timezone.now() - datetime.timedelta(hours=1))

    body = client.get(READY).json()

    assert (body["status"], body["checks"]["worker"]["state"], body["checks"]["worker"]["stale"]) == (
        "degraded",
        "degraded",
        ["worker"],
    )


def test_mail_waiting_too_long_is_degraded(client, beating):
    message = OutboxMessage.objects.create(to_email="a@example.vn", subject="S", body="B")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - datetime.timedelta(hours=3))

    body = client.get(READY).json()

    assert body["status"] == "degraded"
    assert body["checks"]["outbox"]["backlog"] == 1
    assert body["checks"]["outbox"]["oldest_unsent_seconds"] >= 3 * 3600


def test_an_unreachable_broker_is_degraded_within_the_timeout(client, beating, broker_at, settings):
    settings.READINESS_TIMEOUT_SECONDS = 1.0
    broker_at("redis://127.0.0.1:9/0")  # nothing listens on the discard port

    started = time.monotonic()
    response = client.get(READY)

    assert time.monotonic() - started < 6
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["checks"]["broker"]["state"]) == ("degraded", "down")


def test_the_database_down_is_503(client, monkeypatch):
    def no_database():
        raise OperationalError("could not connect to server")

    monkeypatch.setitem(health.CHECKS, "database", (no_database, True))

    response = client.get(READY)

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert (body["checks"]["database"]["state"], body["checks"]["database"]["error"]) == ("down", "OperationalError")
    assert body["checks"]["worker"]["state"] == "down"  # not asked: it needs the database


def test_liveness_stays_one_query(client, django_assert_max_num_queries, db):
    with django_assert_max_num_queries(1):
        assert client.get(reverse("core:healthz")).json() == {"status": "ok"}
