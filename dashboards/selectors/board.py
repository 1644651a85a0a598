"""Reads of the provincial board's dashboard: every bloc of a province in one year (one row each), the members of
one bloc's year, and each unit's rank and score across the years.

Each read runs a fixed number of queries whatever the number of blocs, units and years: the figures of every
bloc are counted in SQL by correlated subqueries of one statement, and the rankings of several years come from
one query (`rankings_queryset`, the scoring app's ranking partitioned by year).

What the figures mean:
- reports are the deadlines of kind year-end report and summary report; one is *expected so far* from a unit the
  deadline applies to once the deadline is due, unless the unit has an extension that is still running and has
  sent nothing yet; it is *on time* when its first version came in by the unit's due date (a later correction
  of a returned report does not make it late), *late* when the first came after it, *missing* when none came
  (the same rule as the bloc's summary report, conference/summary.py);
- scoring progress counts the sheets submitted at least once, reviewed (reviewed or final) and final;
- the leading unit is rank 1 of a *published* ranking (ties share the rank, so there can be two);
- proposals: proposed (every proposal), sent to the board (sent, approved or not approved), approved, not
  approved; awaiting a decision = sent and not decided yet.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, Rank
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards.enums import ProposalStatus
from awards.models import Proposal
from blocs.enums import Audience, DeadlineKind, Phase
from blocs.models import Bloc, Deadline, EmulationYear, Membership, Unit
from core.collation import vi_sort_key
from reports.models import Extension, Submission, SubmissionVersion
from reports.obligations import State, answers, obligation, owes
from scoring import wording as sheet_wording
from scoring.enums import SheetStatus
from scoring.models import Sheet
from scoring.selectors import DEC, TIE_BREAKS, ZERO, classify, totals_queryset

REPORT_KINDS = (DeadlineKind.YEAR_REPORT, DeadlineKind.SUMMARY_REPORT)
TWO = Decimal("0.01")


# --- SQL helpers ---------------------------------------------------------------------------------------------


def _count(queryset: QuerySet, column: str = "pk", *, distinct: bool = False):
    """COUNT of a correlated queryset as a scalar subquery (0 when nothing matches)."""
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = queryset.order_by().annotate(
        _n=Func(F(column), function="COUNT", template=template, output_field=IntegerField())
    )
    return Coalesce(Subquery(counted.values("_n"), output_field=IntegerField()), Value(0))


def _members_of_year():
    """The member units of the outer emulation year (OuterRef: bloc_id, year)."""
    return Membership.objects.filter(bloc_id=OuterRef("bloc_id"), start_year__lte=OuterRef("year")).filter(
        Q(end_year__isnull=True) | Q(end_year__gte=OuterRef("year"))
    )


# --- rankings of several years in one query ------------------------------------------------------------------


# Each tie-break as a value to sort ascending (scoring.selectors.TIE_BREAKS sorts the same keys).
_ASCENDING = {
    "group_first": lambda: F("first_group_total") * Value(Decimal(-1), output_field=DEC),
    "fewer_deductions": lambda: F("deductions"),
    "higher_bonus": lambda: F("bonus") * Value(Decimal(-1), output_field=DEC),
}


def _tie_breaks(years: list[EmulationYear]) -> list:
    """The tie-breaks of every year, position by position: at position i, each year sorts by its own i-th rule."""
    orders = {y.pk: [k for k in y.setting("tie_break_order") if k in TIE_BREAKS] for y in years}
    expressions = []
    for i in range(max((len(o) for o in orders.values()), default=0)):
        by_key: dict[str, list[int]] = {}
        for pk, order in orders.items():
            if i < len(order):
                by_key.setdefault(order[i], []).append(pk)
        whens = [When(year_id__in=ids, then=_ASCENDING[key]()) for key, ids in by_key.items()]
        expressions.append(Case(*whens, default=Value(ZERO), output_field=DEC).asc())
    return expressions


def rankings_queryset(years: list[EmulationYear]) -> QuerySet[Sheet]:
    """The ranking of several years in one SQL query: scoring.selectors.ranking_queryset with each year's caps
    and tie-breaks, ranked within its year. The years need their bloc loaded (for the settings)."""
    if not years:
        return Sheet.objects.none()
    order = [F("reviewed_total").desc(), *_tie_breaks(years)]
    return (
        totals_queryset(years)
        .annotate(rank=Window(expression=Rank(), partition_by=[F("year_id")], order_by=order))
        .order_by("year_id", "rank", "unit__name")
    )


@dataclass
class Ranked:
    """A unit's place in one year's ranking."""

    year: EmulationYear
    unit: Unit
    rank: int
    reviewed_total: Decimal
    self_total: Decimal
    classification: str


def rankings(years: list[EmulationYear]) -> dict[tuple[int, int], Ranked]:
    """(year pk, unit pk) → the unit's place in that year's ranking, for every year at once (one query)."""
    by_pk = {y.pk: y for y in years}
    result = {}
    for a in rankings_queryset(years):
        year = by_pk[a.year_id]
        total = Decimal(a.reviewed_total).quantize(TWO)
        result[(a.year_id, a.unit_id)] = Ranked(
            year=year,
            unit=a.unit,
            rank=a.rank,
            reviewed_total=total,
            self_total=Decimal(a.self_total).quantize(TWO),
            classification=classify(total, year.setting("classification_bands")),
        )
    return result


def _published_at(year: EmulationYear) -> datetime.datetime | None:
    """When the year's ranking was published (None: not yet, or no criteria table); the table is select_related."""
    try:
        return year.criteria_table.ranking_published_at
    except EmulationYear.criteria_table.RelatedObjectDoesNotExist:
        return None


# --- the province: one row per bloc ----------------------------------------------------------------------------


def years_with_data(*, province_id: int) -> list[int]:
    """The years some bloc of the province has opened, latest first."""
    return list(
        EmulationYear.objects.filter(bloc__province_id=province_id)
        .values_list("year", flat=True)
        .distinct()
        .order_by("-year")
    )


@dataclass(frozen=True)
class YearsOverview:
    """The years some bloc of the province has opened (latest first), which of them still have open work, and the
    proposals awaiting the province's decision in each."""

    years: list[int]
    open_years: frozenset[int]  # some bloc's year of that number is not closed
    awaiting: dict[int, int]  # year → proposals sent to the board and not decided yet (only years with some)

    @property
    def awaiting_total(self) -> int:
        return sum(self.awaiting.values())


def years_overview(*, province_id: int) -> YearsOverview:
    """Every bloc-year of the province with its phase and its proposals awaiting a decision (one query)."""
    awaiting = Proposal.objects.filter(award_kind__year=OuterRef("pk"), status=ProposalStatus.SUBMITTED)
    rows = (
        EmulationYear.objects.filter(bloc__province_id=province_id)
        .annotate(awaiting=_count(awaiting))
        .values_list("year", "phase", "awaiting")
    )
    years: set[int] = set()
    open_years: set[int] = set()
    by_year: dict[int, int] = {}
    for number, phase, n in rows:
        years.add(number)
        if phase != Phase.CLOSED:
            open_years.add(number)
        if n:
            by_year[number] = by_year.get(number, 0) + n
    return YearsOverview(
        years=sorted(years, reverse=True),
        open_years=frozenset(open_years),
        awaiting=dict(sorted(by_year.items(), reverse=True)),
    )


def year_with_work(overview: YearsOverview, today: datetime.date | None = None) -> int | None:
    """The year the board's dashboard opens on: the latest year with work pending — proposals awaiting the
    province's decision, or a bloc's year still open that has begun (not after this calendar year: a year opened
    ahead by the conference's election waits for its turn) — else `default_year`."""
    today = today or timezone.localdate()
    pending = set(overview.awaiting) | {y for y in overview.open_years if y <= today.year}
    if pending:
        return max(pending)
    return default_year(overview.years, today)


def default_year(years: list[int], today: datetime.date | None = None) -> int | None:
    """This calendar year if a bloc has it; else the latest year before it; else the earliest year after it."""
    today = today or timezone.localdate()
    if not years:
        return None
    if today.year in years:
        return today.year
    earlier = [y for y in years if y < today.year]
    return max(earlier) if earlier else min(years)


@dataclass
class BlocRow:
    """One bloc in the chosen year: where it stands, what is due next, and its figures."""

    bloc: Bloc
    year: EmulationYear | None  # None: the bloc has not opened this year
    members: int = 0
    next_deadline: Deadline | None = None
    reports_expected: int = 0
    reports_on_time: int = 0
    reports_late: int = 0
    sheets_submitted: int = 0
    sheets_reviewed: int = 0
    sheets_final: int = 0
    published_at: datetime.datetime | None = None
    leading_units: list[Unit] = field(default_factory=list)
    proposed: int = 0
    sent: int = 0
    approved: int = 0
    rejected: int = 0

    @property
    def reports_missing(self) -> int:
        return max(0, self.reports_expected - self.reports_on_time - self.reports_late)

    @property
    def on_time_share(self) -> int | None:
        """Percentage of the reports expected so far that came in on time (None: nothing expected yet)."""
        if not self.reports_expected:
            return None
        return round(100 * self.reports_on_time / self.reports_expected)

    @property
    def on_time_fraction(self) -> float | None:
        return self.reports_on_time / self.reports_expected if self.reports_expected else None

    @property
    def late_on_reports(self) -> bool:
        return self.reports_late + self.reports_missing > 0

    @property
    def ranking_published(self) -> bool:
        return self.published_at is not None

    @property
    def awaiting_decision(self) -> int:
        return self.sent - self.approved - self.rejected


@dataclass
class Dashboard:
    year: int
    rows: list[BlocRow]

    @property
    def open_rows(self) -> list[BlocRow]:
        return [r for r in self.rows if r.year is not None]

    @property
    def blocs(self) -> int:
        return len(self.rows)

    @property
    def blocs_with_year(self) -> int:
        return len(self.open_rows)

    @property
    def blocs_late_on_reports(self) -> int:
        return sum(1 for r in self.open_rows if r.late_on_reports)

    @property
    def rankings_published(self) -> int:
        return sum(1 for r in self.open_rows if r.ranking_published)

    @property
    def proposals_awaiting(self) -> int:
        return sum(r.awaiting_decision for r in self.open_rows)


def _annotated_years(years: QuerySet[EmulationYear], now: datetime.datetime) -> QuerySet[EmulationYear]:
    """The years with every figure of their row, counted in the same SQL statement."""
    year = OuterRef("pk")
    due_reports = Deadline.objects.filter(year=year, kind__in=REPORT_KINDS, due_at__lte=now)
    sent = SubmissionVersion.objects.filter(submission=OuterRef("pk"))
    due_submissions = Submission.objects.filter(
        deadline__year=year, deadline__kind__in=REPORT_KINDS, deadline__due_at__lte=now
    ).annotate(first_late=Subquery(sent.order_by("number").values("late_seconds")[:1]))
    answered = Submission.objects.filter(deadline=OuterRef("deadline_id"), unit=OuterRef("unit_id")).filter(
        Exists(sent)
    )
    still_extended = Extension.objects.filter(
        deadline__year=year, deadline__kind__in=REPORT_KINDS, deadline__due_at__lte=now, due_at__gt=now
    ).exclude(Exists(answered))
    sheets = Sheet.objects.filter(year=year)
    proposals = Proposal.objects.filter(award_kind__year=year)
    decided = (ProposalStatus.APPROVED, ProposalStatus.REJECTED)
    return years.select_related("bloc", "leader", "deputy", "criteria_table").annotate(
        members=_count(_members_of_year(), "unit_id", distinct=True),
        due_for_members=_count(due_reports.filter(audience=Audience.MEMBERS)),
        due_for_one=_count(due_reports.exclude(audience=Audience.MEMBERS)),
        still_extended=_count(still_extended),
        on_time=_count(due_submissions.filter(first_late=0)),
        late=_count(due_submissions.filter(first_late__gt=0)),
        sheets_submitted=_count(sheets.filter(submitted_at__isnull=False)),
        sheets_reviewed=_count(sheets.filter(status__in=(SheetStatus.REVIEWED, SheetStatus.FINAL))),
        sheets_final=_count(sheets.filter(status=SheetStatus.FINAL)),
        proposed=_count(proposals),
        sent=_count(proposals.filter(status__in=(ProposalStatus.SUBMITTED, *decided))),
        approved=_count(proposals.filter(status=ProposalStatus.APPROVED)),
        rejected=_count(proposals.filter(status=ProposalStatus.REJECTED)),
        next_deadline_id=Subquery(
            Deadline.objects.filter(year=year, due_at__gte=now).order_by("due_at", "id").values("pk")[:1]
        ),
    )


def _rows_for(years: list[EmulationYear], ranks: dict[tuple[int, int], Ranked] | None = None) -> dict[int, BlocRow]:
    """Bloc rows of the given (annotated) years: two more queries at most (next deadlines, and the leading units
    unless `ranks` of these years are given)."""
    next_ids = [y.next_deadline_id for y in years if y.next_deadline_id]
    next_deadlines = Deadline.objects.in_bulk(next_ids) if next_ids else {}
    published = [y for y in years if _published_at(y) is not None]
    leaders: dict[int, list[Unit]] = {}
    if ranks is not None:
        wanted = {y.pk for y in published}
        for (year_pk, _unit_pk), r in sorted(ranks.items(), key=lambda item: vi_sort_key(item[1].unit.name)):
            if year_pk in wanted and r.rank == 1:
                leaders.setdefault(year_pk, []).append(r.unit)
    elif published:
        for a in rankings_queryset(published).filter(rank=1):
            leaders.setdefault(a.year_id, []).append(a.unit)
    rows = {}
    for y in years:
        rows[y.pk] = BlocRow(
            bloc=y.bloc,
            year=y,
            members=y.members,
            next_deadline=next_deadlines.get(y.next_deadline_id),
            reports_expected=y.due_for_members * y.members + y.due_for_one - y.still_extended,
            reports_on_time=y.on_time,
            reports_late=y.late,
            sheets_submitted=y.sheets_submitted,
            sheets_reviewed=y.sheets_reviewed,
            sheets_final=y.sheets_final,
            published_at=_published_at(y),
            leading_units=leaders.get(y.pk, []),
            proposed=y.proposed,
            sent=y.sent,
            approved=y.approved,
            rejected=y.rejected,
        )
    return rows


def board_dashboard(*, province_id: int, year: int, now: datetime.datetime | None = None) -> Dashboard:
    """Every bloc of the province in `year` (active blocs, and any other that opened that year), by name."""
    now = now or timezone.now()
    years = list(_annotated_years(EmulationYear.objects.filter(bloc__province_id=province_id, year=year), now))
    rows = _rows_for(years)
    by_bloc = {y.bloc_id: rows[y.pk] for y in years}
    blocs = Bloc.objects.filter(province_id=province_id).filter(Q(is_active=True) | Q(years__year=year)).distinct()
    result = [by_bloc.get(b.pk) or BlocRow(bloc=b, year=None) for b in blocs.order_by("name")]
    return Dashboard(year=year, rows=result)


# --- one bloc's year: the members ----------------------------------------------------------------------------------


class ReportStatus:
    ON_TIME, LATE, MISSING, PENDING = "on_time", "late", "missing", "pending"
    # The words of the leader's matrix and the UI terms (Đúng hạn / Nộp muộn / Chưa nộp) where they exist.
    LABELS = {
        ON_TIME: _("On time"),
        LATE: _("Submitted late"),
        MISSING: pgettext_lazy("report status", "Not submitted"),
        PENDING: pgettext_lazy("report status", "Not yet due"),
    }
    # Colour never alone: the label and the icon say the same.
    STYLES = {
        ON_TIME: ("success", "bi-check2-circle"),
        LATE: ("warning", "bi-clock-history"),
        MISSING: ("danger", "bi-x-circle"),
        PENDING: ("secondary", "bi-hourglass-split"),
    }


# The rule's states as the board words them: nothing sent yet, with or without an extension, is pending.
_REPORT_STATUS = {
    State.ON_TIME: ReportStatus.ON_TIME,
    State.LATE: ReportStatus.LATE,
    State.MISSING: ReportStatus.MISSING,
}


@dataclass
class ReportCell:
    deadline: Deadline
    status: str
    due: datetime.datetime
    sent_at: datetime.datetime | None = None

    @property
    def label(self) -> str:
        return str(ReportStatus.LABELS[self.status])

    @property
    def colour(self) -> str:
        return ReportStatus.STYLES[self.status][0]

    @property
    def icon(self) -> str:
        return ReportStatus.STYLES[self.status][1]


@dataclass
class MemberRow:
    unit: Unit
    role: str  # "leader" | "deputy" | "member"
    reports: list[ReportCell | None]  # one per report deadline of the year; None where it does not apply
    sheet_status: str  # scoring.wording.sheet_status: a SheetStatus, "late" (submitted late) or "not_started"
    ranked: Ranked | None = None

    @property
    def sheet_label(self) -> str:
        """In the active language (the Excel export asks for it in Vietnamese)."""
        return sheet_wording.status_label(self.sheet_status)


@dataclass
class YearMembers:
    year: EmulationYear
    deadlines: list[Deadline]  # the year's report deadlines, by due date
    rows: list[MemberRow]


def members_of_years(
    years: list[EmulationYear],
    *,
    ranks: dict[tuple[int, int], Ranked] | None = None,
    now: datetime.datetime | None = None,
) -> dict[int, YearMembers]:
    """year pk → its member units with their reports, sheet and rank, for several years at once (six or seven
    queries; five when `ranks` is given). The years need their bloc loaded."""
    now = now or timezone.now()
    if not years:
        return {}
    bloc_ids = {y.bloc_id for y in years}
    low, high = min(y.year for y in years), max(y.year for y in years)
    memberships = list(
        Membership.objects.filter(bloc_id__in=bloc_ids, start_year__lte=high)
        .filter(Q(end_year__isnull=True) | Q(end_year__gte=low))
        .select_related("unit")
    )
    deadlines = list(Deadline.objects.filter(year__in=years, kind__in=REPORT_KINDS).order_by("due_at", "id"))
    extensions = {(e.deadline_id, e.unit_id): e for e in Extension.objects.filter(deadline__in=deadlines)}
    # Who answered which report and when: reports.obligations.answers (one query: reports are files).
    answered = answers(deadlines, extensions=extensions)
    sheets = {(a.year_id, a.unit_id): a for a in Sheet.objects.filter(year__in=years)}
    following = _following_leaders(years, deadlines=deadlines)
    if ranks is None:
        ranks = rankings(years)

    result = {}
    for year in years:
        year_deadlines = [d for d in deadlines if d.year_id == year.pk]
        units = {m.unit_id: m.unit for m in memberships if m.bloc_id == year.bloc_id and m.covers(year.year)}
        following_leader = following.get((year.bloc_id, year.year + 1))
        rows = [
            MemberRow(
                unit=unit,
                role="leader" if unit.pk == year.leader_id else "deputy" if unit.pk == year.deputy_id else "member",
                reports=[
                    _report_cell(
                        d,
                        unit,
                        year=year,
                        following_leader=following_leader,
                        extensions=extensions,
                        answered=answered,
                        now=now,
                    )
                    for d in year_deadlines
                ],
                sheet_status=sheet_wording.sheet_status(sheets.get((year.pk, unit.pk))),
                ranked=ranks.get((year.pk, unit.pk)),
            )
            for unit in sorted(units.values(), key=lambda u: vi_sort_key(u.name))
        ]
        rows.sort(key=lambda r: (r.ranked is None, r.ranked.rank if r.ranked else 0, r.unit.name))
        result[year.pk] = YearMembers(year=year, deadlines=year_deadlines, rows=rows)
    return result


def _following_leaders(years: list[EmulationYear], *, deadlines: list[Deadline]) -> dict[tuple[int, int], int]:
    """(bloc pk, year) → the leader unit of the year after each of these years, read (one query) only when a
    deadline is owed by the next leader."""
    if not any(d.audience == Audience.NEXT_LEADER for d in deadlines):
        return {}
    return {
        (bloc_id, number): leader_id
        for bloc_id, number, leader_id in EmulationYear.objects.filter(
            bloc_id__in={y.bloc_id for y in years}, year__in=[y.year + 1 for y in years]
        ).values_list("bloc_id", "year", "leader_id")
    }


def _report_cell(
    deadline: Deadline,
    unit: Unit,
    *,
    year: EmulationYear,
    following_leader: int | None,
    extensions: dict[tuple[int, int], Extension],
    answered: dict,
    now: datetime.datetime,
) -> ReportCell | None:
    """Where a unit stands on one report deadline (None: the deadline does not apply to it), by the one rule
    (reports.obligations)."""
    state = obligation(
        deadline,
        unit.pk,
        owed=owes(deadline, unit.pk, year, following_leader),
        answer=answered.get((deadline.pk, unit.pk)),
        extension=extensions.get((deadline.pk, unit.pk)),
        now=now,
    )
    if not state.owed:
        return None
    return ReportCell(deadline, _REPORT_STATUS.get(state.state, ReportStatus.PENDING), state.due, state.answered_at)


def proposals_of_years(years: list[EmulationYear]) -> dict[int, list[Proposal]]:
    """year pk → its proposals with the province's decisions (one query)."""
    result: dict[int, list[Proposal]] = {y.pk: [] for y in years}
    for p in (
        Proposal.objects.filter(award_kind__year__in=years)
        .select_related("award_kind__year__bloc", "unit")
        .order_by("award_kind__year_id", "award_kind__order", "-votes", "unit__name")
    ):
        result[p.award_kind.year_id].append(p)
    return result


# --- one bloc: the drill-down ----------------------------------------------------------------------------------


@dataclass
class History:
    """Each unit's rank and score in every year of the bloc that has a ranking."""

    years: list[EmulationYear]  # the bloc's years with a ranking, oldest first
    units: list[Unit]
    cells: dict[tuple[int, int], Ranked]  # (year pk, unit pk)

    def row(self, unit: Unit) -> list[Ranked | None]:
        return [self.cells.get((y.pk, unit.pk)) for y in self.years]


@dataclass
class BlocDetail:
    row: BlocRow
    members: YearMembers
    proposals: list[Proposal]
    years: list[EmulationYear]  # every year of the bloc, oldest first
    history: History


def bloc_detail(*, bloc: Bloc, year: int, now: datetime.datetime | None = None) -> BlocDetail | None:
    """One bloc's year for the board (None if the bloc has no such year): its row of the dashboard, its members
    with their reports, sheets, rank and score, its proposals, and every unit's rank and score across the years."""
    now = now or timezone.now()
    years = list(
        _annotated_years(EmulationYear.objects.filter(bloc=bloc), now).order_by("year")
    )  # every year's figures in one statement: cheap at a bloc's handful of years, and the history needs them
    chosen = next((y for y in years if y.year == year), None)
    if chosen is None:
        return None
    ranks = rankings(years)
    row = _rows_for([chosen], ranks)[chosen.pk]
    members = members_of_years([chosen], ranks=ranks, now=now)[chosen.pk]
    ranked_years = sorted({r.year.pk: r.year for r in ranks.values()}.values(), key=lambda y: y.year)
    latest: dict[int, tuple[int, Ranked]] = {}
    for r in ranks.values():
        if r.unit.pk not in latest or r.year.year > latest[r.unit.pk][0]:
            latest[r.unit.pk] = (r.year.year, r)
    units = sorted(
        (r.unit for _year, r in latest.values()),
        key=lambda u: (-latest[u.pk][0], latest[u.pk][1].rank, u.name),
    )
    return BlocDetail(
        row=row,
        members=members,
        proposals=proposals_of_years([chosen])[chosen.pk],
        years=years,
        history=History(years=ranked_years, units=units, cells=ranks),
    )
