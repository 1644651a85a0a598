"""Nothing chosen is lost on the sheet page: files chosen with a post that is refused for another field are kept
(core.pending) for the person who chose them, listed again on their row with a box to remove each, and attached
by the next save that succeeds; nobody else sees or claims them."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import PendingUpload
from core.pending import scope_key
from scoring.demo import tiny_pdf
from scoring.enums import SheetStatus
from scoring.models import Evidence, Sheet
from tests.factories import officer_of

from .helpers import kept_message, vi

MY_SHEET = reverse("scoring:my-sheet", kwargs={"slug": "ktdnc", "year": 2020})
KEPT_HEADING = "Chosen files, stored when you save again"


def typed(w, **extra) -> dict:
    """A draft the page accepts: every standard criterion scored, I.1 (which needs evidence) included."""
    c = w.c
    data = {"version": "1", "action": "save"}
    for code, value in (("I.1", "18"), ("I.2", "36"), ("II.1", "36"), ("III.1", ""), ("IV.1", "")):
        data[f"points_{c[code].pk}"] = value
        data[f"explanation_{c[code].pk}"] = ""
    data.update(extra)
    return data


def pdf(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(text), content_type="application/pdf")


def kept_on_page(response, criterion) -> list[str]:
    """The names listed under "chosen files" on a criterion's row (empty when the row lists none)."""
    html = response.content.decode()
    block = re.search(rf'<div class="kept-files[^"]*" id="kept-{criterion.pk}">(.*?)</ul>', html, re.S)
    if block is None:
        return []
    assert vi(KEPT_HEADING) in block.group(1)
    return re.findall(r'<i class="bi bi-hourglass-split" aria-hidden="true"></i> ([^<]+?) <span', block.group(1))


def remove_boxes(response) -> list[int]:
    return [int(v) for v in re.findall(r'name="remove_pending" value="(\d+)"', response.content.decode())]


def evidence_of(w) -> list[tuple[str, str, bytes]]:
    """(criterion code, file name, content) of the member's stored evidence, in upload order."""
    rows = Evidence.objects.filter(score__sheet__unit=w.member_unit).select_related("score__criterion")
    return [(e.score.criterion.code, e.original_name, e.file.read()) for e in rows.order_by("id")]


@pytest.fixture
def refused(scored_world, client_as, django_capture_on_commit_callbacks):
    """The member's post with two good files (I.1, II.1) and a bad value on I.2: refused, nothing stored."""
    w = scored_world
    c = w.c
    data = typed(
        w,
        **{
            f"points_{c['I.2'].pk}": "abc",
            f"evidence_{c['I.1'].pk}": pdf("bao-cao-tong-ket.pdf", "Bao cao"),
            f"evidence_{c['II.1'].pk}": pdf("nghi-quyet.pdf", "Nghi quyet"),
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(w.member).post(MY_SHEET, data)
    return response


def test_a_refused_post_keeps_its_two_good_files_shows_them_and_the_next_save_attaches_them(
    scored_world, client_as, refused, django_capture_on_commit_callbacks
):
    w = scored_world
    c = w.c
    stored = list(PendingUpload.objects.values_list("file", flat=True))

    assert refused.status_code == 400
    assert Evidence.objects.count() == 0 and not Sheet.objects.exists()
    assert (kept_on_page(refused, c["I.1"]), kept_on_page(refused, c["II.1"])) == (
        ["bao-cao-tong-ket.pdf"],
        ["nghi-quyet.pdf"],
    )
    assert kept_message(2) in refused.content.decode()
    assert all(default_storage.exists(name) for name in stored) and len(stored) == 2

    # Coming back to the page later, the files are still listed on their rows.
    again = client_as(w.member).get(MY_SHEET)
    assert (kept_on_page(again, c["I.1"]), kept_on_page(again, c["II.1"])) == (
        ["bao-cao-tong-ket.pdf"],
        ["nghi-quyet.pdf"],
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(w.member).post(MY_SHEET, typed(w))

    assert (response.status_code, response.url) == (302, MY_SHEET)
    assert evidence_of(w) == [
        ("I.1", "bao-cao-tong-ket.pdf", tiny_pdf("Bao cao")),
        ("II.1", "nghi-quyet.pdf", tiny_pdf("Nghi quyet")),
    ]
    assert PendingUpload.objects.count() == 0
    assert not any(default_storage.exists(name) for name in stored)
    assert kept_on_page(client_as(w.member).get(MY_SHEET), c["I.1"]) == []


def test_a_kept_file_counts_as_the_evidence_a_criterion_needs_when_sending(scored_world, client_as, refused):
    w = scored_world

    response = client_as(w.member).post(MY_SHEET, typed(w, action="submit"))

    assert response.status_code == 302
    sheet = Sheet.objects.get(unit=w.member_unit)
    assert sheet.status == SheetStatus.SUBMITTED
    assert sheet.versions.get().snapshot["I.1"]["evidence"] == ["bao-cao-tong-ket.pdf"]


def test_new_files_are_attached_after_the_kept_ones_of_their_criterion(scored_world, client_as, refused):
    w = scored_world
    c = w.c

    client_as(w.member).post(MY_SHEET, typed(w, **{f"evidence_{c['I.1'].pk}": pdf("phu-luc.pdf", "Phu luc")}))

    assert [(code, name) for code, name, _content in evidence_of(w)] == [
        ("I.1", "bao-cao-tong-ket.pdf"),
        ("I.1", "phu-luc.pdf"),
        ("II.1", "nghi-quyet.pdf"),
    ]


def test_a_second_refused_post_keeps_the_first_files_and_adds_its_own(scored_world, client_as, refused):
    w = scored_world
    c = w.c
    data = typed(w, **{f"points_{c['I.2'].pk}": "99", f"evidence_{c['I.1'].pk}": pdf("phu-luc.pdf", "Phu luc")})

    response = client_as(w.member).post(MY_SHEET, data)

    assert response.status_code == 400
    assert kept_on_page(response, c["I.1"]) == ["bao-cao-tong-ket.pdf", "phu-luc.pdf"]
    assert kept_on_page(response, c["II.1"]) == ["nghi-quyet.pdf"]


def test_a_ticked_remove_box_drops_a_kept_file_and_its_stored_copy(
    scored_world, client_as, refused, django_capture_on_commit_callbacks
):
    w = scored_world
    c = w.c
    dropped = PendingUpload.objects.get(original_name="nghi-quyet.pdf")
    assert sorted(remove_boxes(refused)) == sorted(PendingUpload.objects.values_list("pk", flat=True))

    # Still refused (the bad value is there again): the ticked file goes all the same.
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(w.member).post(
            MY_SHEET, typed(w, remove_pending=[str(dropped.pk)], **{f"points_{c['I.2'].pk}": "abc"})
        )

    assert response.status_code == 400
    assert (kept_on_page(response, c["I.1"]), kept_on_page(response, c["II.1"])) == (["bao-cao-tong-ket.pdf"], [])
    assert not default_storage.exists(dropped.file.name)

    client_as(w.member).post(MY_SHEET, typed(w))
    assert [name for _code, name, _content in evidence_of(w)] == ["bao-cao-tong-ket.pdf"]


def test_another_officer_of_the_unit_neither_sees_nor_claims_nor_removes_them(scored_world, client_as, refused):
    w = scored_world
    c = w.c
    colleague = officer_of(w.member_unit)
    ids = list(PendingUpload.objects.values_list("pk", flat=True))

    page = client_as(colleague).get(MY_SHEET)
    assert (kept_on_page(page, c["I.1"]), remove_boxes(page)) == ([], [])
    assert "bao-cao-tong-ket.pdf" not in page.content.decode()

    response = client_as(colleague).post(MY_SHEET, typed(w, remove_pending=[str(pk) for pk in ids]))

    assert response.status_code == 302
    assert Evidence.objects.count() == 0
    assert sorted(PendingUpload.objects.values_list("pk", flat=True)) == sorted(ids)

    # The files are still the member's to attach.
    client_as(w.member).post(MY_SHEET, typed(w, version=str(Sheet.objects.get(unit=w.member_unit).version)))
    assert [name for _code, name, _content in evidence_of(w)] == ["bao-cao-tong-ket.pdf", "nghi-quyet.pdf"]


def test_kept_files_of_another_unit_are_not_attached_to_this_one(scored_world, client_as, refused):
    """The files belong to the form they were chosen on (the member's sheet), not to the person alone."""
    w = scored_world
    PendingUpload.objects.update(scope=scope_key("scoring.sheet", w.year.pk, w.deputy_unit.pk))

    response = client_as(w.member).post(MY_SHEET, typed(w))

    assert response.status_code == 302
    assert Evidence.objects.count() == 0
    assert PendingUpload.objects.count() == 2


def test_a_sheet_that_can_no_longer_be_changed_lists_no_kept_file(scored_world, client_as, refused):
    w = scored_world
    client_as(w.member).post(MY_SHEET, typed(w, action="submit"))
    # Chosen again after the sending was refused elsewhere: kept, but the sent sheet cannot take them.
    PendingUpload.objects.create(
        owner=w.member,
        scope=scope_key("scoring.sheet", w.year.pk, w.member_unit.pk),
        field=f"evidence_{w.c['I.2'].pk}",
        file="pending/x.pdf",
        original_name="muon.pdf",
        size=10,
    )

    page = client_as(w.member).get(MY_SHEET)

    assert not page.context["editable"]
    assert "muon.pdf" not in page.content.decode()


@pytest.mark.parametrize("n", [1, 4])
def test_the_sheet_with_kept_files_queries(scored_world, client_as, django_assert_max_num_queries, n):
    w = scored_world
    c = w.c
    files = [pdf(f"minh-chung-{k}.pdf", f"MC {k}") for k in range(n)]
    client = client_as(w.member)
    client.post(MY_SHEET, typed(w, **{f"points_{c['I.2'].pk}": "abc", f"evidence_{c['I.1'].pk}": files}))
    assert PendingUpload.objects.count() == n

    with django_assert_max_num_queries(10):
        response = client.get(MY_SHEET)

    assert len(kept_on_page(response, c["I.1"])) == n
