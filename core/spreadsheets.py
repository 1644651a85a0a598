"""Reading and writing Excel workbooks (.xlsx) safely: what every import and export of the product shares.

Reading: an upload is checked by its content (an empty file, an old .xls, a CSV renamed .xlsx are refused
with a message that says which), opened read-only, and any failure of openpyxl inside (a damaged package
fails in many ways, some lazily while the rows are read) becomes one clear message. Header rows are found
among the top rows, cells become text the way a person reads them, formulas Excel never calculated are
found. Writing: text stays text (a leading "=" never becomes a formula), headers look alike everywhere.

Column and sheet names inside the files are fixed Vietnamese, not translated: files travel between units.
"""

import io
import logging
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .validators import XLSX, sniff

logger = logging.getLogger(__name__)

XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 file: Excel 97-2003 (or a password-protected .xlsx)
HEADER_SEARCH_ROWS = 10  # a title row (or a few) may sit above the headers
SCAN_LIMIT = 50_000  # rows read past the header, empty ones included: a bound on the time a sheet can take

BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
CENTERED = Alignment(horizontal="center", vertical="center", wrap_text=True)
TEXT_FORMAT = "@"  # Excel's "Text": a code or a phone number keeps its leading zeros


class WorkbookError(Exception):
    """The upload cannot be read as a workbook; `message` says why (in the active language)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


# --- reading ----------------------------------------------------------------------------------------------


def upload_bytes(source) -> bytes:
    """The whole content of an upload (a file object, or bytes already read)."""
    if isinstance(source, (bytes, bytearray)):
        return bytes(source)
    source.seek(0)
    data = source.read()
    source.seek(0)
    return data


def check_xlsx(fileobj: BinaryIO) -> None:
    """Refuse what is not an .xlsx, by its content: an empty file, an old .xls, anything else renamed."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if not head:
        raise WorkbookError(_("The file is empty."))
    if head.startswith(XLS_MAGIC):
        raise WorkbookError(_("The file is an old Excel 97-2003 workbook (.xls); save it as .xlsx and try again."))
    if sniff(fileobj) != XLSX:
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx); its content was checked, not its name."))


def unreadable_message() -> str:
    return _("The workbook could not be read; open it in Excel, save it again and try again.")


def probe_workbook(fileobj: BinaryIO, *, data_only: bool = True) -> None:
    """Read the whole workbook once in a bounded child process (core.inspect: its parts' unpacked size, memory and
    time limited) before this process opens it: a workbook built to explode is refused here, with the limit named.
    The parts' declared sizes, checked there, also bound what openpyxl unpacks here (zipfile never inflates an
    entry beyond its declared size)."""
    from .inspect import LimitExceeded, Unreadable, inspect_file

    try:
        inspect_file(
            "xlsx", fileobj, name=getattr(fileobj, "name", "") or "", data_only=data_only, scan_limit=SCAN_LIMIT
        )
    except LimitExceeded as exc:
        raise WorkbookError(exc.messages[0]) from None
    except Unreadable:
        logger.warning("Unreadable workbook (bounded check)", exc_info=True)
        raise WorkbookError(unreadable_message()) from None
    finally:
        fileobj.seek(0)


@contextmanager
def open_workbook(source, *, data_only: bool = True, passthrough: tuple[type[BaseException], ...] = ()):
    """Open an uploaded .xlsx read-only (a file object or bytes) for the `with` block.

    With `data_only` a formula reads as the value Excel saved with it (None if it never calculated one).
    Raises WorkbookError for a file that is not an .xlsx or cannot be read, including failures inside the
    block (openpyxl reads lazily); the exception types in `passthrough` (the caller's own) go through.
    """
    fileobj = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    check_xlsx(fileobj)
    probe_workbook(fileobj, data_only=data_only)
    wb = None
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=data_only)
        yield wb
    except (WorkbookError, *passthrough):
        raise
    except Exception:  # a damaged or hand-made package fails in many ways inside openpyxl, some lazily
        logger.warning("Unreadable workbook", exc_info=True)
        raise WorkbookError(unreadable_message()) from None
    finally:
        if wb is not None:
            wb.close()


def norm(value) -> str:
    """Text compared the way a person reads it: Unicode NFC, spaces collapsed, case folded."""
    if value is None:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(value)).split()).casefold()


def fold(value) -> str:
    """`norm`, and without accents either: "Tên đơn vị", "TEN DON VI" and "ten  don vi" are the same."""
    text = unicodedata.normalize("NFD", norm(value).replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as text: whole-number floats without ".0", dates as ISO, text normalized to NFC and stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime) and value.time() == time(0):
        value = value.date()
    if isinstance(value, (date, time)):
        value = value.isoformat()
    return unicodedata.normalize("NFC", str(value)).strip()


def is_error_value(value) -> bool:
    """A cell that holds one of Excel's error values (#N/A, #REF! …) rather than data."""
    return isinstance(value, str) and value.strip() in ERROR_CODES


def find_header(
    rows: Iterator[tuple], wanted: Mapping[str, Any], *, normalize=norm, search_rows: int = HEADER_SEARCH_ROWS
) -> tuple[int, tuple] | None:
    """The header row: the first of the top `search_rows` rows that names a column of `wanted` (keys as
    `normalize` gives them). Returns (row number, values), or None; consumes the rows it looked at."""
    for number, values in enumerate(rows, start=1):
        if any(normalize(v) in wanted for v in values if isinstance(v, str)):
            return number, values
        if number >= search_rows:
            break
    return None


def header_columns(header: Iterable, wanted: Mapping[str, Any], *, normalize=norm) -> tuple[dict, list]:
    """Where each wanted column is: ({key: 0-based index}, [keys named more than once]); the first wins."""
    columns: dict = {}
    duplicates: list = []
    for index, value in enumerate(header):
        key = wanted.get(normalize(value)) if isinstance(value, str) else None
        if key is None:
            continue
        if key in columns:
            duplicates.append(key)
        else:
            columns[key] = index
    return columns, duplicates


@dataclass
class SheetTable:
    """What `read_table` found in a sheet. `rows` are the non-empty rows under the header, each (Excel row
    number, {key: raw value}); `too_many` is the row number where `max_rows` was passed (reading stopped
    there); `scan_stopped` is set when reading stopped after `SCAN_LIMIT` rows; `untitled` when the top rows
    hold something but name no column."""

    header_row: int | None = None
    columns: dict = field(default_factory=dict)
    duplicates: list = field(default_factory=list)
    rows: list[tuple[int, dict]] = field(default_factory=list)
    last_row: int = 0
    too_many: int | None = None
    scan_stopped: bool = False
    untitled: bool = False


def read_table(
    ws,
    wanted: Mapping[str, Any],
    *,
    normalize=norm,
    max_rows: int,
    search_rows: int = HEADER_SEARCH_ROWS,
    scan_limit: int = SCAN_LIMIT,
) -> SheetTable:
    """Read a sheet laid out as a table: a header row among the top rows (in any column order, unknown
    columns ignored), then one record per row; empty rows are skipped. Reading is bounded: it stops after
    `max_rows` records or `scan_limit` rows, and reads no column beyond the last wanted one."""
    table = SheetTable()
    seen: list[tuple] = []
    ws.reset_dimensions()  # some programs write a wrong size ("A1"); read the rows that are there

    def top_rows():
        for values in ws.iter_rows(max_row=search_rows, values_only=True):
            seen.append(values)
            yield values

    found = find_header(top_rows(), wanted, normalize=normalize, search_rows=search_rows)
    if found is None:
        table.untitled = any(not is_blank(v) for values in seen for v in values)
        return table
    table.header_row, header = found
    table.columns, table.duplicates = header_columns(header, wanted, normalize=normalize)
    if not table.columns:
        return table
    width = max(table.columns.values()) + 1
    table.last_row = table.header_row
    for number, values in enumerate(
        ws.iter_rows(min_row=table.header_row + 1, max_col=width, values_only=True), start=table.header_row + 1
    ):
        if number - table.header_row > scan_limit:
            table.scan_stopped = True
            break
        table.last_row = number
        cells = {key: values[index] if index < len(values) else None for key, index in table.columns.items()}
        if all(is_blank(v) for v in cells.values()):
            continue
        if len(table.rows) >= max_rows:
            table.too_many = number
            break
        table.rows.append((number, cells))
    return table


def formula_cells(source, sheet_title: str, *, min_row: int, max_row: int, max_col: int) -> set[tuple[int, int]]:
    """The cells of a sheet's block that hold a formula, as (row number, 0-based column): a second read of
    the workbook, without `data_only`. A formula whose value reads as None was never calculated (the file was
    written by a program, not saved by Excel), so its value is unknown."""
    found: set[tuple[int, int]] = set()
    if max_row < min_row or max_col < 1:
        return found
    with open_workbook(source, data_only=False) as wb:
        ws = wb[sheet_title]
        ws.reset_dimensions()
        for number, cells in enumerate(ws.iter_rows(min_row=min_row, max_row=max_row, max_col=max_col), start=min_row):
            for index, cell in enumerate(cells):
                if getattr(cell, "data_type", None) == "f":
                    found.add((number, index))
    return found


# --- writing ----------------------------------------------------------------------------------------------


def put_text(cell, value: str) -> None:
    """Write text as text: strip characters XML forbids, and keep a leading "=" from becoming a formula."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value or "")
    cell.value = value
    if value.startswith("="):
        cell.data_type = "s"


def write_headers(ws, row: int, headers: Iterable[tuple[str, float]]) -> None:
    """A header row: each (text, column width), bold on a light fill, centred."""
    for col, (text, width) in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = CENTERED
        ws.column_dimensions[get_column_letter(col)].width = width


def help_sheet(wb: Workbook, title: str, lines: Iterable[tuple[str, str]], *, widths=(28, 100)) -> None:
    """A sheet of (name, explanation) lines, the first line as headings."""
    ws = wb.create_sheet(title)
    ws.column_dimensions["A"].width = widths[0]
    ws.column_dimensions["B"].width = widths[1]
    for r, (name, text) in enumerate(lines, start=1):
        ws.cell(row=r, column=1, value=name).font = BOLD
        ws.cell(row=r, column=1).alignment = TOP
        ws.cell(row=r, column=2, value=text).alignment = WRAP
    ws.cell(row=1, column=2).font = BOLD


def workbook_bytes(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
