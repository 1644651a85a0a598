"""Every URL of the imports against every role: the board of the province gets the page, whoever may not know a
bloc or batch exists (the board of another province; for a bloc, also an outsider unit and the system
administrator) gets 404, the others signed in 403, and the anonymous are sent to log in. A URL added to
blocs/imports/urls.py without a row here fails the last tests."""

import io
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook

from blocs.imports import parse, services
from blocs.models import ImportBatch
from tests.conftest import ROLES

LOGIN = "login"  # anonymous: 302 to the login page with ?next=
BACK = "back"  # 302 elsewhere: a write that succeeded


def _xlsx(sheets: dict[str, list[list]]) -> SimpleUploadedFile:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("nhap.xlsx", out.getvalue())


@dataclass
class Site:
    world: object
    people_batch: ImportBatch
    members_batch: ImportBatch

    def __getattr__(self, name):
        return getattr(self.world, name)


@pytest.fixture
def site(world, settings, tmp_path) -> Site:
    default = {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path)}}
    settings.STORAGES = {**settings.STORAGES, "default": default}
    people = services.people_upload(
        province=world.bloc.province,
        file=_xlsx(
            {
                parse.UNITS_SHEET: [
                    ["Tên đơn vị", "Tên viết tắt", "Mã"],
                    ["Sở Tư pháp tỉnh Tuyên Quang", "Sở Tư pháp", "STP"],
                ]
            }
        ),
        by=world.board,
    )
    members = services.members_upload(
        bloc=world.bloc,
        file=_xlsx({parse.MEMBERS_SHEET: [["Mã đơn vị", "Từ năm"], [world.outsider_unit.code, 2021]]}),
        by=world.board,
    )
    return Site(world=world, people_batch=people, members_batch=members)


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
BLOC = {"slug": "ktdnc"}
# Who may not even know the bloc exists (core.permissions.hidden_unless): a unit outside it, another province's
# board, the system administrator. They get the 404 of a bloc that does not exist.
STRANGERS = ("outsider", "other_board", "admin")

# name -> (method, kwargs from the site, expected outcome per role)
URLS = {
    # the board's own province: the board of another province imports into its own (empty) province
    "imports:people": ("get", lambda s: {}, statuses(ok=("board", "other_board"))),
    "imports:people-template": ("get", lambda s: {}, statuses(ok=("board", "other_board"))),
    # a bloc: the board of its province only; its member units see it and are refused, the others are not told it
    # exists
    "imports:members": ("get", lambda s: BLOC, statuses(ok=BOARD, hidden=STRANGERS)),
    "imports:members-template": ("get", lambda s: BLOC, statuses(ok=BOARD, hidden=STRANGERS)),
    # a batch: the board of its province; another province's batch is not found
    "imports:batch": ("get", lambda s: {"pk": s.people_batch.pk}, statuses(ok=BOARD, other_board=404)),
    "imports:batch-confirm": (
        "post",
        lambda s: {"pk": s.people_batch.pk},
        statuses(ok=BOARD, ok_status=BACK, other_board=404),
    ),
    "imports:batch-discard": (
        "post",
        lambda s: {"pk": s.people_batch.pk},
        statuses(ok=BOARD, ok_status=BACK, other_board=404),
    ),
}


def check_outcome(response, expected, path: str) -> None:
    if expected == LOGIN:
        assert (response.status_code, response.url) == (302, redirect_to_login(path).url)
    elif expected == BACK:
        assert response.status_code == 302
        assert response.url != redirect_to_login(path).url
    else:
        assert response.status_code == expected


def db_state() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label not in ("sessions", "axes")
    }


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
    before = db_state()

    response = getattr(client, method)(path)

    check_outcome(response, expected, path)
    if expected != BACK:
        assert db_state() == before  # refused, or only read: nothing written


# The members' batch follows the same rule as the people's: its bloc's board only.
MEMBERS_BATCH_CASES = {
    "imports:batch": ("get", statuses(ok=BOARD, other_board=404)),
    "imports:batch-confirm": ("post", statuses(ok=BOARD, ok_status=BACK, other_board=404)),
    "imports:batch-discard": ("post", statuses(ok=BOARD, ok_status=BACK, other_board=404)),
}


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        pytest.param(name, role, expected, id=f"members-{name}-{role}-{expected}")
        for name, (_method, table) in MEMBERS_BATCH_CASES.items()
        for role, expected in table.items()
    ],
)
def test_members_batch_by_role(site, client_as, name, role, expected):
    method, _table = MEMBERS_BATCH_CASES[name]
    path = reverse(name, kwargs={"pk": site.members_batch.pk})
    before = db_state()

    response = getattr(client_as(site.user(role)), method)(path)

    check_outcome(response, expected, path)
    if expected != BACK:
        assert db_state() == before


POST_ONLY = [name for name, (method, _kwargs, _table) in URLS.items() if method == "post"]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_urls_refuse_get(site, client_as, name, role):
    path = reverse(name, kwargs=URLS[name][1](site))
    before = db_state()

    response = client_as(site.user(role)).get(path)

    assert response.status_code == 405
    assert db_state() == before


def test_every_url_name_of_the_imports_has_a_permission_row():
    def names(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    import blocs.imports.urls

    in_urlconf = {f"{blocs.imports.urls.app_name}:{p.name}" for p in blocs.imports.urls.urlpatterns}
    in_project = {name for name in names(get_resolver().url_patterns) if name.startswith("imports:")}

    assert in_urlconf == in_project == set(URLS)
    assert set(MEMBERS_BATCH_CASES) <= set(URLS)
