"""Ask for a rendering (stored, versioned) and do it (in the Celery worker's "documents" queue)."""

import time

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify

from core.audit import audit
from core.models import RenderedDocument

from . import registry
from .render import render_docx, render_pdf


@transaction.atomic
def document_request(*, kind: str, obj, fmt: str, by) -> RenderedDocument:
    """Queue a rendering of `obj` as `fmt` (pdf/docx); the caller has checked the right to do so."""
    spec = registry.get(kind)
    rendered = RenderedDocument.objects.create(
        kind=kind, object_id=str(obj.pk), object_version=spec.version(obj), format=fmt, requested_by=by
    )
    audit(by, "core.document.requested", rendered, kind=kind, format=fmt)
    from core.tasks import render_document_task

    transaction.on_commit(lambda: render_document_task.delay(rendered.pk))
    return rendered


def document_render(*, rendered_id: int) -> RenderedDocument:
    """Render and store one requested document; claims it first so two workers never both render it."""
    claimed = RenderedDocument.objects.filter(
        Q(status=RenderedDocument.Status.PENDING) | Q(status=RenderedDocument.Status.FAILED), pk=rendered_id
    ).update(status=RenderedDocument.Status.RENDERING)
    rendered = RenderedDocument.objects.get(pk=rendered_id)
    if not claimed:
        return rendered
    spec = registry.get(rendered.kind)
    started = time.perf_counter()
    try:
        document = spec.build(spec.load(rendered.object_id))
        content = render_pdf(document) if rendered.format == "pdf" else render_docx(document)
    except Exception as exc:  # any failure is recorded on the row and shown to the user
        rendered.status = RenderedDocument.Status.FAILED
        rendered.error = f"{type(exc).__name__}: {exc}"[:2000]
        rendered.save(update_fields=["status", "error", "updated_at"])
        raise
    name = f"{slugify(document.file_stem)}.{rendered.format}"
    rendered.file.save(name, ContentFile(content), save=False)
    rendered.file_name = name
    rendered.seconds = round(time.perf_counter() - started, 3)
    rendered.status = RenderedDocument.Status.DONE
    rendered.error = ""
    rendered.save(update_fields=["file", "file_name", "seconds", "status", "error", "updated_at"])
    return rendered


def documents_for(*, kind: str, obj) -> list[RenderedDocument]:
    return list(RenderedDocument.objects.filter(kind=kind, object_id=str(obj.pk)).order_by("-created_at", "-id"))
