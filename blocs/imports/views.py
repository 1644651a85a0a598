"""Pages of the imports: upload a workbook, preview what it will create, confirm or cancel; the templates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import ensure_can

from ..models import Bloc, ImportBatch, Unit
from ..roles import facts
from . import parse, services
from .forms import ImportFileForm, MembersConfirmForm, PeopleConfirmForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _board_province(request):
    ensure_can(request.user, "blocs.people.manage", None)
    return facts(request.user).person.board_province


def _bloc(request, slug) -> Bloc:
    bloc = get_object_or_404(Bloc.objects.select_related("province"), slug=slug)
    ensure_can(request.user, "blocs.bloc.manage", bloc)
    return bloc


def _batch(request, pk) -> ImportBatch:
    """A batch of the board's own province (another province's: 404), which the user may import."""
    province = _board_province(request)
    batch = get_object_or_404(
        ImportBatch.objects.select_related("province", "bloc", "uploaded_by"), pk=pk, province=province
    )
    if batch.kind == ImportBatch.Kind.MEMBERS:
        ensure_can(request.user, "blocs.bloc.manage", batch.bloc)
    else:
        ensure_can(request.user, "blocs.people.manage", province)
    return batch


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _upload_page(request, *, bloc=None, form=None, row_errors=(), stale=None):
    """The upload page of the kind: with the form's errors, or the list of the file's problems (status 400)."""
    context = {"form": form or ImportFileForm(), "row_errors": row_errors, "stale": stale}
    if bloc is None:
        template = "blocs/imports/people_upload.html"
    else:
        template = "blocs/imports/members_upload.html"
        context["bloc"] = bloc
    return render(request, template, context, status=400 if row_errors else 200)


# --- units and officers ----------------------------------------------------------------------------------------


@login_required
def people_upload(request):
    province = _board_province(request)
    form = ImportFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.people_upload(province=province, file=form.cleaned_data["file"], by=request.user)
        except parse.ImportRefused as error:
            return _upload_page(request, form=form, row_errors=error.errors)
        return redirect("imports:batch", pk=batch.pk)
    return _upload_page(request, form=form)


@login_required
def people_template(request):
    province = _board_province(request)
    units = Unit.objects.filter(province=province, is_active=True).order_by("code")
    return _xlsx(parse.people_template(province=province, units=units), "mau-nhap-don-vi-can-bo.xlsx")


# --- members and rotation of a bloc ---------------------------------------------------------------------------


@login_required
def members_upload(request, slug):
    bloc = _bloc(request, slug)
    form = ImportFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.members_upload(bloc=bloc, file=form.cleaned_data["file"], by=request.user)
        except parse.ImportRefused as error:
            return _upload_page(request, bloc=bloc, form=form, row_errors=error.errors)
        return redirect("imports:batch", pk=batch.pk)
    return _upload_page(request, bloc=bloc, form=form)


@login_required
def members_template(request, slug):
    bloc = _bloc(request, slug)
    units = list(Unit.objects.filter(province=bloc.province_id).order_by("-is_active", "code"))
    content = parse.members_template(bloc=bloc, units=units, year=timezone.localdate().year)
    return _xlsx(content, f"mau-nhap-thanh-vien-{bloc.slug}.xlsx")


# --- a batch: preview, confirm, cancel, result ---------------------------------------------------------------


def _is_people(batch: ImportBatch) -> bool:
    return batch.kind == ImportBatch.Kind.PEOPLE


@login_required
def batch_detail(request, pk):
    batch = _batch(request, pk)
    if batch.status == ImportBatch.Status.DISCARDED:
        messages.info(request, _("This import was cancelled; nothing was created from it."))
        return redirect("imports:people") if _is_people(batch) else redirect("imports:members", slug=batch.bloc.slug)
    context = {"batch": batch, "bloc": batch.bloc}
    if batch.status == ImportBatch.Status.IMPORTED:
        context["result"] = services.batch_result(batch)
        template = "people_result" if _is_people(batch) else "members_result"
        return render(request, f"blocs/imports/{template}.html", context)
    try:
        context["plan"] = services.batch_plan(batch)
    except parse.ImportRefused as error:
        context["row_errors"] = error.errors
    context["form"] = PeopleConfirmForm() if _is_people(batch) else MembersConfirmForm()
    template = "people_preview" if _is_people(batch) else "members_preview"
    return render(request, f"blocs/imports/{template}.html", context, status=400 if "row_errors" in context else 200)


@login_required
@require_POST
def batch_confirm(request, pk):
    batch = _batch(request, pk)
    form = (PeopleConfirmForm if _is_people(batch) else MembersConfirmForm)(request.POST)
    form.is_valid()  # a checkbox: always valid
    try:
        services.batch_confirm(batch=batch, invite=form.cleaned_data.get("invite", False), by=request.user)
    except services.BatchClosed as closed:
        if closed.batch.status == ImportBatch.Status.IMPORTED:
            messages.error(request, _("This file was already imported; nothing more was created."))
        return redirect("imports:batch", pk=batch.pk)
    except parse.ImportRefused as error:
        return _upload_page(request, bloc=batch.bloc, row_errors=error.errors, stale=batch)
    messages.success(request, _("The import is done."))
    return redirect("imports:batch", pk=batch.pk)


@login_required
@require_POST
def batch_discard(request, pk):
    batch = _batch(request, pk)
    try:
        services.batch_discard(batch=batch, by=request.user)
    except services.BatchClosed as closed:
        if closed.batch.status == ImportBatch.Status.IMPORTED:
            messages.error(request, _("This file was already imported; it can no longer be cancelled."))
            return redirect("imports:batch", pk=batch.pk)
    else:
        messages.success(request, _("The import was cancelled; nothing was created."))
    if _is_people(batch):
        return redirect("imports:people")
    return redirect("imports:members", slug=batch.bloc.slug)
