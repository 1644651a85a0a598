"""The dashboards and the bloc's summary report in a browser, on the full demo (2020 voted, reports sent, 2021
opened).

1. The provincial board (bantdkt) opens its dashboard for 2020, finds the internal-affairs bloc, drills into it
   (eight member units) and exports both pages to Excel; the workbooks hold the units and the bloc.
2. The leader of 2020 (thanhtra) writes or edits the summary report, sends it for comments (rendered and published
   to the comment round by the eager worker), a member (toaan) comments on a section of the draft, the leader
   accepts it; once the comment window is over the leader issues the report and downloads its PDF. The leader's
   dashboard is looked at too.

Elements are found by ids, data-* hooks and URLs, never by their (new) wording. Screenshots go to test-artifacts/:
dashboards-board.png, dashboards-board-bloc.png, dashboards-leader.png, summary-issued.png.
"""

import datetime
import io
import unicodedata

import openpyxl
import pdfplumber
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from blocs.enums import DeadlineKind, Phase
from blocs.models import Deadline, EmulationYear
from conference.enums import AnswerStatus, PlanStatus
from conference.models import Comment, DraftReport, SummaryReport

from .helpers import assert_healthy_page, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

BOARD, LEADER, MEMBER = "bantdkt", "thanhtra", "toaan"
SLUG, YEAR = "ktdnc", 2020
LESSON = "- Bài học bổ sung trong trình duyệt: phối hợp chặt chẽ giữa các đơn vị thành viên."
COMMENT = "Đề nghị bổ sung số liệu khen thưởng đột xuất của quý IV."
NARRATIVE = {
    "results": "Các đơn vị thành viên hoàn thành tốt nhiệm vụ năm 2020.",
    "limitations": "Một số đơn vị gửi báo cáo chưa đúng thời hạn.",
    "lessons": LESSON,
    "directions": "Tiếp tục đổi mới nội dung, hình thức tổ chức các phong trào thi đua năm 2021.",
    "signer_name": "Nguyễn Văn Thắng",
}


def comment_deadlines():
    return Deadline.objects.filter(year__bloc__slug=SLUG, year__year=YEAR, kind=DeadlineKind.COMMENT_ROUND)


@pytest.fixture
def demo_data(transactional_db):
    """The full demo; the 2020 comment window moved around now so that members may comment during the test."""
    call_command("seed_demo", "--quiet-logins")
    # the demo closes 2020 (its current year is built around today); the journey replays 2020's comment round
    EmulationYear.objects.filter(bloc__slug="ktdnc", year=2020).update(phase=Phase.CONFERENCE)
    now = timezone.now()
    assert comment_deadlines().update(
        opens_at=now - datetime.timedelta(days=1), due_at=now + datetime.timedelta(days=6)
    )


@pytest.fixture
def as_user(browser, browser_context_args, live_server):
    """`as_user(username)`: that user's own logged-in page, in a browser context of its own (kept for the test)."""
    pages = {}

    def page_of(username: str):
        if username not in pages:
            page = browser.new_context(**browser_context_args, accept_downloads=True).new_page()
            page.on("dialog", lambda dialog: dialog.accept())  # data-confirm on send and issue
            login(page, live_server.url, username)
            assert "/accounts/login/" not in page.url, f"{username} could not log in"
            pages[username] = page
        return pages[username]

    yield page_of
    for page in pages.values():
        page.context.close()


def go(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state()
    assert_healthy_page(page)


def submit(page, locator) -> None:
    """Click a submit button and wait for the page it leads to; no error message may come back."""
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    errors = page.locator(".messages .alert-danger, main form .alert-danger, main .invalid-feedback")
    assert errors.count() == 0, errors.first.inner_text()


def download(page, link, tmp_path) -> bytes:
    with page.expect_download() as info:
        link.click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return target.read_bytes()


def workbook_texts(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]


def pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        text = " ".join(p.extract_text() or "" for p in pdf.pages)
    return unicodedata.normalize("NFC", " ".join(text.split()))


# --- 1. the board ----------------------------------------------------------------------------------------------


def test_board_dashboard_journey(as_user, live_server, demo_data, artifacts, tmp_path):
    base = live_server.url
    board = as_user(BOARD)

    go(board, base + reverse("dashboards:board-dashboard", args=[YEAR]))
    row = board.locator(f"#board-rows tr#bloc-{SLUG}")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Khối thi đua Nội chính")
    expect(board.locator("#tiles [data-tile=blocs]")).not_to_have_text("0")
    board.screenshot(path=artifacts / "dashboards-board.png", full_page=True)

    data = download(board, board.locator(f"a[href='{reverse('dashboards:board-export', args=[YEAR])}']"), tmp_path)
    assert any("Nội chính" in text for text in workbook_texts(data))

    bloc_url = reverse("dashboards:board-bloc", args=[YEAR, SLUG])
    with board.expect_navigation():
        row.locator(f"a[href='{bloc_url}']").click()
    assert_healthy_page(board)
    assert board.url == base + bloc_url
    members = board.locator("#member-rows tbody tr[id^='unit-']")
    expect(members).to_have_count(8)
    expect(board.locator("#member-rows")).to_contain_text("Công an tỉnh")
    expect(board.locator("#member-rows")).to_contain_text("Thanh tra tỉnh")
    board.screenshot(path=artifacts / "dashboards-board-bloc.png", full_page=True)

    export = reverse("dashboards:board-bloc-export", args=[YEAR, SLUG])
    data = download(board, board.locator(f"a[href='{export}']"), tmp_path)
    texts = workbook_texts(data)
    assert any("Công an tỉnh" in text for text in texts), texts[:40]
    assert any("Tòa án nhân dân tỉnh" in text or "Tòa án" in text for text in texts)


# --- 2. the leader's summary report ---------------------------------------------------------------------------


def test_summary_report_journey(as_user, live_server, demo_data, artifacts, tmp_path):
    base = live_server.url
    summary_url = base + reverse("conference:summary", kwargs={"slug": SLUG, "year": YEAR})
    edit_url = base + reverse("conference:summary-edit", kwargs={"slug": SLUG, "year": YEAR})
    draft_url = base + reverse("conference:draft-report", kwargs={"slug": SLUG, "year": YEAR})
    leader = as_user(LEADER)

    # --- the leader's dashboard -------------------------------------------------------------------------------
    go(leader, base + reverse("dashboards:leader-dashboard", kwargs={"slug": SLUG, "year": YEAR}))
    expect(leader.locator("main #progress")).to_be_visible()
    leader.screenshot(path=artifacts / "dashboards-leader.png", full_page=True)

    # --- the narrative: the demo's draft edited, or a new report written from the defaults ---------------------
    go(leader, summary_url)
    existed = SummaryReport.objects.filter(year__bloc__slug=SLUG, year__year=YEAR).exists()
    go(leader, edit_url)
    if existed:
        lessons = leader.locator("#id_lessons")
        lessons.fill(lessons.input_value().rstrip() + "\n" + LESSON)
    else:
        for name, text in NARRATIVE.items():
            leader.locator(f"#id_{name}").fill(text)
    submit(leader, leader.locator("#summary-form button[type=submit].btn-brand"))
    summary = SummaryReport.objects.get(year__bloc__slug=SLUG, year__year=YEAR)
    assert LESSON in summary.lessons
    assert summary.status == PlanStatus.DRAFT and not summary.is_sent

    # --- sent for comments: rendered to PDF and published as the draft (the worker runs eagerly in tests) --------
    go(leader, summary_url)
    expect(leader.locator("#issue-problems")).to_be_visible()  # not sent yet: cannot be issued
    submit(leader, leader.locator("#send form[action$='/summary/send/'] button[type=submit]"))
    summary.refresh_from_db()
    assert not summary.send_error, summary.send_error
    assert summary.is_sent and summary.last_draft_id is not None
    draft = DraftReport.objects.get(pk=summary.last_draft_id)
    assert draft.sections, "the draft was published without its section titles"
    expect(leader.locator("#send-status a[href$='/draft-report/']").first).to_be_visible()

    # --- a member comments on a section of the draft ---------------------------------------------------------
    member = as_user(MEMBER)
    go(member, draft_url)
    expect(member.locator("#draft-sections li")).to_have_count(len(draft.sections))
    member.locator("#id_section").select_option(value=draft.sections[0])
    member.locator("#id_text").fill(COMMENT)
    submit(member, member.locator("#comment-form button[type=submit]"))
    comment = Comment.objects.get(draft=draft)
    assert (comment.unit.code, comment.section, comment.text) == ("TA", draft.sections[0], COMMENT)

    # --- the leader cannot issue while the comment waits; answers it ------------------------------------------
    go(leader, summary_url)
    expect(leader.locator("#issue-problems li")).not_to_have_count(0)
    go(leader, draft_url)
    expect(leader.locator(f"#comment-{comment.pk}")).to_contain_text(COMMENT)
    leader.locator(f"#id_c{comment.pk}_status_0").check()  # accepted
    submit(leader, leader.locator(f"#comment-{comment.pk} form button[type=submit]"))
    expect(leader.locator(f"#comment-{comment.pk} [data-answer=accepted]")).to_be_visible()
    comment.refresh_from_db()
    assert comment.answer_status == AnswerStatus.ACCEPTED

    # --- the comment window is over (moved into the past): the leader issues the final report -----------------
    now = timezone.now()
    comment_deadlines().update(opens_at=now - datetime.timedelta(days=7), due_at=now - datetime.timedelta(minutes=1))
    go(leader, summary_url)
    expect(leader.locator("#issue-problems")).to_have_count(0)
    submit(leader, leader.locator("#issue form[action$='/summary/issue/'] button[type=submit]"))
    summary.refresh_from_db()
    assert summary.status == PlanStatus.ISSUED and summary.number is not None
    expect(leader.locator("#summary-status")).to_contain_text(summary.number_text)
    expect(leader.locator("#issue")).to_have_count(0)  # frozen: no more editing on the page
    leader.screenshot(path=artifacts / "summary-issued.png", full_page=True)

    # --- the PDF of the issued report ------------------------------------------------------------------------
    submit(leader, leader.locator("form[action$='/summary/render/pdf/'] button[type=submit]"))
    link = leader.locator("#documents li a[href]")
    expect(link).to_be_visible(timeout=30_000)  # eager in tests; the item polls itself otherwise
    data = download(leader, link.first, tmp_path)
    assert data[:4] == b"%PDF"
    text = pdf_text(data)
    assert "BÁO CÁO" in text
    assert "Khối thi đua Nội chính".upper() in text.upper()

    # --- the member reads the issued report's status --------------------------------------------------------
    go(member, summary_url)
    expect(member.locator("#summary-status")).to_contain_text(summary.number_text)
