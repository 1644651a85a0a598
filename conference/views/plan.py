"""Pages of the conference app: the plan (preview, editor, issue, versions, files) and the delegates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from blocs.roles import facts
from blocs.selectors import members_in_year
from blocs.services import register_next_number
from blocs.shortcuts import year_or_404
from core.documents import render_html
from core.documents.views import known_format, render_actions, rendered_documents, request_rendering
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from ..documents.plan import plan_document, total_delegates
from ..forms.plan import DelegateForm, IssueForm, PlanForm, TaskForm, initial_plan, plan_formsets
from ..models import ConferencePlan, Delegate, PlanContribution, PlanTask
from ..services import plan as services

DOCUMENT_KIND = "conference.plan"
# The preview is a whole document page framed by our own pages: it may be framed by 'self', and needs
# nothing but our stylesheet and fonts.
PREVIEW_CSP = "default-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; frame-ancestors 'self'"


def _current_plan(emulation_year) -> ConferencePlan:
    plan = services.current_plan(emulation_year)
    if plan is None:
        raise Http404
    return plan


def _to_plan(emulation_year, anchor: str = ""):
    url = reverse("conference:plan", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
    return redirect(url + anchor)


def _registered(emulation_year) -> dict[int, int]:
    """Delegates registered, by unit id (one query)."""
    rows = Delegate.objects.filter(year=emulation_year).values("unit_id").annotate(n=Count("id")).order_by()
    return {row["unit_id"]: row["n"] for row in rows}


# --- the plan ------------------------------------------------------------------------------------------


def _plan_context(request, emulation_year, plan, *, issue_form=None) -> dict:
    user = request.user
    members = list(members_in_year(bloc=emulation_year.bloc, year=emulation_year.year))
    registered = _registered(emulation_year)
    may_edit = can(user, "conference.plan.edit", emulation_year)
    may_read_document = plan is not None and can(user, "conference.plan.document", plan)
    documents = []
    if may_read_document:
        documents = rendered_documents(DOCUMENT_KIND, plan)
    if plan is not None and not plan.is_issued and may_edit and issue_form is None:
        suggested = register_next_number(bloc=emulation_year.bloc, year=plan.issued_on.year, doc_type="KH")
        issue_form = IssueForm(initial={"number": suggested})
    summoned = plan.summoned_per_unit if plan else None
    return {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "plan": plan,
        "may_edit": may_edit,
        "may_read_document": may_read_document,
        "documents": documents,
        "issue_form": issue_form,
        "render_actions": render_actions("conference:plan-render", emulation_year.bloc.slug, emulation_year.year),
        "earlier": list(emulation_year.plans.filter(version__lt=plan.version)) if plan and plan.version > 1 else [],
        "rows": [{"unit": u, "summoned": summoned, "registered": registered.get(u.pk, 0)} for u in members],
        "registered_total": sum(registered.get(u.pk, 0) for u in members),
        "summoned_total": summoned * len(members) if plan else None,
        "total": total_delegates(plan, len(members)) if plan else None,
    }


@login_required
def plan_detail(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.plan.view", emulation_year)
    plan = services.current_plan(emulation_year)
    return render(request, "conference/plan.html", _plan_context(request, emulation_year, plan))


@xframe_options_sameorigin
@login_required
def plan_preview(request, slug, year):
    """The plan as its PDF will read (the same template), framed beside the editor and on the plan page."""
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.plan.view", emulation_year)
    plan = _current_plan(emulation_year)
    ensure_can(request.user, "conference.plan.document", plan)
    response = HttpResponse(render_html(plan_document(plan)))
    response["Content-Security-Policy"] = PREVIEW_CSP
    response["Cache-Control"] = "private, no-store"  # after a save the frame shows the new text
    return response


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
        ensure_can(request.user, "conference.plan.edit", emulation_year)
        plan = initial_plan(emulation_year)
    else:
        try:
            # The service's own check: the right to edit, then "an issued plan is frozen", in its words.
            services._ensure_editable(plan, request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return _to_plan(emulation_year)
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
                messages.success(request, _("The draft plan was saved."))
                return redirect("conference:plan-edit", slug=slug, year=year)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "plan": plan,
        "form": form,
        "tasks": tasks,
        "shares": shares,
        "has_errors": bool(form.errors or tasks.total_error_count() or shares.total_error_count()),
    }
    return render(request, "conference/plan_edit.html", context)


@login_required
@require_POST
def plan_issue(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.plan.edit", emulation_year)
    plan = _current_plan(emulation_year)
    was_issued = plan.is_issued
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            services.plan_issue(plan=plan, number=form.cleaned_data["number"], by=request.user)
        except ValidationError as error:
            if was_issued:
                messages.error(request, " ".join(error.messages))
                return _to_plan(emulation_year)
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The plan was issued as number %(number)s.") % {"number": plan.number_text})
            return _to_plan(emulation_year)
    plan = _current_plan(emulation_year)  # as stored: a refused issue changed nothing
    return render(request, "conference/plan.html", _plan_context(request, emulation_year, plan, issue_form=form))


@login_required
@require_POST
def plan_new_version(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.plan.edit", emulation_year)
    plan = _current_plan(emulation_year)
    try:
        new = services.plan_new_version(plan=plan, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _to_plan(emulation_year)
    messages.success(
        request,
        _("Version %(version)s was created as a draft; it replaces the issued plan once it is issued.")
        % {"version": new.version},
    )
    return redirect("conference:plan-edit", slug=slug, year=year)


@login_required
@require_POST
@known_format
def plan_render(request, slug, year, fmt):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "conference.plan.view", emulation_year)
    plan = _current_plan(emulation_year)
    back = _to_plan(emulation_year, "#documents")
    return request_rendering(request, plan, kind=DOCUMENT_KIND, action="conference.plan.document", fmt=fmt, then=back)


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
