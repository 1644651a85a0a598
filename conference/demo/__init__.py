"""Demo data of the conference app: Kế hoạch số 53/KH-KTĐNC (28/9/2020), as the real plan reads."""

import datetime

from django.db import transaction

from blocs.enums import DeadlineKind
from blocs.models import EmulationYear, Person, RegisterEntry

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
    services.plan_issue(plan=plan, number=53, by=leader_user)
