"""The Word file equals the PDF (issue 19): each official document of the demo's 2020 year, built as
`manage.py render_document` builds it, is rendered to PDF (WeasyPrint) and to DOCX, the DOCX converted to PDF by
LibreOffice (Liberation Serif 2 standing in for Times New Roman, as on a clerk's machine without it), and the two
compared: the same pages, broken at the same lines, the signer's name on the page of the signature's title, the
same margins, and the drawn lines of the header and under the title where the PDF has them.

The demo is seeded once for the module inside a transaction rolled back at its end, and LibreOffice runs once,
on the five files together. Without LibreOffice (Debian's libreoffice-writer-nogui) or Liberation Serif 2
(fonts-liberation2) the comparison skips, which fails under CI=true (tests/conftest.py)."""

import datetime
import io
import re
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pytest
from django.core.management import call_command
from django.db import transaction
from docx import Document
from docx.oxml.ns import qn

from blocs.models import EmulationYear
from conference.management.commands.render_document import KINDS, _latest
from core.documents import registry as documents
from core.documents import render_docx, render_pdf
from core.documents.model import Block, Header, OfficialDocument, Recipient, Signature

from ..conftest import MISSING_SERVICE

# Every test asks for the database: pytest-django sets up the test database only for a session with such tests
# (without, the module's fixture would seed the development database).
pytestmark = pytest.mark.django_db

DEMO_DAY = "2026-12-07"
# Each kind of the demo's 2020 year, with what render_document needs to find it.
DOCUMENTS = {
    "plan": {},
    "minutes": {},
    "conference-minutes": {},
    "summary": {},
    "submission": {"unit": "CAT", "award": "flag"},
}
PT_PER_MM = 72 / 25.4
LEFT, RIGHT, TOP, BOTTOM = 30 * PT_PER_MM, (210 - 15) * PT_PER_MM, 20 * PT_PER_MM, (297 - 20) * PT_PER_MM
PAGE_NUMBER_ZONE = TOP - 8  # the number sits in the top margin


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found:
        pytest.skip(f"{MISSING_SERVICE} LibreOffice (soffice: apt-get install libreoffice-writer-nogui)")
    fc_match = shutil.which("fc-match")
    version = ""
    if fc_match:
        version = subprocess.run(
            [fc_match, "-f", "%{family}|%{fontversion}", "Times New Roman"], capture_output=True, text=True
        ).stdout
    family, _, number = version.partition("|")
    if "Liberation Serif" not in family or not number.isdigit() or int(number) < 2 << 16:
        pytest.skip(f"{MISSING_SERVICE} Liberation Serif 2 for Times New Roman (apt-get install fonts-liberation2)")
    return found


@dataclass
class Rendered:
    doc: OfficialDocument
    pdf: Path  # WeasyPrint's
    docx_pdf: Path  # LibreOffice's, from the DOCX


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Rendered]:
    soffice = _soffice()
    folder = tmp_path_factory.mktemp("docx-fidelity")
    result = {}
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--today", DEMO_DAY, "--quiet-logins", stdout=io.StringIO())
            year = EmulationYear.objects.select_related("bloc__province", "leader").get(bloc__code="KTĐNC", year=2020)
            for kind, options in DOCUMENTS.items():
                record = _latest(kind, year, **options)  # as render_document finds and builds it
                spec = documents.get(KINDS[kind])
                doc = spec.build(record if record.pk is None else spec.load(str(record.pk)))
                (folder / f"{kind}.pdf").write_bytes(render_pdf(doc))
                (folder / f"{kind}.docx").write_bytes(render_docx(doc))
                result[kind] = Rendered(doc, folder / f"{kind}.pdf", folder / "lo" / f"{kind}.pdf")
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
    profile = folder / "lo-profile"  # its own profile: no clash with a LibreOffice running elsewhere
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf"]
    command += ["--outdir", str(folder / "lo"), *(str(folder / f"{kind}.docx") for kind in DOCUMENTS)]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return result


# --- reading a PDF ----------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@dataclass
class Line:
    page: int
    top: float
    x0: float
    x1: float
    text: str


def _lines(path: Path) -> list[Line]:
    """The text lines of every page, the page numbers of the top margin left out."""
    found = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for line in page.extract_text_lines():
                if line["bottom"] < PAGE_NUMBER_ZONE + 8 and line["top"] < PAGE_NUMBER_ZONE:
                    continue
                found.append(Line(number, line["top"], line["x0"], line["x1"], _norm(line["text"])))
    return found


def _page_count(path: Path) -> int:
    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def _rules(path: Path, above: float) -> list[tuple[float, float, float]]:
    """The short drawn lines of the first page above `above` (x0, x1, y), longer than 20pt and shorter than a
    table's rule:
    LibreOffice draws a border as a line or a thin rectangle, WeasyPrint the motto's border as the difference
    of two rectangles (the box and its inside), read here as the line between their bottoms."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        found = []
        for shape in page.lines + page.rects + page.curves:
            if shape["bottom"] - shape["top"] < 1.5 and 20 < shape["x1"] - shape["x0"] < 300 and shape["top"] < above:
                found.append((shape["x0"], shape["x1"], (shape["top"] + shape["bottom"]) / 2))
        boxes = [
            r for r in page.rects if r["bottom"] - r["top"] >= 1.5 and 20 < r["x1"] - r["x0"] < 300 and r["top"] < above
        ]
        for a in boxes:
            for b in boxes:
                same_box = all(abs(a[key] - b[key]) < 0.1 for key in ("x0", "x1", "top"))
                if same_box and 0 < b["bottom"] - a["bottom"] < 1.5:
                    found.append((a["x0"], a["x1"], (a["bottom"] + b["bottom"]) / 2))
    unique: list[tuple[float, float, float]] = []
    for rule in sorted(found, key=lambda r: (round(r[2]), r[0])):
        if not any(all(abs(p - q) < 0.8 for p, q in zip(rule, seen, strict=True)) for seen in unique):
            unique.append(rule)
    return unique


def _page_of(lines: list[Line], text: str) -> int:
    pages = [line.page for line in lines if _norm(text) in line.text]
    assert pages, f"{text!r} not found"
    return pages[-1]


# --- the comparison ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_same_pages_and_breaks(rendered, kind):
    item = rendered[kind]
    assert _page_count(item.docx_pdf) == _page_count(item.pdf), "the DOCX has another number of pages"
    pdf, docx = _lines(item.pdf), _lines(item.docx_pdf)
    for page in range(1, _page_count(item.pdf) + 1):
        first_pdf = next(line.text for line in pdf if line.page == page)
        first_docx = next(line.text for line in docx if line.page == page)
        # The same line opens each page (its first words: a table's cells may wrap a word apart).
        assert first_docx[:25] == first_pdf[:25], f"page {page} starts elsewhere"


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_signer_name_with_the_signature(rendered, kind):
    item = rendered[kind]
    docx, pdf = _lines(item.docx_pdf), _lines(item.pdf)
    for signature in (item.doc.signature, item.doc.left_signature):
        if signature is None:
            continue
        title = _page_of(docx, signature.authority.upper())
        assert _page_of(docx, signature.name) == title, "the signer's name fell on another page than the title"
        assert title == _page_of(pdf, signature.authority.upper()), "the signature is on another page than the PDF's"


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_margins(rendered, kind):
    item = rendered[kind]
    pdf, docx = _lines(item.pdf), _lines(item.docx_pdf)
    for lines in (pdf, docx):
        assert min(line.x0 for line in lines) == pytest.approx(LEFT, abs=1.5)
        assert max(line.x1 for line in lines) <= RIGHT + 1.5
        assert min(line.top for line in lines) >= TOP - 1
    for page in range(1, _page_count(item.pdf) + 1):
        top_pdf = min(line.top for line in pdf if line.page == page)
        top_docx = min(line.top for line in docx if line.page == page)
        assert top_docx == pytest.approx(top_pdf, abs=3), f"page {page}'s text starts lower or higher"
        # Justified lines run to the right margin in both.
        right_pdf = max(line.x1 for line in pdf if line.page == page)
        right_docx = max(line.x1 for line in docx if line.page == page)
        assert right_docx == pytest.approx(right_pdf, abs=1.5)


@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_header_lines(rendered, kind):
    """Under the issuer (35% of its column), under the motto (its width) and under the title (30% of the text)."""
    item = rendered[kind]
    first = next(b for b in item.doc.blocks if b.kind != "table" and b.text)
    opening = _norm(first.runs()[0][0])[:20]
    opening = opening.upper() if first.kind == "section" else opening
    # Above the body's first line: a table lower on the page draws its cells' borders too.
    pdf = _rules(item.pdf, next(line.top for line in _lines(item.pdf) if line.text.startswith(opening)))
    docx = _rules(item.docx_pdf, next(line.top for line in _lines(item.docx_pdf) if line.text.startswith(opening)))
    assert len(pdf) == 3, pdf
    assert len(docx) == 3, docx
    for expected, got in zip(pdf, docx, strict=True):
        assert got[0] == pytest.approx(expected[0], abs=1.5)
        assert got[1] == pytest.approx(expected[1], abs=1.5)
        assert got[2] == pytest.approx(expected[2], abs=2)


# --- the DOCX's own structure, without LibreOffice ---------------------------------------------------------------


def _sample(**header) -> OfficialDocument:
    return OfficialDocument(
        header=Header(
            "UBND TỈNH TUYÊN QUANG",
            "KHỐI THI ĐUA NỘI CHÍNH",
            "53/KH-KTĐNC",
            "Tuyên Quang",
            datetime.date(2020, 11, 5),
            **header,
        ),
        doc_type="BIÊN BẢN",
        title_lines=["Hội nghị tổng kết"],
        blocks=[
            Block("legal_basis", "Căn cứ Luật Thi đua, Khen thưởng;"),
            Block("paragraph", "Nội dung."),
            Block("table", rows=(("TT", "Đơn vị"), ("1", "Công an tỉnh")), align="cl", widths=(1, 6)),
        ],
        recipients=[Recipient("Như trên"), Recipient("Lưu: VT")],
        signature=Signature("TM. KHỐI THI ĐUA", "", "TRƯỞNG KHỐI", "Nguyễn Văn A"),
    )


def _word(doc: OfficialDocument):
    return Document(io.BytesIO(render_docx(doc)))


def test_grids_equal_the_cells():
    word = _word(_sample())
    for table in word.tables:
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        for row in table.rows:
            assert [cell.width.twips for cell in row.cells] == grid
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    header, *_ = word.tables
    assert [cell.width.twips for cell in header.rows[0].cells] == [3742, 5612]  # 40% and 60% of 165 mm (9354 twips)


def test_every_paragraph_sets_its_spacing():
    word = _word(_sample())
    cells = [p for t in word.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for paragraph in [*word.paragraphs, *cells]:
        fmt = paragraph.paragraph_format
        assert fmt.space_before is not None and fmt.space_after is not None, paragraph.text
        assert fmt.line_spacing is not None, paragraph.text
    defaults = word.styles.element.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    assert defaults.get(qn("w:after")) == "0"


def test_page_number_from_page_two_at_13pt():
    section = _word(_sample()).sections[0]
    assert section.different_first_page_header_footer
    assert not "".join(p.text for p in section.first_page_header.paragraphs).strip()
    runs = section.header.paragraphs[0].runs
    assert any(" PAGE " in (r._r.xpath("string(.//w:instrText)") or "") for r in runs)
    assert {r.font.size.pt for r in runs} == {13}


def test_undated_header_and_legal_basis():
    dated = "\n".join(c.text for c in _word(_sample()).tables[0].rows[0].cells)
    assert "Tuyên Quang, ngày 05 tháng 11 năm 2020" in dated
    word = _word(_sample(dated_line=False))
    assert "ngày 05 tháng 11" not in "\n".join(c.text for c in word.tables[0].rows[0].cells)
    basis = next(p for p in word.paragraphs if p.text.startswith("Căn cứ"))
    assert all(run.font.italic for run in basis.runs)
    plain = next(p for p in word.paragraphs if p.text == "Nội dung.")
    assert not any(run.font.italic for run in plain.runs)


def test_signature_rows_never_split():
    word = _word(_sample())
    footer = word.tables[-1]
    for row in footer.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    signature = footer.rows[0].cells[1]
    assert [p.text for p in signature.paragraphs if p.text] == ["TM. KHỐI THI ĐUA", "TRƯỞNG KHỐI", "Nguyễn Văn A"]
    assert all(p.paragraph_format.keep_with_next for p in signature.paragraphs[:-1])
