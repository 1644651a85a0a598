"""Demo data of the blocs app: Tuyên Quang's internal-affairs bloc as the 2020 plan describes it, and (for the live
demo, tools/demo.py) the years after it: summarised years opened and closed by the rotation, and the current year's
calendar around the day the demo is built.

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
from .selectors import members_in_year
from .services import deadline_save, year_open_next, year_update

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


def _year(bloc, year, leader, deputy, phase, source=LeaderSource.SETUP, *, keep_closed=False):
    values = {"leader": leader, "deputy": deputy, "phase": phase}
    if keep_closed and EmulationYear.objects.filter(bloc=bloc, year=year, phase=Phase.CLOSED).exists():
        del values["phase"]  # the live demo closed it as history: a second run leaves it closed
    emulation_year, _ = EmulationYear.objects.update_or_create(bloc=bloc, year=year, defaults=values)
    LeaderTerm.objects.get_or_create(bloc=bloc, year=year, leader=leader, deputy=deputy, defaults={"source": source})
    LeaderTerm.objects.filter(bloc=bloc, year=year, leader=leader, deputy=deputy).update(
        recorded_at=term_recorded_at(bloc, year)
    )
    return emulation_year


def term_recorded_at(bloc: Bloc, year: int) -> datetime.datetime:
    """When the demo's history records a year's leaders: at the previous year's conference (05/11, as in Plan 53),
    or when the bloc's regulation was issued if the bloc did not exist yet."""
    moment = _local(year - 1, 11, 5, 17, 0)
    if bloc.regulation_date and moment.date() < bloc.regulation_date:
        moment = _local(bloc.regulation_date.year, bloc.regulation_date.month, bloc.regulation_date.day, 9, 0)
    return moment


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
def seed(*, keep_closed: bool = False) -> dict:
    """The province, its units and officers, both blocs and their 2019–2020 years. `keep_closed`: a year the live
    demo has closed as history stays closed (otherwise each year is brought back to its 2020 phase)."""
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
    year_2020 = _year(noi_chinh, 2020, by_code["TTr"], by_code["CAT"], Phase.SELF_ASSESSMENT, keep_closed=keep_closed)
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
    vhxh_2020 = _year(vhxh, 2020, vh_by_code["SYT"], vh_by_code["SGDĐT"], Phase.IN_PROGRESS, keep_closed=keep_closed)
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


# --- the live demo (tools/demo.py): the years after the 2020 history, and the current year -----------------------

# The current year's calendar, in days from the day the demo is built: Plan 53's year-end cycle (reports and
# self-scores, the leader's compilation, comments, the conference) compressed around that day, so that a visitor
# always finds deadlines passed and answered, others due within days, and the comment round and conference ahead.
OPENS_DAYS = -30
YEAR_REPORT_DUE_DAYS = -3
SUMMARY_DUE_DAYS = 2
SHEET_DUE_DAYS = 4
COMPILE_DAYS = (5, 8)
COMMENT_DAYS = (9, 15)
CONFERENCE_DAYS = 20  # moved on to the Monday when it falls on a weekend
CONFERENCE_TIME = datetime.time(14, 30)
WEEKDAYS = ["Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật"]


def at(day: datetime.date, clock: datetime.time = datetime.time(23, 59)) -> datetime.datetime:
    """A local moment; due times are 23:59 and opening times 00:00, as the plan's tasks write them."""
    return timezone.make_aware(datetime.datetime.combine(day, clock))


def days_from(today: datetime.date, days: int) -> datetime.date:
    return today + datetime.timedelta(days=days)


def conference_day(today: datetime.date) -> datetime.date:
    day = days_from(today, CONFERENCE_DAYS)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def dmy(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def officer(unit: Unit):
    """The unit's demo login (its first officer)."""
    return Person.objects.filter(unit=unit).select_related("user").order_by("pk").first().user


def board_user():
    return get_user_model().objects.get(username=BOARD_USER[0])


def calendar_current(year: EmulationYear, today: datetime.date) -> list[dict]:
    """The current year's calendar on `today`: the covenant registered at the start of the year, then the year-end
    cycle around `today` (see the *_DAYS above)."""
    y, host = year.year, year.leader
    midnight = datetime.time(0, 0)
    opens = at(days_from(today, OPENS_DAYS), midnight)
    report_due = days_from(today, YEAR_REPORT_DUE_DAYS)
    summary_due = days_from(today, SUMMARY_DUE_DAYS)
    sheet_due = days_from(today, SHEET_DUE_DAYS)
    compile_opens, compile_due = (days_from(today, d) for d in COMPILE_DAYS)
    comments_open, comments_due = (days_from(today, d) for d in COMMENT_DAYS)
    conference = conference_day(today)
    return [
        {
            "kind": DeadlineKind.COVENANT,
            "title": f"Đăng ký giao ước thi đua năm {y}",
            "audience": Audience.MEMBERS,
            "opens_at": at(datetime.date(y - 1, 11, 6), midnight),
            "due_at": at(datetime.date(y - 1, 12, 20)),
            "description": f"Các đơn vị thành viên gửi bản đăng ký giao ước thi đua năm {y} cho đơn vị Trưởng khối.",
        },
        {
            "kind": DeadlineKind.YEAR_REPORT,
            "title": f"Báo cáo tổng kết công tác thi đua, khen thưởng năm {y}, phương hướng nhiệm vụ năm {y + 1}",
            "audience": Audience.MEMBERS,
            "opens_at": opens,
            "due_at": at(report_due),
            "description": f"Gửi đơn vị Trưởng khối chậm nhất ngày {dmy(report_due)}.",
        },
        {
            "kind": DeadlineKind.SUMMARY_REPORT,
            "title": f"Báo cáo tóm tắt năm {y} (dài không quá 1,5 trang A4)",
            "audience": Audience.MEMBERS,
            "opens_at": opens,
            "due_at": at(summary_due),
            "description": f"Gửi đơn vị Trưởng khối chậm nhất ngày {dmy(summary_due)}.",
        },
        {
            "kind": DeadlineKind.SELF_ASSESSMENT,
            "title": f"Tự chấm điểm các tiêu chí thi đua năm {y}",
            "audience": Audience.MEMBERS,
            "opens_at": opens,
            "due_at": at(sheet_due),
            "description": f"Gửi bảng tự chấm điểm kèm minh chứng chậm nhất ngày {dmy(sheet_due)}.",
        },
        {
            "kind": DeadlineKind.COMPILE,
            "title": f"Tổng hợp báo cáo tổng kết, kết quả chấm điểm công tác thi đua, khen thưởng năm {y} của Khối",
            "audience": Audience.LEADER,
            "opens_at": at(compile_opens, midnight),
            "due_at": at(compile_due),
            "description": f"Xong chậm nhất ngày {dmy(compile_due)}.",
        },
        {
            "kind": DeadlineKind.LAUNCH_PLAN,
            "title": f"Kế hoạch phát động phong trào thi đua và Bản đăng ký giao ước thi đua năm {y + 1} của Khối",
            "audience": Audience.NEXT_LEADER,
            "opens_at": opens,
            "due_at": at(compile_due),
            "description": f"Đơn vị được đề xuất Trưởng Khối năm {y + 1} thực hiện, xong chậm nhất ngày "
            f"{dmy(compile_due)}.",
        },
        {
            "kind": DeadlineKind.COMMENT_ROUND,
            "title": f"Tham gia ý kiến dự thảo báo cáo tổng kết năm {y} của Khối",
            "audience": Audience.MEMBERS,
            "opens_at": at(comments_open, midnight),
            "due_at": at(comments_due),
            "description": f"Từ ngày {dmy(comments_open)} đến ngày {dmy(comments_due)}.",
        },
        {
            "kind": DeadlineKind.CONFERENCE,
            "title": f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {y}",
            "audience": Audience.MEMBERS,
            "opens_at": None,
            "due_at": at(conference, CONFERENCE_TIME),
            "description": f"14h30 ngày {dmy(conference)} ({WEEKDAYS[conference.weekday()]}), Hội trường "
            f"{host.short_name}.",
        },
    ]


def is_built_for(year: EmulationYear, today: datetime.date) -> bool:
    """Was the current year's calendar built around `today` (a second run on the same day changes nothing)?"""
    due = {
        d.kind: d.due_at
        for d in year.deadlines.filter(
            audience=Audience.MEMBERS, kind__in=[DeadlineKind.SELF_ASSESSMENT, DeadlineKind.CONFERENCE]
        )
    }
    return due == {
        DeadlineKind.SELF_ASSESSMENT: at(days_from(today, SHEET_DUE_DAYS)),
        DeadlineKind.CONFERENCE: at(conference_day(today), CONFERENCE_TIME),
    }


@transaction.atomic
def seed_current_calendar(year: EmulationYear, today: datetime.date) -> list[Deadline]:
    """The leader unit writes the current year's calendar (calendar_current) through the calendar's service, and the
    board marks the year as at its self-assessment."""
    by = officer(year.leader)
    written = []
    for item in calendar_current(year, today):
        deadline = Deadline.objects.filter(year=year, kind=item["kind"], audience=item["audience"]).first()
        deadline = deadline or Deadline(year=year)
        for name, value in item.items():
            setattr(deadline, name, value)
        written.append(deadline_save(deadline=deadline, by=by))
    if year.phase != Phase.SELF_ASSESSMENT:
        year_update(
            emulation_year=year, leader=year.leader, deputy=year.deputy, phase=Phase.SELF_ASSESSMENT, by=board_user()
        )
    return written


def close_year(year: EmulationYear, *, by) -> EmulationYear:
    """The board closes a year (read-only from then on), with its leaders unchanged."""
    if year.is_closed:
        return year
    return year_update(emulation_year=year, leader=year.leader, deputy=year.deputy, phase=Phase.CLOSED, by=by)


@transaction.atomic
def open_years_until(*, bloc: Bloc, last: int, by) -> list[EmulationYear]:
    """Open each year after the bloc's latest one up to `last`, its leader and deputy the next units of the rotation
    (so each year another unit leads), and close the year before. The years in between are summarised: the demo
    tells nothing of them, so they open with no calendar (the criteria table is copied, as on every opening)."""
    latest = bloc.years.select_related("bloc", "leader", "deputy").order_by("-year").first()
    opened = []
    while latest.year < last:
        following = year_open_next(
            current=latest,
            by=by,
            source=LeaderSource.ROTATION,
            note="Theo thứ tự luân phiên của Khối.",
            copy_calendar=False,
        )
        LeaderTerm.objects.filter(bloc=bloc, year=following.year).update(
            recorded_at=term_recorded_at(bloc, following.year)
        )
        close_year(latest, by=by)
        opened.append(following)
        latest = following
    return opened


@dataclass(frozen=True)
class Cast:
    """Who does what in the current year. The parts go to the members in the rotation order after the deputy, so
    that each year they fall to other units; the leader and deputy keep their own parts."""

    leader: Unit
    deputy: Unit | None
    late: Unit  # sent its year-end report after the due date
    extended: Unit  # the leader extended its year-end report's due date; it sent within the extension
    sheet_sent: Unit  # has sent its self-assessment sheet
    sheet_drafts: tuple[Unit, ...]  # have begun their sheets
    summaries_sent: tuple[Unit, ...]  # have sent their summary report already


def cast_for(year: EmulationYear) -> Cast:
    order = [slot.unit for slot in year.bloc.rotation.select_related("unit").order_by("position")]
    members = {u.pk for u in members_in_year(bloc=year.bloc, year=year.year)}
    ids = [u.pk for u in order]
    after = year.deputy_id if year.deputy_id in ids else year.leader_id
    start = ids.index(after) + 1 if after in ids else 0
    others = [
        u for u in order[start:] + order[:start] if u.pk in members and u.pk not in {year.leader_id, year.deputy_id}
    ]
    if len(others) < 4:
        raise ValueError(f"The demo needs four members besides the leader and deputy in {year}.")
    deputy = [year.deputy] if year.deputy else []
    return Cast(
        leader=year.leader,
        deputy=year.deputy,
        late=others[0],
        extended=others[1],
        sheet_sent=others[2],
        sheet_drafts=(year.leader, others[3], *deputy),
        summaries_sent=(others[2], others[3], year.leader),
    )
