"""Demo data: the live demo's current year has a mid-year review (sơ kết 6 tháng) of the internal-affairs bloc,
set up by the leader unit through the real services, the deputy leader unit presenting, a guest from the province's
board. Built on the day the demo runs: once its day has passed, the draft was commented on, every comment answered
and the minutes issued (all on their own dates); before it, the draft is out and the comment window open."""

import datetime

from django.utils import timezone

from blocs.covenant_demo import BY_CODE as SIGNATORIES
from blocs.models import EmulationYear, Person, RegisterEntry
from blocs.selectors import members_in_year
from scoring.demo import tiny_pdf

from ..enums import AnswerStatus, MeetingKind, Presenter
from ..models import Meeting, MeetingComment, MeetingDraft, MeetingMinutes, MeetingPlan
from ..services import meetings as services

HELD = (7, 10)  # 10 July, 8:00
START = datetime.time(8, 0)
SECTIONS = [
    "I. Kết quả công tác thi đua, khen thưởng 6 tháng đầu năm",
    "II. Phương hướng, nhiệm vụ 6 tháng cuối năm",
]
COMMENTS = [
    (SECTIONS[0], "Đề nghị bổ sung số liệu về các phong trào thi đua chuyên đề đã phát động trong 6 tháng."),
    ("", "Nhất trí với dự thảo; đề nghị nêu rõ các mô hình, điển hình tiên tiến được nhân rộng."),
    (SECTIONS[1], "Đề nghị bổ sung nhiệm vụ rà soát, đăng ký giao ước thi đua bổ sung (nếu có)."),
]
ANSWERS = [
    (AnswerStatus.ACCEPTED, "Đã bổ sung số liệu vào mục I của dự thảo."),
    (AnswerStatus.ACCEPTED, ""),
    (AnswerStatus.DECLINED, "Nội dung này đã có trong Kế hoạch phát động thi đua năm; không nhắc lại trong báo cáo."),
]


def _aware(day: datetime.date, moment: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, moment))


def _officer(unit):
    person = Person.objects.filter(unit=unit, user__is_active=True).select_related("user").order_by("pk").first()
    return person.user if person else None


def seed_mid_year_review(year: EmulationYear, today: datetime.date) -> Meeting | None:
    """The current year's mid-year review. Idempotent: a year that has one keeps it."""
    if year.deputy_id is None or Meeting.objects.filter(year=year, kind=MeetingKind.MID_YEAR).exists():
        return None
    leader, deputy = _officer(year.leader), _officer(year.deputy)
    if leader is None or deputy is None:
        return None
    # The chair: the head of the leader unit, who signs its documents (not the officer who keeps the minutes).
    _target, chair_name, chair_position = SIGNATORIES.get(year.leader.code, ("", "Nguyễn Văn An", "Thủ trưởng đơn vị"))
    chair_position = chair_position.split(", ")[-1]
    held_on = datetime.date(year.year, *HELD)
    past = today > held_on
    if not past:  # before the day, the window runs from three days ago to two days before the meeting
        held_on = max(held_on, today + datetime.timedelta(days=7))
    opens_on = held_on - datetime.timedelta(days=15) if past else today - datetime.timedelta(days=3)
    closes_on = held_on - datetime.timedelta(days=2)
    board = (
        Person.objects.filter(board_province_id=year.bloc.province_id, user__is_active=True)
        .select_related("user", "board_province")
        .order_by("pk")
        .first()
    )
    guests = [services.board_guest(board)] if board is not None else []
    guests.append({"name": "Phạm Thị Hồng", "position": "Phó Giám đốc", "body": "Sở Nội vụ tỉnh"})
    meeting = services.meeting_save(
        meeting=Meeting(
            year=year,
            kind=MeetingKind.MID_YEAR,
            held_at=_aware(held_on, START),
            place=f"Hội trường {year.deputy.name}",
            chair_name=chair_name,
            chair_position=f"{chair_position}, {year.leader.name} - đơn vị Trưởng Khối",
            presenter=Presenter.DEPUTY,
            guests=guests,
            comments_open_at=_aware(opens_on, datetime.time(0, 0)),
            comments_close_at=_aware(closes_on, datetime.time(23, 59)),
        ),
        by=leader,
    )
    # its plan, issued two weeks before (a plan is optional; this bloc writes one)
    from core.documents import lifecycle

    plan = lifecycle.save_draft(
        services.MEETING_PLAN, services.MEETING_PLAN.initial(meeting), expected_version=None, by=leader
    )
    # after the launch plan 05/KH of February (registered with the conference plan, conference/demo), before it
    register = services.MEETING_PLAN.register
    number = max(6, register.next_number(bloc=year.bloc, year=plan.dated.year, doc_type="KH"))
    plan = lifecycle.issue(services.MEETING_PLAN, plan, number=number, by=leader)
    plan_issued = _aware(plan.dated, datetime.time(16, 0))
    MeetingPlan.objects.filter(pk=plan.pk).update(issued_at=plan_issued)
    RegisterEntry.objects.filter(bloc=year.bloc, year=plan.dated.year, doc_type="KH", number=plan.number).update(
        registered_at=plan_issued
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(
        f"du-thao-bao-cao-so-ket-6-thang-{year.year}.pdf",
        tiny_pdf(f"Du thao Bao cao so ket 6 thang dau nam {year.year}"),
        content_type="application/pdf",
    )
    draft = services.draft_publish(meeting=meeting, upload=upload, sections=SECTIONS, by=deputy)
    published = _aware(opens_on, datetime.time(9, 0))
    MeetingDraft.objects.filter(pk=draft.pk).update(published_at=published, created_at=published)
    commenters = [u for u in members_in_year(bloc=year.bloc, year=year.year) if u.pk not in (year.deputy_id,)]
    written = []
    for number, (unit, (section, text)) in enumerate(zip(commenters, COMMENTS, strict=False)):
        officer = _officer(unit)
        if officer is None:
            continue
        moment = published + datetime.timedelta(days=1 + number, hours=number)
        comment = services.comment_add(draft=draft, unit=unit, section=section, text=text, by=officer, at=moment)
        MeetingComment.objects.filter(pk=comment.pk).update(created_at=moment)
        written.append((comment, moment))
    if not past:
        return meeting
    for (comment, moment), (status, answer) in zip(written, ANSWERS, strict=False):
        services.comment_answer(comment=comment, status=status, answer=answer, by=deputy)
        MeetingComment.objects.filter(pk=comment.pk).update(answered_at=moment + datetime.timedelta(days=1))
    minutes = services.MEETING_MINUTES.initial(meeting)
    minutes.ended_at = datetime.time(10, 30)
    minutes.proceedings += (
        f"\nĐồng chí {guests[0]['name']}, {guests[0]['position']}, phát biểu ghi nhận kết quả 6 tháng đầu năm của "
        "Khối và đề nghị các đơn vị tiếp tục đổi mới nội dung, hình thức tổ chức các phong trào thi đua."
        if board is not None
        else ""
    )
    minutes = services.minutes_save(minutes=minutes, expected_version=None, by=leader)
    minutes = services.minutes_issue(minutes=minutes, number=None, by=leader)
    issued_at = _aware(held_on, datetime.time(11, 0))
    MeetingMinutes.objects.filter(pk=minutes.pk).update(issued_at=issued_at)
    RegisterEntry.objects.filter(bloc=year.bloc, year=held_on.year, doc_type="BB", number=minutes.number).update(
        registered_at=issued_at
    )
    return meeting
