"""Throttles on anonymous pages: failed sign-ins (a django-axes handler) and "forgot my password" requests.

Failed sign-ins are counted twice, each against its own limit within AXES_COOLOFF_TIME: per account, from every
address (AXES_FAILURE_LIMIT), and per address, across every account (LOGIN_FAILURES_PER_ADDRESS). Addresses
come from core.net.client_ip, which reads X-Forwarded-For only from settings.TRUSTED_PROXIES. Counts live in the
database (axes' AccessAttempt rows and our audit rows), so they hold the same with a memory cache or Redis.
"""

from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render
from django.utils import timezone

from core.models import AuditLog

RESET_REQUESTED = "blocs.account.reset_requested"


def window_start():
    return timezone.now() - (get_cool_off() or timedelta(0))


def _sum(attempts) -> int:
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class LoginThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per lockout parameter list: AXES_LOCKOUT_PARAMETERS is
    [["username"], ["ip_address"]]; the account list is held to AXES_FAILURE_LIMIT, the address list to
    LOGIN_FAILURES_PER_ADDRESS. axes compares one number with one limit, so an address over its own limit
    reports the account limit."""

    def get_failures(self, request, credentials=None) -> int:
        counts = dict(
            zip(
                (tuple(p) if isinstance(p, list | tuple) else (p,) for p in settings.AXES_LOCKOUT_PARAMETERS),
                (_sum(attempts) for attempts in self.get_user_attempts(request, credentials)),
                strict=True,
            )
        )
        by_account = counts.get(("username",), 0)
        if counts.get(("ip_address",), 0) >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(by_account, get_failure_limit(request, credentials))
        return by_account

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears the account's failures only: a valid account at a shared address must not
        wipe that address's failures against other accounts."""
        username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or getattr(request.user, "username", "")
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked sign-in gets (AXES_LOCKOUT_CALLABLE): how long to wait and what else to do, with 429."""
    minutes = max(1, round((get_cool_off(request) or timedelta(0)).total_seconds() / 60))
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"minutes": minutes}, status=429)


def locked_usernames(usernames) -> set[str]:
    """Which of these accounts cannot sign in now because of failed attempts (one query)."""
    usernames = [name for name in usernames if name]
    if not usernames:
        return set()
    rows = (
        AccessAttempt.objects.filter(username__in=usernames, attempt_time__gte=window_start())
        .values("username")
        .annotate(n=Sum("failures_since_start"))
        .filter(n__gte=settings.AXES_FAILURE_LIMIT)
    )
    return {row["username"] for row in rows}


def clear_failures(username: str) -> int:
    """Forget an account's failed sign-ins, from every address (call inside the service's transaction). Returns
    how many failures were forgotten."""
    attempts = AccessAttempt.objects.filter(username=username)
    count = _sum(attempts)
    attempts.delete()
    return count


def reset_requests_from(address: str, *, hours: int = 1) -> int:
    """How many "forgot my password" requests this address made in the last hour (our audit rows)."""
    since = timezone.now() - timedelta(hours=hours)
    return AuditLog.objects.filter(action=RESET_REQUESTED, created_at__gte=since, data__address=address).count()
