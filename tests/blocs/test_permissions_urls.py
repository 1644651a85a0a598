"""Every URL of the product against every role: who gets the page, who gets 403/404, who is sent to log in.

The table below is the permission contract of blocs/permissions.py as the browser sees it. A URL added
to an app's urlconf without a row here makes `test_every_url_name_has_a_permission_row` fail.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.views import redirect_to_login
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from blocs.enums import Phase
from blocs.models import Bloc, Deadline, EmulationYear, LeaderTerm, Membership, Person, RotationSlot, Unit
from core.models import AuditLog, Notification, User
from tests.conftest import ROLES
from tests.factories import DeadlineFactory, MembershipFactory, UnitFactory, officer_of

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

LOGIN = "login"  # anonymous: 302 to the login page with ?next=
HOME = "home"  # 302 to the home page
BACK = "back"  # 302 somewhere else: a write that succeeded, the language switch
LOGGED_OUT = "logged-out"  # 302 to the bare login page


@dataclass
class Site:
    """The conftest world plus the objects some URLs point at."""

    world: object
    deadline: Deadline
    membership: Membership

    def __getattr__(self, name):
        return getattr(self.world, name)


@pytest.fixture
def site(world, settings, tmp_path) -> Site:
    # The regulation file goes to a private storage of the test's own.
    default = {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "default": default}
    deadline = DeadlineFactory(year=world.year, title="Báo cáo tổng kết năm 2020")
    world.bloc.regulation_file.save("quy-che.pdf", ContentFile(PDF_BYTES), save=True)
    membership = Membership.objects.get(bloc=world.bloc, unit=world.member_unit)
    return Site(world=world, deadline=deadline, membership=membership)


def statuses(*, ok=(), ok_status=200, others=403, hidden=(), anonymous=LOGIN, **special) -> dict[str, object]:
    """Expected outcome per role: `ok` roles get `ok_status`, `hidden` roles (who may not know the object exists)
    404, the other signed-in roles `others`."""
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = anonymous
        elif role in special:
            table[role] = special[role]
        elif role in ok:
            table[role] = ok_status
        elif role in hidden:
            table[role] = 404
        else:
            table[role] = others
    return table


BOARD = ("board",)
BOARD_ANY_PROVINCE = ("board", "other_board")
BLOC_READERS = ("board", "leader", "deputy", "member")
CALENDAR_EDITORS = ("board", "leader")
SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")
# Who may not even know the bloc and its year exist (core.permissions.hidden_unless): a unit outside the bloc,
# another province's board, the system administrator. Whatever the action, they get the 404 of a bloc that does
# not exist; 403 is for those who see the bloc but may not do the action.
STRANGERS = ("outsider", "other_board", "admin")

Y = {"slug": "ktdnc", "year": 2020}

# name -> (method, kwargs from the site, expected outcome per role)
URLS = {
    # --- notifications: every signed-in user has their own
    "core:notification-list": ("get", lambda s: {}, statuses(ok=SIGNED_IN)),
    "core:notification-read-all": ("post", lambda s: {}, statuses(ok=SIGNED_IN, ok_status=BACK)),
    "core:notification-read": (
        "post",
        lambda s: {"pk": Notification.objects.get_or_create(recipient=s.member, title="T", link="/")[0].pk},
        statuses(ok=("member",), ok_status=BACK, others=404),
    ),
    # --- set-up pages: the board of the user's own province (other_board sees its own, empty province)
    "blocs:unit-list": ("get", lambda s: {}, statuses(ok=BOARD_ANY_PROVINCE)),
    "blocs:unit-create": ("get", lambda s: {}, statuses(ok=BOARD_ANY_PROVINCE)),
    "blocs:unit-edit": ("get", lambda s: {"pk": s.member_unit.pk}, statuses(ok=BOARD, other_board=404)),
    "blocs:bloc-create": ("get", lambda s: {}, statuses(ok=BOARD_ANY_PROVINCE)),
    # --- a bloc: the board of its province, and officers of its member units (any year); the others are not told
    # it exists
    "blocs:bloc-detail": ("get", lambda s: {"slug": "ktdnc"}, statuses(ok=BLOC_READERS, hidden=STRANGERS)),
    "blocs:bloc-regulation": ("get", lambda s: {"slug": "ktdnc"}, statuses(ok=BLOC_READERS, hidden=STRANGERS)),
    "blocs:bloc-edit": ("get", lambda s: {"slug": "ktdnc"}, statuses(ok=BOARD, hidden=STRANGERS)),
    "blocs:bloc-settings": ("get", lambda s: {"slug": "ktdnc"}, statuses(ok=BOARD, hidden=STRANGERS)),
    "blocs:membership-add": ("get", lambda s: {"slug": "ktdnc"}, statuses(ok=BOARD, hidden=STRANGERS)),
    "blocs:membership-end": (
        "get",
        lambda s: {"slug": "ktdnc", "pk": s.membership.pk},
        statuses(ok=BOARD, hidden=STRANGERS),
    ),
    "blocs:rotation-edit": ("get", lambda s: {"slug": "ktdnc"}, statuses(ok=BOARD, hidden=STRANGERS)),
    "blocs:year-create": ("get", lambda s: {"slug": "ktdnc"}, statuses(ok=BOARD, hidden=STRANGERS)),
    # --- a year
    "blocs:year-detail": ("get", lambda s: Y, statuses(ok=BLOC_READERS, hidden=STRANGERS)),
    "blocs:year-edit": ("get", lambda s: Y, statuses(ok=BOARD, hidden=STRANGERS)),
    "blocs:year-settings": ("get", lambda s: Y, statuses(ok=BOARD, hidden=STRANGERS)),
    "blocs:year-next": ("get", lambda s: Y, statuses(ok=BOARD, hidden=STRANGERS)),
    "blocs:deadline-create": ("get", lambda s: Y, statuses(ok=CALENDAR_EDITORS, hidden=STRANGERS)),
    "blocs:deadline-edit": (
        "get",
        lambda s: {**Y, "pk": s.deadline.pk},
        statuses(ok=CALENDAR_EDITORS, hidden=STRANGERS),
    ),
    # POST only: a GET is 405 for everyone signed in (see test_post_only_urls_refuse_get)
    "blocs:deadline-delete": (
        "post",
        lambda s: {**Y, "pk": s.deadline.pk},
        statuses(ok=CALENDAR_EDITORS, ok_status=BACK, hidden=STRANGERS),
    ),
    # --- the year's covenant (with no registration sent and no covenant saved; tests/blocs/test_covenant.py has
    # the full table with a saved draft, sent registrations and an issued covenant)
    "blocs:covenant": ("get", lambda s: Y, statuses(ok=BLOC_READERS, hidden=STRANGERS)),
    "blocs:covenant-registration": ("get", lambda s: Y, statuses(ok=("leader", "deputy", "member"), hidden=STRANGERS)),
    "blocs:covenant-edit": ("get", lambda s: Y, statuses(ok=("leader",), hidden=STRANGERS)),
    # POST only: the leader is shown the page again, with the units that have not sent their registration
    "blocs:covenant-issue": ("post", lambda s: Y, statuses(ok=("leader",), hidden=STRANGERS)),
    "blocs:covenant-preview": ("get", lambda s: Y, statuses(ok=("leader",), hidden=STRANGERS)),
    # POST only: an unsaved draft renders no file; the leader is sent back with the reason
    "blocs:covenant-render": (
        "post",
        lambda s: {**Y, "fmt": "pdf"},
        statuses(ok=("leader",), ok_status=BACK, hidden=STRANGERS),
    ),
    # --- shared pages
    "dashboards:home": ("get", lambda s: {}, statuses(ok=SIGNED_IN)),
    "core:set-language": ("post", lambda s: {}, statuses(ok=SIGNED_IN, ok_status=BACK, anonymous=BACK)),
    "core:healthz": ("get", lambda s: {}, statuses(ok=SIGNED_IN, anonymous=200)),
    "core:readyz": ("get", lambda s: {}, statuses(ok=SIGNED_IN, anonymous=200)),
    # --- sign-in (django.contrib.auth, with the project's login view)
    "login": ("get", lambda s: {}, statuses(ok=SIGNED_IN, ok_status=HOME, anonymous=200)),
    "logout": ("post", lambda s: {}, statuses(ok=SIGNED_IN, ok_status=LOGGED_OUT, anonymous=LOGGED_OUT)),
    "password_change": ("get", lambda s: {}, statuses(ok=SIGNED_IN)),
    "password_change_done": ("get", lambda s: {}, statuses(ok=SIGNED_IN)),
    "password_reset": ("get", lambda s: {}, statuses(ok=SIGNED_IN, anonymous=200)),
    "password_reset_done": ("get", lambda s: {}, statuses(ok=SIGNED_IN, anonymous=200)),
    # An unknown link still shows the "invalid link" page.
    "password_reset_confirm": (
        "get",
        lambda s: {"uidb64": "MQ", "token": "set-password"},
        statuses(ok=SIGNED_IN, anonymous=200),
    ),
    "password_reset_complete": ("get", lambda s: {}, statuses(ok=SIGNED_IN, anonymous=200)),
}


def check_outcome(response, expected, path: str) -> None:
    if expected == LOGIN:
        assert (response.status_code, response.url) == (302, redirect_to_login(path).url)
    elif expected == LOGGED_OUT:
        assert (response.status_code, response.url) == (302, reverse("login"))
    elif expected == HOME:
        assert (response.status_code, response.url) == (302, reverse("dashboards:home"))
    elif expected == BACK:
        assert response.status_code == 302
        assert response.url != redirect_to_login(path).url
    else:
        assert response.status_code == expected


CASES = [
    pytest.param(name, role, expected, id=f"{name}-{role}-{expected}")
    for name, (_method, _kwargs, table) in URLS.items()
    for role, expected in table.items()
]


@pytest.mark.parametrize(("name", "role", "expected"), CASES)
def test_url_by_role(site, client_as, name, role, expected):
    method, kwargs, _table = URLS[name]
    path = reverse(name, kwargs=kwargs(site))
    client = client_as(site.user(role))

    response = getattr(client, method)(path)

    check_outcome(response, expected, path)
    if response.status_code == 200 and hasattr(response, "close"):
        response.close()  # the regulation download holds the file open


def test_every_url_name_has_a_permission_row():
    """Every named URL of the project, except the Django admin and the scoring app (its own table is in
    tests/scoring/test_permissions_urls.py), is in the table above."""

    def names(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace or namespace
                yield from names(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    project_names = {
        name
        for name in names(get_resolver().url_patterns)
        if not name.startswith(
            (
                "scoring:",
                "conference:",
                "reports:",  # tests/reports/
                "awards:",
                "accounts:",  # tests/blocs/test_accounts_urls.py
                "imports:",  # tests/blocs/test_imports_urls.py
                "core:document-",
                "core:undelivered-mail",  # tests/core/test_outbox.py, every role on both pages
                "dashboards:board-",
                "dashboards:leader-",
            )
        )
    }

    assert project_names == set(URLS)


def test_the_table_covers_each_app_urlconf():
    """The app urlconfs read directly, in case an app is ever included without its namespace."""
    import blocs.urls
    import core.urls
    import dashboards.urls

    app_names = {
        f"{module.app_name}:{p.name}" for module in (blocs.urls, core.urls, dashboards.urls) for p in module.urlpatterns
    }

    # The rendered documents' URLs are tested with a real plan in tests/core/test_documents.py (and "try again" in
    # tests/core/test_faults_rendering.py), the undelivered mail's in tests/core/test_outbox.py.
    # The dashboards' own tables are in tests/dashboards/.
    dashboards = {name for name in app_names if name.startswith(("dashboards:board-", "dashboards:leader-"))}
    elsewhere = {"core:document-download", "core:document-status", "core:document-retry"}
    elsewhere |= {"core:undelivered-mail", "core:undelivered-mail-resend"}
    assert app_names - set(URLS) - dashboards - elsewhere == set()
    assert {"login", "logout", "password_change"} <= set(URLS)


POST_ONLY = [name for name, (method, _kwargs, _table) in URLS.items() if method == "post"]


@pytest.mark.parametrize("role", SIGNED_IN)
@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_urls_refuse_get(site, client_as, name, role):
    path = reverse(name, kwargs=URLS[name][1](site))
    before = db_state()

    response = client_as(site.user(role)).get(path)

    assert response.status_code == 405
    assert db_state() == before


@pytest.mark.parametrize("role", ["board", "other_board"])
def test_unit_list_shows_only_the_boards_own_province(site, client_as, role):
    response = client_as(site.user(role)).get(reverse("blocs:unit-list"))

    expected = (
        sorted(u.name for u in (site.leader_unit, site.deputy_unit, site.member_unit, site.outsider_unit))
        if role == "board"
        else []
    )
    assert [u.name for u in response.context["units"]] == expected


# --- closed years: nothing of the year can be changed any more -------------------------------------------


@pytest.fixture
def closed_site(site) -> Site:
    EmulationYear.objects.filter(pk=site.year.pk).update(phase=Phase.CLOSED)
    return site


CLOSED_CASES = [
    ("blocs:year-edit", "get", lambda s: Y, {"board": 403, "leader": 403}),
    ("blocs:year-settings", "get", lambda s: Y, {"board": 403, "leader": 403}),
    ("blocs:deadline-create", "get", lambda s: Y, {"board": 403, "leader": 403}),
    ("blocs:deadline-edit", "get", lambda s: {**Y, "pk": s.deadline.pk}, {"board": 403, "leader": 403}),
    ("blocs:deadline-delete", "post", lambda s: {**Y, "pk": s.deadline.pk}, {"board": 403, "leader": 403}),
    # Reading a closed year stays open to those who could read it.
    ("blocs:year-detail", "get", lambda s: Y, {"board": 200, "leader": 200, "member": 200}),
    # Opening the next year from a closed one is the board's normal path.
    ("blocs:year-next", "get", lambda s: Y, {"board": 200, "leader": 403}),
]


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "role", "expected"),
    [
        pytest.param(name, method, kwargs, role, expected, id=f"{name}-{role}-{expected}")
        for name, method, kwargs, table in CLOSED_CASES
        for role, expected in table.items()
    ],
)
def test_closed_year(closed_site, client_as, name, method, kwargs, role, expected):
    path = reverse(name, kwargs=kwargs(closed_site))
    before = db_state()

    response = getattr(client_as(closed_site.user(role)), method)(path)

    assert response.status_code == expected
    assert db_state() == before


# --- membership in some other year --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_year", "end_year", "bloc_status", "year_status"),
    [
        pytest.param(2015, 2018, 200, 404, id="former-member"),
        pytest.param(2021, None, 200, 404, id="member-from-next-year"),
        pytest.param(2020, 2020, 200, 200, id="member-for-2020-only"),
    ],
)
def test_membership_in_another_year(world, client_as, start_year, end_year, bloc_status, year_status):
    """The bloc is visible to any year's members; a year only to that year's members (the others are not told it
    exists)."""
    unit = UnitFactory(province=world.bloc.province)
    MembershipFactory(bloc=world.bloc, unit=unit, start_year=start_year, end_year=end_year)
    client = client_as(officer_of(unit))

    got = (
        client.get(reverse("blocs:bloc-detail", kwargs={"slug": "ktdnc"})).status_code,
        client.get(reverse("blocs:year-detail", kwargs=Y)).status_code,
    )

    assert got == (bloc_status, year_status)


# --- writes by the roles that may not: refused, and the database is left exactly as it was ---------------


def db_state() -> dict[str, list[dict]]:
    models = (Unit, Bloc, Membership, RotationSlot, EmulationYear, Deadline, LeaderTerm, Person, AuditLog)
    state = {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}
    state["users"] = list(User.objects.order_by("pk").values("pk", "language", "password", "is_active"))
    return state


SETTINGS_POST = {
    "score_scale": "100",
    "bonus_cap": "4",
    "deduction_cap": "8",
    "band_excellent": "90",
    "band_good": "75",
    "band_fair": "60",
    "late_self_assessment": "closed",
    "flag_quota": "1",
    "merit_quota": "2",
    "vote_threshold_percent": "50",
    "vote_threshold_strict": "on",
    "vote_denominator": "members",
    "quorum_percent": "67",
    "reminder_offsets_days": "7, 1",
    "overdue_reminder_days": "3",
    "late_submission_grace_days": "7",
    "summary_page_limit": "1.5",
}

DEADLINE_POST = {
    "kind": "other",
    "title": "Nộp danh sách cán bộ",
    "description": "",
    "audience": "members",
    "unit": "",
    "opens_on": "01/10/2020",
    "opens_time": "",
    "due_on": "20/10/2020",
    "due_time": "17:00",
}

# name -> (kwargs, payload, roles that may); every payload is valid, as the board's success shows.
WRITES = {
    "blocs:unit-create": (
        lambda s: {},
        lambda s: {"name": "Sở Nội vụ", "short_name": "SNV", "code": "snv", "is_active": "on"},
        BOARD_ANY_PROVINCE,
    ),
    "blocs:unit-edit": (
        lambda s: {"pk": s.member_unit.pk},
        lambda s: {"name": "Tên mới", "short_name": "Mới", "code": "MOI", "is_active": "on"},
        BOARD,
    ),
    "blocs:bloc-create": (
        lambda s: {},
        lambda s: {"name": "Khối Kinh tế", "short_name": "Kinh tế", "code": "KTĐKT", "is_active": "on"},
        BOARD_ANY_PROVINCE,
    ),
    "blocs:bloc-edit": (
        lambda s: {"slug": "ktdnc"},
        lambda s: {"name": "Tên khối mới", "short_name": "Khối mới", "code": "KTĐNC", "is_active": "on"},
        BOARD,
    ),
    "blocs:bloc-settings": (lambda s: {"slug": "ktdnc"}, lambda s: SETTINGS_POST, BOARD),
    "blocs:membership-add": (
        lambda s: {"slug": "ktdnc"},
        lambda s: {"unit": s.outsider_unit.pk, "start_year": "2020"},
        BOARD,
    ),
    "blocs:membership-end": (
        lambda s: {"slug": "ktdnc", "pk": s.membership.pk},
        lambda s: {"end_year": "2021"},
        BOARD,
    ),
    "blocs:rotation-edit": (
        lambda s: {"slug": "ktdnc"},
        lambda s: {"place_1": s.leader_unit.pk, "place_2": s.deputy_unit.pk, "place_3": s.member_unit.pk},
        BOARD,
    ),
    "blocs:year-create": (
        lambda s: {"slug": "ktdnc"},
        lambda s: {"year": "2021", "leader": s.deputy_unit.pk, "deputy": s.member_unit.pk},
        BOARD,
    ),
    "blocs:year-edit": (
        lambda s: Y,
        lambda s: {"leader": s.deputy_unit.pk, "deputy": s.leader_unit.pk, "phase": "review", "note": "Đổi"},
        BOARD,
    ),
    "blocs:year-settings": (lambda s: Y, lambda s: {**SETTINGS_POST, "bonus_cap": "7"}, BOARD),
    "blocs:year-next": (
        lambda s: Y,
        lambda s: {"leader": s.deputy_unit.pk, "deputy": s.member_unit.pk, "copy_calendar": "on"},
        BOARD,
    ),
    "blocs:deadline-create": (lambda s: Y, lambda s: DEADLINE_POST, CALENDAR_EDITORS),
    "blocs:deadline-edit": (lambda s: {**Y, "pk": s.deadline.pk}, lambda s: DEADLINE_POST, CALENDAR_EDITORS),
    "blocs:deadline-delete": (lambda s: {**Y, "pk": s.deadline.pk}, lambda s: {}, CALENDAR_EDITORS),
}

REFUSED_WRITES = [
    pytest.param(name, role, id=f"{name}-{role}")
    for name, (_kwargs, _payload, allowed) in WRITES.items()
    for role in ROLES
    if role not in allowed
]


@pytest.mark.parametrize(("name", "role"), REFUSED_WRITES)
def test_write_refused_changes_nothing(site, client_as, name, role):
    kwargs, payload, _allowed = WRITES[name]
    path = reverse(name, kwargs=kwargs(site))
    before = db_state()

    response = client_as(site.user(role)).post(path, payload(site))

    # The same outcome as the page itself: 403, 404 where the user may not know the object, or the login page.
    check_outcome(response, URLS[name][2][role], path)
    assert db_state() == before


ALLOWED_WRITES = [
    pytest.param(name, role, id=f"{name}-{role}")
    for name, (_kwargs, _payload, allowed) in WRITES.items()
    for role in allowed
]


@pytest.mark.parametrize(("name", "role"), ALLOWED_WRITES)
def test_write_allowed_changes_the_database(site, client_as, name, role):
    """The payloads above are valid: the roles that may get a redirect and one more audit row."""
    kwargs, payload, _allowed = WRITES[name]
    path = reverse(name, kwargs=kwargs(site))
    audit_rows = AuditLog.objects.count()

    response = client_as(site.user(role)).post(path, payload(site))

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert AuditLog.objects.count() > audit_rows
