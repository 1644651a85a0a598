"""The first journey: an officer sees their unit's 2020 year in Vietnamese and switches to English;
the board sees both blocs; the leader sees the members. Screenshots go to test-artifacts/."""

import pytest

from blocs import demo

from .helpers import assert_healthy_page, assert_vietnamese, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_data(transactional_db):
    return demo.seed()


def test_officer_sees_home_in_vietnamese_then_english(page, live_server, demo_data, artifacts):
    login(page, live_server.url, "tuphap")
    assert_healthy_page(page)
    assert_vietnamese(page)
    body = page.inner_text("main")
    assert "Sở Tư pháp tỉnh Tuyên Quang" in body
    assert "Khối thi đua Nội chính tỉnh Tuyên Quang – năm 2020" in body
    for item in demo.calendar_2020():
        if item["audience"] == "members":
            assert item["title"] in body
    assert "19/10/2020 23:59" in body  # dd/mm/yyyy
    assert "Quá hạn" in body
    assert "Đơn vị Trưởng khối: Thanh tra tỉnh Tuyên Quang" in " ".join(body.split())
    page.screenshot(path=artifacts / "foundation-officer-home-vi.png", full_page=True)

    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    body = page.inner_text("main")
    assert "My unit's to-do list" in body and "Overdue by" in body
    page.screenshot(path=artifacts / "foundation-officer-home-en.png", full_page=True)

    # The choice is remembered on the account, not only in this browser.
    logout(page)
    page.context.clear_cookies()
    login(page, live_server.url, "tuphap")
    assert page.locator("html").get_attribute("lang") == "en"


def test_board_sees_both_blocs(page, live_server, demo_data, artifacts):
    login(page, live_server.url, "bantdkt")
    assert_healthy_page(page)
    assert_vietnamese(page)
    rows = page.locator("#blocs tbody tr")
    assert rows.count() == 2
    text = page.inner_text("#blocs")
    assert "Khối thi đua Nội chính tỉnh Tuyên Quang" in text
    assert "Khối thi đua Văn hóa - Xã hội tỉnh Tuyên Quang" in text
    assert "Thanh tra tỉnh Tuyên Quang" in text
    page.screenshot(path=artifacts / "foundation-board-home.png", full_page=True)

    page.get_by_role("link", name="Khối thi đua Nội chính tỉnh Tuyên Quang", exact=True).click()
    assert_healthy_page(page)
    assert_vietnamese(page)
    assert "Công an tỉnh Tuyên Quang" in page.inner_text("#rotation-h + ol, .rotation-list")
    page.screenshot(path=artifacts / "foundation-board-bloc.png", full_page=True)


def test_leader_sees_members_and_their_status(page, live_server, demo_data, artifacts):
    login(page, live_server.url, "thanhtra")
    assert_healthy_page(page)
    assert_vietnamese(page)
    body = page.inner_text("main")
    assert "Thành viên của Khối năm nay" in body or "Đơn vị thành viên" in body
    for unit in demo.NOI_CHINH:
        assert unit.name in body
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.screenshot(path=artifacts / "foundation-leader-home-phone.png", full_page=True)
