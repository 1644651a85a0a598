"""Ask for a rendering (stored, versioned), do it (in the Celery worker's "documents" queue), and see that every
rendering ends: done, or failed with a reason the page puts in words and a "Try again".

A rendering is handed to the documents queue when its request commits (`hand_over`). The task is acknowledged
only once it ends (acks_late), and `document_render` claims the row first, so a message delivered twice never
renders twice. What no worker finishes, the beat's sweep (`renderings_sweep`) hands over again or marks failed."""

import logging
import time
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from kombu.exceptions import OperationalError

from core.audit import audit
from core.models import RenderedDocument

from . import registry
from .render import render_docx, render_pdf

logger = logging.getLogger(__name__)

Status = RenderedDocument.Status
Failure = RenderedDocument.Failure
SWEEP_BATCH = 500  # renderings handed over by one sweep at most (the next sweep takes the rest)


@transaction.atomic
def document_request(*, kind: str, obj, fmt: str, by) -> RenderedDocument:
    """Queue a rendering of `obj` as `fmt` (pdf/docx); the caller has checked the right to do so.

    Handed over once the request commits; if the broker cannot be reached then, the rendering is marked failed
    (`failure` UNSENT, on the returned row too when the commit is this function's own) and the sweep hands it over
    when the broker is back."""
    spec = registry.get(kind)
    rendered = RenderedDocument.objects.create(
        kind=kind, object_id=str(obj.pk), object_version=spec.version(obj), format=fmt, requested_by=by, attempts=1
    )
    audit(by, "core.document.requested", rendered, kind=kind, format=fmt)
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
        version = spec.version(record)
        document = spec.build(record)
        content = render_pdf(document) if rendered.format == "pdf" else render_docx(document)
    except SoftTimeLimitExceeded as exc:
        _fail(rendered, Failure.TIMEOUT, exc)
        raise
    except Exception as exc:  # any failure is recorded on the row and shown to the user
        _fail(rendered, Failure.ERROR, exc)
        raise
    name = f"{slugify(document.file_stem)}.{rendered.format}"
    rendered.file.save(name, ContentFile(content), save=False)
    done = _still_claimed(rendered).update(
        file=rendered.file.name,
        file_name=name,
        object_version=version,  # the version rendered, which may be newer than the one asked for
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
