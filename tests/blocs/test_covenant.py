"""The emulation covenant: registrations (save, stale version, send, every version kept), issue (refused while a
unit has not sent, numbered from the register, frozen after), every URL for every role, the form's bad input,
the document rendered to PDF and DOCX, the demo data, and the page's query count at two sizes."""

import datetime
import io
import unicodedata

import pdfplumber
import pytest
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from blocs import covenant as services
from blocs import demo as blocs_demo
from blocs.covenant_demo import seed_covenant_demo
from blocs.covenant_documents import covenant_document
from blocs.enums import Phase
from blocs.models import (
    Covenant,
    CovenantRegistration,
    CovenantRegistrationVersion,
    EmulationYear,
    RegisterEntry,
)
from blocs.services import year_open_next
from core.documents import render_docx, render_html, render_pdf
from core.models import AuditLog, Notification, RenderedDocument, User
from tests.conftest import ROLES
from tests.factories import MembershipFactory, UnitFactory, officer_of

MM = 72 / 25.4
LOGIN = "login"
BACK = "back"
Y = {"slug": "ktdnc", "year": 2020}
PAGE = reverse("blocs:covenant", kwargs=Y)
REGISTRATION = reverse("blocs:covenant-registration", kwargs=Y)
EDIT = reverse("blocs:covenant-edit", kwargs=Y)
ISSUE = reverse("blocs:covenant-issue", kwargs=Y)
VIEWERS = ("board", "leader", "deputy", "member")
OFFICERS = ("leader", "deputy", "member")
# Who may not even know the year exists (core.permissions.hidden_unless): a unit outside it, another province's
# board, the system administrator. Whatever they ask of the year's covenant, the answer is the 404 of a year that
# does not exist; the year's own people are refused with 403.
STRANGERS = ("outsider", "other_board", "admin")
TARGETS = "Hoàn thành xuất sắc 100% nhiệm vụ chính trị được giao\n\n- Không có cán bộ vi phạm kỷ luật\n"


def vi(msgid: str) -> str:
    """The Vietnamese wording of a message (the msgid itself until the translation lands)."""
    with translation.override("vi"):
        return gettext(msgid)


def shows(response, message: str) -> bool:
    return escape(message) in response.content.decode()


def refusal(role: str) -> type[Exception]:
    """How a service refuses a role something of the year: not found to those who may not know it exists."""
    return Http404 if role in STRANGERS else PermissionDenied


def fresh(year: EmulationYear) -> EmulationYear:
    """The year as a new request loads it (nothing cached on it)."""
    return EmulationYear.objects.select_related("bloc__province", "leader", "deputy").get(pk=year.pk)


def save(world, user, unit, *, targets=TARGETS, expected=None, **fields) -> CovenantRegistration:
    registration = services.registration_for(fresh(world.year), unit)
    values = {
        "titles": "Tập thể lao động xuất sắc",
        "signatory_name": "Nguyễn Văn An",
        "signatory_position": "Giám đốc",
    }
    return services.registration_save(
        registration=registration,
        targets=targets,
        expected_version=registration.version if expected is None else expected,
        by=user,
        **{**values, **fields},
    )


def send(world, user, unit, **fields) -> CovenantRegistrationVersion:
    registration = save(world, user, unit, **fields)
    return services.registration_send(registration=registration, expected_version=registration.version, by=user)


def officers(world) -> list[tuple[User, object]]:
    return [(world.leader, world.leader_unit), (world.deputy, world.deputy_unit), (world.member, world.member_unit)]


def send_all(world) -> None:
    for user, unit in officers(world):
        send(world, user, unit, signatory_name=f"Trưởng {unit.short_name}")


def db_state() -> dict:
    models = (CovenantRegistration, CovenantRegistrationVersion, Covenant, RegisterEntry, RenderedDocument)
    state = {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}
    state["audit"] = AuditLog.objects.count()
    return state


# --- services: a unit's registration -----------------------------------------------------------------------


def test_save_creates_then_updates_the_registration(world):
    created = save(world, world.member, world.member_unit)

    assert (created.target_list, created.version, created.is_sent) == (
        ["Hoàn thành xuất sắc 100% nhiệm vụ chính trị được giao", "Không có cán bộ vi phạm kỷ luật"],
        1,
        False,
    )
    updated = save(world, world.member, world.member_unit, targets="Chỉ tiêu mới", expected=1)

    assert (updated.pk, updated.targets, updated.version, updated.updated_by) == (
        created.pk,
        "Chỉ tiêu mới",
        2,
        world.member,
    )
    assert list(
        AuditLog.objects.filter(action="blocs.covenant.registration_saved")
        .order_by("pk")
        .values_list("data", flat=True)
    ) == [
        {"version": 1},
        {"version": 2},
    ]


@pytest.mark.parametrize("targets", ["", "   \n\n", "-\n•  \n"])
def test_an_empty_list_of_targets_is_refused(world, targets):
    with pytest.raises(ValidationError) as refused:
        save(world, world.member, world.member_unit, targets=targets)

    assert refused.value.message_dict == {"targets": [vi("Write at least one target, one per line.")]}
    assert CovenantRegistration.objects.count() == 0


def test_a_stale_version_is_refused_and_nothing_changes(world):
    save(world, world.member, world.member_unit)
    save(world, world.member, world.member_unit, targets="Bản của người thứ nhất", expected=1)
    before = db_state()

    with pytest.raises(services.StaleRegistration):
        save(world, world.member, world.member_unit, targets="Bản của người thứ hai", expected=1)

    assert db_state() == before


def test_every_version_sent_is_kept_and_the_covenant_reads_the_last(world):
    first = send(world, world.member, world.member_unit, targets="Chỉ tiêu A")
    second = send(world, world.member, world.member_unit, targets="Chỉ tiêu A\nChỉ tiêu B", expected=1)
    draft = save(world, world.member, world.member_unit, targets="Chỉ tiêu C", expected=2)

    kept = [(v.number, v.targets, v.sent_by) for v in draft.versions.order_by("number")]
    assert kept == [(1, ["Chỉ tiêu A"], world.member), (2, ["Chỉ tiêu A", "Chỉ tiêu B"], world.member)]
    assert (first.number, second.number) == (1, 2)
    assert (draft.is_sent, draft.has_unsent_changes) == (True, True)
    assert services.last_sent_versions(world.year)[world.member_unit.pk].targets == ["Chỉ tiêu A", "Chỉ tiêu B"]


def test_sending_needs_titles_and_a_signatory(world):
    registration = save(world, world.member, world.member_unit, titles="", signatory_name="", signatory_position="")

    with pytest.raises(ValidationError) as refused:
        services.registration_send(registration=registration, expected_version=1, by=world.member)

    assert refused.value.message_dict == {
        "titles": [vi("Write the emulation titles and awards the unit registers for.")],
        "signatory_name": [vi("Write the full name of the head who signs for the unit.")],
        "signatory_position": [vi("Write the position of the head who signs for the unit.")],
    }
    assert CovenantRegistrationVersion.objects.count() == 0


def test_sending_again_without_a_change_is_refused(world):
    send(world, world.member, world.member_unit)
    unchanged = save(world, world.member, world.member_unit, expected=1)  # the same text: no new edit version

    with pytest.raises(ValidationError) as refused:
        services.registration_send(registration=unchanged, expected_version=1, by=world.member)

    assert refused.value.messages == [vi("This version was already sent; nothing has changed since.")]
    assert CovenantRegistrationVersion.objects.count() == 1


def test_sending_tells_the_leader_unit(world):
    send(world, world.member, world.member_unit)

    assert list(Notification.objects.values_list("recipient", "link")) == [
        (world.leader.pk, "/blocs/ktdnc/years/2020/covenant/")
    ]


@pytest.mark.parametrize("role", ["board", "outsider", "other_board", "admin", "leader"])
def test_only_the_units_own_officers_register_for_it(world, role):
    with pytest.raises(refusal(role)):
        save(world, world.user(role), world.member_unit)


def test_a_closed_year_takes_no_registration(world):
    EmulationYear.objects.filter(pk=world.year.pk).update(phase=Phase.CLOSED)

    with pytest.raises(PermissionDenied):
        save(world, world.member, world.member_unit)


# --- services: the covenant ---------------------------------------------------------------------------------


def test_issue_is_refused_while_units_have_not_sent_naming_them(world):
    send(world, world.leader, world.leader_unit)
    save(world, world.member, world.member_unit)  # saved, not sent
    before = db_state()

    with pytest.raises(ValidationError) as refused:
        services.covenant_issue(covenant=services.covenant_for(fresh(world.year)), by=world.leader)

    missing = ", ".join(u.short_name for u in sorted([world.deputy_unit, world.member_unit], key=lambda u: u.name))
    message = vi("The covenant cannot be issued yet: %(units)s have not sent their registration.") % {"units": missing}
    assert refused.value.messages == [message]
    assert db_state() == before


def test_issue_numbers_from_the_register_freezes_and_tells_every_unit(world):
    send_all(world)
    RegisterEntry.objects.create(bloc=world.bloc, year=2020, doc_type="GƯTĐ", number=1, title="Bản giao ước khác")
    covenant = services.covenant_save(
        covenant=services.covenant_for(fresh(world.year)),
        place="Tuyên Quang",
        issued_on=datetime.date(2020, 11, 10),
        preamble="Căn cứ Quy chế của Khối;",
        closing="",
        expected_version=0,
        by=world.leader,
    )

    issued = services.covenant_issue(covenant=covenant, by=world.leader)

    assert (issued.number, issued.number_text, issued.is_issued, issued.issued_by) == (
        2,
        "02/GƯTĐ-KTĐNC",
        True,
        world.leader,
    )
    assert list(RegisterEntry.objects.filter(doc_type="GƯTĐ").values_list("number", "title")) == [
        (2, "Bản giao ước thi đua năm 2020"),
        (1, "Bản giao ước khác"),
    ]
    notified = Notification.objects.filter(dedupe_key__startswith=f"covenant-issued:{issued.pk}:")
    assert sorted(notified.values_list("recipient", flat=True)) == sorted(u.pk for u, _unit in officers(world))


def test_a_number_already_in_the_register_is_refused(world):
    send_all(world)
    covenant = services.covenant_for(fresh(world.year))  # dated today: the register of this calendar year
    RegisterEntry.objects.create(
        bloc=world.bloc, year=covenant.issued_on.year, doc_type="GƯTĐ", number=5, title="Bản khác"
    )

    with pytest.raises(ValidationError) as refused:
        services.covenant_issue(covenant=covenant, number=5, by=world.leader)

    assert "number" in refused.value.message_dict
    assert not Covenant.objects.filter(issued_at__isnull=False).exists()


def test_after_issue_nothing_changes(world):
    send_all(world)
    stale_year = fresh(world.year)
    services.covenant_for(stale_year)  # this object now believes the year has no issued covenant
    issued = services.covenant_issue(covenant=services.covenant_for(fresh(world.year)), by=world.leader)
    before = db_state()

    with pytest.raises(PermissionDenied):  # the rule: no registration once the covenant is issued
        save(world, world.member, world.member_unit, targets="Sửa sau khi ban hành", expected=1)
    stale = CovenantRegistration.objects.get(unit=world.member_unit)
    stale.year = stale_year  # an out-of-date year object still meets the service's own check
    with pytest.raises(ValidationError):
        services.registration_save(
            registration=stale,
            targets="Sửa sau khi ban hành",
            titles="",
            signatory_name="",
            signatory_position="",
            expected_version=1,
            by=world.member,
        )
    with pytest.raises(ValidationError):
        services.covenant_save(
            covenant=issued,
            place="Hà Nội",
            issued_on=datetime.date(2020, 12, 1),
            preamble="Khác",
            closing="",
            expected_version=issued.version,
            by=world.leader,
        )
    with pytest.raises(ValidationError):
        services.covenant_issue(covenant=Covenant.objects.get(), by=world.leader)

    assert db_state() == before


@pytest.mark.parametrize("role", ["board", "deputy", "member", "outsider", "admin"])
def test_only_the_leader_unit_issues(world, role):
    send_all(world)

    with pytest.raises(refusal(role)):
        services.covenant_issue(covenant=services.covenant_for(fresh(world.year)), by=world.user(role))


def test_a_stale_covenant_draft_is_refused(world):
    covenant = services.covenant_for(fresh(world.year))
    args = {"place": "Tuyên Quang", "issued_on": datetime.date(2020, 11, 10), "closing": "", "by": world.leader}
    services.covenant_save(covenant=covenant, preamble="Một", expected_version=0, **args)
    services.covenant_save(covenant=Covenant.objects.get(), preamble="Hai", expected_version=1, **args)

    with pytest.raises(services.StaleCovenant):
        services.covenant_save(covenant=Covenant.objects.get(), preamble="Ba", expected_version=1, **args)

    assert Covenant.objects.get().preamble == "Hai"


# --- every URL for every role --------------------------------------------------------------------------------


def statuses(*, ok=(), ok_status=200, others=403) -> dict[str, object]:
    """Expected outcome per role for a URL of the year: `ok` roles get `ok_status`, the roles outside the year 404,
    the year's other people `others`."""

    def outcome(role: str) -> object:
        if role == "anonymous":
            return LOGIN
        if role in ok:
            return ok_status
        return 404 if role in STRANGERS else others

    return {role: outcome(role) for role in ROLES}


@pytest.fixture
def draft(world) -> Covenant:
    """A saved draft; the member unit has sent its registration, the others have not."""
    send(world, world.member, world.member_unit)
    return services.covenant_save(
        covenant=services.covenant_for(fresh(world.year)),
        place="Tuyên Quang",
        issued_on=datetime.date(2020, 11, 10),
        preamble="Căn cứ Quy chế của Khối;",
        closing="",
        expected_version=0,
        by=world.leader,
    )


@pytest.fixture
def issued(world, draft) -> Covenant:
    for user, unit in officers(world)[:2]:
        send(world, user, unit)
    return services.covenant_issue(covenant=Covenant.objects.get(), by=world.leader)


def registration_data(world, role=None):
    """A valid save of the user's own unit's registration, at the version stored now."""
    unit = world.user(role).person.unit if role in OFFICERS else None
    stored = CovenantRegistration.objects.filter(unit=unit).values_list("version", flat=True).first() if unit else 0
    return {
        "targets": "Chỉ tiêu mới",
        "titles": "Tập thể lao động xuất sắc",
        "signatory_name": "Lê Văn Bình",
        "signatory_position": "Giám đốc",
        "version": str(stored or 0),
        "action": "save",
    }


def edit_data(world, role=None):
    return {"place": "Tuyên Quang", "issued_on": "12/11/2020", "preamble": "Căn cứ …", "closing": "", "version": "1"}


# name -> (method, kwargs, POST data, outcome per role with a draft, outcome per role once issued)
URLS = {
    "blocs:covenant": ("get", Y, None, statuses(ok=VIEWERS), statuses(ok=VIEWERS)),
    # the member may change its own registration; the others see their (empty) form; once issued, read-only
    "blocs:covenant-registration": ("get", Y, None, statuses(ok=OFFICERS), statuses(ok=OFFICERS)),
    "blocs:covenant-registration-post": (
        "post",
        Y,
        registration_data,
        statuses(ok=OFFICERS, ok_status=BACK),
        statuses(),
    ),
    "blocs:covenant-edit": ("get", Y, None, statuses(ok=("leader",)), statuses(ok=("leader",), ok_status=BACK)),
    "blocs:covenant-edit-post": (
        "post",
        Y,
        edit_data,
        statuses(ok=("leader",), ok_status=BACK),
        statuses(ok=("leader",), ok_status=BACK),  # turned back with "issued, can no longer change"
    ),
    # with a draft, two units have not sent: the leader sees the page again with their names
    "blocs:covenant-issue": (
        "post",
        Y,
        lambda w, r: {"number": ""},
        statuses(ok=("leader",)),
        statuses(ok=("leader",), ok_status=BACK),
    ),
    "blocs:covenant-preview": ("get", Y, None, statuses(ok=("leader",)), statuses(ok=VIEWERS)),
    "blocs:covenant-render": (
        "post",
        {**Y, "fmt": "docx"},
        None,
        statuses(ok=("leader",), ok_status=BACK),
        statuses(ok=VIEWERS, ok_status=BACK),
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


def _cases(index: int):
    return [
        pytest.param(name, role, expected, id=f"{name}-{role}-{expected}")
        for name, spec in URLS.items()
        for role, expected in spec[index].items()
    ]


def _request(world, client_as, name, role):
    method, kwargs, data, _draft, _issued = URLS[name]
    path = reverse(name.removesuffix("-post"), kwargs=kwargs)
    response = getattr(client_as(world.user(role)), method)(path, data(world, role) if data else {})
    return response, path, method


@pytest.mark.parametrize(("name", "role", "expected"), _cases(3))
def test_url_by_role_with_a_draft(world, draft, client_as, name, role, expected):
    before = db_state()

    response, path, method = _request(world, client_as, name, role)

    check_outcome(response, expected, path)
    if method == "post" and expected != BACK:
        assert db_state() == before


@pytest.mark.parametrize(("name", "role", "expected"), _cases(4))
def test_url_by_role_once_issued(world, issued, client_as, name, role, expected):
    before = db_state()

    response, path, method = _request(world, client_as, name, role)

    check_outcome(response, expected, path)
    if method == "post" and "render" not in name:
        assert db_state() == before  # nothing of an issued covenant changes


def test_every_covenant_url_has_a_row():
    import blocs.urls.covenant

    assert {f"blocs:{p.name}" for p in blocs.urls.covenant.urlpatterns} == {n.removesuffix("-post") for n in URLS}


@pytest.mark.parametrize("name", ["blocs:covenant-issue", "blocs:covenant-render"])
@pytest.mark.parametrize("role", OFFICERS)
def test_post_only_urls_refuse_get(world, draft, client_as, name, role):
    kwargs = {**Y, "fmt": "pdf"} if name.endswith("render") else Y

    assert client_as(world.user(role)).get(reverse(name, kwargs=kwargs)).status_code == 405


def test_a_unit_outside_the_year_cannot_register(world, client_as):
    """A member of the bloc from 2021 on is not told the 2020 year exists."""
    unit = UnitFactory(province=world.bloc.province)
    MembershipFactory(bloc=world.bloc, unit=unit, start_year=2021)

    assert client_as(officer_of(unit)).get(REGISTRATION).status_code == 404


# --- the pages ------------------------------------------------------------------------------------------------


def test_the_page_shows_who_has_sent_and_what(world, draft, client_as):
    response = client_as(world.deputy).get(PAGE)

    assert [(row["unit"], bool(row["sent"])) for row in response.context["rows"]] == sorted(
        [(world.leader_unit, False), (world.deputy_unit, False), (world.member_unit, True)], key=lambda r: r[0].name
    )
    assert shows(response, "Không có cán bộ vi phạm kỷ luật")
    assert response.context["issue_form"] is None
    assert reverse("blocs:covenant-registration", kwargs=Y) in response.content.decode()


def test_the_year_page_links_to_the_covenant(world, client_as):
    response = client_as(world.member).get(reverse("blocs:year-detail", kwargs=Y))

    assert f'href="{PAGE}"' in response.content.decode()


def test_the_leader_is_told_which_units_are_missing(world, draft, client_as):
    client = client_as(world.leader)

    response = client.post(ISSUE, {"number": ""})

    missing = ", ".join(u.short_name for u in sorted([world.deputy_unit, world.leader_unit], key=lambda u: u.name))
    message = vi("The covenant cannot be issued yet: %(units)s have not sent their registration.") % {"units": missing}
    assert response.status_code == 200
    assert shows(response, message)


def test_the_leader_issues_through_the_page(world, draft, client_as):
    for user, unit in officers(world)[:2]:
        send(world, user, unit)

    response = client_as(world.leader).post(ISSUE, {"number": ""})

    assert (response.status_code, response.url) == (302, PAGE)
    assert Covenant.objects.get().number_text == "01/GƯTĐ-KTĐNC"


def test_send_through_the_form(world, client_as):
    client = client_as(world.member)
    data = {**registration_data(world), "version": "0", "action": "send"}

    response = client.post(REGISTRATION, data)

    assert (response.status_code, response.url) == (302, REGISTRATION)
    registration = CovenantRegistration.objects.get()
    assert (registration.unit, registration.is_sent, registration.versions.count()) == (world.member_unit, True, 1)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"targets": "  \n "}, "Write at least one target, one per line."),
        ({"signatory_name": ""}, "Write the full name of the head who signs for the unit."),
        ({"targets": "", "titles": " "}, "Write the emulation titles and awards the unit registers for."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_kept(world, client_as, bad, message):
    client = client_as(world.member)
    data = {**registration_data(world), "version": "0", "action": "send", **bad}
    before = db_state()

    response = client.post(REGISTRATION, data)

    assert response.status_code == 200
    assert shows(response, vi(message))
    assert shows(response, vi("Please correct the fields marked below; nothing was saved yet."))
    assert db_state() == before  # "Send" saves and sends, or does neither
    form = response.context["form"]
    assert {k: form[k].value() for k in data if k != "action"} == {k: v for k, v in data.items() if k != "action"}
    if not data["targets"].strip():  # an empty list is named with the other missing parts, all at once
        assert form.errors["targets"] == [vi("Write at least one target, one per line.")]


def test_a_stale_form_keeps_the_input_and_says_so(world, client_as):
    save(world, world.member, world.member_unit)
    client = client_as(world.member)
    data = {**registration_data(world), "version": "1"}
    save(world, world.member, world.member_unit, targets="Một người khác đã lưu", expected=1)  # version 2 now

    response = client.post(REGISTRATION, data)

    assert response.status_code == 200
    assert shows(
        response,
        vi(
            "Someone else saved this registration after you opened it; your input is kept below: save again to keep it."
        ),
    )
    form = response.context["form"]
    assert (form["targets"].value(), form["version"].value()) == ("Chỉ tiêu mới", "2")
    assert client.post(REGISTRATION, form.data).status_code == 302  # saving again, knowingly, overwrites
    assert CovenantRegistration.objects.get().targets == "Chỉ tiêu mới"


def test_the_leader_edits_the_draft(world, client_as):
    response = client_as(world.leader).post(EDIT, {**edit_data(world), "version": "0"})

    assert (response.status_code, response.url) == (302, PAGE)
    covenant = Covenant.objects.get()
    assert (covenant.issued_on, covenant.preamble, covenant.version) == (datetime.date(2020, 11, 12), "Căn cứ …", 1)


def test_an_empty_preamble_is_refused(world, client_as):
    response = client_as(world.leader).post(EDIT, {**edit_data(world), "preamble": " ", "version": "0"})

    assert response.status_code == 200
    assert shows(response, vi("Write the preamble of the covenant."))
    assert Covenant.objects.count() == 0


def test_rendering_a_file_queues_it(world, draft, client_as):
    response = client_as(world.leader).post(reverse("blocs:covenant-render", kwargs={**Y, "fmt": "pdf"}))

    assert response.status_code == 302
    assert list(RenderedDocument.objects.values_list("kind", "object_id", "format")) == [
        ("blocs.covenant", str(draft.pk), "pdf")
    ]


def test_once_issued_the_page_lists_only_files_of_the_issued_text(world, draft, client_as):
    leader = client_as(world.leader)
    leader.post(reverse("blocs:covenant-render", kwargs={**Y, "fmt": "pdf"}))  # a file of the draft
    for user, unit in officers(world)[:2]:
        send(world, user, unit)
    issued = services.covenant_issue(covenant=Covenant.objects.get(), by=world.leader)
    client_as(world.member).post(reverse("blocs:covenant-render", kwargs={**Y, "fmt": "pdf"}))

    response = client_as(world.member).get(PAGE)

    assert [d.object_version for d in response.context["documents"]] == [issued.version]
    assert RenderedDocument.objects.count() == 2


# --- query counts: one literal budget for two sizes ---------------------------------------------------------


def add_members(world, n: int) -> list:
    added = []
    for _ in range(n):
        unit = UnitFactory(province=world.bloc.province)
        MembershipFactory(bloc=world.bloc, unit=unit, start_year=2019)
        added.append((officer_of(unit), unit))
    return added


@pytest.mark.parametrize("n", [3, 15])
def test_covenant_page_queries(world, client_as, django_assert_max_num_queries, n):
    for user, unit in [*officers(world), *add_members(world, n - 3)]:
        send(world, user, unit)
        send(world, user, unit, targets="Chỉ tiêu đã sửa", expected=1)  # two versions each
    draft = services.covenant_save(
        covenant=services.covenant_for(fresh(world.year)),
        place="Tuyên Quang",
        issued_on=datetime.date(2020, 11, 10),
        preamble="Căn cứ;",
        closing="",
        expected_version=0,
        by=world.leader,
    )
    client = client_as(world.leader)
    for fmt in ("pdf", "docx"):
        client.post(reverse("blocs:covenant-render", kwargs={**Y, "fmt": fmt}))

    with django_assert_max_num_queries(13):
        response = client.get(PAGE)

    assert response.context["sent_count"] == n
    assert len(response.context["documents"]) == 2
    assert response.context["covenant"] == draft


# --- the demo data ----------------------------------------------------------------------------------------------


def test_demo_registrations_are_idempotent_and_issuable(world):
    def content():
        return {
            k: [{f: v for f, v in row.items() if f != "updated_at"} for row in rows]
            for k, rows in db_state().items()
            if k != "audit"
        }

    seed_covenant_demo(world.year)
    first = content()

    seed_covenant_demo(world.year)

    assert content() == first
    sent = services.last_sent_versions(world.year)
    assert sorted(sent) == sorted(u.pk for _user, u in officers(world))
    assert all(
        v.number == 1 and v.targets[0] == "Hoàn thành xuất sắc 100% nhiệm vụ chính trị được giao" for v in sent.values()
    )
    issued = services.covenant_issue(covenant=services.covenant_for(fresh(world.year)), by=world.leader)
    assert issued.is_issued


# --- the document ------------------------------------------------------------------------------------------------

_RENDERED: dict = {}


@pytest.fixture
def covenant_files(db):
    """The demo bloc's 2021 covenant (Công an tỉnh leads), rendered once for the module's tests."""
    if not _RENDERED:
        blocs_demo.seed()
        board = User.objects.get(username="bantdkt")
        year_2021 = year_open_next(current=EmulationYear.objects.get(bloc__slug="ktdnc", year=2020), by=board)
        seed_covenant_demo(year_2021)
        covenant = services.covenant_for(fresh(year_2021))
        covenant = services.covenant_save(
            covenant=covenant,
            place=covenant.place,
            issued_on=datetime.date(2020, 11, 10),
            preamble=covenant.preamble,
            closing=covenant.closing,
            expected_version=0,
            by=User.objects.get(username="congan"),
        )
        covenant = services.covenant_issue(covenant=covenant, by=User.objects.get(username="congan"))
        document = covenant_document(Covenant.objects.select_related("year__bloc__province", "year__leader").get())
        pdf = render_pdf(document)
        pages = [
            {"width": p.width, "height": p.height, "chars": p.chars, "text": p.extract_text() or "", "page": p}
            for p in pdfplumber.open(io.BytesIO(pdf)).pages
        ]
        _RENDERED.update(pdf=pdf, pages=pages, docx=render_docx(document), html=render_html(document), doc=document)
    return _RENDERED


def text_of(files) -> str:
    return " ".join(unicodedata.normalize("NFC", "\n".join(p["text"] for p in files["pages"])).split())


def test_every_page_is_a4_in_the_bundled_font(covenant_files):
    pages = covenant_files["pages"]
    assert [(round(p["width"] / MM), round(p["height"] / MM)) for p in pages] == [(210, 297)] * len(pages)
    fonts = {c["fontname"].split("+")[-1] for p in pages for c in p["chars"]}
    assert fonts <= {"DocSerif", "DocSerif-Bold", "DocSerif-Italic", "DocSerif-Bold-Italic"}, fonts


def test_the_covenant_states_its_facts(covenant_files):
    text = text_of(covenant_files)
    for fact in (
        "UBND TỈNH TUYÊN QUANG",
        "KHỐI THI ĐUA NỘI CHÍNH",
        "Số: 01/GƯTĐ-KTĐNC",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tuyên Quang, ngày 10 tháng 11 năm 2020",
        "BẢN GIAO ƯỚC THI ĐUA NĂM 2021",
        "Căn cứ Quy chế tổ chức và hoạt động của Khối thi đua Nội chính tỉnh Tuyên Quang;",
        "1. Ban Nội chính Tỉnh ủy Tuyên Quang",
        "Công an tỉnh Tuyên Quang (Đơn vị Trưởng khối)",
        "- Hoàn thành xuất sắc 100% nhiệm vụ chính trị được giao;",
        "- Không có cán bộ, công chức vi phạm pháp luật, vi phạm kỷ luật",
        "Đăng ký danh hiệu thi đua, hình thức khen thưởng: Tập thể lao động xuất sắc; Cờ thi đua của Ủy ban",
        "ĐẠI DIỆN THANH TRA TỈNH TUYÊN QUANG",
        "CHÁNH THANH TRA",
        "Nguyễn Văn Bình",
        "TM. KHỐI THI ĐUA",
        "TRƯỞNG KHỐI",
        "Trần Quốc Khánh",
        "Nơi nhận:",
    ):
        assert fact in text, fact
    assert "ĐẠI DIỆN CÔNG AN TỈNH" not in text  # the leader's head signs once, as Trưởng khối


def test_the_leader_signs_bottom_right_after_every_unit(covenant_files):
    last = covenant_files["pages"][-1]
    signature = last["page"].search("TM. KHỐI THI ĐUA")[0]
    assert signature["x0"] > last["width"] / 2
    units = [c for p in covenant_files["pages"] for c in p["page"].search("ĐẠI DIỆN")]
    assert len(units) == 1 + 7  # the heading, and the seven units other than the leader


def test_docx_and_preview_come_from_the_same_structure(covenant_files):
    from docx import Document

    word = Document(io.BytesIO(covenant_files["docx"]))
    header = [cell.text for cell in word.tables[0].rows[0].cells]
    assert "KHỐI THI ĐUA NỘI CHÍNH" in header[0] and "Số: 01/GƯTĐ-KTĐNC" in header[0]
    body = [p.text for p in word.paragraphs]
    assert "BẢN GIAO ƯỚC THI ĐUA NĂM 2021" in body
    assert "Trần Quốc Khánh" in word.tables[1].rows[0].cells[1].text
    html = covenant_files["html"]
    assert "<style" not in html and "<script" not in html
    assert "BẢN GIAO ƯỚC THI ĐUA NĂM 2021" in html


def test_issuer_name_drops_the_province(world):
    assert world.bloc.issuer_name == "KHỐI THI ĐUA NỘI CHÍNH"
