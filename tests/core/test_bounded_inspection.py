"""Hostile uploads: a file built to explode is refused by the bounded inspection (core/inspect.py) quickly and
without the web process's memory growing; a body over REQUEST_MAX_BYTES is refused before it is read."""

import datetime
import io
import socket
import time
import zipfile
import zlib
from functools import cache
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.test import RequestFactory
from django.utils import translation

from blocs.enums import DeadlineKind
from core.documents import Block, Header, OfficialDocument, render_pdf
from core.inspect import LimitExceeded, inspect_file
from core.middleware import RequestSizeLimitMiddleware
from core.validators import UploadValidator
from reports.services import submissions as services
from tests.factories import DeadlineFactory

GB = 1024**3
MB = 1024**2


def rss_mb() -> float:
    """The test process's resident memory now (MB)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def _pdf(content: bytes, *, flate: bool) -> bytes:
    """A one-page A4 PDF with the given content stream (already compressed when `flate`)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Contents 4 0 R >>",
        b"<< /Length %d%s >>\nstream\n" % (len(content), b" /Filter /FlateDecode" if flate else b"")
        + content
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@cache
def inflating_pdf() -> bytes:
    """~1 MB on disk; its content stream inflates to 1 GB of zeros."""
    packer = zlib.compressobj(9)
    chunk = bytes(16 * MB)
    packed = b"".join(packer.compress(chunk) for _ in range(GB // len(chunk))) + packer.flush()
    return _pdf(packed, flate=True)


@cache
def docx_bomb() -> bytes:
    """A DOCX whose word/document.xml is 1 KB packed... and 400 MB unpacked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><w:document>')
            spaces = b" " * (16 * MB)
            for _ in range(25):
                part.write(spaces)
            part.write(b"</w:document>")
    return buffer.getvalue()


@cache
def normal_pdf() -> bytes:
    text = "Kết quả thực hiện nhiệm vụ chính trị, công tác thi đua, khen thưởng năm 2020 của đơn vị. " * 3
    return render_pdf(
        OfficialDocument(
            header=Header(
                "KHỐI THI ĐUA NỘI CHÍNH", "SỞ TƯ PHÁP", "…/BC-STP", "Tuyên Quang", datetime.date(2020, 10, 15)
            ),
            doc_type="BÁO CÁO",
            title_lines=["Tóm tắt"],
            blocks=[Block("paragraph", text) for _ in range(3)],
        )
    )


@cache
def normal_docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Báo cáo tổng kết năm 2020")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_the_test_files_are_what_they_claim():
    pdf = inflating_pdf()
    assert len(pdf) < 2 * MB
    assert zipfile.ZipFile(io.BytesIO(docx_bomb())).getinfo("word/document.xml").file_size > 400 * MB
    assert len(docx_bomb()) < 2 * MB


@pytest.fixture
def summary(world):
    return DeadlineFactory(year=world.year, kind=DeadlineKind.SUMMARY_REPORT, title="Báo cáo tóm tắt năm 2020")


def test_the_inflating_pdf_is_refused_quickly_without_the_web_process_growing(world, summary):
    pdf = inflating_pdf()
    before = rss_mb()
    started = time.monotonic()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.check_file(SimpleUploadedFile("tom-tat.pdf", pdf), deadline=summary)

    seconds, grown = time.monotonic() - started, rss_mb() - before
    print(f"inflating PDF refused in {seconds:.2f} s, RSS +{grown:.1f} MB")
    assert seconds < 5, seconds
    assert grown < 100, grown
    with translation.override("en"):
        limit = filesizeformat(200 * MB)
    assert refused.value.messages == [
        f"The file “tom-tat.pdf” unpacks to more than {limit}, the most a file may hold once "
        "unpacked; it was refused. Save it again (for example print it to PDF) and try again."
    ]


def test_the_memory_limit_holds_when_the_unpacked_size_is_allowed(settings):
    """With the unpacked-size limit lifted, the parser itself meets the child's memory limit."""
    settings.INSPECT_INFLATED_MB = 4096
    settings.INSPECT_MEMORY_MB = 300
    before = rss_mb()
    started = time.monotonic()

    with pytest.raises(LimitExceeded) as refused:
        inspect_file("pdf", inflating_pdf(), name="tom-tat.pdf", measure=True, a4=[595.28, 841.89])

    assert time.monotonic() - started < 10
    assert rss_mb() - before < 100
    assert refused.value.limit in ("memory", "inflated")  # pypdf's own cap on a stream may answer first


def test_the_time_limit_kills_a_slow_check(settings):
    """No CPU second at all: the child is stopped by RLIMIT_CPU (or the parent's clock) whatever it was doing."""
    settings.INSPECT_SECONDS = 0
    started = time.monotonic()

    with translation.override("en"), pytest.raises(LimitExceeded) as refused:
        inspect_file("pdf", normal_pdf(), name="a.pdf", measure=True, a4=[595.28, 841.89])

    assert time.monotonic() - started < 5
    assert refused.value.limit == "time"
    assert refused.value.messages == [
        "Checking the file “a.pdf” took longer than 0 seconds, the most a check may take; it was refused. Save it "
        "again (for example print it to PDF) and try again."
    ]


def test_a_pdf_over_the_page_limit_is_refused(settings):
    settings.PDF_MAX_PAGES = 1
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)

    with translation.override("en"), pytest.raises(LimitExceeded) as refused:
        inspect_file("pdf", buffer.getvalue(), name="dai.pdf")

    assert refused.value.messages == ["The file “dai.pdf” has 2 pages; files of at most 1 pages are accepted."]


def test_the_docx_bomb_is_refused_quickly():
    before = rss_mb()
    started = time.monotonic()

    with translation.override("en"), pytest.raises(ValidationError) as refused:
        UploadValidator(("pdf", "docx"))(SimpleUploadedFile("bao-cao.docx", docx_bomb()))

    assert time.monotonic() - started < 5
    assert rss_mb() - before < 100
    assert refused.value.code == "limit_inflated"


def test_a_normal_pdf_and_docx_are_accepted_quickly(world, summary):
    started = time.monotonic()
    measured = services.check_file(SimpleUploadedFile("tom-tat.pdf", normal_pdf()), deadline=summary)
    UploadValidator(("pdf", "docx"))(SimpleUploadedFile("bao-cao.docx", normal_docx()))

    assert measured["pages"] == 1
    assert time.monotonic() - started < 3


# --- the body's size, before it is read -----------------------------------------------------------------


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body was read")

    readline = read


def test_a_body_over_the_limit_is_refused_before_it_is_read():
    request = RequestFactory().post("/years/2020/", data=b"", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(150 * MB)
    request._stream = Unreadable()
    request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = "en"
    reached = []
    middleware = RequestSizeLimitMiddleware(lambda r: reached.append(r.POST) or HttpResponse())

    response = middleware(request)

    assert (response.status_code, reached) == (413, [])
    with translation.override("en"):
        said = f"{filesizeformat(150 * MB)}, more than the {filesizeformat(65 * MB)} one sending may carry"
    assert said in response.content.decode()


def test_a_body_within_the_limit_goes_through():
    request = RequestFactory().post("/", data={"a": "1"})
    response = RequestSizeLimitMiddleware(lambda r: HttpResponse(r.POST["a"]))(request)
    assert (response.status_code, response.content) == (200, b"1")


@pytest.mark.django_db(transaction=True)
def test_a_live_server_answers_413_without_waiting_for_the_body(live_server):
    """A raw socket announces 150 MB and sends 1 KB: the answer comes at once, the rest never sent."""
    address = urlparse(live_server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
        connection.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\n"
            b"Content-Length: %d\r\n\r\n" % (150 * MB) + b"x" * 1024
        )
        started = time.monotonic()
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert time.monotonic() - started < 5


def test_the_proxy_allows_what_django_allows():
    conf = (settings.BASE_DIR / "deploy" / "nginx-scale.conf").read_text()
    assert f"client_max_body_size {settings.REQUEST_MAX_BYTES // MB}m;" in conf


def test_the_draft_reports_pdf_check_is_bounded_too():
    """The leader's draft summary report (the comment round): its PDF is opened in the bounded child as well."""
    from conference.services.comments import _check_draft_file

    before = rss_mb()
    started = time.monotonic()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        _check_draft_file(SimpleUploadedFile("du-thao.pdf", inflating_pdf()))

    seconds, grown = time.monotonic() - started, rss_mb() - before
    assert seconds < 5, seconds
    assert grown < 100, grown
    assert "unpacks to more than" in refused.value.message_dict["file"][0]


def test_quoting_a_units_pdf_reads_it_in_the_bounded_child():
    """The summary's quote of a unit's PDF: a file that inflates past the limit gives no text (the leader is told
    that none could be read), quickly and without the web process growing; a normal one gives its body."""
    from conference.services.summary import _pdf_body

    before = rss_mb()
    started = time.monotonic()
    assert _pdf_body(io.BytesIO(inflating_pdf())) == ""
    assert time.monotonic() - started < 5
    assert rss_mb() - before < 100
    assert _pdf_body(io.BytesIO(normal_pdf())).startswith("Kết quả thực hiện nhiệm vụ chính trị")
