"""Demo data of the scoring app: a realistic 100-point table for the internal-affairs bloc (brief §3)
and the 2020 sheets, submitted, reviewed, finalized and published through the real services; for the live demo's
current year, the sheets begun or sent by the day the demo is built. Every recorded time is the event's own
(2020's in 2020), not the day the demo is built."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from blocs import demo as blocs_demo
from blocs.models import EmulationYear, Person, Unit

from . import excel, services
from .enums import CriterionKind, ScoreField, SheetStatus
from .models import CriteriaTable, Evidence, ScoreChange, Sheet

S, B, D = CriterionKind.STANDARD, CriterionKind.BONUS, CriterionKind.DEDUCTION

# (code, title, guidance, max points, kind, evidence required)
TABLE_NOI_CHINH = [
    ("I", "THỰC HIỆN NHIỆM VỤ CHÍNH TRỊ, CHUYÊN MÔN ĐƯỢC GIAO", "", 60, S, False),
    (
        "I.1",
        "Hoàn thành các chỉ tiêu, nhiệm vụ chuyên môn trọng tâm được giao trong năm",
        "Báo cáo kết quả thực hiện chỉ tiêu; chấm theo tỷ lệ hoàn thành.",
        20,
        S,
        True,
    ),
    (
        "I.2",
        "Thực hiện các nhiệm vụ đột xuất do Tỉnh ủy, Ủy ban nhân dân tỉnh giao",
        "Văn bản giao nhiệm vụ và báo cáo kết quả.",
        10,
        S,
        False,
    ),
    (
        "I.3",
        "Phối hợp giữa các cơ quan trong Khối trong đấu tranh phòng, chống tội phạm, vi phạm pháp luật",
        "Quy chế phối hợp, biên bản, kết quả phối hợp.",
        8,
        S,
        False,
    ),
    ("I.4", "Cải cách tư pháp, cải cách hành chính", "", 8, S, False),
    (
        "I.4.a",
        "Ứng dụng công nghệ thông tin, dịch vụ công trực tuyến",
        "Tỷ lệ hồ sơ trực tuyến, văn bản điện tử.",
        4,
        S,
        False,
    ),
    (
        "I.4.b",
        "Giải quyết hồ sơ, công việc đúng hạn; công khai thủ tục",
        "Tỷ lệ hồ sơ giải quyết đúng hạn.",
        4,
        S,
        False,
    ),
    (
        "I.5",
        "Tiếp công dân, giải quyết khiếu nại, tố cáo thuộc thẩm quyền",
        "Số vụ việc, tỷ lệ giải quyết đúng hạn.",
        8,
        S,
        True,
    ),
    ("I.6", "Phổ biến, giáo dục pháp luật cho cán bộ và nhân dân", "", 6, S, False),
    ("II", "XÂY DỰNG ĐẢNG, ĐOÀN THỂ; PHÒNG, CHỐNG THAM NHŨNG, LÃNG PHÍ", "", 20, S, False),
    (
        "II.1",
        "Tổ chức Đảng được xếp loại “Hoàn thành tốt nhiệm vụ” trở lên",
        "Quyết định xếp loại của cấp ủy cấp trên.",
        5,
        S,
        True,
    ),
    ("II.2", "Công đoàn, Đoàn Thanh niên, Hội Cựu chiến binh vững mạnh", "", 4, S, False),
    ("II.3", "Thực hành tiết kiệm, chống lãng phí; quản lý tài chính, tài sản công đúng quy định", "", 4, S, False),
    ("II.4", "Phòng, chống tham nhũng, tiêu cực; kê khai tài sản, thu nhập đúng quy định", "", 4, S, False),
    ("II.5", "Nội bộ đoàn kết; không có cán bộ bị kỷ luật từ khiển trách trở lên", "", 3, S, False),
    ("III", "CÔNG TÁC THI ĐUA, KHEN THƯỞNG VÀ HOẠT ĐỘNG CỦA KHỐI", "", 20, S, False),
    (
        "III.1",
        "Ban hành kế hoạch, phát động phong trào thi đua; đăng ký, ký kết giao ước thi đua",
        "Kế hoạch, bản đăng ký thi đua.",
        4,
        S,
        True,
    ),
    ("III.2", "Sơ kết, tổng kết; phát hiện, bồi dưỡng, nhân rộng điển hình tiên tiến", "", 4, S, False),
    ("III.3", "Gửi báo cáo, bảng tự chấm điểm đúng thời hạn, đủ nội dung", "", 4, S, False),
    ("III.4", "Tham gia đầy đủ các hội nghị, hoạt động chung của Khối", "", 4, S, False),
    ("III.5", "Tham gia hoạt động văn hóa, thể thao, từ thiện, an sinh xã hội do Khối tổ chức", "", 4, S, False),
    ("IV", "ĐIỂM THƯỞNG", "Tối đa 5 điểm.", 5, B, False),
    (
        "IV.1",
        "Được tặng Cờ thi đua, Bằng khen của Bộ, ngành Trung ương hoặc Ủy ban nhân dân tỉnh trong năm",
        "Quyết định khen thưởng.",
        2,
        B,
        True,
    ),
    ("IV.2", "Có mô hình, sáng kiến, giải pháp mới được cấp có thẩm quyền công nhận", "", 2, B, True),
    ("IV.3", "Được ngành dọc xếp hạng nhất hoặc dẫn đầu toàn ngành", "", 1, B, False),
    ("V", "ĐIỂM TRỪ", "Tối đa 10 điểm.", 10, D, False),
    ("V.1", "Nộp báo cáo chậm so với thời hạn (trừ 1 điểm/báo cáo)", "", 3, D, False),
    ("V.2", "Vắng mặt không lý do tại hội nghị, hoạt động của Khối (trừ 2 điểm/lần)", "", 4, D, False),
    ("V.3", "Có cán bộ, công chức bị kỷ luật (trừ 2 điểm/trường hợp)", "", 4, D, False),
    ("V.4", "Bị cấp có thẩm quyền kết luận có vi phạm qua thanh tra, kiểm tra, kiểm toán", "", 3, D, False),
]

# Self points per unit code, by leaf in table order (I.1 … V.4).
LEAVES = [c[0] for c in TABLE_NOI_CHINH if c[0] not in {"I", "I.4", "II", "III", "IV", "V"}]
SELF_2020 = {
    #        I.1   I.2  I.3  4a   4b   I.5  I.6 | II.1..II.5          | III.1..III.5          | IV.1..3  | V.1..4
    "TTr": [18, 9, 7, 3.5, 3.5, 7, 5.5, 5, 4, 3.5, 4, 3, 4, 4, 4, 4, 3.5, 2, 0, 0, 0, 0, 0, 0],
    "CAT": [18.5, 9.5, 7.5, 3.5, 3.5, 7.5, 5.5, 5, 4, 3.5, 4, 3, 4, 3.5, 4, 4, 3.5, 2, 1, 0, 0, 0, 0, 0],
    "VKS": [18, 9, 7.5, 3.5, 3.5, 7, 5, 5, 4, 3.5, 3.5, 3, 4, 3.5, 4, 4, 3.5, 2, 0, 0, 0, 0, 0, 0],
    "BCHQS": [18.5, 9.5, 7, 3.5, 3.5, 6.5, 5, 5, 4, 3.5, 3.5, 3, 4, 3.5, 3.5, 4, 4, 1, 0, 0, 0, 0, 0, 0],
    "STP": [17.5, 9, 7, 3.5, 3.5, 7, 5.5, 5, 4, 3.5, 3.5, 3, 4, 3.5, 3.5, 4, 3.5, 1, 0, 0, 0, 0, 0, 0],
    "TA": [17, 8.5, 7, 3.5, 3, 6.5, 5, 5, 3.5, 3.5, 3.5, 3, 4, 3.5, 3.5, 4, 3, 1, 0, 0, 0, 0, 0, 0],
    "CTHADS": [16.5, 8.5, 6.5, 3, 3, 6.5, 5, 5, 3.5, 3.5, 3.5, 3, 3.5, 3.5, 3.5, 4, 3.5, 0, 0, 0, 0, 2, 0, 0],
    "BNCTU": [16, 8, 6.5, 3, 3, 6, 5, 5, 3.5, 3, 3.5, 3, 3.5, 3, 3, 3.5, 3.5, 0, 0, 0, 1, 0, 0, 0],
}
# The reviewer's corrections: (unit code, criterion code, reviewed points, reason). After them Bộ Chỉ huy
# Quân sự and Sở Tư pháp tie at 91,5 points; Quân sự ranks higher on group I (the bloc's tie-break).
REVIEW_2020 = [
    ("CAT", "I.1", 17.5, "Còn 01 chỉ tiêu về tỷ lệ điều tra, khám phá án chưa đạt kế hoạch."),
    ("VKS", "III.3", 3, "Báo cáo 6 tháng gửi chậm 02 ngày."),
    ("BCHQS", "V.1", 1, "Báo cáo sơ kết 6 tháng gửi chậm so với thời hạn."),
    ("TTr", "I.5", 6.5, "Còn 01 vụ việc khiếu nại giải quyết quá hạn (Phó Trưởng khối thẩm định)."),
]
SUBMITTED_2020 = datetime.datetime(2020, 10, 16, 9, 0)
LATE_UNIT = "BNCTU"  # sent on 21/10/2020, after the deadline: accepted and marked late
REVIEWED_2020 = datetime.datetime(2020, 10, 22, 10, 0)


def _table_rows(spec) -> list:
    return [
        excel.CriterionRow(row=i, code=c, title=t, guidance=g, max_points=Decimal(str(m)), kind=k, evidence_required=e)
        for i, (c, t, g, m, k, e) in enumerate(spec, start=2)
    ]


def tiny_pdf(text: str) -> bytes:
    """A small valid one-page A4 PDF, so demo evidence opens in any viewer (ASCII text only)."""
    safe = text.encode("ascii", "replace").decode().replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 72 770 Td ({safe}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _officer(unit):
    return Person.objects.filter(unit=unit).select_related("user").first().user


@transaction.atomic
def seed() -> None:
    year = EmulationYear.objects.select_related("bloc", "leader", "deputy").get(bloc__slug="ktdnc", year=2020)
    table, _created = CriteriaTable.objects.get_or_create(year=year)
    if not table.criteria.exists():
        excel.replace_criteria(table=table, rows=_table_rows(TABLE_NOI_CHINH))
    if not Sheet.objects.filter(year=year).exists():
        _sheets_2020(year, table)
    # The second bloc's 2020 table, copied from the same model and left open for self-assessment.
    other = EmulationYear.objects.filter(bloc__slug="ktdvhxh", year=2020).first()
    if other is not None:
        other_table, _created = CriteriaTable.objects.get_or_create(year=other)
        if not other_table.criteria.exists():
            excel.replace_criteria(table=other_table, rows=_table_rows(TABLE_NOI_CHINH))


def _sheets_2020(year: EmulationYear, table: CriteriaTable) -> None:
    leaves = {c.code: c for c in table.criteria.filter(is_leaf=True)}
    tz = timezone.get_current_timezone()
    leader_user = _officer(year.leader)
    deputy_user = _officer(year.deputy)
    sheets = {}
    for unit in Unit.objects.filter(memberships__bloc=year.bloc).order_by("name"):
        officer = _officer(unit)
        sheet = services.sheet_for(year=year, unit=unit)
        entries = {
            leaves[code].pk: services.Entry(points=Decimal(str(p)), text="Theo báo cáo tổng kết năm 2020 của đơn vị.")
            for code, p in zip(LEAVES, SELF_2020[unit.code], strict=True)
        }
        files = {
            c.pk: [
                SimpleUploadedFile(
                    f"minh-chung-{c.code.replace('.', '-')}-{unit.code.lower()}.pdf",
                    tiny_pdf(f"Minh chung {c.code} - {unit.code} - 2020"),
                    content_type="application/pdf",
                )
            ]
            for c in leaves.values()
            if c.evidence_required and entries[c.pk].points
        }
        services.sheet_save(sheet=sheet, entries=entries, files=files, expected_version=None, by=officer)
        when = SUBMITTED_2020 if unit.code != LATE_UNIT else datetime.datetime(2020, 10, 21, 15, 30)
        services.sheet_submit(sheet=sheet, expected_version=None, by=officer, at=timezone.make_aware(when, tz))
        _dated(sheet, timezone.make_aware(when, tz) - datetime.timedelta(hours=2))
        sheets[unit.code] = sheet
    for code, criterion_code, points, reason in REVIEW_2020:
        sheet = sheets[code]
        reviewer = deputy_user if sheet.unit_id == year.leader_id else leader_user
        services.sheet_review(
            sheet=sheet,
            entries={leaves[criterion_code].pk: services.Entry(points=Decimal(str(points)), text=reason)},
            expected_version=None,
            by=reviewer,
        )
    ScoreChange.objects.filter(score__sheet__year=year, field=ScoreField.REVIEWED).update(
        changed_at=timezone.make_aware(REVIEWED_2020, tz)
    )
    finalize_at = timezone.make_aware(datetime.datetime(2020, 10, 24, 16, 0), tz)
    for sheet in sheets.values():
        sheet.refresh_from_db()
        reviewer = deputy_user if sheet.unit_id == year.leader_id else leader_user
        services.sheet_finalize(sheet=sheet, by=reviewer, at=finalize_at)
    services.ranking_publish(year=year, by=leader_user, at=finalize_at + datetime.timedelta(hours=1))
    assert Sheet.objects.filter(year=year, status=SheetStatus.FINAL).count() == len(sheets)


def _dated(sheet: Sheet, when: datetime.datetime) -> None:
    """The unit's points and evidence as recorded at `when` (the services stamp them with the time they run)."""
    ScoreChange.objects.filter(score__sheet=sheet, field=ScoreField.SELF).update(changed_at=when)
    Evidence.objects.filter(score__sheet=sheet).update(uploaded_at=when)


# --- the live demo's current year ----------------------------------------------------------------------------------

DRAFT_LEAVES = 10  # a sheet begun: the first criteria scored


def _points_of(unit: Unit) -> list:
    return SELF_2020.get(unit.code, SELF_2020["STP"])


@transaction.atomic
def seed_current(year: EmulationYear, today: datetime.date) -> None:
    """The current year's sheets on `today` (self-assessment due in a few days): one unit has sent its sheet, a
    few have begun theirs (blocs.demo.cast_for says which), through the sheet's services. The year's criteria
    table is the one copied when the year opened."""
    table = services.table_for(year)
    if not table.criteria.exists():
        excel.replace_criteria(table=table, rows=_table_rows(TABLE_NOI_CHINH))
    if Sheet.objects.filter(year=year).exists():
        return
    cast = blocs_demo.cast_for(year)
    leaves = {c.code: c for c in table.criteria.filter(is_leaf=True)}
    y = year.year
    for unit, count, days in [
        (cast.sheet_sent, len(LEAVES), -1),
        *[(unit, DRAFT_LEAVES, -2) for unit in cast.sheet_drafts],
    ]:
        officer = blocs_demo.officer(unit)
        scored = [(code, p) for code, p in zip(LEAVES, _points_of(unit), strict=True) if code in leaves][:count]
        entries = {
            leaves[code].pk: services.Entry(points=Decimal(str(p)), text=f"Theo báo cáo tổng kết năm {y} của đơn vị.")
            for code, p in scored
        }
        files = {
            leaves[code].pk: [
                SimpleUploadedFile(
                    f"minh-chung-{code.replace('.', '-')}-{unit.code.lower()}-{y}.pdf",
                    tiny_pdf(f"Minh chung {code} - {unit.code} - {y}"),
                    content_type="application/pdf",
                )
            ]
            for code, p in scored
            if leaves[code].evidence_required and p
        }
        sheet = services.sheet_for(year=year, unit=unit)
        services.sheet_save(sheet=sheet, entries=entries, files=files, expected_version=None, by=officer)
        sent_at = blocs_demo.at(blocs_demo.days_from(today, days), datetime.time(10, 0))
        if unit == cast.sheet_sent:
            services.sheet_submit(sheet=sheet, expected_version=None, by=officer, at=sent_at)
        _dated(sheet, sent_at - datetime.timedelta(hours=1))
