"""The conference pages: every URL for every role, the editor's bad input (a clear message, nothing saved),
issuing and versions through the pages, the framed preview, delegates, and query counts at two sizes."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth.views import redirect_to_login
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from blocs.enums import DeadlineKind
from blocs.models import Deadline, RegisterEntry
from conference import demo
from conference.enums import PlanStatus
from conference.models import ConferencePlan, Delegate, PlanContribution, PlanTask
from conference.services import plan as services
from core.models import AuditLog, RenderedDocument
from tests.conftest import ROLES
from tests.factories import DeadlineFactory, MembershipFactory, UnitFactory, officer_of

LOGIN = "login"  # anonymous: 302 to the login page with ?next=
BACK = "back"  # 302 elsewhere: a write that went through (or was turned back with a message)
Y = {"slug": "ktdnc", "year": 2020}
PLAN = reverse("conference:plan", kwargs=Y)
EDIT = reverse("conference:plan-edit", kwargs=Y)
ISSUE = reverse("conference:plan-issue", kwargs=Y)
PREVIEW = reverse("conference:plan-preview", kwargs=Y)
DELEGATES = reverse("conference:delegates", kwargs=Y)
VIEWERS = ("board", "leader", "deputy", "member")
EDITORS = ("board", "leader")
# Who may not even know that the year exists (an officer outside the bloc, another province's board, a superuser
# without a unit or board): 404, the answer for a year that does not exist. The insiders are refused with 403.
STRANGERS = ("outsider", "other_board", "admin")


def vi(msgid: str, context: str | None = None) -> str:
    """The Vietnamese wording of a message (the msgid itself until the translation lands)."""
    with translation.override("vi"):
        return translation.pgettext(context, msgid) if context else gettext(msgid)


def shows(response, message: str) -> bool:
    return escape(message) in response.content.decode()


def db_state() -> dict:
    models = (ConferencePlan, PlanTask, PlanContribution, Delegate, RenderedDocument, RegisterEntry, Deadline)
    state = {m._meta.label: m.objects.count() for m in models}
    state["plans"] = list(ConferencePlan.objects.order_by("pk").values_list("status", "number", "edit_version"))
    state["tasks"] = list(PlanTask.objects.order_by("pk").values_list("text", "due_on", "opens_on"))
    state["audit"] = AuditLog.objects.count()
    return state


def shifted(day: datetime.date, year: int) -> datetime.date:
    return day.replace(year=day.year + year - 2020)


def plan_2020_for(year) -> ConferencePlan:
    """The real 2020 plan's values, its dates moved to the world's year."""
    values = dict(demo.PLAN_2020)
    for name in ("issued_on", "conference_date"):
        values[name] = shifted(values[name], year.year)
    return ConferencePlan(year=year, **values)


def tasks_for(year) -> list[PlanTask]:
    tasks = demo.tasks_2020()
    for task in tasks:
        task.opens_on = task.opens_on and shifted(task.opens_on, year.year)
        task.due_on = task.due_on and shifted(task.due_on, year.year)
    return tasks


@pytest.fixture
def plan(world) -> ConferencePlan:
    """A draft of the 2020 plan, saved by the leader through the service."""
    return services.plan_save(
        plan=plan_2020_for(world.year),
        tasks=tasks_for(world.year),
        contributions=[],
        expected_version=None,
        by=world.leader,
    )


@pytest.fixture
def issued(world, plan) -> ConferencePlan:
    return services.plan_issue(plan=plan, number=53, by=world.leader)


@pytest.fixture
def delegate(world) -> Delegate:
    return services.delegate_add(
        year=world.year, unit=world.member_unit, full_name="Nguyễn Văn An", position="Phó Giám đốc", by=world.member
    )


def statuses(*, ok=(), ok_status=200, others=403, **special) -> dict[str, object]:
    table = {}
    for role in ROLES:
        if role == "anonymous":
            table[role] = LOGIN
        elif role in special:
            table[role] = special[role]
        elif role in STRANGERS:
            table[role] = 404
        else:
            table[role] = ok_status if role in ok else others
    return table


def add_data(w) -> dict:
    return {"unit": w.member_unit.pk, "full_name": "Trần Thị Bình", "position": "Chuyên viên"}


# name -> (method, kwargs, POST data, expected outcome per role) with a draft plan and one delegate
URLS = {
    "conference:plan": ("get", lambda w: Y, None, statuses(ok=VIEWERS)),
    "conference:plan-preview": ("get", lambda w: Y, None, statuses(ok=EDITORS)),  # a draft: its editors only
    "conference:plan-edit": ("get", lambda w: Y, None, statuses(ok=EDITORS)),
    "conference:plan-issue": ("post", lambda w: Y, lambda w: {"number": ""}, statuses(ok=EDITORS, ok_status=BACK)),
    # a draft needs no new version: the editors are sent back with the service's message
    "conference:plan-new-version": ("post", lambda w: Y, None, statuses(ok=EDITORS, ok_status=BACK)),
    "conference:plan-render": (
        "post",
        lambda w: {**Y, "fmt": "docx"},
        None,
        statuses(ok=EDITORS, ok_status=BACK),
    ),
    "conference:delegates": ("get", lambda w: Y, None, statuses(ok=VIEWERS)),
    "conference:delegate-add": ("post", lambda w: Y, add_data, statuses(ok=("leader", "member"), ok_status=BACK)),
    "conference:delegate-remove": (
        "post",
        lambda w: {**Y, "pk": Delegate.objects.get().pk},
        None,
        statuses(ok=("leader", "member"), ok_status=BACK),
    ),
    "conference:attendance": ("get", lambda w: Y, None, statuses(ok=EDITORS)),
}


def check_outcome(response, expected, path: str) -> None:
    if expected == LOGIN:
        assert (response.status_code, response.url) == (302, redirect_to_login(path).url)
    elif expected == BACK:
        assert response.status_code == 302
        assert response.url != redirect_to_login(path).url
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        pytest.param(name, role, expected, id=f"{name}-{role}-{expected}")
        for name, (_m, _k, _d, table) in URLS.items()
        for role, expected in table.items()
    ],
)
def test_url_by_role(world, plan, delegate, client_as, name, role, expected):
    method, kwargs, data, _table = URLS[name]
    path = reverse(name, kwargs=kwargs(world))
    before = db_state()

    response = getattr(client_as(world.user(role)), method)(path, data(world) if data else {})

    check_outcome(response, expected, path)
    if method == "post" and expected != BACK:
        assert db_state() == before


def test_every_conference_url_name_has_a_permission_row():
    def names(patterns, namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from names(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    import conference.urls.comments
    import conference.urls.minutes
    import conference.urls.summary

    # The comments, minutes and summary URLs have their own tables in their own modules (the submissions and the
    # reminders are the reports app's: tests/reports/).
    elsewhere = {
        f"conference:{p.name}"
        for module in (
            conference.urls.comments,
            conference.urls.meetings,  # tests/conference/test_meetings.py
            conference.urls.minutes,
            conference.urls.summary,
        )
        for p in module.urlpatterns
    }
    resolved = {name for name in names(get_resolver().url_patterns) if name.startswith("conference:")}

    assert resolved - elsewhere == set(URLS)


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
@pytest.mark.parametrize("name", [n for n, spec in URLS.items() if spec[0] == "post"])
def test_post_only_urls_refuse_get(world, plan, delegate, client_as, name, role):
    path = reverse(name, kwargs=URLS[name][1](world))
    before = db_state()

    response = client_as(world.user(role)).get(path)

    assert response.status_code == 405
    assert db_state() == before


# Once issued: every reader of the plan may read its preview and files; the editors make new versions.
ISSUED_URLS = {
    "conference:plan-preview": ("get", {}, statuses(ok=VIEWERS)),
    "conference:plan-render": ("post", {"fmt": "docx"}, statuses(ok=VIEWERS, ok_status=BACK)),
    "conference:plan-new-version": ("post", {}, statuses(ok=EDITORS, ok_status=BACK)),
    "conference:plan-edit": ("get", {}, statuses(ok=EDITORS, ok_status=BACK)),  # refused with a message
}


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        pytest.param(name, role, expected, id=f"issued-{name}-{role}-{expected}")
        for name, (_m, _k, table) in ISSUED_URLS.items()
        for role, expected in table.items()
    ],
)
def test_issued_plan_url_by_role(world, issued, client_as, name, role, expected):
    method, kwargs, _table = ISSUED_URLS[name]
    path = reverse(name, kwargs={**Y, **kwargs})
    before = db_state()

    response = getattr(client_as(world.user(role)), method)(path)

    check_outcome(response, expected, path)
    if method == "post" and expected != BACK:
        assert db_state() == before


def test_unknown_format_is_404(world, plan, client_as):
    path = reverse("conference:plan-render", kwargs={**Y, "fmt": "odt"})

    assert client_as(world.leader).post(path).status_code == 404


def test_no_plan_yet(world, client_as):
    """Members read that the leader has not drafted it; the leader is offered to create it."""
    assert shows(client_as(world.member).get(PLAN), vi("The leader unit has not drafted the conference plan yet."))
    page = client_as(world.leader).get(PLAN)
    assert shows(page, vi("Create the plan"))
    assert client_as(world.leader).get(PREVIEW).status_code == 404
    assert client_as(world.leader).post(ISSUE).status_code == 404


# --- the editor as a browser submits it ----------------------------------------------------------------


class FormFields(HTMLParser):
    """What a browser would submit for the form with the given id: inputs, checked boxes, selected options and
    textareas (the first newline after <textarea> is not part of the value)."""

    def __init__(self, html: str, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.values: dict[str, str] = {}
        self._textarea = self._select = None
        self._first_option: dict[str, str] = {}
        self.feed(html)
        for name, value in self._first_option.items():
            self.values.setdefault(name, value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file"):
            if attrs.get("type") == "checkbox":
                if "checked" in attrs:
                    self.values[name] = attrs.get("value") or "on"
            else:
                self.values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            self._first_option.setdefault(self._select, attrs.get("value") or "")
            if "selected" in attrs:
                self.values[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.values[self._textarea] = self.values[self._textarea].removeprefix("\n")
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self.inside = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def editor_data(client) -> dict[str, str]:
    response = client.get(EDIT)
    assert response.status_code == 200
    return FormFields(response.content.decode(), "plan-form").values


def task_index(data: dict[str, str], text_start: str) -> int:
    return next(int(k.split("-")[1]) for k, v in data.items() if k.endswith("-text") and v.startswith(text_start))


def test_the_editor_round_trips_the_plan_unchanged(world, plan, client_as):
    client = client_as(world.leader)
    data = editor_data(client)
    before = ConferencePlan.objects.values().get(pk=plan.pk)
    tasks_before = list(PlanTask.objects.order_by("order").values_list("actor", "text", "opens_on", "due_on", "note"))

    response = client.post(EDIT, data)

    assert response.status_code == 302
    after = ConferencePlan.objects.values().get(pk=plan.pk)
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"edit_version", "updated_at"}
    tasks_after = list(PlanTask.objects.order_by("order").values_list("actor", "text", "opens_on", "due_on", "note"))
    assert sorted(tasks_after) == sorted(tasks_before)


def test_the_editor_saves_lists_a_task_and_a_contribution(world, plan, client_as):
    client = client_as(world.leader)
    data = editor_data(client)
    extra = data["tasks-TOTAL_FORMS"]
    data.update(
        {
            "venue": "Hội trường tầng II",
            "agenda": "Đánh giá kết quả\n\n- Bình xét, suy tôn\n",
            "invited": "Lãnh đạo Ban Thi đua - Khen thưởng tỉnh | 2\nThường trực Hội đồng | 1",
            "recipients": "Hội đồng TĐ-KT tỉnh\nBan TĐ-KT tỉnh | (B/cáo);\nLưu: VT",
            f"tasks-{int(extra) - 2}-actor": "members",
            f"tasks-{int(extra) - 2}-text": "Gửi danh sách đại biểu",
            f"tasks-{int(extra) - 2}-kind": "other",
            f"tasks-{int(extra) - 2}-due_on": "30/10/2020",
            "shares-0-unit": str(world.member_unit.pk),
            "shares-0-amount": "500.000",
            "shares-0-reason": "",
        }
    )

    response = client.post(EDIT, data)

    assert response.status_code == 302, response.context["form"].errors
    plan.refresh_from_db()
    assert (plan.venue, plan.agenda) == ("Hội trường tầng II", ["Đánh giá kết quả", "Bình xét, suy tôn"])
    assert plan.invited == [
        {"name": "Lãnh đạo Ban Thi đua - Khen thưởng tỉnh", "count": 2},
        {"name": "Thường trực Hội đồng", "count": 1},
    ]
    assert plan.recipients == [
        {"name": "Hội đồng TĐ-KT tỉnh", "purpose": ""},
        {"name": "Ban TĐ-KT tỉnh", "purpose": "B/cáo"},
        {"name": "Lưu: VT", "purpose": ""},
    ]
    assert plan.tasks.count() == len(demo.TASKS_2020) + 1
    assert plan.tasks.get(text="Gửi danh sách đại biểu").due_on == datetime.date(2020, 10, 30)
    assert list(plan.contributions.values_list("unit_id", "amount", "waived")) == [
        (world.member_unit.pk, 500000, False)
    ]


def test_creating_the_plan_starts_from_the_year(world, client_as):
    DeadlineFactory(
        year=world.year,
        kind=DeadlineKind.CONFERENCE,
        opens_at=None,
        due_at=datetime.datetime(2020, 11, 5, 14, 30, tzinfo=datetime.UTC),
    )
    client = client_as(world.leader)
    data = editor_data(client)
    assert (data["place"], data["conference_date"], data["start_time"]) == ("Tuyên Quang", "05/11/2020", "14:00")
    assert data["title"] == "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020"
    assert data["title_suffix"] == f"của {world.bloc.name}"
    assert data["signer_authority"] == "TRƯỞNG KHỐI THI ĐUA NỘI CHÍNH"
    assert data["signer_body"] == world.leader_unit.name.upper()
    assert ConferencePlan.objects.count() == 0
    data.update(venue="Hội trường tầng III", signer_position="PHÓ CHÁNH THANH TRA", signer_name="Vũ Đức Thọ")

    response = client.post(EDIT, data)

    assert response.status_code == 302
    plan = ConferencePlan.objects.get()
    assert (plan.status, plan.version, plan.conference_date) == (PlanStatus.DRAFT, 1, datetime.date(2020, 11, 5))


# --- bad input: a clear message on the form, nothing saved ---------------------------------------------


def bad_editor_cases(data: dict[str, str]) -> dict[str, tuple[dict[str, str], str]]:
    compile_task = task_index(data, "Tổng hợp báo cáo tổng kết")
    return {
        "preparation-after-conference": (
            {f"tasks-{compile_task}-due_on": "10/11/2020"},
            vi(
                "A preparation task must be done by the conference (%(date)s); mark it as a follow-up task "
                "if it comes after."
            )
            % {"date": "05/11/2020"},
        ),
        "due-before-window": (
            {f"tasks-{compile_task}-opens_on": "20/10/2020", f"tasks-{compile_task}-due_on": "15/10/2020"},
            vi("The due date comes before the window opens."),
        ),
        "signer-name-missing": (
            {"signer_name": "  "},
            vi("Write the signer's name: the plan cannot be signed without it."),
        ),
        "signer-position-missing": ({"signer_position": ""}, vi("Write the signer's position.")),
        "authority-missing": ({"signer_authority": ""}, vi("Write the authority line of the signature block.")),
        "invited-without-count": (
            {"invited": "Thành viên Hội đồng | 1\n\nLãnh đạo Ban Thi đua | hai"},
            vi("Line %(n)d: write the group, a vertical bar and a whole number of people (“%(line)s”).")
            % {"n": 3, "line": "Lãnh đạo Ban Thi đua | hai"},
        ),
        "recipient-two-bars": (
            {"recipients": "Hội đồng | B/cáo | T/hiện"},
            vi("Line %(n)d: write the recipient and, after a vertical bar, its purpose (“%(line)s”).")
            % {"n": 1, "line": "Hội đồng | B/cáo | T/hiện"},
        ),
    }


CASES = [
    "preparation-after-conference",
    "due-before-window",
    "signer-name-missing",
    "signer-position-missing",
    "authority-missing",
    "invited-without-count",
    "recipient-two-bars",
]


@pytest.mark.parametrize("case", CASES)
def test_bad_plan_input_is_refused_with_a_clear_message(world, plan, client_as, case):
    client = client_as(world.leader)
    data = editor_data(client)
    bad, message = bad_editor_cases(data)[case]
    data.update(bad)
    before = db_state()

    response = client.post(EDIT, data)

    assert response.status_code == 200
    assert shows(response, message), message
    assert shows(response, vi("Please correct the fields marked below; nothing was saved yet."))
    assert db_state() == before
    shown = FormFields(response.content.decode(), "plan-form").values
    assert {k: shown.get(k) for k in bad} == {k: v.removeprefix("\n") for k, v in bad.items()}  # kept as typed


def test_a_follow_up_task_may_fall_after_the_conference(world, plan, client_as):
    client = client_as(world.leader)
    data = editor_data(client)
    dossier = task_index(data, "Lập hồ sơ trình")
    assert data.get(f"tasks-{dossier}-follow_up") == "on"
    data[f"tasks-{dossier}-due_on"] = "30/11/2020"

    assert client.post(EDIT, data).status_code == 302
    assert PlanTask.objects.get(text__startswith="Lập hồ sơ trình").due_on == datetime.date(2020, 11, 30)


def test_the_task_error_lands_on_the_right_task(world, plan, client_as):
    """With an empty row deleted and another task removed, the service's index still points at the right form."""
    client = client_as(world.leader)
    data = editor_data(client)
    data["tasks-0-DELETE"] = "on"
    members_task = task_index(data, "Tham gia ý kiến")
    data[f"tasks-{members_task}-due_on"] = "06/11/2020"

    response = client.post(EDIT, data)

    forms = response.context["tasks"].forms
    assert [i for i, f in enumerate(forms) if f.errors] == [members_task]
    assert list(forms[members_task].errors) == ["due_on"]


def test_a_stale_editor_keeps_the_input_and_says_so(world, plan, client_as):
    client = client_as(world.leader)
    data = editor_data(client)
    services.plan_save(plan=plan, tasks=tasks_for(world.year), contributions=[], expected_version=1, by=world.board)
    data["venue"] = "Phòng họp số 2"
    before = db_state()

    response = client.post(EDIT, data)

    assert response.status_code == 200
    assert shows(response, vi("Someone else saved this plan after you opened it; your input is kept below."))
    assert db_state() == before
    shown = FormFields(response.content.decode(), "plan-form").values
    assert (shown["venue"], shown["edit_version"]) == ("Phòng họp số 2", "2")
    assert client.post(EDIT, shown).status_code == 302  # saving again, knowingly, overwrites
    assert ConferencePlan.objects.get().venue == "Phòng họp số 2"


def test_a_number_already_in_the_register_is_refused(world, plan, client_as):
    RegisterEntry.objects.create(bloc=world.bloc, year=2020, doc_type="KH", number=53, title="Kế hoạch khác")
    client = client_as(world.leader)
    before = db_state()

    response = client.post(ISSUE, {"number": "53"})

    assert response.status_code == 200
    message = vi("Number %(number)s/%(type)s-%(code)s of %(year)s is already used for “%(title)s”.") % {
        "number": "53",
        "type": "KH",
        "code": "KTĐNC",
        "year": 2020,
        "title": "Kế hoạch khác",
    }
    assert shows(response, message)
    assert response.context["issue_form"]["number"].value() == "53"
    assert db_state() == before


def test_issue_suggests_the_next_number_and_takes_it(world, plan, client_as):
    RegisterEntry.objects.create(bloc=world.bloc, year=2020, doc_type="KH", number=52, title="Kế hoạch 52")
    client = client_as(world.leader)
    assert client.get(PLAN).context["issue_form"]["number"].value() == 53

    response = client.post(ISSUE, {"number": ""}, follow=True)

    plan.refresh_from_db()
    assert (plan.status, plan.number_text) == (PlanStatus.ISSUED, "53/KH-KTĐNC")
    assert shows(response, vi("The plan was issued as number %(number)s.") % {"number": "53/KH-KTĐNC"})
    assert Deadline.objects.filter(year=world.year).count() == 4  # the dated tasks are in the calendar


def test_issuing_needs_a_complete_signature(world, plan, client_as):
    ConferencePlan.objects.filter(pk=plan.pk).update(signer_name=" ")
    before = db_state()

    response = client_as(world.leader).post(ISSUE, {"number": ""})

    assert response.status_code == 200
    assert shows(response, vi("The signature block is incomplete: %(fields)s.") % {"fields": vi("signer's name")})
    assert db_state() == before


def test_an_issued_plan_cannot_be_edited_in_place(world, issued, client_as):
    client = client_as(world.leader)
    message = vi("This plan is issued and cannot be changed in place: create a new version to change it.")
    before = db_state()

    for response in (client.get(EDIT, follow=True), client.post(EDIT, {"venue": "Khác"}, follow=True)):
        assert response.redirect_chain == [(PLAN, 302)]
        assert shows(response, message)
    assert db_state() == before


def test_an_issued_plan_cannot_be_issued_again(world, issued, client_as):
    before = db_state()

    response = client_as(world.leader).post(ISSUE, {"number": "54"}, follow=True)

    assert response.redirect_chain == [(PLAN, 302)]
    assert db_state() == before


def test_a_new_version_is_a_draft_that_copies_the_issued_plan(world, issued, client_as):
    client = client_as(world.leader)

    response = client.post(reverse("conference:plan-new-version", kwargs=Y), follow=True)

    assert response.redirect_chain == [(EDIT, 302)]
    new = services.current_plan(world.year)
    assert (new.version, new.status, new.supersedes_id, new.tasks.count()) == (
        2,
        PlanStatus.DRAFT,
        issued.pk,
        len(demo.TASKS_2020),
    )
    page = client.get(PLAN)
    assert [p.version for p in page.context["earlier"]] == [1]


# --- the preview and the files ---------------------------------------------------------------------------


def test_the_preview_may_be_framed_by_our_own_pages_only(world, plan, client_as):
    response = client_as(world.leader).get(PREVIEW)

    assert response.status_code == 200
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    html = response.content.decode()
    assert "KẾ HOẠCH" in html and "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2020" in html
    assert "Vũ Đức Thọ" in html


def test_other_pages_still_refuse_framing(world, plan, client_as):
    response = client_as(world.leader).get(PLAN)

    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert f'src="{PREVIEW}"' in response.content.decode()


def test_members_see_no_preview_of_a_draft(world, plan, client_as):
    response = client_as(world.member).get(PLAN)

    assert not response.context["may_read_document"]
    assert PREVIEW not in response.content.decode()
    assert shows(response, vi("The leader unit is drafting the plan; you can read it here once it is issued."))


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_render_lists_the_file_ready_to_download(world, issued, client_as, django_capture_on_commit_callbacks, fmt):
    client = client_as(world.member)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("conference:plan-render", kwargs={**Y, "fmt": fmt}), follow=True)

    rendered = RenderedDocument.objects.get()
    assert (rendered.kind, rendered.object_id, rendered.format, rendered.status) == (
        "conference.plan",
        str(issued.pk),
        fmt,
        RenderedDocument.Status.DONE,
    )
    assert response.redirect_chain == [(PLAN + "#documents", 302)]
    assert reverse("core:document-download", args=[rendered.pk]) in response.content.decode()
    download = client.get(reverse("core:document-download", args=[rendered.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] in (b"%P", b"PK")


# --- the plan page: summoned against registered -------------------------------------------------------------


def test_the_plan_shows_summoned_against_registered(world, plan, delegate, client_as):
    response = client_as(world.member).get(PLAN)

    rows = [(r["unit"].pk, r["summoned"], r["registered"]) for r in response.context["rows"]]
    members = sorted([world.leader_unit, world.deputy_unit, world.member_unit], key=lambda u: u.name)
    assert rows == [(u.pk, 2, 1 if u == world.member_unit else 0) for u in members]
    assert response.context["total"] == 1 + 2 + 4 + 2 * 3


# --- delegates ------------------------------------------------------------------------------------------


def test_a_unit_officer_sees_and_registers_only_their_own_unit(world, plan, delegate, client_as):
    client = client_as(world.deputy)

    response = client.get(DELEGATES)

    assert [s["unit"] for s in response.context["sections"]] == [world.deputy_unit]
    assert "Nguyễn Văn An" not in response.content.decode()
    data = {"unit": world.deputy_unit.pk, "full_name": "Lê Văn Cường", "position": "Trưởng phòng"}
    assert client.post(reverse("conference:delegate-add", kwargs=Y), data).status_code == 302
    assert client.post(reverse("conference:delegate-add", kwargs=Y), add_data(world)).status_code == 403
    assert list(Delegate.objects.order_by("id").values_list("unit_id", "full_name")) == [
        (world.member_unit.pk, "Nguyễn Văn An"),
        (world.deputy_unit.pk, "Lê Văn Cường"),
    ]


def test_the_leader_sees_every_unit_with_its_counts(world, plan, delegate, client_as):
    response = client_as(world.leader).get(DELEGATES)

    sections = {s["unit"].pk: (s["registered"], s["summoned"], s["may_register"]) for s in response.context["sections"]}
    assert sections == {
        world.leader_unit.pk: (0, 2, True),
        world.deputy_unit.pk: (0, 2, True),
        world.member_unit.pk: (1, 2, True),
    }


def test_a_delegate_without_a_name_is_refused(world, plan, client_as):
    data = {"unit": world.member_unit.pk, "full_name": "", "position": "Chuyên viên"}
    before = db_state()

    response = client_as(world.member).post(reverse("conference:delegate-add", kwargs=Y), data)

    assert response.status_code == 200
    section = next(s for s in response.context["sections"] if s["unit"] == world.member_unit)
    assert section["form"].errors["full_name"]
    assert section["form"]["position"].value() == "Chuyên viên"
    assert db_state() == before


def test_the_attendance_list_has_a_line_per_summoned_delegate(world, plan, delegate, client_as):
    response = client_as(world.leader).get(reverse("conference:attendance", kwargs=Y))

    rows = [(r["unit"].pk, r["delegate"] and r["delegate"].full_name) for r in response.context["rows"]]
    assert len(rows) == 6
    assert (world.member_unit.pk, "Nguyễn Văn An") in rows
    html = response.content.decode()
    assert "data-print" in html
    for group in demo.PLAN_2020["invited"]:
        assert escape(group["name"]) in html


# --- query counts: one literal budget for two sizes ---------------------------------------------------------


def add_members(world, n: int) -> list:
    units = []
    for _ in range(n):
        unit = UnitFactory(province=world.bloc.province)
        MembershipFactory(bloc=world.bloc, unit=unit, start_year=2019)
        officer_of(unit)
        units.append(unit)
    return units


def with_delegates(world, n: int) -> None:
    for unit in [world.leader_unit, world.deputy_unit, world.member_unit, *add_members(world, n - 3)]:
        for k in range(2):
            Delegate.objects.create(year=world.year, unit=unit, full_name=f"Đại biểu {k}", position="Chuyên viên")


@pytest.mark.parametrize("n", [3, 20])
def test_plan_page_queries(world, issued, client_as, django_assert_max_num_queries, n):
    with_delegates(world, n)
    client = client_as(world.leader)
    for fmt in ("pdf", "docx", "docx"):  # the second DOCX is the first offered again
        client.post(reverse("conference:plan-render", kwargs={**Y, "fmt": fmt}))

    with django_assert_max_num_queries(12):
        response = client.get(PLAN)

    assert len(response.context["rows"]) == n
    assert len(response.context["documents"]) == 2


@pytest.mark.parametrize("n", [3, 20])
def test_delegates_page_queries(world, plan, client_as, django_assert_max_num_queries, n):
    with_delegates(world, n)
    client = client_as(world.leader)

    with django_assert_max_num_queries(10):
        response = client.get(DELEGATES)

    assert len(response.context["sections"]) == n
    assert response.context["registered_total"] == 2 * n


@pytest.mark.parametrize("n", [3, 20])
def test_attendance_queries(world, plan, client_as, django_assert_max_num_queries, n):
    with_delegates(world, n)
    client = client_as(world.leader)

    with django_assert_max_num_queries(10):
        response = client.get(reverse("conference:attendance", kwargs=Y))

    assert len(response.context["rows"]) == 2 * n
