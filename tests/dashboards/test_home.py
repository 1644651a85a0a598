"""Home pages as to-do lists, computed from the one rule of who has answered what and when
(reports.obligations): the officer's (due next on top, overdue in red with what to do, extended with the new date,
done below with how), the leader's (its own work by urgency, its done work below) and the board's (decisions
waiting, blocs with overdue work); the summary line counts the same list; each costs the same at any size."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext

from awards.enums import BallotKind, Eligibility, ProposalStatus
from awards.models import AwardKind, Ballot, Proposal
from blocs.enums import Audience, DeadlineKind, Phase
from blocs.models import CovenantRegistration
from conference.enums import PlanStatus
from conference.models import ConferencePlan, DraftReport
from dashboards import selectors
from reports.enums import SubmissionStatus
from reports.models import Extension, Submission, SubmissionVersion
from reports.obligations import State
from scoring.enums import SheetStatus
from scoring.models import Sheet
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

HOME = reverse("dashboards:home")
DAY = datetime.timedelta(days=1)


def dmy(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def vi(text: str, **values) -> str:
    with translation.override("vi"):
        return gettext(text) % values if values else gettext(text)


def vi_n(singular: str, plural: str, n: int) -> str:
    with translation.override("vi"):
        return ngettext(singular, plural, n) % {"n": n}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def section(html: str, marker: str) -> str:
    """The markup from the tag that carries `marker` (an attribute) on."""
    start = html.rindex("<", 0, html.index(marker))
    return html[start : start + 6000]


def file_sent(deadline, unit, *, at, late_seconds=0, status=SubmissionStatus.SUBMITTED) -> Submission:
    submission = Submission.objects.create(deadline=deadline, unit=unit, status=status)
    SubmissionVersion.objects.create(
        submission=submission,
        number=1,
        file="submissions/x.pdf",
        original_name="x.pdf",
        size=10,
        submitted_at=at,
        late_seconds=late_seconds,
    )
    return submission


def entry(world, kind, days: float, title: str, *, opens: float | None = -40, **extra):
    now = timezone.now()
    opens_at = now + opens * DAY if opens is not None else None
    return DeadlineFactory(year=world.year, kind=kind, title=title, opens_at=opens_at, due_at=now + days * DAY, **extra)


@pytest.fixture
def year_in_progress(world):
    """The world's year as the demo builds one around today (2020 stands in for the current year):

    - the covenant registration, due 30 days ago: the member and the leader registered on the covenant page, the
      deputy did not;
    - the year-end report, due 3 days ago: the member sent it within the extension it was given (to yesterday), the
      deputy a day late, the leader on time; nobody's decided on;
    - a file asked of the member alone, due 2 days ago (still taken late), and another due 20 days ago (closed):
      nothing sent;
    - the summary report, due in 2 days: the member has an extension to 6 days from now;
    - the self-assessment, due in 4 days: the deputy has sent its sheet;
    - compiling the results (the leader), due in 8 days; the comment round from 10 to 15 days; the conference in 20.
    """
    now = timezone.now()
    w = world
    d = {
        "covenant": entry(w, DeadlineKind.COVENANT, -30, "Đăng ký giao ước", opens=-60),
        "report": entry(w, DeadlineKind.YEAR_REPORT, -3, "Báo cáo tổng kết"),
        "asked": entry(w, DeadlineKind.OTHER, -2, "Bổ sung hồ sơ", audience=Audience.UNIT, unit=w.member_unit),
        "closed": entry(w, DeadlineKind.OTHER, -20, "Giải trình số liệu", audience=Audience.UNIT, unit=w.member_unit),
        "summary": entry(w, DeadlineKind.SUMMARY_REPORT, 2, "Báo cáo tóm tắt"),
        "sheet": entry(w, DeadlineKind.SELF_ASSESSMENT, 4, "Tự chấm điểm"),
        "compile": entry(w, DeadlineKind.COMPILE, 8, "Tổng hợp kết quả", audience=Audience.LEADER),
        "comments": entry(w, DeadlineKind.COMMENT_ROUND, 15, "Lấy ý kiến dự thảo", opens=10),
        "conference": entry(w, DeadlineKind.CONFERENCE, 20, "Hội nghị tổng kết", opens=None),
    }
    for unit in (w.member_unit, w.leader_unit):
        CovenantRegistration.objects.create(
            year=w.year, unit=unit, targets="100%", submitted_at=d["covenant"].due_at - 2 * DAY
        )
    Extension.objects.create(deadline=d["report"], unit=w.member_unit, due_at=now - DAY, reason="Ốm")
    file_sent(d["report"], w.member_unit, at=now - 2 * DAY)
    file_sent(d["report"], w.deputy_unit, at=d["report"].due_at + DAY, late_seconds=86400)
    file_sent(d["report"], w.leader_unit, at=d["report"].due_at - DAY)
    Extension.objects.create(deadline=d["summary"], unit=w.member_unit, due_at=now + 6 * DAY, reason="Ốm")
    Sheet.objects.create(year=w.year, unit=w.deputy_unit, status=SheetStatus.SUBMITTED, submitted_at=now - DAY)
    w.deadlines = d
    return w


def home_of(client_as, user):
    response = client_as(user).get(HOME)
    assert response.status_code == 200
    return response


# --- the officer's to-do list ---------------------------------------------------------------------------------


def test_the_member_unit_home_is_its_to_do_list(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines

    (item,) = home_of(client_as, w.member).context["items"]

    todo = item.todo
    assert (item.role, todo.next.deadline, todo.next.action) == (
        "member",
        d["sheet"],
        vi("Fill in the self-assessment sheet"),
    )
    assert [(i.deadline, i.state) for i in todo.overdue] == [
        (d["closed"], State.MISSING),
        (d["asked"], State.MISSING),
    ]
    assert [(i.deadline, i.state, i.due) for i in todo.coming] == [
        (d["summary"], State.EXTENDED, Extension.objects.get(deadline=d["summary"], unit=w.member_unit).due_at),
        (d["comments"], State.EVENT, d["comments"].due_at),
        (d["conference"], State.EVENT, d["conference"].due_at),
    ]
    assert [(i.deadline, i.state, i.via) for i in item.done] == [
        (d["report"], State.ON_TIME, "file"),
        (d["covenant"], State.ON_TIME, "registration"),
    ]
    assert (item.overdue_count, item.todo_count, item.done_count) == (2, 2, 2)


def test_due_next_is_on_top_then_overdue_then_what_comes_then_done(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines

    html = home_of(client_as, w.member).content.decode()

    marks = [
        'id="summary-',
        f'data-item="next" data-deadline="{d["sheet"].pk}"',
        f'data-item="overdue" data-deadline="{d["closed"].pk}"',
        f'data-item="overdue" data-deadline="{d["asked"].pk}"',
        f'data-item="todo" data-deadline="{d["summary"].pk}"',
        f'data-item="event" data-deadline="{d["conference"].pk}"',
        f'data-item="done" data-deadline="{d["report"].pk}"',
        f'data-item="done" data-deadline="{d["covenant"].pk}"',
    ]
    positions = [html.index(mark) for mark in marks]
    assert positions == sorted(positions)


def test_the_summary_line_counts_the_same_list(year_in_progress, client_as):
    w = year_in_progress

    html = home_of(client_as, w.member).content.decode()

    summary = text_of(section(html, 'id="summary-').split("</p>")[0])
    assert 'data-overdue="2" data-todo="2" data-done="2"' in html
    assert vi_n("%(n)s item overdue", "%(n)s items overdue", 2) in summary
    assert vi_n("%(n)s still to do", "%(n)s still to do", 2) in summary
    assert vi_n("%(n)s done", "%(n)s done", 2) in summary
    assert vi("Nothing left to do this year.") not in html
    assert vi("Nothing overdue.") not in html


@pytest.mark.parametrize("role", ["member", "deputy", "leader"])
def test_never_nothing_to_do_above_an_overdue_item(year_in_progress, client_as, role):
    response = home_of(client_as, year_in_progress.user(role))

    (item,) = response.context["items"]
    html = response.content.decode()
    summary = text_of(section(html, 'id="summary-').split("</p>")[0])
    overdue = len(item.todo.overdue) + (item.leader.overdue_count if item.leader else 0)
    assert overdue > 0  # each role has something overdue in this year
    assert f'data-overdue="{overdue}"' in html
    assert vi_n("%(n)s item overdue", "%(n)s items overdue", overdue) in summary
    assert vi("Nothing left to do this year.") not in summary and vi("Nothing overdue.") not in summary


def test_an_overdue_item_says_what_to_do(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines

    html = home_of(client_as, w.member).content.decode()

    still_open = section(html, f'data-item="overdue" data-deadline="{d["asked"].pk}"').split("</li>")[0]
    closed = section(html, f'data-item="overdue" data-deadline="{d["closed"].pk}"').split("</li>")[0]
    submissions = reverse("reports:submissions", kwargs={"slug": w.bloc.slug, "year": 2020})
    assert "border-danger" in still_open and "border-danger" in closed  # red, and the words say it too
    assert vi("Still taken, marked late, until %(when)s.", when=dmy(d["asked"].due_at + 7 * DAY)) in text_of(still_open)
    assert f'href="{submissions}#deadline-{d["asked"].pk}"' in still_open
    assert 'class="btn btn-sm btn-danger"' in still_open
    assert vi(
        "Closed on %(when)s: ask the leader unit (%(leader)s) for an extension.",
        when=dmy(d["closed"].due_at + 7 * DAY),
        leader=w.leader_unit.short_name,
    ) in text_of(closed)


def test_an_extended_item_shows_its_new_date(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines
    extended_to = Extension.objects.get(deadline=d["summary"], unit=w.member_unit).due_at

    html = home_of(client_as, w.member).content.decode()

    row = text_of(section(html, f'data-item="todo" data-deadline="{d["summary"].pk}"').split("</li>")[0])
    assert vi("Extended to %(until)s", until=dmy(extended_to)) in row
    assert vi("instead of %(due)s", due=dmy(d["summary"].due_at)) in row
    assert vi_n("%(n)d day left", "%(n)d days left", 6) in row  # counted from the new date


def test_done_items_say_how_and_are_grey(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines
    report_extension = Extension.objects.get(deadline=d["report"], unit=w.member_unit).due_at
    registered = CovenantRegistration.objects.get(unit=w.member_unit).submitted_at

    member = home_of(client_as, w.member).content.decode()
    deputy = home_of(client_as, w.deputy).content.decode()

    report = section(member, f'data-item="done" data-deadline="{d["report"].pk}"').split("</li>")[0]
    covenant = section(member, f'data-item="done" data-deadline="{d["covenant"].pk}"').split("</li>")[0]
    late = section(deputy, f'data-item="done" data-deadline="{d["report"].pk}"').split("</li>")[0]
    assert "text-body-secondary" in report
    assert 'data-answer="on_time"' in report and 'data-extended="1"' in report
    assert vi("under an extension to %(until)s", until=dmy(report_extension)) in text_of(report)
    assert vi("Registered on the covenant page on %(when)s", when=dmy(registered)) in text_of(covenant)
    assert 'data-answer="late"' in late


def test_each_button_opens_the_page_that_does_the_work(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines
    kwargs = {"slug": w.bloc.slug, "year": 2020}

    member = {i.deadline: i for i in home_of(client_as, w.member).context["items"][0].todo.items}
    deputy = {i.deadline: i for i in home_of(client_as, w.deputy).context["items"][0].todo.items}
    leader = {i.deadline: i for i in home_of(client_as, w.leader).context["items"][0].todo.items}

    assert [(i.url, i.action) for i in (member[d["sheet"]], member[d["summary"]], deputy[d["covenant"]])] == [
        (reverse("scoring:my-sheet", kwargs=kwargs), vi("Fill in the self-assessment sheet")),
        (reverse("reports:submissions", kwargs=kwargs) + f"#deadline-{d['summary'].pk}", vi("Upload the report")),
        (reverse("blocs:covenant", kwargs=kwargs), vi("Register on the covenant page")),
    ]
    assert (leader[d["compile"]].url, leader[d["compile"]].group) == (reverse("scoring:ranking", kwargs=kwargs), "todo")
    assert d["compile"] not in member  # the leader's alone


def test_a_report_returned_for_correction_is_to_do_again(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines
    Submission.objects.filter(deadline=d["report"], unit=w.member_unit).update(status=SubmissionStatus.RETURNED)

    (item,) = home_of(client_as, w.member).context["items"]

    returned = next(i for i in item.todo.items if i.deadline == d["report"])
    assert (returned.group, returned.returned, returned.action) == ("overdue", True, vi("Send a corrected version"))
    assert item.overdue_count == 3


def test_a_closed_year_has_nothing_overdue(year_in_progress, client_as):
    year_in_progress.year.phase = Phase.CLOSED
    year_in_progress.year.save()

    response = home_of(client_as, year_in_progress.member)

    (item,) = response.context["items"]
    assert (item.overdue_count, item.todo_count, item.leader) == (0, 0, None)
    assert vi("This year is closed: nothing more can be sent.") in response.content.decode()


def test_a_year_without_a_calendar(world, client_as):
    (item,) = home_of(client_as, world.member).context["items"]

    assert (item.todo.items, item.todo.next, item.nothing_left) == ([], None, True)


def test_home_of_a_unit_that_left_the_bloc(world, client_as):
    from blocs.models import Membership

    Membership.objects.filter(unit=world.member_unit).update(end_year=2019)

    assert home_of(client_as, world.member).context["items"] == []


def test_home_for_an_account_with_no_person(world, client_as):
    response = home_of(client_as, world.admin)

    assert response.templates[0].name == "dashboards/home_none.html"


# --- the leader's work ----------------------------------------------------------------------------------------


def test_the_leaders_home_lists_its_work_by_urgency(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines

    (item,) = home_of(client_as, w.leader).context["items"]

    assert [(t.code, t.urgency, t.due) for t in item.leader.todos] == [
        ("late_reports", "overdue", d["covenant"].due_at),  # the deputy has not registered
        ("covenant", "overdue", d["covenant"].due_at),  # the covenant to issue, registrations missing
        ("late_reports", "overdue", d["closed"].due_at),
        ("late_reports", "overdue", d["asked"].due_at),
        ("review", "normal", d["compile"].due_at),  # the deputy's sheet
        ("decisions", "normal", d["compile"].due_at),  # the year-end reports sent
        ("summary", "normal", d["comments"].opens_at),  # to send for comments before the round opens
        ("plan", "normal", d["conference"].due_at),
    ]
    assert (len(item.todo.overdue), item.overdue_count) == (0, 4)  # its own list has nothing overdue; its work does
    html = home_of(client_as, w.leader).content.decode()
    assert html.index('data-item="next"') < html.index('data-group="leader"') < html.index('data-group="done"')


def test_reports_sent_late_wait_for_a_decision_not_as_overdue(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines

    (item,) = home_of(client_as, w.leader).context["items"]

    decisions = next(t for t in item.leader.todos if t.code == "decisions")
    assert [(r.label, [u.pk for u in r.units], bool(r.note)) for r in decisions.rows] == [
        (d["report"].title, sorted([w.leader_unit.pk, w.member_unit.pk], key=lambda pk: _name(w, pk)), False),
        (d["report"].title, [w.deputy_unit.pk], True),
    ]
    late_titles = [t.title for t in item.leader.todos if t.code == "late_reports"]
    assert not any(d["report"].title in title for title in late_titles)  # every unit sent it


def _name(world, pk):
    return next(u.name for u in (world.leader_unit, world.deputy_unit, world.member_unit) if u.pk == pk)


def test_the_leaders_done_work_is_below_with_its_own(year_in_progress, client_as):
    w = year_in_progress
    now = timezone.now()
    ConferencePlan.objects.create(
        year=w.year,
        status=PlanStatus.ISSUED,
        issued_at=now - DAY,
        place="Tuyên Quang",
        issued_on=now.date(),
        title="Kế hoạch",
        purpose="-",
        requirements="-",
        conference_date=(now + 20 * DAY).date(),
        start_time=datetime.time(14, 30),
        venue="Hội trường",
        signer_authority="TM",
        signer_position="Trưởng khối",
        signer_name="A",
    )
    DraftReport.objects.create(year=w.year, file="drafts/x.pdf", original_name="x.pdf", published_at=now - 2 * DAY)

    response = home_of(client_as, w.leader)

    (item,) = response.context["items"]
    assert [getattr(row, "code", None) or row.deadline.title for row in item.done] == [
        "plan",
        "draft",
        "Báo cáo tổng kết",
        "Đăng ký giao ước",
    ]
    assert "summary" not in [t.code for t in item.leader.todos]  # sent for comments; the round is ahead
    assert "plan" not in [t.code for t in item.leader.todos]
    html = response.content.decode()
    assert html.index('data-group="leader"') < html.index('data-work="plan"')


def test_only_the_leader_sees_the_members_and_its_work(world, client_as):
    for role in ("member", "deputy"):
        assert [(i.members, i.leader) for i in home_of(client_as, world.user(role)).context["items"]] == [(None, None)]
    (item,) = home_of(client_as, world.leader).context["items"]
    expected = sorted([world.leader_unit, world.deputy_unit, world.member_unit], key=lambda u: u.name)
    assert (item.role, item.members, [t.code for t in item.leader.todos]) == ("leader", expected, ["plan"])


def test_the_deputy_home_asks_it_to_review_the_leaders_sheet(year_in_progress, client_as):
    w = year_in_progress
    sheet = Sheet.objects.create(
        year=w.year, unit=w.leader_unit, status=SheetStatus.SUBMITTED, submitted_at=timezone.now()
    )
    review = reverse("scoring:review-sheet", args=[w.bloc.slug, w.year.year, w.leader_unit.pk])

    response = home_of(client_as, w.deputy)
    (item,) = response.context["items"]
    assert item.to_review == sheet
    assert f'href="{review}"' in response.content.decode()
    # the member's and the leader's homes have no such card: neither reviews the leader's sheet
    assert 'data-item="deputy-review"' not in home_of(client_as, w.member).content.decode()
    assert 'data-item="deputy-review"' not in home_of(client_as, w.leader).content.decode()

    sheet.status = SheetStatus.FINAL
    sheet.save()
    (item,) = home_of(client_as, w.deputy).context["items"]
    assert item.to_review is None


def test_the_leader_answers_the_dossiers_deadline_by_sending_the_dossiers(year_in_progress, client_as):
    w = year_in_progress
    dossiers = entry(w, DeadlineKind.AWARD_DOSSIER, -1, "Hồ sơ đề nghị khen thưởng", audience=Audience.LEADER)
    preparing = proposal(w.year, w.member_unit, ProposalStatus.PREPARING)
    proposals_url = reverse("awards:proposals", kwargs={"slug": w.bloc.slug, "year": 2020})

    before = next(i for i in home_of(client_as, w.leader).context["items"][0].todo.items if i.deadline == dossiers)
    Proposal.objects.filter(pk=preparing.pk).update(status=ProposalStatus.SUBMITTED, submitted_at=timezone.now())
    response = home_of(client_as, w.leader)
    after = next(i for i in response.context["items"][0].todo.items if i.deadline == dossiers)

    assert (before.group, before.url, before.action, before.closes) == (
        "overdue",
        proposals_url,
        vi("Send the dossiers to the board"),
        None,  # nothing closes it: no "ask for an extension"
    )
    assert (after.group, after.state, after.via, after.url) == ("done", State.LATE, "dossiers", proposals_url)
    row = section(response.content.decode(), f'data-item="done" data-deadline="{dossiers.pk}"').split("</li>")[0]
    assert 'data-answer="late"' in row


# --- the board ------------------------------------------------------------------------------------------------


def proposal(year, unit, status) -> Proposal:
    kind, _created = AwardKind.objects.get_or_create(
        year=year, code="merit", defaults={"name": "Bằng khen", "quota": 3, "eligibility": Eligibility.ANY_MEMBER}
    )
    ballot, _created = Ballot.objects.get_or_create(
        year=year,
        kind=BallotKind.AWARD,
        award_kind=kind,
        round=1,
        defaults={"quota": 3, "threshold_percent": 50, "quorum_percent": 50},
    )
    sent = status != ProposalStatus.PREPARING
    return Proposal.objects.create(
        award_kind=kind, unit=unit, ballot=ballot, votes=5, status=status, submitted_at=timezone.now() if sent else None
    )


def test_the_board_home_lists_decisions_waiting_and_blocs_with_overdue_work(year_in_progress, client_as):
    w, d = year_in_progress, year_in_progress.deadlines
    proposal(w.year, w.member_unit, ProposalStatus.SUBMITTED)
    proposal(w.year, w.deputy_unit, ProposalStatus.SUBMITTED)
    proposal(w.year, w.leader_unit, ProposalStatus.APPROVED)

    response = home_of(client_as, w.board)

    home = response.context["home"]
    assert [(g.year, [p.unit for p in g.proposals]) for g in home.decisions] == [
        (w.year, sorted([w.member_unit, w.deputy_unit], key=lambda u: u.name))
    ]
    (work,) = home.overdue
    assert (work.year, [(dl, units) for dl, units in work.deadlines]) == (
        w.year,
        [(d["covenant"], [w.deputy_unit]), (d["closed"], [w.member_unit]), (d["asked"], [w.member_unit])],
    )
    assert (home.decisions_count, home.overdue_blocs, work.count) == (2, 1, 3)
    html = response.content.decode()
    assert 'data-decisions="2" data-overdue-blocs="1"' in html
    assert vi_n("%(n)s proposal waiting for your decision", "%(n)s proposals waiting for your decision", 2) in (
        text_of(html)
    )
    assert reverse("awards:proposals", kwargs={"slug": w.bloc.slug, "year": 2020}) in html
    assert reverse("dashboards:board-bloc", kwargs={"year": 2020, "slug": w.bloc.slug}) in html


def test_a_closed_year_is_no_bloc_with_overdue_work(year_in_progress, client_as):
    year_in_progress.year.phase = Phase.CLOSED
    year_in_progress.year.save()

    home = home_of(client_as, year_in_progress.board).context["home"]

    assert (home.overdue, home.overdue_blocs) == ([], 0)


def test_the_board_home_lists_the_provinces_blocs_only(year_in_progress, client_as):
    w = year_in_progress
    elsewhere = ProvinceFactory(name="Hà Giang", code="HG")
    BlocFactory(province=elsewhere, name="Khối của tỉnh khác")
    proposal(EmulationYearFactory(bloc=BlocFactory(province=elsewhere)), UnitFactory(), ProposalStatus.SUBMITTED)

    response = home_of(client_as, w.board)

    rows = response.context["rows"]
    expected_blocs = sorted(w.bloc.province.blocs.all(), key=lambda b: b.name)
    assert [(row["bloc"], row["current"], row["overdue_count"]) for row in rows] == [
        (b, w.year if b == w.bloc else None, 3 if b == w.bloc else 0) for b in expected_blocs
    ]
    assert response.context["home"].decisions == []
    assert "Khối của tỉnh khác" not in response.content.decode()


def test_another_provinces_board_sees_none_of_it(year_in_progress, client_as):
    proposal(year_in_progress.year, year_in_progress.member_unit, ProposalStatus.SUBMITTED)

    home = home_of(client_as, year_in_progress.other_board).context["home"]

    assert (home.rows, home.decisions, home.overdue) == ([], [], [])


def test_the_board_home_shows_the_latest_year(world, client_as):
    later = EmulationYearFactory(bloc=world.bloc, year=2021, leader=world.deputy_unit, deputy=world.member_unit)

    rows = home_of(client_as, world.board).context["rows"]

    row = next(r for r in rows if r["bloc"] == world.bloc)
    assert (row["current"], row["years"]) == (later, [later, world.year])


@pytest.mark.parametrize(
    ("start_year", "end_year", "members_in_2020"),
    [
        pytest.param(2019, None, 4, id="open-ended-member"),
        pytest.param(2019, 2020, 4, id="member-until-the-end-of-2020"),
        pytest.param(2015, 2019, 3, id="left-in-2019"),
        pytest.param(2022, None, 3, id="joins-in-2022"),
    ],
)
def test_the_board_home_counts_the_members_of_the_current_year(world, client_as, start_year, end_year, members_in_2020):
    unit = UnitFactory(province=world.bloc.province)
    MembershipFactory(bloc=world.bloc, unit=unit, start_year=start_year, end_year=end_year)

    rows = home_of(client_as, world.board).context["rows"]

    assert next(r for r in rows if r["bloc"] == world.bloc)["members"] == members_in_2020


def test_the_selectors_agree_with_the_rule_at_a_given_moment(year_in_progress):
    """The board's overdue work and the units' lists are the same rule: a unit overdue on the board is overdue on
    its own home, and the other way round."""
    w = year_in_progress
    now = timezone.now()
    work = selectors.overdue_work([w.year], memberships=list(w.bloc.memberships.select_related("unit")), now=now)[
        w.year.pk
    ]
    by_board = sorted((dl.pk, u.pk) for dl, units in work.deadlines for u in units)
    by_units = sorted(
        (i.deadline.pk, unit.pk)
        for unit in (w.leader_unit, w.deputy_unit, w.member_unit)
        for i in selectors.unit_todo(year=w.year, unit=unit, now=now).overdue
    )
    assert by_board == by_units


# --- query counts: the same literal budget at both sizes ------------------------------------------------------

MEMBER_HOME_QUERIES = 16
LEADER_HOME_QUERIES = 35
BOARD_HOME_QUERIES = 15  # 14, and the count of the province's undelivered e-mail in its link


def grow(w, n: int) -> None:
    """n more member units, each with an officer, a report sent, a registration, an extension and a sheet; n more
    deadlines; n proposals waiting."""
    d = w.deadlines
    for k in range(n):
        unit = UnitFactory(province=w.bloc.province)
        MembershipFactory(bloc=w.bloc, unit=unit)
        officer_of(unit)
        file_sent(d["report"], unit, at=d["report"].due_at - DAY, late_seconds=3600 * (k % 2))
        CovenantRegistration.objects.create(year=w.year, unit=unit, targets="-", submitted_at=timezone.now() - 40 * DAY)
        Extension.objects.create(deadline=d["summary"], unit=unit, due_at=timezone.now() + 9 * DAY, reason="-")
        Sheet.objects.create(year=w.year, unit=unit, status=SheetStatus.SUBMITTED, submitted_at=timezone.now())
        entry(w, DeadlineKind.OTHER, -1 - k, f"Hạn thêm {k}")
        proposal(w.year, unit, ProposalStatus.SUBMITTED)


@pytest.mark.parametrize("n", [1, 12])
@pytest.mark.parametrize(("role", "budget"), [("member", MEMBER_HOME_QUERIES), ("leader", LEADER_HOME_QUERIES)])
def test_an_officers_home_costs_the_same_at_any_size(
    year_in_progress, client_as, django_assert_max_num_queries, settings, n, role, budget
):
    settings.PAGE_CACHE = False
    grow(year_in_progress, n)
    client = client_as(year_in_progress.user(role))

    with django_assert_max_num_queries(budget):
        response = client.get(HOME)

    (item,) = response.context["items"]
    assert len(item.todo.items) == 9 + n - (2 if role == "leader" else 1)  # not the other units' own entries


@pytest.mark.parametrize("n", [1, 8])
def test_the_board_home_costs_the_same_at_any_size(db, client_as, django_assert_max_num_queries, n):
    province = ProvinceFactory(name="Tuyên Quang", code="TQ")
    for _ in range(n):
        bloc = BlocFactory(province=province)
        units = [UnitFactory(province=province) for _ in range(3)]
        for unit in units:
            MembershipFactory(bloc=bloc, unit=unit)
        EmulationYearFactory(bloc=bloc, year=2019, leader=units[1], deputy=units[2], phase=Phase.CLOSED)
        year = EmulationYearFactory(bloc=bloc, year=2020, leader=units[0], deputy=units[1])
        for kind in (DeadlineKind.YEAR_REPORT, DeadlineKind.COVENANT, DeadlineKind.SELF_ASSESSMENT):
            DeadlineFactory(year=year, kind=kind, due_at=timezone.now() - DAY)
        DeadlineFactory(year=year, kind=DeadlineKind.COMPILE, audience=Audience.LEADER, due_at=timezone.now() - DAY)
        proposal(year, units[2], ProposalStatus.SUBMITTED)
    client = client_as(board_of(province))

    with django_assert_max_num_queries(BOARD_HOME_QUERIES):
        response = client.get(HOME)

    home = response.context["home"]
    assert (len(home.rows), home.decisions_count, home.overdue_blocs) == (n, n, n)
    assert {work.count for work in home.overdue} == {3 * 3 + 1}  # three deadlines for 3 members, the ranking
