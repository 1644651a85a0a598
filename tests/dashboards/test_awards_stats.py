"""Proposed against approved, for the provincial board: the figures by bloc, award and status on a small province,
the province's totals and their years, the Excel sheet's cells, the printable statistics table (PDF), who may open
each URL, and the same number of queries at any size."""

import datetime
import io

import pdfplumber
import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

import dashboards.urls.awards_stats
from awards.enums import BallotKind, Eligibility, ProposalStatus
from awards.models import AwardKind, Ballot, Proposal
from dashboards import excel
from dashboards.documents import stats_document
from dashboards.selectors.awards_stats import award_stats
from dashboards.views.awards_stats import history_chart
from tests.factories import BlocFactory, EmulationYearFactory, MembershipFactory, UnitFactory

A, R, S, P = ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.SUBMITTED, ProposalStatus.PREPARING
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def proposal(year, unit, status, kind_code) -> Proposal:
    kind, _created = AwardKind.objects.get_or_create(
        year=year,
        code=kind_code,
        defaults={"name": f"Khen thưởng {kind_code}", "quota": 5, "eligibility": Eligibility.ANY_MEMBER},
    )
    ballot, _created = Ballot.objects.get_or_create(
        year=year,
        kind=BallotKind.AWARD,
        award_kind=kind,
        round=1,
        defaults={"quota": 5, "threshold_percent": 50, "quorum_percent": 50},
    )
    decided = status in (A, R)
    return Proposal.objects.create(
        award_kind=kind,
        unit=unit,
        ballot=ballot,
        votes=5,
        status=status,
        submitted_at=timezone.now() if status != P else None,
        decision_number="12/QĐ-UBND" if decided else "",
        decision_date=datetime.date(2021, 1, 20) if decided else None,
    )


@pytest.fixture
def province(world):
    """The conftest world (ktdnc 2020: leader, deputy, member) and its proposals:
    ktdnc 2020: flag leader approved; merit deputy approved, member not approved, a fourth unit in preparation;
    "tap-the-ldxs" member sent;
    the other bloc (no year in the world) opens 2020: flag approved, merit sent, "giay-khen" approved;
    ktdnc 2019: flag approved, merit not approved;
    an inactive bloc without 2020 is left out; an inactive bloc with 2020 is listed;
    another province's bloc's proposals count nowhere."""
    w = world
    prov = w.bloc.province
    proposal(w.year, w.leader_unit, A, "flag")
    proposal(w.year, w.deputy_unit, A, "merit")
    proposal(w.year, w.member_unit, R, "merit")
    proposal(w.year, UnitFactory(province=prov), P, "merit")
    proposal(w.year, w.member_unit, S, "tap-the-ldxs")

    w.other_bloc = other = prov.blocs.exclude(pk=w.bloc.pk).get()
    units = [MembershipFactory(bloc=other, start_year=2019).unit for _ in range(2)]
    other_year = EmulationYearFactory(bloc=other, year=2020, leader=units[0], deputy=units[1])
    proposal(other_year, units[0], A, "flag")
    proposal(other_year, units[1], S, "merit")
    proposal(other_year, units[1], A, "giay-khen")

    year_2019 = EmulationYearFactory(bloc=w.bloc, year=2019, leader=w.deputy_unit, deputy=w.leader_unit)
    proposal(year_2019, w.leader_unit, A, "flag")
    proposal(year_2019, w.member_unit, R, "merit")

    BlocFactory(province=prov, is_active=False, name="Khối đã giải thể")
    w.closed_bloc = BlocFactory(province=prov, is_active=False, name="Khối cũ còn năm 2020")
    EmulationYearFactory(bloc=w.closed_bloc, year=2020, leader=UnitFactory(province=prov))

    elsewhere = BlocFactory(province=w.other_board.person.board_province)
    unit = MembershipFactory(bloc=elsewhere, start_year=2019).unit
    proposal(EmulationYearFactory(bloc=elsewhere, year=2020, leader=unit), unit, A, "flag")
    return w


def cells(tallies) -> list[tuple[int, int]]:
    """(proposed, approved) of flag, merit, other, total."""
    return [(c.proposed, c.approved) for c in tallies.cells]


# --- the figures -------------------------------------------------------------------------------------------------


def test_the_figures_by_bloc_award_and_status(province):
    w = province
    stats = award_stats(province=w.bloc.province, year=2020)

    assert [(r.bloc.name, r.opened) for r in stats.rows] == sorted(
        [(w.bloc.name, True), (w.other_bloc.name, True), (w.closed_bloc.name, True)]
    )
    by_bloc = {r.bloc.pk: r for r in stats.rows}
    ktdnc, other, closed = by_bloc[w.bloc.pk], by_bloc[w.other_bloc.pk], by_bloc[w.closed_bloc.pk]
    assert cells(ktdnc) == [(1, 1), (3, 1), (1, 0), (5, 2)]
    assert (ktdnc.total.sent, ktdnc.total.rejected, ktdnc.total.awaiting) == (4, 1, 1)
    assert (ktdnc.merit.sent, ktdnc.merit.rejected, ktdnc.other.awaiting) == (2, 1, 1)
    assert cells(other) == [(1, 1), (1, 0), (1, 1), (3, 2)]
    assert cells(closed) == [(0, 0)] * 4


def test_the_province_totals_and_its_years(province):
    stats = award_stats(province=province.bloc.province, year=2020)

    assert cells(stats.total) == [(2, 2), (4, 1), (2, 1), (8, 4)]
    total = stats.total.total
    assert (total.sent, total.rejected, total.awaiting, total.approved_share) == (7, 1, 2, 50)
    assert [(y.year, *cells(y)) for y in stats.history] == [
        (2019, (1, 1), (1, 0), (0, 0), (2, 1)),
        (2020, (2, 2), (4, 1), (2, 1), (8, 4)),
    ]
    chart = history_chart(stats)
    assert (chart.labels, chart.rows()) == (["2019", "2020"], [("2019", ["2", "1"]), ("2020", ["8", "4"])])


def test_a_bloc_without_the_year_is_listed_without_figures_and_an_unknown_year_is_none(province):
    stats = award_stats(province=province.bloc.province, year=2019)

    assert {(r.bloc.pk, r.opened) for r in stats.rows} == {(province.bloc.pk, True), (province.other_bloc.pk, False)}
    assert cells(stats.total) == [(1, 1), (1, 0), (0, 0), (2, 1)]
    assert award_stats(province=province.bloc.province, year=2031) is None


def test_a_province_without_proposals_counts_zero(world):
    stats = award_stats(province=world.bloc.province, year=2020)

    assert cells(stats.total) == [(0, 0)] * 4
    assert stats.total.total.approved_share is None
    assert history_chart(stats).is_empty is False  # a year with zeros is drawn at zero


# --- the Excel sheet -----------------------------------------------------------------------------------------------


def rows_of(ws) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


HEADERS = [
    "STT",
    "Khối thi đua",
    "Cờ thi đua đề nghị",
    "Cờ thi đua được tặng",
    "Bằng khen đề nghị",
    "Bằng khen được tặng",
    "Khác đề nghị",
    "Khác được tặng",
    "Tổng đề nghị",
    "Tổng được tặng",
    "Tổng đã gửi",
    "Tổng không được tặng",
    "Tổng chờ quyết định",
]


def test_the_excel_sheet(province, client_as):
    w = province
    response = client_as(w.board).get(
        reverse("dashboards:board-awards-export", kwargs={"province": w.bloc.province_id, "year": 2020})
    )

    assert (response.status_code, response["Content-Type"]) == (200, XLSX)
    ws = load_workbook(io.BytesIO(response.content))["Thống kê khen thưởng"]
    rows = rows_of(ws)
    assert rows[0][0] == "Kết quả đề nghị và khen thưởng của các Khối thi đua tỉnh Tuyên Quang năm 2020"
    assert list(rows[1]) == [*HEADERS, "Ghi chú"]
    by_name = {r[1]: r for r in rows[2:5]}
    assert by_name[w.bloc.name][2:] == (1, 1, 3, 1, 1, 0, 5, 2, 4, 1, 1, None)
    assert by_name[w.other_bloc.name][2:] == (1, 1, 1, 0, 1, 1, 3, 2, 3, 0, 1, None)
    assert by_name[w.closed_bloc.name][2:] == (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, None)
    assert [r[0] for r in rows[2:5]] == [1, 2, 3]
    assert rows[5][1:13] == ("Tổng cộng", 2, 2, 4, 1, 2, 1, 8, 4, 7, 1, 2)
    assert rows[7][0] == "Kết quả đề nghị và khen thưởng của tỉnh Tuyên Quang qua các năm"
    assert list(rows[8][:13]) == [*HEADERS[:1], "Năm", *HEADERS[2:]]
    assert rows[9][:13] == (1, 2019, 1, 1, 1, 0, 0, 0, 2, 1, 2, 1, 0)
    assert rows[10][:13] == (2, 2020, 2, 2, 4, 1, 2, 1, 8, 4, 7, 1, 2)


def test_a_bloc_without_the_year_in_the_sheet(province):
    wb = Workbook()
    excel.awards_stats_sheet(wb.active, award_stats(province=province.bloc.province, year=2019))

    other = next(r for r in rows_of(wb.active) if r[1] == province.other_bloc.name)
    assert other[2:] == (None,) * 11 + ("Chưa mở năm thi đua",)


def test_the_board_workbook_gains_the_sheet_when_given_the_figures(province):
    from dashboards.selectors import board as board_selectors

    prov = province.bloc.province
    dashboard = board_selectors.board_dashboard(province_id=prov.pk, year=2020)
    without = load_workbook(io.BytesIO(excel.board_workbook(province=prov, dashboard=dashboard)))
    content = excel.board_workbook(province=prov, dashboard=dashboard, stats=award_stats(province=prov, year=2020))
    wb = load_workbook(io.BytesIO(content))

    assert wb.sheetnames == [*without.sheetnames, "Thống kê khen thưởng"]
    assert rows_of(wb["Thống kê khen thưởng"])[5][1:11] == ("Tổng cộng", 2, 2, 4, 1, 2, 1, 8, 4, 7)


# --- the statistics table (PDF) ---------------------------------------------------------------------------------


def test_the_statistics_document(province):
    document = stats_document(award_stats(province=province.bloc.province, year=2020), today=datetime.date(2021, 2, 3))

    assert (document.doc_type, document.title_lines) == ("BẢNG THỐNG KÊ", ["Kết quả đề nghị và khen thưởng năm 2020"])
    assert document.header.parent_body == "SỞ NỘI VỤ TỈNH TUYÊN QUANG"
    assert document.header.place_and_date == "Tuyên Quang, ngày 03 tháng 02 năm 2021"
    table = next(b for b in document.blocks if b.kind == "table")
    assert table.rows[0] == (
        "STT",
        "Khối thi đua",
        "Cờ thi đua (đề nghị / được tặng)",
        "Bằng khen (đề nghị / được tặng)",
        "Khác (đề nghị / được tặng)",
        "Tổng (đề nghị / được tặng)",
    )
    body = {row[1]: row for row in table.rows[1:]}
    assert body[province.bloc.name][2:] == ("1 / 1", "3 / 1", "1 / 0", "5 / 2")
    assert table.rows[-1] == ("", "Tổng cộng", "2 / 2", "4 / 1", "2 / 1", "8 / 4")
    assert [row[0] for row in table.rows[1:-1]] == ["1", "2", "3"]
    assert "đề nghị khen thưởng 08 lượt đơn vị; đã được khen thưởng 04 lượt" in document.blocks[0].text


def test_the_pdf_renders_with_the_totals(province, client_as):
    response = client_as(province.board).get(
        reverse("dashboards:board-awards-pdf", kwargs={"province": province.bloc.province_id, "year": 2020})
    )

    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response["Content-Disposition"] == 'inline; filename="bang-thong-ke-khen-thuong-2020.pdf"'
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "\n".join(page.extract_text() for page in pdf.pages)
    flat = " ".join(text.split())
    assert "BẢNG THỐNG KÊ" in flat
    assert "Kết quả đề nghị và khen thưởng năm 2020" in flat
    assert "Tổng cộng 2 / 2 4 / 1 2 / 1 8 / 4" in flat
    assert province.bloc.name in flat


# --- the page ------------------------------------------------------------------------------------------------------


def test_the_page(province, client_as):
    w = province
    url = reverse("dashboards:board-awards", kwargs={"province": w.bloc.province_id, "year": 2020})
    response = client_as(w.board).get(url)

    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["years"] == [2020, 2019]
    assert 'data-tile="proposed">8<' in body
    assert 'data-tile="approved">4<' in body
    assert 'data-tile="awaiting">2<' in body
    assert 'id="awards-total"' in body
    assert reverse("dashboards:board-awards-pdf", kwargs={"province": w.bloc.province_id, "year": 2020}) in body
    assert 'id="chart-awards-data"' in body
    assert "cdn" not in body.lower()
    dashboard = client_as(w.board).get(reverse("dashboards:board-dashboard", kwargs={"year": 2020}))
    assert url in dashboard.content.decode()
    # the dashboard itself shows the province's proposed against approved, by award
    summary = dashboard.content.decode().split('id="awards-summary"')[1].split("</section>")[0]
    assert 'data-total="proposed">8<' in summary and 'data-total="approved">4<' in summary


def test_a_year_nobody_opened_is_not_found(province, client_as):
    url = reverse("dashboards:board-awards", kwargs={"province": province.bloc.province_id, "year": 2031})
    assert client_as(province.board).get(url).status_code == 404


# --- who may: every URL × every role -----------------------------------------------------------------------------

URLS = ["dashboards:board-awards", "dashboards:board-awards-export", "dashboards:board-awards-pdf"]
# The province in the URL: its board reads it; the officers of its units are refused; the board of another province,
# who may not know this province exists, and anyone else outside it get 404 (the answer for no such province).
EXPECTED = {
    "anonymous": "login",
    "outsider": 403,
    "member": 403,
    "deputy": 403,
    "leader": 403,
    "board": 200,
    "other_board": 404,
    "admin": 404,
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("name", URLS)
def test_who_may_open_each_url(province, client_as, name, role):
    path = reverse(name, kwargs={"province": province.bloc.province_id, "year": 2020})
    response = client_as(province.user(role)).get(path)

    if EXPECTED[role] == "login":
        assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("login"))
    else:
        assert response.status_code == EXPECTED[role]


def test_another_provinces_board_reads_its_own_province(province, client_as):
    own = province.other_board.person.board_province
    url = reverse("dashboards:board-awards", kwargs={"province": own.pk, "year": 2020})
    response = client_as(province.other_board).get(url)

    assert response.status_code == 200
    assert cells(response.context["stats"].total) == [(1, 1), (0, 0), (0, 0), (1, 1)]


def test_a_province_that_does_not_exist_is_not_found(province, client_as):
    url = reverse("dashboards:board-awards", kwargs={"province": 999999, "year": 2020})
    assert client_as(province.board).get(url).status_code == 404


def test_the_permission_table_covers_every_url():
    names = {f"dashboards:{p.name}" for p in dashboards.urls.awards_stats.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(URLS)


@pytest.mark.parametrize("name", URLS)
def test_the_urls_only_answer_get(province, client_as, name):
    path = reverse(name, kwargs={"province": province.bloc.province_id, "year": 2020})
    assert client_as(province.board).post(path).status_code == 405


# --- the same number of queries at any size -------------------------------------------------------------------


def fill(province, blocs: int, proposals: int) -> None:
    """`blocs` blocs with 2019 and 2020, each year with `proposals` proposals of each of three awards."""
    for _ in range(blocs):
        bloc = BlocFactory(province=province)
        units = [MembershipFactory(bloc=bloc, start_year=2019).unit for _ in range(max(2, proposals))]
        for number in (2019, 2020):
            year = EmulationYearFactory(bloc=bloc, year=number, leader=units[0], deputy=units[1])
            for i in range(proposals):
                for code in ("flag", "merit", "giay-khen"):
                    proposal(year, units[i], (A, R, S, P)[i % 4], code)


def test_the_selector_runs_three_queries(province, django_assert_num_queries):
    with django_assert_num_queries(3):  # bloc-years, blocs, proposals counted
        award_stats(province=province.bloc.province, year=2020)


@pytest.mark.parametrize(("blocs", "proposals"), [(1, 1), (12, 6)])
def test_the_page_costs_the_same_at_any_size(world, client_as, django_assert_max_num_queries, blocs, proposals):
    fill(world.bloc.province, blocs, proposals)
    client = client_as(world.board)
    kwargs = {"province": world.bloc.province_id, "year": 2020}

    # session, user, person, province; bloc-years, blocs, proposals; unread notifications (the navbar)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("dashboards:board-awards", kwargs=kwargs))
    # the same without the navbar
    with django_assert_max_num_queries(7):
        export = client.get(reverse("dashboards:board-awards-export", kwargs=kwargs))
    with django_assert_max_num_queries(7):
        pdf = client.get(reverse("dashboards:board-awards-pdf", kwargs=kwargs))

    assert response.context["stats"].total.total.proposed == blocs * proposals * 3
    assert (export.status_code, pdf.status_code) == (200, 200)
