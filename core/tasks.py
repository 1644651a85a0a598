"""Core background tasks."""

from celery import shared_task

from . import services


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat_task() -> None:
    services.heartbeat_record(name="worker")
