"""Pages where the board sets up blocs, units, members, rotation and years; and a year's calendar."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.files import private_file_response
from core.forms import apply_service_errors
from core.permissions import ensure_can

from .. import sections, selectors, services
from ..enums import Phase
from ..forms import (
    BlocForm,
    BlocSettingsForm,
    DeadlineForm,
    MembershipEndForm,
    MembershipForm,
    NextYearForm,
    RotationForm,
    UnitForm,
    YearCreateForm,
    YearEditForm,
)
from ..models import Bloc, Deadline, EmulationYear, Membership, Unit
from ..roles import facts
from ..shortcuts import year_or_404


def _board_province(request):
    ensure_can(request.user, "blocs.setup", None)
    return facts(request.user).person.board_province


def _bloc(slug) -> Bloc:
    return get_object_or_404(Bloc.objects.select_related("province"), slug=slug)


# --- units ---------------------------------------------------------------------------------------------


@login_required
def unit_list(request):
    province = _board_province(request)
    units = province.units.order_by("name")
    return render(request, "blocs/unit_list.html", {"province": province, "units": units})


@login_required
def unit_edit(request, pk=None):
    province = _board_province(request)
    unit = get_object_or_404(Unit, pk=pk, province=province) if pk else Unit(province=province)
    form = UnitForm(request.POST or None, instance=unit, province=province)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_save(unit=form.instance, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The unit “%(name)s” was saved.") % {"name": unit.name})
            return redirect("blocs:unit-list")
    return render(request, "blocs/unit_form.html", {"form": form, "unit": unit})


# --- blocs ---------------------------------------------------------------------------------------------


@login_required
def bloc_create(request):
    province = _board_province(request)
    form = BlocForm(request.POST or None, request.FILES or None, province=province)
    if request.method == "POST" and form.is_valid():
        try:
            bloc = services.bloc_save(bloc=form.instance, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The bloc “%(name)s” was created.") % {"name": bloc.name})
            return redirect("blocs:bloc-detail", slug=bloc.slug)
    return render(request, "blocs/bloc_form.html", {"form": form, "bloc": None})


@login_required
def bloc_edit(request, slug):
    bloc = _bloc(slug)
    ensure_can(request.user, "blocs.bloc.manage", bloc)
    form = BlocForm(request.POST or None, request.FILES or None, instance=bloc, province=bloc.province)
    if request.method == "POST" and form.is_valid():
        try:
            services.bloc_save(bloc=form.instance, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The bloc was saved."))
            return redirect("blocs:bloc-detail", slug=bloc.slug)
    return render(request, "blocs/bloc_form.html", {"form": form, "bloc": bloc})


@login_required
def bloc_detail(request, slug):
    bloc = _bloc(slug)
    ensure_can(request.user, "blocs.bloc.view", bloc)
    context = {
        "bloc": bloc,
        "memberships": selectors.bloc_members_detail(bloc=bloc),
        "rotation": list(bloc.rotation.select_related("unit").order_by("position")),
        "years": list(bloc.years.select_related("leader", "deputy").order_by("-year")),
        "history": list(bloc.leader_terms.select_related("leader", "deputy", "recorded_by")),
        "settings_initial": BlocSettingsForm.initial_for(bloc),
    }
    return render(request, "blocs/bloc_detail.html", context)


@login_required
def bloc_settings(request, slug):
    bloc = _bloc(slug)
    ensure_can(request.user, "blocs.bloc.manage", bloc)
    form = BlocSettingsForm(request.POST or None, initial=BlocSettingsForm.initial_for(bloc))
    if request.method == "POST" and form.is_valid():
        services.bloc_settings_set(bloc=bloc, values=form.to_settings(), by=request.user)
        messages.success(request, _("The settings were saved."))
        return redirect("blocs:bloc-detail", slug=bloc.slug)
    return render(request, "blocs/bloc_settings.html", {"form": form, "bloc": bloc})


@login_required
def bloc_regulation(request, slug):
    bloc = _bloc(slug)
    ensure_can(request.user, "blocs.bloc.view", bloc)
    extension = bloc.regulation_file.name.rsplit(".", 1)[-1].lower()
    return private_file_response(bloc.regulation_file, download_name=f"quy-che-{bloc.slug}.{extension}")


# --- members and rotation ------------------------------------------------------------------------------


@login_required
def membership_add(request, slug):
    bloc = _bloc(slug)
    ensure_can(request.user, "blocs.bloc.manage", bloc)
    form = MembershipForm(request.POST or None, bloc=bloc)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(bloc=bloc, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The member was added."))
            return redirect("blocs:bloc-detail", slug=bloc.slug)
    return render(request, "blocs/membership_form.html", {"form": form, "bloc": bloc})


@login_required
def membership_end(request, slug, pk):
    bloc = _bloc(slug)
    membership = get_object_or_404(Membership.objects.select_related("unit", "bloc"), pk=pk, bloc=bloc)
    ensure_can(request.user, "blocs.bloc.manage", bloc)
    form = MembershipEndForm(request.POST or None, initial={"end_year": membership.end_year})
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(membership=membership, end_year=form.cleaned_data["end_year"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The membership was updated."))
            return redirect("blocs:bloc-detail", slug=bloc.slug)
    return render(request, "blocs/membership_end.html", {"form": form, "bloc": bloc, "membership": membership})


@login_required
def rotation_edit(request, slug):
    bloc = _bloc(slug)
    ensure_can(request.user, "blocs.bloc.manage", bloc)
    form = RotationForm(request.POST or None, bloc=bloc)
    if request.method == "POST" and form.is_valid():
        try:
            services.rotation_set(bloc=bloc, units=form.cleaned_data["units"], by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The rotation order was saved."))
            return redirect("blocs:bloc-detail", slug=bloc.slug)
    return render(request, "blocs/rotation_form.html", {"form": form, "bloc": bloc})


# --- years ---------------------------------------------------------------------------------------------


@login_required
def year_create(request, slug):
    bloc = _bloc(slug)
    ensure_can(request.user, "blocs.bloc.manage", bloc)
    form = YearCreateForm(request.POST or None, bloc=bloc, initial=selectors.first_year_proposal(bloc=bloc))
    if request.method == "POST" and form.is_valid():
        try:
            year = services.year_create(bloc=bloc, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The year %(year)s was opened.") % {"year": year.year})
            return redirect("blocs:year-detail", slug=bloc.slug, year=year.year)
    return render(request, "blocs/year_create.html", {"form": form, "bloc": bloc})


@login_required
def year_detail(request, slug, year):
    """The year's page: every section of the year the reader may open, by stage, with its state; the calendar."""
    # The sections' states read the year's one-to-one records, loaded here with the year (one query).
    emulation_year = year_or_404(slug, year, *sections.related_names())
    ensure_can(request.user, "blocs.year.view", emulation_year)
    deadlines = list(emulation_year.deadlines.select_related("unit").order_by("due_at", "id"))
    groups = sections.sections_for(request.user, emulation_year)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "deadlines": deadlines,
        "members": selectors.members_in_year(bloc=emulation_year.bloc, year=emulation_year.year),
        "has_next": EmulationYear.objects.filter(bloc=emulation_year.bloc, year=emulation_year.year + 1).exists(),
        "year_sections": groups,
        "year_links": [(section.label, section.url) for group in groups for section in group.sections],
    }
    return render(request, "blocs/year_detail.html", context)


@login_required
def year_edit(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "blocs.year.manage", emulation_year)
    initial = {
        "leader": emulation_year.leader,
        "deputy": emulation_year.deputy,
        "phase": emulation_year.phase,
    }
    form = YearEditForm(request.POST or None, initial=initial, emulation_year=emulation_year)
    if request.method == "POST" and form.is_valid():
        try:
            services.year_update(emulation_year=emulation_year, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The year was saved."))
            return redirect("blocs:year-detail", slug=slug, year=year)
    return render(request, "blocs/year_edit.html", {"form": form, "year": emulation_year, "bloc": emulation_year.bloc})


@login_required
def year_settings(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "blocs.year.manage", emulation_year)
    form = BlocSettingsForm(request.POST or None, initial=BlocSettingsForm.initial_for(emulation_year))
    if request.method == "POST" and form.is_valid():
        services.year_settings_set(emulation_year=emulation_year, values=form.to_settings(), by=request.user)
        messages.success(request, _("The settings of %(year)s were saved.") % {"year": emulation_year.year})
        return redirect("blocs:year-detail", slug=slug, year=year)
    context = {"form": form, "bloc": emulation_year.bloc, "year": emulation_year}
    return render(request, "blocs/bloc_settings.html", context)


@login_required
def year_open_next(request, slug, year):
    current = year_or_404(slug, year)
    ensure_can(request.user, "blocs.bloc.manage", current.bloc)
    leader, deputy = selectors.next_leaders_from_rotation(current=current)
    form = NextYearForm(request.POST or None, initial={"leader": leader, "deputy": deputy}, emulation_year=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chose_other = (data["leader"], data["deputy"]) != (leader, deputy)
        try:
            opened = services.year_open_next(
                current=current,
                by=request.user,
                leader=data["leader"],
                deputy=data["deputy"],
                source="override" if chose_other else "rotation",
                note=data["note"],
                copy_calendar=data["copy_calendar"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The year %(year)s was opened.") % {"year": opened.year})
            return redirect("blocs:year-detail", slug=slug, year=opened.year)
    with_states = EmulationYear.objects.select_related("bloc", *sections.related_names()).get(pk=current.pk)
    context = {
        "form": form,
        "year": current,
        "bloc": current.bloc,
        "proposed": (leader, deputy),
        # Opening N+1 closes nothing of N; the board is told what of N is still open before it does.
        "unfinished": sections.unfinished(request.user, with_states),
        "still_running": current.phase not in (Phase.PROPOSAL, Phase.CLOSED),
    }
    return render(request, "blocs/year_next.html", context)


# --- calendar ------------------------------------------------------------------------------------------


@login_required
def deadline_edit(request, slug, year, pk=None):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "blocs.calendar.edit", emulation_year)
    deadline = get_object_or_404(Deadline, pk=pk, year=emulation_year) if pk else Deadline(year=emulation_year)
    form = DeadlineForm(request.POST or None, instance=deadline, emulation_year=emulation_year)
    if request.method == "POST" and form.is_valid():
        try:
            services.deadline_save(deadline=form.instance, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The calendar was saved."))
            return redirect("blocs:year-detail", slug=slug, year=year)
    context = {"form": form, "year": emulation_year, "bloc": emulation_year.bloc, "deadline": deadline}
    return render(request, "blocs/deadline_form.html", context)


@login_required
@require_POST
def deadline_delete(request, slug, year, pk):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "blocs.calendar.edit", emulation_year)
    deadline = get_object_or_404(Deadline, pk=pk, year=emulation_year)
    services.deadline_delete(deadline=deadline, by=request.user)
    messages.success(request, _("The deadline was removed from the calendar."))
    return redirect("blocs:year-detail", slug=slug, year=year)
