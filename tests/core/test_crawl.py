"""Every page a role may open is linked from somewhere: from each demo role's home, Django's test client follows every
same-site link (GET only; no sign-out, no language switch, no rendering or download) through the pages of the
current year and of 2020, and every page the role may open must be reached, and every page reached must answer.

The demo (`seed_demo --today 2026-12-07`) is built once for the module, inside a transaction rolled back at its end.
What each role may open is written out below (EXPECTED) and checked against the permission rules of the pages, so
that a changed rule changes the table knowingly."""

import collections
import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from blocs.models import EmulationYear
from blocs.roles import facts
from core.models import User
from core.permissions import can

DEMO_DAY = "2026-12-07"
SLUG = "ktdnc"
CURRENT, HISTORY = 2026, 2020
YEARS = (HISTORY, CURRENT)
MAX_PAGES = 400  # per role
PER_PAGE = 1  # distinct URLs followed per (URL name, bloc, year): one proposal, one sheet… stands for the others

OFFICER = "officer of a member unit"  # the unit's own pages (its sheet, its reports): no rule of their own

# The pages of a year, each with the rule that opens it (asked with the year).
YEAR_PAGES = {
    "blocs:year-detail": "blocs.year.view",
    "blocs:covenant": "blocs.covenant.view",
    "scoring:table": "scoring.table.view",
    "scoring:my-sheet": OFFICER,
    "reports:submissions": OFFICER,
    "dashboards:leader-dashboard": "dashboards.leader.view",
    "scoring:review-list": "scoring.review.list",
    "reports:submission-matrix": "reports.submission.view_all",
    "reports:reminders": "reports.reminders.view",
    "scoring:ranking": "scoring.ranking.view",
    "conference:plan": "conference.plan.view",
    "conference:delegates": "conference.plan.view",
    "conference:attendance": "conference.plan.edit",
    "conference:draft-report": "conference.draft.view",
    "conference:summary": "conference.summary.view",
    "awards:index": "awards.view",
    "awards:minutes": "awards.view",
    "awards:proposals": "awards.view",
    "conference:minutes": "conference.minutes.view",
}
EVERYONE = {"dashboards:home", "core:notification-list"}

MEMBER = {
    "blocs:year-detail",
    "blocs:covenant",
    "scoring:table",
    "scoring:my-sheet",
    "reports:submissions",
    "conference:plan",
    "conference:delegates",
    "conference:draft-report",
    "conference:summary",
    "awards:index",
    "awards:minutes",
    "awards:proposals",  # the proposals and the province's decisions, read-only
    "conference:minutes",
}
LEADS = {
    "dashboards:leader-dashboard",
    "scoring:review-list",
    "reports:submission-matrix",
    "reports:reminders",
    "scoring:ranking",
}
OWN_UNIT = {"scoring:my-sheet", "reports:submissions"}
OPEN_YEAR = {"conference:attendance"}  # the attendance list is kept while the year is open
RANKING = {"scoring:ranking"}  # published (2020), or for the reviewers before that

# login → year → the year pages the role may open (besides EVERYONE's and the board's own dashboards).
EXPECTED = {
    "bantdkt": {HISTORY: MEMBER - OWN_UNIT | LEADS, CURRENT: MEMBER - OWN_UNIT | LEADS | OPEN_YEAR},  # the board
    "quansu": {HISTORY: MEMBER | RANKING, CURRENT: MEMBER | LEADS | OPEN_YEAR},  # leader of the current year
    "noichinh": {HISTORY: MEMBER | RANKING, CURRENT: MEMBER | RANKING | {"scoring:review-list"}},  # its deputy
    "tuphap": {HISTORY: MEMBER | RANKING, CURRENT: MEMBER},  # a member unit
    "thanhtra": {HISTORY: MEMBER | LEADS, CURRENT: MEMBER},  # the leader of 2020
}
BOARD_PAGES = {("dashboards:board-dashboard", None)} | {("dashboards:board-bloc", y) for y in YEARS}

# Links not followed: signing out and the language switch are forms; these answer files or start renderings.
NOT_FOLLOWED_SUFFIXES = ("-render", "-download", "-file", "-zip", "-export", "evidence", "-template", "-status")
NOT_FOLLOWED = {"logout", "core:set-language", "admin:index"}


def expected_pages(login: str) -> set[tuple[str, int | None]]:
    pages = {(name, year) for year, names in EXPECTED[login].items() for name in names}
    pages |= {(name, None) for name in EVERYONE}
    if login == "bantdkt":
        pages |= BOARD_PAGES
    return pages


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", "--today", DEMO_DAY, "--quiet-logins", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def demo_db(demo, db):
    return demo


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.hrefs.append(href)


def _followed(href: str):
    """The resolved same-site page a link leads to, or None when the crawl does not follow it."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    if not path.startswith("/") or path.startswith("//"):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return None  # static files, media
    name = match.view_name
    if name in NOT_FOLLOWED or name.startswith("admin:") or name.endswith(NOT_FOLLOWED_SUFFIXES):
        return None
    year = match.kwargs.get("year")
    if year is not None and year not in YEARS:
        return None
    return match


def crawl(login: str) -> tuple[dict[str, int], set[tuple[str, int | None]], dict[str, str]]:
    """From the role's home, every followed link breadth first: {URL: status}, the (URL name, year) of every page
    of the bloc (or of no bloc) reached, and where each URL was first linked from."""
    client = Client()
    client.force_login(User.objects.get(username=login), backend="django.contrib.auth.backends.ModelBackend")
    queue = collections.deque(["/"])
    queued = {"/"}
    linked_from: dict[str, str] = {"/": "(home)"}
    taken: collections.Counter = collections.Counter()
    statuses: dict[str, int] = {}
    reached: set[tuple[str, int | None]] = set()
    while queue and len(statuses) < MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        statuses[url] = response.status_code
        match = resolve(url.split("?", 1)[0])
        if match.kwargs.get("slug", SLUG) == SLUG:
            reached.add((match.view_name, match.kwargs.get("year")))
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = href.split("#", 1)[0]
            found = _followed(target)
            if found is None or target in queued:
                continue
            key = (found.view_name, found.kwargs.get("slug"), found.kwargs.get("year"))
            if taken[key] >= PER_PAGE:
                continue
            taken[key] += 1
            queued.add(target)
            linked_from[target] = url
            queue.append(target)
    return statuses, reached, linked_from


@pytest.mark.parametrize("login", list(EXPECTED))
def test_every_page_a_role_may_open_is_linked_and_answers(demo_db, login):
    statuses, reached, linked_from = crawl(login)

    failed = {url: (status, linked_from[url]) for url, status in statuses.items() if status not in (200, 302)}
    assert failed == {}, f"{login}: pages that did not answer (status, linked from)"
    assert len(statuses) < MAX_PAGES, f"{login}: the crawl reached its cap; raise it or follow fewer links"
    unlinked = sorted(expected_pages(login) - reached, key=str)
    assert unlinked == [], f"{login}: pages this role may open that no page links to"


@pytest.mark.parametrize("login", list(EXPECTED))
def test_the_expected_pages_are_what_the_rules_allow(demo_db, login):
    """The table above is the permission rules' answer for each role and year (and the demo holds both years)."""
    user = User.objects.get(username=login)
    allowed = {}
    for number in YEARS:
        year = EmulationYear.objects.select_related("bloc__province", "leader", "deputy", "criteria_table").get(
            bloc__slug=SLUG, year=number
        )
        allowed[number] = {
            name
            for name, action in YEAR_PAGES.items()
            if (
                facts(user).is_officer and facts(user).is_member(year.bloc_id, number)
                if action == OFFICER
                else can(user, action, year)
            )
        }

    assert allowed == EXPECTED[login]
    assert can(user, "dashboards.board.view", facts(user).person.board_province) == (login == "bantdkt")


def test_the_crawl_follows_pages_but_not_files_renderings_or_other_years():
    followed = {
        href: (match.view_name if (match := _followed(href)) else None)
        for href in (
            "/blocs/ktdnc/years/2020/awards/proposals/",
            "/blocs/ktdnc/years/2026/plan/#tasks",
            "/blocs/ktdnc/years/2026/plan/render/pdf/",
            "/blocs/ktdnc/years/2026/scoring/ranking.xlsx",
            "/blocs/ktdnc/years/2021/plan/",
            "/language/",
            "https://example.org/",
        )
    }

    assert followed == {
        "/blocs/ktdnc/years/2020/awards/proposals/": "awards:proposals",
        "/blocs/ktdnc/years/2026/plan/#tasks": "conference:plan",
        "/blocs/ktdnc/years/2026/plan/render/pdf/": None,
        "/blocs/ktdnc/years/2026/scoring/ranking.xlsx": None,
        "/blocs/ktdnc/years/2021/plan/": None,
        "/language/": None,
        "https://example.org/": None,
    }
