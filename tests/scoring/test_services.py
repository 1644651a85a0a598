"""Services and selectors of the scoring app: totals, caps, tie-breaks, classes, versions, history, locks,
review rights, publication, the frozen table, notifications, and the demo year."""

import datetime
import io
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from blocs import demo as blocs_demo
from blocs.models import EmulationYear, Unit
from core.models import AuditLog, Notification
from core.permissions import can
from scoring import demo as scoring_demo
from scoring import excel, services
from scoring.enums import ScoreField, SheetStatus
from scoring.models import CriteriaTable, Criterion, Evidence, Score, ScoreChange, Sheet, SheetVersion
from scoring.selectors import criteria_tree, ranking_for_year, ranking_queryset, sheet_totals, table_is_frozen
from tests.factories import EmulationYearFactory, officer_of

from .helpers import (
    TABLE,
    P,
    add_members,
    entries_of,
    fill,
    fill_and_submit,
    fresh,
    make_table,
    officer,
    pdf,
    review,
    submit,
)
from .test_excel import xlsx

D = Decimal


def ranks(year) -> list[tuple[Unit, int, Decimal]]:
    return [(row.unit, row.rank, row.reviewed_total) for row in ranking_for_year(fresh(year))]


def set_bloc(world, **values) -> None:
    world.bloc.settings = {**world.bloc.settings, **values}
    world.bloc.save()


# --- totals, caps, tie-breaks, classification ---------------------------------------------------------


def test_total_is_standard_plus_bonus_minus_deductions(scored_world):
    w = scored_world
    fill_and_submit(w.year, w.member_unit, P(i1=18, i2=35.5, ii1=30, iii1=2, iv1=1))

    [row] = ranking_for_year(fresh(w.year))

    assert (row.standard, row.bonus, row.deductions, row.first_group_total, row.self_total, row.reviewed_total) == (
        D("83.50"),
        D("2.00"),
        D("1.00"),
        D("53.50"),
        D("84.50"),
        D("84.50"),
    )


def test_bonus_over_its_cap_is_capped(scored_world):
    w = scored_world
    set_bloc(w, bonus_cap=3)
    fill_and_submit(w.year, w.member_unit, P(i1=20, i2=40, ii1=30, iii1=5))

    [row] = ranking_for_year(fresh(w.year))

    assert (row.bonus, row.self_total, row.reviewed_total) == (D("3.00"), D("93.00"), D("93.00"))


def test_deductions_beyond_the_deduction_cap_are_capped(scored_world):
    w = scored_world
    set_bloc(w, deduction_cap=4)
    fill_and_submit(w.year, w.member_unit, P(i1=20, i2=40, ii1=30, iv1=10))

    [row] = ranking_for_year(fresh(w.year))

    assert (row.deductions, row.reviewed_total) == (D("4.00"), D("86.00"))


def test_the_sheet_totals_apply_the_same_caps(scored_world):
    w = scored_world
    c = w.c
    typed = {c["I.1"].pk: D("20"), c["I.2"].pk: D("39.5"), c["II.1"].pk: D("40"), c["III.1"].pk: D("5")}
    typed[c["IV.1"].pk] = D("7")

    totals = sheet_totals(criteria_tree(w.table), typed, bonus_cap=2.5, deduction_cap=4)

    assert totals == {
        "groups": {c["I"].pk: D("59.5"), c["II"].pk: D("40"), c["III"].pk: D("5"), c["IV"].pk: D("7")},
        "standard": D("99.5"),
        "bonus": D("2.5"),
        "bonus_raw": D("5"),
        "deductions": D("4"),
        "deductions_raw": D("7"),
        "total": D("98.0"),
    }


def test_equal_totals_rank_the_higher_group_one_first(scored_world):
    w = scored_world
    fill_and_submit(w.year, w.member_unit, P(i1=15, i2=35, ii1=40))  # 90, group I 50
    fill_and_submit(w.year, w.deputy_unit, P(i1=20, i2=40, ii1=30))  # 90, group I 60

    assert ranks(w.year) == [(w.deputy_unit, 1, D("90.00")), (w.member_unit, 2, D("90.00"))]


def test_equal_group_one_ranks_fewer_deductions_first(scored_world):
    w = scored_world
    fill_and_submit(w.year, w.member_unit, P(i1=15, i2=40, ii1=35, iii1=5, iv1=5))  # 90, group I 55, −5
    fill_and_submit(w.year, w.deputy_unit, P(i1=15, i2=40, ii1=35))  # 90, group I 55, −0

    assert ranks(w.year) == [(w.deputy_unit, 1, D("90.00")), (w.member_unit, 2, D("90.00"))]


def test_a_tie_that_remains_shares_the_rank(scored_world):
    w = scored_world
    for unit in (w.leader_unit, w.member_unit):
        fill_and_submit(w.year, unit, P(i1=18, i2=36, ii1=36, iv1=1))
    fill_and_submit(w.year, w.deputy_unit, P(i1=18, i2=36, ii1=35, iv1=1))

    rows = ranking_for_year(fresh(w.year))

    assert [row.rank for row in rows] == [1, 1, 3]
    assert {row.unit: row.rank for row in rows} == {w.leader_unit: 1, w.member_unit: 1, w.deputy_unit: 3}


def test_tie_break_order_follows_the_bloc_setting(scored_world):
    w = scored_world
    set_bloc(w, tie_break_order=["fewer_deductions", "group_first"])
    fill_and_submit(w.year, w.member_unit, P(i1=20, i2=40, ii1=35, iii1=5, iv1=10))  # 90, group I 60, −10
    fill_and_submit(w.year, w.deputy_unit, P(i1=15, i2=40, ii1=35))  # 90, group I 55, −0

    assert ranks(w.year) == [(w.deputy_unit, 1, D("90.00")), (w.member_unit, 2, D("90.00"))]


def test_classification_follows_the_default_bands(scored_world):
    w = scored_world
    fill_and_submit(w.year, w.leader_unit, P(i1=20, i2=40, ii1=30))  # 90
    fill_and_submit(w.year, w.deputy_unit, P(i1=15, i2=30, ii1=29.99))  # 74.99
    fill_and_submit(w.year, w.member_unit, P(i1=10, i2=20, ii1=29))  # 59

    got = [(row.unit, row.classification) for row in ranking_for_year(fresh(w.year))]

    assert got == [(w.leader_unit, "Xuất sắc"), (w.deputy_unit, "Khá"), (w.member_unit, "Không hoàn thành")]


def test_classification_follows_bands_changed_in_the_bloc_settings(scored_world):
    w = scored_world
    set_bloc(
        w,
        classification_bands=[
            {"label": "Xuất sắc", "min": 95},
            {"label": "Tốt", "min": 85.5},
            {"label": "Khá", "min": 50},
            {"label": "Không hoàn thành", "min": 0},
        ],
    )
    fill_and_submit(w.year, w.leader_unit, P(i1=20, i2=40, ii1=30))  # 90
    fill_and_submit(w.year, w.deputy_unit, P(i1=20, i2=30, ii1=35.5))  # 85.5
    fill_and_submit(w.year, w.member_unit, P(i1=10, i2=20, ii1=29))  # 59

    got = [(row.unit, row.classification) for row in ranking_for_year(fresh(w.year))]

    assert got == [(w.leader_unit, "Tốt"), (w.deputy_unit, "Tốt"), (w.member_unit, "Khá")]


@pytest.mark.parametrize("n", [3, 20])
def test_the_ranking_is_one_query(scored_world, django_assert_num_queries, n):
    w = scored_world
    units = [w.leader_unit, w.deputy_unit, w.member_unit, *add_members(w, n - 3)]
    for i, unit in enumerate(units):
        fill_and_submit(w.year, unit, P(i1=10 + i % 10, i2=30, ii1=30, iii1=i % 3, iv1=i % 2))
    year = fresh(w.year)

    with django_assert_num_queries(1):
        rows = list(ranking_queryset(year))

    assert len(rows) == n


def test_only_submitted_sheets_are_ranked(scored_world):
    w = scored_world
    fill(w.year, w.member_unit, P(i1=20, i2=40, ii1=40))
    fill_and_submit(w.year, w.deputy_unit, P(i1=10, i2=20, ii1=20))

    assert ranks(w.year) == [(w.deputy_unit, 1, D("50.00"))]


def test_a_reviewed_value_replaces_the_units_own(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    review(sheet, P(i1=16), by=w.leader, reason="Còn 01 chỉ tiêu chưa đạt.")

    [row] = ranking_for_year(fresh(w.year))

    assert (row.self_total, row.reviewed_total) == (D("90.00"), D("88.00"))


# --- versions and returns -----------------------------------------------------------------------------


def test_return_and_resubmit_keeps_each_version(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36), text="Lần đầu")
    v1 = SheetVersion.objects.get(sheet=sheet, number=1)
    v1_before = (v1.self_total, v1.snapshot, v1.is_late)

    services.sheet_return(sheet=sheet, note="Bổ sung minh chứng cho tiêu chí I.1.", by=w.leader)
    sheet.refresh_from_db()
    returned = (sheet.status, sheet.return_note)
    fill(w.year, w.member_unit, P(i1=17, i2=36, ii1=36), text="Đã sửa")
    submit(sheet)

    v1.refresh_from_db()
    versions = list(SheetVersion.objects.filter(sheet=sheet).order_by("number"))
    assert returned == (SheetStatus.RETURNED, "Bổ sung minh chứng cho tiêu chí I.1.")
    assert (sheet.status, sheet.return_note) == (SheetStatus.SUBMITTED, "")
    assert [(v.number, v.self_total) for v in versions] == [(1, D("90.00")), (2, D("89.00"))]
    assert (v1.self_total, v1.snapshot, v1.is_late) == v1_before
    assert v1.snapshot == {
        "I.1": {"points": "18.00", "explanation": "Lần đầu", "evidence": ["minh-chung-I.1.pdf"]},
        "I.2": {"points": "36.00", "explanation": "Lần đầu", "evidence": []},
        "II.1": {"points": "36.00", "explanation": "Lần đầu", "evidence": []},
        "III.1": {"points": None, "explanation": "", "evidence": []},
        "IV.1": {"points": None, "explanation": "", "evidence": []},
    }
    assert versions[1].snapshot["I.1"]["points"] == "17.00"
    assert versions[1].snapshot["I.1"]["explanation"] == "Đã sửa"


def test_a_submitted_sheet_is_read_only_for_the_unit(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    with pytest.raises(PermissionDenied):
        services.sheet_save(sheet=sheet, entries=entries_of(w.year, P(i1=20)), expected_version=None, by=w.member)
    assert Score.objects.get(sheet=sheet, criterion=w.c["I.1"]).self_points == D("18")


def test_a_draft_cannot_be_returned_or_finalized(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=18))

    with pytest.raises(ValidationError):
        services.sheet_return(sheet=sheet, note="Sửa lại", by=w.leader)
    with pytest.raises(ValidationError):
        services.sheet_finalize(sheet=sheet, by=w.leader)
    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.DRAFT


# --- history ------------------------------------------------------------------------------------------


def test_every_change_of_points_is_kept_with_who_old_new_and_reason(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    fill(w.year, w.member_unit, P(i1=19, i2=36, ii1=36))  # only I.1 changes
    submit(sheet)
    review(sheet, P(i1=17, iv1=1), by=w.leader, reason="Báo cáo 6 tháng gửi chậm.")

    history = [
        (ch.score.criterion.code, ch.field, ch.old_value, ch.new_value, ch.reason, ch.changed_by)
        for ch in ScoreChange.objects.filter(score__sheet=sheet).order_by("id")
    ]

    assert history == [
        ("I.1", ScoreField.SELF, None, D("18"), "", w.member),
        ("I.2", ScoreField.SELF, None, D("36"), "", w.member),
        ("II.1", ScoreField.SELF, None, D("36"), "", w.member),
        ("I.1", ScoreField.SELF, D("18"), D("19"), "", w.member),
        ("I.1", ScoreField.REVIEWED, None, D("17"), "Báo cáo 6 tháng gửi chậm.", w.leader),
        ("IV.1", ScoreField.REVIEWED, None, D("1"), "Báo cáo 6 tháng gửi chậm.", w.leader),
    ]
    assert all(ch.changed_at is not None for ch in ScoreChange.objects.all())


# --- concurrent edits ---------------------------------------------------------------------------------


def test_the_second_save_from_the_same_version_is_refused_and_changes_nothing(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=10, i2=30, ii1=30))
    opened = sheet.version
    colleague = officer_of(w.member_unit)
    services.sheet_save(
        sheet=Sheet.objects.get(pk=sheet.pk),
        entries=entries_of(w.year, P(i1=12)),
        expected_version=opened,
        by=w.member,
    )
    scores_before = list(Score.objects.filter(sheet=sheet).order_by("pk").values())
    counts_before = (ScoreChange.objects.count(), Evidence.objects.count())
    version_before = Sheet.objects.get(pk=sheet.pk).version

    with pytest.raises(services.StaleEdit):
        services.sheet_save(
            sheet=Sheet.objects.get(pk=sheet.pk),
            entries=entries_of(w.year, P(i1=15, i2=20)),
            files={w.c["I.1"].pk: [pdf()]},
            expected_version=opened,
            by=colleague,
        )

    assert list(Score.objects.filter(sheet=sheet).order_by("pk").values()) == scores_before
    assert (ScoreChange.objects.count(), Evidence.objects.count()) == counts_before
    assert Sheet.objects.get(pk=sheet.pk).version == version_before


def test_a_review_from_a_stale_version_is_refused(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=10, i2=30, ii1=30))
    opened = sheet.version
    services.sheet_review(
        sheet=sheet, entries=entries_of(w.year, P(i1=9), "Thiếu"), expected_version=opened, by=w.leader
    )

    with pytest.raises(services.StaleEdit):
        services.sheet_review(
            sheet=Sheet.objects.get(pk=sheet.pk),
            entries=entries_of(w.year, P(i1=8), "Thiếu hơn"),
            expected_version=opened,
            by=w.leader,
        )

    assert Score.objects.get(sheet=sheet, criterion=w.c["I.1"]).reviewed_points == D("9")


# --- review -------------------------------------------------------------------------------------------


def test_a_reviewed_value_that_differs_needs_a_reason(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    with pytest.raises(ValidationError) as caught:
        review(sheet, P(i1=15), by=w.leader, reason="  ")

    assert list(caught.value.error_dict) == [f"reason_{w.c['I.1'].pk}"]
    assert Score.objects.get(sheet=sheet, criterion=w.c["I.1"]).reviewed_points is None
    assert ScoreChange.objects.filter(field=ScoreField.REVIEWED).count() == 0
    assert Sheet.objects.get(pk=sheet.pk).status == SheetStatus.SUBMITTED


def test_the_same_value_needs_no_reason(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    review(sheet, P(i1=18, i2=36, ii1=36), by=w.leader)

    assert sheet.status == SheetStatus.REVIEWED
    assert list(Score.objects.filter(sheet=sheet).values_list("reviewed_points", flat=True)) == [None] * 3


def test_the_reviewer_applies_a_deduction_with_a_reason(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    review(sheet, P(iv1=2), by=w.leader, reason="Hai báo cáo gửi chậm.")

    score = Score.objects.get(sheet=sheet, criterion=w.c["IV.1"])
    [row] = ranking_for_year(fresh(w.year))
    assert (score.self_points, score.reviewed_points, score.review_reason) == (None, D("2"), "Hai báo cáo gửi chậm.")
    assert (row.self_total, row.deductions, row.reviewed_total) == (D("90.00"), D("2.00"), D("88.00"))


def test_the_deputy_reviews_the_leaders_sheet(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.leader_unit, P(i1=18, i2=36, ii1=36))

    review(sheet, P(i1=17), by=w.deputy, reason="Một chỉ tiêu chưa đạt.")
    services.sheet_finalize(sheet=sheet, by=w.deputy)

    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.FINAL
    assert Score.objects.get(sheet=sheet, criterion=w.c["I.1"]).reviewed_points == D("17")


def test_the_leader_may_not_review_its_own_sheet(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.leader_unit, P(i1=18, i2=36, ii1=36))

    with pytest.raises(PermissionDenied):
        review(sheet, P(i1=20), by=w.leader, reason="Tự nâng điểm")
    with pytest.raises(PermissionDenied):
        services.sheet_finalize(sheet=sheet, by=w.leader)
    with pytest.raises(PermissionDenied):
        services.sheet_return(sheet=sheet, note="Sửa", by=w.leader)

    sheet.refresh_from_db()
    assert sheet.status == SheetStatus.SUBMITTED
    assert Score.objects.get(sheet=sheet, criterion=w.c["I.1"]).reviewed_points is None


@pytest.mark.parametrize("role", ["deputy", "member", "board", "outsider"])
def test_only_the_leader_reviews_a_members_sheet(scored_world, role):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    # The unit and the board see the sent sheet (403); the deputy (not its reviewer) and the outsider may not
    # even know it exists (404).
    refusal = Http404 if role in ("deputy", "outsider") else PermissionDenied
    with pytest.raises(refusal):
        review(sheet, P(i1=10), by=w.user(role), reason="Không có quyền")

    assert Score.objects.get(sheet=sheet, criterion=w.c["I.1"]).reviewed_points is None


# --- submission: deadline, evidence, bad points -------------------------------------------------------


def test_a_late_submission_is_accepted_and_marked_late(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    version = submit(sheet, at=w.deadline.due_at + datetime.timedelta(hours=1))

    assert (sheet.status, sheet.is_late, version.is_late) == (SheetStatus.SUBMITTED, True, True)


def test_an_early_submission_is_not_late(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    version = submit(sheet, at=w.deadline.due_at - datetime.timedelta(minutes=1))

    assert (sheet.is_late, version.is_late) == (False, False)


def test_a_late_submission_is_refused_when_the_bloc_closes_the_deadline(scored_world):
    w = scored_world
    set_bloc(w, late_self_assessment="closed")
    sheet = fill(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    with pytest.raises(ValidationError):
        submit(sheet, at=w.deadline.due_at + datetime.timedelta(hours=1))

    sheet.refresh_from_db()
    assert (sheet.status, sheet.submitted_at, SheetVersion.objects.count()) == (SheetStatus.DRAFT, None, 0)


def test_a_returned_sheet_can_be_corrected_after_the_deadline_when_the_bloc_closes_it(scored_world):
    """The review happens after the deadline; a sheet the reviewer returned must be able to come back."""
    w = scored_world
    set_bloc(w, late_self_assessment="closed")
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    services.sheet_return(sheet=sheet, note="Bổ sung minh chứng.", by=w.leader)
    sheet.refresh_from_db()
    fill(w.year, w.member_unit, P(i1=17, i2=36, ii1=36))

    version = submit(sheet, at=w.deadline.due_at + datetime.timedelta(days=3))

    assert (version.number, sheet.status) == (2, SheetStatus.SUBMITTED)


def test_evidence_is_required_before_submitting(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=18, i2=36, ii1=36), evidence=False)

    with pytest.raises(ValidationError) as caught:
        submit(sheet)

    assert list(caught.value.error_dict) == [f"evidence_{w.c['I.1'].pk}"]
    sheet.refresh_from_db()
    assert (sheet.status, SheetVersion.objects.count()) == (SheetStatus.DRAFT, 0)


def test_zero_points_need_no_evidence(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=0, i2=36, ii1=36), evidence=False)

    submit(sheet)

    assert sheet.status == SheetStatus.SUBMITTED


def test_every_standard_criterion_must_be_scored_before_submitting(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=18, i2=36))

    with pytest.raises(ValidationError) as caught:
        submit(sheet)

    assert list(caught.value.error_dict) == [f"points_{w.c['II.1'].pk}"]


@pytest.mark.parametrize(("code", "value"), [("I.1", 20.01), ("IV.1", 11), ("I.2", -1), ("III.1", -0.5)])
def test_points_above_the_maximum_or_negative_are_refused(scored_world, code, value):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=10))
    before = list(Score.objects.order_by("pk").values())

    with pytest.raises(ValidationError) as caught:
        services.sheet_save(sheet=sheet, entries=entries_of(w.year, {code: value}), expected_version=None, by=w.member)

    assert list(caught.value.error_dict) == [f"points_{w.c[code].pk}"]
    assert list(Score.objects.order_by("pk").values()) == before


def test_points_above_the_maximum_are_refused_in_a_review(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    with pytest.raises(ValidationError) as caught:
        review(sheet, P(iv1=12), by=w.leader, reason="Chậm nhiều lần")

    assert list(caught.value.error_dict) == [f"points_{w.c['IV.1'].pk}"]
    assert Score.objects.filter(sheet=sheet, reviewed_points__isnull=False).count() == 0


# --- ranking publication ------------------------------------------------------------------------------


def test_the_ranking_cannot_be_published_while_a_sheet_waits(scored_world):
    w = scored_world
    done = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    services.sheet_finalize(sheet=done, by=w.leader)
    fill_and_submit(w.year, w.deputy_unit, P(i1=18, i2=36, ii1=36))

    with pytest.raises(ValidationError) as caught:
        services.ranking_publish(year=fresh(w.year), by=w.leader)

    assert w.deputy_unit.short_name in caught.value.messages[0]
    assert CriteriaTable.objects.get(pk=w.table.pk).ranking_published_at is None


def test_the_ranking_cannot_be_published_before_any_sheet_is_final(scored_world):
    w = scored_world

    with pytest.raises(ValidationError):
        services.ranking_publish(year=fresh(w.year), by=w.leader)

    assert CriteriaTable.objects.get(pk=w.table.pk).ranking_published_at is None


@pytest.mark.parametrize("role", ["deputy", "member", "board"])
def test_only_the_leader_publishes(scored_world, role):
    w = scored_world
    done = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    services.sheet_finalize(sheet=done, by=w.leader)

    with pytest.raises(PermissionDenied):
        services.ranking_publish(year=fresh(w.year), by=w.user(role))

    assert CriteriaTable.objects.get(pk=w.table.pk).ranking_published_at is None


def test_members_see_the_ranking_only_once_it_is_published(scored_world):
    w = scored_world
    for unit in (w.member_unit, w.deputy_unit):
        services.sheet_finalize(sheet=fill_and_submit(w.year, unit, P(i1=18, i2=36, ii1=36)), by=w.leader)
    roles = ["member", "outsider", "deputy", "leader", "board", "other_board", "admin"]
    before = {role: can(w.user(role), "scoring.ranking.view", fresh(w.year)) for role in roles}

    services.ranking_publish(year=fresh(w.year), by=w.leader)

    after = {role: can(w.user(role), "scoring.ranking.view", fresh(w.year)) for role in roles}
    assert before == {
        "member": False,
        "outsider": False,
        "deputy": True,
        "leader": True,
        "board": True,
        "other_board": False,
        "admin": False,
    }
    assert after == {**before, "member": True}
    assert AuditLog.objects.filter(action="scoring.ranking.published").count() == 1


# --- the criteria table -------------------------------------------------------------------------------


def new_criterion(table, **fields) -> Criterion:
    values = {"code": "II.2", "title": "Công đoàn vững mạnh", "max_points": D("0"), "kind": "standard", "order": 99}
    parent = fields.pop("parent", None) or Criterion.objects.get(table=table, code="II")
    return Criterion(table=table, parent=parent, **{**values, **fields})


def test_the_table_is_frozen_for_the_leader_once_self_assessment_opened(scored_world):
    w = scored_world
    criterion = Criterion.objects.get(pk=w.c["I.2"].pk)
    criterion.title = "Cải cách hành chính"

    with pytest.raises(PermissionDenied):
        services.criterion_save(criterion=criterion, by=w.leader)

    assert Criterion.objects.get(pk=criterion.pk).title == w.c["I.2"].title
    assert table_is_frozen(w.table) is True


def test_the_board_may_still_edit_a_frozen_table_and_it_is_audited(scored_world):
    w = scored_world
    criterion = Criterion.objects.get(pk=w.c["I.2"].pk)
    criterion.title = "Cải cách hành chính"
    audit_rows = AuditLog.objects.count()

    services.criterion_save(criterion=criterion, by=w.board)

    log = AuditLog.objects.latest("id")
    assert Criterion.objects.get(pk=criterion.pk).title == "Cải cách hành chính"
    assert AuditLog.objects.count() == audit_rows + 1
    assert (log.actor, log.action, log.target_type, log.target_id) == (
        w.board,
        "scoring.criterion.updated",
        "scoring.criterion",
        str(criterion.pk),
    )
    assert log.data["old"]["title"] == "Cải cách hành chính, ứng dụng công nghệ thông tin"


def test_the_leader_edits_the_table_until_self_assessment_opens(scored_world):
    w = scored_world
    w.deadline.opens_at = timezone.now() + datetime.timedelta(days=1)
    w.deadline.save()

    services.criterion_save(criterion=new_criterion(w.table), by=w.leader)

    assert table_is_frozen(w.table) is False
    assert Criterion.objects.filter(table=w.table, code="II.2", is_leaf=True).exists()
    assert AuditLog.objects.filter(action="scoring.criterion.created", actor=w.leader).count() == 1


def test_a_submitted_sheet_freezes_the_table_even_before_it_opens(scored_world):
    w = scored_world
    w.deadline.opens_at = None
    w.deadline.save()
    assert table_is_frozen(w.table) is False

    fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    assert table_is_frozen(w.table) is True
    with pytest.raises(PermissionDenied):
        services.criterion_save(criterion=new_criterion(w.table), by=w.leader)


def test_children_above_their_parents_maximum_are_refused(scored_world):
    w = scored_world
    before = list(Criterion.objects.order_by("pk").values())

    with pytest.raises(ValidationError):
        services.criterion_save(criterion=new_criterion(w.table, max_points=D("1")), by=w.board)

    assert list(Criterion.objects.order_by("pk").values()) == before


def test_a_scored_criterion_cannot_be_deleted(scored_world):
    w = scored_world
    fill(w.year, w.member_unit, P(i1=18))

    with pytest.raises(ValidationError):
        services.criterion_delete(criterion=Criterion.objects.get(pk=w.c["I"].pk), by=w.board)

    assert Criterion.objects.filter(table=w.table).count() == len(TABLE)


def test_a_group_whose_sub_criterion_was_scored_cannot_be_deleted(world):
    """Three levels: deleting the group must be refused with a message, not fail on the PROTECT key."""
    make_table(
        world.year,
        [
            ("I", "Nhóm I", "", 100, "standard", False),
            ("I.1", "Tiêu chí I.1", "", 100, "standard", False),
            ("I.1.a", "Tiêu chí thành phần I.1.a", "", 100, "standard", False),
        ],
    )
    fill(world.year, world.member_unit, {"I.1.a": 50})

    with pytest.raises(ValidationError):
        services.criterion_delete(criterion=Criterion.objects.get(table__year=world.year, code="I"), by=world.board)

    assert Criterion.objects.filter(table__year=world.year).count() == 3


def test_table_copy_previous_copies_the_tree(scored_world):
    w = scored_world
    next_year = EmulationYearFactory(bloc=w.bloc, year=2021, leader=w.deputy_unit, deputy=w.member_unit)
    table = services.table_for(next_year)

    created = services.table_copy_previous(table=table, by=w.deputy)  # 2021's leader, before it opens

    def tree(t):
        return [
            (
                n.code,
                n.title,
                n.guidance,
                n.max_points,
                n.kind,
                n.evidence_required,
                n.parent.code if n.parent else None,
                n.group.code,
                n.is_leaf,
            )
            for n in criteria_tree(t)
        ]

    table.refresh_from_db()
    assert tree(table) == tree(w.table)
    assert len(created) == len(TABLE)
    assert table.copied_from == w.table
    assert AuditLog.objects.filter(action="scoring.table.copied", actor=w.deputy).count() == 1


def test_table_copy_previous_without_an_earlier_table_is_refused(world):
    table = services.table_for(world.year)

    with pytest.raises(ValidationError):
        services.table_copy_previous(table=table, by=world.board)

    assert Criterion.objects.count() == 0


def test_a_scored_table_cannot_be_replaced(scored_world):
    w = scored_world
    fill(w.year, w.member_unit, P(i1=18))
    before = list(Criterion.objects.order_by("pk").values())

    with pytest.raises(ValidationError):
        services.table_import(table=w.table, rows=excel.parse_table(excel.export_table(w.table)), by=w.board)

    assert list(Criterion.objects.order_by("pk").values()) == before


def test_the_import_of_a_file_reads_it_and_replaces_the_table(scored_world):
    """services.table_import_file: the view's one call reads the uploaded file (excel.parse_table) and imports it."""
    w = scored_world
    following = EmulationYearFactory(bloc=w.bloc, year=2021, leader=w.leader_unit, deputy=w.deputy_unit)
    table = services.table_for(following)

    created = services.table_import_file(table=table, file=io.BytesIO(excel.export_table(w.table)), by=w.board)

    def tree(t):
        return [(n.code, n.title, n.max_points, n.kind, n.evidence_required) for n in criteria_tree(t)]

    assert (len(created), tree(table)) == (len(TABLE), tree(w.table))
    assert AuditLog.objects.filter(action="scoring.table.imported", actor=w.board).count() == 1


def test_a_file_with_bad_rows_is_refused_with_every_row_and_changes_nothing(scored_world):
    w = scored_world
    before = list(Criterion.objects.order_by("pk").values())
    rows = [
        ("I", "Nhiệm vụ chuyên môn", "", 60, "", ""),
        ("I.1", "Chỉ tiêu được giao", "", "ba mươi", "", ""),
        ("I.1", "Trùng mã", "", 10, "", ""),
    ]

    with pytest.raises(excel.TableImportError) as caught:
        services.table_import_file(table=w.table, file=xlsx(rows), by=w.board)

    assert [e.row for e in caught.value.errors] == [3, 4]
    assert list(Criterion.objects.order_by("pk").values()) == before
    assert not AuditLog.objects.filter(action="scoring.table.imported").exists()


def test_a_file_from_someone_who_may_not_edit_the_table_is_not_even_read(scored_world):
    """A member's upload is refused before it is parsed: garbage gives PermissionDenied, not the parser's errors."""
    w = scored_world
    before = list(Criterion.objects.order_by("pk").values())

    with pytest.raises(PermissionDenied):
        services.table_import_file(table=w.table, file=io.BytesIO(b"not a workbook"), by=w.member)

    assert list(Criterion.objects.order_by("pk").values()) == before


# --- notifications ------------------------------------------------------------------------------------


def notified() -> list[tuple]:
    return [(n.recipient, n.link) for n in Notification.objects.order_by("id")]


def test_the_leader_is_told_when_a_unit_submits(scored_world):
    w = scored_world
    leader_colleague = officer_of(w.leader_unit)

    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))

    link = f"/blocs/ktdnc/years/2020/scoring/sheets/{w.member_unit.pk}/"
    assert notified() == [(w.leader, link), (leader_colleague, link)]
    assert {n.dedupe_key for n in Notification.objects.all()} == {
        f"sheet-submitted:{sheet.pk}:1:{w.leader.pk}",
        f"sheet-submitted:{sheet.pk}:1:{leader_colleague.pk}",
    }


def test_the_deputy_is_told_when_the_leader_submits(scored_world):
    w = scored_world

    fill_and_submit(w.year, w.leader_unit, P(i1=18, i2=36, ii1=36))

    assert notified() == [(w.deputy, f"/blocs/ktdnc/years/2020/scoring/sheets/{w.leader_unit.pk}/")]


def test_the_unit_is_told_when_its_sheet_is_returned_or_finalized(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    Notification.objects.all().delete()

    services.sheet_return(sheet=sheet, note="Bổ sung minh chứng I.1.", by=w.leader)
    returned = [(n.recipient, n.body, n.link) for n in Notification.objects.order_by("id")]
    Notification.objects.all().delete()
    fill(w.year, w.member_unit, P(i1=17, i2=36, ii1=36))
    submit(sheet)
    Notification.objects.all().delete()
    services.sheet_finalize(sheet=sheet, by=w.leader)

    my_sheet = "/blocs/ktdnc/years/2020/scoring/my-sheet/"
    assert returned == [(w.member, "Bổ sung minh chứng I.1.", my_sheet)]
    assert notified() == [(w.member, my_sheet)]


# --- the demo year ------------------------------------------------------------------------------------


@pytest.fixture
def demo_year(db):
    blocs_demo.seed()
    scoring_demo.seed()
    return EmulationYear.objects.select_related("bloc").get(bloc__slug="ktdnc", year=2020)


def test_the_demo_ranking(demo_year):
    rows = ranking_for_year(demo_year)

    assert [(row.rank, row.unit.code) for row in rows] == [
        (1, "CAT"),
        (2, "TTr"),
        (3, "VKS"),
        (4, "BCHQS"),
        (5, "STP"),
        (6, "TA"),
        (7, "CTHADS"),
        (8, "BNCTU"),
    ]
    by_code = {row.unit.code: row for row in rows}
    assert (by_code["BCHQS"].reviewed_total, by_code["STP"].reviewed_total) == (D("91.50"), D("91.50"))
    assert by_code["BCHQS"].first_group_total > by_code["STP"].first_group_total
    assert Sheet.objects.get(year=demo_year, unit__code="BNCTU").is_late is True
    assert CriteriaTable.objects.get(year=demo_year).is_published


def test_the_demo_table_round_trips_through_excel(demo_year):
    table = CriteriaTable.objects.get(year=demo_year)
    stored = [(c.code, c.title, c.guidance, c.max_points, c.kind, c.evidence_required) for c in criteria_tree(table)]

    rows = excel.parse_table(excel.export_table(table))

    assert [(r.code, r.title, r.guidance, r.max_points, r.kind, r.evidence_required) for r in rows] == stored
    assert len(stored) == len(scoring_demo.TABLE_NOI_CHINH)


def test_the_demo_leaves_the_second_bloc_with_a_table_and_no_sheets(demo_year):
    other = EmulationYear.objects.get(bloc__slug="ktdvhxh", year=2020)

    assert (other.criteria_table.criteria.count(), Sheet.objects.filter(year=other).count()) == (
        len(scoring_demo.TABLE_NOI_CHINH),
        0,
    )


def test_seeding_twice_changes_no_counts(demo_year):
    def counts():
        return {m._meta.label: m.objects.count() for m in apps.get_models()}

    before = counts()

    blocs_demo.seed()
    scoring_demo.seed()

    assert counts() == before


def test_the_demo_sheets_have_their_evidence_and_the_leader_sheet_was_reviewed_by_the_deputy(demo_year):
    leader_sheet = Sheet.objects.get(year=demo_year, unit=demo_year.leader)
    change = ScoreChange.objects.get(score__sheet=leader_sheet, field=ScoreField.REVIEWED)

    assert change.changed_by == officer(demo_year.deputy)
    assert Evidence.objects.filter(score__sheet__year=demo_year).count() > 0
    assert set(Sheet.objects.filter(year=demo_year).values_list("status", flat=True)) == {SheetStatus.FINAL}
