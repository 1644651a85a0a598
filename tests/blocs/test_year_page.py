"""The year's page is the hub of the year: every section each app registers (blocs.sections), grouped by stage of
the year, shown to whoever its page's rule lets in, with a state badge read from the year's own records; and the
page costs the same number of queries whatever the year holds."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from awards.models import VoteCountMinutes
from blocs import sections
from blocs.enums import Phase
from blocs.models import Covenant
from conference.enums import PlanStatus
from conference.models import ConferenceMinutes, SummaryReport
from core.documents.records import DocumentStatus
from scoring.models import CriteriaTable
from tests.factories import DeadlineFactory
from tests.scoring.helpers import add_members, vi

Y = {"slug": "ktdnc", "year": 2020}
NOW = timezone.now()

START = ["blocs:covenant", "scoring:table", "blocs:year-detail"]
END_FOR_MEMBERS = [
    "conference:plan",
    "conference:delegates",
    "conference:draft-report",
    "conference:summary",
    "awards:index",
    "awards:minutes",
    "awards:proposals",
    "conference:minutes",
]
END_FOR_RUNNERS = [  # the leader unit and the board: the attendance list and the ranking before it is published
    "conference:plan",
    "conference:delegates",
    "conference:attendance",
    "scoring:ranking",
    *END_FOR_MEMBERS[2:],
]


def page(client_as, user):
    response = client_as(user).get(reverse("blocs:year-detail", kwargs=Y))
    assert response.status_code == 200
    return response


def stages(response) -> list[tuple[str, list[str]]]:
    return [
        (group.stage.name, [section.url_name for section in group.sections])
        for group in response.context["year_sections"]
    ]


def badges(response) -> dict[str, str | None]:
    return {
        section.url_name: str(section.badge.label) if section.badge else None
        for group in response.context["year_sections"]
        for section in group.sections
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (
            "member",
            [
                ("START", START),
                ("DURING", ["scoring:my-sheet", "reports:submissions", "conference:meetings"]),
                ("END", END_FOR_MEMBERS),
            ],
        ),
        (
            "deputy",  # reviews the leader's sheet, so sees the sheets and the ranking
            [
                ("START", START),
                ("DURING", ["scoring:my-sheet", "reports:submissions", "scoring:review-list", "conference:meetings"]),
                ("END", ["conference:plan", "conference:delegates", "scoring:ranking", *END_FOR_MEMBERS[2:]]),
            ],
        ),
        (
            "leader",
            [
                ("START", START),
                (
                    "DURING",
                    [
                        "dashboards:leader-dashboard",
                        "scoring:my-sheet",
                        "reports:submissions",
                        "scoring:review-list",
                        "reports:submission-matrix",
                        "conference:meetings",
                        "reports:reminders",
                    ],
                ),
                ("END", END_FOR_RUNNERS),
            ],
        ),
        (
            "board",  # no unit of its own: no sheet, no reports to send
            [
                ("START", START),
                (
                    "DURING",
                    [
                        "dashboards:leader-dashboard",
                        "scoring:review-list",
                        "reports:submission-matrix",
                        "conference:meetings",
                        "reports:reminders",
                    ],
                ),
                ("END", END_FOR_RUNNERS),
            ],
        ),
    ],
)
def test_each_role_sees_every_section_it_may_open_by_stage(world, client_as, role, expected):
    response = page(client_as, world.user(role))

    assert stages(response) == expected
    html = response.content.decode()
    for group in response.context["year_sections"]:
        assert f'id="stage-{group.stage.value}">{group.label}</h3>' in html
        for section in group.sections:
            assert f'href="{section.url}"' in html
            assert section.description  # every section says what it is for


def test_members_read_the_proposals_decisions_and_minutes(world, client_as):
    """The published results are the members' to read: the proposals with the province's decisions and the
    vote-count minutes open for them (read-only), and the year's page links them."""
    client = client_as(world.member)
    links = dict(page(client_as, world.member).context["year_links"])

    for name in ("awards:proposals", "awards:minutes", "conference:minutes"):
        url = reverse(name, kwargs=Y)
        assert url in links.values(), name
        assert client.get(url).status_code == 200, name


def test_the_calendar_is_a_section_of_the_page_itself(world, client_as):
    response = page(client_as, world.member)

    calendar = next(
        s for g in response.context["year_sections"] for s in g.sections if s.url_name == "blocs:year-detail"
    )
    assert calendar.url == reverse("blocs:year-detail", kwargs=Y) + "#calendar"
    assert '<section aria-labelledby="calendar-h" id="calendar">' in response.content.decode()


def test_a_closed_year_says_so_and_offers_no_attendance_list(world, client_as):
    world.year.phase = Phase.CLOSED
    world.year.save()

    response = page(client_as, world.leader)

    assert "conference:attendance" not in badges(response)
    assert 'class="alert alert-secondary py-2"' in response.content.decode()


def test_without_records_the_states_say_what_is_missing(world, client_as):
    assert {name: label for name, label in badges(page(client_as, world.board)).items() if label} == {
        "scoring:table": vi("No criteria table yet"),
        "scoring:ranking": vi("Not published yet"),
    }


def add_records(year, *, issued: bool) -> None:
    """The year's covenant, criteria table (published), vote-count minutes, conference minutes and summary report:
    issued (the summary sent for comments before) or drafts."""
    moment = NOW if issued else None
    Covenant.objects.create(year=year, place="Tuyên Quang", issued_on=NOW.date(), preamble="…", issued_at=moment)
    CriteriaTable.objects.create(year=year, ranking_published_at=moment)
    status = DocumentStatus.ISSUED if issued else DocumentStatus.DRAFT
    VoteCountMinutes.objects.create(year=year, status=status)
    ConferenceMinutes.objects.create(
        year=year,
        held_at=NOW,
        place="Hội trường",
        status=PlanStatus.ISSUED if issued else PlanStatus.DRAFT,
    )
    SummaryReport.objects.create(
        year=year,
        place="Tuyên Quang",
        dated=NOW.date(),
        signer_authority="TM. KHỐI",
        status=PlanStatus.DRAFT,
        sent_at=moment,
    )


def in_vi(label) -> str:
    with translation.override("vi"):
        return str(label)


@pytest.mark.parametrize(
    ("issued", "expected"),
    [
        (
            False,
            {
                "blocs:covenant": sections.DRAFT.label,
                "scoring:table": None,
                "scoring:ranking": "Not published yet",
                "awards:minutes": sections.DRAFT.label,
                "conference:summary": sections.DRAFT.label,
                "conference:minutes": sections.DRAFT.label,
            },
        ),
        (
            True,
            {
                "blocs:covenant": sections.ISSUED.label,
                "scoring:table": None,
                "scoring:ranking": "Published",
                "awards:minutes": sections.ISSUED.label,
                "conference:summary": "Sent for comments",
                "conference:minutes": sections.ISSUED.label,
            },
        ),
    ],
)
def test_the_states_of_the_years_records(world, client_as, issued, expected):
    add_records(world.year, issued=issued)

    shown = badges(page(client_as, world.board))

    assert {name: shown[name] for name in expected} == {
        name: None if label is None else vi(label) if isinstance(label, str) else in_vi(label)
        for name, label in expected.items()
    }


@pytest.mark.parametrize("n", [1, 4])
@pytest.mark.parametrize(
    ("role", "budget"),
    [
        # session, user; the year with its bloc, leader, deputy and records (one query); person, and the unit's
        # memberships (officers); deadlines, members, the next year; the navbar's blocs (officers) and unread
        # notifications
        ("member", 10),
        ("leader", 10),
        ("board", 8),
    ],
)
def test_the_page_costs_the_same_whatever_the_year_holds(
    world, client_as, django_assert_max_num_queries, n, role, budget
):
    add_members(world, n)
    add_records(world.year, issued=n > 1)
    for day in range(n):
        DeadlineFactory(year=world.year, due_at=NOW + datetime.timedelta(days=day + 1))
    client = client_as(world.user(role))
    url = reverse("blocs:year-detail", kwargs=Y)

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert response.status_code == 200
    assert len(response.context["deadlines"]) == n


def test_opening_the_next_year_warns_of_what_is_unfinished_in_this_one(world, client_as):
    world.year.phase = Phase.REVIEW
    world.year.save()
    add_records(world.year, issued=False)
    url = reverse("blocs:year-next", kwargs=Y)

    html = client_as(world.board).get(url).content.decode()

    assert vi("The year %(year)s is not finished.") % {"year": 2020} in html
    assert vi("It is at the stage “%(phase)s”.") % {"phase": vi("Review")} in html
    for label in ("Ranking", "Vote-count minutes"):
        assert vi(label) in html
    assert vi("Not published yet") in html


def test_opening_the_next_year_of_a_finished_year_warns_of_nothing(world, client_as):
    world.year.phase = Phase.PROPOSAL
    world.year.save()
    add_records(world.year, issued=True)
    SummaryReport.objects.filter(year=world.year).update(status=PlanStatus.ISSUED)

    html = client_as(world.board).get(reverse("blocs:year-next", kwargs=Y)).content.decode()

    assert vi("The year %(year)s is not finished.") % {"year": 2020} not in html
