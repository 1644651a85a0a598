"""The demo's reports: every member's 2020 year-end report and summary (one late, one summary missing), sent
through the same service as the upload page, and the 2021 leader's draft launch plan; for the live demo's current
year, the year-end reports (one late, one within an extension the leader granted) and the first summaries. Every
recorded time is the event's own, not the day the demo is built."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from blocs import demo as blocs_demo
from blocs.enums import DeadlineKind
from blocs.models import EmulationYear, Person, Unit
from blocs.selectors import members_in_year

from .models import Extension, Submission
from .services.submissions import extension_grant, submission_accept, submission_upload

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


# The same for the live demo's current year (no pandemic in it).
CURRENT_TEXT = (
    "Năm {year}, {unit} đã triển khai sâu rộng các phong trào thi đua yêu nước gắn với thực hiện nhiệm vụ chính trị "
    "được giao; hoàn thành và hoàn thành vượt mức các chỉ tiêu, nhiệm vụ trọng tâm; đẩy mạnh cải cách hành chính, "
    "chuyển đổi số; nội bộ đoàn kết, không có cán bộ, công chức vi phạm kỷ luật. Đơn vị tham gia đầy đủ các hoạt "
    "động của Khối thi đua và thực hiện nghiêm các nội dung giao ước thi đua đã ký kết."
)


def _report_pdf(title: str, unit_name: str, paragraphs: int, *, year: int = 2020) -> bytes:
    from weasyprint import HTML

    text = SUMMARY_TEXT if year == 2020 else CURRENT_TEXT
    body = "".join(f"<p>{text.format(unit=unit_name, year=year)}</p>" for _ in range(paragraphs))
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
    same service as the upload page, at their 2020 dates; the leader accepted them the next morning."""
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
            _accept(version, by=leader)
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
        _accept(version, by=leader)


def _accept(version, *, by) -> Submission:
    """The leader accepts a submission the morning after it came (submission_accept records when it runs)."""
    submission = submission_accept(submission=version.submission, by=by)
    sent = timezone.localtime(version.submitted_at)
    decided = timezone.make_aware(datetime.datetime.combine(sent.date() + datetime.timedelta(days=1), datetime.time(9)))
    Submission.objects.filter(pk=submission.pk).update(decided_at=decided)
    return submission


@transaction.atomic
def seed_launch_plan_2021(year: EmulationYear) -> None:
    """2021's leader (Công an tỉnh) sent the bloc's launch plan for 2021 that the 2020 plan asked of it (25/11/2020)."""
    launch = year.deadlines.filter(kind=DeadlineKind.LAUNCH_PLAN).first()
    if launch is None or Submission.objects.filter(deadline=launch).exists():
        return
    officer = blocs_demo.officer(year.leader)
    pdf = SimpleUploadedFile(
        "ke-hoach-phat-dong-2021.pdf",
        _report_pdf("KẾ HOẠCH PHÁT ĐỘNG PHONG TRÀO THI ĐUA NĂM 2021", year.leader.name, 4),
        "application/pdf",
    )
    at = timezone.make_aware(datetime.datetime(2020, 11, 25, 10, 0))
    version = submission_upload(deadline=launch, unit=year.leader, upload=pdf, by=officer, at=at)
    _accept(version, by=officer)


# --- the live demo's current year ----------------------------------------------------------------------------------

EXTENSION_REASON = "Đơn vị đề nghị gia hạn do đang tổng hợp số liệu của các đơn vị trực thuộc."


def _upload(deadline, unit: Unit, *, kind_title: str, paragraphs: int, at: datetime.datetime):
    year = deadline.year
    slug = "bao-cao-tong-ket" if deadline.kind == DeadlineKind.YEAR_REPORT else "bao-cao-tom-tat"
    pdf = SimpleUploadedFile(
        f"{slug}-{unit.code.lower()}-{year.year}.pdf",
        _report_pdf(kind_title, unit.name, paragraphs, year=year.year),
        "application/pdf",
    )
    return submission_upload(deadline=deadline, unit=unit, upload=pdf, by=blocs_demo.officer(unit), at=at)


@transaction.atomic
def seed_current(year: EmulationYear, today: datetime.date) -> None:
    """The current year's reports on `today`: the year-end report was due three days ago and every member has
    answered it, most on time, one late and one within the extension the leader granted before the due date
    (blocs.demo.cast_for says which); the leader accepted the early ones and has the rest to decide. The summary is
    due in two days: three units have sent theirs."""
    deadlines = {
        d.kind: d for d in year.deadlines.filter(kind__in=[DeadlineKind.YEAR_REPORT, DeadlineKind.SUMMARY_REPORT])
    }
    if Submission.objects.filter(deadline__in=deadlines.values()).exists():
        return
    cast = blocs_demo.cast_for(year)
    leader = blocs_demo.officer(year.leader)
    y = year.year

    def moment(days: int, hour: int) -> datetime.datetime:
        return blocs_demo.at(blocs_demo.days_from(today, days), datetime.time(hour, 0))

    report = deadlines[DeadlineKind.YEAR_REPORT]
    report_title = f"BÁO CÁO TỔNG KẾT CÔNG TÁC THI ĐUA, KHEN THƯỞNG NĂM {y}"
    extension = extension_grant(
        deadline=report,
        unit=cast.extended,
        due_at=blocs_demo.at(blocs_demo.days_from(today, blocs_demo.SUMMARY_DUE_DAYS)),
        reason=EXTENSION_REASON,
        by=leader,
    )
    Extension.objects.filter(pk=extension.pk).update(granted_at=moment(blocs_demo.YEAR_REPORT_DUE_DAYS - 1, 15))
    members = members_in_year(bloc=year.bloc, year=y)
    on_time = [u for u in members if u.pk not in {cast.late.pk, cast.extended.pk}]
    for index, unit in enumerate(on_time):
        days = blocs_demo.YEAR_REPORT_DUE_DAYS - 1 - index % 5  # spread over the days before the due date
        version = _upload(report, unit, kind_title=report_title, paragraphs=6, at=moment(days, 9 + index % 7))
        if unit.pk != year.leader_id and days < -4:
            _accept(version, by=leader)
    _upload(report, cast.late, kind_title=report_title, paragraphs=6, at=moment(-1, 15))
    _upload(report, cast.extended, kind_title=report_title, paragraphs=6, at=moment(-1, 9))

    summary = deadlines[DeadlineKind.SUMMARY_REPORT]
    for index, unit in enumerate(cast.summaries_sent):
        _upload(
            summary, unit, kind_title=f"BÁO CÁO TÓM TẮT THÀNH TÍCH NĂM {y}", paragraphs=3, at=moment(-2 + index % 2, 14)
        )
