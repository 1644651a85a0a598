"""Readiness: whether this deployment can serve, part by part (/readyz/).

Each check answers in a bounded time and returns {"state": "ok" | "degraded" | "down" | "off", …details}. The
database is required: without it nothing can be served ("down", HTTP 503). The others degrade the service without
stopping it: without the cache's Redis pages are rendered anew and sessions come from the database; without the
broker or a live worker PDFs and e-mails wait (the beat's sweeps send them later); an outbox backlog means mail is
not going out. /healthz/ stays the cheap liveness probe (one query).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from .models import Heartbeat

OK, DEGRADED, DOWN, OFF = "ok", "degraded", "down", "off"


def _timed(check: Callable[[], dict]) -> dict:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # a check never raises: its failure is its answer
        result = {"state": DOWN, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"state": OK, "vendor": connection.vendor}


def cache_redis() -> dict:
    ping = getattr(cache, "ping", None)
    if ping is None:
        return {"state": OFF, "detail": "local memory cache (no Redis configured)"}
    if ping():
        return {"state": OK}
    from .cache import state

    return {"state": DEGRADED, "error": state()["error"].split(":")[0] or "unreachable"}


def broker() -> dict:
    from config.celery import app

    url = str(app.conf.broker_url or "")
    if url.startswith("filesystem://") or getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        return {"state": OK, "transport": url.split("://")[0] or "eager"}
    timeout = settings.READINESS_TIMEOUT_SECONDS
    with app.connection_for_write(connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
    return {"state": OK, "transport": url.split("://")[0]}


def worker() -> dict:
    """The worker's heartbeat (core.heartbeat, scheduled by beat and run by a worker): proof that both run."""
    limit = settings.READINESS_HEARTBEAT_STALE_SECONDS
    beats = list(Heartbeat.objects.filter(name__startswith="worker").values_list("name", "beat_at"))
    if not beats:
        return {"state": DEGRADED, "detail": "no heartbeat yet"}
    now = timezone.now()
    ages = {name: round((now - beat_at).total_seconds()) for name, beat_at in beats}
    stale = sorted(name for name, age in ages.items() if age > limit)
    return {"state": DEGRADED if stale else OK, "age_seconds": ages, **({"stale": stale} if stale else {})}


def outbox() -> dict:
    """Mail waiting to go out: how many, and how long the oldest has waited."""
    from . import notifications

    facts = notifications.outbox_health()
    oldest = facts.get("oldest_unsent_seconds")
    late = oldest is not None and oldest > settings.READINESS_OUTBOX_MAX_AGE_SECONDS
    given_up = facts.get("given_up", 0)
    return {"state": DEGRADED if late or given_up else OK, **facts}


CHECKS: dict[str, tuple[Callable[[], dict], bool]] = {
    # name: (check, required)
    "database": (database, True),
    "cache": (cache_redis, False),
    "broker": (broker, False),
    "worker": (worker, False),
    "outbox": (outbox, False),
}


def readiness() -> tuple[str, dict]:
    """The overall state and each part's. "down" when a required part is down, "degraded" when any part is not
    ok, else "ok". The parts that need the database are not asked when it is down."""
    parts: dict[str, dict] = {}
    for name, (check, _required) in CHECKS.items():
        if name in ("worker", "outbox") and parts.get("database", {}).get("state") == DOWN:
            parts[name] = {"state": DOWN, "detail": "needs the database"}
            continue
        parts[name] = _timed(check)
    required_down = any(parts[name]["state"] == DOWN for name, (_c, required) in CHECKS.items() if required)
    if required_down:
        overall = DOWN
    elif any(part["state"] in (DOWN, DEGRADED) for part in parts.values()):
        overall = DEGRADED
    else:
        overall = OK
    return overall, parts
