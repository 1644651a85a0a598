"""Pages of the conference minutes: the page with the preview and the files, the editor with its preview of
the unsaved text, issue, correction (new version) and renderings. What every issued document's pages share is
core/documents/views.py; the minutes' own is what their page reads from the ballots."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from awards.enums import BallotKind, Outcome
from awards.selectors import ranking_is_published
from blocs.shortcuts import year_or_404
from core.documents import views as documents
from core.documents.views import known_format
from core.permissions import ensure_can

from ..forms.minutes import MinutesForm, MinutesIssueForm
from ..services import minutes as services
from ..services.minutes import MINUTES


def _included(emulation_year) -> list[dict]:
    """What the document takes from the ballots: each published ballot and the units it elected."""
    rows = []
    for ballot in services.published_ballots(emulation_year):
        name = ballot.award_kind.name if ballot.kind == BallotKind.AWARD else ballot.title
        elected = [c.unit.short_name for c in ballot.candidates.all() if c.outcome == Outcome.ELECTED]
        rows.append({"ballot": ballot, "name": name, "round": ballot.round, "elected": elected})
    return rows


def _page(request, emulation_year, minutes, *, issue_form=None):
    context = documents.document_context(
        request, MINUTES, emulation_year, minutes, issue_form=issue_form, form_class=MinutesIssueForm
    )
    context["included"] = _included(emulation_year) if minutes is not None else []
    context["ranking_published"] = ranking_is_published(emulation_year)
    return render(request, MINUTES.templates["page"], context)


@login_required
def minutes_detail(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, MINUTES.page_action, emulation_year)
    return _page(request, emulation_year, MINUTES.current(emulation_year))


@xframe_options_sameorigin
@login_required
@require_http_methods(["GET", "POST"])
def minutes_preview(request, slug, year):
    """The minutes as their PDF will read. GET: as saved (before the first save, the editor sees the
    defaults). POST (from the editor's "Update the preview"): the text being typed, not saved."""
    return documents.preview_view(request, MINUTES, year_or_404(slug, year), form_class=MinutesForm)


@login_required
def minutes_edit(request, slug, year):
    return documents.editor_view(request, MINUTES, year_or_404(slug, year), form_class=MinutesForm)


@login_required
@require_POST
def minutes_issue(request, slug, year):
    return documents.issue_view(request, MINUTES, year_or_404(slug, year), form_class=MinutesIssueForm, page=_page)


@login_required
@require_POST
def minutes_new_version(request, slug, year):
    return documents.new_version_view(request, MINUTES, year_or_404(slug, year))


@login_required
@require_POST
@known_format
def minutes_render(request, slug, year, fmt):
    return documents.rendering_view(request, MINUTES, year_or_404(slug, year), fmt=fmt)
