"""The comment round on the draft report: publishing versions, comments inside the calendar's window (time travel
with `at=`), the leader's answers and who is told, every URL for every role, and the page's query count."""

import datetime
import io
from html import unescape

import pytest
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from blocs.enums import DeadlineKind, Phase
from conference.enums import AnswerStatus
from conference.models import Comment, DraftReport
from conference.services import comments as comments
from core.models import AuditLog, Notification, OutboxMessage
from scoring.demo import tiny_pdf
from tests.conftest import ROLES
from tests.factories import DeadlineFactory, MembershipFactory, UnitFactory, officer_of

LOGIN = "login"  # anonymous: 302 to the login page with ?next=
BACK = "back"  # 302 back to the page: the write went through
Y = {"slug": "ktdnc", "year": 2020}
PAGE = reverse("conference:draft-report", kwargs=Y)
PUBLISH = reverse("conference:draft-publish", kwargs=Y)
COMMENT = reverse("conference:draft-comment", kwargs=Y)
VIEWERS = ("board", "leader", "deputy", "member")
COMMENTERS = ("deputy", "member")  # the leader unit wrote the draft: it answers, it does not comment
# Who may not even know that the year exists (an officer outside the bloc, another province's board, a superuser
# without a unit or board): 404, the answer for a year that does not exist. The insiders are refused with 403.
STRANGERS = ("outsider", "other_board", "admin")
SECTIONS = ["I. Kết quả thực hiện nhiệm vụ năm 2020", "II. Phương hướng nhiệm vụ năm 2021"]
HCM = datetime.timezone(datetime.timedelta(hours=7))


def vi(msgid: str, context: str | None = None) -> str:
    """The Vietnamese wording of a message (the msgid itself until the translation lands)."""
    with translation.override("vi"):
        return translation.pgettext(context, msgid) if context else gettext(msgid)


def page_text(response) -> str:
    return unescape(response.content.decode())


def pdf(name: str = "du-thao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf("Du thao bao cao tong ket"), content_type="application/pdf")


def docx(name: str = "du-thao.docx") -> SimpleUploadedFile:
    from docx import Document

    buffer = io.BytesIO()
    Document().save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def encrypted_pdf() -> SimpleUploadedFile:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("mat-khau")
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("du-thao.pdf", buffer.getvalue())


def pdf_or_docx() -> str:
    return gettext("%(first)s or %(last)s") % {"first": "PDF", "last": "DOCX"}


def db_state() -> dict:
    return {
        "drafts": list(DraftReport.objects.order_by("pk").values_list("version", "sections")),
        "comments": list(Comment.objects.order_by("pk").values_list("section", "text", "answer_status", "answer")),
        "notifications": Notification.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "audit": AuditLog.objects.count(),
    }


@pytest.fixture
def window(world):
    """The year's comment round, open now (two days in, five to go)."""
    now = timezone.now()
    return DeadlineFactory(
        kind=DeadlineKind.COMMENT_ROUND,
        year=world.year,
        title="Tham gia ý kiến dự thảo báo cáo tổng kết",
        opens_at=now - datetime.timedelta(days=2),
        due_at=now + datetime.timedelta(days=5),
    )


@pytest.fixture
def draft(world, window) -> DraftReport:
    return comments.draft_publish(year=world.year, upload=pdf(), sections=SECTIONS, by=world.leader)


@pytest.fixture
def comment(world, draft) -> Comment:
    return comments.comment_add(
        draft=draft, unit=world.member_unit, section=SECTIONS[0], text="Bổ sung số liệu quý IV.", by=world.member
    )


# --- publishing -------------------------------------------------------------------------------------------


def test_each_publication_is_a_new_version(world, window):
    first = comments.draft_publish(year=world.year, upload=pdf(), sections=SECTIONS, by=world.leader)
    second = comments.draft_publish(
        year=world.year, upload=docx(), sections=["  Phần  một ", "", "Phần một", "Phần hai"], by=world.leader
    )

    assert list(DraftReport.objects.order_by("version").values_list("version", "original_name", "sections")) == [
        (1, "du-thao.pdf", SECTIONS),
        (2, "du-thao.docx", ["Phần một", "Phần hai"]),
    ]
    assert (first.published_by, second.published_by) == (world.leader, world.leader)
    with first.file.open("rb") as stored:
        assert stored.read() == tiny_pdf("Du thao bao cao tong ket")
    assert list(
        AuditLog.objects.filter(action="conference.draft.published").order_by("pk").values_list("data", flat=True)
    ) == [
        {"version": 1, "sections": SECTIONS},
        {"version": 2, "sections": ["Phần một", "Phần hai"]},
    ]


def test_publishing_notifies_every_member_units_officers(world, window):
    second_member_officer = officer_of(world.member_unit)
    officer_of(world.outsider_unit)

    draft = comments.draft_publish(year=world.year, upload=pdf(), sections=SECTIONS, by=world.leader)

    rows = Notification.objects.order_by("recipient_id")
    assert [n.recipient for n in rows] == [world.deputy, world.member, second_member_officer]
    params = {"bloc": world.bloc.short_name, "year": 2020, "version": 1}
    assert {(n.title, n.link) for n in rows} == {
        (vi("Draft report for comments: %(bloc)s %(year)s (version %(version)s)") % params, PAGE)
    }
    window_text = vi("From %(start)s to %(end)s") % {
        "start": timezone.localtime(window.opens_at).strftime("%d/%m/%Y"),
        "end": timezone.localtime(window.due_at).strftime("%d/%m/%Y"),
    }
    assert rows[0].body == vi(
        "The leader unit published version %(version)s of the draft summary report of %(bloc)s for %(year)s. "
        "Send your comments in the window: %(window)s."
    ) % {**params, "window": window_text}
    assert sorted(OutboxMessage.objects.values_list("to_email", flat=True)) == sorted(
        u.email for u in (world.deputy, world.member, second_member_officer)
    )
    assert draft.version == 1


def test_notifications_follow_each_recipients_language(world, window):
    world.member.language = "en"
    world.member.save(update_fields=["language"])

    with translation.override("vi"):
        comments.draft_publish(year=world.year, upload=pdf(), sections=SECTIONS, by=world.leader)

    note = Notification.objects.get(recipient=world.member)
    with translation.override("en"):
        expected = gettext("Draft report for comments: %(bloc)s %(year)s (version %(version)s)")
    assert note.title == expected % {"bloc": world.bloc.short_name, "year": 2020, "version": 1}


BAD_FILES = {
    "exe renamed to pdf": (
        lambda: SimpleUploadedFile("du-thao.pdf", b"MZ\x90\x00\x03\x00\x00\x00" * 64),
        "The file “%(name)s” is not a valid %(allowed)s file (its content was checked, not its name).",
        lambda: {"name": "du-thao.pdf", "allowed": pdf_or_docx()},
    ),
    "empty": (
        lambda: SimpleUploadedFile("du-thao.pdf", b""),
        "The file “%(name)s” is empty.",
        lambda: {"name": "du-thao.pdf"},
    ),
    "encrypted": (
        encrypted_pdf,
        "The file “%(name)s” is encrypted or password-protected; send it without protection.",
        lambda: {"name": "du-thao.pdf"},
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_message_and_nothing_stored(world, window, case):
    make, msgid, params = BAD_FILES[case]
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        comments.draft_publish(year=world.year, upload=make(), sections=SECTIONS, by=world.leader)

    assert refused.value.message_dict == {"file": [gettext(msgid) % params()]}
    assert db_state() == before


def test_an_overlong_section_title_is_refused(world, window):
    with pytest.raises(ValidationError) as refused:
        comments.draft_publish(year=world.year, upload=pdf(), sections=["x" * 301], by=world.leader)

    assert list(refused.value.message_dict) == ["sections"]
    assert DraftReport.objects.count() == 0


@pytest.mark.parametrize("role", ["deputy", "member", "board", "outsider"])
def test_only_the_leader_publishes(world, window, role):
    with pytest.raises(Http404 if role in STRANGERS else PermissionDenied):
        comments.draft_publish(year=world.year, upload=pdf(), sections=SECTIONS, by=world.user(role))
    assert DraftReport.objects.count() == 0


def test_nothing_is_published_in_a_closed_year(world, window):
    world.year.phase = Phase.CLOSED
    world.year.save(update_fields=["phase"])

    with pytest.raises(PermissionDenied):
        comments.draft_publish(year=world.year, upload=pdf(), sections=SECTIONS, by=world.leader)


# --- commenting: the window -------------------------------------------------------------------------------


def test_members_comment_on_a_section_or_in_general(world, draft):
    on_section = comments.comment_add(
        draft=draft, unit=world.member_unit, section=SECTIONS[1], text="  Nêu rõ chỉ tiêu.  ", by=world.member
    )
    general = comments.comment_add(draft=draft, unit=world.deputy_unit, section="", text="Nhất trí.", by=world.deputy)

    assert list(Comment.objects.order_by("pk").values_list("unit", "author", "section", "text", "answer_status")) == [
        (world.member_unit.pk, world.member.pk, SECTIONS[1], "Nêu rõ chỉ tiêu.", AnswerStatus.PENDING),
        (world.deputy_unit.pk, world.deputy.pk, "", "Nhất trí.", AnswerStatus.PENDING),
    ]
    assert (on_section.draft, general.draft) == (draft, draft)


def _real_window(world) -> None:
    """The 2020 plan's window: from 25/10/2020 to 31/10/2020 23:59, Asia/Ho_Chi_Minh."""
    world.year.deadlines.filter(kind=DeadlineKind.COMMENT_ROUND).update(
        opens_at=datetime.datetime(2020, 10, 25, 0, 0, tzinfo=HCM),
        due_at=datetime.datetime(2020, 10, 31, 23, 59, tzinfo=HCM),
    )


OUTSIDE = {
    "before it opens": (
        datetime.datetime(2020, 10, 24, 23, 59, tzinfo=HCM),
        "Comments on the draft are taken from %(start)s to %(end)s; the window opens at %(opens)s (now: %(now)s).",
        {"start": "25/10/2020", "end": "31/10/2020", "opens": "25/10/2020 00:00", "now": "24/10/2020 23:59"},
    ),
    "after it closes (the next local day)": (
        datetime.datetime(2020, 11, 1, 0, 0, tzinfo=HCM),
        "Comments on the draft were taken from %(start)s to %(end)s; the window closed at %(closed)s (now: %(now)s).",
        {"start": "25/10/2020", "end": "31/10/2020", "closed": "31/10/2020 23:59", "now": "01/11/2020 00:00"},
    ),
}


@pytest.mark.parametrize("case", OUTSIDE)
def test_a_comment_outside_the_window_is_refused_with_the_window_and_nothing_stored(world, draft, case):
    _real_window(world)
    at, msgid, params = OUTSIDE[case]
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        comments.comment_add(
            draft=draft, unit=world.member_unit, section="", text="Góp ý muộn.", by=world.member, at=at
        )

    assert refused.value.messages == [gettext(msgid) % params]
    assert db_state() == before


@pytest.mark.parametrize(
    "at",
    [
        datetime.datetime(2020, 10, 25, 0, 0, tzinfo=HCM),  # the first minute
        datetime.datetime(2020, 10, 31, 23, 59, tzinfo=HCM),  # the last minute, local time
    ],
)
def test_the_window_holds_its_first_and_last_minute(world, draft, at):
    _real_window(world)

    comments.comment_add(draft=draft, unit=world.member_unit, section="", text="Nhất trí.", by=world.member, at=at)

    assert Comment.objects.count() == 1


def test_without_a_window_in_the_calendar_the_leader_must_set_it(world, draft):
    world.year.deadlines.filter(kind=DeadlineKind.COMMENT_ROUND).delete()

    with pytest.raises(ValidationError) as refused:
        comments.comment_add(draft=draft, unit=world.member_unit, section="", text="Nhất trí.", by=world.member)

    assert refused.value.messages == [
        gettext(
            "The calendar of %(year)s has no comment round yet: the leader unit must set its window "
            "(a “Comment round” deadline) before members can comment."
        )
        % {"year": 2020}
    ]
    assert Comment.objects.count() == 0


def test_of_two_rounds_the_one_holding_the_moment_counts(world, draft, window):
    later = DeadlineFactory(
        kind=DeadlineKind.COMMENT_ROUND,
        year=world.year,
        opens_at=window.due_at + datetime.timedelta(days=10),
        due_at=window.due_at + datetime.timedelta(days=12),
    )

    assert comments.comment_window(world.year).deadline == window
    assert comments.comment_window(world.year, at=window.due_at + datetime.timedelta(days=1)).deadline == later
    assert comments.comment_window(world.year, at=later.due_at + datetime.timedelta(days=1)).deadline == later


# --- commenting: who and on what --------------------------------------------------------------------------


def test_a_unit_that_is_not_a_member_of_the_year_is_refused(world, draft):
    with pytest.raises(ValidationError) as refused:
        comments.comment_add(draft=draft, unit=world.outsider_unit, section="", text="Góp ý.", by=world.outsider)

    assert refused.value.messages == [
        gettext("%(unit)s is not a member unit of %(bloc)s in %(year)s, so it cannot comment on its draft report.")
        % {"unit": world.outsider_unit.short_name, "bloc": world.bloc.short_name, "year": 2020}
    ]
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        ("leader", "leader_unit"),  # the author of the draft
        ("member", "deputy_unit"),  # in another unit's name
        ("board", "member_unit"),
    ],
)
def test_comments_only_in_ones_own_member_units_name(world, draft, role, unit):
    with pytest.raises(PermissionDenied):
        comments.comment_add(draft=draft, unit=getattr(world, unit), section="", text="Góp ý.", by=world.user(role))
    assert Comment.objects.count() == 0


def test_a_section_must_be_one_of_the_drafts(world, draft):
    with pytest.raises(ValidationError) as refused:
        comments.comment_add(
            draft=draft, unit=world.member_unit, section="III. Không có", text="Góp ý.", by=world.member
        )

    assert list(refused.value.message_dict) == ["section"]
    assert Comment.objects.count() == 0


def test_an_empty_comment_is_refused(world, draft):
    with pytest.raises(ValidationError) as refused:
        comments.comment_add(draft=draft, unit=world.member_unit, section="", text="   ", by=world.member)

    assert refused.value.message_dict == {"text": [gettext("Write your comment.")]}


def test_comments_go_to_the_latest_version(world, draft):
    comments.draft_publish(year=world.year, upload=pdf(), sections=SECTIONS, by=world.leader)

    with pytest.raises(ValidationError) as refused:
        comments.comment_add(draft=draft, unit=world.member_unit, section="", text="Góp ý.", by=world.member)

    assert refused.value.messages == [
        gettext("Version %(latest)s of the draft has been published since; comment on that version.") % {"latest": 2}
    ]


# --- answering --------------------------------------------------------------------------------------------


def test_the_leader_accepts_and_the_commenting_unit_is_told(world, comment):
    Notification.objects.all().delete()

    comments.comment_answer(comment=comment, status=AnswerStatus.ACCEPTED, answer="", by=world.leader)

    comment.refresh_from_db()
    assert (comment.answer_status, comment.answer, comment.answered_by) == (AnswerStatus.ACCEPTED, "", world.leader)
    assert comment.answered_at is not None
    (note,) = Notification.objects.all()
    label = vi("Accepted", "comment answer")
    assert (note.recipient, note.title, note.body, note.link) == (
        world.member,
        vi("Your comment on the draft report: %(answer)s") % {"answer": label},
        vi("The leader unit answered your comment: %(answer)s.") % {"answer": label},
        f"{PAGE}#comment-{comment.pk}",
    )


def test_a_declined_comment_needs_the_reason(world, comment):
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        comments.comment_answer(comment=comment, status=AnswerStatus.DECLINED, answer="  ", by=world.leader)

    assert refused.value.message_dict == {"answer": [gettext("Say why the comment is not taken into account.")]}
    assert db_state() == before


def test_a_declined_comment_with_its_reason(world, comment):
    Notification.objects.all().delete()

    comments.comment_answer(
        comment=comment, status=AnswerStatus.DECLINED, answer="Số liệu quý IV chưa có.", by=world.leader
    )

    comment.refresh_from_db()
    assert (comment.answer_status, comment.answer) == (AnswerStatus.DECLINED, "Số liệu quý IV chưa có.")
    assert Notification.objects.get().body == vi("The leader unit answered your comment: %(answer)s. %(text)s") % {
        "answer": vi("Declined", "comment answer"),
        "text": "Số liệu quý IV chưa có.",
    }


def test_an_answer_is_given_once(world, comment):
    comments.comment_answer(comment=comment, status=AnswerStatus.ACCEPTED, answer="", by=world.leader)
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        comments.comment_answer(comment=comment, status=AnswerStatus.DECLINED, answer="Đổi ý.", by=world.leader)

    assert refused.value.messages == [gettext("This comment has already been answered.")]
    assert db_state() == before


def test_pending_is_not_an_answer(world, comment):
    with pytest.raises(ValidationError) as refused:
        comments.comment_answer(comment=comment, status=AnswerStatus.PENDING, answer="", by=world.leader)

    assert list(refused.value.message_dict) == ["status"]


@pytest.mark.parametrize("role", ["deputy", "member", "board", "outsider"])
def test_only_the_leader_answers(world, comment, role):
    before = db_state()

    with pytest.raises(Http404 if role in STRANGERS else PermissionDenied):
        comments.comment_answer(comment=comment, status=AnswerStatus.ACCEPTED, answer="", by=world.user(role))

    assert db_state() == before


def test_the_page_selector_groups_by_section_general_first(world, draft):
    def add(unit, by, section, text):
        return comments.comment_add(draft=draft, unit=unit, section=section, text=text, by=by)

    second = add(world.member_unit, world.member, SECTIONS[1], "Về phương hướng.")
    general = add(world.deputy_unit, world.deputy, "", "Nhất trí.")
    first = add(world.member_unit, world.member, SECTIONS[0], "Về kết quả.")
    comments.comment_answer(comment=general, status=AnswerStatus.ACCEPTED, answer="", by=world.leader)

    state = comments.comment_round(world.year)

    assert [(g.title, g.comments) for g in state.sections] == [
        ("", [general]),
        (SECTIONS[0], [first]),
        (SECTIONS[1], [second]),
    ]
    assert (state.total, state.unanswered, state.latest) == (3, 2, draft)
    assert comments.comments_unanswered_count(year=world.year) == 2


# --- every URL for every role -----------------------------------------------------------------------------


def statuses(*, ok=(), ok_status=200, others=403) -> dict[str, object]:
    def outcome(role):
        if role == "anonymous":
            return LOGIN
        if role in STRANGERS:
            return 404
        return ok_status if role in ok else others

    return {role: outcome(role) for role in ROLES}


def answer_kwargs(w) -> dict:
    return {**Y, "pk": Comment.objects.get().pk}


# name -> (method, kwargs, POST data, expected outcome per role); with an open window, a draft and a comment
URLS = {
    "conference:draft-report": ("get", lambda w: Y, None, statuses(ok=VIEWERS)),
    "conference:draft-publish": (
        "post",
        lambda w: Y,
        lambda w: {"file": pdf(), "sections": "Phần một\nPhần hai"},
        statuses(ok=("leader",), ok_status=BACK),
    ),
    "conference:draft-comment": (
        "post",
        lambda w: Y,
        lambda w: {"section": "", "text": "Nhất trí với dự thảo."},
        statuses(ok=COMMENTERS, ok_status=BACK),
    ),
    "conference:draft-answer": (
        "post",
        answer_kwargs,
        lambda w: {"status": "accepted", "answer": ""},
        statuses(ok=("leader",), ok_status=BACK),
    ),
    "conference:draft-download": ("get", lambda w: {**Y, "version": 1}, None, statuses(ok=VIEWERS)),
}


def check_outcome(response, expected, path: str) -> None:
    if expected == LOGIN:
        assert (response.status_code, response.url) == (302, redirect_to_login(path).url)
    elif expected == BACK:
        assert response.status_code == 302
        assert response.url.startswith(PAGE)
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        pytest.param(name, role, expected, id=f"{name}-{role}-{expected}")
        for name, (_m, _k, _d, table) in URLS.items()
        for role, expected in table.items()
    ],
)
def test_url_by_role(world, comment, client_as, name, role, expected):
    method, kwargs, data, _table = URLS[name]
    path = reverse(name, kwargs=kwargs(world))
    before = db_state()

    response = getattr(client_as(world.user(role)), method)(path, data(world) if data else {})

    check_outcome(response, expected, path)
    if method == "post":
        if expected == BACK:
            assert db_state() != before
        else:
            assert db_state() == before


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
@pytest.mark.parametrize("name", [n for n, spec in URLS.items() if spec[0] == "post"])
def test_post_only_urls_refuse_get(world, comment, client_as, name, role):
    path = reverse(name, kwargs=URLS[name][1](world))
    before = db_state()

    response = client_as(world.user(role)).get(path)

    assert response.status_code == 405
    assert db_state() == before


def test_in_a_closed_year_members_read_but_nobody_writes(world, comment, client_as):
    world.year.phase = Phase.CLOSED
    world.year.save(update_fields=["phase"])
    before = db_state()

    assert client_as(world.member).get(PAGE).status_code == 200
    assert client_as(world.member).post(COMMENT, {"section": "", "text": "Muộn."}).status_code == 403
    assert client_as(world.leader).post(PUBLISH, {"file": pdf(), "sections": ""}).status_code == 403
    answer = reverse("conference:draft-answer", kwargs=answer_kwargs(world))
    assert client_as(world.leader).post(answer, {"status": "accepted"}).status_code == 403
    assert db_state() == before


def test_unknown_version_or_comment_is_404(world, comment, client_as):
    client = client_as(world.leader)

    assert client.get(reverse("conference:draft-download", kwargs={**Y, "version": 9})).status_code == 404
    missing = reverse("conference:draft-answer", kwargs={**Y, "pk": comment.pk + 100})
    assert client.post(missing, {"status": "accepted"}).status_code == 404


def test_commenting_before_any_draft_is_404(world, window, client_as):
    assert client_as(world.member).post(COMMENT, {"section": "", "text": "Góp ý."}).status_code == 404
    assert Comment.objects.count() == 0


# --- the pages --------------------------------------------------------------------------------------------


def test_the_download_is_the_published_file_under_its_name(world, draft, client_as):
    response = client_as(world.member).get(reverse("conference:draft-download", kwargs={**Y, "version": 1}))

    assert response["Content-Disposition"] == 'attachment; filename="du-thao.pdf"'
    assert b"".join(response.streaming_content) == tiny_pdf("Du thao bao cao tong ket")


def test_the_page_shows_the_window_from_the_calendar(world, draft, client_as):
    _real_window(world)

    text = page_text(client_as(world.member).get(PAGE))

    assert vi("From %(start)s to %(end)s") % {"start": "25/10/2020", "end": "31/10/2020"} in text
    assert vi("Closed") in text
    assert 'id="comment-form"' not in text
    assert vi("Comments are taken in the window of the calendar: %(window)s.").split("%")[0] in text


@pytest.mark.parametrize(
    ("opens", "due", "badge", "form"),
    [(-3, 3, "Open now", True), (1, 7, "Not open yet", False), (-8, -1, "Closed", False)],
)
def test_the_page_says_whether_the_window_is_open(world, draft, window, client_as, opens, due, badge, form):
    now = timezone.now()
    window.opens_at, window.due_at = now + datetime.timedelta(days=opens), now + datetime.timedelta(days=due)
    window.save()

    text = page_text(client_as(world.member).get(PAGE))

    assert vi(badge) in text
    assert ('id="comment-form"' in text) == form


def test_without_a_window_the_page_says_the_leader_must_set_it(world, draft, client_as):
    world.year.deadlines.filter(kind=DeadlineKind.COMMENT_ROUND).delete()

    text = page_text(client_as(world.member).get(PAGE))

    assert (
        vi("The comment window is not in the year's calendar yet: the leader unit must add a “Comment round” deadline.")
        in text
    )


@pytest.mark.parametrize(("role", "shown"), [("member", True), ("deputy", True), ("leader", False), ("board", False)])
def test_the_comment_form_is_for_member_units_only(world, draft, client_as, role, shown):
    response = client_as(world.user(role)).get(PAGE)

    assert (response.context["comment_form"] is not None) == shown
    choices = [label for _value, label in response.context["comment_form"].fields["section"].choices] if shown else []
    assert choices == ([vi("General comment"), *SECTIONS] if shown else [])


def test_the_leader_sees_the_publish_form_the_answer_forms_and_the_count(world, comment, client_as):
    other = comments.comment_add(
        draft=comment.draft, unit=world.deputy_unit, section="", text="Nhất trí.", by=world.deputy
    )
    comments.comment_answer(comment=other, status=AnswerStatus.ACCEPTED, answer="", by=world.leader)

    response = client_as(world.leader).get(PAGE)

    html = response.content.decode()
    assert response.context["publish_form"] is not None
    assert response.context["round"].unanswered == 1
    assert f'action="{reverse("conference:draft-answer", kwargs={**Y, "pk": comment.pk})}"' in html
    assert f'action="{reverse("conference:draft-answer", kwargs={**Y, "pk": other.pk})}"' not in html
    assert 'id="unanswered"' in html


@pytest.mark.parametrize("role", ["member", "deputy", "board"])
def test_answers_are_visible_to_every_member(world, comment, client_as, role):
    comments.comment_answer(
        comment=comment, status=AnswerStatus.DECLINED, answer="Số liệu quý IV chưa có.", by=world.leader
    )

    response = client_as(world.user(role)).get(PAGE)

    text = page_text(response)
    assert "Bổ sung số liệu quý IV." in text
    assert "Số liệu quý IV chưa có." in text
    assert vi("Declined", "comment answer") in text
    assert world.member_unit.name in text
    assert response.context["publish_form"] is None
    assert 'id="unanswered"' not in text


def test_publishing_through_the_page(world, window, client_as):
    response = client_as(world.leader).post(PUBLISH, {"file": pdf(), "sections": "Phần một\n\nPhần hai\n"})

    assert (response.status_code, response.url) == (302, PAGE)
    assert list(DraftReport.objects.values_list("version", "sections")) == [(1, ["Phần một", "Phần hai"])]
    assert Notification.objects.count() == 2  # the deputy's and the member's officers


def test_a_bad_file_through_the_page_shows_the_message(world, window, client_as):
    before = db_state()

    response = client_as(world.leader).post(
        PUBLISH, {"file": SimpleUploadedFile("du-thao.pdf", b"MZ" * 100), "sections": ""}
    )

    assert response.status_code == 200
    message = gettext(
        "The file “%(name)s” is not a valid %(allowed)s file (its content was checked, not its name)."
    ) % {"name": "du-thao.pdf", "allowed": pdf_or_docx()}
    assert escape(message) in response.content.decode()
    assert db_state() == before


def test_a_comment_through_the_page(world, draft, client_as):
    response = client_as(world.member).post(COMMENT, {"section": SECTIONS[1], "text": "Nêu rõ chỉ tiêu."})

    comment = Comment.objects.get()
    assert (response.status_code, response.url) == (302, f"{PAGE}#comment-{comment.pk}")
    assert (comment.unit, comment.section, comment.author) == (world.member_unit, SECTIONS[1], world.member)


def test_a_comment_after_the_window_through_the_page_shows_the_window(world, draft, window, client_as):
    window.opens_at = timezone.now() - datetime.timedelta(days=8)
    window.due_at = timezone.now() - datetime.timedelta(days=1)
    window.save()
    before = db_state()

    response = client_as(world.member).post(COMMENT, {"section": "", "text": "Góp ý muộn."})

    assert response.status_code == 200
    text = page_text(response)
    start = timezone.localtime(window.opens_at).strftime("%d/%m/%Y")
    assert (
        vi(
            "Comments on the draft were taken from %(start)s to %(end)s; the window closed at %(closed)s "
            "(now: %(now)s)."
        ).split("%(end)s")[0]
        % {"start": start}
        in text
    )
    assert "Góp ý muộn." in text  # what was typed is kept
    assert db_state() == before


def test_a_declined_answer_without_reason_through_the_page(world, comment, client_as):
    before = db_state()
    path = reverse("conference:draft-answer", kwargs={**Y, "pk": comment.pk})

    response = client_as(world.leader).post(path, {"status": "declined", "answer": ""})

    assert response.status_code == 200
    assert escape(gettext("Say why the comment is not taken into account.")) in response.content.decode()
    assert db_state() == before


def test_answering_through_the_page(world, comment, client_as):
    path = reverse("conference:draft-answer", kwargs={**Y, "pk": comment.pk})

    response = client_as(world.leader).post(path, {"status": "declined", "answer": "Chưa có số liệu."})

    assert (response.status_code, response.url) == (302, f"{PAGE}#comment-{comment.pk}")
    comment.refresh_from_db()
    assert (comment.answer_status, comment.answer) == (AnswerStatus.DECLINED, "Chưa có số liệu.")
    assert Notification.objects.filter(recipient=world.member, link=f"{PAGE}#comment-{comment.pk}").exists()


def test_answering_twice_through_the_page_says_so(world, comment, client_as):
    path = reverse("conference:draft-answer", kwargs={**Y, "pk": comment.pk})
    client = client_as(world.leader)
    client.post(path, {"status": "accepted", "answer": ""})
    before = db_state()

    response = client.post(path, {"status": "declined", "answer": "Đổi ý."}, follow=True)

    assert escape(gettext("This comment has already been answered.")) in response.content.decode()
    assert db_state() == before


def test_the_officer_home_links_to_the_page(world, client_as):
    response = client_as(world.member).get("/")

    assert f'href="{PAGE}"' in response.content.decode()


# --- query count: one literal budget for two sizes ----------------------------------------------------------


def with_comments(world, draft, n: int) -> None:
    units = [world.member_unit, world.deputy_unit]
    for _ in range(n - 2):
        unit = UnitFactory(province=world.bloc.province)
        MembershipFactory(bloc=world.bloc, unit=unit, start_year=2019)
        units.append(unit)
    for k, unit in enumerate(units[:n]):
        answered = k % 2 == 0
        Comment.objects.create(
            draft=draft,
            unit=unit,
            author=world.member,
            section=SECTIONS[k % 2] if k % 3 else "",
            text=f"Góp ý số {k}",
            answer_status=AnswerStatus.ACCEPTED if answered else AnswerStatus.PENDING,
            answered_by=world.leader if answered else None,
            answered_at=timezone.now() if answered else None,
        )


@pytest.mark.parametrize("n", [3, 20])
@pytest.mark.parametrize("role", ["leader", "member"])
def test_page_queries(world, draft, client_as, django_assert_max_num_queries, n, role):
    with_comments(world, draft, n)
    client = client_as(world.user(role))

    with django_assert_max_num_queries(10):
        response = client.get(PAGE)

    assert response.context["round"].total == n
