"""Pages of report submissions: a unit's reports (status, versions, upload, the summary written in the
browser), the leader's matrix of units × deadlines with decisions and extensions, files and ZIP downloads."""

import shutil
import tempfile
import zipfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from blocs.enums import DeadlineKind
from blocs.models import Deadline, EmulationYear, Unit
from blocs.roles import facts
from blocs.shortcuts import year_or_404
from core.files import private_file_response
from core.forms import apply_service_errors
from core.permissions import can, ensure_can, may_know

from ..editor import default_title, summary_file, summary_measure
from ..forms import ExtensionForm, ReturnForm, SummaryForm, UploadForm
from ..models import Submission, SubmissionVersion
from ..selectors import Cell, Grid, late_text, submission_grid
from ..services import submissions as services

ZIP_IN_MEMORY = 16 * 1024 * 1024  # a larger archive spills to a temporary file


def _known_year(request, slug: str, year: int) -> EmulationYear:
    """The year at the URL, 404 to whoever may not know it exists (not a member of it, nor its board): the same
    answer as for a year that does not exist, before any of its deadlines is looked up."""
    emulation_year = year_or_404(slug, year)
    if not may_know(request.user, emulation_year):
        raise Http404
    return emulation_year


def _deadline(emulation_year: EmulationYear, pk: int) -> Deadline:
    deadline = get_object_or_404(emulation_year.deadlines.select_related("unit"), pk=pk, kind__in=services.FILE_KINDS)
    deadline.year = emulation_year
    return deadline


def _own_unit(request) -> Unit:
    person = facts(request.user).person
    if person is None or person.unit is None:
        raise PermissionDenied
    return person.unit


def _page_url(emulation_year: EmulationYear, *, unit: Unit | None = None, deadline: Deadline | None = None) -> str:
    url = reverse("reports:submissions", kwargs={"slug": emulation_year.bloc.slug, "year": emulation_year.year})
    if unit is not None:
        url += f"?unit={unit.pk}"
    if deadline is not None:
        url += f"#deadline-{deadline.pk}"
    return url


def _own_cell(request, emulation_year: EmulationYear, deadline: Deadline) -> tuple[Unit, Grid, Cell]:
    """The officer's unit and its cell for a deadline: 403 outside the bloc, 404 for a deadline not its own."""
    unit = _own_unit(request)
    grid = submission_grid(emulation_year, unit=unit)
    if not grid.for_unit(unit) and unit.pk not in grid.member_ids:
        raise PermissionDenied
    cell = grid.cell(deadline, unit)
    if cell is None:
        raise Http404
    return unit, grid, cell


def _apply_service_errors(form, error: ValidationError, names: dict[str, str] | None = None) -> None:
    """apply_service_errors, with the service's field names mapped to the form's."""
    if names and hasattr(error, "error_dict"):
        error = ValidationError({names.get(k, k): v for k, v in error.error_dict.items()})
    apply_service_errors(form, error)


# --- a unit's reports ------------------------------------------------------------------------------------


def _unit_context(request, emulation_year: EmulationYear, grid: Grid, unit: Unit, *, bound=None) -> dict:
    """`bound`: (deadline pk, "upload" | "return" | "extend", form) to show again with its errors."""
    user = request.user
    own = facts(user).unit_id == unit.pk
    may_decide = can(user, "reports.submission.decide", emulation_year)
    sees_all = can(user, "reports.submission.view_all", emulation_year)
    rows = []
    for cell in grid.for_unit(unit):
        deadline = cell.deadline
        prefix = f"d{deadline.pk}"
        summary = deadline.kind == DeadlineKind.SUMMARY_REPORT
        bound_kind, bound_form = (bound[1], bound[2]) if bound and bound[0] == deadline.pk else (None, None)
        may_upload = (
            own
            and cell.is_open
            and cell.may_replace
            and not cell.registered  # answered on the covenant page: nothing to send here
            and can(user, "reports.submission.upload", (deadline, unit))
        )
        upload_form = bound_form if bound_kind == "upload" else None
        if upload_form is None and may_upload:
            upload_form = UploadForm(prefix=prefix, summary=summary)
        return_form = extension_form = None
        if may_decide:
            return_form = bound_form if bound_kind == "return" else ReturnForm(prefix=prefix)
            extension_form = bound_form if bound_kind == "extend" else None
            if extension_form is None:
                initial = {}
                if cell.extension:
                    local = timezone.localtime(cell.extension.due_at)
                    initial = {"due_date": local.date(), "due_time": local.time(), "reason": cell.extension.reason}
                extension_form = ExtensionForm(prefix=prefix, initial=initial)
        rows.append(
            {
                "cell": cell,
                "deadline": deadline,
                "summary": summary,
                "upload_form": upload_form,
                "may_write": summary and may_upload,
                "return_form": return_form if cell.waiting else None,
                "extension_form": extension_form,
                "versions": [
                    {"version": v, "late": late_text(v.late_seconds) if v.late_seconds else ""} for v in cell.versions
                ],
            }
        )
    return {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "unit": unit,
        "own": own,
        "rows": rows,
        "may_decide": may_decide,
        "sees_all": sees_all,
        "may_download": own or sees_all,
    }


def _render_unit(request, emulation_year, unit, *, bound=None):
    grid = submission_grid(emulation_year, unit=unit)
    context = _unit_context(request, emulation_year, grid, unit, bound=bound)
    return render(request, "reports/submissions_unit.html", context)


@login_required
def unit_submissions(request, slug, year):
    """The officer's own unit; with ?unit=<pk>, any unit for the leader and the board (read-only)."""
    emulation_year = _known_year(request, slug, year)
    user = request.user
    own_id = facts(user).unit_id
    raw = request.GET.get("unit")
    if raw is not None and raw != str(own_id):
        ensure_can(user, "reports.submission.view_all", emulation_year)
        if not raw.isdigit():
            raise Http404
        grid = submission_grid(emulation_year)
        unit = next((u for u in grid.units if u.pk == int(raw)), None)
        if unit is None:
            raise Http404
        return render(request, "reports/submissions_unit.html", _unit_context(request, emulation_year, grid, unit))
    if own_id is None:
        if can(user, "reports.submission.view_all", emulation_year):
            return redirect("reports:submission-matrix", slug=slug, year=year)
        raise PermissionDenied
    unit = _own_unit(request)
    grid = submission_grid(emulation_year, unit=unit)
    if not grid.for_unit(unit) and unit.pk not in grid.member_ids:
        raise PermissionDenied  # a unit outside the bloc this year: nothing here is its business
    return render(request, "reports/submissions_unit.html", _unit_context(request, emulation_year, grid, unit))


@login_required
@require_POST
def submission_upload(request, slug, year, deadline_pk):
    emulation_year = _known_year(request, slug, year)
    deadline = _deadline(emulation_year, deadline_pk)
    unit, _grid, _cell = _own_cell(request, emulation_year, deadline)
    ensure_can(request.user, "reports.submission.upload", (deadline, unit))
    summary = deadline.kind == DeadlineKind.SUMMARY_REPORT
    form = UploadForm(request.POST, request.FILES, prefix=f"d{deadline.pk}", summary=summary)
    if form.is_valid():
        try:
            version = services.submission_upload(
                deadline=deadline, unit=unit, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _say_received(request, deadline, version)
            return redirect(_page_url(emulation_year, deadline=deadline))
    return _render_unit(request, emulation_year, unit, bound=(deadline.pk, "upload", form))


def _say_received(request, deadline: Deadline, version: SubmissionVersion) -> None:
    text = _("Version %(n)d of “%(title)s” was received.") % {"n": version.number, "title": deadline.title}
    if version.late_seconds:
        text += " " + _("It was sent %(late)s after the due date.") % {"late": late_text(version.late_seconds)}
        messages.warning(request, text)
    else:
        messages.success(request, text)


@login_required
def submission_write(request, slug, year, deadline_pk):
    """The summary written in the browser: rendered in the official layout, measured, then submitted."""
    emulation_year = _known_year(request, slug, year)
    deadline = _deadline(emulation_year, deadline_pk)
    if deadline.kind != DeadlineKind.SUMMARY_REPORT:
        raise Http404
    unit, _grid, cell = _own_cell(request, emulation_year, deadline)
    ensure_can(request.user, "reports.submission.upload", (deadline, unit))
    measured = None
    if request.method == "POST":
        form = SummaryForm(request.POST)
        if form.is_valid():
            content = form.content()
            try:
                if request.POST.get("action") == "measure":
                    pages, length = summary_measure(deadline=deadline, unit=unit, content=content, by=request.user)
                    measured = {"pages": pages, "length": length}
                else:
                    upload = summary_file(deadline=deadline, unit=unit, content=content)
                    version = services.submission_upload(
                        deadline=deadline, unit=unit, upload=upload, by=request.user, content=content
                    )
                    _say_received(request, deadline, version)
                    return redirect(_page_url(emulation_year, deadline=deadline))
            except ValidationError as error:
                apply_service_errors(form, error)
    else:
        written = next((v.content for v in cell.versions if v.content), None)
        form = SummaryForm(initial=SummaryForm.initial_from(written, default_title(deadline, unit)))
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "unit": unit,
        "deadline": deadline,
        "cell": cell,
        "form": form,
        "measured": measured,
        "limit": emulation_year.setting("summary_page_limit"),
    }
    return render(request, "reports/submissions_write.html", context)


# --- the leader: matrix, decisions, extensions, the ZIP --------------------------------------------------


@login_required
def submission_matrix(request, slug, year):
    emulation_year = _known_year(request, slug, year)
    ensure_can(request.user, "reports.submission.view_all", emulation_year)
    grid = submission_grid(emulation_year)
    only_late = request.GET.get("late") == "1"
    rows = []
    for unit in grid.units:
        cells = [(d, grid.cell(d, unit)) for d in grid.deadlines]
        if only_late and not any(c and c.late_or_missing for _d, c in cells):
            continue
        rows.append({"unit": unit, "cells": cells})
    columns = [
        {"deadline": d, "files": any(grid.cell(d, u) and grid.cell(d, u).latest for u in grid.units)}
        for d in grid.deadlines
    ]
    context = {
        "year": emulation_year,
        "bloc": emulation_year.bloc,
        "columns": columns,
        "rows": rows,
        "only_late": only_late,
        "unit_count": len(grid.units),
        "may_decide": can(request.user, "reports.submission.decide", emulation_year),
    }
    return render(request, "reports/submissions_matrix.html", context)


def _decision_target(request, slug, year, deadline_pk, unit_pk):
    emulation_year = _known_year(request, slug, year)
    ensure_can(request.user, "reports.submission.decide", emulation_year)
    deadline = _deadline(emulation_year, deadline_pk)
    submission = get_object_or_404(Submission.objects.select_related("unit"), deadline=deadline, unit_id=unit_pk)
    submission.deadline = deadline
    return emulation_year, deadline, submission


@login_required
@require_POST
def submission_accept(request, slug, year, deadline_pk, unit_pk):
    emulation_year, deadline, submission = _decision_target(request, slug, year, deadline_pk, unit_pk)
    try:
        services.submission_accept(submission=submission, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The submission of %(unit)s was accepted.") % {"unit": submission.unit.short_name})
    return redirect(_page_url(emulation_year, unit=submission.unit, deadline=deadline))


@login_required
@require_POST
def submission_return(request, slug, year, deadline_pk, unit_pk):
    emulation_year, deadline, submission = _decision_target(request, slug, year, deadline_pk, unit_pk)
    form = ReturnForm(request.POST, prefix=f"d{deadline.pk}")
    if form.is_valid():
        try:
            services.submission_return(submission=submission, note=form.cleaned_data["note"], by=request.user)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                messages.error(request, " ".join(error.messages))
                return redirect(_page_url(emulation_year, unit=submission.unit, deadline=deadline))
            apply_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The submission of %(unit)s was returned for correction; the unit was notified.")
                % {"unit": submission.unit.short_name},
            )
            return redirect(_page_url(emulation_year, unit=submission.unit, deadline=deadline))
    return _render_unit(request, emulation_year, submission.unit, bound=(deadline.pk, "return", form))


@login_required
@require_POST
def extension_grant(request, slug, year, deadline_pk, unit_pk):
    emulation_year = _known_year(request, slug, year)
    ensure_can(request.user, "reports.submission.decide", emulation_year)
    deadline = _deadline(emulation_year, deadline_pk)
    unit = get_object_or_404(Unit, pk=unit_pk)
    if unit.pk not in {u.pk for u in services.owing_units(deadline)}:
        raise Http404
    form = ExtensionForm(request.POST, prefix=f"d{deadline.pk}")
    if form.is_valid():
        try:
            extension = services.extension_grant(
                deadline=deadline, unit=unit, due_at=form.due_at(), reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            _apply_service_errors(form, error, ExtensionForm.service_fields)
        else:
            messages.success(
                request,
                _("%(unit)s now has until %(date)s for “%(title)s”.")
                % {
                    "unit": unit.short_name,
                    "date": timezone.localtime(extension.due_at).strftime("%d/%m/%Y %H:%M"),
                    "title": deadline.title,
                },
            )
            return redirect(_page_url(emulation_year, unit=unit, deadline=deadline))
    return _render_unit(request, emulation_year, unit, bound=(deadline.pk, "extend", form))


@login_required
def submission_zip(request, slug, year, deadline_pk):
    """The latest file of every unit for one deadline, as one ZIP ("<unit code> - <file name>")."""
    emulation_year = _known_year(request, slug, year)
    ensure_can(request.user, "reports.submission.view_all", emulation_year)
    deadline = _deadline(emulation_year, deadline_pk)
    latest: dict[int, SubmissionVersion] = {}
    versions = SubmissionVersion.objects.filter(submission__deadline=deadline).select_related("submission__unit")
    for version in versions.order_by("submission_id", "-number"):
        latest.setdefault(version.submission_id, version)
    # Not a `with`: the response streams the buffer, then closes it.
    buffer = tempfile.SpooledTemporaryFile(max_size=ZIP_IN_MEMORY)  # noqa: SIM115
    written = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for version in sorted(latest.values(), key=lambda v: v.submission.unit.code):
            name = f"{version.submission.unit.code} - {version.original_name}".replace("/", "_").replace("\\", "_")
            try:
                source = version.file.open("rb")
            except FileNotFoundError:
                continue
            with source, archive.open(name, "w") as target:
                shutil.copyfileobj(source, target)
            written += 1
    if not written:
        buffer.close()
        raise Http404
    buffer.seek(0)
    filename = f"{emulation_year.bloc.slug}-{emulation_year.year}-{deadline.kind}-{deadline.pk}.zip"
    response = FileResponse(buffer, as_attachment=True, filename=filename, content_type="application/zip")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def submission_file(request, slug, year, version_pk):
    """One submitted file: to the unit's own officers, the leader and the board."""
    emulation_year = _known_year(request, slug, year)
    version = get_object_or_404(
        SubmissionVersion.objects.select_related("submission"), pk=version_pk, submission__deadline__year=emulation_year
    )
    own = facts(request.user).unit_id == version.submission.unit_id
    if not own:
        ensure_can(request.user, "reports.submission.view_all", emulation_year)
    return private_file_response(version.file, download_name=version.original_name)
