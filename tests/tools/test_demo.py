"""The live demo (`manage.py seed_demo`, tools/demo.py): the 2020 history of Kế hoạch 53/KH-KTĐNC kept and closed,
the years after it summarised with the rotation's leaders, and each bloc's current year in progress around the day
it runs (`--today`): deadlines passed and answered (one late, one within an extension the leader granted), the
self-assessment open and due in a few days, reports due soon, the comment round and the conference ahead.

The demo is built once for the module on 07/12/2026, inside a transaction rolled back at its end; each test runs in
a savepoint of it, and the tests that run it again (another day, the same day) do so inside their savepoint."""

import datetime
import io
import itertools
import unicodedata

import pdfplumber
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone

from awards.models import Ballot, Proposal
from blocs import demo as blocs_demo
from blocs.enums import Audience, DeadlineKind, Phase
from blocs.models import Covenant, Deadline, EmulationYear, LeaderTerm, RotationSlot
from conference.models import ConferenceMinutes, ConferencePlan
from reports.models import Extension, Submission, SubmissionVersion
from scoring.enums import ScoreField, SheetStatus
from scoring.models import ScoreChange, Sheet
from scoring.selectors import ranking_for_year
from tools import demo

FIRST_DAY = datetime.date(2026, 12, 7)
LATER_DAY = datetime.date(2027, 3, 15)  # the same year's cycle (2026), a season later
NEXT_YEAR_DAY = datetime.date(2027, 7, 1)  # 2027's cycle: the next leader of the rotation


def seed(today: datetime.date | None) -> str:
    out = io.StringIO()
    args = ["--today", today.isoformat()] if today else []
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield seed(FIRST_DAY)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo_db(seeded, db):
    return seeded


def local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def current(slug: str, today: datetime.date) -> EmulationYear:
    return EmulationYear.objects.select_related("bloc", "leader", "deputy").get(
        bloc__slug=slug, year=demo.current_year_for(today)
    )


# --- the current year -------------------------------------------------------------------------------------------


def assert_in_progress(year: EmulationYear, today: datetime.date) -> None:
    """What a visitor of `today` must find in the bloc's current year."""
    now = blocs_demo.at(today, datetime.time(12, 0))
    entries = year.deadlines.exclude(kind=DeadlineKind.MEETING)  # a meeting is an event of its own (see below)
    calendar = {(d.kind, d.audience): d for d in entries}
    members = Audience.MEMBERS
    assert year.phase == Phase.SELF_ASSESSMENT
    assert len(calendar) == entries.count() == 8
    passed = sorted(d.kind for d in calendar.values() if d.due_at < now)
    ahead = sorted(d.kind for d in calendar.values() if d.due_at > now)
    assert passed == [DeadlineKind.COVENANT, DeadlineKind.YEAR_REPORT]
    assert len(ahead) == 6
    report = calendar[(DeadlineKind.YEAR_REPORT, members)]
    summary = calendar[(DeadlineKind.SUMMARY_REPORT, members)]
    sheet_deadline = calendar[(DeadlineKind.SELF_ASSESSMENT, members)]
    comments = calendar[(DeadlineKind.COMMENT_ROUND, members)]
    conference = calendar[(DeadlineKind.CONFERENCE, members)]
    assert now - datetime.timedelta(days=7) < report.due_at < now < summary.due_at < sheet_deadline.due_at
    assert sheet_deadline.opens_at < now and sheet_deadline.due_at - now < datetime.timedelta(days=7)
    assert sheet_deadline.due_at < comments.opens_at < comments.due_at < conference.due_at
    assert local(conference.due_at).weekday() < 5 and local(conference.due_at).time() == datetime.time(14, 30)

    # the year-end report: every member answered; one late, one within the extension the leader granted before
    # the due date; nobody else late
    cast = blocs_demo.cast_for(year)
    firsts = {v.submission.unit_id: v for v in SubmissionVersion.objects.filter(submission__deadline=report, number=1)}
    member_ids = set(year.bloc.memberships.values_list("unit_id", flat=True))
    assert set(firsts) == member_ids
    assert [u for u, v in firsts.items() if v.late_seconds] == [cast.late.pk]
    extension = Extension.objects.get(deadline=report)
    assert extension.unit == cast.extended
    assert extension.granted_at < report.due_at < firsts[cast.extended.pk].submitted_at <= extension.due_at
    assert firsts[cast.extended.pk].late_seconds == 0
    assert extension.granted_by.person.unit == year.leader
    assert all(v.submitted_at < now for v in firsts.values())
    decided = Submission.objects.filter(deadline=report, decided_at__isnull=False)
    assert decided.exists() and all(s.decided_at < now for s in decided)
    assert Submission.objects.filter(deadline=report, decided_at__isnull=True).exists()  # the leader's to-do

    # the summary is due soon: some have sent it, not everyone
    sent = set(Submission.objects.filter(deadline=summary).values_list("unit_id", flat=True))
    assert sent == {u.pk for u in cast.summaries_sent} and sent < member_ids

    # the self-assessment is open: one sheet sent (on time), a few begun
    sheets = {s.unit_id: s for s in Sheet.objects.filter(year=year)}
    assert sheets[cast.sheet_sent.pk].status == SheetStatus.SUBMITTED and not sheets[cast.sheet_sent.pk].is_late
    assert sheets[cast.sheet_sent.pk].submitted_at < now
    drafts = {u for u, s in sheets.items() if s.status == SheetStatus.DRAFT}
    assert drafts == {u.pk for u in cast.sheet_drafts} and len(drafts) >= 2
    assert all(c.changed_at < now for c in ScoreChange.objects.filter(score__sheet__year=year))

    # the covenant was issued at the start of the year
    covenant = Covenant.objects.get(year=year)
    assert covenant.is_issued and local(covenant.issued_at).date() == datetime.date(year.year, 1, 8)


@pytest.mark.parametrize("today", [FIRST_DAY, LATER_DAY], ids=["07-12-2026", "15-03-2027"])
def test_each_bloc_has_a_year_in_progress_around_the_day(demo_db, today):
    if today != FIRST_DAY:
        seed(today)  # another day: the current year is built again around it

    for slug in ("ktdnc", "ktdvhxh"):
        year = current(slug, today)
        assert year.year == 2026
        assert_in_progress(year, today)
        assert not EmulationYear.objects.filter(bloc=year.bloc, year__gt=year.year).exists()
    # the leaders of 2026 by the rotation: Bộ Chỉ huy Quân sự leads the internal-affairs bloc, Sở Y tế the other
    assert (current("ktdnc", today).leader.code, current("ktdnc", today).deputy.code) == ("BCHQS", "BNCTU")
    assert (current("ktdvhxh", today).leader.code, current("ktdvhxh", today).deputy.code) == ("SYT", "SGDĐT")


def test_the_current_year_has_its_issued_plan_and_its_calendar_follows_it(demo_db):
    year = current("ktdnc", FIRST_DAY)
    plan = ConferencePlan.objects.get(year=year)
    calendar = {d.kind: d for d in year.deadlines.filter(audience=Audience.MEMBERS)}

    # after the launch plan 05/KH of February and the mid-year review's plan 06/KH of June
    assert plan.is_issued and plan.number_text == "07/KH-KTĐNC"
    assert plan.issued_on == datetime.date(2026, 11, 5) == local(plan.issued_at).date()
    assert plan.conference_date == local(calendar[DeadlineKind.CONFERENCE].due_at).date()
    assert plan.signer_body == "BỘ CHỈ HUY QUÂN SỰ TỈNH TUYÊN QUANG"
    assert "năm 2026" in plan.title and "2020" not in plan.title + plan.purpose + plan.closing
    dated = {t.kind: t for t in plan.tasks.filter(deadline__isnull=False).select_related("deadline")}
    assert {k: local(t.deadline.due_at).date() for k, t in dated.items()} == {k: t.due_on for k, t in dated.items()}
    assert not ConferencePlan.objects.filter(year__bloc__slug="ktdvhxh", year__year=2026).exists()


def test_the_current_year_has_its_mid_year_review_done_with_the_deputy_presenting(demo_db):
    from conference.enums import AnswerStatus, MeetingKind, Presenter
    from conference.models import Meeting, MeetingComment

    year = current("ktdnc", FIRST_DAY)
    meeting = Meeting.objects.select_related("minutes").get(year=year, kind=MeetingKind.MID_YEAR)
    assert meeting.presenter == Presenter.DEPUTY and year.deputy_id
    assert local(meeting.held_at) == local(blocs_demo.at(datetime.date(2026, 7, 10), datetime.time(8, 0)))
    assert any("Thi đua - Khen thưởng" in g["position"] + g["body"] for g in meeting.guests)
    assert meeting.deadline.kind == DeadlineKind.MEETING
    comments = MeetingComment.objects.filter(draft__meeting=meeting)
    assert comments.count() == 3 and not comments.filter(answer_status=AnswerStatus.PENDING).exists()
    assert all(meeting.comments_open_at <= c.created_at <= meeting.comments_close_at for c in comments)
    minutes = meeting.minutes
    assert minutes.is_issued and local(minutes.issued_at).date() == datetime.date(2026, 7, 10)
    assert minutes.number_text.endswith("/BB-KTĐNC")
    assert year.deputy.name in minutes.proceedings
    assert minutes.chair_name and minutes.chair_name != minutes.secretary_name
    plan = meeting.plan
    assert plan.is_issued and plan.number_text == "06/KH-KTĐNC" and plan.dated == datetime.date(2026, 6, 26)


# --- the history --------------------------------------------------------------------------------------------------


def test_the_2020_decisions_were_recorded_once_each_for_the_proposals_they_cover(demo_db):
    from awards.models import AwardDecision

    decisions = {d.number: d for d in AwardDecision.objects.filter(year=2020)}
    assert set(decisions) == {"2156/QĐ-UBND", "2157/QĐ-UBND"}
    assert decisions["2157/QĐ-UBND"].proposals.count() == 2
    assert decisions["2156/QĐ-UBND"].signer_position == "Phó Chủ tịch UBND tỉnh"


def test_the_2020_history_is_kept_and_closed(demo_db, tmp_path):
    year = EmulationYear.objects.select_related("leader", "deputy").get(bloc__slug="ktdnc", year=2020)

    assert (year.leader.code, year.deputy.code, year.phase) == ("TTr", "CAT", Phase.CLOSED)
    assert [d["kind"] for d in blocs_demo.calendar_2020()] == list(year.deadlines.values_list("kind", flat=True))
    assert [(row.rank, row.unit.code) for row in ranking_for_year(year)][:3] == [(1, "CAT"), (2, "TTr"), (3, "VKS")]
    assert set(Ballot.objects.filter(year=year).values_list("status", flat=True)) == {"published"}
    assert Proposal.objects.filter(award_kind__year=year, decided_at__isnull=False).count() == 3

    output = tmp_path / "plan.pdf"
    call_command("render_document", "plan", "--bloc", "KTĐNC", "--year", "2020", "--output", str(output))
    with pdfplumber.open(output) as pdf:
        text = unicodedata.normalize("NFC", " ".join(p.extract_text() or "" for p in pdf.pages))
    text = " ".join(text.split())
    for expected in ("53/KH-KTĐNC", "Tuyên Quang, ngày 28 tháng 9 năm 2020", "05/11/2020", "Vũ Đức Thọ"):
        assert expected in text


def test_past_years_carry_their_own_dates_not_the_day_the_demo_ran(demo_db):
    """What the demo records of 2020 is dated in 2020 (or when the province decided, January 2021)."""
    plan = ConferencePlan.objects.get(year__bloc__slug="ktdnc", year__year=2020)
    minutes = ConferenceMinutes.objects.get(year__bloc__slug="ktdnc", year__year=2020)
    covenant_2021 = Covenant.objects.get(year__bloc__slug="ktdnc", year__year=2021)

    assert local(plan.issued_at).date() == datetime.date(2020, 9, 28)
    assert local(minutes.issued_at).date() == datetime.date(2020, 11, 5)
    assert local(covenant_2021.issued_at).date() == covenant_2021.issued_on == datetime.date(2021, 1, 8)
    moments = [
        *Submission.objects.filter(deadline__year__year__lte=2021, decided_at__isnull=False).values_list(
            "decided_at", flat=True
        ),
        *ScoreChange.objects.filter(score__sheet__year__year=2020).values_list("changed_at", flat=True),
        *Proposal.objects.filter(award_kind__year__year=2020).values_list("submitted_at", flat=True),
        *Proposal.objects.filter(award_kind__year__year=2020, decided_at__isnull=False).values_list(
            "decided_at", flat=True
        ),
        *LeaderTerm.objects.filter(year__lte=2026).values_list("recorded_at", flat=True),
        *ConferencePlan.objects.filter(year__year__lte=2021).values_list("issued_at", flat=True),
    ]
    assert len(moments) > 100
    assert max(local(m).date() for m in moments) < FIRST_DAY
    assert ScoreChange.objects.filter(score__sheet__year__year=2020, field=ScoreField.REVIEWED).exists()
    assert {local(m).year for m in ScoreChange.objects.filter(score__sheet__year__year=2020).values_list(
        "changed_at", flat=True
    )} == {2020}  # fmt: skip
    note = LeaderTerm.objects.get(bloc__slug="ktdnc", year=2021).note
    assert note == "Hội nghị bầu, xác nhận ngày 05/11/2020"


def test_every_year_has_the_next_leaders_of_the_rotation_and_only_the_current_one_is_open(demo_db):
    for slug, first in (("ktdnc", 2019), ("ktdvhxh", 2020)):
        years = list(EmulationYear.objects.filter(bloc__slug=slug).order_by("year"))
        order = list(RotationSlot.objects.filter(bloc__slug=slug).order_by("position").values_list("unit", flat=True))

        assert [y.year for y in years] == list(range(first, 2027))
        assert [y.phase == Phase.CLOSED for y in years] == [True] * (len(years) - 1) + [False]
        for before, after in itertools.pairwise(years):
            leader = order[(order.index(before.leader_id) + 1) % len(order)]
            assert (after.leader_id, after.deputy_id) == (leader, order[(order.index(leader) + 1) % len(order)])
        terms = list(LeaderTerm.objects.filter(bloc__slug=slug).order_by("year").values_list("year", "leader"))
        assert terms == [(y.year, y.leader_id) for y in years]
        # the summarised years tell nothing the demo does not know: no calendar, no sheet
        quiet = [y for y in years if 2022 <= y.year < 2026]
        assert quiet and not Deadline.objects.filter(year__in=quiet).exists()
        assert not Sheet.objects.filter(year__in=quiet).exists()


def test_the_command_names_the_current_leaders_logins(demo_db):
    assert (
        "Current year 2026 of Khối Nội chính (on 07/12/2026): leader Bộ Chỉ huy Quân sự tỉnh (quansu), deputy Ban "
        "Nội chính Tỉnh ủy (noichinh)"
    ) in demo_db
    assert "quansu       Vũ Quang Huy – Bộ Chỉ huy Quân sự tỉnh Tuyên Quang [leader 2026]" in demo_db


# --- running it again -----------------------------------------------------------------------------------------------


def test_seeding_again_on_the_same_day_changes_nothing(demo_db):
    def calendars():
        return list(Deadline.objects.order_by("pk").values("pk", "year", "kind", "title", "opens_at", "due_at"))

    before, deadlines = counts(), calendars()

    seed(FIRST_DAY)

    assert counts() == before
    assert calendars() == deadlines


def test_the_next_year_in_progress_replaces_the_former_current_year_with_a_summary(demo_db):
    seed(NEXT_YEAR_DAY)

    year = current("ktdnc", NEXT_YEAR_DAY)
    assert year.year == 2027
    assert (year.leader.code, year.deputy.code) == ("BNCTU", "TTr")  # the rotation goes round to the top again
    assert_in_progress(year, NEXT_YEAR_DAY)
    former = EmulationYear.objects.get(bloc__slug="ktdnc", year=2026)
    assert former.is_closed and (former.leader.code, former.deputy.code) == ("BCHQS", "BNCTU")
    assert not (former.deadlines.exists() or former.sheets.exists() or former.plans.exists())
    assert LeaderTerm.objects.filter(bloc__slug="ktdnc", year=2026).count() == 1
    assert current("ktdvhxh", NEXT_YEAR_DAY).leader.code == "SGDĐT"


def test_a_year_the_visitor_opened_after_the_current_one_goes_on_the_next_run(demo_db):
    year = current("ktdnc", FIRST_DAY)
    from blocs.services import year_open_next

    year_open_next(current=year, by=blocs_demo.board_user())

    seed(FIRST_DAY)

    assert list(EmulationYear.objects.filter(bloc__slug="ktdnc", year__gte=2026).values_list("year", flat=True)) == [
        2026
    ]
    assert_in_progress(current("ktdnc", FIRST_DAY), FIRST_DAY)


def test_a_day_before_the_live_years_or_not_a_date_is_refused(demo_db):
    with pytest.raises(CommandError, match="01/06/2022"):
        seed(datetime.date(2022, 5, 31))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("seed_demo", "--today", "07/12/2026")


# --- what a newcomer sees -----------------------------------------------------------------------------------------


def test_a_newcomer_sees_a_year_in_progress_on_the_real_day(demo_db):
    """`bin/run` on whatever day the suite runs: the current leader's home shows its year and a deadline ahead."""
    today = timezone.localdate()
    seed(None)
    year = current("ktdnc", today)
    leader = blocs_demo.officer(year.leader)
    client = Client()
    client.force_login(leader)

    page = client.get("/").content.decode()

    assert f'data-year="{year.year}" data-role="leader"' in page
    assert 'data-year="2020"' not in page  # the history is closed: not on the home page
    ahead = year.deadlines.filter(due_at__gt=timezone.now()).order_by("due_at").first()
    assert ahead is not None and ahead.title in page
