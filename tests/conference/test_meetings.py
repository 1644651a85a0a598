"""The bloc's meetings other than the year-end conference: a mid-year review set up by the leader with the deputy
presenting and a guest from the board; its calendar entry is an event (no file owed, no reminder); the deputy
publishes the draft and answers the comments taken in the meeting's window; the leader issues the minutes, titled
as a mid-year review in the bloc's register; every URL for every role; the document and the command."""

import datetime

import pytest
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from blocs.enums import DeadlineKind
from blocs.models import Deadline
from conference.enums import AnswerStatus, MeetingKind, Presenter
from conference.models import Meeting, MeetingComment, MeetingDraft, MeetingMinutes
from conference.services import meetings as services
from conference.services.meetings import MEETING_MINUTES
from core.models import Notification
from reports.obligations import State, unit_obligations
from scoring.demo import tiny_pdf
from tests.conftest import ROLES

HCM = datetime.timezone(datetime.timedelta(hours=7))
LOGIN, BACK = "login", "back"
SECTIONS = ["I. Kết quả 6 tháng đầu năm", "II. Nhiệm vụ 6 tháng cuối năm"]


def at(day: int, month: int = 7, hour: int = 8) -> datetime.datetime:
    return datetime.datetime(2020, month, day, hour, 0, tzinfo=HCM)


def pdf(name: str = "du-thao-so-ket.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf("Du thao bao cao so ket"), content_type="application/pdf")


def new_meeting(world, **fields) -> Meeting:
    values = {
        "year": world.year,
        "kind": MeetingKind.MID_YEAR,
        "held_at": at(11),
        "place": "Hội trường Sở Tư pháp",
        "chair_name": "Nguyễn Văn Chủ",
        "chair_position": "Giám đốc Sở",
        "presenter": Presenter.DEPUTY,
        "guests": [{"name": "Lê Thị Khách", "position": "Phó Trưởng ban", "body": "Ban Thi đua - Khen thưởng tỉnh"}],
        "comments_open_at": timezone.now() - datetime.timedelta(days=1),
        "comments_close_at": timezone.now() + datetime.timedelta(days=5),
    }
    values.update(fields)
    return Meeting(**values)


@pytest.fixture
def meeting(world) -> Meeting:
    return services.meeting_save(meeting=new_meeting(world), by=world.leader)


@pytest.fixture
def draft(world, meeting) -> MeetingDraft:
    return services.draft_publish(meeting=meeting, upload=pdf(), sections=SECTIONS, by=world.deputy)


# --- setting a meeting up -----------------------------------------------------------------------------------


def test_the_leader_sets_up_a_mid_year_review_written_into_the_calendar_as_an_event(world, meeting):
    entry = Deadline.objects.get(pk=meeting.deadline_id)
    assert entry.kind == DeadlineKind.MEETING
    assert entry.title == "Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2020"
    assert entry.due_at == at(11)
    # Nobody owes anything for it: an event on every member's list, never missing, never reminded.
    for unit in (world.member_unit, world.leader_unit):
        obligations = {ob.deadline.pk: ob for ob in unit_obligations(world.year, unit, now=at(20))}
        assert obligations[entry.pk].state == State.EVENT
    from reports.services.reminders import REMINDER_KINDS
    from reports.services.submissions import FILE_KINDS

    assert DeadlineKind.MEETING not in FILE_KINDS | REMINDER_KINDS
    # The member units' officers are told.
    assert Notification.objects.filter(recipient=world.member).count() == 1


def test_only_the_leader_or_the_board_sets_a_meeting_up(world):
    refusals = {"deputy": PermissionDenied, "member": PermissionDenied, "outsider": Http404, "other_board": Http404}
    for role, refusal in refusals.items():  # 404 to whoever may not know the year exists
        with pytest.raises(refusal):
            services.meeting_save(meeting=new_meeting(world), by=world.user(role))
    assert services.meeting_save(meeting=new_meeting(world), by=world.board).pk
    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": MeetingKind.THEMATIC, "subject": ""}, "subject"),
        ({"held_at": datetime.datetime(2021, 7, 1, 8, tzinfo=HCM)}, "held_at"),
        ({"comments_close_at": None}, "comments_close_at"),
        ({"comments_open_at": at(20), "comments_close_at": at(10)}, "comments_close_at"),
    ],
)
def test_a_meeting_with_a_wrong_field_is_refused_by_field_and_nothing_is_stored(world, fields, field):
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(meeting=new_meeting(world, **fields), by=world.leader)
    assert field in refused.value.message_dict
    assert (Meeting.objects.count(), Deadline.objects.filter(kind=DeadlineKind.MEETING).count()) == (0, 0)


def test_the_deputy_cannot_present_in_a_year_without_a_deputy(world):
    world.year.deputy = None
    world.year.save(update_fields=["deputy"])
    with pytest.raises(ValidationError) as refused:
        services.meeting_save(meeting=new_meeting(world), by=world.leader)
    assert "presenter" in refused.value.message_dict


def test_a_guest_line_is_parsed_and_a_bad_line_named():
    assert services.parse_guests("Trần Văn B; Phó Giám đốc; Sở Nội vụ\n\nNguyễn C") == [
        {"name": "Trần Văn B", "position": "Phó Giám đốc", "body": "Sở Nội vụ"},
        {"name": "Nguyễn C", "position": "", "body": ""},
    ]
    with pytest.raises(ValidationError) as refused:
        services.parse_guests("A; b\n; chức vụ; cơ quan")
    assert "2" in refused.value.message_dict["other_guests"][0]


# --- the draft and its comments -----------------------------------------------------------------------------


def test_the_deputy_presenting_publishes_the_draft_and_the_leader_may_not(world, meeting):
    with pytest.raises(PermissionDenied):
        services.draft_publish(meeting=meeting, upload=pdf(), sections=SECTIONS, by=world.leader)
    draft = services.draft_publish(meeting=meeting, upload=pdf(), sections=SECTIONS, by=world.deputy)
    assert (draft.version, draft.sections) == (1, SECTIONS)
    again = services.draft_publish(meeting=meeting, upload=pdf("v2.pdf"), sections=SECTIONS, by=world.deputy)
    assert again.version == 2
    # Told: the member unit and the leader unit, not the presenter.
    told = set(Notification.objects.filter(link__endswith="#drafts").values_list("recipient_id", flat=True))
    assert told == {world.member.pk, world.leader.pk}


def test_a_member_comments_in_the_window_and_the_deputy_answers(world, meeting, draft):
    comment = services.comment_add(
        draft=draft, unit=world.member_unit, section=SECTIONS[0], text="Bổ sung số liệu.", by=world.member
    )
    with pytest.raises(PermissionDenied):  # the leader is not the presenter of this meeting
        services.comment_answer(comment=comment, status=AnswerStatus.ACCEPTED, answer="", by=world.leader)
    with pytest.raises(ValidationError) as refused:
        services.comment_answer(comment=comment, status=AnswerStatus.DECLINED, answer="", by=world.deputy)
    assert "answer" in refused.value.message_dict
    services.comment_answer(comment=comment, status=AnswerStatus.ACCEPTED, answer="Đã bổ sung.", by=world.deputy)
    comment.refresh_from_db()
    assert (comment.answer_status, comment.answer, comment.answered_by) == (
        AnswerStatus.ACCEPTED,
        "Đã bổ sung.",
        world.deputy,
    )
    assert Notification.objects.filter(recipient=world.member, link__endswith=f"#comment-{comment.pk}").exists()
    # The presenter answers; it does not comment on its own draft.
    with pytest.raises(PermissionDenied):
        services.comment_add(draft=draft, unit=world.deputy_unit, section="", text="x", by=world.deputy)


def test_comments_are_taken_only_inside_the_meetings_window(world, meeting, draft):
    before, after = meeting.comments_open_at - datetime.timedelta(hours=1), meeting.comments_close_at
    for moment, code in ((before, "not_open"), (after + datetime.timedelta(minutes=1), "closed")):
        with pytest.raises(ValidationError) as refused:
            services.comment_add(
                draft=draft, unit=world.member_unit, section="", text="Ý kiến.", by=world.member, at=moment
            )
        assert refused.value.code == code
    assert not MeetingComment.objects.exists()


def test_a_comment_on_an_older_version_or_an_unknown_section_is_refused(world, meeting, draft):
    services.draft_publish(meeting=meeting, upload=pdf("v2.pdf"), sections=SECTIONS, by=world.deputy)
    with pytest.raises(ValidationError):
        services.comment_add(draft=draft, unit=world.member_unit, section="", text="Ý kiến.", by=world.member)
    latest = meeting.drafts.order_by("-version").first()
    with pytest.raises(ValidationError) as refused:
        services.comment_add(draft=latest, unit=world.member_unit, section="III. Khác", text="x", by=world.member)
    assert "section" in refused.value.message_dict


# --- the minutes --------------------------------------------------------------------------------------------


def test_the_minutes_start_from_the_meeting_and_are_issued_by_the_leader_as_a_mid_year_review(world, meeting):
    minutes = MEETING_MINUTES.initial(meeting)
    assert minutes.place == "Hội trường Sở Tư pháp"
    assert "Đồng chí Lê Thị Khách - Phó Trưởng ban, Ban Thi đua - Khen thưởng tỉnh" in minutes.guests
    assert f"{world.deputy_unit.name} - đơn vị Phó Trưởng Khối trình bày" in minutes.proceedings
    minutes = services.minutes_save(minutes=minutes, expected_version=None, by=world.leader)
    with pytest.raises(PermissionDenied):
        services.minutes_issue(minutes=minutes, number=None, by=world.deputy)
    issued = services.minutes_issue(minutes=minutes, number=None, by=world.leader)
    assert issued.is_issued
    assert issued.number_text == f"01/BB-{world.bloc.code}"

    document = MEETING_MINUTES.build(MEETING_MINUTES.load(str(issued.pk)))
    assert document.doc_type == "BIÊN BẢN"
    assert document.title_lines[0] == "Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2020"
    text = "\n".join(block.text for block in document.blocks)
    assert "tổ chức Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2020" in text
    assert "Lê Thị Khách" in text and "Phó Trưởng Khối trình bày" in text


def test_the_command_writes_the_mid_year_minutes_as_a_pdf(world, meeting, tmp_path):
    minutes = services.minutes_save(minutes=MEETING_MINUTES.initial(meeting), expected_version=None, by=world.leader)
    services.minutes_issue(minutes=minutes, number=None, by=world.leader)
    output = tmp_path / "bb.pdf"
    call_command(
        "render_document", "meeting-minutes", "--bloc", "KTĐNC", "--year", "2020", "--meeting", "mid-year",
        "--output", str(output),
    )  # fmt: skip
    import pdfplumber

    with pdfplumber.open(output) as document:
        text = "\n".join(page.extract_text() for page in document.pages)
    assert "BIÊN BẢN" in text
    assert "sơ kết công tác thi đua" in " ".join(text.split())
    assert "Lê Thị Khách" in text


# --- every URL for every role -------------------------------------------------------------------------------

KNOWERS = ("member", "deputy", "leader", "board")  # may know the year exists; the others get 404


def statuses(ok, ok_status=200) -> dict:
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = LOGIN
        elif role in ok:
            table[role] = ok_status
        else:
            table[role] = 403 if role in KNOWERS else 404
    return table


def urls(world, meeting, draft, comment):
    y = (world.bloc.slug, 2020)
    m = (*y, meeting.pk)
    return {
        "meetings": ("get", reverse("conference:meetings", args=y), None, statuses(KNOWERS)),
        "meeting-new": ("get", reverse("conference:meeting-new", args=y), None, statuses(("leader", "board"))),
        "meeting": ("get", reverse("conference:meeting", args=m), None, statuses(KNOWERS)),
        "meeting-edit": ("get", reverse("conference:meeting-edit", args=m), None, statuses(("leader", "board"))),
        "meeting-draft-download": (
            "get",
            reverse("conference:meeting-draft-download", args=(*m, draft.version)),
            None,
            statuses(KNOWERS),
        ),
        "meeting-publish": (
            "post",
            reverse("conference:meeting-publish", args=m),
            lambda: {"file": pdf(), "sections": "\n".join(SECTIONS)},
            statuses(("deputy",), BACK),
        ),
        "meeting-comment": (
            "post",
            reverse("conference:meeting-comment", args=m),
            lambda: {"section": "", "text": "Nhất trí."},
            statuses(("member", "leader"), BACK),
        ),
        "meeting-answer": (
            "post",
            reverse("conference:meeting-answer", args=(*m, comment.pk)),
            lambda: {"status": "accepted", "answer": ""},
            statuses(("deputy",), BACK),
        ),
        "meeting-minutes": ("get", reverse("conference:meeting-minutes", args=m), None, statuses(KNOWERS)),
        "meeting-minutes-edit": (
            "get",
            reverse("conference:meeting-minutes-edit", args=m),
            None,
            statuses(("leader",)),
        ),
    }


URL_NAMES = [
    "meetings",
    "meeting-new",
    "meeting",
    "meeting-edit",
    "meeting-draft-download",
    "meeting-publish",
    "meeting-comment",
    "meeting-answer",
    "meeting-minutes",
    "meeting-minutes-edit",
]


def db_state() -> tuple:
    return (
        list(MeetingDraft.objects.order_by("pk").values_list("version", flat=True)),
        list(MeetingComment.objects.order_by("pk").values_list("text", "answer_status")),
        MeetingMinutes.objects.count(),
        Meeting.objects.count(),
    )


@pytest.mark.parametrize(
    ("name", "role"), [pytest.param(name, role, id=f"{name}-{role}") for name in URL_NAMES for role in ROLES]
)
def test_url_by_role(world, meeting, draft, client_as, name, role):
    comment = services.comment_add(draft=draft, unit=world.member_unit, section="", text="Ý kiến.", by=world.member)
    method, path, data, table = urls(world, meeting, draft, comment)[name]
    expected = table[role]
    before = db_state()

    response = getattr(client_as(world.user(role)), method)(path, data() if data else {})

    if expected == LOGIN:
        assert (response.status_code, response.url) == (302, redirect_to_login(path).url)
    elif expected == BACK:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response.url.startswith(reverse("conference:meeting", args=(world.bloc.slug, 2020, meeting.pk)))
        assert db_state() != before
    else:
        assert response.status_code == expected
        if method == "post":
            assert db_state() == before


def test_every_meeting_url_is_in_the_table():
    from conference.urls import meetings as meeting_urls

    names = {p.name for p in meeting_urls.urlpatterns}
    # the documents' shared pages (core/documents/views.py, tested there), and the plan's (test_the_plan_page_by_role)
    documents = {f"meeting-{kind}-{use}" for kind in ("minutes", "plan") for use in ("preview", "issue", "new-version")}
    documents |= {"meeting-minutes-render", "meeting-plan-render", "meeting-plan", "meeting-plan-edit"}
    assert names - documents == set(URL_NAMES)


def test_a_meeting_of_another_year_is_404(world, meeting, client_as):
    from tests.factories import EmulationYearFactory

    EmulationYearFactory(bloc=world.bloc, year=2021, leader=world.leader_unit, deputy=world.deputy_unit)
    response = client_as(world.member).get(reverse("conference:meeting", args=(world.bloc.slug, 2021, meeting.pk)))
    assert response.status_code == 404


# --- pages ----------------------------------------------------------------------------------------------------


def test_the_form_creates_a_meeting_with_a_board_guest_and_other_guests(world, client_as):
    from blocs.models import Person

    board_person = Person.objects.get(user=world.board)
    response = client_as(world.leader).post(
        reverse("conference:meeting-new", args=(world.bloc.slug, 2020)),
        {
            "kind": MeetingKind.MID_YEAR,
            "subject": "",
            "held_on": "11/07/2020",
            "start_time": "08:00",
            "place": "Hội trường",
            "chair_name": "Nguyễn Văn Chủ",
            "chair_position": "Giám đốc",
            "presenter": Presenter.DEPUTY,
            "board_guests": [board_person.pk],
            "other_guests": "Trần Văn B; Phó Giám đốc; Sở Nội vụ",
            "comments_from": "01/07/2020",
            "comments_until": "08/07/2020",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("conference:meeting", args=(world.bloc.slug, 2020, meeting.pk))
    assert [g["name"] for g in meeting.guests] == [world.board.full_name, "Trần Văn B"]
    assert meeting.guests[0]["person"] == board_person.pk
    assert timezone.localtime(meeting.held_at).strftime("%d/%m/%Y %H:%M") == "11/07/2020 08:00"
    assert timezone.localtime(meeting.comments_close_at).strftime("%d/%m/%Y %H:%M") == "08/07/2020 23:59"


def test_a_bad_form_says_what_is_wrong_and_keeps_the_input(world, client_as):
    response = client_as(world.leader).post(
        reverse("conference:meeting-new", args=(world.bloc.slug, 2020)),
        {"kind": MeetingKind.THEMATIC, "held_on": "11/07/2020", "start_time": "08:00", "place": "Hội trường",
         "presenter": Presenter.LEADER, "other_guests": "; chức vụ"},
    )  # fmt: skip
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) >= {"subject", "other_guests"}
    assert form["place"].value() == "Hội trường"
    assert not Meeting.objects.exists()


def test_the_meeting_page_costs_the_same_whatever_the_comments(
    world, meeting, draft, client_as, django_assert_max_num_queries
):
    path = reverse("conference:meeting", args=(world.bloc.slug, 2020, meeting.pk))
    client = client_as(world.deputy)
    client.get(path)
    for _ in range(6):
        services.comment_add(draft=draft, unit=world.member_unit, section=SECTIONS[0], text="Ý kiến.", by=world.member)
    with django_assert_max_num_queries(30):
        assert client.get(path).status_code == 200


def test_the_year_calendar_and_the_home_show_the_meeting_as_an_event(world, meeting, client_as):
    from dashboards.selectors import EVENT, unit_todo

    todo = unit_todo(year=world.year, unit=world.member_unit, now=at(1))
    item = next(i for i in todo.items if i.obligation.deadline.pk == meeting.deadline_id)
    assert item.group == EVENT
    assert item.url.endswith(f"/meetings/#deadline-{meeting.deadline_id}")
    page = client_as(world.member).get(reverse("conference:meetings", args=(world.bloc.slug, 2020)))
    assert f'id="deadline-{meeting.deadline_id}"' in page.content.decode()


# --- the plan (optional) ----------------------------------------------------------------------------------------


def test_the_leader_writes_and_issues_an_optional_plan_numbered_in_the_register_of_plans(world, meeting):
    from conference.services.meetings import MEETING_PLAN

    plan = MEETING_PLAN.initial(meeting)
    assert "6 tháng đầu năm 2020" in plan.purpose
    assert f"{world.deputy_unit.name} trình bày dự thảo Báo cáo sơ kết" in plan.agenda
    assert "Đồng chí Lê Thị Khách" in plan.participants and world.member_unit.name in plan.participants
    assert plan.signer_name == "Nguyễn Văn Chủ"
    from core.documents import lifecycle

    with pytest.raises(PermissionDenied):
        lifecycle.save_draft(MEETING_PLAN, plan, expected_version=None, by=world.deputy)
    plan = lifecycle.save_draft(MEETING_PLAN, plan, expected_version=None, by=world.leader)
    issued = lifecycle.issue(MEETING_PLAN, plan, number=None, by=world.leader)
    assert issued.number_text == f"01/KH-{world.bloc.code}"
    document = MEETING_PLAN.build(MEETING_PLAN.load(str(issued.pk)))
    assert document.doc_type == "KẾ HOẠCH"
    assert document.title_lines[0] == "Tổ chức Hội nghị sơ kết công tác thi đua, khen thưởng 6 tháng đầu năm 2020"
    text = "\n".join(block.text for block in document.blocks)
    assert "ngày **11/07/2020 (Thứ bảy)**" in text and "Hội trường Sở Tư pháp" in text


@pytest.mark.parametrize("role", ROLES)
def test_the_plan_page_by_role(world, meeting, client_as, role):
    path = reverse("conference:meeting-plan", args=(world.bloc.slug, 2020, meeting.pk))
    edit = reverse("conference:meeting-plan-edit", args=(world.bloc.slug, 2020, meeting.pk))
    client = client_as(world.user(role))
    page, editor = client.get(path), client.get(edit)
    if role == "anonymous":
        assert (page.status_code, editor.status_code) == (302, 302)
    elif role in KNOWERS:
        assert page.status_code == 200
        assert editor.status_code == (200 if role == "leader" else 403)
    else:
        assert (page.status_code, editor.status_code) == (404, 404)
