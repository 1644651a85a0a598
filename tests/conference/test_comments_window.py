"""The comment round's window (conference.comments): a draft, and the bloc's summary report, are sent for comments
only while the calendar's comment window is open; after it, the leader sets a new window (a date, audited), the
member units get the comment form again and are told, and the report is not issued while the window is open."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from blocs.enums import DeadlineKind, Phase
from blocs.models import Deadline
from conference.models import Comment, DraftReport, SummaryReport
from conference.services import comments
from conference.services import summary as summary_services
from core.models import AuditLog, Notification
from tests.conftest import ROLES
from tests.factories import DeadlineFactory

from .test_comments import BACK, LOGIN, PAGE, SECTIONS, Y, check_outcome, db_state, page_text, pdf, vi

DAY = datetime.timedelta(days=1)
WINDOW = reverse("conference:comment-window", kwargs=Y)
SUMMARY = reverse("conference:summary", kwargs=Y)
SUMMARY_SEND = reverse("conference:summary-send", kwargs=Y)


def minute(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")


def closed_message(window: Deadline) -> str:
    return vi(
        "The comment window closed on %(end)s: set a new window before sending the draft for comments, so that the "
        "member units can answer it."
    ) % {"end": minute(window.due_at)}


@pytest.fixture
def window(world):
    """The year's comment round, open now."""
    now = timezone.now()
    return DeadlineFactory(
        kind=DeadlineKind.COMMENT_ROUND, year=world.year, opens_at=now - 2 * DAY, due_at=now + 5 * DAY
    )


@pytest.fixture
def draft(world, window) -> DraftReport:
    """A draft published in the window, which has closed since."""
    published = comments.draft_publish(year=world.year, upload=pdf(), sections=SECTIONS, by=world.leader)
    now = timezone.now()
    Deadline.objects.filter(pk=window.pk).update(opens_at=now - 9 * DAY, due_at=now - DAY)
    window.refresh_from_db()
    return published


@pytest.fixture
def summary(world) -> SummaryReport:
    """The bloc's report, written in full, not sent yet."""
    report = summary_services.initial_summary(world.year)
    report.results = "Các đơn vị hoàn thành tốt nhiệm vụ."
    report.limitations = "Một số báo cáo gửi chậm."
    report.lessons = "Chủ động từ đầu năm."
    report.directions = "Tiếp tục phát động phong trào thi đua."
    report.signer_name = "Nguyễn Văn A"
    report.save()
    return report


def fresh_summary(world) -> SummaryReport:
    report = SummaryReport.objects.get(year=world.year)
    report.year = world.year
    return report


# --- sending only inside the window ---------------------------------------------------------------------------


def test_sending_problems_follow_the_window(world, window):
    now = timezone.now()
    assert comments.sending_problems(world.year) == []

    window.opens_at, window.due_at = now + DAY, now + 3 * DAY
    window.save()
    assert comments.sending_problems(world.year) == [
        vi("The comment window opens on %(start)s: send the draft for comments from then until %(end)s.")
        % {"start": minute(window.opens_at), "end": minute(window.due_at)}
    ]

    window.opens_at, window.due_at = now - 3 * DAY, now - DAY
    window.save()
    assert comments.sending_problems(world.year) == [closed_message(window)]

    window.delete()
    assert comments.sending_problems(world.year) == [
        vi("The calendar of %(year)s has no comment window yet: set one before sending the draft for comments.")
        % {"year": 2020}
    ]


def test_a_draft_is_not_published_after_the_window(world, draft, window):
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        comments.draft_publish(year=world.year, upload=pdf(), sections=SECTIONS, by=world.leader)

    assert refused.value.messages == [closed_message(window)]
    assert db_state() == before


def test_the_summary_report_is_not_sent_after_the_window(world, draft, window, summary):
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        summary_services.summary_send(summary=fresh_summary(world), by=world.leader)

    assert refused.value.messages == [closed_message(window)]
    assert summary_services.send_problems(fresh_summary(world)) == [closed_message(window)]
    assert db_state() == before
    assert not fresh_summary(world).is_sending


def test_the_summary_report_is_sent_inside_the_window(world, window, summary):
    assert summary_services.send_problems(fresh_summary(world)) == []

    sending = summary_services.summary_send(summary=fresh_summary(world), by=world.leader)

    assert sending.is_sending


# --- a new window -------------------------------------------------------------------------------------------


def test_after_the_window_the_leader_sets_a_new_one(world, draft, window):
    until = timezone.localdate() + 3 * DAY
    before = timezone.now()

    new = comments.comment_window_set(year=world.year, until=until, by=world.leader)

    assert (new.kind, new.audience, new.year) == (DeadlineKind.COMMENT_ROUND, "members", world.year)
    assert before <= new.opens_at <= timezone.now()
    assert timezone.localtime(new.due_at).replace(tzinfo=None) == datetime.datetime.combine(
        until, datetime.time(23, 59)
    )
    assert Deadline.objects.filter(year=world.year, kind=DeadlineKind.COMMENT_ROUND).count() == 2  # the old kept
    assert comments.comment_window(world.year).deadline == new
    log = AuditLog.objects.get(action="conference.comment_window.set")
    assert (log.actor, log.data["previous"], log.data["due_at"]) == (world.leader, window.pk, new.due_at.isoformat())
    told = Notification.objects.filter(link=PAGE, dedupe_key__startswith=f"comment-window:{new.pk}")
    assert sorted(n.recipient_id for n in told) == sorted([world.deputy.pk, world.member.pk])

    # The member units comment again, on the latest draft; the leader may send it again.
    comment = comments.comment_add(draft=draft, unit=world.member_unit, section="", text="Nhất trí.", by=world.member)
    assert comment.draft == draft
    assert comments.sending_problems(world.year) == []


@pytest.mark.parametrize(("opens", "due"), [(-2, 3), (1, 4)])  # open now; not open yet
def test_no_new_window_while_one_is_open_or_coming(world, draft, window, opens, due):
    now = timezone.now()
    Deadline.objects.filter(pk=window.pk).update(opens_at=now + opens * DAY, due_at=now + due * DAY)
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        comments.comment_window_set(year=world.year, until=timezone.localdate() + 9 * DAY, by=world.leader)

    assert not hasattr(refused.value, "error_dict")
    assert db_state() == before
    assert Deadline.objects.filter(kind=DeadlineKind.COMMENT_ROUND).count() == 1


def test_a_window_ending_in_the_past_is_refused(world, draft):
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        comments.comment_window_set(year=world.year, until=timezone.localdate() - DAY, by=world.leader)

    assert list(refused.value.error_dict) == ["until"]
    assert db_state() == before


def test_without_any_window_the_leader_sets_the_first(world):
    new = comments.comment_window_set(year=world.year, until=timezone.localdate(), by=world.leader)

    assert comments.comment_window(world.year).deadline == new
    assert not Notification.objects.exists()  # no draft yet: nobody to ask


@pytest.mark.parametrize("role", ["deputy", "member", "board", "outsider"])
def test_only_the_leader_sets_a_window(world, draft, role):
    before = db_state()

    refusal = Http404 if role == "outsider" else PermissionDenied  # the outsider may not know the year exists
    with pytest.raises(refusal):
        comments.comment_window_set(year=world.year, until=timezone.localdate() + DAY, by=world.user(role))

    assert db_state() == before


def test_no_window_is_set_in_a_closed_year(world, draft):
    world.year.phase = Phase.CLOSED
    world.year.save(update_fields=["phase"])

    with pytest.raises(PermissionDenied):
        comments.comment_window_set(year=world.year, until=timezone.localdate() + DAY, by=world.leader)


def test_the_report_is_not_issued_while_the_new_window_is_open(world, draft, window, summary):
    SummaryReport.objects.filter(pk=summary.pk).update(sent_at=window.due_at - DAY, last_draft=draft)
    assert summary_services.issue_problems(fresh_summary(world)) == []  # sent in the window, which is over

    new = comments.comment_window_set(year=world.year, until=timezone.localdate() + 2 * DAY, by=world.leader)

    problems = summary_services.issue_problems(fresh_summary(world))
    assert problems == [
        vi("The member units may comment until %(end)s; issue the report once the comment round has closed.")
        % {"end": minute(new.due_at)}
    ]
    with pytest.raises(ValidationError):
        summary_services.summary_issue(summary=fresh_summary(world), number=None, by=world.leader)
    Deadline.objects.filter(pk=new.pk).update(
        opens_at=new.opens_at - DAY, due_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert summary_services.issue_problems(fresh_summary(world)) == []


# --- the pages ----------------------------------------------------------------------------------------------


def window_data(days: int = 3, back: str = "") -> dict:
    return {"until": (timezone.localdate() + days * DAY).strftime("%d/%m/%Y"), "back": back}


@pytest.mark.parametrize("role", ROLES)
def test_window_url_by_role(world, draft, client_as, role):
    strangers = ("outsider", "other_board", "admin")  # may not know the year exists: 404, as for no year
    expected = {"anonymous": LOGIN, "leader": BACK}.get(role, 404 if role in strangers else 403)
    before = db_state()

    response = client_as(world.user(role)).post(WINDOW, window_data())

    check_outcome(response, expected, WINDOW)
    if expected == BACK:
        assert response.url == PAGE + "#window"
        assert db_state() != before
    else:
        assert db_state() == before


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_the_window_url_refuses_get(world, draft, client_as, role):
    assert client_as(world.user(role)).get(WINDOW).status_code == 405


def test_after_the_window_the_leaders_page_offers_a_new_one_instead_of_publishing(world, draft, window, client_as):
    response = client_as(world.leader).get(PAGE)

    text = page_text(response)
    assert response.context["publish_form"] is None
    assert response.context["window_form"] is not None
    assert 'id="window-form"' in text and closed_message(window) in text
    assert 'id="comment-form"' not in page_text(client_as(world.member).get(PAGE))


def test_a_new_window_through_the_page_gives_the_members_the_form_again(world, draft, client_as):
    response = client_as(world.leader).post(WINDOW, window_data(), follow=True)

    assert response.redirect_chain[-1][0] == PAGE + "#window"
    leader = client_as(world.leader).get(PAGE)
    assert (leader.context["window_form"], leader.context["window_state"]) == (None, comments.OPEN)
    assert leader.context["publish_form"] is not None
    member = client_as(world.member).get(PAGE)
    assert member.context["comment_form"] is not None
    answered = client_as(world.member).post(reverse("conference:draft-comment", kwargs=Y), {"text": "Nhất trí."})
    assert answered.status_code == 302 and Comment.objects.count() == 1


def test_a_bad_date_is_named_on_the_form_and_nothing_is_stored(world, draft, client_as):
    before = db_state()

    past = client_as(world.leader).post(WINDOW, window_data(days=-1))
    garbled = client_as(world.leader).post(WINDOW, {"until": "31/02/2020"})

    assert (past.status_code, garbled.status_code) == (200, 200)
    assert past.context["window_form"].errors["until"] == [
        vi("The new window must end after now: choose today or a later day.")
    ]
    assert "until" in garbled.context["window_form"].errors
    assert db_state() == before


def test_a_window_set_while_one_is_open_is_refused_on_the_page(world, window, client_as):
    before = db_state()

    response = client_as(world.leader).post(WINDOW, window_data(), follow=True)

    assert response.redirect_chain[-1][0] == PAGE + "#window"
    assert db_state() == before
    assert len(list(response.context["messages"])) == 1


def test_the_summary_page_offers_a_new_window_after_the_old_one(world, draft, window, summary, client_as):
    client = client_as(world.leader)
    page = client.get(SUMMARY)

    text = page_text(page)
    assert closed_message(window) in text and 'id="window-form"' in text
    assert 'name="back" value="summary"' in text
    refused = client.post(SUMMARY_SEND, {"version": str(fresh_summary(world).version)}, follow=True)
    assert closed_message(window) in page_text(refused) and not fresh_summary(world).is_sending

    response = client.post(WINDOW, window_data(back="summary"))

    assert response.url == SUMMARY + "#send"
    page = client.get(SUMMARY)
    assert page.context["window_form"] is None and page.context["send_problems"] == []
    assert 'id="window-form"' not in page_text(page)
