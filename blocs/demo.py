"""Demo data of the blocs app: Tuyên Quang's internal-affairs bloc as the 2020 plan describes it.

Idempotent: every record is found by its natural key and brought to the same state on each run.
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .enums import Audience, DeadlineKind, LeaderSource, Phase
from .models import (
    Bloc,
    Deadline,
    EmulationYear,
    LeaderTerm,
    Membership,
    Person,
    Province,
    RotationSlot,
    Unit,
)

DEMO_PASSWORD = "Demo@2020"


@dataclass(frozen=True)
class DemoUnit:
    username: str
    name: str
    short_name: str
    code: str
    parent_body: str
    officer: str
    position: str


PROVINCE = ("Tuyên Quang", "TQ")

# In the bloc's rotation order: Thanh tra tỉnh leads 2020, Công an tỉnh 2021 (Kế hoạch 53/KH-KTĐNC).
NOI_CHINH = [
    DemoUnit(
        "thanhtra",
        "Thanh tra tỉnh Tuyên Quang",
        "Thanh tra tỉnh",
        "TTr",
        "UBND TỈNH TUYÊN QUANG",
        "Nguyễn Thị Thu Hà",
        "Chánh Văn phòng",
    ),
    DemoUnit(
        "congan",
        "Công an tỉnh Tuyên Quang",
        "Công an tỉnh",
        "CAT",
        "BỘ CÔNG AN",
        "Hoàng Văn Nam",
        "Phó Trưởng phòng Tham mưu",
    ),
    DemoUnit(
        "toaan",
        "Tòa án nhân dân tỉnh Tuyên Quang",
        "Tòa án nhân dân tỉnh",
        "TA",
        "TÒA ÁN NHÂN DÂN TỐI CAO",
        "Lê Minh Tuấn",
        "Chánh Văn phòng",
    ),
    DemoUnit(
        "vienkiemsat",
        "Viện Kiểm sát nhân dân tỉnh Tuyên Quang",
        "Viện Kiểm sát nhân dân tỉnh",
        "VKS",
        "VIỆN KIỂM SÁT NHÂN DÂN TỐI CAO",
        "Phạm Thị Lan",
        "Chánh Văn phòng",
    ),
    DemoUnit(
        "tuphap",
        "Sở Tư pháp tỉnh Tuyên Quang",
        "Sở Tư pháp",
        "STP",
        "UBND TỈNH TUYÊN QUANG",
        "Đỗ Văn Hùng",
        "Chánh Văn phòng",
    ),
    DemoUnit(
        "thads",
        "Cục Thi hành án dân sự tỉnh Tuyên Quang",
        "Cục Thi hành án dân sự",
        "CTHADS",
        "TỔNG CỤC THI HÀNH ÁN DÂN SỰ",
        "Trần Thị Mai",
        "Chánh Văn phòng",
    ),
    DemoUnit(
        "quansu",
        "Bộ Chỉ huy Quân sự tỉnh Tuyên Quang",
        "Bộ Chỉ huy Quân sự tỉnh",
        "BCHQS",
        "QUÂN KHU 2",
        "Vũ Quang Huy",
        "Trợ lý Tuyên huấn",
    ),
    DemoUnit(
        "noichinh",
        "Ban Nội chính Tỉnh ủy Tuyên Quang",
        "Ban Nội chính Tỉnh ủy",
        "BNCTU",
        "TỈNH ỦY TUYÊN QUANG",
        "Ngô Thị Hồng",
        "Chuyên viên",
    ),
]

VAN_HOA_XA_HOI = [
    DemoUnit(
        "yte",
        "Sở Y tế tỉnh Tuyên Quang",
        "Sở Y tế",
        "SYT",
        "UBND TỈNH TUYÊN QUANG",
        "Bùi Thị Ngọc",
        "Chuyên viên Văn phòng",
    ),
    DemoUnit(
        "giaoduc",
        "Sở Giáo dục và Đào tạo tỉnh Tuyên Quang",
        "Sở Giáo dục và Đào tạo",
        "SGDĐT",
        "UBND TỈNH TUYÊN QUANG",
        "Đặng Văn Long",
        "Chuyên viên Văn phòng",
    ),
    DemoUnit(
        "vanhoa",
        "Sở Văn hóa, Thể thao và Du lịch tỉnh Tuyên Quang",
        "Sở Văn hóa, Thể thao và Du lịch",
        "SVHTTDL",
        "UBND TỈNH TUYÊN QUANG",
        "Hà Thị Thanh",
        "Chuyên viên Văn phòng",
    ),
    DemoUnit(
        "laodong",
        "Sở Lao động - Thương binh và Xã hội tỉnh Tuyên Quang",
        "Sở Lao động - TB&XH",
        "SLĐTBXH",
        "UBND TỈNH TUYÊN QUANG",
        "Lương Văn Sơn",
        "Chuyên viên Văn phòng",
    ),
    DemoUnit(
        "dai",
        "Đài Phát thanh và Truyền hình tỉnh Tuyên Quang",
        "Đài PT-TH tỉnh",
        "PTTH",
        "UBND TỈNH TUYÊN QUANG",
        "Triệu Thị Hoa",
        "Chuyên viên",
    ),
    DemoUnit(
        "baotq",
        "Báo Tuyên Quang",
        "Báo Tuyên Quang",
        "BTQ",
        "TỈNH ỦY TUYÊN QUANG",
        "Nông Văn Thắng",
        "Thư ký tòa soạn",
    ),
]

BOARD_USER = ("bantdkt", "Phan Thị Quỳnh", "Chuyên viên Ban Thi đua - Khen thưởng, Sở Nội vụ")


def _local(year, month, day, hour=0, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


def _user(username: str, full_name: str, *, email: str, **flags):
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.full_name = full_name
    user.email = email
    for key, value in flags.items():
        setattr(user, key, value)
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _units(province: Province, demo_units: list[DemoUnit]) -> list[Unit]:
    units = []
    for d in demo_units:
        unit, _ = Unit.objects.update_or_create(
            province=province,
            code=d.code,
            defaults={
                "name": d.name,
                "short_name": d.short_name,
                "parent_body": d.parent_body,
                "email": f"{d.username}@tuyenquang.gov.vn",
            },
        )
        user = _user(d.username, d.officer, email=f"{d.username}@tuyenquang.gov.vn")
        Person.objects.update_or_create(
            user=user, defaults={"unit": unit, "board_province": None, "position": d.position}
        )
        units.append(unit)
    return units


def _bloc(province, *, code, slug, name, short_name, regulation, units, since):
    bloc, _ = Bloc.objects.update_or_create(
        province=province,
        code=code,
        defaults={"slug": slug, "name": name, "short_name": short_name, **regulation},
    )
    for unit in units:
        Membership.objects.get_or_create(bloc=bloc, unit=unit, start_year=since)
    RotationSlot.objects.filter(bloc=bloc).delete()
    RotationSlot.objects.bulk_create(RotationSlot(bloc=bloc, unit=u, position=i) for i, u in enumerate(units, 1))
    return bloc


def _year(bloc, year, leader, deputy, phase, source=LeaderSource.SETUP):
    emulation_year, _ = EmulationYear.objects.update_or_create(
        bloc=bloc, year=year, defaults={"leader": leader, "deputy": deputy, "phase": phase}
    )
    LeaderTerm.objects.get_or_create(bloc=bloc, year=year, leader=leader, deputy=deputy, defaults={"source": source})
    return emulation_year


def calendar_2020() -> list[dict]:
    """The 2020 calendar of Kế hoạch 53/KH-KTĐNC, section III."""
    return [
        {
            "kind": DeadlineKind.YEAR_REPORT,
            "title": "Báo cáo tổng kết công tác thi đua, khen thưởng năm 2020, phương hướng nhiệm vụ năm 2021",
            "audience": Audience.MEMBERS,
            "opens_at": _local(2020, 9, 28),
            "due_at": _local(2020, 10, 19, 23, 59),
            "description": "Gửi đơn vị Trưởng khối trước ngày 20/10/2020.",
        },
        {
            "kind": DeadlineKind.SUMMARY_REPORT,
            "title": "Báo cáo tóm tắt năm 2020 (dài không quá 1,5 trang A4)",
            "audience": Audience.MEMBERS,
            "opens_at": _local(2020, 9, 28),
            "due_at": _local(2020, 10, 19, 23, 59),
            "description": "Gửi đơn vị Trưởng khối trước ngày 20/10/2020.",
        },
        {
            "kind": DeadlineKind.SELF_ASSESSMENT,
            "title": "Tự chấm điểm các tiêu chí thi đua năm 2020",
            "audience": Audience.MEMBERS,
            "opens_at": _local(2020, 9, 28),
            "due_at": _local(2020, 10, 19, 23, 59),
            "description": "Gửi đơn vị Trưởng khối trước ngày 20/10/2020.",
        },
        {
            "kind": DeadlineKind.COMPILE,
            "title": "Tổng hợp báo cáo tổng kết, kết quả chấm điểm công tác thi đua, khen thưởng năm 2020 của Khối",
            "audience": Audience.LEADER,
            "opens_at": _local(2020, 10, 20),
            "due_at": _local(2020, 10, 24, 23, 59),
            "description": "Xong trước ngày 25/10/2020.",
        },
        {
            "kind": DeadlineKind.LAUNCH_PLAN,
            "title": "Kế hoạch phát động phong trào thi đua và Bản đăng ký giao ước thi đua năm 2021 của Khối",
            "audience": Audience.NEXT_LEADER,
            "opens_at": _local(2020, 9, 28),
            "due_at": _local(2020, 10, 24, 23, 59),
            "description": "Đơn vị được đề xuất Trưởng Khối năm 2021 thực hiện, xong trước ngày 25/10/2020.",
        },
        {
            "kind": DeadlineKind.COMMENT_ROUND,
            "title": "Tham gia ý kiến dự thảo báo cáo tổng kết năm 2020 của Khối",
            "audience": Audience.MEMBERS,
            "opens_at": _local(2020, 10, 25),
            "due_at": _local(2020, 10, 31, 23, 59),
            "description": "Từ ngày 25/10/2020 đến 31/10/2020.",
        },
        {
            "kind": DeadlineKind.CONFERENCE,
            "title": "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020",
            "audience": Audience.MEMBERS,
            "opens_at": None,
            "due_at": _local(2020, 11, 5, 14, 30),
            "description": "14h30 ngày 05/11/2020 (Thứ năm), Hội trường tầng III - Thanh tra tỉnh.",
        },
    ]


@transaction.atomic
def seed() -> dict:
    province, _ = Province.objects.update_or_create(code=PROVINCE[1], defaults={"name": PROVINCE[0]})

    noi_chinh_units = _units(province, NOI_CHINH)
    noi_chinh = _bloc(
        province,
        code="KTĐNC",
        slug="ktdnc",
        name="Khối thi đua Nội chính tỉnh Tuyên Quang",
        short_name="Khối Nội chính",
        regulation={
            "regulation_title": "Quy chế tổ chức và hoạt động của Khối thi đua Nội chính tỉnh Tuyên Quang",
            "regulation_number": "108",
            "regulation_date": datetime.date(2019, 5, 13),
            "regulation_issuer": "Khối thi đua Nội chính",
        },
        units=noi_chinh_units,
        since=2019,
    )
    by_code = {u.code: u for u in noi_chinh_units}
    _year(noi_chinh, 2019, by_code["BNCTU"], by_code["TTr"], Phase.CLOSED)
    year_2020 = _year(noi_chinh, 2020, by_code["TTr"], by_code["CAT"], Phase.SELF_ASSESSMENT)
    for item in calendar_2020():
        Deadline.objects.update_or_create(year=year_2020, kind=item["kind"], defaults=item)

    vhxh_units = _units(province, VAN_HOA_XA_HOI)
    vhxh = _bloc(
        province,
        code="KTĐVHXH",
        slug="ktdvhxh",
        name="Khối thi đua Văn hóa - Xã hội tỉnh Tuyên Quang",
        short_name="Khối Văn hóa - Xã hội",
        regulation={
            "regulation_title": "Quy chế tổ chức và hoạt động của Khối thi đua Văn hóa - Xã hội tỉnh Tuyên Quang",
            "regulation_number": "02/QC-KTĐVHXH",
            "regulation_date": datetime.date(2019, 3, 15),
            "regulation_issuer": "Khối thi đua Văn hóa - Xã hội",
        },
        units=vhxh_units,
        since=2019,
    )
    vh_by_code = {u.code: u for u in vhxh_units}
    vhxh_2020 = _year(vhxh, 2020, vh_by_code["SYT"], vh_by_code["SGDĐT"], Phase.IN_PROGRESS)
    for item in calendar_2020()[:3]:
        Deadline.objects.update_or_create(year=vhxh_2020, kind=item["kind"], defaults=item)

    board = _user(BOARD_USER[0], BOARD_USER[1], email="bantdkt@tuyenquang.gov.vn")
    Person.objects.update_or_create(
        user=board, defaults={"unit": None, "board_province": province, "position": BOARD_USER[2]}
    )
    _user("admin", "Quản trị hệ thống", email="admin@localhost", is_staff=True, is_superuser=True)

    return {
        "province": province,
        "blocs": [noi_chinh, vhxh],
        "logins": [
            ("admin", "Quản trị hệ thống (Django admin)"),
            (BOARD_USER[0], f"{BOARD_USER[1]} – Ban Thi đua - Khen thưởng tỉnh"),
            *[(d.username, f"{d.officer} – {d.name}") for d in NOI_CHINH],
            *[(d.username, f"{d.officer} – {d.name}") for d in VAN_HOA_XA_HOI],
        ],
    }
