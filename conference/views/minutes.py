"""Pages of the conference minutes: the page with the preview and the files, the editor with its preview of
the unsaved text, issue, correction (new version) and renderings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from awards.enums import BallotKind, Outcome
from awards.selectors import ranking_is_published
from blocs.services import register_next_number
from blocs.shortcuts import year_or_404
from core.documents import render_html
from core.documents.views import known_format, render_actions, rendered_documents, request_rendering
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from ..documents.minutes import minutes_document
from ..forms.minutes import MinutesForm, MinutesIssueForm
from ..models import ConferenceMinutes
from ..services import minutes as services
from ..views.plan import PREVIEW_CSP

DOCUMENT_KIND = "conference.minutes"


def _current(emulation_year) -> ConferenceMinutes:
    minutes = services.current_minutes(emulation_year)
    if minutes is None:
        raise Http404
    minutes.year = emulation_year  # loaded once, with its bloc and province
    return minutes


def _to_page(emulation_year, anchor: str = ""):
    url = reverse("conference:minutes", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
    return redirect(url + anchor)


def _included(emulation_year) -> list[dict]:
    """What the document takes from the ballots: each published ballot and the units it elected."""
    rows = []
    for ballot in services.published_ballots(emulation_year):
        name = ballot.award_kind.name if ballot.kind == BallotKind.AWARD else ballot.title
        elected = [c.unit.short_name for c in ballot.candidates.all() if c.outcome == Outcome.ELECTED]
        rows.append({"ballot": ballot, "name": name, "round": ballot.round, "elected": elected})
    return rows


def _page(request, emulation_year, minutes, *, issue_form=None, status=200):
    user = request.user
    may_edit = can(user, "conference.minutes.edit", emulation_year)
    may_read_document = minutes is not None and can(user, "conference.minutes.document", minutes)
    documents = []
    if may_read_document:
        documents = rendered_documents(DOCUMENT_KIND, minutes)
    if minutes is not None and not minutes.is_issued and may_edit and issue_form is None:
        if minutes.number:
            issue_form = MinutesIssueForm(initial={"version": minutes.version})
        else:
            held_year = timezone.localtime(minutes.held_at).year
            suggested = register_next_number(bloc=emulation_year.bloc, year=held_year, doc_type=services.DOC_TYPE)
            issue_form = MinutesIssueForm(initial={"number": suggested, "version": minutes.version})
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "minutes": minutes,
        "may_edit": may_edit,
        "may_read_document": may_read_document,
        "documents": documents,
        "issue_form": issue_form,
        "render_actions": render_actions("conference:minutes-render", emulation_year.bloc.slug, emulation_year.year),
        "included": _included(emulation_year) if minutes is not None else [],
        "ranking_published": ranking_is_published(emulation_year),
    }
    return render(request, "conference/minutes/detail.html", context, status=status)


@login_required
def minutes_detail(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.minutes.view", emulation_year)
    minutes = services.current_minutes(emulation_year)
    if minutes is not None:
        minutes.year = emulation_year
    return _page(request, emulation_year, minutes)


def _framed(html: str) -> HttpResponse:
    response = HttpResponse(html)
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"
    return response


@xframe_options_sameorigin
@login_required
@require_http_methods(["GET", "POST"])
def minutes_preview(request, slug, year):
    """The minutes as their PDF will read. GET: as saved (before the first save, the editor sees the
    defaults). POST (from the editor's "Update the preview"): the text being typed, not saved."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.minutes.view", emulation_year)
    minutes = services.current_minutes(emulation_year)
    if request.method == "POST" or minutes is None:
        ensure_can(request.user, "conference.minutes.edit", emulation_year)
        if minutes is None:
            minutes = services.initial_minutes(emulation_year)
    if minutes.pk is not None:
        minutes.year = emulation_year
        ensure_can(request.user, "conference.minutes.document", minutes)
    if request.method == "POST":
        form = MinutesForm(request.POST, instance=minutes)
        if not form.is_valid():
            return _framed(render_to_string("conference/minutes/preview_errors.html", {"form": form}, request))
        minutes = form.instance
    return _framed(render_html(minutes_document(minutes)))


@login_required
def minutes_edit(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.minutes.edit", emulation_year)
    minutes = services.current_minutes(emulation_year)
    if minutes is None:
        minutes = services.initial_minutes(emulation_year)
    else:
        minutes.year = emulation_year
        try:
            services.ensure_editable(minutes, request.user)  # the service's words for "issued is frozen"
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _to_page(emulation_year)
    data = request.POST if request.method == "POST" else None
    form = MinutesForm(data, instance=minutes)
    if data is not None and form.is_valid():
        try:
            services.minutes_save(minutes=form.instance, expected_version=form.cleaned_data["version"], by=request.user)
        except services.StaleMinutes as error:
            form.add_error(None, error)
            # Keep what was typed, on top of the version saved meanwhile: saving again overwrites it.
            current = ConferenceMinutes.objects.filter(year=emulation_year).values_list("version", flat=True).first()
            rebound = data.copy()
            rebound["version"] = str(current or "")
            form.data = rebound
            if minutes.pk is None and current is not None:
                form.instance = services.current_minutes(emulation_year)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft minutes were saved."))
            return redirect("conference:minutes-edit", slug=slug, year=year)
    context = {"year": emulation_year, "bloc": emulation_year.bloc, "minutes": minutes, "form": form}
    return render(request, "conference/minutes/edit.html", context)


@login_required
@require_POST
def minutes_issue(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.minutes.edit", emulation_year)
    minutes = _current(emulation_year)
    if minutes.is_issued:
        messages.error(request, _("These minutes are already issued."))
        return _to_page(emulation_year)
    form = MinutesIssueForm(request.POST)
    if form.is_valid():
        try:
            issued = services.minutes_issue(
                minutes=minutes,
                number=form.cleaned_data["number"],
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The minutes were issued as number %(number)s.") % {"number": issued.number_text}
            )
            return _to_page(emulation_year)
    minutes = _current(emulation_year)  # as stored: a refused issue changed nothing
    return _page(request, emulation_year, minutes, issue_form=form)


@login_required
@require_POST
def minutes_new_version(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.minutes.edit", emulation_year)
    minutes = _current(emulation_year)
    try:
        new = services.minutes_new_version(minutes=minutes, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_page(emulation_year)
    messages.success(
        request,
        _("The minutes are a draft again (version %(version)s): correct them and issue them again.")
        % {"version": new.revision},
    )
    return redirect("conference:minutes-edit", slug=slug, year=year)


@login_required
@require_POST
@known_format
def minutes_render(request, slug, year, fmt):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.minutes.view", emulation_year)
    minutes = _current(emulation_year)
    back = _to_page(emulation_year, "#documents")
    return request_rendering(
        request, minutes, kind=DOCUMENT_KIND, action="conference.minutes.document", fmt=fmt, then=back
    )
