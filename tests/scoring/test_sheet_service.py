"""The sheet page's one service, sheet_save_or_send: who may, the first save that makes the sheet, a stale save
refused, save then send in one transaction (a refused sending keeps the draft), audit rows and the reviewer's
notification; and the files kept for the next save when nothing was stored."""

import datetime
from decimal import Decimal

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse

from core.models import AuditLog, Notification, PendingUpload
from scoring import services
from scoring.enums import SheetStatus
from scoring.models import Criterion, Evidence, Score, ScoreChange, Sheet, SheetVersion
from tests.factories import officer_of

from .helpers import P, entries_of, fill, fill_and_submit, fresh, kept_message, pdf, vi

MY_SHEET = reverse("scoring:my-sheet", kwargs={"slug": "ktdnc", "year": 2020})
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def counts() -> dict[str, int]:
    models = (Sheet, SheetVersion, Score, ScoreChange, Evidence, AuditLog, Notification)
    return {m._meta.label: m.objects.count() for m in models}


def actions() -> list[str]:
    return list(
        AuditLog.objects.filter(action__startswith="scoring.sheet.").order_by("id").values_list("action", flat=True)
    )


def unsaved(w, unit=None) -> Sheet:
    """The sheet as the page holds it before its first save."""
    return Sheet(year=fresh(w.year), unit=unit or w.member_unit)


def save_or_send(w, sheet, points, *, by=None, files=None, send=False, expected_version=None):
    return services.sheet_save_or_send(
        sheet=sheet,
        entries=entries_of(w.year, points, "Theo báo cáo tổng kết năm."),
        files=files,
        expected_version=sheet.version if expected_version is None else expected_version,
        send=send,
        by=by or w.member,
    )


FULL = P(i1=18, i2=36, ii1=36)


# --- who may ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["deputy", "leader", "outsider", "board"])
def test_only_the_units_own_officers_save_its_sheet_and_a_refusal_makes_no_sheet(scored_world, role):
    w = scored_world
    before = counts()

    with pytest.raises(Http404):  # a sheet never sent is the unit's own: to everyone else, as for no sheet
        save_or_send(w, unsaved(w), FULL, by=w.user(role), send=True)

    assert counts() == before


def test_a_sent_sheet_is_read_only_for_the_unit(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, FULL)
    before = counts()

    with pytest.raises(PermissionDenied):
        save_or_send(w, Sheet.objects.get(pk=sheet.pk), P(i1=20))

    assert counts() == before


# --- save ------------------------------------------------------------------------------------------------


def test_the_first_save_makes_the_sheet_with_its_scores_evidence_and_one_audit_row(scored_world):
    w = scored_world

    sheet = save_or_send(w, unsaved(w), FULL, files={w.c["I.1"].pk: [pdf("bao-cao.pdf")]})

    stored = Sheet.objects.get(year=w.year, unit=w.member_unit)
    assert (sheet.pk, sheet.version, stored.version, stored.status) == (stored.pk, 2, 2, SheetStatus.DRAFT)
    points = dict(Score.objects.filter(sheet=stored).values_list("criterion__code", "self_points"))
    assert points == {"I.1": Decimal("18"), "I.2": Decimal("36"), "II.1": Decimal("36")}
    assert list(Evidence.objects.values_list("score__criterion__code", "original_name")) == [("I.1", "bao-cao.pdf")]
    assert actions() == ["scoring.sheet.saved"]
    assert AuditLog.objects.get().actor == w.member
    assert Notification.objects.count() == 0


def test_a_stale_save_is_refused_changes_nothing_and_carries_the_sheet(scored_world):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=10, i2=30, ii1=30))
    opened = sheet.version
    save_or_send(w, Sheet.objects.get(pk=sheet.pk), P(i1=12), expected_version=opened)
    before = (counts(), list(Score.objects.order_by("pk").values()), Sheet.objects.get(pk=sheet.pk).version)

    with pytest.raises(services.StaleEdit) as caught:
        save_or_send(
            w,
            Sheet.objects.get(pk=sheet.pk),
            P(i1=15, i2=20),
            by=officer_of(w.member_unit),
            files={w.c["I.1"].pk: [pdf()]},
            send=True,
            expected_version=opened,
        )

    assert caught.value.sheet.pk == sheet.pk
    assert (counts(), list(Score.objects.order_by("pk").values()), Sheet.objects.get(pk=sheet.pk).version) == (before)


def test_a_first_save_refused_because_a_colleague_saved_first_carries_their_sheet(scored_world):
    """Both opened the sheet before it existed; the colleague saved first: the sheet is theirs, once."""
    w = scored_world
    opened = unsaved(w)
    theirs = fill(w.year, w.member_unit, P(i1=10), by=officer_of(w.member_unit))
    before = counts()

    with pytest.raises(services.StaleEdit) as caught:
        save_or_send(w, opened, P(i1=12), expected_version=opened.version)

    assert (caught.value.sheet.pk, caught.value.sheet.version) == (theirs.pk, theirs.version)
    assert counts() == before
    assert Score.objects.get(sheet=theirs).self_points == Decimal("10")


# --- save, then send -------------------------------------------------------------------------------------


def test_save_then_send_makes_version_one_with_both_audit_rows_and_tells_the_reviewer(scored_world):
    w = scored_world
    leader_colleague = officer_of(w.leader_unit)

    sheet = save_or_send(w, unsaved(w), FULL, files={w.c["I.1"].pk: [pdf()]}, send=True)

    stored = Sheet.objects.get(pk=sheet.pk)
    assert (stored.status, list(stored.versions.values_list("number", "self_total"))) == (
        SheetStatus.SUBMITTED,
        [(1, Decimal("90.00"))],
    )
    assert actions() == ["scoring.sheet.saved", "scoring.sheet.submitted"]
    link = f"/blocs/ktdnc/years/2020/scoring/sheets/{w.member_unit.pk}/"
    assert [(n.recipient, n.link) for n in Notification.objects.order_by("id")] == [
        (w.leader, link),
        (leader_colleague, link),
    ]


def test_a_refused_sending_keeps_the_saved_draft_and_says_why(scored_world):
    w = scored_world

    with pytest.raises(services.NotSent) as caught:
        save_or_send(w, unsaved(w), FULL, send=True)  # I.1 needs evidence

    stored = Sheet.objects.get(year=w.year, unit=w.member_unit)
    assert list(caught.value.error_dict) == [f"evidence_{w.c['I.1'].pk}"]
    assert (caught.value.sheet.pk, caught.value.sheet.version) == (stored.pk, stored.version)
    assert (stored.status, stored.submitted_at, SheetVersion.objects.count()) == (SheetStatus.DRAFT, None, 0)
    assert Score.objects.filter(sheet=stored).count() == 3
    assert actions() == ["scoring.sheet.saved"]
    assert Notification.objects.count() == 0


def test_a_sending_refused_after_the_closed_deadline_keeps_the_draft(scored_world):
    w = scored_world
    w.bloc.settings = {**w.bloc.settings, "late_self_assessment": "closed"}
    w.bloc.save()
    w.deadline.due_at = w.deadline.opens_at + datetime.timedelta(hours=1)
    w.deadline.save()

    with pytest.raises(services.NotSent) as caught:
        save_or_send(w, unsaved(w), FULL, files={w.c["I.1"].pk: [pdf()]}, send=True)

    assert caught.value.messages == [
        vi("The self-assessment deadline has passed and this bloc accepts no late sheets.")
    ]
    stored = Sheet.objects.get(year=w.year, unit=w.member_unit)
    assert (stored.status, Evidence.objects.count(), actions()) == (SheetStatus.DRAFT, 1, ["scoring.sheet.saved"])


def test_a_returned_sheet_is_corrected_and_sent_again(scored_world):
    w = scored_world
    sheet = fill_and_submit(w.year, w.member_unit, FULL)
    services.sheet_return(sheet=sheet, note="Sửa I.2", by=w.leader)

    save_or_send(w, Sheet.objects.get(pk=sheet.pk), P(i1=18, i2=35, ii1=36), send=True)

    stored = Sheet.objects.get(pk=sheet.pk)
    assert (stored.status, stored.return_note) == (SheetStatus.SUBMITTED, "")
    assert list(stored.versions.order_by("number").values_list("number", "self_total")) == [
        (1, Decimal("90.00")),
        (2, Decimal("89.00")),
    ]


# --- the files kept for the next save when nothing was stored (core.pending) ------------------------------


def typed(w, **extra) -> dict:
    c = w.c
    data = {"version": "1", "action": "save"}
    for code, value in (("I.1", "18"), ("I.2", "36"), ("II.1", "36"), ("III.1", ""), ("IV.1", "")):
        data[f"points_{c[code].pk}"] = value
        data[f"explanation_{c[code].pk}"] = ""
    data.update(extra)
    return data


def errors_shown(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]


def kept() -> list[tuple[str, str]]:
    """The files kept for the next save: (criterion code, name), in the order they were chosen."""
    rows = PendingUpload.objects.order_by("id").values_list("field", "original_name")
    codes = {f"evidence_{c.pk}": c.code for c in Criterion.objects.all()}
    return [(codes[field], name) for field, name in rows]


def infos_shown(response) -> list[str]:
    return [m.message for m in get_messages(response.wsgi_request) if m.level == messages.INFO]


def test_a_bad_value_keeps_each_file_for_the_next_save_by_its_criterion(scored_world, client_as):
    w = scored_world
    c = w.c
    data = typed(
        w,
        **{
            f"points_{c['I.2'].pk}": "abc",
            f"evidence_{c['I.1'].pk}": [pdf("bao-cao.pdf"), pdf("phu-luc.pdf")],
            f"evidence_{c['II.1'].pk}": [pdf("bao-cao.pdf")],
        },
    )
    before = counts()

    response = client_as(w.member).post(MY_SHEET, data)

    assert response.status_code == 400
    assert counts() == before
    assert kept() == [("I.1", "bao-cao.pdf"), ("I.1", "phu-luc.pdf"), ("II.1", "bao-cao.pdf")]
    assert errors_shown(response) == []
    assert infos_shown(response) == [kept_message(3)]


def test_a_file_refused_for_itself_is_named_by_its_row_and_not_kept(scored_world, client_as):
    w = scored_world
    c = w.c
    exe = SimpleUploadedFile("so-lieu.pdf", EXE, content_type="application/pdf")
    data = typed(w, **{f"evidence_{c['I.1'].pk}": [pdf("bao-cao.pdf"), exe]})

    response = client_as(w.member).post(MY_SHEET, data)

    assert response.status_code == 400
    assert "so-lieu.pdf" in str(response.context["form"].errors[f"evidence_{c['I.1'].pk}"])
    assert kept() == [("I.1", "bao-cao.pdf")]
    assert errors_shown(response) == []
    assert Evidence.objects.count() == 0


def test_only_a_refused_file_keeps_nothing(scored_world, client_as):
    w = scored_world
    exe = SimpleUploadedFile("so-lieu.pdf", EXE, content_type="application/pdf")

    response = client_as(w.member).post(MY_SHEET, typed(w, **{f"evidence_{w.c['I.1'].pk}": exe}))

    assert response.status_code == 400
    assert (kept(), errors_shown(response), infos_shown(response)) == ([], [], [])


def test_a_stale_save_through_the_page_keeps_the_files_for_the_next_save(scored_world, client_as):
    w = scored_world
    sheet = fill(w.year, w.member_unit, P(i1=10, i2=30, ii1=30))
    client_as(officer_of(w.member_unit)).post(MY_SHEET, typed(w, version=str(sheet.version)))

    response = client_as(w.member).post(
        MY_SHEET, typed(w, version=str(sheet.version), **{f"evidence_{w.c['I.1'].pk}": pdf("bao-cao.pdf")})
    )

    assert response.status_code == 400
    assert response.context["form"]["version"].value() == str(Sheet.objects.get(pk=sheet.pk).version)
    assert kept() == [("I.1", "bao-cao.pdf")]
    assert Evidence.objects.filter(original_name="bao-cao.pdf").count() == 0
    assert errors_shown(response) == []


def test_files_for_a_criterion_the_form_does_not_have_are_named_to_choose_again(scored_world, client_as):
    w = scored_world
    data = typed(w, **{f"points_{w.c['I.2'].pk}": "abc", "evidence_999999": pdf("lac-loi.pdf")})

    response = client_as(w.member).post(MY_SHEET, data)

    assert response.status_code == 400
    assert kept() == []
    message = vi("These files were not stored because the form has errors; choose them again: %(files)s")
    assert errors_shown(response) == [message % {"files": "lac-loi.pdf"}]


def test_a_refused_sending_through_the_page_stores_the_files_and_keeps_none_pending(scored_world, client_as):
    w = scored_world
    data = typed(w, action="submit", **{f"points_{w.c['II.1'].pk}": "", f"evidence_{w.c['I.1'].pk}": pdf()})

    response = client_as(w.member).post(MY_SHEET, data)

    assert response.status_code == 400
    assert list(Evidence.objects.values_list("original_name", flat=True)) == ["minh-chung.pdf"]
    assert (kept(), errors_shown(response)) == ([], [])
    assert vi("Your draft was saved, but it was not sent: see the marked rows.") in [
        m.message for m in get_messages(response.wsgi_request)
    ]
