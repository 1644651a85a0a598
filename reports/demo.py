"""The demo's reports: every member's 2020 year-end report and summary (one late, one summary missing), sent
through the same service as the upload page, and the 2021 leader's draft launch plan."""

import datetime

from django.db import transaction

from blocs.enums import DeadlineKind
from blocs.models import EmulationYear, Person

# unit code -> (day and hour in October 2020 of the year-end report, of the summary report or None if not sent)
REPORTS_2020 = {
    "TTr": ((16, 9), (16, 9)),
    "CAT": ((15, 14), (15, 14)),
    "TA": ((19, 16), (19, 16)),
    "VKS": ((17, 10), (17, 10)),
    "STP": ((19, 22), (19, 22)),
    "CTHADS": ((22, 8), (22, 8)),  # two days late, accepted and marked late
    "BCHQS": ((18, 15), (18, 15)),
    "BNCTU": ((19, 11), None),  # the summary never came
}

SUMMARY_TEXT = (
    "Năm 2020, {unit} đã triển khai sâu rộng các phong trào thi đua yêu nước gắn với thực hiện nhiệm vụ chính trị "
    "được giao; hoàn thành 100% chỉ tiêu, nhiệm vụ trọng tâm; thực hiện tốt công tác phòng, chống dịch Covid-19; "
    "nội bộ đoàn kết, không có cán bộ, công chức vi phạm kỷ luật. Đơn vị tham gia đầy đủ các hoạt động của Khối thi "
    "đua Nội chính và thực hiện nghiêm các nội dung giao ước thi đua đã ký kết."
)


def _report_pdf(title: str, unit_name: str, paragraphs: int) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{SUMMARY_TEXT.format(unit=unit_name)}</p>" for _ in range(paragraphs))
    html = (
        "<html><head><style>@page { size: A4; margin: 20mm 15mm 20mm 30mm } body { font-family: serif; "
        "font-size: 14pt; text-align: justify }</style></head><body>"
        f"<p style='text-align:center'><b>{unit_name.upper()}</b></p><h3 style='text-align:center'>{title}</h3>"
        f"{body}</body></html>"
    )
    return HTML(string=html).write_pdf()


@transaction.atomic
def seed_submissions() -> None:
    """Every member's year-end report and summary for 2020 (one late, one summary missing), sent through the
    same service as the upload page, at their 2020 dates; the leader accepted them after 20/10."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from blocs.models import Unit

    from .models import Submission
    from .services.submissions import submission_accept, submission_upload

    year = EmulationYear.objects.select_related("bloc", "leader").get(bloc__slug="ktdnc", year=2020)
    deadlines = {
        d.kind: d for d in year.deadlines.filter(kind__in=[DeadlineKind.YEAR_REPORT, DeadlineKind.SUMMARY_REPORT])
    }
    if Submission.objects.filter(deadline__in=deadlines.values()).exists():
        return
    units = {u.code: u for u in Unit.objects.filter(memberships__bloc=year.bloc, code__in=REPORTS_2020)}
    leader = Person.objects.filter(unit=year.leader).select_related("user").order_by("pk").first().user
    for code, (report_at, summary_at) in REPORTS_2020.items():
        unit = units[code]
        officer = Person.objects.filter(unit=unit).select_related("user").order_by("pk").first().user
        for kind, when, title, paragraphs in (
            (DeadlineKind.YEAR_REPORT, report_at, "BÁO CÁO TỔNG KẾT CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM 2020", 6),
            (DeadlineKind.SUMMARY_REPORT, summary_at, "BÁO CÁO TÓM TẮT THÀNH TÍCH NĂM 2020", 3),
        ):
            if when is None or kind not in deadlines:
                continue
            day, hour = when
            at = timezone.make_aware(datetime.datetime(2020, 10, day, hour, 0))
            pdf = SimpleUploadedFile(
                f"{'bao-cao-tong-ket' if kind == DeadlineKind.YEAR_REPORT else 'bao-cao-tom-tat'}-{code.lower()}.pdf",
                _report_pdf(title, unit.name, paragraphs),
                "application/pdf",
            )
            version = submission_upload(deadline=deadlines[kind], unit=unit, upload=pdf, by=officer, at=at)
            submission_accept(submission=version.submission, by=leader)
    # the proposed leader for 2021 prepared the launch plan and the covenant form before 25/10
    launch = year.deadlines.filter(kind=DeadlineKind.LAUNCH_PLAN).first()
    if launch is not None:
        police = units["CAT"]
        officer = Person.objects.filter(unit=police).select_related("user").order_by("pk").first().user
        pdf = SimpleUploadedFile(
            "du-thao-ke-hoach-phat-dong-2021.pdf",
            _report_pdf("DỰ THẢO KẾ HOẠCH PHÁT ĐỘNG PHONG TRÀO THI ĐUA NĂM 2021", police.name, 4),
            "application/pdf",
        )
        at = timezone.make_aware(datetime.datetime(2020, 10, 23, 10, 0))
        version = submission_upload(deadline=launch, unit=police, upload=pdf, by=officer, at=at)
        submission_accept(submission=version.submission, by=leader)
