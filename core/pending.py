"""Files chosen on a form that was refused for something else: kept for their owner until the next save.

A browser never fills a file input again, so a form refused for one mistyped value would lose every file chosen
with it. Instead the files that pass their own checks are stored in private storage as `PendingUpload` rows of
their owner and the form's scope (`scope_key`), the form lists them again with a box to drop each
(`pending_for`, `pending_drop`), and the save that succeeds attaches them (`opened`) and removes them in its own
transaction (`pending_attached`). What is never saved is swept after a day (`pending_sweep`: the beat task
core.sweep_pending_uploads and the command sweep_pending_uploads).

No audit rows: a pending file is the person's unsaved input, not a record; the save that attaches it is audited."""

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from .models import PendingUpload

KEEP_FOR = datetime.timedelta(days=1)
# Per owner and form: enough for any real form, and a bound on what repeated refused posts can pile up.
MAX_PER_SCOPE = 50


def scope_key(*parts: object) -> str:
    """What a form edits, as a pending upload remembers it: ("scoring.sheet", year id, unit id) → "scoring.sheet:3:7"
    (the record itself may not be saved yet)."""
    return ":".join(str(part) for part in parts)


def pending_for(*, owner, scope: str) -> list[PendingUpload]:
    """The owner's pending uploads of a form, oldest first (one query). Nobody else's are ever read."""
    if not getattr(owner, "pk", None):
        return []
    return list(PendingUpload.objects.filter(owner=owner, scope=scope).order_by("created_at", "id"))


def by_field(rows: Iterable[PendingUpload]) -> dict[str, list[PendingUpload]]:
    grouped: dict[str, list[PendingUpload]] = {}
    for row in rows:
        grouped.setdefault(row.field, []).append(row)
    return grouped


def pending_keep(
    *,
    owner,
    scope: str,
    uploads: dict[str, list[UploadedFile]],
    validate: Callable[[UploadedFile], None],
) -> tuple[list[PendingUpload], list[str]]:
    """Keep the files chosen in each field (`uploads`, by field name) for the owner's next save of the form.

    Each file is checked again with `validate` (the field's own validator): a file refused for itself is not kept
    (the form says why on its field). Returns the rows kept and the names of the files that were valid but not kept
    (beyond MAX_PER_SCOPE), which the person must choose again."""
    room = MAX_PER_SCOPE - PendingUpload.objects.filter(owner=owner, scope=scope).count()
    kept, not_kept = [], []
    for field, files in uploads.items():
        for upload in files:
            try:
                validate(upload)
            except ValidationError:
                continue
            if room <= 0:
                not_kept.append(upload.name)
                continue
            row = PendingUpload(
                owner=owner, scope=scope, field=field, original_name=upload.name[:255], size=upload.size
            )
            upload.seek(0)
            row.file.save(upload.name, upload, save=False)
            try:
                row.save()
            except Exception:
                row.file.delete(save=False)
                raise
            kept.append(row)
            room -= 1
    return kept, not_kept


def _delete_files_on_commit(names: list[str], storage) -> None:
    def delete() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def pending_drop(*, owner, scope: str, ids: Iterable[int]) -> list[int]:
    """Drop the owner's pending uploads `ids` of this form ("remove" ticked): ids of other people or other forms
    are ignored. Returns the ids dropped."""
    rows = list(PendingUpload.objects.filter(owner=owner, scope=scope, pk__in=list(ids)))
    if rows:
        PendingUpload.objects.filter(pk__in=[r.pk for r in rows]).delete()
        _delete_files_on_commit([r.file.name for r in rows], rows[0].file.storage)
    return [r.pk for r in rows]


@contextlib.contextmanager
def opened(rows: Iterable[PendingUpload], *, owner) -> Iterator[list[tuple[PendingUpload, File]]]:
    """Each of the owner's rows with its stored file open, named as it was chosen (to be saved where the form keeps
    files); a row of someone else, or whose file is gone, is left out. The files are closed at the end."""
    pairs = []
    try:
        for row in rows:
            if row.owner_id != owner.pk:
                continue
            try:
                handle = row.file.storage.open(row.file.name, "rb")
            except FileNotFoundError:
                continue
            pairs.append((row, File(handle, name=row.original_name)))
        yield pairs
    finally:
        for _row, file in pairs:
            file.close()


def pending_attached(*, rows: Iterable[PendingUpload]) -> None:
    """The save that attached these rows' files succeeded: call it inside that save's transaction. The rows go with
    it; their stored copies once it commits (a save rolled back keeps both)."""
    rows = [row for row in rows if row.pk]
    if not rows:
        return
    PendingUpload.objects.filter(pk__in=[r.pk for r in rows]).delete()
    _delete_files_on_commit([r.file.name for r in rows], rows[0].file.storage)


def pending_sweep(*, now: datetime.datetime | None = None, older_than: datetime.timedelta = KEEP_FOR) -> int:
    """Delete the pending uploads kept longer than `older_than` (a day), with their files. Returns how many."""
    cutoff = (now or timezone.now()) - older_than
    swept = 0
    while True:
        batch = list(PendingUpload.objects.filter(created_at__lt=cutoff).order_by("id")[:500])
        if not batch:
            return swept
        with transaction.atomic():
            PendingUpload.objects.filter(pk__in=[r.pk for r in batch]).delete()
            _delete_files_on_commit([r.file.name for r in batch], batch[0].file.storage)
        swept += len(batch)
