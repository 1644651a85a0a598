"""The one rule of who owes which deadline and where each unit stands on it (reports.obligations): who owes for
every audience (as submissions.owing_units says), the members' self-assessment entry giving way to a unit's own,
each state from what is loaded, and a unit's whole year (its to-do list) in a fixed number of queries."""

import datetime

import pytest

from blocs.enums import Audience, DeadlineKind
from blocs.models import CovenantRegistration, Deadline, EmulationYear
from reports.enums import SubmissionStatus
from reports.models import Extension, Submission, SubmissionVersion
from reports.obligations import (
    FILE,
    RANKING,
    REGISTRATION,
    SHEET,
    Answer,
    Owing,
    State,
    obligation,
    owes,
    own_sheet_units,
    unit_obligations,
)
from reports.services import submissions as services
from scoring.enums import SheetStatus
from scoring.models import CriteriaTable, Sheet
from tests.factories import DeadlineFactory

DAY = datetime.timedelta(days=1)
NOW = datetime.datetime(2020, 10, 15, 9, 0, tzinfo=datetime.UTC)


# --- who owes ----------------------------------------------------------------------------------------------------


def test_who_owes_is_what_owing_units_says_for_every_audience(world):
    deadlines = [
        DeadlineFactory(year=world.year, kind=DeadlineKind.YEAR_REPORT, audience=Audience.MEMBERS),
        DeadlineFactory(year=world.year, kind=DeadlineKind.OTHER, audience=Audience.LEADER),
        DeadlineFactory(year=world.year, kind=DeadlineKind.OTHER, audience=Audience.UNIT, unit=world.member_unit),
        DeadlineFactory(year=world.year, kind=DeadlineKind.LAUNCH_PLAN, audience=Audience.NEXT_LEADER),
    ]
    members = [u.pk for u in services.members_in_year(bloc=world.bloc, year=2020)]
    units = [world.leader_unit, world.deputy_unit, world.member_unit, world.outsider_unit]
    following = EmulationYear.objects.create(bloc=world.bloc, year=2021, leader=world.member_unit)

    def by_the_rule(following_leader_id):
        rule = Owing(year=world.year, member_ids=members, following_leader_id=following_leader_id)
        one_by_one = [
            sorted(u.pk for u in units if owes(d, u.pk, world.year, following_leader_id, member=u.pk in members))
            for d in deadlines
        ]
        assert one_by_one == [sorted(rule.unit_ids(d)) for d in deadlines]
        return one_by_one

    def by_services():
        return [sorted(u.pk for u in services.owing_units(d)) for d in deadlines]

    assert by_the_rule(following.leader_id) == by_services()
    assert by_the_rule(following.leader_id)[3] == [world.member_unit.pk]  # the following year's leader
    following.delete()
    assert by_the_rule(None) == by_services()
    assert by_the_rule(None)[3] == [world.deputy_unit.pk]  # until that year opens, the deputy


def test_a_unit_with_a_self_assessment_entry_of_its_own_owes_that_one_only(world):
    members_entry = DeadlineFactory(year=world.year, kind=DeadlineKind.SELF_ASSESSMENT)
    own = DeadlineFactory(
        year=world.year, kind=DeadlineKind.SELF_ASSESSMENT, audience=Audience.UNIT, unit=world.member_unit
    )
    report = DeadlineFactory(year=world.year, kind=DeadlineKind.YEAR_REPORT)
    members = [world.deputy_unit.pk, world.leader_unit.pk, world.member_unit.pk]
    rule = Owing(year=world.year, member_ids=members, own_sheet_units=own_sheet_units([members_entry, own, report]))

    assert rule.unit_ids(members_entry) == [world.deputy_unit.pk, world.leader_unit.pk]
    assert rule.unit_ids(own) == [world.member_unit.pk]
    assert rule.unit_ids(report) == members  # the exception is the self-assessment's only


# --- where a unit stands -----------------------------------------------------------------------------------------


def _answer(hours_late: float) -> Answer:
    return Answer(at=NOW, late_seconds=int(hours_late * 3600), via=FILE)


@pytest.mark.parametrize(
    ("kind", "owed", "due_in_days", "extended_to_days", "answer", "state", "due_in"),
    [
        (DeadlineKind.YEAR_REPORT, False, -1, None, None, State.NOT_OWED, -1),
        (DeadlineKind.CONFERENCE, True, -1, None, None, State.EVENT, -1),
        (DeadlineKind.YEAR_REPORT, True, -1, None, _answer(0), State.ON_TIME, -1),
        (DeadlineKind.YEAR_REPORT, True, -1, None, _answer(2), State.LATE, -1),
        (DeadlineKind.YEAR_REPORT, True, -1, None, None, State.MISSING, -1),
        (DeadlineKind.YEAR_REPORT, True, 1, None, None, State.NOT_DUE, 1),
        (DeadlineKind.YEAR_REPORT, True, -1, 2, None, State.EXTENDED, 2),
        (DeadlineKind.YEAR_REPORT, True, -3, -1, None, State.MISSING, -1),  # its extension has run out too
        (DeadlineKind.YEAR_REPORT, True, -3, -1, _answer(0), State.ON_TIME, -1),
    ],
)
def test_each_state_from_what_is_loaded(kind, owed, due_in_days, extended_to_days, answer, state, due_in):
    deadline = Deadline(pk=1, kind=kind, due_at=NOW + due_in_days * DAY)
    extension = Extension(due_at=NOW + extended_to_days * DAY) if extended_to_days is not None else None

    got = obligation(deadline, 7, owed=owed, answer=answer, extension=extension, now=NOW)

    assert (got.state, got.due, got.extended_until, got.answered_at) == (
        state,
        NOW + due_in * DAY,
        extension.due_at if extension is not None else None,
        NOW if state in (State.ON_TIME, State.LATE) else None,
    )


def test_a_file_returned_for_correction_keeps_its_answer_and_is_not_done():
    deadline = Deadline(pk=1, kind=DeadlineKind.YEAR_REPORT, due_at=NOW - DAY)

    got = obligation(deadline, 7, owed=True, answer=_answer(0), extension=None, now=NOW, returned=True)

    assert (got.state, got.answered, got.returned, got.done) == (State.ON_TIME, True, True, False)


def test_the_due_moment_itself_is_not_missing_yet():
    deadline = Deadline(pk=1, kind=DeadlineKind.YEAR_REPORT, due_at=NOW)

    assert obligation(deadline, 7, owed=True, answer=None, extension=None, now=NOW).state == State.NOT_DUE
    later = NOW + datetime.timedelta(seconds=1)
    assert obligation(deadline, 7, owed=True, answer=None, extension=None, now=later).state == State.MISSING


# --- one unit's year ---------------------------------------------------------------------------------------------


def _file(deadline, unit, *, at, late_seconds=0, status=SubmissionStatus.SUBMITTED) -> None:
    submission = Submission.objects.create(deadline=deadline, unit=unit, status=status)
    SubmissionVersion.objects.create(
        submission=submission,
        number=1,
        file="submissions/x.pdf",
        original_name="x.pdf",
        size=10,
        submitted_at=at,
        late_seconds=late_seconds,
    )


def _year_of_every_kind(world, *, reports: int = 1) -> dict[str, Deadline]:
    """The calendar of 2020 at NOW, one entry of every kind (and `reports` year-end reports), and what each unit
    has done:

    - the year-end report, due 10 days ago: the member sent it the day before, the leader an hour late, the
      deputy nothing;
    - the summary, due 5 days ago: the member has an extension for 3 more days;
    - the covenant, due 4 days ago: the member registered the day before on the covenant page;
    - the self-assessment, due 3 days ago: the member sent its sheet a day late; the deputy has its own entry,
      due in 2 days;
    - a file asked of the member alone, due 2 days ago: sent on time, returned for correction;
    - a file asked of the leader, due yesterday; compiling the results (the leader), due in 5 days: the ranking
      was published an hour ago;
    - the conference in 8 days; the launch plan in 10 days; a file for the next leader in 20 (no 2021 yet).
    """

    def entry(kind, days, title, **extra):
        return DeadlineFactory(
            year=world.year, kind=kind, title=title, opens_at=NOW - 40 * DAY, due_at=NOW + days * DAY, **extra
        )

    d = {
        "report": entry(DeadlineKind.YEAR_REPORT, -10, "report"),
        "summary": entry(DeadlineKind.SUMMARY_REPORT, -5, "summary"),
        "covenant": entry(DeadlineKind.COVENANT, -4, "covenant"),
        "sheets": entry(DeadlineKind.SELF_ASSESSMENT, -3, "sheets"),
        "own_sheet": entry(
            DeadlineKind.SELF_ASSESSMENT, 2, "own sheet", audience=Audience.UNIT, unit=world.deputy_unit
        ),
        "for_member": entry(DeadlineKind.OTHER, -2, "for member", audience=Audience.UNIT, unit=world.member_unit),
        "for_leader": entry(DeadlineKind.OTHER, -1, "for leader", audience=Audience.LEADER),
        "compile": entry(DeadlineKind.COMPILE, 5, "compile", audience=Audience.LEADER),
        "conference": entry(DeadlineKind.CONFERENCE, 8, "conference"),
        "launch": entry(DeadlineKind.LAUNCH_PLAN, 10, "launch"),
        "next": entry(DeadlineKind.OTHER, 20, "next", audience=Audience.NEXT_LEADER),
    }
    for k in range(reports - 1):
        entry(DeadlineKind.YEAR_REPORT, 30 + k, f"more {k}")
    _file(d["report"], world.member_unit, at=d["report"].due_at - DAY)
    _file(d["report"], world.leader_unit, at=d["report"].due_at + datetime.timedelta(hours=1), late_seconds=3600)
    Extension.objects.create(deadline=d["summary"], unit=world.member_unit, due_at=NOW + 3 * DAY, reason="Ốm")
    CovenantRegistration.objects.create(
        year=world.year, unit=world.member_unit, targets="100%", submitted_at=d["covenant"].due_at - DAY
    )
    Sheet.objects.create(
        year=world.year,
        unit=world.member_unit,
        status=SheetStatus.SUBMITTED,
        is_late=True,
        submitted_at=d["sheets"].due_at + DAY,
    )
    _file(d["for_member"], world.member_unit, at=d["for_member"].due_at - DAY, status=SubmissionStatus.RETURNED)
    CriteriaTable.objects.create(year=world.year, ranking_published_at=NOW - datetime.timedelta(hours=1))
    return d


def _rows(obligations):
    return [
        (o.deadline.title, o.state, o.answered_at, o.extended_until, o.returned, o.answer.via if o.answer else None)
        for o in obligations
    ]


def test_a_member_units_year_every_deadline_with_its_state(world):
    d = _year_of_every_kind(world)

    got = unit_obligations(world.year, world.member_unit, now=NOW)

    assert _rows(got) == [
        ("report", State.ON_TIME, d["report"].due_at - DAY, None, False, FILE),
        ("summary", State.EXTENDED, None, NOW + 3 * DAY, False, None),
        ("covenant", State.ON_TIME, d["covenant"].due_at - DAY, None, False, REGISTRATION),
        ("sheets", State.LATE, d["sheets"].due_at + DAY, None, False, SHEET),
        ("for member", State.ON_TIME, d["for_member"].due_at - DAY, None, True, FILE),
        ("for leader", State.NOT_OWED, None, None, False, None),
        ("own sheet", State.NOT_OWED, None, None, False, None),
        ("compile", State.NOT_OWED, None, None, False, None),
        ("conference", State.EVENT, None, None, False, None),
        ("launch", State.NOT_DUE, None, None, False, None),
        ("next", State.NOT_OWED, None, None, False, None),
    ]
    assert [o.url_name for o in got] == [
        "reports:submissions",
        "reports:submissions",
        "blocs:covenant",
        "scoring:my-sheet",
        "reports:submissions",
        "reports:submissions",
        "scoring:my-sheet",
        "scoring:ranking",
        "conference:plan",
        "reports:submissions",
        "reports:submissions",
    ]


def test_the_leader_and_the_deputy_owe_what_their_roles_add(world):
    _year_of_every_kind(world)

    leader = {o.deadline.title: o for o in unit_obligations(world.year, world.leader_unit, now=NOW)}
    deputy = {o.deadline.title: o for o in unit_obligations(world.year, world.deputy_unit, now=NOW)}

    assert {title: o.state for title, o in leader.items() if title in ("report", "for leader", "compile", "next")} == {
        "report": State.LATE,
        "for leader": State.MISSING,
        "compile": State.ON_TIME,  # the ranking published, before its due date
        "next": State.NOT_OWED,
    }
    assert (leader["report"].late_seconds, leader["compile"].answer.via) == (3600, RANKING)
    assert {title: o.state for title, o in deputy.items() if title in ("report", "sheets", "own sheet", "next")} == {
        "report": State.MISSING,
        "sheets": State.NOT_OWED,  # its own entry binds it instead
        "own sheet": State.NOT_DUE,
        "next": State.NOT_DUE,  # the proposed next leader until 2021 opens
    }


def test_a_unit_outside_the_bloc_owes_nothing(world):
    _year_of_every_kind(world)

    assert {o.state for o in unit_obligations(world.year, world.outsider_unit, now=NOW)} == {State.NOT_OWED}


@pytest.mark.parametrize("reports", [1, 12])
def test_a_units_year_costs_the_same_at_any_size(world, django_assert_num_queries, reports):
    _year_of_every_kind(world, reports=reports)

    # the calendar, the membership, the following year, extensions, files, the registration, the sheet, the ranking
    with django_assert_num_queries(8):
        got = unit_obligations(world.year, world.leader_unit, now=NOW)

    assert len(got) == 10 + reports
