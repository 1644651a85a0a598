"""The board's dashboard in Excel (.xlsx): the province's blocs in a year, each bloc's members, the proposals.

Like the scoring app's files, the workbook is a Vietnamese document whatever the reader's language: fixed
Vietnamese column names, and the labels of phases and sheets taken in Vietnamese. Dates are real dates shown
dd/mm/yyyy, numbers are numbers (the share on time a fraction shown as a percentage).
"""

import datetime
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from blocs.models import Province

from .selectors import awards_stats
from .selectors import board as selectors

DATE_FORMAT = "dd/mm/yyyy"
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

SUMMARY_TITLE = "Tổng hợp"
PROPOSALS_TITLE = "Đề nghị khen thưởng"
HISTORY_TITLE = "Qua các năm"
STATS_TITLE = "Thống kê khen thưởng"
NOT_OPENED = "Chưa mở năm thi đua"
YES, NO = "Có", "Không"
REPORT_WORDS = {
    selectors.ReportStatus.ON_TIME: "Đúng hạn",
    selectors.ReportStatus.LATE: "Nộp muộn",
    selectors.ReportStatus.MISSING: "Chưa nộp",
    selectors.ReportStatus.PENDING: "Chưa đến hạn",
}
ROLE_WORDS = {"leader": "Trưởng khối", "deputy": "Phó Trưởng khối", "member": "Thành viên"}
PROPOSAL_WORDS = {
    "preparing": "Đang chuẩn bị hồ sơ",
    "submitted": "Đã gửi Ban Thi đua - Khen thưởng tỉnh",
    "approved": "Được khen thưởng",
    "rejected": "Không được khen thưởng",
}


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    value: Callable[[Any], Any]
    number_format: str | None = None


def _local_date(value: datetime.datetime | None) -> datetime.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _days_left(value: datetime.datetime | None) -> int | None:
    return (_local_date(value) - timezone.localdate()).days if value is not None else None


def _when_open(fn: Callable[[selectors.BlocRow], Any]) -> Callable[[selectors.BlocRow], Any]:
    """A figure of a bloc's year; empty for a bloc that has not opened the year."""
    return lambda row: fn(row) if row.year is not None else None


SUMMARY_COLUMNS = (
    Column("Khối thi đua", 40, lambda r: r.bloc.name),
    Column("Giai đoạn", 22, lambda r: r.year.get_phase_display() if r.year else NOT_OPENED),
    Column("Đơn vị Trưởng khối", 32, _when_open(lambda r: r.year.leader.name)),
    Column("Số đơn vị thành viên", 12, _when_open(lambda r: r.members)),
    Column("Hạn tiếp theo", 32, _when_open(lambda r: r.next_deadline.title if r.next_deadline else "")),
    Column("Ngày hạn", 12, _when_open(lambda r: _local_date(r.next_deadline and r.next_deadline.due_at)), DATE_FORMAT),
    Column("Số ngày còn lại", 10, _when_open(lambda r: _days_left(r.next_deadline and r.next_deadline.due_at))),
    Column("Số báo cáo phải nộp đến nay", 14, _when_open(lambda r: r.reports_expected)),
    Column("Báo cáo đúng hạn", 11, _when_open(lambda r: r.reports_on_time)),
    Column("Báo cáo nộp muộn", 11, _when_open(lambda r: r.reports_late)),
    Column("Báo cáo chưa nộp", 11, _when_open(lambda r: r.reports_missing)),
    Column("Tỷ lệ đúng hạn", 11, _when_open(lambda r: r.on_time_fraction), "0%"),
    Column("Bảng tự chấm đã gửi", 12, _when_open(lambda r: r.sheets_submitted)),
    Column("Bảng tự chấm đã thẩm định", 12, _when_open(lambda r: r.sheets_reviewed)),
    Column("Bảng tự chấm đã chốt", 12, _when_open(lambda r: r.sheets_final)),
    Column("Ngày công bố xếp hạng", 13, _when_open(lambda r: _local_date(r.published_at)), DATE_FORMAT),
    Column("Đơn vị dẫn đầu", 32, _when_open(lambda r: "; ".join(u.name for u in r.leading_units))),
    Column("Số đề nghị khen thưởng", 12, _when_open(lambda r: r.proposed)),
    Column("Đã gửi Ban Thi đua - Khen thưởng tỉnh", 14, _when_open(lambda r: r.sent)),
    Column("Được khen thưởng", 11, _when_open(lambda r: r.approved)),
    Column("Không được khen thưởng", 11, _when_open(lambda r: r.rejected)),
)

PROPOSAL_COLUMNS = (
    Column("Khối thi đua", 36, lambda p: p.award_kind.year.bloc.name),
    Column("Hình thức khen thưởng", 36, lambda p: p.award_kind.name),
    Column("Đơn vị", 40, lambda p: p.unit.name),
    Column("Số phiếu đồng ý", 10, lambda p: p.votes),
    Column("Trạng thái", 26, lambda p: PROPOSAL_WORDS.get(p.status, p.status)),
    Column("Ngày gửi", 12, lambda p: _local_date(p.submitted_at), DATE_FORMAT),
    Column("Số quyết định", 18, lambda p: p.decision_number),
    Column("Ngày quyết định", 12, lambda p: p.decision_date, DATE_FORMAT),
)


def _member_columns(deadlines: list) -> tuple[Column, ...]:
    reports = tuple(
        Column(
            f"{d.get_kind_display()} (hạn {timezone.localtime(d.due_at):%d/%m/%Y})",
            16,
            lambda r, i=i: REPORT_WORDS[r.reports[i].status] if r.reports[i] else "Không áp dụng",
        )
        for i, d in enumerate(deadlines)
    )
    return (
        Column("Đơn vị", 40, lambda r: r.unit.name),
        Column("Vai trò", 16, lambda r: ROLE_WORDS[r.role]),
        *reports,
        Column("Bảng tự chấm điểm", 18, lambda r: r.sheet_label),
        Column("Hạng", 7, lambda r: r.ranked.rank if r.ranked else None),
        Column("Tổng điểm tự chấm", 12, lambda r: r.ranked.self_total if r.ranked else None, "0.00"),
        Column("Tổng điểm thẩm định", 12, lambda r: r.ranked.reviewed_total if r.ranked else None, "0.00"),
        Column("Xếp loại", 16, lambda r: r.ranked.classification if r.ranked else ""),
    )


# --- writing ------------------------------------------------------------------------------------------------


def _put(cell, value: Any, number_format: str | None) -> None:
    """Numbers as numbers, dates as dates (dd/mm/yyyy), text as text (no formula from a leading "=")."""
    if value is None:
        return
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool):
        value = YES if value else NO
    if isinstance(value, (int, float, datetime.date)):
        cell.value = value
        if number_format:
            cell.number_format = number_format
        return
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell.value = text
    if text.startswith("="):
        cell.data_type = "s"
    cell.alignment = WRAP


def _sheet(ws: Worksheet, *, title: str, columns: Iterable[Column], items: Iterable[Any]) -> None:
    """Row 1: the title; row 2: STT and the headers; then one row per item."""
    columns = (Column("STT", 6, lambda _item: None), *columns)
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.row_dimensions[1].height = 36
    for col, column in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=col, value=column.header)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, CENTER
        ws.column_dimensions[get_column_letter(col)].width = column.width
    for r, item in enumerate(items, start=3):
        ws.cell(row=r, column=1, value=r - 2)
        for col, column in enumerate(columns[1:], start=2):
            _put(ws.cell(row=r, column=col), column.value(item), column.number_format)
    ws.freeze_panes = "C3"


def _sheet_name(text: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", "-", text).strip("'")[:31] or "Khối"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _members_sheet(ws: Worksheet, members: selectors.YearMembers) -> None:
    year = members.year
    _sheet(
        ws,
        title=f"{year.bloc.name} – năm {year.year}: các đơn vị thành viên",
        columns=_member_columns(members.deadlines),
        items=members.rows,
    )


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def board_workbook(
    *, province: Province, dashboard: selectors.Dashboard, stats: awards_stats.AwardStats | None = None
) -> bytes:
    """Sheet "Tổng hợp": one row per bloc; then one sheet per bloc that opened the year (named by its code) with
    its members; then every proposal of the year with the province's decision; last, given `stats`, proposed
    against approved by bloc and award (sheet "Thống kê khen thưởng")."""
    open_years = [r.year for r in dashboard.open_rows]
    members = selectors.members_of_years(open_years)
    proposals = selectors.proposals_of_years(open_years)
    with translation.override("vi"):
        wb = Workbook()
        taken: set[str] = set()
        ws = wb.active
        ws.title = _sheet_name(f"{SUMMARY_TITLE} {dashboard.year}", taken)
        _sheet(
            ws,
            title=f"Tình hình các Khối thi đua tỉnh {province.name} năm {dashboard.year}",
            columns=SUMMARY_COLUMNS,
            items=dashboard.rows,
        )
        for row in dashboard.open_rows:
            _members_sheet(wb.create_sheet(_sheet_name(row.bloc.code, taken)), members[row.year.pk])
        _sheet(
            wb.create_sheet(_sheet_name(PROPOSALS_TITLE, taken)),
            title=f"Đề nghị khen thưởng năm {dashboard.year} và quyết định của tỉnh",
            columns=PROPOSAL_COLUMNS,
            items=[p for y in open_years for p in proposals[y.pk]],
        )
        if stats is not None:
            awards_stats_sheet(wb.create_sheet(_sheet_name(STATS_TITLE, taken)), stats)
        return _save(wb)


STATS_GROUPS = (("Cờ thi đua", "flag"), ("Bằng khen", "merit"), ("Khác", "other"), ("Tổng", "total"))
STATS_FIGURES = (("đề nghị", "proposed"), ("được tặng", "approved"))
STATS_TOTAL_FIGURES = (
    ("Tổng đã gửi", "sent"),
    ("Tổng không được tặng", "rejected"),
    ("Tổng chờ quyết định", "awaiting"),
)


def _stats_columns(first: Column) -> tuple[Column, ...]:
    """The first column, then each award group's proposed and approved (flag, merit, other, total), then the total
    sent, not approved and awaiting a decision."""
    columns = [first]
    for group, key in STATS_GROUPS:
        for word, attribute in STATS_FIGURES:
            columns.append(
                Column(
                    f"{group} {word}",
                    11,
                    lambda r, key=key, attribute=attribute: (
                        getattr(getattr(r, key), attribute) if getattr(r, "opened", True) else None
                    ),
                )
            )
    for header, attribute in STATS_TOTAL_FIGURES:
        columns.append(
            Column(header, 11, lambda r, a=attribute: getattr(r.total, a) if getattr(r, "opened", True) else None)
        )
    return tuple(columns)


def _header_row(ws: Worksheet, row: int, columns: Iterable[Column]) -> None:
    for col, column in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=col, value=column.header)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, CENTER


def awards_stats_sheet(ws: Worksheet, stats: awards_stats.AwardStats) -> None:
    """Proposed against approved in the year: one row per bloc (by name) and the province's total; under them, the
    province's figures of every year (oldest first)."""
    columns = _stats_columns(Column("Khối thi đua", 40, lambda r: r.bloc.name))
    _sheet(
        ws,
        title=f"Kết quả đề nghị và khen thưởng của các Khối thi đua tỉnh {stats.province.name} năm {stats.year}",
        columns=(*columns, Column("Ghi chú", 20, lambda r: "" if r.opened else NOT_OPENED)),
        items=stats.rows,
    )
    total_row = len(stats.rows) + 3
    ws.cell(row=total_row, column=2, value="Tổng cộng").font = BOLD
    for col, column in enumerate(columns[1:], start=3):
        cell = ws.cell(row=total_row, column=col, value=column.value(stats.total))
        cell.font = BOLD
    start = total_row + 2
    ws.cell(
        row=start, column=1, value=f"Kết quả đề nghị và khen thưởng của tỉnh {stats.province.name} qua các năm"
    ).font = BOLD
    history_columns = (Column("STT", 6, lambda _y: None), *_stats_columns(Column("Năm", 40, lambda y: y.year)))
    _header_row(ws, start + 1, history_columns)
    for i, totals in enumerate(stats.history, start=1):
        ws.cell(row=start + 1 + i, column=1, value=i)
        for col, column in enumerate(history_columns[1:], start=2):
            _put(ws.cell(row=start + 1 + i, column=col), column.value(totals), None)


def awards_stats_workbook(*, stats: awards_stats.AwardStats) -> bytes:
    """The statistics sheet alone."""
    with translation.override("vi"):
        wb = Workbook()
        wb.active.title = STATS_TITLE
        awards_stats_sheet(wb.active, stats)
        return _save(wb)


def bloc_workbook(*, detail: selectors.BlocDetail) -> bytes:
    """One bloc's year: its members, its proposals, and each unit's rank and score across the years."""
    year = detail.row.year
    history = detail.history

    def cell(i: int, attribute: str) -> Callable:
        return lambda unit: getattr(history.row(unit)[i], attribute, None)

    history_columns: list[Column] = [Column("Đơn vị", 40, lambda u: u.name)]
    for i, y in enumerate(history.years):
        history_columns += [
            Column(f"Hạng {y.year}", 9, cell(i, "rank")),
            Column(f"Điểm {y.year}", 10, cell(i, "reviewed_total"), "0.00"),
        ]
    with translation.override("vi"):
        wb = Workbook()
        taken: set[str] = set()
        ws = wb.active
        ws.title = _sheet_name(year.bloc.code, taken)
        _members_sheet(ws, detail.members)
        _sheet(
            wb.create_sheet(_sheet_name(PROPOSALS_TITLE, taken)),
            title=f"{year.bloc.name} – đề nghị khen thưởng năm {year.year} và quyết định của tỉnh",
            columns=PROPOSAL_COLUMNS,
            items=detail.proposals,
        )
        _sheet(
            wb.create_sheet(_sheet_name(HISTORY_TITLE, taken)),
            title=f"{year.bloc.name} – hạng và tổng điểm thẩm định qua các năm",
            columns=history_columns,
            items=history.units,
        )
        return _save(wb)
