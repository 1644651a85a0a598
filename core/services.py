"""Core writes."""

import time

from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat


def heartbeat_record(*, name: str, attempts: int = 5) -> Heartbeat:
    """Record that a background process ran now (beat scheduled it and the worker executed it). A write that
    meets a lock (SQLite answers "table is locked" at once where PostgreSQL would wait) is tried again shortly:
    a lost heartbeat would report a live worker as down."""
    for attempt in range(1, attempts + 1):
        try:
            return _heartbeat_write(name)
        except OperationalError:
            if attempt == attempts:
                raise
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


@transaction.atomic
def _heartbeat_write(name: str) -> Heartbeat:
    beat, created = Heartbeat.objects.get_or_create(name=name, defaults={"beat_at": timezone.now(), "count": 1})
    if not created:
        Heartbeat.objects.filter(pk=beat.pk).update(beat_at=timezone.now(), count=F("count") + 1)
        beat.refresh_from_db()
    return beat


def user_language_set(*, user, language: str) -> None:
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
