"""Pages of the conference app: the plan (preview, editor, issue, versions, files) and the delegates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from blocs.roles import facts
from blocs.selectors import members_in_year
from blocs.shortcuts import year_or_404
from core.documents import views as documents
from core.documents.signing import authority_warnings
from core.documents.views import known_format
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from ..documents.plan import total_delegates
from ..forms.plan import DelegateForm, PlanForm, PlanIssueForm, TaskForm, initial_plan, plan_formsets
from ..models import ConferencePlan, Delegate, PlanContribution, PlanTask
from ..services import plan as services
from ..services.plan import PLAN


def _registered(emulation_year) -> dict[int, int]:
    """Delegates registered, by unit id (one query)."""
    rows = Delegate.objects.filter(year=emulation_year).values("unit_id").annotate(n=Count("id")).order_by()
    return {row["unit_id"]: row["n"] for row in rows}


# --- the plan ------------------------------------------------------------------------------------------


def _plan_context(request, emulation_year, plan, *, issue_form=None) -> dict:
    members = list(members_in_year(bloc=emulation_year.bloc, year=emulation_year.year))
    registered = _registered(emulation_year)
    context = documents.document_context(
        request, PLAN, emulation_year, plan, issue_form=issue_form, form_class=PlanIssueForm
    )
    summoned = plan.summoned_per_unit if plan else None
    context.update(
        {
            "earlier": (
                list(emulation_year.plans.filter(version__lt=plan.version)) if plan and plan.version > 1 else []
            ),
            "rows": [{"unit": u, "summoned": summoned, "registered": registered.get(u.pk, 0)} for u in members],
            "registered_total": sum(registered.get(u.pk, 0) for u in members),
            "summoned_total": summoned * len(members) if plan else None,
            "total": total_delegates(plan, len(members)) if plan else None,
        }
    )
    return context


def _plan_page(request, emulation_year, plan, *, issue_form=None):
    context = _plan_context(request, emulation_year, plan, issue_form=issue_form)
    return render(request, PLAN.templates["page"], context)


@login_required
def plan_detail(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, PLAN.page_action, emulation_year)
    return _plan_page(request, emulation_year, PLAN.current(emulation_year))


@xframe_options_sameorigin
@login_required
def plan_preview(request, slug, year):
    """The plan as its PDF will read (the same template), framed beside the editor and on the plan page; a POST
    (the editor, as the leader types) shows the plan form's unsaved text, its tasks and contributions as saved."""
    return documents.preview_view(request, PLAN, year_or_404(slug, year), form_class=PlanForm)


def _apply_plan_errors(form, task_forms, error: ValidationError) -> None:
    """plan_save's errors: "task_<i>" on the i-th task's due date, the plan's fields on the plan form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errs in error.error_dict.items():
        index = key.removeprefix("task_")
        if key.startswith("task_") and index.isdigit() and int(index) < len(task_forms):
            task_forms[int(index)].add_error("due_on", errs)
        else:
            form.add_error(key if key in form.fields else None, errs)


@login_required
def plan_edit(request, slug, year):
    emulation_year = year_or_404(slug, year)
    plan = services.current_plan(emulation_year)
    if plan is None:
        ensure_can(request.user, PLAN.edit_action, emulation_year)
        plan = initial_plan(emulation_year)
    else:
        try:
            # The service's own check: the right to edit, then "an issued plan is frozen", in its words.
            services.ensure_editable(plan, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return documents.back_to_page(PLAN, emulation_year)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan)
    form.fields["edit_version"].required = plan.pk is not None
    tasks, shares = plan_formsets(data, plan)
    if data is not None:
        valid = [form.is_valid(), tasks.is_valid(), shares.is_valid()]  # all three, so every error shows
        if all(valid):
            task_forms = tasks.kept_forms()
            try:
                services.plan_save(
                    plan=form.instance,
                    tasks=[PlanTask(**{n: f.cleaned_data[n] for n in TaskForm._meta.fields}) for f in task_forms],
                    contributions=[
                        PlanContribution(
                            unit=f.cleaned_data["unit"],
                            amount=f.cleaned_data["amount"],
                            waived=f.cleaned_data["waived"],
                            reason=f.cleaned_data["reason"],
                        )
                        for f in shares.kept_forms()
                    ],
                    expected_version=form.cleaned_data["edit_version"],
                    by=request.user,
                )
            except services.StalePlan as error:
                form.add_error(None, error)
                # Keep what was typed, on top of the version saved meanwhile: saving again overwrites it.
                current = ConferencePlan.objects.filter(pk=plan.pk).values_list("edit_version", flat=True).first()
                rebound = data.copy()
                rebound["edit_version"] = str(current or "")
                form.data = rebound
            except ValidationError as error:
                _apply_plan_errors(form, task_forms, error)
            else:
                messages.success(request, str(PLAN.saved_message))
                for warning in authority_warnings(form.instance.signer_authority, form.instance.signer_position):
                    messages.warning(request, warning)
                return redirect(PLAN.url("edit", emulation_year))
    context = {
        **documents.editor_context(PLAN, emulation_year, plan, form),
        "tasks": tasks,
        "shares": shares,
        "has_errors": bool(form.errors or tasks.total_error_count() or shares.total_error_count()),
    }
    return render(request, PLAN.templates["edit"], context)


@login_required
@require_POST
def plan_issue(request, slug, year):
    return documents.issue_view(request, PLAN, year_or_404(slug, year), form_class=PlanIssueForm, page=_plan_page)


@login_required
@require_POST
def plan_new_version(request, slug, year):
    return documents.new_version_view(request, PLAN, year_or_404(slug, year))


@login_required
@require_POST
@known_format
def plan_render(request, slug, year, fmt):
    return documents.rendering_view(request, PLAN, year_or_404(slug, year), fmt=fmt)


# --- delegates -----------------------------------------------------------------------------------------


def _visible_units(request, emulation_year) -> list:
    """Whoever runs the plan sees every member unit; a unit officer, only their own unit."""
    members = list(members_in_year(bloc=emulation_year.bloc, year=emulation_year.year))
    if can(request.user, "conference.plan.edit", emulation_year):
        return members
    own = facts(request.user).unit_id
    return [u for u in members if u.pk == own]


def _delegates_by_unit(emulation_year, units) -> dict[int, list]:
    by_unit: dict[int, list] = {u.pk: [] for u in units}
    for delegate in Delegate.objects.filter(year=emulation_year, unit__in=list(by_unit)).order_by("id"):
        by_unit[delegate.unit_id].append(delegate)
    return by_unit


def _delegates_context(request, emulation_year, *, bound=None) -> dict:
    units = _visible_units(request, emulation_year)
    by_unit = _delegates_by_unit(emulation_year, units)
    plan = services.current_plan(emulation_year)
    summoned = plan.summoned_per_unit if plan else None
    choices = members_in_year(bloc=emulation_year.bloc, year=emulation_year.year)  # lazy: the field is hidden
    sections = []
    for unit in units:
        may_register = can(request.user, "conference.delegates.register", (emulation_year, unit))
        form = None
        if may_register:
            if bound is not None and bound.data.get("unit") == str(unit.pk):
                form = bound
            else:
                form = DelegateForm(initial={"unit": unit.pk}, units=choices)
                form.auto_id = f"id_{unit.pk}_%s"
        sections.append(
            {
                "unit": unit,
                "delegates": by_unit[unit.pk],
                "registered": len(by_unit[unit.pk]),
                "summoned": summoned,
                "may_register": may_register,
                "form": form,
            }
        )
    return {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "plan": plan,
        "sections": sections,
        "sees_all": can(request.user, "conference.plan.edit", emulation_year),
        "registered_total": sum(s["registered"] for s in sections),
    }


@login_required
def delegate_list(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.plan.view", emulation_year)
    return render(request, "conference/delegates.html", _delegates_context(request, emulation_year))


@login_required
@require_POST
def delegate_add(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.plan.view", emulation_year)
    form = DelegateForm(request.POST, units=members_in_year(bloc=emulation_year.bloc, year=emulation_year.year))
    valid = form.is_valid()
    unit = form.cleaned_data.get("unit")
    if unit is None:
        raise Http404
    form.auto_id = f"id_{unit.pk}_%s"
    ensure_can(request.user, "conference.delegates.register", (emulation_year, unit))
    if valid:
        try:
            delegate = services.delegate_add(
                year=emulation_year,
                unit=unit,
                full_name=form.cleaned_data["full_name"],
                position=form.cleaned_data["position"],
                by=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was registered for %(unit)s.") % {"name": delegate.full_name, "unit": unit.short_name},
            )
            return redirect(reverse("conference:delegates", kwargs={"slug": slug, "year": year}) + f"#unit-{unit.pk}")
    context = _delegates_context(request, emulation_year, bound=form)
    return render(request, "conference/delegates.html", context)


@login_required
@require_POST
def delegate_remove(request, slug, year, pk):
    emulation_year = year_or_404(slug, year)
    delegate = get_object_or_404(Delegate.objects.select_related("unit"), pk=pk, year=emulation_year)
    delegate.year = emulation_year
    services.delegate_remove(delegate=delegate, by=request.user)
    messages.success(request, _("%(name)s was removed from the delegates.") % {"name": delegate.full_name})
    return redirect(reverse("conference:delegates", kwargs={"slug": slug, "year": year}) + f"#unit-{delegate.unit_id}")


@login_required
def attendance(request, slug, year):
    """The list signed at the door: every registered delegate, blank lines up to the number summoned."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.plan.edit", emulation_year)
    units = _visible_units(request, emulation_year)
    by_unit = _delegates_by_unit(emulation_year, units)
    plan = services.current_plan(emulation_year)
    summoned = plan.summoned_per_unit if plan else 0
    rows = []
    for unit in units:
        delegates = by_unit[unit.pk]
        rows += [{"unit": unit, "delegate": d} for d in delegates]
        rows += [{"unit": unit, "delegate": None}] * max(0, summoned - len(delegates))
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "plan": plan,
        "rows": rows,
        "invited": plan.invited if plan else [],
    }
    return render(request, "conference/attendance.html", context)
