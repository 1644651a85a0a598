"""Reads about accounts: each person's status (invited, active, deactivated …) in a constant number of queries."""

from dataclasses import dataclass
from datetime import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Func, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Person, Province, SetupLink
from . import throttles


class Status:
    ACTIVE = "active"
    INVITED = "invited"
    EXPIRED = "expired"
    NOT_INVITED = "not_invited"
    INACTIVE = "inactive"


LABELS = {
    Status.ACTIVE: _("Active"),
    Status.INVITED: _("Invited"),
    Status.EXPIRED: _("Invitation expired"),
    Status.NOT_INVITED: _("Not invited"),
    Status.INACTIVE: _("Deactivated"),
}
BADGES = {
    Status.ACTIVE: "text-bg-success",
    Status.INVITED: "text-bg-info",
    Status.EXPIRED: "text-bg-warning",
    Status.NOT_INVITED: "text-bg-secondary",
    Status.INACTIVE: "text-bg-dark",
}


@dataclass(frozen=True)
class Account:
    person: Person
    status: str
    link_sent_at: datetime | None
    link_expires_at: datetime | None
    locked: bool = False  # failed sign-ins stop it signing in now (see throttles)

    @property
    def user(self):
        return self.person.user

    @property
    def label(self):
        return LABELS[self.status]

    @property
    def badge(self) -> str:
        return BADGES[self.status]


def with_latest_link(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Each person with their latest password link's dates (one query for the whole list)."""
    latest = SetupLink.objects.filter(user_id=OuterRef("user_id")).order_by("-created_at", "-id")
    return qs.annotate(
        link_created_at=Subquery(latest.values("created_at")[:1]),
        link_expires_at=Subquery(latest.values("expires_at")[:1]),
        link_used_at=Subquery(latest.values("used_at")[:1]),
        link_voided_at=Subquery(latest.values("voided_at")[:1]),
    )


def with_failures(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Each person with their recent failed sign-ins, from every address (in the same query)."""
    failures = (
        AccessAttempt.objects.filter(username=OuterRef("user__username"), attempt_time__gte=throttles.window_start())
        .annotate(total=Func("failures_since_start", function="SUM"))
        .values("total")[:1]
    )
    return qs.annotate(sign_in_failures=Subquery(failures))


def account_of(person: Person, *, now=None) -> Account:
    """The person's status from their user and the latest-link annotations (see `with_latest_link`)."""
    now = now or timezone.now()
    user = person.user
    created = getattr(person, "link_created_at", None)
    expires = getattr(person, "link_expires_at", None)
    live = (
        created is not None
        and getattr(person, "link_used_at", None) is None
        and getattr(person, "link_voided_at", None) is None
        and expires is not None
        and expires > now
    )
    if not user.is_active:
        status = Status.INACTIVE
    elif user.has_usable_password():
        status = Status.ACTIVE
    elif live:
        status = Status.INVITED
    elif created is not None:
        status = Status.EXPIRED
    else:
        status = Status.NOT_INVITED
    locked = (getattr(person, "sign_in_failures", None) or 0) >= settings.AXES_FAILURE_LIMIT
    return Account(
        person=person,
        status=status,
        link_sent_at=created,
        link_expires_at=expires if live else None,
        locked=locked and user.is_active,
    )


def accounts(*, province: Province, board: bool = False, unit=None, q: str = "", status: str = "") -> list[Account]:
    """The province's officers (or its board staff), filtered; statuses computed in Python from one query."""
    qs = Person.objects.select_related("user", "unit")
    qs = qs.filter(board_province=province) if board else qs.filter(unit__province=province)
    if unit is not None:
        qs = qs.filter(unit=unit)
    if q:
        qs = qs.filter(Q(user__full_name__icontains=q) | Q(user__username__icontains=q) | Q(user__email__icontains=q))
    now = timezone.now()
    rows = [
        account_of(p, now=now)
        for p in with_failures(with_latest_link(qs)).order_by("unit__name", "user__full_name", "pk")
    ]
    if status:
        rows = [row for row in rows if row.status == status]
    return rows


def counts(rows: list[Account]) -> dict[str, int]:
    result = dict.fromkeys(LABELS, 0)
    for row in rows:
        result[row.status] += 1
    return result


ACTION_LABELS = {
    "blocs.person.created": _("account created"),
    "blocs.account.link_issued": _("password link issued"),
    "blocs.account.link_renewed": _("a new link asked for from an old one"),
    "blocs.account.password_set": _("password chosen"),
    "blocs.person.deactivated": _("deactivated"),
    "blocs.person.activated": _("reactivated"),
    "blocs.person.moved": _("moved to another unit"),
    "blocs.person.updated": _("details changed"),
    "blocs.person.unlocked": _("sign-in unlocked"),
}


def history(person: Person, *, limit: int = 30) -> list[tuple]:
    """The audit rows about the person and their user, newest first, each with a readable label."""
    from core.models import AuditLog

    rows = AuditLog.objects.filter(
        Q(target_type="blocs.person", target_id=str(person.pk))
        | Q(target_type="core.user", target_id=str(person.user_id))
    ).select_related("actor")[:limit]
    return [(row, ACTION_LABELS.get(row.action, row.action)) for row in rows]
