"""One rule for closing and lateness (blocs.deadlines, reports.obligations), as the leader's matrix and a unit's page
show it: a report closes after the bloc's grace period unless the leader extends it; a late file stays late once
accepted or returned (the first version decides) and the "late or missing" filter keeps exactly the late and the
overdue; an extension shows its new date; the dossiers' deadline is answered by the leader unit sending every
proposal's dossier to the board."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from awards.enums import BallotKind, BallotStatus, Eligibility, ProposalStatus
from awards.models import AwardKind, Ballot, Proposal
from blocs import deadlines as closing
from blocs.enums import Audience, DeadlineKind
from reports.models import Extension
from reports.obligations import DOSSIERS, FILE, State, answers, unit_obligations
from reports.selectors import submission_grid
from reports.services import submissions as services
from tests.factories import DeadlineFactory

from .test_submissions import MATRIX_URL, PAGE, add_members, submit, upload, vi

DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


def overdue_report(world, *, days: int = 2, title: str = "Báo cáo tổng kết năm 2020"):
    now = timezone.now()
    return DeadlineFactory(
        year=world.year, kind=DeadlineKind.YEAR_REPORT, title=title, opens_at=now - 30 * DAY, due_at=now - days * DAY
    )


def cells(response) -> dict[tuple[int, int], object]:
    return {(row["unit"].pk, d.pk): cell for row in response.context["rows"] for d, cell in row["cells"] if cell}


# --- closing: one rule --------------------------------------------------------------------------------------


def test_a_report_closes_after_the_blocs_grace_period_unless_extended(world):
    world.bloc.settings = {**world.bloc.settings, "late_submission_grace_days": 2}
    world.bloc.save()
    report = overdue_report(world, days=3)
    closed = report.due_at + 2 * DAY

    with pytest.raises(ValidationError) as refused:
        submit(report, world.member_unit, world.member)

    assert refused.value.messages == [
        vi("This deadline closed on %(date)s; ask the leader unit for an extension.")
        % {"date": timezone.localtime(closed).strftime("%d/%m/%Y %H:%M")}
    ]
    services.extension_grant(
        deadline=report, unit=world.member_unit, due_at=report.due_at + 2 * DAY, reason="Sáp nhập", by=world.leader
    )
    version = submit(report, world.member_unit, world.member)  # within its extension's grace
    assert version.late_seconds > 0  # late against its extension's due date


def test_the_grid_the_obligation_and_the_service_close_at_the_same_moment(world):
    report = overdue_report(world, days=3)
    Extension.objects.create(deadline=report, unit=world.member_unit, due_at=report.due_at + DAY, reason="Ốm")

    grid = submission_grid(world.year)

    for unit, extended in ((world.member_unit, report.due_at + DAY), (world.deputy_unit, None)):
        cell = grid.cell(report, unit)
        expected = closing.closes_at(report, extension_until=extended)
        assert cell.closes == cell.obligation.closes == services.closes_at(report, unit) == expected
    assert grid.cell(report, world.member_unit).closes == report.due_at + 8 * DAY


def test_a_self_assessment_is_not_extended_by_a_report_extension(world):
    sheets = DeadlineFactory(year=world.year, kind=DeadlineKind.SELF_ASSESSMENT)

    with pytest.raises(ValidationError):
        services.extension_grant(
            deadline=sheets, unit=world.member_unit, due_at=sheets.due_at + DAY, reason="Ốm", by=world.leader
        )

    assert not Extension.objects.exists()


# --- the matrix: late files shown late ------------------------------------------------------------------------


@pytest.fixture
def late_files(world):
    """A report due two days ago: the member unit sent a day late and the leader accepted it; the deputy sent a day
    late and the leader returned it; the leader unit sent on time, was returned and sent again late (its first
    version decides: on time)."""
    report = overdue_report(world)
    accepted = submit(report, world.member_unit, world.member, at=report.due_at + DAY)
    services.submission_accept(submission=accepted.submission, by=world.leader)
    returned = submit(report, world.deputy_unit, world.deputy, at=report.due_at + DAY)
    services.submission_return(submission=returned.submission, note="Bổ sung số liệu.", by=world.leader)
    first = submit(report, world.leader_unit, world.leader, at=report.due_at - HOUR)
    services.submission_return(submission=first.submission, note="Sửa mục II.", by=world.leader)
    submit(report, world.leader_unit, world.leader, at=report.due_at + DAY)
    return report


def test_a_late_file_stays_late_once_accepted_or_returned(world, late_files, client_as):
    report = late_files
    late_by_one_day = vi("Late by %(n)d day", "report status") % {"n": 1}

    response = client_as(world.leader).get(MATRIX_URL)

    got = {unit: (c.code, c.late, c.late_badge) for (unit, _d), c in cells(response).items() if c.deadline == report}
    assert got == {
        world.member_unit.pk: ("accepted", True, late_by_one_day),
        world.deputy_unit.pk: ("returned", True, late_by_one_day),
        world.leader_unit.pk: ("submitted", False, ""),
    }
    html = response.content.decode()
    assert html.count('data-late="1"') == 2
    assert escape(late_by_one_day) in html
    page = client_as(world.member).get(PAGE).content.decode()
    assert escape(vi("Accepted", "report status")) in page and escape(late_by_one_day) in page


def test_the_late_filter_keeps_exactly_the_late_and_the_overdue(world, late_files, client_as):
    """Late: the member (accepted) and the deputy (returned); on time: the leader unit. With a second report the
    leader unit has not sent by its due date it is overdue; a third, not due yet, makes nobody late."""
    late = client_as(world.leader).get(MATRIX_URL + "?late=1")
    assert sorted(r["unit"].pk for r in late.context["rows"]) == sorted([world.member_unit.pk, world.deputy_unit.pk])

    missed = overdue_report(world, days=1, title="Báo cáo chuyên đề")
    for unit, user in ((world.member_unit, world.member), (world.deputy_unit, world.deputy)):
        submit(missed, unit, user, at=missed.due_at - HOUR)
    DeadlineFactory(year=world.year, kind=DeadlineKind.SUMMARY_REPORT)  # due in ten days, nothing sent

    late = client_as(world.leader).get(MATRIX_URL + "?late=1")

    assert len(late.context["rows"]) == 3
    flagged = {key for key, c in cells(late).items() if c.late_or_missing}
    assert flagged == {
        (world.member_unit.pk, late_files.pk),
        (world.deputy_unit.pk, late_files.pk),
        (world.leader_unit.pk, missed.pk),
    }


def test_an_extension_shows_its_new_date_and_is_not_late(world, client_as):
    report = overdue_report(world)
    new_date = timezone.now() + 3 * DAY
    services.extension_grant(deadline=report, unit=world.member_unit, due_at=new_date, reason="Lũ lụt", by=world.leader)

    response = client_as(world.leader).get(MATRIX_URL)
    late = client_as(world.leader).get(MATRIX_URL + "?late=1")

    cell = cells(response)[(world.member_unit.pk, report.pk)]
    label = vi("Extended to %(date)s", "report status") % {"date": timezone.localtime(new_date).strftime("%d/%m/%Y")}
    assert (cell.code, cell.obligation.state, cell.label) == ("extended", State.EXTENDED, label)
    assert escape(label) in response.content.decode()
    assert {r["unit"].pk for r in late.context["rows"]} == {world.deputy_unit.pk, world.leader_unit.pk}  # overdue


# --- the dossiers' deadline -----------------------------------------------------------------------------------


@pytest.fixture
def dossiers(world):
    """The leader unit's dossiers' deadline, due two days ago, and two proposals of the year (a Flag, a Certificate
    of Merit), still in preparation."""
    now = timezone.now()
    deadline = DeadlineFactory(
        year=world.year,
        kind=DeadlineKind.AWARD_DOSSIER,
        audience=Audience.LEADER,
        title="Hồ sơ đề nghị khen thưởng",
        opens_at=now - 20 * DAY,
        due_at=now - 2 * DAY,
    )
    proposals = []
    for n, unit in enumerate((world.member_unit, world.deputy_unit)):
        kind = AwardKind.objects.create(
            year=world.year, code=f"k{n}", name=f"Khen thưởng {n}", quota=1, eligibility=Eligibility.ANY_MEMBER
        )
        ballot = Ballot.objects.create(
            year=world.year,
            kind=BallotKind.AWARD,
            award_kind=kind,
            round=1,
            status=BallotStatus.PUBLISHED,
            quota=1,
            threshold_percent=Decimal("50"),
            quorum_percent=Decimal("67"),
        )
        proposals.append(Proposal.objects.create(award_kind=kind, unit=unit, ballot=ballot, votes=3))
    return deadline, proposals


def send_dossiers(proposals, *at: datetime.datetime) -> None:
    for proposal, when in zip(proposals, at, strict=False):
        Proposal.objects.filter(pk=proposal.pk).update(status=ProposalStatus.SUBMITTED, submitted_at=when)


def test_the_leader_that_sent_every_dossier_has_answered(world, dossiers, client_as, django_assert_num_queries):
    deadline, proposals = dossiers
    send_dossiers(proposals, deadline.due_at - 3 * DAY, deadline.due_at - DAY)

    with django_assert_num_queries(3):  # files, proposals, extensions
        found = answers([deadline])

    answer = found[deadline.pk, world.leader_unit.pk]
    assert (answer.via, answer.at, answer.late) == (DOSSIERS, deadline.due_at - DAY, False)  # the last one sent
    assert list(found) == [(deadline.pk, world.leader_unit.pk)]
    (own,) = [o for o in unit_obligations(world.year, world.leader_unit) if o.deadline == deadline]
    assert (own.state, own.url_name) == (State.ON_TIME, "awards:proposals")

    page = client_as(world.leader).get(PAGE)
    (row,) = page.context["rows"]
    assert (row["cell"].code, row["cell"].label) == ("dossiers", vi("Dossiers sent to the board", "report status"))
    html = page.content.decode()
    assert reverse("awards:proposals", kwargs={"slug": "ktdnc", "year": 2020}) in html
    assert escape(vi("Not submitted", "report status")) not in html
    assert "deadline-overdue" not in html
    matrix = cells(client_as(world.leader).get(MATRIX_URL))
    assert matrix[(world.leader_unit.pk, deadline.pk)].code == "dossiers"


def test_a_dossier_still_in_preparation_leaves_the_deadline_unanswered(world, dossiers):
    deadline, proposals = dossiers
    send_dossiers(proposals[:1], deadline.due_at - DAY)

    (own,) = [o for o in unit_obligations(world.year, world.leader_unit) if o.deadline == deadline]

    assert (own.state, own.answer) == (State.MISSING, None)


def test_dossiers_sent_after_the_due_date_are_late(world, dossiers):
    deadline, proposals = dossiers
    send_dossiers(proposals, deadline.due_at - DAY, deadline.due_at + 5 * HOUR)

    (own,) = [o for o in unit_obligations(world.year, world.leader_unit) if o.deadline == deadline]
    grid = submission_grid(world.year)

    assert (own.state, own.late_seconds) == (State.LATE, 5 * 3600)
    cell = grid.cell(deadline, world.leader_unit)
    assert (cell.code, cell.late) == ("dossiers_late", True)


def test_a_file_sent_before_the_dossiers_is_the_answer(world, dossiers):
    deadline, proposals = dossiers
    submit(deadline, world.leader_unit, world.leader, at=deadline.due_at - 2 * DAY)
    send_dossiers(proposals, deadline.due_at - DAY, deadline.due_at - DAY)

    answer = answers([deadline])[deadline.pk, world.leader_unit.pk]

    assert (answer.via, answer.at) == (FILE, deadline.due_at - 2 * DAY)


def test_without_proposals_the_dossiers_answer_nothing(world, dossiers):
    deadline, _proposals = dossiers
    Proposal.objects.all().delete()

    assert answers([deadline]) == {}


# --- the matrix costs the same at any size ----------------------------------------------------------------------


@pytest.mark.parametrize("units", [3, 12])
def test_matrix_queries_with_late_files_extensions_and_dossiers(
    world, dossiers, client_as, django_assert_num_queries, units
):
    deadline, proposals = dossiers
    send_dossiers(proposals, deadline.due_at - DAY, deadline.due_at + HOUR)
    members = [world.leader_unit, world.deputy_unit, world.member_unit, *add_members(world, units - 3)]
    report = overdue_report(world)
    for k, unit in enumerate(members):
        officer = unit.officers.select_related("user").first().user
        version = services.submission_upload(
            deadline=report, unit=unit, upload=upload(), by=officer, at=report.due_at + (k % 2) * DAY
        )
        if k % 3 == 0:
            services.submission_accept(submission=version.submission, by=world.leader)
        Extension.objects.create(deadline=deadline, unit=unit, due_at=deadline.due_at + DAY, reason="…")
    client = client_as(world.leader)

    with django_assert_num_queries(13):
        response = client.get(MATRIX_URL + "?late=1")

    assert response.status_code == 200
