"""The submissions journey in a browser: Sở Tư pháp sends a 1-page summary (accepted by the checks), is refused a
3-page one (the page count in the message) and sends its year-end report; the leader (Thanh tra tỉnh) returns
the report with a note; the unit sends a new version; the leader accepts it. Screenshots go to test-artifacts/."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from blocs import demo as blocs_demo
from blocs.enums import DeadlineKind
from blocs.models import Deadline, Unit
from core.documents import Block, Header, OfficialDocument, render_pdf
from reports.enums import SubmissionStatus
from reports.models import Submission, SubmissionVersion
from reports.services import submissions as services

from .helpers import assert_healthy_page, assert_vietnamese, login, logout

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def vi(msgid: str, context: str | None = None) -> str:
    """The Vietnamese wording of a message (the msgid itself until the translation lands)."""
    with translation.override("vi"):
        return translation.pgettext(context, msgid) if context else translation.gettext(msgid)


NOTE = "Bổ sung số liệu khen thưởng tại mục II.2."


def pdf(paragraphs: int) -> bytes:
    text = "Sở Tư pháp đã hoàn thành toàn diện các chỉ tiêu, nhiệm vụ công tác thi đua, khen thưởng năm 2020. " * 3
    return render_pdf(
        OfficialDocument(
            header=Header(
                "KHỐI THI ĐUA NỘI CHÍNH", "SỞ TƯ PHÁP", "…/BC-STP", "Tuyên Quang", datetime.date(2020, 10, 15)
            ),
            doc_type="BÁO CÁO",
            title_lines=["Tóm tắt kết quả công tác thi đua, khen thưởng năm 2020"],
            blocks=[Block("paragraph", text) for _ in range(paragraphs)],
        )
    )


@pytest.fixture
def open_reports(transactional_db) -> dict[str, Deadline]:
    """The blocs demo with the 2020 summary and year-end report deadlines open now and due in ten days."""
    blocs_demo.seed()
    now = timezone.now()
    deadlines = Deadline.objects.filter(
        year__bloc__slug="ktdnc", year__year=2020, kind__in=[DeadlineKind.SUMMARY_REPORT, DeadlineKind.YEAR_REPORT]
    )
    deadlines.update(opens_at=now - datetime.timedelta(days=5), due_at=now + datetime.timedelta(days=10))
    return {d.kind: d for d in deadlines}


def go(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state()
    assert_healthy_page(page)


def click(page, locator) -> None:
    locator.click()
    page.wait_for_load_state()
    assert_healthy_page(page)


def send_file(page, deadline: Deadline, name: str, data: bytes) -> None:
    page.locator(f"#id_d{deadline.pk}-file").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": data}]
    )
    click(page, page.locator(f"#upload-{deadline.pk} button[type=submit]"))


def test_submissions_journey(page, live_server, open_reports, artifacts):
    base = live_server.url
    summary, report = open_reports[DeadlineKind.SUMMARY_REPORT], open_reports[DeadlineKind.YEAR_REPORT]
    stp = Unit.objects.get(code="STP")
    one_page, three_pages = pdf(3), pdf(24)
    assert services.summary_length(one_page)[0] == 1 and services.summary_length(three_pages)[0] == 3
    page.on("dialog", lambda dialog: dialog.accept())

    # --- Sở Tư pháp: a 1-page summary goes through, a 3-page one is refused with its page count -----------------
    login(page, base, "tuphap")
    click(page, page.get_by_role("link", name=vi("Reports"), exact=True).first)
    assert_vietnamese(page)
    send_file(page, summary, "tom-tat-2020.pdf", one_page)
    received = vi("Version %(n)d of “%(title)s” was received.")
    expect(page.locator(".messages")).to_contain_text(received % {"n": 1, "title": summary.title})
    expect(page.locator(f"#deadline-{summary.pk}")).to_contain_text("tom-tat-2020.pdf")

    send_file(page, summary, "tom-tat-dai.pdf", three_pages)
    pages, length = services.summary_length(three_pages)
    refused = vi(
        "The summary is %(length)s A4 pages long (%(pages)d pages); the limit is %(limit)s pages "
        "(at most %(max)d pages, the text on the last one ending above its middle)."
    ) % {"length": f"{length.normalize():f}".replace(".", ","), "pages": pages, "limit": "1,5", "max": 2}
    expect(page.locator(f"#upload-{summary.pk} .alert-danger")).to_have_text(refused)
    assert SubmissionVersion.objects.filter(submission__deadline=summary).count() == 1

    # --- and its year-end report (no page limit) -------------------------------------------------------------
    send_file(page, report, "bao-cao-tong-ket-2020.pdf", three_pages)
    expect(page.locator(".messages")).to_contain_text(received % {"n": 1, "title": report.title})
    assert_vietnamese(page)
    page.screenshot(path=artifacts / "submissions-unit.png", full_page=True)
    logout(page)

    # --- the leader returns the report with a note ------------------------------------------------------------
    login(page, base, "thanhtra")
    click(page, page.get_by_role("link", name=vi("Reports"), exact=True).first)
    click(page, page.get_by_role("link", name=vi("All units")))
    assert_vietnamese(page)
    cell = page.locator(f"#cell-{stp.pk}-{report.pk}")
    expect(cell).to_contain_text(vi("Submitted", "report status"))
    click(page, cell.get_by_role("link"))
    section = page.locator(f"#deadline-{report.pk}")
    section.locator(f"#id_d{report.pk}-note").fill(NOTE)
    click(page, section.get_by_role("button", name=vi("Return for correction")))
    assert Submission.objects.get(deadline=report, unit=stp).status == SubmissionStatus.RETURNED
    expect(page.locator(f"#deadline-{report.pk}")).to_contain_text(NOTE)
    logout(page)

    # --- the unit reads the note and sends a new version; the first one stays --------------------------------
    login(page, base, "tuphap")
    click(page, page.get_by_role("link", name=vi("Reports"), exact=True).first)
    expect(page.locator(f"#deadline-{report.pk}")).to_contain_text(NOTE)
    send_file(page, report, "bao-cao-tong-ket-2020-bo-sung.pdf", one_page)
    expect(page.locator(".messages")).to_contain_text(received % {"n": 2, "title": report.title})
    versions = page.locator(f"#deadline-{report.pk} tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.nth(1)).to_contain_text("bao-cao-tong-ket-2020.pdf")
    logout(page)

    # --- the leader accepts it -------------------------------------------------------------------------------
    login(page, base, "thanhtra")
    go(page, f"{base}/blocs/ktdnc/years/2020/submissions/matrix/")
    cell = page.locator(f"#cell-{stp.pk}-{report.pk}")
    click(page, cell.get_by_role("link"))
    click(page, page.locator(f"#deadline-{report.pk}").get_by_role("button", name=vi("Accept"), exact=True))
    assert Submission.objects.get(deadline=report, unit=stp).status == SubmissionStatus.ACCEPTED
    expect(page.locator(f"#deadline-{report.pk} [data-status]")).to_have_text(vi("Accepted", "report status"))
    go(page, f"{base}/blocs/ktdnc/years/2020/submissions/matrix/")
    expect(page.locator(f"#unit-{stp.pk} td[data-status=accepted]")).to_have_count(1)
    assert_vietnamese(page)
    page.screenshot(path=artifacts / "submissions-matrix.png", full_page=True)

    # --- the leader downloads every latest report as one ZIP --------------------------------------------------
    with page.expect_download() as info:
        page.locator(f"a[href$='/submissions/{report.pk}/zip/']").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(info.value.path()).read_bytes()))
    assert archive.namelist() == ["STP - bao-cao-tong-ket-2020-bo-sung.pdf"]
