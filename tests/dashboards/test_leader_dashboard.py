"""The leader unit's dashboard: who may open it; what needs doing now and the calendar's progress on a world built
by hand (whole values compared); "everything done"; the link from the home page; and the same number of queries
for 3 and 15 member units, few and many deadlines."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from awards.enums import BallotKind, BallotStatus, DossierPart, Eligibility, ProposalStatus
from awards.models import AwardKind, Ballot, DossierFile, Proposal
from blocs.enums import Audience, DeadlineKind, Phase
from blocs.models import Bloc, Covenant, CovenantRegistration, Deadline, EmulationYear, Unit
from conference.enums import AnswerStatus, PlanStatus
from conference.models import Comment, ConferenceMinutes, DraftReport
from core.models import User
from dashboards.selectors.leader import leader_dashboard
from dashboards.urls import leader as urls_leader
from reports.enums import SubmissionStatus
from reports.models import Extension, Submission, SubmissionVersion
from reports.services.submissions import owing_units as conference_owing_units
from scoring.enums import SheetStatus
from scoring.models import CriteriaTable, Sheet
from tests.factories import (
    BlocFactory,
    DeadlineFactory,
    EmulationYearFactory,
    MembershipFactory,
    ProvinceFactory,
    UnitFactory,
    board_of,
    officer_of,
)

ROLES = ["anonymous", "outsider", "member", "leader", "deputy", "board", "other_board"]
MAY_VIEW = {"leader", "board"}
KNOW_THE_YEAR = {"member", "leader", "deputy", "board"}  # the others get 404: to them the year does not exist


def in_days(n: float, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) + datetime.timedelta(days=n)


# --- permissions -------------------------------------------------------------------------------------------

URLS = {"dashboards:leader-dashboard": lambda w: {"slug": w.bloc.slug, "year": w.year.year}}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(URLS))
def test_who_may_open_the_leader_dashboard(world, client_as, role, name):
    url = reverse(name, kwargs=URLS[name](world))
    response = client_as(world.user(role)).get(url)
    if role == "anonymous":
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    else:
        assert response.status_code == (200 if role in MAY_VIEW else 403 if role in KNOW_THE_YEAR else 404)
    # A read-only page: nothing is posted to it.
    posted = client_as(world.user(role)).post(url)
    assert posted.status_code == (302 if role == "anonymous" else 405)


def test_the_table_covers_every_leader_dashboard_url():
    assert {f"dashboards:{p.name}" for p in urls_leader.urlpatterns} == set(URLS)
    assert all(p.name.startswith("leader-") for p in urls_leader.urlpatterns)


def test_an_unknown_year_is_not_found(world, client_as):
    url = reverse("dashboards:leader-dashboard", kwargs={"slug": world.bloc.slug, "year": 1999})
    assert client_as(world.leader).get(url).status_code == 404


def test_the_leader_of_another_year_is_refused(world, client_as):
    """Leading 2020 gives no right on 2021's dashboard when another unit leads 2021."""
    EmulationYearFactory(bloc=world.bloc, year=2021, leader=world.member_unit, deputy=world.deputy_unit)
    url = reverse("dashboards:leader-dashboard", kwargs={"slug": world.bloc.slug, "year": 2021})
    assert client_as(world.leader).get(url).status_code == 403
    assert client_as(world.member).get(url).status_code == 200


def test_the_home_page_links_the_leader_to_the_dashboard(world, client_as):
    url = reverse("dashboards:leader-dashboard", kwargs={"slug": world.bloc.slug, "year": 2020})
    assert url in client_as(world.leader).get(reverse("dashboards:home")).content.decode()
    assert url not in client_as(world.member).get(reverse("dashboards:home")).content.decode()


# --- a world built by hand ----------------------------------------------------------------------------------


@dataclass
class Site:
    bloc: Bloc
    year: EmulationYear
    units: dict[str, Unit]
    leader: User
    now: datetime.datetime
    deadlines: dict[str, Deadline]


def _version(submission: Submission, *, late_seconds: int = 0, number: int = 1) -> SubmissionVersion:
    return SubmissionVersion.objects.create(
        submission=submission,
        number=number,
        file="submissions/x.pdf",
        original_name="x.pdf",
        size=10,
        submitted_at=timezone.now(),
        late_seconds=late_seconds,
    )


def _submit(deadline: Deadline, unit: Unit, *, status=SubmissionStatus.SUBMITTED, late_seconds: int = 0) -> None:
    submission = Submission.objects.create(deadline=deadline, unit=unit, status=status)
    _version(submission, late_seconds=late_seconds)


def _sheet(year: EmulationYear, unit: Unit, status: str, *, late: bool = False) -> Sheet:
    submitted = None if status == SheetStatus.DRAFT else timezone.now()
    return Sheet.objects.create(year=year, unit=unit, status=status, is_late=late, submitted_at=submitted)


def _ballot(year, kind: AwardKind | None, status: str, *, round: int = 1, parent=None, runoff_seats=0) -> Ballot:
    return Ballot.objects.create(
        year=year,
        kind=BallotKind.AWARD if kind else BallotKind.ELECTION,
        award_kind=kind,
        round=round,
        parent=parent,
        status=status,
        quota=1,
        threshold_percent=Decimal("50"),
        quorum_percent=Decimal("67"),
        runoff_seats=runoff_seats,
    )


@pytest.fixture
def site(db) -> Site:
    """Six member units A (leader), B (deputy), C, E, F, H in 2020, A leading 2021 too, and at `now`:

    - the year-end report, due 10 days ago: A sent late (accepted), B has an extension running, C on time, E late
      and waiting for a decision, F nothing, H returned for correction;
    - the self-assessment, due 9 days ago: A submitted (goes to the deputy), B final, C submitted late, E reviewed,
      F has a deadline of its own in 2 days, H nothing;
    - the summary report due in 2 days (nothing sent), the compilation in 5, the conference in 10 days;
    - three comments (two unanswered), five ballots (four to move on), three proposals (two preparing), no plan;
    - 2021's covenant registrations: C and E have sent theirs.
    """
    now = timezone.now()
    province = ProvinceFactory(name="Tuyên Quang", code="TQ")
    bloc = BlocFactory(province=province, slug="ktdnc", code="KTĐNC")
    units = {}
    for code in ("A", "B", "C", "E", "F", "H"):
        units[code] = UnitFactory(province=province, code=code, name=f"Đơn vị {code}", short_name=f"ĐV {code}")
        MembershipFactory(bloc=bloc, unit=units[code], start_year=2019)
    year = EmulationYearFactory(bloc=bloc, year=2020, leader=units["A"], deputy=units["B"], phase=Phase.REVIEW)
    next_year = EmulationYearFactory(bloc=bloc, year=2021, leader=units["A"], deputy=units["C"], phase=Phase.LAUNCH)
    leader = officer_of(units["A"])

    def deadline(kind, days, *, audience=Audience.MEMBERS, unit=None, title=None):
        return DeadlineFactory(
            year=year,
            kind=kind,
            audience=audience,
            unit=unit,
            title=title or str(kind.label),
            opens_at=None if kind == DeadlineKind.CONFERENCE else in_days(days - 30, now),
            due_at=in_days(days, now),
        )

    d = {
        "year_report": deadline(DeadlineKind.YEAR_REPORT, -10, title="Báo cáo tổng kết"),
        "sheets": deadline(DeadlineKind.SELF_ASSESSMENT, -9, title="Tự chấm điểm"),
        "sheet_f": deadline(
            DeadlineKind.SELF_ASSESSMENT, 2, audience=Audience.UNIT, unit=units["F"], title="Tự chấm điểm (F)"
        ),
        "summary": deadline(DeadlineKind.SUMMARY_REPORT, 2, title="Báo cáo tóm tắt"),
        "compile": deadline(DeadlineKind.COMPILE, 5, audience=Audience.LEADER, title="Tổng hợp"),
        "comments": deadline(DeadlineKind.COMMENT_ROUND, 8, title="Góp ý"),
        "conference": deadline(DeadlineKind.CONFERENCE, 10, title="Hội nghị"),
    }
    report = d["year_report"]
    _submit(report, units["A"], status=SubmissionStatus.ACCEPTED, late_seconds=3600)
    _submit(report, units["C"], status=SubmissionStatus.ACCEPTED)
    _submit(report, units["E"], late_seconds=86400)
    _submit(report, units["H"], status=SubmissionStatus.RETURNED)
    Extension.objects.create(deadline=report, unit=units["B"], due_at=in_days(3, now), reason="Ốm")

    _sheet(year, units["A"], SheetStatus.SUBMITTED)
    _sheet(year, units["B"], SheetStatus.FINAL)
    _sheet(year, units["C"], SheetStatus.SUBMITTED, late=True)
    _sheet(year, units["E"], SheetStatus.REVIEWED)
    CriteriaTable.objects.create(year=year)

    draft = DraftReport.objects.create(
        year=year, version=1, file="drafts/d.pdf", original_name="d.pdf", published_at=now
    )
    Comment.objects.create(draft=draft, unit=units["E"], text="Một")
    Comment.objects.create(draft=draft, unit=units["C"], text="Hai")
    Comment.objects.create(draft=draft, unit=units["F"], text="Ba", answer_status=AnswerStatus.ACCEPTED)

    flag = AwardKind.objects.create(
        year=year, code="flag", name="Cờ thi đua", quota=1, eligibility=Eligibility.TOP_RANKED, order=1
    )
    merit = AwardKind.objects.create(
        year=year, code="merit", name="Bằng khen", quota=3, eligibility=Eligibility.NEXT_IN_TOP_CLASS, order=2
    )
    done_flag = _ballot(year, flag, BallotStatus.PUBLISHED)
    tied = _ballot(year, merit, BallotStatus.PUBLISHED, runoff_seats=1)
    _ballot(year, merit, BallotStatus.OPEN, round=2, parent=tied)
    _ballot(year, None, BallotStatus.TALLIED)
    other = AwardKind.objects.create(
        year=year, code="other", name="Giấy khen", quota=1, eligibility=Eligibility.ANY_MEMBER, order=3
    )
    _ballot(year, other, BallotStatus.DRAFT)

    incomplete = Proposal.objects.create(award_kind=flag, unit=units["C"], ballot=done_flag, votes=5)
    complete = Proposal.objects.create(award_kind=merit, unit=units["E"], ballot=tied, votes=5)
    DossierFile.objects.create(
        proposal=complete, part=DossierPart.ACHIEVEMENTS, file="awards/a.pdf", original_name="a.pdf", size=1
    )
    Proposal.objects.create(
        award_kind=merit, unit=units["B"], ballot=tied, votes=6, status=ProposalStatus.SUBMITTED, submitted_at=now
    )
    assert incomplete.pk

    for code in ("C", "E"):
        CovenantRegistration.objects.create(year=next_year, unit=units[code], submitted_at=now, sent_version=1)
    year = EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(pk=year.pk)
    return Site(bloc=bloc, year=year, units=units, leader=leader, now=now, deadlines=d)


def codes(units) -> list[str]:
    return [u.code for u in units]


def todos_in_short(board) -> list[tuple]:
    return [
        (t.code, t.urgency, t.count, t.total, [(r.label, codes(r.units), r.note) for r in t.rows]) for t in board.todos
    ]


def test_what_needs_doing_now(site):
    with translation.override("en"):
        board = leader_dashboard(year=site.year, at=site.now)
        assert todos_in_short(board) == [
            (
                "late_reports",
                "overdue",
                3,
                None,
                [
                    ("Not submitted", ["F"], ""),
                    ("Returned for correction, not sent again", ["H"], ""),
                    ("Submitted late, waiting for your decision", ["E"], ""),
                ],
            ),
            ("late_sheets", "overdue", 1, None, [("Sheet not submitted", ["H"], "")]),
            (
                "review",
                "soon",
                3,
                None,
                [
                    ("Waiting for review, submitted late", ["C"], ""),
                    ("Reviewed, not finalized yet", ["E"], ""),
                    ("The leader unit's own sheet: reviewed by the deputy leader unit (ĐV B)", ["A"], ""),
                ],
            ),
            ("comments", "normal", 2, None, [("Units that commented", ["C", "E"], "")]),
            (
                "ballots",
                "normal",
                3,
                None,
                [
                    ("Run-off (round 2) for the Bằng khen, 2020", [], "Open · Close the vote"),
                    ("Ballot for the Giấy khen, 2020", [], "Draft · Freeze the ballot"),
                    ("Election of the leader and deputy leader units for 2021", [], "Counted · Publish the results"),
                ],
            ),
            ("plan", "normal", 1, None, [("No plan yet", [], "")]),
            (
                "dossiers",
                "normal",
                2,
                None,
                [
                    ("Cờ thi đua", ["C"], "Missing: Report of achievements (báo cáo thành tích)."),
                    ("Bằng khen", ["E"], "Complete: send it to the board."),
                ],
            ),
            ("covenant", "normal", 2, 6, [("Registration not sent", ["A", "B", "F", "H"], "")]),
        ]
        assert [t.title for t in board.todos][:2] == ["Late: Báo cáo tổng kết", "Late: Tự chấm điểm"]
        assert board.todos[-1].title == "Emulation covenant of 2021: registrations still missing"
        assert board.todos[-1].url == "/blocs/ktdnc/years/2021/covenant/"
        assert board.overdue_count == 2


def test_the_calendar_progress(site):
    board = leader_dashboard(year=site.year, at=site.now)
    rows = [(e.deadline.title, e.expected, e.done, e.late, e.state, e.today_before) for e in board.calendar]
    assert rows == [
        # A, C, E sent (A and E late); B's extension runs; F sent nothing; H's file was returned
        ("Báo cáo tổng kết", 6, 3, 2, "overdue", False),
        # F has a deadline of its own: five units owe this one; A, B, C, E have submitted, C late
        ("Tự chấm điểm", 5, 4, 1, "overdue", False),
        ("Tự chấm điểm (F)", 1, 0, 0, "soon", True),
        ("Báo cáo tóm tắt", 6, 0, 0, "soon", False),
        ("Tổng hợp", 1, 0, 0, "soon", False),
        ("Góp ý", None, None, 0, "open", False),
        ("Hội nghị", None, None, 0, "upcoming", False),
    ]
    assert board.today_at_end is False
    assert [e.percent for e in board.calendar[:2]] == [50, 80]


def test_the_dashboard_owes_what_the_submissions_rule_says(site):
    """The dashboard names as late the units reports.services.submissions.owing_units names (it reads them from
    the one rule, reports.obligations, without a query per deadline) for every audience, with and without a
    following year."""
    year = site.year
    due = in_days(-1, site.now)
    extra = [
        DeadlineFactory(year=year, audience=audience, unit=unit, title=f"Hạn {audience}", opens_at=None, due_at=due)
        for audience, unit in (
            (Audience.LEADER, None),
            (Audience.UNIT, site.units["C"]),
            (Audience.NEXT_LEADER, None),
        )
    ]

    def late_units() -> dict[str, list[str]]:
        with translation.override("en"):
            board = leader_dashboard(year=year, at=site.now)
        return {t.title: codes(t.units) for t in board.todos if t.title in {f"Late: {d.title}" for d in extra}}

    def expected() -> dict[str, list[str]]:
        for deadline in extra:
            deadline.year = year
        return {f"Late: {d.title}": codes(conference_owing_units(d)) for d in extra}

    assert (
        late_units()
        == expected()
        == {
            "Late: Hạn leader": ["A"],
            "Late: Hạn unit": ["C"],
            "Late: Hạn next_leader": ["A"],  # A leads 2021 too
        }
    )
    EmulationYear.objects.filter(bloc=year.bloc, year=2021).delete()
    assert late_units() == expected()
    assert late_units()["Late: Hạn next_leader"] == ["B"]  # until 2021 opens, the deputy


def test_the_ranking_ready_to_publish_then_published(site):
    Sheet.objects.filter(year=site.year).update(status=SheetStatus.FINAL)
    with translation.override("en"):
        board = leader_dashboard(year=site.year, at=site.now)
        ranking = [t for t in board.todos if t.code == "ranking"]
        assert [(t.count, t.total, [(r.label, codes(r.units)) for r in t.rows]) for t in ranking] == [
            (
                4,
                6,
                [
                    ("Finalized sheets", ["A", "B", "C", "E"]),
                    ("Not in the ranking (no finalized sheet)", ["F", "H"]),
                ],
            )
        ]
        assert ranking[0].count_text == "4 of 6 sheets finalized"
    CriteriaTable.objects.filter(year=site.year).update(ranking_published_at=site.now)
    board = leader_dashboard(year=site.year, at=site.now)
    assert "ranking" not in [t.code for t in board.todos]
    assert "review" not in [t.code for t in board.todos]
    compile_entry = [e for e in board.calendar if e.deadline.kind == DeadlineKind.COMPILE]
    assert [(e.done, e.expected, e.state) for e in compile_entry] == [(1, 1, "done")]


def test_after_the_conference_the_minutes_not_the_plan(site):
    later = in_days(11, site.now)
    board = leader_dashboard(year=site.year, at=later)
    kinds = [t.code for t in board.todos]
    assert "plan" not in kinds and "minutes" in kinds
    ConferenceMinutes.objects.create(
        year=site.year, held_at=site.deadlines["conference"].due_at, place="Hội trường", status=PlanStatus.ISSUED
    )
    assert "minutes" not in [t.code for t in leader_dashboard(year=site.year, at=later).todos]
    assert board.today_at_end is True
    assert [e.state for e in board.calendar][-2:] == ["done", "done"]  # the comment round and the conference


def test_the_covenant_of_the_next_year_only_when_the_leader_leads_it_too(site):
    EmulationYear.objects.filter(bloc=site.bloc, year=2021).update(leader=site.units["C"], deputy=site.units["E"])
    assert "covenant" not in [t.code for t in leader_dashboard(year=site.year, at=site.now).todos]


def test_the_covenant_of_the_year_itself_once_every_registration_is_in(site):
    """The year's own covenant: registrations are answers to its covenant deadline; once all are in, the item
    asks the leader to issue it, and it goes once issued."""
    year = site.year
    covenant = DeadlineFactory(
        year=year, kind=DeadlineKind.COVENANT, title="Đăng ký", opens_at=in_days(-40), due_at=in_days(-20)
    )
    for unit in site.units.values():
        CovenantRegistration.objects.create(year=year, unit=unit, submitted_at=site.now, sent_version=1)
    with translation.override("en"):
        board = leader_dashboard(year=year, at=site.now)
        mine = [t for t in board.todos if t.code == "covenant" and t.url.endswith("/2020/covenant/")]
        assert [(t.title, t.count, t.total, t.urgency) for t in mine] == [
            ("Issue the emulation covenant of 2020", 6, 6, "overdue")
        ]
        entry = [e for e in board.calendar if e.deadline.pk == covenant.pk]
        assert [(e.expected, e.done, e.state) for e in entry] == [(6, 6, "done")]
    Covenant.objects.create(year=year, place="Tuyên Quang", issued_on=site.now.date(), preamble="…", issued_at=site.now)
    board = leader_dashboard(year=year, at=site.now)
    assert [t.url for t in board.todos if t.code == "covenant"] == ["/blocs/ktdnc/years/2021/covenant/"]


def test_everything_done(world, client_as):
    """A year whose only deadline every member has met, and nothing else waiting: the page says so."""
    year = world.year
    deadline = DeadlineFactory(year=year, kind=DeadlineKind.YEAR_REPORT, opens_at=in_days(-20), due_at=in_days(-1))
    for unit in (world.leader_unit, world.deputy_unit, world.member_unit):
        _submit(deadline, unit, status=SubmissionStatus.ACCEPTED)
    DeadlineFactory(year=year, kind=DeadlineKind.CONFERENCE, opens_at=None, due_at=in_days(-0.5))
    ConferenceMinutes.objects.create(year=year, held_at=in_days(-0.5), place="Hội trường", status=PlanStatus.ISSUED)
    board = leader_dashboard(year=year)
    assert board.todos == []
    assert [(e.expected, e.done, e.state) for e in board.calendar] == [(3, 3, "done"), (None, None, "done")]
    with translation.override("en"):
        url = reverse("dashboards:leader-dashboard", kwargs={"slug": world.bloc.slug, "year": 2020})
        page = client_as(world.leader).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="todo-done"' in page
    assert 'data-today="1"' in page


def test_the_page_shows_the_items_and_the_calendar(site, client_as):
    url = reverse("dashboards:leader-dashboard", kwargs={"slug": "ktdnc", "year": 2020})
    response = client_as(site.leader).get(url)
    page = response.content.decode()
    assert response.status_code == 200
    for code in ("late_reports", "late_sheets", "review", "comments", "ballots", "plan", "dossiers", "covenant"):
        assert f'data-todo="{code}"' in page
    assert page.count("data-deadline=") == 7
    assert page.index('data-today="1"') < page.index(f'data-deadline="{site.deadlines["sheet_f"].pk}"')
    assert 'href="/blocs/ktdnc/years/2020/submissions/matrix/?late=1"' in page
    assert "style=" not in page


# --- queries -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("members", "deadlines"), [(3, 2), (15, 12)])
def test_the_dashboard_costs_the_same_at_any_size(db, client_as, django_assert_num_queries, members, deadlines):
    """Every kind of record, in numbers that grow with the bloc: one budget for both sizes."""
    now = timezone.now()
    province = ProvinceFactory(name="Tuyên Quang", code="TQ")
    bloc = BlocFactory(province=province)
    units = [UnitFactory(province=province) for _ in range(members)]
    for unit in units:
        MembershipFactory(bloc=bloc, unit=unit, start_year=2019)
    year = EmulationYearFactory(bloc=bloc, year=2020, leader=units[0], deputy=units[1])
    next_year = EmulationYearFactory(bloc=bloc, year=2021, leader=units[0], deputy=units[2])
    kinds = [DeadlineKind.YEAR_REPORT, DeadlineKind.SELF_ASSESSMENT, DeadlineKind.COVENANT, DeadlineKind.OTHER]
    for i in range(deadlines):
        deadline = DeadlineFactory(
            year=year, kind=kinds[i % len(kinds)], opens_at=in_days(-30 + i), due_at=in_days(-10 + 2 * i)
        )
        for j, unit in enumerate(units[: members // 2]):
            _submit(deadline, unit, late_seconds=j * 60)
        Extension.objects.create(deadline=deadline, unit=units[-1], due_at=in_days(30), reason="…")
    DeadlineFactory(year=year, kind=DeadlineKind.CONFERENCE, opens_at=None, due_at=in_days(5))
    DeadlineFactory(year=next_year, kind=DeadlineKind.COVENANT, due_at=in_days(40))
    statuses = [SheetStatus.SUBMITTED, SheetStatus.REVIEWED, SheetStatus.FINAL, SheetStatus.RETURNED]
    for i, unit in enumerate(units):
        _sheet(year, unit, statuses[i % len(statuses)], late=i % 3 == 0)
        CovenantRegistration.objects.create(year=next_year, unit=unit, submitted_at=now, sent_version=1)
    CriteriaTable.objects.create(year=year)
    draft = DraftReport.objects.create(year=year, file="drafts/d.pdf", original_name="d.pdf", published_at=now)
    kind = AwardKind.objects.create(year=year, code="m", name="Bằng khen", quota=3, eligibility=Eligibility.ANY_MEMBER)
    parent = _ballot(year, kind, BallotStatus.PUBLISHED, runoff_seats=1)
    for i, unit in enumerate(units):
        Comment.objects.create(draft=draft, unit=unit, text=f"Ý kiến {i}")
        proposal = Proposal.objects.create(award_kind=kind, unit=unit, ballot=parent, votes=i)
        if i % 2:
            DossierFile.objects.create(
                proposal=proposal, part=DossierPart.ACHIEVEMENTS, file="awards/a.pdf", original_name="a.pdf", size=1
            )
    for i in range(2, 2 + deadlines):
        _ballot(year, kind, [BallotStatus.DRAFT, BallotStatus.OPEN, BallotStatus.CLOSED][i % 3], round=i, parent=parent)
    leader = officer_of(units[0])
    client = client_as(leader)
    url = reverse("dashboards:leader-dashboard", kwargs={"slug": bloc.slug, "year": 2020})
    with django_assert_num_queries(21):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("data-deadline=") == deadlines + 1


def test_the_board_reads_it_in_the_same_queries(world, client_as, django_assert_max_num_queries):
    url = reverse("dashboards:leader-dashboard", kwargs={"slug": world.bloc.slug, "year": 2020})
    client = client_as(board_of(world.bloc.province))
    with django_assert_max_num_queries(21):
        assert client.get(url).status_code == 200


def test_files_sent_late_and_waiting_for_a_decision_are_not_overdue(site):
    """When every unit has answered, some late, the leader has a decision to make, not a deadline missed."""
    from dashboards.selectors.leader import NORMAL, _late_todo

    deadline = site.deadlines["year_report"]
    late_unit = site.units["E"]

    with translation.override("en"):
        todo = _late_todo(deadline, [], [late_unit], set(), url=lambda name: f"/{name}/")
        assert (todo.urgency, todo.due, todo.count, todo.title) == (
            NORMAL,
            None,
            1,
            f"Files sent late to decide on: {deadline.title}",
        )
        missed = _late_todo(deadline, [site.units["F"]], [late_unit], set(), url=lambda name: f"/{name}/")
        assert (missed.urgency, missed.title) == ("overdue", f"Late: {deadline.title}")
