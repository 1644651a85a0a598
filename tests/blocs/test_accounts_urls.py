"""Every URL of the accounts pages against every role (the rules of blocs/permissions.py for accounts): the board
manages its own province's people, the system administrator provinces and their board, a password link works
for whoever holds it."""

import pytest
from django.urls import URLPattern, reverse

from blocs.accounts import links
from blocs.models import Person, SetupLink
from core.models import AuditLog, User
from tests.blocs.test_permissions_urls import BACK, BOARD, BOARD_ANY_PROVINCE, LOGIN, SIGNED_IN, check_outcome, statuses
from tests.conftest import ROLES


class Site:
    def __init__(self, world):
        self.world = world
        self.staff_person = world.board.person
        link, self.token = links.issue(user=world.member, purpose=SetupLink.Purpose.RESET, by=world.board)
        self.link = link

    def __getattr__(self, name):
        return getattr(self.world, name)


@pytest.fixture
def site(world):
    return Site(world)


EVERYONE = dict.fromkeys(ROLES, 200)
ADMIN = ("admin",)
OFFICER = lambda s: {"pk": s.member.person.pk}  # noqa: E731
STAFF = lambda s: {"pk": s.staff_person.pk}  # noqa: E731
PROVINCE = lambda s: {"pk": s.bloc.province_id}  # noqa: E731

# name -> (method, kwargs, POST data, expected per role)
URLS = {
    # A password link works for whoever holds it, signed in or not.
    "accounts:setup": ("get", lambda s: {"token": s.token}, None, EVERYONE),
    "accounts:setup-renew": ("post", lambda s: {"token": s.token}, None, EVERYONE),
    # The board of the user's own province (the other province's board sees its own, empty list).
    "accounts:people": ("get", lambda s: {}, None, statuses(ok=BOARD_ANY_PROVINCE)),
    "accounts:staff-create": ("get", lambda s: {}, None, statuses(ok=BOARD_ANY_PROVINCE)),
    "accounts:handover": (
        "post",
        lambda s: {},
        lambda s: {"people": [s.member.person.pk]},
        # the officer is of a province they may not know exists: 404, as for nobody
        statuses(ok=BOARD, other_board=404, admin=404),
    ),
    "accounts:person": ("get", OFFICER, None, statuses(ok=BOARD, other_board=404, admin=404)),
    "accounts:person-edit": ("get", OFFICER, None, statuses(ok=BOARD, other_board=404, admin=404)),
    "accounts:person-move": ("get", OFFICER, None, statuses(ok=BOARD, other_board=404, admin=404)),
    "accounts:person-invite": (
        "post",
        OFFICER,
        None,
        statuses(ok=BOARD, ok_status=BACK, other_board=404, admin=404),
    ),
    "accounts:person-active": (
        "post",
        OFFICER,
        lambda s: {"active": "1"},
        statuses(ok=BOARD, ok_status=BACK, other_board=404, admin=404),
    ),
    "accounts:person-unlock": (
        "post",
        OFFICER,
        None,
        statuses(ok=BOARD, ok_status=BACK, other_board=404, admin=404),
    ),
    "accounts:unit-officers": (
        "get",
        lambda s: {"pk": s.member_unit.pk},
        None,
        statuses(ok=BOARD, other_board=404),
    ),
    # The system administrator.
    "accounts:system": ("get", lambda s: {}, None, statuses(ok=ADMIN)),
    "accounts:province-create": ("get", lambda s: {}, None, statuses(ok=ADMIN)),
    "accounts:province": ("get", PROVINCE, None, statuses(ok=ADMIN)),
    "accounts:province-edit": ("get", PROVINCE, None, statuses(ok=ADMIN)),
}

CASES = [
    pytest.param(name, role, expected, id=f"{name}-{role}-{expected}")
    for name, (_m, _k, _d, table) in URLS.items()
    for role, expected in table.items()
]


@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_url_by_role(site, client_as, name, role, expected):
    method, kwargs, data, _table = URLS[name]
    path = reverse(name, kwargs=kwargs(site))
    response = getattr(client_as(site.user(role)), method)(path, data(site) if data else {})
    check_outcome(response, expected, path)


def test_every_accounts_url_has_a_row():
    from blocs.accounts import urls

    assert {f"accounts:{p.name}" for p in urls.urlpatterns if isinstance(p, URLPattern)} == set(URLS)


@pytest.mark.parametrize("role", ["board", "other_board", "admin"])
def test_board_staff_pages_for_the_board_and_the_system_administrator(site, client_as, role):
    path = reverse("accounts:person", kwargs=STAFF(site))
    expected = {"board": 200, "other_board": 404, "admin": 200}[role]
    assert client_as(site.user(role)).get(path).status_code == expected


POST_ONLY = [name for name, (method, *_rest) in URLS.items() if method == "post"]


@pytest.mark.parametrize("role", SIGNED_IN)
@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_urls_refuse_get(site, client_as, name, role):
    path = reverse(name, kwargs=URLS[name][1](site))
    assert client_as(site.user(role)).get(path).status_code == 405


def _state():
    return (
        list(User.objects.order_by("pk").values_list("pk", "email", "is_active", "password")),
        list(Person.objects.order_by("pk").values_list("pk", "unit_id")),
        SetupLink.objects.count(),
    )


@pytest.mark.parametrize("role", ["anonymous", "member", "leader", "other_board", "admin"])
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("accounts:person-edit", {"full_name": "X", "email": "x@x.vn"}),
        ("accounts:person-invite", {}),
        ("accounts:person-active", {"active": "0"}),
        ("accounts:person-unlock", {}),
        ("accounts:handover", None),
    ],
)
def test_writes_on_another_units_person_change_nothing(site, client_as, role, name, data):
    kwargs = {} if name == "accounts:handover" else OFFICER(site)
    payload = {"people": [site.member.person.pk]} if data is None else data
    before, audits = _state(), AuditLog.objects.count()
    response = client_as(site.user(role)).post(reverse(name, kwargs=kwargs), payload)
    assert response.status_code in {302, 403, 404}
    if role == "anonymous":
        assert response.status_code == 302 and LOGIN
    assert _state() == before
    assert AuditLog.objects.count() == audits
