"""The submission pages: every URL for every role, refused requests change nothing, each bad input named on the
form with nothing stored, late marking, return and new version, extensions, the ZIP, the summary written in the
browser, and the matrix's query count at two sizes."""

import datetime
import io
import zipfile
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from blocs.enums import Audience, DeadlineKind
from blocs.models import EmulationYear
from core.documents import Block, Header, OfficialDocument, render_pdf
from core.models import AuditLog, Notification
from reports import urls as urls_submissions
from reports.editor import FILE_NAME, summary_document
from reports.enums import SubmissionStatus
from reports.models import Extension, Submission, SubmissionVersion
from reports.obligations import Owing
from reports.selectors import late_text, submission_grid
from reports.services import submissions as services
from tests.conftest import ROLES
from tests.factories import DeadlineFactory, MembershipFactory, UnitFactory, officer_of

LOGIN, BACK, MATRIX = "login", "back", "matrix"
Y = {"slug": "ktdnc", "year": 2020}
PAGE = reverse("reports:submissions", kwargs=Y)
MATRIX_URL = reverse("reports:submission-matrix", kwargs=Y)
MEMBERS = ("member", "deputy", "leader")
ALL_SEEING = ("leader", "board")
# Who may know the year exists: its member units and its province's board. The others (the outsider, another
# province's board, an admin without a unit or a board) get 404, the answer for a year that does not exist.
KNOW_THE_YEAR = ("member", "deputy", "leader", "board")


def vi(msgid: str, context: str | None = None) -> str:
    """The Vietnamese wording of a message (the msgid itself until the translation lands)."""
    with translation.override("vi"):
        return translation.pgettext(context, msgid) if context else gettext(msgid)


def shows(response, message: str) -> bool:
    return escape(message) in response.content.decode()


# --- files ---------------------------------------------------------------------------------------------


def _document(paragraphs: int) -> OfficialDocument:
    text = "Kết quả thực hiện nhiệm vụ chính trị, công tác thi đua, khen thưởng năm 2020 của đơn vị. " * 3
    return OfficialDocument(
        header=Header("KHỐI THI ĐUA NỘI CHÍNH", "SỞ TƯ PHÁP", "…/BC-STP", "Tuyên Quang", datetime.date(2020, 10, 15)),
        doc_type="BÁO CÁO",
        title_lines=["Tóm tắt kết quả công tác thi đua, khen thưởng năm 2020"],
        blocks=[Block("paragraph", text) for _ in range(paragraphs)],
    )


@cache
def one_page() -> bytes:
    return render_pdf(_document(3))


@cache
def three_pages() -> bytes:
    return render_pdf(_document(24))


@cache
def encrypted() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(one_page())))
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@cache
def docx() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Báo cáo tổng kết năm 2020")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@cache
def no_pages() -> bytes:
    from pypdf import PdfWriter

    buffer = io.BytesIO()
    PdfWriter().write(buffer)
    return buffer.getvalue()


def upload(name: str = "bao-cao.pdf", data: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, one_page() if data is None else data)


def test_the_test_files_are_what_they_claim():
    assert services.summary_length(one_page())[0] == 1
    assert services.summary_length(three_pages())[0] == 3


# --- the world's deadlines -----------------------------------------------------------------------------


@pytest.fixture
def report(world):
    return DeadlineFactory(year=world.year, kind=DeadlineKind.YEAR_REPORT, title="Báo cáo tổng kết năm 2020")


@pytest.fixture
def summary(world):
    return DeadlineFactory(year=world.year, kind=DeadlineKind.SUMMARY_REPORT, title="Báo cáo tóm tắt năm 2020")


@pytest.fixture
def closed(world):
    """Due 10 days ago: past the 7 days of grace."""
    now = timezone.now()
    return DeadlineFactory(
        year=world.year,
        kind=DeadlineKind.YEAR_REPORT,
        title="Báo cáo đã hết hạn",
        opens_at=now - datetime.timedelta(days=40),
        due_at=now - datetime.timedelta(days=10),
    )


@pytest.fixture
def sent(world, report) -> SubmissionVersion:
    """The member unit's year-end report, v1, waiting for a decision."""
    return services.submission_upload(deadline=report, unit=world.member_unit, upload=upload(), by=world.member)


def submit(deadline, unit, user, name="bao-cao.pdf", data=None, at=None) -> SubmissionVersion:
    return services.submission_upload(deadline=deadline, unit=unit, upload=upload(name, data), by=user, at=at)


def stored_files() -> list[str]:
    root = Path(settings.PRIVATE_MEDIA_ROOT) / "submissions"
    return sorted(str(p) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def db_state() -> dict:
    return {
        "submissions": list(
            Submission.objects.order_by("pk").values_list("deadline_id", "unit_id", "status", "return_note")
        ),
        "versions": list(SubmissionVersion.objects.order_by("pk").values_list("pk", "number", "file", "late_seconds")),
        "extensions": list(Extension.objects.order_by("pk").values_list("deadline_id", "unit_id", "due_at", "reason")),
        "audit": AuditLog.objects.count(),
        "notifications": Notification.objects.count(),
        "files": stored_files(),
    }


# --- every URL for every role --------------------------------------------------------------------------


def statuses(*, ok=(), ok_status=200, **special) -> dict[str, object]:
    """`ok` roles get `ok_status`; the other signed-in roles 403 if they may know the year, 404 if not."""
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = LOGIN
        elif role in special:
            table[role] = special[role]
        elif role in ok:
            table[role] = ok_status
        else:
            table[role] = 403 if role in KNOW_THE_YEAR else 404
    return table


def file_field(deadline) -> str:
    return f"d{deadline.pk}-file"


def extension_data(deadline, due: datetime.datetime, reason: str = "Đơn vị đang sáp nhập") -> dict:
    local = timezone.localtime(due)
    return {
        f"d{deadline.pk}-due_date": local.strftime("%d/%m/%Y"),
        f"d{deadline.pk}-due_time": local.strftime("%H:%M"),
        f"d{deadline.pk}-reason": reason,
    }


def _for(w, s):
    return {**Y, "deadline_pk": s["report"].pk, "unit_pk": w.member_unit.pk}


# name -> (method, kwargs(world, setup), data(world, setup), expected by role); setup: report, summary, sent
URLS = {
    "reports:submissions": ("get", lambda w, s: Y, None, statuses(ok=MEMBERS, board=MATRIX)),
    "reports:submission-matrix": ("get", lambda w, s: Y, None, statuses(ok=ALL_SEEING)),
    "reports:submission-file": (
        "get",
        lambda w, s: {**Y, "version_pk": s["sent"].pk},
        None,
        statuses(ok=("member", *ALL_SEEING)),
    ),
    "reports:submission-upload": (
        "post",
        lambda w, s: {**Y, "deadline_pk": s["report"].pk},
        lambda w, s: {file_field(s["report"]): upload("v2.pdf")},
        statuses(ok=MEMBERS, ok_status=BACK),
    ),
    "reports:submission-write": (
        "get",
        lambda w, s: {**Y, "deadline_pk": s["summary"].pk},
        None,
        statuses(ok=MEMBERS),
    ),
    "reports:submission-zip": (
        "get",
        lambda w, s: {**Y, "deadline_pk": s["report"].pk},
        None,
        statuses(ok=ALL_SEEING),
    ),
    "reports:submission-accept": ("post", _for, None, statuses(ok=("leader",), ok_status=BACK)),
    "reports:submission-return": (
        "post",
        _for,
        lambda w, s: {f"d{s['report'].pk}-note": "Bổ sung số liệu mục II."},
        statuses(ok=("leader",), ok_status=BACK),
    ),
    "reports:submission-extend": (
        "post",
        _for,
        lambda w, s: extension_data(s["report"], s["report"].due_at + datetime.timedelta(days=5)),
        statuses(ok=("leader",), ok_status=BACK),
    ),
}


def check_outcome(response, expected, path: str) -> None:
    if expected == LOGIN:
        assert (response.status_code, response.url) == (302, redirect_to_login(path).url)
    elif expected == MATRIX:
        assert (response.status_code, response.url) == (302, MATRIX_URL)
    elif expected == BACK:
        assert response.status_code == 302
        assert response.url != redirect_to_login(path).url
    else:
        assert response.status_code == expected


@pytest.fixture
def setup(world, report, summary, sent) -> dict:
    return {"report": report, "summary": summary, "sent": sent}


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        pytest.param(name, role, expected, id=f"{name}-{role}-{expected}")
        for name, (_m, _k, _d, table) in URLS.items()
        for role, expected in table.items()
    ],
)
def test_url_by_role(world, setup, client_as, name, role, expected):
    method, kwargs, data, _table = URLS[name]
    path = reverse(name, kwargs=kwargs(world, setup))
    before = db_state()

    response = getattr(client_as(world.user(role)), method)(path, data(world, setup) if data else {})

    check_outcome(response, expected, path)
    if method == "post" and expected != BACK:
        assert db_state() == before


def test_every_submission_url_has_a_row_by_role():
    # The reminder log's own table is in tests/reports/test_reminders.py.
    names = {f"reports:{p.name}" for p in urls_submissions.urlpatterns} - {"reports:reminders"}
    assert names == set(URLS)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
@pytest.mark.parametrize("name", [n for n, spec in URLS.items() if spec[0] == "post"])
def test_post_only_urls_refuse_get(world, setup, client_as, name, role):
    path = reverse(name, kwargs=URLS[name][1](world, setup))
    before = db_state()

    response = client_as(world.user(role)).get(path)

    assert response.status_code == 405
    assert db_state() == before


def test_the_leader_and_the_board_read_any_unit_the_others_their_own(world, setup, client_as):
    path = f"{PAGE}?unit={world.member_unit.pk}"
    for user in (world.leader, world.board):
        response = client_as(user).get(path)
        assert response.status_code == 200
        assert response.context["unit"] == world.member_unit
        assert not response.context["own"]
        assert [r["upload_form"] for r in response.context["rows"]] == [None, None]  # read-only
    assert client_as(world.deputy).get(path).status_code == 403
    assert client_as(world.member).get(path).context["own"]  # its own unit by ?unit= too
    assert client_as(world.leader).get(f"{PAGE}?unit={world.outsider_unit.pk}").status_code == 404
    assert client_as(world.leader).get(f"{PAGE}?unit=x").status_code == 404


def test_only_the_leader_sees_the_decision_forms(world, setup, client_as):
    path = f"{PAGE}?unit={world.member_unit.pk}"
    accept = reverse("reports:submission-accept", kwargs=_for(world, setup))

    assert accept in client_as(world.leader).get(path).content.decode()
    assert accept not in client_as(world.board).get(path).content.decode()
    assert accept not in client_as(world.member).get(PAGE).content.decode()


def test_a_unit_sees_only_what_applies_to_it(world, report, client_as):
    DeadlineFactory(year=world.year, kind=DeadlineKind.LAUNCH_PLAN, audience=Audience.LEADER, title="Chỉ Trưởng khối")
    DeadlineFactory(year=world.year, kind=DeadlineKind.SELF_ASSESSMENT, title="Tự chấm điểm")  # not a file

    member = client_as(world.member).get(PAGE)
    leader = client_as(world.leader).get(PAGE)

    assert [r["deadline"].title for r in member.context["rows"]] == ["Báo cáo tổng kết năm 2020"]
    assert sorted(r["deadline"].title for r in leader.context["rows"]) == [
        "Báo cáo tổng kết năm 2020",
        "Chỉ Trưởng khối",
    ]


def test_a_member_posting_to_a_deadline_of_the_leader_gets_404(world, client_as):
    leader_only = DeadlineFactory(year=world.year, kind=DeadlineKind.LAUNCH_PLAN, audience=Audience.LEADER)
    path = reverse("reports:submission-upload", kwargs={**Y, "deadline_pk": leader_only.pk})
    before = db_state()

    response = client_as(world.member).post(path, {file_field(leader_only): upload()})

    assert response.status_code == 404
    assert db_state() == before


# --- the unit's page: status, versions, upload ---------------------------------------------------------


def test_upload_through_the_page(world, report, client_as):
    path = reverse("reports:submission-upload", kwargs={**Y, "deadline_pk": report.pk})

    response = client_as(world.member).post(path, {file_field(report): upload("Báo cáo 2020.pdf")}, follow=True)

    version = SubmissionVersion.objects.get()
    assert (version.number, version.original_name, version.pages, version.late_seconds) == (
        1,
        "Báo cáo 2020.pdf",
        1,
        0,
    )
    assert version.file.read() == one_page()
    assert shows(response, vi("Version %(n)d of “%(title)s” was received.") % {"n": 1, "title": report.title})
    row = response.context["rows"][0]
    assert (row["cell"].code, row["cell"].label) == ("submitted", vi("Submitted", "report status"))
    file_url = reverse("reports:submission-file", kwargs={**Y, "version_pk": version.pk})
    assert file_url in response.content.decode()
    download = client_as(world.member).get(file_url)
    assert b"".join(download.streaming_content) == one_page()
    assert 'filename="B' in download["Content-Disposition"] or "filename*=" in download["Content-Disposition"]


def test_a_docx_is_accepted_for_the_year_report(world, report):
    version = submit(report, world.member_unit, world.member, "bao-cao.docx", docx())

    assert (version.pages, version.length_in_pages) == (None, None)


def test_a_one_page_summary_is_accepted_and_measured(world, summary):
    version = submit(summary, world.member_unit, world.member, "tom-tat.pdf", one_page())

    pages, length = services.summary_length(one_page())
    assert (version.pages, version.length_in_pages, pages) == (1, length, 1)
    assert Decimal("0") < length < Decimal("1")


# Each bad input: its message on the form, nothing stored.
def _size_message(name):
    with translation.override("vi"):
        return gettext("The file “%(name)s” is %(size)s; the limit is %(limit)s.") % {
            "name": name,
            "size": filesizeformat(len(one_page())),
            "limit": filesizeformat(1000),
        }


def _three_page_message():
    pages, length = services.summary_length(three_pages())
    return vi(
        "The summary is %(length)s A4 pages long (%(pages)d pages); the limit is %(limit)s pages "
        "(at most %(max)d pages, the text on the last one ending above its middle)."
    ) % {"length": f"{length.normalize():f}".replace(".", ","), "pages": pages, "limit": "1,5", "max": 2}


BAD = {
    "exe-renamed-pdf": (
        "report",
        "setup.pdf",
        lambda: b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,
        lambda: (
            vi("The file “%(name)s” is not a valid %(allowed)s file (its content was checked, not its name).")
            % {"name": "setup.pdf", "allowed": vi("%(first)s or %(last)s") % {"first": "PDF", "last": "DOCX"}}
        ),
    ),
    "empty": ("report", "trong.pdf", lambda: b"", lambda: vi("The file “%(name)s” is empty.") % {"name": "trong.pdf"}),
    "encrypted": (
        "report",
        "khoa.pdf",
        encrypted,
        lambda: (
            vi("The file “%(name)s” is encrypted or password-protected; send it without protection.")
            % {"name": "khoa.pdf"}
        ),
    ),
    "too-large": ("report", "lon.pdf", one_page, lambda: _size_message("lon.pdf")),
    "three-page-summary": ("summary", "tom-tat.pdf", three_pages, _three_page_message),
    "pdf-without-pages": (
        "summary",
        "rong.pdf",
        no_pages,
        lambda: (
            vi("The file “%(name)s” cannot be read as a PDF; save it again as PDF and retry.") % {"name": "rong.pdf"}
        ),
    ),
    "text-as-summary": (
        "summary",
        "tom-tat.pdf",
        lambda: b"plain text, not a PDF",
        lambda: (
            vi("The file “%(name)s” is not a valid %(allowed)s file (its content was checked, not its name).")
            % {"name": "tom-tat.pdf", "allowed": "PDF"}
        ),
    ),
    "docx-summary": (
        "summary",
        "tom-tat.docx",
        docx,
        lambda: vi("Send the summary as a PDF (or write it in the browser): its length is measured on the A4 pages."),
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_named_on_the_form_and_nothing_is_stored(world, report, summary, client_as, settings, case):
    which, name, data, message = BAD[case]
    deadline = {"report": report, "summary": summary}[which]
    if case == "too-large":
        settings.UPLOAD_MAX_BYTES = 1000
    path = reverse("reports:submission-upload", kwargs={**Y, "deadline_pk": deadline.pk})
    before = db_state()

    response = client_as(world.member).post(path, {file_field(deadline): SimpleUploadedFile(name, data())})

    assert response.status_code == 200
    assert shows(response, message())
    row = next(r for r in response.context["rows"] if r["deadline"] == deadline)
    assert row["upload_form"].errors  # the message sits on that deadline's form
    assert db_state() == before


def pdf_ending_at(fraction: float, pages: int = 2, size: int = 12) -> bytes:
    """A PDF of A4 pages whose text on the last page ends exactly at `fraction` of its height (pdfplumber's
    `bottom` of a character is the page height minus its baseline and Helvetica's descent, 207/1000 of the size)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    width, height = 595.2756, 841.8898
    writer = PdfWriter()
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    for n in range(pages):
        page = writer.add_blank_page(width, height)
        baseline = height * (1 - fraction) + 0.207 * size if n == pages - 1 else height - 72
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 {size} Tf 72 {baseline:.4f} Td (Ket qua thi dua) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(("fraction", "accepted"), [(0.5, True), (0.51, False), (0.9, False)])
def test_the_summary_limit_at_its_boundary(world, summary, client_as, fraction, accepted):
    """The limit is 1,5 pages: a 2-page summary whose text ends at half of page 2 is 1,50 pages and taken; at 0,51
    or 0,9 it is over, refused on the form, and no version is stored (the comparison is "over the limit")."""
    assert str(summary.year.setting("summary_page_limit")) in ("1.5", "1,5")
    data = pdf_ending_at(fraction)
    assert services.summary_length(data)[1] == Decimal(str(1 + fraction)).quantize(Decimal("0.01"))
    path = reverse("reports:submission-upload", kwargs={**Y, "deadline_pk": summary.pk})
    before = db_state()

    response = client_as(world.member).post(path, {file_field(summary): SimpleUploadedFile("tom-tat.pdf", data)})

    if accepted:
        assert response.status_code == 302
        assert SubmissionVersion.objects.filter(submission__deadline=summary).count() == 1
    else:
        assert response.status_code == 200
        assert response.context["rows"][0]["upload_form"].non_field_errors()
        assert db_state() == before


def test_the_three_page_summary_says_its_page_count(world, summary, client_as):
    path = reverse("reports:submission-upload", kwargs={**Y, "deadline_pk": summary.pk})

    response = client_as(world.member).post(path, {file_field(summary): SimpleUploadedFile("t.pdf", three_pages())})

    [error] = response.context["rows"][0]["upload_form"].non_field_errors()
    assert "(3 " in error


def test_a_closed_deadline_refuses_without_an_extension(world, closed, client_as):
    path = reverse("reports:submission-upload", kwargs={**Y, "deadline_pk": closed.pk})
    closes = timezone.localtime(services.closes_at(closed, world.member_unit)).strftime("%d/%m/%Y %H:%M")
    before = db_state()

    page = client_as(world.member).get(PAGE)
    response = client_as(world.member).post(path, {file_field(closed): upload()})

    assert page.context["rows"][0]["upload_form"] is None  # no form offered on a closed deadline
    assert response.status_code == 200
    message = vi("This deadline closed on %(date)s; ask the leader unit for an extension.") % {"date": closes}
    assert shows(response, message)
    assert db_state() == before


def test_an_extension_reopens_a_closed_deadline(world, closed, client_as):
    due = timezone.now() + datetime.timedelta(days=3)
    extend = reverse(
        "reports:submission-extend", kwargs={**Y, "deadline_pk": closed.pk, "unit_pk": world.member_unit.pk}
    )
    upload_url = reverse("reports:submission-upload", kwargs={**Y, "deadline_pk": closed.pk})

    response = client_as(world.leader).post(extend, extension_data(closed, due, "Đơn vị bị ảnh hưởng bởi lũ"))

    assert response.status_code == 302
    extension = Extension.objects.get()
    assert (extension.unit, extension.reason, extension.granted_by) == (
        world.member_unit,
        "Đơn vị bị ảnh hưởng bởi lũ",
        world.leader,
    )
    assert timezone.localtime(extension.due_at).strftime("%d/%m/%Y %H:%M") == timezone.localtime(due).strftime(
        "%d/%m/%Y %H:%M"
    )
    page = client_as(world.member).get(PAGE)
    assert page.context["rows"][0]["upload_form"] is not None
    assert page.context["rows"][0]["cell"].due == extension.due_at
    assert client_as(world.member).post(upload_url, {file_field(closed): upload()}).status_code == 302
    assert SubmissionVersion.objects.get().late_seconds == 0  # measured against the extension
    # Only that unit: the deputy's deadline stays closed.
    refused = client_as(world.deputy).post(upload_url, {file_field(closed): upload()})
    assert refused.status_code == 200
    assert SubmissionVersion.objects.count() == 1


def test_a_bad_extension_is_named_on_its_form(world, closed, client_as):
    extend = reverse(
        "reports:submission-extend", kwargs={**Y, "deadline_pk": closed.pk, "unit_pk": world.member_unit.pk}
    )
    before = db_state()

    early = client_as(world.leader).post(extend, extension_data(closed, closed.due_at - datetime.timedelta(days=1)))
    no_reason = client_as(world.leader).post(extend, extension_data(closed, timezone.now(), reason=""))
    bad_date = client_as(world.leader).post(
        extend, {f"d{closed.pk}-due_date": "31/02/2020", f"d{closed.pk}-reason": "x"}
    )

    form = early.context["rows"][0]["extension_form"]
    assert form.errors["due_date"] == [vi("An extension must end after the deadline's own due date.")]
    assert no_reason.context["rows"][0]["extension_form"].errors["reason"] == [vi("Give the reason for the extension.")]
    assert bad_date.status_code == 200 and bad_date.context["rows"][0]["extension_form"].errors["due_date"]
    assert db_state() == before


def test_an_extension_for_a_unit_the_deadline_does_not_apply_to_is_404(world, closed, client_as):
    extend = reverse(
        "reports:submission-extend", kwargs={**Y, "deadline_pk": closed.pk, "unit_pk": world.outsider_unit.pk}
    )

    response = client_as(world.leader).post(extend, extension_data(closed, timezone.now()))

    assert response.status_code == 404
    assert not Extension.objects.exists()


# --- late marking (time travel) ------------------------------------------------------------------------


def test_late_marking_says_how_late(world, report, client_as):
    at = report.due_at + datetime.timedelta(days=2, hours=3, minutes=20)

    version = submit(report, world.member_unit, world.member, at=at)
    response = client_as(world.member).get(PAGE)

    assert version.late_seconds == 2 * 86400 + 3 * 3600 + 20 * 60
    with translation.override("vi"):
        how_late = late_text(version.late_seconds)
        assert how_late == "{} {}".format(
            translation.ngettext("%(n)d day", "%(n)d days", 2) % {"n": 2},
            translation.ngettext("%(n)d hour", "%(n)d hours", 3) % {"n": 3},
        )
        status = translation.npgettext("report status", "Late by %(n)d day", "Late by %(n)d days", 3) % {"n": 3}
    assert shows(response, vi("Late by %(late)s") % {"late": how_late})
    cell = response.context["rows"][0]["cell"]
    assert (cell.code, cell.label) == ("late", status)


def test_on_time_and_just_late():
    with translation.override("en"):
        _late_texts_in_english()


def _late_texts_in_english():
    assert late_text(59) == "1 minute"
    assert late_text(3600) == "1 hour"
    assert late_text(86400 + 60) == "1 day 0 hours"


def test_an_upload_before_the_deadline_opens_is_refused(world, report):
    with pytest.raises(services.ValidationError):
        submit(report, world.member_unit, world.member, at=report.opens_at - datetime.timedelta(minutes=1))
    assert not SubmissionVersion.objects.exists()


# --- decisions: return keeps v1, accept ----------------------------------------------------------------


def test_return_then_new_version_keeps_v1_unchanged(world, report, sent, client_as):
    v1_row = SubmissionVersion.objects.filter(pk=sent.pk).values().get()
    v1_bytes = Path(sent.file.path).read_bytes()
    back = reverse("reports:submission-return", kwargs=_for(world, {"report": report}))

    client_as(world.leader).post(back, {f"d{report.pk}-note": "Bổ sung số liệu mục II."})
    member_page = client_as(world.member).get(PAGE)
    v2 = submit(report, world.member_unit, world.member, "bao-cao.pdf", three_pages())

    submission = Submission.objects.get()
    assert shows(member_page, "Bổ sung số liệu mục II.")
    assert member_page.context["rows"][0]["cell"].code == "returned"
    assert (submission.status, v2.number) == (SubmissionStatus.SUBMITTED, 2)
    assert SubmissionVersion.objects.filter(pk=sent.pk).values().get() == v1_row
    assert Path(sent.file.path).read_bytes() == v1_bytes
    assert v2.file.name != sent.file.name
    assert Notification.objects.filter(recipient=world.member).count() == 1


def test_an_empty_return_note_is_refused_on_the_form(world, report, sent, client_as):
    back = reverse("reports:submission-return", kwargs=_for(world, {"report": report}))
    before = db_state()

    response = client_as(world.leader).post(back, {f"d{report.pk}-note": "  "})

    assert response.status_code == 200
    assert response.context["rows"][0]["return_form"].errors["note"] == [vi("Say what the unit should correct.")]
    assert db_state() == before


def test_accept_freezes_the_submission(world, report, sent, client_as):
    accept = reverse("reports:submission-accept", kwargs=_for(world, {"report": report}))

    client_as(world.leader).post(accept)
    again = client_as(world.leader).post(accept, follow=True)
    page = client_as(world.member).get(PAGE)

    assert Submission.objects.get().status == SubmissionStatus.ACCEPTED
    assert shows(again, vi("Only a submission waiting for a decision can be accepted."))
    assert page.context["rows"][0]["cell"].label == vi("Accepted", "report status")
    assert page.context["rows"][0]["upload_form"] is None
    with pytest.raises(services.ValidationError):
        submit(report, world.member_unit, world.member)


def test_decisions_on_a_unit_without_a_submission_are_404(world, report, client_as):
    accept = reverse("reports:submission-accept", kwargs=_for(world, {"report": report}))

    assert client_as(world.leader).post(accept).status_code == 404


# --- files: one, and every latest one as a ZIP ---------------------------------------------------------


def test_a_file_of_another_year_is_404(world, sent, client_as):
    path = reverse("reports:submission-file", kwargs={"slug": "ktdnc", "year": 2021, "version_pk": sent.pk})
    EmulationYear.objects.create(bloc=world.bloc, year=2021, leader=world.leader_unit)

    assert client_as(world.leader).get(path).status_code == 404


def test_the_zip_holds_every_latest_file_named_by_unit(world, report, client_as):
    submit(report, world.member_unit, world.member, "bao-cao.pdf", one_page())
    submit(report, world.member_unit, world.member, "bao-cao-sua.pdf", three_pages())
    submit(report, world.deputy_unit, world.deputy, "Báo cáo.docx", docx())
    path = reverse("reports:submission-zip", kwargs={**Y, "deadline_pk": report.pk})

    response = client_as(world.board).get(path)

    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    contents = {name: archive.read(name) for name in archive.namelist()}
    assert contents == {
        f"{world.member_unit.code} - bao-cao-sua.pdf": three_pages(),
        f"{world.deputy_unit.code} - Báo cáo.docx": docx(),
    }


def test_the_zip_of_a_deadline_without_files_is_404(world, report, client_as):
    path = reverse("reports:submission-zip", kwargs={**Y, "deadline_pk": report.pk})

    assert client_as(world.leader).get(path).status_code == 404


# --- the summary written in the browser ----------------------------------------------------------------


def summary_data(paragraphs: int = 2, title: str = "Tóm tắt kết quả năm 2020") -> dict:
    text = "\n".join(["Đơn vị đã hoàn thành toàn diện các chỉ tiêu, nhiệm vụ được giao trong năm 2020."] * paragraphs)
    return {
        "title": title,
        "heading_1": "Kết quả thực hiện nhiệm vụ",
        "text_1": text,
        "heading_2": "Công tác thi đua, khen thưởng",
        "text_2": "- Tổ chức phát động phong trào thi đua\n- Sơ kết, tổng kết",
        "action": "send",
    }


def write_url(summary) -> str:
    return reverse("reports:submission-write", kwargs={**Y, "deadline_pk": summary.pk})


def test_the_editor_starts_from_a_title(world, summary, client_as):
    response = client_as(world.member).get(write_url(summary))

    assert response.context["form"]["title"].value() == (
        f"Tóm tắt kết quả công tác thi đua, khen thưởng năm 2020 của {world.member_unit.name}"
    )


def test_a_summary_written_in_the_browser_is_rendered_measured_and_sent(world, summary, client_as):
    response = client_as(world.member).post(write_url(summary), summary_data())

    assert response.status_code == 302
    version = SubmissionVersion.objects.get()
    assert (version.original_name, version.pages) == (FILE_NAME, 1)
    assert version.length_in_pages == services.summary_length(version.file.read())[1]
    assert version.content == {
        "title": "Tóm tắt kết quả năm 2020",
        "sections": [
            {
                "heading": "Kết quả thực hiện nhiệm vụ",
                "text": "\n".join(
                    ["Đơn vị đã hoàn thành toàn diện các chỉ tiêu, nhiệm vụ được giao trong năm 2020."] * 2
                ),
            },
            {
                "heading": "Công tác thi đua, khen thưởng",
                "text": "- Tổ chức phát động phong trào thi đua\n- Sơ kết, tổng kết",
            },
        ],
    }
    # After a return, the editor opens on what was written.
    services.submission_return(submission=version.submission, note="Rút gọn phần I.", by=world.leader)
    again = client_as(world.member).get(write_url(summary))
    assert again.context["form"]["heading_2"].value() == "Công tác thi đua, khen thưởng"


def test_a_long_summary_keeps_the_text_and_says_its_length(world, summary, client_as):
    data = summary_data(paragraphs=80)
    before = db_state()

    response = client_as(world.member).post(write_url(summary), data)

    assert response.status_code == 200
    [error] = response.context["form"].non_field_errors()
    full = (
        "The summary is %(length)s A4 pages long (%(pages)d pages); the limit is %(limit)s pages "
        "(at most %(max)d pages, the text on the last one ending above its middle)."
    )
    assert vi(full)[:10] in error
    assert response.context["form"]["text_1"].value() == data["text_1"]
    assert db_state() == before


def test_measuring_sends_nothing(world, summary, client_as):
    before = db_state()

    response = client_as(world.member).post(write_url(summary), {**summary_data(), "action": "measure"})

    assert response.context["measured"]["pages"] == 1
    assert db_state() == before


def test_an_empty_summary_is_refused(world, summary, client_as):
    response = client_as(world.member).post(write_url(summary), {"title": "Tóm tắt", "action": "send"})

    assert response.context["form"].non_field_errors() == [vi("Write the text of at least one section.")]
    assert not SubmissionVersion.objects.exists()


def test_the_editor_is_for_summaries_only(world, report, client_as):
    assert client_as(world.member).get(write_url(report)).status_code == 404


def test_the_summary_document_has_the_official_parts(world, summary):
    content = {"title": "Tóm tắt", "sections": [{"heading": "Kết quả", "text": "Dòng một\n- ý hai"}]}

    document = summary_document(deadline=summary, unit=world.member_unit, content=content)

    assert (document.doc_type, document.title_lines, document.header.number) == (
        "BÁO CÁO",
        ["Tóm tắt"],
        f"…/BC-{world.member_unit.code}",
    )
    assert document.header.parent_body == "KHỐI THI ĐUA NỘI CHÍNH"
    assert document.header.issuer == world.member_unit.name.upper()
    assert [(b.kind, b.text) for b in document.blocks] == [
        ("heading", "1. Kết quả"),
        ("paragraph", "Dòng một"),
        ("bullet", "- ý hai"),
    ]
    assert document.signature.authority == world.member_unit.name.upper()


# --- the matrix ----------------------------------------------------------------------------------------


def test_the_grid_owes_what_owing_units_says(world):
    next_year = EmulationYear.objects.create(bloc=world.bloc, year=2021, leader=world.deputy_unit)
    deadlines = [
        DeadlineFactory(year=world.year, kind=DeadlineKind.YEAR_REPORT, audience=Audience.MEMBERS),
        DeadlineFactory(year=world.year, kind=DeadlineKind.OTHER, audience=Audience.LEADER),
        DeadlineFactory(year=world.year, kind=DeadlineKind.OTHER, audience=Audience.UNIT, unit=world.member_unit),
        DeadlineFactory(year=world.year, kind=DeadlineKind.LAUNCH_PLAN, audience=Audience.NEXT_LEADER),
    ]
    members = [m.pk for m in services.members_in_year(bloc=world.bloc, year=2020)]
    for following in (next_year, None):
        if following is None:
            next_year.delete()
        for deadline in deadlines:
            expected = sorted(u.pk for u in services.owing_units(deadline))
            rule = Owing(
                year=world.year,
                member_ids=members,
                following_leader_id=following.leader_id if following is not None else None,
            )
            assert sorted(rule.unit_ids(deadline)) == expected
    grid = submission_grid(world.year)
    assert {u.pk for u in grid.units} == {world.leader_unit.pk, world.deputy_unit.pk, world.member_unit.pk}


def test_the_matrix_shows_each_status_in_words(world, report, summary, client_as):
    now = timezone.now()
    overdue = DeadlineFactory(
        year=world.year,
        kind=DeadlineKind.OTHER,
        title="Hồ sơ quá hạn",
        opens_at=now - datetime.timedelta(days=9),
        due_at=now - datetime.timedelta(days=2),
    )
    submit(report, world.member_unit, world.member)
    late = submit(overdue, world.member_unit, world.member)
    accepted = submit(report, world.deputy_unit, world.deputy)
    services.submission_accept(submission=accepted.submission, by=world.leader)

    response = client_as(world.leader).get(MATRIX_URL)
    codes = {(row["unit"].pk, d.pk): cell.code for row in response.context["rows"] for d, cell in row["cells"] if cell}

    assert codes[(world.member_unit.pk, report.pk)] == "submitted"
    assert codes[(world.member_unit.pk, overdue.pk)] == "late"
    assert codes[(world.deputy_unit.pk, report.pk)] == "accepted"
    assert codes[(world.deputy_unit.pk, overdue.pk)] == "missing"
    assert codes[(world.leader_unit.pk, summary.pk)] == "none"
    assert late.late_seconds > 0
    html = response.content.decode()
    for label in (vi("Accepted", "report status"), vi("Not submitted", "report status")):
        assert escape(label) in html
    assert reverse("reports:submission-zip", kwargs={**Y, "deadline_pk": report.pk}) in html
    assert reverse("reports:submission-zip", kwargs={**Y, "deadline_pk": summary.pk}) not in html


def test_the_late_filter_keeps_units_late_or_missing(world, report, client_as):
    """Late: the first file came after the due date; missing: nothing by the due date. A unit that has sent nothing
    for a deadline not due yet is neither."""
    submit(report, world.member_unit, world.member)
    submit(report, world.deputy_unit, world.deputy, at=report.due_at + datetime.timedelta(hours=1))

    everyone = client_as(world.leader).get(MATRIX_URL)
    late = client_as(world.leader).get(MATRIX_URL + "?late=1")

    assert [r["unit"] for r in everyone.context["rows"]] == sorted(
        [world.leader_unit, world.deputy_unit, world.member_unit], key=lambda u: u.name
    )
    assert [r["unit"].pk for r in late.context["rows"]] == [world.deputy_unit.pk]  # the leader's is not due yet
    assert late.context["only_late"]

    now = timezone.now()
    overdue = DeadlineFactory(
        year=world.year,
        kind=DeadlineKind.OTHER,
        opens_at=now - datetime.timedelta(days=9),
        due_at=now - datetime.timedelta(days=1),
    )
    for unit, user in ((world.member_unit, world.member), (world.deputy_unit, world.deputy)):
        submit(overdue, unit, user, at=overdue.due_at - datetime.timedelta(hours=1))

    late = client_as(world.leader).get(MATRIX_URL + "?late=1")

    assert sorted(r["unit"].pk for r in late.context["rows"]) == sorted([world.deputy_unit.pk, world.leader_unit.pk])


def add_members(world, n: int) -> list:
    units = []
    for _ in range(n):
        unit = UnitFactory(province=world.bloc.province)
        MembershipFactory(bloc=world.bloc, unit=unit, start_year=2019)
        officer_of(unit)
        units.append(unit)
    return units


@pytest.mark.parametrize(("units", "deadlines"), [(3, 2), (20, 5)])
def test_matrix_queries(world, client_as, django_assert_num_queries, units, deadlines):
    add_members(world, units - 3)
    kinds = [DeadlineKind.YEAR_REPORT, DeadlineKind.SUMMARY_REPORT, DeadlineKind.OTHER]
    made = [DeadlineFactory(year=world.year, kind=kinds[k % 3]) for k in range(deadlines)]
    made.append(DeadlineFactory(year=world.year, kind=DeadlineKind.LAUNCH_PLAN, audience=Audience.NEXT_LEADER))
    members = list(services.members_in_year(bloc=world.bloc, year=2020))
    for k, unit in enumerate(members):
        officer = unit.officers.select_related("user").first().user
        submit(made[0], unit, officer, data=one_page() if k % 2 else docx(), name="a.pdf" if k % 2 else "a.docx")
        Extension.objects.create(deadline=made[-2], unit=unit, due_at=made[-2].due_at + datetime.timedelta(days=1))
    client = client_as(world.leader)

    with django_assert_num_queries(13):
        response = client.get(MATRIX_URL)

    assert len(response.context["rows"]) == units
    assert len(response.context["columns"]) == deadlines + 1


@pytest.mark.parametrize(("deadlines", "versions"), [(2, 1), (6, 3)])
def test_unit_page_queries(world, client_as, django_assert_num_queries, deadlines, versions):
    made = [DeadlineFactory(year=world.year, kind=DeadlineKind.YEAR_REPORT) for _ in range(deadlines)]
    for deadline in made:
        for _ in range(versions):
            submit(deadline, world.member_unit, world.member)
    Extension.objects.create(deadline=made[0], unit=world.member_unit, due_at=made[0].due_at + datetime.timedelta(1))
    client = client_as(world.member)

    with django_assert_num_queries(12):
        response = client.get(PAGE)

    assert [len(r["versions"]) for r in response.context["rows"]] == [versions] * deadlines
