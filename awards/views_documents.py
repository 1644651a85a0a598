"""Pages of the awards app's official documents: the vote-count minutes of the year and the submission (tờ
trình) of one proposal, each with its preview and its PDF/DOCX files rendered by the document machinery."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from blocs.shortcuts import year_or_404
from core.documents import render_html
from core.documents.views import framed, known_format, render_actions, rendered_documents, request_rendering
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


def _preview(document) -> HttpResponse:
    return framed(render_html(document))  # never cached: a newly published ballot shows at once


# --- the vote-count minutes of the year ----------------------------------------------------------------


def _to_minutes(emulation_year):
    url = reverse("awards:minutes", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
    return redirect(url + "#documents")


@login_required
def minutes(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.view", emulation_year)
    ballots = published_ballots(emulation_year)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "ballots": ballots,
        "documents": rendered_documents(MINUTES_KIND, emulation_year) if ballots else [],
        "render_actions": render_actions("awards:minutes-render", emulation_year.bloc.slug, emulation_year.year),
    }
    return render(request, "awards/documents/minutes.html", context)


@xframe_options_sameorigin
@login_required
def minutes_preview(request, slug, year):
    """The minutes as their PDF will read (the same template), framed on the minutes page."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.view", emulation_year)
    if not has_published_ballot(emulation_year):
        raise Http404
    return _preview(minutes_document(emulation_year))


@login_required
@require_POST
@known_format
def minutes_render(request, slug, year, fmt):
    emulation_year = year_or_404(slug, year)

    def nothing_published():
        if not has_published_ballot(emulation_year):
            return _("No ballot of this year is published yet: the minutes have nothing to record.")
        return None

    back = _to_minutes(emulation_year)
    return request_rendering(
        request, emulation_year, kind=MINUTES_KIND, action="awards.view", fmt=fmt, then=back, refusal=nothing_published
    )


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
    emulation_year = year_or_404(slug, year)
    proposal = _proposal(emulation_year, pk)
    ensure_can(request.user, "awards.dossier.view", proposal)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "proposal": proposal,
        "documents": rendered_documents(SUBMISSION_KIND, proposal),
        "render_actions": render_actions(
            "awards:submission-render", emulation_year.bloc.slug, emulation_year.year, proposal.pk
        ),
    }
    return render(request, "awards/documents/submission.html", context)


@xframe_options_sameorigin
@login_required
def submission_preview(request, slug, year, pk):
    emulation_year = year_or_404(slug, year)
    proposal = _proposal(emulation_year, pk)
    ensure_can(request.user, "awards.dossier.view", proposal)
    return _preview(submission_document(proposal))


@login_required
@require_POST
@known_format
def submission_render(request, slug, year, pk, fmt):
    emulation_year = year_or_404(slug, year)
    proposal = _proposal(emulation_year, pk)
    back = _to_submission(emulation_year, proposal)
    return request_rendering(request, proposal, kind=SUBMISSION_KIND, action="awards.dossier.view", fmt=fmt, then=back)
