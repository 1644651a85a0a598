"""The provincial board's dashboard: the figures of a hand-built province (reports on time, late and missing,
scoring progress, the leading unit, proposals and decisions), the drill-down to one bloc, rankings of several
years in one query, the Excel export, every URL for every role, and the same query count at any size."""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

import dashboards.urls.board
from awards.enums import BallotKind, Eligibility, ProposalStatus
from awards.models import AwardKind, Ballot, Proposal
from blocs.enums import Audience, DeadlineKind, Phase
from blocs.models import Unit
from dashboards.selectors import board as selectors
from dashboards.views.board import history_chart, on_time_chart
from reports.models import Extension, Submission, SubmissionVersion
from scoring import wording as sheet_wording
from scoring.enums import SheetStatus
from scoring.models import CriteriaTable, Score, Sheet
from scoring.selectors import classify, ranking_for_year
from tests.awards.conftest import bloc2020, private_storage  # noqa: F401  (fixtures)
from tests.factories import (
    BlocFactory,
    DeadlineFactory,
    EmulationYearFactory,
    MembershipFactory,
    UnitFactory,
)
from tests.scoring.helpers import criteria, make_table, vi

NOW = timezone.now()
LOGIN, FORBIDDEN, NOT_FOUND, OK, XLSX = "login", 403, 404, 200, "xlsx"
ROLES = ("anonymous", "outsider", "member", "deputy", "leader", "board", "other_board", "admin")


def in_vi(label) -> str:
    with translation.override("vi"):
        return str(label)


def days(n: float) -> datetime.datetime:
    return NOW + datetime.timedelta(days=n)


# --- building a province by hand --------------------------------------------------------------------------------


def deadline(**kwargs):
    return DeadlineFactory(opens_at=None, **kwargs)


def report(deadline, unit, *late_seconds: int) -> Submission:
    """A unit's submission with one version per value (how late each came, in seconds)."""
    submission = Submission.objects.create(deadline=deadline, unit=unit)
    for number, late in enumerate(late_seconds, start=1):
        SubmissionVersion.objects.create(
            submission=submission,
            number=number,
            file=f"submissions/{deadline.pk}/{unit.pk}/v{number}.pdf",
            original_name=f"v{number}.pdf",
            size=100,
            submitted_at=days(-20 + number),
            late_seconds=late,
        )
    return submission


def sheet(year, unit, status, points, reviewed=None, *, is_late=False) -> Sheet:
    """A sheet with its points by criterion code (tests.scoring.helpers.TABLE); `reviewed` replaces some."""
    made = Sheet.objects.create(
        year=year,
        unit=unit,
        status=status,
        is_late=is_late,
        submitted_at=None if status == SheetStatus.DRAFT else days(-15),
    )
    by_code = criteria(year)
    reviewed = reviewed or {}
    Score.objects.bulk_create(
        Score(
            sheet=made,
            criterion=by_code[code],
            self_points=Decimal(str(value)),
            reviewed_points=Decimal(str(reviewed[code])) if code in reviewed else None,
        )
        for code, value in points.items()
    )
    return made


def publish(year) -> None:
    CriteriaTable.objects.filter(year=year).update(ranking_published_at=days(-3))


def proposal(year, unit, status, *, kind_code="merit", number="", votes=5) -> Proposal:
    kind, _created = AwardKind.objects.get_or_create(
        year=year,
        code=kind_code,
        defaults={
            "name": f"Khen thưởng {kind_code}",
            "quota": 3,
            "eligibility": Eligibility.ANY_MEMBER,
            "order": 1 if kind_code == "flag" else 2,
        },
    )
    ballot, _created = Ballot.objects.get_or_create(
        year=year,
        kind=BallotKind.AWARD,
        award_kind=kind,
        round=1,
        defaults={"quota": 3, "threshold_percent": 50, "quorum_percent": 50},
    )
    decided = status in (ProposalStatus.APPROVED, ProposalStatus.REJECTED)
    return Proposal.objects.create(
        award_kind=kind,
        unit=unit,
        ballot=ballot,
        votes=votes,
        status=status,
        submitted_at=days(-2) if status != ProposalStatus.PREPARING else None,
        decision_number=number,
        decision_date=days(-1).date() if decided else None,
        decided_at=days(-1) if decided else None,
    )


LEADER_POINTS = {"I.1": 20, "I.2": 38, "II.1": 40}  # 98, reviewed to 95
DEPUTY_POINTS = {"I.1": 18, "I.2": 35, "II.1": 37}  # 90
MEMBER_POINTS = {"I.1": 15, "I.2": 35, "II.1": 35, "III.1": 3, "IV.1": 1}  # 87


@pytest.fixture
def province(world):
    """The conftest world (ktdnc 2020: leader, deputy, member; another bloc without a 2020 year) with a calendar,
    reports, sheets, a published ranking and proposals.

    Reports due so far: D1 (every member, due 10 days ago): leader on time, deputy late (its first version),
    member missing;
    D2 (every member, 5 days ago): leader on time then corrected late (still on time), member on time, the
    deputy has an extension still running and has sent nothing (not expected yet); D3 (the member unit only,
    yesterday): missing. D4 (in 5 days): the member sent early (shown, not counted). Expected 6: on time 3,
    late 1, missing 2."""
    w = world
    year = w.year
    year.phase = Phase.REVIEW
    year.save()
    d1 = deadline(year=year, kind=DeadlineKind.YEAR_REPORT, title="Báo cáo tổng kết", due_at=days(-10))
    d2 = deadline(year=year, kind=DeadlineKind.SUMMARY_REPORT, title="Báo cáo tóm tắt", due_at=days(-5))
    d3 = deadline(
        year=year,
        kind=DeadlineKind.YEAR_REPORT,
        title="Báo cáo bổ sung",
        audience=Audience.UNIT,
        unit=w.member_unit,
        due_at=days(-1),
    )
    d4 = deadline(year=year, kind=DeadlineKind.YEAR_REPORT, title="Báo cáo chuyên đề", due_at=days(5))
    deadline(year=year, kind=DeadlineKind.OTHER, title="Hội nghị tổng kết", due_at=days(2))
    deadline(year=year, kind=DeadlineKind.SELF_ASSESSMENT, title="Tự chấm điểm", due_at=days(-12))
    report(d1, w.leader_unit, 0)
    report(d1, w.deputy_unit, 3600, 0)  # late; the second version, after an extension, does not change that
    report(d2, w.leader_unit, 0, 7200)
    report(d2, w.member_unit, 0)
    report(d4, w.member_unit, 0)
    Extension.objects.create(deadline=d2, unit=w.deputy_unit, due_at=days(3), reason="Ốm")
    make_table(year)
    sheet(year, w.leader_unit, SheetStatus.FINAL, LEADER_POINTS, {"I.2": 35})
    sheet(year, w.deputy_unit, SheetStatus.REVIEWED, DEPUTY_POINTS)
    sheet(year, w.member_unit, SheetStatus.SUBMITTED, MEMBER_POINTS, is_late=True)
    publish(year)
    proposal(year, w.leader_unit, ProposalStatus.APPROVED, kind_code="flag", number="12/QĐ-UBND")
    proposal(year, w.deputy_unit, ProposalStatus.REJECTED, number="13/QĐ-UBND", votes=7)
    proposal(year, w.member_unit, ProposalStatus.SUBMITTED, votes=6)
    proposal(year, UnitFactory(province=w.bloc.province), ProposalStatus.PREPARING)
    w.deadlines = (d1, d2, d3, d4)
    return w


def figures(row: selectors.BlocRow) -> dict:
    if row.year is None:
        return {"bloc": row.bloc.slug, "year": None}
    return {
        "bloc": row.bloc.slug,
        "year": row.year.year,
        "members": row.members,
        "next": (row.next_deadline.title, row.next_deadline.due_at) if row.next_deadline else None,
        "reports": (row.reports_expected, row.reports_on_time, row.reports_late, row.reports_missing),
        "share": row.on_time_share,
        "sheets": (row.sheets_submitted, row.sheets_reviewed, row.sheets_final),
        "published": row.ranking_published,
        "leading": [u.name for u in row.leading_units],
        "proposals": (row.proposed, row.sent, row.approved, row.rejected, row.awaiting_decision),
    }


# --- the figures -------------------------------------------------------------------------------------------------


def test_the_dashboard_figures_of_each_bloc(province):
    w = province
    dashboard = selectors.board_dashboard(province_id=w.bloc.province_id, year=2020)

    other = next(r.bloc for r in dashboard.rows if r.bloc != w.bloc)
    conference = next(d for d in w.year.deadlines.all() if d.title == "Hội nghị tổng kết")
    assert sorted((figures(r) for r in dashboard.rows), key=lambda f: f["bloc"]) == sorted(
        [
            {
                "bloc": "ktdnc",
                "year": 2020,
                "members": 3,
                "next": ("Hội nghị tổng kết", conference.due_at),
                "reports": (6, 3, 1, 2),
                "share": 50,
                "sheets": (3, 2, 1),
                "published": True,
                "leading": [w.leader_unit.name],
                "proposals": (4, 3, 1, 1, 1),
            },
            {"bloc": other.slug, "year": None},
        ],
        key=lambda f: f["bloc"],
    )
    tiles = (
        dashboard.blocs,
        dashboard.blocs_with_year,
        dashboard.blocs_late_on_reports,
        dashboard.rankings_published,
        dashboard.proposals_awaiting,
    )
    assert tiles == (2, 1, 1, 1, 1)


def test_an_unpublished_ranking_has_no_leading_unit_and_nothing_due_counts_nothing(world):
    make_table(world.year)
    sheet(world.year, world.leader_unit, SheetStatus.FINAL, LEADER_POINTS)
    deadline(year=world.year, kind=DeadlineKind.YEAR_REPORT, due_at=days(3))

    row = next(
        r for r in selectors.board_dashboard(province_id=world.bloc.province_id, year=2020).rows if r.year is not None
    )

    assert figures(row)["reports"] == (0, 0, 0, 0)
    assert (row.on_time_share, row.late_on_reports, row.leading_units, row.ranking_published) == (
        None,
        False,
        [],
        False,
    )


def test_the_drill_down_members(province):
    w = province
    detail = selectors.bloc_detail(bloc=w.bloc, year=2020)

    assert [d.title for d in detail.members.deadlines] == [
        "Báo cáo tổng kết",
        "Báo cáo tóm tắt",
        "Báo cáo bổ sung",
        "Báo cáo chuyên đề",
    ]
    rows = [
        (
            m.unit,
            m.role,
            [c.status if c else None for c in m.reports],
            m.sheet_status,
            m.ranked and (m.ranked.rank, m.ranked.reviewed_total, m.ranked.self_total),
        )
        for m in detail.members.rows
    ]
    assert rows == [
        (w.leader_unit, "leader", ["on_time", "on_time", None, "pending"], "final", (1, Decimal("95"), Decimal("98"))),
        (w.deputy_unit, "deputy", ["late", "pending", None, "pending"], "reviewed", (2, Decimal("90"), Decimal("90"))),
        (
            w.member_unit,
            "member",
            ["missing", "on_time", "missing", "on_time"],
            "late",
            (3, Decimal("87"), Decimal("87")),
        ),
    ]
    assert [(p.unit, p.status) for p in detail.proposals][:3] == [
        (w.leader_unit, ProposalStatus.APPROVED),
        (w.deputy_unit, ProposalStatus.REJECTED),
        (w.member_unit, ProposalStatus.SUBMITTED),
    ]


def test_the_province_figures_add_up_from_the_members_cells(province):
    """The dashboard's SQL counts and the drill-down's cells (computed apart) say the same of the reports due."""
    w = province
    row = selectors.board_dashboard(province_id=w.bloc.province_id, year=2020).open_rows[0]
    members = selectors.bloc_detail(bloc=w.bloc, year=2020).members
    counted = {"on_time": 0, "late": 0, "missing": 0}
    for m in members.rows:
        for cell in m.reports:
            if cell and cell.deadline.due_at <= timezone.now() and cell.status in counted:
                counted[cell.status] += 1

    assert (counted["on_time"], counted["late"], counted["missing"]) == (
        row.reports_on_time,
        row.reports_late,
        row.reports_missing,
    )


def test_the_history_across_years(province):
    w = province
    earlier = EmulationYearFactory(bloc=w.bloc, year=2019, leader=w.deputy_unit, phase=Phase.CLOSED)
    make_table(earlier)
    sheet(earlier, w.leader_unit, SheetStatus.FINAL, DEPUTY_POINTS)
    sheet(earlier, w.deputy_unit, SheetStatus.FINAL, LEADER_POINTS)
    publish(earlier)

    history = selectors.bloc_detail(bloc=w.bloc, year=2020).history
    table = {u.short_name: [c and (c.rank, c.reviewed_total) for c in history.row(u)] for u in history.units}

    assert [y.year for y in history.years] == [2019, 2020]
    assert table == {
        w.leader_unit.short_name: [(2, Decimal("90")), (1, Decimal("95"))],
        w.deputy_unit.short_name: [(1, Decimal("98")), (2, Decimal("90"))],
        w.member_unit.short_name: [None, (3, Decimal("87"))],
    }
    assert history_chart(history).spec()["datasets"] == [
        {"label": w.leader_unit.short_name, "data": [90.0, 95.0]},
        {"label": w.deputy_unit.short_name, "data": [98.0, 90.0]},
        {"label": w.member_unit.short_name, "data": [None, 87.0]},
    ]


# --- rankings of several years in one query ------------------------------------------------------------------


@pytest.fixture
def three_rules(world):
    """Two units tied at 90 in 2019, 2020 and 2021 of one bloc, each year with its own rules: X has 90 + 5 bonus −
    5 deductions, Y 88 + 2 bonus. 2019 breaks ties by fewer deductions (Y first), 2020 by the higher bonus (X
    first); 2021 caps the bonus at 1 (Y 89, X 86)."""
    x, y = world.leader_unit, world.deputy_unit
    rules = {
        2019: {"tie_break_order": ["fewer_deductions"]},
        2020: {"tie_break_order": ["higher_bonus"]},
        2021: {"bonus_cap": 1},
    }
    years = []
    for number, override in rules.items():
        year = world.year if number == 2020 else EmulationYearFactory(bloc=world.bloc, year=number, leader=x)
        year.settings_override = override
        year.save()
        make_table(year)
        sheet(year, x, SheetStatus.FINAL, {"I.1": 20, "I.2": 35, "II.1": 35, "III.1": 5, "IV.1": 5})
        sheet(year, y, SheetStatus.FINAL, {"I.1": 20, "I.2": 33, "II.1": 35, "III.1": 2})
        years.append(year)
    return world, years


def test_rankings_of_several_years_follow_each_years_rules(three_rules):
    world, years = three_rules
    years = [selectors_year(y) for y in years]

    ranks = selectors.rankings(years)
    got = {
        y.year: sorted((r.rank, r.unit.short_name, r.reviewed_total) for (pk, _u), r in ranks.items() if pk == y.pk)
        for y in years
    }
    x, y = world.leader_unit.short_name, world.deputy_unit.short_name

    assert got == {
        2019: [(1, y, Decimal("90")), (2, x, Decimal("90"))],
        2020: [(1, x, Decimal("90")), (2, y, Decimal("90"))],
        2021: [(1, y, Decimal("89")), (2, x, Decimal("86"))],
    }
    for year in years:  # the same as the scoring app's ranking of each year
        assert got[year.year] == sorted((r.rank, r.unit.short_name, r.reviewed_total) for r in ranking_for_year(year))


def selectors_year(year):
    from blocs.models import EmulationYear

    return EmulationYear.objects.select_related("bloc", "criteria_table").get(pk=year.pk)


def test_the_demo_ranking_in_one_query_equals_the_scoring_ranking(bloc2020):  # noqa: F811
    year = selectors_year(bloc2020.year)
    ranks = selectors.rankings([year])

    mine = sorted((r.rank, r.unit.code, r.reviewed_total, r.self_total, r.classification) for r in ranks.values())
    theirs = [(r.rank, r.unit.code, r.reviewed_total, r.self_total, r.classification) for r in ranking_for_year(year)]
    assert mine == sorted(theirs)


# --- pages ---------------------------------------------------------------------------------------------------


def test_the_dashboard_page(province, client_as):
    response = client_as(province.board).get(reverse("dashboards:board-dashboard", kwargs={"year": 2020}))

    html = response.content.decode()
    tiles = dict(re.findall(r'data-tile="(\w+)">([^<]+)<', html))
    assert {k: v.strip() for k, v in tiles.items()} == {
        "blocs": "2",
        "late": "1",
        "published": vi("%(n)s of %(m)s") % {"n": 1, "m": 1},
        "awaiting": "1",
    }
    spec = json.loads(re.search(r'<script id="chart-on-time-data" type="application/json">(.*?)</script>', html)[1])
    assert (spec["labels"], spec["datasets"]) == (
        [province.bloc.short_name],
        [{"label": vi("Reports on time (%)"), "data": [50]}],
    )
    assert response.context["dashboard"].year == 2020
    assert 'canvas data-chart="chart-on-time-data"' in html
    assert reverse("dashboards:board-bloc", kwargs={"year": 2020, "slug": "ktdnc"}) in html


def test_without_a_year_the_dashboard_shows_this_year_or_the_latest_before_it(province, client_as):
    EmulationYearFactory(bloc=province.bloc, year=2019, leader=province.leader_unit)

    response = client_as(province.board).get(reverse("dashboards:board-dashboard"))

    assert (response.status_code, response.context["year"], response.context["years"]) == (200, 2020, [2020, 2019])
    assert selectors.default_year([2021, 2020], datetime.date(2020, 6, 1)) == 2020
    assert selectors.default_year([2030, 2031], datetime.date(2026, 6, 1)) == 2030
    assert selectors.default_year([], datetime.date(2026, 6, 1)) is None


def test_a_province_without_any_year(world, client_as):
    world.year.delete()

    response = client_as(world.board).get(reverse("dashboards:board-dashboard"))

    assert (response.status_code, response.context["dashboard"]) == (200, None)


def test_a_year_nobody_opened_and_a_bloc_without_the_year_are_not_found(province, client_as):
    client = client_as(province.board)

    assert client.get(reverse("dashboards:board-dashboard", kwargs={"year": 1999})).status_code == 404
    assert client.get(reverse("dashboards:board-export", kwargs={"year": 1999})).status_code == 404
    assert client.get(reverse("dashboards:board-bloc", kwargs={"year": 2019, "slug": "ktdnc"})).status_code == 404
    assert client.get(reverse("dashboards:board-bloc", kwargs={"year": 2020, "slug": "nope"})).status_code == 404


def test_the_drill_down_page(province, client_as):
    w = province
    response = client_as(w.board).get(reverse("dashboards:board-bloc", kwargs={"year": 2020, "slug": "ktdnc"}))

    html = response.content.decode()
    member = html[html.index(f'id="unit-{w.member_unit.pk}"') :]
    member = member[: member.index("</tr>")]
    assert re.findall(r'data-status="(\w+)"', member) == ["missing", "on_time", "missing", "on_time"]
    assert re.findall(r'data-proposal="(\w+)"', html) == ["approved", "rejected", "submitted", "preparing"]
    assert 'canvas data-chart="chart-history-data"' in html
    assert "<details data-chart-table>" in html


# --- Excel ---------------------------------------------------------------------------------------------------


def values(ws, first_row: int = 3) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows(min_row=first_row)]


def test_the_province_export(province, client_as):
    w = province
    response = client_as(w.board).get(reverse("dashboards:board-export", kwargs={"year": 2020}))

    assert response["Content-Disposition"] == 'attachment; filename="bang-tong-hop-2020.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    other = next(r for r in selectors.board_dashboard(province_id=w.bloc.province_id, year=2020).rows if not r.year)
    assert wb.sheetnames == ["Tổng hợp 2020", "KTĐNC", "Đề nghị khen thưởng", "Thống kê khen thưởng"]
    summary = wb["Tổng hợp 2020"]
    assert [c.value for c in summary[2]][:5] == [
        "STT",
        "Khối thi đua",
        "Giai đoạn",
        "Đơn vị Trưởng khối",
        "Số đơn vị thành viên",
    ]
    conference = w.year.deadlines.get(title="Hội nghị tổng kết")
    published = timezone.localtime(CriteriaTable.objects.get(year=w.year).ranking_published_at).date()
    rows = sorted(values(summary), key=lambda r: r[1])
    expected_ktdnc = (
        w.bloc.name,
        in_vi(Phase.REVIEW.label),
        w.leader_unit.name,
        3,
        "Hội nghị tổng kết",
        datetime.datetime.combine(timezone.localtime(conference.due_at).date(), datetime.time()),
        (timezone.localtime(conference.due_at).date() - timezone.localdate()).days,
        6,
        3,
        1,
        2,
        0.5,
        3,
        2,
        1,
        datetime.datetime.combine(published, datetime.time()),
        w.leader_unit.name,
        4,
        3,
        1,
        1,
    )
    not_opened = (other.bloc.name, "Chưa mở năm thi đua", *([None] * 19))
    assert [r[1:] for r in rows] == sorted([expected_ktdnc, not_opened])
    ktdnc_row = next(r for r in summary.iter_rows(min_row=3) if r[1].value == w.bloc.name)
    assert (ktdnc_row[6].number_format, ktdnc_row[12].number_format, ktdnc_row[16].number_format) == (
        "dd/mm/yyyy",
        "0%",
        "dd/mm/yyyy",
    )

    members = wb["KTĐNC"]
    assert [c.value for c in members[2]] == [
        "STT",
        "Đơn vị",
        "Vai trò",
        *(f"{d.get_kind_display()} (hạn {timezone.localtime(d.due_at):%d/%m/%Y})" for d in w.deadlines),
        "Bảng tự chấm điểm",
        "Hạng",
        "Tổng điểm tự chấm",
        "Tổng điểm thẩm định",
        "Xếp loại",
    ]
    bands = w.year.setting("classification_bands")
    assert values(members) == [
        (1, w.leader_unit.name, "Trưởng khối", "Đúng hạn", "Đúng hạn", "Không áp dụng", "Chưa đến hạn",
         in_vi(SheetStatus.FINAL.label), 1, 98, 95, classify(Decimal(95), bands)),
        (2, w.deputy_unit.name, "Phó Trưởng khối", "Nộp muộn", "Chưa đến hạn", "Không áp dụng", "Chưa đến hạn",
         in_vi(SheetStatus.REVIEWED.label), 2, 90, 90, classify(Decimal(90), bands)),
        (3, w.member_unit.name, "Thành viên", "Chưa nộp", "Đúng hạn", "Chưa nộp", "Đúng hạn",
         in_vi(sheet_wording.LABELS[sheet_wording.LATE]), 3, 87, 87, classify(Decimal(87), bands)),
    ]  # fmt: skip

    decisions = values(wb["Đề nghị khen thưởng"])
    assert [(r[3], r[5], r[7]) for r in decisions] == [
        (w.leader_unit.name, "Được khen thưởng", "12/QĐ-UBND"),
        (w.deputy_unit.name, "Không được khen thưởng", "13/QĐ-UBND"),
        (w.member_unit.name, "Đã gửi Ban Thi đua - Khen thưởng tỉnh", None),
        (decisions[3][3], "Đang chuẩn bị hồ sơ", None),
    ]
    assert wb["Đề nghị khen thưởng"]["I3"].number_format == "dd/mm/yyyy"


def test_the_bloc_export(province, client_as):
    response = client_as(province.board).get(
        reverse("dashboards:board-bloc-export", kwargs={"year": 2020, "slug": "ktdnc"})
    )

    assert response["Content-Disposition"] == 'attachment; filename="bang-tong-hop-2020-ktdnc.xlsx"'
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["KTĐNC", "Đề nghị khen thưởng", "Qua các năm"]
    assert [c.value for c in wb["Qua các năm"][2]] == ["STT", "Đơn vị", "Hạng 2020", "Điểm 2020"]
    assert values(wb["Qua các năm"]) == [
        (1, province.leader_unit.name, 1, 95),
        (2, province.deputy_unit.name, 2, 90),
        (3, province.member_unit.name, 3, 87),
    ]


# --- who may: every URL × every role ----------------------------------------------------------------------------

URLS = {
    "dashboards:board-dashboard": [{}, {"year": 2020}],
    "dashboards:board-export": [{"year": 2020}],
    "dashboards:board-bloc": [{"year": 2020, "slug": "ktdnc"}],
    "dashboards:board-bloc-export": [{"year": 2020, "slug": "ktdnc"}],
}
OWN = "own province"  # the board of another province reads its own province there, never this one
EXPECTED = {
    "anonymous": LOGIN,
    "outsider": FORBIDDEN,
    "member": FORBIDDEN,
    "deputy": FORBIDDEN,
    "leader": FORBIDDEN,
    "board": OK,
    "other_board": FORBIDDEN,
    "admin": FORBIDDEN,
}


PROVINCE_WIDE = {"dashboards:board-dashboard", "dashboards:board-export"}  # no bloc in the URL: the user's province
# A URL that names the bloc: who may not know the bloc (no unit of it, not its province's board) gets 404, the
# answer for a bloc that does not exist; the bloc's own units see it but are refused (403).
KNOW_THE_BLOC = {"member", "deputy", "leader", "board"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "kwargs"), [(n, k) for n, ks in URLS.items() for k in ks])
def test_who_may_open_each_url(province, client_as, name, kwargs, role):
    # the other province has a bloc in 2020 too, so its board's own dashboard exists for every URL
    other_province = province.other_board.person.board_province
    fill_bloc(BlocFactory(province=other_province, name="Khối Hà Giang"), [2020], units=2)
    path = reverse(name, kwargs=kwargs)
    response = client_as(province.user(role)).get(path)

    expected = EXPECTED[role]
    if role == "other_board" and name in PROVINCE_WIDE:
        expected = OWN
    elif role != "anonymous" and name not in PROVINCE_WIDE and role not in KNOW_THE_BLOC:
        expected = NOT_FOUND
    if expected == LOGIN:
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("login"))
    elif expected == OWN:
        content = response.content if name.endswith("export") else response.content.decode().encode()
        assert response.status_code == 200
        if not name.endswith("export"):
            assert [r.bloc.province for r in response.context["dashboard"].rows] == [other_province]
            assert province.bloc.name.encode() not in content
        else:
            assert load_workbook(io.BytesIO(content)).sheetnames[1:] == [
                other_province.blocs.get().code,
                "Đề nghị khen thưởng",
                "Thống kê khen thưởng",
            ]
    else:
        assert response.status_code == expected
    if expected == OK and name.endswith("export"):
        assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_the_permission_table_covers_every_board_url():
    names = {f"dashboards:{p.name}" for p in dashboards.urls.board.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(URLS)
    assert all(p.name.startswith("board-") for p in dashboards.urls.board.urlpatterns)


@pytest.mark.parametrize("name", ["dashboards:board-export", "dashboards:board-bloc"])
def test_the_pages_only_answer_get(province, client_as, name):
    kwargs = {"year": 2020, "slug": "ktdnc"} if name.endswith("bloc") else {"year": 2020}
    assert client_as(province.board).post(reverse(name, kwargs=kwargs)).status_code == 405


# --- the same number of queries at any size -------------------------------------------------------------------


def fill_bloc(bloc, years: list[int], units: int) -> list:
    """A bloc with `units` members and, in each year, two report deadlines (one due), reports (on time, late,
    missing), sheets with scores, a published ranking, and proposals (sent, approved)."""
    members = [MembershipFactory(bloc=bloc, start_year=min(years)).unit for _ in range(units)]
    made = []
    for number in years:
        year = EmulationYearFactory(bloc=bloc, year=number, leader=members[0], deputy=members[1])
        due = deadline(year=year, kind=DeadlineKind.YEAR_REPORT, due_at=days(-3))
        deadline(year=year, kind=DeadlineKind.SUMMARY_REPORT, due_at=days(4))
        make_table(year)
        for i, unit in enumerate(members):
            if i % 3 != 2:
                report(due, unit, 0 if i % 3 == 0 else 60)
            sheet(year, unit, SheetStatus.FINAL, {"I.1": 10 + i % 10, "I.2": 30, "II.1": 30, "III.1": 1})
        publish(year)
        proposal(year, members[0], ProposalStatus.APPROVED, number="1/QĐ")
        proposal(year, members[1], ProposalStatus.SUBMITTED)
        made.append(year)
    return made


@pytest.mark.parametrize(("blocs", "years"), [(1, 1), (15, 1), (1, 5), (15, 5)])
def test_the_dashboard_costs_the_same_at_any_size(world, client_as, django_assert_max_num_queries, blocs, years):
    province = world.bloc.province
    for _ in range(blocs):
        fill_bloc(BlocFactory(province=province), list(range(2021 - years, 2021)), units=3)
    client = client_as(world.board)
    url = reverse("dashboards:board-dashboard", kwargs={"year": 2020})

    # session, user, person; years with data, the blocs' years with their figures, the blocs, next deadlines,
    # leading units; unread notifications (the navbar)
    with django_assert_max_num_queries(12):  # 9, and 3 for proposed against approved (awards_stats)
        response = client.get(url)

    assert len(response.context["dashboard"].open_rows) == blocs + 1


@pytest.mark.parametrize(("blocs", "years"), [(1, 1), (15, 5)])
def test_the_export_costs_the_same_at_any_size(world, client_as, django_assert_max_num_queries, blocs, years):
    province = world.bloc.province
    for _ in range(blocs):
        fill_bloc(BlocFactory(province=province), list(range(2021 - years, 2021)), units=3)
    client = client_as(world.board)

    # the dashboard's 9 without the navbar, and members (memberships, deadlines, submissions, extensions, sheets,
    # rankings) and proposals of every bloc
    with django_assert_max_num_queries(18):  # 15, and 3 for the sheet of proposed against approved
        response = client.get(reverse("dashboards:board-export", kwargs={"year": 2020}))

    assert len(load_workbook(io.BytesIO(response.content)).sheetnames) == blocs + 4


@pytest.mark.parametrize(("years", "units"), [(1, 3), (5, 3), (1, 15), (5, 15)])
def test_the_drill_down_costs_the_same_at_any_size(world, client_as, django_assert_max_num_queries, years, units):
    bloc = BlocFactory(province=world.bloc.province, slug="khoi-do")
    fill_bloc(bloc, list(range(2021 - years, 2021)), units=units)
    client = client_as(world.board)

    # session, user, bloc, person; the years with their figures, next deadline, rankings of every year; members
    # (memberships, deadlines, submissions, extensions, sheets); proposals; unread notifications
    with django_assert_max_num_queries(14):
        response = client.get(reverse("dashboards:board-bloc", kwargs={"year": 2020, "slug": "khoi-do"}))
    with django_assert_max_num_queries(13):  # the same without the navbar
        export = client.get(reverse("dashboards:board-bloc-export", kwargs={"year": 2020, "slug": "khoi-do"}))

    assert (len(response.context["members"].rows), len(response.context["detail"].history.years)) == (units, years)
    assert export.status_code == 200


def test_the_chart_of_the_dashboard_leaves_out_blocs_without_the_year(province):
    dashboard = selectors.board_dashboard(province_id=province.bloc.province_id, year=2020)

    chart = on_time_chart(dashboard)

    assert (chart.labels, chart.rows()) == ([province.bloc.short_name], [(province.bloc.short_name, ["50 %"])])


def test_a_unit_that_left_is_not_counted(province):
    w = province
    gone = UnitFactory(province=w.bloc.province)
    MembershipFactory(bloc=w.bloc, unit=gone, start_year=2015, end_year=2019)

    row = selectors.board_dashboard(province_id=w.bloc.province_id, year=2020).open_rows[0]

    assert (row.members, row.reports_expected) == (3, 6)
    assert gone not in [m.unit for m in selectors.bloc_detail(bloc=w.bloc, year=2020).members.rows]
    assert Unit.objects.filter(pk=gone.pk).exists()


# --- the year the dashboard opens on, and the decisions awaited in every year ---------------------------------


def overview(years, open_years=(), awaiting=None) -> selectors.YearsOverview:
    return selectors.YearsOverview(years=years, open_years=frozenset(open_years), awaiting=awaiting or {})


def test_the_year_with_work_pending():
    today = datetime.date(2026, 12, 7)

    # the latest year with a decision awaited or still open; a year opened ahead (2027) waits for its turn
    assert selectors.year_with_work(overview([2026, 2021, 2020], {2026}, {2020: 1}), today) == 2026
    assert selectors.year_with_work(overview([2021, 2020], (), {2020: 1}), today) == 2020
    assert selectors.year_with_work(overview([2027, 2026, 2020], {2027, 2026}), today) == 2026
    assert selectors.year_with_work(overview([2027, 2020], {2027}, {2020: 2}), today) == 2020
    # nothing pending: this year, or the latest before it, or the earliest after it
    assert selectors.year_with_work(overview([2027, 2026, 2021]), today) == 2026
    assert selectors.year_with_work(overview([2021, 2020]), today) == 2021
    assert selectors.year_with_work(overview([2028, 2027], {2028}), today) == 2027
    assert selectors.year_with_work(overview([]), today) is None


def test_the_years_overview_counts_every_years_decisions_in_one_query(province, django_assert_num_queries):
    """2020 (open) has one proposal sent and not decided; 2021 is closed with one more awaited in another bloc."""
    other = BlocFactory(province=province.bloc.province)
    later = EmulationYearFactory(bloc=other, year=2021, leader=province.member_unit, phase=Phase.CLOSED)
    proposal(later, province.member_unit, ProposalStatus.SUBMITTED)
    proposal(later, province.leader_unit, ProposalStatus.APPROVED, kind_code="flag")
    EmulationYearFactory(bloc=BlocFactory(province=province.other_board.person.board_province), year=2030)

    with django_assert_num_queries(1):
        seen = selectors.years_overview(province_id=province.bloc.province_id)

    assert seen == overview([2021, 2020], {2020}, {2021: 1, 2020: 1})
    assert seen.awaiting_total == 2


def test_the_dashboard_opens_on_the_year_with_a_decision_awaited_and_counts_every_year(province, client_as):
    """The issue's case: a later year with nothing pending (2021, closed) must not hide 2020's proposal awaiting the
    province's decision."""
    w = province
    w.year.phase = Phase.CLOSED
    w.year.save()
    EmulationYearFactory(bloc=w.bloc, year=2021, leader=w.deputy_unit, phase=Phase.CLOSED)
    client = client_as(w.board)

    opened = client.get(reverse("dashboards:board-dashboard"))
    later = client.get(reverse("dashboards:board-dashboard", kwargs={"year": 2021})).content.decode()

    assert (opened.context["year"], opened.context["years"]) == (2020, [2021, 2020])
    tiles = dict(re.findall(r'data-tile="(\w+)">([^<]+)<', later))
    assert tiles["awaiting"].strip() == "1"  # 2021 has none, 2020 has one: the tile counts every year
    assert reverse("dashboards:board-dashboard", kwargs={"year": 2020}) in later[later.index('id="awaiting-years"') :]


def test_an_open_later_year_is_where_the_dashboard_opens_with_the_earlier_decisions_linked(province, client_as):
    w = province
    this_year = timezone.localdate().year
    EmulationYearFactory(bloc=w.bloc, year=this_year, leader=w.deputy_unit)

    response = client_as(w.board).get(reverse("dashboards:board-dashboard"))

    html = response.content.decode()
    assert (response.context["year"], response.context["awaiting"], response.context["awaiting_total"]) == (
        this_year,
        {2020: 1},
        1,
    )
    awaiting = html[html.index('id="awaiting-years"') :]
    assert reverse("dashboards:board-dashboard", kwargs={"year": 2020}) in awaiting[: awaiting.index("</ul>")]
