"""Demo covenant registrations: plausible targets, titles and signatories for every member unit of a year; and, for
the live demo's years, the covenant the leader unit issued from them early in the year.

Idempotent: each unit's registration is brought to the same state (sent once, version 1) on every run. A year
whose covenant is already issued is left as it is: its registrations are frozen and the issued text reads them.
The names are invented.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from .covenant import covenant_for, covenant_issue, covenant_save
from .models import (
    Covenant,
    CovenantRegistration,
    CovenantRegistrationVersion,
    EmulationYear,
    Person,
    RegisterEntry,
)
from .selectors import members_in_year

COMMON_TARGETS = [
    "Hoàn thành xuất sắc 100% nhiệm vụ chính trị được giao",
    "100% cán bộ, công chức hoàn thành nhiệm vụ, trong đó trên 20% hoàn thành xuất sắc nhiệm vụ",
    "Không có cán bộ, công chức vi phạm pháp luật, vi phạm kỷ luật phải xử lý từ hình thức khiển trách trở lên",
    "Tổ chức đảng đạt “Hoàn thành tốt nhiệm vụ” trở lên; các đoàn thể được xếp loại vững mạnh",
    "Thực hiện tốt công tác cải cách hành chính, thực hành tiết kiệm, chống lãng phí, phòng, chống tham nhũng",
    "Gửi báo cáo, tham gia đầy đủ các hoạt động của Khối thi đua đúng thời hạn",
]

TITLES = "Tập thể lao động xuất sắc; Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"
LEADER_TITLES = "Tập thể lao động xuất sắc; Cờ thi đua của Ủy ban nhân dân tỉnh"

# By unit code: (the unit's own target, signatory's name, position). Units not listed get a generic entry.
BY_CODE = {
    "TTr": (
        "Hoàn thành 100% cuộc thanh tra theo kế hoạch; giải quyết trên 90% đơn thư khiếu nại, tố cáo thuộc thẩm quyền",
        "Nguyễn Văn Bình",
        "Chánh Thanh tra",
    ),
    "CAT": (
        "Kiềm chế, làm giảm tội phạm về trật tự xã hội; tỷ lệ điều tra, khám phá án đạt trên 80%, án rất "
        "nghiêm trọng và đặc biệt nghiêm trọng đạt trên 95%",
        "Trần Quốc Khánh",
        "Đại tá, Giám đốc",
    ),
    "TA": (
        "Giải quyết, xét xử các loại án đạt và vượt chỉ tiêu theo Nghị quyết của Quốc hội; không có án bị hủy do "
        "lỗi chủ quan",
        "Lê Thị Thanh Huyền",
        "Chánh án",
    ),
    "VKS": (
        "Thực hiện tốt chức năng thực hành quyền công tố và kiểm sát hoạt động tư pháp; đạt và vượt các chỉ tiêu "
        "nghiệp vụ của ngành",
        "Phạm Đức Long",
        "Viện trưởng",
    ),
    "STP": (
        "Thẩm định đúng thời hạn 100% dự thảo văn bản quy phạm pháp luật do Ủy ban nhân dân tỉnh giao chủ trì",
        "Hoàng Thị Minh Nguyệt",
        "Giám đốc",
    ),
    "CTHADS": (
        "Thi hành xong trên 80% số việc có điều kiện thi hành và trên 40% số tiền có điều kiện thi hành",
        "Đinh Văn Tiến",
        "Cục trưởng",
    ),
    "BCHQS": (
        "Hoàn thành 100% chỉ tiêu tuyển chọn và gọi công dân nhập ngũ; kết quả huấn luyện đạt khá, giỏi",
        "Ma Văn Dũng",
        "Đại tá, Chỉ huy trưởng",
    ),
    "BNCTU": (
        "Tham mưu kịp thời, có chất lượng cho Tỉnh ủy về công tác nội chính, phòng, chống tham nhũng và cải cách "
        "tư pháp",
        "Bùi Thị Thu Trang",
        "Trưởng ban",
    ),
}

GENERIC_NAMES = ["Nguyễn Thị Hoa", "Trần Văn Hải", "Lê Văn Phúc", "Phạm Thị Ngọc", "Vũ Minh Tâm", "Đỗ Thị Yến"]
GENERIC_TARGET = "Hoàn thành vượt mức các chỉ tiêu chuyên môn năm được cấp trên giao"


def _entry(unit, index: int) -> tuple[str, str, str]:
    if unit.code in BY_CODE:
        return BY_CODE[unit.code]
    return GENERIC_TARGET, GENERIC_NAMES[index % len(GENERIC_NAMES)], "Giám đốc"


@transaction.atomic
def seed_covenant_demo(year: EmulationYear) -> list[CovenantRegistration]:
    """Every member unit of the year registered and sent (version 1); returns the registrations."""
    if Covenant.objects.filter(year=year, issued_at__isnull=False).exists():
        return list(CovenantRegistration.objects.filter(year=year).select_related("unit"))
    # Sent a few days after the previous year's conference (05/11 in Plan 53), the same moment on every run.
    sent_at = timezone.make_aware(datetime.datetime(year.year - 1, 11, 10, 9, 0))
    registrations = []
    for index, unit in enumerate(members_in_year(bloc=year.bloc, year=year.year)):
        own_target, name, position = _entry(unit, index)
        targets = [COMMON_TARGETS[0], own_target, *COMMON_TARGETS[1:]]
        titles = LEADER_TITLES if unit.pk == year.leader_id else TITLES
        registration, _created = CovenantRegistration.objects.update_or_create(
            year=year,
            unit=unit,
            defaults={
                "targets": "\n".join(targets),
                "titles": titles,
                "signatory_name": name,
                "signatory_position": position,
                "version": 1,
                "sent_version": 1,
                "submitted_at": sent_at,
            },
        )
        officer = Person.objects.filter(unit=unit).select_related("user").order_by("pk").first()
        registration.versions.exclude(number=1).delete()
        CovenantRegistrationVersion.objects.update_or_create(
            registration=registration,
            number=1,
            defaults={
                "snapshot": {
                    "unit": unit.name,
                    "targets": targets,
                    "titles": titles,
                    "signatory_name": name,
                    "signatory_position": position,
                },
                "sent_at": sent_at,
                "sent_by": officer.user if officer else None,
            },
        )
        registrations.append(registration)
    return registrations


@transaction.atomic
def seed_covenant_issued(year: EmulationYear, *, issued_on: datetime.date) -> Covenant:
    """Every member registered (seed_covenant_demo) and the leader unit issued the covenant, dated `issued_on`, through
    the covenant's services; the issue's time is that day's (09:00), not the day the demo is built."""
    covenant = covenant_for(year)
    if covenant.is_issued:
        return covenant
    seed_covenant_demo(year)
    leader = Person.objects.filter(unit=year.leader).select_related("user").order_by("pk").first().user
    covenant = covenant_save(
        covenant=covenant,
        place=covenant.place,
        issued_on=issued_on,
        preamble=covenant.preamble,
        closing=covenant.closing,
        expected_version=covenant.version or None,
        by=leader,
    )
    covenant = covenant_issue(covenant=covenant, by=leader)
    issued_at = timezone.make_aware(datetime.datetime.combine(issued_on, datetime.time(9, 0)))
    Covenant.objects.filter(pk=covenant.pk).update(issued_at=issued_at)
    RegisterEntry.objects.filter(
        bloc=year.bloc, year=issued_on.year, doc_type=Covenant.DOC_TYPE, number=covenant.number
    ).update(registered_at=issued_at)
    covenant.refresh_from_db()
    return covenant
