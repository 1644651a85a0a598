"""Core writes."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat


@transaction.atomic
def heartbeat_record(*, name: str) -> Heartbeat:
    """Record that a background process ran now (beat scheduled it and the worker executed it)."""
    beat, created = Heartbeat.objects.get_or_create(name=name, defaults={"beat_at": timezone.now(), "count": 1})
    if not created:
        Heartbeat.objects.filter(pk=beat.pk).update(beat_at=timezone.now(), count=F("count") + 1)
        beat.refresh_from_db()
    return beat


def user_language_set(*, user, language: str) -> None:
    if user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
