"""What every page of an official document shares.

About its files: the buttons that ask for a PDF or DOCX rendering (each a POST to the app's own render view), the
list of stored renderings (the partial core/_document_files.html; each row polls its progress through
core/_document_status.html, and a failed one offers "Try again": `rendering_retry`), and the render view's work once
the app has loaded the record and checked the rights to its page (`request_rendering`). About its preview: the
framed response with its CSP (`framed`).

And the pages of an issued document (a kind of `core.documents.lifecycle`), each view of an app a line that finds
the scope (the year) and calls one of these: `document_context` (what the document's page shows of it),
`issue_view`, `new_version_view`, `editor_view` (single-form editors), `preview_view`, `rendering_view`."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_service_errors
from core.locking import StaleEdit
from core.models import RenderedDocument
from core.permissions import can, ensure_can

from . import lifecycle, registry
from .render import render_html
from .services import document_request, document_retry, documents_for, may_edit, visibility, visible_rendering
from .signing import authority_warnings

FORMATS = {"pdf": "PDF", "docx": "DOCX"}
# A preview is a whole document page framed by our own pages: it may be framed by 'self', and needs nothing but
# our stylesheet and fonts.
PREVIEW_CSP = "default-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; frame-ancestors 'self'"


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


def rendered_documents(kind: str, obj, *, version: int | None = None, user=None) -> list:
    """The stored renderings of a record, newest first, with who asked for each (one query more when there are
    any); with `version`, only those of that version of the record; with `user`, only those they may see (a
    draft's to its editors alone; to anyone else, once issued, those of the issued text)."""
    documents = documents_for(kind=kind, obj=obj)
    if version is not None:
        documents = [d for d in documents if d.object_version == version]
    if user is not None:
        sees = visibility(registry.get(kind), obj, user)
        documents = [d for d in documents if sees(d)]
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
    record cannot be rendered yet, or None), then, for a draft, the right to edit it (its files are its editors'
    alone), then the rendering queued with a message (or the one of the same text already asked for offered
    again); `then` either way (the redirect back to the page's files)."""
    ensure_can(request.user, action, obj)
    reason = refusal() if refusal is not None else None
    if reason:
        messages.error(request, reason)
        return then
    spec = registry.get(kind)
    if spec.is_draft(obj) and not may_edit(spec, obj, request.user):  # it would make a file they cannot see
        messages.error(
            request,
            _("Files of a draft are made for those who edit it; this one can be downloaded once it is issued."),
        )
        return then
    rendered = document_request(kind=kind, obj=obj, fmt=fmt, by=request.user)
    if rendered.will_retry:
        messages.warning(request, unsent_message(fmt))
    elif rendered.reused and rendered.status == RenderedDocument.Status.DONE:
        messages.info(
            request,
            _("The %(format)s file of this text is already made: download it below.") % {"format": FORMATS[fmt]},
        )
    elif rendered.reused:
        messages.info(
            request,
            _("The %(format)s file of this text is already being prepared; it appears below when ready.")
            % {"format": FORMATS[fmt]},
        )
    else:
        messages.info(
            request,
            _("The %(format)s file is being prepared; it appears below when ready.") % {"format": FORMATS[fmt]},
        )
    return then


def unsent_message(fmt: str) -> str:
    return _(
        "The file server is paused for now; the %(format)s file will be made as soon as it is reachable again."
    ) % {"format": FORMATS[fmt]}


@login_required
@require_POST
def rendering_retry(request, pk):
    """A failed rendering's "Try again": handed over again, to whoever may see it (as its download: a draft's
    editors alone) and ask for it (the right to the record's documents, with which its render view asks for one).
    From the page's HTMX, the row's new state; without JavaScript, back to the page."""
    rendered, _spec, _record = visible_rendering(pk, request.user)
    rendered = document_retry(rendered=rendered, by=request.user)
    if request.headers.get("HX-Request"):
        return render(request, "core/_document_status.html", {"doc": rendered})
    if rendered.will_retry:
        messages.warning(request, unsent_message(rendered.format))
    else:
        messages.info(
            request,
            _("The %(format)s file is being prepared; it appears below when ready.")
            % {"format": FORMATS[rendered.format]},
        )
    back = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = "/"
    return redirect(back)


def framed(html: str) -> HttpResponse:
    """A document's preview, for the frame of our own pages: its CSP, and never cached (after a save, or a
    record it reads changed meanwhile, the frame shows the new text)."""
    response = HttpResponse(html)
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"
    return response


# --- the pages of an issued document (core.documents.lifecycle) ------------------------------------------------


def current_or_404(kind: lifecycle.IssuedKind, scope):
    record = kind.current(scope)
    if record is None:
        raise Http404
    return record


def back_to_page(kind: lifecycle.IssuedKind, scope, anchor: str = "") -> HttpResponse:
    return redirect(kind.url("page", scope, anchor))


def issue_initial(kind: lifecycle.IssuedKind, record) -> dict:
    """The issue form's initial values: the version the page shows, and the number it would take (none when the
    record keeps the number of an earlier issue)."""
    initial = {"version": getattr(record, kind.version_field)}
    if record.number is None:
        initial["number"] = lifecycle.next_number(kind, record)
    return initial


def document_context(request, kind: lifecycle.IssuedKind, scope, record, *, issue_form=None, form_class=None):
    """What the page of an issued document shows of it (core/document_page.html): the record (under the kind's
    name and as `record`), the rights, the files, the URLs, and while the record is a draft its user may issue
    (`editing`) the issue form: a new one from `form_class` unless `issue_form` is the one just refused; none while
    the page lists why it cannot be issued yet (`issue_problems`, for a kind with `problems_on_page`)."""
    user = request.user
    may_edit = can(user, kind.edit_action, scope)
    may_read_document = record is not None and can(user, kind.document_action, record)
    editing = record is not None and may_edit and not record.is_issued
    problems = kind.issue_problems(record) if editing and kind.problems_on_page else []
    if editing and issue_form is None and not problems and form_class is not None:
        issue_form = form_class(initial=issue_initial(kind, record))
    return {
        **kind.scope_context(scope),
        kind.slug: record,
        "record": record,
        "lifecycle": kind,
        "urls": kind.urls(scope),
        "shown_version": kind.version(record) if record is not None else None,
        "may_edit": may_edit,
        "editing": editing,
        "may_read_document": may_read_document,
        "documents": rendered_documents(kind.name, record, user=user) if may_read_document else [],
        "issue_form": issue_form,
        "issue_problems": problems,
        "render_actions": render_actions(kind.url_name("render"), *kind.url_args(scope)),
    }


def issue_view(request, kind: lifecycle.IssuedKind, scope, *, form_class, page: Callable) -> HttpResponse:
    """The issue form's POST: issued (with the kind's message) and back to the page, or the page again with the
    form and the reason (`page(request, scope, record, issue_form=form)`, the record as stored: a refused issue
    changed nothing)."""
    ensure_can(request.user, kind.edit_action, scope)
    record = current_or_404(kind, scope)
    if record.is_issued:
        messages.error(request, str(kind.already_issued))
        return back_to_page(kind, scope)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            issued = lifecycle.issue(
                kind,
                record,
                number=form.cleaned_data["number"],
                expected_version=form.cleaned_data.get("version"),
                values=form.issue_values(),
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, kind.issued_message % {"number": issued.number_text})
            return back_to_page(kind, scope)
    return page(request, scope, current_or_404(kind, scope), issue_form=form)


def new_version_view(request, kind: lifecycle.IssuedKind, scope) -> HttpResponse:
    """The "New version" POST: the correction's draft in the editor (on its page, for a kind without one), or back to
    the page with the reason."""
    ensure_can(request.user, kind.edit_action, scope)
    record = current_or_404(kind, scope)
    try:
        new = lifecycle.new_version(kind, record, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return back_to_page(kind, scope)
    messages.success(request, kind.reopened_message % {"version": kind.version(new)})
    return redirect(kind.url("edit", scope)) if "edit" in kind.pages else back_to_page(kind, scope)


def editable_or_back(request, kind: lifecycle.IssuedKind, scope):
    """(the record to edit, None), a new one from the defaults before the first save; or (the record, a redirect
    to its page with the reason it cannot be edited: issued is frozen)."""
    record = kind.current(scope)
    if record is None:
        return kind.initial(scope), None
    try:
        lifecycle.ensure_editable(kind, record, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return record, back_to_page(kind, scope)
    return record, None


def editor_context(kind: lifecycle.IssuedKind, scope, record, form) -> dict:
    return {
        **kind.scope_context(scope),
        kind.slug: record,
        "record": record,
        "lifecycle": kind,
        "urls": kind.urls(scope),
        "shown_version": kind.version(record),
        "form": form,
    }


def editor_view(request, kind: lifecycle.IssuedKind, scope, *, form_class, context: Callable | None = None):
    """The editor of a single-form kind (core/document_editor.html): the draft saved with its optimistic lock,
    back to the editor with the kind's message; a stale save keeps what was typed, on top of the version saved
    meanwhile (saving again overwrites it); any other refusal shows on the form. `context(scope, record, form)`
    adds the kind's own."""
    ensure_can(request.user, kind.edit_action, scope)
    record, turned_back = editable_or_back(request, kind, scope)
    if turned_back is not None:
        return turned_back
    data = request.POST if request.method == "POST" else None
    form = form_class(data, instance=record)
    if data is not None and form.is_valid():
        try:
            lifecycle.save_draft(kind, form.instance, expected_version=form.cleaned_data["version"], by=request.user)
        except StaleEdit as error:
            form.add_error(None, error)
            current = kind.in_scope(scope).values_list(kind.version_field, flat=True).first()
            rebound = data.copy()
            rebound["version"] = str(current or "")
            form.data = rebound
            if record.pk is None and current is not None:
                form.instance = kind.current(scope)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, str(kind.saved_message))
            saved = form.instance
            if hasattr(saved, "signer_authority"):  # the kinds with a signature block of their own
                for warning in authority_warnings(saved.signer_authority, getattr(saved, "signer_position", "")):
                    messages.warning(request, warning)
            return redirect(kind.url("edit", scope))
    extra = context(scope, record, form) if context is not None else {}
    return render(request, kind.templates["edit"], {**editor_context(kind, scope, record, form), **extra})


def preview_view(request, kind: lifecycle.IssuedKind, scope, *, form_class=None) -> HttpResponse:
    """The document as its PDF will read, framed. GET: as saved (before the first save, its writer sees the
    defaults when the kind says so, `preview_defaults`). POST with a `form_class` (the editor's "Update the
    preview"): the text being typed, not saved; a form that fails lists what to correct."""
    ensure_can(request.user, kind.page_action, scope)
    record = kind.current(scope)
    typed = request.method == "POST" and form_class is not None
    if record is None:
        if not kind.preview_defaults:
            raise Http404
        ensure_can(request.user, kind.edit_action, scope)
        record = kind.initial(scope)
    else:
        if typed:
            ensure_can(request.user, kind.edit_action, scope)
        ensure_can(request.user, kind.document_action, record)
    if typed:
        form = form_class(request.POST, instance=record)
        if not form.is_valid():
            return framed(render_to_string("core/document_preview_errors.html", {"form": form}, request))
        record = form.instance
    return framed(render_html(kind.build(record)))


def rendering_view(
    request, kind: lifecycle.IssuedKind, scope, *, fmt: str, refusal: Callable | None = None
) -> HttpResponse:
    """The render button's POST: the rendering of the record the page shows is queued, back to its files;
    `refusal(record)` may say why it cannot be rendered yet."""
    ensure_can(request.user, kind.page_action, scope)
    record = current_or_404(kind, scope)
    back = back_to_page(kind, scope, "#documents")
    return request_rendering(
        request,
        record,
        kind=kind.name,
        action=kind.document_action,
        fmt=fmt,
        then=back,
        refusal=(lambda: refusal(record)) if refusal is not None else None,
    )
