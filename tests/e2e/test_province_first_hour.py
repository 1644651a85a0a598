"""A province's first hour, in a browser, with nothing through the Django admin or a shell: the system
administrator creates the province and its first board account; the board officer opens the invitation from the
mail, chooses a password, imports 8 units and 16 officers from Excel (preview, then confirm), creates a bloc with
its members and rotation from one sheet and opens the year; one officer opens their invitation, chooses a
password and sees their unit's year. Screenshots go to test-artifacts/."""

import io
import re
import time

import pytest
from django.core import mail
from django.utils import timezone
from openpyxl import Workbook

from blocs.models import Bloc, EmulationYear, Membership, Person, Province, RotationSlot, Unit
from tests.factories import UserFactory

from .helpers import assert_healthy_page, assert_vietnamese, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK_RE = re.compile(r"https?://\S+(/accounts/setup/[A-Za-z0-9_-]+/)")
ADMIN_PASSWORD = "Quan-tri-2026!"
BOARD_PASSWORD = "Ban-TDKT-2026!"
OFFICER_PASSWORD = "Can-bo-2026!"

UNITS = [
    ("Sở Tài chính tỉnh Hà Nam", "Sở Tài chính", "STC"),
    ("Sở Kế hoạch và Đầu tư tỉnh Hà Nam", "Sở KH&ĐT", "SKHDT"),
    ("Sở Công Thương tỉnh Hà Nam", "Sở Công Thương", "SCT"),
    ("Sở Xây dựng tỉnh Hà Nam", "Sở Xây dựng", "SXD"),
    ("Sở Giao thông vận tải tỉnh Hà Nam", "Sở GTVT", "SGTVT"),
    ("Cục Thuế tỉnh Hà Nam", "Cục Thuế", "CT"),
    ("Cục Thống kê tỉnh Hà Nam", "Cục Thống kê", "CTK"),
    ("Kho bạc Nhà nước tỉnh Hà Nam", "KBNN", "KBNN"),
]


def _people_workbook() -> bytes:
    wb = Workbook()
    units = wb.active
    units.title = "Đơn vị"
    units.append(["Tên đơn vị", "Tên viết tắt", "Mã", "Cơ quan chủ quản"])
    for name, short, code in UNITS:
        units.append([name, short, code, "UBND TỈNH HÀ NAM"])
    officers = wb.create_sheet("Cán bộ")
    officers.append(["Họ và tên", "Tên đăng nhập", "E-mail", "Chức vụ", "Điện thoại", "Mã đơn vị"])
    for i, (_name, _short, code) in enumerate(UNITS):
        for j in (1, 2):
            login_name = f"{code.lower()}{j}"
            officers.append(
                [f"Cán bộ {j} {code}", login_name, f"{login_name}@hanam.gov.vn", "Chuyên viên", f"09{i}{j}", code]
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _members_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Thành viên"
    ws.append(["Mã đơn vị", "Từ năm", "Đến năm", "Thứ tự luân phiên"])
    year = timezone.localdate().year
    for position, (_name, _short, code) in enumerate(UNITS, start=1):
        ws.append([code, year, None, position])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _link_for(address: str) -> str:
    for message in reversed(mail.outbox):
        if address in message.to:
            return LINK_RE.search(message.body).group(1)
    raise AssertionError(f"no mail to {address}: {[m.to for m in mail.outbox]}")


def _choose_password(page, base: str, path: str, password: str) -> None:
    page.goto(base + path)
    assert_healthy_page(page)
    assert_vietnamese(page)
    _field(page, "Mật khẩu mới").fill(password)
    _field(page, "Xác nhận mật khẩu mới").fill(password)
    page.get_by_role("button", name="Lưu mật khẩu và đăng nhập").click()
    page.wait_for_load_state()
    assert_healthy_page(page)


def _field(page, label: str):
    """A form field by its label (crispy adds "*" to a required one)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def _logout(page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")


def test_a_province_starts_alone(page, live_server, artifacts, tmp_path):
    base = live_server.url
    # The only account made outside the app: the system administrator's (createsuperuser at deployment).
    UserFactory(
        username="quantri", full_name="Quản trị hệ thống", is_staff=True, is_superuser=True, password=ADMIN_PASSWORD
    )
    page.on("dialog", lambda dialog: dialog.accept())
    started = time.monotonic()
    timings = {}

    # 1. The system administrator: a province and its first board account.
    login(page, base, "quantri", ADMIN_PASSWORD)
    assert_healthy_page(page)
    page.get_by_role("link", name="Quản trị hệ thống").first.click()
    page.get_by_role("link", name="Thêm tỉnh").click()
    _field(page, "Tên").fill("Hà Nam")
    _field(page, "Mã").fill("HNA")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    assert "UBND TỈNH HÀ NAM" in page.inner_text("main")
    _field(page, "Tên đăng nhập").fill("ban.hanam")
    _field(page, "Họ và tên").fill("Phạm Thị Dung")
    _field(page, "Thư điện tử").fill("ban.tdkt@hanam.gov.vn")
    _field(page, "Chức vụ").fill("Chuyên viên Ban Thi đua - Khen thưởng")
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    assert_vietnamese(page)
    assert "ban.tdkt@hanam.gov.vn" in page.inner_text("#staff")
    page.screenshot(path=artifacts / "first-hour-1-system-province.png", full_page=True)
    invitation = mail.outbox[-1]
    (artifacts / "first-hour-invitation-mail.txt").write_text(
        f"To: {invitation.to[0]}\nSubject: {invitation.subject}\n\n{invitation.body}\n", encoding="utf-8"
    )
    timings["system administrator"] = time.monotonic() - started
    _logout(page, base)

    # 2. The board officer opens the invitation, chooses a password, lands signed in on the board's home.
    _choose_password(page, base, _link_for("ban.tdkt@hanam.gov.vn"), BOARD_PASSWORD)
    assert "Đã đặt mật khẩu" in page.inner_text("main")
    assert "Hà Nam" in page.inner_text("main")

    # 3. Units and officers from Excel: the template, the upload, the preview, the confirmation.
    workbook = tmp_path / "don-vi-can-bo.xlsx"
    workbook.write_bytes(_people_workbook())
    page.get_by_role("link", name="Tài khoản").first.click()
    page.get_by_role("link", name="Nhập đơn vị và cán bộ từ Excel").click()
    assert_healthy_page(page)
    with page.expect_download() as template:
        page.get_by_role("link", name=re.compile("Tải tệp mẫu")).click()
    assert template.value.suggested_filename.endswith(".xlsx")
    page.locator("input[type=file]").set_input_files(str(workbook))
    page.get_by_role("button", name=re.compile("Tải lên|Xem trước")).click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    assert_vietnamese(page)
    preview = page.inner_text("main")
    for _name, _short, code in UNITS:
        assert code in preview
    assert "stc1" in preview and "kbnn2" in preview
    assert not Unit.objects.filter(province__code="HNA").exists()  # the preview wrote nothing
    page.screenshot(path=artifacts / "first-hour-2-import-preview.png", full_page=True)
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    assert Unit.objects.filter(province__code="HNA").count() == 8
    assert Person.objects.filter(unit__province__code="HNA").count() == 16
    page.screenshot(path=artifacts / "first-hour-3-import-done.png", full_page=True)
    timings["import"] = time.monotonic() - started

    # The accounts: 16 officers invited, the board officer active.
    page.goto(base + "/people/")
    assert_healthy_page(page)
    assert_vietnamese(page)
    assert page.locator("#accounts tbody tr").count() == 16
    assert page.inner_text("#accounts").count("Đã mời") == 16
    page.screenshot(path=artifacts / "first-hour-4-accounts.png", full_page=True)

    # 4. A bloc, its members and rotation from one sheet, and the year.
    page.goto(base + "/")
    page.get_by_role("link", name="Thêm khối thi đua").click()
    _field(page, "Tên").fill("Khối thi đua Kinh tế tổng hợp tỉnh Hà Nam")
    _field(page, "Tên viết tắt").fill("Kinh tế tổng hợp")
    _field(page, "Mã (ký hiệu) văn bản").fill("KTĐKTTH")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    bloc = Bloc.objects.get(province__code="HNA")
    members = tmp_path / "thanh-vien.xlsx"
    members.write_bytes(_members_workbook())
    page.get_by_role("link", name="Nhập từ Excel").click()
    page.locator("input[type=file]").set_input_files(str(members))
    page.get_by_role("button", name=re.compile("Tải lên|Xem trước")).click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    page.get_by_role("button", name="Xác nhận nhập").click()
    page.wait_for_load_state()
    assert Membership.objects.filter(bloc=bloc).count() == 8
    assert list(RotationSlot.objects.filter(bloc=bloc).order_by("position").values_list("unit__code", flat=True)) == [
        code for _n, _s, code in UNITS
    ]
    page.goto(f"{base}/blocs/{bloc.slug}/")
    page.get_by_role("link", name="Mở năm thi đua").click()
    assert_healthy_page(page)
    page.get_by_role("button", name="Mở năm thi đua").click()  # the year and the leaders proposed from the rotation
    page.wait_for_load_state()
    assert_healthy_page(page)
    year = EmulationYear.objects.get(bloc=bloc)
    assert (year.year, year.leader.code, year.deputy.code) == (timezone.localdate().year, "STC", "SKHDT")
    page.screenshot(path=artifacts / "first-hour-5-bloc-year.png", full_page=True)
    timings["bloc and year"] = time.monotonic() - started
    _logout(page, base)

    # 5. An officer opens their invitation, chooses a password and sees their unit's year.
    _choose_password(page, base, _link_for("sct1@hanam.gov.vn"), OFFICER_PASSWORD)
    assert_vietnamese(page)
    home = page.inner_text("main")
    assert "Sở Công Thương tỉnh Hà Nam" in home
    assert f"Khối thi đua Kinh tế tổng hợp tỉnh Hà Nam – năm {year.year}" in home
    page.screenshot(path=artifacts / "first-hour-6-officer-home.png", full_page=True)
    _logout(page, base)
    login(page, base, "sct1", OFFICER_PASSWORD)
    assert "Sở Công Thương tỉnh Hà Nam" in page.inner_text("main")
    timings["officer"] = time.monotonic() - started
    (artifacts / "first-hour-timings.txt").write_text(
        "\n".join(f"{k}: {v:.1f} s" for k, v in timings.items()) + "\n", encoding="utf-8"
    )
    assert Province.objects.filter(code="HNA").exists()
