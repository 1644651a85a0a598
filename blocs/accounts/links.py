"""One-time links to choose a password (invitation, reset, handed over): issue, find, use.

The token travels only in the link; the database keeps its SHA-256, so a copy of the table opens nothing.
An account has at most one live link: issuing a new one voids the older ones.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.audit import audit

from ..models import SetupLink

TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def validity(purpose: str) -> timedelta:
    if purpose == SetupLink.Purpose.RESET:
        return timedelta(hours=settings.ACCOUNT_RESET_LINK_HOURS)
    return timedelta(days=settings.ACCOUNT_INVITATION_DAYS)


def path(token: str) -> str:
    return reverse("accounts:setup", args=[token])


def absolute_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + path(token)


def issue(*, user, purpose: str, by=None) -> tuple[SetupLink, str]:
    """A new live link for `user` (call inside the service's transaction); the older live ones are voided.
    Returns the row and the token, which is never stored and cannot be shown again."""
    now = timezone.now()
    SetupLink.objects.filter(user=user, used_at__isnull=True, voided_at__isnull=True).update(voided_at=now)
    token = secrets.token_urlsafe(32)
    link = SetupLink.objects.create(
        user=user,
        purpose=purpose,
        token_hash=digest(token),
        created_at=now,
        expires_at=now + validity(purpose),
        created_by=by if getattr(by, "pk", None) else None,
    )
    audit(
        by,
        "blocs.account.link_issued",
        user,
        purpose=purpose,
        link=link.pk,
        expires_at=link.expires_at.isoformat(),
    )
    return link, token


def find(token: str) -> SetupLink | None:
    """The link a token names, live or not; None for a token that was never issued (or is malformed)."""
    if not TOKEN_RE.match(token or ""):
        return None
    return SetupLink.objects.select_related("user").filter(token_hash=digest(token)).first()


def void_live(*, user) -> int:
    return SetupLink.objects.filter(user=user, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=timezone.now()
    )


def recently_issued(*, user, seconds: int | None = None) -> bool:
    """Whether a link went to this account in the last moments: self-service requests wait that long."""
    seconds = settings.ACCOUNT_LINK_RESEND_SECONDS if seconds is None else seconds
    since = timezone.now() - timedelta(seconds=seconds)
    return SetupLink.objects.filter(user=user, created_at__gte=since).exists()
