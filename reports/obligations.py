"""Who owes an answer to which deadline of a year's calendar, who has answered it and when, and where each unit
stands on each deadline: the one rule the submissions grid, the leader's and the board's dashboards, the summary
report, the reminders and each unit's to-do list follow.

Who owes (`owes`): a deadline for the members binds every member unit of the year, one for the leader the year's
leader unit, one for a unit that unit, one for the next leader the following year's leader unit (the deputy
until that year opens). The members' self-assessment entry does not bind a unit that has a self-assessment entry
of its own: that entry is its extension (scoring.selectors.self_assessment_deadline). The comment round and the
conference are events: they are dated, but nobody answers them.

How a unit answers (`answers`): a file deadline (submissions.FILE_KINDS) by sending a first version of its report;
the covenant deadline that way or by sending its covenant registration on the covenant page (blocs.covenant); the
proposal dossiers' deadline that way or, for the year's leader unit, by sending every proposal's dossier to the
board (awards: the year has proposals and none is still in preparation); the self-assessment by sending its sheet
(scoring); compiling the results by the ranking published. The answer's time is the first one: the first
version's submitted_at for a file or a sheet, the first version sent of the registration for the covenant (a
correction sent later, or a returned report sent again, does not move it), the last dossier sent for the
dossiers. Whichever way came first decides when a unit that did both answered.

On time or late is measured against the unit's own due date (its extension, if it has one): for a file or a
sheet it is the lateness stored with the first version (measured when it came in), for a registration and the
ranking it is measured here.

Where a unit stands (`State`, `obligation`): on time, late, extended (nothing yet, under an extension still
running), missing (nothing, and its due date has passed), not due (nothing yet, the due date is ahead), not owed,
or an event. A file the leader returned for correction and that was not sent again keeps its first answer (the
board counts it as it came), and says so (`Obligation.returned`): the leader and the unit still have it to do.
Until when a unit may still answer, late, is blocs.deadlines' rule (`Obligation.closes`: its due date plus the
bloc's grace period), the one the services that take a file or a sheet enforce.
"""

import datetime
import enum
import math
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from awards.enums import ProposalStatus
from awards.models import Proposal
from blocs import deadlines as closing
from blocs.enums import Audience, DeadlineKind
from blocs.models import CovenantRegistration, Deadline, EmulationYear, Membership, Unit
from blocs.selectors import memberships_in_year
from scoring.models import CriteriaTable, Sheet, SheetVersion

from .enums import SubmissionStatus
from .models import Extension, Submission, SubmissionVersion

# How a unit answered.
FILE, REGISTRATION, SHEET, RANKING, DOSSIERS = "file", "registration", "sheet", "ranking", "dossiers"

# Dated entries of the calendar that nobody answers.
EVENT_KINDS = frozenset({DeadlineKind.COMMENT_ROUND, DeadlineKind.CONFERENCE, DeadlineKind.MEETING})

# The page where a unit does what a deadline asks (URL names; each takes the bloc's slug and the year).
URL_NAMES = {
    DeadlineKind.YEAR_REPORT: "reports:submissions",
    DeadlineKind.SUMMARY_REPORT: "reports:submissions",
    DeadlineKind.AWARD_DOSSIER: "reports:submissions",
    DeadlineKind.LAUNCH_PLAN: "reports:submissions",
    DeadlineKind.OTHER: "reports:submissions",
    DeadlineKind.COVENANT: "blocs:covenant",
    DeadlineKind.SELF_ASSESSMENT: "scoring:my-sheet",
    DeadlineKind.COMPILE: "scoring:ranking",
    DeadlineKind.COMMENT_ROUND: "conference:draft-report",
    DeadlineKind.CONFERENCE: "conference:plan",
    DeadlineKind.MEETING: "conference:meetings",
}


# --- who has answered, and when --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """A unit's first answer to one deadline."""

    at: datetime.datetime
    late_seconds: int  # 0: by the unit's due date
    via: str  # FILE, REGISTRATION, SHEET or RANKING

    @property
    def late(self) -> bool:
        return self.late_seconds > 0

    @property
    def by_registration(self) -> bool:
        return self.via == REGISTRATION

    @property
    def by_dossiers(self) -> bool:
        return self.via == DOSSIERS


def with_first_answer(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """Submissions annotated with their first version's time (`first_at`, None: nothing sent) and lateness
    (`first_late`, in seconds); callers may annotate more and pass the rows to `answers`."""
    first = SubmissionVersion.objects.filter(submission=OuterRef("pk")).order_by("number")
    return submissions.annotate(
        first_at=Subquery(first.values("submitted_at")[:1]), first_late=Subquery(first.values("late_seconds")[:1])
    )


def with_first_sending(sheets: QuerySet[Sheet]) -> QuerySet[Sheet]:
    """Sheets annotated with when they were first sent (`first_sent`: the first version's time; a sheet marked
    sent without a version counts from its submitted_at); callers pass the rows to `answers`."""
    first = SheetVersion.objects.filter(sheet=OuterRef("pk")).order_by("number").values("submitted_at")[:1]
    return sheets.annotate(first_sent=Coalesce(Subquery(first), F("submitted_at")))


def sent_registrations(
    year_ids: Iterable[int], *, unit_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], datetime.datetime]:
    """(year pk, unit pk) → when the unit first sent its covenant registration of that year (one query);
    `unit_ids` keeps those units only."""
    year_ids = set(year_ids)
    if not year_ids:
        return {}
    registrations = CovenantRegistration.objects.filter(year_id__in=year_ids, submitted_at__isnull=False)
    if unit_ids is not None:
        registrations = registrations.filter(unit_id__in=set(unit_ids))
    return {
        (year_id, unit_id): first_sent
        for year_id, unit_id, first_sent in registrations.annotate(
            first_sent=Coalesce(Min("versions__sent_at"), "submitted_at")
        ).values_list("year_id", "unit_id", "first_sent")
    }


@dataclass(frozen=True)
class DossiersSent:
    """A year's proposal dossiers, all sent to the board: by which leader unit, and when the last one went."""

    leader_id: int
    at: datetime.datetime


def dossiers_sent(year_ids: Iterable[int]) -> dict[int, DossiersSent]:
    """Year pk → its dossiers sent, for the years that have proposals and none still in preparation (one query)."""
    year_ids = set(year_ids)
    if not year_ids:
        return {}
    rows = (
        Proposal.objects.filter(award_kind__year_id__in=year_ids)
        .values("award_kind__year_id", "award_kind__year__leader_id")
        .annotate(
            preparing=Count("pk", filter=Q(status=ProposalStatus.PREPARING)),
            last=Max("submitted_at"),
        )
        .order_by()
    )
    return {
        row["award_kind__year_id"]: DossiersSent(leader_id=row["award_kind__year__leader_id"], at=row["last"])
        for row in rows
        if not row["preparing"] and row["last"] is not None
    }


def _late_seconds(at: datetime.datetime, due: datetime.datetime) -> int:
    return max(0, math.ceil((at - due).total_seconds()))


def due_date(deadline: Deadline, extension: Extension | None) -> datetime.datetime:
    """A unit's due date: its extension's if it has one, else the deadline's."""
    return extension.due_at if extension is not None else deadline.due_at


def ranking_answer(
    table: CriteriaTable | None, *, deadline: Deadline, extension: Extension | None = None
) -> Answer | None:
    """The answer to the compiling deadline: the ranking published (None: not yet)."""
    if table is None or table.ranking_published_at is None:
        return None
    published = table.ranking_published_at
    return Answer(at=published, late_seconds=_late_seconds(published, due_date(deadline, extension)), via=RANKING)


def answers(
    deadlines: list[Deadline],
    *,
    unit_ids: Iterable[int] | None = None,
    submissions: Iterable[Submission] | None = None,
    registrations: dict[tuple[int, int], datetime.datetime] | None = None,
    extensions: dict[tuple[int, int], Extension] | None = None,
    sheets: Iterable[Sheet] | None = None,
    dossiers: dict[int, DossiersSent] | None = None,
) -> dict[tuple[int, int], Answer]:
    """(deadline pk, unit pk) → the unit's first answer, for every pair of these deadlines that has one (the
    ranking, which answers the compiling deadline, is `ranking_answer`'s).

    At most five queries whatever the number of deadlines and units, fewer when the caller has already loaded
    `submissions` (rows of `with_first_answer` over these deadlines), `registrations` (`sent_registrations` of
    their years), `extensions` ((deadline pk, unit pk) → Extension), `sheets` (rows of `with_first_sending` of
    their years) or `dossiers` (`dossiers_sent` of their years); `unit_ids` keeps those units only. The
    registrations are read only when a covenant deadline is among the deadlines, the sheets only with a
    self-assessment deadline, the dossiers only with a dossiers' deadline, the extensions only with one of
    these."""
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
    self_assessments = [d for d in deadlines if d.kind == DeadlineKind.SELF_ASSESSMENT]
    dossier_deadlines = [d for d in deadlines if d.kind == DeadlineKind.AWARD_DOSSIER]
    if not covenants and not self_assessments and not dossier_deadlines:
        return found
    if covenants and registrations is None:
        registrations = sent_registrations({d.year_id for d in covenants})
    if dossier_deadlines and dossiers is None:
        dossiers = dossiers_sent({d.year_id for d in dossier_deadlines})
    # The dossiers answer their deadline for the leader unit that sends them, when that unit owes it.
    sent_dossiers = [
        (deadline, sent)
        for deadline in dossier_deadlines
        if (sent := (dossiers or {}).get(deadline.year_id)) is not None
        and (wanted is None or sent.leader_id in wanted)
        and (deadline.audience != Audience.UNIT or deadline.unit_id == sent.leader_id)
    ]
    if self_assessments and sheets is None:
        queryset = Sheet.objects.filter(year_id__in={d.year_id for d in self_assessments}, submitted_at__isnull=False)
        if wanted is not None:
            queryset = queryset.filter(unit_id__in=wanted)
        sheets = with_first_sending(queryset.only("pk", "year_id", "unit_id", "submitted_at", "is_late"))
    sheets = [] if sheets is None else [s for s in sheets if s.submitted_at is not None]
    if not registrations and not sheets and not sent_dossiers:
        return found
    if extensions is None:
        extensions = {
            (e.deadline_id, e.unit_id): e
            for e in Extension.objects.filter(
                deadline_id__in=[d.pk for d in covenants + self_assessments + dossier_deadlines]
            )
        }

    def due(deadline: Deadline, unit_id: int) -> datetime.datetime:
        return due_date(deadline, extensions.get((deadline.pk, unit_id)))

    by_year: dict[int, list[tuple[int, datetime.datetime]]] = {}
    for (year_id, unit_id), sent_at in (registrations or {}).items():
        if wanted is None or unit_id in wanted:
            by_year.setdefault(year_id, []).append((unit_id, sent_at))
    for deadline in covenants:
        for unit_id, sent_at in by_year.get(deadline.year_id, []):
            registered = Answer(
                at=sent_at,
                late_seconds=max(0, int((sent_at - due(deadline, unit_id)).total_seconds())),
                via=REGISTRATION,
            )
            earlier = found.get((deadline.pk, unit_id))
            if earlier is None or registered.at < earlier.at:
                found[deadline.pk, unit_id] = registered

    for deadline, sent in sent_dossiers:
        unit_id = sent.leader_id
        answered = Answer(at=sent.at, late_seconds=_late_seconds(sent.at, due(deadline, unit_id)), via=DOSSIERS)
        earlier = found.get((deadline.pk, unit_id))
        if earlier is None or answered.at < earlier.at:
            found[deadline.pk, unit_id] = answered

    for deadline in self_assessments:
        for sheet in sheets:
            if sheet.year_id != deadline.year_id or (wanted is not None and sheet.unit_id not in wanted):
                continue
            at = getattr(sheet, "first_sent", None) or sheet.submitted_at
            # The lateness scoring stored when the sheet first came in; its size measured here.
            late = max(1, _late_seconds(at, due(deadline, sheet.unit_id))) if sheet.is_late else 0
            found[deadline.pk, sheet.unit_id] = Answer(at=at, late_seconds=late, via=SHEET)
    return found


# --- who owes ----------------------------------------------------------------------------------------------------


def owes(
    deadline: Deadline,
    unit_id: int,
    year: EmulationYear,
    following_leader_id: int | None,
    *,
    member: bool = True,
    own_sheet_units: Collection[int] = frozenset(),
) -> bool:
    """Whether `deadline` of `year` asks `unit_id` for an answer, from what is loaded (no query).

    `following_leader_id`: the leader unit of the year after (None: not opened yet); `member`: whether the unit
    is a member of the year; `own_sheet_units`: the units with a self-assessment entry of their own
    (`own_sheet_units`)."""
    if deadline.audience == Audience.MEMBERS:
        if deadline.kind == DeadlineKind.SELF_ASSESSMENT and unit_id in own_sheet_units:
            return False
        return member
    if deadline.audience == Audience.LEADER:
        return unit_id == year.leader_id
    if deadline.audience == Audience.UNIT:
        return unit_id == deadline.unit_id
    if following_leader_id is not None:
        return unit_id == following_leader_id
    return year.deputy_id is not None and unit_id == year.deputy_id


def own_sheet_units(deadlines: Iterable[Deadline]) -> frozenset[int]:
    """The units with a self-assessment entry of their own among these deadlines."""
    return frozenset(
        d.unit_id for d in deadlines if d.kind == DeadlineKind.SELF_ASSESSMENT and d.audience == Audience.UNIT
    )


@dataclass(frozen=True)
class Owing:
    """What `owes` needs about one year, loaded once: the year (its leader and deputy), its member units (in the
    order the caller wants them listed), the following year's leader unit and the units with a self-assessment
    entry of their own."""

    year: EmulationYear
    member_ids: Sequence[int]
    following_leader_id: int | None = None
    own_sheet_units: frozenset[int] = frozenset()
    _members: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "_members", frozenset(self.member_ids))

    def owes(self, deadline: Deadline, unit_id: int) -> bool:
        return owes(
            deadline,
            unit_id,
            self.year,
            self.following_leader_id,
            member=unit_id in self._members,
            own_sheet_units=self.own_sheet_units,
        )

    def unit_ids(self, deadline: Deadline) -> list[int]:
        """Every unit `deadline` binds (submissions.owing_units without a query): the members in their order."""
        if deadline.audience == Audience.MEMBERS:
            return [pk for pk in self.member_ids if self.owes(deadline, pk)]
        if deadline.audience == Audience.LEADER:
            return [self.year.leader_id]
        if deadline.audience == Audience.UNIT:
            return [deadline.unit_id]
        if self.following_leader_id is not None:
            return [self.following_leader_id]
        return [self.year.deputy_id] if self.year.deputy_id else []


# --- where a unit stands -------------------------------------------------------------------------------------------


class State(enum.StrEnum):
    """Where one unit stands on one deadline."""

    ON_TIME = "on_time"  # answered by its due date (its extension's, if it has one)
    LATE = "late"  # answered after it
    EXTENDED = "extended"  # nothing yet, under an extension still running
    MISSING = "missing"  # nothing, and its due date has passed
    NOT_DUE = "not_due"  # nothing yet, and the due date is ahead
    NOT_OWED = "not_owed"  # the deadline asks nothing of this unit
    EVENT = "event"  # a dated event (the comment round, the conference): nothing to answer


ANSWERED = frozenset({State.ON_TIME, State.LATE})


@dataclass(frozen=True)
class Obligation:
    """One unit's state on one deadline."""

    deadline: Deadline
    unit_id: int
    state: State
    due: datetime.datetime  # the unit's due date: its extension's if it has one, else the deadline's
    extended_until: datetime.datetime | None = None  # the extension's due date, if the unit has one
    answer: Answer | None = None  # its first answer
    returned: bool = False  # its file was returned for correction and has not been sent again

    @property
    def owed(self) -> bool:
        return self.state != State.NOT_OWED

    @property
    def answered(self) -> bool:
        return self.state in ANSWERED

    @property
    def done(self) -> bool:
        """Answered, and not returned for correction since."""
        return self.answered and not self.returned

    @property
    def answered_at(self) -> datetime.datetime | None:
        return self.answer.at if self.answer is not None and self.answered else None

    @property
    def late_seconds(self) -> int:
        return self.answer.late_seconds if self.answer is not None and self.answered else 0

    @property
    def closes(self) -> datetime.datetime:
        """Until when the unit may still answer, late (blocs.deadlines: its due date plus the bloc's grace period);
        reads the deadline's year."""
        return closing.closes_at(self.deadline, extension_until=self.extended_until)

    @property
    def url_name(self) -> str:
        """The page where the unit does what the deadline asks (it takes the bloc's slug and the year)."""
        if self.answer is not None and self.answer.by_dossiers:
            return "awards:proposals"
        return URL_NAMES.get(self.deadline.kind, "")


def obligation(
    deadline: Deadline,
    unit_id: int,
    *,
    owed: bool,
    answer: Answer | None,
    extension: Extension | None,
    now: datetime.datetime,
    returned: bool = False,
) -> Obligation:
    """Where a unit stands on one deadline, from what is loaded (no query): whether the deadline binds it (`owes`),
    its first answer (`answers`, `ranking_answer`), its extension, and whether its file was returned and not sent
    again. Missing once its due date has passed."""
    due = due_date(deadline, extension)
    if not owed:
        state = State.NOT_OWED
    elif deadline.kind in EVENT_KINDS:
        state = State.EVENT
    elif answer is not None:
        state = State.LATE if answer.late else State.ON_TIME
    elif due < now:
        state = State.MISSING
    elif extension is not None:
        state = State.EXTENDED
    else:
        state = State.NOT_DUE
    return Obligation(
        deadline=deadline,
        unit_id=unit_id,
        state=state,
        due=due,
        extended_until=extension.due_at if extension is not None else None,
        answer=answer if owed else None,
        returned=returned and owed,
    )


# --- one unit's year: its to-do list -----------------------------------------------------------------------------


def unit_obligations(year: EmulationYear, unit: Unit, *, now: datetime.datetime | None = None) -> list[Obligation]:
    """Every deadline of the year, by due date, with where `unit` stands on it (NOT_OWED where it asks nothing of
    the unit), in at most eight queries whatever the number of deadlines: the calendar, the unit's membership,
    the following year's leader (with a deadline for the next leader), the unit's extensions, files, covenant
    registration (with a covenant deadline), sheet (with a self-assessment deadline), the ranking (with a
    compiling deadline the unit owes) and the proposals (with a dossiers' deadline the unit owes: nine then)."""
    now = now or timezone.now()
    deadlines = list(year.deadlines.select_related("unit").order_by("due_at", "id"))
    if not deadlines:
        return []
    member = Membership.objects.filter(memberships_in_year(year=year.year), bloc_id=year.bloc_id, unit=unit).exists()
    following_leader_id = None
    if any(d.audience == Audience.NEXT_LEADER for d in deadlines):
        following_leader_id = (
            EmulationYear.objects.filter(bloc_id=year.bloc_id, year=year.year + 1)
            .values_list("leader_id", flat=True)
            .first()
        )
    rule = Owing(
        year=year,
        member_ids=[unit.pk] if member else [],
        following_leader_id=following_leader_id,
        own_sheet_units=own_sheet_units(deadlines),
    )
    owed = [d for d in deadlines if rule.owes(d, unit.pk)]
    owed_ids = {d.pk for d in owed}
    # What a unit answers itself: a file (or the covenant registration) or its sheet; the ranking answers the
    # compiling deadline, and events ask nothing.
    answerable = [d for d in owed if d.kind not in EVENT_KINDS and d.kind != DeadlineKind.COMPILE]
    files = [d for d in answerable if d.kind != DeadlineKind.SELF_ASSESSMENT]
    extensions: dict[tuple[int, int], Extension] = {}
    if owed:
        extensions = {
            (e.deadline_id, e.unit_id): e for e in Extension.objects.filter(deadline__in=owed, unit_id=unit.pk)
        }
    submissions: list[Submission] = []
    if files:
        submissions = list(
            with_first_answer(Submission.objects.filter(deadline__in=files, unit_id=unit.pk)).only(
                "pk", "deadline_id", "unit_id", "status"
            )
        )
    registrations = None
    if any(d.kind == DeadlineKind.COVENANT for d in files):
        registrations = sent_registrations([year.pk], unit_ids=[unit.pk])
    answered = answers(
        answerable,
        unit_ids=[unit.pk],
        submissions=submissions,
        registrations=registrations,
        extensions=extensions,
    )
    table = None
    if any(d.kind == DeadlineKind.COMPILE for d in owed):
        table = CriteriaTable.objects.filter(year=year).only("pk", "ranking_published_at").first()
    returned = {s.deadline_id for s in submissions if s.first_at is not None and s.status == SubmissionStatus.RETURNED}
    result = []
    for deadline in deadlines:
        extension = extensions.get((deadline.pk, unit.pk))
        if deadline.kind == DeadlineKind.COMPILE:
            answer = ranking_answer(table, deadline=deadline, extension=extension)
        else:
            answer = answered.get((deadline.pk, unit.pk))
        result.append(
            obligation(
                deadline,
                unit.pk,
                owed=deadline.pk in owed_ids,
                answer=answer,
                extension=extension,
                now=now,
                returned=deadline.pk in returned,
            )
        )
    return result
