"""Pages of the proposals to the province: the year's proposals with their status and the province's decision,
each proposal's dossier (checklist, files with their earlier versions, upload, sending to the board), the files'
downloads, and the board's form for the province's decision."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.models import EmulationYear
from blocs.shortcuts import year_or_404
from core.files import private_file_response
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from .. import services
from ..enums import DossierPart, ProposalStatus
from ..forms.dossiers import DecisionForm, DossierUploadForm
from ..models import DossierFile, Proposal
from ..selectors import proposals_for_year


def _proposal(emulation_year: EmulationYear, pk: int) -> Proposal:
    """A proposal of this year (404 otherwise) with its files, the newest of each part first."""
    files = DossierFile.objects.select_related("uploaded_by")
    proposal = get_object_or_404(
        Proposal.objects.select_related("award_kind", "unit", "ballot", "submitted_by", "decided_by").prefetch_related(
            Prefetch("files", queryset=files)
        ),
        pk=pk,
        award_kind__year=emulation_year,
    )
    proposal.award_kind.year = emulation_year  # the rules read it; it is already loaded
    return proposal


def _list_url(emulation_year: EmulationYear, proposal: Proposal | None = None) -> str:
    url = reverse("awards:proposals", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
    return url + (f"#proposal-{proposal.pk}" if proposal is not None else "")


def _detail_url(emulation_year: EmulationYear, proposal: Proposal, anchor: str = "") -> str:
    kwargs = {"slug": emulation_year.bloc.slug, "year": emulation_year.year, "pk": proposal.pk}
    return reverse("awards:proposal-detail", kwargs=kwargs) + anchor


def _missing(checklist: dict[str, dict]) -> list[str]:
    return [str(item["label"]) for item in checklist.values() if not item["ready"]]


# --- the year's proposals ---------------------------------------------------------------------------------


@login_required
def proposal_list(request, slug, year):
    """Every proposal of the year: its status and, once recorded, the province's decision (for every member and
    the board); the leader also sees each dossier's checklist and sends complete ones; the board records the
    decisions."""
    emulation_year = year_or_404(slug, year)
    user = request.user
    ensure_can(user, "awards.view", emulation_year)
    may_manage = can(user, "awards.dossier.manage", emulation_year)
    may_decide = can(user, "awards.decision.record", emulation_year)
    rows = []
    for proposal in proposals_for_year(emulation_year):
        proposal.award_kind.year = emulation_year
        checklist = services.dossier_checklist(proposal) if may_manage else None
        preparing = proposal.status == ProposalStatus.PREPARING
        rows.append(
            {
                "proposal": proposal,
                "checklist": checklist,
                "achievements": checklist[DossierPart.ACHIEVEMENTS] if checklist else None,
                "complete": checklist is not None and not _missing(checklist),
                "may_submit": may_manage and preparing,
                "may_view": can(user, "awards.dossier.view", proposal),
                "may_decide": may_decide and not preparing,
            }
        )
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "rows": rows,
        "may_manage": may_manage,
        "may_decide": may_decide,
    }
    return render(request, "awards/dossiers/proposals.html", context)


# --- one proposal's dossier -------------------------------------------------------------------------------


def _parts(proposal: Proposal, checklist: dict[str, dict]) -> list[dict]:
    """Each part of the dossier with every file uploaded for it: the newest counts, the others are earlier
    versions. The parts the checklist requires come first; "other documents" are optional."""
    by_part: dict[str, list[DossierFile]] = {}
    for item in proposal.files.all():  # newest first within a part
        by_part.setdefault(item.part, []).append(item)
    parts = []
    for part in DossierPart:
        item = checklist.get(part)
        files = by_part.get(part, [])
        parts.append(
            {
                "code": part.value,
                "label": part.label,
                "required": item is not None,
                "generated": bool(item and item["generated"]),
                "ready": bool(item and item["ready"]),
                "current": files[0] if files else None,
                "earlier": files[1:],
            }
        )
    return parts


def _render_detail(request, emulation_year: EmulationYear, proposal: Proposal, *, upload_form=None, status=200):
    user = request.user
    checklist = services.dossier_checklist(proposal)
    preparing = proposal.status == ProposalStatus.PREPARING
    may_manage = preparing and can(user, "awards.dossier.manage", emulation_year)
    if may_manage and upload_form is None:
        upload_form = DossierUploadForm(proposal=proposal)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "proposal": proposal,
        "parts": _parts(proposal, checklist),
        "missing": _missing(checklist),
        "preparing": preparing,
        "may_manage": may_manage,
        "may_decide": not preparing and can(user, "awards.decision.record", emulation_year),
        "upload_form": upload_form if may_manage else None,
    }
    return render(request, "awards/dossiers/proposal_detail.html", context, status=status)


@login_required
def proposal_detail(request, slug, year, pk):
    emulation_year = year_or_404(slug, year)
    proposal = _proposal(emulation_year, pk)
    ensure_can(request.user, "awards.dossier.view", proposal)
    return _render_detail(request, emulation_year, proposal)


@login_required
@require_POST
def dossier_upload(request, slug, year, pk):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.dossier.manage", emulation_year)
    proposal = _proposal(emulation_year, pk)
    form = DossierUploadForm(request.POST, request.FILES, proposal=proposal)
    if form.is_valid():
        try:
            item = services.dossier_upload(
                proposal=proposal, part=form.cleaned_data["part"], upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            if proposal.status != ProposalStatus.PREPARING:  # sent meanwhile: the page has no form any more
                messages.error(request, " ".join(error.messages))
                return redirect(_detail_url(emulation_year, proposal))
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” was added to the dossier as “%(part)s”.")
                % {"name": item.original_name, "part": item.get_part_display()},
            )
            return redirect(_detail_url(emulation_year, proposal, "#dossier"))
    return _render_detail(request, emulation_year, proposal, upload_form=form)


@login_required
@require_POST
def proposal_submit(request, slug, year, pk):
    """Send a complete dossier to the board; back to the page the button was on."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.dossier.manage", emulation_year)
    proposal = _proposal(emulation_year, pk)
    back = _list_url(emulation_year, proposal) if request.POST.get("back") == "list" else None
    try:
        services.proposal_submit(proposal=proposal, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The dossier of %(unit)s for the %(kind)s was sent to the provincial emulation board.")
            % {"unit": proposal.unit.short_name, "kind": proposal.award_kind.name},
        )
    return redirect(back or _detail_url(emulation_year, proposal))


@login_required
def dossier_file(request, slug, year, pk):
    """One file of a dossier, from private storage: to the leader, the board and the proposed unit."""
    emulation_year = year_or_404(slug, year)
    item = get_object_or_404(
        DossierFile.objects.select_related("proposal__award_kind"), pk=pk, proposal__award_kind__year=emulation_year
    )
    item.proposal.award_kind.year = emulation_year
    ensure_can(request.user, "awards.dossier.view", item.proposal)
    return private_file_response(item.file, download_name=item.original_name)


# --- the province's decision --------------------------------------------------------------------------------


@login_required
def proposal_decide(request, slug, year, pk):
    """The board records the province's decision on a sent proposal, or corrects a recorded one."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.decision.record", emulation_year)
    proposal = _proposal(emulation_year, pk)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.proposal_decide(
                    proposal=proposal,
                    approved=form.is_approval,
                    number=data["number"],
                    date=data["date"],
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The province's decision on %(unit)s for the %(kind)s was recorded; the unit was notified.")
                    % {"unit": proposal.unit.short_name, "kind": proposal.award_kind.name},
                )
                return redirect(_list_url(emulation_year, proposal))
    else:
        form = DecisionForm(initial=DecisionForm.initial_for(proposal))
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "proposal": proposal,
        "form": form,
        # A dossier not sent yet cannot be decided: say so instead of offering a form that must fail.
        "show_form": proposal.status != ProposalStatus.PREPARING or form.is_bound,
    }
    return render(request, "awards/dossiers/proposal_decide.html", context)
