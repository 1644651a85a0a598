"""A mid-year review in a browser, on the 2020 demo: the leader (Thanh tra tỉnh) sets it up from the year's page with
the deputy presenting and a guest from the board; the deputy publishes the draft; a member comments; the deputy
answers; the leader writes and issues the minutes, titled as a mid-year review and numbered in the bloc's register.
Screenshots: meeting-page.png, meeting-minutes.png."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from blocs import demo as blocs_demo
from blocs.models import EmulationYear, Person
from conference.enums import AnswerStatus
from conference.models import Meeting, MeetingComment, MeetingMinutes
from scoring.demo import tiny_pdf

from .helpers import assert_healthy_page, assert_vietnamese, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SECTIONS = ["I. Kết quả 6 tháng đầu năm 2020", "II. Nhiệm vụ 6 tháng cuối năm 2020"]
COMMENT = "Đề nghị bổ sung kết quả phong trào thi đua chuyên đề vào mục I."


def vi(msgid: str, context: str | None = None) -> str:
    with translation.override("vi"):
        return translation.pgettext(context, msgid) if context else gettext(msgid)


def click(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()
    assert_healthy_page(page)


def username_of(unit) -> str:
    return Person.objects.filter(unit=unit).select_related("user").order_by("pk").first().user.username


def test_mid_year_review_journey(page, live_server, transactional_db, artifacts):
    blocs_demo.seed()
    year = EmulationYear.objects.select_related("leader", "deputy", "bloc").get(bloc__slug="ktdnc", year=2020)
    deputy, leader = username_of(year.deputy), username_of(year.leader)
    member_unit = next(
        m.unit
        for m in year.bloc.memberships.select_related("unit")
        if m.unit_id not in (year.leader_id, year.deputy_id)
    )
    member = username_of(member_unit)
    board = Person.objects.filter(board_province_id=year.bloc.province_id).select_related("user").first()
    today = timezone.localdate()
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())

    # --- the leader sets the meeting up from the year's page ----------------------------------------------------
    login(page, base, leader)
    page.goto(f"{base}/blocs/ktdnc/years/2020/")
    click(page, "link", vi("Meetings"))
    assert_vietnamese(page)
    click(page, "link", vi("New meeting"))
    page.locator("#id_kind").select_option("mid_year")
    page.locator("#id_held_on").fill("10/07/2020")
    page.locator("#id_start_time").fill("08:00")
    page.locator("#id_place").fill("Hội trường Sở Tư pháp")
    page.locator("#id_chair_name").fill("Nguyễn Văn Thắng")
    page.get_by_label(vi("The deputy leader unit")).check()
    page.get_by_label(re.compile(re.escape(board.user.full_name))).check()
    page.locator("#id_comments_from").fill((today - datetime.timedelta(days=1)).strftime("%d/%m/%Y"))
    page.locator("#id_comments_until").fill((today + datetime.timedelta(days=5)).strftime("%d/%m/%Y"))
    click(page, "button", vi("Save the meeting"))
    expect(page.locator(".messages")).to_contain_text(vi("The meeting was saved.").rstrip("."))
    expect(page.locator("h1")).to_contain_text("Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2020")
    expect(page.locator("#presenter")).to_contain_text(year.deputy.name)
    expect(page.locator("#guests")).to_contain_text(board.user.full_name)
    meeting_url = page.url
    logout(page)

    # --- the deputy publishes the draft -------------------------------------------------------------------------
    login(page, base, deputy)
    page.goto(meeting_url)
    page.locator("#id_file").set_input_files(
        files=[{"name": "du-thao-so-ket.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("Du thao so ket")}]
    )
    page.locator("#id_sections").fill("\n".join(SECTIONS))
    click(page, "button", vi("Publish"))
    expect(page.locator("#drafts")).to_contain_text("du-thao-so-ket.pdf")
    logout(page)

    # --- a member comments on a section ---------------------------------------------------------------------------
    login(page, base, member)
    page.goto(meeting_url)
    assert_vietnamese(page)
    page.locator("#id_section").select_option(label=SECTIONS[0])
    page.locator("#id_text").fill(COMMENT)
    click(page, "button", vi("Send the comment"))
    expect(page.locator(".messages")).to_contain_text(vi("Your comment was sent to the presenting unit."))
    logout(page)

    # --- the deputy answers ---------------------------------------------------------------------------------------
    login(page, base, deputy)
    page.goto(meeting_url)
    comment = MeetingComment.objects.get()
    page.locator(f"#comment-{comment.pk}").get_by_label(vi("Accepted", "comment answer"), exact=True).check()
    page.locator(f"#comment-{comment.pk}").get_by_label(vi("Answer text")).fill("Đã bổ sung vào mục I.")
    click(page, "button", vi("Send the answer"))
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Đã bổ sung vào mục I.")
    assert MeetingComment.objects.get().answer_status == AnswerStatus.ACCEPTED
    page.screenshot(path=str(artifacts / "meeting-page.png"), full_page=True)
    logout(page)

    # --- the leader writes and issues the minutes -------------------------------------------------------------------
    login(page, base, leader)
    page.goto(meeting_url)
    click(page, "link", vi("Minutes"))
    click(page, "link", vi("Write the minutes"))
    page.locator("#id_secretary_name").fill("Trần Thị Thư")
    click(page, "button", vi("Save the draft"))
    click(page, "link", vi("Back to the minutes"))
    expect(page.locator("#issue")).to_contain_text(vi("Issue the minutes"))
    page.locator("#issue button[type=submit]").click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    minutes = MeetingMinutes.objects.get()
    assert minutes.is_issued and minutes.number_text.endswith("/BB-KTĐNC")
    expect(page.locator("main")).to_contain_text(minutes.number_text)
    page.screenshot(path=str(artifacts / "meeting-minutes.png"), full_page=True)
    assert Meeting.objects.get().minutes == minutes
