"""The official-document renderer: its fetcher, the stored renderings, and a real worker on the documents queue."""

import datetime
import time

import pytest
from django.core.files.storage import default_storage

from core.documents import Block, Header, OfficialDocument, Signature, render_pdf, vietnamese_date
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
        ("yte", 403),  # an officer of another bloc
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
