"""The 2020 plan rendered from the demo data: Decree 30 measured with pdfplumber, and the real plan's text
(shared/domain/seed-plan-2020.txt) compared section by section."""

import difflib
import io
import re
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from docx import Document

from blocs import demo as blocs_demo
from conference import demo as conference_demo
from conference.documents.plan import plan_document
from conference.models import ConferencePlan
from core.documents import render_docx, render_html, render_pdf

MM = 72 / 25.4
# The real plan, Kế hoạch số 53/KH-KTĐNC (Tuyên Quang, 2020), as text: the document the system reproduces.
REFERENCE = Path(__file__).resolve().parent / "data" / "seed-plan-2020.txt"
SECTIONS = ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN", "Nơi nhận"]


_RENDERED: dict = {}


@pytest.fixture
def plan_pdf(db):
    """The demo plan, rendered once per session (each test still runs in its own rolled-back transaction)."""
    if not _RENDERED:
        blocs_demo.seed()
        conference_demo.seed()
        plan = ConferencePlan.objects.select_related("year__bloc__province", "year__leader").get(
            year__bloc__slug="ktdnc", year__year=2020
        )
        document = plan_document(plan)
        _RENDERED.update(
            pdf=render_pdf(document), docx=render_docx(document), html=render_html(document), document=document
        )
    return _RENDERED


@pytest.fixture
def pages(plan_pdf):
    if "pages" not in plan_pdf:
        pdf = pdfplumber.open(io.BytesIO(plan_pdf["pdf"]))
        plan_pdf["pages"] = [
            {"width": p.width, "height": p.height, "chars": p.chars, "text": p.extract_text() or "", "page": p}
            for p in pdf.pages
        ]
    return plan_pdf["pages"]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def words(text: str) -> list[str]:
    text = nfc(text).replace("*", " ").replace("|", " ")
    return re.findall(r"\w+(?:[/.,-]\w+)*", text.lower())


def line_top(page, needle: str) -> tuple[float, float]:
    """(x0, top) of the first place the text `needle` is printed (columns are not merged)."""
    matches = page["page"].search(needle, regex=False, return_chars=False)
    if not matches:
        raise AssertionError(f"{needle!r} not found")
    return matches[0]["x0"], matches[0]["top"]


def test_every_page_is_a4(pages):
    assert [(round(p["width"] / MM), round(p["height"] / MM)) for p in pages] == [(210, 297)] * len(pages)
    assert len(pages) >= 2


def test_margins_fall_inside_decree_30(pages):
    left = min(c["x0"] for p in pages for c in p["chars"]) / MM
    right = min(p["width"] - max(c["x1"] for c in p["chars"]) for p in pages) / MM
    top = min(c["top"] for c in pages[0]["chars"]) / MM
    bottom = min(p["height"] - max(c["bottom"] for c in p["chars"]) for p in pages) / MM
    assert 29.5 <= left <= 35, left  # 30–35 mm
    assert 14.5 <= right <= 20, right  # 15–20 mm (justified glyphs may touch the edge by a hair)
    assert 19.5 <= top <= 25.5, top  # 20–25 mm
    assert bottom >= 19.5, bottom


def test_every_character_is_in_the_bundled_font(pages):
    fonts = {c["fontname"].split("+")[-1] for p in pages for c in p["chars"]}
    assert fonts <= {"DocSerif", "DocSerif-Bold", "DocSerif-Italic", "DocSerif-Bold-Italic"}, fonts
    assert {"DocSerif", "DocSerif-Bold", "DocSerif-Italic"} <= fonts


def test_header_elements_are_in_their_columns(pages):
    first = pages[0]
    middle = (30 + (210 - 15 - 30) * 0.40) * MM  # the left column is ~40% of the text width
    for needle in ("UBND TỈNH TUYÊN QUANG", "KHỐI THI ĐUA NỘI CHÍNH", "Số: 53/KH-KTĐNC"):
        x0, top = line_top(first, needle)
        assert x0 < middle and top < 50 * MM, needle
    for needle in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ngày 28 tháng 9 năm 2020"):
        x0, top = line_top(first, needle)
        assert x0 > middle - 2 * MM and top < 50 * MM, needle
    # The document type and title are centred below the header.
    x0, top = line_top(first, "KẾ HOẠCH")
    assert top > line_top(first, "Số: 53/KH-KTĐNC")[1]


def test_recipients_bottom_left_and_signature_bottom_right(pages):
    last = pages[-1]
    centre = last["width"] / 2
    recipients_x, recipients_top = line_top(last, "Nơi nhận:")
    signer_x, _signer_top = line_top(last, "Vũ Đức Thọ")
    authority_x, authority_top = line_top(last, "TRƯỞNG KHỐI THI ĐUA NỘI CHÍNH")
    assert recipients_x < centre < authority_x
    assert signer_x > centre
    assert abs(recipients_top - authority_top) < 5 * MM  # on the same band
    closing_top = line_top(last, "phối hợp thực hiện./.")[1]
    assert recipients_top > closing_top


def test_page_numbers_from_page_two_centred_at_the_top(pages):
    def top_number(page):
        chars = [c for c in page["chars"] if c["top"] < 19 * MM]
        return "".join(c["text"] for c in chars), chars

    assert top_number(pages[0])[0] == ""
    for index, page in enumerate(pages[1:], start=2):
        text, chars = top_number(page)
        assert text == str(index)
        middle = (min(c["x0"] for c in chars) + max(c["x1"] for c in chars)) / 2
        text_centre = (30 * MM + page["width"] - 15 * MM) / 2
        assert abs(middle - text_centre) < 3 * MM
    bottoms = [c for p in pages for c in p["chars"] if c["bottom"] > p["height"] - 19 * MM]
    assert bottoms == []


def test_vietnamese_diacritics_extract_intact(pages):
    text = nfc("\n".join(p["text"] for p in pages))
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020",
        "Thảo luận, đóng góp ý kiến của đại biểu",
        "Bình xét, suy tôn đề nghị Ủy ban nhân dân tỉnh",
        "Vũ Đức Thọ",
        "Tổng số: 23 người",
    ):
        assert phrase in " ".join(text.split()), phrase


def _split(text: str) -> dict[str, list[str]]:
    text = nfc(text)
    parts = {}
    cursor = 0
    names = ["preamble", *SECTIONS]
    starts = [0] + [text.index(heading) for heading in SECTIONS]
    for i, name in enumerate(names):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        parts[name] = words(text[starts[i] : end])
        cursor = end
    assert cursor == len(text)
    return parts


def test_text_matches_the_real_plan_section_by_section(pages):
    reference = _split(REFERENCE.read_text(encoding="utf-8"))
    rendered_text = "\n".join(p["text"] for p in pages)
    # The real file lacks the header of the format (parent body, national title, motto); ours has them.
    rendered_text = rendered_text[rendered_text.index("Số: 53/KH") :]
    rendered = _split(rendered_text)
    for name in ["preamble", *SECTIONS]:
        ours, theirs = rendered[name], reference[name]
        if name == "Nơi nhận":  # two columns side by side: extraction interleaves them, so compare the words
            ours, theirs = sorted(ours), sorted(theirs)
        ratio = difflib.SequenceMatcher(a=theirs, b=ours, autojunk=False).ratio()
        assert ratio >= 0.97, (name, ratio, theirs[:30], ours[:30])


def test_the_plan_states_its_facts(pages):
    text = " ".join(nfc("\n".join(p["text"] for p in pages)).split())
    for fact in (
        "Số: 53/KH-KTĐNC",
        "Tuyên Quang, ngày 28 tháng 9 năm 2020",
        "14h 30 phút ngày 05/11/2020 (Thứ năm)",
        "Hội trường tầng III - Thanh tra tỉnh.",
        "xong trước ngày 25/10/2020",
        "Từ ngày 25/10/2020 đến 31/10/2020",
        "- Lưu: VT, TTr.",
        "- Ban TĐ- KT tỉnh, SNV (B/cáo);",
        "PHÓ CHÁNH THANH TRA",
    ):
        assert fact in text, fact


def test_docx_has_the_same_structure(plan_pdf):
    word = Document(io.BytesIO(plan_pdf["docx"]))
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert [
        round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    ] == [
        20,
        20,
        30,
        15,
    ]
    assert section.different_first_page_header_footer
    header_cells = [cell.text for cell in word.tables[0].rows[0].cells]
    assert "KHỐI THI ĐUA NỘI CHÍNH" in header_cells[0] and "Số: 53/KH-KTĐNC" in header_cells[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_cells[1]
    body = [p.text for p in word.paragraphs if p.text.strip()]
    expected = [b.text.replace("**", "").replace("*", "") for b in plan_pdf["document"].blocks]
    assert body[-len(expected) :] == expected
    footer = [cell.text for cell in word.tables[1].rows[0].cells]
    assert footer[0].startswith("Nơi nhận:") and "Vũ Đức Thọ" in footer[1]


def test_preview_and_pdf_come_from_the_same_template(plan_pdf):
    html = plan_pdf["html"]
    assert 'href="/static/documents/official.css"' in html
    assert "<style" not in html and "<script" not in html  # the preview obeys the strict CSP
    assert "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020" in html
