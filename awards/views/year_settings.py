"""The page of a year's legal bases: what the bloc's submissions (tờ trình) of the year cite, set by the leader unit
or the board (awards.services.legal_bases_set)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from blocs.shortcuts import year_or_404
from core.forms import apply_service_errors
from core.permissions import ensure_can

from .. import services
from ..forms.year_settings import LegalBasesForm
from ..selectors import legal_bases_in_force, legal_bases_reference_day, year_legal_bases


@login_required
@require_http_methods(["GET", "POST"])
def legal_bases(request, slug, year):
    """GET: the year's own legal bases, or the law in force by default, in the form. POST: saved ("reset": the year
    follows the law in force again)."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "awards.legal_bases.edit", emulation_year)
    reference_day = legal_bases_reference_day(emulation_year)
    in_force = legal_bases_in_force(reference_day)
    own = year_legal_bases(emulation_year)
    if request.method == "POST":
        form = LegalBasesForm(request.POST)
        if "reset" in request.POST:
            form = LegalBasesForm({"bases": ""})
        if form.is_valid():
            try:
                saved = services.legal_bases_set(year=emulation_year, lines=form.lines(), by=request.user)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                if saved.legal_bases:
                    messages.success(request, _("The legal bases of %(year)s were saved.") % {"year": year})
                else:
                    messages.success(
                        request,
                        _("The submissions of %(year)s cite the law in force on their date.") % {"year": year},
                    )
                return redirect("awards:legal-bases", slug=slug, year=year)
    else:
        form = LegalBasesForm(initial={"bases": "\n".join(own or in_force)})
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "form": form,
        "own": own,
        "in_force": in_force,
        "reference_day": reference_day,
    }
    return render(request, "awards/year_settings/legal_bases.html", context)
