"""A self-assessment sheet closes as a report does (blocs.deadlines): after its due date it is taken, marked late,
for the bloc's grace period, then refused with the date it closed and the leader's way to extend it; the leader
extends it for one unit with an entry of the calendar for that unit alone. A correction the reviewer asked for is
never refused."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from blocs.enums import Audience, DeadlineKind
from scoring import services
from scoring.enums import SheetStatus
from scoring.models import Evidence, Sheet, SheetVersion
from tests.factories import DeadlineFactory

from .helpers import P, entries_of, fill, fill_and_submit, fresh, pdf, submit, vi
from .test_sheet_service import MY_SHEET, actions
from .test_views import shows, typed_sheet

DAY = datetime.timedelta(days=1)
FULL = P(i1=18, i2=36, ii1=36)
CLOSED = (
    "The self-assessment closed on %(date)s (late sheets are taken only during the bloc's grace period after the due "
    "date); the leader unit can extend it for your unit."
)


def closed_on(moment: datetime.datetime) -> str:
    return vi(CLOSED) % {"date": timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")}


def nothing_sent(w) -> tuple:
    sheet = Sheet.objects.get(year=w.year, unit=w.member_unit)
    return (sheet.status, sheet.submitted_at, SheetVersion.objects.count())


def test_a_late_sheet_is_taken_and_marked_late_for_the_grace_period(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, FULL)

    version = submit(sheet, at=w.deadline.due_at + 7 * DAY)  # the closing minute

    assert (sheet.status, sheet.is_late, version.is_late) == (SheetStatus.SUBMITTED, True, True)


def test_after_the_grace_period_the_sheet_is_refused_with_the_date_it_closed(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, FULL)

    with pytest.raises(ValidationError) as refused:
        submit(sheet, at=w.deadline.due_at + 7 * DAY + datetime.timedelta(minutes=1))

    assert refused.value.messages == [closed_on(w.deadline.due_at + 7 * DAY)]
    assert nothing_sent(w) == (SheetStatus.DRAFT, None, 0)


def test_the_grace_period_is_the_blocs_setting(scored_world):
    w = scored_world
    w.bloc.settings = {**w.bloc.settings, "late_submission_grace_days": 2}
    w.bloc.save()
    sheet = fill(w.year, w.member_unit, FULL)

    with pytest.raises(ValidationError) as refused:
        submit(sheet, at=w.deadline.due_at + 3 * DAY)

    assert refused.value.messages == [closed_on(w.deadline.due_at + 2 * DAY)]


def test_the_leaders_extension_for_one_unit_reopens_its_sheet(scored_world):
    """The extension is an entry of the calendar for that unit alone: its due date, and the grace after it."""
    w = scored_world
    after_close = w.deadline.due_at + 10 * DAY
    own = DeadlineFactory(
        year=w.year,
        kind=DeadlineKind.SELF_ASSESSMENT,
        audience=Audience.UNIT,
        unit=w.member_unit,
        opens_at=w.deadline.opens_at,
        due_at=w.deadline.due_at + 12 * DAY,
    )
    sheet = fill(w.year, w.member_unit, FULL)
    other = fill(w.year, w.deputy_unit, FULL)

    version = submit(sheet, at=after_close)

    assert (sheet.status, version.is_late) == (SheetStatus.SUBMITTED, False)  # on time against its own due date
    with pytest.raises(ValidationError):
        submit(other, at=after_close)  # the others are not extended
    assert SheetVersion.objects.filter(sheet=other).count() == 0

    third = fill(w.year, w.leader_unit, FULL)
    DeadlineFactory(
        year=w.year,
        kind=DeadlineKind.SELF_ASSESSMENT,
        audience=Audience.UNIT,
        unit=w.leader_unit,
        opens_at=w.deadline.opens_at,
        due_at=own.due_at,
    )
    with pytest.raises(ValidationError) as refused:
        submit(third, at=own.due_at + 7 * DAY + datetime.timedelta(minutes=1))  # its extension closes too
    assert refused.value.messages == [closed_on(own.due_at + 7 * DAY)]


def test_a_returned_sheet_is_sent_again_after_the_close(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, FULL)
    services.sheet_return(sheet=sheet, note="Bổ sung minh chứng.", by=w.leader)
    fill(w.year, w.member_unit, P(i1=17, i2=36, ii1=36))
    sheet.refresh_from_db()

    version = submit(sheet, at=w.deadline.due_at + 30 * DAY)

    assert (version.number, version.is_late, sheet.status) == (2, False, SheetStatus.SUBMITTED)


def test_a_bloc_that_refuses_late_sheets_keeps_its_rule(scored_world):
    w = scored_world
    w.bloc.settings = {**w.bloc.settings, "late_self_assessment": "closed"}
    w.bloc.save()
    sheet = fill(w.year, w.member_unit, FULL)

    with pytest.raises(ValidationError) as refused:
        submit(sheet, at=w.deadline.due_at + datetime.timedelta(minutes=1))

    assert refused.value.messages == [
        vi("The self-assessment deadline has passed and this bloc accepts no late sheets.")
    ]


# --- through the sheet page's service and the page -----------------------------------------------------------


def _closed_deadline(w) -> datetime.datetime:
    """The members' self-assessment due ten days ago: closed three days ago."""
    now = timezone.now()
    w.deadline.opens_at, w.deadline.due_at = now - 30 * DAY, now - 10 * DAY
    w.deadline.save()
    return w.deadline.due_at + 7 * DAY


def test_a_sending_refused_after_the_close_keeps_the_draft(scored_world):
    w = scored_world
    closed = _closed_deadline(w)

    unsaved = Sheet(year=fresh(w.year), unit=w.member_unit)

    with pytest.raises(services.NotSent) as refused:
        services.sheet_save_or_send(
            sheet=unsaved,
            entries=entries_of(w.year, FULL, "Theo báo cáo tổng kết năm."),
            files={w.c["I.1"].pk: [pdf()]},
            expected_version=unsaved.version,
            send=True,
            by=w.member,
        )

    assert refused.value.messages == [closed_on(closed)]
    assert nothing_sent(w) == (SheetStatus.DRAFT, None, 0)
    assert (Evidence.objects.count(), actions()) == (1, ["scoring.sheet.saved"])


def test_the_page_says_the_sheet_closed_and_the_leader_can_extend_it(scored_world, client_as):
    w = scored_world
    closed = _closed_deadline(w)
    data = {**typed_sheet(w, 1), "action": "submit"}

    response = client_as(w.member).post(MY_SHEET, {**data, f"evidence_{w.c['I.1'].pk}": pdf()})

    assert response.status_code == 400
    assert shows(response, closed_on(closed))
    assert nothing_sent(w) == (SheetStatus.DRAFT, None, 0)

    DeadlineFactory(
        year=w.year,
        kind=DeadlineKind.SELF_ASSESSMENT,
        audience=Audience.UNIT,
        unit=w.member_unit,
        opens_at=w.deadline.opens_at,
        due_at=timezone.now() + DAY,
    )
    sheet = Sheet.objects.get(year=w.year, unit=w.member_unit)

    response = client_as(w.member).post(MY_SHEET, {**typed_sheet(w, sheet.version), "action": "submit"})

    assert response.status_code == 302
    assert Sheet.objects.get(pk=sheet.pk).status == SheetStatus.SUBMITTED
