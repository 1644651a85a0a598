"""The official-document renderer: its fetcher, the stored renderings, and a real worker on the documents queue."""

import datetime
import io
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage

from core.documents import (
    Block,
    Header,
    OfficialDocument,
    Signature,
    render,
    render_html,
    render_pdf,
    vietnamese_date,
    weasyprint_alone,
)
from core.documents.render import DOC_ORIGIN, _fetcher
from core.models import RenderedDocument
from tests.conference.test_plan_document import blocs_demo, conference_demo


def test_vietnamese_dates_have_leading_zeros_where_decree_30_wants_them():
    assert vietnamese_date("Tuyên Quang", datetime.date(2020, 11, 5)) == "Tuyên Quang, ngày 05 tháng 11 năm 2020"
    assert vietnamese_date("Tuyên Quang", datetime.date(2020, 2, 3)) == "Tuyên Quang, ngày 03 tháng 02 năm 2020"
    assert vietnamese_date("Tuyên Quang", datetime.date(2020, 9, 28)) == "Tuyên Quang, ngày 28 tháng 9 năm 2020"


def test_inline_emphasis_becomes_runs():
    assert Block("bullet", "- **Thời gian:** từ *14h*").runs() == [
        ("- ", False, False),
        ("Thời gian:", True, False),
        (" từ ", False, False),
        ("14h", False, True),
    ]


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://example.com/logo.png",
        "https://ktd.documents/official.css",
        "data:,x",
        DOC_ORIGIN + "../settings.py",
        DOC_ORIGIN + "missing.css",
    ],
)
def test_the_fetcher_serves_only_our_own_document_files(url):
    with pytest.raises(ValueError):
        _fetcher().fetch(url)


def test_the_fetcher_serves_the_bundled_font_and_stylesheet():
    assert _fetcher().fetch(DOC_ORIGIN + "official.css").headers["Content-Type"] == "text/css"
    font = _fetcher().fetch(DOC_ORIGIN + "fonts/LiberationSerif-Regular.ttf")
    assert font.read()[:4] == b"\x00\x01\x00\x00"


def test_a_document_cannot_pull_in_a_local_file():
    document = OfficialDocument(
        header=Header("", "KHỐI THI ĐUA", "01/BC-KTĐ", "Hà Giang", datetime.date(2025, 1, 2)),
        doc_type="BÁO CÁO",
        title_lines=['<img src="file:///etc/hostname">'],
        blocks=[Block("paragraph", '<link rel="stylesheet" href="file:///etc/hostname">')],
        signature=Signature("TM. KHỐI", "", "KHỐI TRƯỞNG", "Nguyễn Văn A"),
    )
    pdf = render_pdf(document)  # the markup is escaped text; nothing is fetched, nothing fails
    assert pdf.startswith(b"%PDF")


def _demo_plan():
    from conference.models import ConferencePlan

    blocs_demo.seed()
    conference_demo.seed()
    return ConferencePlan.objects.get(year__bloc__slug="ktdnc", year__year=2020)


@pytest.mark.django_db
def test_a_requested_rendering_is_stored_and_versioned(settings, tmp_path, django_capture_on_commit_callbacks):
    from core.documents.services import document_request, documents_for

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    plan = _demo_plan()
    leader = plan.issued_by
    with django_capture_on_commit_callbacks(execute=True):
        first = document_request(kind="conference.plan", obj=plan, fmt="pdf", by=leader)
    with django_capture_on_commit_callbacks(execute=True):
        second = document_request(kind="conference.plan", obj=plan, fmt="docx", by=leader)
    first.refresh_from_db()
    second.refresh_from_db()
    assert [(d.format, d.status, d.object_version) for d in documents_for(kind="conference.plan", obj=plan)] == [
        ("docx", "done", 1),
        ("pdf", "done", 1),
    ]
    assert first.file_name == "ke-hoach-ktdnc-2020-v1.pdf"
    assert default_storage.open(first.file.name).read(5) == b"%PDF-"
    assert second.file.name.endswith(".docx") and second.seconds is not None


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_plan_on_the_documents_queue(redis_worker, settings, tmp_path):
    from core.documents.services import document_request

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    plan = _demo_plan()
    rendered = document_request(kind="conference.plan", obj=plan, fmt="pdf", by=plan.issued_by)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rendered.refresh_from_db()
        if rendered.status in (RenderedDocument.Status.DONE, RenderedDocument.Status.FAILED):
            break
        time.sleep(0.2)
    assert rendered.status == RenderedDocument.Status.DONE, rendered.error
    assert default_storage.open(rendered.file.name).read(5) == b"%PDF-"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (None, 302),  # anonymous: to the login page
        ("bantdkt", 200),  # the board of the province
        ("thanhtra", 200),  # the leader unit
        ("tuphap", 200),  # a member: the plan is issued
        ("yte", 404),  # an officer of another bloc: to it the plan's year does not exist
    ],
)
@pytest.mark.parametrize("url_name", ["core:document-download", "core:document-status"])
def test_a_rendering_is_served_only_to_who_may_read_the_plan(
    client, settings, tmp_path, django_capture_on_commit_callbacks, username, expected, url_name
):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from core.documents.services import document_request

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}},
    }
    plan = _demo_plan()
    with django_capture_on_commit_callbacks(execute=True):
        rendered = document_request(kind="conference.plan", obj=plan, fmt="pdf", by=plan.issued_by)
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    response = client.get(reverse(url_name, args=[rendered.pk]))
    assert response.status_code == expected
    if expected == 200 and url_name == "core:document-download":
        assert response["Content-Disposition"] == 'attachment; filename="ke-hoach-ktdnc-2020-v1.pdf"'
        assert b"".join(response.streaming_content).startswith(b"%PDF-")


# --- the PDF's stylesheet and fonts, parsed once per thread ------------------------------------------------


def _short_document() -> OfficialDocument:
    return OfficialDocument(
        header=Header("UBND TỈNH HÀ GIANG", "KHỐI THI ĐUA", "01/BC-KTĐ", "Hà Giang", datetime.date(2025, 1, 2)),
        doc_type="BÁO CÁO",
        title_lines=["Tổng kết công tác thi đua năm 2024"],
        blocks=[Block("paragraph", "Đánh giá **khách quan**, *toàn diện* kết quả thực hiện nhiệm vụ.")],
        signature=Signature("TM. KHỐI", "", "KHỐI TRƯỞNG", "Nguyễn Văn A"),
    )


def _fonts_and_text(pdf: bytes) -> tuple[set[str], str]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        fonts = {char["fontname"].split("+")[-1] for page in opened.pages for char in page.chars}
        return fonts, "\n".join(page.extract_text() or "" for page in opened.pages)


@pytest.fixture
def fresh_pdf_style(monkeypatch):
    """No stylesheet parsed yet in this thread; the URLs WeasyPrint fetches through our fetcher, recorded."""
    render._reusable.__dict__.pop("style", None)
    fetched = []
    fetcher = _fetcher()
    original = fetcher.fetch

    def recording(url, headers=None):
        fetched.append(url[len(DOC_ORIGIN) :])
        return original(url, headers)

    monkeypatch.setattr(fetcher, "fetch", recording)
    yield fetched
    render._reusable.__dict__.pop("style", None)


def test_the_pdf_parses_its_stylesheet_once_and_every_rendering_embeds_the_font(fresh_pdf_style):
    document = _short_document()
    first = render_pdf(document)
    assert sorted(fresh_pdf_style) == [
        "fonts/LiberationSerif-Bold.ttf",
        "fonts/LiberationSerif-BoldItalic.ttf",
        "fonts/LiberationSerif-Italic.ttf",
        "fonts/LiberationSerif-Regular.ttf",
        "official.css",
    ]
    style = render._pdf_style()
    fresh_pdf_style.clear()
    second = render_pdf(document)
    assert fresh_pdf_style == []  # nothing fetched, nothing parsed again
    assert render._pdf_style() is style
    expected_fonts = {"DocSerif", "DocSerif-Bold", "DocSerif-Italic"}
    assert _fonts_and_text(first)[0] == _fonts_and_text(second)[0] == expected_fonts
    assert _fonts_and_text(first)[1] == _fonts_and_text(second)[1]
    # The same as WeasyPrint on its own, with the stylesheet linked, parsed and its fonts loaded afresh.
    assert _fonts_and_text(weasyprint_alone(render_html(document, for_pdf=True))) == _fonts_and_text(second)


def test_the_stylesheet_is_parsed_again_in_another_thread_a_forked_child_after_an_edit_or_an_hour(
    fresh_pdf_style, monkeypatch, tmp_path
):
    style = render._pdf_style()
    others = []
    thread = threading.Thread(target=lambda: others.append(render._pdf_style()))
    thread.start()
    thread.join()
    assert others[0] is not style  # Pango's objects stay in their thread
    assert render._pdf_style() is style

    pid = os.getpid()
    monkeypatch.setattr(render.os, "getpid", lambda: pid + 1)  # as in a child forked after a rendering
    forked = render._pdf_style()
    assert forked is not style and render._pdf_style() is forked

    copy = tmp_path / "official.css"
    copy.write_bytes(Path(finders.find("documents/official.css")).read_bytes())
    find = finders.find
    monkeypatch.setattr(finders, "find", lambda path, **kw: str(copy) if path.endswith("official.css") else find(path))
    edited = render._pdf_style()
    assert edited is not forked and render._pdf_style() is edited
    copy.write_bytes(copy.read_bytes() + b"\n/* edited */\n")
    assert render._pdf_style() is not edited

    aged = render._pdf_style()
    monkeypatch.setattr(render, "STYLE_MAX_AGE", -1)
    assert render._pdf_style() is not aged
    assert render_pdf(_short_document()).startswith(b"%PDF")


EXIT_SCRIPT = """
import datetime, gc, sys
gc.callbacks.append(lambda phase, info: None)  # any callback: it changes when the thread's leftovers are freed
import django
django.setup()
from core.documents import Block, Header, OfficialDocument, Signature, render_pdf
document = OfficialDocument(
    header=Header("", "KHỐI THI ĐUA", "01/BC-KTĐ", "Hà Giang", datetime.date(2025, 1, 2)),
    doc_type="BÁO CÁO", title_lines=["Tổng kết"], blocks=[Block("paragraph", "Đánh giá.")],
    signature=Signature("TM. KHỐI", "", "KHỐI TRƯỞNG", "Nguyễn Văn A"),
)
sys.stdout.write(str(render_pdf(document).startswith(b"%PDF")))
"""


def test_a_process_that_rendered_a_pdf_exits_cleanly(settings):
    """The kept FontConfiguration is let go at exit (atexit), not in the interpreter's last teardown, where
    Pango's g_object_unref crashed the process (SIGSEGV)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
    done = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT], cwd=settings.BASE_DIR, env=env, capture_output=True, timeout=120
    )
    assert (done.returncode, done.stdout) == (0, b"True"), done.stderr.decode()[-2000:]


def test_the_styles_let_go_at_exit_are_made_again_if_needed(fresh_pdf_style):
    style = render._pdf_style()
    render._release_pdf_styles()
    assert style.font_config is None and style.stylesheet is None
    assert render._pdf_style() is not style
    assert render_pdf(_short_document()).startswith(b"%PDF")


def test_the_preview_links_the_stylesheet_and_the_pdf_is_made_from_the_same_html():
    document = _short_document()
    preview = render_html(document)
    assert '<link rel="stylesheet" href="/static/documents/official.css">' in preview
    source = render_html(document, for_pdf=True)
    link = f'<link rel="stylesheet" href="{DOC_ORIGIN}official.css">'
    assert link in source
    assert "<link" not in render._html(document, None)
    assert render._html(document, None) == source.replace(link, "")  # what render_pdf gives WeasyPrint


def test_weasyprint_has_nothing_to_warn_about_in_the_stylesheet(fresh_pdf_style, caplog):
    document = _short_document()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        weasyprint_alone(render_html(document, for_pdf=True))
        render_pdf(document)
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


@pytest.mark.e2e
@pytest.mark.parametrize(
    ("width", "sheet_mm", "padding_mm", "font_pt"),
    [(1280, 210, 30, 14), (821, 210, 30, 14), (820, None, 6, 12), (600, None, 6, 12)],
)
def test_the_preview_is_a_sheet_of_a4_that_fits_a_narrow_frame(page, width, sheet_mm, padding_mm, font_pt):
    """The stylesheet in Chromium: an A4 sheet on a grey desk; up to 820 px wide the sheet takes the frame's
    width and the text is 12 pt (the width query nested in @media screen, which WeasyPrint skips)."""
    css = Path(finders.find("documents/official.css")).read_text()
    html = render_html(_short_document()).replace(
        '<link rel="stylesheet" href="/static/documents/official.css">', f"<style>{css}</style>"
    )
    page.set_viewport_size({"width": width, "height": 900})
    page.set_content(html)
    sheet_px, padding_px, font_px, desk = page.evaluate(
        """() => {
            const sheet = getComputedStyle(document.querySelector(".doc"));
            const body = getComputedStyle(document.body);
            return [parseFloat(sheet.width), parseFloat(sheet.paddingLeft), parseFloat(body.fontSize),
                    body.backgroundColor];
        }"""
    )
    mm, pt = 96 / 25.4, 96 / 72
    assert desk == "rgb(233, 236, 239)"
    assert sheet_px == pytest.approx(sheet_mm * mm if sheet_mm else width, abs=0.5)
    assert padding_px == pytest.approx(padding_mm * mm, abs=0.1)
    assert font_px == pytest.approx(font_pt * pt, abs=0.1)
