"""The one definition of a self-assessment sheet's status words and badges (scoring.wording), and its readers:
the scoring pages' badges, the review list and the board's members table say the same."""

import datetime

import pytest
from django.utils import timezone, translation

from dashboards.selectors.board import members_of_years
from scoring import wording
from scoring.enums import SheetStatus
from scoring.models import Sheet
from scoring.selectors import review_list

from .helpers import P, fill, fill_and_submit, submit


def _sheet(status: str, *, late: bool = False) -> Sheet:
    sent = None if status == SheetStatus.DRAFT else timezone.now()
    return Sheet(pk=1, status=status, is_late=late, submitted_at=sent)


@pytest.mark.parametrize(
    ("sheet", "status", "label", "badges"),
    [
        (None, "not_started", "Not started", [("not_started", "secondary", "Not started")]),
        (Sheet(), "not_started", "Not started", [("not_started", "secondary", "Not started")]),  # unsaved
        (_sheet(SheetStatus.DRAFT), "draft", "Draft", [("draft", "secondary", "Draft")]),
        (_sheet(SheetStatus.SUBMITTED), "submitted", "Submitted", [("submitted", "primary", "Submitted")]),
        (
            _sheet(SheetStatus.SUBMITTED, late=True),
            "late",
            "Submitted late",
            [("submitted", "primary", "Submitted"), ("late", "danger", "Submitted late")],
        ),
        (
            _sheet(SheetStatus.REVIEWED, late=True),
            "reviewed",  # reviewed: no longer waiting, yet its badge still says it came late
            "Reviewed",
            [("reviewed", "primary", "Reviewed"), ("late", "danger", "Submitted late")],
        ),
        (
            _sheet(SheetStatus.RETURNED),
            "returned",
            "Returned for correction",
            [("returned", "warning", "Returned for correction")],
        ),
        (_sheet(SheetStatus.FINAL), "final", "Final", [("final", "success", "Final")]),
    ],
)
def test_each_status_in_words_and_badges(sheet, status, label, badges):
    with translation.override("en"):
        got = (
            wording.sheet_status(sheet),
            wording.status_label(wording.sheet_status(sheet)),
            [(b.status, b.css, b.label) for b in wording.sheet_badges(sheet)],
        )

    assert got == (status, label, badges)


def test_every_status_has_words_and_a_colour():
    statuses = {wording.NOT_STARTED, wording.LATE, *SheetStatus.values}
    assert (set(wording.LABELS), set(wording.BADGES)) == (statuses, statuses)


def test_the_review_list_and_the_board_say_the_same(scored_world):
    w = scored_world
    fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    late = fill(w.year, w.leader_unit, P(i1=18, i2=36, ii1=36))
    submit(late, at=w.deadline.due_at + datetime.timedelta(hours=1))

    with translation.override("vi"):
        review = {row.unit: (row.status, row.status_label) for row in review_list(w.year)}
        board = {row.unit: (row.sheet_status, row.sheet_label) for row in members_of_years([w.year])[w.year.pk].rows}
        expected = {
            w.member_unit: ("submitted", str(SheetStatus.SUBMITTED.label)),
            w.leader_unit: ("late", str(wording.LABELS[wording.LATE])),
            w.deputy_unit: ("not_started", str(wording.LABELS[wording.NOT_STARTED])),
        }

    assert review == board == expected
