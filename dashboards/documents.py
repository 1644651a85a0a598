"""The board's statistics table as an official document (Decree 30): "Bảng thống kê kết quả đề nghị và khen thưởng
năm N", one row per bloc that opened the year and the province's total, for the board's own report.

Document wording is Vietnamese whatever the interface language. The board has no register of its own in the product:
the number is left for the clerk to write ("…/BC-TĐKT"), and the signature block carries the head of the board's
title with the name to be written by hand.
"""

import datetime

from django.utils import timezone

from core.documents import Block, Header, OfficialDocument, Recipient, Signature

from .selectors.awards_stats import AwardStats, Tally

PARENT_BODY = "SỞ NỘI VỤ TỈNH {province}"
ISSUER = "BAN THI ĐUA - KHEN THƯỞNG"
NUMBER = "…/BC-TĐKT"
HEAD = (
    "STT",
    "Khối thi đua",
    "Cờ thi đua (đề nghị / được tặng)",
    "Bằng khen (đề nghị / được tặng)",
    "Khác (đề nghị / được tặng)",
    "Tổng (đề nghị / được tặng)",
)
ALIGN = "clcccc"
WIDTHS = (1, 7, 3, 3, 3, 3)


def _figures(cells: list[Tally]) -> tuple[str, ...]:
    """ "3 / 1": proposed / approved, one cell per award group and the total."""
    return tuple(f"{cell.proposed} / {cell.approved}" for cell in cells)


def title_lines(stats: AwardStats) -> list[str]:
    return [f"Kết quả đề nghị và khen thưởng năm {stats.year}"]


def stats_blocks(stats: AwardStats) -> list[Block]:
    rows = [HEAD]
    for i, row in enumerate(stats.open_rows, start=1):
        rows.append((str(i), row.bloc.name, *_figures(row.cells)))
    rows.append(("", "Tổng cộng", *_figures(stats.total.cells)))
    total = stats.total.total
    return [
        Block(
            "paragraph",
            f"Năm {stats.year}, {len(stats.open_rows):02d} Khối thi đua của tỉnh {stats.province.name} đề nghị khen "
            f"thưởng {total.proposed:02d} lượt đơn vị; đã được khen thưởng {total.approved:02d} lượt, không được khen "
            f"thưởng {total.rejected:02d} lượt, đang chờ quyết định {total.awaiting:02d} lượt. Cụ thể như sau:",
        ),
        Block("table", rows=tuple(rows), align=ALIGN, widths=WIDTHS),
        Block(
            "line",
            "*Ghi chú: “Khác” gồm các hình thức khen thưởng khác ngoài Cờ thi đua của Ủy ban nhân dân tỉnh và Bằng "
            "khen của Chủ tịch Ủy ban nhân dân tỉnh; “đề nghị” là số đơn vị được Hội nghị tổng kết của Khối bình "
            "xét, suy tôn đề nghị.*",
        ),
    ]


def stats_document(stats: AwardStats, *, today: datetime.date | None = None) -> OfficialDocument:
    province = stats.province
    return OfficialDocument(
        header=Header(
            parent_body=PARENT_BODY.format(province=province.name.upper()),
            issuer=ISSUER,
            number=NUMBER,
            place=province.name,
            date=today or timezone.localdate(),
        ),
        doc_type="BẢNG THỐNG KÊ",
        title_lines=title_lines(stats),
        blocks=stats_blocks(stats),
        recipients=[Recipient("Lưu: VT")],
        signature=Signature("TRƯỞNG BAN", "", "", ""),
        file_stem=f"bang-thong-ke-khen-thuong-{stats.year}",
    )
