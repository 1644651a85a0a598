"""Pages of the emulation covenant: the year's covenant (units and what they sent, the leader's draft, issue and
files), a unit's registration form, the leader's editor and the framed preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from core.documents import render_html
from core.documents.views import known_format, render_actions, rendered_documents, request_rendering
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from . import covenant as services
from .covenant_documents import covenant_document
from .forms_covenant import CovenantForm, CovenantIssueForm, RegistrationForm
from .models import Covenant, CovenantRegistration
from .roles import facts
from .services import register_next_number
from .shortcuts import year_or_404

DOCUMENT_KIND = "blocs.covenant"
# The preview is a whole document page framed by our own pages: it may be framed by 'self', and needs
# nothing but our stylesheet and fonts (the same policy as the conference plan's preview).
PREVIEW_CSP = "default-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; frame-ancestors 'self'"


def _to_covenant(emulation_year, anchor: str = ""):
    url = reverse("blocs:covenant", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
    return redirect(url + anchor)


# --- the year's covenant -----------------------------------------------------------------------------------


def _covenant_context(request, emulation_year, *, issue_form=None) -> dict:
    user = request.user
    covenant = services.covenant_for(emulation_year)
    rows = services.covenant_rows(emulation_year)
    may_issue = can(user, "blocs.covenant.issue", emulation_year) and not covenant.is_issued
    may_read_document = can(user, "blocs.covenant.document", covenant)
    documents = []
    if may_read_document and covenant.pk:
        # Once issued, files of the draft (numbered "…") are not the covenant the units signed.
        documents = rendered_documents(
            DOCUMENT_KIND, covenant, version=covenant.version if covenant.is_issued else None
        )
    if may_issue and issue_form is None:
        suggested = register_next_number(
            bloc=emulation_year.bloc, year=covenant.issued_on.year, doc_type=services.DOC_TYPE
        )
        issue_form = CovenantIssueForm(initial={"number": suggested})
    own_unit_id = facts(user).unit_id
    return {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "covenant": covenant,
        "rows": rows,
        "sent_count": sum(1 for row in rows if row["sent"]),
        "missing": [row["unit"] for row in rows if not row["sent"]],
        "own_row": next((row for row in rows if row["unit"].pk == own_unit_id), None),
        "may_issue": may_issue,
        "may_read_document": may_read_document,
        "documents": documents,
        "issue_form": issue_form if may_issue else None,
        "render_actions": render_actions("blocs:covenant-render", emulation_year.bloc.slug, emulation_year.year),
    }


@login_required
def covenant_detail(request, slug, year):
    emulation_year = year_or_404(slug, year, "covenant")
    ensure_can(request.user, "blocs.covenant.view", emulation_year)
    return render(request, "blocs/covenant/covenant.html", _covenant_context(request, emulation_year))


@xframe_options_sameorigin
@login_required
def covenant_preview(request, slug, year):
    """The covenant as its PDF will read (the same template): the draft for the leader, the issued text for all."""
    emulation_year = year_or_404(slug, year, "covenant")
    ensure_can(request.user, "blocs.covenant.view", emulation_year)
    covenant = services.covenant_for(emulation_year)
    ensure_can(request.user, "blocs.covenant.document", covenant)
    response = HttpResponse(render_html(covenant_document(covenant)))
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"  # a registration sent meanwhile shows at once
    return response


@login_required
def covenant_edit(request, slug, year):
    emulation_year = year_or_404(slug, year, "covenant")
    ensure_can(request.user, "blocs.covenant.issue", emulation_year)
    covenant = services.covenant_for(emulation_year)
    if covenant.is_issued:
        messages.error(request, _("The covenant is issued and can no longer be changed."))
        return _to_covenant(emulation_year)
    initial = {
        "place": covenant.place,
        "issued_on": covenant.issued_on,
        "preamble": covenant.preamble,
        "closing": covenant.closing,
        "version": covenant.version,
    }
    form = CovenantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.covenant_save(
                covenant=covenant,
                place=data["place"],
                issued_on=data["issued_on"],
                preamble=data["preamble"],
                closing=data["closing"],
                expected_version=form.expected_version(),
                by=request.user,
            )
        except services.StaleCovenant as error:
            form.add_error(None, error)
            # Keep what was typed, on top of the version saved meanwhile: saving again overwrites it.
            current = Covenant.objects.filter(year=emulation_year).values_list("version", flat=True).first()
            rebound = request.POST.copy()
            rebound["version"] = str(current or 0)
            form.data = rebound
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The draft covenant was saved."))
            return _to_covenant(emulation_year)
    context = {"year": emulation_year, "bloc": emulation_year.bloc, "covenant": covenant, "form": form}
    return render(request, "blocs/covenant/covenant_edit.html", context)


@login_required
@require_POST
def covenant_issue(request, slug, year):
    emulation_year = year_or_404(slug, year, "covenant")
    ensure_can(request.user, "blocs.covenant.issue", emulation_year)
    covenant = services.covenant_for(emulation_year)
    if covenant.is_issued:
        messages.error(request, _("The covenant is issued and can no longer be changed."))
        return _to_covenant(emulation_year)
    form = CovenantIssueForm(request.POST)
    if form.is_valid():
        try:
            issued = services.covenant_issue(covenant=covenant, number=form.cleaned_data["number"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("The covenant was issued as number %(number)s.") % {"number": issued.number_text}
            )
            return _to_covenant(emulation_year)
    emulation_year = year_or_404(slug, year, "covenant")  # as stored: a refused issue changed nothing
    context = _covenant_context(request, emulation_year, issue_form=form)
    return render(request, "blocs/covenant/covenant.html", context)


@login_required
@require_POST
@known_format
def covenant_render(request, slug, year, fmt):
    emulation_year = year_or_404(slug, year, "covenant")
    ensure_can(request.user, "blocs.covenant.view", emulation_year)
    covenant = services.covenant_for(emulation_year)

    def unsaved():
        if covenant.pk is None:
            return _("Save the draft covenant first; its files are rendered from what is saved.")
        return None

    back = _to_covenant(emulation_year, "#documents")
    return request_rendering(
        request, covenant, kind=DOCUMENT_KIND, action="blocs.covenant.document", fmt=fmt, then=back, refusal=unsaved
    )


# --- a unit's registration ---------------------------------------------------------------------------------


def _registration_initial(registration: CovenantRegistration) -> dict:
    return {
        "targets": registration.targets,
        "titles": registration.titles,
        "signatory_name": registration.signatory_name,
        "signatory_position": registration.signatory_position,
        "version": registration.version,
    }


@login_required
def registration_edit(request, slug, year):
    """The officer's own unit's registration: the form while it may change, and every version sent."""
    emulation_year = year_or_404(slug, year, "covenant")
    ensure_can(request.user, "blocs.covenant.own", emulation_year)
    unit = facts(request.user).person.unit
    registration = services.registration_for(emulation_year, unit)
    may_edit = can(request.user, "blocs.covenant.register", (emulation_year, unit))
    form = None
    if may_edit:
        form = RegistrationForm(request.POST or None, initial=_registration_initial(registration))
    elif request.method == "POST":
        ensure_can(request.user, "blocs.covenant.register", (emulation_year, unit))
    if form is not None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        sending = request.POST.get("action") == "send"
        try:
            if sending:  # every missing part at once, rather than the targets first and the signatory next
                services.check_sendable(
                    targets=data["targets"],
                    titles=data["titles"],
                    signatory_name=data["signatory_name"],
                    signatory_position=data["signatory_position"],
                )
            with transaction.atomic():  # "Send" saves and sends, or does neither
                saved = services.registration_save(
                    registration=registration,
                    targets=data["targets"],
                    titles=data["titles"],
                    signatory_name=data["signatory_name"],
                    signatory_position=data["signatory_position"],
                    expected_version=form.expected_version(),
                    by=request.user,
                )
                sent = None
                if sending:
                    sent = services.registration_send(
                        registration=saved, expected_version=saved.version, by=request.user
                    )
        except services.StaleRegistration as error:
            form.add_error(None, error)
            current = (
                CovenantRegistration.objects.filter(year=emulation_year, unit=unit)
                .values_list("version", flat=True)
                .first()
            )
            rebound = request.POST.copy()
            rebound["version"] = str(current or 0)
            form.data = rebound
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if sent is not None:
                messages.success(
                    request,
                    _("The registration was sent to the leader unit (version %(number)s).") % {"number": sent.number},
                )
            else:
                messages.success(
                    request, _("The registration was saved. Send it to the leader unit when it is complete.")
                )
            return redirect("blocs:covenant-registration", slug=slug, year=year)
    if form is not None and form.errors:  # a refused save may have touched the object: show what is stored
        registration = services.registration_for(emulation_year, unit)
    versions = list(registration.versions.select_related("sent_by")) if registration.pk else []
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "unit": unit,
        "registration": registration,
        "form": form,
        "versions": versions,
        "covenant_issued": services.covenant_for(emulation_year).is_issued,
    }
    return render(request, "blocs/covenant/registration.html", context)
