"""The comment round in a browser: with the 2020 window moved to now, the leader (Thanh tra tỉnh) publishes the
draft with two sections; Sở Tư pháp comments on a section and Tòa án in general; the leader accepts one and
declines the other with the reason; Sở Tư pháp reads both answers. Screenshot: comment-round.png."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from blocs import demo as blocs_demo
from blocs.enums import DeadlineKind
from blocs.models import Deadline
from conference.enums import AnswerStatus
from conference.models import Comment, DraftReport
from core.models import Notification
from scoring.demo import tiny_pdf

from .helpers import assert_healthy_page, assert_vietnamese, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTIONS = ["I. Kết quả công tác thi đua, khen thưởng năm 2020", "II. Phương hướng, nhiệm vụ năm 2021"]
ON_SECTION = "Đề nghị bổ sung số liệu khen thưởng đột xuất của quý IV vào mục I."
GENERAL = "Đề nghị rút gọn phần đánh giá chung cho ngắn gọn hơn."
DECLINE = "Phần đánh giá chung đã theo đúng đề cương của Ban Thi đua - Khen thưởng tỉnh."


def vi(msgid: str, context: str | None = None) -> str:
    with translation.override("vi"):
        return translation.pgettext(context, msgid) if context else gettext(msgid)


@pytest.fixture
def demo_data(transactional_db):
    data = blocs_demo.seed()
    now = timezone.now()
    Deadline.objects.filter(year__bloc__slug="ktdnc", year__year=2020, kind=DeadlineKind.COMMENT_ROUND).update(
        opens_at=now - datetime.timedelta(days=1), due_at=now + datetime.timedelta(days=6)
    )
    return data


def click(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()
    assert_healthy_page(page)


def open_draft_page(page) -> None:
    click(page, "link", vi("Draft report"))
    assert_vietnamese(page)


def comment_as(page, base: str, username: str, section: str, text: str) -> None:
    login(page, base, username)
    open_draft_page(page)
    page.locator("#id_section").select_option(label=section)
    page.locator("#id_text").fill(text)
    click(page, "button", vi("Send the comment"))
    expect(page.locator(".messages")).to_contain_text(vi("Your comment was sent to the leader unit."))
    logout(page)


def test_comment_round_journey(page, live_server, demo_data, artifacts):
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())

    # --- the leader publishes the draft with two sections ---------------------------------------------------
    login(page, base, "thanhtra")
    open_draft_page(page)
    expect(page.locator("#window")).to_contain_text(vi("Open now"))
    page.locator("#id_file").set_input_files(
        files=[
            {"name": "du-thao-bao-cao-tong-ket-2020.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("Du thao")}
        ]
    )
    page.locator("#id_sections").fill("\n".join(SECTIONS))
    click(page, "button", vi("Publish"))
    expect(page.locator(".messages")).to_contain_text(
        vi("Version %(version)s of the draft was published; the member units were notified.") % {"version": 1}
    )
    expect(page.locator("#draft-sections li")).to_have_text(SECTIONS)
    draft = DraftReport.objects.get()
    assert (draft.version, draft.sections, draft.original_name) == (1, SECTIONS, "du-thao-bao-cao-tong-ket-2020.pdf")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(vi("Download the draft"))).click()
    assert download.value.suggested_filename == "du-thao-bao-cao-tong-ket-2020.pdf"
    logout(page)

    # --- two members comment: one on a section, one in general ----------------------------------------------
    comment_as(page, base, "tuphap", SECTIONS[0], ON_SECTION)
    comment_as(page, base, "toaan", vi("General comment"), GENERAL)
    on_section, general = Comment.objects.order_by("pk")
    assert [(c.unit.code, c.section, c.text) for c in (on_section, general)] == [
        ("STP", SECTIONS[0], ON_SECTION),
        ("TA", "", GENERAL),
    ]

    # --- the leader accepts one and declines the other with the reason ----------------------------------------
    login(page, base, "thanhtra")
    open_draft_page(page)
    expect(page.locator("#unanswered")).to_contain_text("2")
    page.locator(f"#id_c{on_section.pk}_status_0").check()
    click(page, "button", f"{vi('Send the answer')} – {on_section.unit.name}")
    page.locator(f"#id_c{general.pk}_status_1").check()
    page.locator(f"#id_c{general.pk}_answer").fill(DECLINE)
    click(page, "button", f"{vi('Send the answer')} – {general.unit.name}")
    expect(page.locator("#unanswered")).to_contain_text("0")
    logout(page)

    # --- the member reads both answers ----------------------------------------------------------------------
    login(page, base, "tuphap")
    open_draft_page(page)
    accepted = page.locator(f"#comment-{on_section.pk}")
    declined = page.locator(f"#comment-{general.pk}")
    expect(accepted).to_contain_text(vi("Accepted", "comment answer"))
    expect(declined).to_contain_text(vi("Declined", "comment answer"))
    expect(declined).to_contain_text(DECLINE)
    expect(declined).to_contain_text(general.unit.name)
    page.screenshot(path=str(artifacts / "comment-round.png"), full_page=True)

    on_section.refresh_from_db()
    general.refresh_from_db()
    assert [(c.answer_status, c.answer) for c in (on_section, general)] == [
        (AnswerStatus.ACCEPTED, ""),
        (AnswerStatus.DECLINED, DECLINE),
    ]
    told = Notification.objects.filter(recipient__username="tuphap").order_by("pk")
    assert [n.link for n in told] == [
        "/blocs/ktdnc/years/2020/draft-report/",
        f"/blocs/ktdnc/years/2020/draft-report/#comment-{on_section.pk}",
    ]
