"""Demo data: the issued minutes of the 2020 conference of the internal-affairs bloc (05/11/2020, 14h30, Hội
trường tầng III - Thanh tra tỉnh), written through the real services. Idempotent: minutes already there are
left as they are. The chair's name is invented for the demo."""

import datetime

from django.db import transaction
from django.utils import timezone

from blocs.models import EmulationYear, Person, RegisterEntry
from blocs.selectors import members_in_year

from ..models import ConferenceMinutes
from ..services import minutes as services

CHAIR = ("Nguyễn Văn Thắng", "Chánh Thanh tra tỉnh, Trưởng Khối thi đua Nội chính năm 2020")
HELD_AT = (datetime.date(2020, 11, 5), datetime.time(14, 30))
ENDED_AT = datetime.time(17, 0)
ISSUED_AT = datetime.time(17, 30)
VENUE = "Hội trường tầng III - Thanh tra tỉnh"

GUESTS_2020 = [
    "Đồng chí Thành viên Hội đồng Thi đua - Khen thưởng tỉnh phụ trách Khối thi đua",
    "Lãnh đạo và chuyên viên Ban Thi đua - Khen thưởng, Sở Nội vụ tỉnh",
    "Lãnh đạo và Trưởng, Phó các phòng chuyên môn thuộc Thanh tra tỉnh",
]

PROCEEDINGS_2020 = [
    "Đồng chí Nguyễn Văn Thắng, Chánh Thanh tra tỉnh, Trưởng Khối thi đua Nội chính năm 2020, khai mạc Hội nghị, "
    "giới thiệu đại biểu và thông qua chương trình Hội nghị.",
    "Đại diện Thanh tra tỉnh trình bày dự thảo Báo cáo tổng kết công tác thi đua, khen thưởng năm 2020, phương "
    "hướng, nhiệm vụ năm 2021 của Khối thi đua Nội chính tỉnh. Năm 2020, mặc dù chịu ảnh hưởng của dịch "
    "Covid-19, các đơn vị thành viên đã bám sát nhiệm vụ chính trị được giao, tổ chức nhiều phong trào thi đua "
    "thiết thực, hoàn thành và hoàn thành vượt mức các chỉ tiêu đã đăng ký trong giao ước thi đua.",
    "Các đại biểu thảo luận, nhất trí với nội dung dự thảo Báo cáo. Công an tỉnh đề nghị bổ sung kết quả phong "
    "trào Toàn dân bảo vệ an ninh Tổ quốc; Viện Kiểm sát nhân dân tỉnh đề nghị nêu rõ hơn các mô hình, điển "
    "hình tiên tiến trong năm; Sở Tư pháp đề nghị đánh giá thêm công tác phối hợp giữa các đơn vị trong Khối. "
    "Đơn vị Trưởng Khối tiếp thu, hoàn thiện Báo cáo.",
    "Đại diện Ban Thi đua - Khen thưởng, Sở Nội vụ tỉnh phát biểu, ghi nhận kết quả công tác thi đua, khen "
    "thưởng năm 2020 của Khối và đề nghị các đơn vị tiếp tục đổi mới nội dung, hình thức tổ chức các phong trào "
    "thi đua, chú trọng phát hiện, bồi dưỡng và nhân rộng điển hình tiên tiến.",
    "Hội nghị tiến hành bình xét, suy tôn các đơn vị đề nghị Ủy ban nhân dân tỉnh tặng Cờ thi đua và Bằng khen "
    "của Chủ tịch Ủy ban nhân dân tỉnh; giới thiệu, bầu đơn vị Trưởng Khối, Phó Trưởng Khối năm 2021 bằng hình "
    "thức bỏ phiếu kín.",
]

CONCLUSION_2020 = [
    "Hội nghị nhất trí thông qua Báo cáo tổng kết công tác thi đua, khen thưởng năm 2020, phương hướng, nhiệm "
    "vụ năm 2021 của Khối thi đua Nội chính tỉnh; kết quả chấm điểm, xếp hạng các đơn vị thành viên và kết quả "
    "bình xét, suy tôn, bầu đơn vị Trưởng Khối, Phó Trưởng Khối năm 2021 nêu trên.",
    "Giao Thanh tra tỉnh - đơn vị Trưởng Khối năm 2020 hoàn thiện hồ sơ đề nghị khen thưởng, trình cấp có thẩm "
    "quyền xem xét, quyết định theo quy định; bàn giao hồ sơ, tài liệu của Khối cho đơn vị Trưởng Khối năm 2021.",
]


def _members_present(year: EmulationYear) -> str:
    """The registered delegates; a unit without any is represented by its officer in the demo."""
    lines = services.members_present_lines(year)
    officers = {}
    for person in Person.objects.filter(unit__in=members_in_year(bloc=year.bloc, year=year.year)).select_related(
        "user", "unit"
    ):
        officers.setdefault(person.unit.name, person)
    filled = []
    for line in lines:
        person = officers.get(line)
        if person is not None:  # the line is the unit's name alone: no delegate was registered
            position = f" - {person.position}" if person.position else ""
            line = f"{line}: đồng chí {person.user.full_name}{position}"
        filled.append(line)
    return "\n".join(filled)


@transaction.atomic
def seed_minutes_demo(year: EmulationYear | None = None) -> ConferenceMinutes:
    """The issued minutes of the demo's 2020 conference (the year of the internal-affairs bloc by default)."""
    if year is None:
        year = EmulationYear.objects.select_related("bloc__province", "leader").get(bloc__slug="ktdnc", year=2020)
    existing = services.current_minutes(year)
    if existing is not None:
        return existing
    leader_user = Person.objects.filter(unit=year.leader).select_related("user").order_by("pk").first().user
    minutes = services.initial_minutes(year)
    minutes.held_at = timezone.make_aware(datetime.datetime.combine(*HELD_AT), timezone.get_current_timezone())
    minutes.ended_at = ENDED_AT
    minutes.place = VENUE
    minutes.chair_name, minutes.chair_position = CHAIR
    minutes.guests = "\n".join(GUESTS_2020)
    minutes.members_present = _members_present(year)
    minutes.proceedings = "\n".join(PROCEEDINGS_2020)
    minutes.conclusion = "\n".join(CONCLUSION_2020)
    minutes = services.minutes_save(minutes=minutes, expected_version=None, by=leader_user)
    minutes = services.minutes_issue(minutes=minutes, number=None, by=leader_user)
    # adopted at the end of the conference: issued that day, not the day the demo runs
    issued_at = timezone.make_aware(datetime.datetime.combine(HELD_AT[0], ISSUED_AT), timezone.get_current_timezone())
    ConferenceMinutes.objects.filter(pk=minutes.pk).update(issued_at=issued_at)
    RegisterEntry.objects.filter(
        bloc=year.bloc, year=HELD_AT[0].year, doc_type=services.DOC_TYPE, number=minutes.number
    ).update(registered_at=issued_at)
    minutes.refresh_from_db()
    return minutes
