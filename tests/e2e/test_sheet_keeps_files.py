"""Nothing typed or chosen is lost, in a browser: the officer's sheet keeps the files chosen with a post refused for
a mistyped value (listed again, attached by the next save), the error summary takes the focus and its links lead to
the fields, Save / Send stay in view on a phone and are reached by Tab, and sending asks first, naming what cannot be
undone (dismissed: nothing is sent). The plan editor's preview follows typing and sets the letterhead as the PDF."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from blocs.enums import DeadlineKind
from conference.services import plan as plan_services
from core.models import PendingUpload
from scoring.demo import tiny_pdf
from scoring.enums import SheetStatus
from scoring.models import Evidence, Sheet
from tests.conference.test_views import plan_2020_for, tasks_for
from tests.factories import DeadlineFactory
from tests.scoring.helpers import criteria, kept_message, make_table, vi

from .helpers import assert_healthy_page, assert_vietnamese, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw"  # tests.factories.UserFactory


@pytest.fixture
def sheet_world(world):
    """The conftest world with the test criteria table and self-assessment open now."""
    make_table(world.year)
    now = timezone.now()
    DeadlineFactory(
        year=world.year,
        kind=DeadlineKind.SELF_ASSESSMENT,
        opens_at=now - datetime.timedelta(days=3),
        due_at=now + datetime.timedelta(days=7),
    )
    return world


def sheet_url(base: str, world) -> str:
    return base + reverse("scoring:my-sheet", kwargs={"slug": world.bloc.slug, "year": world.year.year})


def pdf_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": tiny_pdf(text)}


def open_sheet(page, base: str, world) -> dict:
    login(page, base, world.member.username, PASSWORD)
    page.goto(sheet_url(base, world))
    page.wait_for_load_state()
    assert_healthy_page(page)
    return criteria(world.year)


def fill_points(page, c, **points) -> None:
    for code, value in points.items():
        page.locator(f"#id_points_{c[code].pk}").fill(value)


def click_and_load(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    page.wait_for_load_state()
    assert_healthy_page(page)


def test_chosen_files_survive_a_mistyped_value_and_are_stored_by_the_next_save(
    page, live_server, sheet_world, artifacts
):
    w = sheet_world
    c = open_sheet(page, live_server.url, w)
    fill_points(page, c, **{"I.1": "18", "I.2": "abc", "II.1": "36"})
    page.locator(f"#id_evidence_{c['I.1'].pk}").set_input_files(
        files=[pdf_file("bao-cao-tong-ket.pdf", "Bao cao"), pdf_file("phu-luc.pdf", "Phu luc")]
    )
    page.locator(f"#id_evidence_{c['II.1'].pk}").set_input_files(files=[pdf_file("nghi-quyet.pdf", "Nghi quyet")])

    click_and_load(page, vi("Save draft"))

    # Refused: the summary has the focus, names the row and leads to its field.
    summary = page.locator("#sheet-errors")
    expect(summary).to_be_focused()
    assert_vietnamese(page)
    link = summary.get_by_role("link", name=re.compile(r"^I\.2: "))
    expect(link).to_have_text("I.2: " + vi("Write a number of points, e.g. 7,5."))
    link.click()
    expect(page.locator(f"#id_points_{c['I.2'].pk}")).to_be_focused()
    # The chosen files are listed on their rows, kept; nothing is stored yet.
    expect(page.locator(f"#kept-{c['I.1'].pk} li")).to_have_count(2)
    expect(page.locator(f"#kept-{c['I.1'].pk}")).to_contain_text("bao-cao-tong-ket.pdf")
    expect(page.locator(f"#kept-{c['I.1'].pk}")).to_contain_text("phu-luc.pdf")
    expect(page.locator(f"#kept-{c['II.1'].pk}")).to_contain_text("nghi-quyet.pdf")
    expect(page.locator(f"#kept-{c['I.1'].pk}")).to_contain_text(vi("Chosen files, stored when you save again"))
    assert kept_message(3) in page.inner_text("main")
    assert Evidence.objects.count() == 0 and PendingUpload.objects.count() == 3
    page.locator(f"#criterion-{c['I.1'].pk}").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / "sheet-kept-files.png")

    # One of them is dropped with its box; the value is corrected; the next save stores the other two.
    page.get_by_role("checkbox", name=f"{vi('remove')} phu-luc.pdf").check()
    fill_points(page, c, **{"I.2": "36"})
    click_and_load(page, vi("Save draft"))

    assert vi("Your draft was saved.") in page.inner_text("main")
    stored = sorted(Evidence.objects.values_list("score__criterion__code", "original_name"))
    assert stored == [("I.1", "bao-cao-tong-ket.pdf"), ("II.1", "nghi-quyet.pdf")]
    assert PendingUpload.objects.count() == 0
    expect(page.locator(f"#criterion-{c['I.1'].pk}").get_by_role("link", name="bao-cao-tong-ket.pdf")).to_be_visible()
    expect(page.locator(".kept-files")).to_have_count(0)


def test_sending_asks_first_and_a_no_sends_nothing(page, live_server, sheet_world):
    w = sheet_world
    c = open_sheet(page, live_server.url, w)
    fill_points(page, c, **{"I.1": "18", "I.2": "36", "II.1": "36"})
    page.locator(f"#id_evidence_{c['I.1'].pk}").set_input_files(files=[pdf_file("bao-cao.pdf", "Bao cao")])
    click_and_load(page, vi("Save draft"))
    question = vi(
        "Send the self-assessment sheet to the leader unit, %(unit)s? Once it is sent, your unit can no longer "
        "change it, unless the leader unit returns it."
    ) % {"unit": w.leader_unit.short_name}
    asked = []

    def dismiss(dialog):
        asked.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name=vi("Send for review")).click()

    assert asked == [("confirm", question)]
    expect(page.get_by_role("button", name=vi("Send for review"))).to_be_visible()
    assert Sheet.objects.get(unit=w.member_unit).status == SheetStatus.DRAFT

    # "Save draft" asks nothing.
    page.on("dialog", dismiss)
    click_and_load(page, vi("Save draft"))
    page.remove_listener("dialog", dismiss)
    assert len(asked) == 1
    assert vi("Your draft was saved.") in page.inner_text("main")


def test_a_yes_sends_the_sheet(page, live_server, sheet_world):
    w = sheet_world
    c = open_sheet(page, live_server.url, w)
    fill_points(page, c, **{"I.1": "18", "I.2": "36", "II.1": "36"})
    page.locator(f"#id_evidence_{c['I.1'].pk}").set_input_files(files=[pdf_file("bao-cao.pdf", "Bao cao")])
    asked = []

    def accept(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    click_and_load(page, vi("Send for review"))

    assert len(asked) == 1 and w.leader_unit.short_name in asked[0]
    assert vi("Your sheet was sent to the reviewer.") in page.inner_text("main")
    assert Sheet.objects.get(unit=w.member_unit).status == SheetStatus.SUBMITTED


def test_on_a_phone_save_and_send_stay_in_view_and_tab_reaches_them(
    browser, browser_context_args, live_server, sheet_world, artifacts
):
    w = sheet_world
    context = browser.new_context(**{**browser_context_args, "viewport": {"width": 390, "height": 844}})
    page = context.new_page()
    try:
        c = open_sheet(page, live_server.url, w)
        bar = page.locator(".action-bar")
        for y in (0, 2000):  # at the top of the page and further down
            page.evaluate("y => window.scrollTo(0, y)", y)
            box = bar.bounding_box()
            assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844 + 1, box
            expect(bar.get_by_role("button", name=vi("Save draft"))).to_be_in_viewport()
            expect(bar.get_by_role("button", name=vi("Send for review"))).to_be_in_viewport()
        page.screenshot(path=artifacts / "sheet-phone-action-bar.png")
        # The bar is the form's end: Tab goes from the last criterion's (IV.1) file to "Save draft", then "Send".
        page.locator(f"#id_evidence_{c['IV.1'].pk}").focus()
        page.keyboard.press("Tab")
        expect(bar.get_by_role("button", name=vi("Save draft"))).to_be_focused()
        page.keyboard.press("Tab")
        expect(bar.get_by_role("button", name=vi("Send for review"))).to_be_focused()
        # The focused field is never hidden behind the bar.
        page.locator(f"#id_points_{c['II.1'].pk}").focus()
        field = page.locator(f"#id_points_{c['II.1'].pk}").bounding_box()
        assert field["y"] + field["height"] <= bar.bounding_box()["y"] + 1
    finally:
        context.close()


# --- the plan editor's preview -----------------------------------------------------------------------------


def test_the_plan_preview_follows_typing_and_keeps_the_letterhead_of_the_pdf(page, live_server, world, artifacts):
    plan_services.plan_save(
        plan=plan_2020_for(world.year),
        tasks=tasks_for(world.year),
        contributions=[],
        expected_version=None,
        by=world.leader,
    )
    login(page, live_server.url, world.leader.username, PASSWORD)
    page.goto(
        live_server.url + reverse("conference:plan-edit", kwargs={"slug": world.bloc.slug, "year": world.year.year})
    )
    page.wait_for_load_state()
    assert_healthy_page(page)
    frame = page.frame_locator("#plan-preview-frame")
    expect(frame.locator("h1")).to_have_text("KẾ HOẠCH")

    page.locator("#id_title").fill("Hội nghị sơ kết công tác thi đua 6 tháng đầu năm")

    expect(frame.locator(".doc-title")).to_contain_text(
        "Hội nghị sơ kết công tác thi đua 6 tháng đầu năm", timeout=5000
    )
    assert page.locator("[data-preview-status]").inner_text() == vi(
        "The preview shows what you typed, not saved yet; tasks and contributions as last saved."
    )
    # The letterhead as the PDF sets it: the page keeps its printed width (scaled into the column), so the issuer's
    # name is not broken one word a line.
    inner = page.locator("#plan-preview-frame").evaluate("f => f.contentWindow.innerWidth")
    assert inner >= 821, inner
    lines = frame.locator(".doc-header-left .issuer").first.evaluate(
        "el => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))"
    )
    words = len(world.bloc.issuer_name.split())
    assert lines < words, (lines, words)
    nation = frame.locator(".nation").evaluate(
        "el => Math.round(el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight))"
    )
    assert nation == 1
    # The Save row stays at the bottom of the window on this long page.
    save = page.get_by_role("button", name=vi("Save the draft"))
    expect(save).to_be_in_viewport()
    page.screenshot(path=artifacts / "plan-editor-live-preview.png")
