"""Excel import/export of criteria tables: round trip, template, every bad input, nothing half-imported."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import Workbook, load_workbook

from scoring.excel import (
    CriterionRow,
    RowError,
    TableImportError,
    export_ranking,
    export_table,
    parse_table,
    replace_criteria,
    template_workbook,
)
from scoring.models import CriteriaTable, Criterion, Score, Sheet
from tests.factories import EmulationYearFactory

HEADERS = ["Mã", "Tên tiêu chí", "Hướng dẫn, yêu cầu minh chứng", "Điểm tối đa", "Loại", "Bắt buộc minh chứng"]
D = Decimal

# (code, title, guidance, max_points, kind, evidence_required)
SAMPLE = [
    ("I", "Thực hiện nhiệm vụ chính trị, chuyên môn", "", D("60.00"), "standard", False),
    (
        "I.1",
        "Hoàn thành chỉ tiêu giao ước thi đua",
        "Báo cáo kết quả;\nsố liệu đối chiếu",
        D("20.00"),
        "standard",
        True,
    ),
    ("I.2", "Cải cách hành chính", "", D("40.00"), "standard", False),
    ("I.2.a", "Thủ tục hành chính đúng hạn", "Sổ theo dõi", D("15.50"), "standard", True),
    ("I.2.b", "=Ứng dụng công nghệ thông tin", "", D("24.50"), "standard", False),
    ("II", "Công tác xây dựng Đảng, đoàn thể", "", D("20.00"), "standard", False),
    ("II.1", "Tổ chức Đảng trong sạch vững mạnh", "", D("20.00"), "standard", True),
    ("III", "Điểm thưởng", "Tối đa 5 điểm", D("5.00"), "bonus", False),
    ("III.1", "Được tặng Bằng khen của Bộ, ngành", "", D("3.00"), "bonus", True),
    ("III.2", "Dẫn đầu ngành trong cả nước", "", D("4.00"), "bonus", True),
    ("IV", "Điểm trừ", "", D("10.00"), "deduction", False),
    ("IV.1", "Nộp báo cáo chậm (mỗi lần)", "", D("2.00"), "deduction", False),
    ("IV.2", "Cán bộ bị kỷ luật", "", D("10.00"), "deduction", True),
]


def rows_of(sample):
    return [CriterionRow(n, *values) for n, values in enumerate(sample, start=2)]


def values_of(rows):
    return [(r.code, r.title, r.guidance, r.max_points, r.kind, r.evidence_required) for r in rows]


def xlsx(rows, headers=HEADERS, *, sheet="Bảng tiêu chí", above=()) -> io.BytesIO:
    """A workbook built in memory: optional rows above the headers, the headers, then the rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for row in above:
        ws.append(list(row))
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def errors_of(fileobj) -> list[tuple[int | None, str]]:
    with translation.override("en"), pytest.raises(TableImportError) as caught:
        parse_table(fileobj)
    return [(e.row, e.message) for e in caught.value.errors]


def import_file(table, fileobj) -> list[Criterion]:
    """The contract the calling service follows: parse first, replace only if the whole file is good."""
    rows = parse_table(fileobj)
    with transaction.atomic():
        return replace_criteria(table=table, rows=rows)


def stored(table):
    return [
        (
            c.code,
            c.parent.code if c.parent else None,
            c.group.code,
            c.order,
            c.is_leaf,
            c.title,
            c.max_points,
            c.kind,
            c.evidence_required,
        )
        for c in table.criteria.select_related("parent", "group").order_by("order", "id")
    ]


@pytest.fixture
def table(world):
    return CriteriaTable.objects.create(year=world.year)


# --- write and round trip -------------------------------------------------------------------------


def test_replace_criteria_builds_the_tree(table):
    created = replace_criteria(table=table, rows=rows_of(SAMPLE))

    assert [c.code for c in created] == [s[0] for s in SAMPLE]
    tree = [(code, parent, group, order, leaf) for code, parent, group, order, leaf, *_ in stored(table)]
    assert tree == [
        ("I", None, "I", 1, False),
        ("I.1", "I", "I", 2, True),
        ("I.2", "I", "I", 3, False),
        ("I.2.a", "I.2", "I", 4, True),
        ("I.2.b", "I.2", "I", 5, True),
        ("II", None, "II", 6, False),
        ("II.1", "II", "II", 7, True),
        ("III", None, "III", 8, False),
        ("III.1", "III", "III", 9, True),
        ("III.2", "III", "III", 10, True),
        ("IV", None, "IV", 11, False),
        ("IV.1", "IV", "IV", 12, True),
        ("IV.2", "IV", "IV", 13, True),
    ]
    groups = {c.code: c for c in table.criteria.filter(parent__isnull=True)}
    assert all(g.group_id == g.pk for g in groups.values())


def test_replace_criteria_deletes_the_old_rows(table):
    replace_criteria(table=table, rows=rows_of(SAMPLE))
    replace_criteria(table=table, rows=rows_of(SAMPLE[:2]))

    assert [s[:5] for s in stored(table)] == [("I", None, "I", 1, False), ("I.1", "I", "I", 2, True)]


def test_replace_criteria_runs_the_same_queries_for_any_size(table):
    def count(n_groups):
        sample = []
        for g in range(1, n_groups + 1):
            sample += [
                (f"G{g}", f"Nhóm {g}", "", D("10"), "standard", False),
                (f"G{g}.1", "Tiêu chí", "", D("10"), "standard", False),
                (f"G{g}.1.a", "Tiêu chí thành phần", "", D("10"), "standard", True),
            ]
        table.criteria.all().delete()
        with CaptureQueriesContext(connection) as queries:
            replace_criteria(table=table, rows=rows_of(sample))
        return len(queries)

    assert count(1) == count(10)


def test_round_trip_keeps_every_value(table):
    replace_criteria(table=table, rows=rows_of(SAMPLE))

    parsed = parse_table(io.BytesIO(export_table(table)))

    assert values_of(parsed) == SAMPLE
    assert [r.row for r in parsed] == list(range(2, len(SAMPLE) + 2))


def test_round_trip_through_a_second_table_stores_the_same_tree(table, world):
    replace_criteria(table=table, rows=rows_of(SAMPLE))
    copy = CriteriaTable.objects.create(year=EmulationYearFactory(bloc=world.bloc, year=2021, leader=world.deputy_unit))

    import_file(copy, io.BytesIO(export_table(table)))

    assert stored(copy) == stored(table)


def test_export_layout():
    wb = load_workbook(io.BytesIO(template_workbook()))
    assert wb.sheetnames == ["Bảng tiêu chí", "Hướng dẫn"]
    ws = wb["Bảng tiêu chí"]
    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws["B2"].alignment.wrap_text and ws["C2"].alignment.wrap_text
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    assert ws["D2"].value == 60 and ws["D3"].value == 20  # numbers, not text
    assert [ws["E2"].value, ws["F2"].value, ws["F3"].value] == ["Tiêu chí", "Không", "Có"]
    help_text = " ".join(str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert all(header in help_text for header in HEADERS)


def test_export_writes_text_that_looks_like_a_formula_as_text(table):
    replace_criteria(table=table, rows=rows_of(SAMPLE))
    ws = load_workbook(io.BytesIO(export_table(table)))["Bảng tiêu chí"]

    assert ws["B6"].value == "=Ứng dụng công nghệ thông tin"
    assert ws["B6"].data_type == "s"


def test_template_parses():
    assert values_of(parse_table(io.BytesIO(template_workbook()))) == [
        ("I", "Thực hiện nhiệm vụ chính trị, chuyên môn được giao", "", D("60.00"), "standard", False),
        (
            "I.1",
            "Hoàn thành các chỉ tiêu đã đăng ký trong giao ước thi đua",
            "Báo cáo kết quả thực hiện các chỉ tiêu, kèm số liệu đối chiếu.",
            D("20.00"),
            "standard",
            True,
        ),
    ]


def test_parse_accepts_bytes():
    assert len(parse_table(template_workbook())) == 2


# --- tolerant reading -------------------------------------------------------------------------------


def test_headers_in_any_order_and_case_extra_columns_and_blank_rows():
    headers = ["  điểm TỐI ĐA ", "Ghi chú", "mã", "TÊN TIÊU CHÍ", "loại", "bắt buộc minh chứng"]
    data = xlsx(
        [
            (10, "bỏ qua", "I", "Nhóm một", "", ""),
            (None, None, None, None, None, None),
            (4, "cột thừa", " I . 1 ", "  Tiêu   chí\nmột ", "standard", "x"),
            ("2,5", None, "I.2", "Tiêu chí hai", "TIÊU CHÍ", "yes"),
            (None, "chỉ cột thừa", None, None, None, None),
            (5, None, "II.", "Thưởng", "BONUS", 0),
            (6, None, "II.1", "Được khen", None, 1),
            ("3", None, "III", "Trừ", "Điểm trừ", "Không"),
            (1, None, "III.1", "Nộp chậm", "deduction", "no"),
        ],
        headers,
        sheet="Sheet1",
        above=[("BẢNG TIÊU CHÍ CHẤM ĐIỂM NĂM 2020",)],
    )

    rows = parse_table(data)

    assert [(r.row, *v) for r, v in zip(rows, values_of(rows), strict=True)] == [
        (3, "I", "Nhóm một", "", D("10.00"), "standard", False),
        (5, "I.1", "Tiêu chí một", "", D("4.00"), "standard", True),
        (6, "I.2", "Tiêu chí hai", "", D("2.50"), "standard", True),
        (8, "II", "Thưởng", "", D("5.00"), "bonus", False),
        (9, "II.1", "Được khen", "", D("6.00"), "bonus", True),
        (10, "III", "Trừ", "", D("3.00"), "deduction", False),
        (11, "III.1", "Nộp chậm", "", D("1.00"), "deduction", False),
    ]


def test_the_criteria_sheet_is_found_by_name_among_others():
    wb = load_workbook(io.BytesIO(template_workbook()))
    wb.move_sheet("Hướng dẫn", offset=-1)
    wb.create_sheet("Ghi chú", 0)
    out = io.BytesIO()
    wb.save(out)

    assert [r.code for r in parse_table(out)] == ["I", "I.1"]


# --- bad input: every problem, each with its row ----------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        pytest.param(
            [("I", "", "", 10, "", "")],
            [(2, "Row 2: “Tên tiêu chí” is empty.")],
            id="empty-title",
        ),
        pytest.param(
            [("", "Không có mã", "", 10, "", "")],
            [(2, "Row 2: “Mã” is empty.")],
            id="empty-code",
        ),
        pytest.param(
            [("I", "Nhóm", "", "mười", "", "")],
            [(2, "Row 2: “Điểm tối đa” must be a number, not “mười”.")],
            id="text-points",
        ),
        pytest.param(
            [("I", "Nhóm", "", None, "", "")],
            [(2, "Row 2: “Điểm tối đa” is empty.")],
            id="empty-points",
        ),
        pytest.param(
            [("I", "Nhóm", "", -5, "", "")],
            [(2, "Row 2: “Điểm tối đa” cannot be negative (-5).")],
            id="negative-points",
        ),
        pytest.param(
            [("I", "Nhóm", "", 1.255, "", "")],
            [(2, "Row 2: “Điểm tối đa” may have at most two decimal places (1.255).")],
            id="three-decimals",
        ),
        pytest.param(
            [("I", "Nhóm", "", 10, "", ""), ("I", "Nhóm lặp", "", 5, "", "")],
            [(3, "Row 3: the code “I” is already used in row 2.")],
            id="duplicate-code",
        ),
        pytest.param(
            [("I", "Nhóm", "", 10, "", ""), ("II.1", "Mồ côi", "", 5, "", "")],
            [(3, "Row 3: the code “II.1” belongs under “II”, but no row above it has that code.")],
            id="missing-parent",
        ),
        pytest.param(
            [("I.1", "Con trước cha", "", 5, "", ""), ("I", "Nhóm", "", 10, "", "")],
            [(2, "Row 2: the code “I.1” belongs under “I”, but no row above it has that code.")],
            id="parent-below-child",
        ),
        pytest.param(
            [
                ("I", "Nhóm", "", 10, "", ""),
                ("I.1", "Một", "", 6, "", ""),
                ("I.2", "Hai", "", 4.5, "", ""),
            ],
            [(2, "Row 2: the criteria under “I” add up to 10.5 points, more than its maximum of 10.")],
            id="children-exceed-parent",
        ),
        pytest.param(
            [
                ("I", "Nhóm", "", 10, "", ""),
                ("I.1", "Một", "", 10, "", ""),
                ("I.1.a", "a", "", 6, "", ""),
                ("I.1.b", "b", "", 6, "", ""),
            ],
            [(3, "Row 3: the criteria under “I.1” add up to 12 points, more than its maximum of 10.")],
            id="sub-criteria-exceed-criterion",
        ),
        pytest.param(
            [("I", "Nhóm", "", 10, "Điểm cộng", "")],
            [(2, "Row 2: “Loại” must be “Tiêu chí”, “Điểm thưởng” or “Điểm trừ”, not “Điểm cộng”.")],
            id="unknown-kind",
        ),
        pytest.param(
            [("I", "Thưởng", "", 5, "Điểm thưởng", ""), ("I.1", "Trừ", "", 1, "Điểm trừ", "")],
            [
                (
                    3,
                    "Row 3: “Loại” is “Điểm trừ” but “I” above it is “Điểm thưởng”; "
                    "a criterion has the kind of its group.",
                )
            ],
            id="kind-differs-from-group",
        ),
        pytest.param(
            [("I", "Nhóm", "", 10, "", "phải có")],
            [(2, "Row 2: “Bắt buộc minh chứng” must be “Có” or “Không”, not “phải có”.")],
            id="unknown-yes-no",
        ),
        pytest.param(
            [("I..2", "Nhóm", "", 10, "", "")],
            [(2, "Row 2: “I..2” is not a valid code; write parts separated by dots, such as “I”, “I.2”, “I.2.b”.")],
            id="bad-code",
        ),
        pytest.param(
            [
                ("I", "Nhóm", "", 10, "", ""),
                ("I.1", "Một", "", 10, "", ""),
                ("I.1.a", "a", "", 10, "", ""),
                ("I.1.a.1", "Quá sâu", "", 1, "", ""),
            ],
            [(5, "Row 5: “I.1.a.1” is nested too deeply; a table has groups, criteria and sub-criteria only.")],
            id="too-deep",
        ),
        pytest.param(
            [("I", "x" * 501, "", 10, "", "")],
            [(2, "Row 2: “Tên tiêu chí” is longer than 500 characters.")],
            id="title-too-long",
        ),
        pytest.param(
            [(None, None, None, None, None, None), ("", "  ", None, None, "", "")],
            [(None, "The table is empty: add at least one criterion under the headers.")],
            id="only-blank-rows",
        ),
        pytest.param(
            [],
            [(None, "The table is empty: add at least one criterion under the headers.")],
            id="headers-only",
        ),
    ],
)
def test_bad_rows(rows, expected):
    assert errors_of(xlsx(rows)) == expected


def test_bonus_and_deduction_items_may_add_up_to_more_than_their_group():
    rows = parse_table(
        xlsx(
            [
                ("I", "Thưởng", "", 5, "Điểm thưởng", ""),
                ("I.1", "a", "", 4, "", ""),
                ("I.2", "b", "", 4, "", ""),
                ("II", "Trừ", "", 5, "Điểm trừ", ""),
                ("II.1", "c", "", 5, "", ""),
                ("II.2", "d", "", 5, "", ""),
            ]
        )
    )
    assert [(r.code, r.kind) for r in rows] == [
        ("I", "bonus"),
        ("I.1", "bonus"),
        ("I.2", "bonus"),
        ("II", "deduction"),
        ("II.1", "deduction"),
        ("II.2", "deduction"),
    ]


def test_every_problem_is_reported_at_once_in_row_order():
    data = xlsx(
        [
            ("I", "Nhóm", "", 10, "", ""),
            ("I.1", "", "", "năm", "", ""),
            (None, None, None, None, None, None),
            ("I.2", "Hai", "", -1, "Loại lạ", "có"),
            ("I.3", "Ba", "", 11, "", ""),
            ("I", "Lặp", "", 1, "", ""),
            ("V.1", "Mồ côi", "", 1, "", ""),
        ]
    )

    assert errors_of(data) == [
        (3, "Row 3: “Tên tiêu chí” is empty."),
        (3, "Row 3: “Điểm tối đa” must be a number, not “năm”."),
        (5, "Row 5: “Điểm tối đa” cannot be negative (-1)."),
        (5, "Row 5: “Loại” must be “Tiêu chí”, “Điểm thưởng” or “Điểm trừ”, not “Loại lạ”."),
        (7, "Row 7: the code “I” is already used in row 2."),
        (8, "Row 8: the code “V.1” belongs under “V”, but no row above it has that code."),
    ]


def test_missing_required_columns_are_each_named():
    data = xlsx([("I", "Ghi chú")], ["Tên tiêu chí", "Ghi chú"])

    assert errors_of(data) == [
        (None, "The column “Mã” is missing: the header row must name it."),
        (None, "The column “Điểm tối đa” is missing: the header row must name it."),
    ]


def test_a_column_given_twice_is_refused():
    data = xlsx([("I", "Nhóm", 10, "I")], ["Mã", "Tên tiêu chí", "Điểm tối đa", "MÃ"])

    assert errors_of(data) == [(1, "Row 1: the column “Mã” appears more than once; keep only one.")]


def test_a_sheet_without_headers_names_every_missing_column():
    assert errors_of(xlsx([], [])) == [
        (None, "The column “Mã” is missing: the header row must name it."),
        (None, "The column “Tên tiêu chí” is missing: the header row must name it."),
        (None, "The column “Điểm tối đa” is missing: the header row must name it."),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", "The file is empty.", id="empty-file"),
        pytest.param(
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200,
            "The file is not an Excel workbook (.xlsx); its content was checked, not its name.",
            id="renamed-exe",
        ),
        pytest.param(
            "Mã;Tên tiêu chí;Điểm tối đa\nI;Nhóm;10\n".encode(),
            "The file is not an Excel workbook (.xlsx); its content was checked, not its name.",
            id="renamed-csv",
        ),
        pytest.param(
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200,
            "The file is an old Excel 97-2003 workbook (.xls); save it as .xlsx and try again.",
            id="old-xls",
        ),
    ],
)
def test_files_that_are_not_workbooks(content, message):
    upload = io.BytesIO(content)
    upload.name = "bang-tieu-chi.xlsx"

    assert errors_of(upload) == [(None, message)]


def test_a_word_file_renamed_to_xlsx_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")

    assert errors_of(out) == [
        (None, "The file is not an Excel workbook (.xlsx); its content was checked, not its name.")
    ]


def test_a_damaged_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<not-closed")

    assert errors_of(out) == [(None, "The workbook could not be read; open it in Excel, save it again and try again.")]


def test_the_exception_carries_every_message():
    with translation.override("en"), pytest.raises(TableImportError) as caught:
        parse_table(xlsx([("", "", "", 10, "", "")]))

    assert caught.value.errors == [
        RowError(2, "Row 2: “Mã” is empty."),
        RowError(2, "Row 2: “Tên tiêu chí” is empty."),
    ]
    assert str(caught.value) == "Row 2: “Mã” is empty.\nRow 2: “Tên tiêu chí” is empty."


# --- nothing half-imported ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda: xlsx([("I", "Nhóm", "", 10, "", ""), ("I.1", "Một", "", "nhiều", "", "")]), id="bad-row"),
        pytest.param(lambda: xlsx([("I", "Nhóm", "", 10, "", ""), ("I.1", "Một", "", 11, "", "")]), id="over-max"),
        pytest.param(lambda: io.BytesIO(b"MZ" + b"\x00" * 100), id="renamed-exe"),
        pytest.param(lambda: io.BytesIO(b""), id="empty-file"),
        pytest.param(lambda: xlsx([]), id="empty-table"),
    ],
)
def test_a_failed_import_leaves_the_table_as_it_was(table, bad):
    replace_criteria(table=table, rows=rows_of(SAMPLE))
    before = stored(table)
    ids_before = list(table.criteria.values_list("pk", flat=True))

    with pytest.raises(TableImportError):
        import_file(table, bad())

    assert stored(table) == before
    assert list(table.criteria.values_list("pk", flat=True)) == ids_before


def test_a_good_import_replaces_the_table(table):
    replace_criteria(table=table, rows=rows_of(SAMPLE))

    import_file(table, io.BytesIO(template_workbook()))

    assert [s[:5] for s in stored(table)] == [("I", None, "I", 1, False), ("I.1", "I", "I", 2, True)]


def test_replace_criteria_refuses_rows_out_of_tree_order(table):
    replace_criteria(table=table, rows=rows_of(SAMPLE))
    before = stored(table)

    with pytest.raises(ValueError):
        replace_criteria(table=table, rows=rows_of([SAMPLE[1], SAMPLE[0]]))

    assert stored(table) == before


# --- ranking ----------------------------------------------------------------------------------------------


def test_export_ranking():
    rows = [
        {
            "rank": 1,
            "unit": "Thanh tra tỉnh",
            "self_total": D("96.50"),
            "reviewed_total": D("95.00"),
            "bonus": D("3.00"),
            "deductions": D("0.00"),
            "classification": "Xuất sắc",
        },
        {
            "rank": 2,
            "unit": "Công an tỉnh",
            "self_total": D("90.25"),
            "reviewed_total": D("88.75"),
            "bonus": D("1.00"),
            "deductions": D("2.00"),
            "classification": "Tốt",
        },
    ]

    wb = load_workbook(io.BytesIO(export_ranking(rows, title="BẢNG XẾP HẠNG KHỐI THI ĐUA NỘI CHÍNH NĂM 2020")))
    ws = wb.active

    assert [[c.value for c in row] for row in ws.iter_rows()] == [
        ["BẢNG XẾP HẠNG KHỐI THI ĐUA NỘI CHÍNH NĂM 2020", None, None, None, None, None, None],
        [
            "Hạng",
            "Đơn vị",
            "Tổng điểm tự chấm",
            "Tổng điểm thẩm định",
            "Điểm thưởng",
            "Điểm trừ",
            "Xếp loại",
        ],
        [1, "Thanh tra tỉnh", 96.5, 95, 3, 0, "Xuất sắc"],
        [2, "Công an tỉnh", 90.25, 88.75, 1, 2, "Tốt"],
    ]
    assert ws["A1"].font.bold and all(c.font.bold for c in ws[2])
    assert ws.freeze_panes == "A3"


def test_a_table_with_scores_is_not_replaced_and_stays_whole(table, world):
    replace_criteria(table=table, rows=rows_of(SAMPLE))
    sheet = Sheet.objects.create(year=world.year, unit=world.member_unit)
    Score.objects.create(sheet=sheet, criterion=table.criteria.get(code="I.1"), self_points=D("10"))
    before = stored(table)

    with pytest.raises(ProtectedError):
        import_file(table, io.BytesIO(template_workbook()))

    assert stored(table) == before
