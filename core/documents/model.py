"""The structure of an official document, independent of its output format."""

import datetime
import re
from dataclasses import dataclass, field


def vietnamese_date(place: str, day: datetime.date) -> str:
    """ "Tuyên Quang, ngày 05 tháng 11 năm 2020": a leading zero for days 1–9 and months 1–2 (Decree 30)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


# A number not given yet (a draft), as every document prints it: blank space for the clerk (văn thư), who numbers the
# document when it is issued; the pages of the app write "…" for it (`IssuedRecord.number_text`).
BLANK_NUMBER = "\u00a0" * 6


@dataclass(frozen=True)
class Header:
    parent_body: str  # e.g. "UBND TỈNH TUYÊN QUANG" (upper case, not bold)
    issuer: str  # e.g. "KHỐI THI ĐUA NỘI CHÍNH" (upper case, bold)
    number: str  # e.g. "53/KH-KTĐNC" (shown as "Số: 53/KH-KTĐNC")
    place: str
    date: datetime.date
    issuer_lines: tuple[str, ...] = ()  # further lines of the issuing body, if it has two
    # Mẫu 1.9 (biên bản) has no place-and-date line under the motto: the minutes say when and where in their text.
    dated_line: bool = True

    @property
    def number_shown(self) -> str:
        """The number as printed: a draft's "…/KH-KTĐNC" as blank space before the slash (one way for every kind)."""
        return BLANK_NUMBER + self.number[1:] if self.number.startswith("…") else self.number

    @property
    def place_and_date(self) -> str:
        return vietnamese_date(self.place, self.date)


# Inline emphasis inside a block: **bold** and *italic*, as written in the seed plan.
INLINE = re.compile(r"(\*\*.+?\*\*|\*.+?\*)")


@dataclass(frozen=True)
class Block:
    """A piece of the body. kinds: "section" (I. MỤC ĐÍCH…), "heading" (1. Mục đích), "subheading" (a. …),
    "paragraph", "legal_basis" (a "Căn cứ …" line of the preamble: italic, Appendix I II.6.a), "bullet" (a line
    starting with "- "), "line" (unindented, e.g. "Tổng số: 23 người"),
    "center" (a centred line, e.g. "Kính gửi: …" under a submission's title) and "table" (a ruled table:
    `rows`, the first of them the header; `align` one letter per column, l/c/r, left by default; `widths`
    relative column widths, optional: without them the PDF sizes columns by their content and the DOCX by
    the longest text of each column)."""

    kind: str
    text: str = ""
    rows: tuple[tuple[str, ...], ...] = ()
    align: str = ""
    widths: tuple[float, ...] = ()

    def alignment(self, column: int) -> str:
        return self.align[column] if column < len(self.align) and self.align[column] in "lcr" else "l"

    @property
    def column_classes(self) -> list[str]:
        """The HTML's width class of each column ("cw-15": 15% of the text width, in steps of 5, the template
        may not carry inline styles); the widest column has none and takes what is left."""
        if not self.widths or not self.rows or len(self.widths) < len(self.rows[0]):
            return []
        widths = self.widths[: len(self.rows[0])]
        total, widest = sum(widths), widths.index(max(widths))
        return ["" if i == widest else f"cw-{max(5, min(60, 5 * round(20 * w / total)))}" for i, w in enumerate(widths)]

    @property
    def head(self) -> list[str]:
        """A table's header cells."""
        return list(self.rows[0]) if self.rows else []

    @property
    def body(self) -> list[list[tuple[str, str]]]:
        """A table's other rows, each cell as (text, alignment letter)."""
        return [[(text, self.alignment(i)) for i, text in enumerate(row)] for row in self.rows[1:]]

    def runs(self) -> list[tuple[str, bool, bool]]:
        """The text as (text, bold, italic) runs."""
        result = []
        for part in INLINE.split(self.text):
            if not part:
                continue
            if part.startswith("**") and part.endswith("**") and len(part) > 4:
                result.append((part[2:-2], True, False))
            elif part.startswith("*") and part.endswith("*") and len(part) > 2:
                result.append((part[1:-1], False, True))
            else:
                result.append((part, False, False))
        return result


@dataclass(frozen=True)
class Recipient:
    name: str
    purpose: str = ""  # e.g. "B/cáo", "T/hiện"


@dataclass(frozen=True)
class Signature:
    authority: str  # "TM. …", "KT. …", or the body's title, upper case
    body: str  # the second line, e.g. "THANH TRA TỈNH TUYÊN QUANG" (may be empty)
    position: str  # e.g. "PHÓ CHÁNH THANH TRA" (may be empty)
    name: str  # full name, no titles


@dataclass
class OfficialDocument:
    header: Header
    doc_type: str  # "KẾ HOẠCH", "BÁO CÁO", "BIÊN BẢN", "TỜ TRÌNH"
    title_lines: list[str]
    blocks: list[Block] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    signature: Signature | None = None
    file_stem: str = "van-ban"
    # A second signer, on the left of the footer level with `signature` (minutes: the secretary on the left,
    # the chair on the right); Nơi nhận, if any, then goes under it.
    left_signature: Signature | None = None

    def recipient_lines(self) -> list[str]:
        """Decree 30: each line starts with "-" and ends with ";", the last with "."."""
        lines = []
        for i, r in enumerate(self.recipients):
            text = f"- {r.name}" + (f" ({r.purpose})" if r.purpose else "")
            lines.append(text + ("." if i == len(self.recipients) - 1 else ";"))
        return lines
