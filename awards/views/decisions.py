"""The board's pages of the province's proposals of a year across its blocs: the list (filtered by bloc, award
kind, status) with one decision for the proposals ticked, the Excel import of decisions with its template, and a
decision's file. Only the province's board (rule "awards.decision.province"): another province's board and
anyone outside the province get 404, an officer of the province 403."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from blocs.models import Bloc, Province
from core.files import private_file_response
from core.forms import apply_service_errors
from core.permissions import ensure_can

from ..forms.decisions import BulkDecisionForm, DecisionImportForm, ProposalFilterForm
from ..models import AwardDecision, AwardKind
from ..services import decisions as services
from ..services.decisions import RULE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILTERS = ("bloc", "kind", "status")


def _province(request, pk: int) -> Province:
    province = get_object_or_404(Province, pk=pk)
    ensure_can(request.user, RULE, province)
    return province


def _list_url(province: Province, year: int, query: dict | None = None) -> str:
    url = reverse("awards:province-proposals", kwargs={"province": province.pk, "year": year})
    query = {k: v for k, v in (query or {}).items() if k in FILTERS and v}
    return f"{url}?{urlencode(query)}" if query else url


def _filter_form(request, province: Province, year: int) -> ProposalFilterForm:
    blocs = Bloc.objects.filter(province=province, years__year=year).order_by("name").values_list("slug", "name")
    kinds = (
        AwardKind.objects.filter(year__bloc__province=province, year__year=year)
        .order_by("order", "code")
        .values_list("code", "name")
    )
    seen: dict[str, str] = {}
    for code, name in kinds:
        seen.setdefault(code, name)
    return ProposalFilterForm(request.GET or None, blocs=list(blocs), kinds=list(seen.items()))


def _render_list(request, province: Province, year: int, *, form: BulkDecisionForm | None = None, status=200):
    filters = _filter_form(request, province, year)
    proposals = services.province_proposals(province, year)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    if chosen.get("bloc"):
        proposals = proposals.filter(award_kind__year__bloc__slug=chosen["bloc"])
    if chosen.get("kind"):
        proposals = proposals.filter(award_kind__code=chosen["kind"])
    if chosen.get("status"):
        proposals = proposals.filter(status=chosen["status"])
    proposals = list(proposals)
    ticked = set()
    if form is not None and form.is_bound:
        ticked = {int(pk) for pk in form.data.getlist("proposals") if str(pk).isdigit()}
    counts = {"waiting": 0, "approved": 0, "rejected": 0}
    for proposal in proposals:
        key = {"submitted": "waiting", "approved": "approved", "rejected": "rejected"}.get(proposal.status)
        if key:
            counts[key] += 1
    context = {
        "province": province,
        "year": year,
        "years": services.province_years(province),
        "filters": filters,
        "query": urlencode({k: v for k, v in chosen.items() if v}),
        "proposals": proposals,
        "ticked": ticked,
        "counts": counts,
        "form": form or BulkDecisionForm(proposal_ids=[]),
    }
    return render(request, "awards/decisions/proposals.html", context, status=status)


@login_required
@require_GET
def province_proposals(request, province, year):
    """Every proposal of the province's blocs in the year, with the form of one decision for those ticked."""
    province = _province(request, province)
    return _render_list(request, province, year)


@login_required
@require_POST
def province_decide(request, province, year):
    """Record one decision on every proposal ticked; back to the list as it was filtered."""
    province = _province(request, province)
    own = set(services.province_proposals(province, year).values_list("pk", flat=True))
    raw = request.POST.getlist("proposals")
    if any(not pk.isdigit() or int(pk) not in own for pk in raw):
        raise Http404  # a proposal of another province (or year), or no proposal at all: nothing to know about it
    form = BulkDecisionForm(request.POST, request.FILES, proposal_ids=sorted(own))
    if form.is_valid():
        data = form.cleaned_data
        try:
            decided = services.decide_many(
                province=province,
                year=year,
                proposal_ids=data["proposals"],
                approved=form.is_approval,
                number=data["number"],
                date=data["date"],
                signer_name=data["signer_name"],
                signer_position=data["signer_position"],
                upload=data["file"],
                note=data["note"],
                correct=data["correct"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The province's decision was recorded for %(count)d proposal; the units and the leaders were "
                    "notified.",
                    "The province's decision was recorded for %(count)d proposals; the units and the leaders were "
                    "notified.",
                    len(decided),
                )
                % {"count": len(decided)},
            )
            return redirect(_list_url(province, year, request.GET.dict()))
    return _render_list(request, province, year, form=form, status=400)


@login_required
def decisions_import(request, province, year):
    """Upload an Excel sheet of decisions: every row recorded, or none and every bad row listed by its number."""
    province = _province(request, province)
    form = DecisionImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            decided = services.import_decisions(
                province=province,
                year=year,
                source=form.cleaned_data["file"],
                correct=form.cleaned_data["correct"],
                by=request.user,
            )
        except services.ImportRefused as refused:
            errors = refused.errors
        else:
            messages.success(
                request,
                ngettext(
                    "The decisions of %(count)d proposal were imported; the units and the leaders were notified.",
                    "The decisions of %(count)d proposals were imported; the units and the leaders were notified.",
                    len(decided),
                )
                % {"count": len(decided)},
            )
            return redirect(_list_url(province, year))
    context = {"province": province, "year": year, "form": form, "row_errors": errors}
    status = 400 if errors or form.errors else 200
    return render(request, "awards/decisions/import.html", context, status=status)


@login_required
@require_GET
def decisions_template(request, province, year):
    """The import's template, with the province's proposals of the year that wait for a decision."""
    province = _province(request, province)
    response = HttpResponse(services.template_workbook(province=province, year=year), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="quyet-dinh-khen-thuong-{year}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def decision_file(request, province, pk):
    """A decision's file, from private storage: the province's board."""
    province = _province(request, province)
    decision = get_object_or_404(AwardDecision, pk=pk, province=province)
    return private_file_response(decision.file, download_name=decision.original_name or None)
