"""The plan journey in a browser: the leader (Thanh tra tỉnh) creates the 2020 conference plan from the year,
fills it in with one task, reads the preview beside the editor, issues it as number 53, asks for the PDF and
the DOCX and downloads both. Screenshots go to test-artifacts/."""

import datetime

import pytest
from playwright.sync_api import expect

from blocs import demo as blocs_demo
from blocs.selectors import members_in_year
from conference.enums import PlanStatus
from conference.models import ConferencePlan
from core.models import RenderedDocument
from tests.scoring.helpers import vi

from .helpers import assert_healthy_page, assert_vietnamese, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TASK = "Tổng hợp báo cáo tổng kết, kết quả chấm điểm công tác thi đua, khen thưởng năm 2020 của Khối"


@pytest.fixture
def demo_data(transactional_db):
    return blocs_demo.seed()  # the blocs only: no plan yet


def click(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()
    assert_healthy_page(page)


def test_plan_journey(page, live_server, demo_data, artifacts, tmp_path):
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, "thanhtra")

    # --- from the home page to a new plan, prefilled from the year -----------------------------------------
    click(page, "link", vi("Conference plan"))
    assert_vietnamese(page)
    click(page, "link", vi("Create the plan"))
    assert page.locator("#id_title").input_value() == "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020"
    assert page.locator("#id_conference_date").input_value() == "05/11/2020"  # the calendar's conference day
    assert page.locator("#id_signer_authority").input_value() == "TRƯỞNG KHỐI THI ĐUA NỘI CHÍNH"
    assert page.locator("#id_signer_body").input_value() == "THANH TRA TỈNH TUYÊN QUANG"

    page.locator("#id_issued_on").fill("28/09/2020")
    page.locator("#id_start_time").fill("14h30")
    page.locator("#id_venue").fill("Hội trường tầng III - Thanh tra tỉnh")
    page.locator("#id_agenda").fill(
        "Đánh giá kết quả công tác thi đua, khen thưởng năm 2020.\nBình xét, suy tôn các đơn vị tiêu biểu."
    )
    page.locator("#id_invited").fill("Thành viên Hội đồng Thi đua - Khen thưởng tỉnh | 1\nLãnh đạo Ban Thi đua | 2")
    page.locator("#id_recipients").fill("Hội đồng TĐ-KT tỉnh\nCác thành viên trong Khối | T/hiện\nLưu: VT")
    page.locator("#id_signer_position").fill("PHÓ CHÁNH THANH TRA")
    page.locator("#id_signer_name").fill("Vũ Đức Thọ")
    page.locator("#id_tasks-0-actor").select_option("leader")
    page.locator("#id_tasks-0-kind").select_option("compile")
    page.locator("#id_tasks-0-text").fill(TASK)
    page.locator("#id_tasks-0-opens_on").fill("20/10/2020")
    page.locator("#id_tasks-0-due_on").fill("24/10/2020")
    page.locator("#id_tasks-0-note").fill("xong trước ngày 25/10/2020")
    click(page, "button", vi("Save the draft"))
    assert vi("The draft plan was saved.") in page.inner_text("main")

    plan = ConferencePlan.objects.get(year__bloc__slug="ktdnc", year__year=2020)
    assert (plan.status, plan.start_time, plan.issued_on) == (
        PlanStatus.DRAFT,
        datetime.time(14, 30),
        datetime.date(2020, 9, 28),
    )
    assert list(plan.tasks.values_list("text", "due_on")) == [(TASK, datetime.date(2020, 10, 24))]

    # --- the preview beside the editor: the same document as the PDF ------------------------------------------
    preview = page.frame_locator("iframe.plan-preview")
    expect(preview.locator("h1")).to_have_text("KẾ HOẠCH")
    expect(preview.get_by_text("Hội trường tầng III - Thanh tra tỉnh", exact=False)).to_be_visible()
    expect(preview.get_by_text("Vũ Đức Thọ")).to_be_visible()
    members = members_in_year(bloc=plan.year.bloc, year=2020).count()
    expect(preview.get_by_text(f"Tổng số: {1 + 2 + 2 * members} người")).to_be_visible()
    assert_vietnamese(page)
    page.screenshot(path=artifacts / "plan-editor.png", full_page=True)

    # --- issue it as number 53 ------------------------------------------------------------------------------
    click(page, "link", vi("Back to the plan"))
    assert page.locator("#id_number").input_value() == "1"  # the next free number of the register
    page.locator("#id_number").fill("53")
    click(page, "button", vi("Issue"))
    assert vi("The plan was issued as number %(number)s.") % {"number": "53/KH-KTĐNC"} in page.inner_text("main")
    expect(page.frame_locator("iframe.plan-preview").get_by_text("Số: 53/KH-KTĐNC")).to_be_visible()
    assert vi("Edit the plan") not in page.inner_text("main")

    # --- the PDF and the DOCX: asked for, rendered, downloaded ------------------------------------------------
    for fmt, magic in (("PDF", b"%PDF"), ("DOCX", b"PK")):
        click(page, "button", vi("Render %(label)s") % {"label": fmt})
        link = page.locator("#documents").get_by_role("link", name=f"{vi('Download')} {fmt}")
        expect(link).to_be_visible(timeout=20_000)  # eager in tests; the item polls itself otherwise
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename == f"ke-hoach-ktdnc-2020-v1.{fmt.lower()}"
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.read_bytes()[: len(magic)] == magic
    assert sorted(RenderedDocument.objects.values_list("format", "status")) == [("docx", "done"), ("pdf", "done")]
    assert_vietnamese(page)
    page.screenshot(path=artifacts / "plan-issued.png", full_page=True)
