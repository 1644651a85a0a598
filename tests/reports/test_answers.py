"""Who has answered a deadline, and when (reports.obligations.answers), and every reader of that rule agreeing:
the submissions matrix and a unit's page, the leader's dashboard, the board's drill-down, the summary report's
statistics, the reminders and a unit's to-do list (unit_obligations). A covenant deadline is answered by a file
or by the registration sent on the covenant page; on time when the first answer came by the unit's own due date
(its extension, if any)."""

import datetime

import pytest
from django.utils import timezone, translation

from blocs.enums import DeadlineKind
from blocs.models import CovenantRegistration, CovenantRegistrationVersion
from conference.services.summary import report_columns
from dashboards.selectors.board import ReportStatus, members_of_years
from dashboards.selectors.leader import leader_dashboard
from reports.models import Extension
from reports.obligations import FILE, REGISTRATION, State, answers, unit_obligations
from reports.selectors import submission_grid
from reports.services import submissions as services
from reports.services.reminders import reminders_due
from tests.factories import DeadlineFactory, MembershipFactory, UnitFactory, officer_of
from tests.reports.test_submissions import MATRIX_URL, PAGE, add_members, submit

DAY = datetime.timedelta(days=1)
COVENANT_PAGE = "/blocs/ktdnc/years/2020/covenant/"


def register(year, unit, *sent: datetime.datetime) -> CovenantRegistration:
    """A registration sent at each of `sent` (a version each); its submitted_at is the last."""
    registration = CovenantRegistration.objects.create(
        year=year, unit=unit, targets="Hoàn thành 100% chỉ tiêu", submitted_at=sent[-1], sent_version=len(sent)
    )
    for number, at in enumerate(sent, start=1):
        CovenantRegistrationVersion.objects.create(registration=registration, number=number, snapshot={}, sent_at=at)
    return registration


@pytest.fixture
def covenant(world):
    """A covenant deadline due three days ago, and how each member answered it:

    - the member unit sent its registration the day before the due date, and a correction after it: on time;
    - the deputy sent its registration a day late;
    - the leader sent it a day late too, but within the extension it was given: on time;
    - a fourth member, "idle", did nothing: missing;
    - the outsider (another bloc) sent one, which answers nothing here."""
    now = timezone.now()
    deadline = DeadlineFactory(
        year=world.year,
        kind=DeadlineKind.COVENANT,
        title="Đăng ký giao ước",
        opens_at=now - 40 * DAY,
        due_at=now - 3 * DAY,
    )
    due = deadline.due_at
    idle = UnitFactory(province=world.bloc.province, name="Zz idle")
    MembershipFactory(bloc=world.bloc, unit=idle, start_year=2019)
    officer_of(idle)
    register(world.year, world.member_unit, due - DAY, due + DAY)
    register(world.year, world.deputy_unit, due + DAY)
    Extension.objects.create(deadline=deadline, unit=world.leader_unit, due_at=due + 2 * DAY, reason="Sáp nhập")
    register(world.year, world.leader_unit, due + DAY)
    register(world.year, world.outsider_unit, due - DAY)
    return deadline, idle


def test_the_rule_first_answer_by_file_or_registration(world, covenant, django_assert_num_queries):
    deadline, idle = covenant
    due = deadline.due_at

    with django_assert_num_queries(3):  # files, registrations, extensions
        found = answers([deadline])

    member = found[deadline.pk, world.member_unit.pk]
    assert (member.at, member.late, member.via) == (due - DAY, False, REGISTRATION)  # the first version decides
    deputy = found[deadline.pk, world.deputy_unit.pk]
    assert (deputy.late_seconds, deputy.by_registration) == (86400, True)
    assert not found[deadline.pk, world.leader_unit.pk].late  # its extension
    assert (deadline.pk, idle.pk) not in found
    assert services.unit_has_submitted(deadline, world.deputy_unit)
    assert not services.unit_has_submitted(deadline, idle)


def test_a_file_sent_before_the_registration_is_the_answer(world, covenant):
    deadline, idle = covenant
    submit(deadline, idle, idle.officers.first().user, at=deadline.due_at + DAY)
    register(world.year, idle, deadline.due_at + 2 * DAY)

    first = answers([deadline], unit_ids=[idle.pk])

    assert list(first) == [(deadline.pk, idle.pk)]
    assert (first[deadline.pk, idle.pk].via, first[deadline.pk, idle.pk].late_seconds) == (FILE, 86400)


def test_the_matrix_says_registered_on_the_covenant_page(world, covenant, client_as):
    deadline, idle = covenant
    grid = submission_grid(world.year)
    codes = {u.short_name: grid.cell(deadline, u).code for u in grid.units}
    assert codes == {
        world.member_unit.short_name: "registered",
        world.deputy_unit.short_name: "registered_late",
        world.leader_unit.short_name: "registered",
        idle.short_name: "missing",
    }
    with translation.override("en"):
        assert grid.cell(deadline, world.deputy_unit).label == "Registered on the covenant page, late by 1 day"
        assert grid.cell(deadline, world.member_unit).label == "Registered on the covenant page"
        assert grid.cell(deadline, idle).label == "Not submitted"

    everyone = client_as(world.leader).get(MATRIX_URL)
    late = client_as(world.leader).get(MATRIX_URL + "?late=1")

    html = everyone.content.decode()
    assert f'id="cell-{world.member_unit.pk}-{deadline.pk}"' in html
    assert html.count(f'href="{COVENANT_PAGE}"') >= 3  # each registered cell links to the covenant page
    assert [r["unit"] for r in late.context["rows"]] == sorted([world.deputy_unit, idle], key=lambda u: u.name)


def test_a_unit_that_registered_is_not_offered_an_upload(world, covenant, client_as):
    deadline, idle = covenant

    registered = client_as(world.member).get(PAGE)
    missing = client_as(idle.officers.first().user).get(PAGE)

    assert f'id="upload-{deadline.pk}"' not in registered.content.decode()
    assert f'href="{COVENANT_PAGE}"' in registered.content.decode()
    assert [r["cell"].code for r in registered.context["rows"]] == ["registered"]
    assert [r["cell"].code for r in missing.context["rows"]] == ["missing"]
    assert f'id="upload-{deadline.pk}"' in missing.content.decode()  # still within the grace days


def test_the_leader_dashboard_counts_registrations_as_answers(world, covenant):
    deadline, idle = covenant

    with translation.override("en"):
        board = leader_dashboard(year=world.year, at=timezone.now())

    entry = next(e for e in board.calendar if e.deadline.pk == deadline.pk)
    assert (entry.expected, entry.done, entry.late) == (4, 3, 1)
    late = [t for t in board.todos if t.code == "late_reports" and t.due == deadline.due_at]
    assert [(t.units, [r.label for r in t.rows]) for t in late] == [([idle], ["Not submitted"])]


def test_a_units_to_do_list_counts_registrations_as_answers(world, covenant):
    deadline, idle = covenant
    due = deadline.due_at

    def state(unit):
        (found,) = [o for o in unit_obligations(world.year, unit) if o.deadline == deadline]
        return (found.state, found.answered_at, found.extended_until, found.answer.via if found.answer else None)

    assert [state(u) for u in (world.member_unit, world.deputy_unit, world.leader_unit, idle)] == [
        (State.ON_TIME, due - DAY, None, REGISTRATION),
        (State.LATE, due + DAY, None, REGISTRATION),
        (State.ON_TIME, due + DAY, due + 2 * DAY, REGISTRATION),  # within its extension
        (State.MISSING, None, None, None),
    ]


def test_the_reminders_skip_units_that_registered(world, covenant):
    deadline, idle = covenant

    due = reminders_due(now=deadline.due_at + DAY)

    assert [(d.pk, u.pk) for d, u, _offset in due] == [(deadline.pk, idle.pk)]


def test_reports_on_the_board_and_in_the_summary_follow_the_same_rule(world, covenant):
    """The board's drill-down and the summary's statistics count the year-end and summary reports only (the
    covenant is not a report there), by the first answer: a report sent on time, returned and sent again late
    stays on time; a unit that sent nothing is missing; the leader's dashboard agrees."""
    _covenant, idle = covenant
    now = timezone.now()
    report = DeadlineFactory(
        year=world.year, kind=DeadlineKind.YEAR_REPORT, opens_at=now - 40 * DAY, due_at=now - 2 * DAY
    )
    first = submit(report, world.member_unit, world.member, at=report.due_at - DAY)
    services.submission_return(submission=first.submission, note="Bổ sung số liệu", by=world.leader)
    submit(report, world.member_unit, world.member, at=report.due_at + DAY)
    submit(report, world.deputy_unit, world.deputy, at=report.due_at + DAY)

    drill = members_of_years([world.year], now=now)[world.year.pk]
    columns = report_columns(world.year, [r.unit for r in drill.rows], now=now)
    board = leader_dashboard(year=world.year, at=now)

    assert [d.pk for d in drill.deadlines] == [report.pk]
    cells = {row.unit.pk: row.reports[0] for row in drill.rows}
    assert cells[world.member_unit.pk].status == ReportStatus.ON_TIME
    assert cells[world.member_unit.pk].sent_at == report.due_at - DAY
    assert cells[world.deputy_unit.pk].status == ReportStatus.LATE
    assert cells[world.leader_unit.pk].status == cells[idle.pk].status == ReportStatus.MISSING
    assert [c.deadline.pk for c in columns] == [report.pk]
    states = {pk: cell.state for pk, cell in columns[0].cells.items()}
    assert states == {
        world.member_unit.pk: "on_time",
        world.deputy_unit.pk: "late",
        world.leader_unit.pk: "missing",
        idle.pk: "missing",
    }
    entry = next(e for e in board.calendar if e.deadline.pk == report.pk)
    assert (entry.expected, entry.done, entry.late) == (4, 2, 1)
    units = (world.member_unit, world.deputy_unit, world.leader_unit, idle)
    to_do = {
        u.pk: next(o.state for o in unit_obligations(world.year, u, now=now) if o.deadline == report) for u in units
    }
    assert to_do == {
        world.member_unit.pk: State.ON_TIME,
        world.deputy_unit.pk: State.LATE,
        world.leader_unit.pk: State.MISSING,
        idle.pk: State.MISSING,
    }


@pytest.mark.parametrize("units", [3, 20])
def test_matrix_queries_with_a_covenant(world, client_as, django_assert_num_queries, units):
    members = [world.leader_unit, world.deputy_unit, world.member_unit, *add_members(world, units - 3)]
    now = timezone.now()
    deadline = DeadlineFactory(year=world.year, kind=DeadlineKind.COVENANT, due_at=now - DAY)
    report = DeadlineFactory(year=world.year, kind=DeadlineKind.YEAR_REPORT)
    for k, unit in enumerate(members):
        submit(report, unit, unit.officers.select_related("user").first().user)
        if k % 2:
            register(world.year, unit, now - 2 * DAY, now)
        Extension.objects.create(deadline=deadline, unit=unit, due_at=now + DAY, reason="Sáp nhập")
    client = client_as(world.leader)

    # test_matrix_queries' 13, less the following year's (no deadline for the next leader here), and one more:
    # the covenant registrations.
    with django_assert_num_queries(13):
        response = client.get(MATRIX_URL)

    assert len(response.context["rows"]) == units
    assert sum(c.registered for row in response.context["rows"] for _d, c in row["cells"] if c) == units // 2
