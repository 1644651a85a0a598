"""Plain helpers for the scoring tests: a criteria table, sheets filled and sent through the services."""

from decimal import Decimal
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from blocs.models import EmulationYear, Person, Unit
from core.models import User
from scoring import services
from scoring.demo import tiny_pdf
from scoring.enums import CriterionKind
from scoring.excel import CriterionRow, replace_criteria
from scoring.models import CriteriaTable, Criterion, Sheet, SheetVersion
from tests.factories import MembershipFactory, UnitFactory, officer_of

S, B, D = CriterionKind.STANDARD, CriterionKind.BONUS, CriterionKind.DEDUCTION

# (code, title, guidance, max points, kind, evidence required)
TABLE = [
    ("I", "Thực hiện nhiệm vụ chính trị, chuyên môn", "", 60, S, False),
    ("I.1", "Hoàn thành các chỉ tiêu được giao", "Báo cáo kết quả thực hiện chỉ tiêu.", 20, S, True),
    ("I.2", "Cải cách hành chính, ứng dụng công nghệ thông tin", "", 40, S, False),
    ("II", "Xây dựng Đảng, đoàn thể", "", 40, S, False),
    ("II.1", "Tổ chức Đảng trong sạch, vững mạnh", "", 40, S, False),
    ("III", "Điểm thưởng", "Tối đa theo quy chế của Khối.", 5, B, False),
    ("III.1", "Được tặng Bằng khen của Bộ, ngành", "", 5, B, False),
    ("IV", "Điểm trừ", "", 10, D, False),
    ("IV.1", "Nộp báo cáo chậm (trừ 1 điểm/báo cáo)", "", 10, D, False),
]


def vi(msgid: str) -> str:
    """The Vietnamese wording of a message (the msgid itself until the translation lands)."""
    with translation.override("vi"):
        return gettext(msgid)


def kept_message(n: int) -> str:
    """The sheet page's message when the `n` files chosen with a refused post are kept for the next save."""
    with translation.override("vi"):
        message = translation.ngettext(
            "The file you chose is kept: it is stored when you save again.",
            "The %(n)d files you chose are kept: they are stored when you save again.",
            n,
        )
    return message % {"n": n}


def rows_of(spec) -> list[CriterionRow]:
    return [
        CriterionRow(
            row=n,
            code=code,
            title=title,
            guidance=guidance,
            max_points=Decimal(str(max_points)),
            kind=kind,
            evidence_required=evidence,
        )
        for n, (code, title, guidance, max_points, kind, evidence) in enumerate(spec, start=2)
    ]


def make_table(year: EmulationYear, spec=TABLE) -> CriteriaTable:
    table, _created = CriteriaTable.objects.get_or_create(year=year)
    replace_criteria(table=table, rows=rows_of(spec))
    return table


def wide_table(n: int) -> list[tuple]:
    """A table with `n` scored criteria in two standard groups, every other one needing evidence."""
    first = n // 2
    spec = [("I", "Nhóm tiêu chí I", "", first, S, False)]
    spec += [(f"I.{k}", f"Tiêu chí I.{k}", "Hướng dẫn chấm", 1, S, k % 2 == 1) for k in range(1, first + 1)]
    spec += [("II", "Nhóm tiêu chí II", "", n - first, S, False)]
    spec += [(f"II.{k}", f"Tiêu chí II.{k}", "", 1, S, k % 2 == 1) for k in range(1, n - first + 1)]
    return spec


def criteria(year: EmulationYear) -> dict[str, Criterion]:
    return {c.code: c for c in Criterion.objects.filter(table__year=year)}


def add_members(world, n: int) -> list[Unit]:
    """`n` more member units of the world's bloc, each with an officer."""
    units = []
    for _ in range(n):
        unit = UnitFactory(province=world.bloc.province)
        MembershipFactory(bloc=world.bloc, unit=unit, start_year=2019)
        officer_of(unit)
        units.append(unit)
    return units


def fresh(year: EmulationYear) -> EmulationYear:
    """The year as a view loads it (bloc, leader and deputy joined), with no cached table."""
    return EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(pk=year.pk)


def officer(unit: Unit) -> User:
    return Person.objects.filter(unit=unit).select_related("user").order_by("pk").first().user


def pdf(name: str = "minh-chung.pdf", text: str = "Minh chung") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def P(i1=None, i2=None, ii1=None, iii1=None, iv1=None) -> dict[str, object]:
    """Points by criterion code for the TABLE above (None: left empty)."""
    values = {"I.1": i1, "I.2": i2, "II.1": ii1, "III.1": iii1, "IV.1": iv1}
    return {code: value for code, value in values.items() if value is not None}


def entries_of(year: EmulationYear, points: dict[str, object], text: str = "") -> dict[int, services.Entry]:
    by_code = criteria(year)
    return {
        by_code[code].pk: services.Entry(points=None if value is None else Decimal(str(value)), text=text)
        for code, value in points.items()
    }


def fill(
    year: EmulationYear,
    unit: Unit,
    points: dict[str, object],
    *,
    by: User | None = None,
    evidence: bool = True,
    text: str = "Theo báo cáo tổng kết năm.",
) -> Sheet:
    """Save a draft through the service, with a PDF behind every criterion that needs evidence."""
    by_code = criteria(year)
    sheet = services.sheet_for(year=year, unit=unit)
    files = {}
    if evidence:
        files = {
            by_code[code].pk: [pdf(f"minh-chung-{code}.pdf")]
            for code, value in points.items()
            if by_code[code].evidence_required and value
        }
    services.sheet_save(
        sheet=sheet,
        entries=entries_of(year, points, text),
        files=files,
        expected_version=None,
        by=by or officer(unit),
    )
    sheet.refresh_from_db()
    return sheet


def submit(sheet: Sheet, *, by: User | None = None, at=None) -> SheetVersion:
    version = services.sheet_submit(sheet=sheet, expected_version=None, by=by or officer(sheet.unit), at=at)
    sheet.refresh_from_db()
    return version


def fill_and_submit(year: EmulationYear, unit: Unit, points: dict[str, object], **kwargs) -> Sheet:
    sheet = fill(year, unit, points, **kwargs)
    submit(sheet)
    return sheet


def review(sheet: Sheet, points: dict[str, object], *, by: User, reason: str = "") -> Sheet:
    services.sheet_review(
        sheet=sheet,
        entries=entries_of(sheet.year, points, reason),
        expected_version=None,
        by=by,
    )
    sheet.refresh_from_db()
    return sheet


class FormValues(HTMLParser):
    """The values a page's form fields hold: inputs by name (value attribute), textareas by their text."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("type") not in ("file", "checkbox", "submit") and attrs.get("name"):
            self.values[attrs["name"]] = attrs.get("value") or ""
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(response) -> dict[str, str]:
    return FormValues(response.content.decode()).values
