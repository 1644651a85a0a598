"""Reads that compute: who has answered which deadline, and when.

The one rule every page and the reminders follow. A unit answers a file deadline (submissions.FILE_KINDS) by
sending a first version of its report; it answers the covenant deadline either that way or by sending its
covenant registration on the covenant page (blocs.covenant). The answer's time is the first one: the first
version's submitted_at for a file, the first version sent of the registration for the covenant (a correction
sent later, or a returned report sent again, does not move it). Whichever way came first decides when a unit
that did both answered.

On time or late is measured against the unit's own due date (its extension, if it has one): for a file it is the
lateness stored with the first version (submissions.submission_upload measured it when the file came in), for a
registration it is measured here.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from blocs.enums import DeadlineKind
from blocs.models import CovenantRegistration, Deadline

from .models import Extension, Submission, SubmissionVersion

FILE, REGISTRATION = "file", "registration"


@dataclass(frozen=True)
class Answer:
    """A unit's first answer to one deadline."""

    at: datetime.datetime
    late_seconds: int  # 0: by the unit's due date
    via: str  # FILE or REGISTRATION

    @property
    def late(self) -> bool:
        return self.late_seconds > 0

    @property
    def by_registration(self) -> bool:
        return self.via == REGISTRATION


def with_first_answer(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Submissions annotated with their first version's time (`first_at`, None: nothing sent) and lateness
    (`first_late`, in seconds); callers may annotate more and pass the rows to `answers`."""
    first = SubmissionVersion.objects.filter(submission=OuterRef("pk")).order_by("number")
    return submissions.annotate(
        first_at=Subquery(first.values("submitted_at")[:1]), first_late=Subquery(first.values("late_seconds")[:1])
    )


def sent_registrations(year_ids: Iterable[int]) -> dict[tuple[int, int], datetime.datetime]:
    """(year pk, unit pk) → when the unit first sent its covenant registration of that year (one query)."""
    year_ids = set(year_ids)
    if not year_ids:
        return {}
    return {
        (year_id, unit_id): first_sent
        for year_id, unit_id, first_sent in CovenantRegistration.objects.filter(
            year_id__in=year_ids, submitted_at__isnull=False
        )
        .annotate(first_sent=Coalesce(Min("versions__sent_at"), "submitted_at"))
        .values_list("year_id", "unit_id", "first_sent")
    }


def answers(
    deadlines: list[Deadline],
    *,
    unit_ids: Iterable[int] | None = None,
    submissions: Iterable[Submission] | None = None,
    registrations: dict[tuple[int, int], datetime.datetime] | None = None,
    extensions: dict[tuple[int, int], Extension] | None = None,
) -> dict[tuple[int, int], Answer]:
    """(deadline pk, unit pk) → the unit's first answer, for every pair of these deadlines that has one.

    At most three queries whatever the number of deadlines and units, fewer when the caller has already loaded
    `submissions` (rows of `with_first_answer` over these deadlines), `registrations` (`sent_registrations` of
    their years) or `extensions` ((deadline pk, unit pk) → Extension); `unit_ids` keeps those units only. The
    registrations and extensions are read only when a covenant deadline is among the deadlines."""
    wanted = None if unit_ids is None else set(unit_ids)
    by_pk = {d.pk: d for d in deadlines}
    found: dict[tuple[int, int], Answer] = {}
    if submissions is None:
        queryset = with_first_answer(Submission.objects.filter(deadline_id__in=list(by_pk)))
        if wanted is not None:
            queryset = queryset.filter(unit_id__in=wanted)
        submissions = queryset.filter(first_at__isnull=False).only("pk", "deadline_id", "unit_id")
    for s in submissions:
        if s.first_at is None or s.deadline_id not in by_pk or (wanted is not None and s.unit_id not in wanted):
            continue
        found[s.deadline_id, s.unit_id] = Answer(at=s.first_at, late_seconds=s.first_late or 0, via=FILE)

    covenants = [d for d in deadlines if d.kind == DeadlineKind.COVENANT]
    if not covenants:
        return found
    if registrations is None:
        registrations = sent_registrations({d.year_id for d in covenants})
    if not registrations:
        return found
    if extensions is None:
        extensions = {
            (e.deadline_id, e.unit_id): e for e in Extension.objects.filter(deadline_id__in=[d.pk for d in covenants])
        }
    by_year: dict[int, list[tuple[int, datetime.datetime]]] = {}
    for (year_id, unit_id), sent_at in registrations.items():
        if wanted is None or unit_id in wanted:
            by_year.setdefault(year_id, []).append((unit_id, sent_at))
    for deadline in covenants:
        for unit_id, sent_at in by_year.get(deadline.year_id, []):
            extension = extensions.get((deadline.pk, unit_id))
            due = extension.due_at if extension is not None else deadline.due_at
            registered = Answer(at=sent_at, late_seconds=max(0, int((sent_at - due).total_seconds())), via=REGISTRATION)
            earlier = found.get((deadline.pk, unit_id))
            if earlier is None or registered.at < earlier.at:
                found[deadline.pk, unit_id] = registered
    return found
