"""Demo data of the conference app: Kế hoạch số 53/KH-KTĐNC (28/9/2020), as the real plan reads; and, for the live
demo's current year, the leader unit's plan for its year-end conference written the same way around the day the
demo is built. Issued on their own dates, not on the day the demo is built."""

import datetime
import re

from django.db import transaction
from django.utils import timezone

from blocs import demo as blocs_demo
from blocs.covenant_demo import BY_CODE as SIGNATORIES
from blocs.enums import DeadlineKind
from blocs.models import EmulationYear, Person, RegisterEntry
from blocs.selectors import next_leaders_from_rotation

from ..enums import Actor
from ..models import ConferencePlan, PlanTask
from ..services import plan as services

PLAN_2020 = {
    "place": "Tuyên Quang",
    "issued_on": datetime.date(2020, 9, 28),
    "title": "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020",
    "title_suffix": "của Khối thi đua Nội chính tỉnh Tuyên Quang",
    "legal_bases": [
        "Quy chế tổ chức và hoạt động của Khối thi đua Nội chính tỉnh Tuyên Quang (*ban hành kèm theo "
        "Quyết định số 108 ngày 13/5/2019 của Khối*)",
        "Kế hoạch số 05/KH-KTĐNC ngày 03/02/2020 về về phát động phong trào thi đua năm 2020",
    ],
    "preamble_closing": "Khối thi đua nội chính tỉnh xây dựng kế hoạch tổ chức Hội nghị tổng kết công tác thi "
    "đua, khen thưởng năm 2020 cụ thể như sau:",
    "purpose": "Đánh giá khách quan, toàn diện, chính xác tình hình, kết quả thực hiện nhiệm vụ, chỉ tiêu trong "
    "các phong trào thi đua, công tác khen thưởng năm 2020; chỉ ra những tồn tại, hạn chế, nguyên nhân, trên cơ "
    "sở đó đề ra các giải pháp khắc phục, tiếp tục thi đua phấn đấu hoàn thành các chỉ tiêu, nhiệm vụ, góp phần "
    "phát triển kinh tế - xã hội, đảm bảo quốc phòng - an ninh trên địa bàn tỉnh trong năm 2021.",
    "requirements": "Việc tổ chức Hội nghị phải bảo đảm thiết thực, hiệu quả; đánh giá thực chất kết quả thực "
    "hiện các nhiệm vụ chính trị trọng tâm của địa phương, của từng ngành và các phong trào thi đua yêu nước năm "
    "2020 của các cơ quan, đơn vị trong Khối thi đua Nội chính.",
    "agenda": [
        "Đánh giá kết quả công tác thi đua, khen thưởng năm 2020, đề ra phương hướng, mục tiêu, nhiệm vụ và giải "
        "pháp năm 2021 của Khối thi đua.",
        "Thảo luận, đóng góp ý kiến của đại biểu về kết quả công tác thi đua, khen thưởng của Khối Thi đua năm 2020.",
        "Tham luận của một số đơn vị có thành tích tiêu biểu, điển hình trong các phong trào thi đua.",
        "Thông báo kết quả đánh giá, chấm điểm của các đơn vị thành viên Khối thi đua.",
        "Bình xét, suy tôn đề nghị Ủy ban nhân dân tỉnh tặng Cờ thi đua và Bằng khen của Chủ tịch Ủy ban nhân "
        "dân tỉnh cho các đơn vị tiêu biểu trong năm 2020.",
        "Giới thiệu, bầu đơn vị Trưởng khối năm 2021.",
        "Tổ chức phát động thi đua, ký kết giao ước thi đua năm 2021 (*Đơn vị Trưởng Khối năm 2021 thực hiện*).",
    ],
    "invited": [
        {"name": "Thành viên Hội đồng Thi đua - Khen thưởng tỉnh phụ trách Khối thi đua", "count": 1},
        {"name": "Lãnh đạo và chuyên viên Ban Thi đua - Khen thưởng, Sở Nội vụ tỉnh", "count": 2},
        {
            "name": "Đơn vị tổ chức hội nghị tổng kết: Thanh tra tỉnh Tuyên Quang (Lãnh đạo và Trưởng, Phó các "
            "phòng chuyên môn thuộc Thanh tra tỉnh).",
            "count": 4,
        },
    ],
    "summoned_text": "Đại diện lãnh đạo và 01 cán bộ làm công tác thi đua, khen thưởng các đơn vị thành viên "
    "trong Khối thi đua Nội chính.",
    "summoned_per_unit": 2,
    "conference_date": datetime.date(2020, 11, 5),
    "start_time": datetime.time(14, 30),
    "duration": "½ ngày",
    "venue": "Hội trường tầng III - Thanh tra tỉnh",
    "funding": "Do ảnh hưởng của dịch Covit, năm 2020 không tổ chức hoạt động thể dục, thể thao đông người. Vì "
    "vậy đơn vị Trưởng khối thi đua không thu kinh phí đóng góp của các đơn vị thành viên trong khối. Kinh phí tổ "
    "chức hội nghị tổng kết năm 2020 do Thanh tra tỉnh thực hiện.",
    "closing": "Trên đây là Kế hoạch tổ chức Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020 của Khối "
    "thi đua Nội chính tỉnh. Đề nghị các đơn vị thành viên trong Khối thi đua quan tâm, phối hợp thực hiện./.",
    "recipients": [
        {"name": "Hội đồng TĐ- KT tỉnh", "purpose": ""},
        {"name": "Ban TĐ- KT tỉnh, SNV", "purpose": "B/cáo"},
        {"name": "Các thành viên trong Khối TĐNC", "purpose": "T/hiện"},
        {"name": "Lãnh đạo Thanh tra tỉnh", "purpose": ""},
        {"name": "Lưu: VT, TTr", "purpose": ""},
    ],
    "signer_authority": "TRƯỞNG KHỐI THI ĐUA NỘI CHÍNH",
    "signer_body": "THANH TRA TỈNH TUYÊN QUANG",
    "signer_position": "PHÓ CHÁNH THANH TRA",
    "signer_name": "Vũ Đức Thọ",
}

D = datetime.date
# (actor, text, calendar kind, opens, due, follow-up, note)
TASKS_2020 = [
    (
        Actor.LEADER,
        "Tổng hợp báo cáo tổng kết, kết quả chấm điểm công tác thi đua, khen thưởng năm 2020, phương "
        "hướng, nhiệm vụ công tác thi đua, khen thưởng năm 2021 của Khối thi đua Nội chính tỉnh",
        DeadlineKind.COMPILE,
        D(2020, 10, 20),
        D(2020, 10, 24),
        False,
        "xong trước ngày 25/10/2020",
    ),
    (
        Actor.LEADER,
        "Rà soát đề xuất đơn vị Trưởng Khối thi đua Nội chính tỉnh năm 2021",
        DeadlineKind.OTHER,
        None,
        None,
        False,
        "Theo Quy chế hoạt động của khối, năm 2021 Công an tỉnh Tuyên Quang",
    ),
    (
        Actor.LEADER,
        "Tổng hợp hồ sơ đề nghị khen thưởng của các đơn vị trong Khối",
        DeadlineKind.OTHER,
        None,
        None,
        False,
        "",
    ),
    (
        Actor.LEADER,
        "Lập hồ sơ trình cấp có thẩm quyền khen thưởng cho các đơn vị trong Khối được bình xét, suy tôn.",
        DeadlineKind.AWARD_DOSSIER,
        None,
        None,
        True,
        "",
    ),
    (
        Actor.LEADER,
        "Chuẩn bị các điều kiện cần thiết về nội dung và cơ sở vật chất, kinh phí phục vụ tổ chức hội nghị.",
        DeadlineKind.OTHER,
        None,
        None,
        False,
        "",
    ),
    (
        Actor.MEMBERS,
        "Xây dựng Báo cáo tổng kết công tác thi đua khen thưởng năm 2020, phương hướng nhiệm vụ công tác "
        "năm 2021 và báo cáo tóm tắt (*dài không quá 1,5 trang A4*); chấm điểm các tiêu chí thi đua của đơn vị và gửi "
        "đơn vị Trưởng khối thi đua tổng hợp theo chế độ thông tin báo cáo quy định tại Quy chế tổ chức và hoạt động "
        "của Khối thi đua Nội chính tỉnh Tuyên Quang",
        DeadlineKind.YEAR_REPORT,
        D(2020, 9, 28),
        D(2020, 10, 19),
        False,
        "gửi đơn vị Trưởng khối trước ngày 20/10/2020",
    ),
    (
        Actor.MEMBERS,
        "Tham gia ý kiến dự thảo báo cáo tổng kết năm 2020 do đơn vị Trưởng khối tổng hợp, gửi xin ý kiến",
        DeadlineKind.COMMENT_ROUND,
        D(2020, 10, 25),
        D(2020, 10, 31),
        False,
        "Từ ngày 25/10/2020 đến 31/10/2020",
    ),
    (
        Actor.MEMBERS,
        "Chuẩn bị nội dung tham luận, phát biểu, thảo luận tại Hội nghị; cử đại biểu tham dự Hội nghị "
        "đầy đủ, đúng thành phần.",
        DeadlineKind.OTHER,
        None,
        None,
        False,
        "",
    ),
    (
        Actor.MEMBERS,
        "Lập hồ sơ đề nghị khen thưởng thành tích trong phong trào thi đua năm 2020.",
        DeadlineKind.OTHER,
        None,
        None,
        False,
        "",
    ),
    (
        Actor.NEXT_LEADER,
        "Đơn vị được đề xuất Trưởng Khối thi đua Nội chính năm 2021 xây dựng Kế hoạch phát động "
        "phong trào thi đua; Bản đăng ký giao ước thi đua năm 2021 của Khối",
        DeadlineKind.LAUNCH_PLAN,
        D(2020, 9, 28),
        D(2020, 10, 24),
        False,
        "xong trước ngày 25/10/2020",
    ),
]


def tasks_2020() -> list[PlanTask]:
    return [
        PlanTask(actor=a, text=t, kind=k, opens_on=o, due_on=d, follow_up=f, note=n, in_calendar=d is not None)
        for a, t, k, o, d, f, n in TASKS_2020
    ]


@transaction.atomic
def seed() -> None:
    year = EmulationYear.objects.select_related("bloc", "leader").get(bloc__slug="ktdnc", year=2020)
    if year.plans.exists():
        return
    leader_user = Person.objects.filter(unit=year.leader).select_related("user").first().user
    # The bloc's register before this plan: 52 plans already numbered in 2020 (e.g. 05/KH of 03/02/2020).
    RegisterEntry.objects.get_or_create(
        bloc=year.bloc,
        year=2020,
        doc_type="KH",
        number=5,
        defaults={"title": "Kế hoạch phát động phong trào thi đua năm 2020"},
    )
    plan = services.plan_save(
        plan=ConferencePlan(year=year, **PLAN_2020),
        tasks=tasks_2020(),
        contributions=[],
        expected_version=None,
        by=leader_user,
    )
    plan = services.plan_issue(plan=plan, number=53, by=leader_user)
    _issued_on_its_date(plan)
    RegisterEntry.objects.filter(bloc=year.bloc, year=2020, doc_type="KH", number=5).update(
        registered_at=timezone.make_aware(datetime.datetime(2020, 2, 3, 9, 0))
    )


def _issued_on_its_date(plan: ConferencePlan) -> None:
    """Issued on the plan's own date (16:00), not when the demo runs (the lifecycle stamps the moment it runs)."""
    issued_at = timezone.make_aware(datetime.datetime.combine(plan.issued_on, datetime.time(16, 0)))
    ConferencePlan.objects.filter(pk=plan.pk).update(issued_at=issued_at)
    RegisterEntry.objects.filter(
        bloc=plan.year.bloc, year=plan.issued_on.year, doc_type=services.DOC_TYPE, number=plan.number
    ).update(registered_at=issued_at)


# --- the live demo's current year ----------------------------------------------------------------------------------

PLAN_ISSUED_DAYS = blocs_demo.OPENS_DAYS - 2  # the plan comes before its deadlines open
FUNDING = (
    "Kinh phí tổ chức hội nghị do đơn vị Trưởng khối bảo đảm, các đơn vị thành viên đóng góp theo Quy chế tổ chức và "
    "hoạt động của Khối; đơn vị Trưởng khối thông báo mức đóng góp và quyết toán sau hội nghị."
)


def _years_on(text: str, year: int) -> str:
    """Plan 53's words for another year: 2020 becomes `year`, 2021 the year after."""
    return re.sub(r"(?<!\d)202[01](?!\d)", lambda m: str(year + int(m.group(0)) - 2020), text)


def _signer(unit) -> tuple[str, str]:
    """(position, name) of the head of a leader unit who signs its plan."""
    _target, name, position = SIGNATORIES.get(unit.code, ("", "Nguyễn Văn An", "Thủ trưởng đơn vị"))
    return position.split(", ")[-1].upper(), name


def plan_current(year: EmulationYear, today: datetime.date) -> dict:
    """The current year's plan: Plan 53's text for that year, hosted by its leader unit."""
    y, bloc, leader = year.year, year.bloc, year.leader
    body = re.sub(r" tỉnh .*$", "", bloc.name)  # "Khối thi đua Nội chính"
    position, name = _signer(leader)
    conference = blocs_demo.conference_day(today)
    return {
        "place": PLAN_2020["place"],
        "issued_on": blocs_demo.days_from(today, PLAN_ISSUED_DAYS),
        "title": f"Hội nghị tổng kết công tác thi đua, khen thưởng năm {y}",
        "title_suffix": f"của {bloc.name}",
        "legal_bases": [
            PLAN_2020["legal_bases"][0],
            f"Kế hoạch số 05/KH-{bloc.code} ngày 03/02/{y} về phát động phong trào thi đua năm {y}",
        ],
        "preamble_closing": _years_on(PLAN_2020["preamble_closing"], y),
        "purpose": _years_on(PLAN_2020["purpose"], y),
        "requirements": _years_on(PLAN_2020["requirements"], y),
        "agenda": [_years_on(item, y) for item in PLAN_2020["agenda"]],
        "invited": [
            *PLAN_2020["invited"][:2],
            {
                "name": f"Đơn vị tổ chức hội nghị tổng kết: {leader.name} (Lãnh đạo và Trưởng, Phó các phòng chuyên "
                "môn).",
                "count": 4,
            },
        ],
        "summoned_text": PLAN_2020["summoned_text"],
        "summoned_per_unit": PLAN_2020["summoned_per_unit"],
        "conference_date": conference,
        "start_time": blocs_demo.CONFERENCE_TIME,
        "duration": PLAN_2020["duration"],
        "venue": f"Hội trường {leader.short_name}",
        "funding": FUNDING,
        "closing": _years_on(PLAN_2020["closing"], y),
        "recipients": [
            *PLAN_2020["recipients"][:3],
            {"name": f"Lãnh đạo {leader.short_name}", "purpose": ""},
            {"name": f"Lưu: VT, {leader.code}", "purpose": ""},
        ],
        "signer_authority": f"TRƯỞNG {body.upper()}",
        "signer_body": leader.name.upper(),
        "signer_position": position,
        "signer_name": name,
    }


def tasks_current(year: EmulationYear) -> list[PlanTask]:
    """Plan 53's tasks for the current year, dated from its calendar (so the plan's issue leaves the calendar as
    it is), with the self-assessment and the summary report given dates of their own."""
    y = year.year
    nxt, _deputy = next_leaders_from_rotation(current=year)
    deadlines = {(d.kind, d.audience): d for d in year.deadlines.all()}

    def dated(kind, audience):
        d = deadlines[(kind, audience)]
        opens = timezone.localtime(d.opens_at).date() if d.opens_at else None
        due = timezone.localtime(d.due_at).date()
        return opens, due, f"chậm nhất ngày {blocs_demo.dmy(due)}"

    members, leader, following = "members", "leader", "next_leader"
    rows = [
        (Actor.LEADER, _years_on(TASKS_2020[0][1], y), DeadlineKind.COMPILE, *dated(DeadlineKind.COMPILE, leader)),
        (
            Actor.LEADER,
            _years_on(TASKS_2020[1][1], y),
            DeadlineKind.OTHER,
            None,
            None,
            f"Theo Quy chế hoạt động của khối, năm {y + 1} {nxt.name}" if nxt else "",
        ),
        *[(a, _years_on(t, y), k, None, None, "") for a, t, k, *_rest in TASKS_2020[2:5]],
        (
            Actor.MEMBERS,
            f"Xây dựng Báo cáo tổng kết công tác thi đua khen thưởng năm {y}, phương hướng nhiệm vụ công tác năm "
            f"{y + 1}, gửi đơn vị Trưởng khối thi đua tổng hợp theo chế độ thông tin báo cáo quy định tại Quy chế tổ "
            "chức và hoạt động của Khối",
            DeadlineKind.YEAR_REPORT,
            *dated(DeadlineKind.YEAR_REPORT, members),
        ),
        (
            Actor.MEMBERS,
            "Xây dựng báo cáo tóm tắt thành tích (*dài không quá 1,5 trang A4*)",
            DeadlineKind.SUMMARY_REPORT,
            *dated(DeadlineKind.SUMMARY_REPORT, members),
        ),
        (
            Actor.MEMBERS,
            f"Chấm điểm các tiêu chí thi đua năm {y} của đơn vị, kèm minh chứng, gửi đơn vị Trưởng khối thi đua",
            DeadlineKind.SELF_ASSESSMENT,
            *dated(DeadlineKind.SELF_ASSESSMENT, members),
        ),
        (
            Actor.MEMBERS,
            _years_on(TASKS_2020[6][1], y),
            DeadlineKind.COMMENT_ROUND,
            *dated(DeadlineKind.COMMENT_ROUND, members)[:2],
            "Từ ngày {} đến ngày {}".format(
                *(blocs_demo.dmy(d) for d in dated(DeadlineKind.COMMENT_ROUND, members)[:2])
            ),
        ),
        *[(a, _years_on(t, y), k, None, None, "") for a, t, k, *_rest in TASKS_2020[7:9]],
        (
            Actor.NEXT_LEADER,
            _years_on(TASKS_2020[9][1], y),
            DeadlineKind.LAUNCH_PLAN,
            *dated(DeadlineKind.LAUNCH_PLAN, following),
        ),
    ]
    follow_up = {DeadlineKind.AWARD_DOSSIER}
    return [
        PlanTask(
            actor=a, text=t, kind=k, opens_on=o, due_on=d, follow_up=k in follow_up, note=n, in_calendar=d is not None
        )
        for a, t, k, o, d, n in rows
    ]


@transaction.atomic
def seed_current_plan(year: EmulationYear, today: datetime.date) -> ConferencePlan:
    """The leader unit's plan for the current year's conference, issued a month before the reports are due under
    the next number of its register (after the launch plan 05/KH of February), its tasks the year's calendar."""
    existing = services.current_plan(year)
    if existing is not None:
        return existing
    leader_user = blocs_demo.officer(year.leader)
    values = plan_current(year, today)
    launch, _created = RegisterEntry.objects.get_or_create(
        bloc=year.bloc,
        year=year.year,
        doc_type=services.DOC_TYPE,
        number=5,
        defaults={"title": f"Kế hoạch phát động phong trào thi đua năm {year.year}"},
    )
    RegisterEntry.objects.filter(pk=launch.pk).update(
        registered_at=timezone.make_aware(datetime.datetime(year.year, 2, 3, 9, 0))
    )
    plan = services.plan_save(
        plan=ConferencePlan(year=year, **values),
        tasks=tasks_current(year),
        contributions=[],
        expected_version=None,
        by=leader_user,
    )
    plan = services.plan_issue(plan=plan, number=None, by=leader_user)
    _issued_on_its_date(plan)
    plan.refresh_from_db()
    return plan
