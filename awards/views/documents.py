"""Pages of the awards app's official documents, kinds of the one lifecycle (awards/services/documents.py): the
year's vote-count minutes and each proposal's submission letter, each a page with its preview, the issue card
(the leader unit), the correction (new version) and its PDF/DOCX files. What every issued document's pages share
is core/documents/views.py; the issue card here also asks the document's date (`DatedIssueForm`)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from blocs.forms import DateInput
from blocs.shortcuts import year_or_404
from core.documents import views as documents
from core.documents.forms import IssueForm
from core.documents.views import known_format
from core.permissions import can, ensure_can

from ..documents import minutes_ballots
from ..forms.minutes import CountingPeopleForm
from ..models import Proposal
from ..services.documents import SUBMISSION_LETTER, VOTE_COUNT_MINUTES, store


class DatedIssueForm(IssueForm):
    """The number, and the date the document bears (the kind's `issue_values` checks it)."""

    issue_fields = ("dated",)

    # Empty, as the number: the suggested one (the date the preview shows).
    dated = forms.DateField(
        label=gettext_lazy("Date of the document"),
        required=False,
        help_text=gettext_lazy(
            "dd/mm/yyyy, written under the national motto (empty: the date suggested); the number is taken in the "
            "register of this date's year."
        ),
        widget=DateInput(),
        error_messages={"invalid": gettext_lazy("Enter the date as dd/mm/yyyy, e.g. 05/11/2020.")},
    )


class MinutesIssueForm(DatedIssueForm):
    register_help = gettext_lazy("Suggested: the next free number of the bloc's register of minutes (BB) this year.")


class LetterIssueForm(DatedIssueForm):
    register_help = gettext_lazy("Suggested: the next free number of the bloc's register of submissions (TTr).")


def _dated_form(kind, form_class, record):
    """`form_class` whose new form suggests the date the document bears now (what the preview shows)."""

    def new_form(*args, initial=None, **kwargs):
        return form_class(*args, initial={**(initial or {}), "dated": kind.document_day(record)}, **kwargs)

    return new_form


def _render(request, kind, scope, fmt):
    """The render button's POST: the record is stored first if it has no row yet (a file is tied to it)."""
    ensure_can(request.user, kind.page_action, scope)
    record = kind.current(scope)
    if record is None:
        messages.error(request, _("No ballot of this year is published yet: the minutes have nothing to record."))
        return documents.back_to_page(kind, scope, "#documents")
    if record.pk is None:
        store(kind, scope)
    return documents.rendering_view(request, kind, scope, fmt=fmt)


# --- the vote-count minutes of the year ----------------------------------------------------------------


def _minutes_page(request, emulation_year, record, *, issue_form=None):
    form_class = _dated_form(VOTE_COUNT_MINUTES, MinutesIssueForm, record)
    context = documents.document_context(
        request, VOTE_COUNT_MINUTES, emulation_year, record, issue_form=issue_form, form_class=form_class
    )
    context["ballots"] = minutes_ballots(emulation_year, record) if record is not None else []
    if record is None:  # nothing to record yet: no editor to open
        context["urls"] = {use: url for use, url in context["urls"].items() if use != "edit"}
    return render(request, VOTE_COUNT_MINUTES.templates["page"], context)


@login_required
def minutes(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, VOTE_COUNT_MINUTES.page_action, emulation_year)
    return _minutes_page(request, emulation_year, VOTE_COUNT_MINUTES.current(emulation_year))


@xframe_options_sameorigin
@login_required
@require_http_methods(["GET", "POST"])
def minutes_preview(request, slug, year):
    """The minutes as their PDF will read (the same template), framed on the minutes page. POST (the editor's
    "Update the preview"): with the people being typed, not saved."""
    return documents.preview_view(request, VOTE_COUNT_MINUTES, year_or_404(slug, year), form_class=CountingPeopleForm)


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request, slug, year):
    """The minutes' editor: the vote-counting committee and the secretary (the rest comes from the ballots)."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, VOTE_COUNT_MINUTES.edit_action, emulation_year)
    if VOTE_COUNT_MINUTES.current(emulation_year) is None:
        raise Http404
    return documents.editor_view(request, VOTE_COUNT_MINUTES, emulation_year, form_class=CountingPeopleForm)


@login_required
@require_POST
def minutes_issue(request, slug, year):
    emulation_year = year_or_404(slug, year)
    return documents.issue_view(
        request, VOTE_COUNT_MINUTES, emulation_year, form_class=MinutesIssueForm, page=_minutes_page
    )


@login_required
@require_POST
def minutes_new_version(request, slug, year):
    return documents.new_version_view(request, VOTE_COUNT_MINUTES, year_or_404(slug, year))


@login_required
@require_POST
@known_format
def minutes_render(request, slug, year, fmt):
    return _render(request, VOTE_COUNT_MINUTES, year_or_404(slug, year), fmt)


# --- the submission letter (tờ trình) of one proposal ----------------------------------------------------


def _proposal(slug, year, pk) -> Proposal:
    emulation_year = year_or_404(slug, year)
    proposal = get_object_or_404(
        Proposal.objects.select_related("award_kind", "unit", "ballot"), pk=pk, award_kind__year=emulation_year
    )
    proposal.award_kind.year = emulation_year  # the rules and the document read it; it is already loaded
    return proposal


def _letter_page(request, proposal, record, *, issue_form=None):
    form_class = _dated_form(SUBMISSION_LETTER, LetterIssueForm, record)
    context = documents.document_context(
        request, SUBMISSION_LETTER, proposal, record, issue_form=issue_form, form_class=form_class
    )
    context["may_edit_bases"] = can(request.user, "awards.legal_bases.edit", proposal.award_kind.year)
    return render(request, SUBMISSION_LETTER.templates["page"], context)


@login_required
def submission(request, slug, year, pk):
    proposal = _proposal(slug, year, pk)
    ensure_can(request.user, SUBMISSION_LETTER.page_action, proposal)
    return _letter_page(request, proposal, SUBMISSION_LETTER.current(proposal))


@xframe_options_sameorigin
@login_required
def submission_preview(request, slug, year, pk):
    return documents.preview_view(request, SUBMISSION_LETTER, _proposal(slug, year, pk))


@login_required
@require_POST
def submission_issue(request, slug, year, pk):
    proposal = _proposal(slug, year, pk)
    return documents.issue_view(request, SUBMISSION_LETTER, proposal, form_class=LetterIssueForm, page=_letter_page)


@login_required
@require_POST
def submission_new_version(request, slug, year, pk):
    return documents.new_version_view(request, SUBMISSION_LETTER, _proposal(slug, year, pk))


@login_required
@require_POST
@known_format
def submission_render(request, slug, year, pk, fmt):
    return _render(request, SUBMISSION_LETTER, _proposal(slug, year, pk), fmt)
