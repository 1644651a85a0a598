"""The bloc's summary report (Báo cáo tổng kết của Khối): what it compiles from the demo's records (members,
reports on time, the ranking, the ballots and proposals with the province's decisions, next year's leaders),
the leader's narrative (save, stale save, quotes of the units' summaries), sending it for comments (a DraftReport
with the PDF and the section titles), issue after the comment round, correction; the document's Decree 30
format (the plan's checks), the DOCX and the command; every URL for every role; query counts at two sizes.

The full demo (the 2020 conference voted, 2021 open, the units' reports, the draft report) is seeded once for
the module inside a transaction rolled back at its end; each test runs in a savepoint of it."""

import datetime
import io
import re
from functools import cache

import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import URLPattern, reverse
from django.utils import timezone, translation
from django.utils.html import escape
from docx import Document

import conference.urls.summary
from awards import demo as awards_demo
from awards.models import Ballot, Proposal
from blocs import demo as blocs_demo
from blocs.enums import Audience, DeadlineKind, Phase
from blocs.models import Deadline, EmulationYear, Membership, Person, RegisterEntry, Unit
from conference import demo as conference_demo
from conference.demo.summary import seed_summary_demo
from conference.documents.summary import summary_document
from conference.enums import AnswerStatus, PlanStatus
from conference.models import Comment, DraftReport, SummaryReport
from conference.services import summary as services
from conference.tasks import summary_send_task
from core.documents import render_docx, render_pdf
from core.models import AuditLog, Notification, RenderedDocument
from reports.models import Extension, Submission, SubmissionVersion
from scoring import demo as scoring_demo
from scoring.models import CriteriaTable
from tests.conference import test_plan_document as plan_format
from tests.conference.test_views import FormFields, check_outcome, vi
from tests.factories import ProvinceFactory, board_of

Y = {"slug": "ktdnc", "year": 2020}
PAGE = reverse("conference:summary", kwargs=Y)
EDIT = reverse("conference:summary-edit", kwargs=Y)
PREVIEW = reverse("conference:summary-preview", kwargs=Y)
QUOTE = reverse("conference:summary-quote", kwargs=Y)
SEND = reverse("conference:summary-send", kwargs=Y)
ISSUE = reverse("conference:summary-issue", kwargs=Y)
NEW_VERSION = reverse("conference:summary-new-version", kwargs=Y)
LOGIN, BACK = "login", "back"
ROLES = ("anonymous", "outsider", "member", "deputy", "leader", "board", "other_board")
VIEWERS = ("member", "deputy", "leader", "board")
# Who may not even know that the year exists (an officer outside the bloc, another province's board): 404, the
# answer for a year that does not exist. The insiders are refused with 403.
STRANGERS = ("outsider", "other_board")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            blocs_demo.seed()
            scoring_demo.seed()
            conference_demo.seed()
            awards_demo.seed()
            seed_summary_demo(EmulationYear.objects.get(bloc__slug="ktdnc", year=2020))
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


class World:
    """The demo's internal-affairs bloc in 2020: Thanh tra tỉnh leads, Công an tỉnh is the deputy; a member
    (Viện Kiểm sát), the board, an officer of the other bloc and a board of another province."""

    def __init__(self):
        self.year = EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(
            bloc__slug="ktdnc", year=2020
        )
        self.units = {u.code: u for u in Unit.objects.filter(memberships__bloc=self.year.bloc)}
        self.officers = {}
        for person in Person.objects.filter(unit__in=self.units.values()).select_related("user").order_by("pk"):
            self.officers.setdefault(person.unit.code, person.user)
        self.leader = self.officers["TTr"]
        self.member = self.officers["VKS"]
        self.deputy = self.officers["CAT"]
        self.board = Person.objects.filter(board_province=self.year.bloc.province).select_related("user").first().user
        self.outsider = (
            Person.objects.filter(unit__isnull=False)
            .exclude(unit__in=self.units.values())
            .select_related("user")
            .first()
            .user
        )
        self.other_board = board_of(ProvinceFactory(name="Hà Giang", code="HG"))
        self.anonymous = None

    def user(self, role):
        return getattr(self, role)

    def summary(self) -> SummaryReport:
        summary = SummaryReport.objects.get(year=self.year)
        summary.year = self.year
        return summary


@pytest.fixture
def world(seeded, db) -> World:
    return World()


@cache
def tiny_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<p>Dự thảo</p>").write_pdf()


@pytest.fixture
def fast_pdf(monkeypatch):
    """Sending renders a one-line PDF: the real rendering is tested once, below."""
    monkeypatch.setattr("core.documents.render_pdf", lambda document: tiny_pdf())


def open_window(world) -> Deadline:
    """The demo's 2020 comment round moved around now: a report is sent for comments only while it is open."""
    now = timezone.now()
    window = Deadline.objects.get(year=world.year, kind=DeadlineKind.COMMENT_ROUND)
    Deadline.objects.filter(pk=window.pk).update(
        opens_at=now - datetime.timedelta(days=1), due_at=now + datetime.timedelta(days=3)
    )
    return window


def close_window(world) -> None:
    """The comment round over: the report may be issued."""
    now = timezone.now()
    Deadline.objects.filter(year=world.year, kind=DeadlineKind.COMMENT_ROUND).update(
        opens_at=now - datetime.timedelta(days=5), due_at=now - datetime.timedelta(minutes=1)
    )


def send(world, django_capture_on_commit_callbacks) -> SummaryReport:
    """Send for comments through the service inside the comment window, the worker's half run at the commit as
    Celery (eager) would; then the window runs out."""
    open_window(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.summary_send(summary=world.summary(), by=world.leader)
    close_window(world)
    return world.summary()


@pytest.fixture
def sent(world, fast_pdf, django_capture_on_commit_callbacks) -> SummaryReport:
    return send(world, django_capture_on_commit_callbacks)


@pytest.fixture
def issued(world, sent) -> SummaryReport:
    return services.summary_issue(summary=world.summary(), number=None, by=world.leader)


def text_of(summary: SummaryReport) -> str:
    return " ".join("\n".join(b.text for b in summary_document(summary).blocks).split())


def tables_of(summary: SummaryReport) -> list[tuple]:
    return [b.rows for b in summary_document(summary).blocks if b.kind == "table"]


def shows(response, text: str) -> bool:
    """The message is on the page ({% translate %} leaves an apostrophe as it is, a variable escapes it)."""
    html = response.content.decode()
    return escape(text) in html or text in html


def en(callable_, *args, **kwargs):
    with translation.override("en"):
        return callable_(*args, **kwargs)


# --- what the report compiles from the demo -------------------------------------------------------------


def test_members_and_reports_on_time(world):
    compiled = services.compile_summary(world.year)

    assert [u.code for u in compiled.members] == ["BNCTU", "BCHQS", "CAT", "CTHADS", "STP", "TTr", "TA", "VKS"]
    counts = [(c.deadline.kind, c.on_time, c.late, c.missing, c.pending) for c in compiled.reports]
    assert counts == [("summary_report", 6, 1, 1, 0), ("year_report", 7, 1, 0, 0)]
    not_on_time = [
        (c.deadline.kind, code, c.cells[unit.pk].state, c.cells[unit.pk].late_days)
        for c in compiled.reports
        for code, unit in sorted(world.units.items())
        if c.cells[unit.pk].state != "on_time"
    ]
    assert not_on_time == [
        ("summary_report", "BNCTU", "missing", 0),
        ("summary_report", "CTHADS", "late", 3),  # 22/10 08:00 for 19/10 23:59: every day begun counts
        ("year_report", "CTHADS", "late", 3),
    ]


def test_the_published_ranking_with_self_and_reviewed_totals(world):
    compiled = services.compile_summary(world.year)

    rows = [(r.rank, r.unit.code, str(r.self_total), str(r.reviewed_total), r.classification) for r in compiled.ranking]
    assert rows == [
        (1, "CAT", "97.00", "96.00", "Xuất sắc"),
        (2, "TTr", "94.50", "94.00", "Xuất sắc"),
        (3, "VKS", "93.50", "92.50", "Xuất sắc"),
        (4, "BCHQS", "92.50", "91.50", "Xuất sắc"),
        (5, "STP", "91.50", "91.50", "Xuất sắc"),
        (6, "TA", "88.00", "88.00", "Tốt"),
        (7, "CTHADS", "83.50", "83.50", "Tốt"),
        (8, "BNCTU", "81.00", "81.00", "Tốt"),
    ]


def test_ballots_proposals_and_the_provinces_decisions(world):
    compiled = services.compile_summary(world.year)

    assert [(b.kind, b.award_kind.code if b.award_kind else "", b.round) for b in compiled.ballots] == [
        ("award", "flag", 1),
        ("award", "merit", 1),
        ("award", "merit", 2),
        ("election", "", 1),
    ]
    proposals = [(p.award_kind.code, p.unit.code, p.votes, p.status, p.decision_number) for p in compiled.proposals]
    assert proposals == [
        ("flag", "CAT", 7, "approved", "2156/QĐ-UBND"),
        ("merit", "TTr", 7, "approved", "2157/QĐ-UBND"),
        ("merit", "VKS", 7, "approved", "2157/QĐ-UBND"),
        ("merit", "BCHQS", 5, "submitted", ""),
    ]


def test_next_years_leaders_from_the_opened_year_else_from_the_election(world):
    chosen = services.compile_summary(world.year).next
    assert (chosen.leader.code, chosen.deputy.code, chosen.source) == ("CAT", "TA", "year")
    assert (chosen.leader_votes, chosen.deputy_votes) == ("7/8", "7/8")

    EmulationYear.objects.filter(bloc=world.year.bloc, year=2021).update(year=2031)  # as if 2021 were not open

    chosen = services.compile_summary(world.year).next
    assert (chosen.leader.code, chosen.deputy.code, chosen.source) == ("CAT", "TA", "election")


def test_the_first_version_decides_and_a_report_not_due_is_pending(world):
    """A report sent on time, returned, and corrected after the deadline still came in on time; a report not
    sent is pending, not missing, until its due date (or its extension's) has passed."""
    deadline = Deadline.objects.get(year=world.year, kind=DeadlineKind.SUMMARY_REPORT)
    missing = Submission.objects.create(deadline=deadline, unit=world.units["BNCTU"])
    for number, late in ((1, 0), (2, 5 * 86400)):
        SubmissionVersion.objects.create(
            submission=missing,
            number=number,
            file="x.pdf",
            original_name="x.pdf",
            size=1,
            submitted_at=deadline.due_at,
            late_seconds=late,
        )
    later = Deadline.objects.create(
        year=world.year,
        kind=DeadlineKind.YEAR_REPORT,
        audience=Audience.MEMBERS,
        title="Báo cáo bổ sung",
        due_at=timezone.now() + datetime.timedelta(days=3),
    )

    Extension.objects.create(
        deadline=Deadline.objects.get(year=world.year, kind=DeadlineKind.YEAR_REPORT, due_at__lt=timezone.now()),
        unit=world.units["STP"],
        due_at=timezone.now() + datetime.timedelta(days=1),
        reason="Gia hạn",
    )
    SubmissionVersion.objects.filter(
        submission__unit=world.units["STP"], submission__deadline__kind=DeadlineKind.YEAR_REPORT
    ).delete()

    columns = {c.deadline.pk: c for c in services.compile_summary(world.year).reports}

    assert columns[deadline.pk].cells[world.units["BNCTU"].pk].state == "on_time"
    assert (columns[later.pk].pending, columns[later.pk].on_time) == (8, 0)
    year_report = next(
        c for c in columns.values() if c.deadline.title != "Báo cáo bổ sung" and c.deadline.kind == "year_report"
    )
    assert year_report.cells[world.units["STP"].pk].state == "pending"  # nothing sent, its extension runs


def test_the_document_states_the_compiled_facts(world):
    summary = world.summary()
    text = text_of(summary)

    for fact in (
        "Năm 2020, Khối thi đua Nội chính tỉnh Tuyên Quang gồm 08 đơn vị thành viên: Ban Nội chính Tỉnh ủy Tuyên "
        "Quang, Bộ Chỉ huy Quân sự tỉnh Tuyên Quang,",
        "Đơn vị Trưởng Khối: Thanh tra tỉnh Tuyên Quang; đơn vị Phó Trưởng Khối: Công an tỉnh Tuyên Quang.",
        "Báo cáo tóm tắt: 06 đơn vị gửi đúng hạn, 01 đơn vị gửi chậm, 01 đơn vị không gửi; Báo cáo tổng kết: 07 "
        "đơn vị gửi đúng hạn, 01 đơn vị gửi chậm.",
        "đề nghị Ủy ban nhân dân tỉnh tặng Cờ thi đua của UBND tỉnh và Bằng khen của Chủ tịch UBND tỉnh (có 01 lần "
        "bỏ phiếu lại do các đơn vị bằng số phiếu).",
        "Hội nghị đã bỏ phiếu kín bầu **Công an tỉnh Tuyên Quang** (7/8 phiếu đồng ý) làm đơn vị Trưởng Khối, "
        "**Tòa án nhân dân tỉnh Tuyên Quang** (7/8 phiếu đồng ý) làm đơn vị Phó Trưởng Khối thi đua năm 2021.",
        "Theo báo cáo của Công an tỉnh Tuyên Quang: “Năm 2020, Công an tỉnh Tuyên Quang đã triển khai sâu rộng",
        "Trên đây là Báo cáo tổng kết công tác thi đua, khen thưởng năm 2020, phương hướng, nhiệm vụ năm 2021 của "
        "Khối thi đua Nội chính tỉnh Tuyên Quang./.",
    ):
        assert fact in text, fact
    reports, ranking, proposals = tables_of(summary)
    assert reports[0] == ("TT", "Đơn vị", "Báo cáo tóm tắt (hạn 19/10/2020)", "Báo cáo tổng kết (hạn 19/10/2020)")
    assert reports[1] == ("1", "Ban Nội chính Tỉnh ủy", "Không gửi", "Đúng hạn")
    assert reports[4] == ("4", "Cục Thi hành án dân sự", "Chậm 3 ngày", "Chậm 3 ngày")
    assert ranking == (
        ("Xếp hạng", "Đơn vị", "Điểm tự chấm", "Điểm Khối chấm", "Xếp loại"),
        ("1", "Công an tỉnh", "97", "96", "Xuất sắc"),
        ("2", "Thanh tra tỉnh", "94,5", "94", "Xuất sắc"),
        ("3", "Viện Kiểm sát nhân dân tỉnh", "93,5", "92,5", "Xuất sắc"),
        ("4", "Bộ Chỉ huy Quân sự tỉnh", "92,5", "91,5", "Xuất sắc"),
        ("5", "Sở Tư pháp", "91,5", "91,5", "Xuất sắc"),
        ("6", "Tòa án nhân dân tỉnh", "88", "88", "Tốt"),
        ("7", "Cục Thi hành án dân sự", "83,5", "83,5", "Tốt"),
        ("8", "Ban Nội chính Tỉnh ủy", "81", "81", "Tốt"),
    )
    assert proposals[1:] == (
        ("1", "Cờ thi đua của UBND tỉnh", "Công an tỉnh", "7/8", "Đã được tặng (QĐ số 2156/QĐ-UBND ngày 20/01/2021)"),
        (
            "2",
            "Bằng khen của Chủ tịch UBND tỉnh",
            "Thanh tra tỉnh",
            "7/8",
            "Đã được tặng (QĐ số 2157/QĐ-UBND ngày 20/01/2021)",
        ),
        (
            "3",
            "Bằng khen của Chủ tịch UBND tỉnh",
            "Viện Kiểm sát nhân dân tỉnh",
            "7/8",
            "Đã được tặng (QĐ số 2157/QĐ-UBND ngày 20/01/2021)",
        ),
        ("4", "Bằng khen của Chủ tịch UBND tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "5/8 (lần 2)", "Đã trình, chờ quyết định"),
    )


def test_a_year_without_results_says_what_is_still_to_come(world):
    """The other bloc's 2020: no published ranking, no ballot, no year 2021: each section says so."""
    year = EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(
        bloc__slug="ktdvhxh", year=2020
    )
    text = text_of(services.initial_summary(year))

    assert "Kết quả chấm điểm, xếp hạng thi đua của các đơn vị thành viên chưa được công bố." in text
    assert "Việc bình xét, suy tôn các đơn vị đề nghị khen thưởng được tiến hành tại Hội nghị tổng kết" in text
    assert "Việc giới thiệu, bầu đơn vị Trưởng Khối, Phó Trưởng Khối năm 2021 được tiến hành tại Hội nghị" in text


def test_an_unpublished_ranking_is_left_out(world):
    CriteriaTable.objects.filter(year=world.year).update(ranking_published_at=None)

    summary = world.summary()

    assert "chưa được công bố" in text_of(summary)
    assert len(tables_of(summary)) == 2  # the reports and the proposals


def test_a_compile_takes_the_same_queries_whatever_the_size(world, django_assert_num_queries):
    with django_assert_num_queries(10):
        services.compile_summary(world.year)


# --- writing, quoting ----------------------------------------------------------------------------------


def test_defaults_come_from_the_plan(world):
    summary = services.initial_summary(world.year)

    assert (summary.place, summary.dated) == ("Tuyên Quang", datetime.date(2020, 11, 5))
    assert summary.introduction.startswith(
        "Thực hiện Kế hoạch số 53/KH-KTĐNC ngày 28/09/2020 của Khối thi đua Nội chính tỉnh Tuyên Quang, Thanh tra "
        "tỉnh Tuyên Quang - đơn vị Trưởng Khối thi đua năm 2020"
    )
    assert summary.recipients.splitlines()[1] == "Ban TĐ- KT tỉnh, SNV (B/cáo)"
    assert (summary.signer_authority, summary.signer_body, summary.signer_name) == (
        "TM. KHỐI THI ĐUA NỘI CHÍNH",
        "TRƯỞNG KHỐI",
        "Vũ Đức Thọ",
    )
    assert summary.pk is None


def test_only_the_leader_writes_the_report(world):
    for user in (world.member, world.board, world.deputy):
        summary = world.summary()
        summary.results = "Không được phép."
        with pytest.raises(PermissionDenied):
            services.summary_save(summary=summary, expected_version=summary.version, by=user)
    assert world.summary().results != "Không được phép."


def test_a_stale_save_is_refused_and_changes_nothing(world):
    mine, theirs = world.summary(), world.summary()
    theirs.lessons = "Bài học của người khác."
    services.summary_save(summary=theirs, expected_version=1, by=world.leader)

    mine.lessons = "Bài học của tôi."
    with pytest.raises(services.StaleSummary):
        services.summary_save(summary=mine, expected_version=1, by=world.leader)

    stored = world.summary()
    assert (stored.lessons, stored.version) == ("Bài học của người khác.", 2)


def test_a_second_first_save_is_refused(world):
    with pytest.raises(services.StaleSummary):
        services.summary_save(summary=services.initial_summary(world.year), expected_version=None, by=world.leader)
    assert SummaryReport.objects.count() == 1


def test_a_save_never_touches_the_sending_state(world):
    stale = world.summary()
    SummaryReport.objects.filter(pk=stale.pk).update(send_requested_at=timezone.now())

    services.summary_save(summary=stale, expected_version=stale.version, by=world.leader)

    assert world.summary().send_requested_at is not None


def test_the_quotable_summaries_are_those_sent_and_not_returned(world):
    sources = services.quotable_summaries(world.year)
    assert [s.unit.code for s in sources] == ["BCHQS", "CAT", "CTHADS", "STP", "TTr", "TA", "VKS"]  # not BNCTU's
    Submission.objects.filter(unit=world.units["STP"], deadline__kind=DeadlineKind.SUMMARY_REPORT).update(
        status="returned"
    )
    assert "STP" not in [s.unit.code for s in services.quotable_summaries(world.year)]


def test_a_quote_of_a_summary_written_in_the_browser(world):
    """The latest version is quoted: here the unit wrote it in the browser after sending a PDF."""
    submission = Submission.objects.get(unit=world.units["STP"], deadline__kind=DeadlineKind.SUMMARY_REPORT)
    content = {
        "title": "Tóm tắt",
        "sections": [
            {
                "heading": "Kết quả",
                "text": "- Tham mưu ban hành 36 văn bản quy phạm pháp luật;\n+ Thẩm định 100% dự thảo.",
            },
            {"heading": "", "text": "Tổ chức **412** hội nghị tuyên truyền."},
        ],
    }
    SubmissionVersion.objects.create(
        submission=submission,
        number=2,
        file="x.pdf",
        original_name="x.pdf",
        size=1,
        submitted_at=timezone.now(),
        content=content,
    )
    source = services.quote_source(world.year, submission.pk)

    assert source.written_in_browser
    assert services.quote_text(source) == (
        "Theo báo cáo của Sở Tư pháp tỉnh Tuyên Quang: “Tham mưu ban hành 36 văn bản quy phạm pháp luật; Thẩm định "
        "100% dự thảo. Tổ chức 412 hội nghị tuyên truyền.”"
    )


def test_a_quote_of_an_uploaded_pdf_takes_its_body_only_shortened(world):
    """The unit's name and the title of its PDF are not quoted; the text is cut after a whole sentence."""
    source = next(s for s in services.quotable_summaries(world.year) if s.unit.code == "CAT")

    assert services.quote_text(source) == (
        "Theo báo cáo của Công an tỉnh Tuyên Quang: “Năm 2020, Công an tỉnh Tuyên Quang đã triển khai sâu rộng các "
        "phong trào thi đua yêu nước gắn với thực hiện nhiệm vụ chính trị được giao; hoàn thành 100% chỉ tiêu, nhiệm "
        "vụ trọng tâm; thực hiện tốt công tác phòng, chống dịch Covid-19; nội bộ đoàn kết, không có cán bộ, công chức "
        "vi phạm kỷ luật. Đơn vị tham gia đầy đủ các hoạt động của Khối thi đua Nội chính và thực hiện nghiêm các nội "
        "dung giao ước thi đua đã ký kết. …”"
    )


def test_a_long_summary_is_cut_after_a_sentence_and_a_quote_goes_in_once():
    sentence = "Đơn vị hoàn thành vượt mức các chỉ tiêu được giao trong năm. "
    cut = services._trim(sentence * 30)
    assert len(cut) <= services.QUOTE_LIMIT and cut.endswith("năm. …")
    words = services._trim("chữ " * 400)
    assert words.endswith("chữ …") and len(words) <= services.QUOTE_LIMIT

    once = services.with_quote("Đoạn một.", "Theo báo cáo của A: “…”")
    assert once == "Đoạn một.\nTheo báo cáo của A: “…”"
    assert services.with_quote(once, "Theo báo cáo của A: “…”") == once
    assert services.with_quote("", "Q") == "Q"


def test_a_quote_has_no_stray_marks_from_decomposed_or_split_letters():
    """Text extracted from a PDF may come decomposed (NFD), or with a mark set apart from its letter: the quote is
    composed again and never shows a lone mark ("ắ")."""
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Tỉnh Bắc Giang đạt kết quả tốt. ") * 40
    split = "Tỉnh Ba\u0306 \u0301c Giang đạt kết quả tốt."

    for text in (decomposed, split):
        quoted = services._trim(text)
        assert quoted == unicodedata.normalize("NFC", quoted)
        assert "Bắc" in quoted
        assert not any(unicodedata.combining(c) for c in quoted)
        assert all(len(word) > 1 or word.isalnum() or word == "…" for word in quoted.split())


def test_only_a_listed_summary_can_be_quoted(world):
    other = Submission.objects.filter(deadline__kind=DeadlineKind.YEAR_REPORT).first()
    with pytest.raises(ValidationError):
        services.quote_source(world.year, other.pk)
    with pytest.raises(ValidationError):
        services.quote_source(world.year, "x")


# --- sending for comments, issue, correction ------------------------------------------------------------


def test_sending_publishes_the_rendered_pdf_with_the_section_titles(world, django_capture_on_commit_callbacks):
    open_window(world)
    summary = world.summary()
    requested = services.summary_send(summary=summary, by=world.leader)  # the worker has not run yet
    assert requested.is_sending and not DraftReport.objects.exists()

    services.summary_send_render(summary_id=summary.pk, user_id=world.leader.pk)

    draft = DraftReport.objects.get()
    assert (draft.year_id, draft.version, draft.published_by_id) == (world.year.pk, 1, world.leader.pk)
    assert draft.sections == [
        "I. KẾT QUẢ THỰC HIỆN CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM 2020",
        "1. Đặc điểm tình hình",
        "2. Kết quả thực hiện các phong trào thi đua",
        "3. Việc thực hiện chế độ thông tin, báo cáo",
        "4. Kết quả chấm điểm, xếp hạng thi đua",
        "5. Kết quả bình xét, suy tôn và đề nghị khen thưởng",
        "6. Kết quả bầu đơn vị Trưởng Khối, Phó Trưởng Khối năm 2021",
        "II. HẠN CHẾ, NGUYÊN NHÂN",
        "III. BÀI HỌC KINH NGHIỆM",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2021",
    ]
    assert draft.original_name == "bao-cao-tong-ket-ktdnc-2020-v1.pdf"
    with draft.file.open("rb") as handle:
        pdf = pdfplumber.open(io.BytesIO(handle.read()))
        assert "Tổng kết công tác thi đua, khen thưởng năm 2020" in (pdf.pages[0].extract_text() or "")
    stored = world.summary()
    assert (stored.is_sending, stored.is_sent, stored.last_draft_id, stored.sent_version) == (
        False,
        True,
        draft.pk,
        stored.version,
    )
    assert Notification.objects.filter(recipient=world.member, link__endswith="/draft-report/").exists()
    assert AuditLog.objects.filter(action="conference.summary.sent").count() == 1
    # a second delivery of the same task does nothing
    assert services.summary_send_render(summary_id=summary.pk, user_id=world.leader.pk) is None
    assert DraftReport.objects.count() == 1


def test_the_task_takes_ids_that_go_through_json(world, fast_pdf, django_capture_on_commit_callbacks):
    open_window(world)
    services.summary_send(summary=world.summary(), by=world.leader)

    summary_send_task.delay(world.summary().pk, world.leader.pk)  # eager, as in the worker

    assert summary_send_task.name == "conference.summary_send" and summary_send_task.queue == "documents"
    assert world.summary().last_draft.version == 1


def test_sending_again_publishes_the_next_version(world, sent, django_capture_on_commit_callbacks):
    summary = world.summary()
    summary.lessons += "\n- Bài học bổ sung sau góp ý."
    services.summary_save(summary=summary, expected_version=summary.version, by=world.leader)
    assert world.summary().changed_since_sent

    again = send(world, django_capture_on_commit_callbacks)

    assert [d.version for d in DraftReport.objects.order_by("version")] == [1, 2]
    assert again.last_draft.version == 2 and not again.changed_since_sent


def test_sending_is_refused_twice_at_once_or_with_a_section_missing(world):
    open_window(world)
    summary = world.summary()
    services.summary_send(summary=summary, by=world.leader)
    with pytest.raises(ValidationError):
        services.summary_send(summary=summary, by=world.leader)

    SummaryReport.objects.filter(pk=summary.pk).update(send_requested_at=None, lessons=" ")
    with pytest.raises(ValidationError) as error:
        en(services.summary_send, summary=world.summary(), by=world.leader)
    assert error.value.messages == ["Write these sections first: lessons learned."]
    with pytest.raises(PermissionDenied):
        services.summary_send(summary=world.summary(), by=world.member)


def test_a_failed_rendering_is_recorded_for_the_page(world, monkeypatch):
    def broken(document):
        raise OSError("disk full")

    monkeypatch.setattr("core.documents.render_pdf", broken)
    open_window(world)
    summary = services.summary_send(summary=world.summary(), by=world.leader)

    with pytest.raises(OSError):
        services.summary_send_render(summary_id=summary.pk, user_id=world.leader.pk)

    stored = world.summary()
    assert (stored.is_sending, stored.send_error, stored.is_sent) == (False, "OSError: disk full", False)
    assert not DraftReport.objects.exists()


def test_issue_waits_for_the_comment_round(world, fast_pdf, django_capture_on_commit_callbacks):
    """Not before the report was sent; not while the window is open; not while a comment waits for an answer."""
    problems = en(services.issue_problems, world.summary())
    assert problems == ["Send the report for comments first: the member units comment on it before it is final."]
    with pytest.raises(ValidationError):
        services.summary_issue(summary=world.summary(), number=None, by=world.leader)

    send(world, django_capture_on_commit_callbacks)
    window = Deadline.objects.get(year=world.year, kind=DeadlineKind.COMMENT_ROUND)
    now = timezone.now()
    Deadline.objects.filter(pk=window.pk).update(
        opens_at=now - datetime.timedelta(days=1), due_at=now + datetime.timedelta(days=2)
    )
    problems = en(services.issue_problems, world.summary())
    assert len(problems) == 1 and problems[0].startswith("The member units may comment until ")

    comment = Comment.objects.create(
        draft=DraftReport.objects.get(), unit=world.units["VKS"], author=world.member, text="Đề nghị bổ sung."
    )
    Deadline.objects.filter(pk=window.pk).update(opens_at=now - datetime.timedelta(days=5), due_at=now)
    assert en(services.issue_problems, world.summary()) == ["1 comment on the draft waits for an answer."]
    with pytest.raises(ValidationError):
        services.summary_issue(summary=world.summary(), number=None, by=world.leader)

    Comment.objects.filter(pk=comment.pk).update(answer_status=AnswerStatus.ACCEPTED, answer="Tiếp thu.")
    assert services.issue_problems(world.summary()) == []
    assert services.summary_issue(summary=world.summary(), number=None, by=world.leader).is_issued


def test_issue_numbers_the_report_in_the_register_and_freezes_it(world, sent):
    expected = services.register_next_number(bloc=world.year.bloc, year=2020, doc_type="BC")

    issued = services.summary_issue(summary=world.summary(), number=None, by=world.leader)

    assert (issued.status, issued.number, issued.number_text) == (
        PlanStatus.ISSUED,
        expected,
        f"{expected:02d}/BC-KTĐNC",
    )
    entry = RegisterEntry.objects.get(bloc=world.year.bloc, year=2020, doc_type="BC", number=expected)
    assert (
        entry.title
        == "Báo cáo tổng kết công tác thi đua, khen thưởng năm 2020 của Khối thi đua Nội chính tỉnh Tuyên Quang"
    )
    frozen = world.summary()
    frozen.results = "Sửa sau khi ban hành."
    with pytest.raises(ValidationError):
        services.summary_save(summary=frozen, expected_version=frozen.version, by=world.leader)
    with pytest.raises(ValidationError):
        services.summary_issue(summary=world.summary(), number=None, by=world.leader)
    with pytest.raises(ValidationError):
        services.summary_send(summary=world.summary(), by=world.leader)
    assert world.summary().results != "Sửa sau khi ban hành."
    assert f"Số: {issued.number_text}" in " ".join(
        pdfplumber.open(io.BytesIO(render_pdf(summary_document(world.summary())))).pages[0].extract_text().split()
    )


def test_issue_refuses_a_used_number_and_a_stale_page(world, sent):
    RegisterEntry.objects.create(bloc=world.year.bloc, year=2020, doc_type="BC", number=7, title="Báo cáo khác")
    with pytest.raises(ValidationError) as error:
        services.summary_issue(summary=world.summary(), number=7, by=world.leader)
    assert "number" in error.value.error_dict
    with pytest.raises(services.StaleSummary):
        services.summary_issue(summary=world.summary(), number=None, expected_version=0, by=world.leader)
    assert (world.summary().status, world.summary().number) == (PlanStatus.DRAFT, None)


def test_a_new_version_reopens_the_issued_report_under_the_same_number(world, issued):
    number, entries = issued.number, RegisterEntry.objects.count()

    reopened = services.summary_new_version(summary=world.summary(), by=world.leader)

    assert (reopened.status, reopened.revision, reopened.number) == (PlanStatus.DRAFT, 2, number)
    reopened = world.summary()
    reopened.directions += "\n- Nhiệm vụ bổ sung."
    services.summary_save(summary=reopened, expected_version=reopened.version, by=world.leader)
    again = services.summary_issue(summary=world.summary(), number=None, by=world.leader)
    assert (again.status, again.number, again.revision) == (PlanStatus.ISSUED, number, 2)
    assert RegisterEntry.objects.count() == entries  # the number is not taken twice
    with pytest.raises(ValidationError):
        services.summary_new_version(
            summary=services.summary_new_version(summary=world.summary(), by=world.leader), by=world.leader
        )


def test_a_closed_year_takes_no_change(world):
    EmulationYear.objects.filter(pk=world.year.pk).update(phase=Phase.CLOSED)
    world.year.phase = Phase.CLOSED
    summary = world.summary()
    with pytest.raises(PermissionDenied):
        services.summary_save(summary=summary, expected_version=summary.version, by=world.leader)
    with pytest.raises(PermissionDenied):
        services.summary_send(summary=summary, by=world.leader)


# --- the document ----------------------------------------------------------------------------------------

_RENDERED: dict = {}


@pytest.fixture
def rendered(world):
    """The demo report, rendered once (each test still runs in its own savepoint)."""
    if not _RENDERED:
        document = summary_document(world.summary())
        _RENDERED.update(document=document, pdf=render_pdf(document), docx=render_docx(document))
    return _RENDERED


@pytest.fixture
def pages(rendered):
    if "pages" not in rendered:
        pdf = pdfplumber.open(io.BytesIO(rendered["pdf"]))
        rendered["pages"] = [
            {"width": p.width, "height": p.height, "chars": p.chars, "text": p.extract_text() or "", "page": p}
            for p in pdf.pages
        ]
    return rendered["pages"]


def test_the_pdf_passes_the_plans_format_checks(pages):
    plan_format.test_every_page_is_a4(pages)
    plan_format.test_margins_fall_inside_decree_30(pages)
    plan_format.test_every_character_is_in_the_bundled_font(pages)
    plan_format.test_page_numbers_from_page_two_centred_at_the_top(pages)


def test_the_header_columns_and_the_title(pages):
    first, mm = pages[0], plan_format.MM
    middle = (30 + (210 - 15 - 30) * 0.40) * mm
    for needle in ("UBND TỈNH TUYÊN QUANG", "KHỐI THI ĐUA NỘI CHÍNH", "/BC-KTĐNC"):  # a draft: blank for the number
        x0, top = plan_format.line_top(first, needle)
        assert x0 < middle and top < 50 * mm, needle
    for needle in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tuyên Quang, ngày 05 tháng 11 năm 2020",
    ):
        x0, top = plan_format.line_top(first, needle)
        assert x0 > middle - 2 * mm and top < 50 * mm, needle
    number_top = plan_format.line_top(first, "/BC-KTĐNC")[1]
    assert plan_format.line_top(first, "BÁO CÁO")[1] > number_top
    text = " ".join(plan_format.nfc(first["text"]).split())
    assert (
        "BÁO CÁO Tổng kết công tác thi đua, khen thưởng năm 2020 và phương hướng, nhiệm vụ năm 2021 của Khối thi đua "
        "Nội chính tỉnh Tuyên Quang"
    ) in text


def test_recipients_bottom_left_and_the_signature_bottom_right(pages):
    last = pages[-1]
    centre = last["width"] / 2
    recipients_x, recipients_top = plan_format.line_top(last, "Nơi nhận:")
    authority_x, authority_top = plan_format.line_top(last, "TM. KHỐI THI ĐUA NỘI CHÍNH")
    assert recipients_x < centre < authority_x
    assert abs(recipients_top - authority_top) < 5 * plan_format.MM  # on the same band
    assert plan_format.line_top(last, "TRƯỞNG KHỐI")[1] > authority_top
    assert plan_format.line_top(last, "Nguyễn Văn Thắng")[0] > centre
    assert recipients_top > plan_format.line_top(last, "./.")[1]
    text = " ".join(plan_format.nfc(last["text"]).split())
    assert "- Ban TĐ- KT tỉnh, SNV (B/cáo);" in text and "- Lưu: VT, TTr." in text


def test_the_docx_opens_with_the_tables(rendered):
    word = Document(io.BytesIO(rendered["docx"]))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert "Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-KTĐNC" in word.tables[0].rows[0].cells[0].text  # blank number
    body = word.tables[1:-1]
    assert [len(t.rows) for t in body] == [9, 9, 5]  # reports, ranking, proposals: a header row and one a line
    assert [c.text for c in body[1].rows[1].cells] == ["1", "Công an tỉnh", "97", "96", "Xuất sắc"]
    assert [c.text for c in body[2].rows[4].cells][2:4] == ["Bộ Chỉ huy Quân sự tỉnh", "5/8 (lần 2)"]
    footer = [cell.text for cell in word.tables[-1].rows[0].cells]
    assert footer[0].startswith("Nơi nhận:") and "Nguyễn Văn Thắng" in footer[1]
    paragraphs = [p.text for p in word.paragraphs if p.text.strip()]
    assert "II. HẠN CHẾ, NGUYÊN NHÂN" in paragraphs and "BÁO CÁO" in paragraphs


@pytest.mark.parametrize("suffix", ["pdf", "docx"])
def test_the_render_command(world, tmp_path, suffix):
    output = tmp_path / f"summary.{suffix}"

    call_command("render_document", "summary", "--bloc", "KTĐNC", "--year", "2020", "--output", str(output))

    assert output.read_bytes().startswith(b"%PDF" if suffix == "pdf" else b"PK")


def test_the_render_command_without_a_report(world, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "render_document", "summary", "--bloc", "ktdvhxh", "--year", "2020", "--output", str(tmp_path / "x")
        )


def test_the_demo_is_idempotent_and_left_in_draft(world):
    models = (SummaryReport, Submission, SubmissionVersion, AuditLog, DraftReport)
    state = [m.objects.count() for m in models]

    again = seed_summary_demo(world.year)

    assert again.pk == world.summary().pk and [m.objects.count() for m in models] == state
    assert (again.status, again.is_sent, again.number) == (PlanStatus.DRAFT, False, None)
    assert all(getattr(again, name).strip() for name in services.NARRATIVE)


# --- pages -------------------------------------------------------------------------------------------------


def db_state() -> dict:
    return {
        "summary": list(
            SummaryReport.objects.values_list(
                "status", "number", "version", "revision", "results", "send_requested_at", "sent_at"
            )
        ),
        "drafts": DraftReport.objects.count(),
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


def quote_data(world) -> dict:
    submission = services.quotable_summaries(world.year)[0].submission
    return {"submission": str(submission.pk), "results": "Đoạn đang gõ.", "place": "Tuyên Quang"}


# name -> (method, extra kwargs, POST data, outcome per role)
DRAFT_URLS = {  # a draft not sent for comments yet
    "conference:summary": ("get", {}, None, outcomes(ok=VIEWERS)),
    "conference:summary-edit": ("get", {}, None, outcomes(ok=("leader",))),
    "conference:summary-preview": ("get", {}, None, outcomes(ok=("leader", "board"))),  # not the members' yet
    "conference:summary-quote": ("post", {}, quote_data, outcomes(ok=("leader",))),  # the editor, unsaved
    "conference:summary-send": ("post", {}, None, outcomes(ok=("leader",), ok_status=BACK)),
    # not sent for comments: the page again with the reason
    "conference:summary-issue": ("post", {}, None, outcomes(ok=("leader",))),
    # a draft needs no new version: the leader is sent back with the service's message
    "conference:summary-new-version": ("post", {}, None, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:summary-render": ("post", {"fmt": "pdf"}, None, outcomes(ok=("leader", "board"), ok_status=BACK)),
}
SENT_URLS = {  # in the comment round: the members read it
    **DRAFT_URLS,
    "conference:summary-preview": ("get", {}, None, outcomes(ok=VIEWERS)),
    "conference:summary-issue": ("post", {}, None, outcomes(ok=("leader",), ok_status=BACK)),  # round over: issued
    "conference:summary-render": ("post", {"fmt": "docx"}, None, outcomes(ok=VIEWERS, ok_status=BACK)),
}
ISSUED_URLS = {  # frozen: the leader is sent back with the reason, or corrects through a new version
    "conference:summary": ("get", {}, None, outcomes(ok=VIEWERS)),
    "conference:summary-edit": ("get", {}, None, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:summary-preview": ("get", {}, None, outcomes(ok=VIEWERS)),
    "conference:summary-quote": ("post", {}, quote_data, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:summary-send": ("post", {}, None, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:summary-issue": ("post", {}, None, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:summary-new-version": ("post", {}, None, outcomes(ok=("leader",), ok_status=BACK)),
    "conference:summary-render": ("post", {"fmt": "pdf"}, None, outcomes(ok=VIEWERS, ok_status=BACK)),
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
    return path, getattr(client_as(world.user(role)), method)(path, data(world) if data else {})


def _check(world, client_as, table, name, role, expected):
    before = db_state()
    path, response = _request(world, client_as, table, name, role)
    check_outcome(response, expected, path)
    if table[name][0] == "post" and expected != BACK:
        assert db_state() == before


@pytest.mark.parametrize(("name", "role", "expected"), _cases(DRAFT_URLS, "draft"))
def test_url_by_role_with_a_draft(world, client_as, name, role, expected):
    _check(world, client_as, DRAFT_URLS, name, role, expected)


@pytest.mark.parametrize(("name", "role", "expected"), _cases(SENT_URLS, "sent"))
def test_url_by_role_in_the_comment_round(world, sent, client_as, name, role, expected):
    _check(world, client_as, SENT_URLS, name, role, expected)


@pytest.mark.parametrize(("name", "role", "expected"), _cases(ISSUED_URLS, "issued"))
def test_url_by_role_once_issued(world, issued, client_as, name, role, expected):
    _check(world, client_as, ISSUED_URLS, name, role, expected)


def test_every_summary_url_has_a_permission_row():
    names = {f"conference:{p.name}" for p in conference.urls.summary.urlpatterns if isinstance(p, URLPattern)}
    assert names == set(DRAFT_URLS) == set(SENT_URLS) == set(ISSUED_URLS)


@pytest.mark.parametrize("name", [n for n, spec in DRAFT_URLS.items() if spec[0] == "post"])
def test_post_only_urls_refuse_get(world, client_as, name):
    path = reverse(name, kwargs={**Y, **DRAFT_URLS[name][1]})
    before = db_state()
    assert client_as(world.leader).get(path).status_code == 405
    assert db_state() == before


def test_before_any_report(world, client_as):
    SummaryReport.objects.all().delete()
    member = client_as(world.member)
    assert shows(member.get(PAGE), vi("The leader unit has not written the bloc's summary report yet."))
    assert member.get(PREVIEW).status_code == 403
    leader = client_as(world.leader)
    page = leader.get(PAGE)
    assert shows(page, vi("Write the report")) and page.context["compiled"] is not None
    assert leader.post(SEND).status_code == 404 and leader.post(ISSUE).status_code == 404
    preview = leader.get(PREVIEW)  # the defaults, before the first save
    assert preview.status_code == 200 and "Thực hiện Kế hoạch số 53/KH-KTĐNC" in preview.content.decode()
    assert preview["Content-Security-Policy"].endswith("frame-ancestors 'self'")
    assert not SummaryReport.objects.exists()


def test_members_read_the_draft_only_once_sent(world, client_as, fast_pdf, django_capture_on_commit_callbacks):
    member = client_as(world.member)
    assert shows(
        member.get(PAGE),
        vi("The leader unit is writing the report; you can read it here once it is sent for comments."),
    )
    send(world, django_capture_on_commit_callbacks)
    page = member.get(PAGE)
    assert f'src="{PREVIEW}"' in page.content.decode()
    assert reverse("conference:draft-report", kwargs=Y) in page.content.decode()


def test_the_plan_and_the_draft_report_link_to_the_report(world, client_as):
    for name in ("conference:plan", "conference:draft-report"):
        response = client_as(world.member).get(reverse(name, kwargs=Y))
        assert f'href="{PAGE}"' in response.content.decode(), name


def test_unknown_format_is_404(world, client_as):
    path = reverse("conference:summary-render", kwargs={**Y, "fmt": "odt"})
    assert client_as(world.leader).post(path).status_code == 404


def test_a_draft_rendering_is_read_by_its_writer_alone(world, client_as, fast_pdf, django_capture_on_commit_callbacks):
    """A draft's files are its writer's (the leader's): the board, and the members once it is sent for comments,
    read the draft itself (and the copy sent for comments), not its files (a 404)."""
    client_as(world.leader).post(reverse("conference:summary-render", kwargs={**Y, "fmt": "pdf"}))
    rendered = RenderedDocument.objects.get(kind="conference.summary")
    status = reverse("core:document-status", kwargs={"pk": rendered.pk})

    assert client_as(world.leader).get(status).status_code == 200
    assert client_as(world.board).get(status).status_code == 404
    assert client_as(world.member).get(status).status_code == 404
    send(world, django_capture_on_commit_callbacks)
    assert client_as(world.member).get(status).status_code == 404
    assert client_as(world.outsider).get(status).status_code == 404
    assert client_as(world.leader).get(status).status_code == 200


# --- the editor and the page's actions ----------------------------------------------------------------


def editor_data(client) -> dict[str, str]:
    response = client.get(EDIT)
    assert response.status_code == 200
    return FormFields(response.content.decode(), "summary-form").values


def test_the_editor_round_trips_the_report(world, client_as):
    client = client_as(world.leader)
    before = SummaryReport.objects.values().get()

    assert client.post(EDIT, editor_data(client)).status_code == 302

    after = SummaryReport.objects.values().get()
    assert {k for k in after if after[k] != before[k]} == {"version", "updated_at"}


def test_the_editor_creates_the_first_draft(world, client_as):
    SummaryReport.objects.all().delete()
    client = client_as(world.leader)
    data = {**editor_data(client), "results": "Kết quả năm 2020."}

    assert client.post(EDIT, data).status_code == 302

    created = SummaryReport.objects.get()
    assert (created.results, created.version, created.updated_by_id) == ("Kết quả năm 2020.", 1, world.leader.pk)


def test_the_editor_keeps_the_input_of_a_stale_save(world, client_as):
    client = client_as(world.leader)
    data = editor_data(client)
    theirs = world.summary()
    services.summary_save(summary=theirs, expected_version=theirs.version, by=world.leader)
    data["lessons"] = "Bài học tôi vừa gõ."
    before = db_state()

    response = client.post(EDIT, data)

    assert response.status_code == 200 and db_state() == before
    assert shows(response, vi(services.STALE_MESSAGE))
    assert "Bài học tôi vừa gõ." in response.content.decode()
    again = FormFields(response.content.decode(), "summary-form").values
    assert client.post(EDIT, again).status_code == 302
    assert world.summary().lessons == "Bài học tôi vừa gõ."


def test_the_editor_refuses_bad_input_with_a_message(world, client_as):
    client = client_as(world.leader)
    data = {**editor_data(client), "dated": "31/02/2020", "place": ""}
    before = db_state()

    response = client.post(EDIT, data)

    assert response.status_code == 200 and db_state() == before
    assert shows(response, vi("Please correct the fields marked below; nothing was saved yet."))


def test_quoting_keeps_what_was_typed_and_saves_nothing(world, client_as):
    client = client_as(world.leader)
    source = next(s for s in services.quotable_summaries(world.year) if s.unit.code == "TA")
    data = {
        **editor_data(client),
        "results": "Đoạn tôi vừa gõ.",
        "lessons": "Bài học chưa lưu.",
        "submission": source.submission.pk,
    }
    before = db_state()

    response = client.post(QUOTE, data)

    assert response.status_code == 200 and db_state() == before
    values = FormFields(response.content.decode(), "summary-form").values
    assert values["lessons"] == "Bài học chưa lưu."
    first, quote = values["results"].split("\n")
    assert first == "Đoạn tôi vừa gõ." and quote.startswith("Theo báo cáo của Tòa án nhân dân tỉnh Tuyên Quang: “")
    assert shows(response, vi("The quote was added at the end of the results; save the draft to keep it."))


def test_quoting_with_htmx_swaps_only_the_results_field(world, client_as):
    client = client_as(world.leader)
    source = next(s for s in services.quotable_summaries(world.year) if s.unit.code == "VKS")
    before = db_state()

    response = client.post(
        QUOTE,
        {**editor_data(client), "results": "A.", "submission": source.submission.pk},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200 and db_state() == before
    assert html.startswith('<div id="results-field">') and "<html" not in html
    assert "Theo báo cáo của Viện Kiểm sát nhân dân tỉnh Tuyên Quang:" in html
    bad = client.post(QUOTE, {"results": "A.", "submission": "0"}, headers={"HX-Request": "true"})
    assert bad.status_code == 200 and shows(
        bad, vi("This summary cannot be quoted: choose one of the summaries listed.")
    )


def test_the_preview_shows_what_is_typed_without_saving(world, client_as):
    client = client_as(world.leader)
    data = {**editor_data(client), "lessons": "Bài học vừa gõ, chưa lưu."}
    before = db_state()

    response = client.post(PREVIEW, data)

    assert response.status_code == 200 and "Bài học vừa gõ, chưa lưu." in response.content.decode()
    assert db_state() == before
    bad = client.post(PREVIEW, {**data, "dated": "99/99/2020"})
    assert bad.status_code == 200 and "<form" not in bad.content.decode()
    assert client_as(world.member).post(PREVIEW, data).status_code == 403


def test_send_shows_the_progress_then_the_draft(world, client_as, fast_pdf, django_capture_on_commit_callbacks):
    open_window(world)
    client = client_as(world.leader)
    version = client.get(PAGE).context["send_form"].initial["version"]

    response = client.post(SEND, {"version": version})  # the worker's half waits for the commit

    assert response.status_code == 302 and world.summary().is_sending
    page = client.get(PAGE).content.decode()
    assert 'hx-select="#send-status"' in page and f'hx-get="{PAGE}"' in page
    services.summary_send_render(summary_id=world.summary().pk, user_id=world.leader.pk)
    page = client.get(PAGE)
    html = page.content.decode()
    assert 'hx-select="#send-status"' not in html
    assert reverse("conference:draft-report", kwargs=Y) in html
    assert page.context["issue_form"] is None  # not while the member units may still comment
    close_window(world)
    page = client.get(PAGE)
    assert page.context["issue_problems"] == [] and page.context["issue_form"] is not None


def test_a_stale_send_is_refused_with_the_reason(world, client_as):
    open_window(world)
    client = client_as(world.leader)
    before = db_state()

    response = client.post(SEND, {"version": "0"}, follow=True)

    assert db_state() == before
    assert shows(
        response, vi("The report was changed after you opened this page; read the preview again before sending it.")
    )


def test_issue_and_new_version_through_the_pages(world, sent, client_as):
    client = client_as(world.leader)
    page = client.get(PAGE)
    number = page.context["issue_form"].initial["number"]

    response = client.post(ISSUE, {"number": "", "version": str(world.summary().version)}, follow=True)

    stored = world.summary()
    assert stored.is_issued and stored.number == number
    assert shows(response, vi("The report was issued as number %(number)s.") % {"number": stored.number_text})
    response = client.post(NEW_VERSION, follow=True)
    assert response.redirect_chain[-1][0] == EDIT
    assert world.summary().revision == 2


def test_a_refused_issue_shows_the_reason_on_the_page(world, sent, client_as):
    RegisterEntry.objects.create(bloc=world.year.bloc, year=2020, doc_type="BC", number=3, title="Báo cáo khác")
    before = db_state()

    response = client_as(world.leader).post(ISSUE, {"number": "3", "version": str(world.summary().version)})

    assert response.status_code == 200 and db_state() == before
    assert "Báo cáo khác" in response.content.decode()


def test_the_page_says_why_the_report_cannot_be_issued_yet(world, client_as):
    response = client_as(world.leader).get(PAGE)
    assert response.context["issue_form"] is None
    assert shows(response, vi("Send the report for comments first: the member units comment on it before it is final."))


# --- queries at two sizes --------------------------------------------------------------------------------


def _grow(world) -> None:
    """Six more member units with their reports, proposals and renderings, and more comments."""
    bloc, year = world.year.bloc, world.year
    deadlines = list(Deadline.objects.filter(year=year, kind__in=services.REPORT_KINDS))
    merit = Ballot.objects.filter(year=year, award_kind__code="merit", round=1).select_related("award_kind").get()
    for n in range(6):
        unit = Unit.objects.create(
            province=bloc.province, name=f"Đơn vị mới {n}", short_name=f"Đơn vị {n}", code=f"DV{n}"
        )
        Membership.objects.create(bloc=bloc, unit=unit, start_year=2020)
        for deadline in deadlines:
            submission = Submission.objects.create(deadline=deadline, unit=unit)
            SubmissionVersion.objects.create(
                submission=submission,
                number=1,
                file="x.pdf",
                original_name="x.pdf",
                size=1,
                submitted_at=deadline.due_at,
                content={"title": "T", "sections": [{"heading": "", "text": "Nội dung."}]},
            )
        Proposal.objects.create(award_kind=merit.award_kind, unit=unit, ballot=merit, votes=1)
    summary = world.summary()
    RenderedDocument.objects.bulk_create(
        RenderedDocument(kind="conference.summary", object_id=str(summary.pk), format="pdf", requested_by=world.leader)
        for _ in range(10)
    )


@pytest.mark.parametrize("size", ["demo", "grown"])
def test_summary_page_queries(world, client_as, django_assert_max_num_queries, size):
    if size == "grown":
        _grow(world)
    client = client_as(world.leader)

    with django_assert_max_num_queries(21):
        response = client.get(PAGE)

    assert len(response.context["compiled"].members) == (8 if size == "demo" else 14)


@pytest.mark.parametrize("size", ["demo", "grown"])
def test_summary_preview_queries(world, client_as, django_assert_max_num_queries, size):
    if size == "grown":
        _grow(world)
    client = client_as(world.leader)

    with django_assert_max_num_queries(16):
        response = client.get(PREVIEW)

    assert ("Đơn vị mới 5" in response.content.decode()) == (size == "grown")


@pytest.mark.parametrize("size", ["demo", "grown"])
def test_summary_editor_queries(world, client_as, django_assert_max_num_queries, size):
    if size == "grown":
        _grow(world)
    client = client_as(world.leader)

    with django_assert_max_num_queries(10):
        response = client.get(EDIT)

    assert len(response.context["sources"]) == (7 if size == "demo" else 13)


def test_section_titles_match_the_documents_headings(world):
    titles = services.section_titles(summary_document(world.summary()))
    assert all(re.match(r"^(I|II|III|IV|\d)\. ", title) for title in titles) and len(titles) == 10
