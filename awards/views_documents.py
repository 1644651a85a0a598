"""Pages of the awards app's official documents: the vote-count minutes of the year and the submission (tờ
trình) of one proposal, each with its preview and its PDF/DOCX files rendered by the document machinery."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from blocs.models import EmulationYear
from core.documents import render_html
from core.documents.services import document_request, documents_for
from core.permissions import ensure_can

from .documents import (
    MINUTES_KIND,
    SUBMISSION_KIND,
    has_published_ballot,
    minutes_document,
    published_ballots,
    submission_document,
)
from .models import Proposal

FORMATS = {"pdf": "PDF", "docx": "DOCX"}
# The preview is a whole document page framed by our own pages: it may be framed by 'self', and needs nothing
# but our stylesheet and fonts (the same policy as the conference plan's preview).
PREVIEW_CSP = "default-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; frame-ancestors 'self'"


def _year(slug, year) -> EmulationYear:
    return get_object_or_404(
        EmulationYear.objects.select_related("bloc__province", "leader", "deputy"), bloc__slug=slug, year=year
    )


def _preview(document) -> HttpResponse:
    response = HttpResponse(render_html(document))
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"  # a newly published ballot shows at once
    return response


def _documents(kind: str, obj) -> list:
    documents = documents_for(kind=kind, obj=obj)
    prefetch_related_objects(documents, "requested_by")
    return documents


# --- the vote-count minutes of the year ----------------------------------------------------------------


def _to_minutes(emulation_year):
    url = reverse("awards:minutes", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
    return redirect(url + "#documents")


@login_required
def minutes(request, slug, year):
    emulation_year = _year(slug, year)
    ensure_can(request.user, "awards.view", emulation_year)
    ballots = published_ballots(emulation_year)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "ballots": ballots,
        "documents": _documents(MINUTES_KIND, emulation_year) if ballots else [],
        "formats": FORMATS,
    }
    return render(request, "awards/documents/minutes.html", context)


@xframe_options_sameorigin
@login_required
def minutes_preview(request, slug, year):
    """The minutes as their PDF will read (the same template), framed on the minutes page."""
    emulation_year = _year(slug, year)
    ensure_can(request.user, "awards.view", emulation_year)
    if not has_published_ballot(emulation_year):
        raise Http404
    return _preview(minutes_document(emulation_year))


@login_required
@require_POST
def minutes_render(request, slug, year, fmt):
    if fmt not in FORMATS:
        raise Http404
    emulation_year = _year(slug, year)
    ensure_can(request.user, "awards.view", emulation_year)
    if not has_published_ballot(emulation_year):
        messages.error(request, _("No ballot of this year is published yet: the minutes have nothing to record."))
        return _to_minutes(emulation_year)
    document_request(kind=MINUTES_KIND, obj=emulation_year, fmt=fmt, by=request.user)
    messages.info(
        request, _("The %(format)s file is being prepared; it appears below when ready.") % {"format": FORMATS[fmt]}
    )
    return _to_minutes(emulation_year)


# --- the submission (tờ trình) of one proposal ---------------------------------------------------------


def _proposal(emulation_year, pk) -> Proposal:
    proposal = get_object_or_404(
        Proposal.objects.select_related("award_kind", "unit", "ballot"), pk=pk, award_kind__year=emulation_year
    )
    proposal.award_kind.year = emulation_year  # the rule and the document read it; it is already loaded
    return proposal


def _to_submission(emulation_year, proposal):
    url = reverse(
        "awards:submission",
        kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year, "pk": proposal.pk},
    )
    return redirect(url + "#documents")


@login_required
def submission(request, slug, year, pk):
    emulation_year = _year(slug, year)
    proposal = _proposal(emulation_year, pk)
    ensure_can(request.user, "awards.dossier.view", proposal)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "proposal": proposal,
        "documents": _documents(SUBMISSION_KIND, proposal),
        "formats": FORMATS,
    }
    return render(request, "awards/documents/submission.html", context)


@xframe_options_sameorigin
@login_required
def submission_preview(request, slug, year, pk):
    emulation_year = _year(slug, year)
    proposal = _proposal(emulation_year, pk)
    ensure_can(request.user, "awards.dossier.view", proposal)
    return _preview(submission_document(proposal))


@login_required
@require_POST
def submission_render(request, slug, year, pk, fmt):
    if fmt not in FORMATS:
        raise Http404
    emulation_year = _year(slug, year)
    proposal = _proposal(emulation_year, pk)
    ensure_can(request.user, "awards.dossier.view", proposal)
    document_request(kind=SUBMISSION_KIND, obj=proposal, fmt=fmt, by=request.user)
    messages.info(
        request, _("The %(format)s file is being prepared; it appears below when ready.") % {"format": FORMATS[fmt]}
    )
    return _to_submission(emulation_year, proposal)
