"""The Django admin (issue 17): history (audit log, score history, submitted versions, ballots and the turnout
register) is never added, changed or deleted there, and every change it does allow writes an audit row."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.admin import AuditedAdmin
from core.audit import audit
from core.models import AuditLog
from scoring.models import Score, ScoreChange, Sheet, SheetVersion
from tests.scoring.helpers import criteria, make_table

HISTORY = [
    "core.auditlog",
    "scoring.scorechange",
    "scoring.sheetversion",
    "scoring.score",  # its every change must leave a ScoreChange, which only the scoring services write
    "reports.submissionversion",
    "blocs.covenantregistrationversion",
    "blocs.unitchange",
    "awards.ballotpaper",
    "awards.ballotchoice",
    "awards.ballotvoter",  # the turnout register
]


@pytest.fixture
def superuser_client(world, client):
    client.force_login(world.admin, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _url(obj, view):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_{view}", args=[obj.pk])


def test_every_admin_writes_audit_rows():
    assert [type(ma).__name__ for ma in admin.site._registry.values() if not isinstance(ma, AuditedAdmin)] == []


@pytest.mark.parametrize("label", HISTORY)
def test_history_cannot_be_added_changed_or_deleted_in_the_admin(world, label):
    model = apps.get_model(label)
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return  # not in the admin at all
    request = RequestFactory().get("/")
    request.user = world.admin
    assert (
        model_admin.has_add_permission(request),
        model_admin.has_change_permission(request),
        model_admin.has_delete_permission(request),
    ) == (False, False, False)


@pytest.fixture
def history(world):
    make_table(world.year)
    sheet = Sheet.objects.create(year=world.year, unit=world.member_unit)
    criterion = next(iter(criteria(world.year).values()))
    score = Score.objects.create(sheet=sheet, criterion=criterion, self_points=Decimal("1"))
    return [
        audit(world.board, "scoring.sheet.submitted", sheet),
        ScoreChange.objects.create(score=score, field="self_points", old_value=None, new_value=Decimal("1")),
        SheetVersion.objects.create(
            sheet=sheet, number=1, submitted_at=timezone.now(), self_total=Decimal("1"), snapshot={}
        ),
        score,
    ]


def test_posting_a_change_or_a_deletion_of_history_is_refused(history, superuser_client):
    before = {type(obj): type(obj).objects.count() for obj in history}
    audits = AuditLog.objects.count()

    outcomes = [
        (
            type(obj).__name__,
            superuser_client.post(_url(obj, "change"), {}).status_code,
            superuser_client.post(_url(obj, "delete"), {"post": "yes"}).status_code,
            superuser_client.get(_url(obj, "change")).status_code,  # still shown, read-only
        )
        for obj in history
    ]
    add = superuser_client.post(reverse("admin:scoring_scorechange_add"), {}).status_code
    bulk = superuser_client.post(
        reverse("admin:core_auditlog_changelist"),
        {"action": "delete_selected", "_selected_action": [history[0].pk], "post": "yes"},
    )

    assert outcomes == [(type(obj).__name__, 403, 403, 200) for obj in history]
    assert add == 403
    assert bulk.status_code in {200, 302}  # Django offers no such action without the right: nothing deleted
    assert {type(obj): type(obj).objects.count() for obj in history} == before
    assert AuditLog.objects.count() == audits


def test_an_allowed_change_in_the_admin_writes_an_audit_row(world, superuser_client):
    unit = world.outsider_unit
    url = reverse("admin:blocs_unit_change", args=[unit.pk])
    form = superuser_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="Sở Ngoại vụ (mới)", province=unit.province_id, is_active="on")

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    unit.refresh_from_db()
    assert unit.name == "Sở Ngoại vụ (mới)"
    entry = AuditLog.objects.get(action="admin.changed")
    assert (entry.actor, entry.target_type, entry.target_id, entry.data["model"]) == (
        world.admin,
        "blocs.unit",
        str(unit.pk),
        "blocs.unit",
    )
    assert "name" in entry.data["message"].lower() or "tên" in entry.data["message"].lower()


def test_a_deletion_in_the_admin_writes_an_audit_row_per_object(world, superuser_client):
    from django.contrib.auth.models import Group

    groups = [Group.objects.create(name=f"Nhóm {n}") for n in range(2)]

    response = superuser_client.post(
        reverse("admin:auth_group_changelist"),
        {"action": "delete_selected", "_selected_action": [g.pk for g in groups], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Group.objects.exists()
    assert sorted(AuditLog.objects.filter(action="admin.deleted").values_list("target_id", flat=True)) == sorted(
        str(g.pk) for g in groups
    )
