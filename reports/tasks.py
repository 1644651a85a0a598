"""Background tasks of the reports app."""

from celery import shared_task

from .services.reminders import reminders_tick


@shared_task(name="reports.remind", ignore_result=True)
def remind_task() -> int:
    """Beat's tick: send the reminders due now. Not retried on its own (no countdown, no ETA): the next tick
    is the retry, and sends only what this one did not record."""
    return len(reminders_tick())
