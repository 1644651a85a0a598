"""The province's decisions on many proposals at once: the board's form (one decision ticked onto many proposals)
and the Excel import (one row per proposal), with the province's proposals of a year across its blocs and the
import's template.

One decision is stored once (`AwardDecision`: number, date, signer, file) and each proposal points to it; every
proposal is decided through `proposal_decide` (its rules, its audit row with the old values, its notice to the
proposed unit), so the pages that read a proposal's own number and date keep working. Then each bloc's leader unit
gets one notice for its proposals. Either every proposal is decided or, on any refusal, none.

What was decided already is refused unless the board asks to correct it (`correct`): a decision is not replaced by
a tick left on by mistake. A dossier the leader has not sent is always refused.
"""

import datetime
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from blocs.models import EmulationYear, Province
from blocs.services import notify_unit
from core.audit import audit
from core.i18n import later
from core.permissions import ensure_can
from core.spreadsheets import (
    TEXT_FORMAT,
    WorkbookError,
    cell_text,
    fold,
    help_sheet,
    is_blank,
    is_error_value,
    open_workbook,
    put_text,
    read_table,
    workbook_bytes,
    write_headers,
)
from core.validators import UploadValidator

from ..enums import ProposalStatus
from ..models import AwardDecision, Proposal
from .proposals import decision_errors, proposal_decide

RULE = "awards.decision.province"
NOTE_MAX = 2000
NUMBER_MAX = AwardDecision._meta.get_field("number").max_length


# --- reads ----------------------------------------------------------------------------------------------------


def province_proposals(province: Province, year: int) -> QuerySet[Proposal]:
    """Every proposal of the province's blocs in `year`, with what the board's page shows, in one query."""
    return (
        Proposal.objects.filter(award_kind__year__bloc__province=province, award_kind__year__year=year)
        .select_related("award_kind__year__bloc", "unit", "decision")
        .order_by("award_kind__year__bloc__name", "award_kind__order", "-votes", "unit__name", "pk")
    )


def province_years(province: Province) -> list[int]:
    """The years in which a bloc of the province has proposals, newest first."""
    years = (
        Proposal.objects.filter(award_kind__year__bloc__province=province)
        .order_by("-award_kind__year__year")
        .values_list("award_kind__year__year", flat=True)
        .distinct()
    )
    return list(years)


def _label(proposal: Proposal) -> str:
    return _("%(unit)s, %(kind)s (%(bloc)s)") % {
        "unit": proposal.unit.short_name,
        "kind": proposal.award_kind.name,
        "bloc": proposal.award_kind.year.bloc.short_name,
    }


def refusal(proposal: Proposal, *, correct: bool) -> str | None:
    """Why this proposal cannot take a decision now, or None."""
    if proposal.status == ProposalStatus.PREPARING:
        return _("the leader has not sent this dossier yet.")
    if proposal.decided_at is not None and not correct:
        return _("already decided (%(status)s); tick “Correct decisions already recorded” to replace the decision.") % {
            "status": proposal.get_status_display()
        }
    return None


# --- the decision's record and file ---------------------------------------------------------------------------


def check_decision_file(upload) -> None:
    """A PDF by its content, not empty, not too large, readable: opened only in the bounded child process
    (core.inspect: memory, time, pages and unpacked size limited). Errors are the form's "file" field's."""
    from core.inspect import Unreadable, inspect_file

    try:
        UploadValidator(("pdf",))(upload)
        inspect_file("pdf", upload, name=upload.name)
    except ValidationError as error:  # the validator's, or a limit of the inspection (LimitExceeded)
        raise ValidationError({"file": error.messages}) from error
    except Unreadable as exc:
        raise ValidationError(
            {
                "file": _("The file “%(name)s” cannot be read as a PDF; save it again as PDF and retry.")
                % {"name": upload.name}
            }
        ) from exc
    finally:
        upload.seek(0)


def _decision_record(
    *, province: Province, year: int, number: str, date, signer_name: str, signer_position: str, upload, by
) -> AwardDecision | None:
    """The decision with this number and date (recorded once: a second use fills what the first left blank), or
    None for a refusal the province issued no decision about."""
    if not number:
        return None
    decision = (
        AwardDecision.objects.select_for_update().filter(province=province, year=year, number=number, date=date).first()
    )
    created = decision is None
    if created:
        decision = AwardDecision(province=province, year=year, number=number, date=date, recorded_by=by)
    errors = {}
    for field, value in (("signer_name", signer_name), ("signer_position", signer_position)):
        current = getattr(decision, field)
        if value and current and value != current:
            errors[field] = _("Decision %(number)s was recorded with “%(value)s”; give the same or leave it empty.") % {
                "number": number,
                "value": current,
            }
        elif value:
            setattr(decision, field, value)
    if upload is not None:
        if decision.file:
            errors["file"] = _("Decision %(number)s already has its file.") % {"number": number}
        else:
            decision.file, decision.original_name = upload, upload.name[:255]
    if errors:
        raise ValidationError(errors)
    decision.save()
    return decision


def _notify_leaders(proposals: list[Proposal], *, decision: AwardDecision | None, key: str) -> None:
    """One notice to each bloc's leader unit: how many of its proposals the province decided and how."""
    by_year: dict[int, list[Proposal]] = {}
    for proposal in proposals:
        by_year.setdefault(proposal.award_kind.year_id, []).append(proposal)
    for items in by_year.values():
        year: EmulationYear = items[0].award_kind.year
        approved = sum(1 for p in items if p.status == ProposalStatus.APPROVED)
        notify_unit(
            year.leader,
            title=later(gettext_noop("The province's decision on the bloc's proposals, %(year)s"), year=year.year),
            body=later(
                gettext_noop("%(count)s proposals decided (%(units)s): %(approved)s approved, %(rejected)s not."),
                count=len(items),
                units=", ".join(p.unit.short_name for p in items),
                approved=approved,
                rejected=len(items) - approved,
            ),
            link=reverse("awards:proposals", kwargs={"slug": year.bloc.slug, "year": year.year}),
            key=f"awards.decision.leader:{year.pk}:{decision.pk if decision else 0}:{key}",
        )


def _digest(proposals: Iterable[Proposal]) -> str:
    text = ",".join(f"{p.pk}={p.status}" for p in proposals)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _lock(province: Province, year: int, ids: list[int]) -> list[Proposal]:
    return list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(pk__in=ids, award_kind__year__bloc__province=province, award_kind__year__year=year)
        .select_related("award_kind__year__bloc", "award_kind__year__leader", "unit")
        .order_by("award_kind__year__bloc__name", "award_kind__order", "unit__name", "pk")
    )


# --- one decision for many proposals (the board's form) -------------------------------------------------------


@transaction.atomic
def decide_many(
    *,
    province: Province,
    year: int,
    proposal_ids: Iterable[int],
    approved: bool,
    number: str,
    date: datetime.date | None,
    signer_name: str = "",
    signer_position: str = "",
    upload=None,
    note: str = "",
    correct: bool = False,
    by,
) -> list[Proposal]:
    """Record one decision of the province on every proposal of `proposal_ids` (all of the province's `year`),
    through `proposal_decide`. Refused as a whole (ValidationError, nothing stored) if any proposal cannot take it:
    field errors by field, a proposal's refusal naming it."""
    ensure_can(by, RULE, province)
    ids = list(dict.fromkeys(proposal_ids))
    if not ids:
        raise ValidationError(_("Tick the proposals the decision applies to."))
    number, note = number.strip(), note.strip()
    signer_name, signer_position = signer_name.strip(), signer_position.strip()
    errors = decision_errors(approved=approved, number=number, date=date, note=note)
    if upload is not None and not number:
        errors.setdefault("file", _("A decision's file needs the decision's number and date."))
    if errors:
        raise ValidationError(errors)
    if upload is not None:
        check_decision_file(upload)
    proposals = _lock(province, year, ids)
    if len(proposals) != len(ids):
        raise ValidationError(_("Some of the proposals ticked are not the province's proposals of this year."))
    refused = [(p, refusal(p, correct=correct)) for p in proposals]
    refused = [f"{_label(p)}: {why}" for p, why in refused if why]
    if refused:
        raise ValidationError(refused)
    decision = _decision_record(
        province=province,
        year=year,
        number=number,
        date=date,
        signer_name=signer_name,
        signer_position=signer_position,
        upload=upload,
        by=by,
    )
    decided = _apply(
        [(p, approved, number, date, note) for p in proposals], decision=decision, by=by, source="form", correct=correct
    )
    return decided


def _apply(rows, *, decision: AwardDecision | None, by, source: str, correct: bool) -> list[Proposal]:
    """Decide each (proposal, approved, number, date, note) through `proposal_decide`, point them to `decision`,
    audit the whole and tell the leaders."""
    decided = []
    for proposal, approved, number, date, note in rows:
        decided.append(
            proposal_decide(proposal=proposal, approved=approved, number=number, date=date, note=note, by=by)
        )
    Proposal.objects.filter(pk__in=[p.pk for p in decided]).update(decision=decision)
    for proposal in decided:
        proposal.decision = decision
    audit(
        by,
        "awards.decision.applied",
        decision,
        source=source,
        correct=correct,
        proposals={str(p.pk): p.status for p in decided},
    )
    _notify_leaders(decided, decision=decision, key=_digest(decided))
    return decided


# --- the Excel import -------------------------------------------------------------------------------------------

SHEET = "Quyết định"
HELP = "Hướng dẫn"
MAX_ROWS = 1000
APPROVED_TEXT, REJECTED_TEXT = "Được khen thưởng", "Không được khen thưởng"
APPROVED_WORDS = {fold(w) for w in (APPROVED_TEXT, "Được", "Có", "Đồng ý", "x", "approved", "yes", "1")}
REJECTED_WORDS = {fold(w) for w in (REJECTED_TEXT, "Không được", "Không", "Không đồng ý", "not approved", "no", "0")}


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    aliases: tuple[str, ...] = ()


COLUMNS = (
    Column("id", "Mã đề nghị", 12, ("ID", "Mã")),
    Column("bloc", "Khối thi đua", 30, ("Khối",)),
    Column("unit", "Đơn vị", 34, ("Tên đơn vị", "Tên viết tắt")),
    Column("kind", "Hình thức khen thưởng", 26, ("Hình thức", "Danh hiệu")),
    Column("number", "Số quyết định", 18, ("Số QĐ",)),
    Column("date", "Ngày quyết định", 16, ("Ngày QĐ", "Ngày ký")),
    Column("outcome", "Kết quả", 24),
    Column("reason", "Lý do", 40, ("Lý do, ghi chú", "Ghi chú")),
)
WANTED = {fold(name): c.key for c in COLUMNS for name in (c.header, *c.aliases)}
HEADER = {c.key: c.header for c in COLUMNS}
DECISION_KEYS = ("number", "date", "outcome", "reason")
DATE_RE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


@dataclass(frozen=True)
class RowError:
    row: int | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}


class ImportRefused(Exception):
    """Nothing was imported; `errors` lists every problem of the file, row by row."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors, key=lambda e: e.row or 0)
        super().__init__("\n".join(str(e) for e in self.errors))


def _date(value) -> datetime.date | None:
    """A cell as a date: an Excel date, an Excel serial number, or text dd/mm/yyyy (or yyyy-mm-dd). Raises
    ValueError for anything else."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError
        return from_excel(value).date()
    text = cell_text(value)
    match = DATE_RE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return datetime.date(year, month, day)
    return datetime.date.fromisoformat(text)


@dataclass
class ImportRow:
    row: int
    proposal: Proposal
    approved: bool
    number: str
    date: datetime.date | None
    note: str


def _bloc_names(proposal: Proposal) -> tuple[str, ...]:
    bloc = proposal.award_kind.year.bloc
    return fold(bloc.name), fold(bloc.short_name), fold(bloc.code)


class _Finder:
    """The province's proposals of the year, found by id or by unit (name or short name) and award kind (name or
    code), and, when a unit has proposals in several blocs, by bloc (name, short name or code)."""

    def __init__(self, proposals: list[Proposal]):
        self.by_id = {p.pk: p for p in proposals}
        self.proposals = proposals

    def find(self, cells: dict) -> tuple[Proposal | None, str]:
        raw_id = cells.get("id")
        if not is_blank(raw_id):
            text = cell_text(raw_id)
            if not text.isdigit():
                return None, _("the proposal id “%(value)s” is not a number.") % {"value": text}
            proposal = self.by_id.get(int(text))
            if proposal is None:
                return None, _("no proposal of the province's blocs this year has the id %(value)s.") % {"value": text}
            return proposal, ""
        unit, kind, bloc = (fold(cell_text(cells.get(k))) for k in ("unit", "kind", "bloc"))
        if not unit or not kind:
            return None, _("give the proposal id, or the unit and the award kind.")
        found = [
            p
            for p in self.proposals
            if unit in (fold(p.unit.name), fold(p.unit.short_name))
            and kind in (fold(p.award_kind.name), fold(p.award_kind.code))
        ]
        if bloc:
            found = [p for p in found if bloc in _bloc_names(p)]
        if not found:
            return None, _("no proposal of “%(unit)s” for “%(kind)s” this year.") % {
                "unit": cell_text(cells.get("unit")),
                "kind": cell_text(cells.get("kind")),
            }
        if len(found) > 1:
            return None, _("“%(unit)s” has several proposals for “%(kind)s”; give the proposal id.") % {
                "unit": cell_text(cells.get("unit")),
                "kind": cell_text(cells.get("kind")),
            }
        return found[0], ""


def _read_row(number: int, cells: dict, finder: _Finder, seen: dict[int, int], correct: bool):
    """(ImportRow, []) or (None, [what is wrong with the row])."""
    problems = []
    for key, value in cells.items():
        if is_error_value(value):
            problems.append(
                _("the column “%(column)s” holds the error %(value)s.") % {"column": HEADER[key], "value": value}
            )
    if problems:
        return None, problems
    proposal, why = finder.find(cells)
    if proposal is None:
        problems.append(why)
    elif proposal.pk in seen:
        problems.append(_("the same proposal as row %(row)d.") % {"row": seen[proposal.pk]})
    else:
        seen[proposal.pk] = number
        why = refusal(proposal, correct=correct)
        if why:
            problems.append(f"{_label(proposal)}: {why}")
    outcome = fold(cell_text(cells.get("outcome")))
    approved = None
    if outcome in APPROVED_WORDS:
        approved = True
    elif outcome in REJECTED_WORDS:
        approved = False
    elif not outcome:
        problems.append(
            _("“Kết quả” is empty: write “%(yes)s” or “%(no)s”.") % {"yes": APPROVED_TEXT, "no": REJECTED_TEXT}
        )
    else:
        problems.append(
            _("“Kết quả” is “%(value)s”: write “%(yes)s” or “%(no)s”.")
            % {"value": cell_text(cells.get("outcome")), "yes": APPROVED_TEXT, "no": REJECTED_TEXT}
        )
    number_text = cell_text(cells.get("number"))
    if len(number_text) > NUMBER_MAX:
        problems.append(_("the decision number is longer than %(limit)d characters.") % {"limit": NUMBER_MAX})
    date = None
    if not is_blank(cells.get("date")):
        try:
            date = _date(cells.get("date"))
        except (ValueError, OverflowError):
            problems.append(
                _("the decision's date “%(value)s” is not a date; write it as dd/mm/yyyy.")
                % {"value": cell_text(cells.get("date"))}
            )
            date = False
    note = cell_text(cells.get("reason"))
    if len(note) > NOTE_MAX:
        problems.append(_("the reason is longer than %(limit)d characters.") % {"limit": NOTE_MAX})
    if approved is not None and date is not False:
        for message in decision_errors(approved=approved, number=number_text, date=date, note=note).values():
            problems.append(str(message))
    if problems:
        return None, problems
    return ImportRow(number, proposal, approved, number_text, date, note), []


def read_decisions(source, *, proposals: list[Proposal], correct: bool) -> list[ImportRow]:
    """Every row of the sheet as a decision on one of `proposals`, or ImportRefused listing every bad row."""
    finder = _Finder(proposals)
    with open_workbook(source, passthrough=(ImportRefused,)) as wb:
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        table = read_table(ws, WANTED, normalize=fold, max_rows=MAX_ROWS)
    if table.header_row is None:
        raise ImportRefused(
            [RowError(None, _("No header row found: the sheet's first rows must name the columns of the template."))]
        )
    errors: list[RowError] = []
    if "outcome" not in table.columns:
        errors.append(RowError(table.header_row, _("the column “Kết quả” is missing.")))
    if "id" not in table.columns and not {"unit", "kind"} <= set(table.columns):
        errors.append(
            RowError(
                table.header_row,
                _("give the column “Mã đề nghị”, or the columns “Đơn vị” and “Hình thức khen thưởng”."),
            )
        )
    for key in ("number", "date"):
        if key not in table.columns:
            errors.append(
                RowError(table.header_row, _("the column “%(column)s” is missing.") % {"column": HEADER[key]})
            )
    if table.too_many is not None:
        errors.append(RowError(table.too_many, _("the sheet has more than %(limit)d rows.") % {"limit": MAX_ROWS}))
    if errors:
        raise ImportRefused(errors)
    rows, seen = [], {}
    for number, cells in table.rows:
        if all(is_blank(cells.get(k)) for k in DECISION_KEYS):
            continue  # a row of the template left as it came: no decision on that proposal yet
        row, problems = _read_row(number, cells, finder, seen, correct)
        if row is None:
            errors.extend(RowError(number, p) for p in problems)
        else:
            rows.append(row)
    if errors:
        raise ImportRefused(errors)
    if not rows:
        raise ImportRefused([RowError(None, _("The sheet has no decision under its header row."))])
    return rows


@transaction.atomic
def import_decisions(*, province: Province, year: int, source, correct: bool = False, by) -> list[Proposal]:
    """Record the decisions of an Excel sheet: all of them, or (ImportRefused, every bad row named) none."""
    ensure_can(by, RULE, province)
    proposals = list(
        Proposal.objects.select_for_update(of=("self",))
        .filter(award_kind__year__bloc__province=province, award_kind__year__year=year)
        .select_related("award_kind__year__bloc", "award_kind__year__leader", "unit")
    )
    try:
        rows = read_decisions(source, proposals=proposals, correct=correct)
    except WorkbookError as error:
        raise ImportRefused([RowError(None, error.message)]) from None
    groups: dict[tuple, list[ImportRow]] = {}
    for row in rows:
        groups.setdefault((row.number, row.date) if row.number else ("", None), []).append(row)
    decided = []
    for (number, date), items in groups.items():
        decision = _decision_record(
            province=province,
            year=year,
            number=number,
            date=date,
            signer_name="",
            signer_position="",
            upload=None,
            by=by,
        )
        decided += _apply(
            [(r.proposal, r.approved, r.number, r.date, r.note) for r in items],
            decision=decision,
            by=by,
            source="import",
            correct=correct,
        )
    return decided


def template_workbook(*, province: Province, year: int) -> bytes:
    """The import's template: the province's proposals of the year waiting for a decision, one a row, the decision
    columns empty; a list of the outcome's two values; a sheet of help."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    write_headers(ws, 1, [(c.header, c.width) for c in COLUMNS])
    ws.freeze_panes = "A2"
    waiting = province_proposals(province, year).filter(status=ProposalStatus.SUBMITTED)
    for r, proposal in enumerate(waiting, start=2):
        ws.cell(row=r, column=1, value=proposal.pk)
        put_text(ws.cell(row=r, column=2), proposal.award_kind.year.bloc.name)
        put_text(ws.cell(row=r, column=3), proposal.unit.name)
        put_text(ws.cell(row=r, column=4), proposal.award_kind.name)
    last = max(ws.max_row, 2) + MAX_ROWS
    for r in range(2, last):
        ws.cell(row=r, column=5).number_format = TEXT_FORMAT
        ws.cell(row=r, column=6).number_format = "DD/MM/YYYY"
    outcome = DataValidation(type="list", formula1=f'"{APPROVED_TEXT},{REJECTED_TEXT}"', allow_blank=True)
    ws.add_data_validation(outcome)
    outcome.add(f"G2:G{last}")
    help_sheet(
        wb,
        HELP,
        [
            ("Cột", "Cách ghi"),
            ("Mã đề nghị", "Mã của đề nghị trong phần mềm (đã điền sẵn). Nếu để trống, ghi Đơn vị và Hình thức."),
            ("Khối thi đua", "Chỉ cần khi một đơn vị có đề nghị ở nhiều khối."),
            ("Đơn vị", "Tên đầy đủ hoặc tên viết tắt của đơn vị được đề nghị."),
            ("Hình thức khen thưởng", "Tên hình thức, ví dụ: Cờ thi đua, Bằng khen."),
            ("Số quyết định", "Ví dụ: 2156/QĐ-UBND. Bắt buộc khi được khen thưởng."),
            ("Ngày quyết định", "dd/mm/yyyy, ví dụ 15/01/2021. Bắt buộc khi có số quyết định."),
            ("Kết quả", f"“{APPROVED_TEXT}” hoặc “{REJECTED_TEXT}”."),
            ("Lý do", "Bắt buộc khi không được khen thưởng: đơn vị được thông báo lý do."),
            ("Dòng để trống", "Dòng chưa ghi Số, Ngày, Kết quả và Lý do được bỏ qua (đề nghị đó chưa có quyết định)."),
            ("Lưu ý", "Tệp có dòng sai thì không dòng nào được ghi; danh sách lỗi nêu số dòng của từng lỗi."),
        ],
    )
    return workbook_bytes(wb)
