"""core.pending: files kept from refused forms, for their owner and form only, checked before they are kept,
bounded, attached once, and swept with their stored copies after a day (the command and the beat task)."""

import datetime
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from core import pending
from core.models import PendingUpload
from core.tasks import sweep_pending_uploads_task
from core.validators import UploadValidator
from tests.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00" + b"\x00" * 60
SCOPE = pending.scope_key("scoring.sheet", 1, 2)
check = UploadValidator(("pdf",))


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    default = {**settings.STORAGES["default"], "OPTIONS": {"location": str(tmp_path / "private")}}
    settings.STORAGES = {**settings.STORAGES, "default": default}


def pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def keep(owner, files: dict, scope: str = SCOPE):
    return pending.pending_keep(owner=owner, scope=scope, uploads=files, validate=check)


def names(rows) -> list[tuple[str, str]]:
    return [(row.field, row.original_name) for row in rows]


@pytest.mark.django_db
def test_valid_files_are_kept_in_private_storage_and_an_invalid_one_is_not():
    owner = UserFactory()
    exe = SimpleUploadedFile("so-lieu.pdf", EXE, content_type="application/pdf")

    kept, not_kept = keep(owner, {"evidence_1": [pdf("a.pdf"), exe], "evidence_2": [pdf("b.pdf")]})

    assert (names(kept), not_kept) == ([("evidence_1", "a.pdf"), ("evidence_2", "b.pdf")], [])
    assert names(pending.pending_for(owner=owner, scope=SCOPE)) == names(kept)
    stored = kept[0].file.name
    assert stored.startswith(f"pending/{owner.pk}/") and default_storage.open(stored).read() == PDF
    with pytest.raises(NotImplementedError):  # private storage: no public address
        default_storage.url(stored)


@pytest.mark.django_db
def test_the_rows_are_their_owners_and_their_forms_only():
    owner, other = UserFactory(), UserFactory()
    keep(owner, {"evidence_1": [pdf()]})

    assert pending.pending_for(owner=other, scope=SCOPE) == []
    assert pending.pending_for(owner=owner, scope=pending.scope_key("scoring.sheet", 1, 3)) == []
    assert pending.pending_for(owner=None, scope=SCOPE) == []


@pytest.mark.django_db
def test_drop_ignores_the_ids_of_other_people_and_other_forms(django_capture_on_commit_callbacks):
    owner, other = UserFactory(), UserFactory()
    (mine,), _ = keep(owner, {"evidence_1": [pdf()]})
    (elsewhere,), _ = keep(owner, {"evidence_1": [pdf()]}, scope="other:1")
    (theirs,), _ = keep(other, {"evidence_1": [pdf()]})

    with django_capture_on_commit_callbacks(execute=True):
        dropped = pending.pending_drop(owner=owner, scope=SCOPE, ids=[mine.pk, elsewhere.pk, theirs.pk])

    assert dropped == [mine.pk]
    assert sorted(PendingUpload.objects.values_list("pk", flat=True)) == sorted([elsewhere.pk, theirs.pk])
    assert not default_storage.exists(mine.file.name)
    assert default_storage.exists(theirs.file.name)


@pytest.mark.django_db
def test_opened_gives_the_owners_files_named_as_chosen_and_skips_the_others():
    owner, other = UserFactory(), UserFactory()
    (mine,), _ = keep(owner, {"evidence_1": [pdf("bien-ban.pdf")]})
    (theirs,), _ = keep(other, {"evidence_1": [pdf()]})
    (gone,), _ = keep(owner, {"evidence_2": [pdf("mat.pdf")]})
    default_storage.delete(gone.file.name)

    with pending.opened([mine, theirs, gone], owner=owner) as files:
        assert [(row.pk, file.name, file.read()) for row, file in files] == [(mine.pk, "bien-ban.pdf", PDF)]
        handles = [file for _row, file in files]
    assert all(handle.closed for handle in handles)


@pytest.mark.django_db
def test_attached_rows_go_and_their_copies_only_once_the_save_commits(django_capture_on_commit_callbacks):
    owner = UserFactory()
    kept, _ = keep(owner, {"evidence_1": [pdf(), pdf("b.pdf")]})

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        pending.pending_attached(rows=kept)
    assert PendingUpload.objects.count() == 0
    assert all(default_storage.exists(row.file.name) for row in kept)  # not yet: the save may still roll back
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(row.file.name) for row in kept)


@pytest.mark.django_db
def test_at_most_max_per_scope_files_are_kept_the_rest_are_named(monkeypatch):
    monkeypatch.setattr(pending, "MAX_PER_SCOPE", 2)
    owner = UserFactory()
    keep(owner, {"evidence_1": [pdf("a.pdf")]})

    kept, not_kept = keep(owner, {"evidence_1": [pdf("b.pdf"), pdf("c.pdf")]})

    assert (names(kept), not_kept) == ([("evidence_1", "b.pdf")], ["c.pdf"])


def _aged(rows, hours: float) -> None:
    PendingUpload.objects.filter(pk__in=[r.pk for r in rows]).update(
        created_at=timezone.now() - datetime.timedelta(hours=hours)
    )


@pytest.mark.django_db
def test_the_sweep_deletes_the_rows_older_than_a_day_with_their_files(django_capture_on_commit_callbacks):
    owner = UserFactory()
    old, _ = keep(owner, {"evidence_1": [pdf("cu.pdf"), pdf("cu-2.pdf")]})
    recent, _ = keep(owner, {"evidence_1": [pdf("moi.pdf")]})
    _aged(old, 25)
    _aged(recent, 23)

    with django_capture_on_commit_callbacks(execute=True):
        swept = pending.pending_sweep()

    assert swept == 2
    assert names(PendingUpload.objects.all()) == [("evidence_1", "moi.pdf")]
    assert not any(default_storage.exists(row.file.name) for row in old)
    assert default_storage.exists(recent[0].file.name)


@pytest.mark.django_db
def test_the_command_and_the_beat_task_sweep(django_capture_on_commit_callbacks):
    owner = UserFactory()
    first, _ = keep(owner, {"evidence_1": [pdf()]})
    _aged(first, 30)
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_pending_uploads", stdout=out)
    assert "1" in out.getvalue() and PendingUpload.objects.count() == 0

    second, _ = keep(owner, {"evidence_1": [pdf()]})
    _aged(second, 30)
    with django_capture_on_commit_callbacks(execute=True):
        sweep_pending_uploads_task.delay()
    assert PendingUpload.objects.count() == 0 and not default_storage.exists(second[0].file.name)


def test_beat_sweeps_every_hour():
    assert settings.CELERY_BEAT_SCHEDULE["sweep-pending-uploads"] == {
        "task": "core.sweep_pending_uploads",
        "schedule": 3600.0,
    }


def test_the_validator_refuses_what_it_refuses():
    """The check handed to pending_keep is the form's own: here an exe named .pdf (guards the test above)."""
    with pytest.raises(ValidationError):
        check(SimpleUploadedFile("x.pdf", EXE))
