"""The same official document as a Word file, for officials who edit further: A4, Decree 30 margins,
Times New Roman (Word substitutes a Times-metric font where it is missing), the two-column header,
the body, Nơi nhận and the signature side by side, page numbers from page 2 at the top."""

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from .model import Block, OfficialDocument, Signature

FONT = "Times New Roman"


def _font(run, size: float, *, bold=False, italic=False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)


def _para(container, text="", *, size=14, bold=False, italic=False, align=None, space_after=0, upper=False):
    paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(space_after)
    paragraph.paragraph_format.space_before = Pt(0)
    if text:
        _font(paragraph.add_run(text.upper() if upper else text), size, bold=bold, italic=italic)
    return paragraph


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _bottom_border(paragraph) -> None:
    """A solid line under a paragraph (the line under the motto and under the issuing body)."""
    p_pr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    p_pr.append(border)


def _page_number_header(section) -> None:
    section.different_first_page_header_footer = True  # page 1 carries no number
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run()
    _font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def build_docx(doc: OfficialDocument) -> Document:
    word = Document()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    _page_number_header(section)
    style = word.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)

    header = word.add_table(rows=1, cols=2)
    _no_borders(header)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = header.rows[0].cells
    left.width, right.width = Cm(6.5), Cm(10)
    left.paragraphs[0].text = ""
    center = WD_ALIGN_PARAGRAPH.CENTER
    first = left.paragraphs[0]
    first.alignment = center
    if doc.header.parent_body:
        _font(first.add_run(doc.header.parent_body.upper()), 13)
        issuer = _para(left, doc.header.issuer, size=13, bold=True, align=center, upper=True)
    else:
        _font(first.add_run(doc.header.issuer.upper()), 13, bold=True)
        issuer = first
    for line in doc.header.issuer_lines:
        issuer = _para(left, line, size=13, bold=True, align=center, upper=True)
    _bottom_border(issuer)
    _para(left, f"Số: {doc.header.number}", size=13, align=center)
    nation = right.paragraphs[0]
    nation.alignment = center
    _font(nation.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12.5, bold=True)
    motto = _para(right, "Độc lập - Tự do - Hạnh phúc", size=13.5, bold=True, align=center)
    _bottom_border(motto)
    _para(right, doc.header.place_and_date, size=14, italic=True, align=center)

    _para(word, "", size=6)
    _para(word, doc.doc_type, size=14, bold=True, align=center, upper=True)
    for line in doc.title_lines:
        _para(word, line, size=14, bold=True, align=center)
    _para(word, "", size=6)

    indent = Cm(1.27)
    for block in doc.blocks:
        if block.kind == "table":
            _table(word, block)
            continue
        paragraph = word.add_paragraph()
        if block.kind == "center":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = indent
        paragraph.paragraph_format.space_after = Pt(6)
        whole_bold = block.kind in ("section", "heading", "subheading")
        for text, bold, italic in block.runs():
            run = paragraph.add_run(text.upper() if block.kind == "section" else text)
            _font(run, 14, bold=bold or whole_bold, italic=italic or block.kind == "subheading")

    footer = word.add_table(rows=2 if doc.left_signature and doc.recipients else 1, cols=2)
    _no_borders(footer)
    left, signature = footer.rows[0].cells
    left.width, signature.width = Cm(8), Cm(8.5)
    if doc.left_signature:
        _signature(left, doc.left_signature)
        if doc.recipients:
            _recipients(footer.rows[1].cells[0], doc)
    elif doc.recipients:
        _recipients(left, doc)
    if doc.signature:
        _signature(signature, doc.signature)
    return word


def _recipients(cell, doc: OfficialDocument) -> None:
    label = cell.paragraphs[0]
    _font(label.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for line in doc.recipient_lines():
        _para(cell, line, size=11)


def _signature(cell, signature: Signature) -> None:
    center = WD_ALIGN_PARAGRAPH.CENTER
    top = cell.paragraphs[0]
    top.alignment = center
    _font(top.add_run(signature.authority.upper()), 14, bold=True)
    if signature.body:
        _para(cell, signature.body, size=14, bold=True, align=center, upper=True)
    if signature.position:
        _para(cell, signature.position, size=14, bold=True, align=center, upper=True)
    for _blank in range(4):
        _para(cell, "", size=14)
    _para(cell, signature.name, size=14, bold=True, align=center)


TEXT_WIDTH_CM = 16.5  # A4 less the 30 mm and 15 mm margins
ALIGN = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}


def _table(word, block: Block) -> None:
    """A ruled table, the header row bold, centred and repeated on each page; columns sized by `widths` or,
    without them, by the longest text of each column."""
    columns = max((len(row) for row in block.rows), default=0)
    if not columns:
        return
    table = word.add_table(rows=len(block.rows), cols=columns)
    table.style = word.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    weights = list(block.widths[:columns]) if len(block.widths) >= columns else []
    if not weights:
        weights = [
            min(max((len(row[i]) for row in block.rows if i < len(row)), default=1), 40) + 2 for i in range(columns)
        ]
    total = sum(weights)
    for i, row in enumerate(block.rows):
        cells = table.rows[i].cells
        for j in range(columns):
            cell = cells[j]
            cell.width = Cm(TEXT_WIDTH_CM * weights[j] / total)
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if i == 0 else ALIGN[block.alignment(j)]
            text = row[j] if j < len(row) else ""
            if text:
                _font(paragraph.add_run(text), 13, bold=i == 0)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header.append(repeat)
    _para(word, "", size=6)
