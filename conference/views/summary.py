"""Pages of the bloc's summary report: the page (status, what it compiles, the preview, files, sending for
comments, issue, correction), the editor with the quote picker and the preview of the unsaved text."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from blocs.services import register_next_number
from blocs.shortcuts import year_or_404
from core.documents import render_html
from core.documents.views import known_format, render_actions, rendered_documents, request_rendering
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from ..documents.summary import REPORT_NAMES, summary_document
from ..forms.summary import SendForm, SummaryForm, SummaryIssueForm
from ..models import SummaryReport
from ..services import summary as services
from ..services.comments import comment_window
from ..views.plan import PREVIEW_CSP

DOCUMENT_KIND = "conference.summary"


def _stored(emulation_year) -> SummaryReport | None:
    summary = services.current_summary(emulation_year)
    if summary is not None:
        summary.year = emulation_year  # loaded once, with its bloc and province
    return summary


def _current(emulation_year) -> SummaryReport:
    summary = _stored(emulation_year)
    if summary is None:
        raise Http404
    return summary


def _to_page(emulation_year, anchor: str = ""):
    url = reverse("conference:summary", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
    return redirect(url + anchor)


def _page(request, emulation_year, summary, *, issue_form=None, status=200):
    user = request.user
    may_edit = can(user, "conference.summary.edit", emulation_year)
    may_read_document = summary is not None and can(user, "conference.summary.document", summary)
    documents = []
    if may_read_document:
        documents = rendered_documents(DOCUMENT_KIND, summary)
    editing = summary is not None and not summary.is_issued and may_edit
    problems = services.issue_problems(summary) if editing else []
    if editing and issue_form is None and not problems:
        if summary.number:
            issue_form = SummaryIssueForm(initial={"version": summary.version})
        else:
            suggested = register_next_number(
                bloc=emulation_year.bloc, year=summary.dated.year, doc_type=services.DOC_TYPE
            )
            issue_form = SummaryIssueForm(initial={"number": suggested, "version": summary.version})
    sees_data = may_read_document or (summary is None and may_edit)
    compiled = services.compile_summary(emulation_year) if sees_data else None
    window = comment_window(emulation_year) if editing else None
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "summary": summary,
        "may_edit": may_edit,
        "editing": editing,
        "may_read_document": may_read_document,
        "documents": documents,
        "issue_form": issue_form,
        "issue_problems": problems,
        "send_problems": services.send_problems(summary) if editing else [],
        "send_form": SendForm(initial={"version": summary.version}) if editing else None,
        "window": window,
        "window_state": window.state() if window else None,
        "render_actions": render_actions("conference:summary-render", emulation_year.bloc.slug, emulation_year.year),
        "compiled": compiled,
        "report_names": REPORT_NAMES,
    }
    return render(request, "conference/summary/detail.html", context, status=status)


@login_required
def summary_detail(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.summary.view", emulation_year)
    return _page(request, emulation_year, _stored(emulation_year))


def _framed(html: str) -> HttpResponse:
    response = HttpResponse(html)
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@xframe_options_sameorigin
@login_required
@require_http_methods(["GET", "POST"])
def summary_preview(request, slug, year):
    """The report as its PDF will read. GET: as saved (before the first save, its writer sees the defaults).
    POST (from the editor's "Update the preview"): the text being typed, not saved."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.summary.view", emulation_year)
    summary = _stored(emulation_year)
    if request.method == "POST" or summary is None:
        ensure_can(request.user, "conference.summary.edit", emulation_year)
        if summary is None:
            summary = services.initial_summary(emulation_year)
    if summary.pk is not None:
        ensure_can(request.user, "conference.summary.document", summary)
    if request.method == "POST":
        form = SummaryForm(request.POST, instance=summary)
        if not form.is_valid():
            return _framed(render_to_string("conference/minutes/preview_errors.html", {"form": form}, request))
        summary = form.instance
    return _framed(render_html(summary_document(summary)))


def _edit_context(emulation_year, summary, form, *, quoted: str = "") -> dict:
    return {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "summary": summary,
        "form": form,
        "sources": services.quotable_summaries(emulation_year),
        "quoted": quoted,
    }


def _editable(request, emulation_year):
    """The report to edit (or a new one from the defaults), or a redirect with the service's reason."""
    summary = _stored(emulation_year)
    if summary is None:
        return services.initial_summary(emulation_year), None
    try:
        services.ensure_editable(summary, request.user)  # the service's words for "issued is frozen"
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return summary, _to_page(emulation_year)
    return summary, None


@login_required
def summary_edit(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.summary.edit", emulation_year)
    summary, turned_back = _editable(request, emulation_year)
    if turned_back is not None:
        return turned_back
    data = request.POST if request.method == "POST" else None
    form = SummaryForm(data, instance=summary)
    if data is not None and form.is_valid():
        try:
            services.summary_save(summary=form.instance, expected_version=form.cleaned_data["version"], by=request.user)
        except services.StaleSummary as error:
            form.add_error(None, error)
            # Keep what was typed, on top of the version saved meanwhile: saving again overwrites it.
            current = SummaryReport.objects.filter(year=emulation_year).values_list("version", flat=True).first()
            rebound = data.copy()
            rebound["version"] = str(current or "")
            form.data = rebound
            if summary.pk is None and current is not None:
                form.instance = _stored(emulation_year)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft report was saved."))
            return redirect("conference:summary-edit", slug=slug, year=year)
    return render(request, "conference/summary/edit.html", _edit_context(emulation_year, summary, form))


@login_required
@require_POST
def summary_quote(request, slug, year):
    """Quote a unit's summary into the results: the editor's text comes back with the attributed paragraph added
    at the end of the results, unsaved. With HTMX only the results field is swapped; without, the editor is shown
    again with everything typed kept."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.summary.edit", emulation_year)
    summary, turned_back = _editable(request, emulation_year)
    if turned_back is not None:
        return turned_back
    data = request.POST.copy()
    quoted, problem = "", ""
    try:
        source = services.quote_source(emulation_year, data.get("submission"))
        quoted = services.quote_text(source)
    except ValidationError as error:
        problem = " ".join(error.messages)
    else:
        data["results"] = services.with_quote(data.get("results", ""), quoted)
    form = SummaryForm(data, instance=summary)
    if request.headers.get("HX-Request") == "true":
        context = {"form": form, "quoted": quoted, "problem": problem}
        return render(request, "conference/summary/_results_field.html", context)
    if problem:
        messages.error(request, problem)
    else:
        messages.info(request, _("The quote was added at the end of the results; save the draft to keep it."))
    return render(request, "conference/summary/edit.html", _edit_context(emulation_year, summary, form, quoted=quoted))


@login_required
@require_POST
def summary_send(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.summary.edit", emulation_year)
    summary = _current(emulation_year)
    form = SendForm(request.POST)
    expected = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.summary_send(summary=summary, expected_version=expected, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_page(emulation_year, "#send")
    messages.info(
        request,
        _("The report is being rendered to PDF and published for comments; every member unit will be notified."),
    )
    return _to_page(emulation_year, "#send")


@login_required
@require_POST
def summary_issue(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.summary.edit", emulation_year)
    summary = _current(emulation_year)
    if summary.is_issued:
        messages.error(request, _("This report is already issued."))
        return _to_page(emulation_year)
    form = SummaryIssueForm(request.POST)
    if form.is_valid():
        try:
            issued = services.summary_issue(
                summary=summary,
                number=form.cleaned_data["number"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The report was issued as number %(number)s.") % {"number": issued.number_text})
            return _to_page(emulation_year)
    return _page(request, emulation_year, _current(emulation_year), issue_form=form)


@login_required
@require_POST
def summary_new_version(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.summary.edit", emulation_year)
    summary = _current(emulation_year)
    try:
        new = services.summary_new_version(summary=summary, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_page(emulation_year)
    messages.success(
        request,
        _("The report is a draft again (version %(version)s): correct it and issue it again.")
        % {"version": new.revision},
    )
    return redirect("conference:summary-edit", slug=slug, year=year)


@login_required
@require_POST
@known_format
def summary_render(request, slug, year, fmt):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.summary.view", emulation_year)
    summary = _current(emulation_year)
    back = _to_page(emulation_year, "#documents")
    return request_rendering(
        request, summary, kind=DOCUMENT_KIND, action="conference.summary.document", fmt=fmt, then=back
    )
