"""Pages of the bloc's summary report: the page (status, what it compiles, the preview, files, sending for
comments, issue, correction), the editor with the quote picker and the preview of the unsaved text. What every
issued document's pages share is core/documents/views.py; the report's own is sending and quoting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from blocs.shortcuts import year_or_404
from core.documents import views as documents
from core.documents.views import known_format
from core.permissions import ensure_can

from ..documents.summary import REPORT_NAMES
from ..forms.comments import WindowForm
from ..forms.summary import SendForm, SummaryForm, SummaryIssueForm
from ..services import summary as services
from ..services.comments import CLOSED, comment_window
from ..services.summary import SUMMARY


def _page(request, emulation_year, summary, *, issue_form=None):
    context = documents.document_context(
        request, SUMMARY, emulation_year, summary, issue_form=issue_form, form_class=SummaryIssueForm
    )
    editing = context["editing"]
    sees_data = context["may_read_document"] or (summary is None and context["may_edit"])
    window = comment_window(emulation_year) if editing else None
    context.update(
        {
            "send_problems": services.send_problems(summary, window=window) if editing else [],
            "send_form": SendForm(initial={"version": summary.version}) if editing else None,
            "window": window,
            "window_state": window.state() if window else None,
            # After the comment window (or without one) the leader sets a new one here, then sends.
            "window_form": WindowForm() if editing and (window is None or window.state() == CLOSED) else None,
            "compiled": services.compile_summary(emulation_year) if sees_data else None,
            "report_names": REPORT_NAMES,
        }
    )
    return render(request, SUMMARY.templates["page"], context)


@login_required
def summary_detail(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, SUMMARY.page_action, emulation_year)
    return _page(request, emulation_year, SUMMARY.current(emulation_year))


@xframe_options_sameorigin
@login_required
@require_http_methods(["GET", "POST"])
def summary_preview(request, slug, year):
    """The report as its PDF will read. GET: as saved (before the first save, its writer sees the defaults).
    POST (from the editor's "Update the preview"): the text being typed, not saved."""
    return documents.preview_view(request, SUMMARY, year_or_404(slug, year), form_class=SummaryForm)


def _edit_context(emulation_year, summary, form, *, quoted: str = "") -> dict:
    return {"sources": services.quotable_summaries(emulation_year), "quoted": quoted}


@login_required
def summary_edit(request, slug, year):
    return documents.editor_view(
        request, SUMMARY, year_or_404(slug, year), form_class=SummaryForm, context=_edit_context
    )


@login_required
@require_POST
def summary_quote(request, slug, year):
    """Quote a unit's summary into the results: the editor's text comes back with the attributed paragraph added
    at the end of the results, unsaved. With HTMX only the results field is swapped; without, the editor is shown
    again with everything typed kept."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, SUMMARY.edit_action, emulation_year)
    summary, turned_back = documents.editable_or_back(request, SUMMARY, emulation_year)
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
    context = {
        **documents.editor_context(SUMMARY, emulation_year, summary, form),
        **_edit_context(emulation_year, summary, form, quoted=quoted),
    }
    return render(request, SUMMARY.templates["edit"], context)


@login_required
@require_POST
def summary_send(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, SUMMARY.edit_action, emulation_year)
    summary = documents.current_or_404(SUMMARY, emulation_year)
    form = SendForm(request.POST)
    expected = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.summary_send(summary=summary, expected_version=expected, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return documents.back_to_page(SUMMARY, emulation_year, "#send")
    messages.info(
        request,
        _("The report is being rendered to PDF and published for comments; every member unit will be notified."),
    )
    return documents.back_to_page(SUMMARY, emulation_year, "#send")


@login_required
@require_POST
def summary_issue(request, slug, year):
    return documents.issue_view(request, SUMMARY, year_or_404(slug, year), form_class=SummaryIssueForm, page=_page)


@login_required
@require_POST
def summary_new_version(request, slug, year):
    return documents.new_version_view(request, SUMMARY, year_or_404(slug, year))


@login_required
@require_POST
@known_format
def summary_render(request, slug, year, fmt):
    return documents.rendering_view(request, SUMMARY, year_or_404(slug, year), fmt=fmt)
