"""Every URL of the ballot pages against every role, for GET and for POST: who gets the page (200), whose
write goes through (302 back to the ballot), who is refused (403), who may not even know the year exists (404,
as for a year that does not exist), which method is not allowed (405), and the anonymous visitor sent to log in.
A URL added to awards/urls/ballots.py without a row here fails `test_the_table_covers_every_ballot_url`.

The demo bloc of 2020 is seeded once for the module, inside a transaction rolled back at its end; each test
runs in a savepoint of it, as Django's TestCase.setUpTestData does."""

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import reverse

from awards import services
from awards.models import AwardKind, Ballot
from awards.urls import ballots as urls_ballots
from blocs import demo as blocs_demo
from blocs.models import EmulationYear, Person, Unit
from core.models import AuditLog, User
from scoring import demo as scoring_demo
from tests.factories import ProvinceFactory, board_of

ROLES = ["anonymous", "outsider", "member", "deputy", "leader", "board", "other_board"]
SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")
VIEWERS = ("member", "deputy", "leader", "board")
# Who may not even know that the year exists (an officer outside the bloc, another province's board): 404. The
# insiders are refused with 403.
STRANGERS = ("outsider", "other_board")
VOTERS = ("member", "deputy", "leader")
LEADER = ("leader",)
BOARD = ("board",)

LOGIN = "login"  # anonymous: 302 to the login page with ?next=
BACK = "back"  # 302 to the ballot or the year's page: a write went through, or was refused with a message


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker) -> dict:
    """The demo bloc, a draft ballot (the Flag), an open ballot (the Certificates of Merit, every unit present)
    and a board of another province; the pks of what the tests look up."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            blocs_demo.seed()
            scoring_demo.seed()
            year = EmulationYear.objects.get(bloc__slug="ktdnc", year=2020)
            leader = Person.objects.filter(unit=year.leader).order_by("pk").first().user
            services.award_kinds_ensure(year=year)
            kinds = {k.code: k for k in AwardKind.objects.filter(year=year)}
            draft = services.ballot_create_award(award_kind=kinds["flag"], by=leader)
            opened = services.ballot_create_award(award_kind=kinds["merit"], by=leader)
            services.ballot_freeze(ballot=opened, by=leader)
            members = list(Unit.objects.filter(memberships__bloc=year.bloc).values_list("pk", flat=True))
            services.ballot_open(ballot=opened, present_unit_ids=members, by=leader)
            other_board = board_of(ProvinceFactory(name="Hà Giang", code="HG"))
            yield {"draft": draft.pk, "open": opened.pk, "other_board": other_board.pk}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@dataclass
class Site:
    year: EmulationYear
    users: dict
    units: dict[str, Unit]
    draft: Ballot  # the Flag's ballot, a draft
    open: Ballot  # the Certificates of Merit's ballot, open, every unit present

    def user(self, role):
        return self.users[role]


@pytest.fixture
def site(seeded, db) -> Site:
    year = EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(bloc__slug="ktdnc", year=2020)
    units = {u.code: u for u in Unit.objects.filter(memberships__bloc=year.bloc)}
    officers = {}
    for person in Person.objects.filter(unit__in=units.values()).select_related("user", "unit").order_by("pk"):
        officers.setdefault(person.unit.code, person.user)
    outsider = Person.objects.filter(unit__isnull=False).exclude(unit__in=units.values()).select_related("user")
    assert year.leader.code == "TTr" and year.deputy.code == "CAT"
    users = {
        "anonymous": None,
        "outsider": outsider.first().user,
        "member": officers["TA"],
        "deputy": officers["CAT"],
        "leader": officers["TTr"],
        "board": Person.objects.filter(board_province=year.bloc.province).first().user,
        "other_board": User.objects.get(pk=seeded["other_board"]),
    }
    return Site(
        year=year,
        users=users,
        units=units,
        draft=Ballot.objects.get(pk=seeded["draft"]),
        open=Ballot.objects.get(pk=seeded["open"]),
    )


def statuses(*, ok=(), ok_status=200, others=403, strangers=404) -> dict[str, object]:
    def outcome(role):
        if role == "anonymous":
            return LOGIN
        if role in STRANGERS:
            return strangers
        return ok_status if role in ok else others

    return {role: outcome(role) for role in ROLES}


NOT_ALLOWED = statuses(others=405, strangers=405)
Y = {"slug": "ktdnc", "year": 2020}


def on(ballot_name):
    return lambda s: {**Y, "pk": getattr(s, ballot_name).pk}


def a_candidate(site: Site) -> dict:
    """A valid approval on the open ballot for any voter: Viện Kiểm sát, which votes in no role here."""
    return {"candidates": [site.open.candidates.get(unit__code="VKS").pk]}


# name -> (kwargs, POST data, {"get": outcome per role, "post": outcome per role})
URLS = {
    "awards:index": (lambda s: Y, None, {"get": statuses(ok=VIEWERS), "post": NOT_ALLOWED}),
    "awards:ballot-create": (
        lambda s: Y,
        lambda s: {"kind": "election", "method": "online"},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
    # An empty form comes back with its errors (200): the board may use it, nobody else may see it.
    "awards:election-override": (
        lambda s: Y,
        lambda s: {},
        {"get": statuses(ok=BOARD), "post": statuses(ok=BOARD)},
    ),
    "awards:ballot-detail": (on("draft"), None, {"get": statuses(ok=VIEWERS), "post": NOT_ALLOWED}),
    "awards:ballot-turnout": (on("open"), None, {"get": statuses(ok=VIEWERS), "post": NOT_ALLOWED}),
    # Voting is for the officers of member units; the board reads, it does not vote.
    "awards:ballot-vote": (
        on("open"),
        a_candidate,
        {"get": statuses(ok=VOTERS), "post": statuses(ok=VOTERS, ok_status=BACK)},
    ),
    "awards:ballot-candidates": (
        on("draft"),
        lambda s: {"units": [s.units["CAT"].pk, s.units["TTr"].pk]},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
    "awards:ballot-method": (
        on("draft"),
        lambda s: {"method": "paper"},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
    "awards:ballot-freeze": (
        on("draft"),
        lambda s: {},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
    # Opening a draft is refused by the service: the leader is sent back with the reason.
    "awards:ballot-open": (
        on("draft"),
        lambda s: {},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
    "awards:ballot-close": (
        on("open"),
        lambda s: {},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
    "awards:ballot-paper": (
        on("open"),
        lambda s: {"issued": 8, "returned": 8, "invalid": 0},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
    "awards:ballot-tally": (
        on("open"),
        lambda s: {},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
    "awards:ballot-publish": (
        on("open"),
        lambda s: {},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
    "awards:ballot-runoff": (
        on("open"),
        lambda s: {},
        {"get": NOT_ALLOWED, "post": statuses(ok=LEADER, ok_status=BACK)},
    ),
}

CASES = [
    pytest.param(name, method, role, expected, id=f"{name}-{method}-{role}-{expected}")
    for name, (_kwargs, _data, table) in URLS.items()
    for method, by_role in table.items()
    for role, expected in by_role.items()
]


def check_outcome(response, expected, path):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
        assert path in response["Location"]
    elif expected == BACK:
        assert response.status_code == 302, response.content[:2000]
        assert not response["Location"].startswith(reverse("login"))
        assert response["Location"].startswith("/blocs/ktdnc/years/2020/")
    else:
        assert response.status_code == expected, response.content[:2000]


@pytest.mark.parametrize(("name", "method", "role", "expected"), CASES)
def test_url_by_role(site, client, name, method, role, expected):
    kwargs, data, _table = URLS[name]
    path = reverse(name, kwargs=kwargs(site))
    user = site.user(role)
    if user is not None:
        client.force_login(user)
    audit_before = AuditLog.objects.count()

    response = client.get(path) if method == "get" else client.post(path, data(site) if data else {})

    check_outcome(response, expected, path)
    if expected in (LOGIN, 403, 404, 405):
        assert AuditLog.objects.count() == audit_before  # a refused request changes nothing


def test_the_table_covers_every_ballot_url():
    assert {p.name for p in urls_ballots.urlpatterns} == {name.removeprefix("awards:") for name in URLS}
    assert all(set(table) == {"get", "post"} for _kwargs, _data, table in URLS.values())


def test_the_leaders_writes_went_through(site, client):
    """The BACK rows above are real writes for the leader (not only refusals): a few checked end to end."""
    client.force_login(site.user("leader"))

    client.post(reverse("awards:ballot-method", kwargs=on("draft")(site)), {"method": "paper"})
    client.post(reverse("awards:ballot-vote", kwargs=on("open")(site)), a_candidate(site))
    client.post(reverse("awards:ballot-close", kwargs=on("open")(site)))

    assert Ballot.objects.get(pk=site.draft.pk).method == "paper"
    assert site.open.voters.filter(voted_at__isnull=False).count() == 1
    assert Ballot.objects.get(pk=site.open.pk).status == "closed"


def test_another_years_ballot_is_not_found(site, client):
    client.force_login(site.user("leader"))
    path = reverse("awards:ballot-detail", kwargs={"slug": "ktdnc", "year": 2019, "pk": site.draft.pk})

    assert client.get(path).status_code == 404
