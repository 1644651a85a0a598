"""The scoring journey in a browser: an officer fills and sends a sheet with evidence; the leader reviews
(two changes with reasons), returns one sheet and finalizes the others; the returned unit corrects and
resends; the deputy closes the leader's own sheet; the leader publishes; a member reads the ranking.
Screenshots go to test-artifacts/."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from blocs import demo as blocs_demo
from blocs.enums import DeadlineKind
from blocs.models import Deadline, EmulationYear, Unit
from scoring import demo as scoring_demo
from scoring.demo import tiny_pdf
from scoring.enums import SheetStatus
from scoring.models import Score, Sheet
from scoring.selectors import ranking_for_year
from tests.scoring.helpers import criteria, fill, make_table, submit, vi

from .helpers import assert_healthy_page, assert_vietnamese, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The units whose sheets are sent through the services (only Sở Tư pháp's goes through the browser).
BY_SERVICES = ["TTr", "CAT", "TA", "VKS", "CTHADS", "BCHQS", "BNCTU"]


def points_of(code: str) -> dict[str, Decimal]:
    return {leaf: Decimal(str(p)) for leaf, p in zip(scoring_demo.LEAVES, scoring_demo.SELF_2020[code], strict=True)}


def fmt(value: Decimal) -> str:
    """Points as the pages show them: 91,5 / 90."""
    return f"{value.normalize():f}".replace(".", ",")


@pytest.fixture
def open_year(transactional_db) -> EmulationYear:
    """The blocs demo, the internal-affairs table for 2020, self-assessment open now, seven sheets sent."""
    blocs_demo.seed()
    year = EmulationYear.objects.select_related("bloc").get(bloc__slug="ktdnc", year=2020)
    make_table(year, scoring_demo.TABLE_NOI_CHINH)
    now = timezone.now()
    Deadline.objects.filter(year=year, kind=DeadlineKind.SELF_ASSESSMENT).update(
        opens_at=now - datetime.timedelta(days=3), due_at=now + datetime.timedelta(days=7)
    )
    for code in BY_SERVICES:
        submit(fill(year, Unit.objects.get(code=code), points_of(code)))
    return year


def go_home_and_click(page, base_url: str, link: str) -> None:
    page.goto(f"{base_url}/")
    page.get_by_role("link", name=link).first.click()
    page.wait_for_load_state()
    assert_healthy_page(page)


def open_sheet_from_list(page, unit: Unit) -> None:
    page.get_by_role("link", name=unit.name).click()
    page.wait_for_load_state()
    assert_healthy_page(page)


def finalize_open_sheet(page) -> None:
    page.get_by_role("button", name=vi("Finalize the sheet")).click()  # confirmed by the dialog handler
    page.wait_for_load_state()
    assert_healthy_page(page)


def test_scoring_journey(page, live_server, open_year, artifacts):
    year = open_year
    base = live_server.url
    units = {u.code: u for u in Unit.objects.filter(memberships__bloc=year.bloc)}
    c = criteria(year)
    page.on("dialog", lambda dialog: dialog.accept())

    # --- Sở Tư pháp fills its sheet, attaches its year report, and sends it ------------------------------
    login(page, base, "tuphap")
    go_home_and_click(page, base, vi("My self-assessment sheet"))
    assert_vietnamese(page)
    own = points_of("STP")
    for code, value in own.items():
        page.locator(f"#id_points_{c[code].pk}").fill(fmt(value))
    page.locator(f"#id_explanation_{c['I.1'].pk}").fill("Hoàn thành 19/20 chỉ tiêu; xem Báo cáo tổng kết năm 2020.")
    report = {"name": "bao-cao-tong-ket-2020.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf("Bao cao 2020")}
    page.locator(f"#id_evidence_{c['I.1'].pk}").set_input_files(files=[report])
    expected_total = sum(v for k, v in own.items() if c[k].kind == "standard") + min(
        sum(v for k, v in own.items() if c[k].kind == "bonus"), Decimal(5)
    )
    expect(page.locator("#sheet-total")).to_have_text(fmt(expected_total))  # the HTMX totals followed
    page.screenshot(path=artifacts / "scoring-sheet-officer.png", full_page=True)

    page.get_by_role("button", name=vi("Send for review")).click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    # I.1 has its file; the other criteria that need evidence do not: the draft is kept, nothing is sent.
    body = page.inner_text("main")
    assert vi("Your draft was saved, but it was not sent: see the marked rows.") in body
    assert vi("%(code)s needs evidence.") % {"code": "I.5"} in body
    assert page.locator(f"#id_points_{c['I.2'].pk}").input_value() == fmt(own["I.2"])
    for code in ("I.5", "II.1", "III.1", "IV.1"):
        page.locator(f"#id_evidence_{c[code].pk}").set_input_files(files=[report])
    page.get_by_role("button", name=vi("Send for review")).click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    assert vi("Your sheet was sent to the reviewer.") in page.inner_text("main")
    assert "bao-cao-tong-ket-2020.pdf" in page.inner_text("main")
    stp = Sheet.objects.get(year=year, unit=units["STP"])
    assert (stp.status, stp.versions.get().self_total) == (SheetStatus.SUBMITTED, expected_total)
    logout(page)

    # --- the leader: two changes with reasons on Sở Tư pháp's sheet, then finalizes it ------------------
    login(page, base, "thanhtra")
    go_home_and_click(page, base, vi("Review the sheets"))
    assert_vietnamese(page)
    open_sheet_from_list(page, units["STP"])
    changes = {"I.1": ("16,5", "Còn 01 chỉ tiêu chưa đạt kế hoạch."), "III.3": ("3", "Báo cáo 6 tháng gửi chậm.")}
    for code, (value, reason) in changes.items():
        page.get_by_label(vi("Reviewed points for %(code)s") % {"code": code}, exact=True).fill(value)
        page.get_by_label(vi("Reason for %(code)s") % {"code": code}, exact=True).fill(reason)
    page.get_by_role("button", name=vi("Save the review")).click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    assert vi("The review was saved.") in page.inner_text("main")
    history = page.inner_text("#history-h + *")
    assert "Còn 01 chỉ tiêu chưa đạt kế hoạch." in history and "Báo cáo 6 tháng gửi chậm." in history
    page.screenshot(path=artifacts / "scoring-review-leader.png", full_page=True)
    finalize_open_sheet(page)
    reviewed = dict(
        Score.objects.filter(sheet=stp, reviewed_points__isnull=False).values_list("criterion__code", "reviewed_points")
    )
    assert reviewed == {"I.1": Decimal("16.5"), "III.3": Decimal("3")}

    # ... returns Tòa án's sheet with a note, and finalizes the other members' sheets.
    open_sheet_from_list(page, units["TA"])
    page.get_by_label(vi("What should the unit correct?")).fill("Điểm I.1 chưa khớp với báo cáo tổng kết.")
    page.get_by_role("button", name=vi("Return the sheet")).click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    for code in ("CAT", "VKS", "CTHADS", "BCHQS", "BNCTU"):
        open_sheet_from_list(page, units[code])
        finalize_open_sheet(page)
    statuses = dict(Sheet.objects.filter(year=year).values_list("unit__code", "status"))
    assert statuses == {
        "STP": "final",
        "CAT": "final",
        "VKS": "final",
        "CTHADS": "final",
        "BCHQS": "final",
        "BNCTU": "final",
        "TA": "returned",
        "TTr": "submitted",
    }
    logout(page)

    # --- the deputy closes the review of the leader's own sheet ------------------------------------------
    login(page, base, "congan")
    go_home_and_click(page, base, vi("Review the sheets"))
    open_sheet_from_list(page, units["TTr"])
    finalize_open_sheet(page)
    logout(page)

    # --- Tòa án corrects its returned sheet and sends it again -------------------------------------------
    login(page, base, "toaan")
    go_home_and_click(page, base, vi("My self-assessment sheet"))
    assert "Điểm I.1 chưa khớp với báo cáo tổng kết." in page.inner_text("main")
    page.locator(f"#id_points_{c['I.1'].pk}").fill("16,5")
    page.get_by_role("button", name=vi("Send for review")).click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    assert vi("Your sheet was sent to the reviewer.") in page.inner_text("main")
    ta = Sheet.objects.get(year=year, unit=units["TA"])
    assert [(v.number, v.snapshot["I.1"]["points"]) for v in ta.versions.order_by("number")] == [
        (1, "17.00"),
        (2, "16.50"),
    ]
    logout(page)

    # --- the leader finalizes it and publishes -----------------------------------------------------------
    login(page, base, "thanhtra")
    go_home_and_click(page, base, vi("Review the sheets"))
    open_sheet_from_list(page, units["TA"])
    finalize_open_sheet(page)
    page.get_by_role("button", name=vi("Publish the ranking")).click()
    page.wait_for_load_state()
    assert_healthy_page(page)
    assert vi("The ranking is published: every member unit can see it now.") in page.inner_text("main")
    logout(page)

    # --- a member reads the published ranking ------------------------------------------------------------
    login(page, base, "vienkiemsat")
    go_home_and_click(page, base, vi("Ranking"))
    assert_vietnamese(page)
    rows = page.locator("table.ranking-table tbody tr")
    shown = [re.split(r"\t", rows.nth(i).inner_text())[:2] for i in range(rows.count())]
    expected = [[str(r.rank), r.unit.name] for r in ranking_for_year(year)]
    assert [[rank, name.strip()] for rank, name in shown] == expected
    assert len(expected) == 8
    page.screenshot(path=artifacts / "scoring-ranking-member.png", full_page=True)
