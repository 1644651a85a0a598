"""Pages of the scoring app: the criteria table, the unit's sheet, the review, the ranking."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from blocs.models import EmulationYear
from blocs.roles import facts
from blocs.shortcuts import YEAR_RELATED, year_or_404
from core import pending
from core.files import private_file_response
from core.forms import apply_service_errors
from core.permissions import can, ensure_can

from . import excel, selectors, services
from .forms import CriterionForm, ImportForm, PointsField, ReturnForm, ReviewForm, SheetForm, evidence_check
from .models import CriteriaTable, Criterion, Evidence, ScoreChange, Sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# A sheet with its unit, its year as year_or_404 loads it, and the year's criteria table (None if there is none).
SHEET_RELATED = ("unit", *(f"year__{name}" for name in YEAR_RELATED), "year__criteria_table")


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- criteria table ------------------------------------------------------------------------------------


@login_required
def table_detail(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "scoring.table.view", emulation_year)
    table = selectors.table_for_year(emulation_year)
    tree = selectors.criteria_tree(table) if table else []
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "table": table,
        "tree": tree,
        "frozen": selectors.table_is_frozen(table) if table else False,
        "may_edit": table is not None and can(request.user, "scoring.table.edit", table),
        "may_edit_empty": can(request.user, "scoring.table.edit", table or CriteriaTable(year=emulation_year)),
        "standard_total": sum(c.max_points for c in tree if c.parent_id is None and c.kind == "standard"),
        "import_form": ImportForm(),
    }
    return render(request, "scoring/table.html", context)


def _editable_table(request, slug, year):
    emulation_year = year_or_404(slug, year)
    # Ask first (the rule works on an unsaved table): a refused request must create nothing.
    ensure_can(
        request.user,
        "scoring.table.edit",
        selectors.table_for_year(emulation_year) or CriteriaTable(year=emulation_year),
    )
    return emulation_year, services.table_for(emulation_year)


@login_required
def criterion_edit(request, slug, year, pk=None):
    emulation_year, table = _editable_table(request, slug, year)
    criterion = get_object_or_404(Criterion, pk=pk, table=table) if pk else Criterion(table=table)
    form = CriterionForm(request.POST or None, instance=criterion, table=table)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(criterion=form.instance, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The criterion %(code)s was saved.") % {"code": criterion.code})
            return redirect("scoring:table", slug=slug, year=year)
    context = {"form": form, "year": emulation_year, "bloc": emulation_year.bloc, "criterion": criterion}
    return render(request, "scoring/criterion_form.html", context)


@login_required
@require_POST
def criterion_delete(request, slug, year, pk):
    _emulation_year, table = _editable_table(request, slug, year)
    criterion = get_object_or_404(Criterion, pk=pk, table=table)
    try:
        services.criterion_delete(criterion=criterion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The criterion was deleted."))
    return redirect("scoring:table", slug=slug, year=year)


@login_required
@require_POST
def table_copy(request, slug, year):
    _emulation_year, table = _editable_table(request, slug, year)
    try:
        created = services.table_copy_previous(table=table, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            ngettext(
                "%(n)d criterion was copied from the earlier table.",
                "%(n)d criteria were copied from the earlier table.",
                len(created),
            )
            % {"n": len(created)},
        )
    return redirect("scoring:table", slug=slug, year=year)


@login_required
def table_import(request, slug, year):
    emulation_year, table = _editable_table(request, slug, year)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.table_import_file(table=table, file=form.cleaned_data["file"], by=request.user)
        except excel.TableImportError as error:
            row_errors = error.errors
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                ngettext("%(n)d criterion was imported.", "%(n)d criteria were imported.", len(created))
                % {"n": len(created)},
            )
            return redirect("scoring:table", slug=slug, year=year)
    context = {"form": form, "year": emulation_year, "bloc": emulation_year.bloc, "row_errors": row_errors}
    return render(request, "scoring/table_import.html", context, status=400 if row_errors else 200)


@login_required
def table_export(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "scoring.table.view", emulation_year)
    table = selectors.table_for_year(emulation_year)
    if table is None:
        raise Http404
    return _xlsx(excel.export_table(table), f"bang-tieu-chi-{slug}-{year}.xlsx")


@login_required
def table_template(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "scoring.table.view", emulation_year)
    return _xlsx(excel.template_workbook(), "mau-bang-tieu-chi.xlsx")


# --- the unit's own sheet ------------------------------------------------------------------------------


def _sheet_context(sheet: Sheet, tree, scores, form, *, review_form=None, kept=None):
    """What both sheet pages show, from the tree and the scores (with their evidence) the view has loaded; `kept`:
    the files chosen on refused posts that the next save attaches (core.pending), by criterion id."""
    year = sheet.year
    points = {}
    source = review_form or form
    for node in tree:
        if node.is_leaf:
            points[node.pk] = _typed_points(source, node, scores, reviewed=review_form is not None)
    totals = selectors.sheet_totals(
        tree, points, bonus_cap=year.setting("bonus_cap"), deduction_cap=year.setting("deduction_cap")
    )
    rows = []
    for node in tree:
        score = scores.get(node.pk)
        row = {
            "node": node,
            "score": score,
            "files": list(score.evidence.all()) if score is not None else [],
            "kept": (kept or {}).get(node.pk, []),
        }
        if node.is_leaf and form is not None:
            row.update(
                points=form[f"points_{node.pk}"],
                explanation=form[f"explanation_{node.pk}"],
                evidence=form[f"evidence_{node.pk}"],
            )
        if node.is_leaf and review_form is not None:
            row.update(reviewed=review_form[f"reviewed_{node.pk}"], reason=review_form[f"reason_{node.pk}"])
        rows.append(row)
    return {
        "rows": rows,
        "error_links": _error_links(review_form or form, tree),
        "sheet": sheet,
        "year": year,
        "bloc": year.bloc,
        "tree": tree,
        "scores": scores,
        "form": form,
        "review_form": review_form,
        "totals": totals,
        "history": _score_history(sheet, tree, scores),
        # Versions are made only by sending the sheet, which sets submitted_at (nothing clears it).
        "versions": list(sheet.versions.select_related("submitted_by")) if sheet.submitted_at else [],
    }


# The fields of a criterion's row, in the order the row shows them.
ROW_FIELDS = ("points", "explanation", "evidence", "reviewed", "reason")


def _error_links(form, tree) -> list[tuple[str, str]]:
    """(id of the field, "code: message") of each error of a criterion's row, in the order of the page: the error
    summary above the form links to each."""
    if form is None or not form.is_bound or not form.errors:
        return []
    links = []
    for node in tree:
        if not node.is_leaf:
            continue
        for prefix in ROW_FIELDS:
            name = f"{prefix}_{node.pk}"
            if name in form.fields and form.errors.get(name):
                links.extend((form[name].auto_id, f"{node.code}: {message}") for message in form.errors[name])
    return links


def _score_history(sheet: Sheet, tree, scores) -> list[ScoreChange]:
    """The changes of the sheet's scores, newest first, on the score and criterion objects already loaded."""
    if not scores:  # every change belongs to a score: none yet, no history
        return []
    history = list(
        ScoreChange.objects.filter(score__sheet=sheet).select_related("changed_by").order_by("-changed_at", "-id")
    )
    nodes = {node.pk: node for node in tree}
    by_id = {}
    for score in scores.values():
        if score.criterion_id in nodes:
            score.criterion = nodes[score.criterion_id]
        by_id[score.pk] = score
    for change in history:
        if change.score_id in by_id:
            change.score = by_id[change.score_id]
    return history


def _typed_points(form, node, scores, *, reviewed: bool):
    name = f"{'reviewed' if reviewed else 'points'}_{node.pk}"
    if form is not None and form.is_bound:
        value = form.data.get(name, "")
        try:
            return form.fields[name].clean(value)
        except ValidationError:
            return None
    score = scores.get(node.pk)
    if score is None:
        return None
    return score.final_points if reviewed else score.self_points


def _own_sheet(request, slug, year) -> tuple[Sheet, object]:
    """The officer's own sheet (unsaved before its first save) and the unit's due date, once it may be seen.

    One query reads the sheet with its year, the year's criteria table and the unit's due date; before the first
    save there is no sheet, and a second query reads the year with the same."""
    officer = facts(request.user)
    unit_id = officer.unit_id
    sheet = None
    if unit_id is not None:
        sheet = (
            Sheet.objects.select_related(*SHEET_RELATED)
            .annotate(sheet_due_at=selectors.self_assessment_due(OuterRef("year_id"), OuterRef("unit_id")))
            .filter(year__bloc__slug=slug, year__year=year, unit_id=unit_id)
            .first()
        )
    if sheet is not None:
        emulation_year, due_at = sheet.year, sheet.sheet_due_at
    else:
        emulation_year = get_object_or_404(
            EmulationYear.objects.select_related(*YEAR_RELATED, "criteria_table").annotate(
                sheet_due_at=selectors.self_assessment_due(OuterRef("pk"), unit_id)
            ),
            bloc__slug=slug,
            year=year,
        )
        due_at = emulation_year.sheet_due_at
    ensure_can(request.user, "scoring.table.view", emulation_year)
    if unit_id is None:
        raise PermissionDenied
    if sheet is None:
        sheet = Sheet(year=emulation_year, unit=officer.person.unit)
    ensure_can(request.user, "scoring.sheet.view", sheet)
    return sheet, due_at


def _typed_on_current(request, sheet: Sheet, leaves) -> tuple[SheetForm, dict]:
    """What was typed, on top of the sheet as it is stored now (its version, and its scores shown below too)."""
    current = Sheet.objects.filter(pk=sheet.pk).values_list("version", flat=True).first()
    rebound = request.POST.copy()
    rebound["version"] = str(current or sheet.version)
    scores = selectors.scores_by_criterion(sheet)
    form = SheetForm(rebound, leaves=leaves, scores=scores)
    form.is_valid()
    return form, scores


def _send_confirm(sheet: Sheet) -> str:
    """The question before sending, naming who receives the sheet and what cannot be undone. The deputy reviews
    the leader unit's own sheet, the leader every other (as scoring.permissions.is_reviewer and sheet_submit)."""
    year = sheet.year
    if sheet.unit_id == year.leader_id and year.deputy is not None:
        return _(
            "Send the self-assessment sheet to the deputy leader unit, %(unit)s? Once it is sent, your unit can no "
            "longer change it, unless the deputy leader unit returns it."
        ) % {"unit": year.deputy.short_name}
    if sheet.unit_id != year.leader_id and year.leader is not None:
        return _(
            "Send the self-assessment sheet to the leader unit, %(unit)s? Once it is sent, your unit can no longer "
            "change it, unless the leader unit returns it."
        ) % {"unit": year.leader.short_name}
    return _(
        "Send the self-assessment sheet for review? Once it is sent, your unit can no longer change it, unless the "
        "reviewer returns it."
    )


def _kept_by_criterion(rows) -> dict[int, list]:
    """The pending uploads of the sheet page (field "evidence_<criterion id>") by criterion id."""
    kept = {}
    for field, field_rows in pending.by_field(rows).items():
        criterion_id = field.removeprefix("evidence_")
        if criterion_id.isdigit():
            kept[int(criterion_id)] = field_rows
    return kept


def _ids(values) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@login_required
def my_sheet(request, slug, year):
    sheet, due_at = _own_sheet(request, slug, year)
    table = getattr(sheet.year, "criteria_table", None)
    tree = selectors.criteria_tree(table) if table is not None else []
    if not tree:
        return render(request, "scoring/no_table.html", {"year": sheet.year, "bloc": sheet.year.bloc})
    editable = can(request.user, "scoring.sheet.fill", sheet)
    leaves = selectors.scored_leaves(tree)
    scores = selectors.scores_by_criterion(sheet) if sheet.pk else {}
    # Files chosen on earlier refused posts of this page, kept for this person until a save attaches them.
    scope = pending.scope_key("scoring.sheet", sheet.year_id, sheet.unit_id)
    kept = pending.pending_for(owner=request.user, scope=scope) if editable else []
    data = request.POST if request.method == "POST" else None
    form = SheetForm(data, request.FILES or None, leaves=leaves, scores=scores, initial={"version": sheet.version})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        if dropped := pending.pending_drop(
            owner=request.user, scope=scope, ids=_ids(request.POST.getlist("remove_pending"))
        ):
            kept = [row for row in kept if row.pk not in dropped]
        posted, send, saved = form, request.POST.get("action", "save") == "submit", False
        if form.is_valid():
            try:
                services.sheet_save_or_send(
                    sheet=sheet,
                    entries=form.entries(),
                    files=form.uploads(),
                    kept=_kept_by_criterion(kept),
                    remove_evidence=_ids(request.POST.getlist("remove_evidence")),
                    expected_version=form.cleaned_data["version"],
                    send=send,
                    by=request.user,
                )
            except (services.NotSent, services.StaleEdit) as error:
                # Keep what was typed, on top of the current version of the sheet.
                saved, sheet = isinstance(error, services.NotSent), error.sheet or sheet
                form, scores = _typed_on_current(request, sheet, leaves)
                if saved:
                    kept = []  # attached with the draft that was saved
                    messages.warning(request, _("Your draft was saved, but it was not sent: see the marked rows."))
                apply_service_errors(form, error)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(
                    request, _("Your sheet was sent to the reviewer.") if send else _("Your draft was saved.")
                )
                return redirect("scoring:my-sheet", slug=slug, year=year)
        if not saved:
            # Nothing was stored: the files chosen with this post are kept for the next save, not lost.
            new, not_kept = pending.pending_keep(
                owner=request.user,
                scope=scope,
                uploads={f"evidence_{pk}": files for pk, files in posted.valid_uploads().items()},
                validate=evidence_check,
            )
            kept += new
            if new:
                messages.info(
                    request,
                    ngettext(
                        "The file you chose is kept: it is stored when you save again.",
                        "The %(n)d files you chose are kept: they are stored when you save again.",
                        len(new),
                    )
                    % {"n": len(new)},
                )
            if unstored := not_kept + posted.unknown_uploads():
                message = _("These files were not stored because the form has errors; choose them again: %(files)s")
                messages.error(request, message % {"files": ", ".join(unstored)})
    # Nothing else was stored since `scores` was read: a refused save changes nothing (the service rolls back).
    context = _sheet_context(sheet, tree, scores, form, kept=_kept_by_criterion(kept))
    context.update(editable=editable, due_at=due_at, send_confirm=_send_confirm(sheet) if editable else "")
    return render(request, "scoring/sheet.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def sheet_totals(request, slug, year, unit_id=None):
    """HTMX: the totals of what is typed, by group and overall (nothing is saved)."""
    emulation_year = year_or_404(slug, year)
    unit_id = unit_id or facts(request.user).unit_id
    sheet = Sheet.objects.filter(year=emulation_year, unit_id=unit_id).first() or Sheet(
        year=emulation_year, unit_id=unit_id
    )
    ensure_can(request.user, "scoring.sheet.view", sheet)
    table = selectors.table_for_year(emulation_year)
    if table is None:
        raise Http404
    tree = selectors.criteria_tree(table)
    prefix = "reviewed" if request.POST.get("mode") == "review" else "points"
    points = {}
    for node in tree:
        if node.is_leaf:
            raw = request.POST.get(f"{prefix}_{node.pk}", "")
            try:
                points[node.pk] = PointsField(max_points=node.max_points).clean(raw)
            except ValidationError:
                points[node.pk] = None
    totals = selectors.sheet_totals(
        tree,
        points,
        bonus_cap=emulation_year.setting("bonus_cap"),
        deduction_cap=emulation_year.setting("deduction_cap"),
    )
    return render(
        request, "scoring/_totals.html", {"totals": totals, "tree": tree, "year": emulation_year, "oob": True}
    )


@login_required
def evidence_download(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("score__sheet__year__bloc"), pk=pk)
    sheet = evidence.score.sheet
    if not sheet.is_sent and not can(request.user, "scoring.evidence.download", evidence):
        raise Http404  # evidence of another unit's unsent draft: not there for anyone else
    ensure_can(request.user, "scoring.evidence.download", evidence)
    return private_file_response(evidence.file, download_name=evidence.original_name)


# --- review --------------------------------------------------------------------------------------------


@login_required
def review_list(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "scoring.review.list", emulation_year)
    rows = selectors.review_list(emulation_year)
    f = facts(request.user)
    if f.unit_id == emulation_year.deputy_id and f.unit_id != emulation_year.leader_id:
        rows = [r for r in rows if r.unit.pk == emulation_year.leader_id]
    publishable, waiting = selectors.publishable(emulation_year)
    table = selectors.table_for_year(emulation_year)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "rows": rows,
        "publishable": publishable,
        "waiting": waiting,
        "table": table,
    }
    return render(request, "scoring/review_list.html", context)


def _review_target(request, slug, year, unit_id):
    """The unit's sheet with its year and the year's criteria table, in one query. A sheet never sent is the unit's
    own draft: to anyone else it does not exist yet (404, as for a unit that has no sheet)."""
    sheet = get_object_or_404(
        Sheet.objects.select_related(*SHEET_RELATED),
        year__bloc__slug=slug,
        year__year=year,
        unit_id=unit_id,
    )
    if not sheet.is_sent:
        raise Http404
    return sheet.year, sheet


@login_required
def review_sheet(request, slug, year, unit_id):
    emulation_year, sheet = _review_target(request, slug, year, unit_id)
    ensure_can(request.user, "scoring.sheet.view", sheet)
    may_review = can(request.user, "scoring.sheet.review", sheet)
    tree = selectors.criteria_tree(emulation_year.criteria_table)
    leaves = selectors.scored_leaves(tree)
    scores = selectors.scores_by_criterion(sheet)
    data = request.POST if request.method == "POST" else None
    form = ReviewForm(data, leaves=leaves, scores=scores, initial={"version": sheet.version})
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.sheet_review(
                    sheet=sheet,
                    entries=form.entries(),
                    expected_version=form.cleaned_data["version"],
                    by=request.user,
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, _("The review was saved."))
                return redirect("scoring:review-sheet", slug=slug, year=year, unit_id=unit_id)
    # A refused review changed nothing (the service rolls back): the scores read above are still current.
    context = _sheet_context(sheet, tree, scores, None, review_form=form)
    context.update(may_review=may_review and sheet.status in ("submitted", "reviewed"), return_form=ReturnForm())
    return render(request, "scoring/review_sheet.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def review_return(request, slug, year, unit_id):
    _emulation_year, sheet = _review_target(request, slug, year, unit_id)
    ensure_can(request.user, "scoring.sheet.review", sheet)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.sheet_return(sheet=sheet, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The sheet was returned to %(unit)s.") % {"unit": sheet.unit.short_name})
            return redirect("scoring:review-list", slug=slug, year=year)
    else:
        messages.error(request, _("Say what the unit should correct."))
    return redirect("scoring:review-sheet", slug=slug, year=year, unit_id=unit_id)


@login_required
@require_POST
def review_finalize(request, slug, year, unit_id):
    _emulation_year, sheet = _review_target(request, slug, year, unit_id)
    ensure_can(request.user, "scoring.sheet.review", sheet)
    try:
        services.sheet_finalize(sheet=sheet, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("scoring:review-sheet", slug=slug, year=year, unit_id=unit_id)
    messages.success(request, _("The sheet of %(unit)s is final.") % {"unit": sheet.unit.short_name})
    return redirect("scoring:review-list", slug=slug, year=year)


# --- ranking -------------------------------------------------------------------------------------------


def _ranking_rows(emulation_year):
    return selectors.ranking_for_year(emulation_year)


@login_required
def ranking(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "scoring.ranking.view", emulation_year)
    table = selectors.table_for_year(emulation_year)
    publishable, waiting = selectors.publishable(emulation_year)
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "rows": _ranking_rows(emulation_year),
        "table": table,
        "publishable": publishable,
        "waiting": waiting,
        "print_mode": request.GET.get("print") == "1",
    }
    return render(request, "scoring/ranking.html", context)


@login_required
@require_POST
def ranking_publish(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "scoring.ranking.publish", emulation_year)
    try:
        services.ranking_publish(year=emulation_year, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The ranking is published: every member unit can see it now."))
    return redirect("scoring:ranking", slug=slug, year=year)


@login_required
def ranking_export(request, slug, year):
    emulation_year = year_or_404(slug, year)
    ensure_can(request.user, "scoring.ranking.view", emulation_year)
    rows = [ranking_row_dict(r) for r in _ranking_rows(emulation_year)]
    title = _("Ranking %(year)s – %(bloc)s") % {"year": emulation_year.year, "bloc": emulation_year.bloc.name}
    return _xlsx(excel.export_ranking(rows, title=title), f"xep-hang-{slug}-{year}.xlsx")


def ranking_row_dict(row) -> dict:
    return {
        "rank": row.rank,
        "unit": row.unit.name,
        "self_total": row.self_total,
        "reviewed_total": row.reviewed_total,
        "bonus": row.bonus,
        "deductions": row.deductions,
        "classification": row.classification,
    }


def sheet_url(sheet: Sheet) -> str:
    year = sheet.year
    return reverse("scoring:review-sheet", args=[year.bloc.slug, year.year, sheet.unit_id])
