"""The documents' font is a setting: the bundled serif by default (the same output on every machine), or a font a
deployment names (DOCUMENT_FONT), which the PDF then embeds. And the Decree 30 parts that the model carries: the
legal bases in italics, each on its line ending with ";", the last with "."; no place-and-date line on a biên bản."""

import datetime
import io

import pdfplumber
import pytest

from conference.documents.plan import legal_basis_blocks
from core.documents import Block, Header, OfficialDocument, render_pdf


def document(*, dated_line: bool = True) -> OfficialDocument:
    return OfficialDocument(
        header=Header(
            "UBND TỈNH TUYÊN QUANG",
            "KHỐI THI ĐUA NỘI CHÍNH",
            "01/BB-KTĐNC",
            "Tuyên Quang",
            datetime.date(2020, 11, 5),
            dated_line=dated_line,
        ),
        doc_type="BIÊN BẢN",
        title_lines=["Hội nghị"],
        blocks=[
            *legal_basis_blocks(["Quy chế của Khối", "Căn cứ Kế hoạch số 05/KH-KTĐNC,"]),
            Block("paragraph", "Nội dung."),
        ],
    )


def fonts_and_text(pdf: bytes) -> tuple[set[str], str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = [c for page in doc.pages for c in page.chars]
        return {c["fontname"].split("+")[-1] for c in chars}, "\n".join(page.extract_text() for page in doc.pages)


def test_the_bundled_serif_by_default(settings):
    settings.DOCUMENT_FONT = ""
    fonts, _text = fonts_and_text(render_pdf(document()))
    assert fonts <= {"DocSerif", "DocSerif-Bold", "DocSerif-Italic", "DocSerif-Bold-Italic"}


def test_a_deployment_names_an_installed_font_and_the_pdf_embeds_it(settings):
    import shutil
    import subprocess

    listed = subprocess.run(["fc-list"], capture_output=True, text=True).stdout if shutil.which("fc-list") else ""
    if "DejaVu Serif" not in listed:
        pytest.skip("no DejaVu Serif installed to stand for a deployment's font")
    settings.DOCUMENT_FONT = "DejaVu Serif"
    fonts, text = fonts_and_text(render_pdf(document()))
    assert {"DejaVu-Serif", "DejaVu-Serif-Bold"} <= fonts, fonts
    assert "Nội dung." in text


def test_legal_bases_are_italic_lines_ending_with_a_semicolon_and_the_last_with_a_full_stop():
    blocks = legal_basis_blocks(["Quy chế của Khối (*ban hành kèm theo Quyết định số 108*)", "", "Căn cứ Kế hoạch 05,"])
    assert [(b.kind, b.text) for b in blocks] == [
        ("legal_basis", "Căn cứ Quy chế của Khối (ban hành kèm theo Quyết định số 108);"),
        ("legal_basis", "Căn cứ Kế hoạch 05."),
    ]
    fonts, _text = fonts_and_text(render_pdf(document()))
    assert "DocSerif-Italic" in fonts


def test_a_biên_bản_header_has_no_place_and_date_line():
    _fonts, text = fonts_and_text(render_pdf(document(dated_line=False)))
    assert "ngày 05 tháng 11 năm 2020" not in text
    _fonts, text = fonts_and_text(render_pdf(document(dated_line=True)))
    assert "Tuyên Quang, ngày 05 tháng 11 năm 2020" in text


def test_a_number_not_given_yet_prints_as_blank_space_in_every_kind():
    from core.documents.model import BLANK_NUMBER

    header = Header("A", "B", "…/KH-KTĐNC", "Tuyên Quang", datetime.date(2020, 1, 1))
    assert header.number_shown == f"{BLANK_NUMBER}/KH-KTĐNC"
    assert Header("A", "B", "05/KH-KTĐNC", "Tuyên Quang", datetime.date(2020, 1, 1)).number_shown == "05/KH-KTĐNC"
    from awards import documents

    assert documents.BLANK_NUMBER == BLANK_NUMBER  # the awards documents leave the same blank
