"""Background tasks of the conference app."""

from celery import shared_task

from .reminders import reminders_tick


@shared_task(name="conference.remind", ignore_result=True)
def remind_task() -> int:
    """Beat's tick: send the reminders due now. Not retried on its own (no countdown, no ETA): the next tick
    is the retry, and sends only what this one did not record."""
    return len(reminders_tick())


@shared_task(name="conference.summary_send", queue="documents", ignore_result=True)
def summary_send_task(summary_id: int, user_id: int) -> None:
    """Render the bloc's summary report and publish it to the comment round (conference.summary)."""
    from .summary import summary_send_render

    summary_send_render(summary_id=summary_id, user_id=user_id)
