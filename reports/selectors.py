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
from dataclasses import dataclass, field

from django.db.models import Min, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import ngettext, npgettext, pgettext

from blocs.enums import Audience, DeadlineKind
from blocs.models import CovenantRegistration, Deadline, EmulationYear, Unit
from blocs.selectors import members_in_year

from .enums import SubmissionStatus
from .models import Extension, Submission, SubmissionVersion
from .services import submissions as services

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


# --- wording -------------------------------------------------------------------------------------------


def late_text(seconds: int) -> str:
    """How late, as "2 ngày 3 giờ" (days and hours; minutes when under an hour)."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return "{} {}".format(
            ngettext("%(n)d day", "%(n)d days", days) % {"n": days},
            ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours},
        )
    if hours:
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    minutes = max(1, rest // 60)
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def late_days(seconds: int) -> int:
    """Days late as the status counts them: every day begun counts."""
    return -(-int(seconds) // 86400)


# --- who owes what: the units × deadlines grid -----------------------------------------------------------


@dataclass
class Cell:
    """One unit's state on one deadline."""

    deadline: Deadline
    unit: Unit
    due: datetime.datetime
    closes: datetime.datetime
    now: datetime.datetime
    extension: Extension | None = None
    submission: Submission | None = None
    versions: list[SubmissionVersion] = field(default_factory=list)  # newest first
    answer: Answer | None = None  # the unit's first answer (selectors.answers), by a file or on the covenant page

    @property
    def latest(self) -> SubmissionVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def registered(self) -> bool:
        """Answered on the covenant page (its registration sent) and by no file."""
        return self.latest is None and self.answer is not None and self.answer.by_registration

    @property
    def code(self) -> str:
        if self.latest is None:
            if self.registered:
                return "registered_late" if self.answer.late else "registered"
            return "missing" if self.now > self.due else "none"
        if self.submission.status == SubmissionStatus.ACCEPTED:
            return "accepted"
        if self.submission.status == SubmissionStatus.RETURNED:
            return "returned"
        return "late" if self.latest.late_seconds else "submitted"

    @property
    def label(self) -> str:
        code = self.code
        if code in ("none", "missing"):
            return pgettext("report status", "Not submitted")
        if code == "registered":
            return pgettext("report status", "Registered on the covenant page")
        if code == "registered_late":
            days = late_days(self.answer.late_seconds)
            return npgettext(
                "report status",
                "Registered on the covenant page, late by %(n)d day",
                "Registered on the covenant page, late by %(n)d days",
                days,
            ) % {"n": days}
        if code == "late":
            days = late_days(self.latest.late_seconds)
            return npgettext("report status", "Late by %(n)d day", "Late by %(n)d days", days) % {"n": days}
        if code == "accepted":
            return pgettext("report status", "Accepted")
        if code == "returned":
            return pgettext("report status", "Returned for correction")
        return pgettext("report status", "Submitted")

    # Colour is never alone: the label and an icon say the same.
    STYLES = {
        "none": ("secondary", "bi-dash-circle"),
        "missing": ("danger", "bi-x-circle"),
        "submitted": ("primary", "bi-inbox"),
        "late": ("warning", "bi-clock-history"),
        "accepted": ("success", "bi-check2-circle"),
        "returned": ("danger", "bi-arrow-return-left"),
        "registered": ("success", "bi-pen"),
        "registered_late": ("warning", "bi-pen"),
    }

    @property
    def colour(self) -> str:
        return self.STYLES[self.code][0]

    @property
    def icon(self) -> str:
        return self.STYLES[self.code][1]

    @property
    def late_or_missing(self) -> bool:
        """What the leader's filter keeps: nothing usable yet (not sent, or returned), or sent late."""
        if self.registered:
            return self.answer.late
        return self.code in ("none", "missing", "returned") or bool(self.latest and self.latest.late_seconds)

    @property
    def has_opened(self) -> bool:
        return self.deadline.opens_at is None or self.now >= self.deadline.opens_at

    @property
    def is_open(self) -> bool:
        return self.has_opened and self.now <= self.closes

    @property
    def may_replace(self) -> bool:
        return self.submission is None or self.submission.status != SubmissionStatus.ACCEPTED

    @property
    def waiting(self) -> bool:
        return self.submission is not None and self.submission.status == SubmissionStatus.SUBMITTED


@dataclass
class Grid:
    year: EmulationYear
    deadlines: list[Deadline]
    units: list[Unit]
    member_ids: set[int]
    cells: dict[tuple[int, int], Cell]  # (deadline pk, unit pk); only where the deadline applies

    def cell(self, deadline: Deadline, unit: Unit) -> Cell | None:
        return self.cells.get((deadline.pk, unit.pk))

    def for_unit(self, unit: Unit) -> list[Cell]:
        return [c for d in self.deadlines if (c := self.cell(d, unit)) is not None]


def _owing_ids(deadline: Deadline, *, year: EmulationYear, member_ids: list[int], following) -> list[int]:
    """services.owing_units without a query per deadline (the same rules; a test holds them equal)."""
    if deadline.audience == Audience.MEMBERS:
        return member_ids
    if deadline.audience == Audience.LEADER:
        return [year.leader_id]
    if deadline.audience == Audience.UNIT:
        return [deadline.unit_id]
    if following is not None:
        return [following.leader_id]
    return [year.deputy_id] if year.deputy_id else []


def submission_grid(year: EmulationYear, *, unit: Unit | None = None) -> Grid:
    """Every file deadline of the year × the units it applies to, with submissions, versions and extensions,
    in a fixed number of queries whatever the number of units and deadlines. With `unit`: that unit only."""
    deadlines = list(
        year.deadlines.filter(kind__in=services.FILE_KINDS).select_related("unit").order_by("due_at", "id")
    )
    members = list(members_in_year(bloc=year.bloc, year=year.year))
    member_ids = [m.pk for m in members]
    following = None
    if any(d.audience == Audience.NEXT_LEADER for d in deadlines):
        following = (
            EmulationYear.objects.filter(bloc_id=year.bloc_id, year=year.year + 1).select_related("leader").first()
        )
    known = {m.pk: m for m in members}
    known.setdefault(year.leader_id, year.leader)
    if year.deputy_id:
        known.setdefault(year.deputy_id, year.deputy)
    if following is not None:
        known.setdefault(following.leader_id, following.leader)
    for deadline in deadlines:
        if deadline.unit_id:
            known.setdefault(deadline.unit_id, deadline.unit)
    owing = {d.pk: _owing_ids(d, year=year, member_ids=member_ids, following=following) for d in deadlines}
    wanted = {pk for ids in owing.values() for pk in ids}
    if unit is not None:
        wanted &= {unit.pk}
    units = sorted((known[pk] for pk in wanted), key=lambda u: u.name)

    versions = SubmissionVersion.objects.select_related("submitted_by").order_by("-number")
    submissions = Submission.objects.filter(deadline__in=deadlines).prefetch_related(
        Prefetch("versions", queryset=versions)
    )
    extensions = Extension.objects.filter(deadline__in=deadlines)
    if unit is not None:
        submissions, extensions = submissions.filter(unit=unit), extensions.filter(unit=unit)
    by_key = {(s.deadline_id, s.unit_id): s for s in with_first_answer(submissions)}
    extended = {(e.deadline_id, e.unit_id): e for e in extensions}
    # Who answered, and when: the files above, and the covenant registrations (one more query with a covenant).
    answered = answers(deadlines, unit_ids=wanted, submissions=by_key.values(), extensions=extended)
    # closes_at's rule (the due date, or the extension's, plus the grace days), from what is loaded.
    grace = datetime.timedelta(days=year.setting("late_submission_grace_days"))
    now = timezone.now()
    cells = {}
    for deadline in deadlines:
        for pk in owing[deadline.pk]:
            if pk not in wanted:
                continue
            submission = by_key.get((deadline.pk, pk))
            due = services.effective_due(deadline, known[pk], extended)
            cells[(deadline.pk, pk)] = Cell(
                deadline=deadline,
                unit=known[pk],
                due=due,
                closes=due + grace,
                now=now,
                extension=extended.get((deadline.pk, pk)),
                submission=submission,
                versions=list(submission.versions.all()) if submission else [],
                answer=answered.get((deadline.pk, pk)),
            )
    return Grid(year=year, deadlines=deadlines, units=units, member_ids=set(member_ids), cells=cells)


# --- helpers of the views --------------------------------------------------------------------------------
