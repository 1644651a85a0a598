"""Every scoring URL against every role: who gets the page, who gets 403/404/405, who is sent to log in;
refused writes change nothing, allowed ones do.

No existence oracle: a role that may not even know the object a URL is about (the year, a sheet) gets 404, the
answer for what does not exist; 403 is for those who see it but may not do the action.

The table below is the permission contract of scoring/permissions.py as the browser sees it. A scoring URL
added without a row here makes `test_every_scoring_url_name_has_a_permission_row` fail.
"""

import datetime
import io
from dataclasses import dataclass

import pytest
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import Workbook

from blocs.enums import Phase
from blocs.models import EmulationYear
from core.models import AuditLog, Notification
from scoring import services
from scoring.models import CriteriaTable, Criterion, Evidence, Score, ScoreChange, Sheet, SheetVersion
from tests.conftest import ROLES

from .helpers import P, fill, fill_and_submit

LOGIN = "login"  # anonymous: 302 to the login page with ?next=
BACK = "back"  # 302 somewhere else: a write that went through (or was turned back with a message)

Y = {"slug": "ktdnc", "year": 2020}
BLOC_READERS = ("board", "leader", "deputy", "member")
UNITS = ("leader", "deputy", "member")
REVIEW_READERS = ("board", "leader", "deputy")
SHEET_READERS = ("board", "leader", "member")  # the member's sheet: its unit, its reviewer, the board
LEADER_SHEET_READERS = ("board", "leader", "deputy")  # the leader's sheet: its unit, the deputy, the board
KNOW_THE_YEAR = BLOC_READERS  # the province's board and the year's member units; not the outsider, the other
# province's board or an admin without a unit or a board: to them the year does not exist
SIGNED_IN = tuple(r for r in ROLES if r != "anonymous")


@dataclass
class Site:
    """The scored world with a sheet in each state the URLs need.

    The member's sheet is submitted (with evidence), the leader's too (the deputy reviews it), the deputy's
    is a draft; self-assessment has opened, so the table is frozen for the leader.
    """

    scored: object
    member_sheet: Sheet
    leader_sheet: Sheet
    deputy_sheet: Sheet
    evidence: Evidence

    def __getattr__(self, name):
        return getattr(self.scored, name)


@pytest.fixture
def site(scored_world) -> Site:
    w = scored_world
    member_sheet = fill_and_submit(w.year, w.member_unit, P(i1=18, i2=36, ii1=36))
    leader_sheet = fill_and_submit(w.year, w.leader_unit, P(i1=19, i2=36, ii1=36))
    deputy_sheet = fill(w.year, w.deputy_unit, P(i1=0, i2=30))
    return Site(
        scored=w,
        member_sheet=member_sheet,
        leader_sheet=leader_sheet,
        deputy_sheet=deputy_sheet,
        evidence=Evidence.objects.get(score__sheet=member_sheet),
    )


def statuses(*, ok=(), ok_status=200, known=KNOW_THE_YEAR, anonymous=LOGIN, **special) -> dict[str, object]:
    """Expected outcome per role: `ok` roles get `ok_status`; the other signed-in roles get 403 if they may know
    the object the URL is about (`known`: by default those who see the year), 404 if they may not."""
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = anonymous
        elif role in special:
            table[role] = special[role]
        elif role in ok:
            table[role] = ok_status
        else:
            table[role] = 403 if role in known else 404
    return table


def member_unit(s) -> dict:
    return {**Y, "unit_id": s.member_unit.pk}


# name -> (method, kwargs from the site, expected outcome per role)
URLS = {
    # --- the criteria table: read by the bloc, edited by the board once self-assessment has opened
    "scoring:table": ("get", lambda s: Y, statuses(ok=BLOC_READERS)),
    "scoring:criterion-create": ("get", lambda s: Y, statuses(ok=("board",))),
    "scoring:criterion-edit": ("get", lambda s: {**Y, "pk": s.c["II.1"].pk}, statuses(ok=("board",))),
    "scoring:criterion-delete": (
        "post",
        lambda s: {**Y, "pk": s.c["III.1"].pk},
        statuses(ok=("board",), ok_status=BACK),
    ),
    "scoring:table-copy": ("post", lambda s: Y, statuses(ok=("board",), ok_status=BACK)),
    "scoring:table-import": ("get", lambda s: Y, statuses(ok=("board",))),
    "scoring:table-export": ("get", lambda s: Y, statuses(ok=BLOC_READERS)),
    "scoring:table-template": ("get", lambda s: Y, statuses(ok=BLOC_READERS)),
    # --- the unit's own sheet: every member unit (the board has none)
    "scoring:my-sheet": ("get", lambda s: Y, statuses(ok=UNITS)),
    # the board has no sheet of its own (its totals would be another unit's draft's): there is none to know
    "scoring:my-sheet-totals": ("post", lambda s: Y, statuses(ok=UNITS, known=UNITS)),
    # --- review: the leader (every other sheet), the deputy (the leader's), the board reads
    "scoring:review-list": ("get", lambda s: Y, statuses(ok=REVIEW_READERS)),
    # the member's sheet (sent) is known to those who may read it: to the deputy it does not exist
    "scoring:review-sheet": ("get", member_unit, statuses(ok=SHEET_READERS, known=SHEET_READERS)),
    "scoring:review-sheet-totals": ("post", member_unit, statuses(ok=SHEET_READERS, known=SHEET_READERS)),
    "scoring:review-return": (
        "post",
        member_unit,
        statuses(ok=("leader",), ok_status=BACK, known=SHEET_READERS),
    ),
    "scoring:review-finalize": (
        "post",
        member_unit,
        statuses(ok=("leader",), ok_status=BACK, known=SHEET_READERS),
    ),
    # --- ranking: members only once published (see test_members_see_the_published_ranking)
    "scoring:ranking": ("get", lambda s: Y, statuses(ok=REVIEW_READERS)),
    "scoring:ranking-publish": ("post", lambda s: Y, statuses(ok=("leader",), ok_status=BACK)),
    "scoring:ranking-export": ("get", lambda s: Y, statuses(ok=REVIEW_READERS)),
    # --- evidence: whoever may view the sheet
    "scoring:evidence": ("get", lambda s: {"pk": s.evidence.pk}, statuses(ok=SHEET_READERS, known=SHEET_READERS)),
}


def check_outcome(response, expected, path: str) -> None:
    if expected == LOGIN:
        assert (response.status_code, response.url) == (302, redirect_to_login(path).url)
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

    response = getattr(client_as(site.user(role)), method)(path)

    check_outcome(response, expected, path)
    if hasattr(response, "close"):
        response.close()  # the evidence download holds the file open


def test_every_scoring_url_name_has_a_permission_row():
    """Every named URL in the scoring namespace, as the project resolves it, is in the table above."""

    def names(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    import scoring.urls

    resolved = {name for name in names(get_resolver().url_patterns) if name.startswith("scoring:")}
    declared = {f"{scoring.urls.app_name}:{p.name}" for p in scoring.urls.urlpatterns}

    assert resolved == declared == set(URLS)


POST_ONLY = [name for name, (method, _kwargs, _table) in URLS.items() if method == "post"]


@pytest.mark.parametrize("role", SIGNED_IN)
@pytest.mark.parametrize("name", POST_ONLY)
def test_post_only_urls_refuse_get(site, client_as, name, role):
    path = reverse(name, kwargs=URLS[name][1](site))
    before = db_state()

    response = client_as(site.user(role)).get(path)

    assert response.status_code == 405
    assert db_state() == before


# --- the leader's own sheet: the deputy reviews it, the leader only reads it ------------------------------


def leader_unit(s) -> dict:
    return {**Y, "unit_id": s.leader_unit.pk}


LEADER_SHEET = {
    "scoring:review-sheet": ("get", statuses(ok=LEADER_SHEET_READERS, known=LEADER_SHEET_READERS)),
    "scoring:review-return": ("post", statuses(ok=("deputy",), ok_status=BACK, known=LEADER_SHEET_READERS)),
    "scoring:review-finalize": ("post", statuses(ok=("deputy",), ok_status=BACK, known=LEADER_SHEET_READERS)),
}


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        pytest.param(name, role, expected, id=f"{name}-{role}-{expected}")
        for name, (_method, table) in LEADER_SHEET.items()
        for role, expected in table.items()
    ],
)
def test_the_leaders_sheet_by_role(site, client_as, name, role, expected):
    method, _table = LEADER_SHEET[name]
    path = reverse(name, kwargs=leader_unit(site))
    data = {"note": "Bổ sung minh chứng I.1."} if name == "scoring:review-return" else {}

    response = getattr(client_as(site.user(role)), method)(path, data)

    check_outcome(response, expected, path)


def test_the_leader_may_read_but_not_review_its_own_sheet(site, client_as):
    path = reverse("scoring:review-sheet", kwargs=leader_unit(site))
    before = db_state()

    response = client_as(site.leader).post(path, review_payload(site, site.leader_sheet))

    assert response.status_code == 403
    assert db_state() == before


@pytest.mark.parametrize("role", ["leader", "board", "other_board", "member"])
def test_a_draft_never_sent_is_the_units_own_and_404_to_everyone_else(site, client_as, role):
    """The deputy's sheet is a draft: the leader (its reviewer, itself a ranked unit) and the board do not see it,
    its points or its evidence; it does not exist for them (404, not 403), until the unit sends it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from scoring.models import Score

    score = Score.objects.filter(sheet=site.deputy_sheet).first()
    evidence = Evidence.objects.create(
        score=score, file=SimpleUploadedFile("nhap.pdf", b"%PDF-1.4 draft"), original_name="nhap.pdf", size=14
    )
    client = client_as(getattr(site, role))
    draft = {**Y, "unit_id": site.deputy_unit.pk}

    assert client.get(reverse("scoring:review-sheet", kwargs=draft)).status_code == 404
    assert client.post(reverse("scoring:review-sheet-totals", kwargs=draft), {"mode": "review"}).status_code in (
        403,
        404,
    )
    assert client.get(reverse("scoring:evidence", args=[evidence.pk])).status_code == 404
    rows = {r.unit.pk: r for r in client_as(site.leader).get(reverse("scoring:review-list", kwargs=Y)).context["rows"]}
    assert (rows[site.deputy_unit.pk].self_total, rows[site.deputy_unit.pk].reviewed_total) == (None, None)
    assert client_as(site.deputy).get(reverse("scoring:evidence", args=[evidence.pk])).status_code == 200


def test_a_sheet_that_does_not_exist_is_404(site, client_as):
    path = reverse("scoring:review-sheet", kwargs={**Y, "unit_id": site.outsider_unit.pk})

    assert client_as(site.leader).get(path).status_code == 404


# --- after publication, before opening, in a closed year ------------------------------------------------


@pytest.fixture
def published_site(site) -> Site:
    for sheet, reviewer in ((site.member_sheet, site.leader), (site.leader_sheet, site.deputy)):
        services.sheet_finalize(sheet=sheet, by=reviewer)
    services.ranking_publish(year=EmulationYear.objects.get(pk=site.year.pk), by=site.leader)
    return site


@pytest.mark.parametrize("name", ["scoring:ranking", "scoring:ranking-export"])
@pytest.mark.parametrize(("role", "expected"), statuses(ok=BLOC_READERS).items())
def test_members_see_the_published_ranking(published_site, client_as, name, role, expected):
    path = reverse(name, kwargs=Y)

    response = client_as(published_site.user(role)).get(path)

    check_outcome(response, expected, path)


@pytest.fixture
def unopened_site(scored_world):
    """Self-assessment opens tomorrow and no sheet has been sent: the leader still prepares the table."""
    scored_world.deadline.opens_at = timezone.now() + datetime.timedelta(days=1)
    scored_world.deadline.save()
    return scored_world


UNOPENED = {
    "scoring:criterion-create": ("get", lambda s: Y),
    "scoring:criterion-edit": ("get", lambda s: {**Y, "pk": s.c["II.1"].pk}),
    "scoring:table-import": ("get", lambda s: Y),
    "scoring:table-copy": ("post", lambda s: Y),
    "scoring:criterion-delete": ("post", lambda s: {**Y, "pk": s.c["III.1"].pk}),
}


@pytest.mark.parametrize("name", UNOPENED)
@pytest.mark.parametrize(("role", "expected"), [("board", 200), ("leader", 200), ("deputy", 403), ("member", 403)])
def test_the_leader_edits_the_table_until_self_assessment_opens(unopened_site, client_as, name, role, expected):
    method, kwargs = UNOPENED[name]
    path = reverse(name, kwargs=kwargs(unopened_site))

    response = getattr(client_as(unopened_site.user(role)), method)(path)

    check_outcome(response, BACK if (method == "post" and expected == 200) else expected, path)


@pytest.fixture
def closed_site(site) -> Site:
    EmulationYear.objects.filter(pk=site.year.pk).update(phase=Phase.CLOSED)
    return site


CLOSED_CASES = [
    # Nothing of a closed year can be changed any more ...
    ("scoring:criterion-create", "get", lambda s: Y, {"board": 403, "leader": 403}),
    ("scoring:table-import", "get", lambda s: Y, {"board": 403}),
    ("scoring:table-copy", "post", lambda s: Y, {"board": 403}),
    ("scoring:criterion-delete", "post", lambda s: {**Y, "pk": s.c["III.1"].pk}, {"board": 403}),
    ("scoring:my-sheet", "post", lambda s: Y, {"deputy": 403}),
    ("scoring:review-sheet", "post", member_unit, {"leader": 403}),
    ("scoring:review-return", "post", member_unit, {"leader": 403}),
    ("scoring:review-finalize", "post", member_unit, {"leader": 403}),
    ("scoring:ranking-publish", "post", lambda s: Y, {"leader": 403}),
    # ... but it is still read by those who could read it.
    ("scoring:table", "get", lambda s: Y, {"board": 200, "member": 200}),
    ("scoring:my-sheet", "get", lambda s: Y, {"deputy": 200, "member": 200}),
    ("scoring:review-sheet", "get", member_unit, {"leader": 200, "member": 200}),
    ("scoring:ranking", "get", lambda s: Y, {"board": 200, "leader": 200}),
]


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "role", "expected"),
    [
        pytest.param(name, method, kwargs, role, expected, id=f"{name}-{method}-{role}-{expected}")
        for name, method, kwargs, table in CLOSED_CASES
        for role, expected in table.items()
    ],
)
def test_closed_year(closed_site, client_as, name, method, kwargs, role, expected):
    path = reverse(name, kwargs=kwargs(closed_site))
    payload = WRITES[name][1](closed_site) if method == "post" and name in WRITES else {}
    before = db_state()

    response = getattr(client_as(closed_site.user(role)), method)(path, payload)

    assert response.status_code == expected
    assert db_state() == before


# --- writes by the roles that may not: refused, and the database is left exactly as it was ---------------


def db_state() -> dict[str, list[dict]]:
    models = (
        CriteriaTable,
        Criterion,
        Sheet,
        SheetVersion,
        Score,
        ScoreChange,
        Evidence,
        AuditLog,
        Notification,
    )
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}


def xlsx_upload() -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(["Mã", "Tên tiêu chí", "Điểm tối đa"])
    ws.append(["I", "Nhiệm vụ chuyên môn", 100])
    ws.append(["I.1", "Chỉ tiêu được giao", 100])
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("bang-tieu-chi.xlsx", out.getvalue())


def criterion_payload(s, **values) -> dict:
    data = {
        "parent": str(s.c["II"].pk),
        "code": "II.2",
        "title": "Công đoàn, Đoàn Thanh niên vững mạnh",
        "guidance": "",
        "max_points": "0",
        "kind": "standard",
        "order": "50",
    }
    return {**data, **values}


def review_payload(s, sheet: Sheet) -> dict:
    """The review form as the reviewer sends it: the unit's points everywhere, I.1 lowered with a reason."""
    scores = {x.criterion.code: x.self_points for x in Score.objects.filter(sheet=sheet)}
    data = {"version": str(Sheet.objects.get(pk=sheet.pk).version)}
    for code in ("I.1", "I.2", "II.1", "III.1", "IV.1"):
        value = scores.get(code)
        data[f"reviewed_{s.c[code].pk}"] = "" if value is None else str(value)
        data[f"reason_{s.c[code].pk}"] = ""
    data[f"reviewed_{s.c['I.1'].pk}"] = "15"
    data[f"reason_{s.c['I.1'].pk}"] = "Còn 02 chỉ tiêu chưa đạt."
    return data


def sheet_payload(s) -> dict:
    version = Sheet.objects.get(pk=s.deputy_sheet.pk).version
    return {
        "version": str(version),
        "action": "save",
        f"points_{s.c['I.1'].pk}": "0",
        f"points_{s.c['I.2'].pk}": "35,5",
        f"points_{s.c['II.1'].pk}": "30",
    }


def finalize_all(s) -> None:
    services.sheet_finalize(sheet=s.member_sheet, by=s.leader)
    services.sheet_finalize(sheet=s.leader_sheet, by=s.deputy)


# name -> (kwargs, payload, roles whose write goes through, preparation)
WRITES = {
    "scoring:criterion-create": (lambda s: Y, criterion_payload, ("board",), None),
    "scoring:criterion-edit": (
        lambda s: {**Y, "pk": s.c["II.1"].pk},
        lambda s: criterion_payload(s, code="II.1", title="Tổ chức Đảng vững mạnh", max_points="40"),
        ("board",),
        None,
    ),
    "scoring:criterion-delete": (lambda s: {**Y, "pk": s.c["III.1"].pk}, lambda s: {}, ("board",), None),
    # Allowed for the board, but the site's table has scores: the allowed copy and import are in test_views.
    "scoring:table-copy": (lambda s: Y, lambda s: {}, (), None),
    "scoring:table-import": (lambda s: Y, lambda s: {"file": xlsx_upload()}, (), None),
    # The deputy's sheet is a draft; the member's and the leader's were sent (read-only for their units).
    "scoring:my-sheet": (lambda s: Y, sheet_payload, ("deputy",), None),
    "scoring:my-sheet-totals": (lambda s: Y, sheet_payload, (), None),
    "scoring:review-sheet": (member_unit, lambda s: review_payload(s, s.member_sheet), ("leader",), None),
    "scoring:review-sheet-totals": (member_unit, lambda s: review_payload(s, s.member_sheet), (), None),
    "scoring:review-return": (member_unit, lambda s: {"note": "Bổ sung minh chứng I.1."}, ("leader",), None),
    "scoring:review-finalize": (member_unit, lambda s: {}, ("leader",), None),
    "scoring:ranking-publish": (lambda s: Y, lambda s: {}, ("leader",), finalize_all),
}

READS_BY_POST = ("scoring:my-sheet-totals", "scoring:review-sheet-totals")  # they compute, they save nothing
SCORED_TABLE = ("scoring:table-copy", "scoring:table-import")  # the board's write is turned back: scores exist


def refused(name: str, role: str) -> bool:
    if name in READS_BY_POST:
        return URLS[name][2][role] != 200
    if name in SCORED_TABLE:
        return role != "board"
    return role not in WRITES[name][2]


REFUSED_WRITES = [
    pytest.param(name, role, id=f"{name}-{role}") for name in WRITES for role in ROLES if refused(name, role)
]


def refusal(name: str, role: str) -> object:
    """A refused write gets what a refused read of the URL gets (404 to who may not know the object), and 403
    where the role may read the page but not write (a sent sheet, a frozen table)."""
    if role == "anonymous":
        return LOGIN
    read = URLS[name][2][role]
    return read if read in (403, 404) else 403


@pytest.mark.parametrize(("name", "role"), REFUSED_WRITES)
def test_write_refused_changes_nothing(site, client_as, name, role):
    kwargs, payload, _allowed, prepare = WRITES[name]
    if prepare:
        prepare(site)
    path = reverse(name, kwargs=kwargs(site))
    before = db_state()

    response = client_as(site.user(role)).post(path, payload(site))

    check_outcome(response, refusal(name, role), path)
    assert db_state() == before


ALLOWED_WRITES = [
    pytest.param(name, role, id=f"{name}-{role}")
    for name, (_kwargs, _payload, allowed, _prepare) in WRITES.items()
    for role in allowed
]


@pytest.mark.parametrize(("name", "role"), ALLOWED_WRITES)
def test_write_allowed_changes_the_database(site, client_as, name, role):
    """The payloads above are valid: the roles that may get a redirect and one more audit row."""
    kwargs, payload, _allowed, prepare = WRITES[name]
    if prepare:
        prepare(site)
    path = reverse(name, kwargs=kwargs(site))
    audit_rows = AuditLog.objects.count()

    response = client_as(site.user(role)).post(path, payload(site))

    assert response.status_code == 302, response.context and [
        f.errors for f in (response.context.get("form"), response.context.get("review_form")) if f
    ]
    assert AuditLog.objects.count() > audit_rows


# --- a refused request must not leave a table behind ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "role", "expected"),
    [
        ("scoring:criterion-create", "get", "member", 403),
        ("scoring:table-import", "get", "outsider", 404),
        ("scoring:table-copy", "post", "deputy", 403),
        ("scoring:table-import", "post", "other_board", 404),
    ],
)
def test_a_refused_request_on_a_year_without_a_table_creates_nothing(world, client_as, name, method, role, expected):
    path = reverse(name, kwargs=Y)

    response = getattr(client_as(world.user(role)), method)(path)

    assert response.status_code == expected
    assert CriteriaTable.objects.count() == 0
