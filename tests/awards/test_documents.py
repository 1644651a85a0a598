"""The awards app's official documents: the vote-count minutes of the year and a proposal's submission (tờ
trình), built from ballots run through awards.services on the demo bloc, measured against Decree 30 like the
conference plan, rendered through the document machinery and the command, and their pages' permissions."""

import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from awards import documents, services
from awards.enums import BallotMethod
from awards.models import Ballot, Proposal, SubmissionLetter, VoteCountMinutes
from awards.services.documents import SUBMISSION_LETTER, VOTE_COUNT_MINUTES
from awards.urls import documents as document_urls
from blocs.models import CovenantRegistration, Deadline, EmulationYear, RegisterEntry
from core.documents import (
    Block,
    Header,
    OfficialDocument,
    Recipient,
    Signature,
    registry,
    render_docx,
    render_html,
    render_pdf,
)
from core.models import RenderedDocument
from tests.conference import test_plan_document as plan_checks
from tests.factories import ProvinceFactory, board_of

MM = plan_checks.MM

# voter -> the units it approves; a unit never approves itself (the bloc's rule)
EVERYONE = ["TTr", "CAT", "TA", "VKS", "STP", "CTHADS", "BCHQS", "BNCTU"]
FLAG_VOTES = {code: ["CAT"] for code in EVERYONE if code != "CAT"}  # Công an tỉnh 7/8
MERIT_VOTES = {  # TTr 7, VKS 6, BCHQS 5, STP 5: a tie for the third Certificate
    "TTr": ["BCHQS", "STP"],
    "CAT": ["TTr", "VKS", "BCHQS"],
    "TA": ["TTr", "VKS", "STP"],
    "VKS": ["TTr", "BCHQS", "STP"],
    "STP": ["TTr", "VKS", "BCHQS"],
    "CTHADS": ["TTr", "VKS", "STP"],
    "BCHQS": ["TTr", "VKS", "STP"],
    "BNCTU": ["TTr", "VKS", "BCHQS"],
}
RUNOFF_VOTES = {  # BCHQS 6, STP 2
    **{code: ["BCHQS"] for code in ("TTr", "CAT", "TA", "VKS", "STP", "BNCTU")},
    "CTHADS": ["STP"],
    "BCHQS": ["STP"],
}


def _at(hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2020, 11, 5, hour, minute))


def _conference_times(ballot: Ballot, start: datetime.datetime) -> None:
    """The conference's own clock (05/11/2020) instead of today's, as the awards demo does."""
    minute = datetime.timedelta(minutes=1)
    Ballot.objects.filter(pk=ballot.pk).update(
        opened_at=start, closed_at=start + 10 * minute, tallied_at=start + 15 * minute, published_at=start + 16 * minute
    )


def _online(ballot, bloc, votes, start) -> Ballot:
    leader = bloc.leader
    ballot = services.ballot_freeze(ballot=ballot, by=leader)
    ballot = services.ballot_open(ballot=ballot, present_unit_ids=[u.pk for u in bloc.units.values()], by=leader)
    by_code = {c.unit.code: c.pk for c in ballot.candidates.select_related("unit")}
    for voter, chosen in votes.items():
        services.ballot_cast(ballot=ballot, candidate_ids=[by_code[c] for c in chosen], by=bloc.officers[voter])
    ballot = services.ballot_close(ballot=ballot, by=leader)
    ballot = services.ballot_tally(ballot=ballot, by=leader)
    ballot = services.ballot_publish(ballot=ballot, by=leader)
    _conference_times(ballot, start)
    return ballot


def _paper_election(bloc, start) -> Ballot:
    leader = bloc.leader
    ballot = services.ballot_create_election(year=bloc.year, by=leader, method=BallotMethod.PAPER)
    ballot = services.ballot_freeze(ballot=ballot, by=leader)
    ballot = services.ballot_open(ballot=ballot, present_unit_ids=[u.pk for u in bloc.units.values()], by=leader)
    ballot = services.ballot_close(ballot=ballot, by=leader)
    leader_candidate, deputy_candidate = ballot.candidates.order_by("order")
    services.ballot_record_paper(
        ballot=ballot,
        issued=8,
        returned=8,
        invalid=1,
        votes={leader_candidate.pk: 7, deputy_candidate.pk: 6},
        by=leader,
    )
    ballot = services.ballot_tally(ballot=ballot, by=leader)
    ballot = services.ballot_publish(ballot=ballot, by=leader)
    _conference_times(ballot, start)
    return ballot


@dataclass
class Voted:
    bloc: object  # the bloc2020 fixture
    flag: Ballot
    merit: Ballot | None = None
    runoff: Ballot | None = None
    election: Ballot | None = None

    @property
    def year(self):
        return self.bloc.year

    def proposal(self, unit: str, award: str) -> Proposal:
        return Proposal.objects.get(award_kind__year=self.year, unit__code=unit, award_kind__code=award)


def vote(bloc, *, everything: bool = True) -> Voted:
    """The 2020 conference: the Flag (online), the Certificates with a tie settled by a run-off (online) and
    the election of 2021's leaders (on paper); or, with everything=False, the Flag alone."""
    kinds = {k.code: k for k in services.award_kinds_ensure(year=bloc.year)}
    flag = _online(
        services.ballot_create_award(award_kind=kinds["flag"], by=bloc.leader), bloc, FLAG_VOTES, _at(15, 30)
    )
    if not everything:
        return Voted(bloc, flag)
    merit = _online(
        services.ballot_create_award(award_kind=kinds["merit"], by=bloc.leader), bloc, MERIT_VOTES, _at(15, 50)
    )
    runoff = _online(services.ballot_runoff_create(ballot=merit, by=bloc.leader), bloc, RUNOFF_VOTES, _at(16, 10))
    election = _paper_election(bloc, _at(16, 30))
    return Voted(bloc, flag, merit, runoff, election)


@pytest.fixture
def voted(bloc2020) -> Voted:
    return vote(bloc2020)


def load_year(pk) -> EmulationYear:
    return EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(pk=pk)


def load_proposal(pk) -> Proposal:
    return Proposal.objects.select_related(
        "award_kind__year__bloc__province", "award_kind__year__leader", "unit", "ballot"
    ).get(pk=pk)


# --- the rendered files, once per session ------------------------------------------------------------------

_RENDERED: dict = {}


def _pages(pdf: bytes) -> list[dict]:
    document = pdfplumber.open(io.BytesIO(pdf))
    return [
        {"width": p.width, "height": p.height, "chars": p.chars, "text": p.extract_text() or "", "page": p}
        for p in document.pages
    ]


@pytest.fixture
def minutes(bloc2020):
    if "minutes" not in _RENDERED:
        voted = vote(bloc2020)
        document = documents.minutes_document(load_year(str(voted.year.pk)))
        pdf = render_pdf(document)
        _RENDERED["minutes"] = {
            "document": document,
            "pdf": pdf,
            "docx": render_docx(document),
            "html": render_html(document),
            "pages": _pages(pdf),
        }
    return _RENDERED["minutes"]


@pytest.fixture
def submission(bloc2020):
    if "submission" not in _RENDERED:
        voted = vote(bloc2020)
        CovenantRegistration.objects.create(
            year=voted.year,
            unit=voted.bloc.units["TTr"],
            signatory_name="Nguyễn Văn Bình",
            signatory_position="Chánh Thanh tra",
        )
        proposal = load_proposal(str(voted.proposal("CAT", "flag").pk))
        document = documents.submission_document(proposal)
        pdf = render_pdf(document)
        _RENDERED["submission"] = {
            "document": document,
            "pdf": pdf,
            "docx": render_docx(document),
            "pages": _pages(pdf),
        }
    return _RENDERED["submission"]


def text_of(pages) -> str:
    return " ".join(plan_checks.nfc("\n".join(p["text"] for p in pages)).split())


# --- the minutes: Decree 30 ------------------------------------------------------------------------------


def test_the_minutes_are_a4_with_decree_30_margins_and_the_bundled_font(minutes):
    pages = minutes["pages"]
    plan_checks.test_every_page_is_a4(pages)  # also: at least two pages
    plan_checks.test_margins_fall_inside_decree_30(pages)
    # the bundled font (the plan's check also wants the italic of a place-and-date line, which Mẫu 1.9 has not)
    fonts = {c["fontname"].split("+")[-1] for p in pages for c in p["chars"]}
    assert (
        {"DocSerif", "DocSerif-Bold"}
        <= fonts
        <= {"DocSerif", "DocSerif-Bold", "DocSerif-Italic", "DocSerif-Bold-Italic"}
    )
    assert "ngày 05 tháng 11 năm 2020" not in pages[0]["text"]
    plan_checks.test_page_numbers_from_page_two_centred_at_the_top(pages)


def test_the_minutes_header_is_in_its_two_columns(minutes):
    first = minutes["pages"][0]
    middle = (30 + (210 - 15 - 30) * 0.40) * MM
    for needle in ("UBND TỈNH TUYÊN QUANG", "KHỐI THI ĐUA NỘI CHÍNH", "/BB-KTĐNC"):
        x0, top = plan_checks.line_top(first, needle)
        assert x0 < middle and top < 50 * MM, needle
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"):
        x0, top = plan_checks.line_top(first, needle)
        assert x0 > middle - 2 * MM and top < 50 * MM, needle
    assert "ngày 05 tháng 11 năm 2020" not in first["text"]  # Mẫu 1.9: no place-and-date line under the motto
    assert plan_checks.line_top(first, "BIÊN BẢN KIỂM PHIẾU")[1] > plan_checks.line_top(first, "/BB-KTĐNC")[1]


def test_the_secretary_and_the_chair_sign_side_by_side(minutes):
    last = minutes["pages"][-1]
    centre = last["width"] / 2
    secretary_x, secretary_top = plan_checks.line_top(last, "THƯ KÝ")
    chair_x, chair_top = plan_checks.line_top(last, "TRƯỞNG BAN KIỂM PHIẾU")
    assert secretary_x < centre < chair_x
    assert abs(secretary_top - chair_top) < 1 * MM
    assert secretary_top > plan_checks.line_top(last, "dưới đây./.")[1]


def test_the_minutes_state_the_meeting_the_rules_the_counts_and_the_conclusions(minutes):
    text = text_of(minutes["pages"])
    for fact in (
        "Bình xét, suy tôn đề nghị khen thưởng năm 2020 và bầu đơn vị Trưởng khối, Phó Trưởng khối năm 2021",
        "Hôm nay, vào hồi 14 giờ 30 phút ngày 05/11/2020, tại Hội trường tầng III - Thanh tra tỉnh, "
        "Khối thi đua Nội chính tỉnh Tuyên Quang tổ chức Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020",
        "I. BAN KIỂM PHIẾU",
        "1. Ông (bà) Nguyễn Thị Thu Hà, đơn vị Thanh tra tỉnh Tuyên Quang - Trưởng ban",  # the defaults
        "Thư ký: Ông (bà)",
        "được trên 50% tổng số đơn vị thành viên của Khối đồng ý",
        "khi có từ 67% số đơn vị thành viên trở lên có mặt",
        "Đơn vị không được bỏ phiếu cho chính mình.",
        "Tổng số đơn vị thành viên: 08; số đơn vị có mặt: 08.",
        "số đơn vị đã bỏ phiếu: 7/8 đơn vị có mặt",  # the Flag: Công an tỉnh had nobody to approve
        "số phiếu phát ra: 08; số phiếu thu về: 08; số phiếu hợp lệ: 07; số phiếu không hợp lệ: 01",
        "số phiếu đồng ý tối thiểu để đạt: 05 phiếu",
        "Bỏ phiếu lại (lần 2) đề nghị Chủ tịch UBND tỉnh tặng Bằng khen",
        "Khối thống nhất đề nghị UBND tỉnh tặng Cờ thi đua cho: Công an tỉnh Tuyên Quang (7/8 phiếu, đạt 87,5%).",
        "Khối thống nhất đề nghị Chủ tịch UBND tỉnh tặng Bằng khen cho: Thanh tra tỉnh Tuyên Quang (7/8 phiếu, đạt "
        "87,5%); Viện Kiểm sát nhân dân tỉnh Tuyên Quang (6/8 phiếu, đạt 75%); Bộ Chỉ huy Quân sự tỉnh Tuyên Quang "
        "(6/8 phiếu, đạt 75%).",
        "Đơn vị được giới thiệu theo thứ tự luân phiên: Công an tỉnh Tuyên Quang (Trưởng khối); Tòa án nhân dân "
        "tỉnh Tuyên Quang (Phó Trưởng khối).",
        "Đơn vị Trưởng khối năm 2021: Công an tỉnh Tuyên Quang (7/8 phiếu, đạt 87,5%).",
        "Đơn vị Phó Trưởng khối năm 2021: Tòa án nhân dân tỉnh Tuyên Quang (6/8 phiếu, đạt 75%).",
        "Biên bản kết thúc vào hồi 16 giờ 45 phút cùng ngày",
    ):
        assert fact in text, fact


def test_the_ballots_come_in_order_each_award_with_its_run_off_then_the_election(minutes):
    text = text_of(minutes["pages"])
    headings = [
        "1. Bình xét, suy tôn đề nghị UBND tỉnh tặng Cờ thi đua",
        "2. Bình xét, suy tôn đề nghị Chủ tịch UBND tỉnh tặng Bằng khen",
        "3. Bỏ phiếu lại (lần 2)",
        "4. Bầu đơn vị Trưởng khối, Phó Trưởng khối năm 2021",
        "IV. KẾT LUẬN",
    ]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)


def test_each_ballot_has_its_table_of_results(minutes):
    rows = [
        [(cell or "").replace("\n", " ") for cell in row]
        for page in minutes["pages"]
        for table in page["page"].extract_tables()
        for row in table
    ]
    assert rows.count(["STT", "Đơn vị", "Số phiếu đồng ý", "Tỷ lệ", "Kết quả"]) == 3
    for row in (  # every unit by its full name: the minutes are a signed record
        ["1", "Công an tỉnh Tuyên Quang", "7", "87,5%", "Đạt"],
        ["1", "Thanh tra tỉnh Tuyên Quang", "7", "87,5%", "Đạt"],
        ["3", "Bộ Chỉ huy Quân sự tỉnh Tuyên Quang", "5", "62,5%", "Bằng phiếu – bỏ phiếu lại"],
        ["4", "Sở Tư pháp tỉnh Tuyên Quang", "5", "62,5%", "Bằng phiếu – bỏ phiếu lại"],
        ["2", "Sở Tư pháp tỉnh Tuyên Quang", "2", "25%", "Không đạt"],
        ["1", "Công an tỉnh Tuyên Quang", "Trưởng khối", "7", "87,5%", "Đạt"],
    ):
        assert row in rows, row


def test_the_minutes_keep_their_vietnamese_diacritics(minutes):
    text = text_of(minutes["pages"])
    for phrase in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "NGUYÊN TẮC BỎ PHIẾU", "Tòa án nhân dân tỉnh", "Bằng phiếu"):
        assert phrase in text, phrase


def test_the_minutes_docx_has_the_header_the_tables_and_both_signatures(minutes):
    word = Document(io.BytesIO(minutes["docx"]))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [
        20,
        20,
        30,
        15,
    ]
    header, *ballots, footer = word.tables
    assert "Số:" in header.rows[0].cells[0].text and "/BB-KTĐNC" in header.rows[0].cells[0].text
    assert len(ballots) == 4
    assert [[c.text for c in row.cells] for row in ballots[0].rows] == [
        ["STT", "Đơn vị", "Số phiếu đồng ý", "Tỷ lệ", "Kết quả"],
        ["1", "Công an tỉnh Tuyên Quang", "7", "87,5%", "Đạt"],
    ]
    # each signer by name under the title (the secretary is not known by default: a dotted line to write in)
    signers = [[line for line in c.text.split("\n") if line.strip()] for c in footer.rows[0].cells]
    assert [lines[0] for lines in signers] == ["THƯ KÝ", "TRƯỞNG BAN KIỂM PHIẾU"]
    assert [lines[-1] for lines in signers] == [documents.DOTS, minutes["document"].signature.name]
    assert footer.rows[1].cells[0].text.startswith("Nơi nhận:") and "Lưu: VT, Hồ sơ." in footer.rows[1].cells[0].text
    assert {run.font.name for p in word.paragraphs for run in p.runs} == {"Times New Roman"}


def test_the_minutes_preview_is_the_same_template_and_obeys_the_csp(minutes):
    html = minutes["html"]
    assert 'href="/static/documents/official.css"' in html
    assert "<style" not in html and "<script" not in html and "style=" not in html
    assert '<col class="cw-10">' in html  # column widths through classes, not inline styles


# --- the submission (tờ trình) -------------------------------------------------------------------------


def test_the_submission_is_a4_in_the_decree_30_layout(submission):
    pages = submission["pages"]
    plan_checks.test_margins_fall_inside_decree_30(pages)
    plan_checks.test_every_character_is_in_the_bundled_font(pages)
    plan_checks.test_page_numbers_from_page_two_centred_at_the_top(pages)
    assert [(round(p["width"] / MM), round(p["height"] / MM)) for p in pages] == [(210, 297)] * len(pages)
    first, last = pages[0], pages[-1]
    middle = (30 + (210 - 15 - 30) * 0.40) * MM
    assert plan_checks.line_top(first, "/TTr-KTĐNC")[0] < middle
    assert plan_checks.line_top(first, "Tuyên Quang, ngày")[0] > middle - 2 * MM
    recipients_x, recipients_top = plan_checks.line_top(last, "Nơi nhận:")
    authority_x, authority_top = plan_checks.line_top(last, "TM. KHỐI THI ĐUA NỘI CHÍNH")
    assert recipients_x < last["width"] / 2 < authority_x
    assert abs(recipients_top - authority_top) < 5 * MM


def test_the_submission_asks_for_the_award_on_the_unit_s_score_rank_and_vote(submission):
    text = text_of(submission["pages"])
    for fact in (
        "TỜ TRÌNH",
        "Về việc đề nghị tặng Cờ thi đua của UBND tỉnh năm 2020",
        "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Tuyên Quang",
        "(qua Ban Thi đua - Khen thưởng, Sở Nội vụ)",
        "Căn cứ Quy chế tổ chức và hoạt động của Khối thi đua Nội chính tỉnh Tuyên Quang ban hành kèm theo "
        "Quyết định số 108 ngày 13/05/2019 của Khối thi đua Nội chính;",
        "Căn cứ Nghị định số 91/2017/NĐ-CP",  # the law in force on 05/11/2020
        "tại Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020 ngày 05/11/2020",
        "đề nghị UBND tỉnh tặng Cờ thi đua năm 2020 cho: Công an tỉnh Tuyên Quang",
        "Năm 2020, Công an tỉnh Tuyên Quang đạt tổng số 96 điểm, xếp thứ 1/8 đơn vị thành viên của Khối, xếp loại "
        "Xuất sắc;",
        "được 7/8 đơn vị thành viên bỏ phiếu đồng ý, đạt 87,5% (Quy chế của Khối yêu cầu trên 50%)",
        "- Như trên;",
        "- Lưu: VT, TTr.",
        "TRƯỞNG KHỐI",
        "Nguyễn Văn Bình",  # the leader unit's head, from its covenant registration
    ):
        assert fact in text, fact


def test_the_submission_leaves_a_dotted_line_without_a_known_signer(voted):
    document = documents.submission_document(load_proposal(str(voted.proposal("TTr", "merit").pk)))
    assert document.signature.name == documents.DOTS
    assert document.title_lines == ["Về việc đề nghị tặng Bằng khen của Chủ tịch UBND tỉnh năm 2020"]
    assert document.header.number == f"{documents.BLANK_NUMBER}/TTr-KTĐNC"


def test_the_submission_docx_opens(submission):
    word = Document(io.BytesIO(submission["docx"]))
    paragraphs = [p.text for p in word.paragraphs if p.text.strip()]
    assert "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh Tuyên Quang" in paragraphs
    assert "Công an tỉnh Tuyên Quang" in paragraphs
    assert "Nguyễn Văn Bình" in word.tables[-1].rows[0].cells[1].text


# --- the core extension: table and centred blocks, a second signature ---------------------------------


def _small_document(**kwargs) -> OfficialDocument:
    return OfficialDocument(
        header=Header(
            "UBND TỈNH TUYÊN QUANG", "KHỐI THI ĐUA NỘI CHÍNH", "01/BB-KTĐNC", "Tuyên Quang", datetime.date(2020, 11, 5)
        ),
        doc_type="BIÊN BẢN",
        title_lines=["Thử"],
        blocks=[
            Block("center", "Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh"),
            Block("table", rows=(("STT", "Đơn vị", "Số phiếu"), ("1", "Công an tỉnh", "7")), align="clc"),
        ],
        signature=Signature("TRƯỞNG BAN KIỂM PHIẾU", "", "", "Nguyễn Văn A"),
        **kwargs,
    )


def test_a_table_block_has_a_header_row_and_aligned_cells():
    block = Block("table", rows=(("STT", "Đơn vị", "Số phiếu"), ("1", "Công an tỉnh", "7")), align="cl")
    assert block.head == ["STT", "Đơn vị", "Số phiếu"]
    assert block.body == [[("1", "c"), ("Công an tỉnh", "l"), ("7", "l")]]  # left where `align` says nothing
    assert block.column_classes == []  # no widths: the PDF sizes the columns by their content
    sized = Block("table", rows=block.rows, widths=(10, 60, 30))
    assert sized.column_classes == ["cw-10", "", "cw-30"]  # the widest column takes what is left
    assert Block("paragraph", "x").runs() == [("x", False, False)]


def test_the_table_the_centred_line_and_two_signatures_render_in_html_pdf_and_docx():
    document = _small_document(
        left_signature=Signature("THƯ KÝ", "", "", "Trần Thị B"),
        recipients=[Recipient("Như trên"), Recipient("Lưu: VT")],
    )
    html = render_html(document)
    assert '<table class="b-table">' in html and '<td class="al-c">1</td>' in html and "<colgroup>" not in html
    assert '<p class="b-center">Kính gửi: Hội đồng Thi đua - Khen thưởng tỉnh</p>' in html
    assert html.index("Trần Thị B") < html.index("Nguyễn Văn A") < html.index("Nơi nhận:")
    pages = _pages(render_pdf(document))
    secretary_x, secretary_top = plan_checks.line_top(pages[0], "THƯ KÝ")
    chair_x, chair_top = plan_checks.line_top(pages[0], "TRƯỞNG BAN KIỂM PHIẾU")
    assert secretary_x < pages[0]["width"] / 2 < chair_x and abs(secretary_top - chair_top) < 1 * MM
    assert plan_checks.line_top(pages[0], "Nơi nhận:")[1] > secretary_top
    word = Document(io.BytesIO(render_docx(document)))
    _header, table, footer = word.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["STT", "Đơn vị", "Số phiếu"],
        ["1", "Công an tỉnh", "7"],
    ]
    assert [c.text.split("\n")[0] for c in footer.rows[0].cells] == ["THƯ KÝ", "TRƯỞNG BAN KIỂM PHIẾU"]
    assert footer.rows[1].cells[0].text.startswith("Nơi nhận:")
    centred = next(p for p in word.paragraphs if p.text.startswith("Kính gửi"))
    assert centred.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_without_a_second_signature_the_footer_is_as_before():
    document = _small_document(recipients=[Recipient("Như trên")])
    html = render_html(document)
    assert '<td class="recipients">' in html and "signature-left" not in html
    footer = Document(io.BytesIO(render_docx(document))).tables[-1]
    assert len(footer.rows) == 1 and footer.rows[0].cells[0].text.startswith("Nơi nhận:")


# --- what the documents say in other cases -------------------------------------------------------------


def test_numbers_and_percentages_are_written_the_vietnamese_way():
    assert documents.number_text(Decimal("92.50")) == "92,5"
    assert documents.number_text(Decimal("96.00")) == "96"
    assert documents.percent_text(7, 8) == "87,5%"
    assert documents.percent_text(2, 3) == "66,67%"
    assert documents.percent_text(8, 8) == "100%"
    assert documents.percent_text(0, 0) == "0%"


def test_the_venue_is_read_from_the_conference_s_description():
    deadline = Deadline(description="14h30 ngày 05/11/2020 (Thứ năm), Hội trường tầng III - Thanh tra tỉnh.")
    assert documents.venue_of(deadline) == "Hội trường tầng III - Thanh tra tỉnh"
    assert documents.venue_of(Deadline(description="Nhà khách Tỉnh ủy")) == "Nhà khách Tỉnh ủy"
    assert documents.venue_of(Deadline(description="")) == ""
    assert documents.venue_of(None) == ""


def test_the_issuer_is_written_as_the_conference_plan_writes_it(bloc2020):
    from conference.documents.plan import issuer_name

    assert bloc2020.year.bloc.issuer_name == issuer_name(bloc2020.year.bloc) == "KHỐI THI ĐUA NỘI CHÍNH"


def test_without_the_conference_in_the_calendar_time_and_place_are_left_blank(bloc2020):
    bloc2020.year.deadlines.filter(kind="conference").delete()
    vote(bloc2020, everything=False)
    document = documents.minutes_document(bloc2020.year)
    assert document.title_lines == ["Bình xét, suy tôn đề nghị khen thưởng năm 2020"]
    assert document.blocks[0].text.startswith("Hôm nay, vào hồi …… giờ …… phút ngày ……/……/……, tại ……")
    assert document.header.date == datetime.date(2020, 11, 5)  # the day the ballot opened


def test_rules_that_differ_between_ballots_are_stated_for_each(bloc2020):
    voted = vote(bloc2020, everything=False)
    kinds = {k.code: k for k in services.award_kinds_ensure(year=bloc2020.year)}
    bloc2020.year.settings_override = {"vote_threshold_percent": 60, "vote_threshold_strict": False}
    bloc2020.year.save()
    _online(
        services.ballot_create_award(award_kind=kinds["merit"], by=bloc2020.leader), bloc2020, MERIT_VOTES, _at(16, 0)
    )
    texts = [b.text for b in documents.minutes_document(voted.year).blocks]
    assert "Theo Quy chế của Khối; các nguyên tắc áp dụng cho từng lần bỏ phiếu ghi tại Mục III." in texts
    assert (
        texts.count(
            "- Bỏ phiếu kín, mỗi đơn vị thành viên một phiếu; đơn vị được đề nghị phải được trên 50% tổng số đơn vị "
            "thành viên của Khối đồng ý."
        )
        == 1
    )
    assert (
        "- Bỏ phiếu kín, mỗi đơn vị thành viên một phiếu; đơn vị được đề nghị phải được từ 60% trở lên tổng số đơn "
        "vị thành viên của Khối đồng ý."
    ) in texts


def test_the_documents_are_kinds_of_the_one_lifecycle(bloc2020):
    assert VOTE_COUNT_MINUTES.current(bloc2020.year) is None  # nothing published: no minutes
    voted = vote(bloc2020, everything=False)
    minutes = VOTE_COUNT_MINUTES.current(voted.year)
    assert minutes.pk is None and minutes.number_text == "…/BB-KTĐNC"  # read as it stands, stored when needed
    assert registry.get(VOTE_COUNT_MINUTES.name).view_action == "awards.minutes.document"
    assert registry.get(SUBMISSION_LETTER.name).view_action == "awards.letter.document"


def _issued_minutes(voted) -> VoteCountMinutes:
    from core.documents import lifecycle

    return lifecycle.issue(VOTE_COUNT_MINUTES, VOTE_COUNT_MINUTES.current(voted.year), by=voted.bloc.leader)


def test_issuing_the_minutes_numbers_them_in_the_register_of_minutes(bloc2020):
    voted = vote(bloc2020, everything=False)
    minutes = _issued_minutes(voted)
    minutes.refresh_from_db()
    assert (minutes.is_issued, minutes.number, minutes.revision) == (True, 1, 1)
    entry = RegisterEntry.objects.get(bloc=bloc2020.year.bloc, doc_type="BB")
    assert (entry.year, entry.number, entry.title) == (2020, 1, "Biên bản kiểm phiếu năm 2020")
    document = documents.minutes_document(load_year(voted.year.pk), minutes)
    assert document.header.number == "01/BB-KTĐNC"
    assert document.file_stem.endswith("-v1")


def test_a_ballot_published_after_the_issue_waits_for_the_next_version(bloc2020):
    from core.documents import lifecycle

    voted = vote(bloc2020, everything=False)
    minutes = _issued_minutes(voted)
    kinds = {k.code: k for k in services.award_kinds_ensure(year=bloc2020.year)}
    leader = bloc2020.leader
    merit = services.ballot_create_award(award_kind=kinds["merit"], by=leader)
    merit = services.ballot_freeze(ballot=merit, by=leader)
    merit = services.ballot_open(ballot=merit, present_unit_ids=[u.pk for u in bloc2020.units.values()], by=leader)
    frozen_text = [b.pk for b in documents.minutes_ballots(voted.year, minutes)]
    assert frozen_text == [voted.flag.pk]
    reopened = lifecycle.new_version(VOTE_COUNT_MINUTES, minutes, by=leader)
    assert (reopened.is_issued, reopened.revision, reopened.number) == (False, 2, 1)
    problems = VOTE_COUNT_MINUTES.issue_problems(reopened)
    assert problems and str(merit.title) in problems[0]  # a ballot being voted on: not yet
    with pytest.raises(ValidationError):
        lifecycle.issue(VOTE_COUNT_MINUTES, reopened, by=leader)
    by_code = {c.unit.code: c.pk for c in merit.candidates.select_related("unit")}
    for voter, chosen in MERIT_VOTES.items():
        services.ballot_cast(ballot=merit, candidate_ids=[by_code[c] for c in chosen], by=bloc2020.officers[voter])
    for step in (services.ballot_close, services.ballot_tally, services.ballot_publish):
        merit = step(ballot=merit, by=leader)
    again = lifecycle.issue(VOTE_COUNT_MINUTES, VOTE_COUNT_MINUTES.current(voted.year), by=leader)
    assert (again.number, again.revision) == (1, 2)  # the same number, no new entry in the register
    assert RegisterEntry.objects.filter(doc_type="BB").count() == 1
    assert [b.pk for b in documents.minutes_ballots(voted.year, again)] == [voted.flag.pk, merit.pk]


def test_the_submission_letter_is_numbered_in_the_register_of_submissions(voted):
    from core.documents import lifecycle

    proposal = voted.proposal("CAT", "flag")
    letter = lifecycle.issue(SUBMISSION_LETTER, SUBMISSION_LETTER.current(proposal), by=voted.bloc.leader)
    assert SubmissionLetter.objects.get(proposal=proposal).number == 1
    document = documents.submission_document(load_proposal(proposal.pk), letter)
    assert document.header.number == "01/TTr-KTĐNC"
    with pytest.raises(PermissionDenied):  # the proposed unit reads its letter but does not issue it
        lifecycle.new_version(SUBMISSION_LETTER, letter, by=voted.bloc.officers["CAT"])


# --- the document machinery: stored files and who may download them ----------------------------------


# who -> (minutes, submission of Công an tỉnh's Flag): the leader, the proposed unit, another member, the board; an
# officer outside the bloc may not even know the year's documents exist (404, as for a file that does not exist)
DOWNLOADS = {"TTr": (200, 200), "CAT": (200, 200), "STP": (200, 403), "board": (200, 200), "outsider": (404, 404)}
# Files of the drafts: their editors' alone (the leader unit issues both); a 404 to anyone else.
DRAFT_DOWNLOADS = {"TTr": (200, 200), "CAT": (404, 404), "STP": (404, 404), "board": (404, 404), "outsider": (404, 404)}


def _downloads(client, bloc, files) -> dict:
    answers = {}
    for who in DOWNLOADS:
        client.force_login({"board": bloc.board, "outsider": bloc.outsider}.get(who) or bloc.officers[who])
        answers[who] = tuple(client.get(reverse("core:document-download", args=[f.pk])).status_code for f in files)
    return answers


def test_rendered_files_are_stored_and_served_to_who_may_read_them(voted, client, django_capture_on_commit_callbacks):
    from core.documents import lifecycle
    from core.documents.services import document_request

    bloc = voted.bloc
    proposal = voted.proposal("CAT", "flag")
    with django_capture_on_commit_callbacks(execute=True):
        minutes = VoteCountMinutes.objects.create(year=voted.year)
        letter = SubmissionLetter.objects.create(proposal=proposal)
        minutes_file = document_request(kind=VOTE_COUNT_MINUTES.name, obj=minutes, fmt="pdf", by=bloc.leader)
        submission_file = document_request(kind=SUBMISSION_LETTER.name, obj=letter, fmt="docx", by=bloc.leader)
    minutes_file.refresh_from_db()
    submission_file.refresh_from_db()
    assert (minutes_file.status, minutes_file.object_version, minutes_file.state, minutes_file.file_name) == (
        "done",
        1,
        "draft",
        "bien-ban-kiem-phieu-ktdnc-2020-v1-du-thao-r1.pdf",
    )
    assert (submission_file.status, submission_file.file_name) == (
        "done",
        "to-trinh-ktdnc-2020-flag-cat-v1-du-thao-r1.docx",
    )
    assert _downloads(client, bloc, (minutes_file, submission_file)) == DRAFT_DOWNLOADS

    with django_capture_on_commit_callbacks(execute=True):
        minutes = lifecycle.issue(VOTE_COUNT_MINUTES, minutes, by=bloc.leader)
        letter = lifecycle.issue(SUBMISSION_LETTER, letter, by=bloc.leader)
        minutes_file = document_request(kind=VOTE_COUNT_MINUTES.name, obj=minutes, fmt="pdf", by=bloc.leader)
        submission_file = document_request(kind=SUBMISSION_LETTER.name, obj=letter, fmt="docx", by=bloc.leader)
    minutes_file.refresh_from_db()
    submission_file.refresh_from_db()
    assert (minutes_file.status, minutes_file.state, minutes_file.file_name) == (
        "done",
        "issued",
        "bien-ban-kiem-phieu-ktdnc-2020-v1.pdf",
    )
    assert (submission_file.status, submission_file.file_name) == ("done", "to-trinh-ktdnc-2020-flag-cat-v1.docx")
    assert _downloads(client, bloc, (minutes_file, submission_file)) == DOWNLOADS


# --- the command ---------------------------------------------------------------------------------------


def test_the_command_renders_the_minutes_and_a_submission(voted, tmp_path):
    minutes_pdf, minutes_docx, ttr = tmp_path / "minutes.pdf", tmp_path / "minutes.docx", tmp_path / "ttr.pdf"
    call_command("render_document", "minutes", "--bloc", "KTĐNC", "--year", "2020", "--output", str(minutes_pdf))
    call_command(
        "render_document",
        "minutes",
        "--bloc",
        "ktdnc",
        "--year",
        "2020",
        "--output",
        str(minutes_docx),
        "--format",
        "docx",
    )
    call_command(
        "render_document",
        *("submission", "--bloc", "KTĐNC", "--year", "2020", "--unit", "CAT", "--award", "flag"),
        *("--output", str(ttr)),
    )
    assert minutes_pdf.read_bytes()[:5] == b"%PDF-" and ttr.read_bytes()[:5] == b"%PDF-"
    assert len(Document(str(minutes_docx)).tables) == 6
    assert "Công an tỉnh Tuyên Quang" in text_of(_pages(ttr.read_bytes()))


def test_the_command_refuses_a_year_without_a_published_ballot(bloc2020, tmp_path):
    with pytest.raises(CommandError, match="no published ballot yet"):
        call_command(
            "render_document", "minutes", "--bloc", "KTĐNC", "--year", "2020", "--output", str(tmp_path / "m.pdf")
        )
    assert not (tmp_path / "m.pdf").exists()


@pytest.mark.parametrize(
    ("extra", "message"),
    [([], "give --unit CODE and --award CODE"), (["--unit", "TA", "--award", "flag"], "No proposal of TA")],
)
def test_the_command_needs_a_proposal_for_a_submission(voted, tmp_path, extra, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "render_document",
            "submission",
            "--bloc",
            "KTĐNC",
            "--year",
            "2020",
            "--output",
            str(tmp_path / "t.pdf"),
            *extra,
        )


# --- the pages -----------------------------------------------------------------------------------------


def _user(bloc, role):
    if role == "anonymous":
        return None
    if role == "other_board":
        return board_of(ProvinceFactory(name="Hà Giang", code="HG"))
    return {"member": bloc.officers["STP"], "proposed": bloc.officers["CAT"], "leader": bloc.leader}.get(
        role
    ) or getattr(bloc, role)


ROLES = ["anonymous", "member", "proposed", "leader", "board"]
# Who may not even know that the year exists (an officer outside the bloc, another province's board): 404 on every
# page, as for a year that does not exist. The insiders above are refused with 403.
STRANGERS = ["outsider", "other_board"]
# url name -> (method, expected status by role in ROLES); the proposal is Công an tỉnh's Flag, "proposed" its officer
PAGES = {
    "awards:minutes": ("get", [302, 200, 200, 200, 200]),
    "awards:minutes-edit": ("get", [302, 403, 403, 200, 403]),
    "awards:minutes-preview": ("get", [302, 200, 200, 200, 200]),
    "awards:minutes-render": ("post", [302, 302, 302, 302, 302]),
    "awards:minutes-issue": ("post", [302, 403, 403, 302, 403]),
    "awards:minutes-new-version": ("post", [302, 403, 403, 302, 403]),
    "awards:submission": ("get", [302, 403, 200, 200, 200]),
    "awards:submission-preview": ("get", [302, 403, 200, 200, 200]),
    "awards:submission-render": ("post", [302, 403, 302, 302, 302]),
    "awards:submission-issue": ("post", [302, 403, 403, 302, 403]),
    "awards:submission-new-version": ("post", [302, 403, 403, 302, 403]),
}


def _url(name, voted, fmt="pdf"):
    kwargs = {"slug": "ktdnc", "year": 2020}
    if name.startswith("awards:submission"):
        kwargs["pk"] = voted.proposal("CAT", "flag").pk
    if name.endswith("-render"):
        kwargs["fmt"] = fmt
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_pages_answer_each_role(voted, client, name):
    method, expected = PAGES[name]
    url = _url(name, voted)
    answers = {}
    for role in ROLES + STRANGERS:
        client.logout()
        user = _user(voted.bloc, role)
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url)
        answers[role] = response.status_code
        if role == "anonymous":
            assert response["Location"].startswith(reverse("login")), name
    assert answers == {**dict(zip(ROLES, expected, strict=True)), **dict.fromkeys(STRANGERS, 404)}


def test_every_documents_url_is_in_the_permission_table():
    assert {f"awards:{p.name}" for p in document_urls.urlpatterns} == set(PAGES)


def test_the_minutes_page_frames_the_preview_and_offers_both_files(voted, client):
    client.force_login(voted.bloc.officers["STP"])
    response = client.get(_url("awards:minutes", voted))
    html = response.content.decode()
    assert _url("awards:minutes-preview", voted) in html
    assert _url("awards:minutes-render", voted, "pdf") in html and _url("awards:minutes-render", voted, "docx") in html
    preview = client.get(_url("awards:minutes-preview", voted))
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    assert (
        "Khối thống nhất đề nghị UBND tỉnh tặng Cờ thi đua cho: Công an tỉnh Tuyên Quang (" in preview.content.decode()
    )


def _vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def test_a_render_is_queued_and_listed_with_its_progress(voted, client):
    client.force_login(voted.bloc.officers["STP"])  # reads the draft, but its files are its editors' alone
    response = client.post(_url("awards:minutes-render", voted, "docx"), follow=True)
    assert not RenderedDocument.objects.exists()
    assert [str(m) for m in response.context["messages"]] == [
        _vi("Files of a draft are made for those who edit it; this one can be downloaded once it is issued.")
    ]
    client.force_login(voted.bloc.officers["TTr"])  # the leader unit, who issues it
    response = client.post(_url("awards:minutes-render", voted, "docx"))
    assert response.status_code == 302 and response["Location"].endswith("/minutes/#documents")
    rendered = RenderedDocument.objects.get(kind=VOTE_COUNT_MINUTES.name)
    minutes = VoteCountMinutes.objects.get(year=voted.year)  # stored when its first file was asked for
    assert (rendered.format, rendered.object_id, rendered.status) == ("docx", str(minutes.pk), "pending")
    page = client.get(_url("awards:minutes", voted)).content.decode()
    assert f'id="document-{rendered.pk}"' in page
    assert client.post(_url("awards:minutes-render", voted, "odt")).status_code == 404


def test_the_submission_page_frames_its_preview(voted, client):
    client.force_login(voted.bloc.officers["CAT"])
    html = client.get(_url("awards:submission", voted)).content.decode()
    assert _url("awards:submission-preview", voted) in html
    assert _url("awards:submission-render", voted, "docx") in html
    preview = client.get(_url("awards:submission-preview", voted)).content.decode()
    assert "Về việc đề nghị tặng Cờ thi đua của UBND tỉnh năm 2020" in preview


def test_a_proposal_of_another_year_is_not_found(voted, client):
    client.force_login(voted.bloc.board)
    proposal = voted.proposal("CAT", "flag")
    url = reverse("awards:submission", kwargs={"slug": "ktdnc", "year": 2019, "pk": proposal.pk})
    assert client.get(url).status_code == 404


def test_before_any_result_is_published_there_are_no_minutes(bloc2020, client):
    client.force_login(bloc2020.leader)
    kwargs = {"slug": "ktdnc", "year": 2020}
    page = client.get(reverse("awards:minutes", kwargs=kwargs))
    assert page.status_code == 200 and b"minutes-preview" not in page.content
    assert client.get(reverse("awards:minutes-preview", kwargs=kwargs)).status_code == 404
    response = client.post(reverse("awards:minutes-render", kwargs={**kwargs, "fmt": "pdf"}), follow=True)
    assert RenderedDocument.objects.count() == 0
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


@pytest.mark.parametrize("everything", [False, True])
def test_the_minutes_page_reads_in_a_fixed_number_of_queries(
    bloc2020, client, django_assert_max_num_queries, everything
):
    voted = vote(bloc2020, everything=everything)
    minutes = VoteCountMinutes.objects.create(year=voted.year)
    for fmt in ("pdf", "docx") if everything else ("pdf",):
        RenderedDocument.objects.create(
            kind=VOTE_COUNT_MINUTES.name, object_id=str(minutes.pk), format=fmt, requested_by=bloc2020.leader
        )
    client.force_login(bloc2020.officers["STP"])
    with django_assert_max_num_queries(16):
        assert client.get(_url("awards:minutes", voted)).status_code == 200


@pytest.mark.parametrize("everything", [False, True])
def test_the_minutes_are_built_in_a_fixed_number_of_queries(bloc2020, django_assert_max_num_queries, everything):
    voted = vote(bloc2020, everything=everything)
    year = load_year(str(voted.year.pk))
    # the ballots (3), the conference's calendar entry, the units present, and the committee's defaults: the
    # officers of the leader and deputy units and the year's conference minutes (their secretary)
    with django_assert_max_num_queries(7):
        documents.minutes_document(year)
