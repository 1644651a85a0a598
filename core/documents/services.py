"""Ask for a rendering (stored, versioned), do it (in the Celery worker's "documents" queue), and see that every
rendering ends: done, or failed with a reason the page puts in words and a "Try again".

A rendering is handed to the documents queue when its request commits (`hand_over`). The task is acknowledged
only once it ends (acks_late), and `document_render` claims the row first, so a message delivered twice never
renders twice. What no worker finishes, the beat's sweep (`renderings_sweep`) hands over again or marks failed.

A rendering belongs to the revision of the record's text and its state (draft or issued) it was made from, as the
worker found them: a second request of the same revision, format and state reuses the first, and a draft's
renderings are its editors' alone (`visibility`, `visible_rendering`)."""

import logging
import time
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify
from kombu.exceptions import OperationalError

from core.audit import audit
from core.models import RenderedDocument
from core.permissions import can, ensure_can

from . import registry
from .render import render_docx, render_pdf

logger = logging.getLogger(__name__)

Status = RenderedDocument.Status
Failure = RenderedDocument.Failure
SWEEP_BATCH = 500  # renderings handed over by one sweep at most (the next sweep takes the rest)


State = RenderedDocument.State
# A rendering a new request of the same revision, format and state reuses: under way, made, or waiting for the
# broker (the sweep hands it over by itself).
REUSABLE = Q(status__in=[Status.PENDING, Status.RENDERING, Status.DONE]) | Q(
    status=Status.FAILED, failure=Failure.UNSENT
)


def state_of(spec: registry.Renderable, record) -> str:
    return State.DRAFT if spec.is_draft(record) else State.ISSUED


@transaction.atomic
def document_request(*, kind: str, obj, fmt: str, by) -> RenderedDocument:
    """Queue a rendering of `obj` as `fmt` (pdf/docx) as it stands (its revision, draft or issued); the caller has
    checked the right to do so. A rendering of that revision, format and state already asked for (under way, made,
    or waiting for the broker) is returned instead (`reused` set on it): requests of one record wait for each other
    (its row locked), so ten clicks make one file.

    Handed over once the request commits; if the broker cannot be reached then, the rendering is marked failed
    (`failure` UNSENT, on the returned row too when the commit is this function's own) and the sweep hands it over
    when the broker is back."""
    spec = registry.get(kind)
    list(type(obj)._default_manager.select_for_update().filter(pk=obj.pk).values_list("pk", flat=True))
    revision, state = spec.revision(obj), state_of(spec, obj)
    same = RenderedDocument.objects.filter(
        REUSABLE, kind=kind, object_id=str(obj.pk), format=fmt, object_revision=revision, state=state
    )
    existing = same.order_by("-id").first()
    if existing is not None:
        existing.reused = True
        return existing
    rendered = RenderedDocument.objects.create(
        kind=kind,
        object_id=str(obj.pk),
        object_version=spec.version(obj),
        object_revision=revision,
        state=state,
        format=fmt,
        requested_by=by,
        attempts=1,
    )
    rendered.reused = False
    audit(by, "core.document.requested", rendered, kind=kind, format=fmt, revision=revision, state=state)
    transaction.on_commit(lambda: _hand_over_row(rendered))
    return rendered


@transaction.atomic
def document_retry(*, rendered: RenderedDocument, by) -> RenderedDocument:
    """Hand a failed rendering over again, with its attempts counted afresh (the page's "Try again"); the caller
    has checked the right to ask for it. A rendering that has not failed (asked twice, or already retried by the
    sweep) is left as it is."""
    retried = RenderedDocument.objects.filter(pk=rendered.pk, status=Status.FAILED).update(
        status=Status.PENDING, failure="", error="", claimed_at=None, attempts=1, updated_at=timezone.now()
    )
    rendered.refresh_from_db()
    if retried:
        audit(by, "core.document.retried", rendered, kind=rendered.kind, format=rendered.format)
        transaction.on_commit(lambda: _hand_over_row(rendered))
    return rendered


def hand_over(rendered_id: int) -> bool:
    """Publish the rendering task of a pending row (committed); True when the broker took it. If it cannot be
    reached (the publish gives up within seconds: CELERY_BROKER_CONNECTION_TIMEOUT), the row is marked failed,
    UNSENT, and this hand-over is not counted in its attempts."""
    from core.tasks import render_document_task

    try:
        render_document_task.delay(rendered_id)
    except OperationalError as exc:  # kombu's wrapper of every connection error of a publish
        error = f"The broker could not be reached: {type(exc).__name__}: {exc}"[:2000]
        logger.warning("Rendering %s was not handed over: %s", rendered_id, error)
        RenderedDocument.objects.filter(pk=rendered_id, status=Status.PENDING).update(
            status=Status.FAILED,
            failure=Failure.UNSENT,
            error=error,
            attempts=F("attempts") - 1,
            updated_at=timezone.now(),
        )
        return False
    return True


def _hand_over_row(rendered: RenderedDocument) -> None:
    if not hand_over(rendered.pk):
        rendered.refresh_from_db(fields=["status", "failure", "error", "attempts", "updated_at"])


def document_render(*, rendered_id: int) -> RenderedDocument:
    """Render and store one requested document, once.

    The claim takes a pending row, or one whose claim is older than RENDER_STUCK_SECONDS (its worker was lost); a
    row another worker claimed since (a message delivered again while it renders) is left alone. The outcome is
    written only while this call's claim (`claimed_at`) still holds: a worker that comes back after the sweep
    handed its rendering over again writes nothing, and its file is deleted."""
    now = timezone.now()
    claimed = (
        RenderedDocument.objects.filter(pk=rendered_id)
        .filter(Q(status=Status.PENDING) | _stuck(now))
        .update(status=Status.RENDERING, claimed_at=now, updated_at=now)
    )
    rendered = RenderedDocument.objects.get(pk=rendered_id)
    if not claimed:
        logger.info(
            "Rendering %s not started again: it is %s (claimed at %s)",
            rendered_id,
            rendered.status,
            rendered.claimed_at,
        )
        return rendered
    spec = registry.get(rendered.kind)
    started = time.perf_counter()
    try:
        record = spec.load(rendered.object_id)
        version, revision, state = spec.version(record), spec.revision(record), state_of(spec, record)
        document = spec.build(record)
        content = render_pdf(document) if rendered.format == "pdf" else render_docx(document)
    except SoftTimeLimitExceeded as exc:
        _fail(rendered, Failure.TIMEOUT, exc)
        raise
    except Exception as exc:  # any failure is recorded on the row and shown to the user
        _fail(rendered, Failure.ERROR, exc)
        raise
    name = file_name(document.file_stem, rendered.format, state=state, revision=revision)
    rendered.file.save(name, ContentFile(content), save=False)
    done = _still_claimed(rendered).update(
        file=rendered.file.name,
        file_name=name,
        # What was rendered, which may be newer than what was asked for (saved, or issued, meanwhile).
        object_version=version,
        object_revision=revision,
        state=state,
        seconds=round(time.perf_counter() - started, 3),
        status=Status.DONE,
        failure="",
        error="",
        updated_at=timezone.now(),
    )
    if not done:
        logger.warning("Rendering %s lost its claim while rendering; its file is discarded", rendered_id)
        rendered.file.delete(save=False)
    return RenderedDocument.objects.get(pk=rendered_id)


def file_name(stem: str, fmt: str, *, state: str, revision: int) -> str:
    """The issued document's file is named as the document (its stem carries its version: "…-v3.pdf"); a draft's
    says it is one, and which revision of the text ("…-v3-du-thao-r7.pdf")."""
    stem = slugify(stem) or "van-ban"
    if state == State.DRAFT:
        stem = f"{stem}-du-thao-r{revision}"
    return f"{stem}.{fmt}"


def _stuck(now: datetime) -> Q:
    """Rendering, claimed longer ago than RENDER_STUCK_SECONDS (rows claimed before claims were recorded: last
    changed that long ago)."""
    cutoff = now - timedelta(seconds=settings.RENDER_STUCK_SECONDS)
    return Q(status=Status.RENDERING) & (Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True, updated_at__lt=cutoff))


def _still_claimed(rendered: RenderedDocument) -> QuerySet[RenderedDocument]:
    return RenderedDocument.objects.filter(pk=rendered.pk, status=Status.RENDERING, claimed_at=rendered.claimed_at)


def _fail(rendered: RenderedDocument, failure: str, exc: BaseException) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    _still_claimed(rendered).update(status=Status.FAILED, failure=failure, error=error, updated_at=timezone.now())


def renderings_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Beat (every RENDER_SWEEP_SECONDS): no rendering waits for ever. Hand over again each rendering claimed
    longer ago than RENDER_STUCK_SECONDS (its worker was lost), waiting longer than RENDER_PENDING_SECONDS (its
    message was lost, or no documents worker runs) or failed because the broker could not be reached; one handed
    over RENDER_MAX_ATTEMPTS times already is marked failed with the reason instead. Returns the counts."""
    now = now or timezone.now()
    waiting = Q(status=Status.PENDING, updated_at__lt=now - timedelta(seconds=settings.RENDER_PENDING_SECONDS))
    unsent = Q(status=Status.FAILED, failure=Failure.UNSENT)
    cases = [
        (_stuck(now), Failure.INTERRUPTED, "Interrupted: no worker finished it"),
        (waiting, Failure.NOT_STARTED, "Not started: no worker took it up"),
        (unsent, Failure.NOT_STARTED, "Not started: the broker could not be reached"),
    ]
    counts = {"handed_over": 0, "unsent": 0, "given_up": 0}
    for condition, failure, reason in cases:
        rows = RenderedDocument.objects.filter(condition)
        error = f"{reason} after {settings.RENDER_MAX_ATTEMPTS} attempt(s)."
        counts["given_up"] += rows.filter(attempts__gte=settings.RENDER_MAX_ATTEMPTS).update(
            status=Status.FAILED, failure=failure, error=error, updated_at=now
        )
        for pk in list(
            rows.filter(attempts__lt=settings.RENDER_MAX_ATTEMPTS).values_list("pk", flat=True)[:SWEEP_BATCH]
        ):
            # Fenced: only a row still in the state it was found in (another sweep, or its worker, may have moved it).
            taken = RenderedDocument.objects.filter(condition, pk=pk, attempts__lt=settings.RENDER_MAX_ATTEMPTS).update(
                status=Status.PENDING, failure="", claimed_at=None, attempts=F("attempts") + 1, updated_at=now
            )
            if taken:
                counts["handed_over" if hand_over(pk) else "unsent"] += 1
    if any(counts.values()):
        logger.warning("Renderings swept: %s", counts)
    return counts


def documents_for(*, kind: str, obj) -> list[RenderedDocument]:
    return list(RenderedDocument.objects.filter(kind=kind, object_id=str(obj.pk)).order_by("-created_at", "-id"))


# --- who sees a rendering ---------------------------------------------------------------------------------------


def may_edit(spec: registry.Renderable, record, user) -> bool:
    """Whether `user` may edit the record's drafts (the kind's `edit_action`, asked with its scope)."""
    return bool(spec.edit_action) and can(user, spec.edit_action, spec.scope(record))


def visibility(spec: registry.Renderable, record, user):
    """A test of the renderings of `record` `user` sees (the right to the record's documents asked apart): its
    editors every one (a draft's labelled as such); anyone else only those of the issued text as it is issued now
    (the current revision, rendered while issued), none while it is a draft."""
    if may_edit(spec, record, user):
        return lambda rendered: True
    if spec.is_draft(record):
        return lambda rendered: False
    revision = spec.revision(record)
    return lambda rendered: rendered.state == State.ISSUED and rendered.object_revision == revision


def visible_rendering(pk, user) -> tuple[RenderedDocument, registry.Renderable, object]:
    """(the rendering, its kind, its record) for the views of one rendering (download, status, retry): a rendering
    `user` may not see (a draft's to anyone but its editors, one of another revision than the issued one) is a 404,
    as is one of a record gone; then the right to the record's documents is asked (PermissionDenied)."""
    rendered = RenderedDocument.objects.filter(pk=pk).first()
    if rendered is None:
        raise Http404
    spec = registry.get(rendered.kind)
    try:
        record = spec.load(rendered.object_id)
    except ObjectDoesNotExist:
        raise Http404 from None
    if not visibility(spec, record, user)(rendered):
        raise Http404
    ensure_can(user, spec.view_action, record)
    return rendered, spec, record
