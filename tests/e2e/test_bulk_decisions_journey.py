"""The province's decisions in a browser: Bến Tre's board, with 20 flag proposals sent by two blocs, opens the
proposals of every bloc from its home, records one decision for bloc A's 10 in one form (filter, "choose every
proposal shown", one number), downloads the template, fills in bloc B's 10 rows and imports them, then reads
proposed against approved on its dashboard. Screenshots: bulk-decisions.png, awards-dashboard.png."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from openpyxl import load_workbook
from playwright.sync_api import expect

from awards.enums import ProposalStatus
from awards.models import AwardDecision, Proposal

from ..awards.test_bulk_decisions import make_world
from .helpers import DEMO_PASSWORD, assert_healthy_page, assert_vietnamese, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def vi(msgid: str) -> str:
    with translation.override("vi"):
        return gettext(msgid)


def click(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name).first.click()
    page.wait_for_load_state()
    assert_healthy_page(page)


def test_bulk_decisions_journey(page, live_server, transactional_db, artifacts, tmp_path):
    w = make_world(per_bloc=10)
    w.board.set_password(DEMO_PASSWORD)
    w.board.save(update_fields=["password"])
    bloc_a, bloc_b = (y.bloc for y in w.years)
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())

    # --- from the home, every bloc's proposals; one decision for bloc A's ten --------------------------------------
    login(page, base, w.board.username)
    page.locator("#decide-in-bulk a").first.click()
    page.wait_for_load_state()
    assert_vietnamese(page)
    expect(page.locator("#province-proposals tbody tr")).to_have_count(20)
    page.locator("#proposal-filters select[name=bloc]").select_option(bloc_a.slug)
    click(page, "button", vi("Filter"))
    expect(page.locator("#province-proposals tbody tr")).to_have_count(10)
    page.locator("[data-check-all=proposals]").check()
    page.locator("#bulk-decision [name=approved][value=yes]").check()
    page.locator("#bulk-decision [name=number]").fill("2156/QĐ-UBND")
    page.locator("#bulk-decision [name=date]").fill("15/01/2021")
    page.locator("#bulk-decision [name=signer_name]").fill("Nguyễn Văn A")
    page.locator("#bulk-decision [name=signer_position]").fill("Phó Chủ tịch UBND tỉnh")
    click(page, "button", vi("Record the decision for the proposals ticked"))
    decided = Proposal.objects.filter(award_kind__year__bloc=bloc_a, status=ProposalStatus.APPROVED)
    assert decided.count() == 10
    assert AwardDecision.objects.get().proposals.count() == 10
    page.screenshot(path=str(artifacts / "bulk-decisions.png"), full_page=True)

    # --- bloc B's ten from the Excel template --------------------------------------------------------------------
    page.goto(f"{base}{w.url('decisions-import')}")
    assert_vietnamese(page)
    with page.expect_download() as download:
        click(page, "link", vi("Download the template"))
    template = tmp_path / "mau.xlsx"
    download.value.save_as(template)
    workbook = load_workbook(template)
    sheet = workbook.worksheets[0]
    filled = 0
    for row in sheet.iter_rows(min_row=2):
        if row[0].value is None:
            continue
        row[4].value, row[5].value, row[6].value = "2200/QĐ-UBND", "20/01/2021", "Được khen thưởng"
        filled += 1
    assert filled == 10  # the template lists only the proposals still waiting: bloc B's
    out = io.BytesIO()
    workbook.save(out)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "quyet-dinh.xlsx", "mimeType": "application/octet-stream", "buffer": out.getvalue()}]
    )
    click(page, "button", vi("Import the decisions"))
    assert Proposal.objects.filter(award_kind__year__bloc=bloc_b, status=ProposalStatus.APPROVED).count() == 10
    assert AwardDecision.objects.count() == 2

    # --- proposed against approved on the dashboard ---------------------------------------------------------------
    page.goto(base + reverse("dashboards:board-dashboard", kwargs={"year": 2020}))
    assert_vietnamese(page)
    summary = page.locator("#awards-summary")
    expect(summary.locator("[data-total=proposed]")).to_have_text("20")
    expect(summary.locator("[data-total=approved]")).to_have_text("20")
    page.screenshot(path=str(artifacts / "awards-dashboard.png"), full_page=True)
