"""Bulk imports from Excel: units and officers of the province, members and rotation of a bloc.

Upload → preview (nothing written but the batch) → confirm (everything in one transaction, or nothing); every
bad input comes back with its sheet, its Excel row number and the reason, and writes nothing.
"""

import io

import pytest
from django.apps import apps
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from blocs.imports import parse, services
from blocs.models import Bloc, ImportBatch, Membership, Person, RotationSlot, Unit
from core.models import AuditLog, OutboxMessage, User
from tests.factories import BlocFactory, ProvinceFactory, UnitFactory, officer_of

UNIT_HEADERS = ["Tên đơn vị", "Tên viết tắt", "Mã", "Cơ quan chủ quản", "E-mail"]
OFFICER_HEADERS = ["Họ và tên", "Tên đăng nhập", "E-mail", "Chức vụ", "Điện thoại", "Mã đơn vị"]
MEMBER_HEADERS = ["Mã đơn vị", "Từ năm", "Đến năm", "Thứ tự luân phiên"]

SO = [
    ("Sở Tư pháp", "STP"),
    ("Sở Nội vụ", "SNV"),
    ("Sở Tài chính", "STC"),
    ("Sở Kế hoạch và Đầu tư", "SKHĐT"),
    ("Sở Giáo dục và Đào tạo", "SGDĐT"),
    ("Sở Y tế", "SYT"),
    ("Sở Xây dựng", "SXD"),
    ("Thanh tra tỉnh", "TTT"),
]


# --- building workbooks ---------------------------------------------------------------------------------------


def workbook(sheets: dict[str, list[list]], *, merges: dict[str, list[str]] | None = None) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        for cells in (merges or {}).get(title, []):
            ws.merge_cells(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def unit_rows(n=8, province="Tuyên Quang"):
    return [
        [f"{name} tỉnh {province}", name, code.lower(), "", f"{code.lower().replace('đ', 'd')}@example.com"]
        for name, code in SO[:n]
    ]


def officer_rows(codes=tuple(code for _name, code in SO), per_unit=2):
    rows = []
    for code in codes:
        for i in range(1, per_unit + 1):
            login = f"cb{i}.{code.lower()}".replace("đ", "d")
            rows.append([f"Cán bộ {i} {code}", login, f"{login}@example.com", "Chuyên viên", "0912345678", code])
    return rows


def people_book(units=None, officers=None, **kwargs) -> bytes:
    sheets = {}
    if units is not None:
        sheets[parse.UNITS_SHEET] = [UNIT_HEADERS, *units]
    if officers is not None:
        sheets[parse.OFFICERS_SHEET] = [OFFICER_HEADERS, *officers]
    return workbook(sheets, **kwargs)


def members_book(rows, **kwargs) -> bytes:
    return workbook({parse.MEMBERS_SHEET: [MEMBER_HEADERS, *rows]}, **kwargs)


def xlsx(data: bytes, name: str = "nhap.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def counts() -> dict[str, int]:
    """Rows per model, but for what signing in writes (the session, the access log)."""
    return {
        m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label not in ("sessions", "axes")
    }


# --- fixtures ---------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    default = {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "default": default}


@pytest.fixture
def board(world, client_as):
    """The board of Tuyên Quang, reading English (the catalog gets these strings later)."""
    User.objects.filter(pk=world.board.pk).update(language="en")
    world.board.refresh_from_db()
    return client_as(world.board)


def upload_people(client, data: bytes, name: str = "nhap.xlsx"):
    return client.post(reverse("imports:people"), {"file": xlsx(data, name)})


def refused(client, data: bytes, *, url=None, name="nhap.xlsx"):
    """Upload a bad file: the upload page again (400) with the list of problems, and nothing written."""
    before = counts()
    response = client.post(url or reverse("imports:people"), {"file": xlsx(data, name)})
    assert response.status_code == 400, response.content.decode()[:2000]
    assert counts() == before
    return response.context["row_errors"]


def messages_of(errors) -> list[tuple[str, int | None, str]]:
    return [(e.sheet, e.row, e.message) for e in errors]


# --- the good path ----------------------------------------------------------------------------------------------


def test_eight_units_and_sixteen_officers_preview_then_confirm(world, board, django_capture_on_commit_callbacks):
    province = world.bloc.province
    units_before = set(Unit.objects.values_list("pk", flat=True))
    people_before = set(Person.objects.values_list("pk", flat=True))
    before = counts()

    response = upload_people(board, people_book(unit_rows(), officer_rows()))

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("imports:batch", args=[batch.pk])
    assert (batch.kind, batch.status, batch.province, batch.uploaded_by) == (
        ImportBatch.Kind.PEOPLE,
        ImportBatch.Status.PREVIEWED,
        province,
        world.board,
    )
    # The preview writes nothing but the batch.
    assert counts() == {**before, "blocs.ImportBatch": 1}

    preview = board.get(response.url)
    assert preview.status_code == 200
    plan = preview.context["plan"]
    assert [u.code for u in plan.units] == [code for _name, code in SO]
    assert [u.row for u in plan.units] == list(range(2, 10))
    assert len(plan.officers) == 16
    assert plan.units[0].parent_body == "UBND TỈNH TUYÊN QUANG"
    page = preview.content.decode()
    assert "Sở Kế hoạch và Đầu tư tỉnh Tuyên Quang" in page and "cb2.skhdt" in page
    assert 'name="invite"' in page and "checked" in page
    assert counts() == {**before, "blocs.ImportBatch": 1}

    with django_capture_on_commit_callbacks(execute=True):
        response = board.post(reverse("imports:batch-confirm", args=[batch.pk]), {"invite": "on"})

    assert response.status_code == 302
    new_units = Unit.objects.exclude(pk__in=units_before)
    assert sorted(new_units.values_list("code", flat=True)) == sorted(code for _name, code in SO)
    assert set(new_units.values_list("province", flat=True)) == {province.pk}
    assert set(new_units.values_list("parent_body", flat=True)) == {province.header_name}
    new_people = Person.objects.exclude(pk__in=people_before).select_related("user", "unit")
    assert len(new_people) == 16
    assert {(p.user.username, p.unit.code) for p in new_people} == {(row[1], row[5]) for row in officer_rows()}
    assert all(not p.user.has_usable_password() for p in new_people)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert batch.imported_at is not None
    assert (batch.summary["units"], batch.summary["officers"], batch.summary["invitations"]) == (8, 16, 16)
    log = AuditLog.objects.get(action="blocs.import.people")
    assert (log.target_id, log.data["units"], log.data["officers"]) == (str(batch.pk), 8, 16)

    # One invitation per new account, through the outbox, mailed after commit.
    addresses = {row[2] for row in officer_rows()}
    assert set(OutboxMessage.objects.values_list("to_email", flat=True)) == addresses
    assert {m.to[0] for m in mail.outbox} == addresses

    result = board.get(response.url)
    assert result.status_code == 200
    page = result.content.decode()
    assert "Sở Tư pháp tỉnh Tuyên Quang" in page and "cb1.stp" in page
    assert f'action="{reverse("accounts:handover")}"' in page
    assert page.count('name="people"') == 16
    assert {p.pk for p in result.context["result"].people} == {p.pk for p in new_people}
    assert result.context["result"].invitations == 16


def test_confirm_twice_creates_once(world, board, django_capture_on_commit_callbacks):
    upload_people(board, people_book(unit_rows(2), officer_rows(["STP", "SNV"], per_unit=1)))
    batch = ImportBatch.objects.get()
    url = reverse("imports:batch-confirm", args=[batch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        board.post(url, {"invite": "on"})
    after_first = counts()

    with django_capture_on_commit_callbacks(execute=True):
        response = board.post(url, {"invite": "on"}, follow=True)

    assert counts() == after_first
    assert "already imported" in response.content.decode()
    assert len(mail.outbox) == 2


def test_without_the_checkbox_no_invitation_is_mailed(world, board, django_capture_on_commit_callbacks):
    upload_people(board, people_book(None, officer_rows([world.member_unit.code], per_unit=3)))
    batch = ImportBatch.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = board.post(reverse("imports:batch-confirm", args=[batch.pk]), {}, follow=True)

    assert Person.objects.filter(unit=world.member_unit).count() == 4  # the world's officer and three new
    assert OutboxMessage.objects.count() == 0 and mail.outbox == []
    assert response.context["result"].invitations == 0


def test_officers_only_into_existing_units_and_units_only(world, board):
    """Either sheet may be absent or empty."""
    upload_people(board, people_book(None, officer_rows([world.member_unit.code], per_unit=1)))
    upload_people(board, people_book(unit_rows(1), []))

    assert ImportBatch.objects.count() == 2
    officers_only, units_only = ImportBatch.objects.order_by("pk")
    assert len(services.batch_plan(officers_only).officers) == 1
    assert [u.code for u in services.batch_plan(units_only).units] == ["STP"]


def test_cancel_marks_the_batch_discarded_and_it_cannot_be_confirmed(world, board):
    upload_people(board, people_book(unit_rows(1)))
    batch = ImportBatch.objects.get()

    response = board.post(reverse("imports:batch-discard", args=[batch.pk]))

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    before = counts()
    board.post(reverse("imports:batch-confirm", args=[batch.pk]))
    assert counts() == before
    assert not Unit.objects.filter(code="STP").exists()


def test_the_database_changed_since_the_preview(world, board):
    upload_people(board, people_book(unit_rows(1), officer_rows(["STP"], per_unit=1)))
    batch = ImportBatch.objects.get()
    UnitFactory(province=world.bloc.province, code="STP", name="Sở Tư pháp (đã có)")
    UnitFactory(province=world.bloc.province, code="X1", name="Sở khác")
    before = counts()

    response = board.post(reverse("imports:batch-confirm", args=[batch.pk]), {"invite": "on"})

    assert response.status_code == 400
    assert counts() == before
    assert ("Đơn vị", 2, "The code “STP” is already used by Sở Tư pháp (đã có).") in messages_of(
        response.context["row_errors"]
    )
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED


def test_title_row_free_column_order_unknown_columns_and_loose_headers(world, board):
    data = workbook(
        {
            "DON VI": [
                ["DANH SÁCH ĐƠN VỊ"],
                [],
                ["Ghi chú", "MÃ", "ten don vi", "Email", "Tên  viết tắt"],
                ["", "stp", "Sở Tư pháp tỉnh Tuyên Quang", "", "Sở Tư pháp"],
            ],
        },
        merges={"DON VI": ["A1:E1"]},
    )

    response = upload_people(board, data)

    assert response.status_code == 302
    plan = services.batch_plan(ImportBatch.objects.get())
    assert [(u.row, u.code, u.name, u.short_name) for u in plan.units] == [
        (4, "STP", "Sở Tư pháp tỉnh Tuyên Quang", "Sở Tư pháp")
    ]


def test_merged_cells_are_empty_cells_not_a_crash(world, board):
    rows = unit_rows(2)
    data = people_book(rows, merges={parse.UNITS_SHEET: ["A2:B2"]})

    errors = refused(board, data)

    # A2:B2 merged: the short name of row 2 reads empty.
    assert messages_of(errors) == [("Đơn vị", 2, "“Tên viết tắt” is empty.")]


# --- every bad input: its message, its row, nothing written --------------------------------------------------


def test_every_bad_row_is_reported_with_its_sheet_and_row(world, board):
    world.member_unit.is_active = False
    world.member_unit.save()
    units = [
        ["Sở Tư pháp tỉnh Tuyên Quang", "Sở Tư pháp", "STP", "", ""],  # 2: fine
        ["", "Sở Nội vụ", "SNV", "", ""],  # 3: no name
        ["Sở Tài chính tỉnh Tuyên Quang", "Sở Tài chính", "stp", "", ""],  # 4: code twice in the file
        ["Sở Y tế tỉnh Tuyên Quang", "Sở Y tế", "SYT", "", "không-phải-email"],  # 5: bad address
        [world.leader_unit.name, "Trùng tên", "TTEN", "", ""],  # 6: name of an existing unit
        ["Sở Xây dựng", "Sở Xây dựng", world.deputy_unit.code.lower(), "", ""],  # 7: code of an existing unit
        ["X" * 201, "Dài", "DAI", "", ""],  # 8: too long
    ]
    officers = [
        ["Nguyễn Văn An", "an.nv", "an@example.com", "", "", "STP"],  # 2: fine
        ["Trần Văn Bình", "binh tv", "binh@example.com", "", "", "STP"],  # 3: bad login
        ["Lê Thị Chi", "an.NV", "chi@example.com", "", "", "STP"],  # 4: login twice in the file
        ["Phạm Văn Dũng", "dung", "AN@example.com", "", "", "STP"],  # 5: address twice in the file
        ["Hoàng Văn Em", "em", "em@example.com", "", "", "KHONGCO"],  # 6: unknown unit
        ["", "giang", "giang@example.com", "", "", "STP"],  # 7: no name
        ["Vũ Văn Hải", "hai", "hai@example.com", "", "", world.member_unit.code],  # 8: inactive unit
        ["Đỗ Thị Lan", "lan", "lan@", "", "", "STP"],  # 9: bad address
    ]

    errors = refused(board, people_book(units, officers))

    assert messages_of(errors) == [
        ("Đơn vị", 3, "“Tên đơn vị” is empty."),
        ("Đơn vị", 4, "The code “STP” is already used in row 2."),
        ("Đơn vị", 5, "“không-phải-email” is not a valid e-mail address."),
        (
            "Đơn vị",
            6,
            f"The province already has a unit named “{world.leader_unit.name}” (code {world.leader_unit.code}).",
        ),
        ("Đơn vị", 7, f"The code “{world.deputy_unit.code}” is already used by {world.deputy_unit.name}."),
        ("Đơn vị", 8, "“Tên đơn vị” is longer than 200 characters."),
        (
            "Cán bộ",
            3,
            "The login “binh tv” may hold only unaccented letters, digits and the signs . @ + _ -, without spaces.",
        ),
        ("Cán bộ", 4, "The login “an.NV” is already used in row 2."),
        ("Cán bộ", 5, "The address AN@example.com is already used in row 2."),
        (
            "Cán bộ",
            6,
            "No unit has the code “KHONGCO”: it is neither in the sheet “Đơn vị” "
            "nor among the active units of the province.",
        ),
        ("Cán bộ", 7, "“Họ và tên” is empty."),
        ("Cán bộ", 8, f"The unit {world.member_unit.name} is inactive."),
        ("Cán bộ", 9, "“lan@” is not a valid e-mail address."),
    ]
    assert not ImportBatch.objects.exists()


def test_login_and_address_taken_in_another_province_say_nothing_of_it(world, board):
    elsewhere = UnitFactory(province=ProvinceFactory(name="Hà Giang", code="HG"), name="Sở Tư pháp tỉnh Hà Giang")
    officer_of(elsewhere, username="an.nv", email="an.nv@hagiang.example.com", full_name="Nguyễn Văn An")
    officers = [
        ["Nguyễn Văn An", "AN.NV", "moi@example.com", "", "", world.member_unit.code],
        ["Nguyễn Văn Ba", "ba.nv", "An.NV@HaGiang.example.com", "", "", world.member_unit.code],
    ]

    errors = refused(board, people_book(None, officers))

    assert messages_of(errors) == [
        ("Cán bộ", 2, "The login “AN.NV” is already taken."),
        ("Cán bộ", 3, "The address An.NV@HaGiang.example.com is already used by another account."),
    ]
    text = " ".join(str(e) for e in errors)
    assert "Hà Giang" not in text and "Sở Tư pháp" not in text and "Nguyễn Văn An" not in text


def test_more_than_two_thousand_rows(world, board):
    rows = [[f"Đơn vị {i}", f"ĐV {i}", f"DV{i}", "", ""] for i in range(2001)]

    errors = refused(board, people_book(rows))

    assert len(errors) == 1
    assert (errors[0].sheet, errors[0].row) == ("Đơn vị", 2002)
    assert "more than 2,000 rows" in errors[0].message


def test_formula_without_a_saved_value(world, board):
    rows = unit_rows(2)
    rows[1][1] = "=A3"  # openpyxl saves the formula without a value, as a program would

    errors = refused(board, people_book(rows))

    assert [(e.sheet, e.row) for e in errors] == [("Đơn vị", 3)]
    assert "formula" in errors[0].message and "“Tên viết tắt”" in errors[0].message


def test_text_that_starts_with_an_equals_sign_is_text(world, board):
    wb = Workbook()
    ws = wb.active
    ws.title = parse.UNITS_SHEET
    ws.append(UNIT_HEADERS)
    ws.append(["=Sở Tư pháp", "Sở Tư pháp", "STP", "", ""])
    ws["A2"].data_type = "s"
    out = io.BytesIO()
    wb.save(out)

    response = upload_people(board, out.getvalue())

    assert response.status_code == 302
    assert services.batch_plan(ImportBatch.objects.get()).units[0].name == "=Sở Tư pháp"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        pytest.param(b"Ten don vi;Ma\nSo Tu phap;STP\n", "don-vi.xlsx", "is not a valid XLSX file", id="csv-renamed"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "don-vi.xls", "old Excel 97-2003", id="xls"),
        pytest.param(b"", "don-vi.xlsx", "is empty", id="empty"),
        pytest.param(b"PK\x03\x04 not really a zip", "don-vi.xlsx", "is not a valid XLSX file", id="fake-zip"),
    ],
)
def test_files_that_are_not_xlsx_are_refused_by_the_form(world, board, data, name, message):
    before = counts()

    response = board.post(reverse("imports:people"), {"file": xlsx(data, name)})

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert counts() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "The file is empty.", id="empty"),
        pytest.param(b"Ten don vi;Ma\nSo Tu phap;STP\n", "The file is not an Excel workbook (.xlsx)", id="csv"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "old Excel 97-2003", id="xls"),
    ],
)
def test_the_service_checks_the_content_too(world, data, message):
    with translation.override("en"), pytest.raises(parse.ImportRefused) as refused_:
        services.people_check(province=world.bloc.province, data=data)

    assert message in refused_.value.errors[0].message


def test_a_damaged_workbook(world, board):
    good = people_book(unit_rows(1))
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = content[: len(content) // 2]  # cut in the middle of the XML
            target.writestr(item, content)

    errors = refused(board, out.getvalue())

    assert [e.message for e in errors] == [
        "The workbook could not be read; open it in Excel, save it again and try again."
    ]


def test_no_sheet_of_either_name_and_both_empty(world, board):
    assert [e.message for e in refused(board, workbook({"Sheet1": [["a", "b"]]}))] == [
        "The workbook has no sheet named “Đơn vị” or “Cán bộ”; start from the template."
    ]
    errors = refused(board, people_book([], []))
    assert len(errors) == 1 and errors[0].message.startswith("The file holds no unit and no officer")


def test_a_missing_required_column(world, board):
    data = workbook({parse.UNITS_SHEET: [["Tên đơn vị", "Mã"], ["Sở Tư pháp tỉnh Tuyên Quang", "STP"]]})

    errors = refused(board, data)

    assert messages_of(errors) == [
        ("Đơn vị", None, "The column “Tên viết tắt” is missing: the header row must name it.")
    ]


def test_the_template_uses_the_viewers_province(world, client_as):
    other = world.other_board
    response = client_as(other).get(reverse("imports:people-template"))

    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames[:3] == ["Đơn vị", "Cán bộ", "Hướng dẫn"]
    units = wb["Đơn vị"]
    assert [c.value for c in units[1]] == UNIT_HEADERS
    assert units["A1"].font.bold and units["A1"].fill.fgColor.rgb.endswith("DDEBF7")
    assert units["A2"].value == "Sở Tư pháp tỉnh Hà Giang"
    assert units["D2"].value == "UBND TỈNH HÀ GIANG"
    assert [c.value for c in wb["Cán bộ"][1]] == OFFICER_HEADERS
    help_text = " ".join(str(c.value) for row in wb["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "Tuyên Quang" not in help_text and "Hà Giang" in help_text
    assert all(name in help_text for name in [*UNIT_HEADERS, *OFFICER_HEADERS])


def test_the_template_filled_in_imports(world, board):
    """The downloaded template, its examples kept, is a valid file."""
    template = board.get(reverse("imports:people-template")).content

    response = upload_people(board, template)

    assert response.status_code == 302
    plan = services.batch_plan(ImportBatch.objects.get())
    assert [u.code for u in plan.units] == ["STP", "SNV"]
    assert [o.data.phone for o in plan.officers] == ["0912345678", ""]


def test_preview_query_count_is_bounded(world, board, django_assert_max_num_queries):
    upload_people(board, people_book(unit_rows(), officer_rows()))
    batch = ImportBatch.objects.get()

    with django_assert_max_num_queries(12):
        response = board.get(reverse("imports:batch", args=[batch.pk]))

    assert response.status_code == 200


# --- members and rotation of a bloc ---------------------------------------------------------------------------


@pytest.fixture
def new_units(world):
    province = world.bloc.province
    return [UnitFactory(province=province, code=code, name=f"{name} tỉnh Tuyên Quang") for name, code in SO[:4]]


def test_members_with_rotation(world, board, new_units):
    bloc = world.bloc
    RotationSlot.objects.create(bloc=bloc, unit=world.leader_unit, position=1)
    url = reverse("imports:members", args=[bloc.slug])
    rows = [
        ["stp", 2021, None, 3],
        ["SNV", 2021, 2023, 1],
        ["STC", "2022", "", 2],
        ["SKHĐT", 2021.0, None, None],
    ]
    before = counts()

    response = board.post(url, {"file": xlsx(members_book(rows))})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert (batch.kind, batch.bloc) == (ImportBatch.Kind.MEMBERS, bloc)
    assert counts() == {**before, "blocs.ImportBatch": 1}
    preview = board.get(response.url)
    assert preview.status_code == 200
    assert [u.code for u in preview.context["plan"].rotation] == ["SNV", "STC", "STP"]
    page = preview.content.decode()
    assert "The current rotation order will be replaced by:" in page

    response = board.post(reverse("imports:batch-confirm", args=[batch.pk]), follow=True)

    assert response.status_code == 200
    added = Membership.objects.filter(bloc=bloc, unit__in=new_units)
    assert sorted((m.unit.code, m.start_year, m.end_year) for m in added) == [
        ("SKHĐT", 2021, None),
        ("SNV", 2021, 2023),
        ("STC", 2022, None),
        ("STP", 2021, None),
    ]
    assert list(bloc.rotation.order_by("position").values_list("unit__code", flat=True)) == ["SNV", "STC", "STP"]
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert (batch.summary["members"], batch.summary["rotation"]) == (4, 3)
    assert AuditLog.objects.filter(action="blocs.import.members", target_id=str(batch.pk)).count() == 1


def test_members_without_rotation_keep_the_rotation_order(world, board, new_units):
    bloc = world.bloc
    RotationSlot.objects.create(bloc=bloc, unit=world.leader_unit, position=1)
    board.post(reverse("imports:members", args=[bloc.slug]), {"file": xlsx(members_book([["STP", 2021]]))})
    batch = ImportBatch.objects.get()

    board.post(reverse("imports:batch-confirm", args=[batch.pk]))

    assert list(bloc.rotation.values_list("unit", flat=True)) == [world.leader_unit.pk]
    assert Membership.objects.filter(bloc=bloc, unit=new_units[0], start_year=2021).exists()


def test_members_bad_rows(world, board, new_units):
    bloc = world.bloc
    other_province_unit = UnitFactory(province=ProvinceFactory(code="HG", name="Hà Giang"), code="HGX")
    rows = [
        ["STP", 2021, None, 1],  # 2: fine
        ["KHONGCO", 2021, None, None],  # 3: unknown code
        [other_province_unit.code, 2021, None, None],  # 4: a unit of another province
        [world.member_unit.code, 2020, None, None],  # 5: member since 2019 already
        ["SNV", 1999, None, None],  # 6: year out of range
        ["STC", 2022, 2021, None],  # 7: ends before it starts
        ["SKHĐT", 2021, None, 1],  # 8: rotation number twice
        ["STP", 2025, None, None],  # 9: overlaps row 2
        ["SNV", 2021, None, 0],  # 10: not a positive number
        ["", 2021, None, None],  # 11: no code
    ]

    errors = refused(board, members_book(rows), url=reverse("imports:members", args=[bloc.slug]))

    assert messages_of(errors) == [
        ("Thành viên", 3, "No unit of the province has the code “KHONGCO”."),
        ("Thành viên", 4, "No unit of the province has the code “HGX”."),
        (
            "Thành viên",
            5,
            f"{world.member_unit.short_name} is already a member of this bloc for 2019–…; the periods overlap.",
        ),
        ("Thành viên", 6, "“Từ năm” must be a year from 2000 to 2100, not “1999”."),
        ("Thành viên", 7, "“Đến năm” (2021) comes before “Từ năm” (2022)."),
        ("Thành viên", 8, "The rotation number 1 is already used in row 2."),
        ("Thành viên", 9, "The period 2025–… of “STP” overlaps the one in row 2."),
        ("Thành viên", 10, "“Thứ tự luân phiên” must be a whole number from 1 up, not “0”."),
        ("Thành viên", 11, "“Mã đơn vị” is empty."),
    ]


def test_membership_add_refusing_at_confirm_becomes_a_row_error(world, board, new_units):
    """The bloc changed between the preview and the confirmation: the service's own check speaks."""
    bloc = world.bloc
    board.post(
        reverse("imports:members", args=[bloc.slug]),
        {"file": xlsx(members_book([["STP", 2021], ["SNV", 2021]]))},
    )
    batch = ImportBatch.objects.get()
    Membership.objects.create(bloc=bloc, unit=new_units[1], start_year=2020)
    before = counts()

    response = board.post(reverse("imports:batch-confirm", args=[batch.pk]))

    assert response.status_code == 400
    assert counts() == before
    assert [(e.sheet, e.row) for e in response.context["row_errors"]] == [("Thành viên", 3)]


def test_members_template(world, board, new_units):
    response = board.get(reverse("imports:members-template", args=[world.bloc.slug]))

    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["Thành viên"]
    assert [c.value for c in ws[1]] == MEMBER_HEADERS
    codes = {row[0] for row in wb[parse.CODES_SHEET].iter_rows(min_row=2, values_only=True)}
    assert {u.code for u in new_units} <= codes
    assert ws["A2"].value in codes


def test_members_import_of_another_provinces_bloc_is_not_found(world, client_as):
    bloc = BlocFactory(province=ProvinceFactory(name="Hà Giang", code="HG"))
    before = counts()

    response = client_as(world.board).post(
        reverse("imports:members", args=[bloc.slug]), {"file": xlsx(members_book([["STP", 2021]]))}
    )

    assert response.status_code == 404  # the board may not know another province's bloc exists
    assert counts() == before
    assert Bloc.objects.filter(pk=bloc.pk).exists()


def test_another_provinces_batch_is_not_found_and_nothing_is_created(world, client_as):
    upload_people(client_as(world.board), people_book(unit_rows(1)))
    batch = ImportBatch.objects.get()
    before = counts()

    other = client_as(world.other_board)
    assert other.get(reverse("imports:batch", args=[batch.pk])).status_code == 404
    assert other.post(reverse("imports:batch-confirm", args=[batch.pk])).status_code == 404
    assert other.post(reverse("imports:batch-discard", args=[batch.pk])).status_code == 404

    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
