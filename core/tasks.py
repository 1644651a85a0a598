"""Core background tasks."""

from celery import shared_task

from . import notifications, services


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat_task() -> None:
    services.heartbeat_record(name="worker")


@shared_task(name="core.send_outbox", ignore_result=True)
def send_outbox_task(message_ids: list[int]) -> None:
    """Send the e-mails queued by one notify(); a failure waits for the beat's flush to retry it."""
    for message_id in message_ids:
        notifications.outbox_send(message_id=message_id)


@shared_task(name="core.flush_outbox", ignore_result=True)
def flush_outbox_task() -> None:
    """Beat's safety net: retry due failures and send anything whose after-commit enqueue was lost."""
    notifications.outbox_flush()


@shared_task(name="core.render_document", queue="documents", ignore_result=True)
def render_document_task(rendered_id: int) -> None:
    from core.documents.services import document_render

    document_render(rendered_id=rendered_id)


@shared_task(name="core.sweep_pending_uploads", ignore_result=True, time_limit=300)
def sweep_pending_uploads_task() -> None:
    """Beat: delete the files kept from refused forms that nobody saved within a day (core/pending.py)."""
    from . import pending

    pending.pending_sweep()
