"""What each role's home page shows, read in a fixed number of queries: a to-do list computed from the one rule of
who has answered what and when (reports.obligations), never from the calendar's dates alone.

An officer's home lists, for each bloc-year of the unit, every deadline the unit owes with where it stands:
overdue (nothing sent and the due date passed, or a file returned for correction after it), to do (the unit's due
date ahead, under an extension or not), done (on time or late, and how), and the year's events; the leader unit's
home adds the leader's own work (dashboards.selectors.leader.leader_home). The board's home lists the proposals
waiting for its decision and the blocs whose units have overdue work.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.enums import ProposalStatus
from awards.models import Proposal
from blocs.enums import Audience, DeadlineKind
from blocs.models import Bloc, Deadline, EmulationYear, Membership, Person, Unit
from blocs.selectors import members_in_year, memberships_in_year
from core.collation import vi_sort_key
from reports.models import Extension
from reports.obligations import (
    DOSSIERS,
    EVENT_KINDS,
    Obligation,
    Owing,
    State,
    answers,
    obligation,
    own_sheet_units,
    ranking_answer,
    unit_obligations,
)
from reports.services import submissions
from scoring.enums import SheetStatus
from scoring.models import CriteriaTable, Sheet, reviewer_unit_id

from .leader import DoneWork, LeaderHome, leader_home

# Where an item of a unit's list stands on its home page.
OVERDUE, TODO, EVENT, DONE, PAST = "overdue", "todo", "event", "done", "past"

# Deadlines a unit answers by uploading a file on the reports page (the covenant's registration is sent on the
# covenant page instead).
UPLOAD_KINDS = frozenset(submissions.FILE_KINDS - {DeadlineKind.COVENANT})
# After the due date these take a late answer until they close (blocs.deadlines), then only an extension reopens
# them; the covenant registration, the ranking and the leader's dossiers are not closed that way.
CLOSING_KINDS = UPLOAD_KINDS | {DeadlineKind.SELF_ASSESSMENT}


# --- an officer's home --------------------------------------------------------------------------------------------


@dataclass
class HomeItem:
    """One deadline of the year on a unit's home: where the unit stands on it (the one rule), the page where the
    work is done and the words of its button."""

    obligation: Obligation
    group: str  # OVERDUE, TODO, EVENT, DONE or PAST
    url: str
    action: str
    now: datetime.datetime

    @property
    def deadline(self) -> Deadline:
        return self.obligation.deadline

    @property
    def state(self) -> str:
        return self.obligation.state

    @property
    def due(self) -> datetime.datetime:
        """The unit's own due date: its extension's, if it has one."""
        return self.obligation.due

    @property
    def extended_until(self) -> datetime.datetime | None:
        return self.obligation.extended_until

    @property
    def answered_at(self) -> datetime.datetime | None:
        return self.obligation.answered_at

    @property
    def at(self) -> datetime.datetime:
        """When it was done (its answer), else its due date: the order of the done list."""
        return self.answered_at or self.due

    @property
    def via(self) -> str:
        """How the unit answered: reports.obligations' FILE, REGISTRATION, SHEET, RANKING or DOSSIERS ("" if not)."""
        answer = self.obligation.answer
        return answer.via if answer is not None and self.obligation.answered else ""

    @property
    def late(self) -> bool:
        return self.state == State.LATE

    @property
    def returned(self) -> bool:
        return self.obligation.returned

    @property
    def has_opened(self) -> bool:
        opens_at = self.deadline.opens_at
        return opens_at is None or opens_at <= self.now

    @property
    def closes(self) -> datetime.datetime | None:
        """Until when a late answer is taken (None: nothing closes it; see CLOSING_KINDS)."""
        deadline = self.deadline
        if deadline.kind not in CLOSING_KINDS:
            return None
        if deadline.kind == DeadlineKind.AWARD_DOSSIER and deadline.year.leader_id == self.obligation.unit_id:
            return None  # the leader unit answers it by sending the dossiers, which nothing closes
        return self.obligation.closes

    @property
    def is_closed(self) -> bool:
        """Past its closing: only an extension from the leader unit reopens it."""
        closes = self.closes
        return closes is not None and self.now > closes

    @property
    def moments(self) -> list[datetime.datetime | None]:
        """When this item changes by itself (it opens, falls due, closes): the page is rendered anew then."""
        closes = self.closes if self.group in (OVERDUE, TODO) else None
        return [self.deadline.opens_at, self.due, closes]


@dataclass
class UnitTodo:
    """A unit's to-do list for one year: every deadline it owes, grouped, each group in the order it is read."""

    items: list[HomeItem]
    year_closed: bool = False

    def _group(self, group: str) -> list[HomeItem]:
        return [item for item in self.items if item.group == group]

    @property
    def overdue(self) -> list[HomeItem]:
        """Nothing sent and the due date passed, or returned for correction after it: the earliest first."""
        return sorted(self._group(OVERDUE), key=lambda item: item.due)

    @property
    def todo(self) -> list[HomeItem]:
        """What the unit still has to send, its due date ahead: the soonest first."""
        return sorted(self._group(TODO), key=lambda item: item.due)

    @property
    def next(self) -> HomeItem | None:
        """What is due next (None: nothing left ahead)."""
        todo = self.todo
        return todo[0] if todo else None

    @property
    def coming(self) -> list[HomeItem]:
        """After the next: the rest to do and the year's events ahead, by date."""
        rest = self.todo[1:] + self._group(EVENT)
        return sorted(rest, key=lambda item: item.due)

    @property
    def done(self) -> list[HomeItem]:
        """Answered (on time or late), and the events that have taken place: the latest first."""
        return sorted(self._group(DONE) + self._group(PAST), key=lambda item: item.at, reverse=True)

    @property
    def done_count(self) -> int:
        return len(self._group(DONE))


@dataclass
class UnitYear:
    """One bloc-year as one unit sees it: its to-do list, and for the leader unit its work and the members."""

    year: EmulationYear
    role: str  # "leader" | "deputy" | "member"
    todo: UnitTodo
    leader: LeaderHome | None = None  # the leader unit's work, for the leader unit
    members: list[Unit] | None = None  # filled for the leader
    to_review: Sheet | None = None  # the deputy's: the leader unit's sheet, sent and waiting for its review

    @property
    def overdue_count(self) -> int:
        """What the summary line counts as overdue: the unit's own items and the leader's work overdue."""
        return len(self.todo.overdue) + (self.leader.overdue_count if self.leader else 0)

    @property
    def todo_count(self) -> int:
        """Still to do, not overdue: the unit's own, the leader's work and the deputy's review."""
        leader = len(self.leader.todos) - self.leader.overdue_count if self.leader else 0
        return len(self.todo.todo) + leader + (1 if self.to_review else 0)

    @property
    def done_count(self) -> int:
        return self.todo.done_count + (len(self.leader.done) if self.leader else 0)

    @property
    def done(self) -> list["HomeItem | DoneWork"]:
        """The unit's done items and the leader unit's done work together, the latest first."""
        rows = [*self.todo.done, *(self.leader.done if self.leader else [])]
        return sorted(rows, key=lambda row: row.at, reverse=True)

    @property
    def nothing_left(self) -> bool:
        return not self.overdue_count and not self.todo_count

    @property
    def moments(self) -> list[datetime.datetime | None]:
        moments = [moment for item in self.todo.items for moment in item.moments]
        if self.leader is not None:
            moments += [todo.due for todo in self.leader.todos]
        return moments


def _action(obligation: Obligation, year: EmulationYear) -> tuple[str, str]:
    """The page where the unit does what a deadline asks, and the words of the button that opens it."""
    deadline = obligation.deadline
    kwargs = {"slug": year.bloc.slug, "year": year.year}
    kind = deadline.kind
    if kind == DeadlineKind.AWARD_DOSSIER and year.leader_id == obligation.unit_id:
        return reverse("awards:proposals", kwargs=kwargs), _("Send the dossiers to the board")
    if obligation.answer is not None and obligation.answer.via == DOSSIERS:
        return reverse("awards:proposals", kwargs=kwargs), _("Open the proposals")
    if kind in UPLOAD_KINDS:
        url = reverse("reports:submissions", kwargs=kwargs) + f"#deadline-{deadline.pk}"
        if obligation.returned:
            return url, _("Send a corrected version")
        if kind in (DeadlineKind.YEAR_REPORT, DeadlineKind.SUMMARY_REPORT):
            return url, _("Upload the report")
        return url, _("Send the document")
    url = reverse(obligation.url_name, kwargs=kwargs) if obligation.url_name else ""
    if kind == DeadlineKind.MEETING:
        url += f"#deadline-{deadline.pk}"  # the meeting's row on the year's list of meetings
    actions = {
        DeadlineKind.COVENANT: _("Register on the covenant page"),
        DeadlineKind.SELF_ASSESSMENT: _("Fill in the self-assessment sheet"),
        DeadlineKind.COMPILE: _("Compile and publish the ranking"),
        DeadlineKind.COMMENT_ROUND: _("Comment on the draft report"),
        DeadlineKind.CONFERENCE: _("Conference plan"),
        DeadlineKind.MEETING: _("Open the meeting"),
    }
    return url, actions.get(kind, _("Open"))


def _group(obligation: Obligation, *, now: datetime.datetime, year_closed: bool) -> str:
    state = obligation.state
    if state == State.EVENT:
        return EVENT if obligation.due >= now else PAST
    if obligation.returned and not year_closed:
        # answered, then returned for correction and not sent again: still to do
        return OVERDUE if obligation.due < now else TODO
    if obligation.answered:
        return DONE
    if state == State.MISSING:
        return PAST if year_closed else OVERDUE
    return PAST if year_closed else TODO  # NOT_DUE or EXTENDED


def unit_todo(*, year: EmulationYear, unit: Unit, now: datetime.datetime | None = None) -> UnitTodo:
    """The unit's to-do list for the year (reports.obligations.unit_obligations: at most nine queries). The year
    comes with its bloc loaded."""
    now = now or timezone.now()
    items = []
    for ob in unit_obligations(year, unit, now=now):
        if not ob.owed:
            continue
        url, action = _action(ob, year)
        items.append(HomeItem(ob, _group(ob, now=now, year_closed=year.is_closed), url, action, now))
    return UnitTodo(items=items, year_closed=year.is_closed)


def officer_home(*, unit: Unit, now: datetime.datetime | None = None) -> list[UnitYear]:
    """Each bloc-year the unit works on (each bloc's latest year, and an earlier one still open) with its to-do
    list; a fixed number of queries per year whatever the number of deadlines, members and records."""
    now = now or timezone.now()
    bloc_ids = list(Membership.objects.filter(unit=unit).values_list("bloc_id", flat=True).distinct())
    shown: dict[int, list[EmulationYear]] = {}
    for year in (
        EmulationYear.objects.filter(bloc_id__in=bloc_ids)
        .select_related("bloc__province", "leader", "deputy")
        .order_by("bloc_id", "-year")
    ):
        # each bloc's latest year, and an earlier one still open (after the conference, year N's dossier
        # and decisions go on while N+1 has opened)
        years = shown.setdefault(year.bloc_id, [])
        if not years or not year.is_closed:
            years.append(year)
    result = []
    for year in sorted((y for ys in shown.values() for y in ys), key=lambda y: (vi_sort_key(y.bloc.name), -y.year)):
        if not Membership.objects.filter(memberships_in_year(year=year.year), bloc=year.bloc, unit=unit).exists():
            continue
        role = "leader" if year.leader_id == unit.pk else "deputy" if year.deputy_id == unit.pk else "member"
        item = UnitYear(year=year, role=role, todo=unit_todo(year=year, unit=unit, now=now))
        if role == "deputy" and year.leader_id and reviewer_unit_id(year, year.leader_id) == unit.pk:
            # The leader's own sheet is the deputy's to review (scoring.models.reviewer_unit_id).
            item.to_review = (
                Sheet.objects.filter(
                    year=year, unit_id=year.leader_id, status__in=(SheetStatus.SUBMITTED, SheetStatus.REVIEWED)
                )
                .select_related("unit")
                .first()
            )
        if role == "leader":
            if not year.is_closed:
                item.leader = leader_home(year=year, at=now)
            officers = Person.objects.select_related("user").order_by("user__full_name")
            item.members = list(
                members_in_year(bloc=year.bloc, year=year.year).prefetch_related(
                    Prefetch("officers", queryset=officers)
                )
            )
        result.append(item)
    return result


# --- the board's home ---------------------------------------------------------------------------------------------


@dataclass
class PendingDecisions:
    """One bloc-year's proposals sent to the board and not decided yet."""

    year: EmulationYear
    proposals: list[Proposal]

    @property
    def count(self) -> int:
        return len(self.proposals)


@dataclass
class OverdueWork:
    """One open bloc-year's overdue work: each deadline passed with the units that owe it and have sent nothing."""

    year: EmulationYear
    deadlines: list[tuple[Deadline, list[Unit]]] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Answers overdue: one per unit and deadline."""
        return sum(len(units) for _deadline, units in self.deadlines)

    @property
    def units(self) -> list[Unit]:
        seen = {unit.pk: unit for _deadline, units in self.deadlines for unit in units}
        return sorted(seen.values(), key=lambda unit: vi_sort_key(unit.name))


@dataclass
class BoardHome:
    rows: list[dict]  # every bloc: its latest year, leader, deputy, phase, member count, overdue work
    decisions: list[PendingDecisions]
    overdue: list[OverdueWork]  # the open years with overdue work

    @property
    def decisions_count(self) -> int:
        return sum(d.count for d in self.decisions)

    @property
    def overdue_blocs(self) -> int:
        return len({work.year.bloc_id for work in self.overdue})


def overdue_work(
    years: list[EmulationYear], *, memberships: list[Membership], now: datetime.datetime
) -> dict[int, OverdueWork]:
    """year pk → its overdue work, for the years that have some: the deadlines due, by the one rule
    (reports.obligations: who owes, who has answered, extensions). Six queries at most whatever the number of years,
    deadlines, units and records. The years need their leader and deputy loaded; `memberships` are the blocs'
    (with their units)."""
    if not years:
        return {}
    by_pk = {y.pk: y for y in years}
    deadlines = list(
        Deadline.objects.filter(year_id__in=by_pk, due_at__lt=now)
        .exclude(kind__in=EVENT_KINDS)
        .select_related("unit")
        .order_by("due_at", "id")
    )
    if not deadlines:
        return {}
    for deadline in deadlines:
        deadline.year = by_pk[deadline.year_id]
    extensions = {(e.deadline_id, e.unit_id): e for e in Extension.objects.filter(deadline__in=deadlines)}
    answered = answers(
        [d for d in deadlines if d.kind != DeadlineKind.COMPILE], extensions=extensions
    )  # files, registrations, sheets, dossiers: up to four queries
    tables = {}
    if any(d.kind == DeadlineKind.COMPILE for d in deadlines):
        tables = {t.year_id: t for t in CriteriaTable.objects.filter(year_id__in=by_pk)}
    following = {}
    if any(d.audience == Audience.NEXT_LEADER for d in deadlines):
        following = {
            (bloc_id, number): leader_id
            for bloc_id, number, leader_id in EmulationYear.objects.filter(
                bloc_id__in={y.bloc_id for y in years}, year__in=[y.year + 1 for y in years]
            ).values_list("bloc_id", "year", "leader_id")
        }
    units = {m.unit_id: m.unit for m in memberships}
    for year in years:
        units.setdefault(year.leader_id, year.leader)
        if year.deputy_id:
            units.setdefault(year.deputy_id, year.deputy)
    result: dict[int, OverdueWork] = {}
    for year in years:
        year_deadlines = [d for d in deadlines if d.year_id == year.pk]
        if not year_deadlines:
            continue
        members = sorted(
            {m.unit_id for m in memberships if m.bloc_id == year.bloc_id and m.covers(year.year)},
            key=lambda pk: units[pk].name,
        )
        rule = Owing(
            year=year,
            member_ids=members,
            following_leader_id=following.get((year.bloc_id, year.year + 1)),
            own_sheet_units=own_sheet_units(year_deadlines),
        )
        work = OverdueWork(year=year)
        for deadline in year_deadlines:
            late = []
            for unit_id in rule.unit_ids(deadline):
                extension = extensions.get((deadline.pk, unit_id))
                if deadline.kind == DeadlineKind.COMPILE:
                    answer = ranking_answer(tables.get(year.pk), deadline=deadline, extension=extension)
                else:
                    answer = answered.get((deadline.pk, unit_id))
                state = obligation(deadline, unit_id, owed=True, answer=answer, extension=extension, now=now)
                if state.state == State.MISSING:
                    late.append(units.get(unit_id) or deadline.unit)
            if late:
                work.deadlines.append((deadline, sorted(late, key=lambda unit: vi_sort_key(unit.name))))
        if work.deadlines:
            result[year.pk] = work
    return result


def board_home(*, province_id: int, now: datetime.datetime | None = None) -> BoardHome:
    """Every bloc of the province with its latest year, leader, deputy, phase and member count; the proposals
    waiting for the board's decision; the open years with overdue work. A fixed number of queries."""
    now = now or timezone.now()
    years = EmulationYear.objects.select_related("leader", "deputy").order_by("-year")
    spans = Membership.objects.select_related("unit")
    blocs = list(
        Bloc.objects.filter(province_id=province_id)
        .prefetch_related(Prefetch("years", queryset=years), Prefetch("memberships", queryset=spans))
        .order_by("name")
    )
    rows, open_years, memberships = [], [], []
    for bloc in blocs:
        all_years = list(bloc.years.all())
        current = all_years[0] if all_years else None
        counted_year = current.year if current else timezone.localdate().year
        members = sum(1 for m in bloc.memberships.all() if m.covers(counted_year))
        rows.append({"bloc": bloc, "current": current, "years": all_years, "members": members})
        memberships += bloc.memberships.all()
        for year in all_years:
            year.bloc = bloc
            if not year.is_closed:
                open_years.append(year)
    overdue = overdue_work(open_years, memberships=memberships, now=now)
    for row in rows:
        row["overdue"] = [overdue[y.pk] for y in row["years"] if y.pk in overdue]
        row["overdue_count"] = sum(work.count for work in row["overdue"])
    decisions: dict[int, PendingDecisions] = {}
    for proposal in (
        Proposal.objects.filter(award_kind__year__bloc__province_id=province_id, status=ProposalStatus.SUBMITTED)
        .select_related("award_kind__year__bloc", "unit")
        .order_by("award_kind__year__bloc__name", "-award_kind__year__year", "award_kind__order", "unit__name")
    ):
        year = proposal.award_kind.year
        decisions.setdefault(year.pk, PendingDecisions(year=year, proposals=[])).proposals.append(proposal)
    return BoardHome(
        rows=rows,
        decisions=list(decisions.values()),
        overdue=[
            overdue[y.pk]
            for y in sorted(open_years, key=lambda y: (vi_sort_key(y.bloc.name), -y.year))
            if y.pk in overdue
        ],
    )
