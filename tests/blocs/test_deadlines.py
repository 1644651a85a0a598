"""When a deadline closes for a unit (blocs.deadlines, the one rule for reports and sheets): the due date, or the
extension's, plus the bloc's grace period (a bloc setting with a per-year override, its default from the
settings); no grace for sheets in a bloc that refuses late self-assessments."""

import datetime

import pytest
from django.conf import settings

from blocs import deadlines
from blocs.enums import DeadlineKind
from tests.factories import DeadlineFactory

DAY = datetime.timedelta(days=1)
DUE = datetime.datetime(2020, 10, 20, 17, 0, tzinfo=datetime.UTC)


@pytest.fixture
def report(world):
    return DeadlineFactory(year=world.year, kind=DeadlineKind.YEAR_REPORT, opens_at=DUE - 30 * DAY, due_at=DUE)


@pytest.fixture
def sheets(world):
    return DeadlineFactory(year=world.year, kind=DeadlineKind.SELF_ASSESSMENT, opens_at=DUE - 30 * DAY, due_at=DUE)


def test_the_default_grace_period_comes_from_the_settings(world, report, sheets):
    assert settings.BLOC_SETTING_DEFAULTS["late_submission_grace_days"] == 7
    assert "late_submission_grace_days" not in world.bloc.settings

    assert deadlines.closes_at(report) == DUE + 7 * DAY
    assert deadlines.closes_at(sheets) == DUE + 7 * DAY  # the same rule for sheets and reports


def test_each_bloc_sets_its_grace_period_and_a_year_may_override_it(world, report):
    world.bloc.settings = {**world.bloc.settings, "late_submission_grace_days": 3}
    world.bloc.save()
    assert deadlines.closes_at(report) == DUE + 3 * DAY

    world.year.settings_override = {"late_submission_grace_days": 0}
    world.year.save()
    assert deadlines.closes_at(report) == DUE


def test_an_extension_moves_the_closing_with_it(report):
    assert deadlines.closes_at(report, extension_until=DUE + 10 * DAY) == DUE + 17 * DAY


def test_a_bloc_that_refuses_late_sheets_closes_them_at_the_due_date_only(world, report, sheets):
    world.bloc.settings = {**world.bloc.settings, "late_self_assessment": "closed"}
    world.bloc.save()

    assert deadlines.closes_at(sheets) == DUE
    assert deadlines.closes_at(sheets, extension_until=DUE + 2 * DAY) == DUE + 2 * DAY
    assert deadlines.closes_at(report) == DUE + 7 * DAY  # reports keep their grace


@pytest.mark.parametrize(
    ("after", "closed"),
    [(7 * DAY, False), (7 * DAY + datetime.timedelta(seconds=1), True), (-DAY, False)],
)
def test_the_closing_minute_still_takes_an_answer(report, after, closed):
    assert deadlines.is_closed(report, at=DUE + after) is closed
