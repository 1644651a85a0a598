"""Reads that compute: the units × deadlines grid of the submissions (what each unit has sent for each file
deadline, its versions, extension and the leader's decision) and the wording of lateness.

Who owes which deadline, who has answered it and when, and where each unit stands is the one rule of
`reports.obligations`; its readers are named here too, for the pages and services that import them from here.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import ngettext, npgettext, pgettext

from blocs.enums import Audience
from blocs.models import Deadline, EmulationYear, Unit
from blocs.selectors import members_in_year
from core.collation import vi_sort_key

from .enums import SubmissionStatus
from .models import Extension, Submission, SubmissionVersion
from .obligations import (
    FILE,
    REGISTRATION,
    Answer,
    Obligation,
    Owing,
    State,
    answers,
    obligation,
    sent_registrations,
    with_first_answer,
)
from .services import submissions as services

__all__ = [
    "FILE",
    "REGISTRATION",
    "Answer",
    "Cell",
    "Grid",
    "answers",
    "late_days",
    "late_text",
    "sent_registrations",
    "submission_grid",
    "with_first_answer",
]


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
    """One unit's state on one deadline: where it stands (`obligation`, the one rule) and what it sent."""

    deadline: Deadline
    unit: Unit
    obligation: Obligation
    closes: datetime.datetime  # until when the unit may still send, late (blocs.deadlines)
    now: datetime.datetime
    extension: Extension | None = None
    submission: Submission | None = None
    versions: list[SubmissionVersion] = field(default_factory=list)  # newest first

    @property
    def due(self) -> datetime.datetime:
        """The unit's due date: its extension's if it has one."""
        return self.obligation.due

    @property
    def answer(self) -> Answer | None:
        """The unit's first answer (obligations.answers): a file, on the covenant page or the dossiers sent."""
        return self.obligation.answer

    @property
    def latest(self) -> SubmissionVersion | None:
        return self.versions[0] if self.versions else None

    @property
    def registered(self) -> bool:
        """Answered on the covenant page (its registration sent) and by no file."""
        return self.latest is None and self.answer is not None and self.answer.by_registration

    @property
    def dossiers_sent(self) -> bool:
        """Answered by sending every proposal's dossier to the board, and by no file."""
        return self.latest is None and self.answer is not None and self.answer.by_dossiers

    @property
    def late(self) -> bool:
        """Answered after the unit's due date: its first answer decides (a correction sent later, after a return,
        does not make an answer that came in on time late)."""
        return self.obligation.state == State.LATE

    @property
    def late_days(self) -> int:
        return late_days(self.obligation.late_seconds)

    @property
    def code(self) -> str:
        if self.latest is None:
            if self.registered:
                return "registered_late" if self.late else "registered"
            if self.dossiers_sent:
                return "dossiers_late" if self.late else "dossiers"
            state = self.obligation.state
            if state == State.MISSING:
                return "missing"
            return "extended" if state == State.EXTENDED else "none"
        if self.submission.status == SubmissionStatus.ACCEPTED:
            return "accepted"
        if self.submission.status == SubmissionStatus.RETURNED:
            return "returned"
        return "late" if self.late else "submitted"

    @property
    def label(self) -> str:
        code = self.code
        days = self.late_days
        if code in ("none", "missing"):
            return pgettext("report status", "Not submitted")
        if code == "extended":
            return pgettext("report status", "Extended to %(date)s") % {
                "date": timezone.localtime(self.due).strftime("%d/%m/%Y")
            }
        if code == "registered":
            return pgettext("report status", "Registered on the covenant page")
        if code == "registered_late":
            return npgettext(
                "report status",
                "Registered on the covenant page, late by %(n)d day",
                "Registered on the covenant page, late by %(n)d days",
                days,
            ) % {"n": days}
        if code == "dossiers":
            return pgettext("report status", "Dossiers sent to the board")
        if code == "dossiers_late":
            return npgettext(
                "report status",
                "Dossiers sent to the board, late by %(n)d day",
                "Dossiers sent to the board, late by %(n)d days",
                days,
            ) % {"n": days}
        if code == "late":
            return self.late_text
        if code == "accepted":
            return pgettext("report status", "Accepted")
        if code == "returned":
            return pgettext("report status", "Returned for correction")
        return pgettext("report status", "Submitted")

    @property
    def late_text(self) -> str:
        """ "Nộp muộn 2 ngày" for a late answer ("" on time)."""
        if not self.late:
            return ""
        days = self.late_days
        return npgettext("report status", "Late by %(n)d day", "Late by %(n)d days", days) % {"n": days}

    @property
    def late_badge(self) -> str:
        """How late, where the label does not say it already (a late file accepted or returned)."""
        return self.late_text if self.code in ("accepted", "returned") else ""

    # Colour is never alone: the label and an icon say the same.
    STYLES = {
        "none": ("secondary", "bi-dash-circle"),
        "extended": ("info", "bi-calendar-plus"),
        "missing": ("danger", "bi-x-circle"),
        "submitted": ("primary", "bi-inbox"),
        "late": ("warning", "bi-clock-history"),
        "accepted": ("success", "bi-check2-circle"),
        "returned": ("danger", "bi-arrow-return-left"),
        "registered": ("success", "bi-pen"),
        "registered_late": ("warning", "bi-pen"),
        "dossiers": ("success", "bi-send-check"),
        "dossiers_late": ("warning", "bi-send-check"),
    }

    @property
    def colour(self) -> str:
        return self.STYLES[self.code][0]

    @property
    def icon(self) -> str:
        return self.STYLES[self.code][1]

    @property
    def overdue(self) -> bool:
        """Not done by the unit's due date: nothing sent, or returned for correction and not sent again."""
        return not self.obligation.done and self.due < self.now

    @property
    def late_or_missing(self) -> bool:
        """What the leader's filter keeps: answered late, or not done by the due date (as the leader's dashboard
        counts a deadline's late units)."""
        return self.late or self.overdue

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
    rule = Owing(
        year=year, member_ids=member_ids, following_leader_id=following.leader_id if following is not None else None
    )
    owing = {d.pk: rule.unit_ids(d) for d in deadlines}
    wanted = {pk for ids in owing.values() for pk in ids}
    if unit is not None:
        wanted &= {unit.pk}
    units = sorted((known[pk] for pk in wanted), key=lambda u: vi_sort_key(u.name))

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
    now = timezone.now()
    cells = {}
    for deadline in deadlines:
        for pk in owing[deadline.pk]:
            if pk not in wanted:
                continue
            submission = by_key.get((deadline.pk, pk))
            extension = extended.get((deadline.pk, pk))
            state = obligation(
                deadline,
                pk,
                owed=True,
                answer=answered.get((deadline.pk, pk)),
                extension=extension,
                now=now,
                returned=submission is not None and submission.status == SubmissionStatus.RETURNED,
            )
            cells[(deadline.pk, pk)] = Cell(
                deadline=deadline,
                unit=known[pk],
                obligation=state,
                closes=state.closes,  # blocs.deadlines: the due date, or the extension's, plus the grace days
                now=now,
                extension=extension,
                submission=submission,
                versions=list(submission.versions.all()) if submission else [],
            )
    return Grid(year=year, deadlines=deadlines, units=units, member_ids=set(member_ids), cells=cells)


# --- helpers of the views --------------------------------------------------------------------------------
