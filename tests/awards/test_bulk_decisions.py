"""The board's page of the province's proposals across its blocs and its decisions in bulk (issue 18, part 3):
who may reach each URL, one decision for ten proposals in one POST, the refusals (nothing stored, each refused
proposal named), the Excel import (ten rows; bad rows named by their row number and nothing stored), the
notices to the units and the leaders, the template, and the page's query count at two sizes."""

import datetime
import io
from dataclasses import dataclass, field
from functools import cache

import pytest
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import Workbook, load_workbook

from awards.enums import BallotKind, BallotStatus, Eligibility, ProposalStatus
from awards.models import AwardDecision, AwardKind, Ballot, Proposal
from awards.services import decisions as services
from blocs.models import Province
from core.models import AuditLog, Notification
from tests.factories import (
    BlocFactory,
    EmulationYearFactory,
    MembershipFactory,
    ProvinceFactory,
    UnitFactory,
    board_of,
    officer_of,
)


@cache
def pdf() -> bytes:
    """A one-page A4 PDF, which the bounded inspection reads."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


DAY = datetime.date(2021, 1, 15)


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def shows(response, message: str) -> bool:
    return escape(message) in response.content.decode()


# --- a province with two blocs, each with proposals sent to the board -------------------------------------------


@dataclass
class World:
    province: Province
    years: list  # the two blocs' 2020
    proposals: list[Proposal]  # sent to the board, bloc A's first
    board: object
    other_board: object
    leaders: list  # an officer of each bloc's leader unit
    officers: dict[int, object] = field(default_factory=dict)  # an officer of each proposed unit, by unit pk

    def url(self, name: str, **kwargs) -> str:
        kwargs.setdefault("province", self.province.pk)
        if name != "decision-file":
            kwargs.setdefault("year", 2020)
        return reverse(f"awards:{name}", kwargs=kwargs)


def _kinds(year) -> dict[str, AwardKind]:
    return {
        code: AwardKind.objects.create(
            year=year, code=code, name=name, quota=20, eligibility=Eligibility.ANY_MEMBER, order=order
        )
        for order, (code, name) in enumerate((("flag", "Cờ thi đua"), ("merit", "Bằng khen")))
    }


def _ballot(kind: AwardKind) -> Ballot:
    return Ballot.objects.create(
        year=kind.year,
        kind=BallotKind.AWARD,
        award_kind=kind,
        status=BallotStatus.PUBLISHED,
        quota=20,
        threshold_percent=50,
        quorum_percent=50,
        member_count=30,
    )


def make_world(per_bloc: int = 5, *, officers: bool = True, name="Bến Tre", code="BT") -> World:
    """Bến Tre: two blocs in 2020, each proposing `per_bloc` units for the flag, all sent to the board."""
    province = ProvinceFactory(name=name, code=code)
    years, proposals, leaders, people = [], [], [], {}
    now = timezone.now()
    for letter in "AB":
        bloc = BlocFactory(province=province, name=f"Khối thi đua {letter}", short_name=f"Khối {letter}")
        units = [
            UnitFactory(province=province, name=f"Sở {letter}{i}", short_name=f"S{letter}{i}") for i in range(per_bloc)
        ]
        for unit in units:
            MembershipFactory(bloc=bloc, unit=unit, start_year=2019)
        year = EmulationYearFactory(bloc=bloc, year=2020, leader=units[0])
        years.append(year)
        leaders.append(officer_of(units[0]))
        kinds = _kinds(year)
        ballot = _ballot(kinds["flag"])
        for unit in units:
            proposals.append(
                Proposal.objects.create(
                    award_kind=kinds["flag"],
                    unit=unit,
                    ballot=ballot,
                    votes=25,
                    status=ProposalStatus.SUBMITTED,
                    submitted_at=now,
                )
            )
            if officers:
                people[unit.pk] = leaders[-1] if unit == units[0] else officer_of(unit)
    return World(
        province=province,
        years=years,
        proposals=proposals,
        board=board_of(province),
        other_board=board_of(ProvinceFactory(name="Hà Giang", code="HG")),
        leaders=leaders,
        officers=people,
    )


@pytest.fixture
def world(db) -> World:
    return make_world()


def decision(w: World, proposals=None, **overrides) -> dict:
    data = {
        "proposals": [p.pk for p in (w.proposals if proposals is None else proposals)],
        "approved": "yes",
        "number": "2156/QĐ-UBND",
        "date": "15/01/2021",
        "signer_name": "Nguyễn Văn A",
        "signer_position": "Phó Chủ tịch UBND tỉnh",
        "note": "",
    }
    data.update(overrides)
    return data


def statuses(w: World) -> list[str]:
    return list(Proposal.objects.filter(pk__in=[p.pk for p in w.proposals]).values_list("status", flat=True))


# --- who may reach each URL ---------------------------------------------------------------------------------------

ROLES = ("anonymous", "member", "leader", "board", "other_board")


def user_for(w: World, role: str):
    return {
        "anonymous": None,
        "member": w.officers[w.proposals[1].unit_id],  # an officer of a proposed unit
        "leader": w.leaders[0],
        "board": w.board,
        "other_board": w.other_board,
    }[role]


def _file_decision(w: World) -> AwardDecision:
    return AwardDecision.objects.create(
        province=w.province,
        year=2020,
        number="1/QĐ-UBND",
        date=DAY,
        file=SimpleUploadedFile("qd.pdf", pdf()),
        original_name="qd.pdf",
    )


URLS = {
    # name: (method, kwargs, data, the board's status)
    "province-proposals": ("get", lambda w: {}, None, 200),
    "province-decide": ("post", lambda w: {}, lambda w: decision(w, w.proposals[:1]), 302),
    "decisions-import": ("get", lambda w: {}, None, 200),
    "decisions-template": ("get", lambda w: {}, None, 200),
    "decision-file": ("get", lambda w: {"pk": _file_decision(w).pk}, None, 200),
}


def test_the_table_covers_every_url_of_the_module():
    from awards.urls import decisions

    assert {p.name for p in decisions.urlpatterns} == set(URLS)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(URLS))
def test_only_the_province_s_board_reaches_the_pages(world, client_as, name, role):
    method, kwargs, data, ok = URLS[name]
    target = world.url(name, **kwargs(world))
    client = client_as(user_for(world, role))
    response = getattr(client, method)(target, data(world) if data else None)
    expected = {"anonymous": None, "member": 403, "leader": 403, "board": ok, "other_board": 404}[role]
    if role == "anonymous":
        assert response.status_code == 302
        assert response.url == redirect_to_login(target).url
    else:
        assert response.status_code == expected
    decided = Proposal.objects.get(pk=world.proposals[0].pk).status == ProposalStatus.APPROVED
    assert decided == (name == "province-decide" and role == "board")


def test_another_province_s_proposal_ticked_is_404_and_nothing_is_stored(world, client_as):
    other = make_world(1, officers=False, name="Trà Vinh", code="TV")  # the same shape in another province
    stranger = other.proposals[0]
    response = client_as(world.board).post(
        world.url("province-decide"), decision(world, [world.proposals[0], stranger])
    )
    assert response.status_code == 404
    assert set(statuses(world)) == {ProposalStatus.SUBMITTED}
    assert Proposal.objects.get(pk=stranger.pk).status == ProposalStatus.SUBMITTED


def test_the_board_s_home_links_to_the_page(world, client_as):
    response = client_as(world.board).get(reverse("dashboards:home"))
    link = world.url("province-proposals") + "?status=submitted"
    assert link in response.content.decode()


# --- the list ----------------------------------------------------------------------------------------------------


def test_the_list_shows_every_bloc_s_proposals_and_filters(world, client_as):
    client = client_as(world.board)
    response = client.get(world.url("province-proposals"))
    assert [p.pk for p in response.context["proposals"]] == [p.pk for p in world.proposals]
    bloc_b = world.years[1].bloc
    response = client.get(world.url("province-proposals"), {"bloc": bloc_b.slug, "kind": "flag", "status": "submitted"})
    assert [p.pk for p in response.context["proposals"]] == [p.pk for p in world.proposals[5:]]
    response = client.get(world.url("province-proposals"), {"status": "approved"})
    assert response.context["proposals"] == []
    assert shows(response, vi("No proposal matches."))


def _list_queries(client, w: World, django_assert_max_num_queries, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        response = client.get(w.url("province-proposals"))
    assert len(response.context["proposals"]) == len(w.proposals)


@pytest.mark.parametrize("per_bloc", [3, 30])
def test_the_list_s_query_count_does_not_grow_with_the_proposals(
    db, client_as, django_assert_max_num_queries, per_bloc
):
    w = make_world(per_bloc, officers=False)
    # decided ones too, with their decision (a file link), so every column is read
    services.decide_many(
        province=w.province,
        year=2020,
        proposal_ids=[p.pk for p in w.proposals[:2]],
        approved=True,
        number="9/QĐ-UBND",
        date=DAY,
        by=w.board,
    )
    _list_queries(client_as(w.board), w, django_assert_max_num_queries, 9)


# --- one decision for many proposals -------------------------------------------------------------------------------


def test_one_post_decides_ten_proposals_once(world, client_as):
    client = client_as(world.board)
    data = decision(world, note="Tặng Cờ thi đua của UBND tỉnh năm 2020")
    data["file"] = SimpleUploadedFile("qd-2156.pdf", pdf(), content_type="application/pdf")
    response = client.post(world.url("province-decide") + "?status=submitted", data)
    assert response.status_code == 302
    assert response.url == world.url("province-proposals") + "?status=submitted"

    stored = AwardDecision.objects.get()
    assert (stored.number, stored.date, stored.signer_name, stored.signer_position, stored.original_name) == (
        "2156/QĐ-UBND",
        DAY,
        "Nguyễn Văn A",
        "Phó Chủ tịch UBND tỉnh",
        "qd-2156.pdf",
    )
    rows = Proposal.objects.filter(pk__in=[p.pk for p in world.proposals])
    assert rows.count() == 10
    for p in rows:
        assert (p.status, p.decision_id, p.decision_number, p.decision_date, p.decided_by) == (
            ProposalStatus.APPROVED,
            stored.pk,
            "2156/QĐ-UBND",
            DAY,
            world.board,
        )
    assert AuditLog.objects.filter(action="awards.proposal.decided").count() == 10
    applied = AuditLog.objects.get(action="awards.decision.applied")
    assert len(applied.data["proposals"]) == 10 and applied.data["source"] == "form"

    # every proposed unit's officer is told once; each bloc's leader gets one notice for its five proposals
    for p in world.proposals[1:5] + world.proposals[6:]:
        assert Notification.objects.filter(recipient=world.officers[p.unit_id]).count() == 1
    for leader in world.leaders:  # its own unit's proposal, and the bloc's summary
        notes = Notification.objects.filter(recipient=leader)
        assert notes.count() == 2
        assert any("5" in str(n.body) for n in notes)

    # the list shows the decision and its file, which the board downloads
    page = client.get(world.url("province-proposals"))
    file_url = world.url("decision-file", pk=stored.pk)
    assert file_url in page.content.decode()
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_forty_eight_approved_and_twenty_one_not_take_two_posts(db, client_as):
    """The Bến Tre case of 2019, at its real size: 69 flags, 48 approved by one decision, 21 not, with a reason."""
    w = make_world(35, officers=False)
    w.proposals = w.proposals[:69]
    client = client_as(w.board)
    approved, rejected = w.proposals[:48], w.proposals[48:]
    assert client.post(w.url("province-decide"), decision(w, approved)).status_code == 302
    response = client.post(
        w.url("province-decide"),
        decision(w, rejected, approved="no", number="", date="", note="Chưa đủ tiêu chuẩn Cờ thi đua"),
    )
    assert response.status_code == 302
    assert Proposal.objects.filter(pk__in=[p.pk for p in approved], status=ProposalStatus.APPROVED).count() == 48
    assert Proposal.objects.filter(pk__in=[p.pk for p in rejected], status=ProposalStatus.REJECTED).count() == 21
    assert AwardDecision.objects.count() == 1
    assert not Proposal.objects.filter(pk__in=[p.pk for p in rejected], decision__isnull=False).exists()


def _refused(response, *messages):
    assert response.status_code == 400
    for message in messages:
        assert shows(response, message), message


def _nothing_stored(w: World):
    assert set(statuses(w)) == {ProposalStatus.SUBMITTED}
    assert not AwardDecision.objects.exists()
    assert not Notification.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="awards.").exists()


def test_nothing_ticked_is_refused(world, client_as):
    response = client_as(world.board).post(world.url("province-decide"), decision(world, []))
    _refused(response, vi("Tick the proposals the decision applies to."))
    _nothing_stored(world)


def test_a_dossier_not_sent_refuses_the_whole_decision_naming_it(world, client_as):
    late = world.proposals[3]
    Proposal.objects.filter(pk=late.pk).update(status=ProposalStatus.PREPARING, submitted_at=None)
    response = client_as(world.board).post(world.url("province-decide"), decision(world))
    _refused(response, late.unit.short_name, vi("the leader has not sent this dossier yet."))
    assert Proposal.objects.filter(status=ProposalStatus.APPROVED).count() == 0
    assert not AwardDecision.objects.exists() and not Notification.objects.exists()
    # the ticks are kept for the next try
    assert late.pk in response.context["ticked"]


def test_a_proposal_already_decided_is_refused_unless_corrected(world, client_as):
    client = client_as(world.board)
    first = world.proposals[:2]
    assert client.post(world.url("province-decide"), decision(world, first)).status_code == 302
    again = decision(world, world.proposals[:4], approved="no", number="", date="", note="Có đơn thư khiếu nại")
    response = client.post(world.url("province-decide"), again)
    _refused(response, first[0].unit.short_name, first[1].unit.short_name)
    assert Proposal.objects.filter(status=ProposalStatus.REJECTED).count() == 0
    assert Proposal.objects.filter(status=ProposalStatus.APPROVED).count() == 2

    response = client.post(world.url("province-decide"), {**again, "correct": "on"})
    assert response.status_code == 302
    rows = Proposal.objects.filter(pk__in=[p.pk for p in world.proposals[:4]])
    assert {(p.status, p.decision_id, p.decision_note) for p in rows} == {
        (ProposalStatus.REJECTED, None, "Có đơn thư khiếu nại")
    }
    corrected = AuditLog.objects.filter(action="awards.proposal.decided", target_id=str(first[0].pk)).latest("pk")
    assert corrected.data["old"]["status"] == ProposalStatus.APPROVED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"number": ""}, "number", "Enter the number of the province's decision."),
        ({"date": ""}, "date", "Enter the date of the province's decision."),
        (
            {"approved": "no", "number": "", "date": "", "note": "  "},
            "note",
            "Give the reason the province did not approve the proposal.",
        ),
        ({"date": "31/12/2099"}, "date", "The decision's date cannot be in the future."),
    ],
)
def test_the_decision_s_fields_are_checked_once_for_all(world, client_as, overrides, field, message):
    response = client_as(world.board).post(world.url("province-decide"), decision(world, **overrides))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [vi(message)]
    _nothing_stored(world)


def test_a_decision_file_that_is_not_a_pdf_is_refused(world, client_as):
    data = decision(world)
    data["file"] = SimpleUploadedFile("qd.pdf", b"PK\x03\x04 not a pdf at all" * 10)
    response = client_as(world.board).post(world.url("province-decide"), data)
    assert response.status_code == 400
    assert "qd.pdf" in " ".join(response.context["form"].errors["file"])
    _nothing_stored(world)


def test_a_second_use_of_the_same_decision_reuses_its_record(world, client_as):
    client = client_as(world.board)
    client.post(world.url("province-decide"), decision(world, world.proposals[:3]))
    client.post(world.url("province-decide"), decision(world, world.proposals[3:6], signer_name=""))
    assert AwardDecision.objects.count() == 1
    assert Proposal.objects.filter(decision__isnull=False).count() == 6
    response = client.post(world.url("province-decide"), decision(world, world.proposals[6:], signer_name="Trần B"))
    assert response.status_code == 400
    assert set(statuses(world)[6:]) == {ProposalStatus.SUBMITTED}


# --- the Excel import --------------------------------------------------------------------------------------------

HEADERS = [
    "Mã đề nghị",
    "Khối thi đua",
    "Đơn vị",
    "Hình thức khen thưởng",
    "Số quyết định",
    "Ngày quyết định",
    "Kết quả",
    "Lý do",
]


def sheet(rows, headers=HEADERS, title_rows=1) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Quyết định"
    for _ in range(title_rows):
        ws.append(["DANH SÁCH QUYẾT ĐỊNH KHEN THƯỞNG NĂM 2020"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, w: World, content: bytes, **extra):
    data = {"file": SimpleUploadedFile("quyet-dinh.xlsx", content), **extra}
    return client.post(w.url("decisions-import"), data)


def ten_rows(w: World) -> list[list]:
    """Ten decisions: eight approved by two decisions (ids, then unit and award kind; an Excel date, then text),
    two not approved with their reason."""
    p = w.proposals
    rows = [[x.pk, "", "", "", "2156/QĐ-UBND", datetime.datetime(2021, 1, 15), "Được khen thưởng", ""] for x in p[:4]]
    rows += [
        [
            "",
            x.award_kind.year.bloc.name,
            x.unit.name,
            "Cờ thi đua",
            "2200/QĐ-UBND",
            "20/01/2021",
            "được khen thưởng",
            "",
        ]
        for x in p[4:8]
    ]
    rows += [[x.pk, "", "", "", "", "", "Không được khen thưởng", "Chưa đủ tiêu chuẩn"] for x in p[8:]]
    return rows


def test_ten_rows_are_imported(world, client_as):
    response = upload(client_as(world.board), world, sheet(ten_rows(world)))
    assert response.status_code == 302
    assert response.url == world.url("province-proposals")
    rows = {p.pk: p for p in Proposal.objects.filter(pk__in=[p.pk for p in world.proposals])}
    p = world.proposals
    assert [rows[x.pk].status for x in p] == [ProposalStatus.APPROVED] * 8 + [ProposalStatus.REJECTED] * 2
    assert [(rows[x.pk].decision_number, rows[x.pk].decision_date) for x in p[3:5]] == [
        ("2156/QĐ-UBND", DAY),
        ("2200/QĐ-UBND", datetime.date(2021, 1, 20)),
    ]
    assert rows[p[9].pk].decision_note == "Chưa đủ tiêu chuẩn" and rows[p[9].pk].decision_id is None
    decisions = AwardDecision.objects.order_by("number")
    assert [(d.number, d.proposals.count()) for d in decisions] == [("2156/QĐ-UBND", 4), ("2200/QĐ-UBND", 4)]
    assert AuditLog.objects.filter(action="awards.proposal.decided").count() == 10
    assert AuditLog.objects.filter(action="awards.decision.applied", data__source="import").count() == 3
    for x in p[1:5] + p[6:]:
        assert Notification.objects.filter(recipient=world.officers[x.unit_id]).count() == 1


def test_bad_rows_are_each_named_by_their_row_and_nothing_is_stored(world, client_as):
    p = world.proposals
    rows = ten_rows(world)
    rows[1][6] = "Có thể"  # row 4: an outcome nobody can read
    rows[2][5] = "31/02/2021"  # row 5: no such day
    rows[4][2] = "Sở không có"  # row 7: no such unit's proposal
    rows[6] = [p[0].pk, "", "", "", "2156/QĐ-UBND", "15/01/2021", "Được khen thưởng", ""]  # row 9: p[0] again
    rows[8][7] = ""  # row 11: not approved without a reason
    rows[9][4] = ""  # row 12 is fine (no decision number for a refusal)
    Proposal.objects.filter(pk=p[3].pk).update(status=ProposalStatus.PREPARING)  # row 6: not sent
    response = upload(client_as(world.board), world, sheet(rows))
    assert response.status_code == 400
    errors = response.context["row_errors"]
    assert [e.row for e in errors] == [4, 5, 6, 7, 9, 11]
    messages = {e.row: e.message for e in errors}
    assert "Có thể" in messages[4]
    assert "31/02/2021" in messages[5]
    assert p[3].unit.short_name in messages[6]
    assert "Sở không có" in messages[7]
    assert messages[9] == vi("the same proposal as row %(row)d.") % {"row": 3}
    assert messages[11] == vi("Give the reason the province did not approve the proposal.")
    page = response.content.decode()
    assert 'data-row="11"' in page
    # nothing at all
    assert set(
        Proposal.objects.exclude(pk=p[3].pk).filter(pk__in=[x.pk for x in p]).values_list("status", flat=True)
    ) == {ProposalStatus.SUBMITTED}
    assert not AwardDecision.objects.exists() and not Notification.objects.exists()
    assert not AuditLog.objects.filter(action__startswith="awards.").exists()


def test_a_sheet_without_the_needed_columns_is_refused(world, client_as):
    response = upload(client_as(world.board), world, sheet([[1, "x"]], headers=["Mã đề nghị", "Ghi chú"]))
    assert response.status_code == 400
    messages = [e.message for e in response.context["row_errors"]]
    assert vi("the column “Kết quả” is missing.") in messages
    assert [e.row for e in response.context["row_errors"]] == [2, 2, 2]


def test_an_import_of_a_decided_proposal_needs_the_correction_box(world, client_as):
    client = client_as(world.board)
    client.post(world.url("province-decide"), decision(world, world.proposals[:1]))
    rows = [[world.proposals[0].pk, "", "", "", "", "", "Không được khen thưởng", "Có sai phạm"]]
    response = upload(client, world, sheet(rows))
    assert response.status_code == 400 and response.context["row_errors"][0].row == 3
    assert upload(client, world, sheet(rows), correct="on").status_code == 302
    assert Proposal.objects.get(pk=world.proposals[0].pk).status == ProposalStatus.REJECTED


def test_a_file_that_is_not_a_workbook_is_refused_on_the_form(world, client_as):
    response = client_as(world.board).post(
        world.url("decisions-import"), {"file": SimpleUploadedFile("qd.xlsx", pdf())}
    )
    assert response.status_code == 400 and response.context["form"].errors["file"]
    assert not AwardDecision.objects.exists()


def test_the_template_lists_the_waiting_proposals_and_comes_back_filled_in(world, client_as):
    client = client_as(world.board)
    client.post(world.url("province-decide"), decision(world, world.proposals[:1]))  # decided: not in the template
    response = client.get(world.url("decisions-template"))
    content = b"".join([response.content])
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Quyết định"]
    assert [c.value for c in ws[1]] == HEADERS
    listed = [row[0] for row in ws.iter_rows(min_row=2, values_only=True) if row[0] is not None]
    assert listed == [p.pk for p in world.proposals[1:]]
    assert "Hướng dẫn" in wb.sheetnames
    # the board fills in three rows and leaves the others: only those three are recorded
    for r in (2, 3, 4):
        ws.cell(row=r, column=5, value="2300/QĐ-UBND")
        ws.cell(row=r, column=6, value=datetime.date(2021, 2, 1))
        ws.cell(row=r, column=7, value="Được khen thưởng")
    buffer = io.BytesIO()
    wb.save(buffer)
    assert upload(client, world, buffer.getvalue()).status_code == 302
    assert Proposal.objects.filter(decision_number="2300/QĐ-UBND").count() == 3
    assert Proposal.objects.filter(status=ProposalStatus.SUBMITTED).count() == 6


def test_a_unit_with_proposals_in_two_blocs_needs_the_bloc_or_the_id(world, client_as):
    unit = world.proposals[0].unit
    year_b = world.years[1]
    MembershipFactory(bloc=year_b.bloc, unit=unit, start_year=2019)
    second = Proposal.objects.create(
        award_kind=year_b.award_kinds.get(code="flag"),
        unit=unit,
        ballot=Ballot.objects.get(year=year_b),
        votes=20,
        status=ProposalStatus.SUBMITTED,
    )
    client = client_as(world.board)
    rows = [["", "", unit.short_name, "Cờ thi đua", "1/QĐ-UBND", "15/01/2021", "Được khen thưởng", ""]]
    response = upload(client, world, sheet(rows))
    assert response.status_code == 400
    assert response.context["row_errors"][0].message == vi(
        "“%(unit)s” has several proposals for “%(kind)s”; give the proposal id."
    ) % {"unit": unit.short_name, "kind": "Cờ thi đua"}
    rows[0][1] = year_b.bloc.short_name
    assert upload(client, world, sheet(rows)).status_code == 302
    assert Proposal.objects.get(pk=second.pk).status == ProposalStatus.APPROVED
    assert Proposal.objects.get(pk=world.proposals[0].pk).status == ProposalStatus.SUBMITTED


def test_a_single_correction_to_another_number_leaves_the_bulk_decision(world, client_as):
    client = client_as(world.board)
    client.post(world.url("province-decide"), decision(world, world.proposals[:2]))
    first, second = world.proposals[:2]
    y = first.award_kind.year
    single = {"approved": "yes", "date": "15/01/2021", "note": ""}
    for proposal, number in ((first, "2156/QĐ-UBND"), (second, "2157/QĐ-UBND")):
        target = reverse("awards:proposal-decide", kwargs={"slug": y.bloc.slug, "year": 2020, "pk": proposal.pk})
        assert client.post(target, {**single, "number": number}).status_code == 302
    kept, moved = Proposal.objects.get(pk=first.pk), Proposal.objects.get(pk=second.pk)
    assert kept.decision_id == AwardDecision.objects.get().pk
    assert (moved.decision_id, moved.decision_number) == (None, "2157/QĐ-UBND")


def test_the_page_offers_select_all_and_only_sent_proposals_have_a_box(world, client_as):
    Proposal.objects.filter(pk=world.proposals[0].pk).update(status=ProposalStatus.PREPARING)
    page = client_as(world.board).get(world.url("province-proposals")).content.decode()
    assert 'data-check-all="proposals"' in page
    assert f'id="pick-{world.proposals[0].pk}"' not in page
    assert f'id="pick-{world.proposals[1].pk}"' in page
