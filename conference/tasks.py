"""Background tasks of the conference app."""

from celery import shared_task


@shared_task(name="conference.summary_send", queue="documents", ignore_result=True)
def summary_send_task(summary_id: int, user_id: int) -> None:
    """Render the bloc's summary report and publish it to the comment round (conference.summary)."""
    from .services.summary import summary_send_render

    summary_send_render(summary_id=summary_id, user_id=user_id)
