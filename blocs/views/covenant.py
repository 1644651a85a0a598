"""Pages of the emulation covenant: the year's covenant (units and what they sent, the leader's draft, issue and
files), a unit's registration form, the leader's editor and the framed preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from core.documents import views as document_views
from core.documents.views import known_format
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from .. import covenant as services
from ..covenant import COVENANT
from ..forms.covenant import CovenantForm, CovenantIssueForm, RegistrationForm
from ..models import CovenantRegistration
from ..roles import facts
from ..shortcuts import year_or_404

# --- the year's covenant -----------------------------------------------------------------------------------


def _covenant_context(request, emulation_year, *, issue_form=None) -> dict:
    user = request.user
    covenant = COVENANT.current(emulation_year)
    rows = services.covenant_rows(emulation_year)
    may_issue = can(user, COVENANT.edit_action, emulation_year) and not covenant.is_issued
    may_read_document = can(user, COVENANT.document_action, covenant)
    documents = []
    if may_read_document and covenant.pk:
        # Once issued, files of the draft (numbered "…") are not the covenant the units signed.
        documents = document_views.rendered_documents(
            COVENANT.name, covenant, version=covenant.version if covenant.is_issued else None, user=user
        )
    if may_issue and issue_form is None:
        issue_form = CovenantIssueForm(initial=document_views.issue_initial(COVENANT, covenant))
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
        "render_actions": document_views.render_actions(
            COVENANT.url_name("render"), *COVENANT.url_args(emulation_year)
        ),
    }


def _page(request, emulation_year, covenant=None, *, issue_form=None):
    if issue_form is not None:  # a refused issue changed nothing: the year and its covenant as stored
        emulation_year = year_or_404(emulation_year.bloc.slug, emulation_year.year, "covenant")
    context = _covenant_context(request, emulation_year, issue_form=issue_form)
    return render(request, COVENANT.templates["page"], context)


@login_required
def covenant_detail(request, slug, year):
    emulation_year = year_or_404(slug, year, "covenant")
    ensure_can(request.user, COVENANT.page_action, emulation_year)
    return _page(request, emulation_year)


@xframe_options_sameorigin
@login_required
def covenant_preview(request, slug, year):
    """The covenant as its PDF will read (the same template): the draft for the leader, the issued text for all."""
    return document_views.preview_view(request, COVENANT, year_or_404(slug, year, "covenant"))


@login_required
def covenant_edit(request, slug, year):
    emulation_year = year_or_404(slug, year, "covenant")
    ensure_can(request.user, COVENANT.edit_action, emulation_year)
    covenant = COVENANT.current(emulation_year)
    if covenant.is_issued:
        messages.error(request, str(COVENANT.frozen))
        return document_views.back_to_page(COVENANT, emulation_year)
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
            current = COVENANT.in_scope(emulation_year).values_list("version", flat=True).first()
            rebound = request.POST.copy()
            rebound["version"] = str(current or 0)
            form.data = rebound
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, str(COVENANT.saved_message))
            return document_views.back_to_page(COVENANT, emulation_year)
    context = {"year": emulation_year, "bloc": emulation_year.bloc, "covenant": covenant, "form": form}
    return render(request, COVENANT.templates["edit"], context)


@login_required
@require_POST
def covenant_issue(request, slug, year):
    emulation_year = year_or_404(slug, year, "covenant")
    return document_views.issue_view(request, COVENANT, emulation_year, form_class=CovenantIssueForm, page=_page)


def _unsaved(covenant) -> str | None:
    if covenant.pk is None:
        return _("Save the draft covenant first; its files are rendered from what is saved.")
    return None


@login_required
@require_POST
@known_format
def covenant_render(request, slug, year, fmt):
    emulation_year = year_or_404(slug, year, "covenant")
    return document_views.rendering_view(request, COVENANT, emulation_year, fmt=fmt, refusal=_unsaved)


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
