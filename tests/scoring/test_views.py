"""The scoring pages: bad input keeps what was typed and saves nothing, the Excel import reports every bad
row, a stale save is refused through the page, the HTMX totals, and query counts at two sizes."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from openpyxl import Workbook

from blocs.enums import Audience, DeadlineKind
from core.models import AuditLog
from core.templatetags.ktd import dmy
from scoring import services
from scoring.demo import tiny_pdf
from scoring.enums import SheetStatus
from scoring.models import CriteriaTable, Criterion, Evidence, Score, ScoreChange, Sheet, SheetVersion
from scoring.selectors import self_assessment_deadline
from tests.factories import DeadlineFactory, EmulationYearFactory, officer_of

from .helpers import (
    TABLE,
    P,
    add_members,
    fill,
    fill_and_submit,
    form_values,
    make_table,
    officer,
    pdf,
    review,
    submit,
    vi,
    wide_table,
)

Y = {"slug": "ktdnc", "year": 2020}
MY_SHEET = reverse("scoring:my-sheet", kwargs=Y)
TOTALS = reverse("scoring:my-sheet-totals", kwargs=Y)
IMPORT = reverse("scoring:table-import", kwargs=Y)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200  # a Windows program


def counts() -> dict[str, int]:
    models = (Sheet, SheetVersion, Score, ScoreChange, Evidence, Criterion, CriteriaTable, AuditLog)
    return {m._meta.label: m.objects.count() for m in models}


def shows(response, message: str) -> bool:
    return escape(message) in response.content.decode()


def typed_sheet(w, version: int, **bad) -> dict[str, str]:
    """What an officer typed: every points field, an explanation each, and `bad` on top (by field name)."""
    c = w.c
    data = {
        "version": str(version),
        "action": "save",
        f"points_{c['I.1'].pk}": "18,5",
        f"explanation_{c['I.1'].pk}": "Hoàn thành 19/20 chỉ tiêu <đạt 95%> & vượt 2 chỉ tiêu",
        f"points_{c['I.2'].pk}": "36",
        f"explanation_{c['I.2'].pk}": "Tỷ lệ hồ sơ trực tuyến 87%",
        f"points_{c['II.1'].pk}": "38.25",
        f"explanation_{c['II.1'].pk}": "Chi bộ “Hoàn thành tốt nhiệm vụ”",
        f"points_{c['III.1'].pk}": "2",
        f"explanation_{c['III.1'].pk}": "Bằng khen của Bộ Tư pháp",
        f"points_{c['IV.1'].pk}": "",
        f"explanation_{c['IV.1'].pk}": "",
    }
    data.update(bad)
    return data


def assert_kept(response, data: dict[str, str]) -> None:
    """Every typed value is back in the re-rendered form."""
    shown = form_values(response)
    typed = {k: v for k, v in data.items() if k.startswith(("points_", "explanation_"))}
    assert {k: shown.get(k) for k in typed} == typed


# --- bad input on the unit's sheet --------------------------------------------------------------------


def bad_points(w, case: str) -> tuple[dict[str, str], str]:
    """(what was typed wrongly, the message the page must show)."""
    c = w.c
    return {
        "text-in-points": ({f"points_{c['I.2'].pk}": "abc"}, vi("Write a number of points, e.g. 7,5.")),
        "above-max": ({f"points_{c['I.2'].pk}": "41"}, vi("At most %(max)s points.") % {"max": "40"}),
        "negative": ({f"points_{c['IV.1'].pk}": "-1"}, vi("Points cannot be negative.")),
    }[case]


def test_an_explanation_over_its_limit_is_refused_on_its_row_and_every_value_is_kept(scored_world, client_as, settings):
    settings.CRITERION_TEXT_MAX_CHARS = 40
    w = scored_world
    too_long = "Giải trình " * 5  # 55 characters
    data = typed_sheet(w, 1, **{f"explanation_{w.c['I.2'].pk}": too_long})
    before = counts()

    response = client_as(w.member).post(MY_SHEET, data)

    assert response.status_code == 400
    html = response.content.decode()
    field = f"id_explanation_{w.c['I.2'].pk}"
    assert re.search(
        rf'<textarea[^>]*id="{field}"[^>]*maxlength="40"[^>]*aria-describedby="{field}_err {field}_limit"', html
    )
    assert re.search(rf'<textarea[^>]*id="{field}"[^>]*aria-invalid="true"', html)
    assert f'id="{field}_err"' in html
    assert_kept(response, data)
    assert counts() == before


@pytest.mark.parametrize("case", ["text-in-points", "above-max", "negative"])
def test_bad_points_are_refused_and_every_value_is_kept(scored_world, client_as, case):
    w = scored_world
    bad, message = bad_points(w, case)
    data = typed_sheet(w, 1, **bad)
    before = counts()

    response = client_as(w.member).post(MY_SHEET, data)

    assert response.status_code == 400
    assert shows(response, message)
    assert_kept(response, data)
    assert counts() == before


def evidence_cases():
    return {
        "renamed-exe": (
            lambda: SimpleUploadedFile("bao-cao-tong-ket.pdf", EXE, content_type="application/pdf"),
            lambda: (
                vi("The file “%(name)s” is not a valid %(allowed)s file (its content was checked, not its name).")
                % {
                    "name": "bao-cao-tong-ket.pdf",
                    "allowed": vi("%(first)s or %(last)s") % {"first": "PDF, DOCX, XLSX, JPG", "last": "PNG"},
                }
            ),
        ),
        "empty": (
            lambda: SimpleUploadedFile("minh-chung.pdf", b"", content_type="application/pdf"),
            lambda: vi("The file “%(name)s” is empty.") % {"name": "minh-chung.pdf"},
        ),
        "oversized": (
            lambda: SimpleUploadedFile("quyet-dinh.pdf", tiny_pdf("x") + b"%" * 4000, content_type="application/pdf"),
            lambda: _too_large("quyet-dinh.pdf", len(tiny_pdf("x")) + 4000, 2048),
        ),
    }


def _too_large(name: str, size: int, limit: int) -> str:
    with translation.override("vi"):
        sizes = {"size": filesizeformat(size), "limit": filesizeformat(limit)}
    return vi("The file “%(name)s” is %(size)s; the limit is %(limit)s.") % {"name": name, **sizes}


@pytest.mark.parametrize("case", ["renamed-exe", "empty", "oversized"])
def test_bad_evidence_is_refused_and_every_value_is_kept(scored_world, client_as, settings, case):
    w = scored_world
    settings.UPLOAD_MAX_BYTES = 2048
    upload, message = evidence_cases()[case]
    data = typed_sheet(w, 1)
    before = counts()

    response = client_as(w.member).post(MY_SHEET, {**data, f"evidence_{w.c['I.1'].pk}": upload()})

    assert response.status_code == 400
    assert shows(response, message())
    assert_kept(response, data)
    assert counts() == before


def test_a_valid_draft_is_saved_with_its_evidence(scored_world, client_as):
    w = scored_world
    data = typed_sheet(w, 1)

    response = client_as(w.member).post(MY_SHEET, {**data, f"evidence_{w.c['I.1'].pk}": pdf("bao-cao.pdf")})

    assert (response.status_code, response.url) == (302, MY_SHEET)
    sheet = Sheet.objects.get(year=w.year, unit=w.member_unit)
    points = dict(Score.objects.filter(sheet=sheet).values_list("criterion__code", "self_points"))
    assert points == {"I.1": Decimal("18.5"), "I.2": Decimal("36"), "II.1": Decimal("38.25"), "III.1": Decimal("2")}
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["bao-cao.pdf"]
    assert sheet.status == SheetStatus.DRAFT


def test_submitting_without_required_evidence_saves_the_draft_and_says_what_is_missing(scored_world, client_as):
    w = scored_world
    data = {**typed_sheet(w, 1), "action": "submit"}

    response = client_as(w.member).post(MY_SHEET, data)

    sheet = Sheet.objects.get(year=w.year, unit=w.member_unit)
    assert response.status_code == 400
    assert shows(response, vi("%(code)s needs evidence.") % {"code": "I.1"})
    assert shows(response, vi("Your draft was saved, but it was not sent: see the marked rows."))
    assert_kept(response, data)
    assert (sheet.status, SheetVersion.objects.count()) == (SheetStatus.DRAFT, 0)


def test_submitting_through_the_page(scored_world, client_as):
    w = scored_world
    data = {**typed_sheet(w, 1), "action": "submit"}

    response = client_as(w.member).post(MY_SHEET, {**data, f"evidence_{w.c['I.1'].pk}": pdf()})

    sheet = Sheet.objects.get(year=w.year, unit=w.member_unit)
    assert response.status_code == 302
    assert (sheet.status, list(sheet.versions.values_list("number", "self_total"))) == (
        SheetStatus.SUBMITTED,
        [(1, Decimal("94.75"))],
    )


# --- a bad Excel import -------------------------------------------------------------------------------

HEADERS = ["Mã", "Tên tiêu chí", "Hướng dẫn, yêu cầu minh chứng", "Điểm tối đa", "Loại", "Bắt buộc minh chứng"]


def xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = "Bảng tiêu chí"
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("bang-tieu-chi.xlsx", out.getvalue())


GOOD = [
    ("I", "Nhiệm vụ chuyên môn", "", 60, "Tiêu chí", "Không"),
    ("I.1", "Chỉ tiêu được giao", "", 30, "", "Có"),
    ("I.2", "Cải cách hành chính", "", 30, "", ""),
    ("II", "Xây dựng Đảng", "", 40, "", ""),
    ("II.1", "Tổ chức Đảng", "", 40, "", ""),
]


def bad_imports():
    no_max = [h for h in HEADERS if h != "Điểm tối đa"]
    return {
        "missing-column": (
            xlsx([[r[0], r[1], r[2], r[4], r[5]] for r in GOOD], headers=no_max),
            [vi("The column “%(column)s” is missing: the header row must name it.") % {"column": "Điểm tối đa"}],
        ),
        "text-in-max-points": (
            xlsx([GOOD[0], ("I.1", "Chỉ tiêu được giao", "", "hai mươi", "", "Có"), *GOOD[2:]]),
            [vi("Row %(row)d: “Điểm tối đa” must be a number, not “%(value)s”.") % {"row": 3, "value": "hai mươi"}],
        ),
        "duplicate-code": (
            xlsx([*GOOD[:3], ("I.1", "Chỉ tiêu khác", "", 0, "", ""), *GOOD[3:]]),
            [
                vi("Row %(row)d: the code “%(code)s” is already used in row %(first)d.")
                % {"row": 5, "code": "I.1", "first": 3}
            ],
        ),
        "children-over-parent": (
            xlsx([GOOD[0], ("I.1", "Chỉ tiêu được giao", "", 35, "", "Có"), *GOOD[2:]]),
            [
                vi(
                    "Row %(row)d: the criteria under “%(code)s” add up to %(total)s points, "
                    "more than its maximum of %(max)s."
                )
                % {"row": 2, "code": "I", "total": "65", "max": "60"}
            ],
        ),
    }


def table_state(table) -> list[dict]:
    return list(Criterion.objects.filter(table=table).order_by("pk").values())


@pytest.mark.parametrize("case", ["missing-column", "text-in-max-points", "duplicate-code", "children-over-parent"])
def test_a_bad_excel_import_reports_every_row_and_changes_nothing(scored_world, client_as, case):
    w = scored_world
    upload, messages = bad_imports()[case]
    before = (table_state(w.table), counts())

    response = client_as(w.board).post(IMPORT, {"file": upload})

    assert response.status_code == 400
    assert [e.message for e in response.context["row_errors"]] == messages
    assert all(shows(response, m) for m in messages)
    assert (table_state(w.table), counts()) == before


def test_several_bad_rows_are_all_reported_in_row_order(scored_world, client_as):
    w = scored_world
    rows = [
        ("I", "Nhiệm vụ chuyên môn", "", 60, "", ""),
        ("I.1", "Chỉ tiêu được giao", "", "ba mươi", "", ""),
        ("I.1", "Trùng mã", "", 10, "", ""),
        ("II", "Xây dựng Đảng", "", 40, "", ""),
        ("II.1", "Tổ chức Đảng", "", 30, "", ""),
        ("II.2", "Công đoàn", "", 20, "", ""),
    ]
    before = table_state(w.table)

    response = client_as(w.board).post(IMPORT, {"file": xlsx(rows)})

    assert response.status_code == 400
    assert [e.row for e in response.context["row_errors"]] == [3, 4, 5]
    assert table_state(w.table) == before


def test_a_good_import_replaces_the_table(world, client_as):
    response = client_as(world.board).post(IMPORT, {"file": xlsx(GOOD)})

    assert response.status_code == 302
    assert list(Criterion.objects.order_by("order").values_list("code", "max_points", "is_leaf")) == [
        ("I", Decimal("60"), False),
        ("I.1", Decimal("30"), True),
        ("I.2", Decimal("30"), True),
        ("II", Decimal("40"), False),
        ("II.1", Decimal("40"), True),
    ]
    assert AuditLog.objects.filter(action="scoring.table.imported", actor=world.board).count() == 1


def test_the_leader_copies_last_years_table_through_the_page(scored_world, client_as):
    w = scored_world
    EmulationYearFactory(bloc=w.bloc, year=2021, leader=w.leader_unit, deputy=w.deputy_unit)
    url = reverse("scoring:table-copy", kwargs={"slug": "ktdnc", "year": 2021})

    response = client_as(w.leader).post(url)

    assert response.status_code == 302
    copied = Criterion.objects.filter(table__year__year=2021).order_by("order")
    assert [(c.code, c.max_points, c.kind) for c in copied] == [
        (code, Decimal(m), kind) for code, _t, _g, m, kind, _e in TABLE
    ]


# --- a stale save through the page ----------------------------------------------------------------------


def test_the_second_of_two_saves_from_the_same_version_is_refused_and_keeps_its_input(scored_world, client_as):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=10, i2=30, ii1=30))
    colleague = officer_of(w.member_unit)
    first = typed_sheet(w, sheet.version)
    second = typed_sheet(
        w,
        sheet.version,
        **{f"points_{w.c['I.2'].pk}": "39,5", f"explanation_{w.c['I.2'].pk}": "Số liệu của phòng Hành chính"},
    )

    saved = client_as(w.member).post(MY_SHEET, first)
    after_first = (list(Score.objects.order_by("pk").values()), counts())
    response = client_as(colleague).post(MY_SHEET, second)

    assert saved.status_code == 302
    assert response.status_code == 400
    assert shows(
        response,
        vi(
            "Someone else saved this sheet after you opened it, so your save was refused. Your input is kept "
            "below: compare it with their changes (open the sheet in a new tab), then save again to keep yours."
        ),
    )
    assert_kept(response, second)
    assert form_values(response)["version"] == str(Sheet.objects.get(pk=sheet.pk).version)
    assert (list(Score.objects.order_by("pk").values()), counts()) == after_first


def test_a_stale_review_is_refused_through_the_page(scored_world, client_as):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    url = reverse("scoring:review-sheet", kwargs={**Y, "unit_id": w.member_unit.pk})
    c = w.c

    def typed(i1, reason):
        data = {"version": str(sheet.version)}
        for code, value in (("I.1", i1), ("I.2", "36"), ("II.1", "36"), ("III.1", ""), ("IV.1", "")):
            data[f"reviewed_{c[code].pk}"] = value
            data[f"reason_{c[code].pk}"] = ""
        data[f"reason_{c['I.1'].pk}"] = reason
        return data

    client = client_as(w.leader)
    saved = client.post(url, typed("17", "Một chỉ tiêu chưa đạt"))
    response = client.post(url, typed("16", "Hai chỉ tiêu chưa đạt"))

    assert saved.status_code == 302
    assert response.status_code == 400
    assert form_values(response)[f"reviewed_{c['I.1'].pk}"] == "16"
    assert form_values(response)[f"reason_{c['I.1'].pk}"] == "Hai chỉ tiêu chưa đạt"
    assert Score.objects.get(sheet=sheet, criterion=c["I.1"]).reviewed_points == Decimal("17")


def test_a_reviewed_value_without_a_reason_is_refused_through_the_page(scored_world, client_as):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    url = reverse("scoring:review-sheet", kwargs={**Y, "unit_id": w.member_unit.pk})
    data = {"version": str(sheet.version), f"reviewed_{w.c['I.1'].pk}": "15", f"reason_{w.c['I.1'].pk}": ""}
    before = counts()

    response = client_as(w.leader).post(url, data)

    assert response.status_code == 400
    assert shows(response, vi("Give the reason for changing %(code)s.") % {"code": "I.1"})
    assert form_values(response)[f"reviewed_{w.c['I.1'].pk}"] == "15"
    assert counts() == before


# --- the HTMX totals ------------------------------------------------------------------------------------


def totals_of(response) -> dict[str, str]:
    html = response.content.decode()
    groups = dict(re.findall(r'<span id="group-total-(\d+)" hx-swap-oob="true">([^<]*)</span>', html))
    bonus = re.search(r">\+([^<]*)</dd>", html).group(1)
    shown = re.search(r'id="sheet-deductions">([^<]*)<', html).group(1)
    assert shown != "−0"  # "−3" for a deduction, a plain "0" for none
    deductions = shown.removeprefix("−")
    total = re.search(r'id="sheet-total">([^<]*)<', html).group(1)
    return {**groups, "bonus": bonus, "deductions": deductions, "total": total}


def test_the_totals_follow_what_is_typed(scored_world, client_as):
    w = scored_world
    c = w.c
    typed = {
        f"points_{c['I.1'].pk}": "18",
        f"points_{c['I.2'].pk}": "35,5",
        f"points_{c['II.1'].pk}": "30",
        f"points_{c['III.1'].pk}": "5",
        f"points_{c['IV.1'].pk}": "1,25",
    }
    before = counts()

    response = client_as(w.member).post(TOTALS, typed)

    assert response.status_code == 200
    assert totals_of(response) == {
        str(c["I"].pk): "53,5",
        str(c["II"].pk): "30",
        "bonus": "5",
        "deductions": "1,25",
        "total": "87,25",
    }
    assert counts() == before


def test_the_totals_cap_the_bonus_and_ignore_what_is_not_a_number(scored_world, client_as):
    w = scored_world
    w.bloc.settings = {"bonus_cap": 2}
    w.bloc.save()
    c = w.c
    typed = {
        f"points_{c['I.1'].pk}": "abc",
        f"points_{c['I.2'].pk}": "40",
        f"points_{c['II.1'].pk}": "99",  # above its maximum: not counted
        f"points_{c['III.1'].pk}": "5",
    }

    response = client_as(w.member).post(TOTALS, typed)

    assert totals_of(response) == {
        str(c["I"].pk): "40",
        str(c["II"].pk): "0",
        "bonus": "2",
        "deductions": "0",
        "total": "42",
    }


def test_the_review_totals_use_the_reviewed_values(scored_world, client_as):
    w = scored_world
    fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    c = w.c
    url = reverse("scoring:review-sheet-totals", kwargs={**Y, "unit_id": w.member_unit.pk})
    typed = {"mode": "review", f"reviewed_{c['I.1'].pk}": "16", f"reviewed_{c['I.2'].pk}": "36"}
    typed.update({f"reviewed_{c['II.1'].pk}": "36", f"reviewed_{c['IV.1'].pk}": "2"})

    response = client_as(w.leader).post(url, typed)

    assert totals_of(response)["total"] == "86"


# --- query counts: one literal budget for two sizes -----------------------------------------------------


@pytest.mark.parametrize("n", [3, 20])
def test_review_list_queries(scored_world, client_as, django_assert_max_num_queries, n):
    """Every status on the list: not started, draft, submitted, late, returned, reviewed, final."""
    w = scored_world
    units = [w.member_unit, w.deputy_unit, w.leader_unit, *add_members(w, n - 3)]
    late = w.deadline.due_at + datetime.timedelta(hours=2)
    for i, unit in enumerate(units):
        state = i % 7
        if state == 0:
            continue
        sheet = fill(w.year, unit, P(i1=10 + i % 5, i2=30, ii1=30, iv1=i % 2))
        if state == 1:
            continue
        submit(sheet, at=late if state == 3 else None)
        reviewer = w.deputy if unit == w.leader_unit else w.leader
        if state == 4:
            services.sheet_return(sheet=sheet, note="Bổ sung", by=reviewer)
        elif state == 5:
            review(sheet, P(i1=9), by=reviewer, reason="Thiếu minh chứng")
        elif state == 6:
            services.sheet_finalize(sheet=sheet, by=reviewer)
    client = client_as(w.leader)
    url = reverse("scoring:review-list", kwargs=Y)

    with django_assert_max_num_queries(13):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["rows"]) == n


@pytest.fixture
def wide_sheet(world):
    """A sheet factory: a table of `n` criteria, every one scored twice (history), evidence where required,
    sent, reviewed on every other criterion, returned to the unit for correction."""

    def build(n: int) -> Sheet:
        make_table(world.year, wide_table(n))
        DeadlineFactory(year=world.year, kind=DeadlineKind.SELF_ASSESSMENT, opens_at=timezone.now())
        leaves = [code for code, *_rest in wide_table(n) if "." in code]
        fill(world.year, world.member_unit, dict.fromkeys(leaves, Decimal("0.5")))
        sheet = fill(world.year, world.member_unit, dict.fromkeys(leaves, 1))
        submit(sheet)
        review(sheet, dict.fromkeys(leaves[::2], 0), by=world.leader, reason="Chưa đạt")
        return sheet

    return build


@pytest.mark.parametrize("n", [10, 40])
def test_the_units_sheet_queries(world, wide_sheet, client_as, django_assert_max_num_queries, n):
    sheet = wide_sheet(n)
    services.sheet_return(sheet=sheet, note="Bổ sung", by=world.leader)
    client = client_as(world.member)

    # 13: the files kept from refused posts (core.pending) are one query of the editable sheet.
    with django_assert_max_num_queries(13):
        response = client.get(MY_SHEET)

    assert response.status_code == 200
    assert len(response.context["form"].leaves) == n


@pytest.mark.parametrize("n", [10, 40])
@pytest.mark.parametrize(("state", "budget"), [("not started", 10), ("draft", 12)])
def test_the_units_unsent_sheet_queries(world, client_as, django_assert_max_num_queries, n, state, budget):
    """The editable form before the first sending (no versions yet), with or without a draft saved twice."""
    make_table(world.year, wide_table(n))
    DeadlineFactory(year=world.year, kind=DeadlineKind.SELF_ASSESSMENT, opens_at=timezone.now())
    if state == "draft":
        leaves = [code for code, *_rest in wide_table(n) if "." in code]
        fill(world.year, world.member_unit, dict.fromkeys(leaves, Decimal("0.5")))
        fill(world.year, world.member_unit, dict.fromkeys(leaves, 1))
    client = client_as(world.member)

    with django_assert_max_num_queries(budget):
        response = client.get(MY_SHEET)

    assert response.status_code == 200
    assert response.context["editable"]
    assert len(response.context["form"].leaves) == n


@pytest.mark.parametrize("n", [10, 40])
@pytest.mark.parametrize(("role", "budget"), [("leader", 12), ("board", 10)])
def test_the_review_sheet_queries(world, wide_sheet, client_as, django_assert_max_num_queries, n, role, budget):
    wide_sheet(n)
    client = client_as(world.user(role))
    url = reverse("scoring:review-sheet", kwargs={**Y, "unit_id": world.member_unit.pk})

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["review_form"].leaves) == n


@pytest.mark.parametrize("n", [3, 20])
def test_ranking_page_queries(scored_world, client_as, django_assert_max_num_queries, n):
    w = scored_world
    units = [w.member_unit, w.deputy_unit, w.leader_unit, *add_members(w, n - 3)]
    for unit in units:
        fill_and_submit(w.year, unit, P(i1=10, i2=30, ii1=30))
    client = client_as(w.leader)

    with django_assert_max_num_queries(11):
        response = client.get(reverse("scoring:ranking", kwargs=Y))

    assert len(response.context["rows"]) == n


# --- what each page shows -------------------------------------------------------------------------------


def test_the_review_list_shows_each_status(scored_world, client_as):
    w = scored_world
    fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    late = fill(w.year, w.leader_unit, P(i1=18, i2=36, ii1=36))
    submit(late, at=w.deadline.due_at + datetime.timedelta(hours=1))

    response = client_as(w.leader).get(reverse("scoring:review-list", kwargs=Y))

    got = {row.unit: (row.status, row.self_total) for row in response.context["rows"]}
    assert got == {
        w.member_unit: ("submitted", Decimal("90.00")),
        w.leader_unit: ("late", Decimal("90.00")),
        w.deputy_unit: ("not_started", None),
    }
    badges = {w.member_unit: ["submitted"], w.leader_unit: ["submitted", "late"], w.deputy_unit: ["not_started"]}
    shown = re.findall(r'data-sheet-status="(\w+)"', response.content.decode())
    assert shown == [status for row in response.context["rows"] for status in badges[row.unit]]


def test_the_deputy_sees_only_the_leaders_sheet_on_the_review_list(scored_world, client_as):
    w = scored_world
    fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    fill_and_submit(w.year, w.leader_unit, P(i1=18, i2=36, ii1=36))

    response = client_as(w.deputy).get(reverse("scoring:review-list", kwargs=Y))

    assert [row.unit for row in response.context["rows"]] == [w.leader_unit]


def test_the_sheet_shows_its_history_and_versions(scored_world, client_as):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    review(sheet, P(i1=17), by=w.leader, reason="Còn 01 chỉ tiêu chưa đạt")

    response = client_as(w.leader).get(reverse("scoring:review-sheet", kwargs={**Y, "unit_id": w.member_unit.pk}))

    history = [(c.score.criterion.code, c.old_value, c.new_value, c.reason) for c in response.context["history"]]
    assert history == [
        ("I.1", None, Decimal("17"), "Còn 01 chỉ tiêu chưa đạt"),
        ("II.1", None, Decimal("36"), ""),
        ("I.2", None, Decimal("36"), ""),
        ("I.1", None, Decimal("18"), ""),
    ]
    assert [v.number for v in response.context["versions"]] == [1]
    assert shows(response, "Còn 01 chỉ tiêu chưa đạt")


@pytest.mark.parametrize("started", [False, True])
def test_the_sheet_shows_the_units_own_due_date_before_the_members(scored_world, client_as, started):
    """The due date is read with the sheet (or the year, before a sheet exists): the same rule as
    self_assessment_deadline, the unit's extension first."""
    w = scored_world
    if started:
        fill(w.year, w.member_unit, P(i1=18))
    client = client_as(w.member)

    members = client.get(MY_SHEET)
    extension = DeadlineFactory(
        year=w.year,
        kind=DeadlineKind.SELF_ASSESSMENT,
        audience=Audience.UNIT,
        unit=w.member_unit,
        due_at=w.deadline.due_at + datetime.timedelta(days=7),
    )
    own = client.get(MY_SHEET)
    other = client_as(w.deputy).get(MY_SHEET)

    assert members.context["due_at"] == w.deadline.due_at
    assert own.context["due_at"] == extension.due_at
    assert own.context["due_at"] == self_assessment_deadline(year=w.year, unit=w.member_unit).due_at
    assert other.context["due_at"] == w.deadline.due_at
    assert shows(own, dmy(extension.due_at))
    assert not shows(own, dmy(w.deadline.due_at))


def test_the_evidence_downloads_for_whoever_may_view_the_sheet(scored_world, client_as):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    evidence = Evidence.objects.get(score__sheet=sheet)
    url = reverse("scoring:evidence", kwargs={"pk": evidence.pk})

    response = client_as(w.leader).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == tiny_pdf("Minh chung")
    assert response["Content-Disposition"] == 'attachment; filename="minh-chung-I.1.pdf"'
    assert client_as(w.deputy).get(url).status_code == 404  # not the sheet's reviewer: it is not there for it


def test_the_ranking_page_after_publication(scored_world, client_as):
    w = scored_world
    for unit, points in ((w.member_unit, P(i1=18, i2=36, ii1=36)), (w.deputy_unit, P(i1=20, i2=40, ii1=36))):
        services.sheet_finalize(sheet=fill_and_submit(w.year, unit, points), by=w.leader)
    services.ranking_publish(year=w.year, by=officer(w.leader_unit))

    response = client_as(w.member).get(reverse("scoring:ranking", kwargs=Y))

    rows = [(r.rank, r.unit, r.reviewed_total, r.classification) for r in response.context["rows"]]
    assert rows == [(1, w.deputy_unit, Decimal("96.00"), "Xuất sắc"), (2, w.member_unit, Decimal("90.00"), "Xuất sắc")]
