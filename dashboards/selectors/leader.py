"""The leader unit's dashboard: what needs doing now, and the bloc's progress over the year's calendar.

Everything is read in a fixed number of queries whatever the number of member units, deadlines, sheets,
submissions, comments, ballots and proposals: each kind of record is loaded once for the year and the rest is
computed in Python from what is loaded.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards.enums import BallotKind, BallotStatus, DossierPart, ProposalStatus
from awards.models import Ballot, DossierFile, Proposal
from blocs.enums import Audience, DeadlineKind
from blocs.models import Covenant, Deadline, EmulationYear, Membership, Unit
from conference.enums import AnswerStatus, PlanStatus
from conference.models import Comment, ConferenceMinutes, ConferencePlan, DraftReport, SummaryReport
from core.collation import vi_sort_key
from reports.enums import SubmissionStatus
from reports.models import Extension, Submission, SubmissionVersion
from reports.obligations import (
    Answer,
    Obligation,
    Owing,
    State,
    dossiers_sent,
    obligation,
    own_sheet_units,
    ranking_answer,
    sent_registrations,
    with_first_answer,
    with_first_sending,
)
from reports.obligations import answers as first_answers
from scoring.enums import SheetStatus
from scoring.models import CriteriaTable, Sheet, reviewer_unit_id

# Urgency of a thing to do, most urgent first.
OVERDUE, SOON, NORMAL = "overdue", "soon", "normal"
URGENCY_ORDER = {OVERDUE: 0, SOON: 1, NORMAL: 2}

# States of a calendar entry.
UPCOMING, OPEN, DUE_SOON, LATE, DONE = "upcoming", "open", "soon", "overdue", "done"

# Calendar entries that are events rather than something each unit sends: nothing to count, only dates.
EVENT_KINDS = {DeadlineKind.COMMENT_ROUND, DeadlineKind.CONFERENCE, DeadlineKind.MEETING}


# --- what the page shows ----------------------------------------------------------------------------------


@dataclass
class TodoRow:
    """One line of a thing to do: a label and the units it concerns, or one record (a ballot, a dossier) with
    its own link."""

    label: str
    units: list[Unit] = field(default_factory=list)
    note: str = ""
    url: str = ""
    kind: str = ""  # a late item's row: "missing", "returned" or "waiting" (a file sent late, for a decision)


@dataclass
class Todo:
    """Something the leader unit has to do now, with how many, for whom, and the page where it is done."""

    code: str  # late_reports, late_sheets, review, ranking, comments, ballots, dossiers, plan, minutes, covenant
    title: str
    count: int
    url: str
    action: str
    urgency: str
    due: datetime.datetime | None = None
    rows: list[TodoRow] = field(default_factory=list)
    total: int | None = None  # "count of total" where the count is a share (e.g. registrations sent)

    @property
    def units(self) -> list[Unit]:
        """Every unit named in the rows, in their order (for tests and screen readers)."""
        return [unit for row in self.rows for unit in row.units]

    @property
    def urgency_label(self) -> str:
        return {OVERDUE: _("Overdue"), SOON: _("Due soon"), NORMAL: _("To do")}[self.urgency]

    @property
    def count_text(self) -> str:
        """The count in words: what is counted depends on the item."""
        n = self.count
        if self.code == "ranking":
            return ngettext(
                "%(n)d of %(total)d sheet finalized", "%(n)d of %(total)d sheets finalized", self.total or 0
            ) % {"n": n, "total": self.total or 0}
        if self.code == "covenant":
            return ngettext(
                "%(n)d of %(total)d registration sent", "%(n)d of %(total)d registrations sent", self.total or 0
            ) % {"n": n, "total": self.total or 0}
        texts = {
            "late_reports": ngettext("%(n)d unit", "%(n)d units", n),
            "late_sheets": ngettext("%(n)d unit", "%(n)d units", n),
            "review": ngettext("%(n)d sheet", "%(n)d sheets", n),
            "comments": ngettext("%(n)d comment", "%(n)d comments", n),
            "ballots": ngettext("%(n)d ballot", "%(n)d ballots", n),
            "dossiers": ngettext("%(n)d dossier", "%(n)d dossiers", n),
            "decisions": ngettext("%(n)d report", "%(n)d reports", n),
        }
        return texts.get(self.code, ngettext("%(n)d document", "%(n)d documents", n)) % {"n": n}


@dataclass
class CalendarEntry:
    """One deadline of the year with the share of its units that have done it, and where it stands."""

    deadline: Deadline
    expected: int | None  # None: an event (comment round, conference), nothing to count
    done: int | None
    late: int
    state: str
    today_before: bool = False  # "today" falls just before this entry

    @property
    def measured(self) -> bool:
        return self.expected is not None

    @property
    def opens(self) -> datetime.datetime | datetime.date | None:
        """When it opens: the day alone when it opens at midnight (the usual case), else the moment."""
        opens_at = self.deadline.opens_at
        if opens_at is None:
            return None
        local = timezone.localtime(opens_at)
        return local.date() if local.time() == datetime.time(0, 0) else opens_at

    @property
    def percent(self) -> int:
        if not self.expected:
            return 0
        return round(100 * (self.done or 0) / self.expected)

    @property
    def state_label(self) -> str:
        return {
            UPCOMING: _("Upcoming"),
            OPEN: _("Open"),
            DUE_SOON: _("Due soon"),
            LATE: _("Overdue"),
            DONE: _("Done"),
        }[self.state]


@dataclass
class LeaderDashboard:
    year: EmulationYear
    now: datetime.datetime
    todos: list[Todo]
    calendar: list[CalendarEntry]
    today_at_end: bool  # every entry is already due: "today" comes after the last one
    members: list[Unit]

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(self.now).date()

    @property
    def overdue_count(self) -> int:
        return sum(1 for t in self.todos if t.urgency == OVERDUE)


# --- who owes what ----------------------------------------------------------------------------------------


def _members(memberships: list[Membership], year: int) -> list[Unit]:
    units = {m.unit.pk: m.unit for m in memberships if m.covers(year)}
    return sorted(units.values(), key=lambda unit: unit.name)


def _unit_of(
    pk: int, *, year: EmulationYear, calendar: "_Calendar", members: dict[int, Unit], deadline: Deadline
) -> Unit:
    """The unit object of a unit the rule names, from what is loaded (no query)."""
    if pk in members:
        return members[pk]
    if pk == year.leader_id:
        return year.leader
    if pk == year.deputy_id:
        return year.deputy
    if calendar.following is not None and pk == calendar.following.leader_id:
        return calendar.following.leader
    return deadline.unit


def _urgency(due: datetime.datetime | None, now: datetime.datetime, soon: datetime.timedelta) -> str:
    if due is None:
        return NORMAL
    if due < now:
        return OVERDUE
    return SOON if due - now <= soon else NORMAL


def _names(units) -> list[Unit]:
    return sorted(units, key=lambda unit: vi_sort_key(unit.name))


# --- what is read once and shared between the items --------------------------------------------------------


@dataclass
class _Calendar:
    """The year's calendar with the following year's covenant entries, and the bloc's memberships."""

    following: EmulationYear | None
    covenant_years: list[int]  # the year's pk and the following year's, if opened
    deadlines: list[Deadline]  # the year's, by due date
    next_covenant_deadlines: list[Deadline]
    memberships: list[Membership]
    members: list[Unit]  # the year's member units, by name


def _calendar(*, year: EmulationYear) -> _Calendar:
    """The following year, the calendar and the memberships: three queries."""
    following = (
        EmulationYear.objects.filter(bloc_id=year.bloc_id, year=year.year + 1)
        .select_related("leader", "deputy")
        .first()
    )
    covenant_years = [year.pk] + ([following.pk] if following is not None else [])
    deadlines, next_covenant_deadlines = [], []
    for deadline in (
        Deadline.objects.filter(Q(year=year) | Q(year_id__in=covenant_years, kind=DeadlineKind.COVENANT))
        .select_related("unit")
        .order_by("due_at", "id")
    ):
        if deadline.year_id == year.pk:
            deadline.year = year
            deadlines.append(deadline)
        else:
            deadline.year = following
            next_covenant_deadlines.append(deadline)
    memberships = list(Membership.objects.filter(bloc_id=year.bloc_id).select_related("unit"))
    return _Calendar(
        following=following,
        covenant_years=covenant_years,
        deadlines=deadlines,
        next_covenant_deadlines=next_covenant_deadlines,
        memberships=memberships,
        members=_members(memberships, year.year),
    )


@dataclass
class _Answers:
    """What the units have sent for the year's deadlines, and where each unit stands on one deadline."""

    extensions: dict[tuple[int, int], Extension]  # (deadline pk, unit pk)
    sheets: dict[int, Sheet]  # unit pk → its self-assessment sheet
    registrations: dict[tuple[int, int], datetime.datetime]  # (year pk, unit pk) → covenant registration sent
    answered: dict[tuple[int, int], Answer]  # (deadline pk, unit pk) → the unit's first answer
    waiting: set[tuple[int, int]]  # (deadline pk, unit pk): a file sent late that waits for the leader's decision
    returned: set[tuple[int, int]]  # (deadline pk, unit pk): a file returned for correction, not sent again

    def of(self, deadline: Deadline, unit: Unit, *, now: datetime.datetime, answer: Answer | None = None) -> Obligation:
        """Where a unit that owes the deadline stands on it (reports.obligations, the one rule); `answer`: its
        answer when it is not one of the units' own (the ranking)."""
        key = (deadline.pk, unit.pk)
        return obligation(
            deadline,
            unit.pk,
            owed=True,
            answer=answer if answer is not None else self.answered.get(key),
            extension=self.extensions.get(key),
            now=now,
            returned=key in self.returned,
        )


def _answers(*, year: EmulationYear, deadlines: list[Deadline], covenant_years: list[int]) -> _Answers:
    """Files (first and latest version), extensions, sheets, covenant registrations: four queries."""
    latest_late = Subquery(
        SubmissionVersion.objects.filter(submission=OuterRef("pk")).order_by("-number").values("late_seconds")[:1]
    )
    submissions = list(
        with_first_answer(Submission.objects.filter(deadline__year=year))
        .annotate(latest_late=latest_late)
        .only("pk", "deadline_id", "unit_id", "status")
    )
    extensions = {(e.deadline_id, e.unit_id): e for e in Extension.objects.filter(deadline__year=year)}
    sheets = {a.unit_id: a for a in with_first_sending(Sheet.objects.filter(year=year).select_related("unit"))}
    registrations = sent_registrations(covenant_years)
    # Who answered which deadline and when (a file, a registration, a sheet): the one rule, from what is loaded.
    answered = first_answers(
        deadlines,
        submissions=submissions,
        registrations=registrations,
        extensions=extensions,
        sheets=sheets.values(),
    )
    waiting, returned = _waiting_files(submissions)
    return _Answers(
        extensions=extensions,
        sheets=sheets,
        registrations=registrations,
        answered=answered,
        waiting=waiting,
        returned=returned,
    )


def _waiting_files(submissions: list[Submission]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """What waits on a file sent: a late version for the leader to decide on, a return the unit has not answered
    yet ((deadline pk, unit pk) each)."""
    waiting, returned = set(), set()
    for submission in submissions:
        if submission.latest_late is None:  # a submission without a version has sent nothing
            continue
        if submission.status == SubmissionStatus.RETURNED:
            returned.add((submission.deadline_id, submission.unit_id))
        elif submission.latest_late > 0 and submission.status == SubmissionStatus.SUBMITTED:
            waiting.add((submission.deadline_id, submission.unit_id))
    return waiting, returned


def _proposals(*, year: EmulationYear) -> list[Proposal]:
    """The year's award proposals, each knowing whether its dossier has its achievements: one query."""
    achievements = DossierFile.objects.filter(proposal=OuterRef("pk"), part=DossierPart.ACHIEVEMENTS)
    return list(
        Proposal.objects.filter(award_kind__year=year)
        .select_related("award_kind", "unit")
        .annotate(has_achievements=Exists(achievements))
        .order_by("award_kind__order", "-votes", "unit__name")
    )


def _first_due(deadlines: list[Deadline], kind: str) -> datetime.datetime | None:
    """When the first entry of a kind is due (None: the calendar has none)."""
    return next((d.due_at for d in deadlines if d.kind == kind), None)


def _conference_at(*, deadlines: list[Deadline], plan: ConferencePlan | None) -> datetime.datetime | None:
    """When the conference takes place: its calendar entry, else the plan's date and start time."""
    conference_at = _first_due(deadlines, DeadlineKind.CONFERENCE)
    if conference_at is None and plan is not None:
        conference_at = timezone.make_aware(
            datetime.datetime.combine(plan.conference_date, plan.start_time), timezone.get_default_timezone()
        )
    return conference_at


# --- the calendar's progress ------------------------------------------------------------------------------


@dataclass
class _Progress:
    """How far the units that owe one deadline have got."""

    deadline: Deadline
    all_done: bool
    expected: int | None = None  # None: an event, or nobody owes it
    done: int | None = None
    late: int = 0
    overdue: list[Unit] = field(default_factory=list)
    waiting: list[Unit] = field(default_factory=list)
    returned: set[int] = field(default_factory=set)  # overdue units whose file was returned for correction
    extended: bool = False  # a unit not done yet still has an extension running


def deadline_progress(
    *,
    year: EmulationYear,
    calendar: _Calendar,
    answers: _Answers,
    table: CriteriaTable | None,
    proposals: list[Proposal],
    now: datetime.datetime,
) -> list[_Progress]:
    """Each deadline of the year with how far the units owing it have got, from what is loaded (no query)."""
    rule = Owing(
        year=year,
        member_ids=[unit.pk for unit in calendar.members],
        following_leader_id=calendar.following.leader_id if calendar.following is not None else None,
        own_sheet_units=own_sheet_units(calendar.deadlines),
    )
    members = {unit.pk: unit for unit in calendar.members}
    result = []
    for deadline in calendar.deadlines:
        owing = [
            _unit_of(pk, year=year, calendar=calendar, members=members, deadline=deadline)
            for pk in rule.unit_ids(deadline)
        ]
        result.append(_progress(deadline, owing, answers=answers, table=table, proposals=proposals, now=now))
    return result


def _progress(
    deadline: Deadline,
    owing: list[Unit],
    *,
    answers: _Answers,
    table: CriteriaTable | None,
    proposals: list[Proposal],
    now: datetime.datetime,
) -> _Progress:
    if deadline.kind in EVENT_KINDS or not owing:
        return _Progress(deadline, all_done=deadline.due_at < now)  # an event is over once its date has passed
    if deadline.kind == DeadlineKind.COMPILE:
        # answered by the ranking published; the ranking's own item says what is left
        states = [
            answers.of(
                deadline,
                unit,
                now=now,
                answer=ranking_answer(
                    table, deadline=deadline, extension=answers.extensions.get((deadline.pk, unit.pk))
                ),
            )
            for unit in owing
        ]
        done = sum(1 for state in states if state.done)
        late = sum(1 for state in states if state.state == State.LATE)
        return _Progress(deadline, all_done=done == len(owing), expected=len(owing), done=done, late=late)
    if deadline.kind == DeadlineKind.AWARD_DOSSIER and proposals:
        # the dossiers' own item says what is left
        sent = [p for p in proposals if p.status != ProposalStatus.PREPARING]
        late = sum(1 for p in sent if p.submitted_at and p.submitted_at > deadline.due_at)
        return _Progress(
            deadline, all_done=len(sent) == len(proposals), expected=len(proposals), done=len(sent), late=late
        )
    return _answered_progress(deadline, owing, answers=answers, now=now)


def _answered_progress(
    deadline: Deadline, owing: list[Unit], *, answers: _Answers, now: datetime.datetime
) -> _Progress:
    """A deadline each unit answers (a file, a sheet, a registration): who has, late or not, who is overdue. A file
    returned for correction and not sent again is not done."""
    of = {unit.pk: answers.of(deadline, unit, now=now) for unit in owing}
    done = sum(1 for state in of.values() if state.done)
    overdue = [u for u in owing if not of[u.pk].done and of[u.pk].due < now]
    return _Progress(
        deadline,
        all_done=done == len(owing),
        expected=len(owing),
        done=done,
        late=sum(1 for state in of.values() if state.done and state.state == State.LATE),
        overdue=overdue,
        waiting=[u for u in owing if of[u.pk].done and (deadline.pk, u.pk) in answers.waiting],
        returned={u.pk for u in overdue if of[u.pk].returned},
        extended=any(not of[u.pk].done and of[u.pk].due >= now for u in owing),
    )


def _state(progress: _Progress, *, now: datetime.datetime, soon: datetime.timedelta) -> str:
    deadline = progress.deadline
    if progress.all_done:
        return DONE
    if progress.overdue or (deadline.due_at < now and not progress.extended):
        return LATE
    if deadline.opens_at is not None and now < deadline.opens_at:
        return UPCOMING
    if progress.expected is None and deadline.opens_at is None and deadline.due_at - now > soon:
        return UPCOMING  # an event on one day (the conference) is coming, not open
    if deadline.due_at - now <= soon and deadline.due_at >= now:
        return DUE_SOON
    return OPEN


def calendar_entries(
    *, progress: list[_Progress], now: datetime.datetime, soon: datetime.timedelta
) -> tuple[list[CalendarEntry], bool]:
    """The calendar's entries with their state, "today" placed before the first one not due yet; and whether
    "today" comes after the last one."""
    entries = [
        CalendarEntry(
            deadline=p.deadline, expected=p.expected, done=p.done, late=p.late, state=_state(p, now=now, soon=soon)
        )
        for p in progress
    ]
    for entry in entries:
        if entry.deadline.due_at >= now:
            entry.today_before = True
            return entries, False
    return entries, True


# --- the selector -----------------------------------------------------------------------------------------


def leader_dashboard(*, year: EmulationYear, at: datetime.datetime | None = None) -> LeaderDashboard:
    """What needs doing now and the calendar's progress for the year's leader unit (the year comes with its bloc,
    leader and deputy loaded). A fixed number of queries."""
    now = at or timezone.now()
    soon = _soon(year)
    url = _year_url(year)
    calendar = _calendar(year=year)
    answers = _answers(year=year, deadlines=calendar.deadlines, covenant_years=calendar.covenant_years)
    table = CriteriaTable.objects.filter(year=year).first()
    proposals = _proposals(year=year)
    plan = ConferencePlan.objects.filter(year=year).order_by("-version").first()

    progress = deadline_progress(
        year=year, calendar=calendar, answers=answers, table=table, proposals=proposals, now=now
    )
    entries, today_at_end = calendar_entries(progress=progress, now=now, soon=soon)
    compile_due = _first_due(calendar.deadlines, DeadlineKind.COMPILE)
    conference_at = _conference_at(deadlines=calendar.deadlines, plan=plan)
    todos = [
        *late_todos(progress=progress, url=url),
        review_todo(year=year, sheets=answers.sheets, due=compile_due, url=url),
        ranking_todo(sheets=answers.sheets, members=calendar.members, table=table, due=compile_due, url=url),
        comments_todo(year=year, due=conference_at, url=url),
        ballots_todo(year=year, due=conference_at, url=url),
        dossiers_todo(proposals=proposals, due=_first_due(calendar.deadlines, DeadlineKind.AWARD_DOSSIER), url=url),
        plan_todo(year=year, plan=plan, conference_at=conference_at, now=now, url=url),
        minutes_todo(year=year, conference_at=conference_at, now=now, url=url),
        *covenant_todos(year=year, calendar=calendar, registrations=answers.registrations),
    ]
    return LeaderDashboard(
        year=year,
        now=now,
        todos=_by_urgency([todo for todo in todos if todo is not None], now=now, soon=soon),
        calendar=entries,
        today_at_end=today_at_end,
        members=calendar.members,
    )


def _soon(year: EmulationYear) -> datetime.timedelta:
    """How close a due date makes an item "due soon": the bloc's earliest reminder before a deadline."""
    offsets = [int(days) for days in year.setting("reminder_offsets_days")] or [7]
    return datetime.timedelta(days=max(offsets))


def _year_url(year: EmulationYear):
    """url(name, **extra): the address of one of the year's pages."""
    kwargs = {"slug": year.bloc.slug, "year": year.year}

    def url(name: str, **extra) -> str:
        return reverse(name, kwargs={**kwargs, **extra})

    return url


def _by_urgency(todos: list[Todo], *, now: datetime.datetime, soon: datetime.timedelta) -> list[Todo]:
    """The items, most urgent first, then by due date; an item to do becomes due soon or overdue by its date."""
    for todo in todos:
        if todo.urgency == NORMAL:
            todo.urgency = _urgency(todo.due, now, soon)
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    return sorted(todos, key=lambda t: (URGENCY_ORDER[t.urgency], t.due or far))


# --- one kind of thing to do each -------------------------------------------------------------------------


def late_todos(*, progress: list[_Progress], url) -> list[Todo]:
    """Late units: one item per deadline with units overdue, or a file sent late waiting for a decision."""
    return [
        _late_todo(p.deadline, p.overdue, p.waiting, p.returned, url=url) for p in progress if p.overdue or p.waiting
    ]


def review_todo(*, year: EmulationYear, sheets: dict[int, Sheet], due, url) -> Todo | None:
    """Sheets waiting for review or to finalize (the leader's own goes to the deputy)."""
    leaders = [a for a in sheets.values() if reviewer_unit_id(year, a.unit_id) == year.leader_id]
    to_review = [a for a in leaders if a.status == SheetStatus.SUBMITTED]
    to_finalize = [a for a in leaders if a.status == SheetStatus.REVIEWED]
    own = sheets.get(year.leader_id)
    own_waiting = own is not None and own.status in (SheetStatus.SUBMITTED, SheetStatus.REVIEWED)
    if not (to_review or to_finalize or own_waiting):
        return None
    rows = []
    on_time = _names(a.unit for a in to_review if not a.is_late)
    late = _names(a.unit for a in to_review if a.is_late)
    if on_time:
        rows.append(TodoRow(label=_("Waiting for review"), units=on_time))
    if late:
        rows.append(TodoRow(label=_("Waiting for review, submitted late"), units=late))
    if to_finalize:
        rows.append(TodoRow(label=_("Reviewed, not finalized yet"), units=_names(a.unit for a in to_finalize)))
    if own_waiting:
        deputy = year.deputy.short_name if year.deputy_id else _("no deputy leader unit set")
        rows.append(
            TodoRow(
                label=_("The leader unit's own sheet: reviewed by the deputy leader unit (%(deputy)s)")
                % {"deputy": deputy},
                units=[own.unit],
            )
        )
    return Todo(
        code="review",
        title=_("Self-assessment sheets waiting for review"),
        count=len(to_review) + len(to_finalize) + int(own_waiting),
        url=url("scoring:review-list"),
        action=_("Review the sheets"),
        urgency=NORMAL,
        due=due,
        rows=rows,
    )


def ranking_todo(
    *, sheets: dict[int, Sheet], members: list[Unit], table: CriteriaTable | None, due, url
) -> Todo | None:
    """The ranking ready to publish: scoring.selectors.publishable's rule, from the sheets already loaded."""
    statuses = [a.status for a in sheets.values()]
    blocked = any(s in (SheetStatus.SUBMITTED, SheetStatus.REVIEWED, SheetStatus.RETURNED) for s in statuses)
    final = [a for a in sheets.values() if a.status == SheetStatus.FINAL]
    if table is None or table.is_published or not final or blocked:
        return None
    rows = [TodoRow(label=_("Finalized sheets"), units=_names(a.unit for a in final))]
    without = _names(u for u in members if u.pk not in {a.unit_id for a in final})
    if without:
        rows.append(TodoRow(label=_("Not in the ranking (no finalized sheet)"), units=without))
    return Todo(
        code="ranking",
        title=_("The ranking is ready to publish"),
        count=len(final),
        total=len(members),
        url=url("scoring:ranking"),
        action=_("Publish the ranking"),
        urgency=NORMAL,
        due=due,
        rows=rows,
    )


def comments_todo(*, year: EmulationYear, due, url) -> Todo | None:
    """Comments on the draft report not answered yet (one query)."""
    pending = list(
        Comment.objects.filter(draft__year=year, answer_status=AnswerStatus.PENDING)
        .select_related("unit")
        .order_by("created_at", "id")
    )
    if not pending:
        return None
    return Todo(
        code="comments",
        title=_("Comments on the draft report to answer"),
        count=len(pending),
        url=url("conference:draft-report"),
        action=_("Answer the comments"),
        urgency=NORMAL,
        due=due,
        rows=[TodoRow(label=_("Units that commented"), units=_names({c.unit.pk: c.unit for c in pending}.values()))],
    )


def ballots_todo(*, year: EmulationYear, due, url) -> Todo | None:
    """Ballots with a next step for the leader (one query)."""
    ballots = (
        Ballot.objects.filter(year=year)
        .select_related("award_kind")
        .annotate(has_runoff=Exists(Ballot.objects.filter(parent=OuterRef("pk"))))
        .order_by("kind", "award_kind__order", "round", "id")
    )
    rows = _ballot_rows(year, list(ballots), url=url)
    if not rows:
        return None
    return Todo(
        code="ballots",
        title=_("Ballots to move on"),
        count=len(rows),
        url=url("awards:index"),
        action=_("Awards and elections"),
        urgency=NORMAL,
        due=due,
        rows=rows,
    )


def dossiers_todo(*, proposals: list[Proposal], due, url) -> Todo | None:
    """Proposal dossiers still in preparation: to complete and send to the board."""
    preparing = [p for p in proposals if p.status == ProposalStatus.PREPARING]
    if not preparing:
        return None
    rows = [
        TodoRow(
            label=proposal.award_kind.name,
            units=[proposal.unit],
            note=_("Complete: send it to the board.")
            if proposal.has_achievements
            else _("Missing: %(part)s.") % {"part": DossierPart.ACHIEVEMENTS.label},
            url=url("awards:proposal-detail", pk=proposal.pk),
        )
        for proposal in preparing
    ]
    return Todo(
        code="dossiers",
        title=_("Proposal dossiers to complete and send to the board"),
        count=len(preparing),
        url=url("awards:proposals"),
        action=_("Proposals to the province"),
        urgency=NORMAL,
        due=due,
        rows=rows,
    )


def plan_todo(
    *, year: EmulationYear, plan: ConferencePlan | None, conference_at, now: datetime.datetime, url
) -> Todo | None:
    """The conference plan to write or issue, until the conference."""
    plan_pending = plan is None or plan.status != PlanStatus.ISSUED
    if year.is_closed or not plan_pending or (conference_at is not None and now >= conference_at):
        return None
    return Todo(
        code="plan",
        title=_("Issue the conference plan") if plan is not None else _("Write the conference plan"),
        count=1,
        url=url("conference:plan"),
        action=_("Conference plan"),
        urgency=NORMAL,
        due=conference_at,
        rows=[
            TodoRow(
                label=_("Draft, version %(version)s") % {"version": plan.version}
                if plan is not None
                else _("No plan yet")
            )
        ],
    )


def minutes_todo(*, year: EmulationYear, conference_at, now: datetime.datetime, url) -> Todo | None:
    """The conference minutes to write or issue, once the conference is over (one query)."""
    minutes = ConferenceMinutes.objects.filter(year=year).first()
    if conference_at is None or conference_at >= now or (minutes is not None and minutes.is_issued):
        return None
    return Todo(
        code="minutes",
        title=_("Issue the conference minutes") if minutes is not None else _("Write the conference minutes"),
        count=1,
        url=url("conference:minutes"),
        action=_("Conference minutes"),
        urgency=NORMAL,
        due=conference_at,
        rows=[TodoRow(label=_("Draft") if minutes is not None else _("No minutes yet"))],
    )


def covenant_todos(
    *, year: EmulationYear, calendar: _Calendar, registrations: dict[tuple[int, int], datetime.datetime]
) -> list[Todo]:
    """The covenant of the year, and of the following year when the leader unit leads it too (one query)."""
    covenants = {c.year_id: c for c in Covenant.objects.filter(year_id__in=calendar.covenant_years)}
    targets = [(year, calendar.members, calendar.deadlines)]
    following = calendar.following
    if following is not None and following.leader_id == year.leader_id:
        targets.append((following, _members(calendar.memberships, following.year), calendar.next_covenant_deadlines))
    todos = []
    for target, members, entries in targets:
        registration = [d for d in entries if d.kind == DeadlineKind.COVENANT and d.audience == Audience.MEMBERS]
        todo = _covenant_todo(
            target,
            members,
            covenant=covenants.get(target.pk),
            sent={unit_id for year_id, unit_id in registrations if year_id == target.pk},
            deadline=registration[0] if registration else None,
            link=reverse("blocs:covenant", kwargs={"slug": year.bloc.slug, "year": target.year}),
        )
        if todo is not None:
            todos.append(todo)
    return todos


def _late_todo(deadline: Deadline, overdue: list[Unit], waiting: list[Unit], returned: set[int], *, url) -> Todo:
    rows = []
    missing = [u for u in overdue if u.pk not in returned]
    if missing:
        label = _("Sheet not submitted") if deadline.kind == DeadlineKind.SELF_ASSESSMENT else _("Not submitted")
        rows.append(TodoRow(label=label, units=_names(missing), kind="missing"))
    if returned:
        rows.append(
            TodoRow(
                label=_("Returned for correction, not sent again"),
                units=_names(u for u in overdue if u.pk in returned),
                kind="returned",
            )
        )
    if waiting:
        rows.append(
            TodoRow(label=_("Submitted late, waiting for your decision"), units=_names(waiting), kind="waiting")
        )
    if deadline.kind == DeadlineKind.SELF_ASSESSMENT:
        code, link, action = "late_sheets", url("scoring:review-list"), _("Self-assessment sheets")
    elif deadline.kind == DeadlineKind.COVENANT:
        code, link, action = "late_reports", url("blocs:covenant"), _("Covenant registrations")
    else:
        code, link, action = (
            "late_reports",
            url("reports:submission-matrix") + "?late=1",
            _("Reports of the member units"),
        )
    if not overdue:
        # Every unit has answered; some late, and the leader decides whether to take their files. Nobody is
        # overdue: a decision to make, not a deadline missed (no date, so not "overdue" by its due date either).
        return Todo(
            code=code,
            title=_("Files sent late to decide on: %(title)s") % {"title": deadline.title},
            count=len(waiting),
            url=link,
            action=action,
            urgency=NORMAL,
            due=None,
            rows=rows,
        )
    return Todo(
        code=code,
        title=_("Late: %(title)s") % {"title": deadline.title},
        count=len(overdue) + len(waiting),
        url=link,
        action=action,
        urgency=OVERDUE,
        due=deadline.due_at,
        rows=rows,
    )


def _ballot_step(ballot: Ballot) -> str | None:
    """The leader's next step on a ballot, or None when nothing is left (awards.wording.next_step in short)."""
    status = ballot.status
    if status == BallotStatus.DRAFT:
        return _("Freeze the ballot")
    if status == BallotStatus.FROZEN:
        return _("Open the vote")
    if status == BallotStatus.OPEN:
        return _("Close the vote")
    if status == BallotStatus.CLOSED:
        if ballot.is_paper and ballot.paper_returned is None:
            return _("Enter the paper counts, then count the votes")
        return _("Count the votes")
    if status == BallotStatus.TALLIED:
        return _("Publish the results")
    if ballot.kind == BallotKind.AWARD and ballot.runoff_seats and not ballot.has_runoff:
        return _("Create the run-off ballot")
    return None


def _ballot_rows(year: EmulationYear, ballots: list[Ballot], *, url) -> list[TodoRow]:
    rows = []
    for ballot in ballots:
        ballot.year = year  # its title reads the year; already loaded
        step = _ballot_step(ballot)
        if step is None:
            continue
        note = f"{ballot.get_status_display()} · {step}"
        rows.append(TodoRow(label=str(ballot.title), note=note, url=url("awards:ballot-detail", pk=ballot.pk)))
    return rows


def _covenant_todo(
    target: EmulationYear, members: list[Unit], *, covenant, sent: set[int], deadline: Deadline | None, link: str
) -> Todo | None:
    """The covenant of a year the leader unit leads, not issued yet, once registrations are asked for."""
    if target.is_closed or (covenant is not None and covenant.is_issued):
        return None
    if deadline is None and not sent:
        return None
    done = [u for u in members if u.pk in sent]
    missing = _names(u for u in members if u.pk not in sent)
    if missing:
        rows = [TodoRow(label=_("Registration not sent"), units=missing)]
    else:
        rows = [TodoRow(label=_("Every member unit has sent its registration."))]
    title = (
        _("Issue the emulation covenant of %(year)s")
        if not missing
        else _("Emulation covenant of %(year)s: registrations still missing")
    ) % {"year": target.year}
    return Todo(
        code="covenant",
        title=title,
        count=len(done),
        total=len(members),
        url=link,
        action=_("Emulation covenant"),
        urgency=NORMAL,
        due=deadline.due_at if deadline is not None else None,
        rows=rows,
    )


# --- the leader unit's home: its work, the most urgent first, and what it has done ------------------------------


@dataclass
class DoneWork:
    """Something the leader unit has done this year, when, and the page that shows it."""

    code: str  # covenant, plan, draft, summary, minutes, ranking, dossiers
    title: str
    at: datetime.datetime
    url: str


@dataclass
class LeaderHome:
    """The leader unit's work on its home page: what needs doing now (the dashboard's items and the home's own),
    the most urgent first, and what is done, the latest first."""

    year: EmulationYear
    now: datetime.datetime
    todos: list[Todo]
    done: list[DoneWork]

    @property
    def overdue_count(self) -> int:
        return sum(1 for t in self.todos if t.urgency == OVERDUE)


def leader_home(*, year: EmulationYear, at: datetime.datetime | None = None) -> LeaderHome:
    """The leader unit's work for its home page: leader_dashboard's "what needs doing now" with the reports waiting
    for a decision and the bloc's summary report (to send for comments, then to issue), most urgent first; and what
    the leader unit has done this year. The dashboard's queries and four more, whatever the size of the bloc."""
    board = leader_dashboard(year=year, at=at)
    now = board.now
    url = _year_url(year)
    deadlines = [entry.deadline for entry in board.calendar]
    facts = _done_facts(year=year)
    extra = [
        decisions_todo(year=year, due=_first_due(deadlines, DeadlineKind.COMPILE), url=url),
        summary_todo(year=year, facts=facts, deadlines=deadlines, now=now, url=url),
    ]
    todos = [*_without_waiting(board.todos), *(t for t in extra if t is not None)]
    todos = _by_urgency(todos, now=now, soon=_soon(year))
    return LeaderHome(year=year, now=now, todos=todos, done=leader_done(year=year, facts=facts, deadlines=deadlines))


def _without_waiting(todos: list[Todo]) -> list[Todo]:
    """The dashboard's items with the files sent late taken out of the late items (the home lists them with every
    report waiting for a decision: the leader's decision is not overdue); a late item left empty goes."""
    result = []
    for todo in todos:
        waiting = [row for row in todo.rows if row.kind == "waiting"]
        if waiting:
            todo.rows = [row for row in todo.rows if row.kind != "waiting"]
            todo.count -= sum(len(row.units) for row in waiting)
            if not todo.rows:
                continue
        result.append(todo)
    return result


def decisions_todo(*, year: EmulationYear, due: datetime.datetime | None, url) -> Todo | None:
    """Reports sent that wait for the leader unit to accept them or return them for correction, each deadline's on
    time and late ones (one query)."""
    latest_late = Subquery(
        SubmissionVersion.objects.filter(submission=OuterRef("pk")).order_by("-number").values("late_seconds")[:1]
    )
    waiting = (
        Submission.objects.filter(deadline__year=year, status=SubmissionStatus.SUBMITTED)
        .annotate(latest_late=latest_late)
        .filter(latest_late__isnull=False)  # a submission without a version has sent nothing
        .select_related("deadline", "unit")
        .order_by("deadline__due_at", "deadline_id", "unit__name")
    )
    rows: dict[tuple[int, bool], TodoRow] = {}
    for submission in waiting:
        late = submission.latest_late > 0
        row = rows.setdefault(
            (submission.deadline_id, late),
            TodoRow(label=submission.deadline.title, note=_("sent late") if late else "", kind="waiting"),
        )
        row.units.append(submission.unit)
    if not rows:
        return None
    return Todo(
        code="decisions",
        title=_("Reports waiting for your decision"),
        count=sum(len(row.units) for row in rows.values()),
        url=url("reports:submission-matrix"),
        action=_("Accept or return the reports"),
        urgency=NORMAL,
        due=due,
        rows=list(rows.values()),
    )


def _done_facts(*, year: EmulationYear) -> dict:
    """When the leader unit's documents of the year were issued or sent (None: not yet), in one query."""
    y = OuterRef("pk")
    issued = {"status": PlanStatus.ISSUED}
    drafts = DraftReport.objects.filter(year=y).order_by("-version")
    return (
        EmulationYear.objects.filter(pk=year.pk)
        .annotate(
            covenant_issued_at=Subquery(Covenant.objects.filter(year=y).values("issued_at")[:1]),
            plan_issued_at=Subquery(
                ConferencePlan.objects.filter(year=y, **issued).order_by("-version").values("issued_at")[:1]
            ),
            draft_published_at=Subquery(drafts.values("published_at")[:1]),
            draft_version=Subquery(drafts.values("version")[:1]),
            summary_issued_at=Subquery(SummaryReport.objects.filter(year=y, **issued).values("issued_at")[:1]),
            minutes_issued_at=Subquery(ConferenceMinutes.objects.filter(year=y, **issued).values("issued_at")[:1]),
            ranking_published_at=Subquery(CriteriaTable.objects.filter(year=y).values("ranking_published_at")[:1]),
        )
        .values(
            "covenant_issued_at",
            "plan_issued_at",
            "draft_published_at",
            "draft_version",
            "summary_issued_at",
            "minutes_issued_at",
            "ranking_published_at",
        )
        .get()
    )


def summary_todo(
    *, year: EmulationYear, facts: dict, deadlines: list[Deadline], now: datetime.datetime, url
) -> Todo | None:
    """The bloc's summary report: to send for comments by the comment round's opening, then, once the round is over,
    to issue by the conference (the calendar's comment round decides; none, nothing to do here)."""
    comment_round = next((d for d in deadlines if d.kind == DeadlineKind.COMMENT_ROUND), None)
    if year.is_closed or comment_round is None or facts["summary_issued_at"] is not None:
        return None
    opens = comment_round.opens_at or comment_round.due_at
    window = _("Comment round: %(start)s – %(end)s") % {
        "start": timezone.localtime(opens).strftime("%d/%m/%Y"),
        "end": timezone.localtime(comment_round.due_at).strftime("%d/%m/%Y"),
    }
    if facts["draft_published_at"] is None:
        title, due = _("Send the bloc's summary report for comments"), opens
    elif now > comment_round.due_at:
        title, due = _("Issue the bloc's summary report"), _first_due(deadlines, DeadlineKind.CONFERENCE)
    else:
        return None  # the round is on: the comments item says what waits
    return Todo(
        code="summary",
        title=title,
        count=1,
        url=url("conference:summary"),
        action=_("The bloc's summary report"),
        urgency=NORMAL,
        due=due,
        rows=[TodoRow(label=window)],
    )


def leader_done(*, year: EmulationYear, facts: dict, deadlines: list[Deadline]) -> list[DoneWork]:
    """What the leader unit has done this year, the latest first (one query: the dossiers). The ranking and the
    dossiers count here only when the calendar has no entry they answer (then the unit's own list shows them)."""
    kwargs = {"slug": year.bloc.slug, "year": year.year}

    def link(name: str) -> str:
        return reverse(name, kwargs=kwargs)

    kinds = {d.kind for d in deadlines}
    done = []
    if facts["covenant_issued_at"]:
        title = _("Emulation covenant of %(year)s issued") % {"year": year.year}
        done.append(DoneWork("covenant", title, facts["covenant_issued_at"], link("blocs:covenant")))
    if facts["plan_issued_at"]:
        done.append(DoneWork("plan", _("Conference plan issued"), facts["plan_issued_at"], link("conference:plan")))
    if facts["draft_published_at"]:
        title = _("Summary report sent for comments (version %(version)s)") % {"version": facts["draft_version"]}
        done.append(DoneWork("draft", title, facts["draft_published_at"], link("conference:draft-report")))
    if facts["summary_issued_at"]:
        title = _("The bloc's summary report issued")
        done.append(DoneWork("summary", title, facts["summary_issued_at"], link("conference:summary")))
    if facts["minutes_issued_at"]:
        title = _("Conference minutes issued")
        done.append(DoneWork("minutes", title, facts["minutes_issued_at"], link("conference:minutes")))
    if facts["ranking_published_at"] and DeadlineKind.COMPILE not in kinds:
        title = _("Ranking published")
        done.append(DoneWork("ranking", title, facts["ranking_published_at"], link("scoring:ranking")))
    if DeadlineKind.AWARD_DOSSIER not in kinds and (sent := dossiers_sent([year.pk]).get(year.pk)) is not None:
        title = _("Proposal dossiers sent to the board")
        done.append(DoneWork("dossiers", title, sent.at, link("awards:proposals")))
    return sorted(done, key=lambda work: work.at, reverse=True)
