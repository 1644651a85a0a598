"""The officer's home from the per-user page cache: a hit costs the session and the user only, and the page
follows every kind of change behind it (the calendar, and who has answered what: reports, extensions, covenant
registrations, sheets, the leader's work) exactly as a fresh rendering would (the oracle: the same page rendered
with the cache off), whoever makes the change and however (model save, queryset update, bulk insert)."""

import datetime
import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.enums import BallotKind
from awards.models import AwardKind, Ballot, Proposal
from awards.services import counting
from blocs.covenant import registration_send
from blocs.enums import DeadlineKind, Phase
from blocs.models import Bloc, CovenantRegistration, Deadline, EmulationYear, Membership, Person, Unit
from blocs.services import year_open_next
from conference.models import Comment, ConferencePlan, DraftReport
from core import pagecache
from core.models import User
from core.notifications import notification_mark_all_read, notify
from reports.enums import SubmissionStatus
from reports.models import Extension, Submission, SubmissionVersion
from scoring.enums import SheetStatus
from scoring.models import CriteriaTable, Sheet
from tests.factories import DeadlineFactory, UnitFactory, officer_of

HOME = reverse("dashboards:home")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def body(response) -> str:
    return CSRF.sub("", response.content.decode())  # a CSRF token is masked anew on every rendering


def fresh(client: Client, settings) -> str:
    """The page rendered now with the cache off: what a cached page must equal."""
    settings.PAGE_CACHE = False
    try:
        response = client.get(HOME)
        assert "X-Page-Cache" not in response
        return body(response)
    finally:
        settings.PAGE_CACHE = True


def warm(client: Client) -> None:
    """A first visit sets the CSRF cookie (a page without it is not cached), the second stores the page."""
    client.get(HOME)
    client.get(HOME)


def cached(client: Client) -> tuple[str, str]:
    """The page twice: (what the second answer was, its body); the second is a hit unless something changed."""
    client.get(HOME)
    response = client.get(HOME)
    return response["X-Page-Cache"], body(response)


@pytest.fixture
def clients(world, client_as):
    """Logged-in clients of the leader, the deputy and the member, each with a warm cache entry; the calendar has a
    report, the covenant registration and the self-assessment, and the member's registration is saved, not sent."""
    DeadlineFactory(year=world.year, title="Hạn của leader")
    DeadlineFactory(year=world.year, kind=DeadlineKind.COVENANT, title="Đăng ký giao ước")
    DeadlineFactory(year=world.year, kind=DeadlineKind.SELF_ASSESSMENT, title="Tự chấm điểm")
    CovenantRegistration.objects.create(
        year=world.year,
        unit=world.member_unit,
        targets="100%",
        titles="Cờ thi đua",
        signatory_name="A",
        signatory_position="Giám đốc",
    )
    result = {}
    for role in ("leader", "deputy", "member"):
        client = Client()
        client.force_login(world.user(role))
        result[role] = client
    for client in result.values():
        warm(client)
        assert client.get(HOME)["X-Page-Cache"] == "hit"
    return result


def test_a_second_visit_is_a_hit_equal_to_a_fresh_page_and_costs_the_session_and_the_user(
    clients, settings, django_assert_max_num_queries
):
    client = clients["leader"]

    with django_assert_max_num_queries(2):
        response = client.get(HOME)

    assert response["X-Page-Cache"] == "hit"
    assert body(response) == fresh(client, settings)


def test_two_users_and_two_languages_never_share_an_entry(world, clients):
    member, deputy = clients["member"].get(HOME), clients["deputy"].get(HOME)
    assert world.member_unit.name in member.content.decode()
    assert world.deputy_unit.name in deputy.content.decode()

    clients["member"].post(reverse("core:set-language"), {"language": "en", "next": HOME})
    english = clients["member"].get(HOME)

    assert english["X-Page-Cache"] == "miss"
    assert english["Content-Language"] == "en"
    assert 'lang="en"' in english.content.decode()


CHANGES = {
    "a deadline renamed": lambda w: _save(Deadline.objects.get(title="Hạn của leader"), title="Hạn đã đổi tên"),
    "a deadline added": lambda w: DeadlineFactory(year=w.year, title="Hạn mới thêm"),
    "a deadline deleted": lambda w: Deadline.objects.filter(title="Hạn của leader").delete(),
    "the year's phase, by a queryset update": lambda w: counting._advance_phase(w.year, Phase.CONFERENCE),
    "the year's leader changed": lambda w: _save(w.year, leader=w.deputy_unit, deputy=w.leader_unit),
    "the bloc renamed": lambda w: _save(Bloc.objects.get(pk=w.bloc.pk), name="Khối thi đua đã đổi tên"),
    "the leader unit renamed": lambda w: _save(Unit.objects.get(pk=w.leader_unit.pk), name="Đơn vị đổi tên"),
    "the member left the bloc": lambda w: _save(Membership.objects.get(unit=w.member_unit), end_year=2019),
    "a new member joined": lambda w: Membership.objects.create(
        bloc=w.bloc, unit=UnitFactory(province=w.bloc.province, name="Đơn vị mới vào"), start_year=2020
    ),
    "the member officer moved to another unit": lambda w: _save(
        Person.objects.get(user=w.member), unit=w.outsider_unit
    ),
    "a new officer of the member unit": lambda w: officer_of(w.member_unit, full_name="Cán bộ mới"),
    "the member officer renamed": lambda w: _save(User.objects.get(pk=w.member.pk), full_name="Tên mới"),
    "the ranking published": lambda w: CriteriaTable.objects.update_or_create(
        year=w.year, defaults={"ranking_published_at": timezone.now()}
    ),
    "next year opened with its calendar copied (bulk insert)": lambda w: year_open_next(
        current=EmulationYear.objects.get(pk=w.year.pk), by=w.board, leader=w.deputy_unit, deputy=w.member_unit
    ),
    "a notification (bulk insert)": lambda w: notify(
        users=[w.leader, w.deputy, w.member], title="Thông báo", body="Nội dung"
    ),
    # the homes are to-do lists: who has answered what, and the leader's work
    "a report sent": lambda w: _file(w, status=SubmissionStatus.SUBMITTED),
    "the leader's decision on a report": lambda w: _save(
        _file(w, status=SubmissionStatus.SUBMITTED), status=SubmissionStatus.ACCEPTED
    ),
    "an extension granted": lambda w: Extension.objects.create(
        deadline=Deadline.objects.get(title="Hạn của leader"),
        unit=w.member_unit,
        due_at=timezone.now() + datetime.timedelta(days=20),
        reason="Ốm",
    ),
    "a covenant registration sent (a version, then a queryset update)": lambda w: registration_send(
        registration=CovenantRegistration.objects.get(unit=w.member_unit), expected_version=1, by=w.member
    ),
    "a sheet sent": lambda w: Sheet.objects.create(
        year=w.year, unit=w.member_unit, status=SheetStatus.SUBMITTED, submitted_at=timezone.now()
    ),
    "a proposal's dossier to prepare": lambda w: _proposal(w),
    "the conference plan drafted": lambda w: _plan(w),
    "a comment on the draft report": lambda w: Comment.objects.create(
        draft=DraftReport.objects.create(
            year=w.year, file="drafts/x.pdf", original_name="x.pdf", published_at=timezone.now()
        ),
        unit=w.member_unit,
        text="Góp ý",
    ),
}


def _file(w, *, status) -> Submission:
    submission = Submission.objects.create(
        deadline=Deadline.objects.get(title="Hạn của leader"), unit=w.member_unit, status=status
    )
    SubmissionVersion.objects.create(
        submission=submission,
        number=1,
        file="submissions/x.pdf",
        original_name="x.pdf",
        size=10,
        submitted_at=timezone.now(),
        late_seconds=0,
    )
    return submission


def _proposal(w) -> Proposal:
    kind = AwardKind.objects.create(year=w.year, code="merit", name="Bằng khen", quota=3, eligibility="any_member")
    ballot = Ballot.objects.create(
        year=w.year, kind=BallotKind.AWARD, award_kind=kind, round=1, quota=3, threshold_percent=50, quorum_percent=50
    )
    return Proposal.objects.create(award_kind=kind, unit=w.member_unit, ballot=ballot, votes=3)


def _plan(w) -> ConferencePlan:
    return ConferencePlan.objects.create(
        year=w.year,
        place="Tuyên Quang",
        issued_on=timezone.localdate(),
        title="Kế hoạch",
        purpose="-",
        requirements="-",
        conference_date=timezone.localdate() + datetime.timedelta(days=20),
        start_time=datetime.time(14, 30),
        venue="Hội trường",
        signer_authority="TM",
        signer_position="Trưởng khối",
        signer_name="A",
    )


def _save(instance, **values):
    for field, value in values.items():
        setattr(instance, field, value)
    instance.save()
    return instance


@pytest.mark.parametrize("change", CHANGES)
def test_every_page_follows_a_change_as_a_fresh_rendering_would(world, clients, settings, change):
    before = {role: body(client.get(HOME)) for role, client in clients.items()}

    CHANGES[change](world)

    changed = 0
    for role, client in clients.items():
        _state, now = cached(client)
        assert now == fresh(client, settings), f"{role}'s page is stale after {change}"
        changed += now != before[role]
    assert changed, f"no page shows {change}: the test would not notice a stale page"


def test_the_leaders_list_shows_a_members_first_sign_in(world, client_as, settings):
    newcomer = officer_of(world.member_unit, full_name="Cán bộ mới")
    leader = client_as(world.leader)

    def never_signed_in() -> int:
        row = re.search(r"Cán bộ mới.*?</tr>", body(leader.get(HOME)), re.S).group(0)
        return row.count("Chưa đăng nhập lần nào")

    before = never_signed_in()
    warm(leader)
    assert leader.get(HOME)["X-Page-Cache"] == "hit"
    Client().force_login(User.objects.get(pk=newcomer.pk))

    assert (before, never_signed_in()) == (2, 1)  # the member officer and the newcomer; then the member only
    assert body(leader.get(HOME)) == fresh(leader, settings)


def test_reading_the_notifications_clears_the_badge(world, clients, settings):
    notify(users=[world.member], title="Thông báo", body="Nội dung")
    assert 'badge rounded-pill text-bg-light">1<' in body(clients["member"].get(HOME))

    notification_mark_all_read(by=world.member)

    assert cached(clients["member"])[1] == fresh(clients["member"], settings)
    assert "unread notifications" not in cached(clients["member"])[1]


def test_a_write_rolled_back_leaves_the_page_as_it_was(world, clients, settings):
    from django.db import transaction

    with transaction.atomic():
        _save(Bloc.objects.get(pk=world.bloc.pk), name="Tên không lưu")
        transaction.set_rollback(True)

    state, page = cached(clients["leader"])
    assert (state, page) == ("hit", fresh(clients["leader"], settings))
    assert "Tên không lưu" not in page


def test_a_deadline_falling_due_ends_the_entry(world, client_as, monkeypatch):
    soon = timezone.now() + datetime.timedelta(minutes=30)
    DeadlineFactory(year=world.year, title="Sắp hết hạn", opens_at=None, due_at=soon)
    client = client_as(world.member)
    warm(client)
    assert client.get(HOME)["X-Page-Cache"] == "hit"

    later = soon + datetime.timedelta(seconds=1)
    monkeypatch.setattr(pagecache.timezone, "now", lambda: later)

    assert client.get(HOME)["X-Page-Cache"] == "miss"


def test_an_entry_is_valid_until_midnight_or_the_next_moment_on_the_page():
    tz = timezone.get_default_timezone()
    now = datetime.datetime(2026, 11, 25, 15, 0, tzinfo=tz)
    midnight = datetime.datetime(2026, 11, 26, 0, 0, tzinfo=tz)

    assert pagecache.valid_until([], now) == midnight
    assert pagecache.valid_until([now - datetime.timedelta(hours=1), None], now) == midnight
    assert pagecache.valid_until([now + datetime.timedelta(hours=2), midnight], now) == now + datetime.timedelta(
        hours=2
    )


def test_a_page_with_a_message_to_show_is_neither_served_nor_stored(world, clients, rf):
    client = clients["member"]
    request = rf.get(HOME)
    request.session = client.session
    request._messages = FallbackStorage(request)
    messages.info(request, "Đã lưu thay đổi.")
    carrier = HttpResponse()
    request._messages.update(carrier)  # the message travels in a cookie, as after a form's redirect
    client.cookies.update(carrier.cookies)

    shown = client.get(HOME)
    after = client.get(HOME)

    assert "X-Page-Cache" not in shown and "Đã lưu thay đổi." in shown.content.decode()
    assert "Đã lưu thay đổi." not in after.content.decode()  # shown once, as without the cache


def test_the_logout_form_of_a_cached_page_carries_a_valid_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.member)
    warm(client)
    hit = client.get(HOME)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', hit.content.decode()).group(1)

    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": token})

    assert (hit["X-Page-Cache"], response.status_code) == ("hit", 302)


def test_with_the_cache_off_nothing_is_stored_or_served(world, client_as, settings):
    settings.PAGE_CACHE = False
    client = client_as(world.member)

    answers = [client.get(HOME) for _ in range(3)]

    assert ["X-Page-Cache" in answer for answer in answers] == [False, False, False]


def test_a_first_visit_without_the_csrf_cookie_is_not_stored(world):
    client = Client()
    client.force_login(world.member)

    first = client.get(HOME)
    client.cookies.pop("csrftoken")
    second = client.get(HOME)
    third, fourth = client.get(HOME), client.get(HOME)

    assert [("X-Page-Cache" in a) and a["X-Page-Cache"] for a in (first, second, third, fourth)] == [
        False,
        False,
        "miss",
        "hit",
    ]


def test_the_board_home_is_not_cached(world, client_as):
    client = client_as(world.board)

    answers = [client.get(HOME) for _ in range(2)]

    assert ["X-Page-Cache" in answer for answer in answers] == [False, False]
