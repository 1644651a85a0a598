"""The same official document as a Word file, for officials who edit further: A4, Decree 30 margins,
Times New Roman (Word substitutes a Times-metric font where it is missing), the two-column header,
the body, Nơi nhận and the signature side by side, page numbers from page 2 at the top.

The layout follows the PDF's stylesheet (core/static/documents/official.css) measure for measure, so that the
Word file breaks its pages where the PDF does: the same column widths (the grid equal to the cells), every
paragraph's spacing and line height set explicitly (exact, as the CSS's line-height; nothing inherited from
python-docx's template), the CSS's collapsed margins given as the space after the paragraph above, the drawn
lines of the header and under the title as short bordered paragraphs of the PDF's widths, and the footer (Nơi
nhận and the signature) in rows that never split, as the PDF's footer never breaks across pages."""

import unicodedata
from functools import cache
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, Twips

from .model import Block, OfficialDocument, Signature

FONT = "Times New Roman"
FONT_DIR = Path(__file__).resolve().parent.parent / "static" / "documents" / "fonts"  # the PDF's Liberation Serif 2

# official.css, in points unless said otherwise.
LINE_HEIGHT = 1.25  # body { line-height }
TEXT_WIDTH_MM = 165  # A4 less the 30 mm and 15 mm margins
TEXT_WIDTH_CM = TEXT_WIDTH_MM / 10
TEXT_WIDTH = Mm(TEXT_WIDTH_MM).twips  # 9355
HEADER_LEFT = 0.40  # .doc-header-left; the right column takes the rest
FOOTER_LEFT = 0.45  # .recipients, .signature-left; the signature takes the rest
RULE_SIZE = 5  # 0.6pt lines, in eighths of a point
RULE_ISSUER = 0.35  # .rule-issuer: of the header's left column
RULE_TITLE = 0.30  # .rule-title: of the text width
PARAGRAPH_GAP = 6  # .doc-body p { margin-bottom }, the table's too (section's margin-top collapses with it)
TITLE_RULE_GAP = 12  # .rule-title { margin-bottom }
FOOTER_GAP = 12  # .doc-footer { margin-top }
SIGNATURE_SPACE = Mm(24).pt  # .sig-space
TABLE_SIZE, TABLE_LINE = 13, 1.2  # .b-table { font-size; line-height }
TABLE_PADDING = (2, 4)  # .b-table th, td { padding: 2pt 4pt }
PAGE_NUMBER_SIZE = 13  # @top-center
MOTTO = "Độc lập - Tự do - Hạnh phúc"
MOTTO_SIZE = 13.5
ALIGN = {"l": WD_ALIGN_PARAGRAPH.LEFT, "c": WD_ALIGN_PARAGRAPH.CENTER, "r": WD_ALIGN_PARAGRAPH.RIGHT}
CENTER = WD_ALIGN_PARAGRAPH.CENTER


# --- measures -------------------------------------------------------------------------------------------------


@cache
def _advances(bold: bool, italic: bool) -> tuple[dict[int, int], int] | None:
    """Each character's advance in font units, and the units per em, of the PDF's font (Times-metric)."""
    name = "LiberationSerif-" + {(False, False): "Regular", (True, False): "Bold"}.get(
        (bold, italic), "BoldItalic" if bold else "Italic"
    )
    try:
        from fontTools.ttLib import TTFont

        font = TTFont(FONT_DIR / f"{name}.ttf", lazy=True)
        cmap, metrics = font.getBestCmap(), font["hmtx"].metrics
        return {code: metrics[glyph][0] for code, glyph in cmap.items()}, font["head"].unitsPerEm
    except Exception:  # no font file or no fontTools: the estimate below
        return None


def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """The width of one line of text in points, as the PDF sets it (no kerning: a fraction of a point)."""
    text = unicodedata.normalize("NFC", text)
    table = _advances(bold, italic)
    if table is None:
        return 0.5 * size * len(text)  # Times' average advance
    advances, units = table
    return sum(advances.get(ord(char), units // 2) for char in text) * size / units


def _twips(points: float) -> int:
    return round(points * 20)


# --- paragraphs and runs --------------------------------------------------------------------------------------


def _font(run, size: float, *, bold=False, italic=False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    run._element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    run._element.rPr.rFonts.set(qn("w:cs"), FONT)
    kern = OxmlElement("w:kern")  # pair kerning, as the PDF's text shaping applies it
    kern.set(qn("w:val"), "2")
    run._element.rPr.insert_element_before(kern, "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:lang")


def _mark_size(paragraph, size: float) -> None:
    """The paragraph mark's font size: Word sizes an empty line by it."""
    p_pr = paragraph._p.get_or_add_pPr()
    r_pr = p_pr.find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        p_pr.append(r_pr)
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(round(size * 2)))
        r_pr.append(element)


def _format(paragraph, *, line: float, before: float = 0, after: float = 0, align=None, indent=None) -> None:
    """Spacing and line height set on the paragraph itself, exact as the CSS's: nothing left to the styles."""
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(line)
    fmt.widow_control = True
    if align is not None:
        paragraph.alignment = align
    if indent is not None:
        fmt.first_line_indent = indent


def _para(
    container,
    text="",
    *,
    size=14,
    bold=False,
    italic=False,
    align=None,
    before=0,
    after=0,
    line=None,
    upper=False,
    first=False,
):
    """A paragraph of one run; `first` uses the cell's own first paragraph instead of adding one."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    _format(paragraph, line=line or size * LINE_HEIGHT, before=before, after=after, align=align)
    _mark_size(paragraph, size)
    if text:
        _font(paragraph.add_run(text.upper() if upper else text), size, bold=bold, italic=italic)
    return paragraph


def _rule(container, width: float, available: float, *, gap: float, after: float, first=False):
    """A drawn line `width` points long, centred in `available` points, `gap` points under the line above: an
    empty paragraph `gap` high whose bottom border is the line, its indents making the border that long."""
    paragraph = container.paragraphs[0] if first else container.add_paragraph()
    _format(paragraph, line=max(gap, 1), after=after)
    _mark_size(paragraph, 1)
    side = max(0.0, (available - width) / 2)
    paragraph.paragraph_format.left_indent = Pt(side)
    paragraph.paragraph_format.right_indent = Pt(side)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(RULE_SIZE)), ("w:space", "0"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    # pPr's children have a fixed order: pBdr goes before spacing and indentation.
    anchor = next((child for child in p_pr if child.tag in {qn("w:shd"), qn("w:tabs"), qn("w:spacing")}), None)
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        p_pr.append(borders)
    return paragraph


def _keep(paragraph, *, with_next=False) -> None:
    paragraph.paragraph_format.keep_together = True
    if with_next:
        paragraph.paragraph_format.keep_with_next = True


# --- tables ---------------------------------------------------------------------------------------------------


def _table_frame(table, widths: list[int], *, padding=(0, 0), borders: bool = False) -> None:
    """Fixed layout, the grid equal to the cells (in twips), no indent, the cells' padding, and either no
    borders or the PDF's 0.6pt rules."""
    tbl, tbl_pr = table._tbl, table._tbl.tblPr
    for child in list(tbl_pr):
        if child.tag in {qn("w:tblW"), qn("w:tblLayout"), qn("w:tblBorders"), qn("w:tblCellMar"), qn("w:tblLook")}:
            tbl_pr.remove(child)
    width = OxmlElement("w:tblW")
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    edges = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        if borders:
            for key, value in (("w:val", "single"), ("w:sz", str(RULE_SIZE)), ("w:space", "0"), ("w:color", "000000")):
                element.set(qn(key), value)
        else:
            element.set(qn("w:val"), "nil")
        edges.append(element)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    vertical, horizontal = padding
    for edge, value in (("top", vertical), ("left", horizontal), ("bottom", vertical), ("right", horizontal)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(_twips(value)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    # CT_TblPr's order: tblStyle, …, jc, …, tblBorders, shd, tblLayout, tblCellMar, tblLook.
    style = tbl_pr.find(qn("w:tblStyle"))
    position = list(tbl_pr).index(style) + 1 if style is not None else 0
    tbl_pr.insert(position, width)
    jc = tbl_pr.find(qn("w:jc"))
    after_jc = list(tbl_pr).index(jc) + 1 if jc is not None else position + 1
    for offset, element in enumerate((edges, layout, margins)):
        tbl_pr.insert(after_jc + offset, element)
    grid = tbl.tblGrid
    for column, grid_col in zip(widths, grid.findall(qn("w:gridCol")), strict=True):
        grid_col.set(qn("w:w"), str(column))
    for row in table.rows:
        for cell, column in zip(row.cells, widths, strict=True):
            cell.width = Twips(column)


def _cant_split(row, *, header=False) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    tr_pr.append(element)
    if header:
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)


def _split(total: int, left: float) -> list[int]:
    first = round(total * left)
    return [first, total - first]


# --- the document ---------------------------------------------------------------------------------------------


def _page_number_header(section) -> None:
    """Page numbers from page 2 (the first page's header is empty), 13pt, centred in the top margin."""
    section.different_first_page_header_footer = True
    _format(section.first_page_header.paragraphs[0], line=1)
    _mark_size(section.first_page_header.paragraphs[0], 1)
    paragraph = section.header.paragraphs[0]
    _format(paragraph, line=PAGE_NUMBER_SIZE * LINE_HEIGHT, align=CENTER)
    _mark_size(paragraph, PAGE_NUMBER_SIZE)
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None)):
        run = paragraph.add_run()
        _font(run, PAGE_NUMBER_SIZE)
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {text} "
        else:
            element = OxmlElement("w:t")
            element.text = "2"
        run._r.append(element)


def _clean_defaults(word) -> None:
    """python-docx's template gives every paragraph 10pt after and 1.15 lines: none of that here."""
    styles = word.styles.element
    spacing = styles.find(f"{qn('w:docDefaults')}/{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        for key, value in (("w:before", "0"), ("w:after", "0"), ("w:line", "240"), ("w:lineRule", "auto")):
            spacing.set(qn(key), value)
    normal = word.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.get_or_add_rPr().rFonts.set(qn("w:eastAsia"), FONT)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(14 * LINE_HEIGHT)
    fmt.widow_control = True


def build_docx(doc: OfficialDocument) -> Document:
    word = Document()
    _clean_defaults(word)
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    # The PDF centres the number in the 20 mm margin: its 16.25pt line from about 7 mm.
    section.header_distance = Mm(7)
    section.footer_distance = Mm(7)
    _page_number_header(section)

    _header(word, doc)
    _para(word, doc.doc_type, bold=True, align=CENTER, upper=True, before=18)  # .doc-type { margin-top: 18pt }
    title = word.add_paragraph()
    _format(title, line=14 * LINE_HEIGHT, before=2, align=CENTER)  # .doc-title { margin: 2pt 0 4pt }
    _mark_size(title, 14)
    for i, line in enumerate(doc.title_lines):
        run = title.add_run(line)
        _font(run, 14, bold=True)
        if i < len(doc.title_lines) - 1:
            run.add_break()
    # .rule-title: 4pt under the title (its margin collapses with the rule's 2pt), 12pt above the body.
    last = _rule(word, RULE_TITLE * TEXT_WIDTH / 20, TEXT_WIDTH / 20, gap=4, after=TITLE_RULE_GAP)

    indent = Cm(1.27)
    after_table = False
    for block in doc.blocks:
        if block.kind == "table":
            if not _table(word, block):
                continue
            if last is not None and not after_table:
                last.paragraph_format.keep_with_next = True  # .b-table { break-before: avoid }
            last, after_table = _spacer(word, PARAGRAPH_GAP), True
            continue
        if after_table:  # the gap under the table is the spacer; the paragraph adds none above
            after_table = False
        paragraph = word.add_paragraph()
        centred = block.kind == "center"
        _format(
            paragraph,
            line=14 * LINE_HEIGHT,
            after=PARAGRAPH_GAP,
            align=CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY,
            indent=None if centred else indent,
        )
        _mark_size(paragraph, 14)
        whole_bold = block.kind in ("section", "heading", "subheading")
        whole_italic = block.kind in ("subheading", "legal_basis")
        for text, bold, italic in block.runs():
            run = paragraph.add_run(text.upper() if block.kind == "section" else text)
            _font(run, 14, bold=bold or whole_bold, italic=italic or whole_italic)
        last = paragraph

    # .doc-footer { margin-top: 12pt }, collapsed with the margin above it.
    if after_table:
        _format_gap(last, FOOTER_GAP)
    else:
        last.paragraph_format.space_after = Pt(max(FOOTER_GAP, last.paragraph_format.space_after.pt))
    _footer(word, doc)
    return word


def _spacer(word, height: float):
    """An empty paragraph `height` points high: the margin under a table (Word needs a paragraph there anyway)."""
    paragraph = word.add_paragraph()
    _format_gap(paragraph, height)
    return paragraph


def _format_gap(paragraph, height: float) -> None:
    _format(paragraph, line=height)
    _mark_size(paragraph, 1)


def _header(word, doc: OfficialDocument) -> None:
    """The issuing body and the number on the left (40%), the national title, the motto and the place and date
    on the right (60%), each line as the CSS sets it; the lines under the issuer and the motto as long as the
    PDF's: 35% of the column, and the motto's own width."""
    table = word.add_table(rows=1, cols=2)
    widths = _split(TEXT_WIDTH, HEADER_LEFT)
    _table_frame(table, widths)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    _cant_split(table.rows[0])
    header = doc.header
    first = True
    if header.parent_body:
        _para(left, header.parent_body, size=13, align=CENTER, upper=True, first=True)
        first = False
    for line in (header.issuer, *header.issuer_lines):
        _para(left, line, size=13, bold=True, align=CENTER, upper=True, first=first)
        first = False
    column = widths[0] / 20
    _rule(left, RULE_ISSUER * column, column, gap=2, after=0)  # .rule { margin-top: 2pt }
    _para(left, f"Số: {header.number_shown}", size=13, align=CENTER, before=6)  # .number { margin-top: 6pt }

    column = widths[1] / 20
    _para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12.5, bold=True, align=CENTER, first=True)
    _para(right, MOTTO, size=MOTTO_SIZE, bold=True, align=CENTER)
    # .motto span: its bottom border 1pt under the motto's line, as wide as the motto.
    _rule(right, text_width(MOTTO, MOTTO_SIZE, bold=True), column, gap=1, after=0)
    if header.dated_line:
        _para(right, header.place_and_date, size=14, italic=True, align=CENTER, before=8)  # .place-date


def _footer(word, doc: OfficialDocument) -> None:
    """Nơi nhận (or the second signer, Nơi nhận then under it) and the signature, in rows that never split and
    keep together: the PDF's footer never breaks across pages."""
    rows = 2 if doc.left_signature and doc.recipients else 1
    table = word.add_table(rows=rows, cols=2)
    _table_frame(table, _split(TEXT_WIDTH, FOOTER_LEFT))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, signature = table.rows[0].cells
    if doc.left_signature:
        _signature(left, doc.left_signature)
        if doc.recipients:
            _recipients(table.rows[1].cells[0], doc, before=12)  # .recipients-below { padding-top: 12pt }
            _format_gap(table.rows[1].cells[1].paragraphs[0], 1)
    elif doc.recipients:
        _recipients(left, doc)
    else:
        _format_gap(left.paragraphs[0], 1)
    if doc.signature:
        _signature(signature, doc.signature)
    else:
        _format_gap(signature.paragraphs[0], 1)
    for i, row in enumerate(table.rows):
        _cant_split(row)
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                _keep(paragraph, with_next=i < rows - 1 or paragraph is not cell.paragraphs[-1])


def _recipients(cell, doc: OfficialDocument, *, before: float = 0) -> None:
    if not doc.recipients:
        _format_gap(cell.paragraphs[0], 1)
        return
    _para(cell, "Nơi nhận:", size=12, bold=True, italic=True, before=before, first=True)
    for line in doc.recipient_lines():
        _para(cell, line, size=11, line=11 * 1.2)  # .recipient { line-height: 1.2 }


def _signature(cell, signature: Signature) -> None:
    """.sig-authority and .sig-position 13pt, 24 mm for the signature, the name 14pt."""
    _para(cell, signature.authority, size=13, bold=True, align=CENTER, upper=True, first=True)
    for line in (signature.body, signature.position):
        if line:
            _para(cell, line, size=13, bold=True, align=CENTER, upper=True)
    _format_gap(cell.add_paragraph(), SIGNATURE_SPACE)
    _para(cell, signature.name, size=14, bold=True, align=CENTER)


def _table(word, block: Block) -> bool:
    """A ruled table, 13pt, the header row bold, centred and repeated on each page, no row split across pages;
    columns as the PDF's: `widths` as the template's width classes (the widest column takes what is left), or,
    without them, by the longest text of each column."""
    columns = max((len(row) for row in block.rows), default=0)
    if not columns:
        return False
    table = word.add_table(rows=len(block.rows), cols=columns)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    classes = block.column_classes if len(block.column_classes) == columns else []
    if classes:
        percents = [int(css.removeprefix("cw-")) if css else 0 for css in classes]
        rest = max(5, 100 - sum(percents))
        weights = [p or rest for p in percents]
    else:
        weights = [
            min(max((len(row[i]) for row in block.rows if i < len(row)), default=1), 40) + 2 for i in range(columns)
        ]
    total = sum(weights)
    widths = [round(TEXT_WIDTH * w / total) for w in weights]
    widths[-1] = TEXT_WIDTH - sum(widths[:-1])
    _table_frame(table, widths, padding=TABLE_PADDING, borders=True)
    narrow = _narrow_columns(block, widths, columns)
    for i, row in enumerate(block.rows):
        _cant_split(table.rows[i], header=i == 0)  # .b-table tr { page-break-inside: avoid }
        for j, cell in enumerate(table.rows[i].cells):
            if j in narrow:
                _cell_padding(cell, narrow[j])
            _v_center(cell)
            paragraph = cell.paragraphs[0]
            align = CENTER if i == 0 else ALIGN[block.alignment(j)]
            _format(paragraph, line=TABLE_SIZE * TABLE_LINE, align=align)
            _mark_size(paragraph, TABLE_SIZE)
            text = row[j] if j < len(row) else ""
            if text:
                _font(paragraph.add_run(text), TABLE_SIZE, bold=i == 0)
    return True


def _narrow_columns(block: Block, widths: list[int], columns: int) -> dict[int, float]:
    """The columns too narrow for their longest word within the 4pt padding ("TT" in a 5% column), with the
    side padding that lets it fit: the PDF lets such a word overflow its cell, Word would break it letter by
    letter."""
    narrow = {}
    for j in range(columns):
        longest = max(
            (
                text_width(word, TABLE_SIZE, bold=i == 0)
                for i, row in enumerate(block.rows)
                if j < len(row)
                for word in row[j].split()
            ),
            default=0,
        )
        room = widths[j] / 20 - 2 * TABLE_PADDING[1]
        if longest > room:
            narrow[j] = max(0.0, (widths[j] / 20 - longest) / 2 - 0.5)
    return narrow


def _cell_padding(cell, side: float) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    margins = OxmlElement("w:tcMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(_twips(side)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    tc_pr.append(margins)


def _v_center(cell) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    element = OxmlElement("w:vAlign")
    element.set(qn("w:val"), "center")
    tc_pr.append(element)
