"""Background tasks of the blocs app."""

from celery import shared_task

from .accounts import services


@shared_task(name="blocs.password_reset", ignore_result=True)
def password_reset_task(email: str) -> int:
    """“Quên mật khẩu?” after the page answered: look the address up and queue the mail, so that the request
    does the same work whether an account has that address or not."""
    return services.password_reset_request(email=email)
