"""What every page of an official document shares about its files: the buttons that ask for a PDF or DOCX
rendering (each a POST to the app's own render view), the list of stored renderings (the partial
core/_document_files.html; each row polls its progress through core/_document_status.html), and the
render view's work once the app has loaded the record and checked the rights to its page."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import ensure_can

from .services import document_request, documents_for

FORMATS = {"pdf": "PDF", "docx": "DOCX"}


def known_format(view):
    """For an app's render view (`…/render/<fmt>/`): a format we do not render is a 404, before anything is read."""

    @wraps(view)
    def wrapped(request, *args, fmt, **kwargs):
        if fmt not in FORMATS:
            raise Http404
        return view(request, *args, fmt=fmt, **kwargs)

    return wrapped


def render_actions(url_name: str, *args) -> list[tuple[str, str]]:
    """(label, URL) of each format's render button; `args` are the render URL's own, the format comes last."""
    return [(label, reverse(url_name, args=[*args, fmt])) for fmt, label in FORMATS.items()]


def rendered_documents(kind: str, obj, *, version: int | None = None) -> list:
    """The stored renderings of a record, newest first, with who asked for each (one query more when there are
    any); with `version`, only those of that version of the record."""
    documents = documents_for(kind=kind, obj=obj)
    if version is not None:
        documents = [d for d in documents if d.object_version == version]
    prefetch_related_objects(documents, "requested_by")
    return documents


def request_rendering(
    request,
    obj,
    *,
    kind: str,
    action: str,
    fmt: str,
    then: HttpResponse,
    refusal: Callable[[], str | None] | None = None,
) -> HttpResponse:
    """The end of an app's render view: the right `action` asked with the record, then `refusal` (a reason the
    record cannot be rendered yet, or None), then the rendering queued with a message; `then` either way
    (the redirect back to the page's files)."""
    ensure_can(request.user, action, obj)
    reason = refusal() if refusal is not None else None
    if reason:
        messages.error(request, reason)
        return then
    document_request(kind=kind, obj=obj, fmt=fmt, by=request.user)
    messages.info(
        request, _("The %(format)s file is being prepared; it appears below when ready.") % {"format": FORMATS[fmt]}
    )
    return then
