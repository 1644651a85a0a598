"""Excel (.xlsx) import and export of criteria tables, the blank template, and the ranking export."""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connections, router
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import (
    BOLD,
    TOP,
    WRAP,
    WorkbookError,
    cell_text,
    find_header,
    header_columns,
    help_sheet,
    is_blank,
    norm,
    open_workbook,
    put_text,
    workbook_bytes,
    write_headers,
)

from .enums import CriterionKind
from .models import CriteriaTable, Criterion

# --- the file format: fixed Vietnamese column names, not translated (files travel between units) ------

SHEET_TITLE = "Bảng tiêu chí"
HELP_TITLE = "Hướng dẫn"
RANKING_TITLE = "Bảng xếp hạng"

CODE, TITLE, GUIDANCE, MAX_POINTS, KIND, EVIDENCE = "code", "title", "guidance", "max_points", "kind", "evidence"
HEADERS = {
    CODE: "Mã",
    TITLE: "Tên tiêu chí",
    GUIDANCE: "Hướng dẫn, yêu cầu minh chứng",
    MAX_POINTS: "Điểm tối đa",
    KIND: "Loại",
    EVIDENCE: "Bắt buộc minh chứng",
}
REQUIRED = (CODE, TITLE, MAX_POINTS)
WIDTHS = {CODE: 10, TITLE: 60, GUIDANCE: 60, MAX_POINTS: 12, KIND: 14, EVIDENCE: 14}

STANDARD, BONUS, DEDUCTION = CriterionKind.values  # plain strings: an enum member hashes by its name
KIND_LABELS = {STANDARD: "Tiêu chí", BONUS: "Điểm thưởng", DEDUCTION: "Điểm trừ"}
YES, NO = "Có", "Không"
TRUE_WORDS = {"có", "co", "x", "yes", "y", "1", "true"}
FALSE_WORDS = {"không", "khong", "no", "n", "0", "false", ""}

RANKING_HEADERS = (
    ("rank", "Hạng", 8),
    ("unit", "Đơn vị", 45),
    ("self_total", "Tổng điểm tự chấm", 16),
    ("reviewed_total", "Tổng điểm thẩm định", 18),
    ("bonus", "Điểm thưởng", 13),
    ("deductions", "Điểm trừ", 11),
    ("classification", "Xếp loại", 16),
)

EXAMPLE_ROWS = (
    ("I", "Thực hiện nhiệm vụ chính trị, chuyên môn được giao", "", Decimal("60"), STANDARD, False),
    (
        "I.1",
        "Hoàn thành các chỉ tiêu đã đăng ký trong giao ước thi đua",
        "Báo cáo kết quả thực hiện các chỉ tiêu, kèm số liệu đối chiếu.",
        Decimal("20"),
        STANDARD,
        True,
    ),
)

HELP_LINES = (
    ("Cột", "Ý nghĩa"),
    (
        HEADERS[CODE],
        "Bắt buộc. Mã của nhóm tiêu chí, tiêu chí hoặc tiêu chí thành phần, các cấp cách nhau bằng dấu chấm: "
        "“I” là nhóm, “I.2” là tiêu chí thuộc nhóm I, “I.2.b” là tiêu chí thành phần của tiêu chí I.2. "
        "Mỗi mã chỉ dùng một lần; dòng của mã cấp trên phải nằm phía trên các dòng cấp dưới.",
    ),
    (HEADERS[TITLE], "Bắt buộc. Tên nhóm tiêu chí hoặc tiêu chí."),
    (HEADERS[GUIDANCE], "Không bắt buộc. Cách chấm, tài liệu minh chứng cần nộp."),
    (
        HEADERS[MAX_POINTS],
        "Bắt buộc. Số không âm, tối đa hai chữ số thập phân. Với nhóm và tiêu chí loại “Tiêu chí”, tổng điểm "
        "tối đa của các tiêu chí cấp dưới không được vượt quá điểm tối đa của cấp trên. Với nhóm “Điểm thưởng” "
        "và “Điểm trừ”, điểm tối đa là mức trần của nhóm.",
    ),
    (
        HEADERS[KIND],
        "“Tiêu chí”, “Điểm thưởng” hoặc “Điểm trừ”. Để trống thì lấy theo cấp trên (nhóm để trống là “Tiêu chí”). "
        "Tiêu chí cấp dưới cùng loại với nhóm của nó.",
    ),
    (HEADERS[EVIDENCE], "“Có” nếu phải nộp tài liệu minh chứng; “Không” hoặc để trống nếu không bắt buộc."),
    ("", ""),
    ("Lưu ý", "Tiêu đề cột phải nằm ở dòng đầu; thứ tự các cột có thể thay đổi, cột khác được bỏ qua."),
    ("", "Dòng trống được bỏ qua. Thứ tự các dòng là thứ tự hiển thị của bảng tiêu chí."),
    ("", "Chỉ các tiêu chí không có tiêu chí cấp dưới mới được chấm điểm."),
    ("", "Khi nhập, toàn bộ bảng tiêu chí hiện có được thay bằng nội dung của tệp; nếu tệp có lỗi, không gì thay đổi."),
)

MAX_DEPTH = 3  # groups, criteria, sub-criteria
MAX_ROWS = 2000
CODE_MAX = Criterion._meta.get_field("code").max_length
TITLE_MAX = Criterion._meta.get_field("title").max_length
POINTS_LIMIT = Decimal("99999.99")  # max_digits=7, decimal_places=2
CENT = Decimal("0.01")
CODE_RE = re.compile(r"^[^\s.]+(\.[^\s.]+)*$")


# --- public types ----------------------------------------------------------------------------------


@dataclass
class CriterionRow:
    """One criterion read from a sheet; `row` is its Excel row number."""

    row: int
    code: str
    title: str
    guidance: str
    max_points: Decimal
    kind: str
    evidence_required: bool


@dataclass(frozen=True)
class RowError:
    row: int | None
    message: str

    def __str__(self) -> str:
        return self.message


class TableImportError(Exception):
    """The file cannot be imported; `errors` lists every problem found, in row order."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__("\n".join(e.message for e in self.errors))


# --- export -------------------------------------------------------------------------------------------


def export_table(table: CriteriaTable) -> bytes:
    """The table as a workbook: the criteria sheet (one row per node, parents before children) and help."""
    rows = [(c.code, c.title, c.guidance, c.max_points, c.kind, c.evidence_required) for c in _tree_order(table)]
    return _criteria_workbook(rows)


def template_workbook() -> bytes:
    """A blank table to fill in: the headers, two example rows and the help sheet."""
    return _criteria_workbook(EXAMPLE_ROWS)


def export_ranking(rows: Iterable[dict], *, title: str) -> bytes:
    """The ranking as a workbook: a title row, the headers, one row per unit (keys as in RANKING_HEADERS)."""
    wb = Workbook()
    ws = wb.active
    ws.title = RANKING_TITLE
    ncols = len(RANKING_HEADERS)
    put_text(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 36
    write_headers(ws, 2, ((header, width) for _key, header, width in RANKING_HEADERS))
    for r, row in enumerate(rows, start=3):
        for col, (key, _header, _width) in enumerate(RANKING_HEADERS, start=1):
            cell = ws.cell(row=r, column=col)
            value = row.get(key)
            if isinstance(value, Decimal):
                cell.value = _number(value)
                cell.number_format = "0.00"
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.value = value
                if key != "rank":
                    cell.number_format = "0.00"
            else:
                put_text(cell, "" if value is None else str(value))
            if key == "unit":
                cell.alignment = WRAP
    ws.freeze_panes = "A3"
    return workbook_bytes(wb)


def _criteria_workbook(rows: Iterable[tuple]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    keys = list(HEADERS)
    write_headers(ws, 1, ((HEADERS[key], WIDTHS[key]) for key in keys))
    last = 1
    for r, (code, title, guidance, max_points, kind, evidence) in enumerate(rows, start=2):
        depth = code.count(".")
        values = {
            CODE: code,
            TITLE: title,
            GUIDANCE: guidance,
            MAX_POINTS: max_points,
            KIND: KIND_LABELS.get(kind, kind),
            EVIDENCE: YES if evidence else NO,
        }
        for col, key in enumerate(keys, start=1):
            cell = ws.cell(row=r, column=col)
            if key == MAX_POINTS:
                cell.value = _number(values[key])
            else:
                put_text(cell, values[key])
            if key == TITLE:
                cell.alignment = Alignment(wrap_text=True, vertical="top", indent=depth)  # the tree, visibly
            else:
                cell.alignment = WRAP if key == GUIDANCE else TOP
            if depth == 0:
                cell.font = BOLD
        last = r
    ws.freeze_panes = "A2"
    # Drop-down lists in the two closed columns help whoever fills the sheet in by hand.
    span = max(last, 200)
    kind_list = DataValidation(type="list", formula1='"{}"'.format(",".join(KIND_LABELS.values())), allow_blank=True)
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    for validation, key in ((kind_list, KIND), (yes_no, EVIDENCE)):
        letter = get_column_letter(keys.index(key) + 1)
        validation.add(f"{letter}2:{letter}{span}")
        ws.add_data_validation(validation)
    help_sheet(wb, HELP_TITLE, HELP_LINES)
    return workbook_bytes(wb)


def _tree_order(table: CriteriaTable) -> list[Criterion]:
    """Every node by (order, id), each parent before its children even if `order` says otherwise, so the
    export always parses back."""
    nodes = list(table.criteria.order_by("order", "id"))
    children: dict[int | None, list[Criterion]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    ordered: list[Criterion] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(children.get(node.pk, [])))
    return ordered


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


# --- import -------------------------------------------------------------------------------------------


def parse_table(fileobj) -> list[CriterionRow]:
    """Read a criteria sheet; raise TableImportError listing every problem (with its Excel row number).

    Accepts a file object (an upload) or bytes. Writes nothing: call replace_criteria only when this
    returned, so that a bad file leaves the table as it was.
    """
    try:
        # data_only: a formula counts by the value Excel saved with it.
        with open_workbook(fileobj, data_only=True, passthrough=(TableImportError,)) as wb:
            return _parse_sheet(_pick_sheet(wb))
    except WorkbookError as error:
        raise TableImportError([RowError(None, error.message)]) from None


def _pick_sheet(wb):
    for ws in wb.worksheets:
        if norm(ws.title) == norm(SHEET_TITLE):
            return ws
    for ws in wb.worksheets:
        if norm(ws.title) != norm(HELP_TITLE):
            return ws
    return wb.worksheets[0]


def _parse_sheet(ws) -> list[CriterionRow]:
    errors: list[RowError] = []
    rows_iter: Iterator[tuple] = ws.iter_rows(values_only=True)
    wanted = {norm(h): key for key, h in HEADERS.items()}

    # The header row is the first of the top rows that names a known column (a title row may sit above).
    header_row, header = find_header(rows_iter, wanted) or (1, ())
    columns, duplicates = header_columns(header, wanted)
    for key in duplicates:
        errors.append(
            RowError(
                header_row,
                _("Row %(row)d: the column “%(column)s” appears more than once; keep only one.")
                % {"row": header_row, "column": HEADERS[key]},
            )
        )
    for key in REQUIRED:
        if key not in columns:
            errors.append(
                RowError(
                    None,
                    _("The column “%(column)s” is missing: the header row must name it.") % {"column": HEADERS[key]},
                )
            )
    if errors:
        raise TableImportError(errors)

    data: list[tuple[int, dict]] = []
    for number, values in enumerate(rows_iter, start=header_row + 1):
        cells = {key: values[index] if index < len(values) else None for key, index in columns.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        if len(data) >= MAX_ROWS:
            raise TableImportError(
                [RowError(number, _("The table has more than %(limit)d rows.") % {"limit": MAX_ROWS})]
            )
        data.append((number, cells))
    if not data:
        raise TableImportError([RowError(None, _("The table is empty: add at least one criterion under the headers."))])

    parsed = [_parse_row(number, cells, errors) for number, cells in data]
    _check_tree(parsed, errors)
    if errors:
        errors.sort(key=lambda e: e.row or 0)
        raise TableImportError(errors)
    return [CriterionRow(p.row, p.code, p.title, p.guidance, p.max_points, p.kind, p.evidence_required) for p in parsed]


@dataclass
class _Parsed:
    row: int
    code: str
    code_ok: bool
    title: str
    guidance: str
    max_points: Decimal | None
    kind: str | None  # None: blank, takes the parent's
    kind_ok: bool
    evidence_required: bool


def _parse_row(row: int, cells: dict, errors: list[RowError]) -> _Parsed:
    def error(message, **params):
        errors.append(RowError(row, message % {"row": row, **params}))

    code = re.sub(r"\s*\.\s*", ".", cell_text(cells.get(CODE))).rstrip(".")
    code_ok = False
    if not code:
        error(_("Row %(row)d: “Mã” is empty."))
    elif not CODE_RE.match(code):
        error(
            _(
                "Row %(row)d: “%(value)s” is not a valid code; "
                "write parts separated by dots, such as “I”, “I.2”, “I.2.b”."
            ),
            value=code,
        )
    elif len(code) > CODE_MAX:
        error(_("Row %(row)d: the code “%(code)s” is longer than %(limit)d characters."), code=code, limit=CODE_MAX)
    elif code.count(".") >= MAX_DEPTH:
        error(
            _("Row %(row)d: “%(code)s” is nested too deeply; a table has groups, criteria and sub-criteria only."),
            code=code,
        )
    else:
        code_ok = True

    title = " ".join(cell_text(cells.get(TITLE)).split())
    if not title:
        error(_("Row %(row)d: “Tên tiêu chí” is empty."))
    elif len(title) > TITLE_MAX:
        error(_("Row %(row)d: “Tên tiêu chí” is longer than %(limit)d characters."), limit=TITLE_MAX)

    guidance = cell_text(cells.get(GUIDANCE)).replace("\r\n", "\n").replace("\r", "\n")

    max_points = None
    raw = cells.get(MAX_POINTS)
    if is_blank(raw):
        error(_("Row %(row)d: “Điểm tối đa” is empty."))
    else:
        value = _decimal(raw)
        if value is None:
            error(_("Row %(row)d: “Điểm tối đa” must be a number, not “%(value)s”."), value=cell_text(raw))
        elif value < 0:
            error(_("Row %(row)d: “Điểm tối đa” cannot be negative (%(value)s)."), value=_fmt(value))
        elif value != value.quantize(CENT):
            error(
                _("Row %(row)d: “Điểm tối đa” may have at most two decimal places (%(value)s)."),
                value=cell_text(raw),
            )
        elif value > POINTS_LIMIT:
            error(_("Row %(row)d: “Điểm tối đa” is too large (%(value)s)."), value=_fmt(value))
        else:
            max_points = value.quantize(CENT)

    kind, kind_ok = None, True
    raw = cells.get(KIND)
    if not is_blank(raw):
        kind = _kind(raw)
        if kind is None:
            kind_ok = False
            error(
                _("Row %(row)d: “Loại” must be “Tiêu chí”, “Điểm thưởng” or “Điểm trừ”, not “%(value)s”."),
                value=cell_text(raw),
            )

    evidence = _yes_no(cells.get(EVIDENCE))
    if evidence is None:
        error(
            _("Row %(row)d: “Bắt buộc minh chứng” must be “Có” or “Không”, not “%(value)s”."),
            value=cell_text(cells.get(EVIDENCE)),
        )
    return _Parsed(row, code, code_ok, title, guidance, max_points, kind, kind_ok, bool(evidence))


def _check_tree(parsed: list[_Parsed], errors: list[RowError]) -> None:
    """Unique codes, each parent above its children, one kind per branch, children within their parent."""
    by_code: dict[str, _Parsed] = {}
    children: dict[str, list[_Parsed]] = {}
    for p in parsed:
        if not p.code_ok:
            continue
        if p.code in by_code:
            errors.append(
                RowError(
                    p.row,
                    _("Row %(row)d: the code “%(code)s” is already used in row %(first)d.")
                    % {"row": p.row, "code": p.code, "first": by_code[p.code].row},
                )
            )
            continue
        parent_code = p.code.rpartition(".")[0]
        parent = by_code.get(parent_code) if parent_code else None
        if parent_code and parent is None:
            errors.append(
                RowError(
                    p.row,
                    _("Row %(row)d: the code “%(code)s” belongs under “%(parent)s”, but no row above it has that code.")
                    % {"row": p.row, "code": p.code, "parent": parent_code},
                )
            )
        by_code[p.code] = p
        if parent is None:
            p.kind = p.kind or STANDARD
            continue
        children.setdefault(parent.code, []).append(p)
        if p.kind is None:
            p.kind = parent.kind
        elif p.kind_ok and parent.kind_ok and p.kind != parent.kind:
            errors.append(
                RowError(
                    p.row,
                    _(
                        "Row %(row)d: “Loại” is “%(kind)s” but “%(parent)s” above it is “%(parent_kind)s”; "
                        "a criterion has the kind of its group."
                    )
                    % {
                        "row": p.row,
                        "kind": KIND_LABELS[p.kind],
                        "parent": parent.code,
                        "parent_kind": KIND_LABELS[parent.kind],
                    },
                )
            )
    for p in parsed:
        p.kind = p.kind or STANDARD
    for code, kids in children.items():
        parent = by_code[code]
        if parent.kind != STANDARD or parent.max_points is None:
            continue  # a bonus or deduction group is a cap of its own: its items may add up to more
        if any(k.max_points is None for k in kids):
            continue  # already reported on the child's row
        total = sum((k.max_points for k in kids), Decimal("0"))
        if total > parent.max_points:
            errors.append(
                RowError(
                    parent.row,
                    _(
                        "Row %(row)d: the criteria under “%(code)s” add up to %(total)s points, "
                        "more than its maximum of %(max)s."
                    )
                    % {"row": parent.row, "code": code, "total": _fmt(total), "max": _fmt(parent.max_points)},
                )
            )


def _decimal(value) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
        if abs(result - result.quantize(CENT)) < Decimal("1e-9"):
            result = result.quantize(CENT)  # binary noise such as 0.30000000000000004
    elif isinstance(value, str):
        text = value.strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")  # a Vietnamese decimal comma: "2,5"
        try:
            result = Decimal(text)
        except InvalidOperation:
            return None
    else:
        return None
    return result if result.is_finite() else None


def _kind(value) -> str | None:
    text = norm(value)
    for kind, label in KIND_LABELS.items():
        if text in (norm(label), kind):
            return kind
    return None


def _yes_no(value) -> bool | None:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, (int, float)):
        return {1: True, 0: False}.get(value)
    text = norm(value)
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    return None


def _fmt(value: Decimal) -> str:
    """A number for a message, in the active language's format, without needless zeros."""
    places = max(0, -value.normalize().as_tuple().exponent)
    return formats.number_format(value, decimal_pos=places)


# --- write ----------------------------------------------------------------------------------------------


def replace_criteria(*, table: CriteriaTable, rows: list[CriterionRow]) -> list[Criterion]:
    """Replace every criterion of `table` with `rows` (as parse_table returned them), in their order.

    Sets parent, group (the top-level ancestor; a group is its own), order and is_leaf. Run it inside
    the caller's `transaction.atomic()`: it deletes before it creates, and the caller's service checks
    permissions, that the table is not frozen, and writes the audit row. Scores point at criteria with
    PROTECT, so a table that already has scores raises ProtectedError here. Raises ValueError for rows
    that did not come from parse_table (a duplicate code, a parent below its child).
    """
    seen: set[str] = set()
    for r in rows:
        parent_code = r.code.rpartition(".")[0]
        if r.code in seen or (parent_code and parent_code not in seen):
            raise ValueError(f"row {r.row}: code {r.code!r} is a duplicate or comes before its parent")
        seen.add(r.code)
    parent_codes = {r.code.rpartition(".")[0] for r in rows if "." in r.code}

    table.criteria.all().delete()
    nodes: dict[str, Criterion] = {}
    by_depth: dict[int, list[Criterion]] = {}
    for order, r in enumerate(rows, start=1):
        node = Criterion(
            table=table,
            code=r.code,
            title=r.title,
            guidance=r.guidance,
            max_points=r.max_points,
            kind=r.kind,
            evidence_required=r.evidence_required,
            order=order,
            is_leaf=r.code not in parent_codes,
        )
        nodes[r.code] = node
        by_depth.setdefault(r.code.count("."), []).append(node)

    bulk = connections[router.db_for_write(Criterion)].features.can_return_rows_from_bulk_insert
    # Level by level, so every parent has its primary key before its children are inserted.
    for depth in sorted(by_depth):
        level = by_depth[depth]
        for node in level:
            if depth:
                node.parent = nodes[node.code.rpartition(".")[0]]
                node.group = nodes[node.code.partition(".")[0]]
        if bulk:
            Criterion.objects.bulk_create(level)
        else:
            for node in level:
                node.save()
        if depth == 0:
            for node in level:
                node.group_id = node.pk
            Criterion.objects.bulk_update(level, ["group"])
    return [nodes[r.code] for r in rows]
