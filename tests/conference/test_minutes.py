"""The conference minutes (Biên bản Hội nghị tổng kết): defaults from the plan and the delegates, the stale save,
issue and correction, the results read from the published ballots and ranking, the document's format, every
URL for every role, query counts at two sizes, the render command and the demo."""

import io

import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import URLPattern, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from docx import Document

import conference.urls.minutes
from awards import services as awards
from awards.enums import BallotMethod, BallotStatus
from blocs.enums import Phase
from blocs.models import RegisterEntry
from conference import demo as conference_demo
from conference.demo.minutes import seed_minutes_demo
from conference.documents.minutes import minutes_document
from conference.enums import PlanStatus
from conference.models import ConferenceMinutes, Delegate
from conference.services import minutes as services
from conference.services.plan import delegate_add
from core.documents import render_docx, render_pdf
from core.models import AuditLog, RenderedDocument
from tests.awards.conftest import bloc2020, private_storage  # noqa: F401  (fixtures)
from tests.conference import test_plan_document as plan_format
from tests.conference.test_views import FormFields, check_outcome, vi
from tests.factories import ProvinceFactory, board_of

Y = {"slug": "ktdnc", "year": 2020}
PAGE = reverse("conference:minutes", kwargs=Y)
EDIT = reverse("conference:minutes-edit", kwargs=Y)
PREVIEW = reverse("conference:minutes-preview", kwargs=Y)
ISSUE = reverse("conference:minutes-issue", kwargs=Y)
NEW_VERSION = reverse("conference:minutes-new-version", kwargs=Y)
LOGIN, BACK = "login", "back"
ROLES = ("anonymous", "outsider", "member", "deputy", "leader", "board", "other_board")
VIEWERS = ("member", "deputy", "leader", "board")
# Who may not even know that the year exists (an officer outside the bloc, another province's board): 404, the
# answer for a year that does not exist. The insiders are refused with 403.
STRANGERS = ("outsider", "other_board")


class World:
    """The demo bloc of 2020 (tests/awards/conftest.py) with the issued plan 53/KH-KTĐNC and a board of another
    province."""

    def __init__(self, bloc):
        self.bloc = bloc
        self.year = bloc.year
        self.units = bloc.units
        self.leader = bloc.leader
        self.member = bloc.officers["VKS"]
        self.deputy = bloc.officers["CAT"]
        self.board = bloc.board
        self.outsider = bloc.outsider
        self.other_board = board_of(ProvinceFactory(name="Hà Giang", code="HG"))
        self.anonymous = None

    def user(self, role):
        return getattr(self, role)


@pytest.fixture
def world(bloc2020) -> World:  # noqa: F811
    conference_demo.seed()
    return World(bloc2020)


def saved(world) -> ConferenceMinutes:
    return services.minutes_save(minutes=services.initial_minutes(world.year), expected_version=None, by=world.leader)


@pytest.fixture
def draft(world) -> ConferenceMinutes:
    return saved(world)


@pytest.fixture
def issued(world, draft) -> ConferenceMinutes:
    return services.minutes_issue(minutes=draft, number=None, by=world.leader)


def publish(world, ballot, votes: dict[str, int]) -> None:
    """A paper ballot through its whole life: every member present, the counting committee's figures."""
    leader = world.leader
    awards.ballot_freeze(ballot=ballot, by=leader)
    awards.ballot_open(ballot=ballot, present_unit_ids=[u.pk for u in world.units.values()], by=leader)
    awards.ballot_close(ballot=ballot, by=leader)
    candidates = list(ballot.candidates.select_related("unit"))
    awards.ballot_record_paper(
        ballot=ballot,
        issued=8,
        returned=8,
        invalid=0,
        votes={c.pk: votes.get(c.unit.code, 0) for c in candidates},
        by=leader,
    )
    awards.ballot_tally(ballot=ballot, by=leader)
    awards.ballot_publish(ballot=ballot, by=leader)


def flag_ballot(world):
    kinds = {k.code: k for k in awards.award_kinds_ensure(year=world.year)}
    return awards.ballot_create_award(award_kind=kinds["flag"], by=world.leader, method=BallotMethod.PAPER)


def merit_ballot(world):
    kinds = {k.code: k for k in awards.award_kinds_ensure(year=world.year)}
    return awards.ballot_create_award(award_kind=kinds["merit"], by=world.leader, method=BallotMethod.PAPER)


def election_ballot(world):
    return awards.ballot_create_election(year=world.year, by=world.leader, method=BallotMethod.PAPER)


@pytest.fixture
def results(world):
    """The conference's ballots: the Flag and the Certificate of Merit published, the election published."""
    publish(world, flag_ballot(world), {"CAT": 7})
    publish(world, merit_ballot(world), {"TTr": 7, "VKS": 6, "BCHQS": 5, "STP": 2})
    publish(world, election_ballot(world), {"CAT": 7, "TA": 6})
    return world


def text_of(minutes) -> str:
    document = minutes_document(
        ConferenceMinutes.objects.select_related("year__bloc__province", "year__leader").get(pk=minutes.pk)
    )
    return "\n".join(block.text for block in document.blocks)


def shows(response, text: str) -> bool:
    return escape(text) in response.content.decode()


# --- services ------------------------------------------------------------------------------------------


def test_defaults_come_from_the_plan_and_the_delegates(world):
    delegate_add(
        year=world.year,
        unit=world.units["CAT"],
        full_name="Hoàng Văn Nam",
        position="Phó Trưởng phòng Tham mưu",
        by=world.deputy,
    )

    minutes = services.initial_minutes(world.year)

    held = timezone.localtime(minutes.held_at)
    assert (held.date().isoformat(), held.strftime("%H:%M")) == ("2020-11-05", "14:30")
    assert minutes.ended_at.strftime("%H:%M") == "17:00"
    assert minutes.place == "Hội trường tầng III - Thanh tra tỉnh"
    assert minutes.chair_name == "Vũ Đức Thọ"  # the plan's signer
    assert minutes.secretary_name == world.leader.full_name  # an officer of the leader unit
    lines = minutes.members_present.splitlines()
    assert "Công an tỉnh Tuyên Quang: đồng chí Hoàng Văn Nam - Phó Trưởng phòng Tham mưu" in lines
    assert "Tòa án nhân dân tỉnh Tuyên Quang" in lines  # no delegate registered: the unit alone
    assert len(lines) == 8
    assert "Lãnh đạo và chuyên viên Ban Thi đua - Khen thưởng, Sở Nội vụ tỉnh" in minutes.guests.splitlines()
    assert minutes.pk is None and not ConferenceMinutes.objects.exists()  # nothing saved


def test_only_the_leader_writes_the_minutes(world):
    for user in (world.member, world.board, world.deputy):
        with pytest.raises(PermissionDenied):
            services.minutes_save(minutes=services.initial_minutes(world.year), expected_version=None, by=user)
    assert not ConferenceMinutes.objects.exists()


def test_a_stale_save_is_refused_and_changes_nothing(world, draft):
    mine = ConferenceMinutes.objects.get(pk=draft.pk)
    theirs = ConferenceMinutes.objects.get(pk=draft.pk)
    theirs.conclusion = "Kết luận của người khác."
    services.minutes_save(minutes=theirs, expected_version=1, by=world.leader)

    mine.conclusion = "Kết luận của tôi."
    with pytest.raises(services.StaleMinutes):
        services.minutes_save(minutes=mine, expected_version=1, by=world.leader)

    stored = ConferenceMinutes.objects.get(pk=draft.pk)
    assert (stored.conclusion, stored.version) == ("Kết luận của người khác.", 2)


def test_a_second_first_save_is_refused(world, draft):
    with pytest.raises(services.StaleMinutes):
        services.minutes_save(minutes=services.initial_minutes(world.year), expected_version=None, by=world.leader)
    assert ConferenceMinutes.objects.count() == 1


def test_issue_numbers_the_minutes_in_the_register_and_freezes_them(world, draft):
    expected = services.register_next_number(bloc=world.year.bloc, year=2020, doc_type="BB")

    issued = services.minutes_issue(minutes=draft, number=None, by=world.leader)

    assert issued.status == PlanStatus.ISSUED and issued.number == expected
    assert issued.number_text == f"{expected:02d}/BB-KTĐNC"
    entry = RegisterEntry.objects.get(bloc=world.year.bloc, year=2020, doc_type="BB", number=expected)
    assert entry.title == "Biên bản Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020"
    frozen = ConferenceMinutes.objects.get(pk=draft.pk)
    frozen.conclusion = "Sửa sau khi ban hành."
    with pytest.raises(ValidationError):
        services.minutes_save(minutes=frozen, expected_version=frozen.version, by=world.leader)
    with pytest.raises(ValidationError):
        services.minutes_issue(minutes=frozen, number=None, by=world.leader)
    assert ConferenceMinutes.objects.get(pk=draft.pk).conclusion != "Sửa sau khi ban hành."
    assert AuditLog.objects.filter(action="conference.minutes.issued").count() == 1


def test_issue_refuses_incomplete_minutes_and_a_used_number(world, draft):
    draft.secretary_name = ""
    services.minutes_save(minutes=draft, expected_version=draft.version, by=world.leader)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.minutes_issue(minutes=draft, number=None, by=world.leader)
    assert "secretary" in " ".join(error.value.messages)

    draft.secretary_name = "Nguyễn Thị Thu Hà"
    services.minutes_save(minutes=draft, expected_version=draft.version, by=world.leader)
    RegisterEntry.objects.create(bloc=world.year.bloc, year=2020, doc_type="BB", number=7, title="Biên bản khác")
    with pytest.raises(ValidationError) as error:
        services.minutes_issue(minutes=draft, number=7, by=world.leader)
    assert "number" in error.value.error_dict

    stored = ConferenceMinutes.objects.get(pk=draft.pk)
    assert (stored.status, stored.number) == (PlanStatus.DRAFT, None)


def test_issue_refuses_minutes_changed_since_the_page_was_read(world, draft):
    services.minutes_save(minutes=draft, expected_version=draft.version, by=world.leader)
    with pytest.raises(services.StaleMinutes):
        services.minutes_issue(minutes=draft, number=None, expected_version=1, by=world.leader)
    assert ConferenceMinutes.objects.get(pk=draft.pk).status == PlanStatus.DRAFT


def test_a_new_version_reopens_issued_minutes_under_the_same_number(world, issued):
    number, entries = issued.number, RegisterEntry.objects.count()

    reopened = services.minutes_new_version(minutes=issued, by=world.leader)

    assert (reopened.status, reopened.revision, reopened.number) == (PlanStatus.DRAFT, 2, number)
    reopened.conclusion = "Kết luận đã sửa."
    services.minutes_save(minutes=reopened, expected_version=reopened.version, by=world.leader)
    again = services.minutes_issue(minutes=reopened, number=None, by=world.leader)
    assert (again.status, again.number, again.revision) == (PlanStatus.ISSUED, number, 2)
    assert RegisterEntry.objects.count() == entries  # the number is not taken twice
    with pytest.raises(ValidationError):
        services.minutes_new_version(
            minutes=services.minutes_new_version(minutes=again, by=world.leader), by=world.leader
        )


def test_a_closed_year_takes_no_minutes(world, draft):
    world.year.phase = Phase.CLOSED
    world.year.save()
    with pytest.raises(PermissionDenied):
        services.minutes_save(minutes=draft, expected_version=draft.version, by=world.leader)


# --- what the minutes read from the ballots and the ranking ---------------------------------------------


def test_published_results_appear_as_the_ballots_store_them(world, results, draft):
    text = " ".join(text_of(draft).split())

    assert "Công bố kết quả chấm điểm" in text
    assert "Xếp thứ 1: Công an tỉnh Tuyên Quang - 96 điểm (Xuất sắc);" in text
    assert "Xếp thứ 3: Viện Kiểm sát nhân dân tỉnh Tuyên Quang - 92,5 điểm (Xuất sắc);" in text
    assert "Kết quả bình xét, suy tôn" in text
    assert "a) Cờ thi đua của UBND tỉnh" in text and "b) Bằng khen của Chủ tịch UBND tỉnh" in text
    assert "Công an tỉnh Tuyên Quang: 7/8 phiếu đồng ý (87,5%) - được suy tôn, đề nghị khen thưởng" in text
    assert "Sở Tư pháp tỉnh Tuyên Quang: 2/8 phiếu đồng ý (25%) - không đạt tỷ lệ phiếu đồng ý" in text
    assert "Tổng số đơn vị thành viên: 8; số đơn vị có mặt: 8." in text
    assert "phải được trên 50% tổng số đơn vị thành viên bỏ phiếu đồng ý; chỉ tiêu: 1 đơn vị." in text
    assert "Số phiếu phát ra: 8; số phiếu thu về: 8; số phiếu hợp lệ: 8; số phiếu không hợp lệ: 0." in text
    assert "Kết quả bầu đơn vị Trưởng khối, Phó Trưởng khối năm 2021" in text
    assert "Đơn vị Trưởng Khối: Công an tỉnh Tuyên Quang: 7/8 phiếu đồng ý (87,5%) - trúng cử;" in text
    assert "Đơn vị Phó Trưởng Khối: Tòa án nhân dân tỉnh Tuyên Quang: 6/8 phiếu đồng ý (75%) - trúng cử." in text


def test_results_are_read_not_recomputed(world, results, draft):
    """What a ballot stores is what the minutes say, even where a count would say otherwise."""
    ballot = world.year.ballots.get(kind="election")
    ballot.candidates.filter(unit__code="TA").update(outcome="below_threshold")

    assert "Tòa án nhân dân tỉnh Tuyên Quang: 6/8 phiếu đồng ý (75%) - không trúng cử" in text_of(draft)


def test_ballots_not_published_are_left_out(world, draft):
    ballot = flag_ballot(world)
    awards.ballot_freeze(ballot=ballot, by=world.leader)
    awards.ballot_open(ballot=ballot, present_unit_ids=[u.pk for u in world.units.values()], by=world.leader)
    awards.ballot_close(ballot=ballot, by=world.leader)
    candidates = {c.unit.code: c.pk for c in ballot.candidates.select_related("unit")}
    awards.ballot_record_paper(
        ballot=ballot, issued=8, returned=8, invalid=0, votes={candidates["CAT"]: 7}, by=world.leader
    )
    awards.ballot_tally(ballot=ballot, by=world.leader)
    assert world.year.ballots.get().status == BallotStatus.TALLIED

    text = text_of(draft)

    assert "Cờ thi đua của UBND tỉnh" not in text and "phiếu đồng ý" not in text
    assert "Kết quả bầu đơn vị Trưởng khối" not in text
    assert "Công bố kết quả chấm điểm" in text  # the ranking is published


def test_an_unpublished_ranking_is_left_out(world, draft):
    table = world.year.criteria_table
    type(table).objects.filter(pk=table.pk).update(ranking_published_at=None)

    assert "Công bố kết quả chấm điểm" not in text_of(draft)


# --- the document ----------------------------------------------------------------------------------------

_RENDERED: dict = {}


@pytest.fixture
def minutes_pdf(world, results):
    """The issued minutes with the results, rendered once (each test still runs in its own transaction)."""
    if not _RENDERED:
        minutes = seed_minutes_demo(world.year)
        document = minutes_document(
            ConferenceMinutes.objects.select_related("year__bloc__province", "year__leader").get(pk=minutes.pk)
        )
        pdf = render_pdf(document)
        _RENDERED.update(pdf=pdf, docx=render_docx(document), document=document, number=minutes.number_text)
    return _RENDERED


@pytest.fixture
def pages(minutes_pdf):
    if "pages" not in minutes_pdf:
        pdf = pdfplumber.open(io.BytesIO(minutes_pdf["pdf"]))
        minutes_pdf["pages"] = [
            {"width": p.width, "height": p.height, "chars": p.chars, "text": p.extract_text() or "", "page": p}
            for p in pdf.pages
        ]
    return minutes_pdf["pages"]


def test_the_pdf_passes_the_plans_format_checks(pages):
    plan_format.test_every_page_is_a4(pages)
    plan_format.test_margins_fall_inside_decree_30(pages)
    fonts = {c["fontname"].split("+")[-1] for p in pages for c in p["chars"]}
    assert (
        {"DocSerif", "DocSerif-Bold"}
        <= fonts
        <= {"DocSerif", "DocSerif-Bold", "DocSerif-Italic", "DocSerif-Bold-Italic"}
    )
    plan_format.test_page_numbers_from_page_two_centred_at_the_top(pages)


def test_the_header_and_title(pages, minutes_pdf):
    first = pages[0]
    mm = plan_format.MM
    middle = (30 + (210 - 15 - 30) * 0.40) * mm
    for needle in ("UBND TỈNH TUYÊN QUANG", "KHỐI THI ĐUA NỘI CHÍNH", f"Số: {minutes_pdf['number']}"):
        x0, top = plan_format.line_top(first, needle)
        assert x0 < middle and top < 50 * mm, needle
    x0, top = plan_format.line_top(first, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    assert x0 > middle - 2 * mm and top < 50 * mm
    # Mẫu 1.9: no place-and-date line under the motto (the first paragraph says when and where)
    assert "ngày 05 tháng 11 năm 2020" not in first["text"]
    assert plan_format.line_top(first, "BIÊN BẢN")[1] > plan_format.line_top(first, "Số:")[1]
    text = " ".join(plan_format.nfc("\n".join(p["text"] for p in pages)).split())
    for fact in (
        "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020",
        "Hôm nay, vào hồi 14 giờ 30 phút, ngày 05/11/2020 (Thứ năm), tại Hội trường tầng III - Thanh tra tỉnh",
        "Kết quả bình xét, suy tôn",
        "Kết quả bầu đơn vị Trưởng khối, Phó Trưởng khối năm 2021",
        "Hội nghị kết thúc vào hồi 17 giờ 00 phút cùng ngày.",
    ):
        assert fact in text, fact


def test_the_secretary_and_the_chair_sign_side_by_side(pages):
    last = pages[-1]
    centre = last["width"] / 2
    secretary_x, secretary_top = plan_format.line_top(last, "THƯ KÝ")
    chair_x, chair_top = plan_format.line_top(last, "CHỦ TRÌ HỘI NGHỊ")
    assert secretary_x < centre < chair_x
    assert abs(secretary_top - chair_top) < 2 * plan_format.MM  # on the same band
    assert (
        plan_format.line_top(last, "Nguyễn Thị Thu Hà")[0] < centre < plan_format.line_top(last, "Nguyễn Văn Thắng")[0]
    )
    assert chair_top > plan_format.line_top(last, "Hội nghị./.")[1]
    # Nơi nhận under the secretary's block (Mẫu 1.9), ending with the file copy
    assert "Nơi nhận" in last["text"] and "- Lưu: VT, Hồ sơ." in last["text"]


def test_the_docx_has_the_same_body(minutes_pdf):
    word = Document(io.BytesIO(minutes_pdf["docx"]))
    body = [p.text for p in word.paragraphs if p.text.strip()]
    expected = [b.text.replace("**", "").replace("*", "") for b in minutes_pdf["document"].blocks]
    assert body[-len(expected) :] == expected
    assert "BIÊN BẢN" in body


def test_render_command(world, issued, tmp_path):
    output = tmp_path / "bb.pdf"

    call_command("render_document", "conference-minutes", "--bloc", "KTĐNC", "--year", "2020", "--output", output)

    assert output.read_bytes().startswith(b"%PDF")


def test_the_demo_minutes_are_issued_once(world):
    first = seed_minutes_demo(world.year)
    state = (ConferenceMinutes.objects.count(), RegisterEntry.objects.count(), AuditLog.objects.count())

    again = seed_minutes_demo(world.year)

    assert again.pk == first.pk and again.number == first.number
    assert (ConferenceMinutes.objects.count(), RegisterEntry.objects.count(), AuditLog.objects.count()) == state
    held = timezone.localtime(first.held_at)
    assert held.strftime("%d/%m/%Y %H:%M") == "05/11/2020 14:30"
    assert first.place == "Hội trường tầng III - Thanh tra tỉnh" and first.is_issued
    assert first.chair_position.startswith("Chánh Thanh tra tỉnh")
    assert first.secretary_name == "Nguyễn Thị Thu Hà"


# --- pages -------------------------------------------------------------------------------------------------


def db_state() -> dict:
    return {
        "minutes": list(ConferenceMinutes.objects.values_list("status", "number", "version", "revision", "conclusion")),
        "documents": RenderedDocument.objects.count(),
        "register": RegisterEntry.objects.count(),
        "audit": AuditLog.objects.count(),
    }


def outcomes(*, ok=(), ok_status=200, others=403) -> dict:
    def outcome(role):
        if role == "anonymous":
            return LOGIN
        if role in STRANGERS:
            return 404
        return ok_status if role in ok else others

    return {role: outcome(role) for role in ROLES}


# name -> (method, extra kwargs, POST data, outcome per role), with draft minutes
DRAFT_URLS = {
    "conference:minutes": ("get", {}, None, outcomes(ok=VIEWERS)),
    "conference:minutes-edit": ("get", {}, None, outcomes(ok=("leader",))),
    "conference:minutes-preview": ("get", {}, None, outcomes(ok=("leader",))),  # a draft: its writer only
    "conference:minutes-issue": ("post", {}, {"number": ""}, outcomes(ok=("leader",), ok_status=BACK)),
    # a draft needs no new version: the leader is sent back with the service's message
    "conference:minutes-new-version": ("post", {}, None, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:minutes-render": ("post", {"fmt": "pdf"}, None, outcomes(ok=("leader",), ok_status=BACK)),
}
# once issued: every reader reads the text and the files; the leader corrects through a new version
ISSUED_URLS = {
    "conference:minutes": ("get", {}, None, outcomes(ok=VIEWERS)),
    "conference:minutes-edit": ("get", {}, None, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:minutes-preview": ("get", {}, None, outcomes(ok=VIEWERS)),
    "conference:minutes-issue": ("post", {}, {"number": ""}, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:minutes-new-version": ("post", {}, None, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:minutes-render": ("post", {"fmt": "docx"}, None, outcomes(ok=VIEWERS, ok_status=BACK)),
}


def _cases(table, prefix):
    return [
        pytest.param(name, role, expected, id=f"{prefix}-{name}-{role}-{expected}")
        for name, (_m, _k, _d, by_role) in table.items()
        for role, expected in by_role.items()
    ]


def _request(world, client_as, table, name, role):
    method, kwargs, data, _by_role = table[name]
    path = reverse(name, kwargs={**Y, **kwargs})
    return path, getattr(client_as(world.user(role)), method)(path, data or {})


@pytest.mark.parametrize(("name", "role", "expected"), _cases(DRAFT_URLS, "draft"))
def test_url_by_role_with_draft_minutes(world, draft, client_as, name, role, expected):
    before = db_state()
    path, response = _request(world, client_as, DRAFT_URLS, name, role)
    check_outcome(response, expected, path)
    if DRAFT_URLS[name][0] == "post" and expected != BACK:
        assert db_state() == before


@pytest.mark.parametrize(("name", "role", "expected"), _cases(ISSUED_URLS, "issued"))
def test_url_by_role_with_issued_minutes(world, issued, client_as, name, role, expected):
    before = db_state()
    path, response = _request(world, client_as, ISSUED_URLS, name, role)
    check_outcome(response, expected, path)
    if ISSUED_URLS[name][0] == "post" and expected != BACK:
        assert db_state() == before


def test_every_minutes_url_has_a_permission_row():
    names = {f"conference:{p.name}" for p in conference.urls.minutes.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(DRAFT_URLS) == set(ISSUED_URLS)


@pytest.mark.parametrize("name", [n for n, spec in DRAFT_URLS.items() if spec[0] == "post"])
def test_post_only_urls_refuse_get(world, draft, client_as, name):
    path = reverse(name, kwargs={**Y, **DRAFT_URLS[name][1]})
    before = db_state()
    assert client_as(world.leader).get(path).status_code == 405
    assert db_state() == before


def test_before_any_minutes(world, client_as):
    member = client_as(world.member)
    assert shows(member.get(PAGE), vi("The leader unit has not written the minutes of the conference yet."))
    assert member.get(PREVIEW).status_code == 403
    assert member.post(ISSUE).status_code == 403
    leader = client_as(world.leader)
    assert shows(leader.get(PAGE), vi("Write the minutes"))
    assert leader.post(ISSUE).status_code == 404
    preview = leader.get(PREVIEW)  # the defaults, before the first save
    assert preview.status_code == 200 and "Hội trường tầng III - Thanh tra tỉnh" in preview.content.decode()
    assert preview["Content-Security-Policy"].endswith("frame-ancestors 'self'")
    assert not ConferenceMinutes.objects.exists()


def test_a_closed_year_turns_the_leader_away(world, draft, client_as):
    world.year.phase = Phase.CLOSED
    world.year.save()
    assert client_as(world.leader).get(EDIT).status_code == 403
    assert client_as(world.leader).get(PAGE).status_code == 200


def test_the_plan_page_links_to_the_minutes(world, client_as):
    response = client_as(world.member).get(reverse("conference:plan", kwargs=Y))
    assert f'href="{PAGE}"' in response.content.decode()


def test_unknown_format_is_404(world, draft, client_as):
    path = reverse("conference:minutes-render", kwargs={**Y, "fmt": "odt"})
    assert client_as(world.leader).post(path).status_code == 404


# --- the editor ----------------------------------------------------------------------------------------


def editor_data(client) -> dict[str, str]:
    response = client.get(EDIT)
    assert response.status_code == 200
    return FormFields(response.content.decode(), "minutes-form").values


def test_the_editor_creates_then_round_trips_the_minutes(world, client_as):
    client = client_as(world.leader)
    data = editor_data(client)

    assert client.post(EDIT, data).status_code == 302
    created = ConferenceMinutes.objects.values().get()
    assert created["place"] == "Hội trường tầng III - Thanh tra tỉnh" and created["version"] == 1
    assert created["updated_by_id"] == world.leader.pk

    assert client.post(EDIT, editor_data(client)).status_code == 302
    after = ConferenceMinutes.objects.values().get()
    assert {k for k in after if after[k] != created[k]} == {"version", "updated_at"}


def test_the_editor_keeps_the_input_of_a_stale_save(world, draft, client_as):
    client = client_as(world.leader)
    data = editor_data(client)
    services.minutes_save(minutes=ConferenceMinutes.objects.get(), expected_version=1, by=world.leader)
    data["conclusion"] = "Kết luận tôi vừa gõ."
    before = db_state()

    response = client.post(EDIT, data)

    assert response.status_code == 200
    assert shows(response, vi("Someone else saved these minutes after you opened them; your input is kept below."))
    assert "Kết luận tôi vừa gõ." in response.content.decode()
    assert db_state() == before
    # saving again, on top of the version saved meanwhile, goes through
    again = FormFields(response.content.decode(), "minutes-form").values
    assert client.post(EDIT, again).status_code == 302
    assert ConferenceMinutes.objects.get().conclusion == "Kết luận tôi vừa gõ."


def test_the_editor_refuses_bad_input_with_a_message(world, draft, client_as):
    client = client_as(world.leader)
    data = {**editor_data(client), "held_on": "31/02/2020", "ended_at": "10:00", "place": ""}
    before = db_state()

    response = client.post(EDIT, data)

    assert response.status_code == 200 and db_state() == before
    assert shows(response, vi("Please correct the fields marked below; nothing was saved yet."))


def test_the_preview_shows_what_is_typed_without_saving(world, draft, client_as):
    client = client_as(world.leader)
    data = {**editor_data(client), "conclusion": "Hội nghị nhất trí điều vừa gõ."}
    before = db_state()

    response = client.post(PREVIEW, data)

    assert response.status_code == 200 and "Hội nghị nhất trí điều vừa gõ." in response.content.decode()
    assert db_state() == before
    bad = client.post(PREVIEW, {**data, "start_time": "25:99"})
    assert bad.status_code == 200 and "<form" not in bad.content.decode()
    assert client_as(world.member).post(PREVIEW, data).status_code == 403


def test_issue_and_new_version_through_the_pages(world, draft, client_as, results):
    client = client_as(world.leader)
    page = client.get(PAGE)
    number = page.context["issue_form"].initial["number"]
    included = page.context["included"]
    assert [row["elected"] for row in included] == [
        ["Công an tỉnh"],
        ["Thanh tra tỉnh", "Viện Kiểm sát nhân dân tỉnh", "Bộ Chỉ huy Quân sự tỉnh"],
        ["Công an tỉnh", "Tòa án nhân dân tỉnh"],
    ]

    response = client.post(ISSUE, {"number": "", "version": str(draft.version)}, follow=True)

    stored = ConferenceMinutes.objects.get()
    assert stored.is_issued and stored.number == number
    assert shows(response, vi("The minutes were issued as number %(number)s.") % {"number": stored.number_text})
    response = client.post(NEW_VERSION, follow=True)
    assert response.redirect_chain[-1][0] == EDIT
    assert ConferenceMinutes.objects.get().revision == 2


def test_a_refused_issue_shows_the_reason_on_the_page(world, draft, client_as):
    RegisterEntry.objects.create(bloc=world.year.bloc, year=2020, doc_type="BB", number=3, title="Biên bản khác")
    before = db_state()

    response = client_as(world.leader).post(ISSUE, {"number": "3", "version": str(draft.version)})

    assert response.status_code == 200 and db_state() == before
    assert "Biên bản khác" in response.content.decode()


# --- queries at two sizes --------------------------------------------------------------------------------


def _grow(world, n: int) -> None:
    """n delegates per unit, n renderings, and (for the larger size) every ballot published."""
    for unit in world.units.values():
        Delegate.objects.bulk_create(
            Delegate(year=world.year, unit=unit, full_name=f"Đại biểu {k}", position="Chuyên viên") for k in range(n)
        )
    minutes = ConferenceMinutes.objects.get()
    RenderedDocument.objects.bulk_create(
        RenderedDocument(
            kind="conference.minutes",
            object_id=str(minutes.pk),
            object_version=1,
            format="pdf",
            requested_by=world.leader,
        )
        for _ in range(n)
    )


@pytest.mark.parametrize("size", ["small", "large"])
def test_minutes_page_queries(world, draft, client_as, django_assert_max_num_queries, size):
    if size == "small":
        publish(world, flag_ballot(world), {"CAT": 7})
        _grow(world, 1)
    else:
        publish(world, flag_ballot(world), {"CAT": 7})
        publish(world, merit_ballot(world), {"TTr": 7, "VKS": 6, "BCHQS": 5, "STP": 2})
        publish(world, election_ballot(world), {"CAT": 7, "TA": 6})
        _grow(world, 12)
    client = client_as(world.leader)

    with django_assert_max_num_queries(14):
        response = client.get(PAGE)

    assert len(response.context["included"]) == (1 if size == "small" else 3)


@pytest.mark.parametrize("size", ["small", "large"])
def test_minutes_preview_queries(world, draft, client_as, django_assert_max_num_queries, size):
    publish(world, flag_ballot(world), {"CAT": 7})
    if size == "large":
        publish(world, merit_ballot(world), {"TTr": 7, "VKS": 6, "BCHQS": 5, "STP": 2})
        publish(world, election_ballot(world), {"CAT": 7, "TA": 6})
    client = client_as(world.leader)

    with django_assert_max_num_queries(10):
        response = client.get(PREVIEW)

    assert "Cờ thi đua của UBND tỉnh" in response.content.decode()


def test_a_draft_rendering_is_read_only_by_its_writer(world, draft, client_as):
    """A draft's files are its writer's (the leader's), even once the minutes are issued: they are not the issued
    text (a 404 to anyone else); the issued minutes' own files are the members'."""
    client_as(world.leader).post(reverse("conference:minutes-render", kwargs={**Y, "fmt": "pdf"}))
    rendered = RenderedDocument.objects.get(kind="conference.minutes")
    status = reverse("core:document-status", kwargs={"pk": rendered.pk})

    assert client_as(world.leader).get(status).status_code == 200
    assert client_as(world.member).get(status).status_code == 404
    services.minutes_issue(minutes=draft, number=None, by=world.leader)
    assert client_as(world.member).get(status).status_code == 404
    assert client_as(world.outsider).get(status).status_code == 404
    assert client_as(world.leader).get(status).status_code == 200

    client_as(world.member).post(reverse("conference:minutes-render", kwargs={**Y, "fmt": "pdf"}))
    issued = RenderedDocument.objects.filter(kind="conference.minutes").latest("id")
    assert issued.state == RenderedDocument.State.ISSUED
    issued_status = reverse("core:document-status", kwargs={"pk": issued.pk})
    assert client_as(world.member).get(issued_status).status_code == 200
    assert client_as(world.outsider).get(issued_status).status_code == 404  # may not know the year's minutes
