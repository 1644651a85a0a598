"""The import workbooks: reading them (units and officers; a bloc's members and rotation) and their templates.

Reading checks each row by itself and against the other rows of the file: required cells, formats, lengths,
duplicates, formulas Excel never calculated. What the database holds (codes and names of existing units,
logins and addresses of existing accounts, memberships) is checked by services.py. Nothing here writes.

Sheet and column names are fixed Vietnamese, not translated (files travel between offices); they are matched
without regard to case, accents or extra spaces, and a title row may sit above the headers.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import formats
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from core.models import User
from core.spreadsheets import (
    TEXT_FORMAT,
    WorkbookError,
    cell_text,
    fold,
    formula_cells,
    help_sheet,
    is_error_value,
    open_workbook,
    put_text,
    read_table,
    workbook_bytes,
    write_headers,
)

from ..models import Person, Province, Unit

UNITS_SHEET = "Đơn vị"
OFFICERS_SHEET = "Cán bộ"
MEMBERS_SHEET = "Thành viên"
HELP_SHEET = "Hướng dẫn"
CODES_SHEET = "Mã đơn vị hiện có"
SHEET_ORDER = {"": 0, UNITS_SHEET: 1, OFFICERS_SHEET: 2, MEMBERS_SHEET: 3}

MAX_ROWS = 2000  # data rows per sheet
USERNAME_RE = re.compile(r"^[A-Za-z0-9.@+_-]+$")
YEAR_MIN, YEAR_MAX = 2000, 2100
EXAMPLE_FONT = Font(italic=True, color="595959")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    max_length: int | None = None
    width: int = 20
    text: bool = False  # formatted as Excel "Text" in the template (codes, logins, phone numbers)
    aliases: tuple[str, ...] = ()


EMAIL_ALIASES = ("Email", "Thư điện tử", "Địa chỉ e-mail")

UNIT_COLUMNS = (
    Column("name", "Tên đơn vị", True, _max_length(Unit, "name"), 45),
    Column("short_name", "Tên viết tắt", True, _max_length(Unit, "short_name"), 22),
    Column("code", "Mã", True, _max_length(Unit, "code"), 10, text=True),
    Column("parent_body", "Cơ quan chủ quản", False, _max_length(Unit, "parent_body"), 32),
    Column("email", "E-mail", False, _max_length(Unit, "email"), 30, aliases=EMAIL_ALIASES),
)
OFFICER_COLUMNS = (
    Column("full_name", "Họ và tên", True, _max_length(User, "full_name"), 28),
    Column("username", "Tên đăng nhập", True, _max_length(User, "username"), 20, text=True),
    Column("email", "E-mail", True, _max_length(User, "email"), 30, aliases=EMAIL_ALIASES),
    Column("position", "Chức vụ", False, _max_length(Person, "position"), 24),
    Column("phone", "Điện thoại", False, _max_length(Person, "phone"), 15, text=True),
    Column("unit_code", "Mã đơn vị", True, _max_length(Unit, "code"), 12, text=True),
)
MEMBER_COLUMNS = (
    Column("unit_code", "Mã đơn vị", True, _max_length(Unit, "code"), 12, text=True),
    Column("start_year", "Từ năm", True, None, 10),
    Column("end_year", "Đến năm", False, None, 10),
    Column("rotation", "Thứ tự luân phiên", False, None, 18),
)


# --- results and errors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem: `message` says what is wrong; `sheet` and `row` (the Excel row number) say where, when
    the problem belongs to a sheet or to a row of it."""

    message: str
    sheet: str = ""
    row: int | None = None

    def __str__(self) -> str:
        if self.sheet and self.row:
            return _("Sheet “%(sheet)s”, row %(row)d: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        if self.sheet:
            return _("Sheet “%(sheet)s”: %(message)s") % {"sheet": self.sheet, "message": self.message}
        return self.message

    @property
    def sort_key(self) -> tuple[int, int]:
        return SHEET_ORDER.get(self.sheet, 9), self.row or 0


class ImportRefused(Exception):
    """Nothing can be imported from the file; `errors` lists every problem found, sheet by sheet, row by row."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors, key=lambda e: e.sort_key)
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class UnitRow:
    row: int
    name: str
    short_name: str
    code: str
    parent_body: str
    email: str


@dataclass
class OfficerRow:
    row: int
    full_name: str
    username: str
    email: str
    position: str
    phone: str
    unit_code: str


@dataclass
class MemberRow:
    row: int
    unit_code: str
    start_year: int | None
    end_year: int | None
    rotation: int | None


@dataclass
class PeopleFile:
    units: list[UnitRow] = field(default_factory=list)
    officers: list[OfficerRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


@dataclass
class MembersFile:
    rows: list[MemberRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


# --- reading a sheet ----------------------------------------------------------------------------------------


def _find_sheet(wb, title: str):
    for ws in wb.worksheets:
        if fold(ws.title) == fold(title):
            return ws
    return None


@dataclass
class _Sheet:
    """A sheet's data rows, each (Excel row number, {key: raw value}), and where formulas are."""

    title: str
    rows: list[tuple[int, dict]]
    columns: dict[str, int]
    formulas: set[tuple[int, int]]


def _read_sheet(ws, data: bytes, columns: Sequence[Column], errors: list[RowError]) -> _Sheet:
    """The rows of one sheet; problems of the sheet itself go to `errors`. A sheet with too many rows stops
    everything at once (ImportRefused): its rows are not read further."""
    title = ws.title
    wanted: dict[str, str] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            wanted[fold(name)] = column.key
    table = read_table(ws, wanted, normalize=fold, max_rows=MAX_ROWS)
    headers = {c.key: c.header for c in columns}
    if table.too_many is not None:
        raise ImportRefused(
            [
                RowError(
                    _("The sheet has more than %(limit)s rows of data; split it into several files.")
                    % {"limit": formats.number_format(MAX_ROWS, force_grouping=True)},
                    sheet=title,
                    row=table.too_many,
                )
            ]
        )
    if table.scan_stopped:
        raise ImportRefused(
            [
                RowError(
                    _("The sheet has too many rows, empty ones included; delete the rows below the table."),
                    sheet=title,
                )
            ]
        )
    empty = _Sheet(title, [], {}, set())
    if table.header_row is None:
        if table.untitled:
            errors.append(
                RowError(
                    _("No header row was found in the top rows; name the columns as in the template: %(columns)s.")
                    % {"columns": ", ".join(f"“{c.header}”" for c in columns)},
                    sheet=title,
                )
            )
        return empty
    for key in table.duplicates:
        errors.append(
            RowError(
                _("The column “%(column)s” appears more than once; keep only one.") % {"column": headers[key]},
                sheet=title,
                row=table.header_row,
            )
        )
    if not table.rows:
        return empty
    missing = [c for c in columns if c.required and c.key not in table.columns]
    for column in missing:
        errors.append(
            RowError(
                _("The column “%(column)s” is missing: the header row must name it.") % {"column": column.header},
                sheet=title,
            )
        )
    if missing:
        return empty
    formulas = formula_cells(
        data,
        title,
        min_row=table.header_row + 1,
        max_row=table.last_row,
        max_col=max(table.columns.values()) + 1,
    )
    return _Sheet(title, table.rows, table.columns, formulas)


class _Cells:
    """One row's cells, read column by column; each problem becomes a RowError with the row's number."""

    def __init__(self, sheet: _Sheet, number: int, values: dict, errors: list[RowError]):
        self.sheet, self.number, self.values, self.errors = sheet, number, values, errors

    def error(self, message: str) -> None:
        self.errors.append(RowError(message, sheet=self.sheet.title, row=self.number))

    def raw(self, column: Column) -> tuple[bool, Any]:
        """(readable, value): a formula without a saved value or an Excel error value is not readable."""
        value = self.values.get(column.key)
        index = self.sheet.columns.get(column.key)
        if value is None and index is not None and (self.number, index) in self.sheet.formulas:
            self.error(
                _(
                    "“%(column)s” holds a formula whose value was never calculated; "
                    "open the file in Excel, save it, and try again (or type the value)."
                )
                % {"column": column.header}
            )
            return False, None
        if is_error_value(value):
            self.error(
                _("“%(column)s” holds the Excel error %(value)s instead of a value.")
                % {"column": column.header, "value": value.strip()}
            )
            return False, None
        return True, value

    def text(self, column: Column) -> str:
        """The cell as one line of text (line breaks and runs of spaces become one space), checked."""
        readable, value = self.raw(column)
        if not readable:
            return ""
        text = " ".join(cell_text(value).split())
        if not text:
            if column.required:
                self.error(_("“%(column)s” is empty.") % {"column": column.header})
            return ""
        if column.max_length and len(text) > column.max_length:
            self.error(
                _("“%(column)s” is longer than %(limit)d characters.")
                % {"column": column.header, "limit": column.max_length}
            )
            return ""
        return text

    def code(self, column: Column) -> str:
        code = self.text(column).upper()
        if code and any(ch.isspace() for ch in code):
            self.error(
                _("“%(column)s” must not contain spaces (“%(value)s”).") % {"column": column.header, "value": code}
            )
            return ""
        return code

    def email(self, column: Column) -> str:
        email = self.text(column)
        if not email:
            return ""
        try:
            validate_email(email)
        except ValidationError:
            self.error(_("“%(email)s” is not a valid e-mail address.") % {"email": email})
            return ""
        return email

    def integer(self, column: Column, *, low: int, high: int | None, message: str) -> int | None:
        readable, value = self.raw(column)
        if not readable:
            return None
        text = cell_text(value)
        if not text:
            if column.required:
                self.error(_("“%(column)s” is empty.") % {"column": column.header})
            return None
        number = int(text) if not isinstance(value, bool) and re.fullmatch(r"\d{1,6}", text) else None
        if number is None or number < low or (high is not None and number > high):
            self.error(message % {"column": column.header, "value": text})
            return None
        return number


def _phone(text: str, raw) -> str:
    """A phone number typed into a number cell lost its leading zero (0912 345 678 became 912345678)."""
    if isinstance(raw, (int, float)) and not isinstance(raw, bool) and len(text) in (9, 10):
        return "0" + text
    return text


# --- units and officers -------------------------------------------------------------------------------------


def read_people(data: bytes, *, province: Province) -> PeopleFile:
    """The units and officers of a workbook, each with its Excel row number; problems of single rows and
    duplicates within the file are in `errors`. Raises ImportRefused when the file itself cannot be used."""
    result = PeopleFile()
    try:
        with open_workbook(data, passthrough=(ImportRefused,)) as wb:
            unit_ws, officer_ws = _find_sheet(wb, UNITS_SHEET), _find_sheet(wb, OFFICERS_SHEET)
            if unit_ws is None and officer_ws is None:
                raise ImportRefused(
                    [
                        RowError(
                            _("The workbook has no sheet named “%(units)s” or “%(officers)s”; start from the template.")
                            % {"units": UNITS_SHEET, "officers": OFFICERS_SHEET}
                        )
                    ]
                )
            units = _read_sheet(unit_ws, data, UNIT_COLUMNS, result.errors) if unit_ws is not None else None
            officers = _read_sheet(officer_ws, data, OFFICER_COLUMNS, result.errors) if officer_ws is not None else None
    except WorkbookError as error:
        raise ImportRefused([RowError(error.message)]) from None
    if not result.errors and not (units and units.rows) and not (officers and officers.rows):
        raise ImportRefused(
            [
                RowError(
                    _(
                        "The file holds no unit and no officer: fill in the sheet “%(units)s”, "
                        "the sheet “%(officers)s”, or both."
                    )
                    % {"units": UNITS_SHEET, "officers": OFFICERS_SHEET}
                )
            ]
        )
    if units is not None:
        result.units = _unit_rows(units, province, result.errors)
    if officers is not None:
        result.officers = _officer_rows(officers, result.errors)
    return result


def _unit_rows(sheet: _Sheet, province: Province, errors: list[RowError]) -> list[UnitRow]:
    col = {c.key: c for c in UNIT_COLUMNS}
    rows: list[UnitRow] = []
    codes: dict[str, int] = {}
    names: dict[str, int] = {}
    for number, values in sheet.rows:
        cells = _Cells(sheet, number, values, errors)
        unit = UnitRow(
            row=number,
            name=cells.text(col["name"]),
            short_name=cells.text(col["short_name"]),
            code=cells.code(col["code"]),
            parent_body=cells.text(col["parent_body"]).upper() or province.header_name,
            email=cells.email(col["email"]),
        )
        if unit.code:
            if unit.code in codes:
                cells.error(
                    _("The code “%(code)s” is already used in row %(first)d.")
                    % {"code": unit.code, "first": codes[unit.code]}
                )
            else:
                codes[unit.code] = number
        if unit.name:
            key = fold(unit.name)
            if key in names:
                cells.error(
                    _("The unit “%(name)s” is already in row %(first)d.") % {"name": unit.name, "first": names[key]}
                )
            else:
                names[key] = number
        rows.append(unit)
    return rows


def _officer_rows(sheet: _Sheet, errors: list[RowError]) -> list[OfficerRow]:
    col = {c.key: c for c in OFFICER_COLUMNS}
    rows: list[OfficerRow] = []
    logins: dict[str, int] = {}
    emails: dict[str, int] = {}
    for number, values in sheet.rows:
        cells = _Cells(sheet, number, values, errors)
        full_name = cells.text(col["full_name"])
        username = cells.text(col["username"])
        if username and not USERNAME_RE.match(username):
            cells.error(
                _(
                    "The login “%(username)s” may hold only unaccented letters, digits and the signs . @ + _ -, "
                    "without spaces."
                )
                % {"username": username}
            )
            username = ""
        email = cells.email(col["email"])
        position = cells.text(col["position"])
        phone = _phone(cells.text(col["phone"]), values.get("phone"))
        unit_code = cells.code(col["unit_code"])
        if username:
            key = username.casefold()
            if key in logins:
                cells.error(
                    _("The login “%(username)s” is already used in row %(first)d.")
                    % {"username": username, "first": logins[key]}
                )
            else:
                logins[key] = number
        if email:
            key = email.casefold()
            if key in emails:
                cells.error(
                    _("The address %(email)s is already used in row %(first)d.")
                    % {"email": email, "first": emails[key]}
                )
            else:
                emails[key] = number
        rows.append(OfficerRow(number, full_name, username, email, position, phone, unit_code))
    return rows


# --- members and rotation of a bloc -------------------------------------------------------------------------


def read_members(data: bytes) -> MembersFile:
    """The membership rows of a workbook (sheet “Thành viên”, else its first sheet that is not the help or the
    list of codes); problems of single rows and conflicts within the file are in `errors`."""
    result = MembersFile()
    try:
        with open_workbook(data, passthrough=(ImportRefused,)) as wb:
            ws = _find_sheet(wb, MEMBERS_SHEET)
            if ws is None:
                others = [w for w in wb.worksheets if fold(w.title) not in (fold(HELP_SHEET), fold(CODES_SHEET))]
                ws = others[0] if others else wb.worksheets[0]
            sheet = _read_sheet(ws, data, MEMBER_COLUMNS, result.errors)
    except WorkbookError as error:
        raise ImportRefused([RowError(error.message)]) from None
    if not result.errors and not sheet.rows:
        raise ImportRefused(
            [RowError(_("The sheet holds no member: add one row per member unit under the headers."), sheet=ws.title)]
        )
    col = {c.key: c for c in MEMBER_COLUMNS}
    year_message = _("“%(column)s” must be a year from 2000 to 2100, not “%(value)s”.")
    rotation_numbers: dict[int, int] = {}
    rotation_units: dict[str, int] = {}
    periods: dict[str, list[MemberRow]] = {}
    for number, values in sheet.rows:
        cells = _Cells(sheet, number, values, result.errors)
        member = MemberRow(
            row=number,
            unit_code=cells.code(col["unit_code"]),
            start_year=cells.integer(col["start_year"], low=YEAR_MIN, high=YEAR_MAX, message=year_message),
            end_year=cells.integer(col["end_year"], low=YEAR_MIN, high=YEAR_MAX, message=year_message),
            rotation=cells.integer(
                col["rotation"],
                low=1,
                high=None,
                message=_("“%(column)s” must be a whole number from 1 up, not “%(value)s”."),
            ),
        )
        if member.start_year and member.end_year and member.end_year < member.start_year:
            cells.error(
                _("“Đến năm” (%(end)d) comes before “Từ năm” (%(start)d).")
                % {
                    "end": member.end_year,
                    "start": member.start_year,
                }
            )
            member.end_year = None
            member.start_year = None
        if member.rotation is not None:
            if member.rotation in rotation_numbers:
                cells.error(
                    _("The rotation number %(number)d is already used in row %(first)d.")
                    % {"number": member.rotation, "first": rotation_numbers[member.rotation]}
                )
            else:
                rotation_numbers[member.rotation] = number
            if member.unit_code in rotation_units:
                cells.error(
                    _("The unit “%(code)s” already has a place in the rotation order in row %(first)d.")
                    % {"code": member.unit_code, "first": rotation_units[member.unit_code]}
                )
            elif member.unit_code:
                rotation_units[member.unit_code] = number
        if member.unit_code and member.start_year:
            for other in periods.get(member.unit_code, []):
                if _overlap(other.start_year, other.end_year, member.start_year, member.end_year):
                    cells.error(
                        _("The period %(period)s of “%(code)s” overlaps the one in row %(first)d.")
                        % {"period": period_text(member), "code": member.unit_code, "first": other.row}
                    )
                    break
            periods.setdefault(member.unit_code, []).append(member)
        result.rows.append(member)
    return result


def _overlap(start_a: int, end_a: int | None, start_b: int, end_b: int | None) -> bool:
    far = 9999
    return start_a <= (end_b or far) and start_b <= (end_a or far)


def period_text(member: MemberRow) -> str:
    return f"{member.start_year}–{member.end_year or '…'}"


# --- templates ----------------------------------------------------------------------------------------------


PEOPLE_HELP = (
    ("Cột", "Ý nghĩa"),
    ("Trang “Đơn vị”", "Mỗi dòng là một đơn vị mới của tỉnh (sở, ban, ngành…)."),
    ("Tên đơn vị", "Bắt buộc. Tên đầy đủ, ví dụ “Sở Tư pháp tỉnh {province}”. Không trùng tên đơn vị đã có."),
    ("Tên viết tắt", "Bắt buộc. Tên ngắn dùng trong bảng và danh sách, ví dụ “Sở Tư pháp”."),
    (
        "Mã",
        "Bắt buộc. Mã dùng trong số, ký hiệu văn bản, viết liền, không dấu cách, ví dụ “STP”; "
        "tự chuyển thành chữ in hoa. Không trùng mã đơn vị đã có.",
    ),
    (
        "Cơ quan chủ quản",
        "Không bắt buộc. Cơ quan cấp trên ghi ở tiêu đề văn bản, chữ in hoa; để trống thì lấy “{header}”.",
    ),
    ("E-mail", "Không bắt buộc. Địa chỉ thư điện tử của đơn vị."),
    ("", ""),
    ("Trang “Cán bộ”", "Mỗi dòng là một tài khoản cán bộ làm công tác thi đua của một đơn vị."),
    ("Họ và tên", "Bắt buộc."),
    (
        "Tên đăng nhập",
        "Bắt buộc. Chữ không dấu, chữ số và các dấu . @ + _ -, không có dấu cách, ví dụ “an.nv.stp”. "
        "Không trùng với tên đăng nhập đã có trong hệ thống.",
    ),
    (
        "E-mail",
        "Bắt buộc. Thư mời đặt mật khẩu được gửi tới địa chỉ này; mỗi địa chỉ chỉ dùng cho một tài khoản.",
    ),
    ("Chức vụ", "Không bắt buộc."),
    ("Điện thoại", "Không bắt buộc. Nên để ô ở dạng văn bản (Text) để giữ số 0 ở đầu."),
    (
        "Mã đơn vị",
        "Bắt buộc. Mã của một đơn vị ở trang “Đơn vị” của tệp này, hoặc của một đơn vị đang hoạt động "
        "đã có (xem trang “Mã đơn vị hiện có”).",
    ),
    ("", ""),
    ("Lưu ý", "Có thể bỏ trống một trong hai trang, nhưng không được bỏ trống cả hai."),
    ("", "Tiêu đề cột phải nằm trong 10 dòng đầu; thứ tự các cột có thể thay đổi, cột khác được bỏ qua."),
    ("", "Dòng trống được bỏ qua. Mỗi trang tối đa 2.000 dòng."),
    ("", "Xóa các dòng ví dụ (chữ nghiêng) trước khi nhập."),
    (
        "",
        "Khi nhập, hệ thống hiển thị trước những gì sẽ được tạo; chỉ khi bấm “Xác nhận nhập” mới tạo. "
        "Nếu tệp có lỗi, không có gì được tạo.",
    ),
)

MEMBERS_HELP = (
    ("Cột", "Ý nghĩa"),
    ("Trang “Thành viên”", "Mỗi dòng là một thời gian một đơn vị là thành viên của {bloc}."),
    ("Mã đơn vị", "Bắt buộc. Mã của một đơn vị đã có của tỉnh (xem trang “Mã đơn vị hiện có”)."),
    ("Từ năm", "Bắt buộc. Năm đơn vị bắt đầu là thành viên (2000–2100)."),
    ("Đến năm", "Không bắt buộc. Năm cuối cùng đơn vị là thành viên; để trống nếu vẫn đang là thành viên."),
    (
        "Thứ tự luân phiên",
        "Không bắt buộc. Số thứ tự (1, 2, 3…) của đơn vị trong thứ tự luân phiên Trưởng khối; mỗi số dùng một lần. "
        "Nếu có ít nhất một dòng ghi số, thứ tự luân phiên hiện tại của Khối được thay bằng các đơn vị có số, "
        "xếp theo số.",
    ),
    ("", ""),
    ("Lưu ý", "Thời gian là thành viên của cùng một đơn vị không được trùng nhau, kể cả với thời gian đã có."),
    ("", "Tiêu đề cột phải nằm trong 10 dòng đầu; thứ tự các cột có thể thay đổi, cột khác được bỏ qua."),
    ("", "Dòng trống được bỏ qua. Tối đa 2.000 dòng. Xóa các dòng ví dụ (chữ nghiêng) trước khi nhập."),
    (
        "",
        "Khi nhập, hệ thống hiển thị trước những gì sẽ được tạo; chỉ khi bấm “Xác nhận nhập” mới tạo. "
        "Nếu tệp có lỗi, không có gì được tạo.",
    ),
)


def _table_sheet(ws, columns: Sequence[Column], examples: Iterable[Sequence], *, span: int = 500) -> None:
    write_headers(ws, 1, ((c.header, c.width) for c in columns))
    for r, values in enumerate(examples, start=2):
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col)
            if isinstance(value, int):
                cell.value = value
            elif value:
                put_text(cell, value)
            cell.font = EXAMPLE_FONT
    for col, column in enumerate(columns, start=1):
        if column.text:
            for r in range(2, span + 2):
                ws.cell(row=r, column=col).number_format = TEXT_FORMAT
    ws.freeze_panes = "A2"


def _codes_sheet(wb: Workbook, units: Iterable[Unit]) -> None:
    ws = wb.create_sheet(CODES_SHEET)
    write_headers(ws, 1, (("Mã", 12), ("Tên đơn vị", 60), ("Tên viết tắt", 30)))
    for r, unit in enumerate(units, start=2):
        for col, value in enumerate((unit.code, unit.name, unit.short_name), start=1):
            put_text(ws.cell(row=r, column=col), value)
    ws.freeze_panes = "A2"


def _help(lines, **names: str) -> list[tuple[str, str]]:
    """The help lines with the viewer's own province (or bloc) in place of {province}, {header}, {bloc}."""
    result = []
    for name, text in lines:
        for key, value in names.items():
            text = text.replace("{" + key + "}", value)
        result.append((name, text))
    return result


def people_template(*, province: Province, units: Iterable[Unit]) -> bytes:
    """The workbook to fill in: the sheets “Đơn vị” and “Cán bộ” with their headers and an example each (in the
    viewer's own province), the help, and the codes of the province's active units."""
    wb = Workbook()
    ws = wb.active
    ws.title = UNITS_SHEET
    _table_sheet(
        ws,
        UNIT_COLUMNS,
        [
            (f"Sở Tư pháp tỉnh {province.name}", "Sở Tư pháp", "STP", province.header_name, "sotuphap@example.com"),
            (
                f"Sở Nội vụ tỉnh {province.name}",
                "Sở Nội vụ",
                "SNV",
                province.header_name,
                "",
            ),
        ],
    )
    _table_sheet(
        wb.create_sheet(OFFICERS_SHEET),
        OFFICER_COLUMNS,
        [
            ("Nguyễn Văn An", "an.nv.stp", "nguyenvanan@example.com", "Chuyên viên", "0912345678", "STP"),
            ("Trần Thị Bình", "binh.tt.snv", "tranthibinh@example.com", "Phó Chánh Văn phòng", "", "SNV"),
        ],
    )
    help_sheet(wb, HELP_SHEET, _help(PEOPLE_HELP, province=province.name, header=province.header_name))
    _codes_sheet(wb, units)
    return workbook_bytes(wb)


def members_template(*, bloc, units: Sequence[Unit], year: int) -> bytes:
    """The workbook to fill in for a bloc: the sheet “Thành viên” with two examples (units of the bloc's
    province when it has some), the help, and the codes of the province's units."""
    codes = [u.code for u in units[:2]] + ["STP", "SNV"]
    wb = Workbook()
    ws = wb.active
    ws.title = MEMBERS_SHEET
    _table_sheet(ws, MEMBER_COLUMNS, [(codes[0], year, "", 1), (codes[1], year, "", 2)])
    help_sheet(wb, HELP_SHEET, _help(MEMBERS_HELP, bloc=bloc.name))
    _codes_sheet(wb, units)
    return workbook_bytes(wb)
