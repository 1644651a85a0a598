"""Core background tasks. Their queues (documents, mail, tick) and time limits are in settings
(CELERY_TASK_ROUTES, CELERY_TASK_ANNOTATIONS)."""

from celery import shared_task
from django.conf import settings

from . import notifications, services


@shared_task(name="core.heartbeat", ignore_result=True)
def heartbeat_task(queue: str = "") -> None:
    """Beat sends one to each queue: "worker" is the tick queue's worker, "worker:<queue>" the others'."""
    services.heartbeat_record(name=f"worker:{queue}" if queue else "worker")


@shared_task(name="core.send_outbox", ignore_result=True)
def send_outbox_task(message_ids: list[int]) -> None:
    """Send the e-mails queued by one notify(); a failure waits for the beat's flush to retry it. At most
    OUTBOX_MESSAGES_PER_TASK of them, which the task's time limits are sized for: the rest go on in another task."""
    count = settings.OUTBOX_MESSAGES_PER_TASK
    if len(message_ids) > count:
        send_outbox_task.delay(message_ids[count:])
    for message_id in message_ids[:count]:
        notifications.outbox_send(message_id=message_id)


@shared_task(name="core.flush_outbox", ignore_result=True)
def flush_outbox_task() -> None:
    """Beat's safety net: retry due failures and send anything whose after-commit enqueue was lost."""
    notifications.outbox_flush(limit=settings.OUTBOX_MESSAGES_PER_TASK)


@shared_task(name="core.render_document", ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def render_document_task(rendered_id: int) -> None:
    """Acknowledged once it ends: the message of a worker lost mid-render is delivered again, and the claim in
    document_render makes a second delivery harmless."""
    from core.documents.services import document_render

    document_render(rendered_id=rendered_id)


@shared_task(name="core.sweep_renderings", ignore_result=True)
def sweep_renderings_task() -> None:
    """Beat: hand over again, or mark failed, the renderings no worker is finishing (core/documents/services.py)."""
    from core.documents.services import renderings_sweep

    renderings_sweep()


@shared_task(name="core.sweep_pending_uploads", ignore_result=True)
def sweep_pending_uploads_task() -> None:
    """Beat: delete the files kept from refused forms that nobody saved within a day (core/pending.py)."""
    from . import pending

    pending.pending_sweep()
